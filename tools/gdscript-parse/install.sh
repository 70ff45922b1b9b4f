#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the GDScript 2 grammar used by the `godot.parses_as_gdscript2` test, exactly as
# pinned in package-lock.json (prebuilt native modules; nothing is compiled).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [[ -f node_modules/.package-lock.json ]] && cmp -s package-lock.json node_modules/.steamsim-lock; then
  exit 0
fi
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
cp package-lock.json node_modules/.steamsim-lock
