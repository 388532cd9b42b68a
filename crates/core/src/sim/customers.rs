//! Customers (clients), who keep the record of every request they make
//! ([`RequestRecord`], the history's own type). The customer logic is the essay's point
//! about request IDs: how a customer retries decides whether a lost answer can cost a child
//! a second Number.

use super::lineage::{AnsweredPath, Lineage};
use super::{Event, Simulation};
use crate::chunked::{Chunked, CHUNK};
use crate::config::{limits, ClientMode};
use crate::history::{Outcome, RequestKind, RequestRecord};
use crate::ids::*;
use crate::msg::{Answer, Ask, Op};
use crate::replica::Input;
use rand::Rng;

#[derive(Copy, Clone, Debug)]
pub(super) struct Pending {
    pub record: usize,
    pub attempt: u32,
    pub branch: NodeId,
}

#[derive(Clone, Debug, Default)]
pub(super) struct Customer {
    pub next_seq: u32,
    /// Numbered per customer, across all their requests, so a late answer names its request.
    pub next_attempt: u32,
    pub pending: Option<Pending>,
    /// The record of each of this customer's requests, by `seq - 1`: request IDs and attempts
    /// are numbered from 1 per customer, so a list beats a map on every answer. Chunked, as
    /// the records: a snapshot shares them, and a window of requests forgets their front.
    pub by_seq: Chunked<usize>,
    /// Which of their requests (its `seq`) each attempt was for, by `attempt - 1`. Never
    /// forgotten: an answer to an attempt of a forgotten request may still be on its way,
    /// and the online checker must still see what Number it brings.
    pub by_attempt: Chunked<u32>,
}

#[derive(Clone, Debug, Default)]
pub(super) struct Customers {
    pub(super) list: Vec<Customer>,
    /// Chunked, so time-travel snapshots share the old ones (chunked.rs); a record is
    /// written again when its answer comes, which copies its chunk if a snapshot holds it.
    records: Chunked<RequestRecord>,
    /// How many of the latest requests must be kept, if not all ([`Customers::forget_old`]).
    keep: Option<usize>,
    /// Of the requests forgotten, the last moment one was answered and the highest Number
    /// one was told: what a stale read's measure needs of them (view.rs).
    forgotten_told: Told,
}

/// The latest answer and the highest Number told among some requests.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Told {
    pub last_complete: u64,
    pub highest: u64,
}

impl Customers {
    pub fn records(&self) -> &Chunked<RequestRecord> {
        &self.records
    }

    /// For measure.rs, which drops them one at a time.
    pub(super) fn into_parts(self) -> (Vec<Customer>, Chunked<RequestRecord>) {
        (self.list, self.records)
    }

    /// Keeps the latest `keep` requests at least, and lets go of older finished ones, a
    /// chunk at a time; `None`: keeps them all (until the history is full).
    pub fn set_keep(&mut self, keep: Option<usize>) {
        self.keep = keep;
        self.forget_old();
    }

    pub fn keep(&self) -> Option<usize> {
        self.keep
    }

    pub fn forgotten_told(&self) -> Told {
        self.forgotten_told
    }

    /// The history is full when it holds `MAX_REQUESTS`: what is kept is bounded, not how
    /// many customers may come. Without a window that is every request the run made.
    fn full(&self) -> Result<(), String> {
        if self.records.len() - self.records.first_kept() >= limits::MAX_REQUESTS {
            return Err(format!("the history is full ({} requests)", limits::MAX_REQUESTS));
        }
        Ok(())
    }

