// What the end-to-end scripts share: Debian's Chromium launched with the flags SETUP.md
// asks for, and named steps that print ok or FAIL and set the exit code at the end.
import { chromium } from "playwright-core";

// Without the background-networking flags Chromium floods the closed network with refused
// connections. Playwright gives each launch a fresh profile.
const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** On the page's manual clock (`?clock=manual`, crates/web/src/clock.rs): `frames` frames
 *  of 16 ms, one per animation frame, as a browser would draw them. */
export const advance = (page, frames) =>
  page.evaluate(async (n) => {
    for (let i = 0; i < n; i++) {
      window.__nextnumber_advance(1);
      await new Promise((ok) => requestAnimationFrame(() => ok()));
    }
  }, frames);

/** Waits until `f()` returns something truthy, polling every 100 ms; returns it, or throws
 *  after `timeoutMs` saying what it waited for and what it saw last. */
export async function until(f, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await f();
    if (last) return last;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`timed out waiting for ${what}${last === undefined ? "" : ` (last: ${JSON.stringify(last)})`}`);
}

export const launch = () => chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS, headless: true });

/** Steps of the suite `name`: `run` one (a failure is printed and remembered, the next
 *  step still runs; `E2E_ONLY=text` skips every step whose name does not hold it);
 *  `finish` prints the verdict and exits 1 if any step failed. */
export function steps(name) {
  let failed = false;
  return {
    async run(step, f) {
      // E2E_ONLY=text runs only the steps whose name holds it (to chase one failure).
      if (process.env.E2E_ONLY && !step.includes(process.env.E2E_ONLY)) return;
      const t0 = Date.now();
      try {
        await f();
        console.log(`ok   ${step} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed = true;
        console.log(`FAIL ${step}: ${e.message}`);
      }
    },
    finish() {
      if (failed) {
        console.log(`${name}: FAILED`);
        process.exit(1);
      }
      console.log(`${name}: all passed`);
    },
  };
}
