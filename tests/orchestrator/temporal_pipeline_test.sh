#!/usr/bin/env bash
# Pipelines on Temporal, end to end, with a real dev server, a real
# PostgreSQL and real worker processes:
#   - a pipeline of two partitioned streams (heap pages, replace; key
#     ranges, incremental) and one read whole runs on two workers; the
#     worker running a slice (not the one holding the plan's snapshot) is
#     SIGKILLed mid-run: its slice is retried on the other worker, the
#     destination equals the source, the cursor is committed, and a second
#     run loads nothing twice;
#   - the Temporal server is killed and restarted mid-run: the run goes on
#     from its history and ends exact;
#   - a second submit while one runs is refused (exit 4);
#   - the worker holding the plan's snapshot dies: the run plans again;
#   - a schedule made by `submit --schedule` runs when triggered;
#   - a continuous cdc pipeline follows changes until it is cancelled;
#   - a failing pipeline: `submit --wait` exits as `run` does, with the same
#     error.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rapidbyte="${1:?usage: $0 RAPIDBYTE_BINARY}"
source "$root/scripts/versions.sh"
TEMPORAL_BIN="${TEMPORAL_BIN:-$TEMPORAL_PREFIX/bin/temporal}"
work="$(mktemp -d)"
chmod 755 "$work"
workers=()

cleanup() {
  for pid in "${workers[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$root/scripts/throwaway-temporal.sh" stop "$work/temporal" || true
  "$root/scripts/throwaway-postgres.sh" stop "$work/pg" >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for log in "$work"/*.log; do
    [[ -f "$log" ]] && { echo "--- $log" >&2; tail -n 40 "$log" >&2; }
  done
  exit 1
}

eval "$("$root/scripts/throwaway-postgres.sh" start "$work/pg")"
eval "$("$root/scripts/throwaway-temporal.sh" start "$work/temporal")"
sql() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
sql -d postgres -c "CREATE DATABASE src" -c "CREATE DATABASE dst" -c "CREATE DATABASE state"
sql -d src <<'SQL'
CREATE TABLE events (id bigint PRIMARY KEY, v int, pad text);
INSERT INTO events SELECT g, g % 97, repeat(md5(g::text), 6) FROM generate_series(1, 400000) g;
DELETE FROM events WHERE id % 11 = 0;
CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric(12, 2), updated_at timestamptz NOT NULL);
INSERT INTO orders SELECT g, g / 100.0, timestamptz '2026-01-01' + g * interval '1 second'
  FROM generate_series(1, 200000) g;
CREATE TABLE users (id int PRIMARY KEY, name text);
INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 1000) g;
SQL

pipeline() {  # pipeline NAME STREAMS
  cat <<YAML
pipeline: $1
source:
  use: postgres
  config: {host: 127.0.0.1, port: $PGPORT, user: postgres, database: src}
  streams: [$2]
destination:
  use: postgres
  config: {host: 127.0.0.1, port: $PGPORT, user: postgres, database: dst}
  write_mode: append
resources: {parallelism: 2}
state: {backend: postgres, connection: "host=127.0.0.1 port=$PGPORT user=postgres dbname=state"}
YAML
}
pipeline cluster_demo "{name: events, partitions: 4, write_mode: replace},
  {name: orders, sync_mode: incremental, cursor_field: updated_at, partitions: 3, partition_key: id,
   write_mode: upsert, primary_key: [id]},
  {name: users, write_mode: replace}" >"$work/cluster_demo.yaml"

start_worker() {  # start_worker NAME
  "$rapidbyte" worker --temporal "$TEMPORAL_ADDRESS" --max-tasks 2 >"$work/$1.log" 2>&1 &
  workers+=("$!")
}
start_worker worker_a
start_worker worker_b
submit() { "$rapidbyte" submit --temporal "$TEMPORAL_ADDRESS" --heartbeat-timeout 5s "$@"; }

# The rows of a table, the same on both sides.
same_rows() {  # same_rows TABLE COLUMNS
  local a b
  a="$(sql -d src -c "SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (SELECT $2 FROM $1) t")"
  b="$(sql -d dst -c "SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (SELECT $2 FROM $1) t")"
  [[ "$a" == "$b" ]] || fail "$1: source $a, destination $b"
}

echo "[${SECONDS}s] part 1"
# 1. A worker running a slice dies mid-run.
submit "$work/cluster_demo.yaml" --wait --json >"$work/first.json" 2>"$work/submit.log" &
submitter=$!
victim=""
for _ in $(seq 600); do
  for i in 0 1; do
    pid="${workers[$i]}"
    slice="$(pgrep -a -P "$pid" | grep -- '--partition' | head -n 1 || true)"
    if [[ -n "$slice" ]] && ! pgrep -a -P "$pid" | grep -q ' plan '; then
      victim="$i"
      break 2
    fi
  done
  sleep 0.05
done
[[ -n "$victim" ]] || fail "no slice ran on a worker without the plan"
killed_stream="$(sed -E 's/.*--stream ([^ ]+).*/\1/' <<<"$slice")"
killed_index="$(sed -E 's/.*--partition ([0-9]+).*/\1/' <<<"$slice")"
kill -9 "${workers[$victim]}"
echo "killed worker $victim running slice $killed_index of $killed_stream"
wait "$submitter" || fail "submit --wait exited with $? after a worker died: $(cat "$work/first.json")"
python3 - "$work/first.json" "$killed_stream" "$killed_index" <<'PY' || fail "first summary"
import json, sys
summary = json.load(open(sys.argv[1]))
stream, index = sys.argv[2], int(sys.argv[3])
assert summary["status"] == "succeeded", summary
streams = {s["stream"]: s for s in summary["streams"]}
assert sorted(streams) == ["events", "orders", "users"], streams
assert len(streams["events"]["partitions"]) == 4, streams["events"]
assert len(streams["orders"]["partitions"]) == 3, streams["orders"]
killed = [p for p in streams[stream]["partitions"] if p["index"] == index]
assert killed and killed[0]["attempts"] >= 2, (stream, index, streams[stream])
assert summary["records"] == 400000 - 36363 + 200000 + 1000, summary["records"]
PY
same_rows events "id, v, pad"
same_rows orders "id, amount, updated_at"
same_rows users "id, name"
cursor="$("$rapidbyte" state show "$work/cluster_demo.yaml" --stream orders 2>&1 | grep -c '2026-01-03' || true)"
[[ "$cursor" -ge 1 ]] || fail "the orders cursor is not the plan's: $("$rapidbyte" state show "$work/cluster_demo.yaml" 2>&1)"

echo "[${SECONDS}s] part 2"
# 2. The Temporal server dies and comes back mid-run; the run goes on.
start_worker worker_c
sql -d src -c "UPDATE orders SET amount = amount + 1, updated_at = updated_at + interval '10 days' WHERE id % 1000 = 0"
submit "$work/cluster_demo.yaml" --wait --json >"$work/second.json" 2>>"$work/submit.log" &
submitter=$!
for _ in $(seq 600); do
  pgrep -f -- '--partition|--stream users' >/dev/null && break
  sleep 0.05
done
echo "[${SECONDS}s] part 3"
# 3. A second submit of the pipeline while it runs is refused.
set +e
submit "$work/cluster_demo.yaml" >"$work/busy.out" 2>&1
busy=$?
set -e
[[ "$busy" == 4 ]] || fail "a second submit exited with $busy: $(cat "$work/busy.out")"
grep -q "pipeline 'cluster_demo' is already running on Temporal" "$work/busy.out" ||
  fail "busy message: $(cat "$work/busy.out")"
"$root/scripts/throwaway-temporal.sh" restart "$work/temporal" >/dev/null
wait "$submitter" || fail "submit --wait exited with $? across a server restart: $(cat "$work/second.json")"
python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); assert s["status"] == "succeeded", s' \
  "$work/second.json" || fail "second summary"
