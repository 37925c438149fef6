#!/usr/bin/env bash
# Change data capture, PostgreSQL -> PostgreSQL on one local server
# (wal_level logical, databases src and dst): rapidbyte (source-postgres cdc
# -> dest-postgres upsert, one replication slot for all streams) next to
# pg_recvlogical decoding the same kind of slot output (pgoutput,
# proto_version 1, the same publication) to /dev/null, in the same run:
#
#   batched   10 tables, transactions of 1000 rows: inserts, then updates of
#             every row, through one slot (one pipeline of 10 streams)
#   single    single-row INSERT transactions on one table (autocommit)
#   lag       a steady stream of about 1000 changes/s (10-row transactions
#             every 10 ms) while a continuous rapidbyte run with default
#             settings and pg_recvlogical both follow it
#   memory    the peak resident memory of bounded runs of 30 streams
#
#   bench/cdc_bench.sh [changes]    # default 1000000 (batched; single: a tenth)
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
# Lag: a continuous rapidbyte run (no checkpoint settings: the defaults) and
# pg_recvlogical (into a file) follow the steady stream at the same time. The
# writer stamps each row with clock_timestamp(); a sampler on the
# destination records (time, max id) every 20 ms, so a row's change-to-commit
# latency is the first sample that holds it minus its stamp (resolution: the
# sampling interval); p50/p99/max over all rows. "catch-up" is, for each
# consumer, the time from the last row's commit until the consumer has it
# (rapidbyte: committed at the destination; pg_recvlogical: a sentinel row
# written right after shows up in its file).
#
# Memory: GNU time's maximum resident set size of `rapidbyte run` over 30
# tables (snapshots of 20,000 rows each, then changes), with the default
# resources (max_batch_bytes 4 MiB, max_inflight_batches 8).
#
# Every wait is bounded (`timeout`), so the script cannot hang; the
# throwaway cluster is stopped on exit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
changes="${1:-1000000}"
[[ "$changes" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [changes]" >&2; exit 2; }
wait_limit="${BENCH_TIMEOUT:-600}"  # seconds any one step may take
rapidbyte_bin="$root/build/rapidbyte"
connector_dir="$root/build/connectors"
[[ -x "$rapidbyte_bin" ]] || { echo "build/rapidbyte missing: run scripts/build.sh" >&2; exit 1; }
command -v pg_recvlogical >/dev/null || { echo "pg_recvlogical missing (postgresql-client)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time missing (Debian package time)" >&2; exit 1; }

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

# A workload's tables (<name>, or <name>_0 .. <name>_<n-1>) and their
# publication (with the side table that moves WAL past the end), shared by
# rapidbyte and pg_recvlogical.
tables_of() {  # name count
  if (($2 == 1)); then echo "$1"; else for ((i = 0; i < $2; i++)); do echo "$1_$i"; done; fi
}
make_tables() {  # name count
  local t list=""
  for t in $(tables_of "$1" "$2"); do
    sql src "CREATE TABLE $t (id bigint PRIMARY KEY, v int NOT NULL, note text,
             stamped timestamptz NOT NULL DEFAULT clock_timestamp())"
    list+="$t, "
  done
  sql src "CREATE PUBLICATION pub_$1 FOR TABLE ${list}bench_end"
}

pipeline() {  # name count cdc_mode
  local streams="" t
  for t in $(tables_of "$1" "$2"); do streams+="    - {name: $t, sync_mode: cdc}"$'\n'; done
  cat >"$work/$1-$3.yaml" <<EOF
version: 1
pipeline: cdc_$1
source:
  use: postgres
  config: {host: "127.0.0.1", port: $PGPORT, user: postgres, password: "", database: src,
           sslmode: disable, slot_name: rb_$1, publication: pub_$1, cdc_mode: $3}
  streams:
$streams
destination:
  use: postgres
  config: {host: "127.0.0.1", port: $PGPORT, user: postgres, password: "", database: dst,
           sslmode: disable}
  write_mode: upsert
  primary_key: [id]
state: {backend: sqlite, connection: "$work/state-$1.db"}
EOF
}

rapidbyte_run() {  # name mode
  timeout "$wait_limit" "$rapidbyte_bin" -q --connector-dir "$connector_dir" run "$work/$1-$2.yaml" \
    >"$work/$1.log" 2>&1 || { cat "$work/$1.log" >&2; return 1; }
}

# Creates the rapidbyte slot (first bounded run: snapshots of the empty
# tables) and the pg_recvlogical slot, both before any change.
make_slots() {  # name count
  pipeline "$1" "$2" bounded
  pipeline "$1" "$2" continuous
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

recvlogical() {  # name endpos
  timeout "$wait_limit" pg_recvlogical -d src --slot "recv_$1" --start --endpos "$2" --no-loop \
    -o proto_version=1 -o "publication_names=pub_$1" -f /dev/null
}

check_destination() {  # name count
  local q s d t
  for t in $(tables_of "$1" "$2"); do
    q="SELECT count(*) || '/' || coalesce(sum(v), 0) FROM $t"
    s="$(sql src "$q")"
    d="$(sql dst "$q")"
    [[ "$s" == "$d" ]] || { log "$t: destination (count/sum $d) differs from the source ($s)"; exit 1; }
  done
}

results=()
throughput() {  # name count changes
  local end t0 rb rl
  end="$(end_of_workload)"
  t0="$(now)"; rapidbyte_run "$1" bounded; rb="$(elapsed "$t0")"
  check_destination "$1" "$2"
  t0="$(now)"; recvlogical "$1" "$end"; rl="$(elapsed "$t0")"
  log "$1: rapidbyte $(printf '%.2f' "$rb") s, pg_recvlogical $(printf '%.2f' "$rl") s"
  local tables="$2 tables"; (($2 == 1)) && tables="1 table"
  results+=("$1 ($tables)|$3|$rb|$rl")
}

# ---- batched: 10 tables, transactions of 1000 rows -------------------------
batched_tables=10
per_table=$((changes / 2 / batched_tables / 1000 * 1000))
((per_table >= 1000)) || per_table=1000
make_tables batched "$batched_tables"
make_slots batched "$batched_tables"
log "batched: $per_table inserts, then $per_table updates, in each of $batched_tables tables, 1000 rows per transaction"
for t in $(tables_of batched "$batched_tables"); do
  for ((s = 0; s < per_table; s += 1000)); do
    echo "INSERT INTO $t (id, v, note) SELECT g, 0, 'row ' || g FROM generate_series($((s + 1)), $((s + 1000))) g;"
  done
done | timeout "$wait_limit" psql -X -q -v ON_ERROR_STOP=1 -d src >/dev/null
for t in $(tables_of batched "$batched_tables"); do
  for ((s = 0; s < per_table; s += 1000)); do
    echo "UPDATE $t SET v = v + 1 WHERE id BETWEEN $((s + 1)) AND $((s + 1000));"
  done
done | timeout "$wait_limit" psql -X -q -v ON_ERROR_STOP=1 -d src >/dev/null
throughput batched "$batched_tables" $((per_table * 2 * batched_tables))

# ---- single: single-row transactions ---------------------------------------
singles=$((changes / 10))
((singles >= 1)) || singles=1
make_tables single 1
make_slots single 1
log "single: $singles single-row transactions"
for ((i = 1; i <= singles; i++)); do echo "INSERT INTO single (id, v, note) VALUES ($i, $i, 'one');"; done |
  timeout "$wait_limit" psql -X -q -v ON_ERROR_STOP=1 -d src >/dev/null
throughput single 1 "$singles"

# ---- lag: a steady stream followed by both consumers ------------------------
lag_rows="${BENCH_LAG_ROWS:-20000}"
marker="rapidbyte-bench-end"
make_tables lag 1
make_slots lag 1
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
# 10-row transactions every 10 ms: about 1000 changes/s, paced against the
# clock so that slow iterations do not lower the rate.
sql src "CREATE PROCEDURE steady(n int) LANGUAGE plpgsql AS \$\$
  DECLARE t0 timestamptz := clock_timestamp();
  BEGIN
    FOR i IN 0..(n / 10 - 1) LOOP
      INSERT INTO lag (id, v, note) SELECT g, g, 'steady' FROM generate_series(i * 10 + 1, i * 10 + 10) g;
      COMMIT;
      PERFORM pg_sleep(greatest(0, extract(epoch FROM t0 + (i + 1) * interval '10 ms' - clock_timestamp())));
    END LOOP;
  END \$\$"
sleep 2  # both consumers streaming before the first change
log "lag: $lag_rows changes in 10-row transactions at about 1000/s"
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
check_destination lag 1
# Per-row lag: the samples go to the source database, next to the stamps.
sql src "CREATE TABLE lag_samples (at timestamptz, max_id bigint)"
timeout "$wait_limit" psql -X -q -d dst -c "COPY lag_samples TO STDOUT" |
  timeout "$wait_limit" psql -X -q -d src -c "COPY lag_samples FROM STDIN"
lag_stats="$(sql src "
  WITH arrival AS (
    SELECT l.id, l.stamped, (SELECT min(s.at) FROM lag_samples s WHERE s.max_id >= l.id) AS at FROM lag l)
  SELECT round(1000 * extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY at - stamped)))
         || ' ' || round(1000 * extract(epoch FROM percentile_cont(0.99) WITHIN GROUP (ORDER BY at - stamped)))
         || ' ' || round(1000 * extract(epoch FROM max(at - stamped)))
  FROM arrival")"
