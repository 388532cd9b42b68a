//! Imports run one way in the core (DESIGN.md: ids → msg → replica → history → check → sim →
//! timeline / scenario / swarm / model → wasm): this reads every source file's `crate::`
//! paths (in `use` lines and inline), builds the graph of which file needs which module, and
//! fails on any cycle. A file's own submodules (`sim/queue.rs` of `sim/mod.rs`) are part of
//! it; the crate root (`lib.rs`, which only declares and re-exports) is left out. Run with
//! `--nocapture` to see the order it finds.
// Native only: `wasm-pack test` builds every test target for the browser, where these
// would not run (plain #[test]) and some would not build; the browser tests are wasm_*.rs.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The module a file belongs to: `sim/queue.rs` and `sim/mod.rs` are both `sim`.
fn module_of(rel: &str) -> String {
    rel.trim_end_matches(".rs").trim_end_matches("/mod").split('/').next().unwrap().to_string()
}

fn ident(s: &str) -> String {
    s.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

/// Every `crate::NAME` and `crate::{NAME, …}` in the text, test modules (`#[cfg(test)]`
/// onwards) and comments left out.
fn needs(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = BTreeSet::new();
    for line in code.lines().map(str::trim_start).filter(|l| !l.starts_with("//")) {
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + 7..];
            match rest.strip_prefix('{') {
                Some(group) => out.extend(group.split('}').next().unwrap_or("").split(',').map(ident)),
                None => drop(out.insert(ident(rest))),
            }
        }
    }
    out.remove("");
    out
}

/// What the crate root re-exports (`pub use sim::Simulation;` and `pub use check::{a, b};`
/// in lib.rs): each name, to the module it comes from.
fn reexports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in lib.lines().filter_map(|l| l.trim().strip_prefix("pub use ")) {
        let line = line.trim_start_matches("crate::");
        let (module, rest) = line.split_once("::").unwrap_or((line, ""));
        let names = rest.trim_start_matches('{').trim_end_matches(';').trim_end_matches('}');
        for name in names.split(',').map(ident).filter(|n| !n.is_empty()) {
            out.insert(name, module.to_string());
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let roots = reexports(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let mut files = vec![src.clone()];
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    while let Some(dir) = files.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.push(path);
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
            if rel == "lib.rs" || !rel.ends_with(".rs") {
                continue;
            }
            let module = module_of(&rel);
            let text = std::fs::read_to_string(&path).unwrap();
            let mut deps: BTreeSet<String> =
                needs(&text).into_iter().map(|n| roots.get(&n).cloned().unwrap_or(n)).collect();
            deps.remove(&module);
            graph.entry(module).or_default().extend(deps);
        }
    }
    // Names that are crate-root re-exports of items (`crate::History`), not modules.
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for deps in graph.values_mut() {
        deps.retain(|d| modules.contains(d));
    }
    graph
}

#[test]
fn no_module_imports_one_that_imports_it() {
    let mut graph = graph();
    assert!(graph.len() > 15 && graph["sim"].contains("check"), "the scan found the modules: {graph:?}");
    // Peel off, layer by layer, the modules that need nothing left: a cycle is what remains.
    let mut layers: Vec<Vec<String>> = Vec::new();
    while !graph.is_empty() {
        let done: BTreeSet<String> = graph.iter().filter(|(_, d)| d.is_empty()).map(|(m, _)| m.clone()).collect();
        assert!(!done.is_empty(), "an import cycle among: {graph:#?}");
        for m in &done {
            graph.remove(m);
        }
        for deps in graph.values_mut() {
            deps.retain(|d| !done.contains(d));
        }
        layers.push(done.into_iter().collect());
    }
    for (i, layer) in layers.iter().enumerate() {
        println!("layer {i}: {}", layer.join(" "));
    }
}

#[test]
fn the_spine_runs_one_way() {
    let graph = graph();
    // ids → msg → replica → history → check → sim: none needs one after it.
    let spine = ["ids", "msg", "replica", "history", "check", "sim"];
    for (i, m) in spine.iter().enumerate() {
        for later in &spine[i + 1..] {
            assert!(!graph[*m].contains(*later), "{m} imports {later}, which comes after it");
        }
    }
    for m in ["history", "scenario", "check"] {
        assert!(!graph[m].contains("sim"), "{m} must not need the simulator: {:?}", graph[m]);
    }
}
