#!/usr/bin/env bash
# Configures and builds into build/. Assumes scripts/setup.sh has run.
#
#   build.sh          everything: host binary, connector modules, tests,
#                     benchmarks
#   build.sh --demo   the host binary and the connector modules only
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
with_tests=ON
case "${1:-}" in
  "") ;;
  --demo) with_tests=OFF ;;
  *) echo "usage: $0 [--demo]" >&2; exit 2 ;;
esac
export PATH="$HOME/.cargo/bin:$PATH"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DRAPIDBYTE_BUILD_TESTS=$with_tests -DRAPIDBYTE_BUILD_BENCH=$with_tests \
  -DRAPIDBYTE_BUILD_ORCHESTRATOR=$with_tests >/dev/null
cmake --build "$root/build" -j2
