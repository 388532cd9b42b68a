//! The history checker, judged on generated histories.
//!
//! (a) Histories produced by a correct sequential model never raise a violation.
//! (b) Each single mutation that breaks one invariant is caught, and named correctly.
//! (c) `History::from_json` never panics, and accepts only what it promises to validate.
//!
//! The model: every operation takes effect at one instant (its linearization point) inside
//! its interval [invoke, complete]; points are strictly increasing in generation order, so
//! Numbers are unique, gapless and follow real time, while intervals overlap freely. A
//! request that timed out may or may not hold a Number; a refused one holds none. Every
//! branch has applied a prefix of the one canonical sequence.
// Native only: `wasm-pack test` builds every test target for the browser, where these
// would not run (plain #[test]) and some would not build; the browser tests are wasm_*.rs.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::check::{check_history, Invariant};
use nextnumber_core::config::{limits, Config};
use nextnumber_core::customer::{Outcome, RequestKind, RequestRecord};
use nextnumber_core::history::LeaderRecord;
use nextnumber_core::history::{History, HISTORY_FORMAT};
use nextnumber_core::ids::*;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use proptest::test_runner::RngSeed;
use proptest::test_runner::{TestCaseError, TestRunner};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const SEED: u64 = 0x6e65_7874_6e75_6d31;

/// Deterministic by default, as every run here is ("one seed reproduces everything");
/// `PROPTEST_RNG_SEED=<n>` explores other cases.
fn seeded(cases: u32) -> ProptestConfig {
    let mut c = ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() };
    if c.rng_seed == RngSeed::Random {
        c.rng_seed = RngSeed::Fixed(SEED);
    }
    c
}

// The model.

#[derive(Clone, Copy, Debug)]
enum Fate {
    /// Issued a Number and the customer heard it.
    Answered,
    /// Issued a Number, but the answer was lost: the record says nothing.
    TimedOutIssued,
    /// Never issued, and the customer never heard.
    TimedOutLost,
    /// Definitely refused: never issued.
    Refused,
    /// At-least-once: the first try was lost unissued, the retry (a new request, marked
    /// `retry_of`) was issued and answered.
    RetriedOnce,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Issue(Fate),
    Read { linearizable: bool, answered: bool },
}

#[derive(Clone, Copy, Debug)]
struct OpSpec {
    kind: Kind,
    /// How long before its linearization point the operation was invoked, and how long after
    /// it completed. Points are 20 ticks apart, so neighbours often overlap.
    before: u64,
    after: u64,
    client: u32,
}

const POINT_SPACING: u64 = 20;

fn op_spec() -> impl Strategy<Value = OpSpec> {
    let fate = prop_oneof![
        6 => Just(Fate::Answered),
        1 => Just(Fate::TimedOutIssued),
        1 => Just(Fate::TimedOutLost),
        1 => Just(Fate::Refused),
        1 => Just(Fate::RetriedOnce),
    ];
    let read = (any::<bool>(), proptest::bool::weighted(0.8))
        .prop_map(|(linearizable, answered)| Kind::Read { linearizable, answered });
    let kind = prop_oneof![4 => fate.prop_map(Kind::Issue), 1 => read];
    (kind, 0..40u64, 0..40u64, 1..=4u32).prop_map(|(kind, before, after, client)| OpSpec {
        kind,
        before,
        after,
        client,
    })
}

fn record(
    request: RequestId,
    branch: NodeId,
    kind: RequestKind,
    invoke: u64,
    complete: Option<u64>,
    result: Option<Outcome>,
) -> RequestRecord {
    RequestRecord {
        request,
        client: request.client,
        branch,
        kind,
        invoke,
        complete,
        result,
        retry_of: None,
        attempts: 1,
        critical: None,
    }
}

