//! The discrete-event simulator: one seeded PRNG, one event queue over integer ticks,
//! ties broken by the order events were scheduled. Same config, seed and actions give the
//! same run on every platform.

//!
//! - [`queue`]: the event queue; [`flight`]: the messages on the road;
//! - [`customers`]: the customers and the record of their requests;
//! - [`view`]: what the page draws, as plain data;
//! - [`HashJob`]: the history hash of a moment, a piece at a time.
//!
//! It feeds the checkers (`crate::check`) what happens and writes the history
//! ([`Simulation::history`]); it runs scenarios ([`Scenario::run`]) and records its own
//! actions as one ([`Simulation::to_scenario`]).

use crate::action::{Action, Links, LoadTarget};
use crate::check::liveness::{Liveness, World};
use crate::check::report::{L1Standing, Report};
use crate::check::{HistoryChecker, Monitor, Sometimes, Violation, Violations};
use crate::config::{limits, ClientMode, Config};
use crate::history::{History, RequestRecord, HISTORY_FORMAT};
use crate::ids::*;
use crate::msg::Message;
use crate::net::Network;
use crate::replica::{Checked, Input, Note, Output, Replica, Role};
use crate::scenario::Scenario;
use crate::spacetime::{DropReason, Mark, SpaceTime};
use crate::trace::{Line, Said, Trace, Who};
use customers::Customers;
use flight::Flights;
pub use flight::InFlight;
pub use hash_job::HashJob;
use lineage::Lineage;
pub use lineage::{AnsweredPath, Critical, Trip};
pub use moment::Moment;
use queue::EventQueue;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

mod customers;
mod decree;
pub mod flight;
mod hash_job;
mod lineage;
mod measure;
mod moment;
mod peers;
mod queue;
pub mod view;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Event {
    /// Slot and message id in `Flights`.
    Deliver(u32, u64),
    Election(NodeId, u64),
    Heartbeat(NodeId, u64),
    ClientTimeout(ClientId, u32),
    ClientRetry(ClientId, u32),
    Load(u64),
    /// A customer stamped at a branch's door (`number-at-the-door`) is done with the
    /// paperwork: (branch, customer, attempt).
    Paperwork(NodeId, ClientId, u32),
    /// A customer drawn to walk away (`walk-away PCT`) leaves if still waiting: (customer, attempt).
    WalkAway(ClientId, u32),
}

#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub events: u64,
    pub messages_sent: u64,
    pub messages_delivered: u64,
    pub messages_dropped: u64,
    pub ticks: u64,
}

#[derive(Copy, Clone, Debug)]
pub(crate) struct Load {
    pub per_sec: u32,
    pub target: LoadTarget,
    pub generation: u64,
}

#[derive(Clone)]
pub struct Simulation {
    /// As the run began: the config never changes, so the action log replays from it.
    config: Config,
    /// The customers' current mode (the `mode` action changes it mid-run).
    client_mode: ClientMode,
    seed: u64,
    rng: Pcg64Mcg,
    now: Tick,
    replicas: Vec<Replica>,
    up: Vec<bool>,
    election_generation: Vec<u64>,
    /// When each election timer is due. Followers reset it on every heartbeat; only the
    /// earliest pending event is queued, and it re-arms itself if the deadline moved on,
    /// so resets cost no queue traffic (they were a third of all events).
    election_deadline: Vec<Tick>,
    election_queued: Vec<Option<Tick>>,
    heartbeat_generation: Vec<u64>,
    /// What the page shows of each branch's timers and repairs (view.rs); the queue
    /// schedules, this only remembers when each was armed.
    clocks: Vec<Clock>,
    net: Network,
    queue: EventQueue<Event>,
    in_flight: Flights,
    next_message: u64,
    customers: Customers,
    actions: Vec<(Tick, Action)>,
    load: Option<Load>,
    load_generation: u64,
    /// The share of arriving customers, in percent, who walk away before their answer.
    walk_away_pct: u8,
    /// Per branch, what the last decree naming it could achieve, and when (decree.rs).
    decrees: Vec<Option<(Tick, String)>>,
    monitor: Monitor,
    /// The history checker, fed as the history is written (check/incremental.rs).
    history_check: HistoryChecker,
    /// The live L1 checker: it only watches (liveness.rs).
    liveness: Liveness,
    trace: Trace,
    spacetime: SpaceTime,
    stats: Stats,
    /// The cause of the replica step under way (lineage.rs), and the trips of the latest
    /// answer whose chain began at its own ask: the space-time diagram draws them.
    cause: Lineage,
    latest_path: Option<AnsweredPath>,
    out: Scratch,
    /// The replica invariants, asserted after every step while on: how far each branch's
    /// append-only state has been checked. On unless switched off ([`Simulation::set_invariants`]).
    checked: Option<Vec<Checked>>,
    /// What each branch has offered its peers to share (peers.rs).
    offered: Vec<peers::Offered>,
}

