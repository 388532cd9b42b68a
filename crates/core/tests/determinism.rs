//! Same seed, same run: the trace hash (every trace line plus the history JSON) of a seed
//! never changes between runs, and matches the golden file that the browser test
//! (`wasm_determinism.rs`) also checks.
//!
//! After an intended change of behaviour, regenerate the golden file with:
//!
//! ```text
//! UPDATE_GOLDEN=1 cargo test -p nextnumber-core --release --test determinism
//! ```
//! and commit it with the change that explains why every run differs now.
// Native only: `wasm-pack test` builds every test target for the browser, where these
// would not run (plain #[test]) and some would not build; the browser tests are wasm_*.rs.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::determinism::{format_hashes, parse_hashes, trace_hash_of_seed, trace_hashes};
use std::collections::BTreeSet;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/trace_hashes.txt");
const GOLDEN_SEEDS: std::ops::Range<u64> = 0..100;
const GOLDEN_HEADER: &str = "# seed trace-hash (hex): nextnumber_core::determinism::trace_hash_of_seed\n\
# regenerate: UPDATE_GOLDEN=1 cargo test -p nextnumber-core --release --test determinism\n";

#[test]
fn same_seed_same_hash() {
    for seed in 0..50 {
        assert_eq!(trace_hash_of_seed(seed), trace_hash_of_seed(seed), "seed {seed} ran two different ways");
    }
}

#[test]
fn different_seeds_different_hashes() {
    let hashes = trace_hashes(0..50);
    let distinct: BTreeSet<u64> = hashes.iter().map(|(_, h)| *h).collect();
    assert_eq!(distinct.len(), hashes.len(), "two seeds gave the same hash: {hashes:?}");
}

#[test]
fn hashes_match_the_golden_file() {
    let actual = trace_hashes(GOLDEN_SEEDS);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(GOLDEN, format!("{GOLDEN_HEADER}{}", format_hashes(&actual))).expect("write golden file");
        eprintln!("rewrote {GOLDEN}");
        return;
    }
    let text = std::fs::read_to_string(GOLDEN).expect("golden file (regenerate with UPDATE_GOLDEN=1)");
    let golden = parse_hashes(&text).expect("golden file parses");
    assert_eq!(golden.len(), actual.len(), "golden file covers seeds {GOLDEN_SEEDS:?}");
    let wrong: Vec<String> = golden
        .iter()
        .zip(&actual)
        .filter(|(g, a)| g != a)
        .map(|((s, g), (_, a))| format!("seed {s}: golden {g:016x}, now {a:016x}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} seeds run differently from the golden file (if intended: UPDATE_GOLDEN=1):\n{}",
        wrong.len(),
        actual.len(),
        wrong.join("\n")
    );
}

/// The page's trace keeps its lines as data and formats them when read (trace.rs); read,
/// they must be the very lines a hashed trace formats as it goes (whose hash the golden
/// file pins): the same hash over all of them.
#[test]
fn a_tail_only_trace_reads_as_the_hashed_one() {
    use nextnumber_core::trace::{fnv1a, FNV_OFFSET};
    use nextnumber_core::{swarm, Simulation};
    for seed in 0..20 {
        let (scenario, _) = swarm::draw_scenario(seed, None);
        let run = |tail: bool| {
            let mut sim = Simulation::new(scenario.config.clone(), seed).unwrap();
            if tail {
                sim.trace_mut().enable_tail(usize::MAX);
            } else {
                sim.trace_mut().enable(0);
            }
            swarm::replay_drawn(&scenario, &mut sim);
            sim
        };
        let (hashed, tail) = (run(false), run(true));
        let lines: Vec<String> = tail.trace().lines().collect();
        assert!(lines.len() > 100, "seed {seed}: too few lines to compare");
        assert_eq!(lines.len() as u64, hashed.trace().count(), "seed {seed}");
        let read = lines.iter().fold(FNV_OFFSET, |h, l| fnv1a(fnv1a(h, l.as_bytes()), b"\n"));
        assert_eq!(read, hashed.trace().hash(), "seed {seed}: the lines read differ from those hashed");
    }
}