/// Runs the sequential model over `specs` and writes down what a correct service would.
fn build(
    n: usize,
    seed: u64,
    specs: &[OpSpec],
    prefixes: &[u16],
    leaders: &[(u8, bool)],
    order_keys: &[u16],
) -> History {
    let mut seqs: BTreeMap<u32, u32> = BTreeMap::new();
    let mut new_id = |client: u32| {
        let s = seqs.entry(client).or_insert(0);
        *s += 1;
        RequestId { client: ClientId(client), seq: *s }
    };
    let mut records = Vec::new();
    let mut canonical: Vec<(RequestId, u64)> = Vec::new();
    for (j, s) in specs.iter().enumerate() {
        let point = 100 + POINT_SPACING * j as u64;
        let (invoke, complete) = (point - s.before, point + s.after);
        let branch = NodeId((j % n) as u8);
        let issued = canonical.len() as u64;
        let r = new_id(s.client);
        match s.kind {
            Kind::Issue(Fate::Answered) => {
                canonical.push((r, issued + 1));
                let number = Some(Outcome::Number { number: issued + 1 });
                records.push(record(r, branch, RequestKind::Issue, invoke, Some(complete), number));
            }
            Kind::Issue(Fate::TimedOutIssued) => {
                canonical.push((r, issued + 1));
                records.push(record(r, branch, RequestKind::Issue, invoke, None, None));
            }
            Kind::Issue(Fate::TimedOutLost) => records.push(record(r, branch, RequestKind::Issue, invoke, None, None)),
            Kind::Issue(Fate::Refused) => {
                let error = Some(Outcome::Error { error: "no quorum reachable".to_string() });
                records.push(record(r, branch, RequestKind::Issue, invoke, Some(complete), error));
            }
            Kind::Issue(Fate::RetriedOnce) => {
                records.push(record(r, branch, RequestKind::Issue, invoke - 50, None, None));
                let retry = new_id(s.client);
                canonical.push((retry, issued + 1));
                let number = Some(Outcome::Number { number: issued + 1 });
                let mut rec = record(retry, branch, RequestKind::Issue, invoke, Some(complete), number);
                rec.retry_of = Some(r);
                records.push(rec);
            }
            Kind::Read { linearizable, answered: true } => {
                // A stale read may report anything issued so far; a linearizable one, all of it.
                let read = if linearizable { issued } else { issued / 2 };
                let result = Some(Outcome::Read { read, linearizable });
                records.push(record(r, branch, RequestKind::Read, invoke, Some(complete), result));
            }
            Kind::Read { answered: false, .. } => {
                records.push(record(r, branch, RequestKind::Read, invoke, None, None))
            }
        }
    }
    // The file lists records in any order; the checker must not depend on it.
    let mut keyed: Vec<(u16, usize, RequestRecord)> =
        records.into_iter().enumerate().map(|(i, r)| (order_keys.get(i).copied().unwrap_or(0), i, r)).collect();
    keyed.sort_by_key(|(k, i, _)| (*k, *i));
    let applied = (0..n)
        .map(|b| {
            let len = canonical.len() * prefixes[b] as usize / 1000;
            (NodeId(b as u8), canonical[..len].to_vec())
        })
        .collect();
    let mut leader_log = Vec::new();
    for (t, &(branch, twice)) in leaders.iter().enumerate() {
        let l = LeaderRecord { term: Term(t as u64 + 1), branch: NodeId(branch % n as u8), tick: 10 * t as u64 };
        if twice {
            // The same leader reported twice is still one leader.
            leader_log.push(LeaderRecord { tick: l.tick + 1, ..l.clone() });
        }
        leader_log.push(l);
    }
    History {
        format: HISTORY_FORMAT.to_string(),
        seed,
        config: Config { branches: n, ..Config::default() },
        requests: keyed.into_iter().map(|(_, _, r)| r).collect(),
        applied,
        leaders: leader_log,
    }
}

fn valid_history() -> impl Strategy<Value = History> {
    (1..=5usize, vec(op_spec(), 0..24), any::<u64>())
        .prop_flat_map(|(n, specs, seed)| {
            let prefix = prop_oneof![Just(1000u16), 0..=1000u16];
            let len = 2 * specs.len();
            (
                Just(n),
                Just(seed),
                Just(specs),
                vec(prefix, n),
                vec((0..n as u8, any::<bool>()), 0..6),
                vec(any::<u16>(), len),
            )
        })
        .prop_map(|(n, seed, specs, prefixes, leaders, keys)| build(n, seed, &specs, &prefixes, &leaders, &keys))
}

