#!/usr/bin/env bash
# Starts or stops a throwaway Temporal dev server (`temporal server
# start-dev`, built by scripts/build-go-servers.sh) for the orchestration's
# tests: its own SQLite file in DIR, a free loopback port for the frontend
# (and free ones for its HTTP API and metrics), no web UI.
#
#   scripts/throwaway-temporal.sh start DIR   # prints the TEMPORAL_ADDRESS export
#   scripts/throwaway-temporal.sh restart DIR # kills the server (SIGKILL) and starts it
#                                             # again on its ports and history
#   scripts/throwaway-temporal.sh stop DIR
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/versions.sh"
source "$here/server-process.sh"
temporal="${TEMPORAL_BIN:-$TEMPORAL_PREFIX/bin/temporal}"
action="${1:?start or stop}"
dir="${2:?server directory}"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts the server of `dir` on the ports in $dir/ports with the history in
# $dir/temporal.db, and prints the export once it answers.
serve() {
  if [[ ! -x "$temporal" ]]; then
    echo "$0: no Temporal CLI at $temporal (scripts/build-go-servers.sh builds it)" >&2
    exit 1
  fi
  local port http_port metrics_port
  read -r port http_port metrics_port <"$dir/ports"
  "$temporal" server start-dev --headless --ip 127.0.0.1 --port "$port" \
    --http-port "$http_port" --metrics-port "$metrics_port" \
    --db-filename "$dir/temporal.db" --log-level warn \
    >>"$dir/server.log" 2>&1 &
  echo $! >"$dir/server.pid"
  # Ready when the frontend answers a health check (about 2 s).
  await_server "the Temporal dev server" "127.0.0.1:$port" \
    "$temporal" operator cluster health --address "127.0.0.1:$port"
  echo "export TEMPORAL_ADDRESS=127.0.0.1:$port"
}

case "$action" in
  start)
    # A server left running in `dir` by an earlier start is stopped first.
    stop_server
    rm -rf "$dir"
    mkdir -p "$dir"
    echo "$(free_port) $(free_port) $(free_port)" >"$dir/ports"
    serve
    ;;
  restart)
    [[ -f "$dir/ports" ]] || { echo "$0: no server was started in $dir" >&2; exit 1; }
    kill_server
    serve
    ;;
  stop)
    stop_server
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|restart|stop DIR" >&2
    exit 2
    ;;
esac
