//! The essay's scenarios (crates/core/scenarios/essay-*.txt, built in as `narration::ESSAY`):
//! each is well narrated and, when run, shows what its story says. The fixture test checks
//! their `# expect:` lines; this one checks the point each makes.
// Native only: `wasm-pack test` builds every test target for the browser, where these
// would not run (plain #[test]) and some would not build; the browser tests are wasm_*.rs.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::charts::series_with;
use nextnumber_core::customer::{Outcome, RequestKind, RequestRecord};
use nextnumber_core::narration::{essay, Narration, ESSAY};
use nextnumber_core::*;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/essay_history_hashes.txt");
const GOLDEN_HEADER: &str =
    "# scenario history-hash: History::hash of each built-in essay scenario run to its end, as\n\
# `nextnumber run --scenario crates/core/scenarios/essay-*.txt` prints it; the browser test\n\
# (wasm_timeline.rs) checks the same figures.\n\
# regenerate: UPDATE_GOLDEN=1 cargo test -p nextnumber-core --release --test essay\n";

/// The history hash of every essay scenario, as the golden file lists them.
fn essay_hashes() -> String {
    ESSAY.iter().map(|(name, _)| format!("{name} {}\n", History::of(&run(name).2).hash_hex())).collect()
}

#[test]
fn history_hashes_match_the_golden_file() {
    let actual = essay_hashes();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(GOLDEN, format!("{GOLDEN_HEADER}{actual}")).expect("write golden file");
        return;
    }
    let golden = std::fs::read_to_string(GOLDEN).expect("the golden file exists");
    let golden: String = golden.lines().filter(|l| !l.starts_with('#')).map(|l| format!("{l}\n")).collect();
    assert_eq!(
        actual, golden,
        "an essay scenario runs differently now; if that is intended, regenerate {GOLDEN} with UPDATE_GOLDEN=1"
    );
}

#[test]
fn a_timeline_plays_each_scenario_to_the_same_history() {
    for (name, _) in ESSAY {
        let (scenario, _) = essay(name).unwrap();
        let mut t = Timeline::from_scenario(&scenario, 1).unwrap();
        t.run_until(Tick(scenario.run_until.unwrap()));
        assert!(t.rejected().is_empty(), "{name}: {:?}", t.rejected());
        let direct = History::of(&run(name).2).hash();
        assert_eq!(History::of(t.sim()).hash(), direct, "{name}");
        // And back to the start and forward again.
        t.seek(Tick(0));
        t.seek(Tick(scenario.run_until.unwrap()));
        assert_eq!(History::of(t.sim()).hash(), direct, "{name} after a rewind");
    }
}

fn run(name: &str) -> (Scenario, Narration, Simulation) {
    let (scenario, narration) = essay(name).unwrap_or_else(|| panic!("{name} is built in and parses"));
    let sim = scenario.run(1).unwrap_or_else(|e| panic!("{name}: {e}"));
    (scenario, narration, sim)
}

fn numbers(sim: &Simulation) -> Vec<(&RequestRecord, u64)> {
    sim.records()
        .iter()
        .filter_map(|r| match r.result {
            Some(Outcome::Number { number }) => Some((r, number)),
            _ => None,
        })
        .collect()
}

fn problems(sim: &Simulation) -> Vec<&'static str> {
    sim.report().violations().iter().map(|(_, v)| v.invariant.code()).collect()
}

#[test]
fn every_essay_scenario_is_named_narrated_and_linkable() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let files = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("essay-"))
        .count();
    assert_eq!(files, ESSAY.len(), "every essay-*.txt is built in");
    for (name, text) in ESSAY {
        let (scenario, narration) = essay(name).unwrap();
        assert_eq!(scenario.name.as_deref(), Some(name));
        assert!(scenario.seed.is_some(), "{name}: a fixed seed, so the page and the CLI agree");
        assert!(narration.title.is_some(), "{name}: a title");
        assert!(narration.steps.len() >= 4, "{name}: a story of several steps");
        let end = scenario.run_until.unwrap();
        assert!(narration.steps.iter().all(|s| s.tick <= end), "{name}: every step within the run");
        assert!(text.contains("# expect:"), "{name}: an expectation for the fixture test");
        let link = permalink::encode(&scenario).unwrap();
        assert_eq!(permalink::decode(&link), Ok(scenario.clone()), "{name}");
        assert!(link.len() < 600, "{name}: a short link ({} characters)", link.len());
    }
    assert!(ESSAY.iter().any(|(_, t)| Narration::parse(t).unwrap().challenge.is_some()), "at least one challenge");
}

