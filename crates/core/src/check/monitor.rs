//! The online checker: fed by the simulator with what each branch reports (elections,
//! log changes, commits, applies) and what customers are told, it judges I1–I5, Election
//! Safety and Log Matching as the run happens, naming the tick each broke.

use super::{violation, Invariant, Sometimes, Violation, Violations};
use crate::chunked::Chunked;
use crate::dense::{number_place, ByRequest, MaybeNumber};
use crate::history::LeaderRecord;
use crate::ids::*;
use crate::msg::EntryKind;
use crate::replica::{Note, Replica};
use crate::shared_map::SharedMap;
use crate::trace::fnv1a;
use std::collections::BTreeMap;

/// The chain hash first seen for each (index, term) of any branch's log. Nearly every index
/// only ever holds one term, so that one is kept in a plain list by index (16 bytes a slot,
/// where a map entry took 45: measured, the largest of the monitor's records an hour into a
/// busy run); the terms of entries a new leader later overwrote go to a map.
#[derive(Debug, Default, Hash)]
struct ChainAt {
    /// By `index - 1`: the term first seen there and its chain hash.
    first: Chunked<(Term, u64)>,
    other: SharedMap<(LogIndex, Term), u64>,
}

impl Clone for ChainAt {
    fn clone(&self) -> Self {
        ChainAt { first: self.first.clone(), other: self.other.clone() }
    }

    fn clone_from(&mut self, source: &Self) {
        self.first.clone_from(&source.first);
        self.other.clone_from(&source.other);
    }
}

impl ChainAt {
    /// The hash known for (`index`, `term`), `h` if it is the first seen.
    fn known(&mut self, index: LogIndex, term: Term, h: u64) -> u64 {
        let i = index.0 as usize - 1;
        // A branch's log grows one index at a time, so no index is reached before the last.
        debug_assert!(i <= self.first.len());
        match self.first.get(i) {
            None if i == self.first.len() => {
                self.first.push((term, h));
                h
            }
            Some(&(t, known)) if t == term => known,
            _ => *self.other.get_or_insert((index, term), h),
        }
    }

    fn approx_bytes(&self) -> usize {
        self.first.len() * std::mem::size_of::<(Term, u64)>() + self.other.len() * (MAP_ENTRY_BYTES + 8)
    }

    fn shared_bytes_with(&self, other: &ChainAt) -> usize {
        self.first.shared_with(&other.first) * std::mem::size_of::<(Term, u64)>()
            + self.other.shared_with(&other.other) * (MAP_ENTRY_BYTES + 8)
    }
}

/// The online checker, fed by the simulator with what each branch reports. `Hash` (every
/// record) is what the model check fingerprints it by (`crate::fingerprint`).
#[derive(Debug, Hash)]
pub struct Monitor {
    leaders: BTreeMap<Term, NodeId>,
    leader_log: Vec<LeaderRecord>,
    /// Term of every committed slot, as first committed anywhere (I4). This and the other
    /// per-slot and per-Number records are chunked, so time-travel snapshots share them.
    committed: Chunked<Term>,
    /// The term in which each slot was first committed: the term of the branch that first
    /// reported it (the leader that committed it, since followers learn commits from it).
    committed_in: Chunked<Term>,
    commit_seen: Vec<u64>,
    /// The canonical issue sequence: Number k is bound to canonical[k-1] (I1, I2, I5).
    canonical: Chunked<RequestId>,
    /// Per request, the first Number issued to it and the first its customer was told
    /// (I1, I3); per Number, the first request told it. Lists by request ID and by Number
    /// (`crate::dense`), a third of the bytes hash maps took.
    numbers_of: ByRequest<NumbersOf>,
    told_whom: Chunked<Option<RequestId>>,
    /// Per branch, a hash of its log up to each index, and what each (index, term) hashed to
    /// first anywhere (Log Matching).
    chains: Vec<Chunked<u64>>,
    chain_at: ChainAt,
    violations: Violations,
    sometimes: Sometimes,
}

/// The Numbers a request was issued and told first.
#[derive(Copy, Clone, Debug, Default, Hash)]
struct NumbersOf {
    issued: MaybeNumber,
    told: MaybeNumber,
}

