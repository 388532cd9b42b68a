//! One branch: a pure Raft state machine. It never reads a clock, draws a random number or
//! touches a network: time comes in as an argument, and everything it wants done goes out
//! as `Output`s (raft-rs's Ready, stateright's Out). The simulator applies the outputs only
//! after the step returns, so the disk is always written before any message depending on it
//! leaves: a crash can only happen between steps.

use crate::chunked::Chunked;
use crate::config::{Canaries, Config, RequestPath, Variant};
use crate::ids::*;
use crate::msg::*;
use crate::shared_map::SharedMap;
use serde::Serialize;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

/// At most this many entries ride in one Append, so a lagging follower catches up in chunks.
pub const MAX_ENTRIES_PER_APPEND: usize = 64;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Follower,
    Candidate,
    Leader,
}

pub enum Input {
    Message {
        from: NodeId,
        msg: Message,
    },
    ElectionTimeout,
    HeartbeatTimeout,
    /// A customer at this branch's desk.
    Ask(Ask),
    /// The paperwork of a customer stamped at this branch's door is done: file it
    /// (the unsafe variant `number-at-the-door` only; nothing happens without a stamp).
    File(RequestId),
    /// A higher authority names this branch the Main Office, in `term` at least: a term
    /// above every one in use, so no branch can dismiss the decree as old news.
    Decree {
        term: Term,
    },
}

#[derive(Debug, PartialEq, Eq)]
pub enum Output {
    Send {
        to: NodeId,
        msg: Message,
    },
    /// An answer handed to a customer standing at this branch's desk. `relayed` answers came
    /// from another branch: a duplicated copy of the forwarded request may have been
    /// accepted elsewhere, so a relayed refusal does not prove the request left no trace.
    Answer {
        client: ClientId,
        attempt: u32,
        answer: Answer,
        relayed: bool,
    },
    /// The simulator draws the randomized timeout (§5.2), so the replica needs no PRNG.
    ResetElectionTimer,
    SetHeartbeatTimer,
    Note(Note),
}

/// Facts the checkers and the trace observe from outside.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Note {
    BecameCandidate {
        term: Term,
    },
    BecameLeader {
        term: Term,
    },
    BecameFollower {
        term: Term,
        leader: Option<NodeId>,
    },
    Voted {
        term: Term,
        candidate: NodeId,
    },
    /// The log changed from this index on (appended or overwritten).
    LogChanged {
        from: LogIndex,
    },
    Committed {
        index: LogIndex,
    },
    /// `number` is None for a no-op or a request that already holds a Number.
    Applied {
        index: LogIndex,
        request: Option<RequestId>,
        number: Option<SeqNum>,
    },
    SteppedDown {
        reason: &'static str,
    },
    /// The unsafe variant `number-at-the-door`: a customer was stamped `number` on arrival,
    /// before anything was filed. The simulator files it when the paperwork is done.
    StampedAtDoor {
        request: RequestId,
        number: SeqNum,
        attempt: u32,
    },
}

/// One line of the trace (and the page's event log), in words rather than struct syntax.
impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Note::BecameCandidate { term } => write!(f, "stands for election in term {}", term.0),
            Note::BecameLeader { term } => write!(f, "becomes the Main Office (leader) of term {}", term.0),
            Note::BecameFollower { term, leader: Some(l) } => write!(f, "follows {l} in term {}", term.0),
            Note::BecameFollower { term, leader: None } => write!(f, "follows, leader unknown, in term {}", term.0),
            Note::Voted { term, candidate } => write!(f, "votes for {candidate} in term {}", term.0),
            Note::LogChanged { from } => write!(f, "register changed from index {}", from.0),
            Note::Committed { index } => write!(f, "committed up to index {}", index.0),
            Note::Applied { index, request: Some(r), number: Some(n) } => {
                write!(f, "applies index {}: {r} gets Number {}", index.0, n.0)
            }
            Note::Applied { index, request: Some(r), number: None } => {
                write!(f, "applies index {}: {r} again, already numbered", index.0)
            }
            Note::Applied { index, request: None, .. } => write!(f, "applies index {}: no-op", index.0),
            Note::SteppedDown { reason } => write!(f, "steps down: {reason}"),
            Note::StampedAtDoor { request, number, .. } => {
                write!(f, "stamps Number {} on {request} at the door, nothing filed yet", number.0)
            }
        }
    }
}

/// How far [`Replica::invariants_from`] has checked a branch's append-only state: the
/// first `log` entries of its register and the first `numbers` Numbers it applied.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    pub log: usize,
    pub numbers: usize,
}

/// What survives a fire: the branch's disk.
#[derive(Debug, Default, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Disk {
    pub term: Term,
    pub voted_for: Option<NodeId>,
    /// Chunked, so time-travel snapshots share it (chunked.rs).
    pub log: Chunked<Entry>,
    /// `number-at-the-door` only: the last Number this branch's door stamped. Written down
    /// like a ledger, so it survives a fire; the customers inside the building do not.
    #[serde(skip)]
    pub door_counter: SeqNum,
}

/// The applied state: the Numbers issued, in order, and the RequestId → Number table.
#[derive(Debug, Default)]
pub struct Register {
    pub last: SeqNum,
    /// Looked up, never iterated in an order that matters (see Cargo.toml on rustc-hash);
    /// shared with time-travel snapshots (shared_map.rs).
    pub table: SharedMap<RequestId, SeqNum>,
    pub sequence: Chunked<(RequestId, SeqNum)>,
    /// The log index whose entry issued each Number of `sequence`: an entry that takes a
    /// slot but no Number (a no-op, a repeated request) is absent, so the page can tell.
    pub issued_at: Chunked<LogIndex>,
}