#[test]
fn one_office_serves_in_arrival_order_and_stops_when_it_burns() {
    let (_, _, sim) = run("one-office");
    assert!(problems(&sim).is_empty(), "{:?}", problems(&sim));
    let issued = numbers(&sim);
    assert!(issued.len() > 20);
    // One officer: whoever asked first got the smaller Number, before the fire and after
    // the crowd that gathered during it was served.
    let in_order = |from: u64, to: u64| {
        let mut v: Vec<_> = issued.iter().filter(|(r, _)| from <= r.invoke && r.complete.unwrap() < to).collect();
        v.sort_by_key(|(r, _)| r.invoke);
        assert!(v.len() > 5, "{from}..{to}");
        assert!(v.windows(2).all(|w| w[0].1 < w[1].1), "Numbers in arrival order from {from} to {to}");
    };
    in_order(0, 3_000);
    in_order(6_500, 10_000);
    // Nobody was told a Number while the office was down (3 s to 6 s).
    assert!(!issued.iter().any(|(r, _)| (3_000..6_000).contains(&r.complete.unwrap())));
    assert!(issued.iter().any(|(r, _)| r.invoke < 6_000 && r.complete.unwrap() > 6_000), "the queue waited it out");
}

#[test]
fn clerks_issue_out_of_arrival_order_yet_unique_and_gapless() {
    let (_, _, sim) = run("clerks-and-the-officer");
    assert!(problems(&sim).is_empty(), "{:?}", problems(&sim));
    let issued = numbers(&sim);
    let mut all: Vec<u64> = issued.iter().map(|(_, n)| *n).collect();
    all.sort_unstable();
    assert_eq!(all, (1..=all.len() as u64).collect::<Vec<_>>(), "unique and gapless");
    let overtaken = issued
        .iter()
        .flat_map(|(a, na)| issued.iter().map(move |(b, nb)| (a, na, b, nb)))
        .filter(|(a, na, b, nb)| a.invoke < b.invoke && na > nb)
        .count();
    assert!(overtaken > 20, "customers who came later got smaller Numbers ({overtaken} pairs)");
    let branches: std::collections::BTreeSet<_> = issued.iter().map(|(r, _)| r.branch).collect();
    assert_eq!(branches.len(), 5, "customers at every branch");
}

#[test]
fn the_fire_pauses_service_and_a_new_main_office_carries_on() {
    let (_, _, sim) = run("fire-at-the-main-office");
    assert!(problems(&sim).is_empty(), "{:?}", problems(&sim));
    let h = History::of(&sim);
    let first = &h.leaders[0];
    assert_eq!(first.branch, NodeId(0));
    let next = h.leaders.iter().find(|l| l.tick > 3_000).expect("a new Main Office after the fire");
    assert_ne!(next.branch, NodeId(0));
    assert!(next.tick < 4_000, "elected within a second, at {}", next.tick);
    let s = series_with(sim.records(), 11_000, 100);
    assert!(s.windows[31..40].iter().any(|w| w.numbers == 0), "a pause after the fire");
    assert!(s.windows[45..85].iter().all(|w| w.numbers > 0), "then service as before");
    assert!(
        sim.records().iter().any(|r| r.attempts > 1 && matches!(r.result, Some(Outcome::Number { .. }))),
        "a retry got its Number"
    );
}