// Views of a history, for the mutations.

fn caught(h: &History) -> BTreeSet<Invariant> {
    check_history(h).list().iter().map(|v| v.invariant).collect()
}

fn told_number(r: &RequestRecord) -> Option<u64> {
    match r.result {
        Some(Outcome::Number { number }) => Some(number),
        _ => None,
    }
}

/// Records whose customer was told a Number.
fn answered(h: &History) -> Vec<usize> {
    (0..h.requests.len()).filter(|&i| told_number(&h.requests[i]).is_some()).collect()
}

fn canonical(h: &History) -> Vec<(RequestId, u64)> {
    h.applied.values().max_by_key(|s| s.len()).cloned().unwrap_or_default()
}

fn bound(h: &History, request: RequestId) -> Option<u64> {
    h.applied.values().flatten().find(|(r, _)| *r == request).map(|(_, n)| *n)
}

/// Two distinct positions out of `len` (len >= 2).
fn two(len: usize, a: Index, b: Index) -> (usize, usize) {
    let i = a.index(len);
    let j = (i + 1 + b.index(len - 1)) % len;
    (i, j)
}

/// A request nobody else uses, recorded as invoked (so only the intended check fires).
fn fresh_record(h: &mut History, client: u32) -> RequestId {
    let r = RequestId { client: ClientId(client), seq: 1 };
    h.requests.push(record(r, NodeId(0), RequestKind::Issue, 5, None, None));
    r
}

fn expect(h: &History, invariant: Invariant) -> Result<(), TestCaseError> {
    let found = caught(h);
    prop_assert!(found.contains(&invariant), "expected {:?}, caught {:?} in {}", invariant, found, h.to_json());
    Ok(())
}

// (a) A correct model raises no violation.

proptest! {
    #![proptest_config(seeded(2048))]

    #[test]
    fn histories_of_a_correct_service_raise_no_violation(h in valid_history()) {
        let v = check_history(&h);
        prop_assert!(v.is_empty(), "{:?}\nin {}", v.list(), h.to_json());
    }
}

/// The "sometimes" half of (a): the generator does produce what the checks look at, so the
/// absence of violations above is not vacuous.
#[test]
fn the_model_generates_the_situations_the_checks_look_at() {
    let mut runner = TestRunner::deterministic();
    let strategy = valid_history();
    let (mut numbers, mut overlaps, mut ordered, mut reads, mut chains, mut timed_out_bound, mut lagging) =
        (0, 0, 0, 0, 0, 0, 0);
    for _ in 0..300 {
        let h = strategy.new_tree(&mut runner).unwrap().current();
        let ans = answered(&h);
        numbers += usize::from(ans.len() >= 3);
        let pairs = ans.iter().flat_map(|&a| ans.iter().map(move |&b| (a, b)));
        let (mut overlap, mut order) = (false, false);
        for (a, b) in pairs.filter(|(a, b)| a != b) {
            let (ra, rb) = (&h.requests[a], &h.requests[b]);
            let (ca, cb) = (ra.complete.unwrap(), rb.complete.unwrap());
            overlap |= ra.invoke <= cb && rb.invoke <= ca;
            order |= ca < rb.invoke;
        }
        overlaps += usize::from(overlap);
        ordered += usize::from(order);
        reads += usize::from(
            h.requests.iter().any(|r| matches!(r.result, Some(Outcome::Read { linearizable: true, read }) if read > 0)),
        );
        chains += usize::from(h.requests.iter().any(|r| r.retry_of.is_some()));
        timed_out_bound += usize::from(h.requests.iter().any(|r| r.result.is_none() && bound(&h, r.request).is_some()));
        lagging += usize::from(h.applied.values().map(Vec::len).collect::<BTreeSet<_>>().len() > 1);
    }
    for (what, count) in [
        ("three or more Numbers told", numbers),
        ("overlapping issues", overlaps),
        ("issues ordered in real time", ordered),
        ("linearizable reads of a Number", reads),
        ("at-least-once retry chains", chains),
        ("timed-out requests holding a Number", timed_out_bound),
        ("branches lagging behind others", lagging),
    ] {
        assert!(count >= 30, "only {count} of 300 histories had {what}");
    }
}

