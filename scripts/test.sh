#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, then runs every unit and lit test
# through ctest (its last line is the summary).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$top/scripts/setup.sh"
build=${PROCSAN_BUILD_DIR:-$top/build}
ctest --test-dir "$build" --output-on-failure
