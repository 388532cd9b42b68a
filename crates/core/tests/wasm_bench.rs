//! The RaftScope workload (`nextnumber_core::bench`) in headless Chromium: simulated
//! seconds per wall second and events per second, median of 3 whole runs after one untimed
//! warm-up run. Ignored by default so it never runs with the tests; `scripts/bench.sh`
//! runs it with:
//!
//! ```text
//! cargo test -p nextnumber-core --release --target wasm32-unknown-unknown --features wasm \
//!     --test wasm_bench -- --include-ignored --nocapture
//! ```
#![cfg(target_arch = "wasm32")]

use nextnumber_core::bench::{run_raftscope, RAFTSCOPE_SIM_MS};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const RUNS: usize = 3;

/// `performance.now()` (sub-millisecond), or `Date.now()` where there is no `performance`.
fn now_ms() -> f64 {
    let performance = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance")).ok();
    let now = performance.as_ref().and_then(|p| {
        let f = js_sys::Reflect::get(p, &JsValue::from_str("now")).ok()?;
        f.dyn_into::<js_sys::Function>().ok()?.call0(p).ok()?.as_f64()
    });
    now.unwrap_or_else(js_sys::Date::now)
}

#[wasm_bindgen_test]
#[ignore = "a benchmark: run it with --include-ignored (scripts/bench.sh)"]
fn raftscope_in_the_browser() {
    // One run first, not timed: Chromium compiles wasm with a baseline compiler first and
    // optimizes hot functions while they run; the timed runs should see optimized code.
    let events = std::hint::black_box(run_raftscope()).events;
    let mut millis: Vec<f64> = (0..RUNS)
        .map(|_| {
            let start = now_ms();
            let stats = std::hint::black_box(run_raftscope());
            let elapsed = now_ms() - start;
            assert_eq!(events, stats.events, "every run does the same work");
            elapsed
        })
        .collect();
    millis.sort_by(f64::total_cmp);
    let median = millis[RUNS / 2] / 1000.0;
    let sim_secs = RAFTSCOPE_SIM_MS as f64 / 1000.0;
    console_log!(
        "wasm raftscope: {:.0} sim-s/wall-s, {:.0} events/s ({} events, median of {} runs {:.1} ms; runs {})",
        sim_secs / median,
        events as f64 / median,
        events,
        RUNS,
        median * 1000.0,
        millis.iter().map(|ms| format!("{ms:.1}")).collect::<Vec<_>>().join("/")
    );
}
