//! The checkers. They live outside the branches: the `Monitor` watches what branches report
//! as it happens (elections, commits, applies, answers), and `check_history` judges a finished
//! history file on its own, so any tool can check any run. Each property can fail; the tests
//! prove it by switching safety mechanisms off.

use crate::customer::{Outcome, RequestKind, RequestRecord};
use crate::history::History;
use crate::ids::*;
use crate::msg::EntryKind;
use crate::replica::{Note, Replica};
use crate::trace::fnv1a;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Invariant {
    /// No Number is bound to two RequestIds.
    I1Unique,
    /// The committed Numbers are exactly 1..=k.
    I2Gapless,
    /// A RequestId gets one Number, and every retry is answered with it.
    I3Idempotent,
    /// A committed entry is in the log of every later leader.
    I4Durable,
    /// Every branch's applied sequence is a prefix of one canonical sequence.
    I5Agreement,
    /// Real-time order: an issue that completed before another began has the smaller Number.
    I6Linearizable,
    /// One child, one Number: a customer's single need ends with at most one Number.
    I7OneChildOneNumber,
    /// At most one leader per term (Raft §5.2).
    ElectionSafety,
    /// Two logs with an entry of the same index and term agree up to it (Raft §5.3).
    LogMatching,
    /// Once a majority is connected and alive, pending requests complete in bounded time.
    L1Liveness,
}

pub const ALL_INVARIANTS: [Invariant; 10] = [
    Invariant::I1Unique,
    Invariant::I2Gapless,
    Invariant::I3Idempotent,
    Invariant::I4Durable,
    Invariant::I5Agreement,
    Invariant::I6Linearizable,
    Invariant::I7OneChildOneNumber,
    Invariant::ElectionSafety,
    Invariant::LogMatching,
    Invariant::L1Liveness,
];

impl Invariant {
    pub fn code(self) -> &'static str {
        match self {
            Invariant::I1Unique => "I1",
            Invariant::I2Gapless => "I2",
            Invariant::I3Idempotent => "I3",
            Invariant::I4Durable => "I4",
            Invariant::I5Agreement => "I5",
            Invariant::I6Linearizable => "I6",
            Invariant::I7OneChildOneNumber => "I7",
            Invariant::ElectionSafety => "election-safety",
            Invariant::LogMatching => "log-matching",
            Invariant::L1Liveness => "L1",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            Invariant::I1Unique => "unique: no Number given twice",
            Invariant::I2Gapless => "gapless: no Number skipped",
            Invariant::I3Idempotent => "idempotent: a retry gets the same Number",
            Invariant::I4Durable => "durable: committed entries survive leader changes",
            Invariant::I5Agreement => "agreement: all branches issue the same sequence",
            Invariant::I6Linearizable => "linearizable: Numbers follow real-time order",
            Invariant::I7OneChildOneNumber => "one child, one Number",
            Invariant::ElectionSafety => "one Main Office per term",
            Invariant::LogMatching => "registers agree where they overlap",
            Invariant::L1Liveness => "liveness: a healed majority answers",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub invariant: Invariant,
    /// When it broke, if known (the history file check has no clock for some properties).
    pub tick: Option<u64>,
    pub detail: String,
    pub requests: Vec<RequestId>,
    pub branches: Vec<NodeId>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} violated", self.invariant.code())?;
        if let Some(t) = self.tick {
            write!(f, " at t={t}")?;
        }
        write!(f, ": {}", self.detail)
    }
}

fn violation(invariant: Invariant, tick: Option<u64>, detail: String) -> Violation {
    Violation { invariant, tick, detail, requests: Vec::new(), branches: Vec::new() }
}

impl Violation {
    fn requests(mut self, r: impl IntoIterator<Item = RequestId>) -> Self {
        self.requests.extend(r);
        self
    }
    fn branches(mut self, b: impl IntoIterator<Item = NodeId>) -> Self {
        self.branches.extend(b);
        self
    }
}

/// Keep the first few of each kind: enough to explain, bounded in memory.
const MAX_VIOLATIONS_PER_INVARIANT: usize = 8;

#[derive(Clone, Debug, Default, Serialize)]
pub struct Violations(Vec<Violation>);

