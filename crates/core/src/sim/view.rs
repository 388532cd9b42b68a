//! What the page draws: a serializable snapshot of the whole cluster, produced by the core so
//! the UI holds no protocol logic.

use super::Simulation;
use crate::config::ClientMode;
use crate::history::{Outcome, RequestKind};
use crate::ids::*;
use crate::msg::{Ask, Entry, EntryKind, Message, MessageKind};
use crate::replica::Role;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
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
    /// The branches it can exchange messages with both ways, itself included, against the
    /// majority of all branches it needs to lead or to serve an up-to-date read.
    pub reach: Tally,
    /// The timer running down: the election timer, or the Main Office's heartbeat.
    pub timer: Option<TimerView>,
    /// A candidate's votes, its own included, against the majority it needs.
    pub votes: Option<Tally>,
}

/// Some branches against the number a majority needs ("A, B: 2 of 3 needed").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    pub have: Vec<NodeId>,
    pub needed: usize,
    /// How many branches there are.
    pub of: usize,
}

impl Tally {
    pub fn enough(&self) -> bool {
        self.have.len() >= self.needed
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "kebab-case")]
pub enum TimerKind {
    /// A follower or candidate starts an election when it fires (a leader: checks its quorum).
    Election,
    /// The Main Office sends its next round of Appends when it fires.
    Heartbeat,
}

/// A timer, from when it was last armed to when it fires, in simulated ms.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct TimerView {
    pub kind: TimerKind,
    pub armed: u64,
    pub due: u64,
}

impl TimerView {
    /// What is left of it at `now`, from 1 (just armed) to 0 (due).
    pub fn left(&self, now: u64) -> f64 {
        let span = self.due.saturating_sub(self.armed).max(1);
        self.due.saturating_sub(now).min(span) as f64 / span as f64
    }
}

/// An entry of a Main Office's register waiting for a majority: who holds it in their
/// register (ground truth) and whose confirmations the Main Office has (what commits it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct QuorumView {
    pub branch: NodeId,
    pub index: u64,
    pub filed: Tally,
    pub acked: Tally,
}

/// Every branch's register side by side, aligned by index: the latest `last - first + 1`
/// slots of the longest register.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct RegistersView {
    pub first: u64,
    pub last: u64,
    pub rows: Vec<RegisterRow>,
    /// The register the others are compared with: the Main Office's, if there is one.
    pub reference: Option<NodeId>,
    /// The reference's entries still waiting for a majority, oldest first (at most as many
    /// as the slots shown).
    pub waiting: Vec<QuorumView>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct RegisterRow {
    pub branch: NodeId,
    pub up: bool,
    pub len: u64,
    pub commit: u64,
    pub applied: u64,
    /// Entries before `first` it holds, not shown.
    pub earlier: u64,
    pub cells: Vec<CellView>,
}

/// One slot of one register.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct CellView {
    pub index: u64,
    pub term: Term,
    #[serde(flatten)]
    // A flattened enum: declared as the enum's type (an intersection), not as an interface
    // extending it, which TypeScript refuses for a union.
    #[cfg_attr(feature = "wasm", tsify(type = "EntryKind"))]
    pub kind: EntryKind,
    /// The Number its apply issued; None for a no-op, a request that already held a Number,
    /// or an entry not applied yet.
    pub number: Option<u64>,
    pub committed: bool,
    pub applied: bool,
    /// The reference register holds another entry here, or none: this one will be replaced.
    pub disagrees: bool,
    /// Written over an older, conflicting entry within the last [`REPAIR_SHOWN_MS`].
    pub repaired: bool,
}

/// How long a repaired slot stays marked, in simulated ms.
pub const REPAIR_SHOWN_MS: u64 = 1_500;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
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

impl MessageView {
    fn of(m: &super::InFlight) -> MessageView {
        MessageView {
            id: m.id,
            from: m.from,
            to: m.to,
            kind: m.msg.kind(),
            sent: m.sent.0,
            arrive: m.arrive.0,
            summary: m.msg.to_string(),
        }
    }
}

/// One message in flight without its contents: what the map draws on every frame, so
/// building it formats nothing and allocates nothing.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct FlightView {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub kind: MessageKind,
    pub sent: u64,
    pub arrive: u64,
}

