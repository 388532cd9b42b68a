#!/usr/bin/env bash
# Runs the RaftScope benchmark and the model check's natively (criterion, crates/bench) and in
# headless Chromium (crates/core/tests/wasm_bench.rs), then writes the results, the machine
# and the exact commands into BENCHMARKS.md between <!-- bench:begin --> and <!-- bench:end -->.
# Usage: scripts/bench.sh   (or: make bench)
set -euo pipefail
cd "$(dirname "$0")/.."

out=BENCHMARKS.md
logs=target/bench
mkdir -p "$logs"

native_cmd="cargo bench -p nextnumber-bench --bench raftscope"
wasm_cmd="cargo test -p nextnumber-core --profile bench --target wasm32-unknown-unknown --features wasm --test wasm_bench -- --include-ignored --nocapture"
# The same, built as the page and the JS package ship (size first; they add wasm-opt -Oz).
shipped_cmd="${wasm_cmd/--profile bench/--profile wasm}"

log() { printf '[bench] %s\n' "$*" >&2; }
# Other work on the machine skews the figures: record how busy it was.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# The native bench is written separately; run it when it is there.
if [ -f crates/bench/benches/raftscope.rs ]; then
  log "native: $native_cmd"
  $native_cmd 2>&1 | tee "$logs/native.log" >&2
  native=$(grep -m1 '^native raftscope:' "$logs/native.log" || echo "native raftscope: no result line (see $logs/native.log)")
else
  native="native raftscope: not run (crates/bench/benches/raftscope.rs does not exist yet)"
fi

# The offline checkers on a long heavy run's history (what the page checks while playing).
checkers_cmd="cargo bench -p nextnumber-bench --bench checkers"
log "checkers: $checkers_cmd"
$checkers_cmd 2>&1 | tee "$logs/checkers.log" >&2
checker_rows=$(grep '^native checkers:' "$logs/checkers.log" | sed -E 's/^native checkers: (.*)$/| native checkers | `\1` |/')

# The model check: the standard model to depth 7 and a search from a busy moment.
model_cmd="cargo bench -p nextnumber-bench --bench model"
log "model: $model_cmd"
$model_cmd 2>&1 | tee "$logs/model.log" >&2
model_rows=$(grep '^native model:' "$logs/model.log" | sed -E 's/^native model: (.*)$/| native model check | `\1` |/')

log "wasm: $wasm_cmd"
$wasm_cmd 2>&1 | tee "$logs/wasm.log" >&2
wasm=$(grep -m1 -o 'wasm raftscope:.*' "$logs/wasm.log" || echo "wasm raftscope: no result line (see $logs/wasm.log)")
log "wasm, as shipped: $shipped_cmd"
$shipped_cmd 2>&1 | tee "$logs/wasm-shipped.log" >&2
shipped=$(grep -m1 -o 'wasm raftscope:.*' "$logs/wasm-shipped.log" || echo "wasm raftscope: no result line (see $logs/wasm-shipped.log)")
wasm_model_rows=$(grep -o 'wasm model:.*' "$logs/wasm.log" | sed -E 's/^wasm model: (.*)$/| wasm model check, headless Chromium | `\1` |/')
shipped_model_rows=$(grep -o 'wasm model:.*' "$logs/wasm-shipped.log" | sed -E 's/^wasm model: (.*)$/| wasm model check as shipped (opt-level z), headless Chromium | `\1` |/')

# The page: load time and frame rates (tests/e2e/bench-page.mjs), and the bytes of a visit
# (a plain visit, a link and an embed: the same files; tests/e2e/visits.mjs).
page_cmd="make dist && node tests/e2e/bench-page.mjs && node tests/e2e/visits.mjs"
log "page: $page_cmd"
make --no-print-directory dist >&2
node tests/e2e/bench-page.mjs 2>&1 | tee "$logs/page.log" >&2
{ node tests/e2e/visits.mjs || true; } 2>&1 | tee -a "$logs/page.log" >&2
page_rows=$(grep -E '^(page |every visit:)' "$logs/page.log" | sed -E 's/^(page [a-z]+|every visit): (.*)$/| \1 | `\2` |/')

cpu=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
cores=$(lscpu | sed -n 's/^Core(s) per socket:[[:space:]]*//p' | head -1)
sockets=$(lscpu | sed -n 's/^Socket(s):[[:space:]]*//p' | head -1)
threads=$(nproc)
chromium_version=$(chromium --version 2>/dev/null | head -1 || echo "chromium: unknown")

block=$(cat <<MD
<!-- bench:begin -->
Measured $(date -u '+%Y-%m-%d %H:%M UTC') on ${cpu:-unknown CPU}, ${sockets:-?} socket(s) × ${cores:-?} core(s), ${threads} hardware threads;
$(rustc --version), ${chromium_version}, wasm-bindgen $(wasm-bindgen --version | awk '{print $2}').
Load average (1, 5, 15 min) before: ${load_before}; after: $(cut -d' ' -f1-3 /proc/loadavg).

| where | result |
|---|---|
| native | \`${native#native raftscope: }\` |
| wasm, headless Chromium | \`${wasm#wasm raftscope: }\` |
| wasm as shipped (profile wasm, opt-level z), headless Chromium | \`${shipped#wasm raftscope: }\` |
${checker_rows}
${model_rows}
${wasm_model_rows}
${shipped_model_rows}
${page_rows}

Commands (run by \`scripts/bench.sh\`, i.e. \`make bench\`):

\`\`\`text
$native_cmd
$checkers_cmd
$model_cmd
$wasm_cmd
$shipped_cmd
$page_cmd
\`\`\`
<!-- bench:end -->
MD
)

if [ ! -f "$out" ]; then
  printf '# Benchmarks\n\n<!-- bench:begin -->\n<!-- bench:end -->\n' >"$out"
fi
BLOCK="$block" python3 - "$out" <<'PY'
import os, re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
if begin not in text or end not in text:
    text = text.rstrip("\n") + "\n\n" + begin + "\n" + end + "\n"
pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
text = pattern.sub(lambda _: os.environ["BLOCK"], text, count=1)
open(path, "w", encoding="utf-8").write(text)
PY
log "$native"
log "$wasm"
log "wrote $out"
