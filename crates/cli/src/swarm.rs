//! The swarm, spread over every core: each worker takes the next seed from a shared counter;
//! results are gathered and reported in seed order so the output does not depend on timing.

use crate::progress;
use crate::{EXIT_CRASH, EXIT_LIVENESS, EXIT_VIOLATION};
use nextnumber_core::swarm::{run_seed_with, Verdict};
use nextnumber_core::Variant;
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

pub const MAX_SEEDS: u64 = 100_000_000;
/// A broken variant fails most seeds: the first few say enough.
const MAX_FAILURES_SHOWN: usize = 10;

pub fn parse_seeds(s: &str) -> Result<Range<u64>, String> {
    let err = || format!("{s:?} is not a seed range (expected A..B, like 0..10000, or one seed)");
    let range = match s.split_once("..") {
        Some((a, b)) => a.parse().map_err(|_| err())?..b.parse().map_err(|_| err())?,
        None => {
            let a: u64 = s.parse().map_err(|_| err())?;
            a..a.saturating_add(1)
        }
    };
    if range.is_empty() || range.end - range.start > MAX_SEEDS {
        return Err(format!("the seed range must hold 1 to {MAX_SEEDS} seeds"));
    }
    Ok(range)
}

enum Outcome {
    Pass { faults: usize, events: u64, numbers: u64 },
    Violation(String),
    Liveness(String),
    Crash(String),
}

impl Outcome {
    /// A failure's exit code, kind and reason; None for a pass.
    fn failure(&self) -> Option<(u8, &'static str, &str)> {
        match self {
            Outcome::Pass { .. } => None,
            Outcome::Violation(why) => Some((EXIT_VIOLATION, "violation", why)),
            Outcome::Liveness(why) => Some((EXIT_LIVENESS, "liveness", why)),
            Outcome::Crash(why) => Some((EXIT_CRASH, "crash", why)),
        }
    }
}

/// The command that replays one failing seed (in the report, and in the progress as soon as
/// the seed is found).
fn reproduce(seed: u64, variant: Option<Variant>) -> String {
    let v = variant.map(|v| format!(" --variant {v}")).unwrap_or_default();
    format!("nextnumber swarm --seeds {seed}{v}")
}

/// How a swarm is run; what it prints does not depend on `progress`.
pub struct Options<'a> {
    pub jobs: Option<usize>,
    pub fail_fast: bool,
    pub save: Option<&'a str>,
    pub invariants: bool,
    /// Draw a progress bar on stderr ([`progress::wanted`]).
    pub progress: bool,
}

pub fn run(seeds: Range<u64>, variant: Option<Variant>, options: Options) -> u8 {
    let Options { jobs, fail_fast, save, invariants, progress } = options;
    let started = Instant::now();
    let progress = progress::Seeds::new(seeds.end - seeds.start, progress);
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())).max(1);
    let next = AtomicU64::new(seeds.start);
    let stop = AtomicBool::new(false);
    let results = Mutex::new(Vec::new());
    // A panic is a finding, not noise: keep the default hook from printing each one.
    std::panic::set_hook(Box::new(|_| {}));
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let seed = next.fetch_add(1, Ordering::Relaxed);
                if seed >= seeds.end || stop.load(Ordering::Relaxed) {
                    break;
                }
                let outcome = one(seed, variant, invariants);
                if let Some((_, kind, _)) = outcome.failure() {
                    if fail_fast {
                        stop.store(true, Ordering::Relaxed);
                    }
                    progress.failed(seed, kind, || reproduce(seed, variant));
                }
                progress.done();
                results.lock().expect("no worker panics while holding the lock").push((seed, outcome));
            });
        }
    });
    let _ = std::panic::take_hook();
    progress.finish();
    let mut results = results.into_inner().expect("workers are done");
    results.sort_by_key(|(seed, _)| *seed);
    report(&results, variant, seeds, started, save, invariants)
}

fn one(seed: u64, variant: Option<Variant>, invariants: bool) -> Outcome {
    match catch_unwind(AssertUnwindSafe(|| run_seed_with(seed, variant, invariants))) {
        Ok(r) => match r.verdict {
            Verdict::Pass => Outcome::Pass { faults: r.faults, events: r.events, numbers: r.numbers },
            Verdict::Violation(v) => Outcome::Violation(v.iter().map(|v| v.to_string()).collect::<Vec<_>>().join("; ")),
            Verdict::Liveness(why) => Outcome::Liveness(why),
        },
        Err(p) => Outcome::Crash(
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic".into()),
        ),
    }
}

/// Saves the first failing seed's scenario (with `--save`) and says how to replay it, and,
/// for a broken invariant, how to shrink it to the few actions that matter. A liveness
/// failure or a crash breaks no invariant that `shrink` could keep broken: no offer then.
fn save_first_failure(seed: u64, variant: Option<Variant>, invariants: bool, save: Option<&str>, violation: bool) {
    let Some(path) = save else {
        if violation {
            println!("  shrink it: add --save FILE, then nextnumber shrink FILE");
        }
        return;
    };
    let scenario = run_seed_with(seed, variant, invariants).scenario;
    match std::fs::write(path, scenario.to_text()) {
        Ok(()) => {
            println!("  scenario of seed {seed} saved to {path}: nextnumber run --scenario {path}");
            if violation {
                println!("  shrink it to the actions that matter: nextnumber shrink {path}");
            }
        }
        Err(e) => eprintln!("  could not save {path}: {e}"),
    }
}

fn report(
    results: &[(u64, Outcome)],
    variant: Option<Variant>,
    seeds: Range<u64>,
    started: Instant,
    save: Option<&str>,
    invariants: bool,
) -> u8 {
    let (mut pass, mut faults, mut events, mut numbers) = (0u64, 0usize, 0u64, 0u64);
    let (mut worst, mut failures) = (0u8, 0usize);
    let mut first_failure = None;
    for (seed, o) in results {
        if let Outcome::Pass { faults: f, events: e, numbers: n } = o {
            pass += 1;
            faults += f;
            events += e;
            numbers += n;
            continue;
        }
        let (code, kind, why) = o.failure().expect("every outcome but a pass is a failure");
        first_failure.get_or_insert(*seed);
        worst = worst.max(code);
        failures += 1;
        if failures <= MAX_FAILURES_SHOWN {
            println!("seed {seed}: {kind}: {why}");
            println!("  reproduce: {}", reproduce(*seed, variant));
        }
    }
    if failures > MAX_FAILURES_SHOWN {
        println!("… and {} more failing seeds", failures - MAX_FAILURES_SHOWN);
    }
    if let Some(seed) = first_failure {
        let violation = results.iter().any(|(s, o)| *s == seed && matches!(o, Outcome::Violation(_)));
        save_first_failure(seed, variant, invariants, save, violation);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "swarm {}..{}{}{}: {} seeds, {} passed, {} failed; {} faults drawn, {} Numbers issued, {} events; {:.1} s",
        seeds.start,
        seeds.end,
        variant.map(|v| format!(" variant {v}")).unwrap_or_default(),
        if invariants { "" } else { " (replica invariants off)" },
        results.len(),
        pass,
        results.len() as u64 - pass,
        faults,
        numbers,
        events,
        secs
    );
    worst
}
