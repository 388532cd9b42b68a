//! The model check from a moment of a run (src/model.rs, `Search::at`): from the first
//! moment it is the pinned standard model, state for state; from a moment in the middle of a
//! run with an unsafe variant it finds a counterexample that replays to the same violation;
//! it runs in slices that add up to the whole search; and its cap on fingerprints stops it
//! with a message that says so.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::model::{check, Bounds, Search};
use nextnumber_core::*;

fn fresh(branches: usize, variants: Vec<Variant>) -> Simulation {
    Simulation::new(Config { branches, variants, ..Config::default() }, 7).unwrap()
}

fn finish(mut search: Search, budget: usize) -> model::Report {
    while !search.step(budget).done {}
    search.into_report()
}

/// The same figures as tests/model_check.rs pins for the standard model to depth 7.
#[test]
fn the_first_moment_of_a_run_is_the_standard_model() {
    let sim = fresh(3, vec![]);
    let bounds = Bounds::standard(7);
    let r = finish(Search::at(sim.config(), sim.moment(), &bounds), 5_000);
    assert_eq!(r.violation.as_ref().map(|c| &c.violation), None);
    assert_eq!(r.states, 602_796, "per depth: {:?}", r.per_depth);
    assert_eq!(r.unreached(), vec![]);
}

#[test]
fn slices_add_up_to_the_whole_search() {
    let bounds = Bounds::small(6);
    let whole = check(&bounds);
    let mut search = Search::new(&bounds);
    let mut last = search.progress();
    while !last.done {
        let p = search.step(7);
        assert!(p.states >= last.states && p.depth >= last.depth, "{p:?} after {last:?}");
        last = p;
    }
    let sliced = search.into_report();
    assert_eq!((sliced.states, sliced.per_depth.clone()), (whole.states, whole.per_depth.clone()));
    assert_eq!(sliced.transitions, whole.transitions);
}

/// A run without the quorum, its leader cut off by a flood, a customer waiting at a branch
/// that forwarded to it:
/// the search finds how it goes wrong from there, and its steps replay to the same break.
#[test]
fn a_mid_run_moment_without_the_quorum_has_a_counterexample_that_replays() {
    let mut sim = fresh(3, vec![Variant::NoQuorum]);
    sim.run_until(Tick(2_000));
    let leader = sim.current_leader().expect("a leader by 2 s");
    sim.act(Action::parse(&format!("isolate {leader}"), 3).unwrap()).unwrap();
    let other = NodeId::all(3).find(|b| *b != leader).unwrap();
    sim.act(Action::parse(&format!("ask {other}"), 3).unwrap()).unwrap();
    sim.run_until(Tick(2_005));
    assert_eq!(sim.violations(), &[], "the run itself is still correct");
    let moment = sim.moment();
    assert!(!moment.waiting.is_empty() && moment.cut.iter().any(|c| *c));
    let mut search = Search::at(sim.config(), moment, &Bounds::small(6));
    while !search.step(1_000).done {}
    let c = search.report().violation.clone().expect("no quorum breaks a property from here");
    println!("{c}");
    assert!(c.depth > 0 && c.steps.len() == c.depth && c.path.len() == c.depth, "{c}");
    assert_eq!(search.replay(&c.path), Ok(Some(c.violation.clone())), "{c}");
    assert_eq!(search.replay(&c.path[..c.depth - 1]), Ok(None), "shortest: one step less breaks nothing");
}

#[test]
fn the_cap_on_fingerprints_stops_the_search_and_says_so() {
    let r = check(&Bounds { max_states: 1_000, ..Bounds::small(7) });
    assert!(r.truncated && r.violation.is_none());
    let text = r.to_string();
    assert!(text.contains("cap of 1000 fingerprints"), "{text}");
    // What the page shows: the cap in fingerprints and in memory, and what to do.
    let summary = r.summary();
    assert!(summary.contains("its cap of 1,000 fingerprints (about 1 MB)"), "{summary}");
    assert!(summary.contains(": lower the bounds or raise the cap"), "{summary}");
}

#[test]
fn the_summary_names_what_was_reached_and_what_was_not() {
    let r = check(&Bounds::small(3));
    assert_eq!(
        r.summary(),
        format!(
            "no violation within 3 steps: {} states; never reached: a Number issued, a leader changed, a retry \
             answered (what depends on it was not tested)",
            model::thousands(r.states)
        )
    );
    assert_eq!(model::thousands(1_234_567), "1,234,567");
    assert_eq!(model::thousands(612), "612");
}

/// The run tests/wasm_model.rs checks in the browser, at the same moment with the same
/// bounds (the JS API's defaults, spelled out): the figures pinned here are the ones the
/// browser must find, so the two agree state for state. Two customers have just asked at
/// followers, whose forwards are on the road to the Main Office.
pub const TWO_ASKS: &str = "nextnumber/1\nseed 7\nbranches 3\n@1500 ask B\n@1500 ask C\nrun 1505\n";
pub const TWO_ASKS_AT: u64 = 1_505;
pub const TWO_ASKS_STATES: usize = 21_963;

fn from_two_asks(variant: &str) -> model::Report {
    let text = TWO_ASKS.replace("branches 3\n", &format!("branches 3\n{variant}"));
    let (config, moment) = model::moment_of(&Scenario::parse(&text).unwrap(), Tick(TWO_ASKS_AT)).unwrap();
    assert!(!moment.in_flight.is_empty() && !moment.waiting.is_empty(), "a busy moment");
    let bounds = nextnumber_core::bench::model_check_defaults(moment.highest_term());
    let started = std::time::Instant::now();
    let r = finish(Search::at(&config, moment, &bounds), 2_000);
    let secs = started.elapsed().as_secs_f64();
    println!("{r}\n{} ({:.2} s, {:.0} states/s)", r.summary(), secs, r.states as f64 / secs);
    r
}

#[test]
fn mid_run_figures_the_browser_must_agree_with() {
    let safe = from_two_asks("");
    assert_eq!((safe.states, safe.violation.is_some(), safe.truncated), (TWO_ASKS_STATES, false, false), "{safe}");
    assert_eq!(safe.unreached(), vec![]);
    let broken = from_two_asks("variant no-quorum\n");
    let c = broken.violation.expect("no quorum breaks a property");
    assert_eq!((broken.states, c.depth, c.invariant), (7, 1, Some(Invariant::I4Durable)), "{c}");
}
