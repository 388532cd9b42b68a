//! Time travel (`Timeline`): a jump to any moment shows exactly what a straight run shows at
//! that moment; a fork keeps the past and records the new future; memory stays bounded.
// Native only: `wasm-pack test` builds every test target for the browser, where these
// would not run (plain #[test]) and some would not build; the browser tests are wasm_*.rs.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::timeline::Limits;
use nextnumber_core::*;
use proptest::prelude::*;

/// Everything that tells two moments apart: the tick, the event count, the trace hash, the
/// page's view, the history hash and the actions so far.
fn fingerprint(sim: &Simulation) -> String {
    format!(
        "t={} events={} trace={:016x} history={} actions={:?}\n{:?}",
        sim.now().0,
        sim.stats().events,
        sim.trace().hash(),
        History::of(sim).hash_hex(),
        sim.actions(),
        sim.view()
    )
}

/// The straight run of `scenario` to tick `t`: its actions at or before `t`, then time.
fn straight(scenario: &Scenario, t: u64) -> Simulation {
    straight_keeping(scenario, t, None)
}

/// [`straight`], keeping the latest `keep` requests only (`Simulation::set_keep_requests`).
fn straight_keeping(scenario: &Scenario, t: u64, keep: Option<usize>) -> Simulation {
    let mut sim = Simulation::new(scenario.config.clone(), scenario.seed.unwrap()).unwrap();
    sim.trace_mut().enable(50);
    sim.set_keep_requests(keep).unwrap();
    for (at, a) in scenario.actions.iter().filter(|(at, _)| at.0 <= t) {
        sim.run_until(*at);
        sim.act(a.clone()).unwrap();
    }
    sim.run_until(Tick(t));
    sim
}

fn timeline(scenario: &Scenario, limits: Limits) -> Timeline {
    timeline_keeping(scenario, limits, None)
}

fn timeline_keeping(scenario: &Scenario, limits: Limits, keep: Option<usize>) -> Timeline {
    let mut sim = Simulation::new(scenario.config.clone(), scenario.seed.unwrap()).unwrap();
    sim.trace_mut().enable(50);
    sim.set_keep_requests(keep).unwrap();
    Timeline::scripted(sim, scenario, limits).unwrap()
}

fn tight() -> Limits {
    Limits { max_snapshots: 5, budget_bytes: usize::MAX, events_between: 700 }
}

const STORY: &str = "nextnumber/1
seed 11
branches 5
@0 load 25 random
@1200 kill B
@2500 split ABC DE
@2600 ask D
@2600 ask A
@4000 heal
@4100 restart B
@5200 cut A>C
@6000 restore all
@6500 load 0
run 9000
";

#[test]
fn every_jump_shows_what_the_straight_run_shows() {
    let scenario = Scenario::parse(STORY).unwrap();
    let mut t = timeline(&scenario, tight());
    // Forward to the end first, then back and forth, across snapshots and actions, and
    // onto the very ticks of actions.
    for at in [9000, 300, 2600, 2599, 8000, 1200, 0, 4100, 4099, 7000, 2600, 9000, 1] {
        t.seek(Tick(at));
        assert_eq!(fingerprint(t.sim()), fingerprint(&straight(&scenario, at)), "at {at}");
    }
    assert_eq!(t.log(), &scenario.actions[..], "jumping records nothing");
    assert!(t.snapshot_ticks().len() > 2, "the run was long enough to snapshot: {:?}", t.snapshot_ticks());
}

/// With frees deferred (the page), a jump hands back the very run it replaced, and shows
/// what a straight run shows, as without.
#[test]
fn a_deferred_free_hands_back_the_replaced_run() {
    let scenario = Scenario::parse(STORY).unwrap();
    let mut t = timeline(&scenario, tight());
    t.defer_frees();
    t.seek(Tick(9000));
    let before = fingerprint(t.sim());
    t.seek(Tick(1200));
    assert_eq!(fingerprint(t.sim()), fingerprint(&straight(&scenario, 1200)));
    let retired = t.take_retired();
    assert_eq!(retired.len(), 1, "one jump back, one replaced cursor");
    assert_eq!(fingerprint(&retired[0]), before);
    assert!(t.take_retired().is_empty(), "handed back once");
    // Without deferring, nothing is kept.
    let mut plain = timeline(&scenario, tight());
    plain.seek(Tick(9000));
    plain.seek(Tick(1200));
    assert!(plain.take_retired().is_empty());
}

