//! L1, judged live: the swarm's liveness rule ("heal a majority, and it must answer")
//! made an online checker that watches every run, on the page as in the tests.
//!
//! It is a small struct of its own rather than part of the [`crate::check::Monitor`]: the
//! Monitor judges what branches report and is shared with the model checker, while L1 is
//! about the world around them (which branches are alive, which roads are up, who is
//! waiting). The simulator feeds it three things, none of which change the run (it only
//! watches: no event, no random draw, no trace line):
//!
//! - a change of the world (a branch killed or restarted, a road cut, restored, slowed,
//!   made lossy), after which it looks again for a *healed majority* — O(branches³), only
//!   on such a change, never per event;
//! - a disturbance inside the healed majority (a forced election timeout, a message
//!   dropped by hand), which starts its window over;
//! - each customer's arrival at a branch (a first try or a retry) and the end of their
//!   wait (answered, refused, or given up) — O(1) each.
//!
//! **The healed majority.** A set M of live branches, at least a majority of the cluster,
//! such that every road between two of them is up in both directions and loses nothing,
//! and no live branch outside M has a road into M that is up (it may hear M, M does not
//! hear it). The last condition is the swarm's: its liveness phase heals a majority *and
//! isolates the rest*. Without it there is no bound to promise: this Raft has no pre-vote,
//! so a branch that can send to the majority but not hear its Main Office stands for
//! election again and again and deposes every leader (the partial-partition livelock).
//! There is at most one such M (two would overlap, and closure makes them equal). Raft's
//! timing requirement is part of it too (§5.6, made exact in [`timely`]): two of the
//! slowest round trips inside M and a heartbeat must fit in the shortest election timeout,
//! or a new leader can step down before its first heartbeat is answered, again and again.
//!
//! **The rule.** Once M has been healed continuously for its bound B (from the *window
//! start*, when it last became healed or was disturbed), every customer request that was
//! waiting at a branch of M at the window start, or arrived at one during the window, must
//! be answered within B of the later of the window start and its arrival (plus the time to
//! replicate the requests already queued ahead of it). An obligation follows the customer's
//! need wherever they carry it (a retry at another branch, or in the at-least-once mode a
//! new request marked as a retry of the first), and ends when the wait ends: with an
//! answer, a refusal, or the customer giving up (an at-most-once customer who times out has
//! abandoned the request: it is no longer waiting). A request still waiting past its
//! deadline while M stays healed is an L1 violation; when M breaks, every obligation is
//! forgotten (with the check of those already overdue), and nothing a minority's customers
//! do is judged. The deadlines are checked lazily: when a wait ends, when the window
//! closes, and when a report is made.
//!
//! **The bound** ([`liveness_bound_ms`]) adds up what a healed majority may need, in the
//! run's own times: elections until one sticks, the repair of the registers that differ,
//! a customer's try in progress that was lost and the retries through branches outside M,
//! and the round trips of serving the request.

use crate::check::{Invariant, Violation, Violations};
use crate::config::Config;
use crate::ids::*;
use crate::net::Network;
use crate::replica::{quorum_of, Replica, MAX_ENTRIES_PER_APPEND};

/// Elections a healed majority may need before one sticks (split votes, candidates whose
/// register is behind, a leader deposed by a stale term): each costs at most the longest
/// election timeout and a round trip.
pub const ELECTION_ROUNDS: u64 = 4;

/// What a healed majority's bound depends on, besides the config.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Healed {
    /// The slowest one-way road inside the majority (ms).
    pub latency_max_ms: u64,
    /// Branches outside it (dead, or cut off from it): a customer may try each on the way.
    pub outside: usize,
    /// Round trips to repair the registers inside it: entries to send, 64 per Append, and
    /// the conflicting runs of terms to back over (one rejection each).
    pub repair_rounds: u64,
}

