//! Eight wrong builds, and proof that both the model check and the swarm catch each: the
//! five unsafe variants a visitor can switch on, and three canaries that exist only in test
//! builds (cargo feature `canary`, on for this crate's native tests through its own
//! dev-dependency):
//!
//! - `canary-half-quorum`: a quorum of n/2 instead of n/2 + 1. With 3 branches that is 1,
//!   the same as `no-quorum`, so the model check runs it with 4 branches, where two halves
//!   of 2 can each elect a leader of one term.
//! - `canary-volatile-term`: the term is not persisted (the vote is). "The vote not
//!   persisted" is `volatile-vote` already; this is the neighbouring mistake, and it breaks
//!   the same promise: a restarted branch is back in term 0, the next higher term it hears
//!   of clears its vote, and it votes twice in one term.
//! - `canary-append-dedup`: duplicates are refused when a request is appended, not when it
//!   is applied. A request appended twice across a leader change gets two Numbers.
//!
//! The fast checks here run in `make test`; the ignored ones (`make model`) catch each in
//! the full model (tests/model_check.rs). How fast each is caught is in RELIABILITY.md.
// Native only: `wasm-pack test` builds every test target for the browser, where these
// would not run (plain #[test]) and some would not build; the browser tests are wasm_*.rs.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::check::Invariant;
use nextnumber_core::model::{check, Bounds, Report};
use nextnumber_core::swarm::run_seed;
use nextnumber_core::*;
use std::time::Instant;

/// One wrong build and what catching it takes.
struct Wrong {
    variant: Variant,
    /// The model the fast check searches.
    fast: Bounds,
    /// The full model (`make model`).
    full: Bounds,
    /// Depth of the shortest counterexample, and the property it breaks.
    depth: usize,
    invariant: Invariant,
    /// The first swarm seed that catches it: `nextnumber swarm --seeds 0..N --variant X`.
    first_seed: u64,
}

fn wrong_builds() -> Vec<Wrong> {
    let standard = |v| Bounds::standard(8).with_variant(v);
    let small = |v| Bounds::small(8).with_variant(v);
    vec![
        Wrong {
            variant: Variant::NoQuorum,
            fast: standard(Variant::NoQuorum),
            full: standard(Variant::NoQuorum),
            depth: 2,
            invariant: Invariant::ElectionSafety,
            first_seed: 0,
        },
        Wrong {
            variant: Variant::NoDedup,
            fast: small(Variant::NoDedup),
            full: standard(Variant::NoDedup),
            depth: 7,
            invariant: Invariant::I3Idempotent,
            first_seed: 0,
        },
        Wrong {
            variant: Variant::VolatileVote,
            fast: small(Variant::VolatileVote),
            full: standard(Variant::VolatileVote),
            depth: 8,
            invariant: Invariant::ElectionSafety,
            first_seed: 366,
        },
        Wrong {
            // Stamped twice at the Main Office's door (a retry there) and filed once: the
            // first stamp is a Number no certificate will ever hold.
            variant: Variant::NumberAtTheDoor,
            fast: small(Variant::NumberAtTheDoor),
            full: standard(Variant::NumberAtTheDoor),
            depth: 8,
            invariant: Invariant::I2Gapless,
            first_seed: 0,
        },
        Wrong {
            // A leads term 1 by decree, with no vote; B, which has not heard of it, stands
            // for term 1 too and wins C's vote: two Main Offices of one term. (A decree of a
            // register missing a committed Number is caught as well: see tests/essay.rs.)
            variant: Variant::ObeyDecree,
            fast: small(Variant::ObeyDecree).with_decrees(1),
            full: standard(Variant::ObeyDecree).with_decrees(1),
            depth: 4,
            invariant: Invariant::ElectionSafety,
            // Only the runs that draw a decree (a third) can show it.
            first_seed: 8,
        },
        Wrong {
            variant: Variant::CanaryHalfQuorum,
            fast: Bounds { branches: 4, ..small(Variant::CanaryHalfQuorum) },
            full: Bounds { branches: 4, ..standard(Variant::CanaryHalfQuorum) },
            depth: 6,
            invariant: Invariant::ElectionSafety,
            first_seed: 0,
        },
        Wrong {
            variant: Variant::CanaryVolatileTerm,
            fast: small(Variant::CanaryVolatileTerm),
            full: standard(Variant::CanaryVolatileTerm),
            depth: 8,
            invariant: Invariant::ElectionSafety,
            first_seed: 160,
        },
        Wrong {
            // Needs 11 steps (elect, ask, replicate, elect again, retry, replicate, commit):
            // past what the full model reaches in minutes, so it is searched with one
            // customer and no faults it does not need (crashes, floods, drops, heartbeats).
            variant: Variant::CanaryAppendDedup,
            fast: Bounds { branches: 2, crashes: 0, ..Bounds::small(11).with_variant(Variant::CanaryAppendDedup) },
            full: Bounds { crashes: 0, ..Bounds::small(11).with_variant(Variant::CanaryAppendDedup) },
            depth: 11,
            invariant: Invariant::I3Idempotent,
            // Seed 0 draws decrees (issue 12), whose change of Main Office under load is
            // what this canary needs; before them, seed 1 was the first.
            first_seed: 0,
        },
    ]
}

