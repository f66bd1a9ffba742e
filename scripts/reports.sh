#!/usr/bin/env bash
# The main job: builds (installing what is missing) and runs the suite's
# reports: the implementation list, the textbook examples, and the accuracy
# report (reports/accuracy.md, accuracy.json, figures/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release
lab=build/release/softmax-lab
"$lab" list
"$lab" eval 4.8 1.21 2.385
"$lab" eval --dtype f64 --file docs/examples.txt
"$lab" accuracy
