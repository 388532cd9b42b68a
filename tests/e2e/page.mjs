// End-to-end tests of the page in Debian's Chromium, driven by playwright-core and the
// page's accessible names only. Run by `make test-e2e` after `make dist`.
//
//  0. A link of the map is cut by keyboard and keeps the focus; L1 is "not judged yet" on a
//     fresh run, then holds from a stated moment.
//  1. Kill the Main Office: a new one is elected; the next Number follows with no gap.
//  2. Split 3|2: the minority refuses to issue (and shows read-only) while the majority issues.
//  3. Cut one direction of a link, then restore it; set a link's latency to pigeon mail.
//  4. Retry a request, with the same RequestId, at another branch: the same Number.
//  5. No quorum: split, issue on both sides, and the checker turns red.
//  6. Malformed settings (seed, branches, groups) get a clear message; a link's own network
//     and loss are named as such and carry over to a run with a new seed.
//  7. A message in flight can be inspected and dropped; the event log shows it.
//  8. A panic shows the error panel with the seed.
//  9. Screenshots at 390×844 and 1440×900, light and dark (and a phone with 9 branches),
//     into tests/e2e/out/.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { serve } from "./serve.mjs";
import { advance, launch, steps, until } from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "..", "dist");
const out = join(here, "out");
mkdirSync(out, { recursive: true });

const TIMEOUT_MS = 20_000;
const LETTERS = "ABCDEFGHI";

const button = (page, name) => page.getByRole("button", { name, exact: true });

/** The branches' status lines, as the branch list says them to screen readers. */
const statuses = (page) => page.locator("#branches li > .status").allTextContents();

/** The letter of a live Main Office other than `not` (and among `among`), waiting for one. */
async function mainOffice(page, not = null, among = LETTERS) {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    const found = (await statuses(page))
      .filter((t) => t.includes(": Main Office"))
      .map((t) => t.match(/^Branch ([A-I]):/)[1])
      .find((b) => b !== not && among.includes(b));
    if (found) return found;
    await page.waitForTimeout(100);
  }
  throw new Error(`no Main Office${not ? ` other than ${not}` : ""}`);
}

const requests = (page) => page.getByRole("list", { name: "Recent requests" }).locator("li");

/** Waits until the desk shows request `id`'s row matching `re`; returns its text. */
async function request(page, id, re) {
  const deadline = Date.now() + TIMEOUT_MS;
  let last = "";
  while (Date.now() < deadline) {
    for (const t of await requests(page).allTextContents()) {
      if (t.startsWith(id)) {
        last = t;
        if (re.test(t)) return t;
      }
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`request ${id} never matched ${re}; last seen: ${last}`);
}

/** Asks at `branch`; returns the new request's ID. */
async function ask(page, branch) {
  const before = new Set((await requests(page).allTextContents()).map((t) => t.match(/^c\d+-\d+/)?.[0]));
  await button(page, `Ask ${branch} for a Number`).click();
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    const id = (await requests(page).allTextContents())
      .map((t) => t.match(/^(c\d+-\d+)asks at ([A-I])/))
      .find((m) => m && m[2] === branch && !before.has(m[1]));
    if (id) return id[1];
    await page.waitForTimeout(50);
  }
  throw new Error(`no new request at ${branch}`);
}

async function numberOf(page, id) {
  return Number((await request(page, id, /answered: Number \d+/)).match(/answered: Number (\d+)/)[1]);
}

/** The page at `hash` (and `query`, say "?clock=manual"), at 1× real time unless on the
 *  manual clock. */
async function open(context, hash = "", query = "") {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(server.url + query + hash);
  if (!query.includes("clock=manual")) await page.getByLabel("Speed").selectOption({ label: "1× real time" });
  return { page, errors };
}


/** The run's settings are folded away until asked for. */
async function openSettings(page) {
  if (!(await page.getByLabel("Seed").isVisible())) await page.getByText(/^Run settings: seed/).click();
}

async function startOver(page, settings) {
  await openSettings(page);
  await page.getByLabel("Seed").fill(String(settings.seed ?? 1));
  await page.getByLabel("Number of branches").fill(String(settings.branches ?? 5));
  await button(page, "Reset").click();
}

