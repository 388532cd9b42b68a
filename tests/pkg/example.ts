// The typed example: every export of the JS package and every method of its two classes,
// with the type each returns named, so that `tsc -p tests/pkg` (make test-pkg) fails when a
// declaration in nextnumber_core.d.ts changes under a blogger's feet. tests/pkg/pack.mjs
// then runs it (compiled by tsc) from the packed package in Chromium: the values are what
// the types say, as far as these checks look.
import init, {
  Simulation,
  Timeline,
  decodeLink,
  encodeLink,
  narratedScenarios,
  runSeed,
  traceHashOfSeed,
  type BranchDetail,
  type BranchView,
  type ChartSeries,
  type ChartWindow,
  type CheckReport,
  type DecodeLinkError,
  type History,
  type InvariantReport,
  type LinkErrorKind,
  type NarratedScenario,
  type SeedReport,
  type SimulationOptions,
  type Snapshots,
  type SpaceTimeMark,
  type Stats,
  type Variant,
  type View,
} from "nextnumber-core";

function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(`typed example: ${what}`);
}

await init();

const options: SimulationOptions = { branches: 5, seed: 7, clientMode: "exactly-once", trace: 100 };
const sim = new Simulation(options);
sim.act("load 20 random");
sim.runUntil(2000);
expect(sim.step(), "a step with events left");
sim.act("kill A");
sim.runUntil(6000);

const view: View = sim.view();
const first: BranchView = view.branches[0];
expect(view.branches.length === 5 && first.id === "A" && !first.up, "five branches, A burnt");
expect(view.leader === null || typeof view.leader === "string", "a leader is a branch or none");
const report: CheckReport = sim.check();
const verdicts: InvariantReport[] = report.invariants;
expect(report.ok && verdicts.every((i) => i.judgement !== "broken"), "a safe run breaks nothing");
const stats: Stats = sim.stats();
expect(stats.events > 0 && stats.ticks === 6000, `stats ${JSON.stringify(stats)}`);
const b: BranchDetail = sim.branch("B");
expect(b.branch.id === "B" && b.log.every(([index, entry]) => index > 0 && entry.term > 0), "B's register");
const history: History = JSON.parse(sim.history());
expect(history.format === "nextnumber-history/1" && history.requests.length > 0, "a history");
const seed: number | bigint = sim.seed();
expect(seed === 7 && sim.now() === 6000, "seed and now");
expect(/^[0-9a-f]{16}$/.test(sim.historyHash()) && /^[0-9a-f]{16}$/.test(sim.traceHash()), "hashes");
expect(sim.traceLines().length === 100 && sim.traceCount() > 100, "the trace keeps 100 lines");
sim.enableTrace(0);
const again = new Simulation({ scenario: sim.scenario() });
expect(again.historyHash() === sim.historyHash(), "the scenario replays the run");
expect(sim.link("https://example.org/nn/").startsWith("https://example.org/nn/#nextnumber/1;"), "a link");
expect(new Simulation().seed() !== undefined, "no options: a random seed");

const stories: NarratedScenario[] = narratedScenarios();
const fire = stories.find((s) => s.name === "fire-at-the-main-office");
expect(fire !== undefined && fire.steps.length > 0 && fire.title !== null, "the fire is narrated");
const t = new Timeline({ scenario: fire!.text, spacetime: 100000 });
expect(t.name() === "fire-at-the-main-office" && t.end() === 11000, "the timeline's scenario");
t.runUntil(t.end());
expect(t.historyHash() === "945e4cfb85c0fbd1", `the fire's history hash is ${t.historyHash()}`);
expect(t.view().now === 11000 && t.check().ok && t.stats().ticks === 11000, "the fire, played");
const charts: ChartSeries = t.charts(110);
const windows: ChartWindow[] = charts.windows;
expect(charts.windowMs === 100 && windows.some((w) => w.numbers > 0), "charts");
const marks: SpaceTimeMark[] = t.spacetime(2900, 3100);
expect(marks.some((m) => m.type === "kill" && m.branch === "A"), "the fire among the marks");
const kept: Snapshots = t.snapshots();
expect(kept.count === kept.ticks.length, "snapshots");
t.seek(2500);
expect(t.now() === 2500 && t.applied() === 2, "back in time");
expect(t.act("kill B") === 3 && t.log().length === 3 && t.fork() === 0, "a fork drops the later actions");
expect(t.rejected().length === 0 && t.step(), "nothing rejected, a step");
expect(t.traceLines().length === 0 && t.traceHash() === "0000000000000000", "no trace asked for");
expect(t.seed() === 3 && (JSON.parse(t.history()) as History).seed === 3, "the fire's seed");

const link = encodeLink(t.scenario());
expect(decodeLink(`https://example.org/#${link}`) === new Timeline({ scenario: t.scenario() }).scenario(), "a link round trip");
expect(t.link().startsWith("nextnumber/1;name_fire-at-the-main-office;"), "the timeline's link");
try {
  decodeLink("nextnumber/1;seed_1;run_5;en");
  expect(false, "a truncated link throws");
} catch (e) {
  const kind: LinkErrorKind = (e as DecodeLinkError).kind;
  expect(kind === "truncated", `a truncated link is ${kind}`);
}

const variant: Variant = "no-dedup";
const verdict: SeedReport = runSeed(3);
expect(verdict.verdict === "pass" && verdict.seed === 3 && verdict.violations.length === 0, "seed 3 passes");
const big: SeedReport = runSeed(18446744073709551615n, variant);
expect(big.seed === 18446744073709551615n, "a seed past 2^53 is a BigInt");
expect(/^[0-9a-f]{16}$/.test(traceHashOfSeed("7")), "a trace hash");

console.log("typed example: all passed");
