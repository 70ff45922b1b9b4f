#!/usr/bin/env bash
# Sets up (installing missing Debian packages), builds and runs every test.
#   tools/test.sh [preset [ctest arguments...]]
#   preset: ci (default: release, warnings as errors), release, debug, asan, tsan
set -euo pipefail
preset="${1:-ci}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/setup.sh" "$preset"
cd "$root"
ctest --preset "$preset" -j "$(nproc)" --label-exclude "soak-long|fuzz-long" "$@"
