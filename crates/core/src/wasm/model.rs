//! `ModelCheck`: the bounded model check from a moment of a run (the core's `model`), in
//! slices, for the page's "What could go wrong from here?" worker and for bloggers.
//!
//! ```js
//! const check = new ModelCheck({ run: location.href, tick: 4200, depth: 5 });
//! while (!check.step(500).done) {}          // or one slice per message loop turn
//! console.log(check.result().summary);
//! ```

use super::convert::{js_error, to_js, to_ts};
use super::install_panic_hook;
use crate::counterexample;
use crate::model::{Bounds, Progress, Report, Search, ALL_SOMETIMES};
use crate::scenario::Scenario;
use crate::sim::Simulation;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// What `new ModelCheck(options)` takes: the run, the moment, and the bounds (each optional).
#[derive(Deserialize, tsify::Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ModelCheckOptions {
    /// The run: a link (a whole URL or the part after `#`) or the text of a scenario.
    run: String,
    /// The moment, in simulated ms: the run after everything at or before it.
    tick: u64,
    /// Steps along a path (deliveries, losses, timers, fires, floods, asks). Default 4.
    #[tsify(optional)]
    depth: Option<usize>,
    /// New customers, each with one need. Default 1.
    #[tsify(optional)]
    customers: Option<u32>,
    /// Asks per need, the first and the retries (a waiting customer has made its first). Default 2.
    #[tsify(optional)]
    attempts: Option<u32>,
    /// Fires (crashes). Default 1.
    #[tsify(optional)]
    crashes: Option<u8>,
    /// Floods, each cutting one branch off both ways. Default 1.
    #[tsify(optional)]
    floods: Option<u8>,
    /// Whether a message may be lost. Default false (never needed to break safety).
    #[tsify(optional)]
    drops: Option<bool>,
    /// Whether a Main Office's heartbeat timer may fire. Default false.
    #[tsify(optional)]
    heartbeats: Option<bool>,
    /// New terms beyond the moment's highest a branch may stand for. Default 1.
    #[tsify(optional)]
    terms_ahead: Option<u64>,
    /// The cap on states (fingerprints, 21 bytes each at most: 2,000,000 take 41 MB). Default 2,000,000.
    #[tsify(optional)]
    max_states: Option<usize>,
}

impl ModelCheckOptions {
    fn bounds(&self, highest_term: u64) -> Bounds {
        Bounds {
            customers: self.customers.unwrap_or(1),
            attempts: self.attempts.unwrap_or(2),
            crashes: self.crashes.unwrap_or(1),
            partitions: self.floods.unwrap_or(1),
            drops: self.drops.unwrap_or(false),
            heartbeats: self.heartbeats.unwrap_or(false),
            max_term: Some(highest_term + self.terms_ahead.unwrap_or(1)),
            max_states: self.max_states.unwrap_or(2_000_000),
            ..Bounds::standard(self.depth.unwrap_or(4))
        }
    }
}

/// What `step` returns: how far the search has gone.
#[derive(Serialize, tsify::Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ModelProgress {
    /// The level being searched (every shorter path has been tried).
    depth: usize,
    states: usize,
    transitions: u64,
    done: bool,
}

/// A sometimes-property and the depth it was first reached at (null: never).
#[derive(Serialize, tsify::Tsify)]
#[tsify(missing_as_null)]
pub struct Reached {
    words: &'static str,
    depth: Option<usize>,
}

/// The shortest counterexample: the broken invariant and each step in words.
#[derive(Serialize, tsify::Tsify)]
#[tsify(missing_as_null)]
pub struct ModelViolation {
    /// The invariant's code and title (null for a branch's own invariant, named in `text`).
    code: Option<&'static str>,
    title: Option<&'static str>,
    text: String,
    depth: usize,
    steps: Vec<String>,
    /// Each step as the simulator plays it (`deliver 42`, `timeout A`, `ask B c4`, …), at the
    /// moment's tick; empty when it cannot be played (`unplayable` says why).
    actions: Vec<String>,
    /// The run's link up to the moment with the steps (`counterexample N`): it replays the
    /// counterexample, on the page step by step and in `nextnumber run --link`.
    link: Option<String>,
    /// Why the steps cannot be played on the run, if they cannot.
    unplayable: Option<String>,
}