/// Field by field, reusing the lists written into (see `Replica`'s `Clone`).
impl Clone for Disk {
    fn clone(&self) -> Disk {
        let mut d = Disk::default();
        d.clone_from(self);
        d
    }

    fn clone_from(&mut self, source: &Disk) {
        let Disk { term, voted_for, log, door_counter } = source;
        self.term = *term;
        self.voted_for = *voted_for;
        self.log.clone_from(log);
        self.door_counter = *door_counter;
    }
}

impl Clone for Register {
    fn clone(&self) -> Register {
        let mut r = Register::default();
        r.clone_from(self);
        r
    }

    fn clone_from(&mut self, source: &Register) {
        let Register { last, table, sequence, issued_at } = source;
        self.last = *last;
        self.table.clone_from(table);
        self.sequence.clone_from(sequence);
        self.issued_at.clone_from(issued_at);
    }
}

/// Without `table`: it is a function of `sequence` (each request to the first Number it was
/// issued, `Replica::apply`, the only writer of either), so hashing `sequence` covers it, and
/// a hash map's order would follow its insertion history, not its contents.
impl Hash for Register {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.last.hash(state);
        self.sequence.hash(state);
        self.issued_at.hash(state);
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Waiter {
    pub origin: NodeId,
    pub client: ClientId,
    pub attempt: u32,
}

#[derive(Copy, Clone, Debug, Hash)]
struct PendingRead {
    waiter: Waiter,
    read_index: LogIndex,
    round: u64,
}

/// `Hash` (every field) is what the model check fingerprints a branch by (`crate::fingerprint`);
/// `Clone::clone_from` reuses the lists of the replica written into (below).
#[derive(Debug, Hash)]
pub struct Replica {
    pub id: NodeId,
    n: usize,
    no_quorum: bool,
    no_dedup: bool,
    volatile_vote: bool,
    at_the_door: bool,
    obey_decree: bool,
    /// `path direct`: filers confirm to the customer's branch, which commits on a majority.
    direct: bool,
    #[cfg(feature = "canary")]
    canaries: Canaries,
    pub disk: Disk,
    // Volatile state, lost in a fire.
    pub role: Role,
    pub leader: Option<NodeId>,
    pub commit: LogIndex,
    pub applied: LogIndex,
    pub register: Register,
    votes: Vec<bool>,
    next_index: Vec<LogIndex>,
    match_index: Vec<LogIndex>,
    /// Peers heard from since the last check-quorum (Raft thesis §6.2).
    recent_active: Vec<bool>,
    /// Index of this leader's no-op: reads wait until it commits (thesis §6.4).
    term_start: LogIndex,
    read_round: u64,
    acked_round: Vec<u64>,
    pending_reads: Vec<PendingRead>,
    pub waiters: BTreeMap<RequestId, Vec<Waiter>>,
    /// `path direct`: the customers at this branch's own desk whose requests went to the Main
    /// Office, answered here when their entry is applied. Apart from `waiters`, which a
    /// leader reads as "appended by me and in flight": a branch that takes office must not
    /// mistake a request it merely forwarded for one it filed (swarm seed 23, the customers
    /// waited forever). At most one per customer, who waits for one request at a time.
    pub desk: Vec<(RequestId, Waiter)>,
    /// `number-at-the-door` only: the customers stamped at the door but not yet filed, one
    /// entry per request. Volatile: a fire loses them, and the Numbers they were stamped
    /// with. A list, not a map: it is short, and another map type costs the page kilobytes.
    pub at_door: Vec<(RequestId, SeqNum, Waiter)>,
    /// `path direct`, at a customer's branch: per log index of an entry filed for one of
    /// its customers, the entry's term and the branches known to have filed it in that
    /// term (a bit each). Volatile, and dropped as the commit index passes. A list: it holds
    /// only this desk's requests in flight, and a map of its own costs the page kilobytes.
    confirmed: Vec<(LogIndex, Term, u16)>,
    pub last_leader_contact: Tick,
    now: Tick,
}

/// `clone_from` writes into this replica's own lists: the model check copies a branch for
/// every step it tries and recycles the copies of the steps that led to states already seen,
/// so most copies allocate nothing (allocation was half of the search's time). Every field
/// is named, so a new one cannot be forgotten here.
impl Clone for Replica {
    fn clone(&self) -> Replica {
        Replica {
            disk: self.disk.clone(),
            register: self.register.clone(),
            votes: self.votes.clone(),
            next_index: self.next_index.clone(),
            match_index: self.match_index.clone(),
            recent_active: self.recent_active.clone(),
            acked_round: self.acked_round.clone(),
            pending_reads: self.pending_reads.clone(),
            waiters: self.waiters.clone(),
            desk: self.desk.clone(),
            at_door: self.at_door.clone(),
            confirmed: self.confirmed.clone(),
            ..*self
        }
    }

