//! Shrinking a failing scenario: the smallest run we can find that still breaks the same
//! invariants, so a reader sees the few actions that matter and none that do not.
//!
//! The goal is the set of invariants the original run breaks (or the ones a caller names):
//! a candidate counts as failing only if its run breaks every one of them, so the shrunk
//! scenario shows the same failure, not some other one met on the way. Every candidate is
//! run from scratch with the scenario's own seed (the seed stays: the failure is a property
//! of that seed's interleaving), and a candidate whose actions are refused on replay is no
//! candidate, so the result always replays with `nextnumber run --scenario`.
//!
//! The passes, repeated until a round changes nothing:
//! 1. ddmin (Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing Input",
//!    2002) over the action lines: faults, customers, loads, retries alike;
//! 2. fewer branches, when the remaining actions name none of those removed;
//! 3. the network's and timers' settings back to their defaults (loss and duplication are
//!    faults too);
//! 4. each load's rate as low as it can go;
//! 5. the run as short as it can be.
//!
//! Numbers are lowered by bisection, each value tried in a run: a failure is not monotonic
//! in them, so a bisection finds *a* smaller failing value, not the smallest, and that is
//! enough. Pure and deterministic, like the simulator: the page can shrink too.

use crate::action::Action;
use crate::check::{Invariant, ALL_INVARIANTS};
use crate::config::Config;
use crate::ids::Tick;
use crate::scenario::Scenario;
use std::collections::{BTreeMap, BTreeSet};

/// The most runs one shrink makes: a swarm scenario of a hundred actions takes a few
/// hundred; past this the best scenario found so far is returned, and said to be so.
pub const MAX_RUNS: usize = 3_000;
/// Rounds of all the passes; a round that changes nothing ends sooner.
const MAX_ROUNDS: usize = 4;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shrunk {
    /// The smallest failing scenario found (no name: a name would make the page play the
    /// original's narration over a different run).
    pub scenario: Scenario,
    /// The invariants it still breaks: the goal.
    pub goal: Vec<Invariant>,
    /// Actions in the original and in the result.
    pub actions_before: usize,
    /// Runs made, cached repeats not counted.
    pub runs: usize,
    /// The run budget ([`MAX_RUNS`]) ran out: smaller may exist.
    pub exhausted: bool,
}

/// What a caller is told after each run, to draw progress.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    pub runs: usize,
    /// Actions in the smallest failing scenario so far.
    pub actions: usize,
}

/// The invariants a run of `scenario` breaks (its seed, or `default_seed`), as the CLI's
/// `run` reports them; an error if its actions do not replay.
pub fn broken(scenario: &Scenario, default_seed: u64) -> Result<BTreeSet<Invariant>, String> {
    let sim = scenario.run(default_seed)?;
    Ok(sim.report().violations().iter().map(|(_, v)| v.invariant).collect())
}

/// An invariant by its code (`I1`, `election-safety`, …), in any case.
pub fn invariant_by_code(code: &str) -> Result<Invariant, String> {
    ALL_INVARIANTS.iter().copied().find(|i| i.code().eq_ignore_ascii_case(code)).ok_or_else(|| {
        let codes: Vec<&str> = ALL_INVARIANTS.iter().map(|i| i.code()).collect();
        format!("no invariant {code:?} (the invariants are {})", codes.join(", "))
    })
}

/// Shrinks `scenario` while it still breaks `goal` (default: every invariant its run
/// breaks), calling `on_run` after each run. An error if it does not replay, breaks
/// nothing, or does not break the named invariants.
pub fn shrink(
    scenario: &Scenario,
    default_seed: u64,
    goal: Option<&[Invariant]>,
    on_run: impl FnMut(Progress),
) -> Result<Shrunk, String> {
    let found = broken(scenario, default_seed)?;
    if found.is_empty() {
        return Err("the scenario breaks no invariant: there is no failure to shrink".into());
    }
    let goal: BTreeSet<Invariant> = goal.map_or_else(|| found.clone(), |g| g.iter().copied().collect());
    if let Some(missing) = goal.iter().find(|i| !found.contains(i)) {
        let codes: Vec<&str> = found.iter().map(|i| i.code()).collect();
        return Err(format!("the scenario does not break {}; it breaks {}", missing.code(), codes.join(" ")));
    }
    // The seed and the end are pinned: without a seed line the run would draw another
    // seed's interleaving, and without a run line dropping the last action would cut it.
    let start = Scenario {
        name: None,
        seed: Some(scenario.seed.unwrap_or(default_seed)),
        run_until: Some(scenario.end().0),
        counterexample: None,
        ..scenario.clone()
    };
    let mut s = Shrinker { goal, tried: BTreeMap::new(), runs: 0, best: start.actions.len(), on_run };
    let shrunk = s.rounds(start);
    let goal = s.goal.iter().copied().collect();
    let exhausted = s.runs >= MAX_RUNS;
    Ok(Shrunk { scenario: shrunk, goal, actions_before: scenario.actions.len(), runs: s.runs, exhausted })
}