// (b) Each mutation is caught, with the right invariant.

proptest! {
    #![proptest_config(ProptestConfig { max_global_rejects: 4096, ..seeded(512) })]

    #[test]
    fn i1_one_number_told_to_two_requests(mut h in valid_history(), a in any::<Index>(), b in any::<Index>()) {
        let ans = answered(&h);
        prop_assume!(ans.len() >= 2);
        let (i, j) = two(ans.len(), a, b);
        h.requests[ans[j]].result = h.requests[ans[i]].result.clone();
        expect(&h, Invariant::I1Unique)?;
    }

    #[test]
    fn i1_one_number_bound_to_two_requests_by_two_branches(mut h in valid_history(), k in any::<Index>(), x in any::<Index>(), y in any::<Index>()) {
        let canon = canonical(&h);
        let n = h.config.branches;
        prop_assume!(n >= 2 && !canon.is_empty());
        let (bx, by) = two(n, x, y);
        let k = k.index(canon.len());
        let other = fresh_record(&mut h, 99);
        // Both branches have applied the whole sequence, but `by` bound Number k+1 elsewhere.
        h.applied.insert(NodeId(bx as u8), canon.clone());
        let mut diverged = canon.clone();
        diverged[k].0 = other;
        h.applied.insert(NodeId(by as u8), diverged);
        expect(&h, Invariant::I1Unique)?;
    }

    #[test]
    fn i2_a_number_missing_from_the_middle_of_a_branch(mut h in valid_history(), k in any::<Index>()) {
        let (&b, seq) = h.applied.iter().max_by_key(|(_, s)| s.len()).expect("at least one branch");
        prop_assume!(seq.len() >= 2);
        // Removing the last would leave a valid, shorter prefix.
        let k = k.index(seq.len() - 1);
        h.applied.get_mut(&b).unwrap().remove(k);
        expect(&h, Invariant::I2Gapless)?;
        let v = check_history(&h);
        let gap = v.list().iter().find(|v| v.invariant == Invariant::I2Gapless).unwrap();
        prop_assert_eq!(&gap.branches, &vec![b]);
    }

    #[test]
    fn i3_one_request_bound_to_two_numbers(mut h in valid_history(), a in any::<Index>(), b in any::<Index>()) {
        let canon = canonical(&h);
        prop_assume!(canon.len() >= 2);
        let (i, j) = two(canon.len(), a, b);
        let (first, second) = (i.min(j), i.max(j));
        // As the no-dedup variant does: a second entry for the same request, a second Number.
        let twice = canon[first].0;
        for seq in h.applied.values_mut() {
            if let Some(e) = seq.get_mut(second) {
                e.0 = twice;
            }
        }
        expect(&h, Invariant::I3Idempotent)?;
    }

    #[test]
    fn i3_a_customer_told_a_number_other_than_the_binding(mut h in valid_history(), a in any::<Index>()) {
        let told_and_bound: Vec<usize> =
            answered(&h).into_iter().filter(|&i| bound(&h, h.requests[i].request).is_some()).collect();
        prop_assume!(!told_and_bound.is_empty());
        let i = told_and_bound[a.index(told_and_bound.len())];
        let n = told_number(&h.requests[i]).unwrap();
        h.requests[i].result = Some(Outcome::Number { number: n + 1000 });
        expect(&h, Invariant::I3Idempotent)?;
    }

    #[test]
    fn i3_a_refused_request_that_holds_a_number(mut h in valid_history(), a in any::<Index>()) {
        let holders: Vec<usize> = (0..h.requests.len()).filter(|&i| bound(&h, h.requests[i].request).is_some()).collect();
        prop_assume!(!holders.is_empty());
        let i = holders[a.index(holders.len())];
        h.requests[i].result = Some(Outcome::Error { error: "not the leader".to_string() });
        expect(&h, Invariant::I3Idempotent)?;
    }

    #[test]
    fn i5_one_branch_applies_a_different_sequence(mut h in valid_history(), k in any::<Index>(), x in any::<Index>(), y in any::<Index>(), swap in any::<bool>()) {
        let canon = canonical(&h);
        let n = h.config.branches;
        prop_assume!(n >= 2 && !canon.is_empty());
        let (bx, by) = two(n, x, y);
        let k = k.index(canon.len());
        let mut diverged = canon.clone();
        if swap && k + 1 < canon.len() {
            // The same requests, in another order.
            let (r0, r1) = (diverged[k].0, diverged[k + 1].0);
            diverged[k].0 = r1;
            diverged[k + 1].0 = r0;
        } else {
            diverged[k].0 = fresh_record(&mut h, 99);
        }
        h.applied.insert(NodeId(bx as u8), canon);
        h.applied.insert(NodeId(by as u8), diverged);
        expect(&h, Invariant::I5Agreement)?;
    }

    #[test]
    fn i6_an_earlier_completed_request_holds_the_larger_number(mut h in valid_history(), p in any::<Index>()) {
        let ans = answered(&h);
        let pairs: Vec<(usize, usize)> = ans
            .iter()
            .flat_map(|&a| ans.iter().map(move |&b| (a, b)))
            .filter(|&(a, b)| h.requests[a].complete.unwrap() < h.requests[b].invoke)
            .collect();
        prop_assume!(!pairs.is_empty());
        let (a, b) = pairs[p.index(pairs.len())];
        let (na, nb) = (told_number(&h.requests[a]).unwrap(), told_number(&h.requests[b]).unwrap());
        prop_assert!(na < nb, "the model itself is not linearizable");
        let (ra, rb) = (h.requests[a].request, h.requests[b].request);
        // Swap everywhere, so only real-time order is broken: gapless, unique and agreed.
        h.requests[a].result = Some(Outcome::Number { number: nb });
        h.requests[b].result = Some(Outcome::Number { number: na });
        for seq in h.applied.values_mut() {
            for e in seq.iter_mut() {
                if *e == (ra, na) {
                    *e = (rb, na);
                } else if *e == (rb, nb) {
                    *e = (ra, nb);
                }
            }
        }
        let found = caught(&h);
        prop_assert_eq!(found, BTreeSet::from([Invariant::I6Linearizable]));
    }

    #[test]
    fn i7_a_retry_chain_that_ends_with_two_numbers(mut h in valid_history(), a in any::<Index>()) {
        let ans = answered(&h);
        prop_assume!(!ans.is_empty());
        let first = &h.requests[ans[a.index(ans.len())]];
        let root = first.retry_of.unwrap_or(first.request);
        // At-least-once: the customer retried without a request ID and got a second Number.
        // The next Number: past every Number applied or told (branches may all lag behind).
        let canon = canonical(&h);
        let seen = h.requests.iter().filter_map(|r| match r.result {
            Some(Outcome::Number { number }) | Some(Outcome::Read { read: number, .. }) => Some(number),
            _ => None,
        });
        let k = seen.max().unwrap_or(0).max(canon.len() as u64) + 1;
        let retry = RequestId { client: ClientId(98), seq: 1 };
        // After everything else, so that real-time order cannot object to its Number.
        let end = h.requests.iter().map(|r| r.complete.unwrap_or(r.invoke).max(r.invoke)).max().unwrap_or(0);
        let mut rec = record(retry, NodeId(0), RequestKind::Issue, end + 10, Some(end + 20), Some(Outcome::Number { number: k }));
        rec.retry_of = Some(root);
        h.requests.push(rec);
        for seq in h.applied.values_mut().filter(|s| s.len() as u64 + 1 == k) {
            seq.push((retry, k));
        }
        let found = caught(&h);
        prop_assert_eq!(found, BTreeSet::from([Invariant::I7OneChildOneNumber]));
    }

    #[test]
    fn election_safety_two_leaders_in_one_term(mut h in valid_history(), t in any::<Index>(), b in any::<Index>()) {
        let n = h.config.branches;
        prop_assume!(n >= 2);
        let (term, first) = match h.leaders.len() {
            0 => {
                h.leaders.push(LeaderRecord { term: Term(1), branch: NodeId(0), tick: 0 });
                (Term(1), NodeId(0))
            }
            len => {
                let l = &h.leaders[t.index(len)];
                (l.term, l.branch)
            }
        };
        let other = NodeId(((first.index() + 1 + b.index(n - 1)) % n) as u8);
        h.leaders.push(LeaderRecord { term, branch: other, tick: 1_000 });
        let found = caught(&h);
        prop_assert_eq!(found, BTreeSet::from([Invariant::ElectionSafety]));
    }
}

