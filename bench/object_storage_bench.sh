#!/usr/bin/env bash
# PostgreSQL -> Parquet (zstd) on a local S3-compatible server (versitygw,
# scripts/throwaway-s3.sh) against the same to local disk, and against
# pyarrow's S3 writer, on one local PostgreSQL server, the event and wide
# profiles (bench/pg_bench_common.sh), every tool on the same data in the
# same run:
#
#   rapidbyte-disk  source-postgres -> dest-file, path on local disk
#   rapidbyte-s3    source-postgres -> dest-file, path s3://bench/rapidbyte
#   pyarrow-s3      ConnectorX reads the table into Arrow, pyarrow's
#                   S3FileSystem writes it as Parquet (zstd) to the server
#
#   bench/object_storage_bench.sh [rows]     # default 1000000
#
# Each run is timed end to end (process start-up included); the rows of
# what each wrote are counted by pyarrow. "vs disk" and "vs pyarrow" are
# seconds / that tool's seconds (lower is better). Environment:
# BENCH_PROFILES (default "event wide"), BENCH_REPEAT (runs per tool,
# default 3; medians shown).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
default_profiles="event wide"
source "$root/bench/bench_arguments.sh" "$@"

python3 -c "import connectorx, pyarrow" 2>/dev/null ||
  { echo "connectorx and pyarrow are needed: run scripts/setup.sh" >&2; exit 1; }

source "$root/bench/pg_bench_common.sh"
trap '"$root/scripts/throwaway-s3.sh" stop "$work/s3" || true; cleanup' EXIT
eval "$("$root/scripts/throwaway-s3.sh" start "$work/s3")"
python3 "$root/bench/parquet_peer.py" s3-bucket bench

# Rows of the Parquet dataset at $1 (a directory, or bucket/prefix on the
# server; a replaced stream is read through its manifest).
dataset_rows() {
  python3 - "$1" <<'PY'
import json, os, sys
import pyarrow.dataset as ds
path = sys.argv[1]
filesystem = None
if not path.startswith("/"):
    sys.path.insert(0, os.path.join(os.environ["RAPIDBYTE_ROOT"], "bench"))
    from parquet_peer import s3_file_system
    filesystem = s3_file_system()
    manifest = path + "/_manifest.json"
    if filesystem.get_file_info(manifest).type.name == "File":
        with filesystem.open_input_stream(manifest) as stream:
            path += "/" + json.loads(stream.read())["generation"]
print(ds.dataset(path, format="parquet", filesystem=filesystem).count_rows())
PY
}
export RAPIDBYTE_ROOT="$root"

rapidbyte_to() {
  local table="$1" path="$2" extra="$3" yaml="$work/to_$1.yaml"
  cat >"$yaml" <<YAML
pipeline: to_parquet_$table
source:
  use: postgres
  config: $(pg_config src)
  streams: [{name: $table}]
destination:
  use: dest-file
  config: {path: "$path", format: parquet, compression: zstd$extra}
  write_mode: replace
resources: {max_batch_bytes: 4194304, max_inflight_batches: 8}
state: {backend: sqlite, connection: "$work/state-$table.db"}
YAML
  rm -f "$work/state-$table.db"
  "$rapidbyte_bin" -q --connector-dir "$connector_dir" run "$yaml" >"$work/$table.log" 2>&1 ||
    { cat "$work/$table.log" >&2; return 1; }
}

run_tool() {
  local tool="$1" table="$2"
  case "$tool" in
    rapidbyte-disk) rapidbyte_to "$table" "$work/disk" "" ;;
    rapidbyte-s3) rapidbyte_to "$table" "s3://bench/rapidbyte" ", endpoint: \"$S3_ENDPOINT\"" ;;
    pyarrow-s3) python3 "$root/bench/parquet_peer.py" pg-to-s3 \
      "postgresql://postgres@127.0.0.1:$PGPORT/src" "$table" "bench/pyarrow/$table/data.parquet" ;;
  esac
}

written_by() {
  case "$1" in
    rapidbyte-disk) echo "$work/disk/$2" ;;
    rapidbyte-s3) echo "bench/rapidbyte/$2" ;;
    pyarrow-s3) echo "bench/pyarrow/$2" ;;
  esac
}

declare -A secs status_of
tools=(rapidbyte-disk rapidbyte-s3 pyarrow-s3)
for p in "${profiles[@]}"; do
  log "$p: seeding $rows rows"
  sql src "$(ddl "$p")"
  seed "$p"
  sql src "VACUUM (FREEZE, ANALYZE) $p"
  declare -A runs=()
  for ((rep = 1; rep <= repeat; rep++)); do
    for tool in "${tools[@]}"; do
      t0="$(now)"
      status=ok
      run_tool "$tool" "$p" || status=failed
      t1="$(now)"
      count="$(dataset_rows "$(written_by "$tool" "$p")")"
      [[ "$status" == ok && "$count" != "$rows" ]] && status="rows $count != $rows"
      runs[$tool]+="$(echo "$t1 - $t0" | bc) "
      log "$p: $tool run $rep/$repeat $(printf '%.2f' "$(echo "$t1 - $t0" | bc)") s, $count rows ($status)"
      [[ "$status" == ok ]] || status_of[$p,$tool]="$status"
    done
  done
  for tool in "${tools[@]}"; do secs[$p,$tool]="$(median ${runs[$tool]})"; done
  unset runs
  sql src "DROP TABLE $p"
done

echo
echo "rows per profile: $rows; median of $repeat runs per tool; $(nproc) cores; PostgreSQL $(sql postgres 'SHOW server_version')"
echo
echo "| profile | tool | seconds | rows/s | vs disk | vs pyarrow | rows checked |"
echo "|---|---|---:|---:|---:|---:|---|"
failed=0
for p in "${profiles[@]}"; do
  for tool in "${tools[@]}"; do
    s="${secs[$p,$tool]}"
    printf '| %s | %s | %.2f | %s | %.2fx | %.2fx | %s |\n' "$p" "$tool" "$s" \
      "$(printf '%.0f' "$(echo "$rows / $s" | bc -l)" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')" \
      "$(echo "$s / ${secs[$p,rapidbyte-disk]}" | bc -l)" \
      "$(echo "$s / ${secs[$p,pyarrow-s3]}" | bc -l)" "${status_of[$p,$tool]:-ok}"
    [[ -z "${status_of[$p,$tool]:-}" ]] || failed=1
  done
done
exit "$failed"
