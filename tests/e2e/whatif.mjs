// "What could go wrong from here?" (crates/web/src/components/whatif.rs) in Debian's Chromium:
// on a run without the quorum, the panel's check (the model check in a worker, from the
// moment shown) finds the shortest counterexample and names the broken invariant; it plays
// it on the map step by step (components/replay.rs: the map and the narration change at each
// step, Back takes one back, the invariant is named after the last), and its copied link
// opens it again on the page and makes `nextnumber run --link` report the same invariant; on
// the real service it reports what it covered; the map keeps animating while it runs; Cancel
// stops it. Only a run of the check loads the worker and pkg/ (visits.mjs counts a visit).
//   node tests/e2e/whatif.mjs          (after make dist and make build-cli; SCREENSHOT=file.png
//                                       keeps a picture)
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.mjs";
import { advance, launch, steps, until } from "./harness.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dist = join(root, "dist");
const CLI = join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "release", "nextnumber");
const NO_QUORUM = "nextnumber/1;seed_7;branches_3;variant_no-quorum;@1500_ask_B;@1500_ask_C;run_1505;end";
// A customer's request forwarded to the Main Office is on the road: the shortest way to break
// an invariant from here takes two steps (crates/core/tests/counterexample.rs finds the same).
const TWO_STEPS = "nextnumber/1;seed_7;branches_3;variant_no-quorum;@1500_ask_B;run_1503;end";
const SAFE = "nextnumber/1;seed_7;branches_3;@1500_ask_B;@1500_ask_C;run_1505;end";

const suite = steps("what-if");
const server = await serve(dist);
const browser = await launch();

/** The page at `link` on the manual clock, moved to the run's end (1505 ms). */
async function open(link) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 }, permissions: ["clipboard-read", "clipboard-write"] });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const requests = [];
  page.on("request", (r) => requests.push(new URL(r.url()).pathname));
  await page.goto(`${server.url}?clock=manual#${link}`);
  await page.waitForFunction(() => typeof window.__nextnumber_advance === "function");
  await advance(page, 120);
  return { page, errors, requests };
}

const panel = (page) => page.getByRole("region", { name: "What could go wrong from here?" });

async function runCheck(page) {
  await panel(page).getByRole("button", { name: /^Check from t = / }).click();
  return until(async () => {
    const said = await panel(page).locator(".outcome .verdict, .error").allTextContents();
    return said.length ? said.join(" ") : null;
  }, "the check's verdict", 60_000);
}

const player = (page) => page.getByRole("region", { name: "A counterexample, step by step" });
const said = (page) => player(page).getByRole("status").textContent();
/** What the map shows: each branch's accessible name and the messages on the road. */
const mapState = (page) =>
  page.evaluate(() => [
    ...[...document.querySelectorAll("[id^=branch-]")].map((b) => b.getAttribute("aria-label")),
    document.querySelector(".messages")?.textContent ?? "",
  ].join("\n"));

/** Runs the CLI on a link: its exit status and what it printed. */
function cliRun(link) {
  const r = spawnSync(CLI, ["run", "--link", link], { encoding: "utf8" });
  if (r.error) throw new Error(`${CLI}: ${r.error.message} (run make build-cli first)`);
  return { status: r.status, out: r.stdout + r.stderr };
}

