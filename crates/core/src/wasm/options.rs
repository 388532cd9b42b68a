//! The options object of `new Simulation(options)` and `new Timeline(options)`: `Config`'s
//! fields (camelCase, each optional), `seed`, `scenario`, `trace` and `spacetime`.

use super::convert::{fresh_seed, js_type, seed_from_js};
use crate::config::Config;
use crate::scenario::Scenario;
use wasm_bindgen::prelude::*;

/// The most trace lines `enableTrace` keeps (the hash covers every line regardless).
pub const MAX_TRACE_KEEP: u32 = 1_000_000;
/// Keys of the options object that are not `Config` fields.
const OPTION_KEYS: [&str; 4] = ["seed", "scenario", "trace", "spacetime"];

/// The options object in the .d.ts: `Config` (its declaration derived by tsify from the type
/// the options are read into, field by field) and the keys of `OPTION_KEYS`, which
/// `declares_every_option_key` below checks are all declared here.
// Read by wasm-bindgen through SIMULATION_OPTIONS_TS below, in a way rustc does not count as
// a use (and by the test at the end).
#[allow(dead_code)]
const SIMULATION_OPTIONS: &str = r#"
/** The options of `new Simulation(options)` and `new Timeline(options)`, every key optional:
 * any field of `Config`, and these. Unknown keys are refused. */
export interface SimulationOptions extends Partial<Config> {
    /** A whole number below 2^53, a BigInt below 2^64 or a decimal string; without it, a random seed. */
    seed?: number | bigint | string;
    /** The text of a scenario (format nextnumber/1): it sets the whole configuration (and the
     * seed, if it names one), so no `Config` field may be given with it. */
    scenario?: string;
    /** Trace lines to keep, the trace on from the start. */
    trace?: number;
    /** Space-time marks to keep, the record on from the start. */
    spacetime?: number;
}
"#;
#[wasm_bindgen(typescript_custom_section)]
const SIMULATION_OPTIONS_TS: &str = SIMULATION_OPTIONS;

#[wasm_bindgen]
extern "C" {
    /// The options object as the constructors take it: declared `SimulationOptions` (above),
    /// optional (`new Simulation()` is all defaults), read by `parse_options`.
    #[wasm_bindgen(typescript_type = "SimulationOptions")]
    pub type JsOptions;
}

/// Reads one option's value into its `Config` field.
type SetField = fn(&mut Config, JsValue) -> Result<(), serde_wasm_bindgen::Error>;

/// One row of `CONFIG_FIELDS`: a JS name and the field it sets, read as that field's type.
macro_rules! field {
    ($name:literal, $field:ident) => {
        ($name, |config: &mut Config, value: JsValue| {
            config.$field = serde_wasm_bindgen::from_value(value)?;
            Ok(())
        })
    };
}

/// Every `Config` field as an option, by the name JS gives it (camelCase, as `Config`'s
/// serde attributes spell it), in `Config`'s order (the order an "unknown option" message
/// lists them in). Named here rather than learned by serializing a default `Config`: the
/// table says what the API accepts, and each value is read straight into its field.
const CONFIG_FIELDS: [(&str, SetField); 12] = [
    field!("branches", branches),
    field!("variants", variants),
    field!("clientMode", client_mode),
    field!("latencyMinMs", latency_min_ms),
    field!("latencyMaxMs", latency_max_ms),
    field!("lossPct", loss_pct),
    field!("dupPct", dup_pct),
    field!("electionTimeoutMinMs", election_timeout_min_ms),
    field!("electionTimeoutMaxMs", election_timeout_max_ms),
    field!("heartbeatMs", heartbeat_ms),
    field!("clientTimeoutMs", client_timeout_ms),
    field!("path", path),
];

