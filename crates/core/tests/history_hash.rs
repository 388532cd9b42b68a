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

/// The page's hash, walked a piece at a time over a snapshot (`HashJob`), is the history's
/// own hash, whatever the size of the pieces, on safe and unsafe runs, and it stays the hash
/// of the moment the job began while the run goes on.
#[test]
fn a_hash_job_gives_the_history_hash_in_any_pieces() {
    use nextnumber_core::config::ALL_VARIANTS;
    use nextnumber_core::swarm::{draw_scenario, replay_drawn};
    for (seed, variant) in [(0, None), (7, None), (2, Some(ALL_VARIANTS[0])), (4, Some(ALL_VARIANTS[2]))] {
        let (scenario, _) = draw_scenario(seed, variant);
        let mut sim = Simulation::new(scenario.config.clone(), seed).expect("valid");
        replay_drawn(&scenario, &mut sim);
        let want = sim.history().hash();
        for piece in [1, 7, 1_000, usize::MAX] {
            let mut job = sim.hash_job().expect("nothing forgotten");
            let mut calls = 0;
            let got = loop {
                calls += 1;
                if let Some(h) = job.work(piece) {
                    break h;
                }
            };
            assert_eq!(got, want, "seed {seed}, pieces of {piece}");
            assert!(piece >= 1_000 || calls > 1, "one call walked it all in pieces of {piece}");
        }
        let mut job = sim.hash_job().expect("nothing forgotten");
        sim.run_until(nextnumber_core::Tick(sim.now().0 + 5_000));
        assert_eq!(job.work(usize::MAX), Some(want), "the job hashes the moment it began");
    }
}
