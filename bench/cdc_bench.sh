#!/usr/bin/env bash
# Change data capture, PostgreSQL -> PostgreSQL on one local server
# (wal_level logical, databases src and dst): rapidbyte (source-postgres cdc
# -> dest-postgres upsert) next to pg_recvlogical decoding the same kind of
# slot output (pgoutput, proto_version 1, the same publication) to /dev/null,
# in the same run:
#
#   batched   transactions of 1000 rows: inserts, then updates of every row
#   single    single-row INSERT transactions (autocommit)
#   lag       a steady stream of single-row transactions (about 200/s) while
#             a continuous rapidbyte run and pg_recvlogical both follow it
#
#   bench/cdc_bench.sh [changes]    # default 100000 (batched; single: a tenth)
#
# Throughput: both consumers get their own slot, created right before the
# workload, and catch up after it: rapidbyte with a bounded cdc run (changes
# applied and committed at the destination, slot confirmed), pg_recvlogical
# with --endpos at the WAL position after the workload (decoded, discarded).
# pg_recvlogical stops at --endpos only when it receives WAL past it, so a
# transaction on a published side table follows the workload. Each run is
# timed end to end (process start-up included); changes/s counts source row
# changes; "vs recvlogical" is rapidbyte changes/s / pg_recvlogical changes/s.
# The destination is checked against the source (count and sum).
#
# Lag: a continuous rapidbyte run (checkpoint_interval_rows 1: the
# destination commits every batch) and pg_recvlogical (into a file) follow
# the steady stream at the same time. The writer stamps each row with
# clock_timestamp(); a sampler on the destination records (time, max id)
# every 20 ms, so a row's lag is the first sample that holds it minus its
# stamp (resolution: the sampling interval); p50/p95/max over all rows.
# "catch-up" is, for each consumer, the time from the last row's commit until
# the consumer has it (rapidbyte: committed at the destination;
# pg_recvlogical: a sentinel row written right after shows up in its file).
#
# Every wait is bounded (`timeout`), so the script cannot hang; the
# throwaway cluster is stopped on exit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
changes="${1:-100000}"
[[ "$changes" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [changes]" >&2; exit 2; }
wait_limit="${BENCH_TIMEOUT:-600}"  # seconds any one step may take
rapidbyte_bin="$root/build/rapidbyte"
connector_dir="$root/build/connectors"
[[ -x "$rapidbyte_bin" ]] || { echo "build/rapidbyte missing: run scripts/build.sh" >&2; exit 1; }
command -v pg_recvlogical >/dev/null || { echo "pg_recvlogical missing (postgresql-client)" >&2; exit 1; }

work="$(mktemp -d /tmp/rapidbyte-cdc-bench.XXXXXX)"
chmod 755 "$work"  # the server runs as the unprivileged postgres user
bg_pids=()
cleanup() {
  local pid
  for pid in "${bg_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  "$root/scripts/throwaway-postgres.sh" stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[bench] %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }

eval "$("$root/scripts/throwaway-postgres.sh" start "$work/pg")"
export PGPASSWORD=""
sql() {
  PGOPTIONS="-c client_min_messages=warning" timeout "$wait_limit" \
    psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"
}
sql postgres "CREATE DATABASE src"
sql postgres "CREATE DATABASE dst"
sql src "CREATE TABLE bench_end (id serial PRIMARY KEY, note text,
         stamped timestamptz NOT NULL DEFAULT clock_timestamp())"

# A table and its publication (with the side table that moves WAL past the
# end), shared by rapidbyte and pg_recvlogical.
make_table() {
  sql src "CREATE TABLE $1 (id bigint PRIMARY KEY, v int NOT NULL, note text,
           stamped timestamptz NOT NULL DEFAULT clock_timestamp())"
  sql src "CREATE PUBLICATION pub_$1 FOR TABLE $1, bench_end"
}

pipeline() {  # table cdc_mode
  cat >"$work/$1-$2.yaml" <<EOF
version: 1
pipeline: cdc_$1
source:
  use: postgres
  config: {host: "127.0.0.1", port: $PGPORT, user: postgres, password: "", database: src,
           sslmode: disable, slot_name: rb, publication: pub_$1, cdc_mode: $2}
  streams:
    - {name: $1, sync_mode: cdc}
destination:
  use: postgres
  config: {host: "127.0.0.1", port: $PGPORT, user: postgres, password: "", database: dst,
           sslmode: disable}
  write_mode: upsert
  primary_key: [id]
$([[ "$2" == continuous ]] && printf 'resources: {checkpoint_interval_rows: 1}')
state: {backend: sqlite, connection: "$work/state-$1.db"}
EOF
}

rapidbyte_run() {  # table mode
  timeout "$wait_limit" "$rapidbyte_bin" -q --connector-dir "$connector_dir" run "$work/$1-$2.yaml" \
    >"$work/$1.log" 2>&1 || { cat "$work/$1.log" >&2; return 1; }
}

# Creates the rapidbyte slot (first bounded run: snapshot of the empty
# table) and the pg_recvlogical slot, both before any change.
make_slots() {
  pipeline "$1" bounded
  pipeline "$1" continuous
  rapidbyte_run "$1" bounded
  sql src "SELECT pg_create_logical_replication_slot('recv_$1', 'pgoutput')" >/dev/null
}

# The WAL position after the workload, then WAL past it.
end_of_workload() {
  local end
  end="$(sql src "SELECT pg_current_wal_insert_lsn()")"
  sql src "INSERT INTO bench_end DEFAULT VALUES"
  echo "$end"
}

recvlogical() {  # table endpos
  timeout "$wait_limit" pg_recvlogical -d src --slot "recv_$1" --start --endpos "$2" --no-loop \
    -o proto_version=1 -o "publication_names=pub_$1" -f /dev/null
}

check_destination() {
  local q="SELECT count(*) || '/' || coalesce(sum(v), 0) FROM $1" s d
  s="$(sql src "$q")"
  d="$(sql dst "$q")"
  [[ "$s" == "$d" ]] || { log "$1: destination (count/sum $d) differs from the source ($s)"; exit 1; }
}

results=()
throughput() {  # table changes
  local t="$1" n="$2" end t0 rb rl
  end="$(end_of_workload)"
  t0="$(now)"; rapidbyte_run "$t" bounded; rb="$(elapsed "$t0")"
  check_destination "$t"
  t0="$(now)"; recvlogical "$t" "$end"; rl="$(elapsed "$t0")"
  log "$t: rapidbyte $(printf '%.2f' "$rb") s, pg_recvlogical $(printf '%.2f' "$rl") s"
  results+=("$t|$n|$rb|$rl")
}

# ---- batched: transactions of 1000 rows ------------------------------------
half=$((changes / 2 / 1000 * 1000))
((half >= 1000)) || half=1000
make_table batched
make_slots batched
log "batched: $half inserts, then $half updates, 1000 rows per transaction"
for ((s = 0; s < half; s += 1000)); do
  echo "INSERT INTO batched (id, v, note) SELECT g, 0, 'row ' || g FROM generate_series($((s + 1)), $((s + 1000))) g;"
done | timeout "$wait_limit" psql -X -q -v ON_ERROR_STOP=1 -d src >/dev/null
for ((s = 0; s < half; s += 1000)); do
  echo "UPDATE batched SET v = v + 1 WHERE id BETWEEN $((s + 1)) AND $((s + 1000));"
done | timeout "$wait_limit" psql -X -q -v ON_ERROR_STOP=1 -d src >/dev/null
throughput batched $((half * 2))

# ---- single: single-row transactions ---------------------------------------
singles=$((changes / 10))
((singles >= 1)) || singles=1
make_table single
make_slots single
log "single: $singles single-row transactions"
for ((i = 1; i <= singles; i++)); do echo "INSERT INTO single (id, v, note) VALUES ($i, $i, 'one');"; done |
  timeout "$wait_limit" psql -X -q -v ON_ERROR_STOP=1 -d src >/dev/null
throughput single "$singles"

# ---- lag: a steady stream followed by both consumers ------------------------
lag_rows="${BENCH_LAG_ROWS:-2000}"
marker="rapidbyte-bench-end"
make_table lag
make_slots lag
sql dst "CREATE TABLE lag_samples (at timestamptz, max_id bigint)"
timeout "$wait_limit" "$rapidbyte_bin" -q --connector-dir "$connector_dir" run "$work/lag-continuous.yaml" \
  >"$work/lag-continuous.log" 2>&1 &
rb_pid=$!
bg_pids+=("$rb_pid")
# pg_recvlogical follows the same stream into a file (text-format values), in
# which the sentinel row's marker shows when it has everything.
timeout "$wait_limit" pg_recvlogical -d src --slot recv_lag --start --no-loop -o proto_version=1 \
  -o publication_names=pub_lag -f "$work/recv-lag.out" 2>"$work/recv-lag.log" &
bg_pids+=("$!")
# The sampler stops once the last row arrived (or after the step limit).
PGOPTIONS="-c client_min_messages=warning" timeout "$wait_limit" psql -X -q -d dst -c "
  DO \$\$
  DECLARE m bigint;
  BEGIN
    LOOP
      m := NULL;  -- the destination creates the table with its first rows
      IF to_regclass('public.lag') IS NOT NULL THEN EXECUTE 'SELECT max(id) FROM lag' INTO m; END IF;
      INSERT INTO lag_samples VALUES (clock_timestamp(), m);
      COMMIT;
      EXIT WHEN m >= $lag_rows;
      PERFORM pg_sleep(0.02);
    END LOOP;
  END \$\$" >"$work/sampler.log" 2>&1 &
sampler_pid=$!
bg_pids+=("$sampler_pid")
sql src "CREATE PROCEDURE steady(n int) LANGUAGE plpgsql AS \$\$
  BEGIN
    FOR i IN 1..n LOOP
      INSERT INTO lag (id, v, note) VALUES (i, i, 'steady');
      COMMIT;
      PERFORM pg_sleep(0.005);
    END LOOP;
  END \$\$"
sleep 2  # both consumers streaming before the first change
log "lag: $lag_rows single-row transactions at about 200/s"
sql src "CALL steady($lag_rows)"
sql src "INSERT INTO bench_end (note) VALUES ('$marker')"
sentinel_stamp="$(sql src "SELECT extract(epoch FROM max(stamped)) FROM bench_end")"
timeout "$wait_limit" bash -c "until grep -q '$marker' '$work/recv-lag.out' 2>/dev/null; do sleep 0.01; done" ||
  { log "lag: pg_recvlogical did not receive the end"; exit 1; }
recv_catchup="$(echo "$(date +%s.%N) - $sentinel_stamp" | bc)"
wait "$sampler_pid" || { log "lag: the destination did not receive every row"; cat "$work/sampler.log" "$work/lag-continuous.log" >&2; exit 1; }
rb_arrived="$(sql dst "SELECT extract(epoch FROM min(at)) FROM lag_samples WHERE max_id >= $lag_rows")"
kill -INT "$rb_pid" 2>/dev/null || true
wait "$rb_pid" || true
check_destination lag
# Per-row lag: the samples go to the source database, next to the stamps.
sql src "CREATE TABLE lag_samples (at timestamptz, max_id bigint)"
timeout "$wait_limit" psql -X -q -d dst -c "COPY lag_samples TO STDOUT" |
  timeout "$wait_limit" psql -X -q -d src -c "COPY lag_samples FROM STDIN"
lag_stats="$(sql src "
  WITH arrival AS (
    SELECT l.id, l.stamped, (SELECT min(s.at) FROM lag_samples s WHERE s.max_id >= l.id) AS at FROM lag l)
  SELECT round(1000 * extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY at - stamped)))
         || ' ' || round(1000 * extract(epoch FROM percentile_cont(0.95) WITHIN GROUP (ORDER BY at - stamped)))
         || ' ' || round(1000 * extract(epoch FROM max(at - stamped)))
  FROM arrival")"
