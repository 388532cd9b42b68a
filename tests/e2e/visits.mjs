// The bytes of a visit: a plain visit, a run's link and an embed each load the page in
// Debian's Chromium; every file the browser requests is summed as gzip -9 of its bytes in
// dist/. The three visits must request the same files (one page, built once), and the sum
// must stay under the cap (VISIT_MAX_BYTES, set by the Makefile).
//   VISIT_MAX_BYTES=200000 node tests/e2e/visits.mjs      (after make dist)
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import assert from "node:assert/strict";
import { serve } from "./serve.mjs";
import { launch, steps } from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "..", "dist");
const max = Number(process.env.VISIT_MAX_BYTES ?? "200000");
const VISITS = {
  "a plain visit": "",
  "a run's link": "#nextnumber/1;seed_4711;branches_3;@0_load_20_random;end",
  "an embed": "?embed=1#nextnumber/1;seed_4711;branches_3;@0_load_20_random;end",
};

const suite = steps("visits");
const server = await serve(dist);
const browser = await launch();
const seen = {};
try {
  for (const [name, address] of Object.entries(VISITS)) {
    await suite.run(`${name} loads the page and shows the cluster`, async () => {
      const page = await browser.newPage();
      const files = new Set();
      page.on("request", (r) => {
        const url = new URL(r.url());
        if (url.origin === server.url.replace(/\/$/, "")) files.add(url.pathname.endsWith("/") ? `${url.pathname}index.html` : url.pathname);
      });
      await page.goto(server.url + address);
      await page.locator("#branch-A").waitFor();
      await page.waitForLoadState("networkidle");
      await page.close();
      seen[name] = [...files].sort();
    });
  }
  await suite.run(`every visit requests the same files, under ${max} bytes gzip -9`, () => {
    const [first, ...rest] = Object.values(seen);
    for (const [name, files] of Object.entries(seen)) assert.deepEqual(files, first, `${name} requests other files`);
    let total = 0;
    for (const f of first) {
      const n = gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
      console.log(`  ${String(n).padStart(8)}  ${f.slice(1)}`);
      total += n;
    }
    console.log(`every visit: ${first.length} requests, ${total} bytes gzip -9 (${(total / 1000).toFixed(1)} KB)`);
    assert.ok(rest.length === Object.keys(VISITS).length - 1);
    assert.ok(total <= max, `over the cap by ${total - max} bytes`);
  });
} finally {
  await browser.close();
  server.close();
}
suite.finish();
