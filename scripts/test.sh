#!/usr/bin/env bash
# Command (2) of the README: set up this machine, build, check formatting and
# lint, run the whole test suite, then the sanitizer builds' tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
echo "[test] format check"
cmake --build "$root/build" --target format-check
echo "[test] lint"
python3 -B "$root/scripts/lint.py" --build-dir "$root/build"
echo "[test] ctest"
ctest --test-dir "$root/build" --output-on-failure -j2
echo "[test] sanitizers"
"$root/scripts/sanitize.sh"
