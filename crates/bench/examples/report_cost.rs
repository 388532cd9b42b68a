//! What one check of the run costs as the run grows: `Simulation::report` (every checker,
//! the history checker kept up to date as the run goes), beside what the page paid per check
//! before (`check_history` over a fresh copy of the whole history) and the history hash the
//! page now walks in frames only while paused. 9 branches, 100 customers a second at random
//! branches, every ten simulated minutes of an hour.
//!
//!     cargo run --release -p nextnumber-bench --example report_cost

use nextnumber_core::check::check_history;
use nextnumber_core::{Simulation, Tick};
use std::hint::black_box;
use std::time::Instant;

const MINUTE_MS: u64 = 60_000;

fn main() {
    let text = "nextnumber/1\nseed 1\nbranches 9\n@0 load 100 random\n";
    let scenario = nextnumber_core::scenario::Scenario::parse(text).expect("valid");
    let mut sim = Simulation::new(scenario.config.clone(), 1).expect("valid");
    sim.set_invariants(false); // as the page runs it
    for (t, a) in &scenario.actions {
        sim.run_until(*t);
        sim.act(a.clone()).expect("valid");
    }
    println!("| simulated minute | requests | report() | copy + check_history | hash job |");
    println!("|---|---|---|---|---|");
    for minute in (10..=60).step_by(10) {
        sim.run_until(Tick(minute * MINUTE_MS));
        let report = median_ms(|| drop(black_box(sim.report()))) * 1e3;
        let file = median_ms(|| drop(black_box(check_history(&sim.history()))));
        let hash = median_ms(|| {
            black_box(sim.hash_job().expect("the whole history").work(usize::MAX));
        });
        println!("| {minute} | {} | {report:.1} µs | {file:.1} ms | {hash:.1} ms |", sim.records().len());
    }
}

/// The median of five timings of `f`, in milliseconds.
fn median_ms(f: impl Fn()) -> f64 {
    let mut times: Vec<f64> = (0..5)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[2]
}
