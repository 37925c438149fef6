#!/usr/bin/env bash
# Builds wasmtime's C API (static library + headers) from its crate, once per
# version, into the cache outside the build tree; later runs find it there and
# return at once. The fallback of scripts/fetch-wasmtime.sh, and the way to a
# self-contained binary (cmake -DRAPIDBYTE_WASMTIME=source).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/versions.sh"
crate_dir="$here/../host/wasmtime-c-api"
stamp="$WASMTIME_SOURCE_PREFIX/.complete"

if [[ -f "$stamp" ]]; then
  exit 0
fi

if ! grep -q "version = \"=$WASMTIME_SOURCE_VERSION\"" "$crate_dir/Cargo.toml"; then
  echo "host/wasmtime-c-api/Cargo.toml does not pin wasmtime-c-api-impl =$WASMTIME_SOURCE_VERSION (scripts/versions.sh)" >&2
  exit 1
fi

echo "[setup] building wasmtime C API $WASMTIME_SOURCE_VERSION into $WASMTIME_SOURCE_PREFIX (one time, ~20 min on 2 cores)"
target_dir="$RAPIDBYTE_CACHE_DIR/cargo-target-wasmtime-$WASMTIME_SOURCE_VERSION"
export PATH="$HOME/.cargo/bin:$PATH"
CARGO_TARGET_DIR="$target_dir" cargo build --release --locked --quiet \
  --manifest-path "$crate_dir/Cargo.toml"

# The implementation crate's build script installs the configured headers
# (wasmtime/conf.h included) into its OUT_DIR; take them from there.
include_dir="$(ls -d "$target_dir"/release/build/wasmtime-c-api-impl-*/out/include | head -n 1)"
rm -rf "$WASMTIME_SOURCE_PREFIX"
mkdir -p "$WASMTIME_SOURCE_PREFIX/lib"
cp -r "$include_dir" "$WASMTIME_SOURCE_PREFIX/include"
cp "$target_dir/release/libwasmtime.a" "$WASMTIME_SOURCE_PREFIX/lib/"
# Intermediate objects are large and no longer needed.
rm -rf "$target_dir"
touch "$stamp"
echo "[setup] wasmtime C API cached in $WASMTIME_SOURCE_PREFIX"
