# What the PostgreSQL benchmarks share, sourced by them after setting `root`
# and `rows`: a work directory (removed on exit) with a throwaway cluster
# (stopped on exit) holding the databases src and dst; the helpers log,
# median, now, cpu_now and `sql DB STATEMENT`; and the table profiles, the
# DDL of each (ddl PROFILE) and its deterministic rows (seed PROFILE, $rows of
# them, into src):
#
#   narrow  ~100 B: bigint, int, bigint, float8, timestamptz, short text, bool
#   event   ~500 B: uuid, inet, text, timestamptz, numeric, bool, with NULLs
#   wide    ~2 KB:  bigint, 8 bigint, 4 float8, 2 timestamptz, numeric, 15 text
# (bytes per row in the binary COPY stream.)

work="$(mktemp -d /tmp/rapidbyte-bench.XXXXXX)"
chmod 755 "$work"  # the server runs as the unprivileged postgres user
cleanup() { "$root/scripts/throwaway-postgres.sh" stop "$work/pg" || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[bench] %s\n' "$*" >&2; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
now() { date +%s.%N; }
# CPU seconds the machine has spent so far, all processes (USER_HZ = 100).
cpu_now() { awk '/^cpu / { printf "%.2f\n", ($2 + $3 + $4 + $7 + $8) / 100 }' /proc/stat; }

eval "$("$root/scripts/throwaway-postgres.sh" start "$work/pg")"
export PGPASSWORD=""
sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
sql postgres "CREATE DATABASE src"
sql postgres "CREATE DATABASE dst"

# The config of the throwaway server's database $1, for a pipeline's
# postgres connector.
pg_config() {
  echo "{host: \"127.0.0.1\", port: $PGPORT, user: postgres, password: \"\", database: $1, sslmode: disable}"
}

ddl() {
  case "$1" in
    narrow) echo "CREATE TABLE narrow (id bigint PRIMARY KEY, account int NOT NULL, qty bigint,
              price float8, created_at timestamptz NOT NULL, label text, active bool)" ;;
    event) echo "CREATE TABLE event (id bigint PRIMARY KEY, event_id uuid NOT NULL, user_id bigint NOT NULL,
              session_id uuid, ip inet, event_type text NOT NULL, url text NOT NULL, user_agent text,
              referrer text, payload text, country text, created_at timestamptz NOT NULL,
              received_at timestamptz, amount numeric(12,2), is_mobile bool)" ;;
    wide)
      local cols="id bigint PRIMARY KEY" i
      for i in $(seq 1 8); do cols+=", n$i bigint"; done
      for i in $(seq 1 4); do cols+=", f$i float8"; done
      cols+=", created_at timestamptz, updated_at timestamptz, total numeric(14,2)"
      for i in $(seq 1 15); do cols+=", t$i text"; done
      echo "CREATE TABLE wide ($cols)" ;;
  esac
}

seed() {
  local n="$rows"
  case "$1" in
    narrow) sql src "INSERT INTO narrow SELECT g, (g % 50000)::int, g::bigint * 3 % 1000,
              (g % 100000) / 7.0, TIMESTAMPTZ '2026-01-01 00:00+00' + g * INTERVAL '1 second',
              'item-' || (g % 1000) || '-' || substr(md5(g::text), 1, 16), g % 3 = 0
              FROM generate_series(1, $n) g" ;;
    event) sql src "INSERT INTO event SELECT g, md5(g::text)::uuid, g::bigint * 7919 % 200000,
              CASE WHEN g % 10 <> 0 THEN md5((g / 20)::text || 's')::uuid END,
              CASE WHEN g % 25 <> 0 THEN ('10.' || (g >> 16) % 256 || '.' || (g >> 8) % 256 || '.' || g % 256)::inet END,
              (ARRAY['page_view','add_to_cart','checkout','search','login','purchase'])[1 + g % 6],
              'https://shop.example.com/products/' || (g::bigint * 31 % 100000) || '/' || md5(g::text || 'u') || '?src=feed',
              (ARRAY['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
                     'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
                     'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0'])[1 + g % 3] || ' build/' || (g % 997),
              CASE WHEN g % 5 >= 2 THEN 'https://www.search.example.org/q?term=' || substr(md5(g::text || 'r'), 1, 20) END,
              '{\"cart\":\"' || md5(g::text || 'p') || '\",\"sku\":\"' || md5(g::text || 'q') || '\",\"n\":' || (g % 17) || '}',
              (ARRAY['US','DE','FR','BR','IN','JP','GB'])[1 + g % 7],
              TIMESTAMPTZ '2026-01-01 00:00+00' + g * INTERVAL '10 ms',
              CASE WHEN g % 5 <> 0 THEN TIMESTAMPTZ '2026-01-01 00:00+00' + g * INTERVAL '10 ms' + INTERVAL '250 ms' END,
              CASE WHEN g % 2 = 0 THEN (g % 1000000) / 100.0 END, g % 3 = 1
              FROM generate_series(1, $n) g" ;;
    wide)
      local texts="" i
      for i in $(seq 1 15); do texts+=", substr(p.pool, 1 + (g::bigint * $((i * 37 + 11)) % 1100)::int, 118)"; done
      sql src "INSERT INTO wide SELECT g, g::bigint * 2, g::bigint * 3, g % 1000, g % 77, g::bigint * 11 % 100000, g % 5, g::bigint * 13, g % 123456,
              g / 3.0, g / 7.0, (g % 1000) * 1.5, sqrt(g),
              TIMESTAMPTZ '2026-01-01 00:00+00' + g * INTERVAL '1 second',
              TIMESTAMPTZ '2026-06-01 00:00+00' + g * INTERVAL '2 seconds', (g % 10000000) / 100.0 $texts
              FROM generate_series(1, $n) g,
                   (SELECT string_agg(md5(i::text), '') AS pool FROM generate_series(1, 40) i) p" ;;
  esac
}

