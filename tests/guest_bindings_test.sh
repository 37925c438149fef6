#!/usr/bin/env bash
# The committed guest bindings (guest/bindings/) are exactly what the pinned
# wit-bindgen makes from the WIT today: regenerated into a temporary
# directory and compared file by file.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$root/scripts/update-bindings.sh" "$work"
if ! diff -r "$root/guest/bindings" "$work" >"$work.diff"; then
  cat "$work.diff"
  rm -f "$work.diff"
  echo "guest/bindings/ differs from what wit-bindgen makes of the WIT: run scripts/update-bindings.sh" >&2
  exit 1
fi
rm -f "$work.diff"
echo "guest/bindings/ is current"