impl Simulation {
    pub fn new(config: Config, seed: u64) -> Result<Simulation, String> {
        config.validate()?;
        let n = config.branches;
        let mut sim = Simulation {
            replicas: NodeId::all(n).map(|id| Replica::new(id, &config)).collect(),
            up: vec![true; n],
            election_generation: vec![0; n],
            election_deadline: vec![Tick(0); n],
            election_queued: vec![None; n],
            heartbeat_generation: vec![0; n],
            clocks: vec![Clock::default(); n],
            net: Network::new(&config),
            rng: Pcg64Mcg::seed_from_u64(seed),
            seed,
            now: Tick(0),
            queue: EventQueue::default(),
            in_flight: Flights::default(),
            next_message: 1,
            customers: Customers::default(),
            actions: Vec::new(),
            load: None,
            load_generation: 0,
            walk_away_pct: 0,
            decrees: vec![None; n],
            monitor: Monitor::new(n),
            history_check: HistoryChecker::new(n),
            liveness: Liveness::new(&config),
            trace: Trace::default(),
            spacetime: SpaceTime::default(),
            stats: Stats::default(),
            cause: Lineage::default(),
            latest_path: None,
            out: Scratch::default(),
            checked: Some(vec![Checked::default(); n]),
            offered: vec![peers::Offered::default(); n],
            client_mode: config.client_mode,
            config,
        };
        for id in NodeId::all(n) {
            sim.reset_election_timer(id);
        }
        sim.world_changed();
        Ok(sim)
    }

    /// Switches the replica invariants ([`Replica::invariants`]) on or off. On, every step a
    /// branch takes ends with them asserted, as TigerBeetle's simulator does: a broken one
    /// panics, naming the branch, the tick and the seed. On by default (every test, the
    /// CLI's `run` and `swarm`); the page switches them off for speed. They only read, so
    /// a run is the same, hash for hash, either way.
    pub fn set_invariants(&mut self, on: bool) {
        if on != self.checked.is_some() {
            self.checked = on.then(|| vec![Checked::default(); self.config.branches]);
        }
    }
    pub fn invariants(&self) -> bool {
        self.checked.is_some()
    }

    /// Keeps the latest `keep` requests at least and forgets older finished ones, so
    /// customers may keep coming for as long as the run goes (the page sets it: README,
    /// "What the page keeps"); `None`, the default, keeps the whole history, and customers
    /// are turned away once it holds `limits::MAX_REQUESTS`. A setting of the simulator,
    /// not of the run: it changes what is remembered, never what happens, so the run, its
    /// checkers' verdicts (they keep their own state) and its link are the same either way.
    pub fn set_keep_requests(&mut self, keep: Option<usize>) -> Result<(), String> {
        let most = limits::MAX_REQUESTS - 2 * crate::chunked::CHUNK;
        if keep.is_some_and(|k| k == 0 || k > most) {
            return Err(format!("the requests kept are 1 to {most}, or all"));
        }
        self.customers.set_keep(keep);
        Ok(())
    }
    pub fn keep_requests(&self) -> Option<usize> {
        self.customers.keep()
    }
    /// How many of the run's first requests are forgotten ([`set_keep_requests`](Self::set_keep_requests)):
    /// while any is, [`history`](Self::history) holds only the rest and no history hash of
    /// the run can be computed.
    pub fn requests_forgotten(&self) -> usize {
        self.customers.records().first_kept()
    }
    /// The last moment a request now forgotten was answered: what counts answers over time
    /// (the charts) misses some before it, none after.
    pub fn forgotten_until(&self) -> Tick {
        Tick(self.customers.forgotten_told().last_complete)
    }

