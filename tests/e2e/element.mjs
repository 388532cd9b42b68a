// End-to-end test of the <next-number> element (web/next-number.js), in Debian's Chromium
// against dist/ (make test-e2e, after make dist). A host page, a blog post with its own
// stylesheet that conflicts on purpose (every iframe, paragraph and div restyled, some with
// !important), loads the element with one <script type="module"> tag:
//  1. `scenario="fire-at-the-main-office"` shows the run: the frame is the page's embed of
//     that scenario's link (made by the JS package), the map and the checker strip visible
//     inside it; the frame is as wide as the element's container, follows the container when
//     it narrows, and takes the height its page posts;
//  2. the post's CSS does not leak in (the frame keeps the element's own border, display and
//     width; the page inside keeps its fonts) and the element's CSS does not leak out (the
//     post's own iframe and paragraphs keep the post's styles); the module adds no globals;
//  3. `src="#nextnumber/1;…;end"` shows that run, without loading the JS package;
//  4. an unknown scenario or a src that is not a link says so, in the element;
//  5. the blog example's element (web/blog-example.html) shows its run under the post's CSP.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, steps, until as untilIn } from "./harness.mjs";
import { serve } from "./serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "..", "dist");
const out = join(here, "out");
mkdirSync(out, { recursive: true });
const TIMEOUT_MS = 30_000;
const until = (f, what) => untilIn(f, what, TIMEOUT_MS);

// The post: its stylesheet restyles every iframe, paragraph and div, some with !important,
// as a blog theme might; one iframe and one paragraph of its own show its styles hold.
const POST_CSS = `
  body { margin: 0; font: 19px/1.7 Georgia, serif; }
  * { box-sizing: content-box; }
  iframe { display: inline; border: 7px dotted rgb(255, 0, 0) !important; width: 123px !important; height: 45px !important; }
  p { color: rgb(0, 128, 0); margin: 3px 0; font-family: "Comic Sans MS", cursive !important; }
  div { outline: 3px solid rgb(0, 0, 255); }
  .column { width: 640px; padding: 10px; }
  next-number { margin: 0; }
`;
const post = (element) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A post with its own styles</title>
<style>${POST_CSS}</style></head>
<body>
<div class="column">
  <p id="before">Before the run.</p>
  <iframe id="own" title="The post's own frame" srcdoc="<p>own</p>"></iframe>
  ${element}
  <p id="after">After the run.</p>
