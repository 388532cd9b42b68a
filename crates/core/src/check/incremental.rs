//! The history checker, kept up to date as the history is written: the judgement of
//! [`crate::check::check_history`] (I1, I2, I3, I5, I6, I7 and Election Safety from the
//! requests, the applied Numbers and the leaders), but fed each record, each applied Number
//! and each leader as it happens, so a check costs what changed since the last one, not a
//! walk over the whole run. The page asks for a report several times a second; before this,
//! every report copied and walked the whole history, and an hour-long run spent most of a
//! frame on it (issue 16; the page's long tasks, issue 19).
//!
//! It stays a second, independent checker: it knows nothing of the Monitor, and
//! `check_history` on the finished file must reach the same verdicts (tests/checker_props.rs
//! compares them over swarm seeds, safe and unsafe; the swarm compares them on every seed).
//!
//! How each property is kept:
//! - applied Numbers (I1, I2, I3, I5): each branch's sequence is judged entry by entry, as
//!   the file check judges it, against the first binding of each Number and of each request;
//! - told Numbers (I1, I3): the first request told each Number, the Number each was told;
//! - I6, real-time order: when a request is invoked, the checker notes how far the running
//!   maxima of Numbers issued and values read had got among requests completed strictly
//!   before (an index into two append-only lists), so when its own Number becomes known it
//!   is compared with exactly what the file check's sweep compares it with;
//! - I7: the first Number of each need (a request and the retries made without its ID);
//! - the order of arrival does not matter: a binding that comes before the answer and one
//!   that comes after are checked the same way.

use super::{violation, Invariant, Violation, Violations};
use crate::chunked::Chunked;
use crate::dense::{number_place, ByRequest, MaybeNumber};
use crate::history::{Outcome, RequestKind, RequestRecord};
use crate::ids::*;
use std::collections::{BTreeMap, BTreeSet};
use std::mem::size_of;

/// Where the two history checkers part, if they do: the invariants that one of them finds
/// broken and the other does not. They must break the same invariants, with one exception:
/// a fire erases a branch's applied Numbers, and the history file holds only the sequences
/// as they are at the end, so after a fire this checker, which saw the erased ones, may find
/// more than the file check; never less.
pub fn disagreement(file: &Violations, incremental: &Violations, fires: bool) -> Option<String> {
    let broken = |v: &Violations| v.list().iter().map(|v| v.invariant).collect::<BTreeSet<_>>();
    let (file, incremental) = (broken(file), broken(incremental));
    let missed: Vec<&str> = file.difference(&incremental).map(|i| i.code()).collect();
    let more: Vec<&str> = incremental.difference(&file).map(|i| i.code()).collect();
    if missed.is_empty() && (fires || more.is_empty()) {
        return None;
    }
    Some(format!(
        "the history checkers disagree: only the file check finds {missed:?} broken, only the incremental one {more:?}"
    ))
}

/// One history, judged as it is written. Cloned with the simulation for time travel: its
/// tables are chunked, so a snapshot copies only what changed since the last one.
#[derive(Clone, Debug)]
pub struct HistoryChecker {
    /// Per branch, its sequence since its last restart.
    branches: Vec<Sequence>,
    /// What it knows of each request and of each Number (`crate::dense`: lists by request
    /// ID and by Number, a third of the bytes hash maps took).
    requests: ByRequest<Facts>,
    numbers: Chunked<Holders>,
    /// The running maxima of Numbers told and of linearizable reads, in completion order.
    issued_max: Chunked<Done>,
    read_max: Chunked<Done>,
    /// Numbers bound to a request no customer has asked for (yet).
    unasked: BTreeMap<u64, RequestId>,
    leaders: BTreeMap<Term, NodeId>,
    found: Violations,
}

/// What the checker keeps of one branch's applied sequence.
#[derive(Clone, Debug, Default)]
struct Sequence {
    /// Numbers applied, and the highest of them.
    count: u64,
    top: u64,
    /// Whether it has already departed (the file check judges each sequence up to its first
    /// fault), and, if it skipped a Number there, where: (Number, place, request).
    broken: bool,
    skipped: Option<(u64, u64, RequestId)>,
    /// The first Numbers below `top` this branch holds no certificate for (I2 names them).
    holes: Vec<u64>,
}

/// The holes an I2 message names, as the file check names them.
const HOLES_NAMED: usize = 10;

impl Sequence {
    fn apply(&mut self, number: u64) {
        self.count += 1;
        if number > self.top + 1 {
            let room = HOLES_NAMED.saturating_sub(self.holes.len());
            self.holes.extend((self.top + 1..number).take(room));
        } else if number <= self.top {
            self.holes.retain(|&h| h != number);
        }
        self.top = self.top.max(number);
    }

