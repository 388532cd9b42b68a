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
//! Every failure (a bad config, a bad action, an unknown branch) is thrown as a JS `Error`
//! with a message that says what is wrong; nothing here panics on user input. Objects come
//! back as plain JS objects (maps too), `None` as `null`, and 64-bit integers as numbers
//! (everything the simulation counts stays far below 2^53). Seeds are the exception: they
//! come back as a number when it is exact (below 2^53) and as a `BigInt` otherwise, and they
//! are accepted as a number, a `BigInt` or a decimal string.

use crate::action::Action;
use crate::check::{check_history, Invariant, Sometimes, Violation, ALL_INVARIANTS};
use crate::config::{Config, Variant};
use crate::history::History;
use crate::ids::{NodeId, RequestId, Tick};
use crate::scenario::Scenario;
use crate::swarm::{self, Verdict};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The largest integer a JS number holds exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;
/// The most trace lines `enableTrace` keeps (the hash covers every line regardless).
pub const MAX_TRACE_KEEP: u32 = 1_000_000;
/// Keys of the constructor's options object that are not `Config` fields.
const OPTION_KEYS: [&str; 2] = ["seed", "scenario"];

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
}

/// Reads the constructor's options: `Config` fields (camelCase, each optional), `seed`,
/// `scenario`. Unknown keys are refused, so a typo is not silently ignored.
fn parse_options(options: &JsValue) -> Result<Options, String> {
    let mut out = Options { config: Config::default(), seed: None, scenario: None };
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
        let Options { config, seed, scenario } = parse_options(options)?;
        let inner = match scenario {
            Some(scenario) => {
                let seed = match scenario.seed.or(seed) {
                    Some(seed) => seed,
                    None => fresh_seed()?,
                };
                scenario.run(seed).map_err(|e| format!("scenario: {e}"))?
            }
            None => {
                let seed = match seed {
                    Some(seed) => seed,
                    None => fresh_seed()?,
                };
                crate::sim::Simulation::new(config, seed)?
            }
        };
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
    /// scenario })`, every key optional. Without `seed`, a fresh random one. With `scenario`
    /// (the text of a nextnumber/1 scenario), the scenario sets the configuration (and the
    /// seed, if it names one) and is replayed to its end.
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
        History::of(&self.inner).to_json()
    }

    /// Every checker on the run so far: `{ ok, invariants: [{code, title, checked, ok, violations}],
    /// violations: [...], sometimes: {...} }`.
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
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InvariantReport {
    code: &'static str,
    title: &'static str,
    /// False for L1: liveness is judged only by the swarm, after its healing phase.
    checked: bool,
    ok: bool,
    violations: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ViolationReport<'a> {
    /// "online" (the monitor, as it happened) or "history" (the history file's checker).
    source: &'static str,
    #[serde(skip)]
    invariant: Invariant,
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
            invariant: v.invariant,
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
    invariants: Vec<InvariantReport>,
    violations: Vec<ViolationReport<'a>>,
    sometimes: Sometimes,
}

/// Every checker on the run so far, as one JS object.
fn check_report(sim: &crate::sim::Simulation) -> Result<JsValue, JsError> {
    let offline = check_history(&History::of(sim));
    let violations: Vec<ViolationReport> = sim
        .violations()
        .iter()
        .map(|v| ViolationReport::new("online", v))
        .chain(offline.list().iter().map(|v| ViolationReport::new("history", v)))
        .collect();
    let invariants = ALL_INVARIANTS
        .iter()
        .map(|&i| {
            let count = violations.iter().filter(|v| v.invariant == i).count();
            InvariantReport {
                code: i.code(),
                title: i.title(),
                checked: i != Invariant::L1Liveness,
                ok: count == 0,
                violations: count,
            }
        })
        .collect();
    to_js(&CheckReport { ok: violations.is_empty(), invariants, violations, sometimes: sim.sometimes() })
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