    pub fn config(&self) -> &Config {
        &self.config
    }
    pub fn client_mode(&self) -> ClientMode {
        self.client_mode
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn now(&self) -> Tick {
        self.now
    }
    pub fn stats(&self) -> Stats {
        Stats { ticks: self.now.0, ..self.stats }
    }
    pub fn replica(&self, id: NodeId) -> &Replica {
        &self.replicas[id.index()]
    }
    pub fn is_up(&self, id: NodeId) -> bool {
        self.up[id.index()]
    }
    pub fn network(&self) -> &Network {
        &self.net
    }
    pub fn actions(&self) -> &[(Tick, Action)] {
        &self.actions
    }
    pub fn trace_mut(&mut self) -> &mut Trace {
        &mut self.trace
    }
    pub fn trace(&self) -> &Trace {
        &self.trace
    }
    /// The space-time record (off until `spacetime_mut().enable(capacity)`).
    pub fn spacetime(&self) -> &SpaceTime {
        &self.spacetime
    }
    pub fn spacetime_mut(&mut self) -> &mut SpaceTime {
        &mut self.spacetime
    }
    /// The trips of the latest answer that can be traced to its own ask (lineage.rs).
    pub fn latest_path(&self) -> Option<&AnsweredPath> {
        self.latest_path.as_ref()
    }

    /// Every request so far, as the history records it (for charts: [`crate::charts`]),
    /// from the first one kept ([`requests_forgotten`](Self::requests_forgotten)) on.
    pub fn records(&self) -> &crate::chunked::Chunked<RequestRecord> {
        self.customers.records()
    }
    /// What the online checker has caught so far.
    pub fn violations(&self) -> &[Violation] {
        self.monitor.violations()
    }
    pub fn sometimes(&self) -> Sometimes {
        self.monitor.sometimes()
    }

    /// The run so far as a history (format `nextnumber-history/1`), for any tool to check.
    /// Its requests are those kept: the whole run's unless some are forgotten
    /// ([`requests_forgotten`](Self::requests_forgotten)), and then a checker would judge a
    /// part as if it were the whole: ask first.
    pub fn history(&self) -> History {
        // Inserted one by one: collecting into a BTreeMap sorts first, and that sort's code
        // would ship in the page.
        let mut applied = BTreeMap::new();
        for b in NodeId::all(self.config.branches) {
            let seq = &self.replica(b).register.sequence;
            applied.insert(b, seq.iter().map(|(r, n)| (*r, n.0)).collect());
        }
        History {
            format: HISTORY_FORMAT.to_string(),
            seed: self.seed,
            config: self.config.clone(),
            requests: self.customers.records().to_vec(),
            applied,
            leaders: self.monitor.leader_log().to_vec(),
        }
    }

    /// Every checker on the run so far, merged once ([`Report`]): the online monitor, L1's
    /// live judge and the history checker, each kept up to date as the run goes, so a report
    /// costs the same an hour into a run as at its start.
    pub fn report(&self) -> Report {
        let now = self.now;
        let live = self.liveness.violations(now, &|c| self.waiting_with(c));
        let l1 = match self.liveness.judged_since(now) {
            Some(t) => L1Standing::JudgedSince(t),
            None => L1Standing::NotJudged(self.liveness.why_not_judged(now)),
        };
        Report::merge(self.monitor.violations(), live, l1, &self.history_check.violations())
    }

    /// What the history checker, fed as the run went, has found: the very judgement of
    /// [`crate::check::check_history`] on [`Simulation::history`], at a fraction of its cost. The swarm and
    /// the tests compare the two.
    pub fn history_violations(&self) -> Violations {
        self.history_check.violations()
    }

    /// The run so far as a scenario: opening it reproduces this exact run.
    pub fn to_scenario(&self) -> Scenario {
        Scenario {
            name: None,
            config: self.config.clone(),
            seed: Some(self.seed),
            actions: self.actions.clone(),
            run_until: Some(self.now.0),
            counterexample: None,
        }
    }

    /// Every customer who is still waiting for an answer, with their request.
    pub fn waiting_requests(&self) -> Vec<RequestId> {
        self.waiting_customers().into_iter().map(|(_, r, _)| r).collect()
    }

    /// About how many bytes a clone of this simulation takes, for the time-travel
    /// snapshots' budget ([`crate::timeline`]). It counts what grows with the run: the
    /// history of requests, each branch's register (log, issue sequence, table) and the
    /// online checker's records of them, which are nearly all of a long run; a chunk or a
    /// level that several branches hold is counted once (peers.rs). Checked against a
    /// counting allocator (`crates/bench/examples/snapshot_memory.rs`): on issue 16's run
    /// it is within 2 % of the measured cursor at 10 and at 60 minutes, in the JS API's
    /// set-up and the page's. The snapshots' own costs it sums within about a third, either
    /// way: 62 MiB for 74 measured on the page's hour, 192 for 144 on the JS API's.
    pub fn approx_bytes(&self) -> usize {
        use std::mem::size_of;
        let kept = self.customers.records().len() - self.requests_forgotten();
        let records = kept * (size_of::<RequestRecord>() + 16);
        let (registers, _) = peers::register_bytes(&self.replicas, None);
        let longest_log = self.replicas.iter().map(|r| r.disk.log.len()).max().unwrap_or(0);
        // The monitor: per Number issued the canonical sequence; its tables by request and
        // by Number; per committed slot its term, the branches' chain hashes (one copy where
        // they agree, and a tail each) and the first hash seen by (index, term).
        let issued = self.monitor.sometimes().numbers_issued as usize;
        let chain_tails = self.replicas.len() * crate::chunked::CHUNK * 8;
        let monitor = issued * size_of::<RequestId>()
            + self.monitor.request_table_bytes()
            + longest_log * (size_of::<Term>() + 8)
            + chain_tails
            + self.monitor.chain_at_bytes();
        // The event queue's wheel, the network, the branches' small state.
        let rest = (32 << 10)
            + self.actions.len() * size_of::<(Tick, Action)>()
            + self.in_flight.len() * size_of::<InFlight>()
            + self.spacetime.approx_bytes()
            + self.liveness.approx_bytes();
        records + registers + monitor + self.history_check.approx_bytes() + rest
    }

    /// What a snapshot of this simulation costs beside `earlier`, a snapshot of the same
    /// branch of history: [`approx_bytes`](Self::approx_bytes) less the chunks of the
    /// append-only records (logs, issued Numbers, requests, the online checker's per-slot and
    /// per-Number records: `crate::chunked`) that the two
    /// hold in the very same memory. The time-travel budget sums these, so a chunk that
    /// many snapshots share is counted once.
    pub fn approx_bytes_beside(&self, earlier: &Simulation) -> usize {
        use std::mem::size_of;
        let records = self.customers.records().shared_with(earlier.customers.records());
        let mut shared = records * size_of::<RequestRecord>()
            + self.monitor.shared_bytes_with(&earlier.monitor)
            + self.history_check.shared_bytes_with(&earlier.history_check);
        shared += peers::register_bytes(&self.replicas, Some(&earlier.replicas)).1;
        self.approx_bytes().saturating_sub(shared)
    }

    pub(crate) fn schedule(&mut self, at: Tick, event: Event) {
        self.queue.push(at.0, event);
    }

    pub fn next_event_tick(&self) -> Option<Tick> {
        self.queue.next_tick().map(Tick)
    }

    /// Processes every event of the next tick that has one; returns false when nothing is left.
    pub fn step(&mut self) -> bool {
        let Some(t) = self.next_event_tick() else { return false };
        if t.0 > limits::MAX_TICK {
            return false;
        }
        self.run_until(t);
        true
    }

    /// Processes every event up to and including `until`, then stands at `until`.
    pub fn run_until(&mut self, until: Tick) {
        let until = Tick(until.0.min(limits::MAX_TICK));
        while let Some((t, event)) = self.queue.pop_until(until.0) {
            self.now = Tick(t);
            self.stats.events += 1;
            self.handle(event);
        }
        self.now = self.now.max(until);
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Deliver(slot, id) => self.deliver(slot, id),
            Event::Election(node, g) if self.up[node.index()] && g == self.election_generation[node.index()] => {
                self.election_queued[node.index()] = None;
                let deadline = self.election_deadline[node.index()];
                if deadline > self.now {
                    return self.queue_election(node, deadline);
                }
                self.trace_node(node, "timeout", format_args!("election timer fired"));
                self.step_replica(node, Input::ElectionTimeout)
            }
            Event::Heartbeat(node, g) if self.up[node.index()] && g == self.heartbeat_generation[node.index()] => {
                self.step_replica(node, Input::HeartbeatTimeout)
            }
            Event::ClientTimeout(c, attempt) => self.on_client_timeout(c, attempt),
            Event::ClientRetry(c, attempt) => self.on_client_retry(c, attempt),
            Event::Load(g) => self.on_load(g),
            Event::Paperwork(node, c, attempt) => self.on_paperwork_done(node, c, attempt),
            Event::WalkAway(c, attempt) => self.on_walk_away(c, attempt),
            Event::Election(..) | Event::Heartbeat(..) => {}
        }
    }

