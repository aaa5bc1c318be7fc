#!/usr/bin/env bash
# The main job on the bundled examples: installs what is missing, builds, then runs the analyzer
# over examples/analyzer and the runtime over examples/runtime, printing the findings.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$top/scripts/setup.sh"
build=${PROCSAN_BUILD_DIR:-$top/build}
procsan="$build/bin/procsan"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== procsan check examples/analyzer (static analysis; --checks='mp-*' also runs the checks off by default) =="
# Exit status 1 means "findings": expected here.
"$procsan" check --checks='mp-*' "$top"/examples/analyzer/*.c -- -Wall || [ $? -eq 1 ]
"$procsan" check --checks='mp-*' "$top"/examples/analyzer/*.cpp -- -std=c++17 -Wall || [ $? -eq 1 ]

echo
echo "== procsan run examples/runtime/crashing_worker.c (a C worker crashes, nobody notices) =="
cc -g -O0 "$top/examples/runtime/crashing_worker.c" -o "$work/crashing_worker"
"$procsan" run -- "$work/crashing_worker"

echo
echo "== procsan run examples/runtime/pool_worker_crash.py (a Pool worker segfaults; Pool.map would hang) =="
# procsan links the hang to the dead worker and ends the tree (status 124, expected here).
"$procsan" run --hang-timeout=3 -- python3 "$top/examples/runtime/pool_worker_crash.py" || [ $? -eq 124 ]
