// Trunk post_build hook (Trunk.toml): fills in the Content-Security-Policy of every page in
// the staging directory. A page's CSP <meta> names its inline scripts and styles by hash
// with two placeholders, 'inline-script-hashes' and 'inline-style-hashes'; Trunk's loader
// script names the content-hashed JS and wasm files, so its hash is known only now.
// Inline event handlers and style attributes cannot be allowed by a hash: finding one
// fails the build. It also drops the comments of the built pages and stylesheets, which
// need not ship, and updates the stylesheets' integrity hashes to match.
//   TRUNK_STAGING_DIR=dist node scripts/csp-hashes.mjs   (Trunk sets the variable)
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("csp-hashes: TRUNK_STAGING_DIR is not set (this runs as a Trunk post_build hook)");
  process.exit(2);
}

const sha256 = (text) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
const hashesOf = (html, tag) =>
  [...html.matchAll(new RegExp(`<${tag}\\b([^>]*)>([\\s\\S]*?)</${tag}>`, "gi"))]
    .filter(([, attrs]) => !/\bsrc\s*=/i.test(attrs))
    .map(([, , body]) => sha256(body));

// Comments are for whoever reads the source, not for every visitor's first load. The
// stylesheets lose theirs first; Trunk pinned each one's content by its integrity hash
// (subresource integrity), so the pages get the new hashes.
const sri = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;
const integrity = new Map();
for (const name of readdirSync(dir).filter((f) => f.endsWith(".css"))) {
  const file = join(dir, name);
  const before = readFileSync(file);
  const after = Buffer.from(before.toString("utf8").replace(/\/\*[\s\S]*?\*\/\n?/g, ""), "utf8");
  writeFileSync(file, after);
  integrity.set(sri(before), sri(after));
}

let failed = false;
for (const name of readdirSync(dir).filter((f) => f.endsWith(".html"))) {
  const file = join(dir, name);
  let html = readFileSync(file, "utf8");
  const csp = html.match(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i);
  if (!csp) {
    console.error(`csp-hashes: ${name} has no Content-Security-Policy <meta>`);
    failed = true;
    continue;
  }
  const inline = html.match(/<[a-z][^>]*\s(on[a-z]+|style)\s*=/i);
  if (inline) {
    console.error(`csp-hashes: ${name} has an inline ${inline[1]}= attribute, which the CSP blocks: move it to a file`);
    failed = true;
  }
  const policy = csp[1]
    .replace("'inline-script-hashes'", [...new Set(hashesOf(html, "script"))].join(" "))
    .replace("'inline-style-hashes'", [...new Set(hashesOf(html, "style"))].join(" "))
    .replace(/ +;/g, ";");
  html = html.replace(csp[0], csp[0].replace(csp[1], policy));
  // The page's own comments go too (none sits inside a script or style, whose hashes are
  // taken above).
  html = html.replace(/<!--[\s\S]*?-->\n?/g, "");
  for (const [before, after] of integrity) html = html.replaceAll(`integrity="${before}"`, `integrity="${after}"`);
  writeFileSync(file, html);
  console.log(`csp-hashes: ${name}: ${policy}`);
}
process.exit(failed ? 1 : 0);
