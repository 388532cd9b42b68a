//! A history (`nextnumber-history/1`) as operations for the linearizability checkers others
//! use: Porcupine (Go) and Knossos / Jepsen (Clojure). Both see the service as one
//! fetch-and-increment register with reads: `next` returns the counter plus one and
//! increments it, `read` returns it. The README states each model in full.
//!
//! Each customer request is one operation, timed in the run's ticks (simulated
//! milliseconds): invoked at its first attempt, completed when its answer arrived. What the
//! checkers assume of an operation, and how each outcome is written:
//!
//! | outcome                   | Porcupine `output`               | Jepsen completion          |
//! |---------------------------|----------------------------------|----------------------------|
//! | a Number                  | `{"value": n}`                   | `:ok`, `:value n`          |
//! | a linearizable read       | `{"value": n}`                   | `:ok`, `:value n`          |
//! | a stale read (a minority) | `{"value": n, "stale": true}`    | `:info`, `:value n`        |
//! | refused (definite)        | `{"refused": "why"}`             | `:fail`                    |
//! | no answer (timed out)     | `{"unknown": true}`, return ∞    | `:info`, at the end        |
//!
//! A refusal is definite: the checkers hold that a refused request holds no Number (I3), so
//! Jepsen's `:fail` (it did not happen) is right. A request with no answer may or may not
//! hold one: Porcupine's convention for such an operation is a return after everything
//! else (`i64::MAX`), Jepsen's an `:info` completion, after which its process is never used
//! again. A stale read promises nothing about the present (a branch cut off answers from a
//! past state): Jepsen gets it as `:info`, which constrains nothing; Porcupine gets its
//! value marked `stale`, for a model that accepts any value up to the counter.
//!
//! Processes: a customer is a single-threaded process, as both tools require (Knossos
//! refuses an invoke while the process has one pending, and an `:info` leaves it pending
//! for good), until an operation of theirs ends in an `:info`, or they begin one in the
//! tick their previous one ended: their later operations then go to a fresh process,
//! numbered after every customer's. Porcupine's `clientId` is the same number.

use crate::history::{History, Outcome, RequestKind, RequestRecord};
use crate::ids::ClientId;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Porcupine's return time for an operation that never returned: after everything.
pub const PORCUPINE_PENDING_RETURN: i64 = i64::MAX;
/// Jepsen's `:time` is in nanoseconds; a tick is a simulated millisecond.
pub const JEPSEN_NANOS_PER_TICK: u64 = 1_000_000;

/// The history as a JSON array of Porcupine operations, one a line, in the order invoked.
/// Keys are Porcupine's `Operation` fields (`clientId`, `input`, `call`, `output`,
/// `return`, `metadata`), so Go's `encoding/json` reads the array straight into
/// `[]porcupine.Operation`.
pub fn porcupine(h: &History) -> String {
    let ops: Vec<String> = operations(h)
        .iter()
        .map(|op| {
            let r = op.record;
            json!({
                "clientId": op.process,
                "input": { "op": f(r) },
                "call": porcupine_time(r.invoke),
                "output": porcupine_output(r),
                "return": answered(r).map_or(PORCUPINE_PENDING_RETURN, porcupine_time),
                "metadata": { "request": r.request.to_string(), "branch": r.branch.to_string() },
            })
            .to_string()
        })
        .collect();
    // One operation a line: a long history stays readable and diffable.
    if ops.is_empty() {
        return "[]\n".into();
    }
    format!("[\n{}\n]\n", ops.join(",\n"))
}

/// A tick as Go's int64: a hand-written history may hold any u64, and a time past the end
/// is still past it.
fn porcupine_time(tick: u64) -> i64 {
    i64::try_from(tick).unwrap_or(i64::MAX)
}

fn porcupine_output(r: &RequestRecord) -> Value {
    match outcome(r) {
        Some(Outcome::Number { number }) => json!({ "value": number }),
        Some(Outcome::Read { read, linearizable: true }) => json!({ "value": read }),
        Some(Outcome::Read { read, linearizable: false }) => json!({ "value": read, "stale": true }),
        Some(Outcome::Error { error }) => json!({ "refused": error }),
        None => json!({ "unknown": true }),
    }
}

/// The history as Jepsen / Knossos EDN: one operation map a line, `:invoke` then its
/// completion, in time order, `:index` counting from 0 (a file `knossos.cli` reads).
pub fn jepsen(h: &History) -> String {
    let ops = operations(h);
    let end = h.requests.iter().map(|r| r.complete.unwrap_or(r.invoke)).max().unwrap_or(0);
    let mut events: Vec<(u64, u8, usize)> = Vec::with_capacity(ops.len() * 2);
    for (i, op) in ops.iter().enumerate() {
        events.push((op.record.invoke, 0, i));
        // Invocations first within a tick: what begins in the tick another ends is concurrent
        // with it, as Porcupine's closed intervals make it. No answer: an :info at the end.
        events.push(answered(op.record).map_or((end, 2, i), |t| (t, 1, i)));
    }
    events.sort_unstable();
    let mut out = String::new();
    for (index, &(tick, kind, i)) in events.iter().enumerate() {
        let op = &ops[i];
        let (ty, value) = if kind == 0 { ("invoke", "nil".to_string()) } else { completion(op.record) };
        let r = op.record;
        let _ = writeln!(
            out,
            "{{:type :{ty}, :f :{}, :value {value}, :process {}, :time {}, :index {index}, :request \"{}\", :branch \"{}\"}}",
            f(r),
            op.process,
            jepsen_time(tick),
            r.request,
            r.branch
        );
    }
    out
}

