#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs everything Conduit needs to build, run and test on Debian 12. Safe to run again.
set -euo pipefail

packages=(
    cmake ninja-build g++ git pkg-config clang-format
    qt6-base-dev libqt6sql6-sqlite qt6-webengine-dev qt6-webengine-dev-tools qt6-webchannel-dev
    qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libqt6opengl6-dev
    libssl-dev xvfb xauth imagemagick coreutils fdupes
    desktop-file-utils appstream shared-mime-info dpkg-dev file python3
    clang-14 libclang-rt-14-dev
)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The page is built with Vite 8, which needs Node.js 20.19 or newer (Debian 12's own is 18).
if ! command -v node >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
    echo "Conduit needs Node.js >= 20.19 with npm on the PATH (found: $(node --version 2>/dev/null || echo none))." >&2
    exit 1
fi
