//! The JS API's functions, beside its two classes: permalinks, the essay's scenarios, and
//! one swarm seed with its verdict and its determinism hash.

use super::convert::{js_error, link_error, link_of, seed_from_js, seed_to_js, to_js};
use super::install_panic_hook;
use super::report::ViolationReport;
use crate::check::Invariant;
use crate::config::Variant;
use crate::scenario::Scenario;
use crate::swarm::{self, Verdict};
use serde::Serialize;
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

/// Runs one swarm seed (its drawn configuration, faults and healing phase) and every checker:
/// `{ seed, verdict: "pass" | "violation" | "liveness", firstInvariant, violations, liveness,
/// faults, events, numbers, scenario }`. `variant` switches one safety mechanism off
/// (`"no-quorum"`, `"no-dedup"`, `"volatile-vote"`, `"number-at-the-door"`, `"obey-decree"`).
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
