#!/usr/bin/env bash
# Change data capture throughput and lag, PostgreSQL -> PostgreSQL, on one
# local server (wal_level logical), next to pg_recvlogical consuming the same
# changes (pgoutput, the same publication) to /dev/null in the same run:
#
#   batched   transactions of 1000 inserts, then updates of every row in
#             transactions of 1000
#   single    single-row INSERT transactions (autocommit)
#
#   bench/cdc_bench.sh [changes]     # default 200000 (single: a tenth)
#
# For each workload both consumers start from their own slot created before
# the changes, and catch up to the WAL position after them: rapidbyte with a
# bounded cdc run into a dest-postgres upsert (changes applied, committed),
# pg_recvlogical with --endpos (decoded and discarded). changes/s counts
# source row changes; "vs recvlogical" is rapidbyte seconds / pg_recvlogical
# seconds (lower is better). Lag: a continuous rapidbyte run follows a
# steady stream of single-row transactions (checkpoint_interval_seconds 1);
# after the last commit, the time until the destination shows it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
changes="${1:-200000}"
[[ "$changes" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [changes]" >&2; exit 2; }
rapidbyte_bin="$root/build/rapidbyte"
connector_dir="$root/build/connectors"
[[ -x "$rapidbyte_bin" ]] || { echo "build/rapidbyte missing: run scripts/build.sh" >&2; exit 1; }

work="$(mktemp -d /tmp/rapidbyte-cdc-bench.XXXXXX)"
chmod 755 "$work"
bg_pid=""
cleanup() {
  [[ -n "$bg_pid" ]] && kill "$bg_pid" 2>/dev/null || true
  "$root/scripts/throwaway-postgres.sh" stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { printf '[bench] %s\n' "$*" >&2; }
now() { date +%s.%N; }
eval "$("$root/scripts/throwaway-postgres.sh" start "$work/pg")"
sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
sql postgres "CREATE DATABASE src"
sql postgres "CREATE DATABASE dst"

pipeline() {  # name mode
  cat >"$work/$1.yaml" <<EOF
pipeline: $1
source:
  use: postgres
  config: {host: "127.0.0.1", port: $PGPORT, user: postgres, password: "", database: src,
           sslmode: disable, slot_name: $1, cdc_mode: $2}
  streams:
    - {name: $1, sync_mode: cdc}
destination:
  use: postgres
  config: {host: "127.0.0.1", port: $PGPORT, user: postgres, password: "", database: dst, sslmode: disable}
  write_mode: upsert
  primary_key: [id]
resources:
  checkpoint_interval_seconds: 1
state: {backend: sqlite, connection: "$work/$1.db"}
EOF
}
rapidbyte_run() {
  "$rapidbyte_bin" -q --connector-dir "$connector_dir" run "$work/$1.yaml" >"$work/$1.log" 2>&1 ||
    { cat "$work/$1.log" >&2; return 1; }
}

results=()
workload() {  # name
  local t="$1" n
  sql src "CREATE TABLE $t (id bigint PRIMARY KEY, v int NOT NULL, note text)"
  pipeline "$t" bounded
  rapidbyte_run "$t"  # creates slot + publication, snapshot of the empty table
  sql src "SELECT pg_create_logical_replication_slot('${t}_recv', 'pgoutput')" >/dev/null
  log "$t: writing changes"
  case "$t" in
    batched)
      n=$((changes / 2))
      for ((s = 0; s < n; s += 1000)); do
        echo "INSERT INTO batched SELECT g, 0, 'row ' || g FROM generate_series($s + 1, $s + 1000) g;"
      done | psql -X -q -d src >/dev/null
      for ((s = 0; s < n; s += 1000)); do
        echo "UPDATE batched SET v = v + 1 WHERE id BETWEEN $s + 1 AND $s + 1000;"
      done | psql -X -q -d src >/dev/null
      n=$((n * 2)) ;;
    single)
      n=$((changes / 10))
      for ((i = 1; i <= n; i++)); do echo "INSERT INTO single VALUES ($i, $i, 'one');"; done |
        psql -X -q -d src >/dev/null ;;
  esac
  local end
  end="$(sql src "SELECT pg_current_wal_flush_lsn()")"
  local t0 t1 rb rl
  t0="$(now)"; rapidbyte_run "$t"; t1="$(now)"; rb="$(echo "$t1 - $t0" | bc)"
  [[ "$(sql dst "SELECT count(*) FROM $t")" == "$(sql src "SELECT count(*) FROM $t")" ]] ||
    { log "$t: destination row count differs"; exit 1; }
  t0="$(now)"
  pg_recvlogical -d src --slot "${t}_recv" --start --endpos "$end" --no-loop -o proto_version=1 \
    -o publication_names="${t}_${t}" -f /dev/null
  t1="$(now)"; rl="$(echo "$t1 - $t0" | bc)"
  results+=("$(printf '%-8s %9d %10.2f %12.0f %10.2f %12.0f %8.2f' "$t" "$n" "$rb" \
    "$(echo "$n / $rb" | bc -l)" "$rl" "$(echo "$n / $rl" | bc -l)" "$(echo "$rb / $rl" | bc -l)")")
}
workload batched
workload single

# Lag of a continuous run under a steady single-row stream.
sql src "CREATE TABLE lag (id bigint PRIMARY KEY, v int NOT NULL, note text)"
pipeline lag bounded
rapidbyte_run lag
pipeline lag continuous
"$rapidbyte_bin" -q --connector-dir "$connector_dir" run "$work/lag.yaml" >"$work/lag.log" 2>&1 &
bg_pid=$!
sleep 2
lag_rows=2000
for ((i = 1; i <= lag_rows; i++)); do echo "INSERT INTO lag VALUES ($i, $i, 'x');"; done |
  psql -X -q -d src >/dev/null
t0="$(now)"
until [[ "$(sql dst "SELECT count(*) FROM lag" 2>/dev/null || echo 0)" == "$lag_rows" ]]; do sleep 0.02; done
lag="$(echo "$(now) - $t0" | bc)"
kill -INT "$bg_pid"; wait "$bg_pid" || true; bg_pid=""

echo
echo "workload   changes   rapidbyte s   changes/s   recvlogical s   changes/s   vs recvlogical"
for r in "${results[@]}"; do echo "$r"; done
printf 'lag: continuous run, %d single-row transactions: destination current %.2f s after the last commit\n' \
  "$lag_rows" "$lag"