read -r lag_p50 lag_p99 lag_max <<<"$lag_stats"
# The last row's stamp (the server's clock is this machine's).
last_stamp="$(sql src "SELECT extract(epoch FROM max(stamped)) FROM lag")"
rb_catchup="$(echo "$rb_arrived - $last_stamp" | bc)"

# ---- memory: 30 streams in one run ------------------------------------------
memory_tables=30
make_tables mem "$memory_tables"
for t in $(tables_of mem "$memory_tables"); do
  echo "INSERT INTO $t (id, v, note) SELECT g, g, repeat('m', 60) FROM generate_series(1, 20000) g;"
done | timeout "$wait_limit" psql -X -q -v ON_ERROR_STOP=1 -d src >/dev/null
pipeline mem "$memory_tables" bounded
peak_rss_mb() {  # run: the peak resident set size of one bounded run, in MiB
  /usr/bin/time -f %M -o "$work/mem.kb" timeout "$wait_limit" "$rapidbyte_bin" -q \
    --connector-dir "$connector_dir" run "$work/mem-bounded.yaml" >"$work/mem.log" 2>&1 ||
    { cat "$work/mem.log" >&2; exit 1; }
  echo $(($(tail -n 1 "$work/mem.kb") / 1024))
}
mem_snapshot_mb="$(peak_rss_mb)"
for t in $(tables_of mem "$memory_tables"); do
  echo "UPDATE $t SET v = v + 1 WHERE id % 4 = 0;"