    fn clone_from(&mut self, source: &Replica) {
        let Replica {
            id,
            n,
            no_quorum,
            no_dedup,
            volatile_vote,
            at_the_door,
            obey_decree,
            direct,
            #[cfg(feature = "canary")]
            canaries,
            disk,
            role,
            leader,
            commit,
            applied,
            register,
            votes,
            next_index,
            match_index,
            recent_active,
            term_start,
            read_round,
            acked_round,
            pending_reads,
            waiters,
            desk,
            at_door,
            confirmed,
            last_leader_contact,
            now,
        } = source;
        self.id = *id;
        self.n = *n;
        self.no_quorum = *no_quorum;
        self.no_dedup = *no_dedup;
        self.volatile_vote = *volatile_vote;
        self.at_the_door = *at_the_door;
        self.obey_decree = *obey_decree;
        self.direct = *direct;
        #[cfg(feature = "canary")]
        {
            self.canaries = *canaries;
        }
        self.disk.clone_from(disk);
        self.role = *role;
        self.leader = *leader;
        self.commit = *commit;
        self.applied = *applied;
        self.register.clone_from(register);
        self.votes.clone_from(votes);
        self.next_index.clone_from(next_index);
        self.match_index.clone_from(match_index);
        self.recent_active.clone_from(recent_active);
        self.term_start = *term_start;
        self.read_round = *read_round;
        self.acked_round.clone_from(acked_round);
        self.pending_reads.clone_from(pending_reads);
        self.waiters.clone_from(waiters);
        self.desk.clone_from(desk);
        self.at_door.clone_from(at_door);
        self.confirmed.clone_from(confirmed);
        self.last_leader_contact = *last_leader_contact;
        self.now = *now;
    }
}

impl Replica {
    pub fn new(id: NodeId, config: &Config) -> Replica {
        let n = config.branches;
        Replica {
            id,
            n,
            no_quorum: config.has(Variant::NoQuorum),
            no_dedup: config.has(Variant::NoDedup),
            volatile_vote: config.has(Variant::VolatileVote),
            at_the_door: config.has(Variant::NumberAtTheDoor),
            obey_decree: config.has(Variant::ObeyDecree),
            direct: config.path == RequestPath::Direct,
            #[cfg(feature = "canary")]
            canaries: Canaries::of(config),
            disk: Disk::default(),
            role: Role::Follower,
            leader: None,
            commit: LogIndex(0),
            applied: LogIndex(0),
            register: Register::default(),
            votes: vec![false; n],
            next_index: vec![LogIndex(1); n],
            match_index: vec![LogIndex(0); n],
            recent_active: vec![false; n],
            term_start: LogIndex(0),
            read_round: 0,
            acked_round: vec![0; n],
            pending_reads: Vec::new(),
            waiters: BTreeMap::new(),
            desk: Vec::new(),
            at_door: Vec::new(),
            confirmed: Vec::new(),
            last_leader_contact: Tick(0),
            now: Tick(0),
        }
    }

    /// Recovery after a fire: only the disk is left (§5.1, Figure 2 "Persistent state").
    pub fn restart(&mut self, config: &Config) {
        let mut disk = std::mem::take(&mut self.disk);
        if self.volatile_vote {
            // The unsafe variant never wrote its vote down.
            disk.voted_for = None;
        }
        if self.canaries().volatile_term {
            disk.term = Term(0);
        }
        *self = Replica::new(self.id, config);
        self.disk = disk;
    }

    /// A majority, unless the quorum is switched off.
    pub fn quorum(&self) -> usize {
        if self.no_quorum {
            1
        } else if self.canaries().half_quorum {
            (self.n / 2).max(1)
        } else {
            quorum_of(self.n)
        }
    }

    /// The leader's next index per branch (§5.3), for the page's inspector.
    pub fn next_index(&self) -> &[LogIndex] {
        &self.next_index
    }

    /// The leader's match index per branch (§5.3), for the page's inspector.
    pub fn match_index(&self) -> &[LogIndex] {
        &self.match_index
    }

    /// The deliberately wrong builds (config.rs); a constant "none" without feature `canary`.
    #[cfg(feature = "canary")]
    fn canaries(&self) -> Canaries {
        self.canaries
    }
    #[cfg(not(feature = "canary"))]
    #[inline(always)]
    fn canaries(&self) -> Canaries {
        Canaries::NONE
    }

    pub fn last_index(&self) -> LogIndex {
        LogIndex(self.disk.log.len() as u64)
    }

    pub fn term_at(&self, i: LogIndex) -> Term {
        if i.0 == 0 {
            Term(0)
        } else {
            self.disk.log[i.0 as usize - 1].term
        }
    }

    fn last_term(&self) -> Term {
        self.term_at(self.last_index())
    }

    pub fn step(&mut self, now: Tick, input: Input, out: &mut Vec<Output>) {
        self.now = now;
        match input {
            Input::Message { from, msg } => self.on_message(from, msg, out),
            Input::ElectionTimeout => self.on_election_timeout(out),
            Input::HeartbeatTimeout => self.on_heartbeat_timeout(out),
            Input::Ask(ask) => self.on_ask(self.id, ask, out),
            Input::File(request) => self.on_file(request, out),
            Input::Decree { term } => self.on_decree(term, out),
        }
    }

    /// Local consistency of one branch, all of it; the cluster-wide properties are the
    /// checkers' job. The model check and the fuzz targets call it after every step; the
    /// simulator calls [`Replica::invariants_from`], which checks the same in O(1) per step.
    pub fn invariants(&self) -> Result<(), String> {
        self.invariants_from(Checked::default()).map(|_| ())
    }

