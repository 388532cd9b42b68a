//! `nextnumber`: run one seed or scenario, swarm many seeds, shrink a failing scenario,
//! check a history file, or export it for another checker.
//!
//! Exit codes (TigerBeetle's VOPR keeps them apart so a CI log says what kind of failure):
//! 0 pass, 1 correctness violation, 2 bad input, 3 liveness failure, 4 crash (a panic).

mod progress;
mod swarm;

use clap::{Parser, Subcommand};
use nextnumber_core::config::limits::MAX_TICK;
use nextnumber_core::report::Judgement;
use nextnumber_core::{check_history, export, permalink, shrink, Config, History, Scenario, Simulation, Tick, Variant};
use std::io::IsTerminal;
use std::process::ExitCode;

pub const EXIT_VIOLATION: u8 = 1;
pub const EXIT_BAD_INPUT: u8 = 2;
pub const EXIT_LIVENESS: u8 = 3;
pub const EXIT_CRASH: u8 = 4;

#[derive(Parser)]
#[command(name = "nextnumber", version, about = "The replicated Very Next Number service, simulated and checked")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one simulation (a seed, optionally a scenario file) and check it.
    Run {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Number of branches, 1 to 9 (ignored with --scenario, which sets its own).
        #[arg(long)]
        branches: Option<usize>,
        /// An unsafe variant: no-quorum, no-dedup, volatile-vote, number-at-the-door or
        /// obey-decree (repeatable).
        #[arg(long)]
        variant: Vec<String>,
        /// A scenario file (format nextnumber/1); its seed wins over --seed if it has one.
        #[arg(long, conflicts_with = "link")]
        scenario: Option<String>,
        /// A permalink (a page URL with `#nextnumber/1;…;end`, or just that part): runs its
        /// scenario, as --scenario does.
        #[arg(long)]
        link: Option<String>,
        /// Write the history (format nextnumber-history/1) to this file.
        #[arg(long)]
        history: Option<String>,
        /// Print one trace line per event.
        #[arg(long)]
        trace: bool,
        /// Without a scenario: simulated milliseconds to run, with customers arriving.
        #[arg(long, default_value_t = 10_000)]
        ticks: u64,
        /// Do not assert the replica invariants after every step (they are on by default).
        #[arg(long)]
        no_invariants: bool,
        /// Draw no progress on stderr (it is drawn only when stderr is a terminal).
        #[arg(long, short)]
        quiet: bool,
    },
    /// Run many seeds, each with its own drawn configuration and faults, on every core.
    Swarm {
        /// A range A..B (B excluded) or one seed.
        #[arg(long)]
        seeds: String,
        #[arg(long)]
        variant: Option<String>,
        /// Worker threads (default: every core).
        #[arg(long)]
        jobs: Option<usize>,
        /// Stop at the first failing seed.
        #[arg(long)]
        fail_fast: bool,
        /// Save the drawn scenario of the first failing seed to this file.
        #[arg(long)]
        save: Option<String>,
        /// Do not assert the replica invariants after every step (they are on by default;
        /// off only to measure what they cost).
        #[arg(long)]
        no_invariants: bool,
        /// Draw no progress on stderr (it is drawn only when stderr is a terminal).
        #[arg(long, short)]
        quiet: bool,
    },
    /// Run the checkers on a history file.
    Check { file: String },
    /// Write a history file's requests as operations for another checker, on stdout:
    /// Porcupine's JSON or Jepsen/Knossos EDN (the README states the model each assumes).
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// A history file, as `run --history` writes it.
        file: String,
    },
    /// Shrink a failing scenario file: drop actions, faults, customers and branches and
    /// shorten the run while the same invariants still break; print the smallest scenario
    /// found (a valid scenario file) and its link.
    Shrink {
        file: String,
        /// Keep this invariant broken (a code: I1, election-safety, …; repeatable). Default:
        /// every invariant the file's run breaks.
        #[arg(long)]
        invariant: Vec<String>,
        /// The page the link opens.
        #[arg(long, default_value = "http://127.0.0.1:8080/")]
        base: String,
        /// The seed when the file names none (as `run` would use); the result names it.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Draw no progress on stderr (it is drawn only when stderr is a terminal).
        #[arg(long, short)]
        quiet: bool,
    },
    /// Print the permalink of a scenario file, or (--decode) the scenario of a permalink.
    Link {
        /// A scenario file; with --decode, a permalink (a whole URL or the part after `#`).
        input: String,
        /// Read a permalink and print its scenario, in the file format.
        #[arg(long)]
        decode: bool,
        /// The page the link opens.
        #[arg(long, default_value = "http://127.0.0.1:8080/")]
        base: String,
        /// The seed written into the link when the file names none (as `run` would use).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Copy, Clone, clap::ValueEnum)]
enum ExportFormat {
    /// A JSON array of Porcupine operations (Go: `[]porcupine.Operation`).
    Porcupine,
    /// Jepsen/Knossos EDN, one operation map a line.
    Jepsen,
}

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`… --trace | head`) panics;
    // the default action ends the process quietly, like any other filter.
    // SAFETY: called first thing in main, before any thread starts.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    match run(Cli::parse().command) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

