//! The JS API (`--features wasm`): the simulation for bloggers and the npm package.
//!
//! ```js
//! import init, { Simulation, runSeed } from "./pkg/nextnumber_core.js";
//! await init();
//! const sim = new Simulation({ branches: 5, latencyMinMs: 10, latencyMaxMs: 15, seed: 7 });
//! sim.act("load 10 leader");
//! sim.runUntil(5000);
//! console.log(sim.view().branches, sim.check().ok, sim.stats().events);
//! ```
//!
//! Time travel, permalinks and the history hash:
//!
//! ```js
//! import init, { Timeline, decodeLink, narratedScenarios } from "./pkg/nextnumber_core.js";
//! await init();
//! const fire = narratedScenarios().find((s) => s.name === "fire-at-the-main-office");
//! const t = new Timeline({ scenario: fire.text, spacetime: 5000 });
//! t.runUntil(11000);                 // plays the scenario's recorded actions
//! console.log(t.historyHash());      // what `nextnumber run --scenario FILE` prints
//! t.seek(2500);                      // back in time: a snapshot and a replay
//! t.act("kill B");                   // acting in the past forks: later actions are dropped
//! location.hash = t.link();          // nextnumber/1;name_…;…;end
//! const again = new Timeline({ scenario: decodeLink(location.href) });
//! ```
//!
//! Every failure (a bad config, a bad action, an unknown branch) is thrown as a JS `Error`
//! with a message that says what is wrong; nothing here panics on user input. Objects come
//! back as plain JS objects (maps too), `None` as `null`, and 64-bit integers as numbers
//! (everything the simulation counts stays far below 2^53). Seeds are the exception: they
//! come back as a number when it is exact (below 2^53) and as a `BigInt` otherwise, and they
//! are accepted as a number, a `BigInt` or a decimal string.

use crate::action::Action;
use crate::check::report::Judgement;
use crate::check::{Invariant, Sometimes, Violation};
use crate::config::{Config, Variant};
use crate::ids::{NodeId, RequestId, Tick};
use crate::scenario::Scenario;
use crate::swarm::{self, Verdict};
use crate::timeline::Timeline as CoreTimeline;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The largest integer a JS number holds exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;
/// The most trace lines `enableTrace` keeps (the hash covers every line regardless).
pub const MAX_TRACE_KEEP: u32 = 1_000_000;
/// Keys of the constructor's options object that are not `Config` fields.
const OPTION_KEYS: [&str; 4] = ["seed", "scenario", "trace", "spacetime"];

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(s: &str);
}

/// A panic is a bug in the simulation, not the caller's fault: say so in the console
/// (wasm has no stderr) before the wasm instance traps.
fn install_panic_hook() {
    use std::sync::atomic::{AtomicBool, Ordering};
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    // The hook cannot be changed while a panic unwinds (a test harness may call us then).
    if std::thread::panicking() || INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        console_error(&format!("nextnumber: internal error (please report it with the scenario): {info}"));
        previous(info);
    }));
}

fn js_error(message: impl AsRef<str>) -> JsError {
    JsError::new(message.as_ref())
}

/// Serializes for JS: plain objects for maps and structs, `null` for `None`, integers as numbers.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true)
        .serialize_large_number_types_as_bigints(false);
    value.serialize(&serializer).map_err(|e| js_error(format!("cannot convert the result for JavaScript: {e}")))
}

/// A seed as JS sees it: a number when exact, a `BigInt` otherwise.
fn seed_to_js(seed: u64) -> JsValue {
    if seed <= MAX_SAFE_INTEGER {
        JsValue::from_f64(seed as f64)
    } else {
        JsValue::from(seed)
    }
}

/// A seed from JS: a whole number 0..2^53, a `BigInt` 0..2^64, or a decimal string.
pub fn seed_from_js(value: &JsValue) -> Result<u64, String> {
    const EXPECTED: &str = "a seed must be a whole number from 0 to 2^53-1, a BigInt from 0n to 2^64-1, \
                            or a decimal string";
    if let Some(n) = value.as_f64() {
        if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= MAX_SAFE_INTEGER as f64 {
            return Ok(n as u64);
        }
        return Err(format!("{EXPECTED}, not {n}"));
    }
    let text = if value.is_bigint() {
        let big = js_sys::BigInt::from(value.clone());
        big.to_string(10).map(String::from).map_err(|_| EXPECTED.to_string())?
    } else if let Some(s) = value.as_string() {
        s
    } else {
        return Err(format!("{EXPECTED}, not {}", js_type(value)));
    };
    text.trim().parse::<u64>().map_err(|_| format!("{EXPECTED}, not {text:?}"))
}