same_rows events "id, v, pad"
same_rows orders "id, amount, updated_at"
same_rows users "id, name"
"$rapidbyte" runs --temporal "$TEMPORAL_ADDRESS" >"$work/runs.out" 2>&1 || fail "runs: $(cat "$work/runs.out")"
[[ "$(grep -c '^cluster_demo ' "$work/runs.out")" == 2 ]] || fail "runs listed: $(cat "$work/runs.out")"
grep -Eq '^cluster_demo +succeeded .* 564637 rows' "$work/runs.out" ||
  fail "runs does not show the first run's rows: $(cat "$work/runs.out")"

echo "[${SECONDS}s] part 4"
# 4. The worker holding the plan's snapshot dies before the slices import
#    it (it is the only worker then; a fresh one starts after): the slices
#    cannot import the snapshot, so the run plans again (a new generation of
#    the heap-page slices) and ends exact.
for pid in "${workers[@]}"; do kill "$pid" 2>/dev/null || true; done
for pid in "${workers[@]}"; do wait "$pid" 2>/dev/null || true; done
workers=()
start_worker worker_holder
sql -d src -c "UPDATE events SET v = v + 1 WHERE id % 3 = 0"
submit "$work/cluster_demo.yaml" --wait --json >"$work/third.json" 2>>"$work/submit.log" &
submitter=$!
for _ in $(seq 600); do
  pgrep -a -P "${workers[0]}" | grep -q ' plan ' && break
  sleep 0.02
done
pgrep -a -P "${workers[0]}" | grep -q ' plan ' || fail "the worker never held a plan"
kill -9 "${workers[0]}"
start_worker worker_after
wait "$submitter" || fail "submit --wait exited with $? after the plan's worker died: $(cat "$work/third.json")"
plans="$("$TEMPORAL_BIN" workflow show --address "$TEMPORAL_ADDRESS" --workflow-id rapidbyte:cluster_demo \
  -o json | grep -c '"name": *"HoldPlan"' || true)"
