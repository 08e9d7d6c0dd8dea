#!/usr/bin/env bash
# Install what building, running and testing Popup Till needs, only when it is
# missing: Debian/Ubuntu packages, the Rust lint components, tauri-driver,
# and the npm packages the end-to-end tests use (axe-core, pinned in
# package-lock.json).
# Usage: scripts/ensure-deps.sh [build|test]
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-test}"
packages=(build-essential pkg-config libwebkit2gtk-4.1-dev)
if [ "$mode" = "test" ] || [ "$mode" = "run" ]; then
  # xvfb/xauth: a display for the window when there is none;
  # webkit2gtk-driver: WebKitWebDriver for the end-to-end tests;
  # imagemagick: screenshots of the whole screen; sqlite3: benchmark baseline;
  # nodejs/npm: installs axe-core, which the end-to-end tests run in the window;
  # python3: the core tests read every CSV back with Python's csv module too;
  # postgresql: the push test starts a private server (initdb + pg_ctl) and
  # the benchmark compares the push with psql's \copy.
  packages+=(xvfb xauth webkit2gtk-driver imagemagick sqlite3 python3 postgresql)
  command -v npm >/dev/null || packages+=(nodejs npm)
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
  if [ ! -f node_modules/axe-core/axe.min.js ]; then
    echo "Installing the end-to-end tests' npm packages (axe-core)"
    npm ci --no-audit --no-fund
  fi
  if ! command -v WebKitWebDriver >/dev/null && [ ! -x /usr/bin/WebKitWebDriver ]; then
    echo "WebKitWebDriver is missing after installing webkit2gtk-driver" >&2
    exit 1
  fi
fi
