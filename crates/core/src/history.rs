//! The history format `nextnumber-history/1`: what other tools rely on to check a run. The
//! record types are the simulator's own (its customers keep [`RequestRecord`]s, its monitor
//! [`LeaderRecord`]s), so the format depends on nothing above the ids and the config: the
//! checkers read it without the simulator, and the simulator writes it
//! (`Simulation::history`).

use crate::config::Config;
use crate::ids::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const HISTORY_FORMAT: &str = "nextnumber-history/1";
/// Larger files are refused before parsing: 64 MiB holds far more than MAX_REQUESTS.
pub const MAX_HISTORY_BYTES: usize = 64 << 20;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
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

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "kebab-case")]
pub enum RequestKind {
    Issue,
    Read,
}

/// What the customer finally heard. Absent (null in the history) when the outcome is unknown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(untagged)]
pub enum Outcome {
    Number { number: u64 },
    Read { read: u64, linearizable: bool },
    Error { error: String },
}

/// One customer request, in the history's own shape (format `nextnumber-history/1`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
pub struct RequestRecord {
    pub request: RequestId,
    pub client: ClientId,
    pub branch: NodeId,
    #[serde(default = "issue_kind", skip_serializing_if = "is_issue")]
    pub kind: RequestKind,
    pub invoke: u64,
    pub complete: Option<u64>,
    pub result: Option<Outcome>,
    /// At-least-once mode: this request is a retry (without a request ID) of another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_of: Option<RequestId>,
    #[serde(default = "one")]
    pub attempts: u32,
    /// The one-way trips from the answered attempt's ask to its Number, when the chain of
    /// messages can be traced (sim/lineage.rs). What the desk shows; not part of the
    /// history, its file or its hash.
    #[serde(skip)]
    pub critical: Option<Critical>,
}

/// What the desk shows of an answered request: the one-way trips on its critical path and
/// the simulated time from the ask to the answer (sim/lineage.rs finds them).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
pub struct Critical {
    pub trips: u8,
    pub ms: u64,
}

fn issue_kind() -> RequestKind {
    RequestKind::Issue
}
fn is_issue(k: &RequestKind) -> bool {
    *k == RequestKind::Issue
}
fn one() -> u32 {
    1
}

#[derive(Clone, Debug, Hash, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
pub struct LeaderRecord {
    pub term: Term,
    pub branch: NodeId,
    pub tick: u64,
}

/// Feeds a history to FNV-1a in one fixed byte layout (every integer as 8 little-endian
/// bytes, every string and list led by its length), independent of JSON, serde and the
/// platform: the CLI, the page and the JS API compute the same hash for the same run. The
/// parts are fed in order by [`History::hash`], or a piece at a time by the simulator's
/// `HashJob`, which hashes a run without copying it into a `History` first.
#[derive(Clone, Debug)]
pub(crate) struct Hasher(u64);

impl Hasher {
    /// The format, the seed and the config: what comes before the requests.
    pub(crate) fn start(format: &str, seed: u64, c: &Config) -> Hasher {
        let mut h = Hasher(crate::trace::FNV_OFFSET);
        h.str(format);
        h.u64(seed);
        h.u64(c.branches as u64);
        h.u64(c.variants.len() as u64);
        for v in &c.variants {
            h.str(v.name());
        }
        h.str(c.client_mode.name());
        for v in [c.latency_min_ms, c.latency_max_ms, c.loss_pct as u64, c.dup_pct as u64] {
            h.u64(v);
        }
        for v in [c.election_timeout_min_ms, c.election_timeout_max_ms, c.heartbeat_ms, c.client_timeout_ms] {
            h.u64(v);
        }
        if !c.path.is_forward() {
            h.str(c.path.name()); // absent at the default: older hashes stand
        }
        h
    }
    pub(crate) fn u64(&mut self, v: u64) {
        self.0 = crate::trace::fnv1a(self.0, &v.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.0 = crate::trace::fnv1a(self.0, s.as_bytes());
    }
    fn opt(&mut self, v: Option<u64>) {
        match v {
            None => self.u64(0),
            Some(v) => {
                self.u64(1);
                self.u64(v);
            }
        }
    }
    fn request(&mut self, r: RequestId) {
        self.u64(r.client.0 as u64);
        self.u64(r.seq as u64);
    }
    pub(crate) fn record(&mut self, r: &RequestRecord) {
        self.request(r.request);
        self.u64(r.client.0 as u64);
        self.u64(r.branch.0 as u64);
        self.u64(match r.kind {
            RequestKind::Issue => 0,
            RequestKind::Read => 1,
        });
        self.u64(r.invoke);
        self.opt(r.complete);
        match &r.result {
            None => self.u64(0),
            Some(Outcome::Number { number }) => {
                self.u64(1);
                self.u64(*number);
            }
            Some(Outcome::Read { read, linearizable }) => {
                self.u64(2);
                self.u64(*read);
                self.u64(*linearizable as u64);
            }
            Some(Outcome::Error { error }) => {
                self.u64(3);
                self.str(error);
            }
        }
        match r.retry_of {
            None => self.u64(0),
            Some(first) => {
                self.u64(1);
                self.request(first);
            }
        }
        self.u64(r.attempts as u64);
    }
    /// A branch's applied sequence begins, `len` Numbers long.
    pub(crate) fn branch(&mut self, b: NodeId, len: usize) {
        self.u64(b.0 as u64);
        self.u64(len as u64);
    }
    pub(crate) fn applied(&mut self, request: RequestId, number: u64) {
        self.request(request);
        self.u64(number);
    }
    /// The leaders, which end the history: the hash.
    pub(crate) fn leaders(mut self, leaders: &[LeaderRecord]) -> u64 {
        self.u64(leaders.len() as u64);
        for l in leaders {
            self.u64(l.term.0);
            self.u64(l.branch.0 as u64);
            self.u64(l.tick);
        }
        self.0
    }
}

impl History {
    /// The history hash: equal hashes mean the same history (seed, config, every request
    /// and its outcome, every branch's applied Numbers, every leader). Stable across
    /// platforms and versions of this crate that read the same history format; shown as 16
    /// hex digits by [`History::hash_hex`], `nextnumber run` and the JS API.
    pub fn hash(&self) -> u64 {
        let mut h = Hasher::start(&self.format, self.seed, &self.config);
        h.u64(self.requests.len() as u64);
        for r in &self.requests {
            h.record(r);
        }
        h.u64(self.applied.len() as u64);
        for (branch, numbers) in &self.applied {
            h.branch(*branch, numbers.len());
            for &(request, number) in numbers {
                h.applied(request, number);
            }
        }
        h.leaders(&self.leaders)
    }

    /// [`History::hash`] as 16 lower-case hex digits.
    pub fn hash_hex(&self) -> String {
        format!("{:016x}", self.hash())
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