    pub(crate) fn step_replica(&mut self, node: NodeId, input: Input) {
        self.step_replica_because(node, input, Lineage::default())
    }

    /// A replica step whose messages and answers descend from `cause` (lineage.rs).
    fn step_replica_because(&mut self, node: NodeId, input: Input, cause: Lineage) {
        debug_assert!(self.up[node.index()]);
        self.cause = cause;
        let mut out = std::mem::take(&mut self.out.0);
        let before = self.replicas[node.index()].last_index();
        self.replicas[node.index()].step(self.now, input, &mut out);
        for o in out.drain(..) {
            // A change at or below the old end overwrote entries: a repaired tail (§5.3).
            if let Output::Note(Note::LogChanged { from }) = o {
                if from <= before {
                    self.clocks[node.index()].repair = Some((from, self.now));
                }
            }
            self.apply_output(node, o);
        }
        self.out.0 = out;
        self.cause = Lineage::default();
        self.assert_invariants(node);
        self.share_with_peers(node);
    }

    fn assert_invariants(&mut self, node: NodeId) {
        let Some(checked) = &mut self.checked else { return };
        let c = &mut checked[node.index()];
        match self.replicas[node.index()].invariants_from(*c) {
            Ok(now_checked) => *c = now_checked,
            Err(e) => panic!("replica invariant broken at t={}: {e} (seed {})", self.now.0, self.seed),
        }
    }

