#!/usr/bin/env bash
# The test command: builds (installing what is missing) and runs every test.
# Usage: scripts/test.sh [release|debug|sanitize]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
bash scripts/build.sh "$preset"
ctest --preset "$preset" -j "$(nproc)"
