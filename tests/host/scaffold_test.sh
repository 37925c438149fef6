#!/usr/bin/env bash
# `cmake --install` then `rapidbyte scaffold` for each role: the generated
# project must build against the installed SDK alone (no source tree) and pass
# its own generated test, run with no settings, with the installed binary.
set -euo pipefail
build="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
rapidbyte="$prefix/bin/rapidbyte"
for part in lib/cmake/RapidbyteSDK/RapidbyteSDKConfig.cmake \
            share/rapidbyte/cmake/wasm32-wasi.toolchain.cmake \
            share/rapidbyte/wit/rapidbyte-connector.wit \
            include/rapidbyte/guest/sdk/sdk.hpp \
            lib/rapidbyte/connectors/source-postgres.wasm; do
  [[ -f "$prefix/$part" ]] || { echo "not installed: $part" >&2; exit 1; }
done
for name in source-scaffolded dest-scaffolded transform-scaffolded; do
  "$rapidbyte" scaffold "$name" --dir "$work" >/dev/null
  # The project names no source tree.
  if grep -rqF "$(dirname "$build")/" "$work/$name"; then
    echo "$name names the build's tree" >&2
    exit 1
  fi
  env -u RAPIDBYTE -u RAPIDBYTE_SDK "$work/$name/test.sh" | tail -n 1
done
# A binary in a build tree scaffolds against the SDK that build stages.
"$build/rapidbyte" scaffold source-staged --dir "$work" >/dev/null
grep -qF "sdk=\"\${RAPIDBYTE_SDK:-$build/sdk}\"" "$work/source-staged/test.sh"
# An SDK prefix without the package is named.
if RAPIDBYTE_SDK="$work/nowhere" "$work/source-staged/test.sh" 2>"$work/err"; then exit 1; fi
grep -qx "no Rapidbyte SDK in $work/nowhere: set RAPIDBYTE_SDK to the prefix of 'cmake --install'" \
  "$work/err"
# A bad name and an existing directory are refused.
if "$rapidbyte" scaffold sink-x --dir "$work" 2>"$work/err"; then exit 1; fi
grep -qx "error: connector name 'sink-x' must be source-<x>, dest-<x> or transform-<x> (lower case letters, digits, dashes)" "$work/err"
if "$rapidbyte" scaffold source-scaffolded --dir "$work" 2>"$work/err"; then exit 1; fi
grep -qx "error: $work/source-scaffolded already exists" "$work/err"
echo "scaffold: installed, 3 projects built against the installed SDK and passed their tests"
