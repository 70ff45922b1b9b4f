#!/usr/bin/env bash
# Sets up (installing missing Debian packages), builds and runs every test.
#   tools/test.sh [preset]     preset: ci (default: release, warnings as errors), debug,
#                              asan, tsan
set -euo pipefail
preset="${1:-ci}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/setup.sh" "$preset"
cd "$root"
ctest --preset "$preset" -j "$(nproc)" --label-exclude "soak-long|fuzz-long"
