#!/usr/bin/env bash
# Trunk post_build hook (Trunk.toml): builds the full page (crates/web with its default
# feature `full`: the Yew app) into $TRUNK_STAGING_DIR/full/, beside the light first page
# that Trunk built from index.html. The first page loads full/start.js when a visitor
# opens a tool (crates/web/src/lite.rs). The build sits in a folder named by its content
# hash, so a browser never mixes an old start.js with a new build; start.js itself is
# a few bytes.
#   TRUNK_STAGING_DIR=dist scripts/build-full.sh   (Trunk sets the variable)
set -euo pipefail
dir=${TRUNK_STAGING_DIR:?this runs as a Trunk post_build hook}
cd "$(dirname "$0")/.."
cargo build --profile wasm --target wasm32-unknown-unknown -p nextnumber-web --bin nextnumber-web
wasm=${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm/nextnumber-web.wasm
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$out" "$wasm"
# The same optimisation Trunk gives the first page (index.html: data-wasm-opt="z").
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  "$out/nextnumber-web_bg.wasm" -o "$out/nextnumber-web_bg.wasm"
hash=$(cat "$out"/nextnumber-web_bg.wasm "$out"/nextnumber-web.js web/full.css | sha256sum | cut -c1-16)
rm -rf "$dir/full"
mkdir -p "$dir/full/$hash"
cp "$out"/nextnumber-web.js "$out"/nextnumber-web_bg.wasm "$dir/full/$hash/"
# Its own styles (web/page.css, which the first page loaded, holds the shared ones).
cp web/full.css "$dir/full/$hash/"
[ -d "$out/snippets" ] && cp -R "$out/snippets" "$dir/full/$hash/"
cat > "$dir/full/start.js" <<JS
// Starts the full page (written by scripts/build-full.sh) once its styles are in, then
// removes the first page it replaces.
import init from "./$hash/nextnumber-web.js";
const say = (t) => { const s = document.getElementById("r-loading"); if (s) s.textContent = t; };
const css = document.createElement("link");
css.rel = "stylesheet";
css.href = new URL("./$hash/full.css", import.meta.url).href;
const styled = new Promise((ok, no) => { css.onload = ok; css.onerror = () => no(new Error("its styles did not load")); });
document.head.append(css);
styled.then(() => init()).then(() => document.getElementById("lite")?.remove(),
  (e) => say("The full tools could not be loaded (" + e + "). Reload the page to try again: the run is in the address."));
JS
echo "build-full: $dir/full/$hash ($(gzip -9 -c "$dir/full/$hash/nextnumber-web_bg.wasm" | wc -c) bytes of wasm, gzip -9)"
