// The page's performance in Debian's headless Chromium, driven by playwright-core through
// the page's accessible controls. Run by `make bench` (scripts/bench.sh) after `make dist`;
// never by `make test`: these are measurements, not assertions.
//
// Prints one line per figure, `page <name>: <value>`, which scripts/bench.sh copies into
// BENCHMARKS.md:
// - time from navigation to the cluster map showing its branches (median of 7 cold loads,
//   each in a fresh browser context), and to the wasm being fetched;
// - frames per second (median over ≥10 one-second windows) and main-thread busy share while
//   playing, with 5 and 9 branches and a customer walking in every 10 simulated ms, at the
//   default speed (1/10) and at 1× real time (100 customers per real second).
// The page is one build: a plain visit, a link and an embed load the same files, so the
// load is timed for a plain visit and for a run's link.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.mjs";
import { launch } from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.env.DIST ?? join(here, "..", "..", "dist");
const LOADS = 7;
const SECONDS = 12;
const CLUSTER = ".map svg g.branches > g";

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x, digits = 0) => x.toFixed(digits);

/** Navigation to the first frame after the branches are in the DOM, in ms. */
async function loadTime(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript((selector) => {
    const seen = () => {
      if (!document.querySelector(selector)) return false;
      requestAnimationFrame(() => (window.__clusterShown = performance.now()));
      return true;
    };
    new MutationObserver((_, obs) => seen() && obs.disconnect()).observe(document, { childList: true, subtree: true });
  }, CLUSTER);
  await page.goto(url);
  await page.waitForFunction(() => window.__clusterShown !== undefined, null, { timeout: 20_000 });
  const shown = await page.evaluate(() => window.__clusterShown);
  const wasm = await page.evaluate(() =>
    performance.getEntriesByType("resource").filter((e) => e.name.endsWith(".wasm")).map((e) => e.responseEnd)[0] ?? NaN,
  );
  await context.close();
  return { shown, wasm };
}

/** Per-second frame rates over `seconds` seconds, counted with requestAnimationFrame. */
function frameRates(page, seconds) {
  return page.evaluate(
    (seconds) =>
      new Promise((resolve) => {
        const rates = [];
        let frames = 0;
        let last = performance.now();
        const frame = (t) => {
          frames++;
          if (t - last >= 1000) {
            rates.push((frames * 1000) / (t - last));
            frames = 0;
            last = t;
          }
          if (rates.length < seconds) requestAnimationFrame(frame);
          else resolve(rates);
        };
        requestAnimationFrame(frame);
      }),
    seconds,
  );
}

/** Main-thread task time (CDP Performance.TaskDuration, seconds) so far. */
async function taskSeconds(cdp) {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return metrics.find((m) => m.name === "TaskDuration").value;
}

/** The page opened with a link to a run of `branches` branches, playing at `speedLabel`. */
async function playing(browser, url, branches, speedLabel) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${url}#nextnumber/1;seed_1;branches_${branches};end`);
  await page.locator(CLUSTER).nth(branches - 1).waitFor();
  await page.locator("label", { hasText: "Speed" }).locator("select").selectOption({ label: speedLabel });
  const load = page.getByLabel("Customers per simulated second");
  await load.fill(await load.getAttribute("max"));
  await load.dispatchEvent("change");
  // The page may start playing by itself.
  const play = page.getByRole("button", { name: "Play", exact: true });
  if (await play.count()) await play.click();
  await page.getByRole("button", { name: "Pause", exact: true }).waitFor();
  // Let the election settle and the load build up before measuring.
  await page.waitForTimeout(2_000);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const busy0 = await taskSeconds(cdp);
  const t0 = Date.now();
  const rates = await frameRates(page, SECONDS);
  const busy = (await taskSeconds(cdp)) - busy0;
  const wall = (Date.now() - t0) / 1000;
  const clock = await page.getByLabel("Simulated time").textContent();
  await context.close();
  if (errors.length) throw new Error(`page errors while measuring: ${errors.join("; ")}`);
  return { fps: median(rates), min: Math.min(...rates), busy: (100 * busy) / wall, clock: clock.trim() };
}

const { url, close } = await serve(dist);
const browser = await launch();
try {
  for (const [what, address] of [["a plain visit", ""], ["a run's link", "#nextnumber/1;seed_4711;branches_5;end"]]) {
    const loads = [];
    for (let i = 0; i < LOADS; i++) loads.push(await loadTime(browser, url + address));
    console.log(
      `page load: ${what}: cluster shown ${fmt(median(loads.map((l) => l.shown)))} ms after navigation ` +
        `(median of ${LOADS} cold loads; wasm fetched at ${fmt(median(loads.map((l) => l.wasm)))} ms)`,
    );
  }
  for (const speed of ["1/10", "1× real time"]) {
    for (const branches of [5, 9]) {
      const r = await playing(browser, url, branches, speed);
      console.log(
        `page fps: ${branches} branches, a customer every 10 simulated ms, speed ${speed}: ` +
          `${fmt(r.fps, 1)} fps median (min ${fmt(r.min, 1)}) over ${SECONDS} s, main thread ${fmt(r.busy)} % busy, ${r.clock}`,
      );
    }
  }
} finally {
  await browser.close();
  close();
}