#[test]
fn pigeon_mail_keeps_the_majority_working_slowly_and_the_isolated_waiting() {
    let (_, _, sim) = run("flood-and-pigeon-mail");
    assert!(problems(&sim).is_empty(), "{:?}", problems(&sim));
    let r = sim.records();
    let at = |b: u8, kind: RequestKind| {
        r.iter().find(|x| x.branch == NodeId(b) && x.invoke == 120_000 && x.kind == kind).unwrap()
    };
    let hour = 3_600_000;
    for b in [1, 2] {
        let x = at(b, RequestKind::Issue);
        assert!(matches!(x.result, Some(Outcome::Number { .. })), "{x:?}");
        let took = x.complete.unwrap() - x.invoke;
        assert!(took > 2 * hour && took < 9 * hour, "served by pigeon in {} h", took as f64 / hour as f64);
    }
    assert!(r[0].complete.unwrap() < 1_100, "before the flood, a Number in a blink");
    let d = at(3, RequestKind::Issue);
    assert!(d.result.is_none() && d.attempts > 1, "D, alone, cannot issue, however often asked: {d:?}");
    let e = r.iter().find(|x| x.branch == NodeId(4) && x.kind == RequestKind::Read).unwrap();
    let Some(Outcome::Read { read, linearizable: false }) = e.result else { panic!("a stale read at E: {e:?}") };
    assert!(read < 3, "E is behind: Numbers 1 to 3 were issued, E knew of {read}");
}

#[test]
fn the_same_request_id_at_another_branch_gets_the_same_number() {
    let (_, _, sim) = run("lost-confirmation");
    assert!(problems(&sim).is_empty(), "{:?}", problems(&sim));
    let issued = numbers(&sim);
    assert_eq!(issued.len(), 1, "one customer, one Number");
    let (r, n) = issued[0];
    assert_eq!((r.request.to_string(), n, r.attempts), ("c1-1".into(), 1, 2));
    assert!(r.complete.unwrap() > 2_500, "answered only after the retry at B");
    // The Number was issued before the customer gave up on C: the retry found it.
    assert!(sim.replica(NodeId(0)).register.sequence.len() == 1);
}

#[test]
fn without_the_quorum_two_children_share_a_number() {
    let (_, _, sim) = run("split-brain");
    assert!(problems(&sim).contains(&"I1"));
    let issued = numbers(&sim);
    let dup = issued.iter().find(|(a, na)| issued.iter().any(|(b, nb)| na == nb && a.request != b.request));
    let (a, _) = dup.expect("a Number told to two customers");
    assert!(a.complete.unwrap() > 2_000, "after the flood");
}

#[test]
fn with_the_quorum_the_small_side_waits_and_reads_are_marked_stale() {
    let (_, narration, sim) = run("the-quorum-holds");
    assert!(problems(&sim).is_empty(), "{:?}", problems(&sim));
    assert!(narration.challenge.is_some());
    // The small side issues nothing: D's and E's registers do not grow while A's does.
    let upto = |t: u64| {
        let (mut s, _) = essay("the-quorum-holds").unwrap();
        s.actions.retain(|(at, _)| at.0 <= t);
        s.run_until = Some(t);
        s.run(1).unwrap()
    };
    let (split, late) = (upto(2_000), upto(5_900));
    let applied = |sim: &Simulation, b: u8| sim.replica(NodeId(b)).register.sequence.len();
    for b in [3, 4] {
        assert_eq!(applied(&late, b), applied(&split, b), "branch {} issued nothing while cut off", NodeId(b));
    }
    assert!(applied(&late, 0) > applied(&split, 0) + 20, "the majority kept issuing");
    let read = sim.records().iter().find(|r| r.kind == RequestKind::Read).unwrap();
    assert!(matches!(read.result, Some(Outcome::Read { linearizable: false, .. })), "{read:?}");
    assert_eq!(applied(&sim, 3), applied(&sim, 0), "D caught up after the heal");
}

#[test]
fn without_a_request_id_one_child_gets_two_numbers() {
    let (_, _, sim) = run("two-numbers-for-one-child");
    assert!(problems(&sim).contains(&"I7"));
    let issued = numbers(&sim);
    let retry = issued.iter().find(|(r, _)| r.retry_of.is_some()).expect("the retry got a Number");
    assert_eq!(retry.0.retry_of.unwrap().to_string(), "c1-1");
    assert_eq!(sim.replica(NodeId(0)).register.sequence.len(), 2, "two Numbers issued for one child");
}

