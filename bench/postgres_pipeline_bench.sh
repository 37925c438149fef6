#!/usr/bin/env bash
# Full refresh PostgreSQL -> PostgreSQL on one local server, two databases
# (src, dst), three table profiles, every tool on the same data in the same run:
#
#   psql pipe   psql -c "COPY t TO STDOUT (FORMAT binary)" | psql -c "COPY t FROM STDIN (FORMAT binary)"
#   rapidbyte   source-postgres -> dest-postgres, full_refresh, write_mode append
#   rapidbyte_pN  the same, the table read as N partitions of one snapshot
#               (partitions: N, parallelism: N; BENCH_PARTITIONS, default "2 4")
#   pgcopydb    pgcopydb copy table-data (one table, via --filters)      [if installed]
#   sling       sling run --mode full-refresh (Sling recreates the table with
#               its own type mapping, e.g. inet -> varchar)           [if installed]
#
# (Debian's pgcopydb 0.10 has no --split-tables-larger-than: it copies one
# table with one COPY whatever --table-jobs says, so it has no partitioned
# counterpart here.)
#
#   bench/postgres_pipeline_bench.sh [rows]     # default 1000000
#
# Profiles (same deterministic rows every run; sizes are bytes per row in the
# binary COPY stream):
#   narrow  ~100 B: bigint, int, bigint, float8, timestamptz, short text, bool
#   event   ~500 B: uuid, inet, text, timestamptz, numeric, bool, with NULLs
#   wide    ~2 KB:  bigint, 8 bigint, 4 float8, 2 timestamptz, numeric, 15 text
#
# Every target (Sling aside, see above) is a freshly created empty table with the source's DDL
# (primary key included); each run is timed end to end (process start-up
# included) and the target's row count is checked. MB/s uses the size of the
# table's binary COPY stream (MB = 10^6 bytes); "vs psql" is seconds / psql
# pipe seconds (lower is better). "CPU s/M rows" is the CPU time of the whole
# machine (every process: the tool and both servers' backends, from
# /proc/stat) per million rows, so that scaling on more cores can be
# predicted from a 2-core run. The throwaway cluster is stopped on exit.
#
# Environment: SLING_BIN (default: the binary of the PyPI wheel
# sling-linux-amd64 if importable, else `sling` on PATH), PGCOPYDB_BIN
# (default: pgcopydb on PATH), BENCH_PROFILES (default "narrow event wide"),
# BENCH_TOOLS (default "psql rapidbyte pgcopydb sling"), BENCH_REPEAT (runs per
# tool, default 3; the table shows each tool's median).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
default_profiles="narrow event wide"
source "$root/bench/bench_arguments.sh" "$@"
partition_counts=(${BENCH_PARTITIONS-2 4})
default_tools="psql rapidbyte"
for n in "${partition_counts[@]}"; do default_tools+=" rapidbyte_p$n"; done
tools=(${BENCH_TOOLS:-$default_tools pgcopydb sling})

pgcopydb_bin="${PGCOPYDB_BIN:-$(command -v pgcopydb || true)}"
sling_bin="${SLING_BIN:-}"
if [[ -z "$sling_bin" ]]; then
  sling_bin="$(python3 -c 'import sling_linux_amd64 as s; print(s.SLING_BIN)' 2>/dev/null || true)"
  [[ -x "$sling_bin" ]] || sling_bin="$(command -v sling || true)"
fi

# The work directory, the throwaway server, helpers and profiles.
source "$root/bench/pg_bench_common.sh"
uri() { echo "postgresql://postgres@127.0.0.1:$PGPORT/$1?sslmode=disable"; }

recreate_target() { sql dst "DROP TABLE IF EXISTS $1"; sql dst "$(ddl "$1")"; }

# --- tools ---------------------------------------------------------------------

run_psql() {
  psql -X -q -d src -c "COPY $1 TO STDOUT (FORMAT binary)" |
    psql -X -q -v ON_ERROR_STOP=1 -d dst -c "COPY $1 FROM STDIN (FORMAT binary)"
}

run_rapidbyte() {
  local yaml="$work/rapidbyte-$1.yaml" partitions="${2:-1}"
  cat >"$yaml" <<EOF
version: 1
pipeline: bench_$1
source:
  use: postgres
  config: {host: "127.0.0.1", port: $PGPORT, user: postgres, password: "", database: src, sslmode: disable}
  streams:
    - name: $1
      sync_mode: full_refresh
      partitions: $partitions
destination:
  use: postgres
  config: {host: "127.0.0.1", port: $PGPORT, user: postgres, password: "", database: dst, schema: public, load_method: copy}
  write_mode: append
resources:
  parallelism: $partitions
  max_batch_bytes: 4194304
  max_inflight_batches: 8
state: {backend: sqlite, connection: "$work/state-$1.db"}
EOF
  rm -f "$work/state-$1.db"
  "$rapidbyte_bin" -q --connector-dir "$connector_dir" run "$yaml" >"$work/rapidbyte-$1.log" 2>&1 ||
    { cat "$work/rapidbyte-$1.log" >&2; return 1; }
}

for n in "${partition_counts[@]}"; do
  eval "run_rapidbyte_p$n() { run_rapidbyte \"\$1\" $n; }"
done