done | timeout "$wait_limit" psql -X -q -v ON_ERROR_STOP=1 -d src >/dev/null
mem_changes_mb="$(peak_rss_mb)"
check_destination mem "$memory_tables"
log "memory: $memory_tables streams, peak RSS $mem_snapshot_mb MiB (snapshots), $mem_changes_mb MiB (changes)"

echo
echo "changes: batched $((per_table * 2 * batched_tables)) ($batched_tables tables, one slot, 1000 rows/txn)," \
  "single $singles; lag: $lag_rows changes; $(nproc) cores; PostgreSQL $(sql postgres 'SHOW server_version')"
echo
echo "| workload | changes | rapidbyte s | rapidbyte changes/s | pg_recvlogical s | pg_recvlogical changes/s | rapidbyte vs recvlogical |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for r in "${results[@]}"; do
  IFS='|' read -r t n rb rl <<<"$r"
  printf '| %s | %d | %.2f | %.0f | %.2f | %.0f | %.2fx |\n' "$t" "$n" "$rb" "$(echo "$n / $rb" | bc -l)" \
    "$rl" "$(echo "$n / $rl" | bc -l)" "$(echo "$rl / $rb" | bc -l)"
done
echo
echo "| lag ($lag_rows changes, 10-row txns, ~1000/s) | rapidbyte (continuous, default settings) | pg_recvlogical |"
echo "|---|---:|---:|"
printf '| change-to-commit p50 / p99 / max | %s / %s / %s ms | - |\n' "$lag_p50" "$lag_p99" "$lag_max"
printf '| catch-up after the last commit | %.2f s | %.2f s |\n' "$rb_catchup" "$recv_catchup"
echo
echo "| memory ($memory_tables streams, one run) | peak RSS |"
echo "|---|---:|"
echo "| snapshots (20,000 rows each) | $mem_snapshot_mb MiB |"
echo "| changes (5,000 updates each) | $mem_changes_mb MiB |"