    /// Past the window, forgets the oldest requests, whole chunks of them, but never one a
    /// customer still waits on (nor any after it): a waiting record is written again.
    fn forget_old(&mut self) {
        let Some(keep) = self.keep else { return };
        let before = self.records.len().saturating_sub(keep);
        if before / CHUNK <= self.records.first_kept() / CHUNK {
            return;
        }
        let waiting = self.list.iter().filter_map(|c| c.pending.map(|p| p.record)).min();
        let before = before.min(waiting.unwrap_or(usize::MAX)) / CHUNK * CHUNK;
        for r in self.records.range(self.records.first_kept()..before.max(self.records.first_kept())) {
            let t = &mut self.forgotten_told;
            t.last_complete = t.last_complete.max(r.complete.unwrap_or(0));
            if let Some(Outcome::Number { number }) = r.result {
                t.highest = t.highest.max(number);
            }
        }
        self.records.forget_before(before);
        let first = self.records.first_kept();
        for c in &mut self.list {
            // Each customer's records are in the order they were made.
            let seqs = c.by_seq.partition_point(|&r| r < first);
            c.by_seq.forget_before(seqs);
        }
    }

    fn idle_customer(&mut self) -> Result<ClientId, String> {
        // Refuse before creating anyone, so a refused action leaves no trace.
        self.full()?;
        // Lowest idle id first: deterministic, and the map stays small under steady load.
        if let Some(i) = self.list.iter().position(|c| c.pending.is_none()) {
            return Ok(ClientId(i as u32 + 1));
        }
        if self.list.len() >= limits::MAX_CLIENTS {
            return Err(format!("all {} customers are busy", limits::MAX_CLIENTS));
        }
        self.list.push(Customer::default());
        Ok(ClientId(self.list.len() as u32))
    }

    /// Makes sure customer `c` exists and is idle, refusing before any change.
    fn customer_named(&mut self, c: ClientId) -> Result<(), String> {
        self.full()?;
        let most = limits::MAX_CLIENTS as u32;
        if c.0 == 0 || c.0 > most {
            return Err(format!("customers are c1 to c{most}, not {c}"));
        }
        if let Some(p) = self.list.get(c.0 as usize - 1).and_then(|x| x.pending) {
            let request = self.records[p.record].request;
            return Err(format!("{c} is waiting for an answer to {request}: retry it, or ask as another customer"));
        }
        while self.list.len() < c.0 as usize {
            self.list.push(Customer::default());
        }
        Ok(())
    }

    fn customer(&mut self, c: ClientId) -> &mut Customer {
        &mut self.list[c.0 as usize - 1]
    }

    /// The record of `request`, if that customer made it; an error says why not.
    fn record_of(&self, request: RequestId) -> Result<usize, String> {
        let seq = (request.seq as usize).checked_sub(1);
        let c = self.list.get((request.client.0 as usize).wrapping_sub(1));
        match c.zip(seq).and_then(|(c, seq)| c.by_seq.get(seq)) {
            Some(&record) if record >= self.records.first_kept() => Ok(record),
            Some(_) => Err(self.forgotten(request)),
            None if c.zip(seq).is_some_and(|(c, seq)| seq < c.by_seq.len()) => Err(self.forgotten(request)),
            None => Err(format!("no request {request} yet")),
        }
    }

    fn forgotten(&self, request: RequestId) -> String {
        let first = self.records.first_kept();
        format!("{request} is forgotten: this run keeps its latest requests only, and the first {first} are gone")
    }

    /// The request a customer's attempt was for.
    fn request_of_attempt(&self, client: ClientId, attempt: u32) -> Option<RequestId> {
        let c = self.list.get((client.0 as usize).checked_sub(1)?)?;
        let seq = *c.by_attempt.get((attempt as usize).checked_sub(1)?)?;
        Some(RequestId { client, seq })
    }

    fn new_record(&mut self, client: ClientId, branch: NodeId, kind: RequestKind, now: Tick) -> Result<usize, String> {
        self.full()?;
        let record = self.records.len();
        let c = self.customer(client);
        c.next_seq += 1;
        c.by_seq.push(record);
        debug_assert_eq!(c.by_seq.len(), c.next_seq as usize);
        let request = RequestId { client, seq: c.next_seq };
        self.records.push(RequestRecord {
            request,
            client,
            branch,
            kind,
            invoke: now.0,
            complete: None,
            result: None,
            retry_of: None,
            attempts: 0,
            critical: None,
        });
        // After the record is made, never on a refusal: a refused action leaves no trace.
        self.forget_old();
        Ok(record)
    }
}

