#!/usr/bin/env bash
# Fetches, once per version, the upstream C sources of zstd and zlib that the
# wasm32 guests compile (Parquet page compression): the crates zstd-sys and
# libz-sys carry them, pinned with their checksums by
# guest/third_party/Cargo.lock. They land in the cache outside the clone;
# later runs find them there and return at once.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/versions.sh"
manifest="$here/../guest/third_party/Cargo.toml"
stamp="$C_SOURCES_DIR/.complete"

if [[ -f "$stamp" ]]; then
  exit 0
fi
for pin in "zstd-sys = { version = \"=$ZSTD_SYS_VERSION\"" "libz-sys = { version = \"=$LIBZ_SYS_VERSION\""; do
  if ! grep -qF "${pin/+zstd.*\"/\"}" "$manifest"; then
    echo "guest/third_party/Cargo.toml does not pin ${pin%% =*} as scripts/versions.sh does" >&2
    exit 1
  fi
done

echo "[setup] fetching the zstd and zlib sources into $C_SOURCES_DIR"
export PATH="$HOME/.cargo/bin:$PATH"
staging="$C_SOURCES_DIR.partial"
rm -rf "$staging" "$C_SOURCES_DIR"
cargo vendor --locked --quiet --manifest-path "$manifest" "$staging/vendor" >/dev/null
mkdir -p "$C_SOURCES_DIR"
mv "$staging/vendor/zstd-sys/zstd" "$C_SOURCES_DIR/zstd"
mv "$staging/vendor/libz-sys/src/zlib" "$C_SOURCES_DIR/zlib"
rm -rf "$staging"
touch "$stamp"
echo "[setup] zstd and zlib sources cached in $C_SOURCES_DIR"
