// Security of the page, in Debian's Chromium (playwright-core). Run by `make test-e2e`.
//
// 1. The built pages carry a Content-Security-Policy that allows only what they need: their
//    own files, WebAssembly, and their inline scripts and styles by hash (no 'unsafe-inline',
//    no 'unsafe-eval'), and it is enforced: an injected script or event handler is refused.
// 2. The page, api-demo.html and every other page in dist/ run under it with no violation
//    and no console error.
// 3. No HTML sink in the page's source but the one reviewed for escaped, read-only markup;
//    markup typed into every text field stays text.
// 4. Hostile URLs: markup and script in every URL parameter and in the fragment (the
//    permalink) fire no dialog, inject no element, and leave the default page working; a
//    bad value where the page reads one shows a clear message, as text.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { serve } from "./serve.mjs";
import { launch, steps } from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const dist = join(root, "dist");
const TIMEOUT_MS = 20_000;

// Each value carries the attribute data-xss: any element the page built from it has it.
const HOSTILE = [
  `<img data-xss src=x onerror="window.__xss=1;alert(1)">`,
  `"><script data-xss>window.__xss=1;alert(1)</script>`,
  `</title><svg data-xss onload="window.__xss=1;alert(1)">`,
  `javascript:window.__xss=1;alert(1)//<b data-xss>`,
  `nextnumber/1;seed <img data-xss src=x onerror=alert(1)>;@0 ask <b data-xss>A</b>`,
  `<b data-xss>${"9".repeat(12_000)}</b>`, // past any sane length, within a server's URL limit
];
// Only the fragment can carry more (it never reaches the server): the page must bound it.
const HUGE = `<b data-xss>${"9".repeat(300_000)}</b>`;
// Permalinks in the scenario language (spaces as _), each with markup where text goes.
const PERMALINKS = [
  `nextnumber/1;name_<img data-xss src=x onerror="window.__xss=1;alert(1)">;seed_3;branches_3;run_1000;end`,
  `nextnumber/1;name_${"<b data-xss>x</b>".repeat(1_000)};seed_3;end`,
  `nextnumber/1;seed_<b data-xss>1</b>;end`,
  `nextnumber/1;seed_3;@0_ask_<svg data-xss onload=alert(1)>;end`,
  `nextnumber/1;@0_split_ABC_<b data-xss>DE</b>;end`,
  `nextnumber/1;seed_3;${"@0_ask_A;".repeat(30_000)}end`, // past the action limit
];

// Every place in the address the page reads, the hostile values sent there, and what the
// page must then say, as text (a role=alert or role=status element matching `message`).
// When the page learns to read a new one, add a row.
const BAD_LINK = /could not be opened/;
const READ = [
  // The permalink (share.rs, permalink::decode): anything after # that is not a valid link.
  { url: (v) => `#${encodeURIComponent(v)}`, values: [...HOSTILE, HUGE], message: BAD_LINK },
  { url: (v) => `#${v}`, values: PERMALINKS, message: BAD_LINK }, // raw: the browser encodes what it must
  { url: (v) => `?embed=1#${encodeURIComponent(v)}`, values: PERMALINKS.slice(0, 2), message: BAD_LINK },
  // ?embed=1 (share.rs) is compared as a whole: any other value is ignored.
  { url: (v) => `?embed=${encodeURIComponent(v)}`, values: HOSTILE.slice(0, 2), message: null },
];
// The same values where the page reads nothing: it must ignore them and start as usual.
const ANYWHERE = [
  ...["seed", "scenario", "s", "branches", "speed", "variant", "mode", "q"].map((n, i) => ({
    query: `?${n}=${encodeURIComponent(HOSTILE[i % HOSTILE.length])}`,
  })),
  ...HOSTILE.slice(0, 3).map((v) => ({ query: `?${v}` })), // raw, not encoded
];

const suite = steps("security");
const step = (name, f) => suite.run(name, f);

