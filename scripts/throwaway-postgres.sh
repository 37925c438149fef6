#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL 15 cluster for the demo: a fresh
# data directory under /tmp, a free loopback port, run as the unprivileged
# `postgres` user (PostgreSQL refuses to run as root), trust auth on
# loopback only.
#
#   scripts/throwaway-postgres.sh start DIR   # prints PGHOST/PGPORT exports
#   scripts/throwaway-postgres.sh stop DIR
set -euo pipefail

pg_bin=/usr/lib/postgresql/15/bin
action="${1:?start or stop}"
dir="${2:?data directory}"

as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$action" in
  start)
    # A cluster left running in `dir` by an earlier start is stopped first.
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      as_postgres "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [[ "$(id -u)" == 0 ]] && chown postgres "$dir"
    as_postgres "$pg_bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
    port="$(free_port)"
    as_postgres "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c wal_level=logical -c fsync=off" >/dev/null
    echo "export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres"
    ;;
  stop)
    if [[ -d "$dir/data" ]]; then
      as_postgres "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
