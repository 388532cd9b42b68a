//! The model check's two benchmark searches (`nextnumber_core::bench`), for profilers
//! (`perf record -g`, `valgrind --tool=callgrind`): `standard` (the default, the standard
//! model to depth 7) or `busy` (from a busy moment of the RaftScope workload), repeated
//! the second argument's times; a third sets the standard model's depth (a shorter run for
//! callgrind). Prints states, time and states per second of each run.
use nextnumber_core::bench::{model_busy_search, model_standard_search};
use nextnumber_core::model::{Bounds, Search};
use std::time::Instant;

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "standard".into());
    let runs = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(1);
    let depth: Option<usize> = std::env::args().nth(3).and_then(|a| a.parse().ok());
    for _ in 0..runs {
        let mut search = match which.as_str() {
            "busy" => model_busy_search(),
            _ => depth.map_or_else(model_standard_search, |d| Search::new(&Bounds::standard(d))),
        };
        let started = Instant::now();
        while !search.step(usize::MAX).done {}
        let secs = started.elapsed().as_secs_f64();
        let r = search.into_report();
        println!(
            "{which}: {} states, depth {}, {:.2} s, {:.0} states/s",
            r.states,
            r.depth(),
            secs,
            r.states as f64 / secs
        );
    }
}
