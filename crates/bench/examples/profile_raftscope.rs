//! The RaftScope workload, repeated (default 20 times, or the first argument), for
//! profilers: `perf record` for time, `valgrind --tool=callgrind` for stable counts.
fn main() {
    let runs = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    for _ in 0..runs {
        std::hint::black_box(nextnumber_core::bench::run_raftscope());
    }
}