/// The bound B: how long a healed majority may take to answer a customer who is waiting
/// at one of its branches when it heals (or arrives just then).
///
/// With L the slowest road inside the majority, H the heartbeat, E_min..E_max the election
/// timeouts and C the customer's timeout, a round trip of replication is R = 2L + H and
///
/// B = 4 (E_max + 2L)          elections until one sticks
///   + (repair + 2) R          the registers repaired, the new leader's no-op committed
///   + (outside + 1)(C + E_min) the try in progress lost, then one try per branch outside
///   + 3 R                      the request forwarded, replicated and committed, answered
///
/// The default config (5 branches, 10–15 ms roads, timeouts 150–300 ms, customers who wait
/// a second), fully healed: B = 1,320 + 160 + 1,150 + 240 = 2,870 ms.
pub fn liveness_bound_ms(config: &Config, healed: &Healed) -> u64 {
    let l = healed.latency_max_ms;
    let round = replication_round_ms(config, l);
    let elections = ELECTION_ROUNDS * (config.election_timeout_max_ms + 2 * l);
    let repair = (healed.repair_rounds + 2) * round;
    let tries = (healed.outside as u64 + 1) * (config.client_timeout_ms + config.election_timeout_min_ms);
    elections + repair + tries + 3 * round
}

/// One round trip of replication, paced by the heartbeat.
fn replication_round_ms(config: &Config, latency_max_ms: u64) -> u64 {
    2 * latency_max_ms + config.heartbeat_ms
}

/// Why L1 is not judged at this moment.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Unhealed {
    /// Fewer than a majority are alive.
    TooFewAlive { alive: usize },
    /// No majority has every road between its branches up and loss-free.
    NotConnected,
    /// A majority is connected, but a live branch can still send into it without being
    /// connected both ways to all of it.
    PartlyCut { branch: NodeId },
    /// Raft's timing requirement (§5.6) is not met inside the majority (see [`timely`]).
    TooSlow { round_trip_ms: u64 },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
struct Window {
    members: u16,
    start: u64,
    bound: u64,
    latency_max_ms: u64,
    /// Extra time per 64 requests queued ahead of an arrival.
    round: u64,
}

#[derive(Copy, Clone, Debug, Default)]
struct Owed {
    deadline: u64,
    arrival: u64,
    branch: u8,
}

#[derive(Copy, Clone, Debug, Default)]
struct Client {
    waiting: bool,
    owed: Option<Owed>,
}

/// The live L1 checker (see the module header), fed by the simulator.
#[derive(Clone, Debug)]
pub struct Liveness {
    n: usize,
    election_timeout_min_ms: u64,
    window: Option<Window>,
    /// Why there is no window, when there is none.
    unhealed: Option<Unhealed>,
    /// The first tick at which L1 was judged: a window's start plus its bound.
    judged_since: Option<u64>,
    /// By customer (`ClientId - 1`).
    clients: Vec<Client>,
    waiting: usize,
    owed: usize,
    violations: Violations,
}

/// The world as L1 sees it, lent by the simulator.
#[derive(Copy, Clone)]
pub(crate) struct World<'a> {
    pub config: &'a Config,
    pub net: &'a Network,
    pub up: &'a [bool],
    pub replicas: &'a [Replica],
    /// Every customer who is waiting: with which request, at which branch.
    pub waiting: &'a [(ClientId, RequestId, NodeId)],
}

/// What the report needs of a customer: are they waiting, and with which request.
pub(crate) type WaitingWith<'a> = &'a dyn Fn(ClientId) -> Option<RequestId>;

impl Liveness {
    pub(crate) fn new(config: &Config) -> Liveness {
        Liveness {
            n: config.branches,
            election_timeout_min_ms: config.election_timeout_min_ms,
            window: None,
            unhealed: None,
            judged_since: None,
            clients: Vec::new(),
            waiting: 0,
            owed: 0,
            violations: Violations::default(),
        }
    }

