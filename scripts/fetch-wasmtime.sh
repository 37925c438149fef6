#!/usr/bin/env bash
# Fetches wasmtime's C API prebuilt, once per version, into the cache outside
# the clone: the shared library wasmtime releases inside the PyPI wheel
# `wasmtime` (lib/libwasmtime.so) and the headers of the crate
# wasmtime-c-api-impl of the same version (include/). Both downloads are
# checked against the hashes pinned in scripts/versions.sh. Seconds instead
# of the source build's twenty minutes (scripts/build-wasmtime.sh, the
# fallback). Later runs find the cache and return at once.
#
# Exits non-zero, leaving no cache behind, when the prebuilt library cannot be
# had here (another architecture, no pip, no registry); the caller falls back
# to the source build.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/versions.sh"
stamp="$WASMTIME_PREBUILT_PREFIX/.complete"

if [[ -f "$stamp" ]]; then
  exit 0
fi
if [[ "$(uname -m)" != x86_64 ]]; then
  echo "[setup] no pinned prebuilt wasmtime for $(uname -m)" >&2
  exit 1
fi

echo "[setup] fetching the prebuilt wasmtime C API $WASMTIME_VERSION into $WASMTIME_PREBUILT_PREFIX"
mkdir -p "$RAPIDBYTE_CACHE_DIR"
staging="$(mktemp -d "$RAPIDBYTE_CACHE_DIR/.wasmtime-fetch.XXXXXX")"
trap 'rm -rf "$staging"' EXIT

# The wheel, from PyPI through pip, refused unless its hash is the pinned one.
echo "wasmtime==$WASMTIME_VERSION --hash=sha256:$WASMTIME_WHEEL_SHA256" >"$staging/requirements.txt"
python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  --platform manylinux1_x86_64 --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 \
  --require-hashes -r "$staging/requirements.txt" -d "$staging/wheel"
python3 -m zipfile -e "$staging"/wheel/wasmtime-"$WASMTIME_VERSION"-*.whl "$staging/wheel/unpacked"
library="$staging/wheel/unpacked/wasmtime/linux-x86_64/_libwasmtime.so"

# The headers, from the crate as the registry serves it (the download URL of
# the crates.io index), refused unless its hash is the index's checksum.
crate="$staging/wasmtime-c-api-impl-$WASMTIME_VERSION.crate"
curl -sSfL --retry 3 -o "$crate" \
  "https://static.crates.io/crates/wasmtime-c-api-impl/wasmtime-c-api-impl-$WASMTIME_VERSION.crate"
echo "$WASMTIME_CRATE_SHA256  $crate" | sha256sum --check --quiet
tar -xzf "$crate" -C "$staging"
include="$staging/wasmtime-c-api-impl-$WASMTIME_VERSION/include"

# wasmtime/conf.h says which features the library was built with, and the
# headers' declarations and layouts (wasmtime_val_t grows with GC) follow it,
# so it must describe this library exactly. The crate ships a template; each
# feature is defined when the library exports a function that only that
# feature provides. The template's other features declare nothing.
declare -A probes=(
  [PROFILING]=wasmtime_guestprofiler_new
  [WAT]=wasmtime_wat2wasm
  [CACHE]=wasmtime_config_cache_config_load
  [PARALLEL_COMPILATION]=wasmtime_config_parallel_compilation_set
  [WASI]=wasi_config_new
  [WASI_HTTP]=wasmtime_component_linker_add_wasi_http
  [THREADS]=wasmtime_sharedmemory_new
  [GC]=wasmtime_anyref_clone
  [ASYNC]=wasmtime_call_future_poll
  [CRANELIFT]=wasmtime_config_cranelift_opt_level_set
  [POOLING_ALLOCATOR]=wasmtime_pooling_allocation_config_new
  [COMPONENT_MODEL]=wasmtime_component_new
  [COMPONENT_MODEL_ASYNC]=wasmtime_component_func_call_async
)
exported="$(nm -D --defined-only "$library" | awk '{print $NF}')"
conf_h="$(cat "$include/wasmtime/conf.h.in")"
for feature in "${!probes[@]}"; do
  if grep -qx "${probes[$feature]}" <<<"$exported"; then
    conf_h="$(sed "s/^#cmakedefine WASMTIME_FEATURE_$feature\$/#define WASMTIME_FEATURE_$feature/" <<<"$conf_h")"
  fi
done
conf_h="$(sed 's|^#cmakedefine \(WASMTIME_FEATURE_[A-Z0-9_]*\)$|/* #undef \1 */|' <<<"$conf_h")"
if grep -q '#cmakedefine' <<<"$conf_h"; then
  echo "[setup] wasmtime/conf.h.in has a line this script does not know" >&2
  exit 1
fi
# The host needs a compiler and WASI.
for needed in CRANELIFT WASI PARALLEL_COMPILATION; do
  if ! grep -qx "#define WASMTIME_FEATURE_$needed" <<<"$conf_h"; then
    echo "[setup] the prebuilt wasmtime lacks the feature $needed" >&2
    exit 1
  fi
done
printf '%s\n' "$conf_h" >"$include/wasmtime/conf.h"
rm "$include/wasmtime/conf.h.in"

rm -rf "$WASMTIME_PREBUILT_PREFIX"
mkdir -p "$WASMTIME_PREBUILT_PREFIX/lib"
mv "$include" "$WASMTIME_PREBUILT_PREFIX/include"
mv "$library" "$WASMTIME_PREBUILT_PREFIX/lib/libwasmtime.so"
touch "$stamp"
echo "[setup] wasmtime C API $WASMTIME_VERSION cached in $WASMTIME_PREBUILT_PREFIX"
