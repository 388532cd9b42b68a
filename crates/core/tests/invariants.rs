//! The replica invariants (`Replica::invariants`), asserted after every step the simulator
//! takes unless switched off: each can fail, and switching them off changes nothing else.
// Native only: `wasm-pack test` builds every test target for the browser, where these
// would not run (plain #[test]) and some would not build; the browser tests are wasm_*.rs.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::replica::{Checked, Replica};
use nextnumber_core::swarm::{draw_scenario, replay_drawn, run_seed_with};
use nextnumber_core::*;

#[test]
fn they_are_on_by_default_and_only_read() {
    for seed in 0..40 {
        let (on, off) = (run_seed_with(seed, None, true), run_seed_with(seed, None, false));
        assert_eq!((on.history_hash, on.events), (off.history_hash, off.events), "seed {seed}");
        let (scenario, _) = draw_scenario(seed, None);
        let sim = Simulation::new(scenario.config.clone(), seed).unwrap();
        assert!(sim.invariants(), "on unless switched off");
    }
}

fn a_replica_that_issued_numbers() -> Replica {
    let (scenario, _) = draw_scenario(3, None);
    let mut sim = Simulation::new(scenario.config.clone(), 3).unwrap();
    replay_drawn(&scenario, &mut sim);
    let b = NodeId::all(sim.config().branches).max_by_key(|b| sim.replica(*b).register.sequence.len()).unwrap();
    let r = sim.replica(b).clone();
    assert!(r.register.sequence.len() > 3 && r.invariants().is_ok());
    r
}

#[test]
fn each_can_fail() {
    let mut r = a_replica_that_issued_numbers();
    r.applied = LogIndex(r.commit.0 + 1);
    assert!(r.invariants().unwrap_err().contains("beyond commit"));

    let mut r = a_replica_that_issued_numbers();
    r.commit = LogIndex(r.last_index().0 + 1);
    r.applied = r.commit;
    assert!(r.invariants().unwrap_err().contains("beyond its log"));

    let mut r = a_replica_that_issued_numbers();
    r.register.sequence[1].1 = SeqNum(7);
    assert!(r.invariants().unwrap_err().contains("as its Number 2"));

    let mut r = a_replica_that_issued_numbers();
    r.register.last = SeqNum(r.register.last.0 + 1);
    assert!(r.invariants().unwrap_err().contains("holds"));

    let mut r = a_replica_that_issued_numbers();
    let last = r.disk.log.len() - 1;
    r.disk.log[last - 1].term = Term(r.disk.log[last].term.0 + 1);
    assert!(r.invariants().unwrap_err().contains("terms go down"));
}

#[test]
fn the_incremental_check_finds_what_the_full_one_does_past_its_mark() {
    let mut r = a_replica_that_issued_numbers();
    let done = r.invariants_from(Checked::default()).unwrap();
    assert_eq!(done, Checked { log: r.disk.log.len(), numbers: r.register.sequence.len() });
    let last = r.register.sequence.len() - 1;
    r.register.sequence[last].1 = SeqNum(1);
    assert!(r.invariants_from(Checked { log: done.log, numbers: last }).is_err());
}

#[test]
fn a_leader_counts_its_own_log_as_matched() {
    let (scenario, _) = draw_scenario(3, None);
    let mut sim = Simulation::new(scenario.config.clone(), 3).unwrap();
    sim.run_until(Tick(3_000));
    let leader = sim.current_leader().expect("a leader by 3 s");
    assert_eq!(sim.replica(leader).match_index()[leader.index()], sim.replica(leader).last_index());
}