    /// The world changed: look for the healed majority again. The window goes on if it is
    /// the same majority over roads just as fast; otherwise it closes, and a new one opens.
    /// `waiting` lists the customers who are waiting, and where.
    pub(crate) fn on_change(&mut self, now: Tick, world: &World) {
        let World { config, net, up, replicas, waiting } = *world;
        let found = healed_majority(config, net, up);
        if let (Ok((members, latency)), Some(w)) = (&found, &self.window) {
            if *members == w.members && *latency == w.latency_max_ms {
                return;
            }
        }
        self.close(now, waiting);
        match found {
            Ok((members, latency_max_ms)) => {
                self.unhealed = None;
                let healed = Healed {
                    latency_max_ms,
                    outside: self.n - members.count_ones() as usize,
                    repair_rounds: repair_rounds(replicas, members),
                };
                let bound = liveness_bound_ms(config, &healed);
                let round = replication_round_ms(config, latency_max_ms);
                let w = Window { members, start: now.0, bound, latency_max_ms, round };
                self.window = Some(w);
                let extra = self.queue_time(&w);
                for &(c, _, branch) in waiting {
                    if w.members & (1 << branch.0) != 0 {
                        self.owe(c, Owed { deadline: now.0 + bound + extra, arrival: now.0, branch: branch.0 });
                    }
                }
            }
            Err(why) => self.unhealed = Some(why),
        }
    }

    /// A fault inside the healed majority (a forced election, a message dropped by hand):
    /// its window starts over.
    pub(crate) fn disturb(&mut self, now: Tick, branch: NodeId, world: &World) {
        if self.window.is_some_and(|w| w.members & (1 << branch.0) != 0) {
            self.close(now, world.waiting);
            self.on_change(now, world);
        }
    }

    /// A customer tries `branch` (a first try or a retry).
    pub(crate) fn on_attempt(&mut self, now: Tick, client: ClientId, branch: NodeId) {
        let i = client.0 as usize - 1;
        if self.clients.len() <= i {
            self.clients.resize(i + 1, Client::default());
        }
        if !self.clients[i].waiting {
            self.clients[i].waiting = true;
            self.waiting += 1;
        }
        let Some(w) = self.window else { return };
        if w.members & (1 << branch.0) != 0 && self.clients[i].owed.is_none() {
            let extra = self.queue_time(&w);
            self.owe(client, Owed { deadline: now.0 + w.bound + extra, arrival: now.0, branch: branch.0 });
        }
    }

    /// A customer's wait for `request` ended: answered, refused or given up.
    pub(crate) fn on_done(&mut self, now: Tick, client: ClientId, request: RequestId) {
        let Some(c) = self.clients.get_mut(client.0 as usize - 1) else { return };
        if c.waiting {
            c.waiting = false;
            self.waiting -= 1;
        }
        if let Some(o) = c.owed.take() {
            self.owed -= 1;
            if now.0 > o.deadline {
                let w = self.window.expect("obligations live in a window");
                let v = self.overdue(&w, &o, request, Some(now.0));
                self.violations.push(v);
            }
        }
    }

    /// Closes the window at `now`: what was overdue is a violation, the rest is forgotten.
    fn close(&mut self, now: Tick, waiting: &[(ClientId, RequestId, NodeId)]) {
        let Some(w) = self.window.take() else { return };
        if now.0 >= w.start + w.bound && self.judged_since.is_none() {
            self.judged_since = Some(w.start + w.bound);
        }
        if self.owed > 0 {
            for &(c, request, _) in waiting {
                if let Some(o) = self.clients.get(c.0 as usize - 1).and_then(|c| c.owed) {
                    if now.0 > o.deadline {
                        let v = self.overdue(&w, &o, request, None);
                        self.violations.push(v);
                    }
                }
            }
            for c in &mut self.clients {
                c.owed = None;
            }
            self.owed = 0;
        }
    }

    fn owe(&mut self, client: ClientId, o: Owed) {
        let i = client.0 as usize - 1;
        if self.clients.len() <= i {
            self.clients.resize(i + 1, Client::default());
        }
        if self.clients[i].owed.is_none() {
            self.owed += 1;
        }
        self.clients[i].owed = Some(o);
    }

    /// Time to replicate the requests of the other customers waiting (those ahead of one
    /// who is waiting now), 64 per round trip.
    fn queue_time(&self, w: &Window) -> u64 {
        (self.waiting.saturating_sub(1) as u64).div_ceil(MAX_ENTRIES_PER_APPEND as u64) * w.round
    }

