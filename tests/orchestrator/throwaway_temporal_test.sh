#!/usr/bin/env bash
# scripts/throwaway-temporal.sh keeps its word: `start DIR` prints the address
# of a Temporal dev server that answers there and keeps workflows in its
# history (one started without a worker stays Running and can be
# terminated); a second start in DIR replaces the first; `stop DIR` ends the
# server, frees its port and removes DIR.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$root/scripts/versions.sh"
temporal="${TEMPORAL_BIN:-$TEMPORAL_PREFIX/bin/temporal}"
dir="$(mktemp -d)/server"
trap '"$root/scripts/throwaway-temporal.sh" stop "$dir"; rm -rf "$(dirname "$dir")"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

exports="$("$root/scripts/throwaway-temporal.sh" start "$dir")"
[[ "$exports" =~ ^export\ TEMPORAL_ADDRESS=127\.0\.0\.1:[0-9]+$ ]] || fail "start printed '$exports'"
eval "$exports"
first_pid="$(cat "$dir/server.pid")"

"$temporal" workflow start --address "$TEMPORAL_ADDRESS" --task-queue nobody \
  --type Nothing --workflow-id throwaway-check >/dev/null
status="$("$temporal" workflow describe --address "$TEMPORAL_ADDRESS" \
  --workflow-id throwaway-check -o json | python3 -c \
  'import json, sys; print(json.load(sys.stdin)["workflowExecutionInfo"]["status"])')"
[[ "$status" == "WORKFLOW_EXECUTION_STATUS_RUNNING" ]] || fail "workflow status $status"
"$temporal" workflow terminate --address "$TEMPORAL_ADDRESS" --workflow-id throwaway-check \
  --reason test >/dev/null

# A second start in the same directory replaces the first server.
exports="$("$root/scripts/throwaway-temporal.sh" start "$dir")"
eval "$exports"
kill -0 "$first_pid" 2>/dev/null && fail "the first server still runs after the second start"
"$temporal" operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null ||
  fail "the second server does not answer"

"$root/scripts/throwaway-temporal.sh" stop "$dir"
[[ ! -e "$dir" ]] || fail "stop left $dir"
port="${TEMPORAL_ADDRESS##*:}"
python3 -c "import socket, sys; s = socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $port)) == 0)" ||
  fail "port $port still accepts connections after stop"
echo "throwaway Temporal server: ok"
