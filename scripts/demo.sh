#!/usr/bin/env bash
# Command (1) of the README: set up this machine, build, start a throwaway
# PostgreSQL, and run the demo: one million orders copied from one database
# to another by examples/postgres.yaml (incremental + upsert, state in an
# embedded SQLite file), then changed and synced again; plus the synthetic
# generator -> passthrough -> null pipeline.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" --demo
"$root/scripts/build.sh" --demo

rapidbyte() { "$root/build/rapidbyte" --connector-dir "$root/build/connectors" "$@"; }
work="$(mktemp -d /tmp/rapidbyte-demo.XXXXXX)"
chmod 755 "$work"  # the PostgreSQL server runs as the unprivileged postgres user
cleanup() { "$root/scripts/throwaway-postgres.sh" stop "$work/pg"; rm -rf "$work"; }
trap cleanup EXIT

echo "[demo] connectors"
rapidbyte connectors

echo "[demo] synthetic: generator -> passthrough -> null"
rapidbyte run "$root/examples/demo.yaml"

echo "[demo] starting a throwaway PostgreSQL"
server_env="$("$root/scripts/throwaway-postgres.sh" start "$work/pg")"
eval "$server_env"
export PGSOURCE_DATABASE=shop PGDEST_DATABASE=warehouse
sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
sql postgres "CREATE DATABASE shop"
sql postgres "CREATE DATABASE warehouse"
sql shop "CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(12,2),
            placed_on date, updated_at timestamptz NOT NULL)"
sql shop "INSERT INTO orders SELECT g, 'customer ' || (g % 5000), (g % 100000) / 100.0,
            DATE '2026-01-01' + (g % 300), TIMESTAMPTZ '2026-11-01 00:00+00' + g * INTERVAL '1 second'
          FROM generate_series(1, 1000000) g"

# The pipeline keeps its state next to the demo, not in ~/.rapidbyte.
pipeline="$work/postgres.yaml"
sed "s|^resources:|state: {connection: $work/state.db}\nresources:|" "$root/examples/postgres.yaml" >"$pipeline"

echo "[demo] check"
rapidbyte check "$pipeline"
echo "[demo] first sync: 1,000,000 orders"
rapidbyte run "$pipeline"
echo "[demo] 1,000 orders change, 500 are new; second sync moves only those"
sql shop "UPDATE orders SET amount = amount + 1, updated_at = now() WHERE id % 1000 = 0"
sql shop "INSERT INTO orders SELECT g, 'new customer', 9.99, DATE '2026-11-29', now()
          FROM generate_series(1000001, 1000500) g"
rapidbyte run "$pipeline"

echo "[demo] source and destination agree:"
for db in shop warehouse; do
  psql -X -At -d "$db" -c "SELECT '$db', count(*), md5(string_agg(id || ':' || amount || ':' || updated_at, ',' ORDER BY id))
                           FROM orders"
done