    fn overdue(&self, w: &Window, o: &Owed, request: RequestId, answered: Option<u64>) -> Violation {
        let branch = NodeId(o.branch);
        let members = names(w.members);
        let late = match answered {
            Some(t) => format!("was answered only at t={t}"),
            None => "was still waiting".to_string(),
        };
        Violation {
            invariant: Invariant::L1Liveness,
            tick: Some(o.deadline),
            detail: format!(
                "{request}, waiting at {branch} since t={}, {late}: {members} had been alive and connected since t={}, \
                 and a healed majority must answer within {}",
                o.arrival,
                w.start,
                seconds(o.deadline - o.arrival.max(w.start)),
            ),
            requests: vec![request],
            branches: vec![branch],
        }
    }

    /// The violations so far, with those overdue at `now` that are still waiting.
    pub(crate) fn violations(&self, now: Tick, waiting_with: WaitingWith) -> Vec<Violation> {
        let mut out = self.violations.clone();
        if let (Some(w), true) = (self.window, self.owed > 0) {
            for (i, c) in self.clients.iter().enumerate() {
                let Some(o) = c.owed.filter(|o| now.0 > o.deadline) else { continue };
                if let Some(request) = waiting_with(ClientId(i as u32 + 1)) {
                    out.push(self.overdue(&w, &o, request, None));
                }
            }
        }
        out.list().to_vec()
    }

    /// The first tick from which L1 has been judged, if it has been by `now`.
    pub(crate) fn judged_since(&self, now: Tick) -> Option<u64> {
        self.judged_since.or_else(|| self.window.map(|w| w.start + w.bound).filter(|t| now.0 >= *t))
    }

    /// Why L1 is not judged yet at `now`, in a visitor's words.
    pub(crate) fn why_not_judged(&self, now: Tick) -> String {
        let n = self.n;
        if let Some(w) = self.window {
            return format!(
                "not judged yet: {} have been alive and connected for {}; a healed majority is judged once it has been for {}",
                names(w.members),
                seconds(now.0 - w.start),
                seconds(w.bound)
            );
        }
        match self.unhealed {
            Some(Unhealed::TooFewAlive { alive }) => format!(
                "not judged yet: only {alive} of the {n} branches {} alive, fewer than a majority ({})",
                if alive == 1 { "is" } else { "are" },
                quorum_of(n)
            ),
            Some(Unhealed::PartlyCut { branch }) => format!(
                "not judged yet: {branch} is cut off only in part (it can still reach the others, but not all of them \
                 both ways), and a half-cut branch can keep deposing the Main Office, so no answer time is promised"
            ),
            Some(Unhealed::TooSlow { round_trip_ms }) => format!(
                "not judged yet: a round trip inside the majority takes up to {}, too slow for elections that time out \
                 after {}: an election and the new Main Office's first heartbeat must fit in that time",
                seconds(round_trip_ms),
                seconds(self.election_timeout_min_ms)
            ),
            Some(Unhealed::NotConnected) | None => format!(
                "not judged yet: no majority ({} of {n}) is alive and connected by roads that are up both ways and lose nothing",
                quorum_of(n)
            ),
        }
    }

    /// About how many bytes it holds (for the time-travel snapshots' budget).
    pub(crate) fn approx_bytes(&self) -> usize {
        self.clients.len() * std::mem::size_of::<Client>() + 1024
    }
}

/// Raft's timing requirement (§5.6: broadcast time ≪ election timeout), made exact for this
/// Raft: a candidate's votes (a round trip) and the new leader's first acknowledgements
/// (another) must arrive, with a heartbeat's slack, before the shortest election timeout,
/// when the leader counts who it heard from (check-quorum) and a follower would stand for
/// election. Slower, a leader can step down before its first heartbeat is answered, every
/// time: answers come by luck, and no bound holds (found by the 1,000-seed sweep, seed 566:
/// roads of 60 ms, timeouts from 150 ms, a two-branch majority that took 4.3 s to answer,
/// 95 % of its bound; with this requirement no seed of 10,000 used more than half of it).
pub fn timely(config: &Config, latency_max_ms: u64) -> bool {
    4 * latency_max_ms + config.heartbeat_ms <= config.election_timeout_min_ms
}

