//! `Simulation`: one run, stepped and steered from JS, forward only. Its read methods are
//! the shared ones (`read.rs`); here are what only it has: the constructor, stepping,
//! acting, one branch's detail and the trace switch.

use super::convert::{js_error, tick_from_js, to_ts};
use super::install_panic_hook;
use super::options::{parse_options, JsOptions, MAX_TRACE_KEEP};
use crate::action::Action;
use crate::ids::NodeId;
use wasm_bindgen::prelude::*;

/// One simulated cluster, stepped and steered from JS.
#[wasm_bindgen]
pub struct Simulation {
    inner: crate::sim::Simulation,
}

impl Simulation {
    /// `new Simulation(options)` without the JS error type, for Rust callers and tests.
    pub fn from_options(options: &JsValue) -> Result<Simulation, String> {
        install_panic_hook();
        let options = parse_options(options)?;
        let mut inner = options.fresh()?;
        if let Some(scenario) = &options.scenario {
            scenario.replay(&mut inner).map_err(|e| format!("scenario: {e}"))?;
        }
        Ok(Simulation { inner })
    }

    /// `act(action)` without the JS error type.
    pub fn try_act(&mut self, action: &str) -> Result<(), String> {
        let parsed = Action::parse(action.trim(), self.inner.config().branches)?;
        self.inner.act(parsed).map_err(|e| format!("{:?}: {e}", action.trim()))
    }

    /// The simulation inside, for Rust callers.
    pub fn inner(&self) -> &crate::sim::Simulation {
        &self.inner
    }
}

#[wasm_bindgen]
impl Simulation {
    /// `new Simulation({ branches, variants, clientMode, latencyMinMs, latencyMaxMs, lossPct,
    /// dupPct, electionTimeoutMinMs, electionTimeoutMaxMs, heartbeatMs, clientTimeoutMs, seed,
    /// scenario, trace, spacetime })`, every key optional. Without `seed`, a fresh random one.
    /// With `scenario` (the text of a nextnumber/1 scenario), the scenario sets the
    /// configuration (and the seed, if it names one) and is replayed to its end. `trace: N`
    /// turns the trace on from the start, keeping N lines; `spacetime: N` the space-time
    /// record, keeping N marks.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<JsOptions>) -> Result<Simulation, JsError> {
        let options = options.map_or(JsValue::UNDEFINED, JsValue::from);
        Simulation::from_options(&options).map_err(js_error)
    }

    /// Processes every event of the next tick that has one; false when nothing is left.
    pub fn step(&mut self) -> bool {
        self.inner.step()
    }

    /// Processes every event up to and including `tick` (simulated ms), then stands there.
    #[wasm_bindgen(js_name = runUntil)]
    pub fn run_until(&mut self, tick: f64) -> Result<(), JsError> {
        self.inner.run_until(tick_from_js("runUntil", tick)?);
        Ok(())
    }

    /// Applies an action now, in the scenario syntax: `kill A`, `cut A>B`, `load 10 leader`, …
    pub fn act(&mut self, action: &str) -> Result<(), JsError> {
        self.try_act(action).map_err(js_error)
    }

    /// Everything one branch (`"A"`, `"B"`, …) holds: its log, its table, who waits at its desk.
    pub fn branch(&self, name: &str) -> Result<tsify::Ts<crate::sim::view::BranchDetail>, JsError> {
        let b = NodeId::parse(name.trim(), self.inner.config().branches).map_err(js_error)?;
        to_ts(&self.inner.branch_detail(b))
    }

    /// Starts the trace: every later event becomes one line and feeds the trace hash; the
    /// last `keep` lines are kept for `traceLines()` (0 keeps none, hashes only).
    #[wasm_bindgen(js_name = enableTrace)]
    pub fn enable_trace(&mut self, keep: u32) -> Result<(), JsError> {
        if keep > MAX_TRACE_KEEP {
            return Err(js_error(format!("enableTrace keeps at most {MAX_TRACE_KEEP} lines, not {keep}")));
        }
        self.inner.trace_mut().enable(keep as usize);
        Ok(())
    }

    /// How many trace lines there have been since `enableTrace`.
    #[wasm_bindgen(js_name = traceCount)]
    pub fn trace_count(&self) -> f64 {
        self.inner.trace().count() as f64
    }
}
