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

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    /// For a stale read: how many Numbers it missed, counting the highest Number any
    /// customer had been told when it was answered.
    pub stale_by: Option<u64>,
}

#[derive(Clone, Debug, Serialize)]
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
    /// How many requests the history holds.
    pub requests_total: usize,
    pub leader: Option<NodeId>,
    pub client_mode: ClientMode,
    /// Customers per simulated second walking in on their own (0: none).
    pub load_per_sec: u32,
    /// They walk into the Main Office (else a branch drawn at random).
    pub load_at_leader: bool,
}

/// A leader's view of one follower (§5.3).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerView {
    pub branch: NodeId,
    pub next_index: u64,
    pub match_index: u64,
}

/// The branch inspector: everything one branch holds.
#[derive(Clone, Debug, Serialize)]
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
        let first = records.len().saturating_sub(max);
        let pending: Vec<(usize, super::customers::Pending)> = self
            .customers
            .list
            .iter()
            .filter_map(|c| c.pending.filter(|p| p.record >= first).map(|p| (p.record, p)))
            .collect();
        let mut views: Vec<RequestView> = records[first..]
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let waiting = pending.iter().find(|(k, _)| *k == first + i).map(|(_, p)| *p);
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
                    progress: waiting.map(|p| self.progress(r.request, r.kind, r.client, p)),
                    stale_by: None,
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
        let on_road = self.in_flight.iter().find_map(|m| match &m.msg {
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
        // In a leader's register, waiting for a majority to hold the entry.
        for b in NodeId::all(self.config.branches) {
            let r = self.replica(b);
            if !self.is_up(b) || r.role != Role::Leader || !r.waiters.contains_key(&request) {
                continue;
            }
            let index = (r.commit.0..r.last_index().0)
                .rev()
                .find(|&i| r.disk.log[i as usize].kind == EntryKind::Issue(request))
                .map_or(0, |i| i + 1);
            return Progress::WaitingForQuorum { branch: b, index };
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
        let mut highest = vec![0u64; stale.len()];
        for r in self.customers.records() {
            if let (Some(Outcome::Number { number }), Some(done)) = (&r.result, r.complete) {
                for (k, s) in stale.iter().enumerate() {
                    if done <= s.2 && *number > highest[k] {
                        highest[k] = *number;
                    }
                }
            }
        }
        for (k, (i, read, _)) in stale.drain(..).enumerate() {
            views[i].stale_by = Some(highest[k].saturating_sub(read));
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
        let log = r.disk.log[first..]
            .iter()
            .enumerate()
            .map(|(k, e)| {
                let i = (first + k) as u64;
                let number = match e.kind {
                    EntryKind::Issue(req) if i < r.applied.0 => r.register.table.get(&req).map(|n| n.0),
                    _ => None,
                };
                (i + 1, *e, number)
            })
            .collect();
        let seq = &r.register.sequence;
        let table = seq[seq.len().saturating_sub(max)..]
            .iter()
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
            waiting: r.waiters.keys().copied().collect(),
            applied: r.applied.0,
            last_leader_contact: r.last_leader_contact.0,
            peers,
        }
    }
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
}