    /// [`Replica::invariants`], with the append-only parts (the register's log, the applied
    /// Numbers) checked only past `from`, what an earlier call checked: a step then costs
    /// what it added, not the length of the run. Returns how far it has now checked. The
    /// caller lowers `from.log` when the log changed below it (`Note::LogChanged`), and
    /// starts again from `Checked::default()` after a restart.
    pub fn invariants_from(&self, from: Checked) -> Result<Checked, String> {
        let id = self.id;
        if self.applied > self.commit {
            return Err(format!("{id} applied {} beyond commit {}", self.applied.0, self.commit.0));
        }
        if self.commit > self.last_index() {
            return Err(format!("{id} commit {} beyond its log {}", self.commit.0, self.last_index().0));
        }
        if self.role == Role::Leader {
            if self.leader != Some(id) {
                return Err(format!("{id} leads but names {:?} as leader", self.leader));
            }
            // §5.3: a leader's own log matches itself up to its end (advance_commit counts it).
            let own = self.match_index[id.index()];
            if own != self.last_index() {
                return Err(format!("{id} leads with match index {} for itself, log {}", own.0, self.last_index().0));
            }
        }
        // Terms in the register never decrease (§5.3): each entry against the one before it.
        let log = &self.disk.log;
        let start = from.log.min(log.len()).saturating_sub(1);
        if let Some(i) = (start + 1..log.len()).find(|&i| log[i - 1].term > log[i].term) {
            return Err(format!("{id} has a register whose terms go down at index {}", i + 1));
        }
        // The applied Numbers are exactly 1..=k, in order (LogIndex ≠ SeqNum: no-ops and
        // retried requests take slots but no Number). Not so when the door stamps them: holes
        // and disorder are what that variant shows, and the checkers outside judge them.
        let seq = &self.register.sequence;
        if self.at_the_door {
            return Ok(Checked { log: log.len(), numbers: seq.len() });
        }
        if self.register.last.0 != seq.len() as u64 {
            return Err(format!("{id} issued up to Number {} but holds {} Numbers", self.register.last.0, seq.len()));
        }
        let start = from.numbers.min(seq.len());
        if let Some(i) = (start..seq.len()).find(|&i| seq[i].1 .0 != i as u64 + 1) {
            return Err(format!("{id} applied Number {} as its Number {}", seq[i].1 .0, i + 1));
        }
        if self.register.table.len() > seq.len() {
            return Err(format!(
                "{id} has {} requests in its table for {} Numbers",
                self.register.table.len(),
                seq.len()
            ));
        }
        Ok(Checked { log: log.len(), numbers: seq.len() })
    }

    fn on_message(&mut self, from: NodeId, msg: Message, out: &mut Vec<Output>) {
        if !self.well_formed(from, &msg) {
            return; // no branch following this protocol sends it: refuse, do not crash
        }
        // §5.1: a higher term, seen anywhere, makes this branch a follower in that term.
        if let Some(term) = message_term(&msg) {
            if term > self.disk.term {
                let leader = matches!(msg, Message::Append(_)).then_some(from);
                self.disk.term = term;
                self.disk.voted_for = None;
                self.become_follower(leader, "saw a higher term", out);
            }
        }
        match msg {
            Message::RequestVote { term, last_log_index, last_log_term } => {
                self.on_request_vote(from, term, last_log_index, last_log_term, out)
            }
            Message::Vote { term, granted } => self.on_vote(from, term, granted, out),
            Message::Append(append) => self.on_append(from, append, out),
            Message::AppendAck { term, success, match_index, round } => {
                self.on_append_ack(from, term, success, match_index, round, out)
            }
            Message::Forward(ask) => self.on_ask(from, ask, out),
            Message::Reply { client, attempt, answer } => {
                if self.direct {
                    self.forget_waiter(client, attempt); // answered: nothing left to wait for
                }
                out.push(Output::Answer { client, attempt, answer, relayed: true })
            }
            Message::Confirm { term, index } => {
                if self.direct {
                    self.count_filers(index, term, &[from], out)
                }
            }
        }
    }

    /// What a correct peer can send. The simulator only carries what replicas produce, but a
    /// branch must not trust its input (found by the replica_step fuzz target): a sender that
    /// is not a peer, a log whose terms go down or pass the sender's term, a vote request
    /// whose log is newer than its term.
    fn well_formed(&self, from: NodeId, msg: &Message) -> bool {
        if from == self.id || from.index() >= self.n {
            return false;
        }
        match msg {
            Message::RequestVote { term, last_log_term, .. } => last_log_term <= term,
            Message::Confirm { index, term } => index.0 > 0 && term.0 > 0,
            Message::Append(a) => {
                let mut last = a.prev_term;
                a.prev_term <= a.term
                    && a.entries.iter().all(|e| {
                        let ok = last <= e.term && e.term <= a.term && e.origin.is_none_or(|o| o.index() < self.n);
                        last = e.term;
                        ok
                    })
            }
            _ => true,
        }
    }

    // §5.2 Leader election.

    fn on_election_timeout(&mut self, out: &mut Vec<Output>) {
        out.push(Output::ResetElectionTimer);
        if self.role == Role::Leader {
            self.check_quorum(out);
            return;
        }
        self.stand_for_election(Term(self.disk.term.0 + 1), out);
    }

    /// A decree (issue 12, the essay's higher authority). Safe, it only starts an election
    /// at once: the branch takes office with a majority's votes, each given only to a
    /// register at least as complete as the voter's (§5.2, §5.4.1), or not at all. Under
    /// `obey-decree` it takes office on the spot, with no vote, and its register, however
    /// short, is what the others are made to copy (§5.3 makes followers obey a leader).
    fn on_decree(&mut self, term: Term, out: &mut Vec<Output>) {
        if self.role == Role::Leader {
            return; // already the Main Office
        }
        let term = term.max(Term(self.disk.term.0 + 1));
        out.push(Output::ResetElectionTimer);
        if !self.obey_decree {
            return self.stand_for_election(term, out);
        }
        self.disk.term = term;
        self.disk.voted_for = Some(self.id);
        self.role = Role::Candidate;
        self.become_leader(out);
    }

    fn stand_for_election(&mut self, term: Term, out: &mut Vec<Output>) {
        debug_assert!(term > self.disk.term);
        self.disk.term = term;
        self.disk.voted_for = Some(self.id);
        self.role = Role::Candidate;
        self.leader = None;
        self.votes = vec![false; self.n];
        self.votes[self.id.index()] = true;
        out.push(Output::Note(Note::BecameCandidate { term: self.disk.term }));
        out.push(Output::Note(Note::Voted { term: self.disk.term, candidate: self.id }));
        if self.vote_count() >= self.quorum() {
            self.become_leader(out);
            return;
        }
        let msg = Message::RequestVote {
            term: self.disk.term,
            last_log_index: self.last_index(),
            last_log_term: self.last_term(),
        };
        self.broadcast(msg, out);
    }

