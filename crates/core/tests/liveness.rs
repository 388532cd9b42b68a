//! L1 judged live, and the one checker report (`Simulation::report`) that carries it.
//!
//! - a Main Office that drops its customers (the `canary-deaf-leader` build) is caught by
//!   the live rule, in a real run, with the request, the branch and the tick it broke;
//! - a fresh run is not judged at t=0 and holds from its bound on;
//! - a partition with no majority connected judges nothing (minority customers may wait);
//! - a thousand swarm seeds and a thousand default-config runs never raise a false alarm.
// Native only: `wasm-pack test` builds every test target for the browser, where these
// would not run (plain #[test]) and some would not build; the browser tests are wasm_*.rs.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::check::{Invariant, ALL_INVARIANTS};
use nextnumber_core::liveness::{liveness_bound_ms, Healed};
use nextnumber_core::report::{Judgement, Report, Source};
use nextnumber_core::swarm::{self, draw_scenario, replay_drawn};
use nextnumber_core::*;

fn run(text: &str, seed: u64) -> Simulation {
    Scenario::parse(text).expect("valid scenario").run(seed).expect("runs")
}

fn l1(report: &Report) -> &Judgement {
    &report.verdict(Invariant::L1Liveness).judgement
}

/// The bound of the default config, fully healed, with registers in agreement.
fn default_bound() -> u64 {
    liveness_bound_ms(&Config::default(), &Healed { latency_max_ms: 15, outside: 0, repair_rounds: 0 })
}

#[test]
fn the_default_bound_is_the_documented_one() {
    assert_eq!(default_bound(), 2_870);
    // One branch burnt down: one more try (a customer timeout and an election timeout).
    let one_down = Healed { latency_max_ms: 15, outside: 1, repair_rounds: 0 };
    assert_eq!(liveness_bound_ms(&Config::default(), &one_down), 2_870 + 1_150);
    // Every latency preset, with timeouts tuned to it, meets Raft's timing requirement.
    for p in config::ALL_PRESETS {
        let mut c = Config::default();
        let (lo, hi) = p.latency_ms();
        (c.latency_min_ms, c.latency_max_ms) = (lo, hi);
        c.tune_timeouts(hi);
        assert!(liveness::timely(&c, hi), "{p:?}");
    }
}

#[test]
fn a_main_office_that_drops_its_customers_breaks_l1_live() {
    let text = "nextnumber/1\nbranches 3\nvariant canary-deaf-leader\n@0 load 5 random\nrun 8000\n";
    let sim = run(text, 1);
    let report = sim.report();
    let Judgement::Broken(v) = l1(&report) else { panic!("L1 not caught: {:?}", l1(&report)) };
    assert_eq!(v.invariant, Invariant::L1Liveness);
    // Healed from t=0: the first customers, asked in the first second, were owed an answer
    // within the bound of their arrival.
    let bound = liveness_bound_ms(&sim.config().clone(), &Healed { latency_max_ms: 15, outside: 0, repair_rounds: 0 });
    let t = v.tick.expect("the tick it broke");
    assert!((bound..bound + 1_000).contains(&t), "broke at t={t}, bound {bound}: {v}");
    assert_eq!(v.requests.len(), 1, "{v}");
    assert_eq!(v.branches.len(), 1, "{v}");
    assert!(v.detail.contains("was still waiting") && v.detail.contains("A, B and C"), "{v}");
    println!("{v}");
    // Nothing else breaks: the deaf leader is safe, only not live.
    assert_eq!(report.broken(), 1, "{:?}", report.violations());
    assert!(report.violations().iter().all(|(s, _)| *s == Source::Online));
    assert_eq!(report.implicated(), implicated(&report));
    assert!(report.implicated().0.contains(&v.branches[0]));
    assert!(!report.ok());

    // The same run on the real service holds.
    let safe = run(&text.replace("variant canary-deaf-leader\n", ""), 1).report();
    assert_eq!(safe.broken(), 0, "{:?}", safe.violations());
    assert_eq!(l1(&safe), &Judgement::Holds { since: Some(default_bound()) });
}

/// Every branch and request the violations name, each once, in order.
fn implicated(report: &Report) -> (Vec<NodeId>, Vec<RequestId>) {
    let mut b: Vec<NodeId> = report.violations().iter().flat_map(|(_, v)| v.branches.iter().copied()).collect();
    let mut r: Vec<RequestId> = report.violations().iter().flat_map(|(_, v)| v.requests.iter().copied()).collect();
    b.sort();
    b.dedup();
    r.sort();
    r.dedup();
    (b, r)
}