    /// The I2 violation of a sequence that skipped a Number, naming the holes it has now.
    fn gap(&self, b: NodeId) -> Option<Violation> {
        let (number, place, request) = self.skipped?;
        let holes: Vec<String> = self.holes.iter().map(u64::to_string).collect();
        let at = format!("{b} applied Number {number} in place {place}");
        let detail = match holes.len() {
            0 => at,
            1 => format!("{at}; no one holds Number {}", holes[0]),
            _ => format!("{at}; no one holds Numbers {}", holes.join(", ")),
        };
        Some(violation(Invariant::I2Gapless, None, detail).requests([request]).branches([b]))
    }
}

/// What the checker knows of one request.
#[derive(Copy, Clone, Debug, Default)]
struct Facts {
    /// The first Number bound to it anywhere.
    bound: MaybeNumber,
    /// The Number its customer was last told.
    told: MaybeNumber,
    /// Set once it is invoked.
    asked: Option<Asked>,
    /// Whether its last word was a definite refusal (false once it is tried again); none if
    /// it was never refused.
    refused: Option<bool>,
    /// Of the need it is the first request of: that need's first Number, and whether the
    /// need has had another.
    need: MaybeNumber,
    need_broken: bool,
}

/// Who holds a Number: the first request bound to it anywhere, the first told it.
#[derive(Copy, Clone, Debug, Default)]
struct Holders {
    bound: Option<RequestId>,
    told: Option<RequestId>,
}

/// What the checker keeps of a request when it is invoked.
#[derive(Copy, Clone, Debug)]
struct Asked {
    invoke: u64,
    read: bool,
    /// The first request of its need (itself, unless it is a retry without a request ID).
    root: RequestId,
    /// How many entries of `issued_max` and `read_max` completed strictly before `invoke`.
    issued_before: u32,
    read_before: u32,
}

/// A completed request that raised a running maximum.
#[derive(Copy, Clone, Debug)]
struct Done {
    request: RequestId,
    value: u64,
    complete: u64,
    read: bool,
}

impl Done {
    fn what(&self) -> String {
        if self.read {
            format!("{} read {}", self.request, self.value)
        } else {
            format!("{} got Number {}", self.request, self.value)
        }
    }
}

impl HistoryChecker {
    pub fn new(branches: usize) -> HistoryChecker {
        HistoryChecker {
            branches: vec![Sequence::default(); branches],
            requests: ByRequest::new(),
            numbers: Chunked::new(),
            issued_max: Chunked::new(),
            read_max: Chunked::new(),
            unasked: BTreeMap::new(),
            leaders: BTreeMap::new(),
            found: Violations::default(),
        }
    }

    /// About how many bytes its tables take, as `Simulation::approx_bytes` counts.
    pub fn approx_bytes(&self) -> usize {
        self.requests.len() * size_of::<Facts>()
            + self.numbers.len() * size_of::<Holders>()
            + (self.issued_max.len() + self.read_max.len()) * size_of::<Done>()
    }

    /// Of [`approx_bytes`](Self::approx_bytes), what this and `other` (a snapshot of the same
    /// run) hold in the very same memory.
    pub fn shared_bytes_with(&self, other: &HistoryChecker) -> usize {
        self.requests.shared_with(&other.requests) * size_of::<Facts>()
            + self.numbers.shared_with(&other.numbers) * size_of::<Holders>()
            + (self.issued_max.shared_with(&other.issued_max) + self.read_max.shared_with(&other.read_max))
                * size_of::<Done>()
    }

    fn holders(&self, number: u64) -> Holders {
        self.numbers.get(number_place(number)).copied().unwrap_or_default()
    }

    fn holders_mut(&mut self, number: u64) -> &mut Holders {
        self.numbers.get_or_grow(number_place(number))
    }

    /// Everything found so far (at most the first few of each invariant).
    pub fn violations(&self) -> Violations {
        let mut out = self.found.clone();
        for (i, seq) in self.branches.iter().enumerate() {
            if let Some(v) = seq.gap(NodeId(i as u8)) {
                out.push(v);
            }
        }
        for (number, request) in &self.unasked {
            let detail = format!("Number {number} belongs to {request}, which no customer asked for");
            out.push(violation(Invariant::I6Linearizable, None, detail).requests([*request]));
        }
        out
    }