/// What `result` returns.
#[derive(Serialize, tsify::Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct ModelResult {
    /// "running" until `step` says done; then "violation", "safe" (within the bounds) or
    /// "capped" (stopped at the cap: not judged past the depth completed).
    #[tsify(type = "\"running\" | \"violation\" | \"safe\" | \"capped\"")]
    verdict: &'static str,
    /// One sentence for a reader (`Report::summary`).
    summary: String,
    /// The bounds searched, in words.
    bounds: String,
    states: usize,
    /// Levels searched completely.
    depth: usize,
    transitions: u64,
    reached: Vec<Reached>,
    violation: Option<ModelViolation>,
}

/// A bounded model check from a moment of a run, run a slice at a time.
#[wasm_bindgen]
pub struct ModelCheck {
    search: Search,
    /// The run at the moment, and as a scenario: a counterexample is played on it.
    sim: Simulation,
    run: Scenario,
}

impl ModelCheck {
    /// `new ModelCheck(options)` without the JS error type, for Rust callers and tests.
    pub fn from_options(options: &JsValue) -> Result<ModelCheck, String> {
        install_panic_hook();
        let options: ModelCheckOptions =
            serde_wasm_bindgen::from_value(options.clone()).map_err(|e| format!("ModelCheck options: {e}"))?;
        let scenario = read_run(&options.run)?;
        let timeline = counterexample::run_at(&scenario, crate::ids::Tick(options.tick))?;
        let (sim, run) = (timeline.sim().clone(), timeline.scenario());
        let moment = sim.moment();
        let bounds = options.bounds(moment.highest_term());
        Ok(ModelCheck { search: Search::at(sim.config(), moment, &bounds), sim, run })
    }

    /// The search's report so far, for Rust callers.
    pub fn report(&self) -> &Report {
        self.search.report()
    }
}

/// A link or a scenario's text.
fn read_run(run: &str) -> Result<Scenario, String> {
    let run = run.trim();
    if run.starts_with("nextnumber/1\n") || run.contains('\n') {
        return Scenario::parse(run).map_err(|e| format!("scenario: {e}"));
    }
    crate::permalink::decode(run).map_err(|e| format!("link: {e}"))
}

#[wasm_bindgen]
impl ModelCheck {
    /// `new ModelCheck({ run, tick, depth, customers, attempts, crashes, floods, drops,
    /// heartbeats, termsAhead, maxStates })`: the run (a link or a scenario's text) at `tick`,
    /// searched within the bounds (each optional, with defaults that finish in seconds).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ModelCheckOptions")] options: JsValue,
    ) -> Result<ModelCheck, JsError> {
        ModelCheck::from_options(&options).map_err(js_error)
    }

    /// Expands at most `budget` states, then says how far the search has gone.
    pub fn step(&mut self, budget: u32) -> Result<tsify::Ts<ModelProgress>, JsError> {
        to_ts(&progress(self.search.step(budget as usize)))
    }

    /// The verdict so far (final once `step` said done).
    pub fn result(&self) -> Result<tsify::Ts<ModelResult>, JsError> {
        to_ts(&self.result_now())
    }
}

impl ModelCheck {
    /// The verdict so far, with a counterexample's actions and link.
    fn result_now(&self) -> ModelResult {
        let mut r = result(self.search.report(), self.search.progress().done);
        if let (Some(v), Some(c)) = (&mut r.violation, &self.search.report().violation) {
            match counterexample::script(&self.sim, &self.search, c) {
                Ok(actions) => {
                    v.actions = actions.iter().map(|a| a.to_string()).collect();
                    let replay = counterexample::scenario(&self.run, actions);
                    match crate::permalink::encode(&replay) {
                        Ok(link) => v.link = Some(link),
                        Err(e) => v.unplayable = Some(e.to_string()),
                    }
                }
                Err(e) => v.unplayable = Some(e),
            }
        }
        r
    }
}

