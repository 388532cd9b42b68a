#!/usr/bin/env bash
# First-load size of the page: gzip -9 of dist/index.html and every top-level CSS, JS,
# wasm and SVG file of dist/ (what the first visit downloads, the icon included; the full
# page in full/, pkg/ and api-demo.html are not part of it). Fails when the sum exceeds the cap.
#   scripts/first-load-size.sh DIST MAX_BYTES
set -euo pipefail
dist=${1:?dist directory} max=${2:?maximum bytes}
shopt -s nullglob
files=("$dist"/index.html "$dist"/*.css "$dist"/*.js "$dist"/*.wasm "$dist"/*.svg)
if [ ! -f "$dist/index.html" ] || [ -z "$(compgen -G "$dist/*.wasm")" ]; then
  echo "first load: $dist has no index.html or no wasm; build it with make dist" >&2
  exit 1
fi
total=0
for f in "${files[@]}"; do
  n=$(gzip -9 -c "$f" | wc -c)
  printf '  %8d  %s\n' "$n" "${f#"$dist"/}"
  total=$((total + n))
done
printf 'first load: %d bytes gzip -9 (%d.%d KB; cap %d bytes, goal 97000)\n' \
  "$total" $((total / 1000)) $((total % 1000 / 100)) "$max"
if [ "$total" -gt "$max" ]; then
  echo "first load: over the cap by $((total - max)) bytes" >&2
  exit 1
fi
