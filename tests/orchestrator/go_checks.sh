#!/usr/bin/env bash
# The Temporal orchestrator's Go code: formatted (gofmt), vetted, and its
# workflow tests pass against the SDK's test environment (no server).
set -euo pipefail
go="${1:?usage: $0 GO_BINARY}"
cd "$(dirname "${BASH_SOURCE[0]}")/../../orchestrator/temporal"
export GOFLAGS=-mod=readonly
unformatted="$("$(dirname "$go")/gofmt" -l .)"
if [[ -n "$unformatted" ]]; then
  echo "FAIL: not gofmt-formatted: $unformatted" >&2
  exit 1
fi
"$go" vet ./...
"$go" test -count=1 ./...