fn progress(p: Progress) -> ModelProgress {
    ModelProgress { depth: p.depth, states: p.states, transitions: p.transitions, done: p.done }
}

fn result(r: &Report, done: bool) -> ModelResult {
    let verdict = match (&r.violation, r.truncated, done) {
        (Some(_), ..) => "violation",
        (None, true, _) => "capped",
        (None, false, true) => "safe",
        (None, false, false) => "running",
    };
    let violation = r.violation.as_ref().map(|c| ModelViolation {
        code: c.invariant.map(|i| i.code()),
        title: c.invariant.map(|i| i.title()),
        text: c.violation.clone(),
        depth: c.depth,
        steps: c.steps.clone(),
        actions: Vec::new(),
        link: None,
        unplayable: None,
    });
    ModelResult {
        verdict,
        summary: if done { r.summary() } else { "still searching".to_string() },
        bounds: r.bounds.to_string(),
        states: r.states,
        depth: r.depth(),
        transitions: r.transitions,
        reached: ALL_SOMETIMES.iter().map(|s| Reached { words: s.words(), depth: r.reached(*s) }).collect(),
        violation,
    }
}

/// What `shrinkRun` returns: the smallest run found that still breaks the same invariants.
#[derive(Serialize, tsify::Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ShrinkResult {
    /// Its text (format nextnumber/1) and its link (the part after `#`).
    scenario: String,
    link: String,
    /// The codes of the invariants it breaks, as the original did.
    goal: Vec<&'static str>,
    actions_before: usize,
    actions: usize,
    runs: usize,
    /// The run budget ran out: smaller may exist.
    exhausted: bool,
}

/// `shrinkRun(run, tick, onRun)`: the run (a link or a scenario's text) up to `tick`, shrunk
/// (the core's `shrink`: fewer actions, branches, settings, a shorter run) while it still
/// breaks the same invariants. `onRun(runs, actions)` is called after each run tried, with
/// the actions of the smallest failing run so far. It runs to the end in one call (up to
/// a few thousand runs): call it in a worker, which `terminate()` cancels.
#[wasm_bindgen(js_name = shrinkRun, unchecked_return_type = "ShrinkResult")]
pub fn shrink_run(
    run: &str,
    tick: f64,
    #[wasm_bindgen(unchecked_param_type = "(runs: number, actions: number) => void")] on_run: &js_sys::Function,
) -> Result<JsValue, JsError> {
    install_panic_hook();
    let scenario = read_run(run).map_err(js_error)?;
    // A number, not a BigInt: what a page has at hand.
    if !(tick >= 0.0 && tick.fract() == 0.0 && tick <= crate::config::limits::MAX_TICK as f64) {
        return Err(js_error(format!("the tick is a whole number of ms from 0 to the end of time, not {tick}")));
    }
    let upto = counterexample::run_at(&scenario, crate::ids::Tick(tick as u64)).map_err(js_error)?.scenario();
    let report = |p: crate::shrink::Progress| {
        let _ = on_run.call2(&JsValue::NULL, &JsValue::from(p.runs as u32), &JsValue::from(p.actions as u32));
    };
    let shrunk = crate::shrink::shrink(&upto, 1, None, report).map_err(js_error)?;
    let link = crate::permalink::encode(&shrunk.scenario).map_err(|e| js_error(e.to_string()))?;
    let result = ShrinkResult {
        scenario: shrunk.scenario.to_text(),
        link,
        goal: shrunk.goal.iter().map(|i| i.code()).collect(),
        actions_before: shrunk.actions_before,
        actions: shrunk.scenario.actions.len(),
        runs: shrunk.runs,
        exhausted: shrunk.exhausted,
    };
    to_js(&result)
}