fn model_catches(w: &Wrong, bounds: &Bounds) -> Report {
    let started = Instant::now();
    let r = check(bounds);
    println!("{r} ({:.1} s)", started.elapsed().as_secs_f64());
    let c = r.violation.as_ref().unwrap_or_else(|| panic!("{} was not caught: {r}", w.variant));
    assert_eq!(c.depth, w.depth, "{}: {c}", w.variant);
    assert!(c.violation.starts_with(w.invariant.code()), "{}: expected {}, got {c}", w.variant, w.invariant.code());
    r
}

#[test]
fn every_wrong_build_is_caught_by_the_model_check() {
    for w in wrong_builds() {
        model_catches(&w, &w.fast);
    }
}

#[test]
#[ignore = "a few minutes: `make model`"]
fn every_wrong_build_is_caught_by_the_full_model_check() {
    for w in wrong_builds() {
        model_catches(&w, &w.full);
    }
    // Half of 3 is 1: in the model, the half-quorum canary is the no-quorum bug.
    let half = Wrong { depth: 2, ..wrong_builds().remove(5) };
    model_catches(&half, &Bounds::standard(8).with_variant(Variant::CanaryHalfQuorum));
}

#[test]
fn every_wrong_build_is_caught_by_the_swarm() {
    for w in wrong_builds() {
        let first = (0..=w.first_seed).find(|s| run_seed(*s, Some(w.variant)).verdict.first_invariant().is_some());
        assert_eq!(first, Some(w.first_seed), "{}: the first seed the swarm catches it with moved", w.variant);
    }
}

#[test]
fn the_half_quorum_canary_is_caught_where_it_differs_from_no_quorum() {
    // An even cluster, where n/2 is not 1 and two halves can each elect a leader.
    let r = run_seed(1, Some(Variant::CanaryHalfQuorum));
    assert_eq!(r.scenario.config.branches % 2, 0, "seed 1 draws an even cluster");
    assert!(r.verdict.first_invariant().is_some(), "{:?}", r.verdict);
}

#[test]
fn canaries_are_hidden_from_the_page_and_the_default_cli() {
    // What the page offers and documents: the three unsafe variants only.
    assert_eq!(config::ALL_VARIANTS.len(), 5);
    for v in config::CANARY_VARIANTS {
        assert!(v.name().starts_with("canary-"), "{v}");
        assert!(!config::ALL_VARIANTS.contains(&v));
    }
}

#[test]
fn the_safe_service_is_not_touched_by_the_canary_switches() {
    // Built with the feature, a run without a canary variant is the default build's run:
    // the golden trace hashes (tests/determinism.rs) pass with the feature on.
    for seed in 0..200 {
        assert_eq!(run_seed(seed, None).verdict, swarm::Verdict::Pass, "seed {seed}");
    }
}

/// `canary-direct-old-term` (issue 12) needs five branches: an older term's entry reaches a
/// majority without the newer term's own entries (Raft's Figure 8), which three branches
/// cannot arrange, since the newer Main Office's Appends carry its own no-op after it. So it
/// is caught here, on that figure played out, rather than by the 3-branch model check; the
/// swarm's figures for it are in RELIABILITY.md.
#[test]
fn a_confirmation_of_an_older_terms_entry_counted_at_the_desk_is_caught() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/figure-8-direct-old-term.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let codes = |text: &str| -> Vec<&'static str> {
        let sim = Scenario::parse(text).unwrap().run(1).unwrap();
        let mut found: Vec<&str> = sim.report().violations().iter().map(|(_, v)| v.invariant.code()).collect();
        found.extend(check_history(&History::of(&sim)).list().iter().map(|v| v.invariant.code()));
        found
    };
    let wrong = codes(&text);
    assert!(wrong.contains(&"I1"), "the canary gives Number 1 twice: {wrong:?}");
    let right = codes(&text.replace("variant canary-direct-old-term\n", ""));
    assert_eq!(right, Vec::<&str>::new(), "the same figure with the real rule");
}
