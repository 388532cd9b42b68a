//! The benchmark workloads, defined once so the native bench (`benches/`) and the wasm
//! bench (`tests/wasm_bench.rs`) measure exactly the same run.

use crate::action::{Action, LoadTarget};
use crate::config::Config;
use crate::ids::Tick;
use crate::scenario::Scenario;
use crate::sim::{Simulation, Stats};

/// Simulated time of the RaftScope workload: ten simulated minutes.
pub const RAFTSCOPE_SIM_MS: u64 = 600_000;
/// The seed every bench run uses, so every run does the same work.
pub const RAFTSCOPE_SEED: u64 = 1;

/// The RaftScope workload (raft.github.io's visualisation): 5 branches, links of 10–15 ms,
/// election timeout 100–200 ms, heartbeat 50 ms, one customer every 100 ms at the branch
/// that leads, for 600 simulated seconds.
pub fn raftscope_workload() -> (Config, Scenario) {
    let config = Config {
        branches: 5,
        latency_min_ms: 10,
        latency_max_ms: 15,
        election_timeout_min_ms: 100,
        election_timeout_max_ms: 200,
        heartbeat_ms: 50,
        ..Config::default()
    };
    let scenario = Scenario {
        name: None,
        config: config.clone(),
        seed: Some(RAFTSCOPE_SEED),
        actions: vec![(Tick(0), Action::Load(10, LoadTarget::Leader))],
        run_until: Some(RAFTSCOPE_SIM_MS),
        counterexample: None,
    };
    (config, scenario)
}

/// Runs the RaftScope workload from start to end and returns what it did
/// (`stats.ticks` simulated ms, `stats.events` events processed).
pub fn run_raftscope() -> Stats {
    let (_, scenario) = raftscope_workload();
    let sim: Simulation = scenario.run(RAFTSCOPE_SEED).expect("the RaftScope workload is valid");
    sim.stats()
}

/// The model check's benchmark from the initial state: the standard model (3 branches, 2
/// customers with a retry each, a fire, a flood, lost messages, heartbeats) to depth 7, the
/// issue's figure (≤ 10 s in the browser). Searched from tick 0 of a fresh 3-branch run, it
/// is the pinned model of tests/model_check.rs state for state (tests/model_moment.rs).
pub const MODEL_STANDARD_DEPTH: usize = 7;
/// That search's unique states (tests/model_check.rs pins it).
pub const MODEL_STANDARD_STATES: usize = 602_796;
/// The standard model as the JS API's `ModelCheck` is asked for it: a run at tick 0, and
/// bounds that equal `Bounds::standard` (terms far enough ahead to bind nothing at depth 7).
pub const MODEL_STANDARD_RUN: &str = "nextnumber/1\nseed 7\nbranches 3\n";
pub const MODEL_STANDARD_TERMS_AHEAD: u64 = 1_000;

/// The busy moment: the RaftScope workload (5 branches, a customer every 100 ms at the
/// Main Office) a simulated minute in, when every branch's register holds hundreds of
/// entries and the monitor the whole history: what the page's panel searches from after a
/// visitor watched a while. Searched with the page's default bounds (`ModelCheck`'s: depth
/// 4, 1 new customer with 2 asks, 1 fire, 1 flood, no losses or heartbeats, terms up to one
/// beyond the moment's), to `MODEL_BUSY_DEPTH`.
pub const MODEL_BUSY_TICK: u64 = 60_000;
pub const MODEL_BUSY_DEPTH: usize = 4;

/// The busy moment's run as a scenario's text (what `ModelCheck` takes as `run`).
pub fn model_busy_run() -> String {
    let (_, mut scenario) = raftscope_workload();
    scenario.run_until = Some(MODEL_BUSY_TICK);
    scenario.to_text()
}

/// The busy moment's search, natively, with the bounds `ModelCheck` gives it by default.
pub fn model_busy_search() -> crate::model::Search {
    let scenario = Scenario::parse(&model_busy_run()).expect("the busy moment's run is valid");
    let (config, moment) = crate::model::moment_of(&scenario, Tick(MODEL_BUSY_TICK)).expect("a moment of the run");
    let bounds = model_check_defaults(moment.highest_term());
    crate::model::Search::at(&config, moment, &bounds)
}

/// The standard model's search from tick 0 of a fresh run, natively.
pub fn model_standard_search() -> crate::model::Search {
    crate::model::Search::new(&crate::model::Bounds::standard(MODEL_STANDARD_DEPTH))
}

/// The bounds `ModelCheck` gives a search by default (the page's panel), from a moment whose
/// highest term is `highest_term`: the busy benchmark and the browser-agreement test use them.
pub fn model_check_defaults(highest_term: u64) -> crate::model::Bounds {
    crate::model::Bounds {
        customers: 1,
        attempts: 2,
        crashes: 1,
        partitions: 1,
        drops: false,
        heartbeats: false,
        max_term: Some(highest_term + 1),
        max_states: 2_000_000,
        ..crate::model::Bounds::standard(MODEL_BUSY_DEPTH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_is_valid_and_round_trips_as_text() {
        let (config, scenario) = raftscope_workload();
        assert_eq!(config.validate(), Ok(()));
        let text = scenario.to_text();
        assert!(text.contains("@0 load 10 leader"), "{text}");
        assert_eq!(Scenario::parse(&text), Ok(scenario));
    }
}
