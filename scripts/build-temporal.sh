#!/usr/bin/env bash
# Builds the Temporal dev server (the `temporal` CLI of github.com/temporalio/cli,
# whose `server start-dev` runs a whole Temporal service on SQLite) once per
# version into the cache outside the clone; later runs find it there and return
# at once. Tests start it with scripts/throwaway-temporal.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/versions.sh"
stamp="$TEMPORAL_PREFIX/.complete"

if [[ -f "$stamp" ]]; then
  exit 0
fi

go_bin="$(command -v go || echo /usr/local/go/bin/go)"
if [[ ! -x "$go_bin" ]]; then
  echo "[setup] the Temporal dev server is built with Go, which is not installed" >&2
  exit 1
fi

echo "[setup] building the Temporal CLI $TEMPORAL_CLI_VERSION into $TEMPORAL_PREFIX (one time, ~10 min on 2 cores)"
rm -rf "$TEMPORAL_PREFIX"
mkdir -p "$TEMPORAL_PREFIX/bin"
GOBIN="$TEMPORAL_PREFIX/bin" GOFLAGS=-mod=mod "$go_bin" install \
  "github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_CLI_VERSION"
"$TEMPORAL_PREFIX/bin/temporal" --version
touch "$stamp"
echo "[setup] Temporal CLI cached in $TEMPORAL_PREFIX"