/// The bytes an entry of the map of overwritten chain hashes takes, as `Simulation::approx_bytes`
/// counts it.
const MAP_ENTRY_BYTES: usize = crate::shared_map::approx_bytes(1, std::mem::size_of::<(RequestId, SeqNum)>());

/// `clone_from` writes into this monitor's own records: the model check recycles the copies
/// of steps that led to states already seen (see `Replica`'s `Clone`). Every field is named,
/// so a new one cannot be forgotten here.
impl Clone for Monitor {
    fn clone(&self) -> Monitor {
        let mut m = Monitor::new(0);
        m.clone_from(self);
        m
    }

    fn clone_from(&mut self, source: &Monitor) {
        let Monitor {
            leaders,
            leader_log,
            committed,
            committed_in,
            commit_seen,
            canonical,
            numbers_of,
            told_whom,
            chains,
            chain_at,
            violations,
            sometimes,
        } = source;
        self.leaders.clone_from(leaders);
        self.leader_log.clone_from(leader_log);
        self.committed.clone_from(committed);
        self.committed_in.clone_from(committed_in);
        self.commit_seen.clone_from(commit_seen);
        self.canonical.clone_from(canonical);
        self.numbers_of.clone_from(numbers_of);
        self.told_whom.clone_from(told_whom);
        self.chains.clone_from(chains);
        self.chain_at.clone_from(chain_at);
        self.violations.clone_from(violations);
        self.sometimes = *sometimes;
    }
}

impl Monitor {
    pub fn new(n: usize) -> Monitor {
        Monitor {
            leaders: BTreeMap::new(),
            leader_log: Vec::new(),
            committed: Chunked::new(),
            committed_in: Chunked::new(),
            commit_seen: vec![0; n],
            canonical: Chunked::new(),
            numbers_of: ByRequest::new(),
            told_whom: Chunked::new(),
            chains: vec![Chunked::new(); n],
            chain_at: ChainAt::default(),
            violations: Violations::default(),
            sometimes: Sometimes::default(),
        }
    }

    pub fn violations(&self) -> &[Violation] {
        self.violations.list()
    }

    /// Bytes of its records that this monitor and `other` hold in the very same memory (see
    /// `Simulation::approx_bytes_beside`): only those its size estimate counts.
    /// What its record of chain hashes by (index, term) takes, as `Simulation::approx_bytes` counts.
    pub(crate) fn chain_at_bytes(&self) -> usize {
        self.chain_at.approx_bytes()
    }

    /// What its tables by request and by Number take, as `Simulation::approx_bytes` counts.
    pub(crate) fn request_table_bytes(&self) -> usize {
        use std::mem::size_of;
        self.numbers_of.len() * size_of::<NumbersOf>() + self.told_whom.len() * size_of::<Option<RequestId>>()
    }

    pub(crate) fn shared_bytes_with(&self, other: &Monitor) -> usize {
        use std::mem::size_of;
        // Branches that agree hold one copy of their chains (share_chain), and the estimate
        // counts one: so does what it shares.
        let chains = self.chains.iter().zip(&other.chains).map(|(a, b)| a.shared_with(b) * size_of::<u64>());
        self.canonical.shared_with(&other.canonical) * size_of::<RequestId>()
            + self.committed.shared_with(&other.committed) * size_of::<Term>()
            + chains.max().unwrap_or(0)
            + self.numbers_of.shared_with(&other.numbers_of) * size_of::<NumbersOf>()
            + self.told_whom.shared_with(&other.told_whom) * size_of::<Option<RequestId>>()
            + self.chain_at.shared_bytes_with(&other.chain_at)
    }

    /// Evidence that the checks were not vacuous.
    pub fn sometimes(&self) -> Sometimes {
        self.sometimes
    }

    /// Who took office in which term, when: the history's `leaders`.
    pub fn leader_log(&self) -> &[LeaderRecord] {
        &self.leader_log
    }

