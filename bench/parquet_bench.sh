#!/usr/bin/env bash
# PostgreSQL <-> Parquet (zstd) on one local server, the event and wide
# profiles (bench/pg_bench_common.sh), every tool on the same data in the same run:
#
#   PG -> Parquet
#     rapidbyte   source-postgres -> dest-file (parquet, zstd), write_mode replace
#     rapidbyte_sliced  the same, the table read as two slices at once
#                 (partitions: 2, parallelism: 2), as DuckDB reads it in parallel
#     duckdb      DuckDB's COPY (SELECT * FROM postgres_scan(...)) TO '...parquet'
#                 (zstd), its postgres extension from PyPI (the peer)
#     connectorx  ConnectorX reads the table into Arrow, pyarrow writes Parquet
#                 (zstd), for reference
#   Parquet -> PG (both read the files rapidbyte wrote)
#     rapidbyte   source-file -> dest-postgres, write_mode append
#     duckdb      DuckDB reads the files and writes CSV into psql's COPY FROM STDIN
#
#   bench/parquet_bench.sh [rows]     # default 1000000
#
# Each run is timed end to end (process start-up included); the Parquet
# rows and the target table's rows are checked. "vs peer" is seconds / the
# peer's seconds (lower is better). Environment: BENCH_PROFILES (default
# "event wide"), BENCH_REPEAT (runs per tool, default 3; medians shown).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
default_profiles="event wide"
source "$root/bench/bench_arguments.sh" "$@"

python3 -c "import connectorx, duckdb, pyarrow" 2>/dev/null ||
  { echo "connectorx, duckdb and pyarrow are needed: run scripts/setup.sh" >&2; exit 1; }
source "$root/scripts/versions.sh"
duckdb_python="$DUCKDB_EXTENSIONS_PREFIX/bin/python"
[[ -f "$DUCKDB_EXTENSIONS_PREFIX/.complete" ]] ||
  { echo "DuckDB's postgres extension is needed: run scripts/setup.sh" >&2; exit 1; }

# The work directory, the throwaway server, helpers and profiles.
source "$root/bench/pg_bench_common.sh"

# Rows in the Parquet files under $1, by DuckDB.
parquet_rows() {
  python3 -c "import duckdb, sys; print(duckdb.connect().execute(\"SELECT count(*) FROM read_parquet('$1')\").fetchone()[0])"
}

# rapidbyte_run NAME [RESOURCES]: the pipeline on stdin, with RESOURCES
# (", key: value") added to its resources.
rapidbyte_run() {
  local name="$1" yaml="$work/$1.yaml"
  cat >"$yaml"
  echo "resources: {max_batch_bytes: 4194304, max_inflight_batches: 8${2:-}}" >>"$yaml"
  echo "state: {backend: sqlite, connection: \"$work/state-$name.db\"}" >>"$yaml"
  rm -f "$work/state-$name.db"
  "$rapidbyte_bin" -q --connector-dir "$connector_dir" run "$yaml" >"$work/$name.log" 2>&1 ||
    { cat "$work/$name.log" >&2; return 1; }
}

# --- PG -> Parquet: writes $work/<tool>/<table>/ -------------------------------

# to_parquet_rapidbyte TABLE [TOOL STREAM_EXTRA RESOURCES]: into $work/TOOL
# (default rapidbyte), the stream's flow map and the resources extended.
to_parquet_rapidbyte() {
  local tool="${2:-rapidbyte}"
  rapidbyte_run "to_${tool}_$1" "${4:-}" <<YAML
pipeline: to_parquet_${tool}_$1
source:
  use: postgres
  config: $(pg_config src)
  streams: [{name: $1${3:-}}]
destination:
  use: dest-file
  config: {path: "$work/$tool", format: parquet, compression: zstd}
  write_mode: replace
YAML
}

# The same, the table read as two slices of its pages at once (one per core).
to_parquet_rapidbyte_sliced() {
  to_parquet_rapidbyte "$1" rapidbyte_sliced ", partitions: 2" ", parallelism: 2"
}

to_parquet_duckdb() {
  rm -rf "$work/duckdb/$1" && mkdir -p "$work/duckdb/$1"
  "$duckdb_python" "$root/bench/parquet_peer.py" duckdb-pg-to-parquet \
    "host=127.0.0.1 port=$PGPORT user=postgres dbname=src" "$1" "$work/duckdb/$1/data.parquet"
}

