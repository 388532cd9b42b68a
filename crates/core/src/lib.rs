//! nextnumber-core: the replicated Very Next Number service as a pure, deterministic
//! simulation, with checkers that live outside the branches.
//!
//! - [`replica`]: one branch, a Raft state machine (`step(now, input) -> outputs`).
//! - [`sim`]: the discrete-event simulator (network, timers, customers, one seeded PRNG).
//! - [`check`]: the invariants I1–I7, Election Safety, Log Matching; [`liveness`]: L1, live.
//! - [`report`]: every checker's verdict, merged once (`Simulation::report`).
//! - [`history`], [`scenario`]: the formats other tools rely on.

pub mod action;
pub mod bench;
pub mod charts;
pub mod check;
pub mod config;
pub mod customer;
pub mod determinism;
pub mod flight;
pub mod fuzzing;
pub mod history;
pub mod ids;
pub mod liveness;
pub mod model;
pub mod msg;
pub mod narration;
pub mod net;
pub mod permalink;
pub mod replica;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod spacetime;
pub mod swarm;
pub mod timeline;
pub mod trace;
pub mod view;
#[cfg(feature = "wasm")]
pub mod wasm;

pub use action::{Action, Links, LoadTarget};
pub use check::{check_history, Invariant, Violation};
pub use config::{ClientMode, Config, LatencyPreset, Variant};
pub use history::History;
pub use ids::*;
pub use scenario::Scenario;
pub use sim::Simulation;
pub use timeline::Timeline;
