//! Time travel: a run that can be rewound, replayed and forked.
//!
//! A [`Timeline`] drives one [`Simulation`], the *cursor*, and keeps snapshots (clones) of
//! it taken along the way. A jump to any tick restores the latest snapshot at or before it
//! and replays the recorded actions up to it; the simulation is deterministic, so the
//! replayed moment is the very one that was lived (same view, same trace hash). Playing
//! forward applies the recorded actions at their ticks. Acting at a past moment *forks*:
//! the actions after it are dropped and the new one is recorded in their place.
//!
//! # What the state at a tick is
//! The state at tick `t` is the simulation after every event due at or before `t` and
//! every recorded action at or before `t`, in log order, each applied once the events of
//! its tick have run ([`Scenario::replay`] does the same). No action schedules an event at
//! its own tick (every latency, timer and interval is at least 1 ms), so this is the state
//! however the run was cut into steps.
//!
//! # What snapshots share
//! Most of a long run's state only grows at the end: each branch's register log, the
//! Numbers it issued and their log indexes, the customers' request records, the online
//! checker's per-slot and per-Number records, and the tables of who got which Number.
//! Those are [`Chunked`](crate::chunked::Chunked) (full chunks of 1,024 frozen behind an
//! `Arc`) and [`SharedMap`](crate::shared_map::SharedMap) (frozen levels merged like a
//! binary counter up to a size, then left alone), so a snapshot, the cursor and a restored
//! copy hold the same chunk in the same memory, and taking a snapshot copies its tails and
//! small state, not the run. The branches of one cluster hold their equal chunks and
//! levels in one memory too (`sim/peers.rs`): nine copies of a register become one.
//! A late write into a shared chunk (a request answered after its chunk filled, a log cut
//! by a new leader, §5.3) copies that one chunk first: no snapshot sees a later change.
//!
//! # Bounds
//! Snapshots are taken every [`Limits::events_between`] simulation events (replay time is
//! proportional to events, not ticks: an hour of pigeon mail has few), and only on new
//! ground, past the last snapshot: replaying covered ground copies nothing. At most
//! [`Limits::max_snapshots`] are kept, and their costs sum to at most
//! [`Limits::budget_bytes`]. A snapshot's cost is what it holds that the next one does not
//! ([`Simulation::approx_bytes_beside`] it); the newest's, what it held beside the cursor
//! when taken, which is the run's frontier. Chunks only ever leave a branch of history at
//! its end, so the chain of snapshots and the cursor hold each chunk in one unbroken run of
//! neighbours, and the sum counts it once, against the newest holder. Past either bound the
//! snapshot whose removal leaves the smallest gap (in events) goes, the older on a tie, and
//! its predecessor is counted again beside its new successor; so gaps stay even across the
//! run and a long run's older snapshots thin out first. The snapshot of tick 0 and the
//! newest are kept. Memory is therefore the cursor plus `budget_bytes` of snapshots (by an
//! estimate, see `approx_bytes` for how close) while the cursor plays at the frontier;
//! after a jump back, the cursor no longer holds the newest snapshot's chunks, and memory
//! can grow by up to one simulation's worth (the cursor's own, unshared chunks). The
//! defaults ([`Limits::default`]): 64 snapshots, 192 MiB.
//!
//! # Speed
//! A jump costs one snapshot copy plus the replay of at most one gap. On a one-hour run of
//! the RaftScope workload (5 branches, a customer every 100 ms at the leader, a fire and a
//! flood: 1.1 million events, 26 MB of state at the end), 60 jumps to random ticks took in
//! headless Chromium a median of 15 ms and at most 41 ms (`tests/wasm_timeline.rs`);
//! natively a median of 31 ms and at most 145 ms, where each copy of tens of MB is fresh
//! memory the kernel must fault in (`tests/timeline.rs`; both tests are ignored
//! measurements). The first pass over the hour, snapshots included, took 0.8 s in the
//! browser. Lighter runs (fewer customers, slower links) keep more snapshots closer together.
//! On issue 16's heavy run (9 branches, 100 customers a second for a simulated hour, 5.6
//! million events), sharing took the snapshots kept from 1 to 11 and 20 jumps natively from
//! a median of 1.45 s to 79 ms (BENCHMARKS.md, "Snapshots share what only grows"); the
//! branches sharing their registers took the cursor from 259 to 91 MiB and the snapshots
//! kept to 42, jumps to 31 ms median (BENCHMARKS.md, "One register for nine branches").