#[test]
fn an_obligation_follows_the_customer_through_retries_and_new_request_ids() {
    // At least once: every retry is a new request; the need is still owed its answer, by
    // the deadline of its first arrival.
    let text = "nextnumber/1\nbranches 5\nvariant canary-deaf-leader\nmode at-least-once\n@100 ask B\nrun 10000\n";
    let report = run(text, 3).report();
    let Judgement::Broken(v) = l1(&report) else { panic!("L1 not caught: {:?}", l1(&report)) };
    assert_eq!(v.tick, Some(100 + default_bound()), "{v}");
    assert_eq!(v.branches, vec![NodeId(1)], "{v}");
    assert!(v.requests[0].seq > 1, "named by the request it waits with now, a retry: {v}");
    // At most once: the customer gives up after a second; a request abandoned is no longer
    // waiting, so nothing was owed past the bound.
    let report = run(&text.replace("at-least-once", "at-most-once"), 3).report();
    assert_eq!(l1(&report), &Judgement::Holds { since: Some(default_bound()) }, "{:?}", report.violations());
}

#[test]
fn a_fresh_run_is_not_judged_until_its_bound_then_holds_from_it() {
    let mut sim = Simulation::new(Config::default(), 7).unwrap();
    let report = sim.report();
    assert_eq!(report.verdicts.len(), ALL_INVARIANTS.len());
    assert!(report.verdicts.iter().zip(ALL_INVARIANTS).all(|(v, i)| v.invariant == i));
    let Judgement::NotJudged(why) = l1(&report) else { panic!("judged at t=0: {:?}", l1(&report)) };
    assert!(why.starts_with("not judged yet: A, B, C, D and E have been alive and connected for 0 ms"), "{why}");
    assert_eq!((report.broken(), report.not_judged()), (0, 1));
    // The safety invariants are judged from the first tick: every event is watched.
    for v in report.verdicts.iter().filter(|v| v.invariant != Invariant::L1Liveness) {
        assert_eq!(v.judgement, Judgement::Holds { since: None }, "{:?}", v.invariant);
    }
    sim.act(Action::Load(20, LoadTarget::Random)).unwrap();
    let b = default_bound();
    sim.run_until(Tick(b - 1));
    assert!(matches!(l1(&sim.report()), Judgement::NotJudged(_)));
    sim.run_until(Tick(b));
    assert_eq!(l1(&sim.report()), &Judgement::Holds { since: Some(b) });
    sim.run_until(Tick(20_000));
    let report = sim.report();
    assert_eq!(l1(&report), &Judgement::Holds { since: Some(b) });
    assert_eq!((report.broken(), report.not_judged()), (0, 0));
    assert!(sim.sometimes().numbers_issued > 100);
    println!("L1 holds since t={b}");
}

#[test]
fn a_partition_with_no_majority_judges_nothing() {
    // Judged first, then cut into three minorities, each with customers who cannot be
    // answered: L1 stays as it was.
    let text = "nextnumber/1\nbranches 5\n@0 load 20 random\n@5000 split AB CD E\nrun 30000\n";
    let sim = run(text, 2);
    let report = sim.report();
    assert_eq!(l1(&report), &Judgement::Holds { since: Some(default_bound()) }, "{:?}", report.violations());
    assert_eq!(report.broken(), 0);
    let waiting = sim.records().iter().filter(|r| r.invoke > 6_000 && r.result.is_none()).count();
    assert!(waiting > 0, "customers of the minorities are left without an answer");

    // Cut from the start: never judged, and says why.
    let report = run("nextnumber/1\nbranches 5\n@0 split AB CD E\n@0 load 20 random\nrun 20000\n", 2).report();
    let Judgement::NotJudged(why) = l1(&report) else { panic!("{:?}", l1(&report)) };
    assert!(why.contains("no majority (3 of 5)"), "{why}");

    // A majority healed and the rest cut off is judged (the swarm's liveness phase); the
    // minority's customers are no one's obligation.
    let text =
        "nextnumber/1\nbranches 5\nmode at-most-once\n@0 isolate A\n@0 isolate B\n@0 load 20 random\nrun 20000\n";
    let sim = run(text, 4);
    let report = sim.report();
    assert!(matches!(l1(&report), Judgement::Holds { since: Some(_) }), "{:?}", l1(&report));
    // They were turned away or gave up: no Number is issued where no majority is.
    let minority: Vec<_> = sim.records().iter().filter(|r| r.branch.index() < 2).collect();
    assert!(!minority.is_empty());
    assert!(minority.iter().all(|r| !matches!(r.result, Some(customer::Outcome::Number { .. }))));
}

