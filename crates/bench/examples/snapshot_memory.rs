//! What time travel holds and how fast it jumps on the run issue 16 measured in the browser:
//! 9 branches, 100 customers a second at random branches, the JS API's `Timeline` (default
//! `Limits`, the whole history kept) or, with `--page`, the page's (`Limits::PAGE`, the latest
//! `PAGE_KEEP_REQUESTS` requests kept, invariants off, its recorders on). For a run of
//! 10 simulated minutes and one of 60 (flat growth means the same figures for both), prints
//! the heap the whole timeline holds (by a counting allocator), the snapshots kept and their
//! estimated bytes, the time of 20 jumps to random moments, and what the cursor's own heap
//! is made of (a plain simulation run to the same moment, dropped part by part).
//!
//!     cargo run --release -p nextnumber-bench --example snapshot_memory [-- --page] [-- -v]
//!
//! (`-v`: the snapshots every five simulated minutes of the first pass.)

use nextnumber_bench::{live_bytes, Counting};
use nextnumber_core::config::limits::PAGE_KEEP_REQUESTS;
use nextnumber_core::timeline::{Limits, Timeline};
use nextnumber_core::{scenario::Scenario, sim::Simulation, Tick};
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MINUTE_MS: u64 = 60_000;
const MIB: f64 = (1 << 20) as f64;

fn main() {
    for minutes in [10, 60] {
        println!("== {minutes} simulated minutes ==");
        let cursor = breakdown(minutes);
        timeline(minutes, cursor);
    }
}

fn page() -> bool {
    std::env::args().any(|a| a == "--page")
}

/// A fresh simulation set up as the JS API's timeline or as the page's.
fn fresh(scenario: &Scenario) -> Simulation {
    let mut sim = Simulation::new(scenario.config.clone(), 1).expect("valid");
    if page() {
        sim.set_invariants(false);
        sim.set_keep_requests(Some(PAGE_KEEP_REQUESTS)).expect("valid");
        sim.trace_mut().enable_tail(2_000);
        sim.spacetime_mut().enable(4_000).expect("valid");
    }
    sim
}

fn scenario(minutes: u64) -> Scenario {
    let text = format!("nextnumber/1\nseed 1\nbranches 9\n@0 load 100 random\nrun {}\n", minutes * MINUTE_MS);
    Scenario::parse(&text).expect("valid")
}

/// The cursor's heap by part, measured on a simulation that shares nothing; its total.
fn breakdown(minutes: u64) -> usize {
    let before = live_bytes();
    let scenario = scenario(minutes);
    let mut sim = fresh(&scenario);
    scenario.replay(&mut sim).expect("valid");
    let total = live_bytes() - before;
    println!(
        "cursor: {:.1} MiB measured ({:.1} MiB by approx_bytes), {} requests made, {} forgotten",
        total as f64 / MIB,
        sim.approx_bytes() as f64 / MIB,
        sim.records().len(),
        sim.requests_forgotten()
    );
    for (part, bytes) in sim.drop_by_parts(&live_bytes) {
        println!("  {part:<42} {:>7.1} MiB", bytes as f64 / MIB);
    }
    total
}

fn timeline(minutes: u64, cursor: usize) {
    let before = live_bytes();
    let scenario = scenario(minutes);
    let limits = if page() { Limits::PAGE } else { Limits::default() };
    let mut t = Timeline::scripted(fresh(&scenario), &scenario, limits).expect("valid");
    let start = Instant::now();
    for minute in (5..=minutes).step_by(5) {
        t.run_until(Tick(minute * MINUTE_MS));
        if std::env::args().any(|a| a == "-v") {
            print!("minute {minute}: ");
            report(&t, before);
        }
    }
    let pass = start.elapsed();
    println!("first pass: {:.1} s, {} events", pass.as_secs_f64(), t.sim().stats().events);
    let heap = report(&t, before);
    let kept = t.snapshot_ticks().len();
    // The tick-0 snapshot is a fresh simulation: the others' own cost is the rest.
    println!(
        "snapshots' own cost, measured: {:.1} MiB each on average",
        heap.saturating_sub(cursor) as f64 / MIB / (kept.max(2) - 1) as f64
    );
    let mut times = jumps(&mut t, 20, minutes * MINUTE_MS);
    times.sort_by(f64::total_cmp);
    let p = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!("20 jumps: p50 {:.1} ms, p99 {:.1} ms, fastest {:.1} ms", p(0.5), p(0.99), times[0]);
    report(&t, before);
}

/// Prints and returns the heap the timeline holds.
fn report(t: &Timeline, before: usize) -> usize {
    let heap = live_bytes() - before;
    println!(
        "timeline heap {:.1} MiB; {} snapshots, {:.1} MiB by their estimate; at seconds {:?}",
        heap as f64 / MIB,
        t.snapshot_ticks().len(),
        t.snapshot_bytes() as f64 / MIB,
        t.snapshot_ticks().iter().map(|t| t.0 / 1000).collect::<Vec<_>>()
    );
    heap
}

/// Jumps to `n` moments of a fixed pseudo-random walk over `[0, end)`; their times in ms.
fn jumps(t: &mut Timeline, n: usize, end: u64) -> Vec<f64> {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let start = Instant::now();
            t.seek(Tick(x % end));
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}
