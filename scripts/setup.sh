#!/usr/bin/env bash
# Installs what the build and the tests need, skipping whatever is already present at
# the right version, so a second run takes a second. Versions come from ../SETUP.md
# knowledge: wasm-bindgen-cli must equal the wasm-bindgen crate pinned in Cargo.toml.
set -euo pipefail
WASM_BINDGEN_VERSION=0.2.130
TRUNK_VERSION=0.21.14
WASM_PACK_VERSION=0.15.1
want="${1:-all}"   # "all", or "test" (no trunk), or "browser" (chromium only)

log() { printf '[setup] %s\n' "$*"; }

need_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

rust_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    log "installing Debian chromium and chromium-driver"
    need_root apt-get update -qq
    need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

cargo_tool() { # binary, crate, version, extra flags...
  local bin=$1 crate=$2 version=$3; shift 3
  if command -v "$bin" >/dev/null && "$bin" --version 2>/dev/null | grep -q "$version"; then
    return
  fi
  log "installing $crate $version (takes minutes on a fresh machine)"
  cargo install "$crate" --version "=$version" "$@"
}

wasm_bindgen() {
  # Without --locked: its lockfile names a crate version the registry lacks.
  cargo_tool wasm-bindgen wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
}

node_modules() {
  if [ ! -x node_modules/.bin/playwright ] && [ -f package.json ]; then
    log "installing npm packages"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

rust_target
case "$want" in
  test)    chromium; wasm_bindgen; node_modules ;;
  browser) chromium ;;
  all)     chromium; wasm_bindgen; node_modules
           cargo_tool wasm-pack wasm-pack "$WASM_PACK_VERSION" --locked
           TRUNK_SKIP_VERSION_CHECK=true cargo_tool trunk trunk "$TRUNK_VERSION" --locked ;;
esac
log "ready"
