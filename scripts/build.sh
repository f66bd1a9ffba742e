#!/usr/bin/env bash
# Installs what is missing, then configures and builds one preset
# (release, debug or sanitize). SMX_WERROR=ON (set by CI) makes warnings errors.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
bash scripts/setup.sh
cmake --preset "$preset" -DSMX_WERROR="${SMX_WERROR:-OFF}" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