fn js_type(value: &JsValue) -> String {
    value.js_typeof().as_string().unwrap_or_else(|| "an unknown value".into())
}

fn fresh_seed() -> Result<u64, String> {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).map_err(|e| format!("cannot draw a random seed: {e}"))?;
    // Below 2^53, so the seed is an ordinary JS number and survives a round trip through JSON.
    Ok(u64::from_le_bytes(bytes) & MAX_SAFE_INTEGER)
}

/// What `new Simulation(options)` was asked for.
struct Options {
    config: Config,
    seed: Option<u64>,
    scenario: Option<Scenario>,
    /// Trace lines to keep (the trace is on from the start), if asked for.
    trace: Option<u32>,
    /// Space-time marks to keep (the record is on from the start), if asked for.
    spacetime: Option<u32>,
}

impl Options {
    /// A fresh simulation as asked for (not yet run): the scenario's config and seed, or
    /// the options', or a random seed; trace and space-time record enabled if asked for.
    fn fresh(&self) -> Result<crate::sim::Simulation, String> {
        let config = self.scenario.as_ref().map_or(&self.config, |s| &s.config).clone();
        let seed = match self.scenario.as_ref().and_then(|s| s.seed).or(self.seed) {
            Some(seed) => seed,
            None => fresh_seed()?,
        };
        let mut sim = crate::sim::Simulation::new(config, seed)?;
        if let Some(keep) = self.trace {
            sim.trace_mut().enable(keep as usize);
        }
        if let Some(marks) = self.spacetime {
            sim.spacetime_mut().enable(marks as usize)?;
        }
        Ok(sim)
    }
}

/// A count option (`trace`, `spacetime`): a whole number from 0 to `max`.
fn count_option(value: &JsValue, key: &str, max: u32) -> Result<Option<u32>, String> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= max as f64 => Ok(Some(n as u32)),
        _ => Err(format!("option {key:?} is a whole number from 0 to {max}, not {value:?}")),
    }
}

