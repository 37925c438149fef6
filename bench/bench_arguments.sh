# What the table benchmarks read before they start anything, sourced with
# the script's arguments after setting `root` and `default_profiles`:
#
#   rows           $1, default 1000000
#   repeat         BENCH_REPEAT, runs per tool, default 3
#   profiles       BENCH_PROFILES, default $default_profiles
#   rapidbyte_bin, connector_dir   the build's binary and connectors
#
# A bad value, or a missing build, ends the script with a message.
rows="${1:-1000000}"
repeat="${BENCH_REPEAT:-3}"
[[ "$repeat" =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_REPEAT must be a positive integer" >&2; exit 2; }
[[ "$rows" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [rows]" >&2; exit 2; }
profiles=(${BENCH_PROFILES:-$default_profiles})

rapidbyte_bin="$root/build/rapidbyte"
connector_dir="$root/build/connectors"
[[ -x "$rapidbyte_bin" ]] || { echo "build/rapidbyte missing: run scripts/build.sh" >&2; exit 1; }