// (c) Parsing never panics, and accepts only histories it has validated.

/// What `from_json` promises about a history it accepts, and what callers then rely on.
fn accepted_is_valid(h: &History) -> Result<(), TestCaseError> {
    prop_assert_eq!(&h.format, HISTORY_FORMAT);
    prop_assert_eq!(h.config.validate(), Ok(()));
    prop_assert!(h.requests.len() <= limits::MAX_REQUESTS);
    prop_assert!(h.applied.keys().all(|b| b.index() < h.config.branches), "applied names a branch beyond the config");
    // The checker must not panic on anything the parser accepts.
    let _ = check_history(h);
    // What it accepts, it writes back in a form it accepts again, unchanged.
    let json = h.to_json();
    let again = History::from_json(&json);
    prop_assert!(again.is_ok(), "{:?}", again.err());
    prop_assert_eq!(again.unwrap().to_json(), json);
    Ok(())
}

fn parse_and_judge(text: &str) -> Result<(), TestCaseError> {
    match History::from_json(text) {
        Ok(h) => accepted_is_valid(&h),
        Err(e) => {
            prop_assert!(!e.is_empty());
            Ok(())
        }
    }
}

/// Every node of a JSON document, as a JSON pointer.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                pointers(c, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers(c, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// Values chosen to hit the edges of every field: wrong types, out-of-range branches and
/// numbers, malformed IDs.
fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop_oneof![Just(0u64), Just(1), Just(9), Just(10), Just(255), Just(256), Just(u64::MAX)].prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            Just(""),
            Just("A"),
            Just("I"),
            Just("J"),
            Just("a"),
            Just("c1-1"),
            Just("c0-0"),
            Just("c-1"),
            Just("c4294967296-1"),
            Just("nextnumber-history/2"),
            Just("exactly-once"),
            Just("no-quorum"),
        ]
        .prop_map(Value::from),
        "\\PC{0,8}".prop_map(Value::from),
        Just(Value::Array(vec![])),
        Just(serde_json::json!({})),
        Just(serde_json::json!([["c1-1", 1]])),
        Just(serde_json::json!({"number": 1})),
        Just(serde_json::json!({"read": 1, "linearizable": true})),
    ]
}