/// Reads the constructor's options: `Config` fields (camelCase, each optional), `seed`,
/// `scenario`. Unknown keys are refused, so a typo is not silently ignored.
fn parse_options(options: &JsValue) -> Result<Options, String> {
    let mut out = Options { config: Config::default(), seed: None, scenario: None, trace: None, spacetime: None };
    if options.is_undefined() || options.is_null() {
        return Ok(out);
    }
    if !options.is_object() || js_sys::Array::is_array(options) {
        return Err(format!("new Simulation() takes an options object, not {}", js_type(options)));
    }
    let get = |key: &str| js_sys::Reflect::get(options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    let seed = get("seed");
    if !seed.is_undefined() && !seed.is_null() {
        out.seed = Some(seed_from_js(&seed)?);
    }
    out.trace = count_option(&get("trace"), "trace", MAX_TRACE_KEEP)?;
    out.spacetime =
        count_option(&get("spacetime"), "spacetime", crate::spacetime::MAX_SPACETIME_MARKS as u32)?.filter(|n| *n > 0);
    let scenario = get("scenario");
    if !scenario.is_undefined() && !scenario.is_null() {
        let text = scenario.as_string().ok_or_else(|| {
            format!("scenario must be the text of a scenario (nextnumber/1), not {}", js_type(&scenario))
        })?;
        out.scenario = Some(Scenario::parse(&text).map_err(|e| format!("scenario: {e}"))?);
    }

    let known = match serde_json::to_value(Config::default()) {
        Ok(serde_json::Value::Object(fields)) => fields,
        _ => return Err("internal error: the default config is not an object".into()),
    };
    let mut fields = serde_json::Map::new();
    let keys = js_sys::Object::keys(&js_sys::Object::from(options.clone()));
    for key in keys.iter().filter_map(|k| k.as_string()) {
        if OPTION_KEYS.contains(&key.as_str()) {
            continue;
        }
        if !known.contains_key(&key) {
            let mut names: Vec<&str> = known.keys().map(String::as_str).collect();
            names.extend(OPTION_KEYS);
            return Err(format!("unknown option {key:?} (expected some of: {})", names.join(", ")));
        }
        let value = get(&key);
        if value.is_undefined() {
            continue;
        }
        let value: serde_json::Value =
            serde_wasm_bindgen::from_value(value).map_err(|e| format!("option {key:?}: {e}"))?;
        // Each field on its own first, so the error names the field.
        let mut one = serde_json::Map::new();
        one.insert(key.clone(), value.clone());
        serde_json::from_value::<Config>(serde_json::Value::Object(one)).map_err(|e| format!("option {key:?}: {e}"))?;
        fields.insert(key, value);
    }
    if out.scenario.is_some() {
        if let Some(key) = fields.keys().next() {
            return Err(format!(
                "option {key:?} cannot be combined with a scenario: the scenario sets the whole configuration \
                 (write it into the scenario text instead)"
            ));
        }
        return Ok(out);
    }
    out.config = serde_json::from_value(serde_json::Value::Object(fields)).map_err(|e| format!("config: {e}"))?;
    out.config.validate().map_err(|e| format!("config: {e}"))?;
    Ok(out)
}

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
    pub fn new(options: JsValue) -> Result<Simulation, JsError> {
        Simulation::from_options(&options).map_err(js_error)
    }

    /// Processes every event of the next tick that has one; false when nothing is left.
    pub fn step(&mut self) -> bool {
        self.inner.step()
    }

    /// Processes every event up to and including `tick` (simulated ms), then stands there.
    #[wasm_bindgen(js_name = runUntil)]
    pub fn run_until(&mut self, tick: f64) -> Result<(), JsError> {
        if !tick.is_finite() || tick < 0.0 {
            return Err(js_error(format!("runUntil takes a tick in simulated ms (0 or more), not {tick}")));
        }
        let tick = tick.floor().min(crate::config::limits::MAX_TICK as f64) as u64;
        self.inner.run_until(Tick(tick));
        Ok(())
    }

    /// Applies an action now, in the scenario syntax: `kill A`, `cut A>B`, `load 10 leader`, …
    pub fn act(&mut self, action: &str) -> Result<(), JsError> {
        self.try_act(action).map_err(js_error)
    }

    /// The whole cluster as the page draws it: branches, links, messages in flight, recent requests.
    pub fn view(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.view())
    }

    /// Everything one branch (`"A"`, `"B"`, …) holds: its log, its table, who waits at its desk.
    pub fn branch(&self, name: &str) -> Result<JsValue, JsError> {
        let b = NodeId::parse(name.trim(), self.inner.config().branches).map_err(js_error)?;
        to_js(&self.inner.branch_detail(b))
    }

    /// The history so far (format nextnumber-history/1) as JSON text, for `nextnumber check`.
    pub fn history(&self) -> String {
        self.inner.history().to_json()
    }

    /// Every checker on the run so far (the core's one report): `{ ok, invariants: [{code,
    /// title, checked, ok, violations, judgement: "holds" | "broken" | "notJudged", since,
    /// why}], violations: [...], sometimes: {...} }`. `checked` is false while an invariant is
    /// not judged yet (L1, until a majority has been alive and connected for its bound).
    pub fn check(&self) -> Result<JsValue, JsError> {
        check_report(&self.inner)
    }

    /// `{ events, messagesSent, messagesDelivered, messagesDropped, ticks }`.
    pub fn stats(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.stats())
    }

    /// The seed: a number when below 2^53, otherwise a `BigInt`.
    pub fn seed(&self) -> JsValue {
        seed_to_js(self.inner.seed())
    }

    /// The current simulated time in ms.
    pub fn now(&self) -> f64 {
        self.inner.now().0 as f64
    }

    /// The run so far as scenario text: `new Simulation({ scenario })` reproduces it exactly.
    pub fn scenario(&self) -> String {
        self.inner.to_scenario().to_text()
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

    /// The hash of every trace line since `enableTrace`, as 16 hex digits ("0000000000000000"
    /// if the trace is off).
    #[wasm_bindgen(js_name = traceHash)]
    pub fn trace_hash(&self) -> String {
        format!("{:016x}", self.inner.trace().hash())
    }

    /// The last kept trace lines, oldest first.
    #[wasm_bindgen(js_name = traceLines)]
    pub fn trace_lines(&self) -> Vec<String> {
        self.inner.trace().lines().map(str::to_string).collect()
    }

    /// How many trace lines there have been since `enableTrace`.
    #[wasm_bindgen(js_name = traceCount)]
    pub fn trace_count(&self) -> f64 {
        self.inner.trace().count() as f64
    }

    /// The history hash (16 hex digits): what `nextnumber run` prints for the same run.
    #[wasm_bindgen(js_name = historyHash)]
    pub fn history_hash(&self) -> String {
        self.inner.history().hash_hex()
    }

    /// The permalink of the run so far: `base#nextnumber/1;…;end`, or without `base` just
    /// the part after `#`.
    pub fn link(&self, base: Option<String>) -> Result<String, JsValue> {
        link_of(&self.inner.to_scenario(), base)
    }
}

