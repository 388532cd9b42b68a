//! Progress on stderr for the commands that can run for minutes (`swarm`, `run`), so a user
//! can tell a long run from a hung one (issue 18).
//!
//! Drawn only to a terminal: a pipe, a file or CI gets exactly the bytes it got before, and
//! the exit code is never touched. Callers update per seed or per chunk of simulated time,
//! never per event; indicatif's ticker thread does the drawing, at most [`DRAWS_PER_SEC`]
//! times a second, so the simulation threads only bump counters.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use nextnumber_core::Tick;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A person reads no faster; each draw is a write to the terminal.
const DRAWS_PER_SEC: u8 = 10;
/// The ticker redraws this often even when nothing advanced (one long seed, one busy chunk),
/// so the spinner and the clock show the process is alive.
const TICK: Duration = Duration::from_millis(1000 / DRAWS_PER_SEC as u64);

/// Whether to draw: only to a terminal (indicatif's stderr target hides itself elsewhere
/// too, but asking once here lets the callers skip the work of feeding a hidden bar).
pub fn wanted(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// `swarm`: seeds done of the total, seeds per second, the ETA and the failures so far.
pub struct Seeds {
    bar: Option<ProgressBar>,
    failures: Arc<Failures>,
}

/// Read when the bar is drawn, not pushed into its message: workers finish out of order, and
/// a message set by each would let a stale count overwrite a newer one.
struct Failures {
    count: AtomicU64,
    lowest_seed: AtomicU64,
}

impl Seeds {
    pub fn new(total: u64, shown: bool) -> Seeds {
        let failures = Arc::new(Failures { count: AtomicU64::new(0), lowest_seed: AtomicU64::new(u64::MAX) });
        let seen = Arc::clone(&failures);
        let template = "{spinner} {elapsed_precise} [{wide_bar}] {human_pos}/{human_len} seeds, {rate}/s, \
                        ETA {eta}, {failed}";
        let style = style(template)
            .with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&compact(s.per_sec()));
            })
            .with_key("failed", move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = match seen.count.load(Ordering::Acquire) {
                    0 => write!(w, "0 failed"),
                    n => write!(w, "{n} failed (lowest seed {})", seen.lowest_seed.load(Ordering::Relaxed)),
                };
            });
        Seeds { bar: shown.then(|| start(total, style)), failures }
    }

    /// One seed failed: the first failure found is named at once, above the bar, so the
    /// user can start reproducing it while the rest runs (the report after the run says
    /// why; `reproduce` is called only here, so a hidden bar costs nothing).
    pub fn failed(&self, seed: u64, kind: &str, reproduce: impl FnOnce() -> String) {
        let Some(bar) = &self.bar else { return };
        self.failures.lowest_seed.fetch_min(seed, Ordering::Relaxed);
        // Release: whoever reads the count then reads a lowest seed at least this low.
        if self.failures.count.fetch_add(1, Ordering::Release) == 0 {
            bar.println(format!("first failure found: seed {seed} ({kind}); reproduce: {}", reproduce()));
        }
    }

    /// One more seed done, passed or failed.
    pub fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// Before the report: the bar goes, the terminal keeps only what a pipe would get.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `run`: simulated time against the end, and events per second.
pub struct Simulated {
    bar: Option<ProgressBar>,
    events: Arc<AtomicU64>,
}

impl Simulated {
    pub fn new(end: Tick, shown: bool) -> Simulated {
        let events = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&events);
        let template = "{spinner} {elapsed_precise} [{wide_bar}] sim {sim}/{sim_end}, {events} events/s, ETA {eta}";
        let style = style(template)
            .with_key("sim", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&simulated_time(s.pos()));
            })
            .with_key("sim_end", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&simulated_time(s.len().unwrap_or(0)));
            })
            .with_key("events", move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let per_sec = counted.load(Ordering::Relaxed) as f64 / s.elapsed().as_secs_f64().max(1e-3);
                let _ = w.write_str(&compact(per_sec));
            });
        Simulated { bar: shown.then(|| start(end.0, style)), events }
    }

    pub fn shown(&self) -> bool {
        self.bar.is_some()
    }

    /// After a chunk: where the run stands and how many events it has handled in all.
    pub fn update(&self, now: Tick, events: u64) {
        if let Some(bar) = &self.bar {
            self.events.store(events, Ordering::Relaxed);
            bar.set_position(now.0);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `shrink`: runs made (no total: how many a shrink needs is found as it goes, bounded by
/// [`nextnumber_core::shrink::MAX_RUNS`]) and the actions of the smallest failure so far.
pub struct Shrinking {
    bar: Option<ProgressBar>,
}

impl Shrinking {
    pub fn new(actions: usize, shown: bool) -> Shrinking {
        let template = "{spinner} {elapsed_precise} {pos} runs, smallest failure so far: {msg}";
        let bar = shown.then(|| {
            let bar = start(nextnumber_core::shrink::MAX_RUNS as u64, style(template));
            bar.set_message(format!("{actions} actions"));
            bar
        });
        Shrinking { bar }
    }

    /// After a run: the runs so far, and the actions of the smallest failing scenario.
    pub fn update(&self, runs: usize, actions: usize) {
        if let Some(bar) = &self.bar {
            bar.set_position(runs as u64);
            bar.set_message(format!("{actions} actions"));
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).expect("the templates are fixed and valid").progress_chars("=> ")
}

fn start(len: u64, style: ProgressStyle) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr_with_hz(DRAWS_PER_SEC));
    bar.set_style(style);
    // Drawn at once, so even a run shorter than a TICK shows where it stood; then the
    // ticker thread redraws every TICK.
    bar.tick();
    bar.enable_steady_tick(TICK);
    bar
}

/// Simulated milliseconds as a person reads them: `9.5 s`, `0:04:10`, `30d 00:00:00`.
pub fn simulated_time(ms: u64) -> String {
    if ms < 60_000 {
        return format!("{:.1} s", ms as f64 / 1000.0);
    }
    let s = ms / 1000;
    let (days, h, m, s) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    if days == 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{days}d {h:02}:{m:02}:{s:02}")
    }
}

/// A rate in three figures or so: `950`, `1.2k`, `123k`, `1.8M` (a bar must fit a terminal).
pub fn compact(n: f64) -> String {
    match n {
        n if n >= 1e6 => format!("{:.1}M", n / 1e6),
        n if n >= 1e4 => format!("{:.0}k", n / 1e3),
        n if n >= 1e3 => format!("{:.1}k", n / 1e3),
        n => format!("{n:.0}"),
    }
}

#[cfg(test)]
mod tests {
    use super::{compact, simulated_time};

    #[test]
    fn rates_are_short() {
        assert_eq!(compact(0.0), "0");
        assert_eq!(compact(949.6), "950");
        assert_eq!(compact(1_234.0), "1.2k");
        assert_eq!(compact(123_456.0), "123k");
        assert_eq!(compact(1_824_759.0), "1.8M");
    }

    #[test]
    fn simulated_time_reads_in_seconds_then_clock_then_days() {
        assert_eq!(simulated_time(0), "0.0 s");
        assert_eq!(simulated_time(9_549), "9.5 s");
        assert_eq!(simulated_time(250_000), "0:04:10");
        assert_eq!(simulated_time(2_592_000_000), "30d 00:00:00");
        assert_eq!(simulated_time(90_061_000), "1d 01:01:01");
    }
}