struct Shrinker<F> {
    goal: BTreeSet<Invariant>,
    /// Every candidate tried, by its text, with whether it failed: ddmin asks again.
    tried: BTreeMap<String, bool>,
    runs: usize,
    best: usize,
    on_run: F,
}

impl<F: FnMut(Progress)> Shrinker<F> {
    /// Whether `candidate` still breaks every invariant of the goal.
    fn fails(&mut self, candidate: &Scenario) -> bool {
        let text = candidate.to_text();
        if let Some(&known) = self.tried.get(&text) {
            return known;
        }
        if self.runs >= MAX_RUNS {
            return false;
        }
        self.runs += 1;
        // A candidate's config may be invalid (a heartbeat no shorter than the election
        // timeout) or its actions refused (a restart of a branch never killed): no failure.
        let fails = broken(candidate, 0).is_ok_and(|found| self.goal.is_subset(&found));
        if fails {
            self.best = self.best.min(candidate.actions.len());
        }
        (self.on_run)(Progress { runs: self.runs, actions: self.best });
        self.tried.insert(text, fails);
        fails
    }

    fn rounds(&mut self, mut s: Scenario) -> Scenario {
        for _ in 0..MAX_ROUNDS {
            let before = s.clone();
            s = self.ddmin(s);
            s = self.fewer_branches(s);
            s = self.default_settings(s);
            s = self.lower_loads(s);
            s = self.shorter_run(s);
            if s == before || self.runs >= MAX_RUNS {
                break;
            }
        }
        s
    }

    /// ddmin over the actions: try keeping one of n chunks, then dropping one, then cut
    /// finer; ends 1-minimal (no single action can go) unless the budget runs out.
    fn ddmin(&mut self, mut s: Scenario) -> Scenario {
        let mut n = 2;
        while !s.actions.is_empty() {
            let len = s.actions.len();
            let chunks = chunks(len, n.min(len));
            if let Some(kept) = chunks.iter().map(|c| with_actions(&s, s.actions[c.clone()].to_vec())).find(|c| {
                // Keeping the only chunk is no change.
                c.actions.len() < len && self.fails(c)
            }) {
                (s, n) = (kept, 2);
                continue;
            }
            let dropped = chunks.iter().map(|c| without(&s, c.clone())).find(|c| self.fails(c));
            if let Some(smaller) = dropped {
                (s, n) = (smaller, (n - 1).max(2));
                continue;
            }
            if n >= len || self.runs >= MAX_RUNS {
                break;
            }
            n = (n * 2).min(len);
        }
        s
    }

    /// The fewest branches (smallest first) that still fail; a count is skipped when an
    /// action names a branch it does not have.
    fn fewer_branches(&mut self, s: Scenario) -> Scenario {
        for branches in 1..s.config.branches {
            let mut candidate = s.clone();
            candidate.config.branches = branches;
            // Parsing the text checks every action against the new count, as a file's would be.
            let Ok(candidate) = Scenario::parse(&candidate.to_text()) else { continue };
            if self.fails(&candidate) {
                return candidate;
            }
        }
        s
    }

    /// Each setting the default's, one at a time, where the failure does not need it.
    fn default_settings(&mut self, mut s: Scenario) -> Scenario {
        let d = Config::default();
        let resets: [fn(&mut Config, &Config); 8] = [
            |c, d| c.loss_pct = d.loss_pct,
            |c, d| c.dup_pct = d.dup_pct,
            |c, d| (c.latency_min_ms, c.latency_max_ms) = (d.latency_min_ms, d.latency_max_ms),
            |c, d| {
                (c.election_timeout_min_ms, c.election_timeout_max_ms) =
                    (d.election_timeout_min_ms, d.election_timeout_max_ms)
            },
            |c, d| c.heartbeat_ms = d.heartbeat_ms,
            |c, d| c.client_timeout_ms = d.client_timeout_ms,
            |c, d| c.client_mode = d.client_mode,
            |c, d| c.path = d.path,
        ];
        for reset in resets {
            let mut candidate = s.clone();
            reset(&mut candidate.config, &d);
            if candidate.config != s.config && self.fails(&candidate) {
                s = candidate;
            }
        }
        s
    }

    /// Each load's rate (customers per second) bisected down: fewer customers, shorter story.
    fn lower_loads(&mut self, mut s: Scenario) -> Scenario {
        for i in 0..s.actions.len() {
            let (t, Action::Load(rate, target)) = s.actions[i].clone() else { continue };
            let lowest = self.lowest(1, rate as u64, |v| {
                let mut c = s.clone();
                c.actions[i] = (t, Action::Load(v as u32, target));
                c
            });
            s.actions[i].1 = Action::Load(lowest as u32, target);
        }
        s
    }

