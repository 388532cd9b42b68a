//! The checkers. They live outside the branches and judge them against the invariants named
//! here (I1–I7, Election Safety, Log Matching, L1):
//!
//! - [`monitor`]: the online checker, fed what branches report as it happens (elections,
//!   commits, applies, answers);
//! - [`liveness`]: L1, judged live, from what the simulator shows it of the world;
//! - [`history`]: [`check_history`], which judges a finished history file on its own, so any
//!   tool can check any run without the simulator;
//! - [`incremental`]: the same judgement, kept up to date as the simulator writes the
//!   history, so the page's checks cost what changed, not the whole run;
//! - [`report`]: every checker's verdict, merged once (`Simulation::report`).
//!
//! Each property can fail; the tests prove it by switching safety mechanisms off.

pub mod history;
pub mod incremental;
pub mod liveness;
pub mod monitor;
pub mod report;

pub use history::check_history;
pub use incremental::HistoryChecker;
pub use monitor::Monitor;

use crate::ids::*;
use serde::Serialize;
use std::fmt;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Invariant {
    /// No Number is bound to two RequestIds.
    I1Unique,
    /// The committed Numbers are exactly 1..=k.
    I2Gapless,
    /// A RequestId gets one Number, and every retry is answered with it.
    I3Idempotent,
    /// A committed entry is in the log of every later leader.
    I4Durable,
    /// Every branch's applied sequence is a prefix of one canonical sequence.
    I5Agreement,
    /// Real-time order: an issue that completed before another began has the smaller Number.
    I6Linearizable,
    /// One child, one Number: a customer's single need ends with at most one Number.
    I7OneChildOneNumber,
    /// At most one leader per term (Raft §5.2).
    ElectionSafety,
    /// Two logs with an entry of the same index and term agree up to it (Raft §5.3).
    LogMatching,
    /// Once a majority is connected and alive, pending requests complete in bounded time.
    L1Liveness,
}

pub const ALL_INVARIANTS: [Invariant; 10] = [
    Invariant::I1Unique,
    Invariant::I2Gapless,
    Invariant::I3Idempotent,
    Invariant::I4Durable,
    Invariant::I5Agreement,
    Invariant::I6Linearizable,
    Invariant::I7OneChildOneNumber,
    Invariant::ElectionSafety,
    Invariant::LogMatching,
    Invariant::L1Liveness,
];

impl Invariant {
    pub fn code(self) -> &'static str {
        match self {
            Invariant::I1Unique => "I1",
            Invariant::I2Gapless => "I2",
            Invariant::I3Idempotent => "I3",
            Invariant::I4Durable => "I4",
            Invariant::I5Agreement => "I5",
            Invariant::I6Linearizable => "I6",
            Invariant::I7OneChildOneNumber => "I7",
            Invariant::ElectionSafety => "election-safety",
            Invariant::LogMatching => "log-matching",
            Invariant::L1Liveness => "L1",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            Invariant::I1Unique => "unique: no Number given twice",
            Invariant::I2Gapless => "gapless: no Number skipped",
            Invariant::I3Idempotent => "idempotent: a retry gets the same Number",
            Invariant::I4Durable => "durable: committed entries survive leader changes",
            Invariant::I5Agreement => "agreement: all branches issue the same sequence",
            Invariant::I6Linearizable => "linearizable: Numbers follow real-time order",
            Invariant::I7OneChildOneNumber => "one child, one Number",
            Invariant::ElectionSafety => "one Main Office per term",
            Invariant::LogMatching => "registers agree where they overlap",
            Invariant::L1Liveness => "liveness: a healed majority answers",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Violation {
    pub invariant: Invariant,
    /// When it broke, if known (the history file check has no clock for some properties).
    pub tick: Option<u64>,
    pub detail: String,
    pub requests: Vec<RequestId>,
    pub branches: Vec<NodeId>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} violated", self.invariant.code())?;
        if let Some(t) = self.tick {
            write!(f, " at t={t}")?;
        }
        write!(f, ": {}", self.detail)
    }
}

pub(crate) fn violation(invariant: Invariant, tick: Option<u64>, detail: String) -> Violation {
    Violation { invariant, tick, detail, requests: Vec::new(), branches: Vec::new() }
}

impl Violation {
    pub(crate) fn requests(mut self, r: impl IntoIterator<Item = RequestId>) -> Self {
        self.requests.extend(r);
        self
    }
    pub(crate) fn branches(mut self, b: impl IntoIterator<Item = NodeId>) -> Self {
        self.branches.extend(b);
        self
    }
}

/// Keep the first few of each kind: enough to explain, bounded in memory.
const MAX_VIOLATIONS_PER_INVARIANT: usize = 8;

#[derive(Clone, Debug, Default, Hash, Serialize)]
pub struct Violations(Vec<Violation>);

impl Violations {
    pub fn push(&mut self, v: Violation) {
        if self.0.iter().filter(|x| x.invariant == v.invariant).count() < MAX_VIOLATIONS_PER_INVARIANT {
            self.0.push(v);
        }
    }
    pub fn list(&self) -> &[Violation] {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Evidence that the checks were not vacuous: stateright pairs each "always" with a
/// "sometimes", and so do we.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct Sometimes {
    pub numbers_issued: u64,
    pub leaders_elected: u64,
    pub retries_answered: u64,
}