    /// Branch `b` applied `number` for `request`, as the next entry of its sequence.
    pub fn applied(&mut self, b: NodeId, request: RequestId, number: u64) {
        let bound_to = self.holders(number).bound;
        let seq = &mut self.branches[b.index()];
        seq.apply(number);
        if !seq.broken {
            if number != seq.count {
                // Said when asked (`violations`), with the holes the sequence has by then.
                (seq.broken, seq.skipped) = (true, Some((number, seq.count, request)));
            } else if let Some(other) = bound_to.filter(|o| *o != request) {
                seq.broken = true;
                let detail = format!("{b} bound Number {number} to {request}, another branch to {other}");
                let v = violation(Invariant::I5Agreement, None, detail);
                self.found.push(v.requests([request, other]).branches([b]));
            }
        }
        self.bind(b, request, number);
    }

    fn bind(&mut self, b: NodeId, request: RequestId, number: u64) {
        match self.holders(number).bound {
            Some(other) if other != request => {
                let detail = format!("Number {number} is bound to both {other} and {request}");
                self.found.push(violation(Invariant::I1Unique, None, detail).requests([other, request]).branches([b]));
            }
            Some(_) => {}
            None => self.holders_mut(number).bound = Some(request),
        }
        match self.requests.get(request).bound.get() {
            Some(n) if n != number => {
                let detail = format!("{request} is bound to Numbers {n} and {number}");
                self.found.push(violation(Invariant::I3Idempotent, None, detail).requests([request]).branches([b]));
                self.need_number(request, number);
                // I6 judges every Number a request holds, not only its first.
                if let Some(asked) = self.requests.get(request).asked {
                    self.in_order(request, asked, number);
                }
            }
            Some(_) => {}
            None => self.first_binding(request, number),
        }
    }

    /// The first Number bound to `request`: everything that waited for it is judged now.
    fn first_binding(&mut self, request: RequestId, number: u64) {
        self.requests.get_mut(request).bound = MaybeNumber::some(number);
        let facts = self.requests.get(request);
        if facts.refused == Some(true) {
            self.refused_yet_bound(request, None);
        }
        match facts.asked {
            None => {
                self.unasked.entry(number).or_insert(request);
            }
            // A Number told already was judged when it was told.
            Some(asked) if facts.told.get() != Some(number) => self.in_order(request, asked, number),
            Some(_) => {}
        }
        self.need_number(request, number);
    }

    /// A customer's request was made (its first attempt; `record.retry_of` already set).
    pub fn invoked(&mut self, record: &RequestRecord) {
        let t = record.invoke;
        let before =
            |maxima: &Chunked<Done>| maxima.len() - maxima.iter().rev().take_while(|d| d.complete >= t).count();
        let asked = Asked {
            invoke: t,
            read: record.kind == RequestKind::Read,
            root: record.retry_of.unwrap_or(record.request),
            issued_before: before(&self.issued_max) as u32,
            read_before: before(&self.read_max) as u32,
        };
        self.requests.get_mut(record.request).asked = Some(asked);
        if let Some(number) = self.requests.get(record.request).bound.get() {
            self.unasked.remove(&number);
            self.in_order(record.request, asked, number);
            self.need_number(record.request, number);
        }
    }

    /// The request is tried again: a refusal it had is no longer its last word.
    pub fn attempted(&mut self, request: RequestId) {
        if self.requests.get(request).refused.is_some() {
            self.requests.get_mut(request).refused = Some(false);
        }
    }

    /// The customer heard an outcome for `record` (already written into it).
    pub fn completed(&mut self, record: &RequestRecord) {
        let (request, complete) = (record.request, record.complete.unwrap_or(u64::MAX));
        match &record.result {
            Some(Outcome::Number { number }) => self.told_number(request, *number, complete),
            Some(Outcome::Read { read, linearizable: true }) => self.read_value(request, *read, complete),
            Some(Outcome::Error { error }) => {
                self.requests.get_mut(request).refused = Some(true);
                if self.requests.get(request).bound.get().is_some() {
                    self.refused_yet_bound(request, Some((error, complete)));
                }
            }
            _ => {}
        }
    }

    fn refused_yet_bound(&mut self, request: RequestId, refusal: Option<(&str, u64)>) {
        let (error, tick) = refusal.map_or(("refused", None), |(e, t)| (e, Some(t)));
        let detail = format!("{request} was refused ({error}) yet holds a Number");
        self.found.push(violation(Invariant::I3Idempotent, tick, detail).requests([request]));
    }