#[test]
fn stepping_and_playing_forward_replay_the_script() {
    let scenario = Scenario::parse(STORY).unwrap();
    let mut t = timeline(&scenario, tight());
    while t.now() < Tick(2600) {
        assert!(t.step());
    }
    assert_eq!(fingerprint(t.sim()), fingerprint(&straight(&scenario, 2600)));
    for at in (2600..=9000).step_by(333) {
        t.run_until(Tick(at));
    }
    t.run_until(Tick(9000));
    assert_eq!(fingerprint(t.sim()), fingerprint(&straight(&scenario, 9000)));
    assert_eq!(t.end(), Tick(9000));
}

#[test]
fn acting_in_the_past_forks_and_records_the_new_future() {
    let scenario = Scenario::parse(STORY).unwrap();
    let mut t = timeline(&scenario, tight());
    t.seek(Tick(9000));
    t.seek(Tick(2550));
    let dropped = t.act(Action::parse("kill A", 5).unwrap()).unwrap();
    // The actions after 2550 are gone (ask D, ask A at 2600 and the five after them).
    assert_eq!(dropped, 7);
    let mut expected: Vec<(Tick, Action)> = scenario.actions.iter().filter(|(at, _)| at.0 <= 2550).cloned().collect();
    expected.push((Tick(2550), Action::parse("kill A", 5).unwrap()));
    assert_eq!(t.log(), &expected[..]);
    assert_eq!(t.end(), Tick(2550));
    assert!(t.snapshot_ticks().iter().all(|s| *s <= Tick(2550)), "{:?}", t.snapshot_ticks());
    // The new branch replays like any run: forward, back, forward again.
    let forked = Scenario { actions: expected, run_until: Some(6000), ..scenario.clone() };
    t.act(Action::parse("ask C", 5).unwrap()).unwrap();
    t.run_until(Tick(6000));
    let mut forked = forked;
    forked.actions.push((Tick(2550), Action::parse("ask C", 5).unwrap()));
    assert_eq!(fingerprint(t.sim()), fingerprint(&straight(&forked, 6000)));
    t.seek(Tick(1000));
    assert_eq!(fingerprint(t.sim()), fingerprint(&straight(&forked, 1000)));
    t.seek(Tick(5000));
    assert_eq!(fingerprint(t.sim()), fingerprint(&straight(&forked, 5000)));
    // The branch as a scenario (a permalink) reproduces it.
    assert_eq!(t.scenario().actions, forked.actions);
    assert_eq!(t.scenario().run_until, Some(6000));
}

#[test]
fn fork_without_acting_drops_the_future() {
    let scenario = Scenario::parse(STORY).unwrap();
    let mut t = timeline(&scenario, tight());
    t.seek(Tick(4000));
    assert_eq!(t.fork(), 4, "restart B, cut, restore and load 0 were ahead");
    assert_eq!(t.end(), Tick(4000));
    t.run_until(Tick(9000));
    let cut = Scenario { actions: scenario.actions[..6].to_vec(), ..scenario.clone() };
    assert_eq!(fingerprint(t.sim()), fingerprint(&straight(&cut, 9000)));
}

#[test]
fn a_refused_action_changes_nothing() {
    let scenario = Scenario::parse(STORY).unwrap();
    let mut t = timeline(&scenario, tight());
    t.seek(Tick(3000));
    let before = fingerprint(t.sim());
    assert!(t.act(Action::Drop(999_999)).is_err());
    assert_eq!(fingerprint(t.sim()), before);
    assert_eq!(t.log(), &scenario.actions[..], "the future is still there");
}

#[test]
fn a_scripted_action_that_cannot_happen_is_dropped_with_a_reason() {
    let scenario = Scenario::parse("nextnumber/1\nseed 2\nbranches 3\n@10 drop 424242\n@20 ask A\nrun 500\n").unwrap();
    let mut t = timeline(&scenario, Limits::default());
    t.run_until(Tick(500));
    assert_eq!(t.log().len(), 1);
    assert!(t.rejected()[0].contains("@10 drop 424242"), "{:?}", t.rejected());
}

