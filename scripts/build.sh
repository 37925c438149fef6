#!/usr/bin/env bash
# Configures and builds everything (host binary, connector modules, tests,
# benchmarks) into build/. Assumes scripts/setup.sh has run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$root/build" -j2
