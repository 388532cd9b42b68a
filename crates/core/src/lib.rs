//! nextnumber-core: the replicated Very Next Number service as a pure, deterministic
//! simulation, with checkers that live outside the branches.
//!
//! Imports run one way, from the bottom of this list to its top (no module imports one
//! listed below it; `scripts/import-order.py`, run by the tests, checks):
//!
//! 1. [`chunked`], [`shared_map`], [`ids`], [`dense`] (tables by request ID and by Number), [`config`],
//!    [`trace`] (FNV-1a and the trace recorder): the vocabulary;
//! 2. [`msg`], then [`replica`]: one branch, a Raft state machine (`step(now, input) -> outputs`);
//! 3. [`action`], [`net`], [`spacetime`]: what a visitor does, the roads, the space-time record;
//! 4. [`history`], [`export`], [`scenario`], [`permalink`], [`narration`]: the formats other tools rely on,
//!    plain data (they know nothing of the simulator);
//! 5. [`check`]: the invariants I1–I7, Election Safety, Log Matching (the online monitor and
//!    the history checker, each in its file), L1 judged live, and the one report;
//! 6. [`sim`]: the discrete-event simulator (queue, network, timers, customers, the view),
//!    which feeds the checkers and writes the history;
//! 7. [`charts`], [`timeline`], [`swarm`], [`shrink`], [`model`], [`counterexample`] (a model check's
//!    counterexample played on the simulator), [`determinism`], [`bench`], [`fuzzing`];
//! 8. [`wasm`]: the JS API; then the CLI and the page, outside this crate.

// 1. The vocabulary.
pub mod chunked;
pub mod config;
pub mod dense;
pub mod fingerprint;
pub mod ids;
pub mod shared_map;
pub mod trace;

// 2. One branch.
pub mod msg;
pub mod replica;

// 3. What a visitor does, the roads, the space-time record.
pub mod action;
pub mod net;
pub mod spacetime;

// 4. The formats.
pub mod export;
pub mod history;
pub mod narration;
pub mod permalink;
pub mod scenario;

// 5. The checkers.
pub mod check;

// 6. The simulator.
pub mod sim;

// 7. What runs simulations.
pub mod bench;
pub mod charts;
pub mod counterexample;
pub mod determinism;
pub mod fuzzing;
pub mod model;
pub mod shrink;
pub mod swarm;
pub mod timeline;

// 8. The JS API.
#[cfg(feature = "wasm")]
pub mod wasm;

// The paths callers used before the reshaping, kept working.
pub use check::{liveness, report};
pub use sim::{flight, view};
/// The request records, now the history format's own types ([`history`]).
pub mod customer {
    pub use crate::history::{Outcome, RequestKind, RequestRecord};
}

pub use action::{Action, Links, LoadTarget};
pub use check::{check_history, Invariant, Violation};
pub use config::{ClientMode, Config, LatencyPreset, RequestPath, Variant};
pub use history::History;
pub use ids::*;
pub use scenario::Scenario;
pub use sim::{AnsweredPath, Critical, HashJob, Simulation, Trip};
pub use timeline::Timeline;