fn link_of(scenario: &Scenario, base: Option<String>) -> Result<String, JsValue> {
    match base {
        Some(base) => crate::permalink::url(&base, scenario),
        None => crate::permalink::encode(scenario),
    }
    .map_err(link_error)
}

/// A JS `Error` for a link that cannot be made or read, with `kind` saying which problem it
/// is: "oversized", "future-version", "truncated", "malformed" or "invalid".
fn link_error(e: crate::permalink::LinkError) -> JsValue {
    use crate::permalink::LinkError;
    let kind = match e {
        LinkError::Oversized { .. } => "oversized",
        LinkError::FutureVersion(_) => "future-version",
        LinkError::Truncated => "truncated",
        LinkError::Malformed(_) => "malformed",
        LinkError::Invalid(_) => "invalid",
    };
    let error = js_sys::Error::new(&e.to_string());
    let _ = js_sys::Reflect::set(&error, &JsValue::from_str("kind"), &JsValue::from_str(kind));
    error.into()
}

/// The permalink (the part after `#`) of a scenario's text.
#[wasm_bindgen(js_name = encodeLink)]
pub fn encode_link(scenario: &str) -> Result<String, JsValue> {
    let scenario = Scenario::parse(scenario).map_err(|e| JsValue::from(js_error(format!("scenario: {e}"))))?;
    link_of(&scenario, None)
}

/// The scenario text (format nextnumber/1) of a permalink: a whole URL or the part after
/// `#`. Throws an `Error` whose `kind` is "oversized", "future-version", "truncated",
/// "malformed" or "invalid", with a message for the reader.
#[wasm_bindgen(js_name = decodeLink)]
pub fn decode_link(link: &str) -> Result<String, JsValue> {
    crate::permalink::decode(link).map(|s| s.to_text()).map_err(link_error)
}

/// The essay's scenarios, narrated: `[{ name, title, text, steps: [{ tick, text }],
/// challenge }]`, in the essay's order. `text` opens with `new Timeline({ scenario: text })`.
#[wasm_bindgen(js_name = narratedScenarios)]
pub fn narrated_scenarios() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Step<'a> {
        tick: u64,
        text: &'a str,
    }
    #[derive(Serialize)]
    struct Narrated<'a> {
        name: &'a str,
        title: Option<&'a str>,
        text: &'a str,
        steps: Vec<Step<'a>>,
        challenge: Option<&'a str>,
    }
    let parsed: Vec<(&str, &str, crate::narration::Narration)> = crate::narration::ESSAY
        .iter()
        .map(|(name, text)| Ok((*name, *text, crate::narration::Narration::parse(text)?)))
        .collect::<Result<_, String>>()
        .map_err(js_error)?;
    let list: Vec<Narrated> = parsed
        .iter()
        .map(|(name, text, n)| Narrated {
            name,
            title: n.title.as_deref(),
            text,
            steps: n.steps.iter().map(|s| Step { tick: s.tick, text: &s.text }).collect(),
            challenge: n.challenge.as_deref(),
        })
        .collect();
    to_js(&list)
}

/// A tick from JS: a finite number of simulated ms, 0 or more (fractions are dropped).
fn tick_from_js(what: &str, tick: f64) -> Result<Tick, JsError> {
    if !tick.is_finite() || tick < 0.0 {
        return Err(js_error(format!("{what} takes a tick in simulated ms (0 or more), not {tick}")));
    }
    Ok(Tick(tick.floor().min(crate::config::limits::MAX_TICK as f64) as u64))
}

