// End-to-end test of the page in Debian's Chromium, driven by playwright-core and the
// page's accessible names only. Run by `make test-e2e` after `make dist`.
//
// 1. A Main Office is elected; a customer asks a branch for a Number and gets Number 1.
// 2. The fire at the Main Office: kill the leader; a new Main Office is elected; the next
//    customer gets Number 2 (no gap).
// 3. Screenshots at 390×844 and 1440×900, light and dark, into tests/e2e/out/.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { serve } from "./serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "..", "dist");
const out = join(here, "out");
mkdirSync(out, { recursive: true });

// The flags from SETUP.md: without the background-networking ones Chromium floods the
// closed network with refused connections. Playwright gives each launch a fresh profile.
const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const TIMEOUT_MS = 20_000;

/** The letter of the live Main Office, from the branch list's status text. */
async function mainOffice(page) {
  const row = page.locator("#branches li", { hasText: "Main Office" });
  await row.first().waitFor({ timeout: TIMEOUT_MS });
  const text = await row.first().textContent();
  return text.match(/^Branch ([A-I]):/)[1];
}

async function newMainOfficeOtherThan(page, old) {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    const rows = await page.locator("#branches li", { hasText: "Main Office" }).allTextContents();
    const found = rows.map((t) => t.match(/^Branch ([A-I]):/)[1]).find((b) => b !== old);
    if (found) return found;
    await page.waitForTimeout(100);
  }
  throw new Error(`no new Main Office after branch ${old} was killed`);
}

async function issued(page, number) {
  const item = page.getByRole("list", { name: "Recent requests" }).locator("li", { hasText: `Number ${number}` });
  await item.first().waitFor({ timeout: TIMEOUT_MS });
  return item.first().textContent();
}

const other = (b) => (b === "A" ? "B" : "A");
let failed = false;
const step = async (name, f) => {
  const t0 = Date.now();
  try {
    await f();
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed = true;
    console.log(`FAIL ${name}: ${e.message}`);
  }
};

const server = await serve(dist);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS, headless: true });
try {
  await step("kill the Main Office: a new one is elected and the Numbers go on with no gap", async () => {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByLabel("Speed").selectOption({ label: "1/4" });
    const first = await mainOffice(page);
    await page.getByRole("button", { name: `Ask for a Number at branch ${other(first)}`, exact: true }).click();
    const one = await issued(page, 1);
    assert.match(one, /c\d+-1/, "the request shows its request ID");

    await page.getByRole("button", { name: `Kill branch ${first}`, exact: true }).click();
    await page.getByRole("button", { name: `Restart branch ${first}`, exact: true }).waitFor();
    const second = await newMainOfficeOtherThan(page, first);
    await page.getByRole("button", { name: `Ask for a Number at branch ${second}`, exact: true }).click();
    await issued(page, 2);
    const numbers = (await page.getByRole("list", { name: "Recent requests" }).locator("li").allTextContents())
      .map((t) => t.match(/Number (\d+)/)?.[1]).filter(Boolean).map(Number).sort();
    assert.deepEqual(numbers, [1, 2], "exactly Numbers 1 and 2 were issued");
    await page.getByText("Every invariant holds.").waitFor({ timeout: TIMEOUT_MS });
    assert.deepEqual(errors, [], "no error in the page");
    await page.close();
  });

  await step("cut one direction of a link, then restore it", async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByRole("button", { name: "Cut link A→B", exact: true }).click();
    await page.getByRole("button", { name: "Restore link A→B", exact: true }).waitFor();
    await page.getByRole("button", { name: "Cut link B→A", exact: true }).waitFor();
    await page.getByRole("button", { name: "Restore link A→B", exact: true }).click();
    await page.getByRole("button", { name: "Cut link A→B", exact: true }).waitFor();
    await page.close();
  });

  await step("pause, step and a malformed seed", async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByRole("button", { name: "Pause", exact: true }).click();
    await page.getByRole("button", { name: "Step", exact: true }).click();
    await page.getByRole("button", { name: "Play", exact: true }).waitFor();
    await page.getByLabel("Seed").fill("twelve");
    await page.getByRole("button", { name: "Reset", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "is not a seed" }).waitFor();
    await page.close();
  });

  for (const [w, h] of [[390, 844], [1440, 900]]) {
    for (const scheme of ["light", "dark"]) {
      await step(`screenshot ${w}×${h} ${scheme}`, async () => {
        const context = await browser.newContext({ viewport: { width: w, height: h }, colorScheme: scheme });
        const page = await context.newPage();
        await page.goto(server.url);
        await page.getByLabel("Speed").selectOption({ label: "1/4" });
        const leader = await mainOffice(page);
        await page.getByRole("button", { name: `Ask for a Number at branch ${other(leader)}`, exact: true }).click();
        await issued(page, 1);
        await page.getByRole("button", { name: `Cut link ${other(leader)}→${leader}`, exact: true }).click();
        await page.getByRole("button", { name: `Ask for a Number at branch ${leader}`, exact: true }).click();
        await page.getByRole("button", { name: "Pause", exact: true }).click();
        const file = join(out, `page-${w}x${h}-${scheme}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(`     wrote ${file}`);
        await context.close();
      });
    }
  }
} finally {
  await browser.close();
  server.close();
}
if (failed) {
  console.log("e2e: FAILED");
  process.exit(1);
}
console.log("e2e: all passed");
