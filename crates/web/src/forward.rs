//! The first page's record of its run. The full page keeps a core `Timeline` (snapshots
//! and replay, to travel in time); the first page only goes forward, so it keeps the
//! simulation itself, with the same methods the model calls. Its wasm then ships neither
//! snapshots nor replay. The run it hands over is the same either way: the simulation
//! records every action it applied, and that is the permalink's action log.

use nextnumber_core::timeline::Limits;
use nextnumber_core::{Action, Scenario, Simulation, Tick};

pub struct Forward {
    sim: Simulation,
}

impl Forward {
    pub fn with_limits(sim: Simulation, _: Limits) -> Result<Forward, String> {
        Ok(Forward { sim })
    }
    pub fn sim(&self) -> &Simulation {
        &self.sim
    }
    pub fn now(&self) -> Tick {
        self.sim.now()
    }
    /// Always the moment shown: there is no past to stand in.
    pub fn end(&self) -> Tick {
        self.sim.now()
    }
    pub fn run_until(&mut self, t: Tick) {
        self.sim.run_until(t)
    }
    pub fn step(&mut self) -> bool {
        self.sim.step()
    }
    /// As `Timeline::act` at the end of a branch: nothing is ever dropped.
    pub fn act(&mut self, action: Action) -> Result<usize, String> {
        self.sim.act(action).map(|()| 0)
    }
    /// As `Timeline::scenario`: the run so far, opened identically by the full page.
    pub fn scenario(&self) -> Scenario {
        Scenario {
            name: None,
            config: self.sim.config().clone(),
            seed: Some(self.sim.seed()),
            actions: self.sim.actions().to_vec(),
            run_until: Some(self.sim.now().0),
        }
    }
}
