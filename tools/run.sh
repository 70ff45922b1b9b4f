#!/usr/bin/env bash
# Sets up (installing missing Debian packages), builds, and runs the main job.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/setup.sh" release
cd "$root"
exec build/release/tools/steamsim_demo "$@"