/** A page that records CSP violations, console errors, uncaught exceptions and dialogs. */
async function watchedPage(browser) {
  const page = await browser.newPage();
  const seen = { violations: [], errors: [], dialogs: [] };
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`),
    );
  });
  page.on("console", (m) => {
    // The page has no icon: Chromium's own request for one is not the page's error.
    if (m.type() === "error" && !m.location()?.url?.endsWith("/favicon.ico")) seen.errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => seen.errors.push(`uncaught: ${e.message}`));
  page.on("dialog", (d) => {
    seen.dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  seen.violations = async () => page.evaluate(() => window.__violations);
  return { page, seen };
}

/** The default page works: the cluster runs and elects a Main Office. */
async function works(page) {
  await page.getByText("Main Office").filter({ visible: true }).first().waitFor({ timeout: TIMEOUT_MS });
  assert.equal(await page.getByText(/panicked|RuntimeError|unreachable/).count(), 0, "a Rust panic shows");
}

function policyOf(file) {
  const html = readFileSync(join(dist, file), "utf8");
  const m = html.match(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i);
  assert.ok(m, `${file} has no Content-Security-Policy <meta>`);
  const script = html.search(/<script\b/i);
  assert.ok(script < 0 || html.indexOf(m[0]) < script, `${file}: the CSP <meta> must come before any script`);
  return Object.fromEntries(m[1].split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
}

const server = await serve(dist);
const browser = await launch();
try {
  await step("every built page's CSP allows only its own files, WebAssembly and hashed inline code", () => {
    const pages = readdirSync(dist).filter((f) => f.endsWith(".html"));
    assert.ok(pages.includes("index.html") && pages.includes("api-demo.html"), `dist/ holds ${pages}`);
    for (const file of pages) {
      const p = policyOf(file);
      assert.deepEqual(p["default-src"], ["'none'"], `${file}: default-src`);
      assert.deepEqual(p["base-uri"], ["'none'"], `${file}: base-uri`);
      for (const [directive, sources] of Object.entries(p)) {
        for (const s of sources) {
          assert.ok(
            ["'self'", "'none'", "'wasm-unsafe-eval'"].includes(s) ||
              /^'sha256-[A-Za-z0-9+/]{43}='$/.test(s) ||
              // Style attributes only (the map's tooltip position), never <style> or scripts.
              (file === "index.html" && directive === "style-src-attr" && s === "'unsafe-inline'"),
            `${file}: ${directive} allows ${s}`,
          );
        }
      }
    }
  });

  await step("the page runs under its CSP with no violation and refuses injected script", async () => {
    const { page, seen } = await watchedPage(browser);
    await page.goto(server.url);
    await works(page);
    assert.deepEqual(await seen.violations(), [], "CSP violations on a normal load");
    // What an HTML injection would try: an inline script and an inline event handler.
    const after = await page.evaluate(async () => {
      const s = document.createElement("script");
      s.textContent = "window.__xss = 1";
      document.head.append(s);
      const img = document.createElement("img");
      img.setAttribute("onerror", "window.__xss = 2");
      img.src = "/no-such-image";
      document.body.append(img);
      await new Promise((ok) => setTimeout(ok, 300));
      img.remove();
      return { xss: window.__xss ?? "none", violations: window.__violations.map((v) => v.split(" ")[0]).sort() };
    });
    assert.deepEqual(after, { xss: "none", violations: ["script-src-attr", "script-src-elem"] }, "the CSP is not enforced");
    const unexpected = seen.errors.filter((e) => !/Content Security Policy|Failed to load resource/.test(e));
    assert.deepEqual(unexpected, [], "errors in the page");
    await page.close();
  });

  await step("api-demo.html runs under its CSP with no violation", async () => {
    const { page, seen } = await watchedPage(browser);
    await page.goto(`${server.url}api-demo.html`);
    await page.locator("#healthy", { hasText: "checks: all passed" }).waitFor({ timeout: TIMEOUT_MS });
    await page.locator("#errors", { hasText: "Error:" }).waitFor({ timeout: TIMEOUT_MS });
    assert.deepEqual(await seen.violations(), [], "CSP violations");
    assert.deepEqual(seen.errors, [], "errors in the page");
    await page.close();
  });

  for (const file of readdirSync(dist).filter((f) => f.endsWith(".html") && !["index.html", "api-demo.html"].includes(f))) {
    await step(`${file} loads under its CSP with no violation`, async () => {
      const { page, seen } = await watchedPage(browser);
      await page.goto(`${server.url}${file}`, { waitUntil: "load" });
      await page.waitForTimeout(2000);
      assert.deepEqual(await seen.violations(), [], "CSP violations");
      assert.deepEqual(seen.errors, [], "errors in the page");
      await page.close();
    });
  }

  await step("no HTML sink and no hand-escaping anywhere in the page's source: text reaches the DOM through Yew", () => {
    const sinks = /from_html_unchecked|inner_html|outer_html|insert_adjacent_html|\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|set_attribute\(\s*"on|srcdoc|fn esc\(|&amp;|&lt;/;
    const files = [
      ...readdirSync(join(root, "crates/web/src"), { recursive: true }).filter((f) => f.endsWith(".rs")).map((f) => `crates/web/src/${f}`),
      ...readdirSync(join(root, "web")).filter((f) => f.endsWith(".html") || f.endsWith(".js")).map((f) => `web/${f}`),
      "index.html",
    ];
    const found = files.flatMap((f) =>
      readFileSync(join(root, f), "utf8").split("\n").flatMap((line) => (sinks.test(line) ? [`${f}: ${line.trim()}`] : [])),
    );
    assert.deepEqual(found, [], "HTML sinks");
  });

  await step("markup typed into every text field stays text", async () => {
    const { page, seen } = await watchedPage(browser);
    await page.goto(server.url);
    await works(page);
    const fields = page.getByRole("textbox").or(page.getByRole("spinbutton")).or(page.getByRole("searchbox"));
    const n = await fields.count();
    assert.ok(n > 0, "the page has no text field to try");
    for (let i = 0; i < n; i++) {
      for (const value of HOSTILE.slice(0, 4)) {
        const field = fields.nth(i);
        // A number field (the what-if panel's bounds) holds no text at all: the browser refuses it.
        if (!(await field.isEditable()) || (await field.getAttribute("type")) === "number") continue;
        await field.fill(value);
        await field.press("Enter");
      }
    }
    await page.waitForTimeout(300);
    const dom = await page.evaluate(() => ({ injected: document.querySelectorAll("[data-xss]").length, xss: window.__xss !== undefined }));
    assert.deepEqual(dom, { injected: 0, xss: false }, "typed markup became DOM");
    assert.deepEqual(seen.dialogs, [], "a dialog fired");
    assert.deepEqual(await seen.violations(), [], "CSP violations");
    assert.deepEqual(seen.errors, [], "errors in the page");
    await works(page);
    await page.close();
  });

  const cases = [
    ...READ.flatMap((r) => r.values.map((v) => ({ query: r.url(v), message: r.message }))),
    ...ANYWHERE,
  ];
  await step(`${cases.length} hostile URLs: no dialog, no injected element, the page works`, async () => {
    const problems = [];
    for (const { query, message } of cases) {
      const { page, seen } = await watchedPage(browser);
      const label = query.length > 90 ? `${query.slice(0, 90)}… (${query.length} chars)` : query;
      try {
        await page.goto(server.url + query);
        await works(page);
        if (message) {
          const said = page.locator("[role=alert], [role=status]").filter({ hasText: message });
          await said.first().waitFor({ timeout: TIMEOUT_MS });
        }
        await page.waitForTimeout(200);
        const dom = await page.evaluate(() => ({
          injected: document.querySelectorAll("[data-xss]").length,
          xss: window.__xss !== undefined,
          handlers: [...document.querySelectorAll("*")].flatMap((e) =>
            [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `<${e.localName} ${a.name}>`),
          ),
        }));
        assert.deepEqual(dom, { injected: 0, xss: false, handlers: [] }, "markup from the URL became DOM");
        assert.deepEqual(seen.dialogs, [], "a dialog fired");
        assert.deepEqual(await seen.violations(), [], "CSP violations");
        assert.deepEqual(seen.errors, [], "errors in the page");
      } catch (e) {
        problems.push(`${label}: ${e.message.split("\n")[0]}`);
        if (problems.length >= 3) break; // the page is broken: the rest would only time out
      } finally {
        await page.close();
      }
    }
    assert.deepEqual(problems, [], `\n  ${problems.join("\n  ")}\n`);
  });
} finally {
  await browser.close();
  server.close();
}
suite.finish();