    /// The branches whose votes a candidate holds, its own included.
    pub fn voters(&self) -> impl Iterator<Item = NodeId> + '_ {
        NodeId::all(self.n).filter(|b| self.votes[b.index()])
    }

    /// The votes a candidate holds, its own included (the page shows them against `quorum`).
    pub fn vote_count(&self) -> usize {
        self.votes.iter().filter(|v| **v).count()
    }

    fn on_request_vote(
        &mut self,
        from: NodeId,
        term: Term,
        last_index: LogIndex,
        last_term: Term,
        out: &mut Vec<Output>,
    ) {
        // §5.4.1: vote only for a candidate whose log is at least as up-to-date as ours.
        let up_to_date = (last_term, last_index) >= (self.last_term(), self.last_index());
        let free = self.disk.voted_for.is_none() || self.disk.voted_for == Some(from);
        let granted = term == self.disk.term && free && up_to_date;
        if granted {
            self.disk.voted_for = Some(from);
            out.push(Output::Note(Note::Voted { term, candidate: from }));
            out.push(Output::ResetElectionTimer);
        }
        out.push(Output::Send { to: from, msg: Message::Vote { term: self.disk.term, granted } });
    }

    fn on_vote(&mut self, from: NodeId, term: Term, granted: bool, out: &mut Vec<Output>) {
        if self.role != Role::Candidate || term != self.disk.term || !granted {
            return;
        }
        self.votes[from.index()] = true;
        if self.vote_count() >= self.quorum() {
            self.become_leader(out);
        }
    }

    fn become_leader(&mut self, out: &mut Vec<Output>) {
        debug_assert_eq!(self.role, Role::Candidate);
        self.role = Role::Leader;
        self.leader = Some(self.id);
        let next = LogIndex(self.last_index().0 + 1);
        self.next_index = vec![next; self.n];
        self.match_index = vec![LogIndex(0); self.n];
        self.recent_active = vec![false; self.n];
        self.acked_round = vec![0; self.n];
        self.read_round = 0;
        out.push(Output::Note(Note::BecameLeader { term: self.disk.term }));
        // §5.4.2 / §8: a no-op of the new term lets earlier entries commit and reads start.
        self.term_start = next;
        self.append_entry(EntryKind::Noop, None, out);
        out.push(Output::SetHeartbeatTimer);
    }

    fn become_follower(&mut self, leader: Option<NodeId>, reason: &'static str, out: &mut Vec<Output>) {
        let was_leader = self.role == Role::Leader;
        self.role = Role::Follower;
        self.leader = leader;
        out.push(Output::Note(Note::BecameFollower { term: self.disk.term, leader }));
        if was_leader {
            out.push(Output::Note(Note::SteppedDown { reason }));
            self.fail_waiters(out);
        }
    }

    /// A leader that has lost its office cannot say whether its pending entries will survive.
    fn fail_waiters(&mut self, out: &mut Vec<Output>) {
        for (_, ws) in std::mem::take(&mut self.waiters) {
            for w in ws {
                self.answer(w, Answer::Deposed, out);
            }
        }
        let hint = self.leader;
        for r in std::mem::take(&mut self.pending_reads) {
            self.answer(r.waiter, Answer::NotLeader { hint }, out);
        }
    }

    /// Raft thesis §6.2: a leader that has not heard from a majority for an election timeout
    /// steps down, so a Main Office cut off in a minority stops pretending to be one.
    fn check_quorum(&mut self, out: &mut Vec<Output>) {
        let heard = 1 + self.recent_active.iter().filter(|a| **a).count();
        self.recent_active = vec![false; self.n];
        if heard < self.quorum() {
            self.become_follower(None, "lost contact with a majority", out);
        }
    }

    // §5.3 Log replication.

    fn on_heartbeat_timeout(&mut self, out: &mut Vec<Output>) {
        if self.role != Role::Leader {
            return;
        }
        self.replicate_all(out);
        out.push(Output::SetHeartbeatTimer);
    }

    fn append_entry(&mut self, kind: EntryKind, origin: Option<NodeId>, out: &mut Vec<Output>) {
        self.disk.log.push(Entry { term: self.disk.term, kind, origin });
        let last = self.last_index();
        self.match_index[self.id.index()] = last;
        out.push(Output::Note(Note::LogChanged { from: last }));
        self.advance_commit(out);
        self.replicate_all(out);
    }

    fn replicate_all(&mut self, out: &mut Vec<Output>) {
        for peer in NodeId::all(self.n) {
            if peer != self.id {
                self.send_append(peer, out);
            }
        }
    }

    fn send_append(&self, peer: NodeId, out: &mut Vec<Output>) {
        let next = self.next_index[peer.index()].0.max(1);
        let prev = LogIndex(next - 1);
        let end = (self.last_index().0 as usize).min(prev.0 as usize + MAX_ENTRIES_PER_APPEND);
        let entries = self.disk.log.range(prev.0 as usize..end).copied().collect();
        let msg = Message::Append(AppendEntries {
            term: self.disk.term,
            prev_index: prev,
            prev_term: self.term_at(prev),
            entries,
            commit: self.commit,
            round: self.read_round,
        });
        out.push(Output::Send { to: peer, msg });
    }

