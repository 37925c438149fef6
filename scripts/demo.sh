#!/usr/bin/env bash
# Command (1) of the README: set up this machine, build, run the demo pipeline.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
echo "[demo] rapidbyte run examples/demo.yaml"
"$root/build/rapidbyte" --connector-dir "$root/build/connectors" connectors
"$root/build/rapidbyte" --connector-dir "$root/build/connectors" run "$root/examples/demo.yaml"
