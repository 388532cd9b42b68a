//! `perf record cargo run --release --example profile_raftscope`: the workload, repeated.
fn main() {
    for _ in 0..20 {
        std::hint::black_box(nextnumber_core::bench::run_raftscope());
    }
}
