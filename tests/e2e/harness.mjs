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

export const launch = () => chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS, headless: true });

/** Steps of the suite `name`: `run` one (a failure is printed and remembered, the next
 *  step still runs); `finish` prints the verdict and exits 1 if any step failed. */
export function steps(name) {
  let failed = false;
  return {
    async run(step, f) {
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
