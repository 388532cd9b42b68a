// `make pkg`, after `wasm-pack build --target web`: completes the package.json it wrote.
// wasm-pack names the ES module `main` only ("type": "module"); bundlers and the issue's
// checklist look for `module` too, and the package is for the browser (and for Node given
// the wasm's bytes, crates/core/README.md).
//   node scripts/pkg-json.mjs pkg/package.json
import { readFileSync, writeFileSync } from "node:fs";

const file = process.argv[2];
const pkg = JSON.parse(readFileSync(file, "utf8"));
for (const key of ["name", "version", "description", "license", "main", "types", "files"]) {
  if (!pkg[key]) throw new Error(`${file}: wasm-pack wrote no "${key}"`);
}
pkg.module = pkg.main;
pkg.keywords = ["raft", "consensus", "simulation", "distributed-systems", "webassembly"];
writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
console.log(`${file}: ${pkg.name}@${pkg.version}, module ${pkg.module}, types ${pkg.types}, files ${pkg.files.join(" ")}`);