use crate::action::Action;
use crate::ids::Tick;
use crate::scenario::Scenario;
use crate::sim::Simulation;

/// How often snapshots are taken and how many may be kept.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_snapshots: usize,
    /// The most bytes all snapshots together may hold, what they share counted once (see
    /// the module documentation).
    pub budget_bytes: usize,
    /// Simulation events between two snapshots while the run moves forward.
    pub events_between: u64,
}

impl Default for Limits {
    /// 64 snapshots, 192 MiB, one every 40,000 events (a few milliseconds of replay).
    fn default() -> Limits {
        Limits { max_snapshots: 64, budget_bytes: 192 << 20, events_between: 40_000 }
    }
}

impl Limits {
    /// The page's (`crates/web/src/state.rs`), here so the benchmarks measure the very same:
    /// 48 snapshots within 64 MiB, one every 40,000 events.
    pub const PAGE: Limits = Limits { max_snapshots: 48, budget_bytes: 64 << 20, events_between: 40_000 };
}

/// The most actions of a branch's log that could not be replayed that are remembered.
const MAX_REJECTED: usize = 16;

#[derive(Clone)]
struct Snapshot {
    sim: Simulation,
    bytes: usize,
}

impl Snapshot {
    fn events(&self) -> u64 {
        self.sim.stats().events
    }
    /// Where on the branch it stands: its tick, then how many of the log's actions it applied.
    fn at(&self) -> (Tick, usize) {
        (self.sim.now(), self.sim.actions().len())
    }
}

/// A simulation with a past and a recorded future: see the module documentation.
pub struct Timeline {
    name: Option<String>,
    cursor: Simulation,
    /// Every action of this branch of history, applied or still ahead of the cursor. The
    /// cursor has applied exactly `log[..cursor.actions().len()]`.
    log: Vec<(Tick, Action)>,
    /// The furthest tick of this branch: reached, or where its script ends.
    end: Tick,
    /// The most events the cursor has counted on this branch (at `end`, once reached).
    end_events: u64,
    /// Ordered by `at()`; `snapshots[0]` is tick 0, before any action.
    snapshots: Vec<Snapshot>,
    limits: Limits,
    /// Scripted actions that failed when their tick came (`drop 42` of a message that is
    /// not in flight, …): dropped from the log, kept here to explain why.
    rejected: Vec<String>,
    /// Cursors a jump replaced, kept for the caller to free ([`defer_frees`](Self::defer_frees));
    /// `None`: freed at once.
    retired: Option<Vec<Simulation>>,
}

impl Timeline {
    /// A timeline starting from `sim`, which must be fresh (tick 0, no action yet); set it
    /// up first (e.g. enable its trace), since every snapshot is a copy of it.
    pub fn new(sim: Simulation) -> Result<Timeline, String> {
        Timeline::with_limits(sim, Limits::default())
    }

    pub fn with_limits(sim: Simulation, limits: Limits) -> Result<Timeline, String> {
        if sim.now() != Tick(0) || !sim.actions().is_empty() || sim.stats().events != 0 {
            return Err("a timeline starts from a fresh simulation (tick 0, no action)".into());
        }
        if limits.max_snapshots < 2 || limits.events_between == 0 {
            return Err("a timeline keeps at least 2 snapshots, taken at least one event apart".into());
        }
        let root = Snapshot { bytes: sim.approx_bytes(), sim: sim.clone() };
        Ok(Timeline {
            name: None,
            cursor: sim,
            log: Vec::new(),
            end: Tick(0),
            end_events: 0,
            snapshots: vec![root],
            limits,
            rejected: Vec::new(),
            retired: None,
        })
    }

    /// A timeline whose recorded future is `scenario`'s actions, standing at tick 0: playing
    /// forward runs the scenario, and acting at any moment departs from it.
    pub fn from_scenario(scenario: &Scenario, default_seed: u64) -> Result<Timeline, String> {
        let sim = Simulation::new(scenario.config.clone(), scenario.seed.unwrap_or(default_seed))?;
        Timeline::scripted(sim, scenario, Limits::default())
    }

