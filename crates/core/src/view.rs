//! What the page draws: a serializable snapshot of the whole cluster, produced by the core so
//! the UI holds no protocol logic.

use crate::customer::{Outcome, RequestKind};
use crate::ids::*;
use crate::msg::{Entry, MessageKind};
use crate::replica::Role;
use crate::sim::Simulation;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BranchView {
    pub id: NodeId,
    pub up: bool,
    pub role: Role,
    pub term: Term,
    pub voted_for: Option<NodeId>,
    pub leader: Option<NodeId>,
    pub commit: LogIndex,
    pub log_len: u64,
    /// The last Number this branch has applied.
    pub last_number: SeqNum,
    /// Ground truth: two-way contact with a majority of live branches. A branch without it
    /// can only serve stale reads.
    pub reaches_majority: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkView {
    pub from: NodeId,
    pub to: NodeId,
    pub up: bool,
    pub latency_min_ms: u64,
    pub latency_max_ms: u64,
    pub loss_pct: u8,
    pub dup_pct: u8,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub kind: MessageKind,
    pub sent: u64,
    pub arrive: u64,
    pub summary: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestView {
    pub request: RequestId,
    pub client: ClientId,
    pub branch: NodeId,
    pub kind: RequestKind,
    pub status: &'static str,
    pub attempts: u32,
    pub result: Option<Outcome>,
}

#[derive(Clone, Debug, Serialize)]
pub struct View {
    pub now: u64,
    pub branches: Vec<BranchView>,
    pub links: Vec<LinkView>,
    pub messages: Vec<MessageView>,
    /// The most recent requests (the page shows the tail; the history has them all).
    pub requests: Vec<RequestView>,
}

/// The branch inspector: everything one branch holds.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BranchDetail {
    pub branch: BranchView,
    pub log: Vec<(u64, Entry, Option<u64>)>,
    pub table: Vec<(RequestId, u64)>,
    pub waiting: Vec<RequestId>,
}

pub const VIEW_MAX_REQUESTS: usize = 64;

impl Simulation {
    pub fn branch_view(&self, b: NodeId) -> BranchView {
        let r = self.replica(b);
        BranchView {
            id: b,
            up: self.is_up(b),
            role: r.role,
            term: r.disk.term,
            voted_for: r.disk.voted_for,
            leader: r.leader,
            commit: r.commit,
            log_len: r.last_index().0,
            last_number: r.register.last,
            reaches_majority: self.reaches_majority(b),
        }
    }

    pub fn view(&self) -> View {
        let n = self.config.branches;
        let links = self
            .net
            .pairs()
            .map(|(from, to)| {
                let l = self.net.link(from, to);
                LinkView {
                    from,
                    to,
                    up: l.up,
                    latency_min_ms: l.latency_min_ms,
                    latency_max_ms: l.latency_max_ms,
                    loss_pct: l.loss_pct,
                    dup_pct: l.dup_pct,
                }
            })
            .collect();
        let messages = self
            .in_flight
            .sorted()
            .into_iter()
            .map(|m| MessageView {
                id: m.id,
                from: m.from,
                to: m.to,
                kind: m.msg.kind(),
                sent: m.sent.0,
                arrive: m.arrive.0,
                summary: m.msg.to_string(),
            })
            .collect();
        let records = self.customers.records();
        let pending: Vec<usize> = self.customers.list.iter().filter_map(|c| c.pending.map(|p| p.record)).collect();
        let requests = records[records.len().saturating_sub(VIEW_MAX_REQUESTS)..]
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let index = records.len().saturating_sub(VIEW_MAX_REQUESTS) + i;
                let status = match &r.result {
                    _ if pending.contains(&index) => "waiting",
                    Some(Outcome::Number { .. }) => "issued",
                    Some(Outcome::Read { .. }) => "read",
                    Some(Outcome::Error { .. }) => "refused",
                    None => "unknown",
                };
                RequestView {
                    request: r.request,
                    client: r.client,
                    branch: r.branch,
                    kind: r.kind,
                    status,
                    attempts: r.attempts,
                    result: r.result.clone(),
                }
            })
            .collect();
        View {
            now: self.now.0,
            branches: NodeId::all(n).map(|b| self.branch_view(b)).collect(),
            links,
            messages,
            requests,
        }
    }

    pub fn branch_detail(&self, b: NodeId) -> BranchDetail {
        let r = self.replica(b);
        let numbers: std::collections::BTreeMap<RequestId, u64> =
            r.register.sequence.iter().map(|(req, n)| (*req, n.0)).collect();
        let log = r
            .disk
            .log
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let applied = (i as u64) < r.applied.0;
                let number = match e.kind {
                    crate::msg::EntryKind::Issue(req) if applied => numbers.get(&req).copied(),
                    _ => None,
                };
                (i as u64 + 1, *e, number)
            })
            .collect();
        BranchDetail {
            branch: self.branch_view(b),
            log,
            table: {
                let mut t: Vec<(RequestId, u64)> = r.register.table.iter().map(|(k, v)| (*k, v.0)).collect();
                t.sort_unstable();
                t
            },
            waiting: r.waiters.keys().copied().collect(),
        }
    }
}
