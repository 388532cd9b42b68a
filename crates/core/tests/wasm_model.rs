//! The model check from a moment of a run, in the browser (headless Chromium) through the JS
//! API's `ModelCheck`: it agrees with the native search from the same moment, state for
//! state and verdict for verdict (the figures tests/model_moment.rs pins natively).
#![cfg(target_arch = "wasm32")]

use nextnumber_core::wasm::ModelCheck;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// tests/model_moment.rs: `TWO_ASKS`, `TWO_ASKS_AT`, `TWO_ASKS_STATES`, and the no-quorum
/// counterexample's figures.
const TWO_ASKS: &str = "nextnumber/1\nseed 7\nbranches 3\n@1500 ask B\n@1500 ask C\nrun 1505\n";
const TWO_ASKS_AT: u64 = 1_505;
const TWO_ASKS_STATES: usize = 21_963;
const NO_QUORUM_STATES: usize = 7;

fn run(scenario: &str) -> serde_json::Value {
    let options = js_sys::Object::new();
    let set = |k: &str, v: JsValue| js_sys::Reflect::set(&options, &JsValue::from_str(k), &v).unwrap();
    set("run", JsValue::from_str(scenario));
    set("tick", JsValue::from_f64(TWO_ASKS_AT as f64));
    let mut check = ModelCheck::from_options(&options).unwrap();
    let mut slices = 0;
    while !js_field(&JsValue::from(check.step(500).unwrap()), "done").as_bool().unwrap() {
        slices += 1;
    }
    assert!(slices > 0 || scenario.contains("no-quorum"), "the search ran in slices");
    let result = JsValue::from(check.result().unwrap());
    let json = js_sys::JSON::stringify(&result).unwrap().as_string().unwrap();
    serde_json::from_str(&json).unwrap()
}

fn js_field(v: &JsValue, k: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

#[wasm_bindgen_test]
fn the_browser_agrees_with_the_native_check_from_a_mid_run_moment() {
    let safe = run(TWO_ASKS);
    assert_eq!(safe["verdict"], "safe", "{safe}");
    assert_eq!(safe["states"], TWO_ASKS_STATES, "{safe}");
    assert!(safe["reached"].as_array().unwrap().iter().all(|r| !r["depth"].is_null()), "{safe}");

    let broken = run(&TWO_ASKS.replace("branches 3\n", "branches 3\nvariant no-quorum\n"));
    assert_eq!(broken["verdict"], "violation", "{broken}");
    assert_eq!(broken["states"], NO_QUORUM_STATES, "{broken}");
    let v = &broken["violation"];
    assert_eq!((v["code"].as_str(), v["depth"].as_u64()), (Some("I4"), Some(1)), "{broken}");
    assert_eq!(v["steps"][0], "A's election timer fires: it stands for election in a new term", "{broken}");
}