    fn apply_output(&mut self, node: NodeId, output: Output) {
        match output {
            Output::Send { to, msg } => self.send(node, to, msg),
            Output::Answer { client, attempt, answer, relayed } => {
                self.on_answer(node, client, attempt, answer, relayed)
            }
            Output::ResetElectionTimer => self.reset_election_timer(node),
            Output::SetHeartbeatTimer => {
                let g = &mut self.heartbeat_generation[node.index()];
                *g += 1;
                let (g, at) = (*g, Tick(self.now.0 + self.config.heartbeat_ms));
                self.clocks[node.index()].heartbeat_armed = self.now;
                self.schedule(at, Event::Heartbeat(node, g));
            }
            Output::Note(note) => {
                if let Note::StampedAtDoor { request, attempt, .. } = note {
                    let at = Tick(self.now.0 + paperwork_ms(&self.config));
                    self.schedule(at, Event::Paperwork(node, request.client, attempt));
                }
                if let (Note::LogChanged { from }, Some(checked)) = (note, &mut self.checked) {
                    let c = &mut checked[node.index()];
                    c.log = c.log.min(from.0.saturating_sub(1) as usize);
                }
                if self.spacetime.enabled() {
                    match note {
                        Note::BecameLeader { term } => {
                            self.spacetime.push(self.now, Mark::LeaderElected { branch: node, term })
                        }
                        Note::SteppedDown { .. } => self.spacetime.push(self.now, Mark::SteppedDown { branch: node }),
                        _ => {}
                    }
                }
                self.monitor.observe(self.now, &self.replicas[node.index()], note);
                match note {
                    Note::Applied { request: Some(r), number: Some(n), .. } => self.history_check.applied(node, r, n.0),
                    Note::BecameLeader { term } => self.history_check.leader(term, node, self.now.0),
                    _ => {}
                }
                if self.trace.enabled() {
                    self.trace.line(Line {
                        tick: self.now,
                        who: Who::Branch(node),
                        verb: "note",
                        said: Said::Note(note),
                    });
                }
            }
        }
    }

    fn reset_election_timer(&mut self, node: NodeId) {
        let after = self.rng.random_range(self.config.election_timeout_min_ms..=self.config.election_timeout_max_ms);
        let deadline = Tick(self.now.0 + after);
        self.election_deadline[node.index()] = deadline;
        self.clocks[node.index()].election_armed = self.now;
        // A queued event due later than the new deadline would fire late: replace it.
        if self.election_queued[node.index()].is_none_or(|queued| queued > deadline) {
            self.queue_election(node, deadline);
        }
    }

    fn queue_election(&mut self, node: NodeId, at: Tick) {
        let g = &mut self.election_generation[node.index()];
        *g += 1;
        let g = *g;
        self.election_queued[node.index()] = Some(at);
        self.schedule(at, Event::Election(node, g));
    }

    // The network.

    fn send(&mut self, from: NodeId, to: NodeId, msg: Message) {
        self.stats.messages_sent += 1;
        let link = *self.net.link(from, to);
        if !link.up {
            return self.dropped(None, from, to, &msg, DropReason::LinkCut);
        }
        if link.loss_pct > 0 && self.rng.random_range(0..100u8) < link.loss_pct {
            return self.dropped(None, from, to, &msg, DropReason::Lost);
        }
        let duplicate = link.dup_pct > 0 && self.rng.random_range(0..100u8) < link.dup_pct;
        if duplicate {
            self.launch(from, to, msg.clone(), &link);
        }
        self.launch(from, to, msg, &link);
    }

    /// Puts one copy on the road with its own latency.
    fn launch(&mut self, from: NodeId, to: NodeId, msg: Message, link: &crate::net::Link) {
        if self.in_flight.len() >= limits::MAX_IN_FLIGHT {
            return self.dropped(None, from, to, &msg, DropReason::NetworkFull);
        }
        let latency = self.rng.random_range(link.latency_min_ms..=link.latency_max_ms);
        let id = self.next_message;
        self.next_message += 1;
        let arrive = Tick(self.now.0 + latency);
        if self.spacetime.enabled() {
            self.spacetime.push(self.now, Mark::Send { id, from, to, kind: msg.kind(), arrive: arrive.0 });
        }
        if self.trace.enabled() {
            let said = Said::Send { id, msg: Cow::Borrowed(&msg), arrive };
            self.trace.line(Line { tick: self.now, who: Who::Hop(from, to), verb: "send", said });
        }
        let lineage = self.cause.clone();
        let slot =
            self.in_flight.insert(InFlight { id, from, to, sent: self.now, arrive, msg: Arc::new(msg), lineage });
        self.schedule(arrive, Event::Deliver(slot, id));
    }

    fn dropped(&mut self, id: Option<u64>, from: NodeId, to: NodeId, msg: &Message, why: DropReason) {
        if self.spacetime.enabled() {
            self.spacetime.push(self.now, Mark::Drop { id, from, to, kind: msg.kind(), why });
        }
        self.stats.messages_dropped += 1;
        if self.trace.enabled() {
            let said = Said::Drop { msg: Cow::Borrowed(msg), why };
            self.trace.line(Line { tick: self.now, who: Who::Hop(from, to), verb: "drop", said });
        }
    }

    fn deliver(&mut self, slot: u32, id: u64) {
        let Some(m) = self.in_flight.take(slot, id) else { return }; // dropped or delivered by hand
        self.arrive(m)
    }

    /// `deliver N`: message N arrives now, whenever it was due (its queued delivery then
    /// finds it gone, as after `drop N`). Refused, changing nothing, if it could not arrive:
    /// its road is cut or its branch is down.
    fn deliver_now(&mut self, id: u64) -> Result<(), String> {
        let m = self.in_flight.iter().find(|m| m.id == id).ok_or_else(|| format!("no message #{id} is in flight"))?;
        if !self.net.link(m.from, m.to).up {
            return Err(format!("message #{id} cannot arrive now: the road from {} to {} is cut", m.from, m.to));
        }
        if !self.up[m.to.index()] {
            return Err(format!("message #{id} cannot arrive now: branch {} is down", m.to));
        }
        let m = self.in_flight.remove_id(id).expect("found above");
        self.arrive(m);
        Ok(())
    }