    /// [`from_scenario`](Self::from_scenario) from a fresh simulation set up by the caller
    /// (its trace enabled, say), which must have the scenario's config (and seed, if the
    /// scenario names one).
    pub fn scripted(sim: Simulation, scenario: &Scenario, limits: Limits) -> Result<Timeline, String> {
        if sim.config() != &scenario.config || scenario.seed.is_some_and(|s| s != sim.seed()) {
            return Err("the simulation's config and seed must be the scenario's".into());
        }
        if scenario.actions.windows(2).any(|w| w[0].0 > w[1].0) {
            return Err("a scenario's actions must be in time order".into());
        }
        if scenario.actions.len() > crate::config::limits::MAX_ACTIONS {
            return Err(format!("at most {} actions", crate::config::limits::MAX_ACTIONS));
        }
        let mut t = Timeline::with_limits(sim, limits)?;
        t.name = scenario.name.clone();
        t.log = scenario.actions.clone();
        t.end = Tick(scenario.run_until.unwrap_or_else(|| scenario.actions.last().map_or(0, |(t, _)| t.0 + 1)));
        Ok(t)
    }

    /// The simulation at the cursor: what the page draws.
    pub fn sim(&self) -> &Simulation {
        &self.cursor
    }
    pub fn now(&self) -> Tick {
        self.cursor.now()
    }
    /// The furthest tick of this branch of history: reached, or where its script ends.
    pub fn end(&self) -> Tick {
        self.end
    }
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    /// Every action of this branch, before and after the cursor.
    pub fn log(&self) -> &[(Tick, Action)] {
        &self.log
    }
    /// How many of [`log`](Self::log)'s actions are behind the cursor.
    pub fn applied(&self) -> usize {
        self.cursor.actions().len()
    }
    pub fn limits(&self) -> Limits {
        self.limits
    }
    /// The ticks of the snapshots kept, oldest first (for tests and the curious).
    pub fn snapshot_ticks(&self) -> Vec<Tick> {
        self.snapshots.iter().map(|s| s.sim.now()).collect()
    }
    /// What the snapshots hold together, what they share counted once: the sum of their
    /// costs (see the module documentation).
    pub fn snapshot_bytes(&self) -> usize {
        self.snapshots.iter().map(|s| s.bytes).sum()
    }
    /// Scripted actions that failed when their tick came, with why (at most 16).
    pub fn rejected(&self) -> &[String] {
        &self.rejected
    }

    /// From now on, a cursor that a jump replaces is kept until [`take_retired`](Self::take_retired)
    /// instead of freed at once. Freeing a busy run (tens of thousands of messages in flight,
    /// each its own allocations) takes tens of milliseconds in the browser; the page frees
    /// it in a frame of its own rather than in the one that jumps.
    pub fn defer_frees(&mut self) {
        self.retired.get_or_insert_with(Vec::new);
    }