impl Simulation {
    /// Every customer who is waiting: with which request, at which branch.
    pub(super) fn waiting_customers(&self) -> Vec<(ClientId, RequestId, NodeId)> {
        let waiting = self.customers.list.iter().enumerate();
        waiting
            .filter_map(|(i, c)| {
                let p = c.pending?;
                Some((ClientId(i as u32 + 1), self.customers.records[p.record].request, p.branch))
            })
            .collect()
    }

    /// The request customer `client`'s next new request will carry (a counterexample's
    /// narration names it before it is made).
    pub fn next_request_of(&self, client: ClientId) -> RequestId {
        let c = self.customers.list.get((client.0 as usize).wrapping_sub(1));
        RequestId { client, seq: c.map_or(0, |c| c.next_seq) + 1 }
    }

    /// How many tries `request` has had, if this run made it and still keeps it.
    pub fn attempts_of(&self, request: RequestId) -> Option<u32> {
        let record = self.customers.record_of(request).ok()?;
        Some(self.customers.records[record].attempts)
    }

    /// The request `client` is waiting with, if they are waiting.
    pub(super) fn waiting_with(&self, client: ClientId) -> Option<RequestId> {
        let c = self.customers.list.get((client.0 as usize).checked_sub(1)?)?;
        c.pending.map(|p| self.customers.records[p.record].request)
    }

    /// A customer walks into `branch` and asks for a Number (or, if `read`, the latest one).
    pub(super) fn customer_ask(&mut self, branch: NodeId, read: bool) -> Result<ClientId, String> {
        let client = self.customers.idle_customer()?;
        let kind = if read { RequestKind::Read } else { RequestKind::Issue };
        let record = self.customers.new_record(client, branch, kind, self.now)?;
        self.attempt(client, record, branch);
        Ok(client)
    }

    /// Customer `client` asks `branch` for a Number with a new request (`ask B c4`): an idle
    /// customer, or a new one by that number (with the numbers before it, idle).
    pub(super) fn customer_ask_as(&mut self, client: ClientId, branch: NodeId) -> Result<(), String> {
        self.customers.customer_named(client)?;
        let record = self.customers.new_record(client, branch, RequestKind::Issue, self.now)?;
        self.attempt(client, record, branch);
        Ok(())
    }

    /// The customer waiting with `request` walks away before their answer (`abandon c4-1`).
    /// The request stays in the history with no outcome: it may yet be issued, and then its
    /// Number is on file for no one to collect; only a Number stamped at the door and never
    /// filed is lost.
    pub(super) fn customer_abandon(&mut self, request: RequestId) -> Result<(), String> {
        let record = self.customers.record_of(request)?;
        let p = self.customers.list[request.client.0 as usize - 1].pending.filter(|p| p.record == record);
        let p = p.ok_or_else(|| format!("{request} is not waiting: it was answered, or its customer left"))?;
        self.walk_away(request.client, p);
        Ok(())
    }

    /// Under `walk-away PCT`, draws whether a customer who just arrived will leave before
    /// their answer, and when. Draws nothing at 0 %, so runs without it are unchanged.
    pub(super) fn maybe_walk_away(&mut self, client: ClientId) {
        let pct = self.walk_away_pct;
        if pct == 0 || self.rng.random_range(0..100u8) >= pct {
            return;
        }
        let Some(p) = self.customers.customer(client).pending else { return };
        let after = self.rng.random_range(1..=self.config.client_timeout_ms);
        self.schedule(Tick(self.now.0 + after), Event::WalkAway(client, p.attempt));
    }

    pub(super) fn on_walk_away(&mut self, client: ClientId, attempt: u32) {
        if let Some(p) = self.customers.customer(client).pending.filter(|p| p.attempt == attempt) {
            self.walk_away(client, p);
        }
    }

    fn walk_away(&mut self, client: ClientId, p: Pending) {
        let request = self.customers.records[p.record].request;
        self.customers.customer(client).pending = None;
        self.liveness.on_done(self.now, client, request);
        self.trace_node(p.branch, "walk-away", format_args!("{client} leaves without an answer for {request}"));
    }