    fn arrive(&mut self, m: InFlight) {
        let id = m.id;
        if !self.net.link(m.from, m.to).up {
            return self.dropped(Some(id), m.from, m.to, &m.msg, DropReason::LinkCutInTransit);
        }
        if !self.up[m.to.index()] {
            return self.dropped(Some(id), m.from, m.to, &m.msg, DropReason::BranchDown);
        }
        self.stats.messages_delivered += 1;
        if self.spacetime.enabled() {
            self.spacetime.push(self.now, Mark::Deliver { id, from: m.from, to: m.to, kind: m.msg.kind() });
        }
        if self.trace.enabled() {
            let said = Said::Deliver { id, msg: Cow::Borrowed(&m.msg) };
            self.trace.line(Line { tick: self.now, who: Who::Hop(m.from, m.to), verb: "deliver", said });
        }
        let cause = m.lineage.then(Trip { from: m.from, to: m.to, sent: m.sent, arrived: self.now });
        self.step_replica_because(m.to, Input::Message { from: m.from, msg: Arc::unwrap_or_clone(m.msg) }, cause);
    }

    // Actions.

    /// Applies a visitor's action now and records it, so the run can be replayed.
    pub fn act(&mut self, action: Action) -> Result<(), String> {
        if self.actions.len() >= limits::MAX_ACTIONS {
            return Err(format!("at most {} actions per run", limits::MAX_ACTIONS));
        }
        self.validate_action(&action)?;
        // Only actions that took effect are traced and recorded, so the log replays to the
        // same run, trace and all.
        self.apply_action(action.clone())?;
        if self.trace.enabled() {
            let said = Said::Action(Cow::Borrowed(&action));
            self.trace.line(Line { tick: self.now, who: Who::Visitor, verb: "action", said });
        }
        if self.spacetime.enabled() {
            self.spacetime.push(self.now, Mark::Action { index: self.actions.len() as u32 });
        }
        self.actions.push((self.now, action));
        Ok(())
    }

    fn validate_action(&self, action: &Action) -> Result<(), String> {
        let n = self.config.branches;
        let check = |b: &NodeId| {
            if b.index() < n {
                Ok(())
            } else {
                Err(format!("branch {b} does not exist in a cluster of {n}"))
            }
        };
        match action {
            Action::Ask(b) | Action::Read(b) | Action::Retry(_, b) | Action::Kill(b) => check(b),
            Action::AskAs(b, _) | Action::Heartbeat(b) | Action::File(b, _) => check(b),
            Action::Restart(b) | Action::Timeout(b) | Action::Isolate(b) | Action::Decree(b) => check(b),
            Action::Cut(Links::One(a, b) | Links::Both(a, b))
            | Action::Restore(Links::One(a, b) | Links::Both(a, b)) => check(a).and(check(b)),
            Action::Latency(Links::One(a, b) | Links::Both(a, b), ..) => check(a).and(check(b)),
            Action::Loss(Links::One(a, b) | Links::Both(a, b), _)
            | Action::Dup(Links::One(a, b) | Links::Both(a, b), _) => check(a).and(check(b)),
            Action::Split(groups) => groups.iter().flatten().try_for_each(check),
            _ => Ok(()),
        }
    }

    fn apply_action(&mut self, action: Action) -> Result<(), String> {
        // What L1 watches: a change of the world, or a fault inside the healed majority.
        let (changes, disturbs) = match &action {
            Action::Kill(_) | Action::Restart(_) | Action::Isolate(_) | Action::Split(_) | Action::Heal => (true, None),
            Action::Cut(_) | Action::Restore(_) | Action::Latency(..) | Action::Loss(..) => (true, None),
            Action::Timeout(b) | Action::Decree(b) => (false, Some(*b)),
            Action::Drop(id) => (false, self.in_flight.iter().find(|m| m.id == *id).map(|m| m.to)),
            _ => (false, None),
        };
        let result = self.apply_action_to_world(action);
        if result.is_ok() {
            if changes {
                self.world_changed();
            }
            if let Some(b) = disturbs {
                let waiting = self.waiting_customers();
                let world = World {
                    config: &self.config,
                    net: &self.net,
                    up: &self.up,
                    replicas: &self.replicas,
                    waiting: &waiting,
                };
                self.liveness.disturb(self.now, b, &world);
            }
        }
        result
    }

    /// Tells the live L1 checker the world changed (liveness.rs).
    fn world_changed(&mut self) {
        let waiting = self.waiting_customers();
        let world =
            World { config: &self.config, net: &self.net, up: &self.up, replicas: &self.replicas, waiting: &waiting };
        self.liveness.on_change(self.now, &world);
    }

