#!/usr/bin/env bash
# Installs what the build and the tests need, skipping whatever is already present at
# the right version, so a second run takes well under a second. Versions come from
# /work/shared/SETUP.md: wasm-bindgen-cli must equal the wasm-bindgen crate pinned in
# crates/core/Cargo.toml. Works as root (no sudo needed) or with sudo for apt.
#
#   scripts/setup.sh rust     the wasm32 target, rustfmt and clippy (make fmt, make clippy)
#   scripts/setup.sh test     + chromium, chromedriver, wasm-bindgen-cli, wasm-pack, npm packages
#                             (make test, make bench)
#   scripts/setup.sh serve    + wasm-bindgen-cli, wasm-pack (the JS package), npm packages
#                             (wasm-opt), and trunk once there is a Trunk.toml (make serve)
#   scripts/setup.sh browser  chromium and chromedriver only
#   scripts/setup.sh all      everything, wasm-pack and trunk included (make setup)
set -euo pipefail
cd "$(dirname "$0")/.."
WASM_BINDGEN_VERSION=0.2.130
TRUNK_VERSION=0.21.14
WASM_PACK_VERSION=0.15.1
want="${1:-all}"

log() { printf '[setup] %s\n' "$*"; }

need_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif type -P sudo >/dev/null; then
    sudo "$@"
  else
    log "need root to run: $* (run this script as root, or install sudo)"
    exit 1
  fi
}

# Reads a whole listing before matching (no early exit of grep -q, so no SIGPIPE under pipefail).
has_line() { grep -qxF "$1" <<<"$2"; }

ensure_rust_target() {
  if ! has_line wasm32-unknown-unknown "$(rustup target list --installed)"; then
    log "adding rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_rust_components() {
  local missing=()
  cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
  cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
  if [ ${#missing[@]} -gt 0 ]; then
    log "adding rust components ${missing[*]}"
    rustup component add "${missing[@]}"
  fi
}

ensure_chromium() {
  if ! type -P chromium >/dev/null || ! type -P chromedriver >/dev/null; then
    log "installing Debian chromium and chromium-driver"
    need_root apt-get update -qq
    need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

ensure_cargo_tool() { # binary, crate, version, extra flags...
  local bin=$1 crate=$2 version=$3; shift 3
  if type -P "$bin" >/dev/null; then
    local have
    have=$("$bin" --version 2>/dev/null || true)
    if grep -qwF "$version" <<<"$have"; then
      return
    fi
    log "$bin is ${have:-of unknown version}; want $version"
  fi
  log "installing $crate $version (takes minutes on a fresh machine)"
  cargo install "$crate" --version "=$version" "$@"
}

ensure_wasm_bindgen() {
  # Without --locked: its lockfile names a crate version the registry lacks.
  ensure_cargo_tool wasm-bindgen wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
  # The test runner comes with the CLI; a partial install would lack it.
  if ! type -P wasm-bindgen-test-runner >/dev/null; then
    log "wasm-bindgen-test-runner is missing; reinstalling wasm-bindgen-cli"
    cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
  fi
}

# `make pkg` builds the JS package with it, and `make test-wasm` runs the browser tests with
# `wasm-pack test`; it finds wasm-bindgen, wasm-opt and chromedriver on PATH.
ensure_wasm_pack() {
  ensure_cargo_tool wasm-pack wasm-pack "$WASM_PACK_VERSION" --locked
}

ensure_trunk() {
  TRUNK_SKIP_VERSION_CHECK=true ensure_cargo_tool trunk trunk "$TRUNK_VERSION" --locked
}

# package.json pins playwright-core (the end-to-end tests), axe-core (their accessibility
# audit), binaryen (wasm-opt for Trunk and wasm-pack) and typescript (tsc checks the JS
# package's typed example); the Makefile puts node_modules/.bin on PATH.
ensure_node_modules() {
  if [ -f package.json ] && { [ ! -x node_modules/.bin/playwright-core ] || [ ! -x node_modules/.bin/wasm-opt ] || [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -x node_modules/.bin/tsc ]; }; then
    log "installing npm packages"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

case "$want" in
  rust)    ensure_rust_target; ensure_rust_components ;;
  test)    ensure_rust_target; ensure_rust_components; ensure_chromium; ensure_wasm_bindgen; ensure_wasm_pack; ensure_node_modules ;;
  serve)   ensure_rust_target; ensure_wasm_bindgen; ensure_wasm_pack; ensure_node_modules; if [ -f Trunk.toml ]; then ensure_trunk; fi ;;
  browser) ensure_chromium ;;
  all)     ensure_rust_target; ensure_rust_components; ensure_chromium; ensure_wasm_bindgen; ensure_node_modules
           ensure_wasm_pack; ensure_trunk ;;
  *)       log "unknown mode $want (expected rust, test, serve, browser or all)"; exit 2 ;;
esac
log "ready ($want)"
