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