    fn apply_action_to_world(&mut self, action: Action) -> Result<(), String> {
        match action {
            Action::Ask(b) => self.customer_ask(b, false).map(|_| ()),
            Action::AskAs(b, c) => self.customer_ask_as(c, b),
            Action::Read(b) => self.customer_ask(b, true).map(|_| ()),
            Action::Retry(r, b) => self.customer_retry(r, b),
            Action::Abandon(r) => self.customer_abandon(r),
            Action::Decree(b) => self.decree(b),
            Action::WalkAway(pct) => {
                self.walk_away_pct = pct;
                Ok(())
            }
            Action::Kill(b) => {
                self.kill(b);
                Ok(())
            }
            Action::Restart(b) => {
                self.restart(b);
                Ok(())
            }
            Action::Timeout(b) => {
                if self.up[b.index()] {
                    self.step_replica(b, Input::ElectionTimeout);
                }
                Ok(())
            }
            Action::Cut(l) => self.for_links(&l, |net, a, b| net.set_up(a, b, false)),
            Action::Restore(l) => self.for_links(&l, |net, a, b| net.set_up(a, b, true)),
            Action::Isolate(b) => {
                self.net.isolate(b);
                Ok(())
            }
            Action::Split(groups) => {
                self.net.split(&groups);
                Ok(())
            }
            Action::Heal => {
                self.net.heal();
                Ok(())
            }
            Action::Latency(l, min, max) => self.try_links(&l, |net, a, b| net.set_latency(a, b, min, max)),
            Action::Loss(l, p) => self.try_links(&l, |net, a, b| net.set_loss(a, b, p)),
            Action::Dup(l, p) => self.try_links(&l, |net, a, b| net.set_dup(a, b, p)),
            Action::Drop(id) => {
                let m = self.in_flight.remove_id(id).ok_or_else(|| format!("no message #{id} is in flight"))?;
                self.dropped(Some(id), m.from, m.to, &m.msg, DropReason::DroppedByHand);
                Ok(())
            }
            Action::Deliver(id) => self.deliver_now(id),
            Action::Heartbeat(b) => {
                if self.up[b.index()] {
                    self.step_replica(b, Input::HeartbeatTimeout);
                }
                Ok(())
            }
            Action::File(b, request) => {
                if !self.up[b.index()] {
                    return Err(format!("branch {b} has burnt down, and its stamps with it"));
                }
                self.step_replica(b, Input::File(request));
                Ok(())
            }
            Action::Load(per_sec, target) => {
                self.set_load(per_sec, target);
                Ok(())
            }
            Action::Mode(m) => {
                self.client_mode = m;
                Ok(())
            }
        }
    }

    fn for_links(&mut self, links: &Links, mut f: impl FnMut(&mut Network, NodeId, NodeId)) -> Result<(), String> {
        self.try_links(links, |net, a, b| {
            f(net, a, b);
            Ok(())
        })
    }

    fn try_links(
        &mut self,
        links: &Links,
        mut f: impl FnMut(&mut Network, NodeId, NodeId) -> Result<(), String>,
    ) -> Result<(), String> {
        let pairs: Vec<(NodeId, NodeId)> = match *links {
            Links::All => self.net.pairs().collect(),
            Links::One(a, b) => vec![(a, b)],
            Links::Both(a, b) => vec![(a, b), (b, a)],
        };
        pairs.into_iter().try_for_each(|(a, b)| f(&mut self.net, a, b))
    }

    /// A fire: the branch loses everything but its disk, and its timers die with it.
    fn kill(&mut self, b: NodeId) {
        if !self.up[b.index()] {
            return;
        }
        self.up[b.index()] = false;
        self.election_generation[b.index()] += 1;
        self.election_queued[b.index()] = None;
        self.heartbeat_generation[b.index()] += 1;
        self.monitor.on_crash(b);
        self.history_check.restarted(b);
        if self.spacetime.enabled() {
            self.spacetime.push(self.now, Mark::Kill { branch: b });
        }
        self.trace_node(b, "kill", format_args!("branch down, volatile state lost"));
    }

    fn restart(&mut self, b: NodeId) {
        if self.up[b.index()] {
            return;
        }
        self.up[b.index()] = true;
        if self.spacetime.enabled() {
            self.spacetime.push(self.now, Mark::Restart { branch: b });
        }
        self.replicas[b.index()].restart(&self.config);
        if let Some(checked) = &mut self.checked {
            checked[b.index()] = Checked::default();
        }
        self.assert_invariants(b);
        self.trace_node(b, "restart", format_args!("recovered term and log from disk"));
        self.reset_election_timer(b);
    }

    fn set_load(&mut self, per_sec: u32, target: LoadTarget) {
        self.load_generation += 1;
        self.load = (per_sec > 0).then_some(Load { per_sec, target, generation: self.load_generation });
        if let Some(l) = self.load {
            self.schedule(Tick(self.now.0 + load_interval(l.per_sec)), Event::Load(l.generation));
        }
    }

