//! Time travel in the browser (headless Chromium): jumps show what a straight run shows,
//! as natively; and (ignored unless asked for) how long jumps take on a one-hour run.
//!
//! ```text
//! cargo test -p nextnumber-core --target wasm32-unknown-unknown --features wasm --test wasm_timeline
//! cargo test -p nextnumber-core --release --target wasm32-unknown-unknown --features wasm \
//!     --test wasm_timeline -- --include-ignored --nocapture
//! ```
#![cfg(target_arch = "wasm32")]

use nextnumber_core::timeline::Limits;
use nextnumber_core::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `performance.now()` (sub-millisecond), or `Date.now()` where there is no `performance`.
fn now_ms() -> f64 {
    let performance = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance")).ok();
    let now = performance.as_ref().and_then(|p| {
        let f = js_sys::Reflect::get(p, &JsValue::from_str("now")).ok()?;
        f.dyn_into::<js_sys::Function>().ok()?.call0(p).ok()?.as_f64()
    });
    now.unwrap_or_else(js_sys::Date::now)
}

fn fingerprint(sim: &Simulation) -> String {
    format!(
        "t={} events={} trace={:016x} history={} {:?}",
        sim.now().0,
        sim.stats().events,
        sim.trace().hash(),
        History::of(sim).hash_hex(),
        sim.view()
    )
}

const STORY: &str = "nextnumber/1\nseed 11\nbranches 5\n@0 load 25 random\n@1200 kill B\n@2500 split ABC DE\n\
                     @2600 ask D\n@4000 heal\n@4100 restart B\nrun 9000\n";

#[wasm_bindgen_test]
fn jumps_show_what_a_straight_run_shows() {
    let scenario = Scenario::parse(STORY).unwrap();
    let fresh = || {
        let mut sim = Simulation::new(scenario.config.clone(), 11).unwrap();
        sim.trace_mut().enable(20);
        sim
    };
    let limits = Limits { max_snapshots: 4, budget_bytes: usize::MAX, events_between: 700 };
    let mut t = Timeline::scripted(fresh(), &scenario, limits).unwrap();
    for at in [9000u64, 300, 2600, 8000, 1200, 4100, 0, 9000] {
        t.seek(Tick(at));
        let mut straight = fresh();
        for (a_at, a) in scenario.actions.iter().filter(|(a_at, _)| a_at.0 <= at) {
            straight.run_until(*a_at);
            straight.act(a.clone()).unwrap();
        }
        straight.run_until(Tick(at));
        assert_eq!(fingerprint(t.sim()), fingerprint(&straight), "at {at}");
    }
}

/// Each essay scenario, played by a timeline as the page plays it, ends with the history
/// hash the CLI prints for its file (the native golden file).
#[wasm_bindgen_test]
fn essay_scenarios_end_with_the_clis_history_hashes() {
    let golden = include_str!("golden/essay_history_hashes.txt");
    for (name, text) in narration::ESSAY {
        let want = golden
            .lines()
            .find_map(|l| l.strip_prefix(name).and_then(|h| h.strip_prefix(' ')))
            .unwrap_or_else(|| panic!("{name} is in the golden file"));
        let scenario = Scenario::parse(text).unwrap();
        let mut t = Timeline::from_scenario(&scenario, 1).unwrap();
        t.run_until(Tick(scenario.run_until.unwrap()));
        assert_eq!(History::of(t.sim()).hash_hex(), want, "{name}");
    }
}

/// The native `jump_times_on_a_one_hour_run` (tests/timeline.rs), in the browser.
#[wasm_bindgen_test]
#[ignore = "a measurement: run it with --include-ignored --nocapture"]
fn jump_times_on_a_one_hour_run_in_the_browser() {
    let hour = 3_600_000u64;
    let text = format!(
        "nextnumber/1\nseed 1\nbranches 5\nelection 100 200\n@0 load 10 leader\n@600000 kill A\n@900000 restart A\n\
         @1800000 split ABC DE\n@2400000 heal\nrun {hour}\n"
    );
    let scenario = Scenario::parse(&text).unwrap();
    let mut t = Timeline::from_scenario(&scenario, 1).unwrap();
    let start = now_ms();
    t.run_until(Tick(hour));
    console_log!(
        "wasm timeline: first pass over the hour {:.0} ms, {} events, {} snapshots, {:.1} MB of snapshots",
        now_ms() - start,
        t.sim().stats().events,
        t.snapshot_ticks().len(),
        t.snapshot_bytes() as f64 / 1e6
    );
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut times: Vec<f64> = (0..60)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let start = now_ms();
            t.seek(Tick(x % hour));
            now_ms() - start
        })
        .collect();
    times.sort_by(f64::total_cmp);
    console_log!(
        "wasm timeline: 60 jumps: median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        times[30],
        times[54],
        times[59]
    );
}
