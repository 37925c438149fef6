#!/usr/bin/env bash
# Prepares a fresh Debian bookworm machine (as root) to build and test Rapidbyte:
# Debian packages, pinned cargo tools, the cached wasmtime C API (prebuilt,
# or compiled when the prebuilt one cannot be had), the cached
# zstd and zlib sources of the guests, the cached Temporal dev server, and
# pyarrow.
# Idempotent: every step is skipped when its result is already present.
#
#   setup.sh          everything: build, tests, lint, fuzzers, benchmark peers
#   setup.sh --demo   only what building the binary and the connectors and
#                     running the demo need (scripts/demo.sh); no test, lint
#                     or benchmark tools, no Python packages
set -euo pipefail
demo_only=false
case "${1:-}" in
  "") ;;
  --demo) demo_only=true ;;
  *) echo "usage: $0 [--demo]" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/versions.sh
source "$here/versions.sh"

log() { printf '[setup] %s\n' "$*"; }

debian_packages=(
  # host build (python3 runs the generator of the contract's C++ mirrors)
  cmake ninja-build g++ ccache pkg-config git python3
  # the prebuilt wasmtime C API: pip fetches its wheel, curl its crate
  python3-pip curl ca-certificates
  # guest toolchain (wasm32-wasi)
  clang-19 lld-19 llvm-19 wasi-libc libc++-19-dev-wasm32 libc++abi-19-dev-wasm32 libclang-rt-19-dev-wasm32
  # libraries
  libyaml-cpp-dev rapidjson-dev libvalijson-dev
  libcli11-dev libspdlog-dev libfmt-dev libsqlite3-dev libpq-dev liblz4-dev libzstd-dev zlib1g-dev
  libssl-dev libflatbuffers-dev flatbuffers-compiler libcpp-httplib-dev
  # PostgreSQL server and client for the demo and the tests; runuser
  # (util-linux) starts throwaway clusters as an unprivileged user
  postgresql-15 postgresql-client-15 util-linux
)
test_debian_packages=(
  # native clang runtime for libFuzzer targets
  libclang-rt-19-dev
  # format and lint
  clang-format-19 clang-tidy-19
  # test and benchmark libraries
  libgtest-dev libgmock-dev libbenchmark-dev
  # openssl makes test certificates; python3-venv the environment of DuckDB's extensions
  openssl python3-venv
  # benchmark peer of bench/postgres_pipeline_bench.sh; GNU time for the
  # peak memory bench/cdc_bench.sh reports
  pgcopydb time
)
$demo_only || debian_packages+=("${test_debian_packages[@]}")

install_debian_packages() {
  local missing=()
  for p in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # Debian's postgresql-common creates a default cluster on install; the project
  # never uses it (tests and the demo start their own), so keep it from running.
  if command -v pg_lsclusters >/dev/null && pg_lsclusters -h 2>/dev/null | grep -q online; then
    pg_ctlcluster 15 main stop 2>/dev/null || true
  fi
}

# PostgreSQL refuses to run as root: tests run their throwaway clusters as the
# system user `postgres` (Debian's package normally creates it).
ensure_postgres_user() {
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
}

install_wit_bindgen() {
  if command -v wit-bindgen >/dev/null &&
    [[ "$(wit-bindgen --version 2>/dev/null)" == *"$WIT_BINDGEN_VERSION"* ]]; then
    return
  fi
  log "installing wit-bindgen-cli $WIT_BINDGEN_VERSION"
  cargo install --locked --quiet wit-bindgen-cli --version "=$WIT_BINDGEN_VERSION"
}

# A Debian-managed python refuses plain pip installs; a user-managed one accepts them.
pip_install() {
  python3 -m pip install --quiet --disable-pip-version-check "$1" 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$1"
}

install_python_packages() {
  if python3 -c "import pyarrow, sys; sys.exit(pyarrow.__version__ != '$PYARROW_VERSION')" 2>/dev/null; then
    return
  fi
  log "installing pyarrow $PYARROW_VERSION"
  pip_install "pyarrow==$PYARROW_VERSION"
}

# Benchmark peer of bench/postgres_pipeline_bench.sh: the wheel carries the Sling
# binary (the plain `sling` package downloads it at run time).
install_sling() {
  if python3 -c "import sling_linux_amd64 as s, os, sys; sys.exit(not os.access(s.SLING_BIN, os.X_OK) or s.SLING_VERSION.lstrip('v') != '$SLING_WHEEL_VERSION')" 2>/dev/null; then
    return
  fi
  log "installing sling-linux-amd64 $SLING_WHEEL_VERSION"
  pip_install "sling-linux-amd64==$SLING_WHEEL_VERSION"
}

# Benchmark peer of bench/transform_sql_bench.
install_duckdb() {
  if python3 -c "import duckdb, sys; sys.exit(duckdb.__version__ != '$DUCKDB_VERSION')" 2>/dev/null; then
    return
  fi
  log "installing duckdb $DUCKDB_VERSION"
  pip_install "duckdb==$DUCKDB_VERSION"
}

# Benchmark peer of bench/parquet_bench.sh.
install_connectorx() {
  if python3 -c "import connectorx, sys; sys.exit(connectorx.__version__ != '$CONNECTORX_VERSION')" 2>/dev/null; then
    return
  fi
  log "installing connectorx $CONNECTORX_VERSION"
  pip_install "connectorx==$CONNECTORX_VERSION"
}

# DuckDB's extensions httpfs (the object storage tests read their objects
# through it) and postgres_scanner (a benchmark peer) in a Python environment
# of their own, cached outside the clone: PyPI serves them for another DuckDB
# than the benchmark's.
install_duckdb_extensions() {
  if [[ -f "$DUCKDB_EXTENSIONS_PREFIX/.complete" ]]; then
    return
  fi
  log "installing duckdb $DUCKDB_EXTENSIONS_VERSION with httpfs and postgres_scanner into $DUCKDB_EXTENSIONS_PREFIX"
  rm -rf "$DUCKDB_EXTENSIONS_PREFIX"
  python3 -m venv "$DUCKDB_EXTENSIONS_PREFIX"
  "$DUCKDB_EXTENSIONS_PREFIX/bin/python" -m pip install --quiet --disable-pip-version-check \
    "duckdb==$DUCKDB_EXTENSIONS_VERSION" "duckdb-extension-httpfs==$DUCKDB_EXTENSIONS_VERSION" \
    "duckdb-extension-postgres-scanner==$DUCKDB_EXTENSIONS_VERSION"
  touch "$DUCKDB_EXTENSIONS_PREFIX/.complete"
}

export PATH="$HOME/.cargo/bin:$PATH"
install_debian_packages
ensure_postgres_user
# The connectors build from committed bindings; wit-bindgen is for the tests
# (the bindings check, a test guest of another package).
$demo_only || install_wit_bindgen
# wasmtime's C API: prebuilt in seconds, else compiled from source once.
"$here/fetch-wasmtime.sh" || {
  log "the prebuilt wasmtime C API is not available here; building it from source"
  "$here/build-wasmtime.sh"
}
"$here/fetch-c-sources.sh"
if ! $demo_only; then
  # The Temporal dev server of the orchestration's tests, the S3 server of
  # the object storage tests.
  "$here/build-go-servers.sh"
  install_python_packages
  install_sling
  install_duckdb
  install_duckdb_extensions
  install_connectorx
fi
log "machine ready"
