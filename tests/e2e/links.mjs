// End-to-end tests of permalinks and time travel, in Debian's Chromium against dist/.
// Run by `make test-e2e` after `make dist` (and the CLI, which computes the expected hashes).
//
//  1. Each scenario file's permalink (made by `nextnumber link`) opens the identical run:
//     the page's history hash equals the one `nextnumber run --scenario` prints.
//  2. Scrub back and forward: the branches' status texts and the hash at the end are
//     identical to what they were before; in the past they differ.
//  3. Act at a past moment: the run forks (the page says so), the address holds the new
//     branch (whose hash the CLI confirms), and Back returns to the old run.
//  4. A truncated, future-version, malformed or oversized link shows a message and opens
//     the default run, without an error in the page.
//  5. Narrated scenarios (the essay's, crates/core/scenarios/essay-*.txt): a link opens at the first
//     step (and, run to its end, gives the CLI's hash, as in 1); Next plays to the next step,
//     Back returns; the picker starts a scenario as a new entry in the browser's history.
//  6. The example blog page (web/blog-example.html) embeds two scenarios in the compact
//     layout: drive one of them from inside its frame.
//  7. Screenshots of a scenario opened from its link, at 390×844 and 1440×900, light and
//     dark, and of the blog page.
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { serve } from "./serve.mjs";
import { launch, steps } from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const dist = join(root, "dist");
const out = join(here, "out");
mkdirSync(out, { recursive: true });
const target = process.env.CARGO_TARGET_DIR ?? join(root, "target");
const CLI = join(target, "release", "nextnumber");
const SCENARIOS = join(root, "crates", "core", "scenarios");

// The launch flags of page.mjs (see SETUP.md).
const TIMEOUT_MS = 20_000;

