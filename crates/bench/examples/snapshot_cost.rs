//! What one time-travel snapshot costs: the heap a clone of the simulation takes (by a
//! counting allocator), against `Simulation::approx_bytes`, and how long the clone takes,
//! at several points of a run with steady customers (argument: customers per second).
//!
//!     cargo run --release -p nextnumber-bench --example snapshot_cost -- 10

use nextnumber_bench::{live_bytes, Counting};
use nextnumber_core::{bench::raftscope_workload, Action, LoadTarget, Simulation, Tick};
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    let rate: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let (config, _) = raftscope_workload();
    let mut sim = Simulation::new(config, 1).expect("valid");
    sim.act(Action::Load(rate, LoadTarget::Random)).expect("valid");
    println!("{rate} customers/s at random branches, 5 branches, 10-15 ms links");
    for secs in [10u64, 60, 300, 600, 1_800, 3_600] {
        sim.run_until(Tick(secs * 1_000));
        let before = live_bytes();
        let t = Instant::now();
        let copy = sim.clone();
        let took = t.elapsed();
        let heap = live_bytes() - before;
        let estimate = sim.approx_bytes();
        println!(
            "{secs:>5} s: clone {heap:>10} bytes, approx_bytes {estimate:>10} ({:+.0} %), {:.2} ms",
            (estimate as f64 / heap as f64 - 1.0) * 100.0,
            took.as_secs_f64() * 1e3
        );
        drop(copy);
    }
}