/// A run you can rewind, replay and fork (see the core's `timeline` module): snapshots and
/// deterministic replay make a jump to any tick of an hour-long run take tens of ms.
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
    pub fn new(options: JsValue) -> Result<JsTimeline, JsError> {
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

    /// The present moment, in simulated ms.
    pub fn now(&self) -> f64 {
        self.inner.now().0 as f64
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
    pub fn snapshots(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Snapshots {
            count: usize,
            bytes: usize,
            ticks: Vec<u64>,
        }
        let ticks: Vec<u64> = self.inner.snapshot_ticks().iter().map(|t| t.0).collect();
        to_js(&Snapshots { count: ticks.len(), bytes: self.inner.snapshot_bytes(), ticks })
    }

    /// The cluster at the present moment, as `Simulation.view()`.
    pub fn view(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.sim().view())
    }

    /// Every checker on the run up to the present moment, as `Simulation.check()`.
    pub fn check(&self) -> Result<JsValue, JsError> {
        check_report(self.inner.sim())
    }

    pub fn stats(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.sim().stats())
    }

    pub fn seed(&self) -> JsValue {
        seed_to_js(self.inner.sim().seed())
    }

    /// The history hash of the run up to the present moment (16 hex digits).
    #[wasm_bindgen(js_name = historyHash)]
    pub fn history_hash(&self) -> String {
        self.inner.sim().history().hash_hex()
    }

    /// The history up to the present moment (format nextnumber-history/1) as JSON text.
    pub fn history(&self) -> String {
        self.inner.sim().history().to_json()
    }

    /// This branch of history as scenario text: its whole log, run to its end.
    pub fn scenario(&self) -> String {
        self.inner.scenario().to_text()
    }

    /// The permalink of this branch: `base#nextnumber/1;…;end`, or just the part after `#`.
    pub fn link(&self, base: Option<String>) -> Result<String, JsValue> {
        link_of(&self.inner.scenario(), base)
    }

    /// The trace hash up to the present moment (16 hex digits; the trace is on if the
    /// options had `trace`).
    #[wasm_bindgen(js_name = traceHash)]
    pub fn trace_hash(&self) -> String {
        format!("{:016x}", self.inner.sim().trace().hash())
    }

    /// The last kept trace lines up to the present moment, oldest first.
    #[wasm_bindgen(js_name = traceLines)]
    pub fn trace_lines(&self) -> Vec<String> {
        self.inner.sim().trace().lines().map(str::to_string).collect()
    }

    /// The charts from tick 0 to the present: `{ windowMs, windows: [{ start, numbers,
    /// numbersPerSecMilli, answered, latencyP50Ms, latencyP99Ms }] }` in at most
    /// `maxWindows` windows.
    pub fn charts(&self, max_windows: u32) -> Result<JsValue, JsError> {
        let sim = self.inner.sim();
        to_js(&crate::charts::series(sim.records(), sim.now().0, max_windows as usize))
    }

    /// The space-time marks from tick `from` to tick `to` (both included), oldest first:
    /// `[{ tick, type: "send" | "deliver" | "drop" | "kill" | "restart" | "action" |
    /// "leaderElected" | "steppedDown", … }]`; empty unless the options had `spacetime`.
    pub fn spacetime(&self, from: f64, to: f64) -> Result<JsValue, JsError> {
        let (from, to) = (tick_from_js("spacetime", from)?, tick_from_js("spacetime", to)?);
        let marks: Vec<&crate::spacetime::Stamped> = self.inner.sim().spacetime().window(from, to).collect();
        to_js(&marks)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InvariantReport<'a> {
    code: &'static str,
    title: &'static str,
    /// Judged (holding or broken); false while not judged yet (L1 until a majority has
    /// been healed for its bound).
    checked: bool,
    /// Not broken (true too while not judged: see `judgement`).
    ok: bool,
    violations: usize,
    /// "holds", "broken" or "notJudged".
    judgement: &'static str,
    /// While it holds: the tick from which it has been judged (null: the whole run).
    since: Option<u64>,
    /// While not judged: why, in words.
    why: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ViolationReport<'a> {
    /// "online" (the monitor and L1's live judge, as it happened) or "history" (the history
    /// file's checker).
    source: &'static str,
    code: &'static str,
    title: &'static str,
    tick: Option<u64>,
    detail: &'a str,
    requests: &'a [RequestId],
    branches: &'a [NodeId],
}