fn run(command: Command) -> Result<u8, String> {
    match command {
        Command::Run { seed, branches, variant, scenario, link, history, trace, ticks, no_invariants, quiet } => {
            let scenario = match (scenario, link) {
                (Some(path), _) => Scenario::parse(&read(&path)?).map_err(|e| format!("{path}: {e}"))?,
                (None, Some(link)) => permalink::decode(&link).map_err(|e| e.to_string())?,
                (None, None) => default_scenario(branches, &variant, ticks)?,
            };
            // A trace echoed to the same terminal is progress enough, and a bar redrawn
            // between its lines would tear them.
            let progress = progress::wanted(quiet) && !(trace && std::io::stdout().is_terminal());
            run_one(&scenario, seed, history.as_deref(), trace, !no_invariants, progress)
        }
        Command::Swarm { seeds, variant, jobs, fail_fast, save, no_invariants, quiet } => {
            let range = swarm::parse_seeds(&seeds)?;
            let variant = variant.map(|v| Variant::parse(&v)).transpose()?;
            let progress = progress::wanted(quiet);
            let options =
                swarm::Options { jobs, fail_fast, save: save.as_deref(), invariants: !no_invariants, progress };
            Ok(swarm::run(range, variant, options))
        }
        Command::Check { file } => {
            let h = History::from_json(&read(&file)?).map_err(|e| format!("{file}: {e}"))?;
            let violations = check_history(&h);
            for v in violations.list() {
                println!("{v}");
            }
            println!("{file}: {} requests, {} violation(s)", h.requests.len(), violations.list().len());
            Ok(if violations.is_empty() { 0 } else { EXIT_VIOLATION })
        }
        Command::Export { format, file } => {
            let h = History::from_json(&read(&file)?).map_err(|e| format!("{file}: {e}"))?;
            print!(
                "{}",
                match format {
                    ExportFormat::Porcupine => export::porcupine(&h),
                    ExportFormat::Jepsen => export::jepsen(&h),
                }
            );
            Ok(0)
        }
        Command::Shrink { file, invariant, base, seed, quiet } => {
            let scenario = Scenario::parse(&read(&file)?).map_err(|e| format!("{file}: {e}"))?;
            let goal = invariant.iter().map(|c| shrink::invariant_by_code(c)).collect::<Result<Vec<_>, _>>()?;
            let goal = (!goal.is_empty()).then_some(goal.as_slice());
            let progress = progress::Shrinking::new(scenario.actions.len(), progress::wanted(quiet));
            let shrunk = shrink::shrink(&scenario, seed, goal, |p| progress.update(p.runs, p.actions));
            progress.finish();
            print_shrunk(&shrunk.map_err(|e| format!("{file}: {e}"))?, &base)?;
            Ok(0)
        }
        Command::Link { input, decode: true, .. } => {
            print!("{}", permalink::decode(&input).map_err(|e| e.to_string())?.to_text());
            Ok(0)
        }
        Command::Link { input, decode: false, base, seed } => {
            let mut scenario = Scenario::parse(&read(&input)?).map_err(|e| format!("{input}: {e}"))?;
            // A link names its seed, so it opens the very run `nextnumber run` makes.
            scenario.seed = scenario.seed.or(Some(seed));
            println!("{}", permalink::url(&base, &scenario).map_err(|e| format!("{input}: {e}"))?);
            Ok(0)
        }
    }
}

/// The shrunk scenario as a scenario file, its figures and link in comments, so the output
/// can be saved and run as it is (`nextnumber shrink F > small.txt`).
fn print_shrunk(shrunk: &shrink::Shrunk, base: &str) -> Result<(), String> {
    let goal: Vec<&str> = shrunk.goal.iter().map(|i| i.code()).collect();
    println!(
        "# shrunk from {} actions to {} in {} runs{}; it still breaks {}",
        shrunk.actions_before,
        shrunk.scenario.actions.len(),
        shrunk.runs,
        if shrunk.exhausted { " (the run budget ran out: smaller may exist)" } else { "" },
        goal.join(" ")
    );
    print!("{}", shrunk.scenario.to_text());
    println!("# link: {}", permalink::url(base, &shrunk.scenario).map_err(|e| e.to_string())?);
    Ok(())
}