</div>
<script>window.__globalsBefore = Object.getOwnPropertyNames(window);</script>
<script type="module" src="next-number.js"></script>
</body></html>`;

const server = await serve(dist);
const browser = await launch();
const suite = steps("element");

/** A step on a fresh page showing `element` in the post; an error in the page fails it. */
async function step(name, element, f) {
  await suite.run(name, async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1200 } });
    const errors = [];
    const requests = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("request", (r) => requests.push(new URL(r.url()).pathname));
    // The post lives on the page's site, like the blog example: served from memory.
    await page.route(`${server.url}post.html`, (route) => route.fulfill({ contentType: "text/html", body: post(element) }));
    try {
      await page.goto(`${server.url}post.html`);
      await f(page, requests);
      assert.deepEqual(errors, [], "errors in the page");
    } finally {
      await page.close();
    }
  });
}

/** The frame inside the element's shadow root, once it has navigated to the page. */
const shownFrame = (page) =>
  until(async () => {
    const handle = await page.locator("next-number").evaluateHandle((e) => e.shadowRoot?.querySelector("iframe") ?? null);
    const element = handle.asElement();
    const frame = element ? await element.contentFrame() : null;
    // Until it navigates, a new frame's address is empty (or about:blank).
    return frame?.url().includes("?embed=1") ? frame : null;
  }, "the element's frame");

const css = (page, selector, ...props) =>
  page.evaluate(([selector, props]) => {
    const s = getComputedStyle(document.querySelector(selector));
    return Object.fromEntries(props.map((p) => [p, s.getPropertyValue(p)]));
  }, [selector, props]);
const inner = (page, ...props) =>
  page.locator("next-number").evaluate((e, props) => {
    const f = e.shadowRoot.querySelector("iframe");
    const s = getComputedStyle(f);
    const r = f.getBoundingClientRect();
    return { ...Object.fromEntries(props.map((p) => [p, s.getPropertyValue(p)])), width: r.width, height: r.height, styleHeight: f.style.height };
  }, props);

await step("scenario=…: the run shows, sized to its container; no style leaks either way; no globals",
  '<next-number scenario="fire-at-the-main-office"></next-number>', async (page) => {
    const frame = await shownFrame(page);
    const url = new URL(frame.url());
    assert.equal(url.search, "?embed=1");
    assert.match(url.hash, /^#nextnumber\/1;name_fire-at-the-main-office;seed_3;branches_5;.*;end$/);
    await frame.getByRole("heading", { name: "The fire at the Main Office" }).waitFor({ timeout: TIMEOUT_MS });
    for (const selector of [".map svg", ".checker-strip"]) await frame.locator(selector).waitFor({ state: "visible" });
    assert.equal(await frame.locator(".checker-strip li").count(), 10, "a badge per invariant");
    const map = await frame.locator(".map svg").boundingBox();
    assert.ok(Math.min(map.width, map.height) >= 200, `the map is only ${map.width}×${map.height}`);
    assert.equal(await page.locator("next-number").evaluate((e) => e.shadowRoot.querySelector("iframe").title),
      "The Very Next Number: The fire at the Main Office");

    // As wide as its container (640 px of column), as tall as its page says.
    let box = await inner(page, "display", "border-top-style", "border-top-width");
    assert.equal(box.width, 640, `the frame is ${box.width} px wide in a 640 px column`);
    assert.equal(box.display, "block");
    assert.equal(box["border-top-style"], "solid", "the post's dotted red border leaked in");
    assert.equal(box["border-top-width"], "1px");
    await until(async () => /^\d+px$/.test((await inner(page)).styleHeight), "the frame's height set from the page's message");
    await frame.locator("html[data-fitted]").waitFor({ state: "attached" });
    await until(async () => {
      const [f, p] = [await inner(page), await frame.evaluate(() => document.documentElement.getBoundingClientRect().height)];
      return Math.abs(f.height - 2 - p) <= 1;
    }, "the frame as tall as its page");
    // The map and the strip are in the frame, inside its width.
    for (const selector of [".map svg", ".checker-strip"]) {
      const r = await frame.locator(selector).evaluate((e) => e.getBoundingClientRect().toJSON());
      assert.ok(r.width > 0 && r.left >= 0 && r.right <= 640, `${selector} at ${JSON.stringify(r)} is not inside the frame`);
    }
    // The container narrows: the frame follows, and its page fits again.
    await page.evaluate(() => { document.querySelector(".column").style.width = "380px"; });
    await until(async () => (await inner(page)).width === 380, "the frame as narrow as the container");
    await until(async () => {
      const r = await frame.locator(".map svg").evaluate((e) => e.getBoundingClientRect().toJSON());
      return r.width > 0 && r.right <= 380;
    }, "the map inside the narrowed frame");
    await page.screenshot({ path: join(out, "element-in-a-post.png"), fullPage: true });

    // The page inside has its own fonts, not the post's !important Comic Sans.
    const font = await frame.evaluate(() => getComputedStyle(document.body).fontFamily);
    assert.doesNotMatch(font, /Comic Sans/, `the post's font leaked in: ${font}`);
    // The element's styles stay in its shadow root: the post's own frame and paragraphs keep
    // the post's.
    assert.deepEqual(await css(page, "#own", "display", "border-top-style", "border-top-color", "width", "height"),
      { display: "inline", "border-top-style": "dotted", "border-top-color": "rgb(255, 0, 0)", width: "123px", height: "45px" });
    assert.deepEqual(await css(page, "#after", "color", "margin-top", "padding-top", "font-family"),
      { color: "rgb(0, 128, 0)", "margin-top": "3px", "padding-top": "0px", "font-family": '"Comic Sans MS", cursive' });
    assert.equal(await page.evaluate(() => document.styleSheets.length), 1, "the element added a stylesheet to the post");
    // No globals: the module defined the element and nothing else on window.
    const added = await page.evaluate(() => Object.getOwnPropertyNames(window).filter((n) => n !== "__globalsBefore" && !window.__globalsBefore.includes(n)));
    assert.deepEqual(added, [], "globals added by the element");
    assert.ok(await page.evaluate(() => customElements.get("next-number") !== undefined));
  });