impl<'a> ViolationReport<'a> {
    fn new(source: &'static str, v: &'a Violation) -> Self {
        ViolationReport {
            source,
            code: v.invariant.code(),
            title: v.invariant.title(),
            tick: v.tick,
            detail: &v.detail,
            requests: &v.requests,
            branches: &v.branches,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CheckReport<'a> {
    ok: bool,
    invariants: Vec<InvariantReport<'a>>,
    violations: Vec<ViolationReport<'a>>,
    sometimes: Sometimes,
}

/// Every checker on the run so far, as one JS object: the core's one report
/// (`Simulation::report`), serialized.
fn check_report(sim: &crate::sim::Simulation) -> Result<JsValue, JsError> {
    let report = sim.report();
    let violations: Vec<ViolationReport> =
        report.violations().iter().map(|(source, v)| ViolationReport::new(source.name(), v)).collect();
    let invariants = report
        .verdicts
        .iter()
        .map(|v| {
            let (judgement, since, why) = match &v.judgement {
                Judgement::Holds { since } => ("holds", *since, None),
                Judgement::Broken(_) => ("broken", None, None),
                Judgement::NotJudged(why) => ("notJudged", None, Some(why.as_str())),
            };
            InvariantReport {
                code: v.invariant.code(),
                title: v.invariant.title(),
                checked: why.is_none(),
                ok: !matches!(v.judgement, Judgement::Broken(_)),
                violations: v.count,
                judgement,
                since,
                why,
            }
        })
        .collect();
    to_js(&CheckReport { ok: report.ok(), invariants, violations, sometimes: sim.sometimes() })
}

/// Runs one swarm seed (its drawn configuration, faults and healing phase) and every checker:
/// `{ seed, verdict: "pass" | "violation" | "liveness", firstInvariant, violations, liveness,
/// faults, events, numbers, scenario }`. `variant` switches one safety mechanism off
/// (`"no-quorum"`, `"no-dedup"`, `"volatile-vote"`).
#[wasm_bindgen(js_name = runSeed)]
pub fn run_seed(seed: JsValue, variant: Option<String>) -> Result<JsValue, JsError> {
    install_panic_hook();
    let seed = seed_from_js(&seed).map_err(js_error)?;
    let variant = variant.as_deref().map(Variant::parse).transpose().map_err(js_error)?;
    let report = swarm::run_seed(seed, variant);
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Summary<'a> {
        verdict: &'static str,
        first_invariant: Option<&'static str>,
        violations: Vec<ViolationReport<'a>>,
        liveness: Option<&'a str>,
        faults: usize,
        events: u64,
        numbers: u64,
        scenario: String,
    }
    let (verdict, violations, liveness) = match &report.verdict {
        Verdict::Pass => ("pass", Vec::new(), None),
        Verdict::Violation(vs) => ("violation", vs.iter().map(|v| ViolationReport::new("swarm", v)).collect(), None),
        Verdict::Liveness(why) => ("liveness", Vec::new(), Some(why.as_str())),
    };
    let summary = Summary {
        verdict,
        first_invariant: report.verdict.first_invariant().map(Invariant::code),
        violations,
        liveness,
        faults: report.faults,
        events: report.events,
        numbers: report.numbers,
        scenario: report.scenario.to_text(),
    };
    let out = to_js(&summary)?;
    js_sys::Reflect::set(&out, &JsValue::from_str("seed"), &seed_to_js(seed))
        .map_err(|_| js_error("cannot set the seed on the summary"))?;
    Ok(out)
}

/// The determinism hash of a swarm seed (see `determinism::trace_hash_of_seed`), 16 hex digits.
#[wasm_bindgen(js_name = traceHashOfSeed)]
pub fn trace_hash_of_seed(seed: JsValue) -> Result<String, JsError> {
    let seed = seed_from_js(&seed).map_err(js_error)?;
    Ok(format!("{:016x}", crate::determinism::trace_hash_of_seed(seed)))
}