    fn on_append(&mut self, from: NodeId, append: AppendEntries, out: &mut Vec<Output>) {
        let AppendEntries { term, prev_index, prev_term, entries, commit, round } = append;
        let reply = |term, success, match_index| Output::Send {
            to: from,
            msg: Message::AppendAck { term, success, match_index, round },
        };
        if term < self.disk.term {
            out.push(reply(self.disk.term, false, LogIndex(0)));
            return;
        }
        // Same term: a candidate concedes; a follower learns (or confirms) its leader.
        if self.role != Role::Follower || self.leader != Some(from) {
            self.become_follower(Some(from), "another branch leads this term", out);
        }
        self.last_leader_contact = self.now;
        out.push(Output::ResetElectionTimer);
        // §5.3 consistency check: our log must hold prev_index with prev_term.
        if prev_index > self.last_index() || self.term_at(prev_index) != prev_term {
            out.push(reply(self.disk.term, false, self.conflict_hint(prev_index)));
            return;
        }
        let match_index = LogIndex(prev_index.0 + entries.len() as u64);
        self.merge_entries(prev_index, entries, out);
        if commit > self.commit {
            self.set_commit(commit.min(match_index), out);
        }
        if self.direct {
            self.confirm_filed(from, prev_index, match_index, out);
        }
        out.push(reply(self.disk.term, true, match_index));
    }

    /// Where the leader should try next after a failed consistency check: our last index if
    /// we lack `prev_index`, else before the whole run of our conflicting term (§5.3, the
    /// optimization at its end), never below our commit index, which every leader holds.
    /// One entry per round trip was too slow: a branch that led alone under load for a few
    /// seconds holds hundreds of entries no one else has, and repairing them one at a time
    /// took longer than the swarm's liveness bound (seed 308661).
    fn conflict_hint(&self, prev_index: LogIndex) -> LogIndex {
        if prev_index > self.last_index() {
            return self.last_index();
        }
        let conflicting = self.term_at(prev_index);
        let mut hint = prev_index.0.saturating_sub(1);
        while hint > self.commit.0 && self.term_at(LogIndex(hint)) == conflicting {
            hint -= 1;
        }
        LogIndex(hint)
    }

    /// Appends what is new and overwrites what conflicts, never what matches: a delayed or
    /// duplicated Append must not cut entries a newer Append already added (§5.3).
    fn merge_entries(&mut self, prev_index: LogIndex, entries: Vec<Entry>, out: &mut Vec<Output>) {
        let mut changed_from = None;
        for (k, e) in entries.into_iter().enumerate() {
            let idx = prev_index.0 + 1 + k as u64;
            if idx <= self.last_index().0 {
                if self.term_at(LogIndex(idx)) == e.term {
                    continue;
                }
                self.truncate(LogIndex(idx - 1));
            }
            self.disk.log.push(e);
            changed_from.get_or_insert(LogIndex(idx));
        }
        if let Some(from) = changed_from {
            out.push(Output::Note(Note::LogChanged { from }));
        }
    }

    /// `path direct`: tells each filed entry's origin that this branch holds it. Only an
    /// entry of the term it is filed in counts: one of an older term, though a majority
    /// holds it, can still be overwritten by a later Main Office (§5.4.2, Figure 8), which
    /// is why a leader never commits such an entry by counting either.
    fn confirm_filed(&mut self, leader: NodeId, prev: LogIndex, upto: LogIndex, out: &mut Vec<Output>) {
        let term = self.disk.term;
        for i in prev.0 + 1..=upto.0 {
            let e = self.disk.log[i as usize - 1];
            let Some(origin) = e.origin else { continue };
            if e.term != term && !self.canaries().direct_old_term {
                continue;
            }
            let index = LogIndex(i);
            if origin == self.id {
                self.count_filers(index, e.term, &[self.id, leader], out);
            } else {
                out.push(Output::Send { to: origin, msg: Message::Confirm { term: e.term, index } });
            }
        }
    }

    /// `path direct`, at the customer's branch: `filers` hold entry `index` of `term`, filed
    /// in that term. Once a majority do and this branch holds the same entry, it and all
    /// before it are committed (the Log Matching Property, §5.3), as the Main Office would
    /// find by counting acknowledgements: this branch applies them and answers its customer.
    fn count_filers(&mut self, index: LogIndex, term: Term, filers: &[NodeId], out: &mut Vec<Output>) {
        if index <= self.commit {
            return;
        }
        let k = match self.confirmed.iter().position(|(i, ..)| *i == index) {
            Some(k) => k,
            None => {
                self.confirmed.push((index, term, 0));
                self.confirmed.len() - 1
            }
        };
        let (_, t, bits) = &mut self.confirmed[k];
        if *t != term {
            if *t > term {
                return; // a newer term's entry took this index: the older one never commits
            }
            (*t, *bits) = (term, 0);
        }
        for f in filers {
            *bits |= 1 << f.index();
        }
        let filed = bits.count_ones() as usize;
        let held = index <= self.last_index() && self.term_at(index) == term;
        if held && filed >= self.quorum() {
            self.set_commit(index, out);
            let commit = self.commit;
            self.confirmed.retain(|(i, ..)| *i > commit);
        }
    }

    /// `path direct`: a customer's branch stops waiting for an attempt that was answered.
    fn forget_waiter(&mut self, client: ClientId, attempt: u32) {
        self.desk.retain(|(_, w)| (w.client, w.attempt) != (client, attempt));
    }

    fn truncate(&mut self, keep: LogIndex) {
        self.disk.log.truncate(keep.0 as usize);
        // Only an unsafe variant can cut a committed entry; keep the counters in range so the
        // branch stays well-formed and the checkers, not a panic, report what went wrong.
        if self.commit > keep {
            self.commit = keep;
        }
        if self.applied > keep {
            self.applied = keep;
        }
    }