await step("src=…: that run shows, without the JS package",
  '<next-number src="#nextnumber/1;seed_7;branches_3;@0_timeout_A;@100_load_10_random;run_3000;end"></next-number>',
  async (page, requests) => {
    const frame = await shownFrame(page);
    assert.equal(new URL(frame.url()).hash, "#nextnumber/1;seed_7;branches_3;@0_timeout_A;@100_load_10_random;run_3000;end");
    await frame.locator("#branch-C").waitFor({ timeout: TIMEOUT_MS });
    assert.equal(await frame.locator("#branch-D").count(), 0, "three branches");
    await frame.locator(".checker-strip").waitFor({ state: "visible" });
    assert.ok(!requests.some((p) => p.startsWith("/pkg/")), `the JS package was loaded: ${requests.join(" ")}`);
    // The attribute changes: the element shows the new run.
    await page.locator("next-number").evaluate((e) => e.setAttribute("src", "#nextnumber/1;seed_8;branches_4;end"));
    // (The page then keeps the run's link in its address, in its own words: a prefix is enough.)
    let seen = "";
    const next = await until(async () => {
      const f = await shownFrame(page);
      seen = new URL(f.url()).hash;
      return seen.startsWith("#nextnumber/1;seed_8;branches_4;") ? f : null;
    }, "the new run").catch((e) => { throw new Error(`${e.message}; the frame is at ${seen}`); });
    await next.locator("#branch-D").waitFor({ timeout: TIMEOUT_MS });
  });

await step("an unknown scenario and a src that is not a link say so, in the element",
  '<next-number scenario="the-great-fire"></next-number><next-number src="https://example.org/"></next-number>',
  async (page) => {
    const said = () => page.locator("next-number").evaluateAll((es) => es.map((e) => e.shadowRoot.querySelector("[role=alert]")?.textContent ?? ""));
    const [unknown, notLink] = await until(async () => {
      const s = await said();
      return s.every((t) => t) ? s : null;
    }, "both messages");
    assert.match(unknown, /^There is no scenario "the-great-fire"\. The scenarios are: one-office, .*fire-at-the-main-office.*\.$/);
    assert.match(notLink, /is not a run's link/);
    assert.equal(await page.locator("next-number").evaluateAll((es) => es.filter((e) => e.shadowRoot.querySelector("iframe")).length), 0);
  });

await suite.run("the blog example's element shows the fire under the post's own CSP", async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => /Content Security Policy|Refused to/.test(m.text()) && errors.push(m.text()));
  try {
    await page.goto(`${server.url}blog-example.html`);
    await page.locator("next-number").scrollIntoViewIfNeeded();
    const frame = await shownFrame(page);
    await frame.getByRole("heading", { name: "The fire at the Main Office" }).waitFor({ timeout: TIMEOUT_MS });
    await frame.locator(".checker-strip").waitFor({ state: "visible" });
    await until(async () => /^\d+px$/.test((await inner(page)).styleHeight), "the element's frame fitted");
    assert.deepEqual(errors, [], "errors (a CSP refusal among them) in the post");
  } finally {
    await page.close();
  }
});

await browser.close();
server.close();
suite.finish();