    /// The paperwork of a customer stamped at `branch`'s door is done: if they are still
    /// there, on the same try, the branch files it. A customer who left, or a branch that
    /// burnt down meanwhile (its stamps were in its volatile memory), files nothing.
    pub(super) fn on_paperwork_done(&mut self, branch: NodeId, client: ClientId, attempt: u32) {
        let Some(p) = self.customers.customer(client).pending.filter(|p| p.attempt == attempt) else { return };
        if self.up[branch.index()] {
            let request = self.customers.records[p.record].request;
            self.step_replica_because(branch, Input::File(request), Lineage::ask(client, attempt, self.now));
        }
    }

    /// The customer carries the same request ID to `branch`: what the essay's customer does
    /// after a lost confirmation.
    pub(super) fn customer_retry(&mut self, request: RequestId, branch: NodeId) -> Result<(), String> {
        let record = self.customers.record_of(request)?;
        let r = &self.customers.records[record];
        if r.kind != RequestKind::Issue {
            return Err(format!("{request} is a read; ask again instead"));
        }
        let client = r.client;
        match self.customers.customer(client).pending {
            Some(p) if p.record != record => return Err(format!("{client} is busy with another request")),
            _ => {}
        }
        self.attempt(client, record, branch);
        Ok(())
    }

    fn attempt(&mut self, client: ClientId, record: usize, branch: NodeId) {
        let seq = self.customers.records[record].request.seq;
        let c = self.customers.customer(client);
        c.next_attempt += 1;
        let attempt = c.next_attempt;
        c.pending = Some(Pending { record, attempt, branch });
        c.by_attempt.push(seq);
        debug_assert_eq!(c.by_attempt.len(), attempt as usize);
        self.customers.records[record].attempts += 1;
        let r = &self.customers.records[record];
        if r.attempts == 1 {
            self.history_check.invoked(r);
        } else {
            self.history_check.attempted(r.request);
        }
        let op = match r.kind {
            RequestKind::Issue => Op::Issue(r.request),
            RequestKind::Read => Op::Read,
        };
        let at = Tick(self.now.0 + self.config.client_timeout_ms);
        self.schedule(at, Event::ClientTimeout(client, attempt));
        self.liveness.on_attempt(self.now, client, branch);
        self.trace_node(branch, "ask", format_args!("{client} {op} try={attempt}"));
        if !self.up[branch.index()] {
            return self.on_answer(branch, client, attempt, Answer::BranchDown, false);
        }
        let cause = Lineage::ask(client, attempt, self.now);
        self.step_replica_because(branch, Input::Ask(Ask { client, attempt, op }), cause);
    }

    pub(super) fn on_answer(&mut self, branch: NodeId, client: ClientId, attempt: u32, answer: Answer, relayed: bool) {
        self.trace_node(branch, "answer", format_args!("{client} try={attempt}: {answer}"));
        let Some(request) = self.customers.request_of_attempt(client, attempt) else { return };
        // A forgotten request is never the one waited on: its answer is a late one.
        let record = self.customers.record_of(request).ok();
        let pending = self.customers.customer(client).pending.filter(|p| Some(p.record) == record);
        let Some(p) = pending else {
            return self.late_answer(request, answer);
        };
        match answer {
            // Any try of the same request ID may bring its Number.
            Answer::Number { number } => {
                self.complete(client, p, Some(Outcome::Number { number: number.0 }));
                self.note_path(branch, client, attempt, p.record);
            }
            _ if p.attempt != attempt => {} // an earlier try's refusal: the customer moved on
            Answer::Read { number, linearizable, .. } => {
                self.complete(client, p, Some(Outcome::Read { read: number.0, linearizable }))
            }
            Answer::NotLeader { hint: Some(h) } if self.retries(p) => self.retry(client, p, h),
            refusal if self.retries(p) => {
                // Give the cluster an election's time before trying the next branch.
                let after = if refusal == Answer::Deposed { 0 } else { self.config.election_timeout_min_ms };
                self.schedule(Tick(self.now.0 + after), Event::ClientRetry(client, attempt));
            }
            refusal if refusal.is_definite_refusal() && !relayed => {
                self.complete(client, p, Some(Outcome::Error { error: refusal.to_string() }))
            }
            _ => self.complete(client, p, None), // the request may yet be issued
        }
    }

