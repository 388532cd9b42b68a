//! In the browser (headless Chromium): the same seeds give the same runs as natively, hash
//! for hash (`tests/golden/trace_hashes.txt`, written by the native `determinism` test), and
//! the JS API turns every bad input into an error, never a panic.
//!
//! ```text
//! cargo test -p nextnumber-core --target wasm32-unknown-unknown --features wasm --test wasm_determinism
//! ```
#![cfg(target_arch = "wasm32")]

use nextnumber_core::determinism::{parse_hashes, trace_hash_of_seed};
use nextnumber_core::wasm::{self, Simulation};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const GOLDEN: &str = include_str!("golden/trace_hashes.txt");

fn js(source: &str) -> JsValue {
    js_sys::JSON::parse(source).expect("test JSON parses")
}

/// An options object for the constructors.
fn opts(source: &str) -> Option<wasm::JsOptions> {
    Some(js(source).unchecked_into())
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).expect("property read")
}

/// The message of a thrown JS error.
fn message(e: wasm_bindgen::JsError) -> String {
    let v: JsValue = e.into();
    v.dyn_into::<js_sys::Error>().expect("a JS Error").message().into()
}

#[wasm_bindgen_test]
fn browser_hashes_match_the_native_golden_file() {
    let golden = parse_hashes(GOLDEN).expect("golden file parses");
    assert_eq!(golden.len(), 100, "golden file covers seeds 0..100");
    let wrong: Vec<String> = golden
        .iter()
        .map(|&(seed, want)| (seed, want, trace_hash_of_seed(seed)))
        .filter(|(_, want, got)| want != got)
        .map(|(seed, want, got)| format!("seed {seed}: native {want:016x}, browser {got:016x}"))
        .collect();
    assert!(wrong.is_empty(), "{} seeds ran differently in the browser:\n{}", wrong.len(), wrong.join("\n"));
}

#[wasm_bindgen_test]
fn the_js_entry_point_gives_the_same_hash() {
    let (seed, want) = parse_hashes(GOLDEN).expect("golden file parses")[7];
    let got = wasm::trace_hash_of_seed(JsValue::from_f64(seed as f64)).map_err(message).expect("hash");
    assert_eq!(got, format!("{want:016x}"));
}