#[test]
fn a_half_cut_branch_and_too_few_live_branches_are_not_judged() {
    // One road cut both ways: A and B each reach the others, not each other. Without
    // pre-vote, either can depose the Main Office: no answer time is promised.
    let report = run("nextnumber/1\nbranches 5\n@0 cut A-B\n@0 load 20 random\nrun 10000\n", 1).report();
    let Judgement::NotJudged(why) = l1(&report) else { panic!("{:?}", l1(&report)) };
    assert!(why.contains("cut off only in part"), "{why}");
    let report = run("nextnumber/1\nbranches 3\n@0 kill A\n@0 kill B\n@0 load 5 random\nrun 10000\n", 1).report();
    let Judgement::NotJudged(why) = l1(&report) else { panic!("{:?}", l1(&report)) };
    assert!(why.contains("only 1 of the 3 branches is alive"), "{why}");
    // Roads too slow for the election timeout.
    let report = run("nextnumber/1\nbranches 3\n@0 latency all 40 40\n@0 load 5 random\nrun 10000\n", 1).report();
    let Judgement::NotJudged(why) = l1(&report) else { panic!("{:?}", l1(&report)) };
    assert!(why.contains("too slow for elections"), "{why}");
}

#[test]
fn a_fire_restarts_the_window_and_the_healed_rest_is_judged() {
    // The Main Office burns down at 5 s: the four others are a healed majority again,
    // with one branch outside it, so with a bound one try longer.
    let mut sim = Simulation::new(Config::default(), 5).unwrap();
    sim.act(Action::Load(30, LoadTarget::Random)).unwrap();
    sim.run_until(Tick(5_000));
    let leader = sim.current_leader().expect("a leader by 5 s");
    sim.act(Action::Kill(leader)).unwrap();
    sim.run_until(Tick(40_000));
    let report = sim.report();
    assert_eq!(l1(&report), &Judgement::Holds { since: Some(default_bound()) }, "{:?}", report.violations());
    assert_eq!(report.broken(), 0);
}

/// No false alarms: every safe swarm run (whose verdict now includes the live rule) passes,
/// and the live rule judged a good share of them.
#[test]
fn a_thousand_swarm_seeds_raise_no_false_alarm() {
    let mut judged = 0;
    for seed in 0..1_000 {
        let (scenario, _) = draw_scenario(seed, None);
        let mut sim = Simulation::new(scenario.config.clone(), seed).unwrap();
        replay_drawn(&scenario, &mut sim);
        let report = sim.report();
        match l1(&report) {
            Judgement::Broken(v) => panic!("seed {seed}: a false alarm: {v}"),
            Judgement::Holds { .. } => judged += 1,
            Judgement::NotJudged(_) => {}
        }
        assert_eq!(swarm::judge(&sim), swarm::Verdict::Pass, "seed {seed}");
    }
    println!("{judged} of 1000 swarm runs judged by the live L1 rule");
    assert!(judged >= 150, "only {judged} judged");
}

/// The same fault schedules on the page's default config and roads: every run is judged.
#[test]
fn a_thousand_default_runs_with_faults_are_judged_and_hold() {
    for seed in 0..1_000 {
        let (mut scenario, _) = draw_scenario(seed, None);
        let drawn = &scenario.config;
        scenario.config = Config { branches: drawn.branches, client_mode: drawn.client_mode, ..Config::default() };
        scenario.actions.retain(|(_, a)| !matches!(a, Action::Latency(..)));
        let mut sim = Simulation::new(scenario.config.clone(), seed).unwrap();
        replay_drawn(&scenario, &mut sim);
        let report = sim.report();
        match l1(&report) {
            Judgement::Holds { since: Some(_) } => {}
            other => panic!("seed {seed}: {other:?}"),
        }
    }
}

#[test]
fn the_swarm_catches_the_deaf_leader_by_the_live_rule() {
    // Every seed catches it (by the phase's deadline if not by the live rule); the first
    // seed whose roads meet the timing requirement catches it live.
    let mut live = None;
    for seed in 0..20 {
        match swarm::run_seed(seed, Some(Variant::CanaryDeafLeader)).verdict {
            swarm::Verdict::Liveness(why) if why.starts_with("L1 violated at t=") => {
                live = live.or(Some(seed));
            }
            swarm::Verdict::Liveness(_) => {}
            other => panic!("seed {seed}: {other:?}"),
        }
    }
    assert_eq!(live, Some(FIRST_LIVE_SEED));
}

/// `nextnumber swarm --seeds 0..N --variant canary-deaf-leader` (built with the canaries).
const FIRST_LIVE_SEED: u64 = 3;

#[test]
fn the_report_is_cheap_on_a_long_run() {
    // An hour of steady customers: the report is one pass of the history checker plus the
    // live rule's look at who is waiting.
    let mut sim = Simulation::new(Config::default(), 1).unwrap();
    sim.act(Action::Load(20, LoadTarget::Random)).unwrap();
    sim.run_until(Tick(3_600_000));
    let started = std::time::Instant::now();
    let report = sim.report();
    let took = started.elapsed();
    println!("report of {} requests: {took:?}", sim.records().len());
    assert_eq!(report.broken(), 0);
    assert!(matches!(l1(&report), Judgement::Holds { since: Some(_) }));
}