#[test]
fn snapshots_stay_within_both_bounds_and_gaps_stay_even() {
    let mut sim = Simulation::new(Config::default(), 5).unwrap();
    sim.trace_mut().enable(0);
    // Snapshots share their append-only chunks, so each costs little: a budget of a few MiB
    // is what makes the bytes bind within ten minutes (5 MiB since the checkers' tables are
    // lists by request ID: at 8 the bytes no longer bound).
    const BUDGET: usize = 5 << 20;
    let limits = Limits { max_snapshots: 8, budget_bytes: BUDGET, events_between: 5_000 };
    let mut t = Timeline::with_limits(sim, limits).unwrap();
    t.act(Action::parse("load 40 random", 5).unwrap()).unwrap();
    let (mut count_bound, mut byte_bound) = (false, false);
    for minute in 1..=10 {
        t.run_until(Tick(minute * 60_000));
        let ticks = t.snapshot_ticks();
        assert!(ticks.len() <= 8, "{ticks:?}");
        assert!(t.snapshot_bytes() <= BUDGET, "{} bytes", t.snapshot_bytes());
        assert_eq!(ticks[0], Tick(0));
        // Early on the count binds; later, as each snapshot grows, the bytes do.
        count_bound |= ticks.len() == 8;
        byte_bound |= count_bound && ticks.len() < 8;
    }
    assert!(count_bound && byte_bound, "both bounds were exercised");
    // Jumps after all that thinning are still exact.
    let scenario = t.scenario();
    for at in [45_000, 599_000, 123_456] {
        t.seek(Tick(at));
        assert_eq!(fingerprint(t.sim()), fingerprint(&straight_untraced_view(&scenario, at)), "at {at}");
    }
}

fn straight_untraced_view(scenario: &Scenario, t: u64) -> Simulation {
    let mut sim = Simulation::new(scenario.config.clone(), scenario.seed.unwrap()).unwrap();
    sim.trace_mut().enable(0);
    for (at, a) in scenario.actions.iter().filter(|(at, _)| at.0 <= t) {
        sim.run_until(*at);
        sim.act(a.clone()).unwrap();
    }
    sim.run_until(Tick(t));
    sim
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any sequence of jumps, plays and actions leaves the cursor where a straight run of
    /// the recorded log would be.
    #[test]
    fn any_walk_matches_a_straight_run(
        seed in 0u64..1_000,
        moves in proptest::collection::vec((0u8..4, 0u64..6_000, 0u8..5), 1..25),
    ) {
        let mut sim = Simulation::new(Config::default(), seed).unwrap();
        sim.trace_mut().enable(50);
        let mut t = Timeline::with_limits(sim, Limits { max_snapshots: 4, budget_bytes: usize::MAX, events_between: 400 }).unwrap();
        t.act(Action::parse("load 15 random", 5).unwrap()).unwrap();
        for (kind, at, b) in moves {
            let branch = (b'A' + b) as char;
            match kind {
                0 => t.seek(Tick(at)),
                1 => t.run_until(Tick(at)),
                2 => { t.act(Action::parse(&format!("kill {branch}"), 5).unwrap()).unwrap(); }
                _ => { t.act(Action::parse(&format!("restart {branch}"), 5).unwrap()).unwrap(); }
            }
        }
        let scenario = t.scenario();
        let now = t.now().0;
        prop_assert_eq!(fingerprint(t.sim()), fingerprint(&straight(&scenario, now)));
    }
}

/// A busy run whose registers, issued Numbers and requests fill several chunks of the
/// snapshots' shared storage (`chunked::CHUNK` elements each), cut in two while
/// customers keep coming at both sides: the minority's uncommitted entries are overwritten
/// when it heals (§5.3), a truncation (at times into a chunk earlier snapshots share).
fn chunky(seed: u64, split: &str) -> Scenario {
    let text = format!(
        "nextnumber/1\nseed {seed}\nbranches 5\n@0 load 200 random\n@6000 split {split}\n@9000 heal\n\
         @12000 split {split}\n@14000 heal\nrun 16000\n"
    );
    Scenario::parse(&text).unwrap()
}

/// Whether some branch's register at `before` is not a prefix of its register at `after`:
/// a truncation happened between them.
fn cut_between(before: &Simulation, after: &Simulation) -> bool {
    NodeId::all(before.config().branches).any(|b| {
        let (old, new) = (&before.replica(b).disk.log, &after.replica(b).disk.log);
        old.len() > new.len() || old.iter().zip(new.iter()).any(|(a, b)| a != b)
    })
}

