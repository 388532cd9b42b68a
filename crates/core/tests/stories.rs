//! The essay's stories, each run as a simulation and judged by every checker.
// Native only: `wasm-pack test` builds every test target for the browser, where these
// would not run (plain #[test]) and some would not build; the browser tests are wasm_*.rs.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::customer::{Outcome, RequestKind, RequestRecord};
use nextnumber_core::replica::Role;
use nextnumber_core::*;

fn sim(text: &str, seed: u64) -> Simulation {
    let s = Scenario::parse(text).expect("valid scenario");
    s.run(seed).expect("runs")
}

fn violations(sim: &Simulation) -> Vec<Violation> {
    sim.report().violations().iter().map(|(_, v)| v.clone()).collect()
}

fn assert_safe(sim: &Simulation) {
    let v = violations(sim);
    assert!(v.is_empty(), "violations: {v:#?}");
}

/// Runs until some branch leads (Raft §5.2 guarantees one soon on a healthy network).
fn leader(sim: &mut Simulation) -> NodeId {
    for _ in 0..100_000 {
        if let Some(l) = sim.current_leader() {
            return l;
        }
        assert!(sim.step(), "the simulation ran dry without a leader");
    }
    panic!("no leader elected");
}

fn run_for(sim: &mut Simulation, ms: u64) {
    let t = sim.now().0 + ms;
    sim.run_until(Tick(t));
}

fn numbers_issued(sim: &Simulation) -> Vec<u64> {
    let mut n: Vec<u64> = History::of(sim)
        .requests
        .iter()
        .filter_map(|r| match r.result {
            Some(Outcome::Number { number }) => Some(number),
            _ => None,
        })
        .collect();
    n.sort_unstable();
    n
}

fn last_request(sim: &Simulation) -> RequestRecord {
    History::of(sim).requests.last().cloned().expect("a request was made")
}

fn other(b: NodeId, n: usize) -> NodeId {
    NodeId(((b.index() + 1) % n) as u8)
}

#[test]
fn one_office_one_officer_issues_one_two_three() {
    let s = sim("nextnumber/1\nbranches 1\n@0 load 50 random\nrun 5000\n", 1);
    let numbers = numbers_issued(&s);
    assert!(numbers.len() > 200, "only {} issued", numbers.len());
    assert_eq!(numbers, (1..=numbers.len() as u64).collect::<Vec<_>>());
    assert_safe(&s);
}

#[test]
fn clerks_and_the_officer_numbers_unique_gapless_not_in_arrival_order() {
    // Many customers at every branch at once: each gets a distinct Number, none is skipped,
    // yet a customer who walked in later may hold a smaller Number (their intervals overlap).
    let s = sim("nextnumber/1\nbranches 5\nlatency 5 60\n@0 load 200 random\n@3000 load 0\nrun 8000\n", 3);
    let h = History::of(&s);
    let mut issued: Vec<(u64, u64)> = h
        .requests
        .iter()
        .filter_map(|r| match r.result {
            Some(Outcome::Number { number }) => Some((r.invoke, number)),
            _ => None,
        })
        .collect();
    let mut numbers: Vec<u64> = issued.iter().map(|(_, n)| *n).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=numbers.len() as u64).collect::<Vec<_>>(), "unique and gapless");
    issued.sort_unstable();
    let out_of_order = issued.windows(2).filter(|w| w[0].1 > w[1].1).count();
    assert!(out_of_order > 0, "expected some later arrivals to hold smaller Numbers");
    assert_safe(&s);
}

#[test]
fn fire_at_the_main_office_a_new_leader_continues_without_a_gap() {
    let mut s = Simulation::new(Config::default(), 11).unwrap();
    let first = leader(&mut s);
    s.act(Action::Load(20, LoadTarget::Random)).unwrap();
    run_for(&mut s, 2_000);
    let before = numbers_issued(&s).len();
    assert!(before > 10);
    s.act(Action::Kill(first)).unwrap();
    run_for(&mut s, 3_000);
    let second = s.current_leader().expect("a new Main Office");
    assert_ne!(second, first);
    assert!(s.replica(second).disk.term > s.replica(first).disk.term);
    s.act(Action::Load(0, LoadTarget::Random)).unwrap();
    run_for(&mut s, 5_000);
    let numbers = numbers_issued(&s);
    assert!(numbers.len() > before + 10, "numbering continued: {} then {}", before, numbers.len());
    assert_eq!(numbers, (1..=numbers.len() as u64).collect::<Vec<_>>(), "no gap across the fire");
    // The burnt branch comes back and catches up on the same sequence (I5).
    s.act(Action::Restart(first)).unwrap();
    run_for(&mut s, 2_000);
    assert_eq!(s.replica(first).register.sequence, s.replica(second).register.sequence);
    assert_safe(&s);
}

