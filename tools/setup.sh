#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what steamsim needs on Debian/Ubuntu (only the missing packages), then
# configures and builds a preset: everything, or only the targets named.
#   tools/setup.sh [preset [target...]]   preset: release (default), debug, asan, tsan, ci
#   STEAMSIM_PROFILE_TOOLS=1 tools/setup.sh   also the tools for measuring performance
# STEAMSIM_GODOT_TESTS=0 leaves out what the Godot tests need (headless Godot 3, Node.js
# and the GDScript 2 grammar of tools/gdscript-parse).
set -euo pipefail

preset="${1:-release}"
shift || true
targets=("$@")
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(cmake ninja-build g++ pkg-config libasio-dev nlohmann-json3-dev libgtest-dev
  libgmock-dev libcli11-dev python3)
# --pcap needs libpcap.
packages+=(libpcap-dev)
# Building only some targets (tools/run.sh) needs none of the test tools.
godot_tests="${STEAMSIM_GODOT_TESTS:-1}"
if ((${#targets[@]})); then
  godot_tests=0
else
  # The dissector's test (tshark), the HTML report's test (chromium and a font).
  packages+=(tshark chromium fonts-dejavu-core)
fi
if [[ "$preset" == fuzz ]]; then packages+=(clang libclang-rt-14-dev); fi
if [[ "$godot_tests" != 0 ]]; then
  packages+=(godot3-server)
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi
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
  # tshark asks whether non-root users may capture; the preseeded answer (no) keeps it quiet.
  echo "wireshark-common wireshark-common/install-setuid boolean false" |
    "${sudo_cmd[@]}" debconf-set-selections 2>/dev/null || true
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cd "$root"
if [[ "$godot_tests" != 0 ]]; then
  tools/gdscript-parse/install.sh
fi
godot_option=ON
if [[ "$godot_tests" == 0 ]]; then godot_option=OFF; fi
cmake --preset "$preset" -DSTEAMSIM_GODOT_TESTS="$godot_option" >/dev/null
if ((${#targets[@]})); then
  cmake --build --preset "$preset" --target "${targets[@]}"
else
  cmake --build --preset "$preset"
fi