impl Violations {
    pub fn push(&mut self, v: Violation) {
        if self.0.iter().filter(|x| x.invariant == v.invariant).count() < MAX_VIOLATIONS_PER_INVARIANT {
            self.0.push(v);
        }
    }
    pub fn list(&self) -> &[Violation] {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Evidence that the checks were not vacuous: stateright pairs each "always" with a
/// "sometimes", and so do we.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sometimes {
    pub numbers_issued: u64,
    pub leaders_elected: u64,
    pub retries_answered: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct LeaderRecord {
    pub term: Term,
    pub branch: NodeId,
    pub tick: u64,
}

/// The online checker, fed by the simulator with what each branch reports.
#[derive(Clone, Debug)]
pub struct Monitor {
    leaders: BTreeMap<Term, NodeId>,
    pub(crate) leader_log: Vec<LeaderRecord>,
    /// Term of every committed slot, as first committed anywhere (I4).
    committed: Vec<Term>,
    /// The term in which each slot was first committed: the term of the branch that first
    /// reported it (the leader that committed it, since followers learn commits from it).
    committed_in: Vec<Term>,
    commit_seen: Vec<u64>,
    /// The canonical issue sequence: Number k is bound to canonical[k-1] (I1, I2, I5).
    canonical: Vec<RequestId>,
    number_of: FxHashMap<RequestId, SeqNum>,
    /// What customers were told (I1, I3).
    told: FxHashMap<RequestId, SeqNum>,
    told_whom: FxHashMap<SeqNum, RequestId>,
    /// Per branch, a hash of its log up to each index; shared map (index, term) → hash (Log Matching).
    chains: Vec<Vec<u64>>,
    chain_at: FxHashMap<(LogIndex, Term), u64>,
    pub(crate) violations: Violations,
    pub(crate) sometimes: Sometimes,
}

impl Monitor {
    pub fn new(n: usize) -> Monitor {
        Monitor {
            leaders: BTreeMap::new(),
            leader_log: Vec::new(),
            committed: Vec::new(),
            committed_in: Vec::new(),
            commit_seen: vec![0; n],
            canonical: Vec::new(),
            number_of: FxHashMap::default(),
            told: FxHashMap::default(),
            told_whom: FxHashMap::default(),
            chains: vec![Vec::new(); n],
            chain_at: FxHashMap::default(),
            violations: Violations::default(),
            sometimes: Sometimes::default(),
        }
    }

    pub fn violations(&self) -> &[Violation] {
        self.violations.list()
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
        // commit nothing (found by the model check; tests/scenarios/stale-vote-crowns-…).
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
        let mut h = chain.last().copied().unwrap_or(0);
        for i in from.0..=r.last_index().0 {
            let e = r.disk.log[i as usize - 1];
            h = entry_hash(h, e.term, e.kind);
            chain.push(h);
            let known = *self.chain_at.entry((LogIndex(i), e.term)).or_insert(h);
            if known != h {
                let detail = format!("{} holds entry {i} of term {} after a register that differs", r.id, e.term.0);
                self.violations.push(violation(Invariant::LogMatching, Some(now.0), detail).branches([r.id]));
            }
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
                let detail = format!("{b} issued Number {k} while only {} were issued", self.canonical.len());
                self.violations
                    .push(violation(Invariant::I2Gapless, Some(now.0), detail).requests([request]).branches([b]));
            }
        }
        match self.number_of.get(&request) {
            Some(&n) if n != number => {
                let detail = format!("{request} was issued Number {} and then Number {k} by {b}", n.0);
                self.violations
                    .push(violation(Invariant::I3Idempotent, Some(now.0), detail).requests([request]).branches([b]));
            }
            Some(_) => {}
            None => {
                self.number_of.insert(request, number);
            }
        }
    }

    /// A customer was told `number` for `request`.
    pub fn on_number(&mut self, now: Tick, request: RequestId, number: SeqNum) {
        match self.told.get(&request) {
            Some(&n) if n != number => {
                let detail = format!("{request} was told Number {} and later Number {}", n.0, number.0);
                self.violations.push(violation(Invariant::I3Idempotent, Some(now.0), detail).requests([request]));
            }
            Some(_) => self.sometimes.retries_answered += 1,
            None => {
                self.told.insert(request, number);
            }
        }
        match self.told_whom.get(&number) {
            Some(&other) if other != request => {
                let detail = format!("Number {} was given to both {other} and {request}", number.0);
                self.violations.push(violation(Invariant::I1Unique, Some(now.0), detail).requests([other, request]));
            }
            Some(_) => {}
            None => {
                self.told_whom.insert(number, request);
            }
        }
    }
}

fn entry_hash(prev: u64, term: Term, kind: EntryKind) -> u64 {
    let mut h = fnv1a(prev ^ 0x9e37_79b9_7f4a_7c15, &term.0.to_le_bytes());
    if let EntryKind::Issue(r) = kind {
        h = fnv1a(h, &r.client.0.to_le_bytes());
        h = fnv1a(h, &r.seq.to_le_bytes());
    }
    h
}

/// The checks that need nothing but a history file.
pub fn check_history(h: &History) -> Violations {
    let mut out = Violations::default();
    let bound = check_applied(h, &mut out);
    check_requests(h, &bound, &mut out);
    check_linearizable(h, &bound, &mut out);
    check_one_number_per_need(h, &bound, &mut out);
    let mut leaders = BTreeMap::new();
    for l in &h.leaders {
        if let Some(&other) = leaders.get(&l.term).filter(|o| **o != l.branch) {
            let detail = format!("{other} and {} both lead term {}", l.branch, l.term.0);
            out.push(violation(Invariant::ElectionSafety, Some(l.tick), detail).branches([other, l.branch]));
        }
        leaders.entry(l.term).or_insert(l.branch);
    }
    out
}

/// Bindings seen in the branches' applied sequences: Number → request, request → Number.
struct Bound {
    request_of: BTreeMap<u64, RequestId>,
    /// Looked up only, never walked: hashed, the checks' hottest map.
    number_of: FxHashMap<RequestId, u64>,
}

fn check_applied(h: &History, out: &mut Violations) -> Bound {
    let mut bound = Bound { request_of: BTreeMap::new(), number_of: FxHashMap::default() };
    let longest_of = h.applied.iter().max_by_key(|(_, s)| s.len()).map(|(&b, _)| b);
    let longest = longest_of.map(|b| h.applied[&b].clone()).unwrap_or_default();
    for (&b, seq) in &h.applied {
        for (i, &(request, number)) in seq.iter().enumerate() {
            if number != i as u64 + 1 {
                let detail = format!("{b} applied Number {number} as its {}th", i + 1);
                out.push(violation(Invariant::I2Gapless, None, detail).requests([request]).branches([b]));
                break;
            }
            if longest[i] != (request, number) {
                let detail = format!("{b} bound Number {number} to {request}, another branch to {}", longest[i].0);
                out.push(
                    violation(Invariant::I5Agreement, None, detail).requests([request, longest[i].0]).branches([b]),
                );
                break;
            }
        }
        // Where this sequence departs from the longest one: before it, its bindings are the
        // longest's, checked once (the longest is itself one of the sequences). With every
        // branch in agreement this is all the work there is, once rather than per branch.
        let same = if Some(b) == longest_of { 0 } else { seq.iter().zip(&longest).take_while(|(a, b)| a == b).count() };
        for &(request, number) in &seq[same..] {
            if let Some(&other) = bound.request_of.get(&number).filter(|o| **o != request) {
                let detail = format!("Number {number} is bound to both {other} and {request}");
                out.push(violation(Invariant::I1Unique, None, detail).requests([other, request]).branches([b]));
            }
            if let Some(&n) = bound.number_of.get(&request).filter(|n| **n != number) {
                let detail = format!("{request} is bound to Numbers {n} and {number}");
                out.push(violation(Invariant::I3Idempotent, None, detail).requests([request]).branches([b]));
            }
            bound.request_of.entry(number).or_insert(request);
            bound.number_of.entry(request).or_insert(number);
        }
    }
    bound
}

fn check_requests(h: &History, bound: &Bound, out: &mut Violations) {
    let mut told: FxHashMap<u64, RequestId> = FxHashMap::default();
    let mut known = FxHashSet::default();
    for r in &h.requests {
        known.insert(r.request);
    }
    for r in &h.requests {
        match &r.result {
            Some(Outcome::Number { number }) => {
                if let Some(&other) = told.get(number).filter(|o| **o != r.request) {
                    let detail = format!("Number {number} was given to both {other} and {}", r.request);
                    out.push(violation(Invariant::I1Unique, r.complete, detail).requests([other, r.request]));
                }
                told.insert(*number, r.request);
                if let Some(&b) = bound.number_of.get(&r.request).filter(|b| **b != *number) {
                    let detail = format!("{} was told Number {number} but is bound to Number {b}", r.request);
                    out.push(violation(Invariant::I3Idempotent, r.complete, detail).requests([r.request]));
                }
            }
            Some(Outcome::Error { error }) if bound.number_of.contains_key(&r.request) => {
                let detail = format!("{} was refused ({error}) yet holds a Number", r.request);
                out.push(violation(Invariant::I3Idempotent, r.complete, detail).requests([r.request]));
            }
            _ => {}
        }
    }
    for (number, request) in &bound.request_of {
        if !known.contains(request) {
            let detail = format!("Number {number} belongs to {request}, which no customer asked for");
            out.push(violation(Invariant::I6Linearizable, None, detail).requests([*request]));
        }
    }
}

/// Real-time order for a counter whose values are unique (Jepsen/Porcupine treat a timed-out
/// request as indeterminate: it may or may not have happened). A request whose answer never
/// came still counts once bound: it was invoked at `invoke` and may take effect any time after.
fn check_linearizable(h: &History, bound: &Bound, out: &mut Violations) {
    struct Op {
        request: RequestId,
        invoke: u64,
        complete: u64,
        number: Option<u64>,
        read: Option<u64>,
    }
    let ops: Vec<Op> = h
        .requests
        .iter()
        .filter_map(|r| {
            let complete = r.complete.unwrap_or(u64::MAX);
            match (&r.kind, &r.result) {
                (RequestKind::Read, Some(Outcome::Read { read, linearizable: true })) => {
                    Some(Op { request: r.request, invoke: r.invoke, complete, number: None, read: Some(*read) })
                }
                (RequestKind::Issue, result) => {
                    let number = match result {
                        Some(Outcome::Number { number }) => Some(*number),
                        _ => bound.number_of.get(&r.request).copied(),
                    }?;
                    let complete = if matches!(result, Some(Outcome::Number { .. })) { complete } else { u64::MAX };
                    Some(Op { request: r.request, invoke: r.invoke, complete, number: Some(number), read: None })
                }
                _ => None,
            }
        })
        .collect();
    // Sorted as (key, position) pairs: the order of a stable sort by key, with one sort
    // instantiation for both lists (sort code is kilobytes of the page's wasm).
    let order = |key: &dyn Fn(&Op) -> u64, keep: &dyn Fn(&Op) -> bool| -> Vec<&Op> {
        let mut v: Vec<(u64, usize)> =
            ops.iter().enumerate().filter(|(_, o)| keep(o)).map(|(i, o)| (key(o), i)).collect();
        v.sort_unstable();
        v.into_iter().map(|(_, i)| &ops[i]).collect()
    };
    let by_complete = order(&|o| o.complete, &|o| o.complete != u64::MAX);
    let by_invoke = order(&|o| o.invoke, &|_| true);
    // Sweep: before each op's invoke, the largest Number issued and the largest value read.
    let (mut i, mut max_issued, mut max_read): (usize, Option<&Op>, Option<&Op>) = (0, None, None);
    for b in by_invoke {
        while i < by_complete.len() && by_complete[i].complete < b.invoke {
            let a = by_complete[i];
            if a.number.is_some() && a.number > max_issued.and_then(|m| m.number) {
                max_issued = Some(a);
            }
            if a.read.is_some() && a.read > max_read.and_then(|m| m.read) {
                max_read = Some(a);
            }
            i += 1;
        }
        let issued = max_issued.and_then(|m| m.number.map(|n| (m, n)));
        let read = max_read.and_then(|m| m.read.map(|n| (m, n)));
        let bad = match (b.number, b.read) {
            (Some(n), _) => issued.filter(|(_, m)| n <= *m).or(read.filter(|(_, v)| n <= *v)),
            (None, Some(v)) => issued.filter(|(_, m)| v < *m).or(read.filter(|(_, w)| v < *w)),
            _ => None,
        };
        if let Some((a, _)) = bad {
            let what = |o: &Op| match (o.number, o.read) {
                (Some(n), _) => format!("{} got Number {n}", o.request),
                (_, Some(v)) => format!("{} read {v}", o.request),
                _ => String::new(),
            };
            let detail =
                format!("{} (finished at t={}), yet {} (began at t={})", what(a), a.complete, what(b), b.invoke);
            out.push(violation(Invariant::I6Linearizable, Some(b.invoke), detail).requests([a.request, b.request]));
        }
    }
}

fn check_one_number_per_need(h: &History, bound: &Bound, out: &mut Violations) {
    let issues = || h.requests.iter().filter(|r| r.kind == RequestKind::Issue);
    let numbers_of = |r: &RequestRecord| {
        let told = match r.result {
            Some(Outcome::Number { number }) => Some(number),
            _ => None,
        };
        bound.number_of.get(&r.request).copied().into_iter().chain(told)
    };
    // First pass: the first Number each need (a request and its retries) got, and whether
    // it got another. The lists for the message are gathered only for those that did.
    let mut first: FxHashMap<RequestId, (u64, bool)> = FxHashMap::default();
    for r in issues() {
        let root = r.retry_of.unwrap_or(r.request);
        for n in numbers_of(r) {
            let seen = first.entry(root).or_insert((n, false));
            seen.1 |= seen.0 != n;
        }
    }
    // Inserted one by one: collecting into a BTreeMap would ship a stable sort in the page.
    let mut numbers: BTreeMap<RequestId, (BTreeSet<u64>, Vec<RequestId>)> = BTreeMap::new();
    for (root, (_, many)) in first {
        if many {
            numbers.insert(root, Default::default());
        }
    }
    for r in issues() {
        if let Some((set, members)) = numbers.get_mut(&r.retry_of.unwrap_or(r.request)) {
            set.extend(numbers_of(r));
            members.push(r.request);
        }
    }
    for (root, (set, members)) in numbers {
        let list: Vec<String> = set.iter().map(u64::to_string).collect();
        let detail = format!("the need first asked as {root} ended with Numbers {}", list.join(", "));
        out.push(violation(Invariant::I7OneChildOneNumber, None, detail).requests(members));
    }
}