    /// The run's end bisected down, no earlier than one tick past the last action.
    fn shorter_run(&mut self, s: Scenario) -> Scenario {
        let floor = s.actions.last().map_or(1, |(t, _)| t.0 + 1);
        let end = self.lowest(floor, s.end().0, |v| Scenario { run_until: Some(v), ..s.clone() });
        Scenario { run_until: Some(end), ..s }
    }

    /// A low value in `lo..=hi` at which `make(value)` fails, `hi` known to fail: bisection,
    /// keeping the lowest value seen failing.
    fn lowest(&mut self, lo: u64, hi: u64, make: impl Fn(u64) -> Scenario) -> u64 {
        let (mut lo, mut hi) = (lo, hi);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.fails(&make(mid)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        hi
    }
}

/// `len` items cut into `n` chunks as even as can be, in order.
fn chunks(len: usize, n: usize) -> Vec<std::ops::Range<usize>> {
    (0..n).map(|i| i * len / n..(i + 1) * len / n).filter(|r| !r.is_empty()).collect()
}

fn with_actions(s: &Scenario, actions: Vec<(Tick, Action)>) -> Scenario {
    Scenario { actions, ..s.clone() }
}

fn without(s: &Scenario, drop: std::ops::Range<usize>) -> Scenario {
    let actions = s.actions.iter().enumerate().filter(|(i, _)| !drop.contains(i)).map(|(_, a)| a.clone()).collect();
    with_actions(s, actions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Scenario {
        let path = format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
        Scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn chunks_cover_every_item_once_in_order() {
        for len in 1..20 {
            for n in 1..=len {
                let c = chunks(len, n);
                assert_eq!(c.len(), n, "{len} in {n}");
                assert_eq!(c.iter().flat_map(|r| r.clone()).collect::<Vec<_>>(), (0..len).collect::<Vec<_>>());
            }
        }
    }

    /// Split brain needs the flood and customers on both sides: ddmin must keep a split
    /// and a load, and may drop the rest.
    #[test]
    fn split_brain_shrinks_to_fewer_actions_and_still_breaks_i1() {
        let original = fixture("essay-6-split-brain.txt");
        let mut calls = 0;
        let shrunk = shrink(&original, 1, None, |_| calls += 1).unwrap();
        // Every invariant the original breaks, I1 first (a split brain breaks most of them).
        assert_eq!(shrunk.goal, broken(&original, 1).unwrap().into_iter().collect::<Vec<_>>());
        assert_eq!(shrunk.goal[0], Invariant::I1Unique);
        let text = shrunk.scenario.to_text();
        assert!(shrunk.scenario.actions.len() < original.actions.len(), "{text}");
        assert!(shrunk.scenario.actions.iter().any(|(_, a)| matches!(a, Action::Split(_))), "{text}");
        // The seed is written in, so the text runs alone as it ran here.
        let again = broken(&Scenario::parse(&text).unwrap(), 99).unwrap();
        assert!(shrunk.goal.iter().all(|i| again.contains(i)), "{text}");
        assert_eq!(shrunk.scenario.name, None);
        assert_eq!(calls, shrunk.runs);
    }

    /// ddmin's promise (Zeller and Hildebrandt, 2002, section 4): the result is 1-minimal,
    /// no single action can go and leave the failure.
    #[test]
    fn no_single_action_of_a_shrunk_scenario_can_go() {
        for name in ["volatile-vote-two-leaders.txt", "essay-15-obey-the-decree.txt", "essay-6-split-brain.txt"] {
            let shrunk = shrink(&fixture(name), 1, None, |_| {}).unwrap();
            assert!(!shrunk.exhausted, "{name}");
            for i in 0..shrunk.scenario.actions.len() {
                let fewer = without(&shrunk.scenario, i..i + 1);
                let found = broken(&fewer, 1).unwrap_or_default();
                let text = fewer.to_text();
                assert!(!shrunk.goal.iter().all(|g| found.contains(g)), "{name}: action {i} could go:\n{text}");
            }
        }
    }

    #[test]
    fn shrinking_is_deterministic() {
        let original = fixture("essay-8-two-numbers-for-one-child.txt");
        let a = shrink(&original, 1, None, |_| {}).unwrap();
        let b = shrink(&original, 1, None, |_| {}).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn a_passing_scenario_or_a_wrong_goal_is_refused() {
        let passing = fixture("essay-1-one-office.txt");
        let e = shrink(&passing, 1, None, |_| {}).unwrap_err();
        assert!(e.contains("breaks no invariant"), "{e}");
        let failing = fixture("split-brain-no-quorum.txt");
        let e = shrink(&failing, 1, Some(&[Invariant::ElectionSafety]), |_| {}).unwrap_err();
        assert!(e.contains("does not break election-safety"), "{e}");
        assert_eq!(invariant_by_code("i1"), Ok(Invariant::I1Unique));
        assert!(invariant_by_code("I9").unwrap_err().contains("election-safety"));
    }
}
