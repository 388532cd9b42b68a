// The accessibility audit: axe-core (npm, pinned in package.json) injected into the built
// page in Debian's Chromium, on every state a visitor meets: at load, after a fire with
// the inspector and the message list open, following a story, with a broken invariant,
// and embedded (also with a red checker strip); at phone and desktop widths, light and dark, with reduced motion. Any
// serious or critical finding fails, printed with its elements. Runs on the page's manual
// clock (crates/web/src/clock.rs), so every state is the same on every machine.
//   node tests/e2e/axe.mjs      (after make dist)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.mjs";
import { advance, launch, steps } from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "..", "dist");
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const BLOCKING = ["serious", "critical"];
const SPLIT_BRAIN =
  "nextnumber/1;seed_1;branches_5;variant_no-quorum;@300_split_ABC_DE;@800_load_20_random;@3000_load_0_random;@4000_heal;run_8000;end";


/** Runs axe on the page as it is; throws with every serious or critical finding. */
async function audit(page, where) {
  // The page's CSP refuses inline scripts: the context bypasses it (SETUP.md).
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  // An audit that checked nothing must not pass.
  if (result.passes.length < 10) throw new Error(`${where}: axe-core ran only ${result.passes.length} rules`);
  const bad = result.violations.filter((v) => BLOCKING.includes(v.impact));
  for (const v of result.violations.filter((v) => !BLOCKING.includes(v.impact))) {
    console.log(`     (${v.impact}) ${v.id} on ${v.nodes.length} element(s) ${where}`);
  }
  if (bad.length) {
    const lines = bad.flatMap((v) => [
      `${v.impact} ${v.id}: ${v.help} (${v.nodes.length} element(s))`,
      ...v.nodes.slice(0, 6).map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1, 3).join(" ")}`),
    ]);
    throw new Error(`${where}:\n  ${lines.join("\n  ")}`);
  }
}

const button = (page, name) => page.getByRole("button", { name, exact: true });

/** The states a visitor meets, each audited. */
const STATES = [
  ["at load", async () => {}],
  ["after a fire, the inspector and the message list open", async (page) => {
    await advance(page, 60);
    const leader = (await page.locator("#branches li > .status").allTextContents()).find((t) => t.includes(": Main Office"));
    const b = leader?.match(/^Branch ([A-I])/)?.[1] ?? "A";
    await button(page, `Ask ${b} for a Number`).click();
    await advance(page, 30);
    await button(page, `Kill branch ${b}`).click();
    await advance(page, 30);
    await button(page, `Inspect branch ${b === "A" ? "B" : "A"}`).click();
    await button(page, "Pause").click();
    const list = page.getByText(/oldest, to pick by keyboard/);
    for (let i = 0; i < 40 && !(await list.isVisible()); i++) await button(page, "Step").click();
    if (await list.isVisible()) await list.click();
  }],
  ["following a story", async (page) => {
    await page.getByLabel("Scenario to follow, step by step").selectOption({ index: 3 });
    await page.locator("#narration-title").waitFor();
    await advance(page, 20);
  }],
  ["with a broken invariant", async (page) => {
    await page.getByText(/^Run settings: seed/).click();
    await page.getByLabel("No quorum: a lone branch issues Numbers").check();
    await page.getByText(/UNSAFE: no-quorum/).waitFor();
    await page.getByLabel("Speed").selectOption({ label: "1× real time" });
    if (await button(page, "Play").count()) await button(page, "Play").click();
    await advance(page, 60);
    await page.getByLabel("Groups to split into, like ABC DE").fill("AB CDE");
    await button(page, "Split the network").click();
    for (let i = 0; i < 100 && !(await page.locator(".checker li.broken").count()); i++) {
      for (const b of "ABCDE") await button(page, `Ask ${b} for a Number`).click();
      await advance(page, 30);
    }
    await page.locator(".checker li.broken").first().waitFor({ timeout: 1000 });
  }],
];

const VIEWS = [
  { width: 1440, height: 900, colorScheme: "light" },
  { width: 1440, height: 900, colorScheme: "dark" },
  { width: 390, height: 844, colorScheme: "light", reducedMotion: "reduce" },
  { width: 390, height: 844, colorScheme: "dark" },
];
const describe = (v) => `${v.width}×${v.height} ${v.colorScheme}${v.reducedMotion ? ", reduced motion" : ""}`;

const suite = steps("axe");
const server = await serve(dist);
const browser = await launch();
try {
  for (const view of VIEWS) {
    const { width, height, ...prefs } = view;
    await suite.run(`axe-core: no serious finding in any state, ${describe(view)}`, async () => {
      const context = await browser.newContext({ viewport: { width, height }, bypassCSP: true, ...prefs });
      try {
        const page = await context.newPage();
        await page.goto(`${server.url}?clock=manual`);
        await page.locator("#branch-A").waitFor();
        for (const [state, reach] of STATES) {
          await reach(page);
          await audit(page, `${state}, ${describe(view)}`);
        }
      } finally {
        await context.close();
      }
    });
    await suite.run(`axe-core: no serious finding embedded, ${describe(view)}`, async () => {
      const context = await browser.newContext({ viewport: { width: Math.min(width, 800), height: 560 }, bypassCSP: true, ...prefs });
      try {
        const page = await context.newPage();
        await page.goto(`${server.url}?embed=1&clock=manual#nextnumber/1;seed_3;branches_5;end`);
        await page.locator("#branch-A").waitFor();
        await advance(page, 30);
        await audit(page, `embedded, ${describe(view)}`);
        await page.locator("details.more > summary").click();
        await audit(page, `embedded with the rest unfolded, ${describe(view)}`);
        // A split brain (crates/core/scenarios/split-brain-no-quorum.txt), opened at its end:
        // the checker strip's badges red and grey, and the first broken one in words.
        await page.goto("about:blank"); // a load, not a move within the page
        await page.goto(`${server.url}?embed=1&clock=manual#${SPLIT_BRAIN}`);
        // On the manual clock the link's run is replayed frame by frame.
        await page.locator("#branch-A").waitFor();
        for (let i = 0; i < 100 && !(await page.locator(".checker-strip li.broken").count()); i++) await advance(page, 10);
        await page.locator(".checker-strip li.broken").first().waitFor({ timeout: 1000 });
        await audit(page, `embedded with a broken invariant, ${describe(view)}`);
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