#[test]
fn the_chunky_run_crosses_chunks_and_truncates_into_them() {
    let mut t = timeline(&chunky(1, "AB CDE"), tight());
    t.seek(Tick(8_999));
    let before = t.sim().clone();
    t.seek(Tick(16_000));
    let longest = NodeId::all(5).map(|b| t.sim().replica(b).disk.log.len()).max().unwrap();
    assert!(longest > 2 * chunked::CHUNK && t.sim().records().len() > 2 * chunked::CHUNK);
    assert!(cut_between(&before, t.sim()), "no register was cut: the test lost its point");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Jumps back and forth over chunk boundaries and truncations land on the very moment a
    /// straight run reaches: the snapshots' shared chunks never leak a later change.
    #[test]
    fn jumps_across_chunks_and_cuts_match_a_straight_run(
        seed in 0u64..1_000,
        split in prop_oneof![Just("AB CDE"), Just("ABC DE"), Just("A BCDE")],
        jumps in proptest::collection::vec(0u64..16_000, 1..5),
    ) {
        let scenario = chunky(seed, split);
        let mut t = timeline(&scenario, tight());
        t.seek(Tick(16_000));
        for at in jumps {
            t.seek(Tick(at));
            prop_assert_eq!(fingerprint(t.sim()), fingerprint(&straight(&scenario, at)));
        }
    }

    /// The same with a window of requests, as the page keeps: a jump lands on the moment a
    /// straight run with the same window reaches, the same requests forgotten, the same
    /// verdicts.
    #[test]
    fn jumps_with_a_window_of_requests_match_a_straight_run(
        seed in 0u64..1_000,
        jumps in proptest::collection::vec(0u64..16_000, 1..5),
    ) {
        let scenario = chunky(seed, "AB CDE");
        let mut t = timeline_keeping(&scenario, tight(), Some(chunked::CHUNK));
        t.seek(Tick(16_000));
        prop_assert!(t.sim().requests_forgotten() > 0, "nothing forgotten: the test lost its point");
        for at in jumps {
            t.seek(Tick(at));
            let straight = straight_keeping(&scenario, at, Some(chunked::CHUNK));
            prop_assert_eq!(t.sim().requests_forgotten(), straight.requests_forgotten());
            prop_assert_eq!(format!("{:?}", t.sim().report()), format!("{:?}", straight.report()));
            prop_assert_eq!(fingerprint(t.sim()), fingerprint(&straight));
        }
    }
}

/// How long jumps take on a one-hour run (the RaftScope workload: 5 branches, 10–15 ms links,
/// a customer every 100 ms at the leader, plus a fire and a flood), with the default
/// limits. Prints times; asserts none (a loaded machine is slower). Run it with
/// `cargo test --release -p nextnumber-core --test timeline -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement: run it with --ignored --nocapture"]
fn jump_times_on_a_one_hour_run() {
    use std::time::Instant;
    let hour = 3_600_000;
    let text = format!(
        "nextnumber/1\nseed 1\nbranches 5\nelection 100 200\n@0 load 10 leader\n@600000 kill A\n@900000 restart A\n\
         @1800000 split ABC DE\n@2400000 heal\nrun {hour}\n"
    );
    let scenario = Scenario::parse(&text).unwrap();
    let mut t = Timeline::from_scenario(&scenario, 1).unwrap();
    let start = Instant::now();
    t.run_until(Tick(hour));
    println!(
        "first pass over the hour: {:.0} ms, {} events, {} snapshots, {:.1} MB of snapshots, {:.1} MB at the end",
        start.elapsed().as_secs_f64() * 1e3,
        t.sim().stats().events,
        t.snapshot_ticks().len(),
        t.snapshot_bytes() as f64 / 1e6,
        t.sim().approx_bytes() as f64 / 1e6
    );
    println!("snapshots at {:?}", t.snapshot_ticks().iter().map(|t| t.0 / 1000).collect::<Vec<_>>());
    // A fixed pseudo-random walk over the hour.
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut times: Vec<f64> = (0..60)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let at = x % hour;
            let start = Instant::now();
            t.seek(Tick(at));
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "60 jumps: median {:.1} ms, p90 {:.1} ms, max {:.1} ms; {} snapshots, {:.1} MB",
        times[30],
        times[54],
        times[59],
        t.snapshot_ticks().len(),
        t.snapshot_bytes() as f64 / 1e6
    );
}
