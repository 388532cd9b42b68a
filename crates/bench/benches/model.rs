//! The model check (`nextnumber_core::model`), natively: the standard model from the initial
//! state to depth 7 (the figure) and a search from a busy moment of the RaftScope
//! workload with the page's bounds (`nextnumber_core::bench`), the same two searches
//! tests/wasm_bench.rs times in Chromium. Prints one `native model:` line per search for
//! scripts/bench.sh: states per second and wall time (median of 3), and the process's peak
//! resident memory after it (Linux's VmHWM: the seen-set, the frontier and the rest).

use criterion::{criterion_group, criterion_main, Criterion};
use nextnumber_core::bench::{
    model_busy_search, model_standard_search, MODEL_BUSY_DEPTH, MODEL_BUSY_TICK, MODEL_STANDARD_DEPTH,
    MODEL_STANDARD_STATES,
};
use nextnumber_core::model::{Report, Search};
use std::time::Instant;

fn finish(mut search: Search) -> Report {
    while !search.step(usize::MAX).done {}
    search.into_report()
}

/// Peak resident memory of this process so far, if the system says (Linux).
fn peak_rss_mib() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse::<f64>().ok());
    kb.map_or_else(|| "unknown".to_string(), |kb| format!("{:.0} MiB", kb / 1024.0))
}

fn timed(name: &str, search: fn() -> Search) -> usize {
    let mut runs: Vec<(f64, usize)> = (0..3)
        .map(|_| {
            let s = search();
            let t = Instant::now();
            let r = finish(s);
            assert!(r.violation.is_none() && !r.truncated, "{r}");
            (t.elapsed().as_secs_f64(), r.states)
        })
        .collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (secs, states) = runs[1];
    let all = runs.iter().map(|(s, _)| format!("{s:.2}")).collect::<Vec<_>>().join("/");
    println!(
        "native model: {name}: {states} states in {secs:.2} s, {:.0} states/s (median of 3; runs {all} s); peak memory {}",
        states as f64 / secs,
        peak_rss_mib()
    );
    states
}

fn model(c: &mut Criterion) {
    let standard = format!("standard model to depth {MODEL_STANDARD_DEPTH}");
    assert_eq!(timed(&standard, model_standard_search), MODEL_STANDARD_STATES);
    let busy = format!(
        "busy moment (RaftScope workload at {} s, the page's bounds, depth {MODEL_BUSY_DEPTH})",
        MODEL_BUSY_TICK / 1_000
    );
    timed(&busy, model_busy_search);

    let mut group = c.benchmark_group("model check");
    group.sample_size(10);
    group.bench_function(standard, |b| {
        b.iter_batched(model_standard_search, finish, criterion::BatchSize::PerIteration)
    });
    group.bench_function("busy moment", |b| {
        b.iter_batched(model_busy_search, finish, criterion::BatchSize::PerIteration)
    });
    group.finish();
}

criterion_group!(benches, model);
criterion_main!(benches);
