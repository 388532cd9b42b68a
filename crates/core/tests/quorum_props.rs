//! Quorum arithmetic and the leader's commit rule, as properties.
//!
//! Reference: §5.2 (a majority of the full cluster), §5.3 / §5.4.2 and Figure 2 "Rules for
//! Servers, Leaders": "If there exists an N such that N > commitIndex, a majority of
//! matchIndex[i] ≥ N, and log[N].term == currentTerm: set commitIndex = N."
// Native only: `wasm-pack test` builds every test target for the browser, where these
// would not run (plain #[test]) and some would not build; the browser tests are wasm_*.rs.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::config::{Config, Variant};
use nextnumber_core::ids::*;
use nextnumber_core::msg::*;
use nextnumber_core::replica::{quorum_of, Input, Output, Replica, Role};
use proptest::prelude::*;
use proptest::sample::subsequence;
use proptest::test_runner::RngSeed;

const SEED: u64 = 0x7175_6f72_756d;

/// Deterministic by default, as every run here is ("one seed reproduces everything");
/// `PROPTEST_RNG_SEED=<n>` explores other cases.
fn seeded(cases: u32) -> ProptestConfig {
    let mut c = ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() };
    if c.rng_seed == RngSeed::Random {
        c.rng_seed = RngSeed::Fixed(SEED);
    }
    c
}

fn config(n: usize, variants: &[Variant]) -> Config {
    Config { branches: n, variants: variants.to_vec(), ..Config::default() }
}

#[test]
fn quorum_is_the_smallest_majority_for_every_cluster_size() {
    // Reference: §5.2 "votes from a majority of the servers in the full cluster".
    for n in 1..=MAX_BRANCHES {
        let q = quorum_of(n);
        assert!(q <= n, "n={n}: a quorum of {q} cannot be reached even with everyone");
        assert!(2 * q > n, "n={n}: two quorums of {q} need not intersect");
        assert!(2 * (q - 1) <= n, "n={n}: {} is already a majority, so {q} is not the smallest", q - 1);
        assert_eq!(Replica::new(NodeId(0), &config(n, &[])).quorum(), q);
        assert_eq!(Replica::new(NodeId(0), &config(n, &[Variant::NoQuorum])).quorum(), 1);
    }
    let expected = [1, 2, 2, 3, 3, 4, 4, 5, 5];
    assert_eq!((1..=9).map(quorum_of).collect::<Vec<_>>(), expected);
}

/// Two sets of `q` branches drawn from a cluster of `n`.
fn two_quorums() -> impl Strategy<Value = (usize, Vec<u8>, Vec<u8>)> {
    (1..=MAX_BRANCHES).prop_flat_map(|n| {
        let all: Vec<u8> = (0..n as u8).collect();
        let q = quorum_of(n);
        (Just(n), subsequence(all.clone(), q), subsequence(all, q))
    })
}

/// A leader's log and the follower acknowledgements it receives.
#[derive(Clone, Debug)]
struct CommitCase {
    n: usize,
    /// Entries of the previous term the leader already holds, uncommitted.
    old_entries: usize,
    /// Requests appended in the leader's own term after its no-op.
    new_entries: usize,
    /// For each follower (in ack order), the match index it acknowledges, as a fraction of
    /// the log (so it never exceeds the leader's last index).
    acks: Vec<(u8, u16)>,
}

fn commit_case() -> impl Strategy<Value = CommitCase> {
    (1..=MAX_BRANCHES, 0..6usize, 0..6usize).prop_flat_map(|(n, old_entries, new_entries)| {
        let followers = n as u8 - 1;
        let acks = if followers == 0 {
            Just(Vec::new()).boxed()
        } else {
            proptest::collection::vec((1..=followers, 0..=1000u16), 0..3 * n).boxed()
        };
        acks.prop_map(move |acks| CommitCase { n, old_entries, new_entries, acks })
    })
}

/// The commit index a leader of `term` may choose, re-derived from Figure 2: the largest N
/// held by a majority (the leader included) whose entry is of the current term.
fn expected_commit(r: &Replica, matched: &[u64], term: Term) -> u64 {
    (1..=r.last_index().0)
        .filter(|&i| matched.iter().filter(|m| **m >= i).count() >= r.quorum() && r.term_at(LogIndex(i)) == term)
        .max()
        .unwrap_or(0)
}

proptest! {
    #![proptest_config(seeded(1024))]

    #[test]
    fn any_two_quorums_intersect((n, q1, q2) in two_quorums()) {
        prop_assert!(q1.len() == quorum_of(n) && q2.len() == quorum_of(n));
        prop_assert!(q1.iter().any(|b| q2.contains(b)), "n={n}: {q1:?} and {q2:?} share no branch");
    }

    #[test]
    fn the_leader_commits_exactly_what_a_quorum_holds_in_its_term(case in commit_case()) {
        let CommitCase { n, old_entries, new_entries, ref acks } = case;
        let me = NodeId(0);
        let mut r = Replica::new(me, &config(n, &[]));
        r.disk.term = Term(1);
        r.disk.log = (0..old_entries as u32)
            .map(|s| Entry { term: Term(1), kind: EntryKind::Issue(RequestId { client: ClientId(9), seq: s }), origin: None })
            .collect();
        let mut out: Vec<Output> = Vec::new();
        r.step(Tick(0), Input::ElectionTimeout, &mut out);
        for voter in 1..quorum_of(n) as u8 {
            r.step(Tick(1), Input::Message { from: NodeId(voter), msg: Message::Vote { term: Term(2), granted: true } }, &mut out);
        }
        prop_assert_eq!(r.role, Role::Leader);
        for s in 0..new_entries as u32 {
            let ask = Ask { client: ClientId(1), attempt: s + 1, op: Op::Issue(RequestId { client: ClientId(1), seq: s + 1 }) };
            r.step(Tick(2), Input::Ask(ask), &mut out);
        }
        let last = r.last_index().0;
        prop_assert_eq!(last, (old_entries + 1 + new_entries) as u64);
        // The leader holds its whole log; every follower holds nothing until it acks.
        let mut matched = vec![0u64; n];
        matched[0] = last;
        for &(follower, frac) in acks {
            let m = last * frac as u64 / 1000;
            let msg = Message::AppendAck { term: Term(2), success: true, match_index: LogIndex(m), round: 0 };
            r.step(Tick(3), Input::Message { from: NodeId(follower), msg }, &mut out);
            prop_assert_eq!(r.invariants(), Ok(()));
            let f = &mut matched[follower as usize];
            *f = (*f).max(m);
            // After every ack: the commit index is held by a quorum and is of this term.
            let c = r.commit.0;
            let holders = matched.iter().filter(|x| **x >= c).count();
            prop_assert!(holders >= r.quorum(), "commit {} held by {} of {}", c, holders, n);
            if c > 0 {
                prop_assert_eq!(r.term_at(r.commit), Term(2));
            }
            prop_assert_eq!(c, expected_commit(&r, &matched, Term(2)));
            prop_assert_eq!(r.applied, r.commit);
        }
        prop_assert_eq!(r.commit.0, expected_commit(&r, &matched, Term(2)));
        // Every Issue entry up to the commit index was issued one Number, in log order.
        let issued = r.disk.log.range(0..r.commit.0 as usize).filter(|e| matches!(e.kind, EntryKind::Issue(_))).count();
        prop_assert_eq!(r.register.last, SeqNum(issued as u64));
    }
}