#[derive(Clone, Debug)]
enum Edit {
    Replace(Index, Value),
    Remove(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<Index>(), odd_value()).prop_map(|(i, v)| Edit::Replace(i, v)),
        1 => any::<Index>().prop_map(Edit::Remove),
    ]
}

fn apply_edit(doc: &mut Value, e: &Edit) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    match e {
        Edit::Replace(i, v) => {
            let p = &all[i.index(all.len())];
            *doc.pointer_mut(p).expect("a pointer just listed") = v.clone();
        }
        Edit::Remove(i) => {
            let p = &all[i.index(all.len())];
            let Some((parent, key)) = p.rsplit_once('/') else { return };
            match doc.pointer_mut(parent) {
                Some(Value::Object(m)) => {
                    m.remove(&key.replace("~1", "/").replace("~0", "~"));
                }
                Some(Value::Array(a)) => {
                    if let Ok(k) = key.parse::<usize>() {
                        if k < a.len() {
                            a.remove(k);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

proptest! {
    #![proptest_config(seeded(512))]

    #[test]
    fn a_valid_history_round_trips(h in valid_history()) {
        let json = h.to_json();
        let parsed = History::from_json(&json);
        prop_assert!(parsed.is_ok(), "{:?}", parsed.err());
        prop_assert_eq!(parsed.unwrap().to_json(), json);
    }

    #[test]
    fn from_json_refuses_every_truncation(h in valid_history(), cut in any::<Index>()) {
        let json = h.to_json();
        prop_assert!(json.is_ascii());
        let cut = cut.index(json.len());
        prop_assert!(History::from_json(&json[..cut]).is_err(), "accepted the first {} bytes", cut);
    }

    #[test]
    fn from_json_survives_byte_flips(h in valid_history(), flips in vec((any::<Index>(), any::<u8>()), 1..4)) {
        let mut bytes = h.to_json().into_bytes();
        for (i, b) in &flips {
            let i = i.index(bytes.len());
            bytes[i] = *b;
        }
        parse_and_judge(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn from_json_survives_field_edits(h in valid_history(), edits in vec(edit(), 1..4)) {
        let mut doc: Value = serde_json::from_str(&h.to_json()).unwrap();
        for e in &edits {
            apply_edit(&mut doc, e);
        }
        parse_and_judge(&doc.to_string())?;
    }

    #[test]
    fn from_json_survives_arbitrary_text(text in prop_oneof![any::<String>(), "\\{\"format\":\\PC{0,60}", "[\\[\\]{}\",:0-9a-zA-Z\\-]{0,80}"]) {
        parse_and_judge(&text)?;
    }
}

/// A small valid history, written out by hand as a file would be.
const SMALL: &str = r#"{"format":"nextnumber-history/1","seed":7,"config":{"branches":3},
  "requests":[{"request":"c1-1","client":"c1","branch":"B","invoke":120,"complete":385,"result":{"number":1}}],
  "applied":{"A":[["c1-1",1]],"B":[["c1-1",1]]},
  "leaders":[{"term":1,"branch":"A","tick":100}]}"#;

#[test]
fn from_json_refuses_what_the_format_forbids() {
    let h = History::from_json(SMALL).expect("the small history is valid");
    assert!(check_history(&h).is_empty());
    for (what, from, to) in [
        ("an unknown format", "nextnumber-history/1", "nextnumber-history/2"),
        ("a config out of bounds", r#""branches":3"#, r#""branches":10"#),
        ("an applied sequence at a branch outside the config", r#""B":[["c1-1",1]]"#, r#""D":[["c1-1",1]]"#),
        ("a malformed request ID", r#""request":"c1-1""#, r#""request":"c1""#),
        ("a branch that is no letter", r#""branch":"B""#, r#""branch":"BB""#),
        ("a negative tick", r#""invoke":120"#, r#""invoke":-1"#),
    ] {
        let text = SMALL.replacen(from, to, 1);
        assert_ne!(text, SMALL, "{what}: the edit did not apply");
        assert!(History::from_json(&text).is_err(), "accepted {what}");
    }
}

#[test]
fn from_json_refuses_branches_outside_the_config_anywhere_and_answers_before_asks() {
    for (what, from, to) in [
        ("a request at a branch outside the config", r#""branch":"B""#, r#""branch":"I""#),
        ("a leader outside the config", r#""branch":"A""#, r#""branch":"I""#),
        ("a request answered before it was asked", r#""complete":385"#, r#""complete":5"#),
    ] {
        let text = SMALL.replacen(from, to, 1);
        assert_ne!(text, SMALL, "{what}: the edit did not apply");
        assert!(History::from_json(&text).is_err(), "accepted {what}");
    }
}

/// The I2 message names the first holes, and a history file with an absurd Number costs no
/// more than its own length to judge.
#[test]
fn i2_names_the_first_holes_whatever_the_numbers() {
    let text = r#"{"format": "nextnumber-history/1", "seed": 1, "config": {"branches": 1},
        "requests": [], "applied": {"A": [["c1-1", 1], ["c2-1", 4], ["c3-1", 1000000000000000]]}}"#;
    let h = History::from_json(text).unwrap();
    let v = check_history(&h);
    let gap = v.list().iter().find(|v| v.invariant == Invariant::I2Gapless).expect("a gap");
    assert_eq!(gap.detail, "A applied Number 4 in place 2; no one holds Numbers 2, 3, 5, 6, 7, 8, 9, 10, 11, 12");
}
