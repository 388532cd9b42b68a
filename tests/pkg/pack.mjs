// The JS package as npm packs it (make test-pkg, after make pkg):
//  1. `npm pack --dry-run` lists the package's files: package.json with the fields an npm
//     package needs, the README, the ES module, its wasm and its types;
//  2. what the README's example imports is there: each name it imports is exported by the
//     module and declared in the .d.ts;
//  3. the example runs from the packed files: `npm pack`, unpacked into a site's
//     node_modules/, an import map naming the module as the README says, in Chromium: the
//     README's example prints a passing check and the fire's history hash (the golden one),
//     and the typed example (tests/pkg/example.ts, compiled by tsc) passes its checks.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, steps } from "../e2e/harness.mjs";
import { serve } from "../e2e/serve.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkgDir = join(root, "pkg");
const tmp = mkdtempSync(join(tmpdir(), "nextnumber-pkg-"));
const { run, finish } = steps("pack");
const npm = (...args) => execFileSync("npm", args, { cwd: pkgDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const FIRE = readFileSync(join(root, "crates/core/tests/golden/essay_history_hashes.txt"), "utf8").match(/^fire-at-the-main-office ([0-9a-f]{16})$/m)[1];

let meta;
let files;
let example;
await run("npm pack --dry-run: package.json, README, module, wasm and types", async () => {
  [{ files, ...meta }] = JSON.parse(npm("pack", "--dry-run", "--json", "--loglevel=error"));
  files = files.map((f) => f.path);
  console.log(`     ${meta.filename}: ${files.map((f) => f).join(", ")}; ${meta.size} bytes packed, ${meta.unpackedSize} unpacked`);
  const json = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  for (const key of ["name", "version", "description", "license", "module", "types", "files"]) {
    assert.ok(json[key], `package.json has no "${key}"`);
  }
  assert.equal(json.name, "nextnumber-core");
  assert.equal(json.type, "module");
  for (const f of ["package.json", "README.md", json.module, json.main, json.types, "nextnumber_core_bg.wasm"]) {
    assert.ok(files.includes(f), `the tarball lacks ${f}`);
  }
});

await run("what the README's example imports is exported and declared", async () => {
  const readme = readFileSync(join(pkgDir, "README.md"), "utf8");
  assert.equal(readme, readFileSync(join(root, "crates/core/README.md"), "utf8"), "the packed README is crates/core/README.md");
  example = readme.match(/```js\n([\s\S]*?)```/)[1];
  const [, defaultName, named, from] = example.match(/^import (\w+), \{([^}]*)\} from "([^"]+)";$/m);
  assert.equal(from, "nextnumber-core", "the example imports the package by its name");
  const js = readFileSync(join(pkgDir, "nextnumber_core.js"), "utf8");
  const dts = readFileSync(join(pkgDir, "nextnumber_core.d.ts"), "utf8");
  assert.match(js, /^export default \w+;$|^export \{[^}]*\bas default\b/m, `a default export for ${defaultName}`);
  for (const name of named.split(",").map((n) => n.trim())) {
    assert.match(js, new RegExp(`^export (class|function) ${name}\\b|^export \\{[^}]*\\b${name}\\b`, "m"), `${name} is not exported`);
    assert.match(dts, new RegExp(`^export (declare )?(class|function) ${name}\\b`, "m"), `${name} is not declared`);
  }
  // No method of the API is typed `any` (the raw wasm exports of InitOutput aside).
  const api = dts.slice(0, dts.indexOf("export type InitInput")).replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  assert.match(api, /^export class Simulation \{$/m, "the API is where it is looked for");
  assert.doesNotMatch(api, /\bany\b/, "a method typed any");
});

await run("unpacked into a site, the README's example and the typed example run in Chromium", async () => {
  npm("pack", "--pack-destination", tmp, "--loglevel=error");
  const site = join(tmp, "site");
  const into = join(site, "node_modules", "nextnumber-core");
  mkdirSync(into, { recursive: true });
  execFileSync("tar", ["-xzf", join(tmp, meta.filename), "-C", into, "--strip-components=1"]);
  const json = JSON.parse(readFileSync(join(into, "package.json"), "utf8"));
  // The typed example, compiled as written (its import of "nextnumber-core" left to the map).
  execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", join(root, "tests/pkg"), "--noEmit", "false", "--outDir", site], { stdio: "inherit" });
  writeFileSync(join(site, "readme-example.js"), example);
  const map = { imports: { "nextnumber-core": `./node_modules/nextnumber-core/${json.module}` } };
  writeFileSync(join(site, "index.html"), `<!doctype html><title>pack</title>
<script type="importmap">${JSON.stringify(map)}</script>
<script type="module">
try { await import("./readme-example.js"); await import("./example.js"); console.log("done"); }
catch (e) { console.log("FAILED " + (e && e.stack || e)); }
</script>`);
  const server = await serve(site);
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const said = [];
    page.on("console", (m) => said.push(m.text()));
    page.on("pageerror", (e) => said.push(`FAILED ${e.message}`));
    await page.goto(server.url);
    const deadline = Date.now() + 120_000;
    while (!said.some((l) => l === "done" || l.startsWith("FAILED")) && Date.now() < deadline) await page.waitForTimeout(100);
    for (const l of said) console.log(`     ${l}`);
    assert.ok(said.includes("done"), "the examples did not finish");
    assert.match(said.find((l) => l.startsWith("checks ")) ?? "", /^checks true I1 holds, I2 holds, /);
    assert.equal(said.find((l) => l.startsWith("fire ")), `fire ${FIRE} true`, "the fire's golden history hash");
    assert.ok(said.includes("typed example: all passed"));
  } finally {
    await browser.close();
    server.close();
  }
});

rmSync(tmp, { recursive: true, force: true });
finish();