fn read(path: &str) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{path}: {e}"))?;
    if meta.len() > nextnumber_core::history::MAX_HISTORY_BYTES as u64 {
        return Err(format!("{path}: {} bytes is larger than any valid input", meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    String::from_utf8(bytes).map_err(|_| format!("{path}: not UTF-8 text"))
}

/// Without a scenario: steady customers at random branches for `ticks` ms.
fn default_scenario(branches: Option<usize>, variants: &[String], ticks: u64) -> Result<Scenario, String> {
    let mut config = Config::default();
    if let Some(b) = branches {
        config.branches = b;
    }
    for v in variants {
        config.variants.push(Variant::parse(v)?);
    }
    config.validate()?;
    let text = format!("nextnumber/1\n@0 load 20 random\nrun {ticks}\n");
    let mut s = Scenario::parse(&text)?;
    s.config = config;
    Ok(s)
}

fn run_one(
    scenario: &Scenario,
    seed: u64,
    history: Option<&str>,
    trace: bool,
    invariants: bool,
    progress: bool,
) -> Result<u8, String> {
    let seed = scenario.seed.unwrap_or(seed);
    let mut sim = Simulation::new(scenario.config.clone(), seed)?;
    sim.set_invariants(invariants);
    if trace {
        sim.trace_mut().enable(0);
        sim.trace_mut().echo = true;
    }
    replay(scenario, &mut sim, progress)?;
    let h = History::of(&sim);
    if let Some(path) = history {
        std::fs::write(path, h.to_json()).map_err(|e| format!("{path}: {e}"))?;
    }
    // Every checker, merged once in the core (`Simulation::report`). The online monitor and
    // the history check may both see the same fault: print it once.
    let report = sim.report();
    let violations = report.distinct_violations();
    for v in &violations {
        println!("{v}");
    }
    // What could not be judged is said, not counted as holding: on stderr, so stdout keeps
    // its fixed format (trace lines, violations, the summary).
    let mut unjudged = Vec::new();
    for v in &report.verdicts {
        if let Judgement::NotJudged(why) = &v.judgement {
            eprintln!("{}: {why}", v.invariant.code());
            unjudged.push(v.invariant.code());
        }
    }
    let s = sim.stats();
    let issued = h
        .requests
        .iter()
        .filter(|r| matches!(r.result, Some(nextnumber_core::customer::Outcome::Number { .. })))
        .count();
    println!(
        "seed {seed}: {} branches, {} ms simulated, {} events, {} requests ({issued} issued), {} violation(s){}",
        sim.config().branches,
        sim.now().0,
        s.events,
        h.requests.len(),
        violations.len(),
        if unjudged.is_empty() { String::new() } else { format!(", not judged: {}", unjudged.join(" ")) }
    );
    // The page and the JS API show the same hash for the same scenario (History::hash).
    println!("history hash {}", h.hash_hex());
    Ok(if violations.is_empty() { 0 } else { EXIT_VIOLATION })
}

/// Simulated milliseconds between two progress updates. At the heaviest load (9 branches,
/// 1,000 customers a second) a chunk is some 2,000 events, a few milliseconds of work, so the
/// bar moves smoothly; at light load the update still costs little beside the chunk's events.
const CHUNK_MS: u64 = 100;

/// The scenario's run; with progress drawn, in chunks of simulated time with an update
/// after each. Without, `Scenario::replay` itself, so a pipe's run is computed as before.
fn replay(scenario: &Scenario, sim: &mut Simulation, progress: bool) -> Result<(), String> {
    let progress = progress::Simulated::new(scenario.end(), progress);
    if !progress.shown() {
        return scenario.replay(sim);
    }
    let result = scenario
        .replay_with(sim, |sim, to| advance_in_chunks(sim, to, |sim| progress.update(sim.now(), sim.stats().events)));
    progress.finish();
    result
}

/// `sim.run_until(to)` as steps of [`CHUNK_MS`], calling `after_chunk` after each: the same
/// run, since `run_until` stops after the events of its last tick and the next call goes on
/// from there. A quiet stretch is crossed in one step, to the next event, so a month with
/// little in it takes no millions of empty chunks.
fn advance_in_chunks(sim: &mut Simulation, to: Tick, mut after_chunk: impl FnMut(&Simulation)) {
    // The simulator stops at MAX_TICK whatever it is asked: so does this loop.
    while sim.now() < to.min(Tick(MAX_TICK)) {
        let next_event = sim.next_event_tick().unwrap_or(to);
        sim.run_until(Tick(sim.now().0 + CHUNK_MS).max(next_event).min(to));
        after_chunk(sim);
    }
    sim.run_until(to);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The progress of `run` must not change the run: every shipped scenario (with its
    /// actions between the chunks' edges) and the default one end with the same history,
    /// hash for hash, and the same tick and event count, whether played in chunks or in one go.
    #[test]
    fn a_run_in_chunks_is_the_run_in_one_go() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/scenarios");
        let mut scenarios: Vec<Scenario> = std::fs::read_dir(dir)
            .unwrap()
            .map(|f| Scenario::parse(&std::fs::read_to_string(f.unwrap().path()).unwrap()).unwrap())
            .collect();
        scenarios.push(default_scenario(Some(5), &[], 60_000).unwrap());
        assert!(scenarios.len() > 10);
        for s in &scenarios {
            let whole = s.run(3).unwrap();
            let mut chunked = Simulation::new(s.config.clone(), s.seed.unwrap_or(3)).unwrap();
            let mut chunks = 0;
            s.replay_with(&mut chunked, |sim, to| advance_in_chunks(sim, to, |_| chunks += 1)).unwrap();
            assert!(chunks > 1, "{:?}: the test must cut the run", s.name);
            assert_eq!(History::of(&chunked).hash_hex(), History::of(&whole).hash_hex(), "{:?}", s.name);
            assert_eq!((chunked.now(), chunked.stats().events), (whole.now(), whole.stats().events), "{:?}", s.name);
        }
    }
}
