#!/usr/bin/env bash
# Sets up (installing missing Debian packages), builds only the library and the command
# line (build/release, which tools/test.sh then completes), and runs the main job: every
# bundled network scenario, with a report. Extra arguments go to `steamsim run`
# (for example --seeds 1..20 -j 2, or --junit report.xml).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/setup.sh" release steamsim_cli
cd "$root"
exec build/release/tools/steamsim run scenarios/library "$@"
