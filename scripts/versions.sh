# Pinned versions of the tools and libraries that do not come from Debian.
# Sourced by the setup scripts and read by CMake (cmake/Versions.cmake mirrors it).

# wasmtime's C API, prebuilt (scripts/fetch-wasmtime.sh): the shared library of
# the PyPI wheel `wasmtime` and the headers of the crate wasmtime-c-api-impl,
# both of this version (the newest the crate registry serves here), checked
# against these hashes (the wheel's x86_64 manylinux file; the crates.io
# index's checksum of the crate).
WASMTIME_VERSION=50.0.1
WASMTIME_WHEEL_SHA256=cc14c3a17654e0394e0225b11813532ef0cd7bd1e222a0c5494cdedaabeddac4
WASMTIME_CRATE_SHA256=3c24d3970786b4baecb5b6aff31759b4f361879e8d99dbd5dc36a9524a0db6e6
# The fallback compiles the C API from the crate (scripts/build-wasmtime.sh):
# the newest wasmtime whose minimum Rust version the machine's rustc (1.95)
# meets, as one static library (a self-contained binary).
WASMTIME_SOURCE_VERSION=48.0.8
WIT_BINDGEN_VERSION=0.63.0
PYARROW_VERSION=26.0.1
# Benchmark peer (PyPI wheel that carries the Sling binary).
SLING_WHEEL_VERSION=1.4.11
# Benchmark peer of bench/transform_sql_bench (the same query over the same Arrow data).
DUCKDB_VERSION=2.0.0
# DuckDB with its extensions httpfs (reads the object storage tests' objects)
# and postgres_scanner (the peer of bench/parquet_bench.sh): PyPI serves them
# (duckdb-extension-httpfs, duckdb-extension-postgres-scanner) for this DuckDB,
# not for DUCKDB_VERSION; they live in a Python environment of their own.
DUCKDB_EXTENSIONS_VERSION=1.5.5
# Benchmark peer of bench/parquet_bench.sh (reads PostgreSQL into Arrow).
CONNECTORX_VERSION=0.4.6
# The Temporal dev server (`temporal server start-dev`) of the orchestration's
# tests, built from Go modules.
TEMPORAL_CLI_VERSION=1.5.1
# The S3-compatible server of the object storage tests (its POSIX backend),
# built from Go modules.
VERSITYGW_VERSION=1.8.0

# Heavy one-time builds live here, outside any clone, keyed by version.
RAPIDBYTE_CACHE_DIR="${RAPIDBYTE_CACHE_DIR:-$HOME/.cache/rapidbyte}"
WASMTIME_PREBUILT_PREFIX="$RAPIDBYTE_CACHE_DIR/wasmtime-prebuilt-$WASMTIME_VERSION"
WASMTIME_SOURCE_PREFIX="$RAPIDBYTE_CACHE_DIR/wasmtime-c-api-$WASMTIME_SOURCE_VERSION"
TEMPORAL_PREFIX="$RAPIDBYTE_CACHE_DIR/temporal-cli-$TEMPORAL_CLI_VERSION"
VERSITYGW_PREFIX="$RAPIDBYTE_CACHE_DIR/versitygw-$VERSITYGW_VERSION"
DUCKDB_EXTENSIONS_PREFIX="$RAPIDBYTE_CACHE_DIR/duckdb-extensions-$DUCKDB_EXTENSIONS_VERSION"
# Upstream C sources of the compression libraries the wasm32 guests compile
# (zstd, zlib), as carried by these crates (guest/third_party/Cargo.toml).
ZSTD_SYS_VERSION=2.1.3+zstd.1.5.7
LIBZ_SYS_VERSION=1.1.33
C_SOURCES_DIR="$RAPIDBYTE_CACHE_DIR/c-sources-zstd-sys-$ZSTD_SYS_VERSION-libz-sys-$LIBZ_SYS_VERSION"