#[test]
fn flood_majority_by_pigeon_issues_slowly_minority_serves_only_stale_reads() {
    // Timeouts tuned for pigeon mail (Raft §5.6: broadcast time ≪ election timeout).
    let text = "nextnumber/1\nbranches 5\nlatency pigeon\ntune pigeon\nrun 0\n";
    let mut s = sim(text, 5);
    leader(&mut s);
    s.act(Action::Ask(NodeId(0))).unwrap();
    run_for(&mut s, 30 * 3_600_000);
    let before = numbers_issued(&s).len();
    assert_eq!(before, 1);
    // The flood: A, B, C keep their pigeons; D and E are cut off.
    s.act(Action::Split(vec![vec![NodeId(0), NodeId(1), NodeId(2)], vec![NodeId(3), NodeId(4)]])).unwrap();
    run_for(&mut s, 40 * 3_600_000); // long enough for the majority to elect, if it must
    assert!(!s.reaches_majority(NodeId(3)) && s.reaches_majority(NodeId(0)));
    s.act(Action::Mode(ClientMode::AtMostOnce)).unwrap();
    s.act(Action::Ask(NodeId(3))).unwrap();
    let minority_ask = last_request(&s).request;
    s.act(Action::Read(NodeId(4))).unwrap();
    let stale_read = last_request(&s).request;
    s.act(Action::Ask(NodeId(1))).unwrap();
    let majority_ask = last_request(&s).request;
    run_for(&mut s, 40 * 3_600_000);
    let h = History::of(&s);
    let get = |id| h.requests.iter().find(|r| r.request == id).unwrap().clone();
    let m = get(majority_ask);
    assert!(matches!(m.result, Some(Outcome::Number { number: 2 })), "{m:?}");
    let took = m.complete.unwrap() - m.invoke;
    assert!(took >= 2 * 3_300_000, "a Number needs at least one pigeon round trip, took {took} ms");
    let d = get(minority_ask);
    assert!(!matches!(d.result, Some(Outcome::Number { .. })), "the minority issued: {d:?}");
    let r = get(stale_read);
    assert_eq!(r.kind, RequestKind::Read);
    assert!(matches!(r.result, Some(Outcome::Read { linearizable: false, read: 1 })), "{r:?}");
    assert_safe(&s);
}

#[test]
fn lost_confirmation_retry_at_another_branch_gets_the_same_number() {
    let mut s =
        Simulation::new(Config { election_timeout_min_ms: 300, election_timeout_max_ms: 600, ..Config::default() }, 2)
            .unwrap();
    let a = leader(&mut s);
    run_for(&mut s, 500);
    s.act(Action::Ask(a)).unwrap();
    let request = last_request(&s).request;
    // The Main Office's Appends are on their way; every answer to it is lost (one-way cuts).
    run_for(&mut s, 1);
    for x in NodeId::all(5).filter(|x| *x != a) {
        s.act(Action::Cut(Links::One(x, a))).unwrap();
    }
    run_for(&mut s, 3_000);
    let b = s.current_leader().filter(|l| *l != a).expect("B, C, E carry on under a new leader");
    assert!(s.replica(b).register.table.contains_key(&request), "the new leader committed the request");
    // The customer walks to another branch with the same request ID.
    let elsewhere = other(a, 5);
    s.act(Action::Retry(request, elsewhere)).unwrap();
    run_for(&mut s, 2_000);
    let r = History::of(&s).requests.into_iter().find(|r| r.request == request).unwrap();
    let bound = s.replica(b).register.table[&request].0;
    assert_eq!(r.result, Some(Outcome::Number { number: bound }));
    assert!(r.attempts >= 2);
    let holders = s.replica(b).register.sequence.iter().filter(|(q, _)| *q == request).count();
    assert_eq!(holders, 1, "one request, one Number");
    assert_safe(&s);
}

