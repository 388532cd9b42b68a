//! A model check's counterexample played on the simulator (src/counterexample.rs; model.rs,
//! "A counterexample played on the simulator"): its steps, as scripted actions at the
//! moment's tick, make the run's own checkers report the invariant the search found broken,
//! and one step fewer does not; the run with them is a link that replays it.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::counterexample::{self, breaks, narrate_all, script};
use nextnumber_core::model::{Bounds, Counterexample, Search};
use nextnumber_core::*;

fn search(sim: &Simulation, bounds: &Bounds) -> (Search, Counterexample) {
    let mut search = Search::at(sim.config(), sim.moment(), bounds);
    while !search.step(1_000).done {}
    let c = search.report().violation.clone().expect("a counterexample");
    (search, c)
}

/// The moment tests/model_moment.rs searches: no quorum, the Main Office cut off by a flood,
/// a customer waiting at a branch that forwarded to it.
fn flooded_leader() -> Simulation {
    let mut sim =
        Simulation::new(Config { branches: 3, variants: vec![Variant::NoQuorum], ..Config::default() }, 7).unwrap();
    sim.run_until(Tick(2_000));
    let leader = sim.current_leader().expect("a leader by 2 s");
    sim.act(Action::parse(&format!("isolate {leader}"), 3).unwrap()).unwrap();
    let other = NodeId::all(3).find(|b| *b != leader).unwrap();
    sim.act(Action::parse(&format!("ask {other}"), 3).unwrap()).unwrap();
    sim.run_until(Tick(2_005));
    assert_eq!(sim.violations(), &[], "the run itself is still correct");
    sim
}

#[test]
fn a_mid_run_counterexample_played_on_the_simulator_breaks_the_same_invariant() {
    let sim = flooded_leader();
    let (search, c) = search(&sim, &Bounds::small(6));
    println!("{c}");
    let invariant = c.invariant.expect("an invariant of the checkers");
    let actions = script(&sim, &search, &c).unwrap_or_else(|e| panic!("{e}\n{c}"));
    assert_eq!(actions.len(), c.depth);
    println!("{}", actions.iter().map(|a| a.to_string()).collect::<Vec<_>>().join("; "));
    // The page's words for each step are the search's.
    assert_eq!(narrate_all(&sim, &actions), c.steps);

    let mut run = sim.clone();
    for (i, a) in actions.iter().enumerate() {
        assert!(!breaks(&run, invariant), "{} broken before step {}", invariant.code(), i + 1);
        run.act(a.clone()).unwrap();
        assert_eq!(run.now(), sim.now(), "the steps take no time");
    }
    assert!(breaks(&run, invariant), "the run's checkers do not see {}: {:?}", invariant.code(), run.report());
    assert_eq!(run.violations().first().map(|v| v.invariant), Some(invariant), "the monitor names it");
}

#[test]
fn without_its_last_step_the_counterexample_breaks_nothing() {
    let sim = flooded_leader();
    let (search, c) = search(&sim, &Bounds::small(6));
    let actions = script(&sim, &search, &c).unwrap();
    let mut run = sim.clone();
    for a in &actions[..actions.len() - 1] {
        run.act(a.clone()).unwrap();
    }
    assert!(run.report().ok(), "{:?}", run.report().violations());
}

/// The run of tests/e2e/whatif.mjs: the page's panel finds this, plays it, and copies the
/// link that `nextnumber run --link` must reproduce.
const TWO_ASKS: &str =
    "nextnumber/1\nseed 7\nbranches 3\nvariant no-quorum\n@1500 ask B\n@1500 ask C\n@2000 ask A\nrun 2100\n";

#[test]
fn the_link_of_a_counterexample_replays_it_and_says_which_actions_are_its_steps() {
    let run = Scenario::parse(TWO_ASKS).unwrap();
    let timeline = counterexample::run_at(&run, Tick(1_505)).unwrap();
    let base = timeline.scenario();
    assert_eq!((base.actions.len(), base.run_until), (2, Some(1_505)), "the moment, without the later ask");
    let bounds = Bounds { max_term: Some(timeline.sim().moment().highest_term() + 1), ..Bounds::small(4) };
    let (search, c) = search(timeline.sim(), &bounds);
    let invariant = c.invariant.unwrap();
    let actions = script(timeline.sim(), &search, &c).unwrap();
    let replay = counterexample::scenario(&base, actions.clone());
    let link = permalink::encode(&replay).unwrap();
    println!("{c}\n{link}");
    assert!(link.contains(&format!(";counterexample_{};", actions.len())), "{link}");
    let opened = permalink::decode(&link).unwrap();
    assert_eq!(opened, replay);
    assert_eq!(opened.counterexample_steps().unwrap().iter().map(|(_, a)| a.clone()).collect::<Vec<_>>(), actions);
    let sim = opened.run(99).unwrap();
    assert!(breaks(&sim, invariant), "{:?}", sim.report());
    assert_eq!(sim.now(), Tick(1_505));

    let mut shorter = opened.clone();
    shorter.actions.pop();
    shorter.counterexample = shorter.counterexample.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
    assert!(shorter.run(99).unwrap().report().ok(), "one step fewer breaks nothing");
}

