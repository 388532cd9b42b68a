//! The checks that need nothing but a history file (format `nextnumber-history/1`): I1, I2,
//! I3, I5, I6, I7 and Election Safety, judged from the requests, the branches' applied
//! Numbers and the leaders the file records. It knows nothing of the simulator.

use super::{violation, Invariant, Violations};
use crate::history::{History, Outcome, RequestKind, RequestRecord};
use crate::ids::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, BTreeSet};

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
    /// Numbers bound to a request besides its first (each an I3 violation): I7 counts every
    /// Number a need was bound to, whichever branch's sequence is read first.
    also: FxHashMap<RequestId, Vec<u64>>,
}

fn check_applied(h: &History, out: &mut Violations) -> Bound {
    let mut bound = Bound { request_of: BTreeMap::new(), number_of: FxHashMap::default(), also: FxHashMap::default() };
    let longest_of = h.applied.iter().max_by_key(|(_, s)| s.len()).map(|(&b, _)| b);
    let longest = longest_of.map(|b| h.applied[&b].clone()).unwrap_or_default();
    for (&b, seq) in &h.applied {
        for (i, &(request, number)) in seq.iter().enumerate() {
            if number != i as u64 + 1 {
                let detail = gap_detail(b, seq, i, number);
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
                bound.also.entry(request).or_default().push(number);
            }
            bound.request_of.entry(number).or_insert(request);
            bound.number_of.entry(request).or_insert(number);
        }
    }
    bound
}

/// What an I2 violation says: where the sequence went wrong, and the holes it has, the
/// Numbers below its highest that no certificate of this branch holds (the first ten).
/// With k Numbers held, the first ten holes lie within 1..=k+10, so a list of that many
/// flags finds them whatever Numbers a history file holds (a set would cost the page kilobytes).
fn gap_detail(b: NodeId, seq: &[(RequestId, u64)], i: usize, number: u64) -> String {
    let top = seq.iter().map(|&(_, n)| n).max().unwrap_or(0);
    let span = top.min(seq.len() as u64 + 10) as usize;
    let mut held = vec![false; span + 1];
    for &(_, n) in seq {
        if let Some(h) = held.get_mut(n as usize) {
            *h = true;
        }
    }
    let missing: Vec<String> = (1..=span).filter(|&n| !held[n]).take(10).map(|n| n.to_string()).collect();
    let at = format!("{b} applied Number {number} in place {}", i + 1);
    match missing.len() {
        0 => at,
        1 => format!("{at}; no one holds Number {}", missing[0]),
        _ => format!("{at}; no one holds Numbers {}", missing.join(", ")),
    }
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
/// Every Number a request holds is judged, whichever branch's sequence is read first, so the
/// verdict is the incremental checker's (check/incremental.rs), which sees them in time order.
fn check_linearizable(h: &History, bound: &Bound, out: &mut Violations) {
    struct Op {
        request: RequestId,
        invoke: u64,
        complete: u64,
        number: Option<u64>,
        read: Option<u64>,
    }
    // An issue counts with every Number it got: the one it was told, once it completed, and
    // any bound to it (more than one only where I3 broke), each from its invoke on.
    let mut ops: Vec<Op> = Vec::new();
    for r in &h.requests {
        let complete = r.complete.unwrap_or(u64::MAX);
        match (&r.kind, &r.result) {
            (RequestKind::Read, Some(Outcome::Read { read, linearizable: true })) => {
                ops.push(Op { request: r.request, invoke: r.invoke, complete, number: None, read: Some(*read) })
            }
            (RequestKind::Issue, result) => {
                let told = match result {
                    Some(Outcome::Number { number }) => Some(*number),
                    _ => None,
                };
                let also = bound.also.get(&r.request).into_iter().flatten();
                let bound_numbers = bound.number_of.get(&r.request).into_iter().chain(also);
                let mut numbers: Vec<u64> = told.into_iter().chain(bound_numbers.copied()).collect();
                numbers.dedup();
                for n in numbers {
                    let complete = if Some(n) == told { complete } else { u64::MAX };
                    ops.push(Op { request: r.request, invoke: r.invoke, complete, number: Some(n), read: None });
                }
            }
            _ => {}
        }
    }
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
        let also = bound.also.get(&r.request).into_iter().flatten().copied();
        bound.number_of.get(&r.request).copied().into_iter().chain(also).chain(told)
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
