//! A window of requests (`Simulation::set_keep_requests`, what the page sets): customers keep
//! coming past `limits::MAX_REQUESTS`, the oldest finished requests are forgotten, and
//! nothing judged or shown changes but what says it is no longer known.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::chunked::CHUNK;
use nextnumber_core::config::limits::MAX_REQUESTS;
use nextnumber_core::*;

/// A busy run that fills several chunks of requests, with a fire and a flood; `extra`
/// lines of the scenario (a variant, a mode) put a checker to work.
fn busy(extra: &str) -> Scenario {
    let text = format!(
        "nextnumber/1\nseed 5\nbranches 5\n{extra}@0 load 200 random\n@5000 kill A\n@7000 restart A\n\
         @9000 split AB CDE\n@13000 heal\nrun 20000\n"
    );
    Scenario::parse(&text).unwrap()
}

fn run(scenario: &Scenario, keep: Option<usize>) -> Simulation {
    let mut sim = Simulation::new(scenario.config.clone(), scenario.seed.unwrap()).unwrap();
    sim.trace_mut().enable(50);
    sim.set_keep_requests(keep).unwrap();
    scenario.replay(&mut sim).unwrap();
    sim
}

/// The same run, the same verdicts and the same latest requests, whether it keeps them all
/// or a window: the checkers keep their own state. Each scenario breaks something (the
/// unsafe ones), or nothing, and the windowed run must say the same.
#[test]
fn a_window_of_requests_changes_no_verdict_and_no_recent_request() {
    for extra in ["", "variant no-quorum\n", "variant no-dedup\n", "mode at-least-once\n", "variant volatile-vote\n"] {
        let scenario = busy(extra);
        let (whole, window) = (run(&scenario, None), run(&scenario, Some(CHUNK)));
        assert!(window.requests_forgotten() >= CHUNK, "{extra}: nothing was forgotten, the test lost its point");
        assert_eq!(whole.requests_forgotten(), 0);
        assert_eq!(format!("{:?}", whole.report()), format!("{:?}", window.report()), "{extra}");
        assert_eq!(format!("{:?}", whole.history_violations()), format!("{:?}", window.history_violations()));
        assert_eq!(whole.trace().hash(), window.trace().hash(), "{extra}: the run itself changed");
        assert_eq!(whole.stats(), window.stats());
        let (all, kept) = (whole.history().requests, window.history().requests);
        assert_eq!(all[window.requests_forgotten()..], kept[..], "{extra}");
        let (v, w) = (whole.view(), window.view());
        assert_eq!(format!("{:?}", v.requests), format!("{:?}", w.requests), "{extra}");
    }
}

/// The first window chunk of the no-quorum run is where split brain breaks I1: its verdict
/// stands after those requests are gone.
#[test]
fn a_broken_invariant_stays_broken_after_its_requests_are_forgotten() {
    let window = run(&busy("variant no-quorum\n"), Some(CHUNK));
    assert!(window.requests_forgotten() > 0);
    assert!(!window.report().ok(), "split brain without a quorum must be caught");
}

/// What can no longer be given exactly is refused with the reason, not given wrong.
#[test]
fn what_is_forgotten_is_refused_with_the_reason() {
    let mut sim = run(&busy(""), Some(CHUNK));
    let why = sim.hash_job().err().expect("no hash of a history missing its start");
    assert!(why.contains("no longer kept"), "{why}");
    let first = RequestId { client: ClientId(1), seq: 1 };
    let e = sim.act(Action::Retry(first, NodeId(0))).unwrap_err();
    assert!(e.contains("forgotten"), "{e}");
    let e = sim.act(Action::Retry(RequestId { client: ClientId(1), seq: 1_000_000 }, NodeId(0))).unwrap_err();
    assert!(e.contains("no request"), "{e}");
}

/// Past the cap, customers still come when a window is kept, and the run holds at most the
/// window and what is still waiting (a chunk's slack); without one, the cap turns them away.
#[test]
fn the_cap_bounds_what_is_kept_not_how_long_customers_come() {
    assert!(Simulation::new(Config::default(), 1).unwrap().set_keep_requests(Some(MAX_REQUESTS)).is_err());
    let scenario = Scenario::parse("nextnumber/1\nseed 2\nbranches 3\n@0 load 1000 leader\nrun 215000\n").unwrap();
    let (whole, window) = (run(&scenario, None), run(&scenario, Some(10 * CHUNK)));
    assert_eq!(whole.records().len(), MAX_REQUESTS, "the whole history stops at the cap");
    assert!(window.records().len() > MAX_REQUESTS + 10_000, "customers kept coming");
    let kept = window.records().len() - window.requests_forgotten();
    assert!(kept <= 12 * CHUNK, "{kept} requests kept");
    assert!(whole.report().ok() && window.report().ok(), "a healthy cluster, judged so either way");
}