[[ "$plans" -ge 2 ]] || fail "the run did not plan again ($plans plans)"
same_rows events "id, v, pad"
same_rows orders "id, amount, updated_at"

echo "[${SECONDS}s] part 5"
# 5. A schedule: made by submit --schedule, run now by a trigger.
submit "$work/cluster_demo.yaml" --schedule "0 3 * * *" >"$work/schedule.out" 2>&1 ||
  fail "submit --schedule: $(cat "$work/schedule.out")"
before="$("$rapidbyte" runs --temporal "$TEMPORAL_ADDRESS" | grep '^cluster_demo ' | grep -c succeeded || true)"
"$TEMPORAL_BIN" schedule trigger --address "$TEMPORAL_ADDRESS" --schedule-id rapidbyte:cluster_demo >/dev/null
for _ in $(seq 600); do
  done_runs="$("$rapidbyte" runs --temporal "$TEMPORAL_ADDRESS" | grep '^cluster_demo ' | grep -c succeeded || true)"
  [[ "$done_runs" -gt "$before" ]] && break
  sleep 0.2
done
[[ "$done_runs" -gt "$before" ]] || fail "the scheduled run did not complete: $("$rapidbyte" runs --temporal "$TEMPORAL_ADDRESS")"
"$TEMPORAL_BIN" schedule delete --address "$TEMPORAL_ADDRESS" --schedule-id rapidbyte:cluster_demo

echo "[${SECONDS}s] part 6"
# 6. A continuous cdc pipeline: its slot's reader runs as one activity until
#    the workflow is cancelled; changes reach the destination meanwhile.
sql -d src -c "CREATE TABLE customers (id int PRIMARY KEY, name text)" \
  -c "INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 100) g"
cat >"$work/cdc_demo.yaml" <<YAML
pipeline: cdc_demo
source:
  use: postgres
  config: {host: 127.0.0.1, port: $PGPORT, user: postgres, database: src, slot_name: rb_cdc_demo,
           cdc_mode: continuous}
  streams: [{name: customers, sync_mode: cdc}]
destination:
  use: postgres
  config: {host: 127.0.0.1, port: $PGPORT, user: postgres, database: dst}
  write_mode: upsert
  primary_key: [id]
state: {backend: postgres, connection: "host=127.0.0.1 port=$PGPORT user=postgres dbname=state"}
YAML
submit "$work/cdc_demo.yaml" >"$work/cdc.out" 2>&1 || fail "submit cdc: $(cat "$work/cdc.out")"
wait_for_rows() {  # wait_for_rows SQL EXPECTED
  for _ in $(seq 600); do
    [[ "$(sql -d dst -c "$1" 2>/dev/null || true)" == "$2" ]] && return 0
    sleep 0.1
  done
  fail "destination: '$1' is not '$2' but '$(sql -d dst -c "$1" 2>&1 || true)'"
}
wait_for_rows "SELECT count(*) FROM customers" 100
sql -d src -c "UPDATE customers SET name = 'changed' WHERE id <= 10" -c "DELETE FROM customers WHERE id > 90"
wait_for_rows "SELECT count(*) || ' ' || count(*) FILTER (WHERE name = 'changed') FROM customers" "90 10"
"$TEMPORAL_BIN" workflow cancel --address "$TEMPORAL_ADDRESS" --workflow-id rapidbyte:cdc_demo >/dev/null
for _ in $(seq 600); do
  pgrep -f -- 'cdc_demo.yaml' >/dev/null || break
  sleep 0.1
done
pgrep -f -- 'cdc_demo.yaml' >/dev/null && fail "the cdc reader still runs after the cancel"
same_rows customers "id, name"

echo "[${SECONDS}s] part 7"
# 7. A failing pipeline: the exit code and error of `run`.
pipeline failing_demo "{name: evnts}, {name: ordrs, partitions: 2}" >"$work/failing_demo.yaml"
set +e
"$rapidbyte" -q run "$work/failing_demo.yaml" --json >"$work/run_failed.json" 2>/dev/null
run_code=$?
submit "$work/failing_demo.yaml" --wait --json >"$work/submit_failed.json" 2>/dev/null
submit_code=$?
set -e
[[ "$run_code" == "$submit_code" && "$run_code" != 0 ]] ||
  fail "run exited with $run_code, submit --wait with $submit_code"
python3 - "$work/run_failed.json" "$work/submit_failed.json" <<'PY' || fail "failed summaries differ"
import json, sys
ran, submitted = (json.load(open(p)) for p in sys.argv[1:])
strip = lambda s: [(x["stream"], x["error"], x["error_code"], x["error_connector"]) for x in s["streams"]]
assert ran["status"] == submitted["status"] == "failed", (ran, submitted)
assert strip(ran) == strip(submitted), (strip(ran), strip(submitted))
PY
echo "ok: runs on Temporal survive a dead worker and a restarted server, exactly"