try {
  await suite.run("with no quorum, the check finds a counterexample and names the invariant", async () => {
    const { page, errors, requests } = await open(NO_QUORUM);
    assert.ok(!requests.some((p) => p.includes("model-worker") || p.includes("/pkg/")), "loaded before a check");
    const verdict = await runCheck(page);
    assert.match(verdict, /I4 violated: .* in 1 step/, verdict);
    const steps = await panel(page).locator("ol.counterexample li").allTextContents();
    assert.deepEqual(steps, ["A's election timer fires: it stands for election in a new term"]);
    assert.match(await panel(page).textContent(), /The shortest way to break I4 \(/);
    assert.ok(requests.some((p) => p.endsWith("/pkg/nextnumber_core_bg.wasm")), "the worker loaded pkg/");
    assert.deepEqual(errors, []);
    if (process.env.SCREENSHOT) await panel(page).screenshot({ path: process.env.SCREENSHOT });
  });

  await suite.run("the counterexample plays on the map step by step, and its link replays it here and in the CLI", async () => {
    const { page, errors } = await open(TWO_STEPS);
    const verdict = await runCheck(page);
    assert.match(verdict, /I4 violated: .* in 2 steps/, verdict);
    const found = await panel(page).locator("ol.counterexample li").allTextContents();
    assert.equal(found.length, 2, found.join("\n"));
    assert.match(found[0], / receives /);

    // Copied, the link is the run up to the moment with the two steps.
    await panel(page).getByRole("button", { name: "Copy link" }).click();
    await until(async () => /Link copied/.test(await panel(page).textContent()), "the link copied");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const href = await panel(page).locator("a.counterexample-link").getAttribute("href");
    assert.ok(copied.endsWith(href), `${copied} vs ${href}`);
    assert.match(copied, /;counterexample_2;@1500_ask_B;@1503_deliver_\d+;@1503_timeout_A;run_1503;end$/, copied);

    // Played: the moment, then each step on the same map, in the check's words.
    await panel(page).getByRole("button", { name: "Play it on the map" }).click();
    await until(async () => /before the first step/.test(await said(page)), "the player at the moment");
    const states = [await mapState(page)];
    for (const [k, words] of found.entries()) {
      await player(page).getByRole("button", { name: "Next step" }).click();
      await until(async () => (await said(page)) === `Step ${k + 1} of 2: ${words}.`, `step ${k + 1} said`);
      await until(async () => (await mapState(page)) !== states[k], `the map to change at step ${k + 1}`);
      states.push(await mapState(page));
    }
    const named = await player(page).locator(".verdict.broken").allTextContents();
    assert.match(named.join(" "), /^I4 is broken \(/, named.join(" "));
    assert.match(await page.getByRole("region", { name: "Checkers" }).textContent(), /1 invariant is broken/);
    assert.ok(page.url().endsWith(href), "the address holds the counterexample");
    if (process.env.SCREENSHOT) await player(page).screenshot({ path: process.env.SCREENSHOT });

    // A broken run can be shrunk, off the main thread: the smallest run that still breaks I4.
    const shrink = page.getByRole("region", { name: "Shrink this failure" });
    await shrink.getByRole("button", { name: "Shrink" }).click();
    const shrunk = await until(async () => {
      const t = await shrink.locator(".verdict").allTextContents();
      return t.length ? t.join(" ") : null;
    }, "the shrink's result", 60_000);
    assert.match(shrunk, /^(\d+ actions instead of 3, still breaking I4|No smaller run found that still breaks I4)/, shrunk);
    assert.match(await shrink.locator("pre").textContent(), /^nextnumber\/1\n/);
    const small = await shrink.locator("a.shrunk-link").getAttribute("href");
    assert.equal(cliRun(`http://x/${small}`).status, 1, "the smallest run still fails in the CLI");

    // Back takes the last step back: the map as it was after the first, nothing broken.
    await player(page).getByRole("button", { name: "Back" }).click();
    await until(async () => (await said(page)).startsWith("Step 1 of 2"), "back at step 1");
    await until(async () => (await mapState(page)) === states[1], "the map after step 1 again");
    assert.match(await page.getByRole("region", { name: "Checkers" }).textContent(), /Every invariant (judged so far )?holds/);
    assert.deepEqual(errors, []);

    // The copied link opens the counterexample, at its moment, in a new page.
    const again = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    await again.goto(copied);
    await until(async () => /before the first step/.test(await said(again)), "the link opened as a counterexample");
    await player(again).getByRole("button", { name: "Last" }).click();
    await until(async () => /I4 is broken/.test(await player(again).textContent()), "the invariant named");
    await again.close();

    // And the CLI reproduces it: the same invariant, exit 1 as any broken run.
    const { status, out } = cliRun(copied);
    assert.equal(status, 1, out);
    assert.match(out, /^I4 violated at t=1503: A leads term 2 without committed entry 2$/m, out);
  });

  await suite.run("on the real service, it says what it covered and what it reached", async () => {
    const { page, errors } = await open(SAFE);
    const verdict = await runCheck(page);
    assert.match(verdict, /no violation within 4 steps: 21,963 states; reached: a Number issued, a leader changed, a retry answered/, verdict);
    assert.deepEqual(errors, []);
  });

  await suite.run("the map keeps animating while a check runs, and Cancel stops it", async () => {
    const { page, errors } = await open(SAFE.replace("branches_3", "branches_5"));
    await panel(page).getByLabel("Steps").fill("8");
    await panel(page).getByLabel("Steps").dispatchEvent("change");
    await panel(page).getByRole("button", { name: /^Check from t = / }).click();
    // Measured once the search is under way (the worker has loaded pkg/ and found states).
    await until(async () => /[1-9][\d,]* states\/s/.test(await panel(page).getByRole("status").textContent()), "states found");
    const frames = await page.evaluate(
      () => new Promise((ok) => {
        let n = 0;
        const start = performance.now();
        const tick = () => (performance.now() - start < 1000 ? (n++, requestAnimationFrame(tick)) : ok(n));
        requestAnimationFrame(tick);
      }),
    );
    const said = await panel(page).getByRole("status").textContent();
    assert.match(said, /searching step \d+ of 8, [\d,]+ states, [\d,]+ states\/s/, said);
    console.log(`     ${frames} frames in 1 s while checking; ${said}`);
    assert.ok(frames >= 50, `the page drew ${frames} frames in a second`);
    await panel(page).getByRole("button", { name: "Cancel" }).click();
    await until(async () => (await panel(page).locator("progress").count()) === 0, "the check to stop");
    assert.deepEqual(errors, []);
  });
} finally {
  await browser.close();
  server.close();
}
suite.finish();
