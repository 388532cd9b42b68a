//! The offline checkers (`check_history`) on the history of a long heavy run: 9 branches, a
//! customer every 10 simulated ms at random branches, for 10 and 60 simulated minutes. The
//! page runs this check while it plays, so its cost is the page's on long runs
//! (RELIABILITY.md). Prints one `native checkers:` line per history for scripts/bench.sh.

use criterion::{criterion_group, criterion_main, Criterion};
use nextnumber_core::check::check_history;
use nextnumber_core::{Action, Config, History, LoadTarget, Simulation, Tick};
use std::time::Instant;

fn history(sim_secs: u64) -> History {
    let mut sim = Simulation::new(Config { branches: 9, ..Config::default() }, 1).expect("a valid config");
    sim.act(Action::Load(100, LoadTarget::Random)).expect("a valid action");
    sim.run_until(Tick(sim_secs * 1_000));
    History::of(&sim)
}

fn checkers(c: &mut Criterion) {
    for secs in [600, 3_600] {
        let h = history(secs);
        assert!(check_history(&h).list().is_empty(), "a healthy run checks clean");
        let mut group = c.benchmark_group("check_history");
        group.sample_size(10);
        group.bench_function(format!("{} requests, 9 branches", h.requests.len()), |b| b.iter(|| check_history(&h)));
        group.finish();
        let mut ms: Vec<f64> = (0..7)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(check_history(&h));
                t.elapsed().as_secs_f64() * 1_000.0
            })
            .collect();
        ms.sort_by(f64::total_cmp);
        println!(
            "native checkers: check_history of {} requests (9 branches, {secs} simulated s): {:.1} ms (median of 7)",
            h.requests.len(),
            ms[3]
        );
    }
}

criterion_group!(benches, checkers);
criterion_main!(benches);
