#!/usr/bin/env bash
# Starts or stops a throwaway S3-compatible server for the object storage
# tests: versitygw (built by scripts/build-go-servers.sh) over a directory
# of its own (its POSIX backend: a bucket is a directory, an object a file),
# on a free loopback port, with a root key made for this start.
#
#   scripts/throwaway-s3.sh start DIR   # prints the exports: S3_ENDPOINT,
#                                       # AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
#                                       # AWS_REGION
#   scripts/throwaway-s3.sh start DIR --tls
#                                       # https, with a self-signed certificate
#                                       # for localhost and 127.0.0.1; also
#                                       # exports S3_CA_FILE, that certificate
#   scripts/throwaway-s3.sh restart DIR # kills the server (SIGKILL) and starts it
#                                       # again on its port, key and objects
#   scripts/throwaway-s3.sh stop DIR
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/versions.sh"
source "$here/server-process.sh"
versitygw="${VERSITYGW_BIN:-$VERSITYGW_PREFIX/bin/versitygw}"
action="${1:?start, restart or stop}"
dir="${2:?server directory}"
tls="${3:-}"
[[ -z "$tls" || ( "$action" == start && "$tls" == --tls ) ]] ||
  { echo "usage: $0 start DIR [--tls] | restart DIR | stop DIR" >&2; exit 2; }

# Starts the server of `dir` with the port and key in $dir/settings, and
# prints the exports once it answers.
serve() {
  if [[ ! -x "$versitygw" ]]; then
    echo "$0: no versitygw at $versitygw (scripts/build-go-servers.sh builds it)" >&2
    exit 1
  fi
  local port access secret scheme=http tls_flags=() ca_export=""
  read -r port access secret <"$dir/settings"
  if [[ -f "$dir/tls.crt" ]]; then
    scheme=https
    tls_flags=(--cert "$dir/tls.crt" --key "$dir/tls.key")
    ca_export=" S3_CA_FILE=$dir/tls.crt"
  fi
  ROOT_ACCESS_KEY_ID="$access" ROOT_SECRET_ACCESS_KEY="$secret" \
    "$versitygw" --port "127.0.0.1:$port" --region us-east-1 --keep-alive --quiet \
    "${tls_flags[@]}" posix "$dir/objects" >>"$dir/server.log" 2>&1 &
  echo $! >"$dir/server.pid"
  # Ready when the port takes a connection (well under a second).
  await_server versitygw "127.0.0.1:$port" \
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)"
  echo "export S3_ENDPOINT=$scheme://127.0.0.1:$port AWS_ACCESS_KEY_ID=$access" \
    "AWS_SECRET_ACCESS_KEY=$secret AWS_REGION=us-east-1$ca_export"
}

case "$action" in
  start)
    # A server left running in `dir` by an earlier start is stopped first.
    stop_server
    rm -rf "$dir"
    mkdir -p "$dir/objects"
    python3 -c '
import secrets, socket
s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], "rbtest" + secrets.token_hex(6), secrets.token_urlsafe(30))' \
      >"$dir/settings"
    if [[ "$tls" == --tls ]]; then
      openssl req -new -x509 -days 2 -nodes -newkey rsa:2048 -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
    fi
    serve
    ;;
  restart)
    [[ -f "$dir/settings" ]] || { echo "$0: no server was started in $dir" >&2; exit 1; }
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