/// Where a waiting request is right now, as far as the cluster can tell.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase", tag = "stage")]
pub enum Progress {
    /// At the desk of `branch`: being handled there, or the customer waits to try again.
    AtDesk { branch: NodeId },
    /// On its way from the desk to the branch believed to be the Main Office.
    Forwarded { from: NodeId, to: NodeId },
    /// In the Main Office's register at `index`, waiting for a majority to hold it.
    WaitingForQuorum { branch: NodeId, index: u64 },
    /// A read at the Main Office, waiting for a majority to confirm it still leads.
    Confirming { branch: NodeId },
    /// The answer is on its way back to the desk.
    Answering { from: NodeId, to: NodeId },
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct RequestView {
    pub request: RequestId,
    pub client: ClientId,
    pub branch: NodeId,
    pub kind: RequestKind,
    /// waiting, issued, read, refused or unknown (the customer left without an answer).
    pub status: &'static str,
    pub attempts: u32,
    pub result: Option<Outcome>,
    pub invoke: u64,
    pub complete: Option<u64>,
    /// At-least-once mode: the request this one repeats without its ID.
    pub retry_of: Option<RequestId>,
    /// For a waiting request, where it is.
    pub progress: Option<Progress>,
    /// For a request in a Main Office's register: who has filed it so far.
    pub quorum: Option<QuorumView>,
    /// For a stale read: how many Numbers it missed, counting the highest Number any
    /// customer had been told when it was answered; `None` if that is no longer known
    /// (told to a request forgotten since, `Simulation::set_keep_requests`).
    pub stale_by: Option<u64>,
    /// For an answered request: the one-way trips from the ask to the Number, when the
    /// chain of messages that brought it began at that ask (sim/lineage.rs).
    pub critical: Option<crate::history::Critical>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct View {
    pub now: u64,
    pub branches: Vec<BranchView>,
    pub links: Vec<LinkView>,
    /// Empty in `page_view` (the page draws `for_each_flight` instead).
    pub messages: Vec<MessageView>,
    pub in_flight: usize,
    /// The most recent requests (the page shows the tail; the history has them all).
    pub requests: Vec<RequestView>,
    /// How many requests the run has made.
    pub requests_total: usize,
    /// How many of the first are forgotten (`Simulation::set_keep_requests`): the history
    /// holds the rest.
    pub requests_forgotten: usize,
    pub leader: Option<NodeId>,
    pub client_mode: ClientMode,
    /// Customers per simulated second walking in on their own (0: none).
    pub load_per_sec: u32,
    /// They walk into the Main Office (else a branch drawn at random).
    pub load_at_leader: bool,
}

/// A leader's view of one follower (§5.3).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct PeerView {
    pub branch: NodeId,
    pub next_index: u64,
    pub match_index: u64,
}

/// The branch inspector: everything one branch holds.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct BranchDetail {
    pub branch: BranchView,
    /// (index, entry, Number if applied), oldest first; the tail only in `branch_detail_recent`.
    pub log: Vec<(u64, Entry, Option<u64>)>,
    /// RequestId → Number; in `branch_detail_recent`, the latest Numbers only, newest last.
    pub table: Vec<(RequestId, u64)>,
    pub table_len: usize,
    pub waiting: Vec<RequestId>,
    pub applied: u64,
    /// When this branch last heard from a Main Office.
    pub last_leader_contact: u64,
    /// The leader's next and match index per follower; empty unless it leads.
    pub peers: Vec<PeerView>,
    /// The last decree naming this branch: when, and what it could achieve.
    pub decree: Option<(u64, String)>,
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
            reach: self.reach(b),
            timer: self.timer(b),
            votes: (self.is_up(b) && r.role == Role::Candidate).then(|| Tally {
                have: r.voters().collect(),
                needed: r.quorum(),
                of: self.config.branches,
            }),
        }
    }

    fn reach(&self, b: NodeId) -> Tally {
        let n = self.config.branches;
        let have = match self.is_up(b) {
            true => NodeId::all(n).filter(|o| self.is_up(*o) && self.net.two_way(b, *o)).collect(),
            false => Vec::new(),
        };
        Tally { have, needed: crate::replica::quorum_of(n), of: n }
    }

    fn timer(&self, b: NodeId) -> Option<TimerView> {
        if !self.is_up(b) {
            return None;
        }
        let c = self.clocks[b.index()];
        Some(match self.replica(b).role {
            Role::Leader => TimerView {
                kind: TimerKind::Heartbeat,
                armed: c.heartbeat_armed.0,
                due: c.heartbeat_armed.0 + self.config.heartbeat_ms,
            },
            _ => TimerView {
                kind: TimerKind::Election,
                armed: c.election_armed.0,
                due: self.election_deadline[b.index()].0,
            },
        })
    }

    /// Entry `index` of leader `leader`'s register: who holds the same entry, and whose
    /// confirmations the leader has counted (its match index, §5.3).
    pub fn quorum_view(&self, leader: NodeId, index: u64) -> QuorumView {
        let r = self.replica(leader);
        let term = r.term_at(LogIndex(index));
        let filed = NodeId::all(self.config.branches)
            .filter(|b| {
                let o = self.replica(*b);
                o.last_index().0 >= index && o.term_at(LogIndex(index)) == term
            })
            .collect();
        let acked = NodeId::all(self.config.branches)
            .filter(|b| *b == leader || r.match_index()[b.index()].0 >= index)
            .collect();
        let (needed, of) = (r.quorum(), self.config.branches);
        QuorumView {
            branch: leader,
            index,
            filed: Tally { have: filed, needed, of },
            acked: Tally { have: acked, needed, of },
        }
    }

    /// The registers side by side: the latest `max` slots of the longest one.
    pub fn registers(&self, max: usize) -> RegistersView {
        let n = self.config.branches;
        let last = NodeId::all(n).map(|b| self.replica(b).last_index().0).max().unwrap_or(0);
        let first = last.saturating_sub(max as u64) + 1;
        let reference = self.current_leader();
        let rows = NodeId::all(n).map(|b| self.register_row(b, first, reference)).collect();
        let waiting = reference.map_or_else(Vec::new, |l| {
            let r = self.replica(l);
            (r.commit.0 + 1..=r.last_index().0)
                .filter(|i| r.disk.log[*i as usize - 1].kind.request().is_some())
                .take(max)
                .map(|i| self.quorum_view(l, i))
                .collect()
        });
        RegistersView { first, last, rows, reference, waiting }
    }

    fn register_row(&self, b: NodeId, first: u64, reference: Option<NodeId>) -> RegisterRow {
        let r = self.replica(b);
        let len = r.last_index().0;
        let repair = self.clocks[b.index()].repair.filter(|(_, at)| self.now.0 < at.0 + REPAIR_SHOWN_MS);
        let reference = reference.map(|l| self.replica(l));
        let cells = (first..=len)
            .map(|index| {
                let e = r.disk.log[index as usize - 1];
                CellView {
                    index,
                    term: e.term,
                    kind: e.kind,
                    number: issued_by(r, index),
                    committed: index <= r.commit.0,
                    applied: index <= r.applied.0,
                    disagrees: reference
                        .is_some_and(|l| l.last_index().0 < index || l.term_at(LogIndex(index)) != e.term),
                    repaired: repair.is_some_and(|(from, _)| index >= from.0),
                }
            })
            .collect();
        RegisterRow {
            branch: b,
            up: self.is_up(b),
            len,
            commit: r.commit.0,
            applied: r.applied.0,
            earlier: len.min(first - 1),
            cells,
        }
    }

    /// The whole cluster, with every message's contents (the JS API).
    pub fn view(&self) -> View {
        let mut v = self.page_view();
        v.messages = self.in_flight.sorted().into_iter().map(MessageView::of).collect();
        v
    }

    /// The cluster without the messages in flight: what the page redraws many times a
    /// second. It draws the messages from `for_each_flight` and asks `message_view` for one.
    pub fn page_view(&self) -> View {
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
        View {
            now: self.now.0,
            branches: NodeId::all(n).map(|b| self.branch_view(b)).collect(),
            links,
            messages: Vec::new(),
            in_flight: self.in_flight.len(),
            requests: self.request_views(VIEW_MAX_REQUESTS),
            requests_total: self.customers.records().len(),
            requests_forgotten: self.requests_forgotten(),
            leader: self.current_leader(),
            client_mode: self.client_mode,
            load_per_sec: self.load.map_or(0, |l| l.per_sec),
            load_at_leader: self.load.is_some_and(|l| l.target == crate::action::LoadTarget::Leader),
        }
    }

    /// Every message in flight, in no particular order, without formatting anything.
    pub fn for_each_flight(&self, mut f: impl FnMut(FlightView)) {
        for m in self.in_flight.iter() {
            f(FlightView { id: m.id, from: m.from, to: m.to, kind: m.msg.kind(), sent: m.sent.0, arrive: m.arrive.0 });
        }
    }

    /// One message in flight with its contents, if it is still on its way.
    pub fn message_view(&self, id: u64) -> Option<MessageView> {
        self.in_flight.iter().find(|m| m.id == id).map(MessageView::of)
    }

    /// The latest `max` requests, oldest first, each with where it stands.
    pub fn request_views(&self, max: usize) -> Vec<RequestView> {
        let records = self.customers.records();
        let first = records.len().saturating_sub(max).max(records.first_kept());
        let pending: Vec<(usize, super::customers::Pending)> = self
            .customers
            .list
            .iter()
            .filter_map(|c| c.pending.filter(|p| p.record >= first).map(|p| (p.record, p)))
            .collect();
        let mut views: Vec<RequestView> = records
            .range(first..records.len())
            .enumerate()
            .map(|(i, r)| {
                let waiting = pending.iter().find(|(k, _)| *k == first + i).map(|(_, p)| *p);
                let progress = waiting.map(|p| self.progress(r.request, r.kind, r.client, p));
                let status = match &r.result {
                    _ if waiting.is_some() => "waiting",
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
                    invoke: r.invoke,
                    complete: r.complete,
                    retry_of: r.retry_of,
                    progress,
                    quorum: match progress {
                        Some(Progress::WaitingForQuorum { branch, index }) if index > 0 => {
                            Some(self.quorum_view(branch, index))
                        }
                        _ => None,
                    },
                    stale_by: None,
                    critical: r.critical,
                }
            })
            .collect();
        self.measure_staleness(&mut views);
        views
    }

    fn progress(
        &self,
        request: RequestId,
        kind: RequestKind,
        client: ClientId,
        p: super::customers::Pending,
    ) -> Progress {
        // On the road: the forwarded request, or the answer coming back.
        let on_road = self.in_flight.iter().find_map(|m| match &*m.msg {
            Message::Forward(Ask { client: c, attempt, .. }) if *c == client && *attempt == p.attempt => {
                Some(Progress::Forwarded { from: m.from, to: m.to })
            }
            Message::Reply { client: c, attempt, .. } if *c == client && *attempt == p.attempt => {
                Some(Progress::Answering { from: m.from, to: m.to })
            }
            _ => None,
        });
        if let Some(road) = on_road {
            return road;
        }
        if kind == RequestKind::Read {
            let desk = self.replica(p.branch);
            return match (desk.role, desk.leader) {
                _ if !self.is_up(p.branch) => Progress::AtDesk { branch: p.branch },
                (Role::Leader, _) => Progress::Confirming { branch: p.branch },
                (_, Some(l)) if self.is_up(l) => Progress::Confirming { branch: l },
                _ => Progress::AtDesk { branch: p.branch },
            };
        }
        // In a leader's register, waiting for a majority to hold the entry. Under `path
        // direct` the leader keeps no waiter for a forwarded request: its entry says it all.
        for b in NodeId::all(self.config.branches) {
            let r = self.replica(b);
            if !self.is_up(b) || r.role != Role::Leader {
                continue;
            }
            let index = (r.commit.0..r.last_index().0)
                .rev()
                .find(|&i| r.disk.log[i as usize].kind.request() == Some(request))
                .map_or(0, |i| i + 1);
            if index > 0 || r.waiters.contains_key(&request) {
                return Progress::WaitingForQuorum { branch: b, index };
            }
        }
        Progress::AtDesk { branch: p.branch }
    }

    /// A stale read missed every Number a customer had been told before it was answered.
    fn measure_staleness(&self, views: &mut [RequestView]) {
        let mut stale: Vec<(usize, u64, u64)> = views
            .iter()
            .enumerate()
            .filter_map(|(i, v)| match (&v.result, v.complete) {
                (Some(Outcome::Read { read, linearizable: false }), Some(t)) => Some((i, *read, t)),
                _ => None,
            })
            .collect();
        if stale.is_empty() {
            return;
        }
        // The requests forgotten count whole for a read answered after all of them were;
        // for an earlier one the measure is unknown, and left out rather than shown low.
        let forgotten = self.customers.forgotten_told();
        let mut highest: Vec<Option<u64>> =
            stale.iter().map(|s| (s.2 >= forgotten.last_complete).then_some(forgotten.highest)).collect();
        for r in self.customers.records() {
            if let (Some(Outcome::Number { number }), Some(done)) = (&r.result, r.complete) {
                for (k, s) in stale.iter().enumerate() {
                    if let Some(h) = highest[k].as_mut().filter(|h| done <= s.2 && *number > **h) {
                        *h = *number;
                    }
                }
            }
        }
        for (k, (i, read, _)) in stale.drain(..).enumerate() {
            views[i].stale_by = highest[k].map(|h| h.saturating_sub(read));
        }
    }

    /// Everything branch `b` holds (the JS API).
    pub fn branch_detail(&self, b: NodeId) -> BranchDetail {
        let mut d = self.branch_detail_recent(b, usize::MAX);
        let mut t: Vec<(RequestId, u64)> = self.replica(b).register.table.iter().map(|(k, v)| (*k, v.0)).collect();
        t.sort_unstable();
        d.table = t;
        d
    }

    /// Branch `b` with only the last `max` log entries and the last `max` Numbers it issued:
    /// what the page's inspector redraws while the cluster runs.
    pub fn branch_detail_recent(&self, b: NodeId, max: usize) -> BranchDetail {
        let r = self.replica(b);
        let first = r.disk.log.len().saturating_sub(max);
        let log = r
            .disk
            .log
            .range(first..r.disk.log.len())
            .enumerate()
            .map(|(k, e)| {
                let i = (first + k) as u64;
                (i + 1, *e, issued_by(r, i + 1))
            })
            .collect();
        let seq = &r.register.sequence;
        let table = seq
            .range(seq.len().saturating_sub(max)..seq.len())
            .map(|(req, n)| (*req, r.register.table.get(req).map_or(n.0, |t| t.0)))
            .collect();
        let leads = self.is_up(b) && r.role == Role::Leader;
        let peers = if leads {
            NodeId::all(self.config.branches)
                .filter(|p| *p != b)
                .map(|p| PeerView {
                    branch: p,
                    next_index: r.next_index()[p.index()].0,
                    match_index: r.match_index()[p.index()].0,
                })
                .collect()
        } else {
            Vec::new()
        };
        BranchDetail {
            branch: self.branch_view(b),
            log,
            table,
            table_len: r.register.table.len(),
            waiting: r.waiters.keys().chain(r.desk.iter().map(|(q, _)| q)).copied().collect(),
            applied: r.applied.0,
            last_leader_contact: r.last_leader_contact.0,
            peers,
            decree: self.decree_of(b).map(|(t, v)| (t.0, v.clone())),
        }
    }
}

