//! The JS API's functions, beside its two classes: permalinks, the essay's scenarios, and
//! one swarm seed with its verdict and its determinism hash.

use super::convert::{js_error, link_error, link_of, seed_from_js, to_js, Seed};
use super::install_panic_hook;
use super::report::ViolationReport;
use crate::check::Invariant;
use crate::config::Variant;
use crate::scenario::Scenario;
use crate::swarm::{self, Verdict};
use serde::Serialize;
use tsify::Ts;
use wasm_bindgen::prelude::*;

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

/// One step of a scenario's story: from `tick` on, the story says `text`.
#[derive(Serialize, tsify::Tsify)]
pub struct NarrationStep<'a> {
    tick: u64,
    text: &'a str,
}

/// One of the essay's scenarios with its story (`narratedScenarios()`).
#[derive(Serialize, tsify::Tsify)]
#[tsify(missing_as_null)]
pub struct NarratedScenario<'a> {
    /// What `scenario="…"` of the `<next-number>` element and the permalink's `name` say.
    name: &'a str,
    title: Option<&'a str>,
    /// The scenario file (format nextnumber/1): `new Timeline({ scenario: text })`.
    text: &'a str,
    steps: Vec<NarrationStep<'a>>,
    challenge: Option<&'a str>,
}

/// The essay's scenarios, narrated: `[{ name, title, text, steps: [{ tick, text }],
/// challenge }]`, in the essay's order. `text` opens with `new Timeline({ scenario: text })`.
#[wasm_bindgen(js_name = narratedScenarios, unchecked_return_type = "NarratedScenario[]")]
pub fn narrated_scenarios() -> Result<JsValue, JsError> {
    let parsed: Vec<(&str, &str, crate::narration::Narration)> = crate::narration::ESSAY
        .iter()
        .map(|(name, text)| Ok((*name, *text, crate::narration::Narration::parse(text)?)))
        .collect::<Result<_, String>>()
        .map_err(js_error)?;
    let list: Vec<NarratedScenario> = parsed
        .iter()
        .map(|(name, text, n)| NarratedScenario {
            name,
            title: n.title.as_deref(),
            text,
            steps: n.steps.iter().map(|s| NarrationStep { tick: s.tick, text: &s.text }).collect(),
            challenge: n.challenge.as_deref(),
        })
        .collect();
    to_js(&list)
}

#[wasm_bindgen]
extern "C" {
    /// A variant's name as `runSeed` takes it: declared `Variant` (derived from `Variant`),
    /// optional.
    #[wasm_bindgen(typescript_type = "Variant")]
    pub type JsVariant;
}

/// What `runSeed` returns: one swarm seed's run and its verdict.
#[derive(Serialize, tsify::Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct SeedReport<'a> {
    seed: Seed,
    #[tsify(type = "\"pass\" | \"violation\" | \"liveness\"")]
    verdict: &'static str,
    /// The code of the first invariant broken ("I1", …), if any.
    first_invariant: Option<&'static str>,
    violations: Vec<ViolationReport<'a>>,
    /// Why the run was not live, if it was not.
    liveness: Option<&'a str>,
    faults: usize,
    events: u64,
    numbers: u64,
    /// The run as a scenario file (format nextnumber/1), which replays it.
    scenario: String,
}

/// Runs one swarm seed (its drawn configuration, faults and healing phase) and every checker:
/// `{ seed, verdict: "pass" | "violation" | "liveness", firstInvariant, violations, liveness,
/// faults, events, numbers, scenario }`. `variant` switches one safety mechanism off
/// (`"no-quorum"`, `"no-dedup"`, `"volatile-vote"`, `"number-at-the-door"`, `"obey-decree"`).
#[wasm_bindgen(js_name = runSeed)]
pub fn run_seed(
    #[wasm_bindgen(unchecked_param_type = "number | bigint | string")] seed: JsValue,
    variant: Option<JsVariant>,
) -> Result<Ts<SeedReport<'static>>, JsError> {
    install_panic_hook();
    let seed = seed_from_js(&seed).map_err(js_error)?;
    let variant = variant
        .map(|v| {
            JsValue::from(v)
                .as_string()
                .ok_or_else(|| "a variant is a string, like \"no-quorum\"".to_string())
                .and_then(|v| Variant::parse(&v))
        })
        .transpose()
        .map_err(js_error)?;
    let report = swarm::run_seed(seed, variant);
    let (verdict, violations, liveness) = match &report.verdict {
        Verdict::Pass => ("pass", Vec::new(), None),
        Verdict::Violation(vs) => ("violation", vs.iter().map(|v| ViolationReport::new("swarm", v)).collect(), None),
        Verdict::Liveness(why) => ("liveness", Vec::new(), Some(why.as_str())),
    };
    let summary = SeedReport {
        seed: Seed(seed),
        verdict,
        first_invariant: report.verdict.first_invariant().map(Invariant::code),
        violations,
        liveness,
        faults: report.faults,
        events: report.events,
        numbers: report.numbers,
        scenario: report.scenario.to_text(),
    };
    // `Ts` names the type, not its lifetime: the value is a JS object by now, borrowing nothing.
    to_js(&summary).map(Ts::new_unchecked)
}

/// The determinism hash of a swarm seed (see `determinism::trace_hash_of_seed`), 16 hex digits.
#[wasm_bindgen(js_name = traceHashOfSeed)]
pub fn trace_hash_of_seed(
    #[wasm_bindgen(unchecked_param_type = "number | bigint | string")] seed: JsValue,
) -> Result<String, JsError> {
    let seed = seed_from_js(&seed).map_err(js_error)?;
    Ok(format!("{:016x}", crate::determinism::trace_hash_of_seed(seed)))
}