to_parquet_connectorx() {
  rm -rf "$work/connectorx/$1" && mkdir -p "$work/connectorx/$1"
  python3 "$root/bench/parquet_peer.py" pg-to-parquet \
    "postgresql://postgres@127.0.0.1:$PGPORT/src" "$1" "$work/connectorx/$1/data.parquet"
}

# --- Parquet -> PG: reads $work/rapidbyte/<table>/ ------------------------------

from_parquet_rapidbyte() {
  rapidbyte_run "from_$1" <<YAML
pipeline: from_parquet_$1
source:
  use: source-file
  config: {path: "$work/rapidbyte"}
  streams: [{name: $1}]
destination:
  use: postgres
  config: $(pg_config dst)
  write_mode: append
YAML
}

from_parquet_duckdb() {
  python3 "$root/bench/parquet_peer.py" parquet-to-csv "$work/rapidbyte/$1/*.parquet" |
    psql -X -q -v ON_ERROR_STOP=1 -d dst -c "COPY $1 FROM STDIN (FORMAT csv, HEADER)"
}

# --- run -------------------------------------------------------------------------

declare -A secs status_of
results=()
for p in "${profiles[@]}"; do
  log "$p: seeding $rows rows"
  sql src "$(ddl "$p")"
  seed "$p"
  sql src "VACUUM (FREEZE, ANALYZE) $p"
  for direction in to from; do
    tools=(rapidbyte duckdb rapidbyte_sliced connectorx)
    [[ "$direction" == from ]] && tools=(rapidbyte duckdb)
    declare -A runs=()
    for ((rep = 1; rep <= repeat; rep++)); do
      for tool in "${tools[@]}"; do
        [[ "$direction" == from ]] && { sql dst "DROP TABLE IF EXISTS $p"; sql dst "$(ddl "$p")"; sql dst "CHECKPOINT"; }
        t0="$(now)"
        status=ok
        "${direction}_parquet_$tool" "$p" || status=failed
        t1="$(now)"
        if [[ "$direction" == to ]]; then
          count="$(parquet_rows "$work/$tool/$p/*.parquet")"
        else
          count="$(sql dst "SELECT count(*) FROM $p")"
        fi
        [[ "$status" == ok && "$count" != "$rows" ]] && status="rows $count != $rows"
        runs[$tool]+="$(echo "$t1 - $t0" | bc) "
        log "$p $direction parquet: $tool run $rep/$repeat $(printf '%.2f' "$(echo "$t1 - $t0" | bc)") s, $count rows ($status)"
        [[ "$status" == ok ]] || status_of[$p,$direction,$tool]="$status"
      done
    done
    for tool in "${tools[@]}"; do
      secs[$p,$direction,$tool]="$(median ${runs[$tool]})"
      results+=("$p|$direction|$tool|${tools[1]}|${status_of[$p,$direction,$tool]:-ok}")
    done
    unset runs
  done
  du -sbL "$work/rapidbyte/$p" "$work/duckdb/$p" "$work/rapidbyte_sliced/$p" "$work/connectorx/$p" | while read -r size dir; do
    log "$p: $(basename "$(dirname "$dir")") wrote $((size / 1000000)) MB of Parquet"
  done
  sql src "DROP TABLE $p"
  sql dst "DROP TABLE IF EXISTS $p"
done

echo
echo "rows per profile: $rows; median of $repeat runs per tool; $(nproc) cores; PostgreSQL $(sql postgres 'SHOW server_version')"
echo
echo "| profile | direction | tool | seconds | rows/s | vs peer | rows checked |"
echo "|---|---|---|---:|---:|---:|---|"
for r in "${results[@]}"; do
  IFS='|' read -r p direction tool peer status <<<"$r"
  s="${secs[$p,$direction,$tool]}"
  ratio="$(printf '%.2fx' "$(echo "$s / ${secs[$p,$direction,$peer]}" | bc -l)")"
  label="PG → Parquet"; [[ "$direction" == from ]] && label="Parquet → PG"
  printf '| %s | %s | %s | %.2f | %s | %s | %s |\n' "$p" "$label" "$tool" "$s" \
    "$(printf '%.0f' "$(echo "$rows / $s" | bc -l)" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')" "$ratio" "$status"
done
for r in "${results[@]}"; do [[ "$r" == *"|ok" ]] || exit 1; done
