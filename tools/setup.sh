#!/usr/bin/env bash
# Installs what steamsim needs on Debian/Ubuntu (only the missing packages), then
# configures and builds a preset.
#   tools/setup.sh [preset]      preset: release (default), debug, asan, tsan, ci
set -euo pipefail

preset="${1:-release}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(cmake ninja-build g++ pkg-config libasio-dev nlohmann-json3-dev libgtest-dev
  libgmock-dev libcli11-dev)
# --pcap (libpcap), the dissector's test (tshark), the HTML report's test (chromium and a font).
packages+=(libpcap-dev tshark chromium fonts-dejavu-core)
if [[ "$preset" == fuzz ]]; then packages+=(clang libclang-rt-14-dev); fi

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
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