/// The healed majority (as a bit set) and its slowest road, or why there is none.
pub(crate) fn healed_majority(config: &Config, net: &Network, up: &[bool]) -> Result<(u16, u64), Unhealed> {
    let n = up.len();
    let q = quorum_of(n);
    let alive = up.iter().filter(|u| **u).count();
    if alive < q {
        return Err(Unhealed::TooFewAlive { alive });
    }
    let delivers = |a: usize, b: usize| {
        let l = net.link(NodeId(a as u8), NodeId(b as u8));
        l.up && l.loss_pct < 100
    };
    let connected = |a: usize, b: usize| {
        let l = net.link(NodeId(a as u8), NodeId(b as u8));
        l.up && l.loss_pct == 0
    };
    let mut why = Unhealed::NotConnected;
    for v in (0..n).filter(|v| up[*v]) {
        // Every live branch from which `v` can be reached: any healed majority holding `v`
        // is exactly this set.
        let mut set: u16 = 1 << v;
        let mut grew = true;
        while grew {
            grew = false;
            for (a, alive) in up.iter().enumerate() {
                if *alive && set & (1 << a) == 0 && (0..n).any(|b| set & (1 << b) != 0 && delivers(a, b)) {
                    set |= 1 << a;
                    grew = true;
                }
            }
        }
        let members: Vec<usize> = (0..n).filter(|b| set & (1 << b) != 0).collect();
        if members.len() < q {
            continue;
        }
        let clique = members.iter().all(|&a| members.iter().all(|&b| a == b || connected(a, b)));
        if !clique {
            // Someone half-cut can still reach the others.
            let core = members.iter().copied().find(|&a| {
                members.iter().filter(|&&b| a == b || (connected(a, b) && connected(b, a))).count() < members.len()
            });
            if let Some(a) = core {
                why = Unhealed::PartlyCut { branch: NodeId(a as u8) };
            }
            continue;
        }
        let latency = members
            .iter()
            .flat_map(|&a| members.iter().filter(move |&&b| b != a).map(move |&b| (a, b)))
            .map(|(a, b)| net.link(NodeId(a as u8), NodeId(b as u8)).latency_max_ms)
            .max()
            .unwrap_or(0);
        if !timely(config, latency) {
            return Err(Unhealed::TooSlow { round_trip_ms: 2 * latency });
        }
        return Ok((set, latency));
    }
    Err(why)
}

/// Round trips to repair the registers inside the majority, for any of them that may win:
/// the entries a follower lacks (64 per Append) and the runs of conflicting terms it
/// holds beyond what it shares with the winner (one rejection each).
fn repair_rounds(replicas: &[Replica], members: u16) -> u64 {
    let inside: Vec<&Replica> = replicas.iter().filter(|r| members & (1 << r.id.0) != 0).collect();
    let mut worst = 0;
    for winner in &inside {
        for follower in inside.iter().filter(|f| f.id != winner.id) {
            let shared = shared_prefix(winner, follower);
            let send = winner.last_index().0 - shared;
            // Terms only grow along a register: its runs beyond the shared prefix are at
            // most its entries there, and at most the terms they span.
            let beyond = follower.last_index().0 - shared;
            let runs = match beyond {
                0 => 0,
                _ => {
                    beyond.min(follower.term_at(follower.last_index()).0 - follower.term_at(LogIndex(shared + 1)).0 + 1)
                }
            };
            worst = worst.max(send.div_ceil(MAX_ENTRIES_PER_APPEND as u64) + runs);
        }
    }
    worst
}

/// How long a prefix two registers share. By Log Matching, the indices where they hold the
/// same term form a prefix: a binary search finds its end.
fn shared_prefix(a: &Replica, b: &Replica) -> u64 {
    let (mut lo, mut hi) = (0, a.last_index().0.min(b.last_index().0));
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if a.term_at(LogIndex(mid)) == b.term_at(LogIndex(mid)) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

/// "A, B and C".
fn names(members: u16) -> String {
    let list: Vec<String> = (0..16u8).filter(|b| members & (1 << b) != 0).map(|b| NodeId(b).to_string()).collect();
    match list.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// "2.9 s", "45 ms", "12 min": a duration for a visitor, without floating point.
pub(crate) fn seconds(ms: u64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms < 600_000 {
        let tenths = (ms + 50) / 100;
        format!("{}.{} s", tenths / 10, tenths % 10)
    } else {
        format!("{} min", ms / 60_000)
    }
}
