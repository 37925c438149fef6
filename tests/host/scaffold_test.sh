#!/usr/bin/env bash
# `rapidbyte scaffold` for each role: the generated project must build against
# this tree and pass its own generated test.
set -euo pipefail
rapidbyte="$1"
root="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for name in source-scaffolded dest-scaffolded transform-scaffolded; do
  "$rapidbyte" scaffold "$name" --dir "$work" >/dev/null
  RAPIDBYTE="$rapidbyte" RAPIDBYTE_ROOT="$root" "$work/$name/test.sh" | tail -n 1
done
# A bad name and an existing directory are refused.
if "$rapidbyte" scaffold sink-x --dir "$work" 2>"$work/err"; then exit 1; fi
grep -qx "error: connector name 'sink-x' must be source-<x>, dest-<x> or transform-<x> (lower case letters, digits, dashes)" "$work/err"
if "$rapidbyte" scaffold source-scaffolded --dir "$work" 2>"$work/err"; then exit 1; fi
grep -qx "error: $work/source-scaffolded already exists" "$work/err"
echo "scaffold: 3 projects built and passed their tests"