/** Runs the CLI; its stdout. Exit 1 (a violation the scenario is about) is not a failure. */
function cli(...args) {
  const r = spawnSync(CLI, args, { encoding: "utf8" });
  if (r.error) throw new Error(`${CLI}: ${r.error.message} (run make build-cli first)`);
  if (r.status !== 0 && r.status !== 1) throw new Error(`nextnumber ${args.join(" ")}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}
const cliHash = (...args) => cli(...args).match(/^history hash ([0-9a-f]+)$/m)[1];
/** The part after `#` of a scenario file's permalink. */
const linkOf = (file) => cli("link", file).trim().split("#")[1];

const button = (page, name) => page.getByRole("button", { name, exact: true });
const statuses = (page) => page.locator("#branches li > .status").allTextContents();
const pageHash = (page) => page.locator("#history-hash").textContent();
const storyText = (page) => page.locator("#narration-text").textContent();
const stepCount = (page) => page.locator(".narration .step-count").textContent();
const scrubber = (page) => page.getByLabel("Moment of the run shown, in simulated milliseconds");

/** Waits until `f()` returns something truthy; returns it. */
async function until(f, what) {
  const deadline = Date.now() + TIMEOUT_MS;
  let last;
  while (Date.now() < deadline) {
    last = await f();
    if (last) return last;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** What the page shows that must come back identical after a round trip in time. */
async function seen(page) {
  return { hash: await pageHash(page), statuses: await statuses(page), moment: await scrubber(page).inputValue() };
}

const suite = steps("links");
/** A step on a fresh page; an error in the page fails it. */
const step = (name, f, viewport = { width: 1440, height: 900 }, colorScheme = "light") =>
  suite.run(name, async () => {
    const context = await browser.newContext({ viewport, colorScheme });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    try {
      await f(page);
      assert.deepEqual(errors, [], "errors in the page");
    } finally {
      await context.close();
    }
  });

const server = await serve(dist);
const browser = await launch();
const files = readdirSync(SCENARIOS).filter((f) => f.endsWith(".txt")).sort();
try {
  for (const f of files) {
    const file = join(SCENARIOS, f);
    await step(`permalink of ${f}: the page's history hash is the CLI's`, async (page) => {
      const expected = cliHash("run", "--scenario", file);
      await page.goto(server.url + "#" + linkOf(file));
      const text = readFileSync(file, "utf8");
      if (/^#> @/m.test(text)) {
        // A narrated scenario opens at its first step, for the story: run it to its end.
        await until(async () => /^Step 1 of \d+$/.test(await stepCount(page)), "step 1");
        // The picker's title (narration.rs) is the file's.
        const title = text.match(/^# title: (.*)$/m)[1];
        assert.equal(await page.locator("#narration-title").textContent(), title);
        const picker = page.getByLabel("Scenario to follow, step by step");
        assert.equal(await picker.locator("option:checked").textContent(), title);
        assert.equal(await scrubber(page).inputValue(), "0");
        await button(page, "End: jump to the latest moment of the run").click();
      }
      await until(async () => (await pageHash(page)) === expected, `hash ${expected}; page shows ${await pageHash(page)}`);
      // The address keeps the link (the page does not start another run).
      assert.equal(cliHash("run", "--link", page.url()), expected);
    });
  }

  const file = join(SCENARIOS, "partition-3-2-symmetric.txt");
  await step("scrub back and forward: the view at the end is identical", async (page) => {
    const expected = cliHash("run", "--scenario", file);
    await page.goto(server.url + "#" + linkOf(file));
    await until(async () => (await pageHash(page)) === expected, "the scenario's hash");
    const before = await seen(page);
    await scrubber(page).fill("2500"); // during the flood
    await until(async () => (await scrubber(page).inputValue()) === "2500", "the moment 2.5 s");
    const past = await seen(page);
    assert.notEqual(past.hash, before.hash, "the past has its own history hash");
    assert.match(await page.locator("#timeline-status").textContent(), /Looking back at/);
    await button(page, "Step back to the previous event").click();
    await until(async () => Number(await scrubber(page).inputValue()) < 2500, "a step back");
    await button(page, "End: jump to the latest moment of the run").click();
    await until(async () => (await scrubber(page).inputValue()) === before.moment, "the end again");
    assert.deepEqual(await seen(page), before);
    // And the same moment twice, reached from either side, is the same moment.
    await scrubber(page).fill("2500");
    await until(async () => (await scrubber(page).inputValue()) === "2500", "2.5 s again");
    assert.deepEqual(await seen(page), past);
  });

  await step("act in the past: a fork, a new link, and Back returns to the old run", async (page) => {
    const expected = cliHash("run", "--scenario", file);
    await page.goto(server.url + "#" + linkOf(file));
    await until(async () => (await pageHash(page)) === expected, "the scenario's hash");
    const oldUrl = page.url();
    await scrubber(page).fill("3000");
    await until(async () => (await scrubber(page).inputValue()) === "3000", "the moment 3 s");
    await button(page, "Kill branch A").click();
    await page.locator("#notice", { hasText: "New branch of history from 3000 ms" }).waitFor();
    assert.match(await page.locator("#timeline-status").textContent(), /At the latest moment of the run, 3000 ms/);
    const forkUrl = await until(() => page.url() !== oldUrl && page.url(), "the address to change");
    const decoded = cli("link", "--decode", forkUrl);
    assert.match(decoded, /^@3000 kill A$/m);
    assert.doesNotMatch(decoded, /@4000|@6000|@7000/, "the later actions are dropped");
    await until(async () => cliHash("run", "--link", page.url()) === (await pageHash(page)), "the fork's hash");
    await page.goBack();
    await until(async () => (await pageHash(page)) === expected, "the old run after Back");
  });

  await step("narration: Next plays to the next step, Back returns, the picker starts a scenario", async (page) => {
    await page.goto(server.url + "#" + linkOf(join(SCENARIOS, "essay-3-fire-at-the-main-office.txt")));
    await until(async () => (await stepCount(page)) === "Step 1 of 7", "step 1 of 7");
    const first = await storyText(page);
    await button(page, "Next step of the story: play up to it").click();
    await until(async () => (await stepCount(page)) === "Step 2 of 7", "step 2");
    await until(async () => (await scrubber(page).inputValue()) === "1500", "the run paused at step 2's moment");
    assert.notEqual(await storyText(page), first);
    await button(page, "Back to the previous step of the story").click();
    await until(async () => (await stepCount(page)) === "Step 1 of 7", "step 1 again");
    assert.equal(await storyText(page), first);
    const before = page.url();
    await page.getByLabel("Scenario to follow, step by step").selectOption({ label: "The same flood, with the majority rule" });
    await page.getByRole("heading", { name: "The same flood, with the majority rule" }).waitFor();
    await until(() => page.url().includes("name_the-quorum-holds"), "the flood's link in the address");
    await page.goBack();
    await until(() => page.url() === before, "Back to the fire");
    await page.getByRole("heading", { name: "The fire at the Main Office" }).waitFor();
  });

  await step("choosing a scenario by keyboard keeps the focus on the picker", async (page) => {
    await page.goto(server.url + "#nextnumber/1;seed_1;branches_5;end");
    const picker = page.getByLabel("Scenario to follow, step by step");
    await picker.focus();
    await picker.selectOption({ label: "The fire at the Main Office" });
    await page.getByRole("heading", { name: "The fire at the Main Office" }).waitFor();
    await until(() => page.evaluate(() => document.activeElement?.matches(".narration .picker select")), "the focus back on the picker");
  });

  await step("the blog page embeds two scenarios; one is driven from inside its frame", async (page) => {
    await page.goto(server.url + "blog-example.html");
    assert.equal(await page.locator("iframe").count(), 2);
    const frame = page.frameLocator("iframe").first();
    await frame.getByRole("heading", { name: "The same flood, with the majority rule" }).waitFor();
    await frame.getByRole("button", { name: "Next step of the story: play up to it", exact: true }).click();
    await until(async () => (await frame.locator(".narration .step-count").textContent()) === "Step 2 of 4", "step 2");
    // The checkers are shown under the map; the rest is folded, and opens.
    await frame.getByRole("heading", { name: "Checkers" }).waitFor();
    await frame.getByText("Branches, messages, customer desk, sharing, network and event log").click();
    await frame.locator("#history-hash").waitFor();
    await page.screenshot({ path: join(out, "blog-example-1440x900.png"), fullPage: true });
  });

  const broken = {
    truncated: ["#nextnumber/1;seed_7;branches_5;@0_load_20_random", /incomplete/],
    "future version": ["#nextnumber/9;seed_7;end", /newer version/],
    malformed: ["#hello-world", /not a valid nextnumber link/],
    invalid: ["#nextnumber/1;branches_5;@10_kill_Q;end", /cannot run/],
    oversized: ["#nextnumber/1;" + "seed_1;".repeat(6000) + "end", /too long/],
  };
  for (const [kind, [hash, message]] of Object.entries(broken)) {
    await step(`a ${kind} link says so and opens the default run`, async (page) => {
      await page.goto(server.url + hash);
      const notice = page.locator("#notice");
      await notice.waitFor();
      assert.match(await notice.textContent(), message);
      assert.match(await notice.textContent(), /default settings/);
      assert.equal((await statuses(page)).length, 5);
    });
  }

  for (const [width, height] of [[390, 844], [1440, 900]]) {
    for (const scheme of ["light", "dark"]) {
      await step(`screenshot of a link, ${width}×${height} ${scheme}`, async (page) => {
        await page.goto(server.url + "#" + linkOf(file));
        await scrubber(page).waitFor();
        await scrubber(page).fill("2500");
        await page.waitForTimeout(300);
        const path = join(out, `links-${width}x${height}-${scheme}.png`);
        await page.screenshot({ path, fullPage: true });
        console.log(`     wrote ${path}`);
      }, { width, height }, scheme);
    }
  }
} finally {
  await browser.close();
  server.close();
}
suite.finish();
