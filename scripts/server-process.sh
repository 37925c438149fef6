# Sourced by the throwaway-* scripts whose server runs as a background
# process of their directory: $dir/server.pid holds its pid, $dir/server.log
# its output. Not a command of its own.

# Stops the server of $dir, if one runs: SIGTERM, then SIGKILL after 10 s.
stop_server() {
  [[ -f "$dir/server.pid" ]] || return 0
  local pid
  pid="$(cat "$dir/server.pid")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

# Kills the server of $dir as a crash would (SIGKILL) and waits until it is gone.
kill_server() {
  local pid
  pid="$(cat "$dir/server.pid")"
  kill -9 "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

# await_server NAME ADDRESS CHECK...: waits up to 60 s until the command
# CHECK succeeds; when the server exits first or does not answer in time,
# prints its log, stops it and exits 1.
await_server() {
  local name="$1" address="$2"
  shift 2
  for _ in $(seq 300); do
    "$@" >/dev/null 2>&1 && return 0
    if ! kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then
      echo "$0: $name exited; its log:" >&2
      cat "$dir/server.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "$0: $name did not answer on $address within 60 s; its log:" >&2
  cat "$dir/server.log" >&2
  stop_server
  exit 1
}
