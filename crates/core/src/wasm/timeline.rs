//! `Timeline`: a run you can rewind, replay and fork (see the core's `timeline` module).
//! Its read methods are the shared ones (`read.rs`); here are what only it has: moving in
//! time, its action log, its snapshots, the charts and the space-time marks.

use super::convert::{js_error, tick_from_js, to_js, to_ts};
use super::install_panic_hook;
use super::options::{parse_options, JsOptions};
use crate::action::Action;
use crate::scenario::Scenario;
use crate::timeline::Timeline as CoreTimeline;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// What `Timeline.snapshots()` returns: the snapshots kept, their estimated size and ticks.
#[derive(Serialize, tsify::Tsify)]
pub struct Snapshots {
    count: usize,
    bytes: usize,
    ticks: Vec<u64>,
}

/// A run you can rewind, replay and fork: snapshots and deterministic replay make a jump
/// to any tick of an hour-long run take tens of ms. Named `JsTimeline` in Rust so that it
/// does not shadow the core's `Timeline`, which it wraps.
#[wasm_bindgen(js_name = Timeline)]
pub struct JsTimeline {
    inner: CoreTimeline,
}

impl JsTimeline {
    /// `new Timeline(options)` without the JS error type.
    pub fn from_options(options: &JsValue) -> Result<JsTimeline, String> {
        install_panic_hook();
        let options = parse_options(options)?;
        let sim = options.fresh()?;
        let inner = match &options.scenario {
            Some(scenario) => {
                // The seed drawn (or given) goes into the script, so its link replays it.
                let scenario = Scenario { seed: Some(sim.seed()), ..scenario.clone() };
                CoreTimeline::scripted(sim, &scenario, crate::timeline::Limits::default())?
            }
            None => CoreTimeline::new(sim)?,
        };
        Ok(JsTimeline { inner })
    }

    /// The timeline inside, for Rust callers.
    pub fn inner(&self) -> &CoreTimeline {
        &self.inner
    }
}

#[wasm_bindgen(js_class = Timeline)]
impl JsTimeline {
    /// The options of `new Simulation`. With `scenario`, the timeline stands at tick 0 with
    /// the scenario's actions as its recorded future: playing forward runs the scenario.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<JsOptions>) -> Result<JsTimeline, JsError> {
        let options = options.map_or(JsValue::UNDEFINED, JsValue::from);
        JsTimeline::from_options(&options).map_err(js_error)
    }

    /// Jumps to `tick`, back or forward.
    pub fn seek(&mut self, tick: f64) -> Result<(), JsError> {
        self.inner.seek(tick_from_js("seek", tick)?);
        Ok(())
    }

    /// Plays forward to `tick` (nothing happens if the present is already past it).
    #[wasm_bindgen(js_name = runUntil)]
    pub fn run_until(&mut self, tick: f64) -> Result<(), JsError> {
        self.inner.run_until(tick_from_js("runUntil", tick)?);
        Ok(())
    }

    /// Moves to the next tick at which anything happens; false when nothing is left.
    pub fn step(&mut self) -> bool {
        self.inner.step()
    }

    /// Applies an action now (`kill A`, `cut A>B`, …) and records it; in the past this forks
    /// first. Returns how many later actions were dropped.
    pub fn act(&mut self, action: &str) -> Result<u32, JsError> {
        let parsed = Action::parse(action.trim(), self.inner.sim().config().branches).map_err(js_error)?;
        let dropped = self.inner.act(parsed).map_err(|e| js_error(format!("{:?}: {e}", action.trim())))?;
        Ok(dropped as u32)
    }

    /// Drops the actions after the present moment, which becomes the end; returns how many.
    pub fn fork(&mut self) -> u32 {
        self.inner.fork() as u32
    }

    /// The furthest moment of this branch of history: reached, or where its script ends.
    pub fn end(&self) -> f64 {
        self.inner.end().0 as f64
    }

    /// The scenario's name, if it has one.
    pub fn name(&self) -> Option<String> {
        self.inner.name().map(str::to_string)
    }

    /// Every action of this branch, before and after the present, as `@TICK action` lines.
    pub fn log(&self) -> Vec<String> {
        self.inner.log().iter().map(|(t, a)| format!("@{} {a}", t.0)).collect()
    }

    /// How many of `log()`'s actions are in the past.
    pub fn applied(&self) -> u32 {
        self.inner.applied() as u32
    }

    /// Scripted actions that could not happen when their time came, with why.
    pub fn rejected(&self) -> Vec<String> {
        self.inner.rejected().to_vec()
    }

    /// `{ count, bytes, ticks }` of the snapshots kept.
    pub fn snapshots(&self) -> Result<tsify::Ts<Snapshots>, JsError> {
        let ticks: Vec<u64> = self.inner.snapshot_ticks().iter().map(|t| t.0).collect();
        to_ts(&Snapshots { count: ticks.len(), bytes: self.inner.snapshot_bytes(), ticks })
    }

    /// The charts from tick 0 to the present: `{ windowMs, windows: [{ start, numbers,
    /// numbersPerSecMilli, answered, latencyP50Ms, latencyP99Ms }] }` in at most
    /// `maxWindows` windows.
    pub fn charts(
        &self,
        #[wasm_bindgen(js_name = "maxWindows")] max_windows: u32,
    ) -> Result<tsify::Ts<crate::charts::ChartSeries>, JsError> {
        let sim = self.inner.sim();
        to_ts(&crate::charts::series(sim.records(), sim.now().0, max_windows as usize))
    }

    /// The space-time marks from tick `from` to tick `to` (both included), oldest first:
    /// `[{ tick, type: "send" | "deliver" | "drop" | "kill" | "restart" | "action" |
    /// "leaderElected" | "steppedDown", … }]`; empty unless the options had `spacetime`.
    #[wasm_bindgen(unchecked_return_type = "SpaceTimeMark[]")]
    pub fn spacetime(&self, from: f64, to: f64) -> Result<JsValue, JsError> {
        let (from, to) = (tick_from_js("spacetime", from)?, tick_from_js("spacetime", to)?);
        let marks: Vec<&crate::spacetime::SpaceTimeMark> = self.inner.sim().spacetime().window(from, to).collect();
        to_js(&marks)
    }
}