// A field added to `Config` stops the build here (the pattern names every field, with no
// `..`), so that it is added to `CONFIG_FIELDS` too rather than silently refused as unknown.
const _: fn(&Config) = |Config {
                            branches: _,
                            variants: _,
                            client_mode: _,
                            latency_min_ms: _,
                            latency_max_ms: _,
                            loss_pct: _,
                            dup_pct: _,
                            election_timeout_min_ms: _,
                            election_timeout_max_ms: _,
                            heartbeat_ms: _,
                            client_timeout_ms: _,
                            path: _,
                        }| {};

/// What the options object asked for.
pub(super) struct Options {
    config: Config,
    seed: Option<u64>,
    pub scenario: Option<Scenario>,
    /// Trace lines to keep (the trace is on from the start), if asked for.
    trace: Option<u32>,
    /// Space-time marks to keep (the record is on from the start), if asked for.
    spacetime: Option<u32>,
}

impl Options {
    /// A fresh simulation as asked for (not yet run): the scenario's config and seed, or
    /// the options', or a random seed; trace and space-time record enabled if asked for.
    pub fn fresh(&self) -> Result<crate::sim::Simulation, String> {
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

/// Reads the options object (`undefined` and `null` mean all defaults). Unknown keys are
/// refused, so a typo is not silently ignored; a bad value is refused with its key named.
pub(super) fn parse_options(options: &JsValue) -> Result<Options, String> {
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

    let mut config = Config::default();
    // The first `Config` field given (an `undefined` value counts as not given).
    let mut first_field = None;
    let keys = js_sys::Object::keys(&js_sys::Object::from(options.clone()));
    for key in keys.iter().filter_map(|k| k.as_string()) {
        if OPTION_KEYS.contains(&key.as_str()) {
            continue;
        }
        let Some((_, set)) = CONFIG_FIELDS.iter().find(|(name, _)| *name == key) else {
            let names: Vec<&str> = CONFIG_FIELDS.iter().map(|(name, _)| *name).chain(OPTION_KEYS).collect();
            return Err(format!("unknown option {key:?} (expected some of: {})", names.join(", ")));
        };
        let value = get(&key);
        if value.is_undefined() {
            continue;
        }
        set(&mut config, value).map_err(|e| format!("option {key:?}: {e}"))?;
        first_field.get_or_insert(key);
    }
    if out.scenario.is_some() {
        if let Some(key) = first_field {
            return Err(format!(
                "option {key:?} cannot be combined with a scenario: the scenario sets the whole configuration \
                 (write it into the scenario text instead)"
            ));
        }
        return Ok(out);
    }
    config.validate().map_err(|e| format!("config: {e}"))?;
    out.config = config;
    Ok(out)
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    /// The hand-written part of the options' declaration names every key that is not a
    /// `Config` field (the `Config` fields are declared by tsify from `Config` itself).
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn declares_every_option_key() {
        for key in OPTION_KEYS {
            assert!(SIMULATION_OPTIONS.contains(&format!("\n    {key}?: ")), "SimulationOptions lacks {key}");
        }
        let declared = SIMULATION_OPTIONS.matches("?: ").count();
        assert_eq!(declared, OPTION_KEYS.len(), "SimulationOptions declares a key that OPTION_KEYS lacks");
    }

    /// Every `Config` field is an option by the name `Config`'s declaration gives it (serde's
    /// camelCase, which tsify follows), so `Partial<Config>` is exactly the options' fields.
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn config_fields_are_named_as_declared() {
        // Not the default: `path` is left out of a config at its default (config.rs).
        let every = Config { path: crate::config::RequestPath::Direct, ..Config::default() };
        let json = serde_json::to_value(every).expect("a config serializes");
        let declared: Vec<&str> = json.as_object().expect("an object").keys().map(String::as_str).collect();
        let mut options: Vec<&str> = CONFIG_FIELDS.iter().map(|(name, _)| *name).collect();
        options.sort_unstable();
        let mut declared = declared;
        declared.sort_unstable();
        assert_eq!(declared, options);
    }
}
