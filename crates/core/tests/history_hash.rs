//! The history hash: the same run gives the same hash however the history travelled (a
//! JSON file and back), and any change to what happened changes it.
// Native only: `wasm-pack test` builds every test target for the browser, where these
// would not run (plain #[test]) and some would not build; the browser tests are wasm_*.rs.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::*;

fn run(text: &str) -> History {
    History::of(&Scenario::parse(text).unwrap().run(1).unwrap())
}

const RUN: &str = "nextnumber/1\nseed 4\nbranches 3\nmode at-least-once\n@0 load 30 random\n@700 kill A\n@900 read B\n\
                   @1500 restart A\n@2000 load 0\nrun 5000\n";

#[test]
fn a_history_file_keeps_its_hash() {
    let h = run(RUN);
    assert!(h.requests.len() > 20 && !h.leaders.is_empty());
    let back = History::from_json(&h.to_json()).unwrap();
    assert_eq!(back.hash(), h.hash());
    assert_eq!(h.hash_hex().len(), 16);
    assert_eq!(run(RUN).hash(), h.hash(), "the same run, the same hash");
}

#[test]
fn any_change_changes_the_hash() {
    let h = run(RUN);
    let base = h.hash();
    let mut changed = Vec::new();
    let mut c = h.clone();
    c.seed += 1;
    changed.push(c);
    let mut c = h.clone();
    c.requests[3].invoke += 1;
    changed.push(c);
    let mut c = h.clone();
    c.requests.pop();
    changed.push(c);
    let mut c = h.clone();
    c.requests[5].attempts += 1;
    changed.push(c);
    let mut c = h.clone();
    c.config.client_timeout_ms += 1;
    changed.push(c);
    let mut c = h.clone();
    c.leaders[0].tick += 1;
    changed.push(c);
    let mut c = h.clone();
    c.applied.values_mut().next().unwrap().pop();
    changed.push(c);
    for (i, c) in changed.iter().enumerate() {
        assert_ne!(c.hash(), base, "change {i} went unnoticed");
    }
    assert_ne!(run(&RUN.replace("seed 4", "seed 5")).hash(), base);
}