#[test]
fn distance_sets_a_floor_under_every_answer() {
    let (_, _, sim) = run("latency-floor");
    assert!(problems(&sim).is_empty(), "{:?}", problems(&sim));
    let issued = numbers(&sim);
    let latency = |from: u64, to: u64| -> Vec<u64> {
        issued
            .iter()
            .filter(|(r, _)| (from..to).contains(&r.invoke))
            .map(|(r, _)| r.complete.unwrap() - r.invoke)
            .collect()
    };
    let asia = latency(1_000, 29_000);
    let moon = latency(33_000, 58_000);
    assert!(asia.len() > 50 && moon.len() > 50);
    assert!(asia.iter().all(|l| *l >= 240), "a round trip to a majority: {:?}", asia.iter().min());
    assert!(moon.iter().all(|l| *l >= 2_600), "the Moon: {:?}", moon.iter().min());
    println!(
        "asia {:?}..{:?}, moon {:?}..{:?}",
        asia.iter().min(),
        asia.iter().max(),
        moon.iter().min(),
        moon.iter().max()
    );
}

#[test]
fn a_branch_that_only_speaks_has_its_request_fulfilled_unknowing_and_unseats_the_office() {
    let (_, _, sim) = run("one-way-flood");
    assert!(problems(&sim).is_empty(), "{:?}", problems(&sim));
    let issued = numbers(&sim);
    assert_eq!(issued.len(), 1, "one request, one Number");
    let (record, number) = issued[0];
    assert_eq!((record.request.to_string().as_str(), number, record.attempts), ("c1-1", 1, 2));
    let d = NodeId(3);
    assert!(sim.replica(d).register.sequence.is_empty(), "D never learns of the Number it asked for");
    assert_eq!(sim.replica(NodeId(0)).register.sequence.len(), 1, "the retry got the old Number, not a new one");
    // Every election D calls raises everyone's term and unseats the office: the four that
    // talk both ways have to elect again and again (term 1 would have lasted the run).
    let a = sim.replica(NodeId(0)).disk.term.0;
    assert!(a >= 5, "D's calls deposed the office again and again: A is in term {a}");
}

#[test]
fn no_letter_makes_two_generals_sure_but_the_same_request_id_asked_again_does() {
    let (_, _, sim) = run("two-generals");
    assert!(problems(&sim).is_empty(), "{:?}", problems(&sim));
    let mut got: Vec<u64> = numbers(&sim).iter().map(|(_, n)| *n).collect();
    got.sort_unstable();
    assert_eq!(got, [1, 2], "each customer one Number, none skipped");
    let retried = numbers(&sim).into_iter().find(|(r, _)| r.attempts > 1).expect("a lost answer was asked for again");
    assert_eq!(retried.0.request.to_string(), "c1-1");
    assert_eq!(sim.replica(NodeId(0)).register.sequence.len(), 2, "asking again issued nothing new");
    assert!(sim.stats().messages_dropped > 10, "the road lost letters: {}", sim.stats().messages_dropped);
}

/// The Numbers a branch applied, in register order.
fn applied(sim: &Simulation, b: NodeId) -> Vec<u64> {
    sim.replica(b).register.sequence.iter().map(|(_, n)| n.0).collect()
}

#[test]
fn a_number_given_at_commit_survives_a_customer_who_leaves_and_a_fire() {
    let (_, _, sim) = run("numbers-at-commit");
    assert!(problems(&sim).is_empty(), "{:?}", problems(&sim));
    assert_eq!(applied(&sim, NodeId(0)), [1, 2, 3, 4, 5, 6], "unique and gapless");
    let c2 = sim.records().iter().find(|r| r.request.to_string() == "c2-1").unwrap();
    assert_eq!((c2.result.as_ref(), c2.complete), (None, None), "c2 left without an answer");
    let held = sim.replica(NodeId(0)).register.sequence.iter().find(|(r, _)| *r == c2.request).map(|(_, n)| n.0);
    assert_eq!(held, Some(2), "yet its certificate holds Number 2: no hole");
    let (caught, number) = numbers(&sim).into_iter().find(|(r, _)| r.request.to_string() == "c1-3").unwrap();
    assert_eq!((number, caught.attempts), (5, 2), "the request the fire caught got the next Number, once");
}

#[test]
fn a_number_stamped_at_the_door_is_lost_with_a_customer_who_leaves_or_a_fire() {
    let (_, _, sim) = run("number-at-the-door");
    assert_eq!(applied(&sim, NodeId(0)), [1, 3, 6, 7, 8]);
    let report = sim.report();
    let gaps: Vec<&str> = report.violations().iter().map(|(_, v)| v.invariant.code()).collect();
    assert!(!gaps.is_empty() && gaps.iter().all(|c| *c == "I2"), "only the gaps are wrong: {gaps:?}");
    let named = report.violations().iter().any(|(_, v)| v.detail.ends_with("no one holds Numbers 2, 4, 5"));
    assert!(named, "the checker names the holes: {:?}", report.violations());
}

