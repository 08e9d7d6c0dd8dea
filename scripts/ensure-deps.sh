#!/usr/bin/env bash
# Install what building, running and testing Popup Till needs, only when it is
# missing: Debian/Ubuntu packages, the Rust lint components, and tauri-driver.
# Usage: scripts/ensure-deps.sh [build|test]
set -euo pipefail

mode="${1:-test}"
packages=(build-essential pkg-config libwebkit2gtk-4.1-dev)
if [ "$mode" = "test" ] || [ "$mode" = "run" ]; then
  # xvfb/xauth: a display for the window when there is none;
  # webkit2gtk-driver: WebKitWebDriver for the end-to-end tests;
  # imagemagick: screenshots of the whole screen; sqlite3: benchmark baseline.
  packages+=(xvfb xauth webkit2gtk-driver imagemagick sqlite3)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  echo "Rust is missing: install it from https://rustup.rs and run this again" >&2
  exit 1
fi

if [ "$mode" = "test" ]; then
  for component in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
      rustup component add "$component"
    fi
  done
  if ! command -v tauri-driver >/dev/null; then
    echo "Installing tauri-driver"
    cargo install tauri-driver --locked
  fi
  if ! command -v WebKitWebDriver >/dev/null && [ ! -x /usr/bin/WebKitWebDriver ]; then
    echo "WebKitWebDriver is missing after installing webkit2gtk-driver" >&2
    exit 1
  fi
fi
