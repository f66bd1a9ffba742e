#!/usr/bin/env bash
# The main job: builds (installing what is missing) and runs the suite's
# reports: the implementation list, the textbook examples, the accuracy
# report (reports/accuracy.md, accuracy.json.gz, figures/) and the quick
# benchmarks with their report (reports/benchmarks.md, benchmarks.json,
# figures/bench-*.png).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release
lab=build/release/softmax-lab
"$lab" list
"$lab" eval 4.8 1.21 2.385
"$lab" eval --dtype f64 --file docs/examples.txt
"$lab" accuracy
"$lab" bench --quick
"$lab" report
