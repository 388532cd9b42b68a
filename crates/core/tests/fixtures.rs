//! Every scenario in crates/core/scenarios/ runs and meets the expectation written in its
//! `# expect:` line: `pass`, or the codes of the invariants it must break.
// Native only: `wasm-pack test` builds every test target for the browser, where these
// would not run (plain #[test]) and some would not build; the browser tests are wasm_*.rs.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::*;
use std::path::Path;

fn expectation(text: &str) -> Vec<String> {
    let line = text.lines().find_map(|l| l.strip_prefix("# expect:")).expect("an # expect: line");
    line.split_whitespace().map(str::to_string).collect()
}

#[test]
fn every_fixture_meets_its_expectation() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("crates/core/scenarios exists") {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let scenario = Scenario::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let sim = scenario.run(1).unwrap();
        let found: Vec<&str> = sim.report().violations().iter().map(|(_, v)| v.invariant.code()).collect();
        let expect = expectation(&text);
        if expect == ["pass"] {
            assert!(found.is_empty(), "{}: expected a clean run, found {found:?}", path.display());
            assert!(sim.sometimes().numbers_issued > 0, "{}: vacuous, no Number was issued", path.display());
        } else {
            for code in &expect {
                assert!(found.contains(&code.as_str()), "{}: expected {code}, found {found:?}", path.display());
            }
        }
        count += 1;
    }
    assert!(count >= 5, "only {count} fixtures found");
}
