#!/usr/bin/env bash
# Builds the servers the tests start that are Go programs, from the Go module
# proxy, once per version into the cache outside the clone; later runs find
# them there and return at once.
#
#   the Temporal dev server  the `temporal` CLI of github.com/temporalio/cli,
#                            whose `server start-dev` runs a whole Temporal
#                            service on SQLite (scripts/throwaway-temporal.sh)
#   versitygw                an S3-compatible gateway over a directory (its
#                            POSIX backend) (scripts/throwaway-s3.sh)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/versions.sh"

go_bin="$(command -v go || echo /usr/local/go/bin/go)"

# build NAME PACKAGE VERSION PREFIX: `go install PACKAGE@vVERSION` into PREFIX/bin.
build() {
  local name="$1" package="$2" version="$3" prefix="$4"
  [[ -f "$prefix/.complete" ]] && return 0
  if [[ ! -x "$go_bin" ]]; then
    echo "[setup] $name is built with Go, which is not installed" >&2
    exit 1
  fi
  echo "[setup] building $name $version into $prefix (one time, a few minutes on 2 cores)"
  rm -rf "$prefix"
  mkdir -p "$prefix/bin"
  GOBIN="$prefix/bin" GOFLAGS=-mod=mod "$go_bin" install "$package@v$version"
  touch "$prefix/.complete"
  echo "[setup] $name cached in $prefix"
}

build "the Temporal CLI" github.com/temporalio/cli/cmd/temporal "$TEMPORAL_CLI_VERSION" \
  "$TEMPORAL_PREFIX"
"$TEMPORAL_PREFIX/bin/temporal" --version >/dev/null
build versitygw github.com/versity/versitygw/cmd/versitygw "$VERSITYGW_VERSION" \
  "$VERSITYGW_PREFIX"