/// A completion's type and value. A `:fail` repeats its invocation's value (nil), as
/// Knossos requires of a failure.
fn completion(r: &RequestRecord) -> (&'static str, String) {
    match outcome(r) {
        Some(Outcome::Number { number }) => ("ok", number.to_string()),
        Some(Outcome::Read { read, linearizable: true }) => ("ok", read.to_string()),
        Some(Outcome::Read { read, linearizable: false }) => ("info", read.to_string()),
        Some(Outcome::Error { .. }) => ("fail", "nil".into()),
        None => ("info", "nil".into()),
    }
}

fn f(r: &RequestRecord) -> &'static str {
    match r.kind {
        RequestKind::Issue => "next",
        RequestKind::Read => "read",
    }
}

struct Operation<'a> {
    record: &'a RequestRecord,
    process: u64,
}

/// What an operation's customer heard, and when: None when the outcome is unknown. (The
/// simulator writes both or neither; a hand-written file may not, and then it is unknown.)
fn outcome(r: &RequestRecord) -> Option<&Outcome> {
    r.complete.and(r.result.as_ref())
}

fn answered(r: &RequestRecord) -> Option<u64> {
    outcome(r).and(r.complete)
}

/// A tick as Jepsen's nanoseconds, kept within EDN's 64-bit integers whatever the file holds.
fn jepsen_time(tick: u64) -> u64 {
    tick.saturating_mul(JEPSEN_NANOS_PER_TICK).min(i64::MAX as u64)
}

/// When an operation ended for Jepsen: its answer's tick, unless it ends in an `:info` (no
/// answer, or a stale read), which leaves its process running for good.
fn definite(r: &RequestRecord) -> Option<u64> {
    answered(r).filter(|_| !matches!(r.result, Some(Outcome::Read { linearizable: false, .. })))
}

/// Every request, in the order invoked, each with the process it runs on (the module's
/// header: a customer's own, numbered in order of arrival, until it must move to a fresh one).
fn operations(h: &History) -> Vec<Operation<'_>> {
    let mut records: Vec<&RequestRecord> = h.requests.iter().collect();
    records.sort_by_key(|r| r.invoke);
    let mut own: BTreeMap<ClientId, u64> = BTreeMap::new();
    for r in &records {
        let next = own.len() as u64;
        own.entry(r.client).or_insert(next);
    }
    let mut fresh = own.len() as u64;
    // Each customer's process now, and when its last operation ended (None: it never did).
    let mut current: BTreeMap<ClientId, (u64, Option<u64>)> = BTreeMap::new();
    let mut ops = Vec::with_capacity(records.len());
    for record in records {
        let process = match current.get(&record.client) {
            None => own[&record.client],
            Some(&(p, Some(ended))) if ended < record.invoke => p,
            Some(_) => {
                fresh += 1;
                fresh - 1
            }
        };
        current.insert(record.client, (process, definite(record)));
        ops.push(Operation { record, process });
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::ids::{NodeId, RequestId};

    fn record(client: u32, seq: u32, invoke: u64, complete: Option<u64>, result: Option<Outcome>) -> RequestRecord {
        RequestRecord {
            request: RequestId { client: ClientId(client), seq },
            client: ClientId(client),
            branch: NodeId(0),
            kind: RequestKind::Issue,
            invoke,
            complete,
            result,
            retry_of: None,
            attempts: 1,
            critical: None,
        }
    }

    fn history(requests: Vec<RequestRecord>) -> History {
        let (seed, config, applied, leaders) = (1, Config::default(), BTreeMap::new(), Vec::new());
        History { format: crate::history::HISTORY_FORMAT.into(), seed, config, requests, applied, leaders }
    }

    /// c1 asks three times: after a Number (same process), in the tick that answer came
    /// (concurrent with it, so a fresh process), and after no answer (a fresh one again).
    #[test]
    fn a_customer_moves_to_a_fresh_process_when_it_cannot_stay_single_threaded() {
        let number = |n| Some(Outcome::Number { number: n });
        let h = history(vec![
            record(1, 1, 10, Some(20), number(1)),
            record(2, 1, 15, None, None),
            record(1, 2, 30, Some(40), number(2)),
            record(1, 3, 40, None, None),
            record(1, 4, 50, Some(60), number(3)),
        ]);
        let processes: Vec<u64> = operations(&h).iter().map(|op| op.process).collect();
        assert_eq!(processes, [0, 1, 0, 2, 3]);
        let edn = jepsen(&h);
        assert!(edn
            .lines()
            .last()
            .unwrap()
            .starts_with("{:type :info, :f :next, :value nil, :process 2, :time 60000000,"));
        assert!(porcupine(&h).contains(r#""output":{"unknown":true},"return":9223372036854775807"#));
    }

    /// A hand-written file may hold a result with no completion, or ticks past any run's:
    /// the outcome is unknown, the times are clamped to 64-bit signed integers, no panic.
    #[test]
    fn a_hand_written_history_exports_without_overflow() {
        let h = history(vec![record(1, 1, u64::MAX - 1, None, Some(Outcome::Number { number: 1 }))]);
        assert_eq!(
            porcupine(&h),
            "[\n{\"call\":9223372036854775807,\"clientId\":0,\"input\":{\"op\":\"next\"},\"metadata\":{\"branch\":\"A\",\
             \"request\":\"c1-1\"},\"output\":{\"unknown\":true},\"return\":9223372036854775807}\n]\n"
        );
        let edn = jepsen(&h);
        assert!(edn.lines().all(|l| l.contains(":time 9223372036854775807,")), "{edn}");
        assert!(edn.lines().nth(1).unwrap().starts_with("{:type :info, :f :next, :value nil,"), "{edn}");
    }
}
