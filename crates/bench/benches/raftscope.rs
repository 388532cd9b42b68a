//! The RaftScope workload (see `nextnumber_core::bench`), natively. Criterion measures the
//! wall time of one whole 600-simulated-second run; the figures that compare with
//! RaftScope (simulated seconds per wall second, events per second) are derived from it
//! and printed as one `native raftscope:` line for scripts/bench.sh to record.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nextnumber_core::bench::{run_raftscope, RAFTSCOPE_SIM_MS};
use std::time::Instant;

fn raftscope(c: &mut Criterion) {
    let events = run_raftscope().events;
    let mut group = c.benchmark_group("raftscope");
    group.sample_size(20).throughput(Throughput::Elements(events));
    group.bench_function("600 simulated seconds, 5 branches", |b| b.iter(run_raftscope));
    group.finish();
    // Criterion keeps its estimates to itself; a median of our own runs gives the summary.
    let mut secs: Vec<f64> = (0..15)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(run_raftscope());
            t.elapsed().as_secs_f64()
        })
        .collect();
    secs.sort_by(f64::total_cmp);
    let median = secs[secs.len() / 2];
    let sim_secs = RAFTSCOPE_SIM_MS as f64 / 1000.0;
    println!(
        "native raftscope: {:.0} sim-s/wall-s, {:.0} events/s ({} events, median of 15 runs {:.1} ms)",
        sim_secs / median,
        events as f64 / median,
        events,
        median * 1000.0
    );
}

criterion_group!(benches, raftscope);
criterion_main!(benches);
