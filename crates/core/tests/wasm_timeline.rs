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
use nextnumber_core::wasm;
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

fn js(source: &str) -> JsValue {
    js_sys::JSON::parse(source).expect("test JSON parses")
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).expect("property read")
}

fn options(scenario: &str, extra: &str) -> Option<wasm::JsOptions> {
    Some(js(&format!("{{\"scenario\": {}{extra}}}", serde_json::to_string(scenario).unwrap())).unchecked_into())
}

/// The JS API's Timeline: plays, rewinds, forks, links and hashes as the core does.
#[wasm_bindgen_test]
fn the_js_timeline_travels_forks_and_links() {
    let list: js_sys::Array = wasm::narrated_scenarios().map_err(JsValue::from).unwrap().dyn_into().unwrap();
    assert_eq!(list.length() as usize, narration::ESSAY.len());
    let fire = list.iter().find(|s| get(s, "name").as_string().as_deref() == Some("fire-at-the-main-office")).unwrap();
    let steps: js_sys::Array = get(&fire, "steps").dyn_into().unwrap();
    assert!(steps.length() >= 4 && get(&steps.get(0), "tick").as_f64() == Some(0.0));
    let text = get(&fire, "text").as_string().unwrap();

    let mut t =
        wasm::JsTimeline::new(options(&text, ", \"spacetime\": 2000, \"trace\": 10")).map_err(JsValue::from).unwrap();
    assert_eq!((t.now(), t.end(), t.applied()), (0.0, 11_000.0, 0));
    assert_eq!(t.name().as_deref(), Some("fire-at-the-main-office"));
    t.run_until(11_000.0).map_err(JsValue::from).unwrap();
    let golden = include_str!("golden/essay_history_hashes.txt");
    assert!(golden.contains(&format!("fire-at-the-main-office {}", t.history_hash())));
    let end_view = js_sys::JSON::stringify(&t.view().map(JsValue::from).map_err(JsValue::from).unwrap()).unwrap();
    let end_trace = t.trace_hash();

    // Back and forth: the same moment, the same view and trace hash.
    t.seek(2_000.0).map_err(JsValue::from).unwrap();
    assert_eq!(t.now(), 2_000.0);
    t.seek(11_000.0).map_err(JsValue::from).unwrap();
    assert_eq!(
        js_sys::JSON::stringify(&t.view().map(JsValue::from).map_err(JsValue::from).unwrap()).unwrap(),
        end_view
    );
    assert_eq!(t.trace_hash(), end_trace);
    let marks: js_sys::Array = t.spacetime(10_000.0, 11_000.0).map_err(JsValue::from).unwrap().dyn_into().unwrap();
    assert!(marks.length() > 0 && get(&marks.get(0), "type").is_string());
    let charts = t.charts(110).map(JsValue::from).map_err(JsValue::from).unwrap();
    assert_eq!(get(&charts, "windowMs").as_f64(), Some(100.0));

    // A fork in the past drops the later actions (the fire, the restart, load 0).
    t.seek(2_500.0).map_err(JsValue::from).unwrap();
    assert_eq!(t.act("kill C").map_err(JsValue::from).unwrap(), 3);
    assert_eq!(t.log(), ["@0 timeout A", "@300 load 30 random", "@2500 kill C"]);
    assert_eq!(t.end(), 2_500.0);
    t.run_until(4_000.0).map_err(JsValue::from).unwrap();
    let link = t.link(Some("https://example.org/nn/".into())).unwrap();
    assert!(link.starts_with("https://example.org/nn/#nextnumber/1;name_fire-at-the-main-office;seed_3;"), "{link}");

    // The link opens the same branch, to the same history.
    let again_text = wasm::decode_link(&link).unwrap();
    let mut again = wasm::JsTimeline::new(options(&again_text, "")).map_err(JsValue::from).unwrap();
    again.run_until(4_000.0).map_err(JsValue::from).unwrap();
    assert_eq!(again.history_hash(), t.history_hash());
    let sim = wasm::Simulation::new(options(&again_text, "")).map_err(JsValue::from).unwrap();
    assert_eq!(sim.history_hash(), t.history_hash(), "a Simulation runs the same scenario to the same history");
    assert_eq!(wasm::encode_link(&again_text).unwrap(), link.split_once('#').unwrap().1);
    assert!(t.act("kill Q").is_err());
    assert!(t.seek(f64::NAN).is_err());
}

#[wasm_bindgen_test]
fn a_bad_link_throws_an_error_that_says_which_kind() {
    let kind = |link: &str| get(&wasm::decode_link(link).expect_err(link), "kind").as_string().unwrap();
    assert_eq!(kind("nextnumber/1;seed_1;run_5;en"), "truncated");
    assert_eq!(kind("https://x/#nextnumber/3;seed_1;end"), "future-version");
    assert_eq!(kind("hello"), "malformed");
    assert_eq!(kind("nextnumber/1;@0_kill_Z;end"), "invalid");
    assert_eq!(kind(&format!("nextnumber/1;{};end", "@0_ask_A;".repeat(5_000))), "oversized");
    let e: js_sys::Error = wasm::decode_link("nextnumber/1;seed_1;run_5;en").unwrap_err().dyn_into().unwrap();
    assert!(String::from(e.message()).contains("cut short"));
    assert!(wasm::encode_link("not a scenario").is_err());
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
