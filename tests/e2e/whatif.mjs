// "What could go wrong from here?" (crates/web/src/components/whatif.rs) in Debian's Chromium:
// on a run without the quorum, the panel's check (the model check in a worker, from the
// moment shown) finds the shortest counterexample and names the broken invariant; on the
// real service it reports what it covered; the map keeps animating while it runs; Cancel
// stops it. Only a run of the check loads the worker and pkg/ (visits.mjs counts a visit).
//   node tests/e2e/whatif.mjs          (after make dist; SCREENSHOT=file.png keeps a picture)
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.mjs";
import { advance, launch, steps, until } from "./harness.mjs";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist");
const NO_QUORUM = "nextnumber/1;seed_7;branches_3;variant_no-quorum;@1500_ask_B;@1500_ask_C;run_1505;end";
const SAFE = "nextnumber/1;seed_7;branches_3;@1500_ask_B;@1500_ask_C;run_1505;end";

const suite = steps("what-if");
const server = await serve(dist);
const browser = await launch();

/** The page at `link` on the manual clock, moved to the run's end (1505 ms). */
async function open(link) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
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