    /// Inlined into the simulator: it runs for every note, and the call cost more than the match.
    #[inline]
    pub fn observe(&mut self, now: Tick, r: &Replica, note: Note) {
        match note {
            Note::BecameLeader { term } => self.on_leader(now, r, term),
            Note::LogChanged { from } => self.on_log_changed(now, r, from),
            Note::Committed { index } => self.on_committed(now, r, index),
            Note::Applied { request: Some(request), number: Some(number), .. } => {
                self.on_applied(now, r.id, request, number)
            }
            _ => {}
        }
    }

    pub fn on_crash(&mut self, b: NodeId) {
        self.commit_seen[b.index()] = 0;
    }

    fn on_leader(&mut self, now: Tick, r: &Replica, term: Term) {
        self.sometimes.leaders_elected += 1;
        self.leader_log.push(LeaderRecord { term, branch: r.id, tick: now.0 });
        if let Some(&other) = self.leaders.get(&term).filter(|o| **o != r.id) {
            let v = violation(
                Invariant::ElectionSafety,
                Some(now.0),
                format!("{other} and {} both lead term {}", r.id, term.0),
            );
            self.violations.push(v.branches([other, r.id]));
        }
        self.leaders.entry(term).or_insert(r.id);
        // I4 (§5.4, Leader Completeness): the new leader must hold every entry committed in an
        // earlier term, with the same term. A leader of an older term than the commit is not
        // bound: a vote delayed in the network can still crown a stale candidate, which can
        // commit nothing (found by the model check; crates/core/scenarios/stale-vote-crowns-…).
        let missing = (1..=self.committed.len() as u64).find(|&i| {
            self.committed_in[i as usize - 1] < term
                && (i > r.last_index().0 || r.term_at(LogIndex(i)) != self.committed[i as usize - 1])
        });
        if let Some(i) = missing {
            let v = violation(
                Invariant::I4Durable,
                Some(now.0),
                format!("{} leads term {} without committed entry {i}", r.id, term.0),
            );
            self.violations.push(v.branches([r.id]));
        }
    }

    fn on_committed(&mut self, now: Tick, r: &Replica, index: LogIndex) {
        let seen = &mut self.commit_seen[r.id.index()];
        let from = *seen + 1;
        *seen = (*seen).max(index.0);
        for i in from..=index.0 {
            let term = r.term_at(LogIndex(i));
            match self.committed.get(i as usize - 1) {
                None => {
                    self.committed.push(term);
                    self.committed_in.push(r.disk.term);
                }
                Some(&t) if t != term => {
                    let v = violation(
                        Invariant::I4Durable,
                        Some(now.0),
                        format!(
                            "{} committed slot {i} with term {} but term {} was committed there",
                            r.id, term.0, t.0
                        ),
                    );
                    self.violations.push(v.branches([r.id]));
                }
                Some(_) => {}
            }
        }
    }

    fn on_log_changed(&mut self, now: Tick, r: &Replica, from: LogIndex) {
        let seen = &mut self.commit_seen[r.id.index()];
        *seen = (*seen).min(from.0.saturating_sub(1));
        let chain = &mut self.chains[r.id.index()];
        chain.truncate(from.0 as usize - 1);
        let frozen = chain.frozen_chunks();
        let mut h = chain.last().copied().unwrap_or(0);
        for i in from.0..=r.last_index().0 {
            let e = r.disk.log[i as usize - 1];
            h = entry_hash(h, e.term, e.kind);
            chain.push(h);
            let known = self.chain_at.known(LogIndex(i), e.term, h);
            if known != h {
                let detail = format!("{} holds entry {i} of term {} after a register that differs", r.id, e.term.0);
                self.violations.push(violation(Invariant::LogMatching, Some(now.0), detail).branches([r.id]));
            }
        }
        self.share_chain(r.id.index(), frozen);
    }

    /// Branches that agree hold equal chains of hashes: one copy in memory, as their logs
    /// (sim/peers.rs). `from`: the first chunk not yet offered.
    fn share_chain(&mut self, b: usize, from: usize) {
        if self.chains[b].frozen_chunks() == from {
            return;
        }
        let (before, rest) = self.chains.split_at_mut(b);
        let (me, after) = rest.split_first_mut().expect("b is a branch");
        for peer in before.iter().chain(after.iter()) {
            me.share_equal_chunks(peer, from);
        }
    }