run_pgcopydb() {
  printf '[include-only-table]\npublic.%s\n' "$1" >"$work/pgcopydb-$1.filters"
  rm -rf "$work/pgcopydb-$1"
  "$pgcopydb_bin" copy table-data --source "$(uri src)" --target "$(uri dst)" \
    --dir "$work/pgcopydb-$1" --filters "$work/pgcopydb-$1.filters" >"$work/pgcopydb-$1.log" 2>&1 ||
    { tail -20 "$work/pgcopydb-$1.log" >&2; return 1; }
}

run_sling() {
  mkdir -p "$work/sling-home"
  SLING_HOME_DIR="$work/sling-home" SLING_DISABLE_TELEMETRY=true SLING_LOADED_AT_COLUMN=false \
    BENCH_SRC="$(uri src)" BENCH_DST="$(uri dst)" \
    "$sling_bin" run --src-conn BENCH_SRC --src-stream "public.$1" \
    --tgt-conn BENCH_DST --tgt-object "public.$1" --mode full-refresh >"$work/sling-$1.log" 2>&1 ||
    { tail -20 "$work/sling-$1.log" >&2; return 1; }
}

available() {
  case "$1" in
    pgcopydb) [[ -n "$pgcopydb_bin" && -x "$pgcopydb_bin" ]] ;;
    sling) [[ -n "$sling_bin" && -x "$sling_bin" ]] ;;
    *) true ;;
  esac
}

# --- run -----------------------------------------------------------------------

declare -A secs cpu bytes status_of
results=()
for p in "${profiles[@]}"; do
  log "$p: seeding $rows rows"
  t0="$(now)"
  sql src "$(ddl "$p")"
  seed "$p"
  sql src "VACUUM (FREEZE, ANALYZE) $p"
  # Also warms the cache: the binary COPY stream's size, for MB/s.
  bytes[$p]="$(psql -X -q -d src -c "COPY $p TO STDOUT (FORMAT binary)" | wc -c)"
  log "$p: seeded in $(printf '%.1f' "$(echo "$(now) - $t0" | bc)") s, $((bytes[$p] / rows)) B/row, $((bytes[$p] / 1000000)) MB"
  declare -A runs=() cpus=()
  for ((rep = 1; rep <= repeat; rep++)); do
    # Tools take turns within a repetition, so a slow spell of the machine
    # touches all of them rather than one.
    for tool in "${tools[@]}"; do
      if ! available "$tool"; then
        ((rep == 1)) && log "$p: $tool not installed, skipped"
        continue
      fi
      recreate_target "$p"
      sql dst "CHECKPOINT"
      t0="$(now)"
      c0="$(cpu_now)"
      status=ok
      "run_$tool" "$p" || status=failed
      t1="$(now)"
      c1="$(cpu_now)"
      cpus[$tool]+="$(echo "$c1 - $c0" | bc) "
      count="$(sql dst "SELECT count(*) FROM $p")"
      [[ "$status" == ok && "$count" != "$rows" ]] && status="rows $count != $rows"
      runs[$tool]+="$(echo "$t1 - $t0" | bc) "
      log "$p: $tool run $rep/$repeat $(printf '%.2f' "$(echo "$t1 - $t0" | bc)") s, $count rows ($status)"
      [[ "$status" == ok ]] || status_of[$p,$tool]="$status"
      sql dst "DROP TABLE $p"
    done
  done
  for tool in "${tools[@]}"; do
    available "$tool" || continue
    secs[$p,$tool]="$(median ${runs[$tool]})"
    cpu[$p,$tool]="$(median ${cpus[$tool]})"
    results+=("$p|$tool|${status_of[$p,$tool]:-ok}")
  done
  unset runs cpus
  sql src "DROP TABLE $p"  # disk: the next profile starts on its own
done

echo
echo "rows per profile: $rows; median of $repeat runs per tool; $(nproc) cores; PostgreSQL $(sql postgres 'SHOW server_version')"
echo
echo "| profile | tool | seconds | rows/s | MB/s | vs psql pipe | CPU s/M rows | rows checked |"
echo "|---|---|---:|---:|---:|---:|---:|---|"
for r in "${results[@]}"; do
  IFS='|' read -r p tool status <<<"$r"
  s="${secs[$p,$tool]}"
  base="${secs[$p,psql]:-}"
  ratio="-"
  [[ -n "$base" ]] && ratio="$(printf '%.2fx' "$(echo "$s / $base" | bc -l)")"
  name="$tool"; [[ "$tool" == psql ]] && name="psql pipe"
  [[ "$tool" == rapidbyte_p* ]] && name="rapidbyte, ${tool#rapidbyte_p} partitions"
  printf '| %s (%d B/row) | %s | %.2f | %s | %.0f | %s | %.2f | %s |\n' "$p" "$((bytes[$p] / rows))" "$name" "$s" \
    "$(printf '%.0f' "$(echo "$rows / $s" | bc -l)" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')" \
    "$(echo "${bytes[$p]} / $s / 1000000" | bc -l)" "$ratio" "$(echo "${cpu[$p,$tool]} * 1000000 / $rows" | bc -l)" "$status"
done
for r in "${results[@]}"; do [[ "$r" == *"|ok" ]] || exit 1; done