    fn on_load(&mut self, generation: u64) {
        let Some(load) = self.load.filter(|l| l.generation == generation) else { return };
        let branch = match load.target {
            LoadTarget::Leader => self.current_leader(),
            LoadTarget::Random => None,
        };
        let branch = branch.unwrap_or_else(|| NodeId(self.rng.random_range(0..self.config.branches as u8)));
        // A full house is the load generator's problem, not the run's: skip this customer.
        if let Ok(client) = self.customer_ask(branch, false) {
            self.maybe_walk_away(client);
        }
        self.schedule(Tick(self.now.0 + load_interval(load.per_sec)), Event::Load(generation));
    }

    /// The live branch that leads in the highest term, if any.
    pub fn current_leader(&self) -> Option<NodeId> {
        NodeId::all(self.config.branches)
            .filter(|b| self.up[b.index()] && self.replicas[b.index()].role == Role::Leader)
            .max_by_key(|b| self.replicas[b.index()].disk.term)
    }

    /// Ground truth for the map: can `b` exchange messages both ways with a majority
    /// (itself included) of live branches over direct links?
    pub fn reaches_majority(&self, b: NodeId) -> bool {
        self.up[b.index()]
            && NodeId::all(self.config.branches).filter(|o| self.up[o.index()] && self.net.two_way(b, *o)).count()
                >= crate::replica::quorum_of(self.config.branches)
    }

    pub(crate) fn trace_node(&mut self, node: NodeId, verb: &'static str, detail: fmt::Arguments) {
        if self.trace.enabled() {
            let said = Said::Text(detail.to_string());
            self.trace.line(Line { tick: self.now, who: Who::Branch(node), verb, said });
        }
    }
}

/// When a branch's timers were last armed (their deadlines are the simulator's), and where
/// and when its register was last repaired: what the page draws, nothing decides by it.
#[derive(Copy, Clone, Debug, Default)]
pub(crate) struct Clock {
    pub election_armed: Tick,
    pub heartbeat_armed: Tick,
    pub repair: Option<(LogIndex, Tick)>,
}

/// The outputs of one replica step, reused between steps: always empty between them, so a
/// clone (a snapshot) starts empty too.
#[derive(Default)]
struct Scratch(Vec<Output>);

impl Clone for Scratch {
    fn clone(&self) -> Scratch {
        debug_assert!(self.0.is_empty(), "a simulation is cloned only between steps");
        Scratch::default()
    }
}

/// How long the clerks take over a certificate stamped at the door before it is filed
/// (`number-at-the-door`): a quarter of the time a customer waits for an answer.
pub(crate) fn paperwork_ms(config: &Config) -> u64 {
    (config.client_timeout_ms / 4).max(1)
}

fn load_interval(per_sec: u32) -> u64 {
    (1_000 / per_sec as u64).max(1)
}

/// A scenario runs on the simulator: the scenario format (`crate::scenario`) knows nothing
/// of it.
impl Scenario {
    /// A fresh simulation of this scenario (its seed, or `default_seed`), run to its end.
    pub fn run(&self, default_seed: u64) -> Result<Simulation, String> {
        let mut sim = Simulation::new(self.config.clone(), self.seed.unwrap_or(default_seed))?;
        self.replay(&mut sim)?;
        Ok(sim)
    }

    /// Plays this scenario's actions on `sim`, each at its tick, then runs to its end.
    pub fn replay(&self, sim: &mut Simulation) -> Result<(), String> {
        self.replay_with(sim, |sim, t| sim.run_until(t))
    }

    /// [`Scenario::replay`], with `advance(sim, t)` taking the run to each action's tick and
    /// to the end, so a caller may go there in steps (the CLI draws its progress between
    /// them). `advance` must end standing at `t` as `sim.run_until(t)` does: successive
    /// `run_until` calls make the same run as one, so the steps change nothing.
    pub fn replay_with(
        &self,
        sim: &mut Simulation,
        mut advance: impl FnMut(&mut Simulation, Tick),
    ) -> Result<(), String> {
        // A counterexample's steps, all at its moment, follow one another with nothing
        // happening between them or after them, as in the search's time (model.rs) and as the
        // page plays them: an event one of them schedules at its own tick (a deposed Main
        // Office's customers retrying at once) waits for the run to go on.
        let steps_from = self.actions.len() - self.counterexample.unwrap_or(0).min(self.actions.len());
        for (i, (t, a)) in self.actions.iter().enumerate() {
            if i < steps_from || *t > sim.now() {
                advance(sim, *t);
            }
            sim.act(a.clone()).map_err(|e| format!("@{} {a}: {e}", t.0))?;
        }
        if self.counterexample.is_none() || self.end() > sim.now() {
            advance(sim, self.end());
        }
        Ok(())
    }

    /// The tick a replay ends at: the scenario's `run` line, or one past its last action.
    pub fn end(&self) -> Tick {
        Tick(self.run_until.unwrap_or_else(|| self.actions.last().map_or(0, |(t, _)| t.0 + 1)))
    }
}

/// Kept for callers of the old path: [`Simulation::history`].
impl History {
    pub fn of(sim: &Simulation) -> History {
        sim.history()
    }
}
