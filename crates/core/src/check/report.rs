//! The one checker report: every checker's verdict on a run so far, merged once, here, and
//! read by the page, the JS API (`check()`), the CLI and the tests.
//!
//! Three sources feed it: the online [`crate::check::Monitor`] (what branches reported, as
//! it happened), the history checker ([`crate::check::check_history`] on the run's
//! history: what any tool can check from the history file alone), and the live L1 checker
//! ([`crate::check::liveness`]). The simulator hands their findings to [`Report::merge`]
//! (`Simulation::report`); this module knows nothing of the simulator. Each invariant is judged and holding, broken, or not judged —
//! never shown as holding when it was not checked. The safety invariants are judged from
//! the first tick (every event is watched); L1 only once a majority has been healed for
//! its bound, and from then on.
//!
//! No floating point and no JSON here: this module ships in the page's wasm.

use super::{Invariant, Violation, Violations, ALL_INVARIANTS};
use crate::ids::{NodeId, RequestId};
use std::collections::BTreeSet;

/// What the checkers say about one invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Judgement {
    /// Judged and holding; `since`: the tick from which it has been judged (None: the whole run).
    Holds { since: Option<u64> },
    /// Broken; the first violation found (online monitor first, then history checker).
    Broken(Violation),
    /// Not judged (yet): why, in plain words for a visitor.
    NotJudged(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub invariant: Invariant,
    pub judgement: Judgement,
    /// Violations of it found (each checker keeps at most the first few of each kind).
    pub count: usize,
}

/// Which checker found a violation.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The online checkers, as it happened: the Monitor, and L1's live judge.
    Online,
    /// The history file's checker.
    History,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Online => "online",
            Source::History => "history",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// One per invariant, in the order of [`ALL_INVARIANTS`].
    pub verdicts: Vec<Verdict>,
    violations: Vec<(Source, Violation)>,
}

impl Report {
    /// How many invariants are broken.
    pub fn broken(&self) -> usize {
        self.verdicts.iter().filter(|v| matches!(v.judgement, Judgement::Broken(_))).count()
    }

    /// How many invariants are not judged (yet).
    pub fn not_judged(&self) -> usize {
        self.verdicts.iter().filter(|v| matches!(v.judgement, Judgement::NotJudged(_))).count()
    }

    /// True when nothing is broken (some invariants may not be judged yet).
    pub fn ok(&self) -> bool {
        self.violations.is_empty()
    }

    /// Every violation found, online ones first (the Monitor's, then L1's), then the
    /// history checker's, each in the order found.
    pub fn violations(&self) -> &[(Source, Violation)] {
        &self.violations
    }

    /// Every violation found, each said once: the online monitor and the history checker
    /// often see the same fault, and one message is enough (the CLI and the swarm print these).
    pub fn distinct_violations(&self) -> Vec<&Violation> {
        let mut distinct: Vec<&Violation> = Vec::new();
        for (_, v) in &self.violations {
            if !distinct.iter().any(|w| w.invariant == v.invariant && w.detail == v.detail) {
                distinct.push(v);
            }
        }
        distinct
    }

    /// The verdict on one invariant.
    pub fn verdict(&self, invariant: Invariant) -> &Verdict {
        self.verdicts.iter().find(|v| v.invariant == invariant).expect("one verdict per invariant")
    }

    /// The branches and the requests named by the violations of broken invariants, each
    /// once, in order (for the page to ring them on the map and mark them on the desk).
    pub fn implicated(&self) -> (Vec<NodeId>, Vec<RequestId>) {
        let mut branches = BTreeSet::new();
        let mut requests = BTreeSet::new();
        for (_, v) in &self.violations {
            branches.extend(v.branches.iter().copied());
            requests.extend(v.requests.iter().copied());
        }
        (branches.into_iter().collect(), requests.into_iter().collect())
    }
}

/// Where the live L1 judge stands when a report is made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum L1Standing {
    /// Judged from this tick on.
    JudgedSince(u64),
    /// Not judged (yet): why, in a visitor's words.
    NotJudged(String),
}

impl Report {
    /// Merges every checker's findings: the online monitor's, L1's live judge's (`live`,
    /// and where it stands), and the history checker's, in that order.
    pub fn merge(online: &[Violation], live: Vec<Violation>, l1: L1Standing, history: &Violations) -> Report {
        let mut violations: Vec<(Source, Violation)> = online.iter().map(|v| (Source::Online, v.clone())).collect();
        violations.extend(live.into_iter().map(|v| (Source::Online, v)));
        violations.extend(history.list().iter().map(|v| (Source::History, v.clone())));
        let verdicts = ALL_INVARIANTS
            .iter()
            .map(|&invariant| {
                let mut of = violations.iter().filter(|(_, v)| v.invariant == invariant);
                let first = of.next().map(|(_, v)| v.clone());
                let count = first.iter().count() + of.count();
                let judgement = match (first, &l1) {
                    (Some(v), _) => Judgement::Broken(v),
                    (None, _) if invariant != Invariant::L1Liveness => Judgement::Holds { since: None },
                    (None, L1Standing::JudgedSince(t)) => Judgement::Holds { since: Some(*t) },
                    (None, L1Standing::NotJudged(why)) => Judgement::NotJudged(why.clone()),
                };
                Verdict { invariant, judgement, count }
            })
            .collect();
        Report { verdicts, violations }
    }
}