#[test]
fn one_way_cut_from_the_leader_forces_a_new_election_and_numbering_goes_on() {
    let mut s = Simulation::new(Config::default(), 4).unwrap();
    let a = leader(&mut s);
    let term = s.replica(a).disk.term;
    s.act(Action::Load(20, LoadTarget::Random)).unwrap();
    run_for(&mut s, 1_000);
    let x = other(a, 5);
    // x hears nothing from the leader, but the leader still hears x.
    s.act(Action::Cut(Links::One(a, x))).unwrap();
    run_for(&mut s, 5_000);
    assert!(s.network().link(x, a).up && !s.network().link(a, x).up);
    let max_term = NodeId::all(5).map(|b| s.replica(b).disk.term).max().unwrap();
    assert!(max_term > term, "x's candidacy moved the cluster to a later term");
    s.act(Action::Load(0, LoadTarget::Random)).unwrap();
    run_for(&mut s, 5_000);
    let numbers = numbers_issued(&s);
    assert!(numbers.len() > 50);
    assert_eq!(numbers, (1..=numbers.len() as u64).collect::<Vec<_>>());
    assert_safe(&s);
}

#[test]
fn split_brain_without_quorum_is_caught() {
    let text = "nextnumber/1\nbranches 5\nvariant no-quorum\n@300 split ABC DE\n@800 load 20 random\n@3000 load 0\n@4000 heal\nrun 8000\n";
    let s = sim(text, 1);
    let v = violations(&s);
    assert!(v.iter().any(|v| v.invariant == Invariant::I1Unique), "{v:#?}");
    // The same story with the quorum on is clean.
    assert_safe(&sim(&text.replace("variant no-quorum\n", ""), 1));
}

#[test]
fn customer_without_request_id_gets_two_numbers() {
    // At-least-once: the confirmation is lost, the retry is a new request, so one child
    // holds two Numbers (I7). With request IDs the same story holds one.
    let story = |mode: &str| {
        let mut s = sim(&format!("nextnumber/1\nbranches 3\nmode {mode}\nrun 0\n"), 8);
        let a = leader(&mut s);
        run_for(&mut s, 300);
        s.act(Action::Ask(a)).unwrap();
        run_for(&mut s, 1);
        for x in NodeId::all(3).filter(|x| *x != a) {
            s.act(Action::Cut(Links::One(x, a))).unwrap();
        }
        run_for(&mut s, 10_000);
        violations(&s)
    };
    let v = story("at-least-once");
    assert!(v.iter().any(|v| v.invariant == Invariant::I7OneChildOneNumber), "{v:#?}");
    assert!(story("exactly-once").is_empty());
}

#[test]
fn latency_floor_europe_asia_and_earth_moon() {
    // A Number needs a round trip to a majority: never faster than twice the one-way trip.
    for (preset, floor) in [("europe-asia", 2 * 120), ("earth-moon", 2 * 1_300)] {
        let mut s = sim(&format!("nextnumber/1\nbranches 3\nlatency {preset}\ntune {preset}\nrun 0\n"), 6);
        let l = leader(&mut s);
        run_for(&mut s, 60_000);
        s.act(Action::Ask(l)).unwrap();
        run_for(&mut s, 60_000);
        let r = last_request(&s);
        let took = r.complete.expect("answered") - r.invoke;
        assert!(took >= floor, "{preset}: {took} ms");
        assert!(took < 4 * floor, "{preset}: {took} ms is more than a couple of round trips");
        assert_safe(&s);
    }
}

#[test]
fn no_dedup_retry_gets_a_second_number() {
    let mut s = Simulation::new(Config { variants: vec![Variant::NoDedup], ..Config::default() }, 2).unwrap();
    let a = leader(&mut s);
    run_for(&mut s, 500);
    s.act(Action::Ask(a)).unwrap();
    let request = last_request(&s).request;
    run_for(&mut s, 200);
    s.act(Action::Retry(request, other(a, 5))).unwrap();
    run_for(&mut s, 2_000);
    let v = violations(&s);
    assert!(v.iter().any(|v| v.invariant == Invariant::I3Idempotent), "{v:#?}");
}

#[test]
fn leader_role_is_unique_per_term_in_a_long_faulty_run() {
    let text = "nextnumber/1\nbranches 7\nloss 10\ndup 20\n@0 load 30 random\n@2000 isolate A\n@4000 kill B\n@5000 heal\n@6000 restart B\n@7000 split ABCD EFG\nrun 15000\n";
    let s = sim(text, 9);
    let leaders = NodeId::all(7).filter(|b| s.replica(*b).role == Role::Leader).count();
    assert!(leaders >= 1);
    assert_safe(&s);
}

#[test]
fn identical_election_timeouts_never_elect_which_is_why_raft_randomizes_them() {
    // Reference: §5.2 — without randomized timeouts every branch stands at once, forever.
    let config = Config { election_timeout_min_ms: 300, election_timeout_max_ms: 300, ..Config::default() };
    let mut s = Simulation::new(config, 2).unwrap();
    s.run_until(Tick(20_000));
    assert_eq!(s.current_leader(), None);
    assert_safe(&s);
}
