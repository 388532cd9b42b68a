//! One number per seed that changes if anything about the run changes: every trace line
//! (the trace hash) and the whole history file. The native tests and the browser tests
//! compare these numbers with one golden file, so a platform difference (wasm32 vs
//! x86_64, a float, a `usize`, an iteration order) shows up as a mismatch.

use crate::sim::Simulation;
use crate::swarm;
use crate::trace::fnv1a;
use std::ops::Range;

/// Runs the swarm scenario of `seed` (no unsafe variant) with the trace hashed, exactly as
/// [`swarm::run_seed`] replays it, and hashes the trace together with the history JSON.
pub fn trace_hash_of_seed(seed: u64) -> u64 {
    let (scenario, _) = swarm::draw_scenario(seed, None);
    let mut sim = Simulation::new(scenario.config.clone(), seed).expect("drawn configs are valid");
    sim.trace_mut().enable(0);
    swarm::replay_drawn(&scenario, &mut sim);
    fnv1a(sim.trace().hash(), sim.history().to_json().as_bytes())
}

/// `(seed, trace_hash_of_seed(seed))` for every seed of the range.
pub fn trace_hashes(seeds: Range<u64>) -> Vec<(u64, u64)> {
    seeds.map(|s| (s, trace_hash_of_seed(s))).collect()
}

/// The golden file's format: one `seed hash` line per seed, the hash as 16 hex digits.
pub fn format_hashes(hashes: &[(u64, u64)]) -> String {
    hashes.iter().map(|(s, h)| format!("{s} {h:016x}\n")).collect()
}

/// Parses the golden file (`#` comments and blank lines allowed).
pub fn parse_hashes(text: &str) -> Result<Vec<(u64, u64)>, String> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split('#').next().unwrap_or("").trim()))
        .filter(|(_, l)| !l.is_empty())
        .map(|(no, l)| {
            let bad = || format!("line {no}: expected `SEED HASH`, got {l:?}");
            let (s, h) = l.split_once(' ').ok_or_else(bad)?;
            Ok((s.parse().map_err(|_| bad())?, u64::from_str_radix(h.trim(), 16).map_err(|_| bad())?))
        })
        .collect()
}