#[test]
fn a_step_that_cannot_happen_is_refused_with_a_reason() {
    let sim = flooded_leader();
    let mut run = sim.clone();
    let e = run.act(Action::parse("deliver 99999", 3).unwrap()).unwrap_err();
    assert!(e.contains("no message #99999"), "{e}");
    let m = sim.messages_in_flight().into_iter().find(|m| !sim.network().link(m.from, m.to).up);
    if let Some(m) = m {
        let e = run.act(Action::Deliver(m.id)).unwrap_err();
        assert!(e.contains("is cut"), "{e}");
    }
    let waiting = sim.waiting_requests()[0];
    let e = run.act(Action::AskAs(NodeId(0), waiting.client)).unwrap_err();
    assert!(e.contains("is waiting"), "{e}");
    assert!(run.act(Action::AskAs(NodeId(0), ClientId(9_999))).unwrap_err().contains("customers are c1 to"));
    assert_eq!(run.actions(), sim.actions(), "a refused step is not recorded");
    for bad in ["nextnumber/1;counterexample_3;@5_ask_A;run_5;end", "nextnumber/1;counterexample_x;end"] {
        let e = permalink::decode(bad).unwrap_err().to_string();
        assert!(e.contains("counterexample"), "{bad}: {e}");
    }
}

/// Counterexamples from many moments of runs with each unsafe variant: how many play on the
/// simulator as found. Those that do not say why; none may play to a different verdict.
#[test]
fn counterexamples_from_many_moments_play_or_say_why_not() {
    let (mut played, mut refused) = (0, Vec::new());
    for variant in [Variant::NoQuorum, Variant::NoDedup, Variant::VolatileVote, Variant::NumberAtTheDoor] {
        for seed in 0..6u64 {
            let text = format!(
                "nextnumber/1\nseed {seed}\nbranches 3\nvariant {variant}\n@0 load 10 random\nrun {}\n",
                1_000 + 300 * seed
            );
            let timeline = counterexample::run_at(&Scenario::parse(&text).unwrap(), Tick(1_000 + 300 * seed)).unwrap();
            let sim = timeline.sim();
            if !sim.report().ok() {
                continue;
            }
            let bounds = Bounds { max_term: Some(sim.moment().highest_term() + 1), ..Bounds::small(5) };
            let mut search = Search::at(sim.config(), sim.moment(), &bounds);
            while !search.step(5_000).done {}
            let Some(c) = search.report().violation.clone() else { continue };
            match script(sim, &search, &c) {
                Ok(actions) => {
                    let mut run = sim.clone();
                    run.set_invariants(false);
                    actions.iter().for_each(|a| run.act(a.clone()).unwrap());
                    if let Some(i) = c.invariant {
                        assert!(breaks(&run, i), "{variant} seed {seed}");
                    }
                    println!(
                        "{variant} seed {seed}: {}",
                        actions.iter().map(|a| a.to_string()).collect::<Vec<_>>().join("; ")
                    );
                    played += 1;
                }
                Err(e) => refused.push(format!("{variant} seed {seed}: {e}")),
            }
        }
    }
    println!("{played} played, {} refused:\n{}", refused.len(), refused.join("\n"));
    assert!(played >= 2 * refused.len(), "{played} played, {} refused", refused.len());
}

/// The page's Back through the steps: the timeline takes its last action back to the very
/// moment before it, and takes back nothing from an earlier tick.
#[test]
fn the_timeline_takes_a_step_back_to_the_very_moment_before_it() {
    let mut t = counterexample::run_at(&Scenario::parse(TWO_ASKS).unwrap(), Tick(1_505)).unwrap();
    let before = format!("{:?}", t.sim().moment());
    t.act(Action::parse("timeout A", 3).unwrap()).unwrap();
    assert!(breaks(t.sim(), Invariant::I4Durable));
    assert_eq!(t.take_back(), Some(Action::Timeout(NodeId(0))));
    assert_eq!(format!("{:?}", t.sim().moment()), before);
    assert!(t.sim().report().ok() && t.log().len() == 2 && t.applied() == 2);
    assert_eq!(t.take_back(), None, "the asks were at 1500, before the moment shown");
}