    fn on_append_ack(
        &mut self,
        from: NodeId,
        term: Term,
        success: bool,
        m: LogIndex,
        round: u64,
        out: &mut Vec<Output>,
    ) {
        if self.role != Role::Leader || term != self.disk.term {
            return;
        }
        let p = from.index();
        self.recent_active[p] = true;
        self.acked_round[p] = self.acked_round[p].max(round);
        if success && m > self.last_index() {
            return; // acknowledges entries this leader never had: a reply to nothing it sent
        }
        if success {
            // advance_commit ran after every other change to match_index, commit or term, so
            // an acknowledgement that raises nothing (every heartbeat's) cannot commit more.
            let raised = m > self.match_index[p];
            self.match_index[p] = self.match_index[p].max(m);
            self.next_index[p] = self.next_index[p].max(LogIndex(m.0 + 1));
            if raised {
                self.advance_commit(out);
            }
        } else if m >= self.match_index[p] && m.0 + 1 < self.next_index[p].0 {
            // Back up to the follower's hint. A rejection that would not move `next` back,
            // or that denies what the follower already acknowledged this term, is a late or
            // duplicated copy (raft-rs `maybe_decr_to`): answering it would undo progress
            // and let duplicates multiply.
            self.next_index[p] = LogIndex(m.0 + 1);
            self.send_append(from, out);
        }
        self.serve_reads(out);
    }

    /// §5.3/§5.4.2: the highest index a quorum holds commits, if it is of the current term.
    fn advance_commit(&mut self, out: &mut Vec<Output>) {
        let m = kth_largest(&self.match_index, self.quorum());
        if m > self.commit && self.term_at(m) == self.disk.term {
            self.set_commit(m, out);
        }
    }

    fn set_commit(&mut self, index: LogIndex, out: &mut Vec<Output>) {
        debug_assert!(index <= self.last_index());
        if index <= self.commit {
            return;
        }
        self.commit = index;
        out.push(Output::Note(Note::Committed { index }));
        while self.applied < self.commit {
            self.applied = LogIndex(self.applied.0 + 1);
            self.apply(self.applied, out);
        }
        if self.role == Role::Leader {
            self.serve_reads(out);
        }
    }

    /// The Number is chosen here, in log order, from the applied state alone, so every branch
    /// that applies the same log issues the same Numbers.
    fn apply(&mut self, index: LogIndex, out: &mut Vec<Output>) {
        let (request, stamped) = match self.disk.log[index.0 as usize - 1].kind {
            EntryKind::Issue(r) => (r, None),
            EntryKind::IssueAtDoor(r, n) => (r, Some(n)),
            EntryKind::Noop => {
                out.push(Output::Note(Note::Applied { index, request: None, number: None }));
                return;
            }
        };
        let dedup = !self.no_dedup && !self.canaries().append_dedup;
        let existing = self.register.table.get(&request).copied().filter(|_| dedup);
        let (number, fresh) = match existing {
            Some(n) => (n, false),
            None => {
                let n = stamped.unwrap_or(SeqNum(self.register.last.0 + 1));
                self.register.last = self.register.last.max(n);
                self.register.table.get_or_insert(request, n);
                self.register.sequence.push((request, n));
                self.register.issued_at.push(index);
                (n, true)
            }
        };
        out.push(Output::Note(Note::Applied { index, request: Some(request), number: fresh.then_some(number) }));
        if let Some(ws) = self.waiters.remove(&request) {
            for w in ws {
                self.answer(w, Answer::Number { number }, out);
            }
        }
        if let Some(k) = self.desk.iter().position(|(r, _)| *r == request) {
            let (_, w) = self.desk.remove(k);
            self.answer(w, Answer::Number { number }, out);
        }
    }

    // Customers.

    fn on_ask(&mut self, origin: NodeId, ask: Ask, out: &mut Vec<Output>) {
        let waiter = Waiter { origin, client: ask.client, attempt: ask.attempt };
        if let (true, Op::Issue(request)) = (self.at_the_door && origin == self.id, ask.op) {
            return self.stamp_at_door(request, waiter, out);
        }
        if self.role != Role::Leader {
            return self.redirect(origin, waiter, ask, out);
        }
        match ask.op {
            Op::Issue(request) => self.on_issue(request, None, waiter, out),
            Op::IssueAtDoor(request, number) => self.on_issue(request, Some(number), waiter, out),
            Op::Read => self.on_read(waiter, out),
        }
    }

    /// The unsafe variant `number-at-the-door`: the Number comes from this branch's own
    /// counter as the customer walks in, before anything is written anywhere. Only when the
    /// paperwork is done (`Input::File`) does the certificate go to the Main Office.
    fn stamp_at_door(&mut self, request: RequestId, waiter: Waiter, out: &mut Vec<Output>) {
        if let Some(&number) = self.register.table.get(&request).filter(|_| !self.no_dedup) {
            return self.answer(waiter, Answer::Number { number }, out);
        }
        let number = SeqNum(self.disk.door_counter.max(self.register.last).0 + 1);
        self.disk.door_counter = number;
        self.at_door.retain(|(r, ..)| *r != request); // a second stamp replaces the first
        self.at_door.push((request, number, waiter));
        out.push(Output::Note(Note::StampedAtDoor { request, number, attempt: waiter.attempt }));
    }

    /// Files a certificate stamped at this branch's door. A stamp lost in a fire, or never
    /// made, files nothing: the Number it held is simply gone.
    fn on_file(&mut self, request: RequestId, out: &mut Vec<Output>) {
        let Some(k) = self.at_door.iter().position(|(r, ..)| *r == request) else { return };
        let (_, number, waiter) = self.at_door.remove(k);
        if self.role == Role::Leader {
            return self.on_issue(request, Some(number), waiter, out);
        }
        let ask = Ask { client: waiter.client, attempt: waiter.attempt, op: Op::IssueAtDoor(request, number) };
        self.redirect(self.id, waiter, ask, out)
    }