/** Number 1, a fire at the Main Office, a new Main Office, Number 2: no gap. */
async function killTheMainOffice(page) {
  const first = await mainOffice(page);
  assert.equal(await numberOf(page, await ask(page, other(first))), 1);
  await button(page, `Kill branch ${first}`).click();
  await button(page, `Restart branch ${first}`).waitFor();
  const second = await mainOffice(page, first);
  assert.equal(await numberOf(page, await ask(page, second)), 2, "the next Number follows with no gap");
  await page.getByText(HOLDS).waitFor({ timeout: TIMEOUT_MS });
}

/** What the checker panel says while nothing is broken (L1 may not be judged yet). */
const HOLDS = /^Every invariant (judged so far )?holds/;

const other = (b, not = []) => [...LETTERS.slice(0, 5)].find((x) => x !== b && !not.includes(x));
const suite = steps("e2e");
/** A step in a fresh browser context. */
const step = (name, f) =>
  suite.run(name, async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      await f(context);
    } finally {
      await context.close();
    }
  });

const server = await serve(dist);
const browser = await launch();
try {
  await step("a link cut by keyboard keeps the focus; the map's names begin with what it shows", async (context) => {
    const { page, errors } = await open(context);
    await page.getByRole("button", { name: "Cut link A→C" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Restore link A→C" }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), "link-AC", "the focus stays on the link");
    await button(page, "Pause").click();
    const [name, seen] = await page.evaluate(() => {
      const b = document.getElementById("branch-A");
      return [b.getAttribute("aria-label"), [...b.querySelectorAll("text")].map((t) => t.textContent).join(" ")];
    });
    assert.ok(name.startsWith(seen), `the name ${JSON.stringify(name)} begins with the visible ${JSON.stringify(seen)}`);
    assert.deepEqual(errors, [], "no error in the page");
  });

  await step("L1 is not judged on a fresh run, then holds from a stated moment", async (context) => {
    const { page, errors } = await open(context, "", "?clock=manual");
    const l1 = page.locator(".checker li", { has: page.locator(".code", { hasText: /^L1$/ }) });
    await l1.getByText(/^Not judged yet/).waitFor();
    assert.equal(await l1.getAttribute("class"), "unjudged");
    await page.getByText(/not judged yet\.$/).waitFor();
    await page.getByLabel("Speed").selectOption({ label: "1× real time" });
    for (let i = 0; i < 100 && !(await l1.getByText(/^Holds since t = /).count()); i++) await advance(page, 30);
    const since = await l1.getByText(/^Holds since t = /).textContent();
    assert.match(since, /^Holds since t = \d/, "L1 says since when it holds");
    assert.equal(await l1.getAttribute("class"), "ok");
    await page.getByText(HOLDS).waitFor();
    assert.deepEqual(errors, [], "no error in the page");
  });

  await step("a message in flight clicked on the map opens it, to drop, and cuts no link", async (context) => {
    const { page, errors } = await open(context);
    await mainOffice(page);
    await button(page, "Pause").click();
    // Step until a message is drawn, then point at the middle of its dot (read off the canvas).
    let dot = null;
    for (let i = 0; i < 50 && !dot; i++) {
      await button(page, "Step").click();
      await page.waitForTimeout(50);
      dot = await page.evaluate(() => {
        const c = document.querySelector("canvas.flights");
        const { data, width, height } = c.getContext("2d").getImageData(0, 0, c.width, c.height);
        for (let i = 3; i < data.length; i += 4) {
          if (data[i] < 250) continue;
          const x = ((i - 3) / 4) % width, y = Math.floor((i - 3) / 4 / width);
          const r = c.getBoundingClientRect();
          // The first opaque pixel is the dot's top: its middle is a few pixels below.
          return { x: r.left + (x * r.width) / width, y: r.top + ((y + 4) * r.height) / height };
        }
        return null;
      });
    }
    assert.ok(dot, "no message was drawn");
    await page.mouse.move(dot.x, dot.y);
    await page.getByRole("tooltip").waitFor();
    await page.mouse.click(dot.x, dot.y);
    await page.getByRole("button", { name: /^Drop message #\d+$/ }).waitFor();
    assert.equal(await page.getByRole("button", { name: /^Restore link/ }).count(), 0, "the click cut no link");
    assert.deepEqual(errors, [], "no error in the page");
  });

  await step("kill the Main Office: a new one is elected and the Numbers go on with no gap", async (context) => {
    const { page, errors } = await open(context);
    await killTheMainOffice(page);
    assert.deepEqual(errors, [], "no error in the page");
  });

  await step("split 3|2: the minority refuses to issue while the majority issues", async (context) => {
    const { page } = await open(context);
    // Customers who never retry, so a refusal stays a refusal.
    await page.getByLabel("Client mode").selectOption({ index: 1 });
    const leader = await mainOffice(page);
    const majority = [leader, other(leader), other(leader, [other(leader)])];
    const minority = [...LETTERS.slice(0, 5)].filter((b) => !majority.includes(b));
    await page.getByLabel("Groups to split into, like ABC DE").fill(`${majority.join("")} ${minority.join("")}`);
    await button(page, "Split the network").click();
    // The minority knows it is cut off: its branches say so as text.
    const deadline = Date.now() + TIMEOUT_MS;
    while (!(await statuses(page)).filter((t) => t.includes("read-only")).length) {
      if (Date.now() > deadline) throw new Error("no branch became read-only");
      await page.waitForTimeout(100);
    }
    // Long enough for the minority to stop believing in the old Main Office.
    await page.waitForTimeout(1_500);
    const refused = await ask(page, minority[0]);
    const text = await request(page, refused, /refused|timed out/);
    assert.doesNotMatch(text, /Number \d/, "the minority issued no Number");
    const issued = await ask(page, await mainOffice(page));
    assert.ok((await numberOf(page, issued)) >= 1, "the majority issues");
    await page.getByText(HOLDS).waitFor();
  });

  await step("cut one direction of a link, restore it, and slow a link to pigeon mail", async (context) => {
    const { page } = await open(context);
    await button(page, "Cut link A→B").click();
    await button(page, "Restore link A→B").waitFor();
    await button(page, "Cut link B→A").waitFor();
    await page.getByText("A→B: cut · B→A: up").waitFor();
    await button(page, "Restore link A→B").click();
    await button(page, "Cut link A→B").waitFor();
    await button(page, "Cut both directions of link A–B").click();
    await button(page, "Restore link B→A").waitFor();
    await button(page, "Restore both directions of link A–B").click();
    await page.getByLabel("Set latency of link A→B").selectOption({ label: "pigeon mail (about 1 h)" });
    await page.getByText("A→B: up, 55 min 00 s–1 h 05 min").waitFor();
  });

  await step("retry a request at another branch: the same RequestId gets the same Number", async (context) => {
    const { page } = await open(context);
    const leader = await mainOffice(page);
    const id = await ask(page, leader);
    const n = await numberOf(page, id);
    const elsewhere = other(leader);
    await page.getByLabel("Request to retry").selectOption(id);
    await page.getByLabel("Branch to retry at").selectOption(elsewhere);
    await button(page, `Retry request ${id} at branch ${elsewhere}`).click();
    const text = await request(page, id, /2 tries/);
    assert.match(text, new RegExp(`answered: Number ${n} `), "the retry got the same Number");
    await page.getByLabel("Filter the event log by text").fill(`try=2: number ${n}`);
    await page.getByRole("log").getByText(`try=2: number ${n}`).first().waitFor();
    await page.getByText(HOLDS).waitFor();
  });

  await step("the direct path: a customer away from the Main Office is answered, trips counted", async (context) => {
    const { page } = await open(context);
    await openSettings(page);
    await page.getByLabel("How a request for a Number travels").selectOption("direct");
    await page.getByText(/Run settings: .*, path direct/).waitFor();
    await page.getByText(/^Direct: every branch that files a request/).waitFor();
    const leader = await mainOffice(page);
    const id = await ask(page, other(leader));
    await numberOf(page, id);
    // Forwarded (1), filed at the others (2), confirmed to the customer's branch (3); a
    // confirmation that rode on a heartbeat shows the time alone, so the count is optional.
    const text = await request(page, id, /answered/);
    assert.match(text, /answered: Number \d+ · (\d+ one-way trips?, )?\d+ ms/, text);
    const trips = text.match(/(\d+) one-way trip/);
    if (trips) assert.ok(Number(trips[1]) >= 2 && Number(trips[1]) <= 3, text);
    await page.getByText(HOLDS).waitFor();
  });

  await step("no quorum: a partition lets both sides issue, and the checker turns red", async (context) => {
    const { page } = await open(context);
    await openSettings(page);
    await page.getByLabel("No quorum: a lone branch issues Numbers").check();
    await page.getByText(/UNSAFE: no-quorum/).waitFor();
    const leader = await mainOffice(page);
    const lonely = [leader, other(leader)];
    const rest = [...LETTERS.slice(0, 5)].filter((b) => !lonely.includes(b));
    await page.getByLabel("Groups to split into, like ABC DE").fill(`${lonely.join("")} ${rest.join("")}`);
    await button(page, "Split the network").click();
    const second = await mainOffice(page, leader, rest);
    const a = await ask(page, leader);
    const b = await ask(page, second);
    await numberOf(page, a);
    await numberOf(page, b);
    await page.getByRole("status").filter({ hasText: /invariants? (is|are) broken/ }).waitFor({ timeout: TIMEOUT_MS });
    const broken = await page.locator(".checker li.broken").first().textContent();
    assert.match(broken, /Involves/, "a red invariant says who was involved");
  });

  await step("malformed settings get a clear message", async (context) => {
    const { page, errors } = await open(context);
    await openSettings(page);
    await page.getByLabel("Seed").fill("twelve");
    await button(page, "Reset").click();
    await page.getByRole("alert").filter({ hasText: "is not a seed" }).waitFor();
    await startOver(page, { branches: 12 });
    await page.getByRole("alert").filter({ hasText: "branches must be 1 to 9, not 12" }).waitFor();
    await page.getByLabel("Groups to split into, like ABC DE").fill("AB BC");
    await button(page, "Split the network").click();
    await page.getByRole("alert").filter({ hasText: "in two groups" }).waitFor();
    await page.getByLabel("Type an action").fill("fly to the moon");
    await button(page, "Do it").click();
    await page.getByRole("alert").filter({ hasText: "unknown action" }).waitFor();
    assert.deepEqual(errors, [], "no error in the page");
  });

  await step("a link's own network and loss carry over to a new seed", async (context) => {
    const { page } = await open(context, "#nextnumber/1;seed_3;branches_3;latency_40_40;loss_10;end");
    const summary = page.getByText(/^Run settings: seed/);
    await summary.filter({ hasText: "seed 3, 3 branches, its own network (40 ms)" }).waitFor();
    await openSettings(page);
    await page.getByLabel("Seed").fill("4");
    await button(page, "Reset").click();
    await summary.filter({ hasText: "seed 4, 3 branches, its own network (40 ms)" }).waitFor();
    await until(() => page.evaluate(() => location.hash), "the new run's link").then((h) =>
      assert.match(h, /^#nextnumber\/1;seed_4;branches_3;latency_40_40;.*loss_10;/));
    await page.getByLabel("Network of the run (every link, with timeouts to suit)").selectOption({ label: "datacenter (10–15 ms)" });
    await summary.filter({ hasText: "seed 4, 3 branches, datacenter" }).waitFor();
  });

  await step("pause, step, inspect a message in flight and drop it", async (context) => {
    const { page } = await open(context);
    await mainOffice(page);
    await button(page, "Pause").click();
    await button(page, "Play").waitFor();
    // Step until something is on its way (a step may deliver everything in flight).
    const list = page.getByText(/oldest, to pick by keyboard/);
    for (let i = 0; i < 50 && !(await list.isVisible()); i++) await button(page, "Step").click();
    const pick = page.getByRole("button", { name: /^Inspect message #\d+/ }).first();
    for (let i = 0; i < 5 && !(await pick.isVisible()); i++) {
      await list.click();
      await page.waitForTimeout(100);
    }
    const id = (await pick.textContent()).match(/#(\d+)/)[1];
    await pick.click();
    await button(page, `Drop message #${id}`).click();
    await page.getByLabel("Filter the event log by text").fill("dropped by hand");
    await page.getByRole("log").getByText("dropped by hand").waitFor();
  });

  await step("inspect a branch and force its election timeout", async (context) => {
    const { page } = await open(context);
    const leader = await mainOffice(page);
    const b = other(leader);
    await button(page, `Inspect branch ${b}`).click();
    await page.getByRole("region", { name: `Branch ${b} in detail` }).getByText("Register (log)").waitFor();
    await button(page, `Force election timeout at branch ${b}`).click();
    await mainOffice(page, leader);
  });

  await step("the registers side by side: the inspector's entries and Numbers; an old tail stands out, then is repaired", async (context) => {
    // A leads and files c1-1; cut off, it files two more that no one else holds; it burns
    // and restarts with them on its disk, still cut off.
    const run = "#nextnumber/1;seed_1;branches_5;@0_timeout_A;@500_ask_B;@800_isolate_A;@800_ask_A;@800_ask_A;@3000_kill_A;@3200_restart_A;run_3500;end";
    const { page, errors } = await open(context, run, "?clock=manual");
    const registers = page.getByRole("region", { name: "Registers" });
    const rowA = registers.locator("tbody tr").first();
    for (let i = 0; i < 100 && (await rowA.locator("td.disagrees").count()) !== 2; i++) await advance(page, 5);
    assert.equal(await rowA.locator("td.disagrees").count(), 2, "A's two lonely entries disagree with the Main Office");
    // The same slots as the inspector's register, newest first there.
    await button(page, "Inspect branch A").click();
    const inspector = page.getByRole("region", { name: "Branch A in detail" }).locator("table.log tbody tr");
    const fromInspector = (await inspector.evaluateAll((rows) =>
      rows.map((r) => [...r.cells].map((c) => c.textContent)))).reverse();
    const fromRow = await rowA.locator("td").evaluateAll((cells) => cells.map((c) => c.title));
    assert.equal(fromRow.length, fromInspector.length, `${fromRow} vs ${fromInspector}`);
    fromInspector.forEach(([index, term, , request, number], k) => {
      assert.match(fromRow[k], new RegExp(`^slot ${index}, term ${term}: `));
      if (request) assert.ok(fromRow[k].includes(request), `${fromRow[k]} holds ${request}`);
      if (/^\d+$/.test(number)) assert.ok(fromRow[k].includes(`issued Number ${number}`), `${fromRow[k]} vs ${number}`);
    });
    // The history agrees: B's customer got Number 1, and slot 2 of every register says so
    // but A's: after its fire it knows nothing committed until a Main Office tells it.
    assert.match((await requests(page).allTextContents()).find((t) => t.startsWith("c1-1")), /answered: Number 1/);
    assert.equal(await registers.locator("td[title*='issued Number 1,']").count(), 4);
    assert.equal(await rowA.locator("td[title*='issued Number']").count(), 0);
    // Healed, A's tail is written over by the Main Office's entries.
    await button(page, "Heal the network").click();
    if (await button(page, "Play").isVisible()) await button(page, "Play").click();
    for (let i = 0; i < 200 && (await rowA.locator("td.disagrees").count()) > 0; i++) await advance(page, 5);
    assert.equal(await rowA.locator("td.disagrees").count(), 0, "the repaired tail is gone");
    assert.deepEqual(errors, []);
  });

  await step("a panic shows the error panel with the seed, not a blank page", async (context) => {
    const { page } = await open(context, "#crash-test");
    const panel = page.getByRole("alertdialog", { name: "Something broke inside the simulation" });
    await panel.waitFor();
    assert.match(await page.getByLabel("Error report").inputValue(), /seed 1\n/);
  });

  const shots = [[390, 844, "light", 5], [390, 844, "dark", 5], [1440, 900, "light", 5], [1440, 900, "dark", 5], [390, 844, "light", 9]];
  for (const [w, h, scheme, n] of shots) {
    await step(`screenshot ${w}×${h} ${scheme}, ${n} branches`, async () => {
      const context = await browser.newContext({ viewport: { width: w, height: h }, colorScheme: scheme });
      try {
        const { page } = await open(context);
        if (n !== 5) await startOver(page, { branches: n });
        const leader = await mainOffice(page);
        await numberOf(page, await ask(page, other(leader)));
        // By keyboard: a message passing the middle of the link could take a click.
        await button(page, `Cut link ${other(leader)}→${leader}`).press("Enter");
        await page.getByLabel("Customers per simulated second").fill("20");
        await page.getByLabel("Customers per simulated second").dispatchEvent("change");
        await page.waitForTimeout(800);
        await button(page, "Pause").click();
        if (n === 5) {
          // What the README shows (docs/page.png) is the first screen at 1440×900, light.
          const first = join(out, `page-${w}x${h}-${scheme}-first-screen.png`);
          await page.screenshot({ path: first });
          console.log(`     wrote ${first}`);
        }
        await button(page, `Inspect branch ${leader}`).click();
        const file = join(out, `page-${w}x${h}-${scheme}${n === 5 ? "" : `-${n}`}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(`     wrote ${file}`);
      } finally {
        await context.close();
      }
    });
  }
} finally {
  await browser.close();
  server.close();
}
suite.finish();