#[wasm_bindgen_test]
fn simulation_from_a_js_config() {
    let mut sim = Simulation::new(opts(r#"{"branches": 3, "latencyMinMs": 20, "latencyMaxMs": 30, "seed": 42}"#))
        .map_err(message)
        .expect("valid config");
    assert_eq!(sim.seed().as_f64(), Some(42.0));
    sim.act("load 10 leader").map_err(message).expect("valid action");
    sim.run_until(3_000.0).map_err(message).expect("run");
    assert_eq!(sim.now(), 3_000.0);

    let view = sim.view().map(JsValue::from).map_err(message).expect("view");
    assert!(view.is_object(), "view is a plain object");
    let branches: js_sys::Array = get(&view, "branches").dyn_into().expect("branches is an array");
    assert_eq!(branches.length(), 3);
    assert_eq!(get(&branches.get(0), "id").as_string().as_deref(), Some("A"));
    assert!(get(&view, "links").is_object());

    let check = sim.check().map(JsValue::from).map_err(message).expect("check");
    assert_eq!(get(&check, "ok").as_bool(), Some(true), "a safe run passes every check");
    let invariants: js_sys::Array = get(&check, "invariants").dyn_into().expect("invariants");
    assert_eq!(invariants.length() as usize, nextnumber_core::check::ALL_INVARIANTS.len());
    assert!(get(&get(&check, "sometimes"), "numbersIssued").as_f64().unwrap_or(0.0) > 0.0, "Numbers were issued");

    let stats = sim.stats().map(JsValue::from).map_err(message).expect("stats");
    assert!(get(&stats, "events").as_f64().unwrap_or(0.0) > 0.0);
    assert!(get(&sim.branch("b").map(JsValue::from).map_err(message).expect("branch B"), "log").is_object());

    // The scenario replays to the very same run.
    let again = Simulation::new(opts(&serde_json::json!({ "scenario": sim.scenario() }).to_string()))
        .map_err(message)
        .expect("replay");
    assert_eq!(again.history(), sim.history());
}

#[wasm_bindgen_test]
fn bad_input_is_an_error_with_a_message() {
    let mut sim = Simulation::new(None).map_err(message).expect("defaults");
    for (action, needle) in
        [("fly A", "unknown action"), ("kill Z", "does not exist"), ("", "empty"), ("drop 99", "no message")]
    {
        let e = sim.act(action).map_err(message).expect_err(action);
        assert!(e.contains(needle), "{action:?} gave {e:?}");
    }
    assert!(message(sim.branch("Q").expect_err("no branch Q")).contains("does not exist"));
    assert!(message(sim.run_until(f64::NAN).expect_err("NaN")).contains("runUntil"));

    for (options, needle) in [
        (r#"{"branches": 12}"#, "branches must be 1 to 9"),
        (r#"{"branchs": 3}"#, "unknown option \"branchs\""),
        (r#"{"latencyMinMs": "fast"}"#, "latencyMinMs"),
        (r#"{"seed": -1}"#, "seed"),
        (r#"{"scenario": "hello"}"#, "nextnumber/1"),
        (r#"{"scenario": "nextnumber/1\n", "branches": 3}"#, "cannot be combined"),
        (r#"[1, 2]"#, "options object"),
    ] {
        let e = Simulation::new(opts(options)).map(|_| ()).map_err(message).expect_err(options);
        assert!(e.contains(needle), "{options} gave {e:?}");
    }
    let big = JsValue::from(u64::MAX);
    assert_eq!(wasm::seed_from_js(&big), Ok(u64::MAX));
    assert_eq!(wasm::seed_from_js(&JsValue::from_str("123")), Ok(123));
    assert!(wasm::run_seed(JsValue::from_f64(1.0), Some(JsValue::from_str("no-such").unchecked_into())).is_err());
}

#[wasm_bindgen_test]
fn run_seed_reports_a_verdict() {
    let summary =
        wasm::run_seed(JsValue::from_f64(3.0), None).map(JsValue::from).map_err(message).expect("seed 3 runs");
    assert_eq!(get(&summary, "verdict").as_string().as_deref(), Some("pass"));
    assert_eq!(get(&summary, "seed").as_f64(), Some(3.0));
    assert!(get(&summary, "scenario").as_string().unwrap_or_default().starts_with("nextnumber/1"));
    // A seed past 2^53 comes back as the BigInt it was (the `Seed` type: `number | bigint`).
    let big = wasm::run_seed(JsValue::from(u64::MAX), Some(JsValue::from_str("no-dedup").unchecked_into()))
        .map(JsValue::from)
        .map_err(message)
        .expect("the largest seed runs");
    let seed = get(&big, "seed");
    assert!(seed.is_bigint(), "{seed:?}");
    assert_eq!(wasm::seed_from_js(&seed), Ok(u64::MAX));
}

#[wasm_bindgen_test]
fn check_reports_a_broken_invariant() {
    // A vote kept only in memory is given twice: A and B both lead term 1.
    let scenario = "nextnumber/1;branches 3;variant volatile-vote;election 1000 2000;heartbeat 100;\
                    @0 latency all 10 10;@0 latency B>C 25 25;@0 latency A>B 200 200;@5 timeout A;@5 timeout B;\
                    @20 kill C;@21 restart C;run 300";
    let options = serde_json::json!({ "scenario": scenario, "seed": 1 }).to_string();
    let sim = Simulation::new(opts(&options)).map_err(message).expect("scenario runs");
    assert_eq!(sim.now(), 300.0);
    let check = sim.check().map(JsValue::from).map_err(message).expect("check");
    assert_eq!(get(&check, "ok").as_bool(), Some(false));
    let invariants: js_sys::Array = get(&check, "invariants").dyn_into().expect("invariants");
    let safety = invariants
        .iter()
        .find(|i| get(i, "code").as_string().as_deref() == Some("election-safety"))
        .expect("election safety is reported");
    assert_eq!(get(&safety, "ok").as_bool(), Some(false), "two leaders in one term are caught");
}
