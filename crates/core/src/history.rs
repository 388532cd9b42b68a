//! The history format `nextnumber-history/1`: what other tools rely on to check a run.

use crate::check::LeaderRecord;
use crate::config::Config;
use crate::customer::RequestRecord;
use crate::ids::*;
use crate::sim::Simulation;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const HISTORY_FORMAT: &str = "nextnumber-history/1";
/// Larger files are refused before parsing: 64 MiB holds far more than MAX_REQUESTS.
pub const MAX_HISTORY_BYTES: usize = 64 << 20;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct History {
    pub format: String,
    pub seed: u64,
    pub config: Config,
    pub requests: Vec<RequestRecord>,
    /// Per branch, the Numbers it has applied, in order, with the request each belongs to.
    pub applied: BTreeMap<NodeId, Vec<(RequestId, u64)>>,
    /// Who took office in which term, when (lets a file check Election Safety).
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "leaders")]
    pub leaders: Vec<LeaderRecord>,
}

fn leaders<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<LeaderRecord>, D::Error> {
    #[derive(Deserialize)]
    struct L {
        term: Term,
        branch: NodeId,
        tick: u64,
    }
    let v = Vec::<L>::deserialize(d)?;
    Ok(v.into_iter().map(|l| LeaderRecord { term: l.term, branch: l.branch, tick: l.tick }).collect())
}

impl History {
    pub fn of(sim: &Simulation) -> History {
        // Inserted one by one: collecting into a BTreeMap sorts first, and that sort's code
        // would ship in the page.
        let mut applied = BTreeMap::new();
        for b in NodeId::all(sim.config.branches) {
            let seq = &sim.replica(b).register.sequence;
            applied.insert(b, seq.iter().map(|(r, n)| (*r, n.0)).collect());
        }
        History {
            format: HISTORY_FORMAT.to_string(),
            seed: sim.seed,
            config: sim.config.clone(),
            requests: sim.customers.records().to_vec(),
            applied,
            leaders: sim.monitor.leader_log.clone(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a history always serializes")
    }

    /// Parses and validates a history file; every problem is an error message, never a panic.
    pub fn from_json(text: &str) -> Result<History, String> {
        if text.len() > MAX_HISTORY_BYTES {
            return Err(format!("history is {} bytes; the limit is {MAX_HISTORY_BYTES}", text.len()));
        }
        let h: History = serde_json::from_str(text).map_err(|e| format!("not a valid history: {e}"))?;
        if h.format != HISTORY_FORMAT {
            return Err(format!("unsupported history format {:?} (this tool reads {HISTORY_FORMAT})", h.format));
        }
        h.config.validate().map_err(|e| format!("history config: {e}"))?;
        if h.requests.len() > crate::config::limits::MAX_REQUESTS {
            return Err(format!("history holds more than {} requests", crate::config::limits::MAX_REQUESTS));
        }
        let n = h.config.branches;
        let branches =
            h.applied.keys().chain(h.requests.iter().map(|r| &r.branch)).chain(h.leaders.iter().map(|l| &l.branch));
        if let Some(b) = branches.into_iter().find(|b| b.index() >= n) {
            return Err(format!("history names branch {b}, but its config has {n} branches"));
        }
        if let Some(r) = h.requests.iter().find(|r| r.complete.is_some_and(|c| c < r.invoke)) {
            return Err(format!("request {} completes before it was invoked", r.request));
        }
        Ok(h)
    }
}
