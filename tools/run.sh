#!/usr/bin/env bash
# Sets up (installing missing Debian packages), builds, and runs the main job: every
# bundled network scenario, with a report. Extra arguments go to `steamsim run`
# (for example --seeds 1..20 -j 2, or --junit report.xml).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/setup.sh" release
cd "$root"
exec build/release/tools/steamsim run scenarios/library "$@"
