//! What time travel holds and how fast it jumps on the run issue 16 measured in the browser:
//! 9 branches, 100 customers a second at random branches, one simulated hour, default
//! `Limits`. Prints the heap the whole timeline holds (by a counting allocator), the
//! snapshots kept and their estimated bytes, and the time of 20 jumps to random moments.
//!
//!     cargo run --release -p nextnumber-bench --example snapshot_memory [-- -v]
//!
//! (`-v`: the snapshots every five simulated minutes of the first pass.)

use nextnumber_bench::{live_bytes, Counting};
use nextnumber_core::{scenario::Scenario, timeline::Timeline, Tick};
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const HOUR_MS: u64 = 3_600_000;
const MIB: f64 = (1 << 20) as f64;

fn main() {
    let text = format!("nextnumber/1\nseed 1\nbranches 9\n@0 load 100 random\nrun {HOUR_MS}\n");
    let scenario = Scenario::parse(&text).expect("valid");
    let before = live_bytes();
    let mut t = Timeline::from_scenario(&scenario, 1).expect("valid");
    let start = Instant::now();
    for minute in (5..=60).step_by(5) {
        t.run_until(Tick(minute * 60_000));
        if std::env::args().any(|a| a == "-v") {
            print!("minute {minute}: ");
            report(&t, before);
        }
    }
    let pass = start.elapsed();
    let sim = t.sim();
    println!(
        "first pass: {:.1} s, {} events, {} requests (the cap stops customers), cursor ~{:.1} MiB",
        pass.as_secs_f64(),
        sim.stats().events,
        sim.records().len(),
        sim.approx_bytes() as f64 / MIB
    );
    report(&t, before);
    let mut times = jumps(&mut t, 20);
    times.sort_by(f64::total_cmp);
    let p = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!("20 jumps: p50 {:.1} ms, p99 {:.1} ms, fastest {:.1} ms", p(0.5), p(0.99), times[0]);
    report(&t, before);
}

fn report(t: &Timeline, before: usize) {
    println!(
        "timeline heap {:.1} MiB; {} snapshots, {:.1} MiB by their estimate; at seconds {:?}",
        (live_bytes() - before) as f64 / MIB,
        t.snapshot_ticks().len(),
        t.snapshot_bytes() as f64 / MIB,
        t.snapshot_ticks().iter().map(|t| t.0 / 1000).collect::<Vec<_>>()
    );
}

/// Jumps to `n` moments of a fixed pseudo-random walk over the hour; their times in ms.
fn jumps(t: &mut Timeline, n: usize) -> Vec<f64> {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let start = Instant::now();
            t.seek(Tick(x % HOUR_MS));
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}
