#!/usr/bin/env bash
# Sets up (installing missing Debian packages), builds and runs every test.
#   tools/test.sh [preset [ctest arguments...]]
#   preset: release (default: the build tree tools/run.sh started), ci (release with
#   warnings as errors, what CI runs), debug, asan, tsan
# Long runs (labels soak-long, fuzz-long) are left out; STEAMSIM_TEST_EXCLUDE overrides
# which labels are left out (a ctest regular expression).
set -euo pipefail
preset="${1:-release}"
shift || true
exclude="${STEAMSIM_TEST_EXCLUDE:-soak-long|fuzz-long}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/setup.sh" "$preset"
cd "$root"
ctest --preset "$preset" -j "$(nproc)" --label-exclude "$exclude" "$@"