    fn told_number(&mut self, request: RequestId, number: u64, complete: u64) {
        match self.holders(number).told {
            Some(other) if other != request => {
                let detail = format!("Number {number} was given to both {other} and {request}");
                self.found.push(violation(Invariant::I1Unique, Some(complete), detail).requests([other, request]));
            }
            Some(_) => {}
            None => self.holders_mut(number).told = Some(request),
        }
        self.requests.get_mut(request).told = MaybeNumber::some(number);
        let facts = self.requests.get(request);
        match facts.bound.get() {
            Some(b) if b != number => {
                let detail = format!("{request} was told Number {number} but is bound to Number {b}");
                self.found.push(violation(Invariant::I3Idempotent, Some(complete), detail).requests([request]));
            }
            _ => {}
        }
        if let Some(asked) = facts.asked {
            // Judged at its binding already, unless that binding gave another Number.
            if facts.bound.get() != Some(number) {
                self.in_order(request, asked, number);
            }
        }
        self.need_number(request, number);
        let done = Done { request, value: number, complete, read: false };
        if self.issued_max.last().is_none_or(|m| number > m.value) {
            self.issued_max.push(done);
        }
    }

    fn read_value(&mut self, request: RequestId, value: u64, complete: u64) {
        let Some(asked) = self.requests.get(request).asked else { return };
        let this = Done { request, value, complete, read: true };
        let issued = self.max_before(&self.issued_max, asked.issued_before).filter(|m| value < m.value);
        let read = self.max_before(&self.read_max, asked.read_before).filter(|m| value < m.value);
        if let Some(a) = issued.or(read) {
            self.out_of_order(a, this, asked.invoke);
        }
        if self.read_max.last().is_none_or(|m| value > m.value) {
            self.read_max.push(this);
        }
    }

    /// I6 for an issue: its Number must exceed every Number told, and every value read,
    /// before it was invoked.
    fn in_order(&mut self, request: RequestId, asked: Asked, number: u64) {
        if asked.read {
            return;
        }
        let issued = self.max_before(&self.issued_max, asked.issued_before).filter(|m| number <= m.value);
        let read = self.max_before(&self.read_max, asked.read_before).filter(|m| number <= m.value);
        if let Some(a) = issued.or(read) {
            let b = Done { request, value: number, complete: u64::MAX, read: false };
            self.out_of_order(a, b, asked.invoke);
        }
    }

    fn max_before(&self, maxima: &Chunked<Done>, count: u32) -> Option<Done> {
        (count as usize).checked_sub(1).map(|i| maxima[i])
    }

    fn out_of_order(&mut self, a: Done, b: Done, invoke: u64) {
        let detail = format!("{} (finished at t={}), yet {} (began at t={invoke})", a.what(), a.complete, b.what());
        self.found.push(violation(Invariant::I6Linearizable, Some(invoke), detail).requests([a.request, b.request]));
    }

    /// I7: a need (a request and the retries made without its ID) ends with one Number.
    fn need_number(&mut self, request: RequestId, number: u64) {
        let Some(root) = self.requests.get(request).asked.map(|a| a.root) else { return };
        let need = self.requests.get(root);
        match need.need.get() {
            None => self.requests.get_mut(root).need = MaybeNumber::some(number),
            Some(first) if first != number && !need.need_broken => {
                self.requests.get_mut(root).need_broken = true;
                let detail = format!("the need first asked as {root} ended with Numbers {first}, {number}");
                self.found.push(violation(Invariant::I7OneChildOneNumber, None, detail).requests([root, request]));
            }
            Some(_) => {}
        }
    }

    /// `branch` took office in `term` (Election Safety: one Main Office per term).
    pub fn leader(&mut self, term: Term, branch: NodeId, tick: u64) {
        if let Some(&other) = self.leaders.get(&term).filter(|o| **o != branch) {
            let detail = format!("{other} and {branch} both lead term {}", term.0);
            self.found.push(violation(Invariant::ElectionSafety, Some(tick), detail).branches([other, branch]));
        }
        self.leaders.entry(term).or_insert(branch);
    }

    /// `b` lost its applied state (a fire): it applies its sequence again from Number 1.
    pub fn restarted(&mut self, b: NodeId) {
        let erased = std::mem::take(&mut self.branches[b.index()]);
        if let Some(v) = erased.gap(b) {
            self.found.push(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the memory figures (BENCHMARKS.md, "One register for nine branches") rest on: a
    /// request's facts in 64 bytes and a Number's holders in 24, where the hash maps took
    /// about 180 a request between them.
    #[test]
    fn a_request_costs_64_bytes_and_a_number_24() {
        assert_eq!((size_of::<Facts>(), size_of::<Holders>()), (64, 24));
    }
}