    /// The cursors replaced since the last call, for the caller to free when it suits it.
    pub fn take_retired(&mut self) -> Vec<Simulation> {
        self.retired.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// This branch as a scenario: its whole log, run to its end. Opening it reproduces the
    /// branch exactly (a permalink, a file for `nextnumber run --scenario`).
    pub fn scenario(&self) -> Scenario {
        Scenario {
            name: self.name.clone(),
            config: self.cursor.config().clone(),
            seed: Some(self.cursor.seed()),
            actions: self.log.clone(),
            run_until: Some(self.end.0),
            counterexample: None,
        }
    }

    /// Moves the cursor to tick `t`, back or forward, anywhere on this branch or past its end.
    pub fn seek(&mut self, t: Tick) {
        let t = Tick(t.0.min(crate::config::limits::MAX_TICK));
        // The latest snapshot at or before `t` (tick 0 always is one).
        let best = self.snapshots.iter().rposition(|s| s.sim.now() <= t).unwrap_or(0);
        let snapshot_ahead = self.snapshots[best].events()
            >= self.cursor.stats().events + self.limits.events_between / 4
            && self.snapshots[best].at() > (self.cursor.now(), self.applied());
        if t < self.cursor.now() || snapshot_ahead {
            self.restore(best);
        }
        self.advance(t);
    }

    /// Plays forward to tick `t` (nothing happens if the cursor is already past it).
    pub fn run_until(&mut self, t: Tick) {
        if t > self.cursor.now() {
            self.seek(t);
        }
    }

    /// Moves to the next tick at which something happens (an event or a recorded action);
    /// false when nothing is left.
    pub fn step(&mut self) -> bool {
        let event = self.cursor.next_event_tick();
        let action = self.log.get(self.applied()).map(|(t, _)| *t);
        let next = match (event, action) {
            (Some(e), Some(a)) => e.min(a),
            (e, a) => match e.or(a) {
                Some(t) => t,
                None => return false,
            },
        };
        if next.0 > crate::config::limits::MAX_TICK {
            return false;
        }
        self.seek(next);
        true
    }

    /// Applies `action` at the cursor and records it. At a past moment this forks: the
    /// actions after the cursor are dropped first. Returns how many were dropped. A refused
    /// action changes nothing, not even the future.
    pub fn act(&mut self, action: Action) -> Result<usize, String> {
        let (now, applied) = (self.cursor.now(), self.applied());
        self.cursor.act(action.clone())?;
        let dropped = self.cut_future(now, applied);
        self.log.push((now, action));
        Ok(dropped)
    }

    /// Takes back the last action of this branch when the cursor stands just after it, at
    /// its tick: the cursor returns to that tick before it (a counterexample's steps, all at
    /// one tick, played backwards). None, changing nothing, otherwise.
    pub fn take_back(&mut self) -> Option<Action> {
        let (now, applied) = (self.cursor.now(), self.applied());
        if applied == 0 || applied != self.log.len() || self.log[applied - 1].0 != now {
            return None;
        }
        let (_, action) = self.log.pop()?;
        self.snapshots.retain(|s| s.at() <= (now, applied - 1));
        self.restore(self.snapshots.len() - 1);
        self.advance(now);
        self.end_events = self.cursor.stats().events;
        self.recost(self.snapshots.len() - 1);
        Some(action)
    }

    /// Puts a copy of snapshot `i` in the cursor's place; the run it replaces is freed, or
    /// kept for the caller ([`defer_frees`](Self::defer_frees)).
    fn restore(&mut self, i: usize) {
        let replaced = std::mem::replace(&mut self.cursor, self.snapshots[i].sim.clone());
        match &mut self.retired {
            Some(retired) => retired.push(replaced),
            None => drop(replaced),
        }
    }

    /// Forks without acting: drops the actions after the cursor, and the snapshots of the
    /// moments after it, so this moment becomes the end of the branch. Returns how many
    /// actions were dropped.
    pub fn fork(&mut self) -> usize {
        let (now, applied) = (self.cursor.now(), self.applied());
        self.cut_future(now, applied)
    }

    fn cut_future(&mut self, now: Tick, applied: usize) -> usize {
        let dropped = self.log.len() - applied;
        self.log.truncate(applied);
        self.snapshots.retain(|s| s.at() <= (now, applied));
        self.recost(self.snapshots.len() - 1);
        self.end = now;
        self.end_events = self.cursor.stats().events;
        dropped
    }

    /// Runs the cursor forward to `target`, applying the recorded actions on the way and
    /// taking snapshots every `events_between` events.
    fn advance(&mut self, target: Tick) {
        loop {
            let next = self.log.get(self.applied()).filter(|(t, _)| *t <= target).map(|(t, _)| *t);
            self.run_to(next.unwrap_or(target));
            let Some(at) = next else { break };
            let action = self.log[self.applied()].1.clone();
            if let Err(e) = self.cursor.act(action.clone()) {
                // A scripted action that cannot happen here: the branch goes on without it.
                if self.rejected.len() < MAX_REJECTED {
                    self.rejected.push(format!("@{} {action}: {e}", at.0));
                }
                let i = self.applied();
                self.log.remove(i);
                self.snapshots.retain(|s| s.at() <= (at, i));
                self.recost(self.snapshots.len() - 1);
            }
        }
        if self.cursor.now() >= self.end {
            self.end = self.cursor.now();
        }
        self.end_events = self.end_events.max(self.cursor.stats().events);
    }

    /// Runs the cursor's events up to `stop` in chunks of ticks sized to reach the next
    /// snapshot's event count, taking that snapshot once the count is reached.
    fn run_to(&mut self, stop: Tick) {
        let between = self.limits.events_between;
        // Ticks per event, as last seen; sizes the next chunk.
        let (mut ticks, mut events) = (1u64, 1u64);
        while self.cursor.now() < stop {
            let (now, before) = (self.cursor.now(), self.cursor.stats().events);
            if before >= self.last_snapshot_events() + between {
                // It may decline (a snapshot close ahead) or thin itself away: run on anyway.
                self.take_snapshot();
            }
            let due = self.last_snapshot_events() + between;
            let want = if before >= due { between } else { due - before };
            let chunk = (want.saturating_mul(ticks) / events).clamp(1, stop.0 - now.0);
            self.cursor.run_until(Tick(now.0 + chunk));
            let done = self.cursor.stats().events - before;
            (ticks, events) = if done == 0 { (ticks.saturating_mul(2).min(1 << 30), events) } else { (chunk, done) };
        }
        if self.cursor.stats().events >= self.last_snapshot_events() + between {
            self.take_snapshot();
        }
    }

    /// The event count of the latest snapshot at or before the cursor.
    fn last_snapshot_events(&self) -> u64 {
        let at = (self.cursor.now(), self.applied());
        self.snapshots.iter().rev().find(|s| s.at() <= at).map_or(0, |s| s.events())
    }

    /// Snapshots the cursor if it stands past every snapshot: new ground. Replaying ground
    /// already covered takes none, so a jump costs no copy beyond its restore; thinning
    /// (below) keeps the covered ground's snapshots evenly spread.
    fn take_snapshot(&mut self) {
        let at = (self.cursor.now(), self.applied());
        if self.snapshots.last().is_some_and(|s| s.at() >= at) {
            return;
        }
        self.snapshots.push(Snapshot { sim: self.cursor.clone(), bytes: 0 });
        let newest = self.snapshots.len() - 1;
        self.recost(newest - 1);
        self.recost(newest);
        self.thin();
    }

    /// Removes snapshots, the one leaving the smallest gap first, until both bounds hold.
    /// Neither the first (tick 0) nor the last goes while others can: the last is the
    /// frontier a run moving forward is about to need.
    fn thin(&mut self) {
        let over =
            |t: &Timeline| t.snapshots.len() > t.limits.max_snapshots || t.snapshot_bytes() > t.limits.budget_bytes;
        while self.snapshots.len() > 1 && over(self) {
            let end_events = self.end_events.max(self.cursor.stats().events);
            let gap = |i: usize| {
                let next = self.snapshots.get(i + 1).map_or(end_events, Snapshot::events);
                next.saturating_sub(self.snapshots[i - 1].events())
            };
            let last = if self.snapshots.len() > 2 { self.snapshots.len() - 1 } else { self.snapshots.len() };
            let victim = (1..last).min_by_key(|&i| (gap(i), i)).expect("more than one snapshot");
            self.snapshots.remove(victim);
            // Its predecessor now owns what it shared only with the victim.
            self.recost(victim - 1);
        }
    }

    /// Counts snapshot `i` beside its successor, the newest beside the cursor: what it holds
    /// that the next one does not (see the module documentation).
    fn recost(&mut self, i: usize) {
        let next = self.snapshots.get(i + 1).map_or(&self.cursor, |s| &s.sim);
        let bytes = self.snapshots[i].sim.approx_bytes_beside(next);
        self.snapshots[i].bytes = bytes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn small_limits() -> Limits {
        Limits { max_snapshots: 6, budget_bytes: usize::MAX, events_between: 500 }
    }

    fn busy() -> Timeline {
        let mut sim = Simulation::new(Config::default(), 3).unwrap();
        sim.trace_mut().enable(0);
        let mut t = Timeline::with_limits(sim, small_limits()).unwrap();
        t.act(Action::parse("load 20 random", 5).unwrap()).unwrap();
        t
    }

    #[test]
    fn a_fresh_simulation_is_required() {
        let mut sim = Simulation::new(Config::default(), 1).unwrap();
        sim.run_until(Tick(5));
        assert!(Timeline::new(sim).is_err());
    }

    #[test]
    fn snapshots_stay_within_the_count_and_keep_tick_zero() {
        let mut t = busy();
        t.run_until(Tick(60_000));
        let ticks = t.snapshot_ticks();
        assert!(ticks.len() <= 6, "{ticks:?}");
        assert_eq!(ticks[0], Tick(0));
        assert!(ticks.windows(2).all(|w| w[0] <= w[1]), "{ticks:?}");
    }
}