    fn on_applied(&mut self, now: Tick, b: NodeId, request: RequestId, number: SeqNum) {
        let k = number.0 as usize;
        match self.canonical.get(k.wrapping_sub(1)) {
            Some(&other) if other != request => {
                let detail = format!("{b} issued Number {k} to {request}, but {other} already holds it");
                let v = violation(Invariant::I1Unique, Some(now.0), detail);
                self.violations.push(v.clone().requests([other, request]).branches([b]));
                let v = violation(Invariant::I5Agreement, Some(now.0), v.detail);
                self.violations.push(v.requests([other, request]).branches([b]));
            }
            Some(_) => {}
            None if k == self.canonical.len() + 1 => {
                self.canonical.push(request);
                self.sometimes.numbers_issued += 1;
            }
            None => {
                let (issued, hole) = (self.canonical.len(), self.canonical.len() + 1);
                let detail =
                    format!("{b} issued Number {k} while only {issued} were issued: no one holds Number {hole}");
                self.violations
                    .push(violation(Invariant::I2Gapless, Some(now.0), detail).requests([request]).branches([b]));
            }
        }
        match self.numbers_of.get(request).issued.get() {
            Some(n) if n != number.0 => {
                let detail = format!("{request} was issued Number {n} and then Number {k} by {b}");
                self.violations
                    .push(violation(Invariant::I3Idempotent, Some(now.0), detail).requests([request]).branches([b]));
            }
            Some(_) => {}
            None => self.numbers_of.get_mut(request).issued = MaybeNumber::some(number.0),
        }
    }

    /// A customer was told `number` for `request`.
    pub fn on_number(&mut self, now: Tick, request: RequestId, number: SeqNum) {
        match self.numbers_of.get(request).told.get() {
            Some(n) if n != number.0 => {
                let detail = format!("{request} was told Number {n} and later Number {}", number.0);
                self.violations.push(violation(Invariant::I3Idempotent, Some(now.0), detail).requests([request]));
            }
            Some(_) => self.sometimes.retries_answered += 1,
            None => self.numbers_of.get_mut(request).told = MaybeNumber::some(number.0),
        }
        let at = number_place(number.0);
        match self.told_whom.get(at).copied().flatten() {
            Some(other) if other != request => {
                let detail = format!("Number {} was given to both {other} and {request}", number.0);
                self.violations.push(violation(Invariant::I1Unique, Some(now.0), detail).requests([other, request]));
            }
            Some(_) => {}
            None => *self.told_whom.get_or_grow(at) = Some(request),
        }
    }
}

fn entry_hash(prev: u64, term: Term, kind: EntryKind) -> u64 {
    let mut h = fnv1a(prev ^ 0x9e37_79b9_7f4a_7c15, &term.0.to_le_bytes());
    if let Some(r) = kind.request() {
        h = fnv1a(h, &r.client.0.to_le_bytes());
        h = fnv1a(h, &r.seq.to_le_bytes());
    }
    if let EntryKind::IssueAtDoor(_, n) = kind {
        h = fnv1a(h, &n.0.to_le_bytes());
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A slot's first term is kept by index, a later term (an entry a new leader overwrote,
    /// §5.3) in the map: either way the first hash seen for an (index, term) is the one
    /// every later branch is compared with, so a differing register is still caught.
    #[test]
    fn the_first_hash_of_each_index_and_term_is_known_however_it_is_kept() {
        let mut c = ChainAt::default();
        let (one, two) = (Term(1), Term(2));
        assert_eq!(c.known(LogIndex(1), one, 10), 10);
        assert_eq!(c.known(LogIndex(2), one, 20), 20);
        assert_eq!(c.known(LogIndex(2), two, 21), 21, "another term at index 2: its own first hash");
        assert_eq!(c.known(LogIndex(2), one, 99), 20, "a differing register at (2, term 1)");
        assert_eq!(c.known(LogIndex(2), two, 98), 21, "a differing register at (2, term 2)");
        assert_eq!(c.known(LogIndex(3), two, 30), 30);
        assert_eq!((c.first.len(), c.other.len()), (3, 1));
    }
}