read -r lag_p50 lag_p95 lag_max <<<"$lag_stats"
# The last row's stamp (the server's clock is this machine's).
last_stamp="$(sql src "SELECT extract(epoch FROM max(stamped)) FROM lag")"
rb_catchup="$(echo "$rb_arrived - $last_stamp" | bc)"

echo
echo "changes: batched $((half * 2)) (1000 rows/txn), single $singles; lag: $lag_rows rows;" \
  "$(nproc) cores; PostgreSQL $(sql postgres 'SHOW server_version')"
echo
echo "| workload | changes | rapidbyte s | rapidbyte changes/s | pg_recvlogical s | pg_recvlogical changes/s | rapidbyte vs recvlogical |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for r in "${results[@]}"; do
  IFS='|' read -r t n rb rl <<<"$r"
  printf '| %s | %d | %.2f | %.0f | %.2f | %.0f | %.2fx |\n' "$t" "$n" "$rb" "$(echo "$n / $rb" | bc -l)" \
    "$rl" "$(echo "$n / $rl" | bc -l)" "$(echo "$rl / $rb" | bc -l)"
done
echo
echo "| lag ($lag_rows single-row txns, ~200/s) | rapidbyte (continuous, commit per batch) | pg_recvlogical |"
echo "|---|---:|---:|"
printf '| per-row lag p50 / p95 / max | %s / %s / %s ms | - |\n' "$lag_p50" "$lag_p95" "$lag_max"
printf '| catch-up after the last commit | %.2f s | %.2f s |\n' "$rb_catchup" "$recv_catchup"
