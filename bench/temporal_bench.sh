#!/usr/bin/env bash
# Runs on Temporal against runs in one process, on one machine: a local
# Temporal dev server and PostgreSQL (databases src, dst and state), in the
# same run.
#
#   overhead  the same pipeline (one table of ROWS event-like rows read as 4
#             slices of heap pages, replace; parallelism 2) by `rapidbyte
#             run` and by `rapidbyte submit --wait` with one worker running
#             2 tasks at once; median of 3, taking turns. The difference is
#             the orchestration's cost: the plan held as its own process,
#             one process (and wasm engine start) per slice, the finalize as
#             another, Temporal's scheduling and polling latency.
#   scaling   a source throttled per connection (a view whose rows come
#             through pg_sleep, 20 ms every 2,000 rows: at most 100,000 rows/s
#             per connection, whatever the CPU), 8 slices by key, run by N =
#             1, 2 and 4 workers of one task each, each worker pinned to one
#             core (taskset). Aggregate rows/s against N.
#
# What the scaling numbers predict: that the orchestration (one plan, slices
# handed to whichever worker is free, finalize) does not stand in the way of
# throughput that grows with the workers when each slice is bound by its own
# connection's speed (a remote source, a throttled API, a per-connection
# limit). What they do not predict: the capacity of a real source or
# destination server under N times the load (here both are one local
# PostgreSQL that is mostly asleep), nor the network between machines.
#
#   bench/temporal_bench.sh [ROWS]    # default 1000000
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows="${1:-1000000}"
[[ "$rows" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [rows]" >&2; exit 2; }
rapidbyte="$root/build/rapidbyte"
[[ -x "$rapidbyte" && -x "$root/build/rapidbyte-temporal" ]] ||
  { echo "build/rapidbyte and build/rapidbyte-temporal missing: run scripts/build.sh" >&2; exit 1; }

work="$(mktemp -d /tmp/rapidbyte-temporal-bench.XXXXXX)"
chmod 755 "$work"
workers=()
stop_workers() {
  local pid
  for pid in "${workers[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${workers[@]}"; do wait "$pid" 2>/dev/null || true; done
  workers=()
}
cleanup() {
  stop_workers
  "$root/scripts/throwaway-temporal.sh" stop "$work/temporal" || true
  "$root/scripts/throwaway-postgres.sh" stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT

eval "$("$root/scripts/throwaway-postgres.sh" start "$work/pg")"
eval "$("$root/scripts/throwaway-temporal.sh" start "$work/temporal")"
sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
sql -d postgres -c "CREATE DATABASE src" -c "CREATE DATABASE dst" -c "CREATE DATABASE state"
sql -d src <<SQL
CREATE TABLE events (id bigint PRIMARY KEY, device uuid, ip inet, amount numeric(12, 2),
                     kind text, note text, at timestamptz);
INSERT INTO events
SELECT g, md5(g::text)::uuid, ('10.0.' || (g % 256) || '.' || (g % 200))::inet, g / 100.0,
       'kind-' || (g % 17), 'note ' || md5((g * 7)::text), timestamptz '2026-01-01' + g * interval '1 s'
FROM generate_series(1, $rows) g;
ANALYZE events;
CREATE FUNCTION throttle(id bigint) RETURNS boolean LANGUAGE plpgsql VOLATILE AS \$\$
BEGIN
  IF id % 2000 = 0 THEN PERFORM pg_sleep(0.02); END IF;
  RETURN true;
END \$\$;
CREATE VIEW slow_events AS SELECT * FROM events WHERE throttle(id);
SQL

pipeline() {  # pipeline NAME STREAM_YAML PARALLELISM
  cat <<YAML
pipeline: $1
source:
  use: postgres
  config: {host: 127.0.0.1, port: $PGPORT, user: postgres, database: src}
  streams: [$2]
destination:
  use: postgres
  config: {host: 127.0.0.1, port: $PGPORT, user: postgres, database: dst}
  write_mode: replace
resources: {parallelism: $3}
state: {backend: postgres, connection: "host=127.0.0.1 port=$PGPORT user=postgres dbname=state"}
YAML
}
pipeline overhead "{name: events, partitions: 4}" 2 >"$work/overhead.yaml"

start_worker() {  # start_worker MAX_TASKS [CPU]
  local pin=()
  [[ -n "${2:-}" ]] && pin=(taskset -c "$2")
  "${pin[@]}" "$rapidbyte" worker --temporal "$TEMPORAL_ADDRESS" --max-tasks "$1" \
    >>"$work/workers.log" 2>&1 &
  workers+=("$!")
}
# Seconds a command takes.
timed() {
  local start end
  start="$(date +%s.%N)"
  "$@" >/dev/null
  end="$(date +%s.%N)"
  awk "BEGIN {print $end - $start}"
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "rows: $rows; $(nproc) cores; PostgreSQL $(sql -d src -c 'SHOW server_version'); Temporal dev server"
"$rapidbyte" -q run "$work/overhead.yaml" >/dev/null  # warm: compiled modules, caches
start_worker 2
local_runs=()
temporal_runs=()
for _ in 1 2 3; do
  local_runs+=("$(timed "$rapidbyte" -q run "$work/overhead.yaml")")
  temporal_runs+=("$(timed "$rapidbyte" submit "$work/overhead.yaml" --temporal "$TEMPORAL_ADDRESS" --wait)")
done
stop_workers
[[ "$(sql -d dst -c 'SELECT count(*) FROM events')" == "$rows" ]] || { echo "overhead: wrong row count" >&2; exit 1; }
local_median="$(median "${local_runs[@]}")"
temporal_median="$(median "${temporal_runs[@]}")"
printf '\noverhead (4 slices, parallelism 2; median of 3)\n'
printf '  %-34s %8.2f s   (%s)\n' "rapidbyte run" "$local_median" "${local_runs[*]}"
printf '  %-34s %8.2f s   (%s)\n' "submit --wait, 1 worker, 2 tasks" "$temporal_median" "${temporal_runs[*]}"
printf '  ratio %.2fx, difference %+.2f s\n' "$(awk "BEGIN {print $temporal_median / $local_median}")" \
  "$(awk "BEGIN {print $temporal_median - $local_median}")"

printf '\nscaling (throttled source: at most 100,000 rows/s per connection; 8 slices by key)\n'
pipeline scaling "{name: slow_events, partitions: 8, partition_key: id}" 8 >"$work/scaling.yaml"
base=""
for n in 1 2 4; do
  for ((w = 0; w < n; w++)); do start_worker 1 "$((w % $(nproc)))"; done
  secs="$(timed "$rapidbyte" submit "$work/scaling.yaml" --temporal "$TEMPORAL_ADDRESS" --wait)"
  stop_workers
  [[ "$(sql -d dst -c 'SELECT count(*) FROM slow_events')" == "$rows" ]] ||
    { echo "scaling: wrong row count" >&2; exit 1; }
  rate="$(awk "BEGIN {print $rows / $secs}")"
  [[ -z "$base" ]] && base="$rate"
  printf '  %d worker%-2s %8.2f s %10.0f rows/s   %.2fx of one worker\n' "$n" "$([[ $n == 1 ]] || echo s)" \
    "$secs" "$rate" "$(awk "BEGIN {print $rate / $base}")"
done