    /// The critical path of the answer just given, if its chain began with this attempt.
    fn note_path(&mut self, branch: NodeId, client: ClientId, attempt: u32, record: usize) {
        let Some(critical) = self.cause.critical(client, attempt, self.now) else { return };
        let r = &mut self.customers.records[record];
        if r.critical.is_some() || r.complete != Some(self.now.0) {
            return; // not the answer that completed the request
        }
        r.critical = Some(critical);
        let (request, trips) = (r.request, self.cause.trips());
        self.latest_path = Some(AnsweredPath { request, branch, critical, trips });
    }

    /// A Number that arrives after the customer left still says what their request got.
    fn late_answer(&mut self, request: RequestId, answer: Answer) {
        if let Answer::Number { number } = answer {
            self.monitor.on_number(self.now, request, number);
        }
    }

    fn retries(&self, p: Pending) -> bool {
        self.customers.records[p.record].kind == RequestKind::Issue && self.client_mode != ClientMode::AtMostOnce
    }

    pub(super) fn on_client_timeout(&mut self, client: ClientId, attempt: u32) {
        let Some(p) = self.customers.customer(client).pending.filter(|p| p.attempt == attempt) else { return };
        self.trace_node(p.branch, "timeout", format_args!("{client} try={attempt} got no answer"));
        if self.retries(p) {
            let next = self.next_branch(p.branch);
            self.retry(client, p, next);
        } else {
            self.complete(client, p, None);
        }
    }

    pub(super) fn on_client_retry(&mut self, client: ClientId, attempt: u32) {
        let Some(p) = self.customers.customer(client).pending.filter(|p| p.attempt == attempt) else { return };
        let next = self.next_branch(p.branch);
        self.retry(client, p, next);
    }

    fn next_branch(&self, b: NodeId) -> NodeId {
        NodeId(((b.index() + 1) % self.config.branches) as u8)
    }

    /// Exactly-once: the same request ID again. At-least-once: a brand new request, marked
    /// as a retry of the first so the checkers can see one child asked twice.
    fn retry(&mut self, client: ClientId, p: Pending, branch: NodeId) {
        if self.client_mode != ClientMode::AtLeastOnce {
            return self.attempt(client, p.record, branch);
        }
        let first = self.customers.records[p.record].retry_of.unwrap_or(self.customers.records[p.record].request);
        self.customers.customer(client).pending = None;
        match self.customers.new_record(client, branch, RequestKind::Issue, self.now) {
            Ok(record) => {
                self.customers.records[record].retry_of = Some(first);
                self.attempt(client, record, branch);
            }
            Err(e) => {
                let request = self.customers.records[p.record].request;
                self.liveness.on_done(self.now, client, request);
                self.trace_node(branch, "full", format_args!("{client} cannot retry: {e}"))
            }
        }
    }

    fn complete(&mut self, client: ClientId, p: Pending, mut outcome: Option<Outcome>) {
        self.customers.customer(client).pending = None;
        self.liveness.on_done(self.now, client, self.customers.records[p.record].request);
        if let Some(Outcome::Number { number }) = outcome {
            let request = self.customers.records[p.record].request;
            self.monitor.on_number(self.now, request, SeqNum(number));
        }
        let r = &mut self.customers.records[p.record];
        // A refusal is definite only for a first try: an earlier try may still hold a Number.
        if matches!(outcome, Some(Outcome::Error { .. })) && r.attempts > 1 {
            outcome = None;
        }
        if let Some(Outcome::Number { .. }) = r.result {
            return; // a retry of an answered request: on_number checked it got the same Number
        }
        let heard = outcome.is_some();
        if heard {
            r.complete = Some(self.now.0);
        }
        r.result = outcome;
        if heard {
            self.history_check.completed(&self.customers.records[p.record]);
        }
    }
}
