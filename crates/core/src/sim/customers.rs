//! Customers (clients), who keep the record of every request they make
//! ([`RequestRecord`], the history's own type). The customer logic is the essay's point
//! about request IDs: how a customer retries decides whether a lost answer can cost a child
//! a second Number.

use super::{Event, Simulation};
use crate::chunked::Chunked;
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
    /// are numbered from 1 per customer, so a list beats a map on every answer.
    pub by_seq: Vec<usize>,
    /// Which record each attempt was for, by `attempt - 1`.
    pub by_attempt: Vec<usize>,
}

#[derive(Clone, Debug, Default)]
pub(super) struct Customers {
    pub(super) list: Vec<Customer>,
    /// Chunked, so time-travel snapshots share the old ones (chunked.rs); a record is
    /// written again when its answer comes, which copies its chunk if a snapshot holds it.
    records: Chunked<RequestRecord>,
}

impl Customers {
    pub fn records(&self) -> &Chunked<RequestRecord> {
        &self.records
    }

    /// For measure.rs, which drops them one at a time.
    pub(super) fn into_parts(self) -> (Vec<Customer>, Chunked<RequestRecord>) {
        (self.list, self.records)
    }

    fn idle_customer(&mut self) -> Result<ClientId, String> {
        // Refuse before creating anyone, so a refused action leaves no trace.
        if self.records.len() >= limits::MAX_REQUESTS {
            return Err(format!("the history is full ({} requests)", limits::MAX_REQUESTS));
        }
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

    fn customer(&mut self, c: ClientId) -> &mut Customer {
        &mut self.list[c.0 as usize - 1]
    }

    /// The record of `request`, if that customer made it.
    fn record_of(&self, request: RequestId) -> Option<usize> {
        let c = self.list.get((request.client.0 as usize).checked_sub(1)?)?;
        c.by_seq.get((request.seq as usize).checked_sub(1)?).copied()
    }

    /// The record a customer's attempt was for.
    fn record_of_attempt(&self, client: ClientId, attempt: u32) -> Option<usize> {
        let c = self.list.get((client.0 as usize).checked_sub(1)?)?;
        c.by_attempt.get((attempt as usize).checked_sub(1)?).copied()
    }

    fn new_record(&mut self, client: ClientId, branch: NodeId, kind: RequestKind, now: Tick) -> Result<usize, String> {
        if self.records.len() >= limits::MAX_REQUESTS {
            return Err(format!("the history is full ({} requests)", limits::MAX_REQUESTS));
        }
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
        });
        Ok(self.records.len() - 1)
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

    /// The customer waiting with `request` walks away before their answer (`abandon c4-1`).
    /// The request stays in the history with no outcome: it may yet be issued, and then its
    /// Number is on file for no one to collect; only a Number stamped at the door and never
    /// filed is lost.
    pub(super) fn customer_abandon(&mut self, request: RequestId) -> Result<(), String> {
        let record = self.customers.record_of(request).ok_or_else(|| format!("no request {request} yet"))?;
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
            self.step_replica(branch, Input::File(request));
        }
    }

    /// The customer carries the same request ID to `branch`: what the essay's customer does
    /// after a lost confirmation.
    pub(super) fn customer_retry(&mut self, request: RequestId, branch: NodeId) -> Result<(), String> {
        let record = self.customers.record_of(request).ok_or_else(|| format!("no request {request} yet"))?;
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
        let c = self.customers.customer(client);
        c.next_attempt += 1;
        let attempt = c.next_attempt;
        c.pending = Some(Pending { record, attempt, branch });
        c.by_attempt.push(record);
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
        self.step_replica(branch, Input::Ask(Ask { client, attempt, op }));
    }

    pub(super) fn on_answer(&mut self, branch: NodeId, client: ClientId, attempt: u32, answer: Answer, relayed: bool) {
        self.trace_node(branch, "answer", format_args!("{client} try={attempt}: {answer}"));
        let Some(record) = self.customers.record_of_attempt(client, attempt) else { return };
        let pending = self.customers.customer(client).pending.filter(|p| p.record == record);
        let Some(p) = pending else {
            return self.late_answer(record, answer);
        };
        match answer {
            // Any try of the same request ID may bring its Number.
            Answer::Number { number } => self.complete(client, p, Some(Outcome::Number { number: number.0 })),
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

    /// A Number that arrives after the customer left still says what their request got.
    fn late_answer(&mut self, record: usize, answer: Answer) {
        if let Answer::Number { number } = answer {
            self.monitor.on_number(self.now, self.customers.records[record].request, number);
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
