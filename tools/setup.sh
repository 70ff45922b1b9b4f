#!/usr/bin/env bash
# Installs what steamsim needs on Debian/Ubuntu (only the missing packages), then
# configures and builds a preset.
#   tools/setup.sh [preset]      preset: release (default), debug, asan, tsan, ci
#   STEAMSIM_PROFILE_TOOLS=1 tools/setup.sh   also the tools for measuring performance
set -euo pipefail

preset="${1:-release}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(cmake ninja-build g++ pkg-config libasio-dev nlohmann-json3-dev libgtest-dev
  libgmock-dev libcli11-dev)
if [[ "$preset" == fuzz ]]; then packages+=(clang libclang-rt-14-dev); fi
# Measuring performance: valgrind (instruction counts) and what ../shared/gnsbench/compare.sh
# needs to build GameNetworkingSockets for the side-by-side.
if [[ "${STEAMSIM_PROFILE_TOOLS:-0}" == 1 ]]; then
  packages+=(valgrind libprotobuf-dev protobuf-compiler libssl-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "steamsim setup: installing ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cd "$root"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