    /// A branch that is not the Main Office forwards a customer at its own desk to the
    /// leader it believes in; it never forwards twice, so a request cannot loop.
    fn redirect(&mut self, origin: NodeId, waiter: Waiter, ask: Ask, out: &mut Vec<Output>) {
        let local = origin == self.id;
        match (self.leader, ask.op) {
            (Some(l), Op::Issue(request) | Op::IssueAtDoor(request, _)) if local && self.direct => {
                // The answer will be worked out here, from the filers' confirmations.
                self.desk.retain(|(_, w)| w.client != ask.client);
                self.desk.push((request, waiter));
                out.push(Output::Send { to: l, msg: Message::Forward(ask) })
            }
            (Some(l), _) if local => out.push(Output::Send { to: l, msg: Message::Forward(ask) }),
            (Some(_), _) => self.answer(waiter, Answer::NotLeader { hint: self.leader }, out),
            (None, Op::Read) if local => {
                let answer =
                    Answer::Read { number: self.register.last, linearizable: false, as_of: self.last_leader_contact };
                self.answer(waiter, answer, out)
            }
            (None, Op::Read) => self.answer(waiter, Answer::NotLeader { hint: None }, out),
            (None, Op::Issue(_) | Op::IssueAtDoor(..)) => self.answer(waiter, Answer::NoQuorum, out),
        }
    }

    /// `stamped`: the Number a door already gave (`number-at-the-door`); None for the real
    /// service, which gives the Number when the entry is applied.
    fn on_issue(&mut self, request: RequestId, stamped: Option<SeqNum>, waiter: Waiter, out: &mut Vec<Output>) {
        if self.canaries().deaf_leader {
            return; // the canary: the request is dropped, the customer never hears back
        }
        if !self.no_dedup {
            // A retry of a request already issued gets the Number it was given.
            if let Some(&number) = self.register.table.get(&request) {
                return self.answer(waiter, Answer::Number { number }, out);
            }
            // A retry of a request still in flight waits for the same entry.
            if let Some(ws) = self.waiters.get_mut(&request) {
                ws.push(waiter);
                return;
            }
        }
        let kind = stamped.map_or(EntryKind::Issue(request), |n| EntryKind::IssueAtDoor(request, n));
        if self.direct && waiter.origin != self.id {
            // The customer's branch answers, once it learns a majority filed the entry.
            return self.append_entry(kind, Some(waiter.origin), out);
        }
        self.waiters.entry(request).or_default().push(waiter);
        self.append_entry(kind, None, out);
    }

    /// ReadIndex (thesis §6.4): remember the commit index, confirm leadership with one
    /// heartbeat round acknowledged by a majority, then answer once that index is applied.
    /// Under `path direct` a customer's branch may hand out a Number before the Main Office
    /// knows its entry committed, so the commit index can lag what customers were told (swarm
    /// seed 105199: Number 367 given, then a read of 366, I6). Every such entry is in the
    /// Main Office's register, so there the read waits for the whole register instead.
    fn on_read(&mut self, waiter: Waiter, out: &mut Vec<Output>) {
        self.read_round += 1;
        let known = if self.direct { self.last_index() } else { self.commit };
        let read_index = known.max(self.term_start);
        self.pending_reads.push(PendingRead { waiter, read_index, round: self.read_round });
        self.replicate_all(out);
        self.serve_reads(out);
    }

    /// Inlined: it runs on every acknowledgement, and there is rarely a read to serve.
    #[inline]
    fn serve_reads(&mut self, out: &mut Vec<Output>) {
        if !self.pending_reads.is_empty() {
            self.serve_pending_reads(out);
        }
    }

    fn serve_pending_reads(&mut self, out: &mut Vec<Output>) {
        let mut rounds = [0; MAX_BRANCHES];
        rounds[..self.n].copy_from_slice(&self.acked_round);
        rounds[self.id.index()] = u64::MAX;
        let confirmed = kth_largest(&rounds[..self.n], self.quorum());
        let (ready, waiting): (Vec<_>, Vec<_>) =
            self.pending_reads.iter().partition(|r| r.round <= confirmed && self.applied >= r.read_index);
        self.pending_reads = waiting;
        for r in ready {
            let answer = Answer::Read { number: self.register.last, linearizable: true, as_of: self.now };
            self.answer(r.waiter, answer, out);
        }
    }

    fn answer(&self, w: Waiter, answer: Answer, out: &mut Vec<Output>) {
        if w.origin == self.id {
            out.push(Output::Answer { client: w.client, attempt: w.attempt, answer, relayed: false });
        } else {
            out.push(Output::Send {
                to: w.origin,
                msg: Message::Reply { client: w.client, attempt: w.attempt, answer },
            });
        }
    }

    fn broadcast(&self, msg: Message, out: &mut Vec<Output>) {
        for peer in NodeId::all(self.n) {
            if peer != self.id {
                out.push(Output::Send { to: peer, msg: msg.clone() });
            }
        }
    }
}

/// The value that at least `k` of `values` reach: what a quorum of size `k` holds. On the
/// stack, since it runs on every acknowledgement.
fn kth_largest<T: Copy + Ord + Default>(values: &[T], k: usize) -> T {
    let mut v = [T::default(); MAX_BRANCHES];
    v[..values.len()].copy_from_slice(values);
    let v = &mut v[..values.len()];
    // Insertion sort, largest first: at most MAX_BRANCHES values, and no general sort's
    // code in the page's wasm.
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v[j - 1] < v[j] {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
    v[k - 1]
}

pub fn quorum_of(n: usize) -> usize {
    n / 2 + 1
}

fn message_term(msg: &Message) -> Option<Term> {
    match msg {
        Message::RequestVote { term, .. }
        | Message::Vote { term, .. }
        | Message::Append(AppendEntries { term, .. })
        | Message::AppendAck { term, .. } => Some(*term),
        // A confirmation's term is the filed entry's, a fact about the past: it carries no
        // news of a newer term.
        Message::Forward(_) | Message::Reply { .. } | Message::Confirm { .. } => None,
    }
}
