// Names the work of the page's longest tasks in a Chromium trace recorded by the monkey
// (`MONKEY_TRACE=trace.json node tests/e2e/monkey.mjs`). For function names, record it on a
// build whose wasm keeps them: Trunk's wasm-opt strips them, so build a copy of index.html
// with `data-wasm-opt="0"` into another directory and point the monkey at it with DIST=:
//
//   sed 's/data-wasm-opt="[a-z0-9]*"/data-wasm-opt="0"/' index.html > index-prof.html
//   trunk build --release --dist /tmp/dist-prof index-prof.html && rm index-prof.html
//   DIST=/tmp/dist-prof MONKEY_SEED=7 MONKEY_TRACE=/tmp/t.json node tests/e2e/monkey.mjs
//   node scripts/profile-page.mjs /tmp/t.json [tasks=3]        the longest tasks, what they did
//   node scripts/profile-page.mjs /tmp/t.json --under NAME      what the calls of NAME spent time in
//
// A task's line sums the trace's own events inside it (layout, paint, script…); its
// inclusive counts are CPU-profile samples (about one each 0.5 ms) of the page's and Yew's
// functions, and its self counts the functions the samples fell in.
import { readFileSync } from "node:fs";

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error("usage: node scripts/profile-page.mjs TRACE.json [tasks] | --under FUNCTION");
  process.exit(2);
}
const events = JSON.parse(readFileSync(file, "utf8")).traceEvents;
const short = (name) => (name || "(anonymous)").replace(/::h[0-9a-f]{16}$/, "").slice(0, 110);

/** The page's main thread: the renderer main thread that ran the most task time. */
function mainThread() {
  let best = null;
  for (const m of events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain")) {
    const tasks = events.filter((e) => e.pid === m.pid && e.tid === m.tid && e.ph === "X" && e.name === "RunTask");
    const total = tasks.reduce((sum, t) => sum + t.dur, 0);
    if (!best || total > best.total) best = { pid: m.pid, tid: m.tid, tasks, total };
  }
  if (!best) throw new Error("no renderer main thread in this trace");
  return best;
}

/** The CPU profile of process `pid`: its nodes by id and its samples as [time, node id]. */
function profile(pid) {
  const nodes = new Map();
  const samples = [];
  let t = 0;
  for (const e of events.filter((e) => e.pid === pid && (e.name === "Profile" || e.name === "ProfileChunk"))) {
    if (e.name === "Profile") {
      t = e.args.data.startTime;
      continue;
    }
    const cpu = e.args.data.cpuProfile ?? {};
    for (const n of cpu.nodes ?? []) nodes.set(n.id, n);
    const deltas = e.args.data.timeDeltas ?? [];
    (cpu.samples ?? []).forEach((id, i) => {
      t += deltas[i] ?? 0;
      samples.push([t, id]);
    });
  }
  return { nodes, samples };
}

/** The function names of a sample's stack, innermost first. */
function stack(nodes, id) {
  const names = [];
  for (let n = nodes.get(id); n; n = nodes.get(n.parent)) names.push(n.callFrame.functionName);
  return names;
}

const top = (counts, n) => [...counts].sort((a, b) => b[1] - a[1]).slice(0, n);
const bump = (counts, key) => counts.set(key, (counts.get(key) ?? 0) + 1);

function longestTasks(n) {
  const main = mainThread();
  const { nodes, samples } = profile(main.pid);
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === "X");
  for (const task of main.tasks.sort((a, b) => b.dur - a.dur).slice(0, n)) {
    const end = task.ts + task.dur;
    const kinds = new Map();
    for (const e of onMain) if (e !== task && e.ts >= task.ts && e.ts + e.dur <= end) kinds.set(e.name, (kinds.get(e.name) ?? 0) + e.dur / 1000);
    const parts = top(kinds, 8).map(([k, ms]) => `${k} ${ms.toFixed(1)}`);
    console.log(`\ntask of ${(task.dur / 1000).toFixed(1)} ms: ${parts.join(", ")}`);
    const inclusive = new Map();
    const self = new Map();
    let count = 0;
    for (const [t, id] of samples) {
      if (t < task.ts || t > end) continue;
      count++;
      const names = stack(nodes, id);
      bump(self, short(names[0]));
      for (const name of new Set(names.filter((x) => /nextnumber|yew::/.test(x)))) bump(inclusive, short(name));
    }
    console.log(`  ${count} samples; the page's and Yew's functions, inclusive:`);
    for (const [name, c] of top(inclusive, 20)) console.log(`  ${String(c).padStart(5)} ${name}`);
    console.log("  self:");
    for (const [name, c] of top(self, 8)) console.log(`  ${String(c).padStart(5)} ${name}`);
  }
}

/** Over the whole trace: what the calls of `target` spent their samples in, three calls deep. */
function under(target) {
  const { nodes, samples } = profile(mainThread().pid);
  const counts = new Map();
  for (const [, id] of samples) {
    const names = stack(nodes, id);
    const i = names.findIndex((name) => name.includes(target));
    if (i >= 0) bump(counts, names.slice(Math.max(0, i - 3), i).reverse().map(short).join(" > ") || "(itself)");
  }
  for (const [path, c] of top(counts, 25)) console.log(`${String(c).padStart(5)} ${path}`);
}

if (rest[0] === "--under") under(rest[1] ?? "");
else longestTasks(Number(rest[0] ?? 3));