/// Under load, with half the customers walking away at some moment within their patience
/// (a quarter of those before their answer, letters taking 100 to 150 ms): the real service keeps its Numbers
/// gapless (a walker's request is filed or not, and a Number exists only if filed); the
/// door leaves holes.
#[test]
fn customers_who_walk_away_under_load_leave_holes_only_at_the_door() {
    let day = |variant: &str| {
        let text = format!(
            "nextnumber/1\nseed 4\nbranches 3\n{variant}\nlatency 100 150\nelection 1000 2000\nheartbeat 300\n\
             @0 timeout A\n@0 walk-away 50\n@500 load 30 leader\n@4500 load 0\nrun 8000\n"
        );
        Scenario::parse(&text).unwrap().run(1).unwrap()
    };
    let safe = day("");
    assert!(problems(&safe).is_empty(), "{:?}", problems(&safe));
    let walked = safe.records().iter().filter(|r| r.complete.is_none()).count();
    assert!(walked >= 5, "customers walked away: {walked}");
    let door = day("variant number-at-the-door");
    assert!(problems(&door).contains(&"I2"), "{:?}", problems(&door));
}

#[test]
fn a_decree_must_still_win_the_votes_and_cannot_open_a_closed_office() {
    let (_, _, sim) = run("higher-authority");
    assert!(problems(&sim).is_empty(), "{:?}", problems(&sim));
    let verdict = |b: u8| sim.decree_of(NodeId(b)).map(|(_, v)| v.clone()).unwrap();
    assert!(verdict(2).starts_with("C cannot win: C's register lacks Number 4, which"), "{}", verdict(2));
    assert!(verdict(1).starts_with("B stands for election"), "{}", verdict(1));
    assert!(verdict(0).starts_with("Office closed until further notice"), "{}", verdict(0));
    let h = History::of(&sim);
    let term_of = |b: u8| h.leaders.iter().filter(|l| l.branch == NodeId(b)).map(|l| l.tick).collect::<Vec<_>>();
    assert!(term_of(2).is_empty(), "C never took office: {:?}", h.leaders);
    assert!(term_of(1).iter().any(|t| (6_000..6_500).contains(t)), "B took office by its votes: {:?}", h.leaders);
    assert!(!h.leaders.iter().any(|l| l.tick > 8_000), "no one took office with two of five: {:?}", h.leaders);
    let mut got: Vec<u64> = numbers(&sim).iter().map(|(_, n)| *n).collect();
    got.sort_unstable();
    assert_eq!(got, (1..=got.len() as u64).collect::<Vec<_>>(), "unique and gapless");
}

#[test]
fn a_decree_obeyed_without_a_vote_gives_numbers_twice() {
    let (_, _, sim) = run("obey-the-decree");
    let found = problems(&sim);
    assert!(found.contains(&"I4") && found.contains(&"I1"), "{found:?}");
    let report = sim.report();
    let first = &report.violations()[0].1;
    assert_eq!(first.detail, "C leads term 2 without committed entry 5", "caught the moment C took office");
}

#[test]
fn a_customer_away_from_the_main_office_waits_four_pigeon_trips_or_three_confirmed_directly() {
    const HOUR: u64 = 3_600_000;
    for (name, at_b) in [("four-pigeon-trips", 4), ("three-pigeon-trips", 3)] {
        let (_, _, sim) = run(name);
        assert!(problems(&sim).is_empty(), "{name}: {:?}", problems(&sim));
        let seen: Vec<(NodeId, Option<Critical>)> = sim.records().iter().map(|r| (r.branch, r.critical)).collect();
        let trips = |trips: u8| Some(Critical { trips, ms: trips as u64 * HOUR });
        assert_eq!(seen, vec![(NodeId(1), trips(at_b)), (NodeId(0), trips(2))], "{name}");
        let path = sim.latest_path().expect("the answer at A is traced");
        assert_eq!(path.trips.len(), 2, "{name}: out to B and C and back: {path:?}");
    }
}
