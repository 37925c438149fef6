// The type round-trip table shared by the native and the wasm tests: every
// mapped type as a column, and seven rows of edge values (NULLs, empty
// strings, 1000-digit numerics, NaN, +-Infinity, BC dates, infinity
// timestamps, unicode, empty and NULL-containing arrays). Needs the enum
// `mood` ('sad', 'ok', 'happy'); kCreateTypeTables makes it and both tables.
#pragma once

#include <string>

namespace rapidbyte::test {

inline constexpr const char* kColumns =
    "id int4, b bool, i2 int2, i8 int8, f4 float4, f8 float8, n numeric, nd numeric(12,3), "
    "t text, vc varchar(10), ch char(3), nm name, by bytea, d date, tm time, ttz timetz, "
    "ts timestamp, tstz timestamptz, iv interval, u uuid, j json, jb jsonb, ip inet, cd cidr, "
    "o oid, e mood, ai int4[], at text[], an numeric[], ae mood[]";

inline constexpr const char* kRows = R"sql(
INSERT INTO %SRC% VALUES
(1, true, 32767, 9223372036854775807, 1.5, 3.141592653589793, 12345.6789, 123456789.123,
 'hello', 'varchar', 'ab', 'name', '\x00ff10', '2024-02-29', '23:59:59.999999', '13:45:00.5+05:30',
 '2024-01-02 03:04:05.678901', '2024-01-02 03:04:05.678901+00', '1 year 2 mons 3 days 04:05:06.789',
 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2]}', '{"b": null}', '192.168.1.5/24',
 '10.0.0.0/8', 4294967295, 'happy', '{1,2,3}', '{"x","y z"}', '{1.5,NaN}', '{sad,happy}'),
(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
(3, false, -32768, -9223372036854775808, 'NaN', 'Infinity', repeat('9', 1000)::numeric, -0.001,
 '', '', '', '', '', '4713-01-01 BC', '00:00:00', '00:00:00-15:59', 'infinity', '-infinity',
 '-178000000 years -1 days -00:00:00.000001', '00000000-0000-0000-0000-000000000000', '""', '[]',
 '::1', '2001:db8::/32', 0, 'sad', '{}', '{NULL,"",NULL}', '{}', '{}'),
(4, true, 0, 0, '-Infinity', '-0', 'NaN', 0, 'Grüße, 世界 🎉', 'ünï', 'é', 'ñame', '\x',
 'infinity', '24:00:00', '12:00:00+00', '-infinity', 'infinity', '0', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
 '{"k": "v\u00e9"}', '{"nested": {"deep": [true, 1.0e10]}}', '::ffff:1.2.3.4', '::ffff:0.0.0.0/96',
 1, 'ok', '{NULL}', '{"quote\"d","back\\slash"}', '{-0.5,NULL}', '{NULL,ok}'),
(5, NULL, 1, 1, 1, 1, 'Infinity', NULL, 'x', NULL, NULL, NULL, NULL, '-infinity', NULL,
 '01:02:03.000001-00:30:15', '1999-12-31 23:59:59.999999', '0001-01-01 00:00:00+00 BC', NULL,
 NULL, NULL, NULL, 'fe80::1:2:0:0:3/64', '1.2.3.4/32', NULL, NULL, NULL, NULL, NULL, NULL),
(6, NULL, NULL, NULL, NULL, NULL, '-Infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL, '1:0:0:0:0:0:0:8', NULL, NULL, NULL, NULL, NULL,
 ARRAY[('0.' || repeat('0', 40) || '1')::numeric, ('-' || repeat('12', 300))::numeric], NULL),
(7, NULL, NULL, NULL, NULL, NULL, ('-0.' || repeat('0', 10) || '123')::numeric, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2001:0:0:1::1', NULL,
 NULL, NULL, NULL, NULL, NULL, NULL)
)sql";

// SQL creating `mood`, <src> with kRows and an empty <dst> LIKE it.
inline std::string create_type_tables(const std::string& src, const std::string& dst) {
  std::string rows = kRows;
  rows.replace(rows.find("%SRC%"), 5, src);
  return "DROP TABLE IF EXISTS " + src + ", " + dst + "; DROP TYPE IF EXISTS mood;" +
         "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');" + "CREATE TABLE " + src + "(" +
         kColumns + "); CREATE TABLE " + dst + "(LIKE " + src + ");" + rows;
}

}  // namespace rapidbyte::test
