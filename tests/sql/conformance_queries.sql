-- One query per line, run in the engine and in PostgreSQL over the same
-- table `input` (see sql_conformance_test.cpp). `query ! text` expects
-- both to fail and the engine's error to contain text.
-- Expressions over every column type:
SELECT id, i16 + 1 FROM input
SELECT id, i32 - i16 FROM input
SELECT id, i64 * 2 FROM input
SELECT id, i32 / 3 FROM input
SELECT id, i32 % 7 FROM input
SELECT id, -i32 FROM input
SELECT id, i16 * i16 FROM input
SELECT id, i64 / i32 FROM input
SELECT id, f64 * 2 FROM input
SELECT id, f64 / 4 FROM input
SELECT id, f64 + i32 FROM input
SELECT id, n + 1 FROM input
SELECT id, n * 2 FROM input
SELECT id, n - i32 FROM input
SELECT id, n * n FROM input
SELECT id, n / 3 FROM input
SELECT id, i32 / 4.0 FROM input
SELECT id, i64 + n FROM input
SELECT id, n % 2 FROM input
SELECT id, 1 + 2 * 3 FROM input
SELECT id, (i32 + 1) * 2 FROM input
SELECT id, i32 = 10 FROM input
SELECT id, i32 <> 10 FROM input
SELECT id, i32 < 0 FROM input
SELECT id, i32 <= 7 FROM input
SELECT id, f64 > 1 FROM input
SELECT id, n >= 2.5 FROM input
SELECT id, t = 'alpha' FROM input
SELECT id, t < 'b' FROM input
SELECT id, t > 'Beta' FROM input
SELECT id, d = '2024-01-15' FROM input
SELECT id, d < '2000-01-01' FROM input
SELECT id, ts > '2024-01-01' FROM input
SELECT id, tz >= '2024-01-01 00:00:00+00' FROM input
SELECT id, b FROM input
SELECT id, NOT b FROM input
SELECT id, b AND i32 > 0 FROM input
SELECT id, b OR i32 < 0 FROM input
SELECT id, b IS NULL FROM input
SELECT id, b IS NOT NULL FROM input
SELECT id, b IS TRUE FROM input
SELECT id, b IS NOT FALSE FROM input
SELECT id, t IS NULL FROM input
SELECT id, i32 IS DISTINCT FROM 10 FROM input
SELECT id, i32 IS NOT DISTINCT FROM NULL FROM input
SELECT id, i32 IN (10, 7, 3) FROM input
SELECT id, i32 NOT IN (10, 7) FROM input
SELECT id, t IN ('alpha', 'Beta') FROM input
SELECT id, i32 BETWEEN 0 AND 10 FROM input
SELECT id, i32 NOT BETWEEN 0 AND 10 FROM input
SELECT id, d BETWEEN '2000-01-01' AND '2024-01-31' FROM input
SELECT id, t LIKE 'a%' FROM input
SELECT id, t LIKE '%a' FROM input
SELECT id, t LIKE '_eta' FROM input
SELECT id, t NOT LIKE '%l%' FROM input
SELECT id, t ILIKE 'BETA' FROM input
SELECT id, t ILIKE '%HELLO%' FROM input
SELECT id, t LIKE '%\%%' FROM input
SELECT id, CASE WHEN i32 > 0 THEN 'pos' WHEN i32 < 0 THEN 'neg' ELSE 'zero' END FROM input
SELECT id, CASE i32 WHEN 10 THEN 'ten' WHEN 7 THEN 'seven' END FROM input
SELECT id, CASE WHEN b THEN n ELSE 0 END FROM input
SELECT id, CASE WHEN i32 <> 0 THEN 100 / i32 ELSE 0 END FROM input
SELECT id, coalesce(i32, -1) FROM input
SELECT id, coalesce(t, 'none') FROM input
SELECT id, coalesce(NULL, i16, i32) FROM input
SELECT id, nullif(i32, 10) FROM input
SELECT id, nullif(t, '') FROM input
SELECT id, greatest(i16, i32) FROM input
SELECT id, least(i16, i32, 5) FROM input
SELECT id, CAST(i32 AS bigint) FROM input
SELECT id, i32::text FROM input
SELECT id, i64::text FROM input
SELECT id, f64::text FROM input
SELECT id, n::text FROM input
SELECT id, b::text FROM input
SELECT id, d::text FROM input
SELECT id, ts::text FROM input
SELECT id, tz::text FROM input
SELECT id, i16::numeric(10,2) FROM input
SELECT id, n::integer FROM input
SELECT id, f64::integer FROM input
SELECT id, n::float8 FROM input
SELECT id, '42'::integer FROM input
SELECT id, '3.5'::numeric(5,2) FROM input
SELECT id, '2024-05-06'::date FROM input
SELECT id, i32::float8 / 3 FROM input
SELECT id, d::timestamp FROM input
SELECT id, ts::date FROM input
SELECT id, tz::date FROM input
SELECT id, lower(t) FROM input WHERE id <> 6
SELECT id, upper(t) FROM input WHERE id <> 6
SELECT id, length(t) FROM input
SELECT id, substr(t, 2) FROM input
SELECT id, substr(t, 2, 3) FROM input
SELECT id, substr(t, 0, 2) FROM input
SELECT id, substring(t from 2 for 2) FROM input
SELECT id, trim(t) FROM input
SELECT id, trim(both 'a' from t) FROM input
SELECT id, ltrim(t, 'a') FROM input
SELECT id, rtrim(t, 'a') FROM input
SELECT id, concat(t, i32, n) FROM input
SELECT id, concat('x', NULL, 'y') FROM input
SELECT id, t || '!' FROM input
SELECT id, t || i32 FROM input
SELECT id, i32 || '-' || t FROM input
SELECT id, replace(t, 'a', 'A') FROM input
SELECT id, split_part(t, '-', 2) FROM input
SELECT id, split_part(t, '-', -1) FROM input
SELECT id, split_part(t, ' ', 1) FROM input
SELECT id, starts_with(t, 'al') FROM input
SELECT id, left(t, 2) FROM input
SELECT id, right(t, 3) FROM input
SELECT id, reverse(t) FROM input
SELECT id, regexp_replace(t, '[aeiou]', '*', 'g') FROM input
SELECT id, regexp_replace(t, '(\w+) (\w+)', '\2 \1') FROM input
SELECT id, regexp_replace(t, 'A', 'z', 'gi') FROM input
SELECT id, (regexp_match(t, '(\d+)-(\d+)'))[2] FROM input
SELECT id, regexp_match(t, '(\d+)-(\d+)') FROM input
SELECT id, (regexp_match(t, '^[a-z]+'))[1] FROM input
SELECT id, md5(t) FROM input
SELECT id, abs(i32) FROM input
SELECT id, abs(n) FROM input
SELECT id, abs(f64) FROM input
SELECT id, round(n) FROM input
SELECT id, round(n, 1) FROM input
SELECT id, round(f64) FROM input
SELECT id, floor(n) FROM input
SELECT id, ceil(n) FROM input
SELECT id, floor(f64) FROM input
SELECT id, ceil(f64) FROM input
SELECT id, mod(i32, 3) FROM input
SELECT id, mod(n, 2) FROM input
SELECT id, power(i32, 2) FROM input
SELECT id, power(f64, 2) FROM input
SELECT id, sqrt(abs(f64)) FROM input
SELECT id, sign(i32) FROM input
SELECT id, trunc(n, 1) FROM input
SELECT id, date_trunc('month', ts) FROM input
SELECT id, date_trunc('year', tz) FROM input
SELECT id, date_trunc('day', ts) FROM input
SELECT id, date_trunc('hour', ts) FROM input
SELECT id, date_trunc('week', ts) FROM input
SELECT id, date_trunc('quarter', ts) FROM input
SELECT id, date_trunc('month', d) FROM input
SELECT id, extract(year from d) FROM input
SELECT id, extract(month from ts) FROM input
SELECT id, extract(day from tz) FROM input
SELECT id, extract(hour from ts) FROM input
SELECT id, extract(minute from ts) FROM input
SELECT id, extract(second from ts) FROM input
SELECT id, extract(dow from d) FROM input
SELECT id, extract(doy from d) FROM input
SELECT id, extract(quarter from d) FROM input
SELECT id, extract(week from d) FROM input
SELECT id, extract(epoch from ts) FROM input
SELECT id, extract(epoch from tz) FROM input
SELECT id, date_part('year', ts) FROM input
SELECT id, date_part('dow', ts) FROM input
SELECT id, d + 1 FROM input
SELECT id, d - 1 FROM input
SELECT id, d - '2024-01-01'::date FROM input
SELECT id, d + interval '1 month' FROM input
SELECT id, ts + interval '1 day' FROM input
SELECT id, ts - interval '2 hours' FROM input
SELECT id, tz + interval '1 year 2 months' FROM input
SELECT id, ts - '2024-01-01 00:00:00'::timestamp FROM input
SELECT id, interval '1 day' * 2 FROM input
SELECT id, d + i16 FROM input
-- Filters, projections, ordering
SELECT * FROM input
SELECT id, t FROM input WHERE i32 > 0
SELECT id, t FROM input WHERE t IS NOT NULL AND length(t) > 4
SELECT id FROM input WHERE b
SELECT id FROM input WHERE NOT b
SELECT id FROM input WHERE i32 > 0 OR t = 'Beta'
SELECT id FROM input WHERE i32 IN (10, -20) OR n > 100
SELECT id, i32 FROM input ORDER BY i32
SELECT id, i32 FROM input ORDER BY i32 DESC
SELECT id, i32 FROM input ORDER BY i32 NULLS FIRST
SELECT id, i32 FROM input ORDER BY i32 DESC NULLS LAST
SELECT id, t FROM input ORDER BY t, id
SELECT id, f64 FROM input ORDER BY f64, id
SELECT id, n FROM input ORDER BY n DESC, id
SELECT id, d FROM input ORDER BY d, id
SELECT id, tz FROM input ORDER BY tz DESC, id
SELECT id, i32 * 2 AS x FROM input ORDER BY x
SELECT id, i32 FROM input ORDER BY 2, 1
SELECT id FROM input ORDER BY id LIMIT 3
SELECT id FROM input ORDER BY id LIMIT 3 OFFSET 2
SELECT id FROM input ORDER BY id OFFSET 8
SELECT id FROM input ORDER BY id DESC LIMIT 0
SELECT DISTINCT t FROM input
SELECT DISTINCT b FROM input
SELECT DISTINCT d, t FROM input
SELECT DISTINCT t FROM input ORDER BY t
-- Aggregates (per batch)
SELECT count(*) FROM input
SELECT count(i32), count(t), count(b) FROM input
SELECT count(DISTINCT t) FROM input
SELECT count(DISTINCT d) FROM input
SELECT sum(i16), sum(i32) FROM input
SELECT sum(i64) FROM input WHERE i64 > 0 AND i64 < 1000000
SELECT sum(n), avg(n) FROM input
SELECT avg(i32) FROM input
SELECT avg(i16) FROM input
SELECT sum(f64) FROM input WHERE f64 < 100
SELECT avg(f64) FROM input WHERE f64 < 100
SELECT min(i32), max(i32) FROM input
SELECT min(t), max(t) FROM input
SELECT min(d), max(d), min(ts), max(tz) FROM input
SELECT min(n), max(n), min(f64) FROM input
SELECT min(b::int), max(b::int) FROM input
SELECT b, count(*) FROM input GROUP BY b
SELECT t, count(*), sum(i32) FROM input GROUP BY t
SELECT d, count(*) FROM input GROUP BY d ORDER BY d
SELECT b, avg(n) FROM input GROUP BY b
SELECT b, count(*) FROM input GROUP BY b HAVING count(*) > 2
SELECT t, max(i32) FROM input GROUP BY t HAVING max(i32) > 5 ORDER BY t
SELECT i32 > 0 AS pos, count(*) FROM input GROUP BY i32 > 0
SELECT date_trunc('month', ts) AS m, count(*) FROM input GROUP BY 1 ORDER BY 1
SELECT extract(year from d) AS y, count(*) FROM input GROUP BY extract(year from d)
SELECT b, count(DISTINCT t) FROM input GROUP BY b
SELECT count(*) FROM input WHERE i32 > 1000000000
SELECT sum(i32) FROM input WHERE i32 > 1000000000
SELECT b, sum(i32) + 1 AS s FROM input GROUP BY b ORDER BY s
SELECT t FROM input GROUP BY t ORDER BY t
-- Errors, in PostgreSQL and in the engine
SELECT i32 + 1 FROM input WHERE id = 4 ! integer out of range
SELECT i16 * i16 FROM input WHERE id = 4 ! smallint out of range
SELECT i64 + 1 FROM input WHERE id = 4 ! bigint out of range
SELECT -i32 FROM input WHERE id = 5 ! integer out of range
SELECT i32 / 0 FROM input WHERE id = 1 ! division by zero
SELECT n / 0 FROM input WHERE id = 1 ! division by zero
SELECT f64 / 0 FROM input WHERE id = 1 ! division by zero
SELECT f64 * f64 FROM input WHERE id = 4 ! value out of range: overflow
SELECT t::integer FROM input WHERE id = 1 ! invalid input syntax for type integer: "alpha"
SELECT i32::smallint FROM input WHERE id = 4 ! smallint out of range
SELECT n::numeric(4,1) FROM input WHERE id = 4 ! numeric field overflow
SELECT nope FROM input ! column "nope" does not exist
SELECT i32 FROM input WHERE i32 ! argument of WHERE must be type boolean
SELECT t + 1 FROM input ! operator does not exist
SELECT i32, count(*) FROM input ! must appear in the GROUP BY clause
SELECT lower(i32) FROM input ! function lower(integer) does not exist
SELECT split_part(t, '-', 0) FROM input WHERE id = 1 ! field position must not be zero
SELECT substr(t, 1, -1) FROM input WHERE id = 1 ! negative substring length not allowed
SELECT 'abc'::date FROM input ! invalid input syntax for type date