/// The Number that applying entry `index` issued: none for a no-op, an entry not applied
/// yet, or a repeated request (it is answered with the Number its first copy got).
fn issued_by(r: &crate::replica::Replica, index: u64) -> Option<u64> {
    let k = r.register.issued_at.binary_search(&LogIndex(index)).ok()?;
    Some(r.register.sequence[k].1 .0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Action, Config};

    fn elected() -> Simulation {
        let mut sim = Simulation::new(Config::default(), 1).unwrap();
        while sim.current_leader().is_none() {
            assert!(sim.step());
        }
        sim.run_until(crate::Tick(sim.now().0 + 100));
        sim
    }

    #[test]
    fn a_request_is_followed_from_desk_to_number() {
        let mut sim = elected();
        let leader = sim.current_leader().unwrap();
        let desk = NodeId((leader.0 + 1) % 5);
        sim.act(Action::Ask(desk)).unwrap();
        let mut seen = Vec::new();
        for _ in 0..200 {
            let v = sim.request_views(8).pop().unwrap();
            match v.progress {
                Some(p) if seen.last() != Some(&p) => seen.push(p),
                None => {
                    assert_eq!(v.status, "issued");
                    break;
                }
                _ => {}
            }
            sim.step();
        }
        assert!(matches!(seen[0], Progress::Forwarded { from, to } if from == desk && to == leader), "{seen:?}");
        assert!(
            seen.iter()
                .any(|p| matches!(p, Progress::WaitingForQuorum { branch, index } if *branch == leader && *index > 0)),
            "{seen:?}"
        );
        assert!(matches!(seen.last(), Some(Progress::Answering { to, .. }) if *to == desk), "{seen:?}");
    }

    #[test]
    fn a_stale_read_says_how_many_numbers_it_missed() {
        let mut sim = elected();
        let leader = sim.current_leader().unwrap();
        let lonely = NodeId((leader.0 + 1) % 5);
        sim.act(Action::Isolate(lonely)).unwrap();
        for _ in 0..3 {
            sim.act(Action::Ask(leader)).unwrap();
            sim.run_until(crate::Tick(sim.now().0 + 200));
        }
        // Cut off long enough to forget its leader, it answers from what it knows.
        sim.run_until(crate::Tick(sim.now().0 + 2_000));
        sim.act(Action::Read(lonely)).unwrap();
        sim.run_until(crate::Tick(sim.now().0 + 50));
        let v = sim.request_views(1).pop().unwrap();
        assert_eq!(v.result, Some(Outcome::Read { read: 0, linearizable: false }), "{v:?}");
        assert_eq!(v.stale_by, Some(3));
        assert!(sim.page_view().messages.is_empty() && sim.view().messages.len() == sim.page_view().in_flight);
    }

    fn run_for(sim: &mut Simulation, ms: u64) {
        sim.run_until(crate::Tick(sim.now().0 + ms));
    }

    /// Every row holds what the inspector holds, slot for slot.
    #[test]
    fn the_registers_side_by_side_agree_with_the_inspector() {
        let mut sim = elected();
        let leader = sim.current_leader().unwrap();
        for _ in 0..5 {
            sim.act(Action::Ask(leader)).unwrap();
        }
        run_for(&mut sim, 1_000);
        let regs = sim.registers(4);
        assert_eq!(regs.reference, Some(leader));
        assert_eq!(regs.last - regs.first + 1, 4);
        for row in &regs.rows {
            let d = sim.branch_detail(row.branch);
            assert_eq!(row.earlier, regs.first - 1);
            for c in &row.cells {
                let (i, e, n) = d.log[c.index as usize - 1];
                assert_eq!((i, e.term, e.kind, n), (c.index, c.term, c.kind, c.number));
                assert!(c.committed && c.applied && !c.disagrees, "{c:?}");
            }
        }
    }

    /// A request filed by a Main Office that burned before answering, repeated at the new
    /// one before it has applied the first copy, takes a second slot and no second Number.
    #[test]
    fn a_repeated_request_takes_a_slot_but_no_number() {
        let mut sim = elected();
        let old = sim.current_leader().unwrap();
        let next = NodeId((old.0 + 1) % 5);
        sim.act(Action::Ask(old)).unwrap();
        let request = sim.request_views(1)[0].request;
        while sim.replica(next).last_index() < sim.replica(old).last_index() {
            sim.step();
        }
        sim.act(Action::Kill(old)).unwrap();
        sim.act(Action::Timeout(next)).unwrap();
        while sim.current_leader() != Some(next) {
            sim.step();
        }
        sim.act(Action::Retry(request, next)).unwrap();
        run_for(&mut sim, 1_000);
        let cells = &sim.registers(usize::MAX).rows[next.index()].cells;
        let copies: Vec<&CellView> = cells.iter().filter(|c| c.kind == EntryKind::Issue(request)).collect();
        assert_eq!(copies.len(), 2, "{cells:?}");
        assert!(copies.iter().all(|c| c.applied));
        assert_eq!((copies[0].number, copies[1].number), (Some(1), None));
        let inspector: Vec<Option<u64>> = sim.branch_detail(next).log.iter().map(|(_, _, n)| *n).collect();
        assert_eq!(inspector, cells.iter().map(|c| c.number).collect::<Vec<_>>());
        assert_eq!(sim.request_views(1)[0].result, Some(Outcome::Number { number: 1 }));
    }

    /// An old Main Office cut off with customers of its own grows a tail that disagrees
    /// with the new one's register; once healed, the tail is written over and marked so.
    #[test]
    fn an_old_leaders_tail_stands_out_until_it_is_repaired() {
        let mut sim = elected();
        let old = sim.current_leader().unwrap();
        sim.act(Action::Isolate(old)).unwrap();
        sim.act(Action::Ask(old)).unwrap();
        sim.act(Action::Ask(old)).unwrap();
        run_for(&mut sim, 3_000);
        let new = sim.current_leader().unwrap();
        assert_ne!(new, old);
        let regs = sim.registers(usize::MAX);
        let tail: Vec<&CellView> = regs.rows[old.index()].cells.iter().filter(|c| c.disagrees).collect();
        assert_eq!(tail.len(), 2, "{:?}", regs.rows[old.index()]);
        assert!(tail.iter().all(|c| !c.committed && c.number.is_none()));
        assert!(regs.rows[new.index()].cells.iter().all(|c| !c.disagrees));
        assert!(!sim.branch_view(old).reach.enough() && sim.branch_view(old).reach.have == vec![old]);
        sim.act(Action::Heal).unwrap();
        let healed_at = sim.now().0;
        let mut repaired = false;
        while sim.now().0 < healed_at + REPAIR_SHOWN_MS && !repaired {
            sim.step();
            repaired = sim.registers(usize::MAX).rows[old.index()].cells.iter().any(|c| c.repaired);
        }
        assert!(repaired, "the overwritten slots are marked");
        run_for(&mut sim, 3_000);
        let row = &sim.registers(usize::MAX).rows[old.index()];
        assert!(row.cells.iter().all(|c| !c.disagrees && !c.repaired), "{row:?}");
    }

    /// The timers come from the simulator's own deadlines; a candidate counts its votes.
    #[test]
    fn timers_votes_and_quorums_come_from_the_core() {
        let mut sim = elected();
        let leader = sim.current_leader().unwrap();
        let now = sim.now().0;
        for b in sim.page_view().branches {
            let t = b.timer.unwrap();
            let want = if b.id == leader { TimerKind::Heartbeat } else { TimerKind::Election };
            assert_eq!(t.kind, want);
            assert!(t.armed <= now && now <= t.due, "{t:?} at {now}");
            assert!((0.0..=1.0).contains(&t.left(now)));
            assert!(b.votes.is_none() && b.reach.enough());
        }
        // A lone candidate: its own vote of the three it needs.
        let lone = NodeId((leader.0 + 1) % 5);
        sim.act(Action::Isolate(lone)).unwrap();
        sim.act(Action::Timeout(lone)).unwrap();
        let v = sim.branch_view(lone);
        assert_eq!(v.votes, Some(Tally { have: vec![lone], needed: 3, of: 5 }));
        // A Number waiting at the Main Office: filed at the leader first, then the others.
        sim.act(Action::Heal).unwrap();
        run_for(&mut sim, 3_000);
        let leader = sim.current_leader().unwrap();
        sim.act(Action::Ask(leader)).unwrap();
        let mut seen = Vec::new();
        for _ in 0..500 {
            sim.step();
            if let Some(q) = sim.request_views(1)[0].quorum.clone() {
                assert!(q.acked.have.iter().all(|b| q.filed.have.contains(b)), "a confirmation follows the filing");
                seen.push(q.acked.have.len());
            }
        }
        assert_eq!(seen.first(), Some(&1), "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0] <= w[1]) && seen.last() < Some(&3), "{seen:?}");
        assert_eq!(sim.request_views(1)[0].status, "issued");
    }
}
