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
//     layout: drive one of them from inside its frame. Embedded in an 800 × 560 or a
//     360 × 640 frame, the whole map and the checker strip are in view without scrolling;
//     a split brain turns a badge red and names the invariant; the frames of the blog page
//     (and the copied embed code pasted into a bare page) take the height their page posts.
//  7. Screenshots of a scenario opened from its link, at 390×844 and 1440×900, light and
//     dark, and of the blog page.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { serve } from "./serve.mjs";
import { launch, steps, until } from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const dist = join(root, "dist");
const out = join(here, "out");
mkdirSync(out, { recursive: true });
const target = process.env.CARGO_TARGET_DIR ?? join(root, "target");
const CLI = join(target, "release", "nextnumber");
const SCENARIOS = join(root, "crates", "core", "scenarios");


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
/** What to undo when the suite ends. */
const cleanups = [];
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
    assert.equal(await page.locator("body > iframe").count(), 2);
    const frame = page.frameLocator("body > iframe").nth(1);
    await frame.getByRole("heading", { name: "The same flood, with the majority rule" }).waitFor();
    await frame.getByRole("button", { name: "Next step of the story: play up to it", exact: true }).click();
    await until(async () => /^Step 2 of 4$/.test(await frame.locator(".narration .step-count").textContent()), "step 2");
    // The checkers are shown under the map as a strip; the rest is folded, and opens.
    await frame.getByRole("region", { name: "Checkers at a glance" }).waitFor();
    await frame.getByText(/^More/).click();
    await frame.locator("#history-hash").waitFor();
    await frame.getByRole("heading", { name: "Checkers" }).waitFor();
    await page.screenshot({ path: join(out, "blog-example-1440x900.png"), fullPage: true });
  });

  // The runs an embed shows: a story (a line of text above play), and a run opened at its end.
  const story = linkOf(join(SCENARIOS, "essay-6-split-brain.txt"));
  const run = linkOf(join(SCENARIOS, "split-brain-no-quorum.txt"));
  /** The bounding box of `selector` in the page, and whether it is inside `w` × `h`. */
  const within = (page, selector, w, h) =>
    page.locator(selector).evaluate((e, [w, h]) => {
      const r = e.getBoundingClientRect();
      const box = [r.left, r.top, r.right, r.bottom].map(Math.round);
      return { box, inside: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= w && r.bottom <= h };
    }, [w, h]);
  for (const [width, height] of [[800, 560], [360, 640]]) {
    for (const [what, link] of [["a story", story], ["a run at its end", run]]) {
      await step(`embedded at ${width}×${height}, ${what}: the whole map and the checker strip fit, no scrolling`, async (page) => {
        await page.goto(`${server.url}?embed=1#${link}`);
        await page.locator("#branch-A").waitFor();
        if (link === story) await until(async () => (await page.locator("#narration-text").count()) > 0, "the story's line");
        for (const selector of [".map svg", ".checker-strip", ".play-row", "details.more > summary"]) {
          const { box, inside } = await within(page, selector, width, height);
          console.log(`     ${selector}: ${box.join(", ")}`);
          assert.ok(inside, `${selector} at ${box} is not inside ${width}×${height}`);
        }
        const [w, h] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
        assert.ok(w <= width && h <= height, `the page scrolls: ${w}×${h} in ${width}×${height}`);
        const map = await page.locator(".map svg").boundingBox();
        assert.ok(Math.min(map.width, map.height) >= 200, `the map is only ${map.width}×${map.height}`);
        assert.equal(await page.locator(".checker-strip li").count(), 10, "a badge per invariant");
      }, { width, height });
    }
  }

  await step("a split-brain embed turns a badge red and names the invariant; an unjudged one is never ticked", async (page) => {
    await page.goto(`${server.url}?embed=1#${story}`);
    await until(async () => (await page.locator(".narration .step-count").textContent().catch(() => "")) === "Step 1 of 5", "step 1");
    /** A badge by its name (the invariant's code, title and standing). */
    const badge = (code) => page.locator(".checker-strip li", { has: page.locator(".sr-only", { hasText: new RegExp(`^${code} `) }) });
    // At the start nothing is broken yet, and L1 has nothing to judge: grey, with a dash.
    assert.doesNotMatch(await badge("I1").getAttribute("class"), /broken/);
    assert.match(await badge("L1").getAttribute("class"), /unjudged/);
    assert.equal(await badge("L1").locator(".mark").textContent(), "–");
    assert.match(await badge("L1").locator(".sr-only").textContent(), /^L1 .*: not judged yet$/);
    await scrubber(page).fill("9000");
    await until(async () => /broken/.test(await badge("I1").getAttribute("class")), "a red I1");
    assert.equal(await badge("I1").locator(".mark").textContent(), "✗");
    assert.equal(await badge("I1").locator(".sr-only").textContent(), "I1 unique: no Number given twice: broken");
    const said = page.locator(".checker-strip .said");
    assert.match(await said.textContent(), /^I1 is broken \(unique: no Number given twice\)\. At t = .*Involves/);
    assert.equal(await said.getAttribute("class"), "said broken");
    const red = await badge("I1").evaluate((e) => getComputedStyle(e).borderColor);
    const green = await badge("I2").evaluate((e) => getComputedStyle(e).backgroundColor);
    assert.notEqual(red, green);
  }, { width: 800, height: 560 });

  await step("the blog page's frames take the height their page posts, and grow when More opens", async (page) => {
    await page.goto(server.url + "blog-example.html");
    const frames = page.locator("body > iframe");
    /** Each frame's height, and the height of the page in it. */
    const heights = () =>
      frames.evaluateAll((fs) => fs.map((f) => [f.getBoundingClientRect().height, f.contentDocument?.documentElement.getBoundingClientRect().height ?? 0]));
    for (let i = 0; i < 2; i++) await frames.nth(i).scrollIntoViewIfNeeded();
    // Each frame's inner height is its page's (the frames have a 1 px border).
    await until(async () => (await heights()).every(([f, p]) => p > 0 && Math.abs(f - 2 - p) <= 1), "frames fitted to their pages");
    assert.ok((await frames.first().evaluate((f) => f.style.height)).endsWith("px"), "the script set the height");
    // The script said so: the page takes the height its width gives it, and a longer step
    // of the story makes the frame taller, not the map smaller.
    const first = page.frameLocator("body > iframe").first();
    await first.locator("html[data-fitted]").waitFor({ state: "attached" });
    const map = async () => (await first.locator(".map svg").boundingBox()).width;
    const [before, [[short]]] = [await map(), await heights()];
    await first.getByLabel("Moment of the run shown, in simulated milliseconds").fill("3500");
    await until(async () => (await heights())[0][0] > short, "the frame taller for a longer step");
    assert.equal(await map(), before, "the map kept its size");
    await until(async () => (await heights()).every(([f, p]) => Math.abs(f - 2 - p) <= 1), "the frame fitted again");
    const [[closed]] = await heights();
    await page.frameLocator("body > iframe").first().getByText(/^More/).click();
    await until(async () => (await heights())[0][0] > closed + 500, "the first frame grown for More");
    const [[open, inside]] = await heights();
    assert.ok(Math.abs(open - 2 - inside) <= 1, `the frame (${open}) holds its page (${inside}) without scrolling`);
    // The map did not grow with the frame (no loop): the page settles.
    await page.waitForTimeout(500);
    assert.equal((await heights())[0][0], open, "the frame settled");
    await page.frameLocator("body > iframe").first().getByText(/^More/).click();
    await until(async () => (await heights())[0][0] === closed, "the first frame back to its height");
  }, { width: 1000, height: 900 });

  await step("the copied embed code, pasted into a bare page, fits its frame to the page", async (page) => {
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    await page.goto(`${server.url}#${run}`);
    await button(page, "Copy embed code").click();
    await page.getByText("Embed code copied").waitFor();
    const code = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed=1#nextnumber\/1;[^"]*" [^>]*height="560"[^>]*><\/iframe>\n<script>[^<]*<\/script>$/);
    // The blog example carries the same script.
    const blog = readFileSync(join(dist, "blog-example.html"), "utf8");
    assert.ok(blog.includes(code.slice(code.indexOf("<script>"))), "blog-example.html has the embed code's script");
    // Pasted twice into a bare static page of another site (another port): both frames are
    // fitted to their pages, which then do not scroll.
    const dir = mkdtempSync(join(tmpdir(), "nextnumber-post-"));
    writeFileSync(join(dir, "index.html"), `<!doctype html><title>Post</title><p>Post</p>${code}<p>more text</p>${code}`);
    const blogSite = await serve(dir);
    cleanups.push(() => { blogSite.close(); rmSync(dir, { recursive: true }); });
    await page.goto(blogSite.url);
    const frames = page.locator("iframe");
    const fitted = () =>
      frames.evaluateAll((fs) =>
        fs.map((f) => [f.style.height, Math.round(f.getBoundingClientRect().height)]));
    await until(async () => (await fitted()).every(([h]) => /^\d+px$/.test(h)), "both frames' heights set").catch(async (e) => {
      throw new Error(`${e.message}: ${JSON.stringify(await fitted())}`);
    });
    for (const f of page.frames().slice(1)) {
      const [h, inner] = await f.evaluate(() => [document.documentElement.scrollHeight, innerHeight]);
      assert.ok(h <= inner, `a pasted frame scrolls: ${h} in ${inner}`);
    }
  }, { width: 800, height: 900 });

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
  cleanups.forEach((f) => f());
}
suite.finish();
