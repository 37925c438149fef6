#!/usr/bin/env bash
# Regenerates the committed guest bindings (guest/bindings/) from
# wit/rapidbyte-connector.wit with the pinned wit-bindgen, and records the
# WIT's hash next to them (guest/bindings/wit.sha256), which the guest build
# checks so that bindings of another WIT never build. Run it after changing
# the WIT, and commit the result.
#
#   update-bindings.sh [OUT_DIR]   (default: guest/bindings; the bindings
#                                   test writes elsewhere and compares)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/versions.sh
source "$root/scripts/versions.sh"
out="${1:-$root/guest/bindings}"
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v wit-bindgen >/dev/null; then
  echo "update-bindings: wit-bindgen not found (scripts/setup.sh installs $WIT_BINDGEN_VERSION)" >&2
  exit 1
fi
if [[ "$(wit-bindgen --version)" != *" $WIT_BINDGEN_VERSION"* ]]; then
  echo "update-bindings: $(wit-bindgen --version) found; the bindings are made with $WIT_BINDGEN_VERSION" >&2
  exit 1
fi
for role in source destination transform; do
  rm -rf "${out:?}/$role"
  if ! said="$(wit-bindgen c --world "rapidbyte-$role" --out-dir "$out/$role" "$root/wit" 2>&1)"; then
    echo "$said" >&2
    exit 1
  fi
done
(cd "$root" && sha256sum wit/rapidbyte-connector.wit) >"$out/wit.sha256"
