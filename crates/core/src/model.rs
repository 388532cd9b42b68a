//! Bounded exhaustive model checking of the real replicas: breadth-first over every order in
//! which messages can arrive, every drop, every timeout, every customer's ask, at most
//! `crashes` fires and `partitions` floods, up to a depth; every state reached is checked by
//! the same `Monitor` the simulator uses, and each "always" property is paired with a
//! "sometimes" that the search must reach, so a check that cannot fail is noticed.
//!
//! ## Why a checker of our own rather than stateright
//! stateright 0.31 (crates.io) builds on rustc 1.95 and its `ActorModel` explores the same
//! kind of space (deliveries, drops, timers, crashes with `Storage`). Fitting it would still
//! mean an adapter around every part of our harness: `Replica::step` already *is* the
//! handler stateright asks for, but its outputs are not stateright's `Out` (a `Note` feeds
//! the checkers, an `Answer` goes to a customer at a desk, timers are reset rather than
//! named); the customers, the partitions and the `Monitor`'s history would have to become
//! actors or a message-only `History`; and its state must be `Hash + Eq`, which `Replica`
//! (with its `FxHashMap`) is not. The loop below is that adapter minus the framework: it
//! feeds `Replica::step` exactly as `Simulation::step_replica` does and applies the outputs
//! the same way, with no second copy of the protocol, and adds no dependency.
//!
//! ## What a state is
//! The replicas (every field), which branches are up, the flood (one isolated branch, or
//! none), the messages in flight as a multiset, each customer's attempts so far, the fault
//! budgets spent, and the `Monitor`. The monitor is part of the state because its properties
//! are about histories (who led which term, which Number went to whom, what customers were
//! told): it plays the history variables of a TLA+ spec, so merging two paths into one state
//! never hides what either path did.
//! States are deduplicated by a 64-bit fingerprint (as stateright does); with the few
//! million states here a collision is about a one in a million chance.
//!
//! ## How fast, and why (issue 13's performance; figures in BENCHMARKS.md)
//! - A fingerprint hashes the values (`std::hash::Hash` into `crate::fingerprint`'s hasher,
//!   the same on every platform), not their `Debug` image: formatting those strings was two
//!   thirds of the search. A hash map is hashed by its entries in no order, so its insertion
//!   history never splits a state (the branch's table of Numbers is not hashed at all: it is
//!   a function of the Numbers applied). The state count is what it was with `Debug`.
//! - Each branch's and the monitor's fingerprint is kept beside it and recomputed only when
//!   a step changes it; the records that grow with the run (`Chunked`: registers, Numbers,
//!   the monitor's per-slot tables) are shared between states in frozen chunks and pieces of
//!   32, each hashed once, so from a busy moment a step copies and hashes what it changed,
//!   not the run's history.
//! - A branch's own invariants are checked after a step for that branch only, from where its
//!   register changed (`State::branch_broken`).
//! - A step that leads to a state already seen (two in three) gives back the copies it made
//!   (`Spares`), and the next step writes into them: most steps allocate nothing.
//!
//! ## What is abstracted, and why it is sound
//! - Time: a timeout may fire at any moment (`now` is always 0), a superset of what the
//!   simulator's timers allow. The replicas read the clock only to label stale reads.
//! - A crash takes the branch down with only its disk left (`Replica::restart` runs at the
//!   crash, not at the restart: nothing reads a down branch, so both give the same states).
//!   Messages to a down branch stay in flight: they may arrive after it restarts.
//! - A flood isolates one branch both ways until healed; a message on a cut road is not
//!   delivered (it may be after the heal, as in the simulator, or be dropped).
//! - No duplication and no reads: duplicates and reads are the swarm's job; the Numbers
//!   are what the model check is for.
//! - Each customer has one need (one request ID) and carries it, in exactly-once mode, to
//!   any branch up to `attempts` times: the first ask and the retries.
//!
//! ## From a moment of a run ([`Search::at`], the page's "What could go wrong from here?")
//! The search may start from any moment of a simulation (`Simulation::moment`) instead of
//! the initial state: its replicas (a down branch as it will restart, from its disk), which
//! are up, its flood (any set of cut roads, which the search's `Heal` ends as it ends its
//! own), its messages in flight, its monitor with the whole history so far (so a break
//! that needs the past, a Number given twice across the moment, is seen), and its waiting
//! customers: each is a need whose request ID is the one they wait with, and which the
//! search may carry `attempts - 1` more times (retries), besides `customers` new customers
//! with fresh IDs. The run's config sets the branches, variants and path.
//!
//! The search's time is abstract, the run's is not, and the two meet only at the start:
//! every step happens at the moment's tick, a latency or a timer's deadline never orders
//! two steps, and a loss or a fire happens only as a step. So the search covers every
//! future of the moment in which, between its steps, nothing else happens, whatever the
//! latencies and timers; futures with more events than `max_depth` are not covered. A
//! counterexample is a list of [`Step`]s (deliver this message, lose that one, A's timer
//! fires, the fire at C, a customer asks), each narrated in words generated from the step
//! in the state it is taken in, replayable from the same moment by [`Search::replay`].
//!
//! ## A counterexample played on the simulator (decided 2026-12-08)
//! It is not a timed run: new seeded time could order the events differently. Each step
//! becomes a scripted action of the simulator, applied at the moment's tick with no event
//! between or after them (the timeline applies any tick's actions back to back, and
//! `Scenario::replay` a counterexample's steps, marked `counterexample N`), so the run stands
//! still while the steps happen, as the search's time does:
//! `Deliver` is `deliver N` (message N arrives now, whenever it was due), `Drop` is
//! `drop N`, the timers are `timeout X` and `heartbeat X`, `Crash`/`Restart` are
//! `kill X`/`restart X`, `Isolate`/`Heal` are `isolate X`/`heal`, `Decree` is `decree X`,
//! `File` is `file X cK-S`, and a customer's ask is `ask X cK` for a new customer's first
//! ask (the customer the search named, so the messages carry the same names) and
//! `retry cK-S X` for any later one. A message is named by its id in the run: the one in
//! flight on the same road with the same content ([`Search::moves`] gives each step's
//! message; `crate::counterexample` finds the ids by playing the steps on a copy of the run,
//! and checks that the run's checkers then report the same invariant). The steps are
//! recorded actions like any other, so the run's link with them (and `counterexample N`,
//! which marks the last N actions as the steps) replays the counterexample: on the page,
//! step by step on the same map, and in `nextnumber run --link`. What the simulator adds
//! of its own between two steps can part the two ways (a customer told "not the Main
//! Office, try B" walks to B at once; a message lost to the run's random loss): then the
//! counterexample says it cannot be played rather than play something else.
//! Sometimes-properties count from the moment: one is reached when the search adds to the
//! moment's count (a Number issued, a leader taking office, a retry answered).

use crate::check::{Invariant, Monitor};
use crate::config::{Config, RequestPath, Variant};
use crate::fingerprint::{self, Fp};
use crate::ids::*;
use crate::msg::{Answer, Ask, Message, Op};
use crate::replica::{Checked, Input, Note, Output, Replica, Role};
use crate::scenario::Scenario;
use crate::sim::Moment;
use crate::timeline::Timeline;
use rustc_hash::FxHashSet;
use std::cell::RefCell;
use std::fmt;
use std::hash::Hasher;
use std::sync::Arc;

/// How far the search goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub branches: usize,
    pub variants: Vec<Variant>,
    /// The request path (issue 12): `direct` adds the filers' confirmations to the space.
    pub path: RequestPath,
    pub customers: u32,
    /// Asks per customer: the first one and its retries (same request ID).
    pub attempts: u32,
    pub crashes: u8,
    pub partitions: u8,
    /// Decrees (`decree X`, a higher authority naming the Main Office) along a path. None in
    /// the standard model, whose pinned state counts predate them.
    pub decrees: u8,
    /// Whether a message may be lost. Losing one is never needed to break a safety property
    /// (a message never delivered does as much), but it is part of the state space asked for.
    pub drops: bool,
    /// Whether a leader's heartbeat timer may fire (it resends its Appends).
    pub heartbeats: bool,
    /// No branch stands for election beyond this term (None: no limit but the depth). Like
    /// the depth, a bound on the paths explored: it lets a search go deeper in the same time.
    pub max_term: Option<u64>,
    /// Actions along a path.
    pub max_depth: usize,
    /// Stop (unfinished) past this many unique states, to bound memory: the cap on
    /// fingerprints, each [`FINGERPRINT_BYTES`] in the seen-set at most.
    pub max_states: usize,
}

impl Bounds {
    /// The issue's model: 3 branches, 2 customers, at most 1 crash and 1 partition, drops.
    pub fn standard(max_depth: usize) -> Bounds {
        Bounds {
            branches: 3,
            variants: Vec::new(),
            path: RequestPath::Forward,
            customers: 2,
            attempts: 2,
            crashes: 1,
            partitions: 1,
            decrees: 0,
            drops: true,
            heartbeats: true,
            max_term: None,
            max_depth,
            max_states: 20_000_000,
        }
    }

    /// A smaller model for the fast checks in `make test`: one customer, no flood, no lost
    /// messages (never needed to break safety: a message never delivered does as much), no
    /// heartbeats, terms up to 2.
    pub fn small(max_depth: usize) -> Bounds {
        Bounds {
            customers: 1,
            partitions: 0,
            drops: false,
            heartbeats: false,
            max_term: Some(2),
            ..Bounds::standard(max_depth)
        }
    }

    pub fn with_variant(mut self, v: Variant) -> Bounds {
        self.variants = vec![v];
        self
    }

    pub fn with_path(mut self, path: RequestPath) -> Bounds {
        self.path = path;
        self
    }

    pub fn with_decrees(mut self, decrees: u8) -> Bounds {
        self.decrees = decrees;
        self
    }
}

/// The bytes a fingerprint takes in the seen-set at worst: 8 and a control byte per slot of a
/// hash set that fills 7/8 of its slots before it doubles, so right after doubling 9 bytes
/// per 7/16 of a slot, 21 (the old slots are freed once moved). The frontier of states is
/// on top of this: at most the states of one level and the next, most of each shared with
/// its parent (BENCHMARKS.md, "The model check", has the memory measured).
pub const FINGERPRINT_BYTES: usize = 21;

/// The "sometimes" properties, each paired with the "always" ones it makes meaningful.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Sometimes {
    /// A Number was issued: Unique, Gapless, Agreement are about something.
    NumberIssued,
    /// A second leader took office: Election Safety, Durable, Log Matching are tested.
    LeaderChanged,
    /// A retry was answered with its earlier Number: Idempotent is tested.
    RetryGotItsNumber,
}

pub const ALL_SOMETIMES: [Sometimes; 3] =
    [Sometimes::NumberIssued, Sometimes::LeaderChanged, Sometimes::RetryGotItsNumber];

/// A shortest path to a state that breaks a property.
#[derive(Clone, Debug)]
pub struct Counterexample {
    pub depth: usize,
    /// Unique states found when it was found: how fast the search caught it.
    pub states: usize,
    /// The monitor's invariant broken; None for a replica's own invariant (named in `violation`).
    pub invariant: Option<Invariant>,
    pub violation: String,
    /// Each step in words.
    pub steps: Vec<String>,
    /// The steps themselves, to replay from the same start ([`Search::replay`]).
    pub path: Vec<Step>,
}

impl fmt::Display for Counterexample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} (depth {}, after {} states):", self.violation, self.depth, self.states)?;
        for (i, s) in self.steps.iter().enumerate() {
            writeln!(f, "  {:>2}. {s}", i + 1)?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug)]
pub struct Report {
    pub bounds: Bounds,
    /// Unique states, the initial one included.
    pub states: usize,
    /// Successors computed (before deduplication).
    pub transitions: u64,
    /// New unique states found at each depth (index 0: the initial state).
    pub per_depth: Vec<usize>,
    /// The depth at which each sometimes-property was first reached (ALL_SOMETIMES order).
    pub sometimes: [Option<usize>; 3],
    pub violation: Option<Counterexample>,
    /// True if the search stopped at `max_states` before `max_depth`.
    pub truncated: bool,
}

impl Sometimes {
    /// In the essay's words, for the page's summary.
    pub fn words(self) -> &'static str {
        match self {
            Sometimes::NumberIssued => "a Number issued",
            Sometimes::LeaderChanged => "a leader changed",
            Sometimes::RetryGotItsNumber => "a retry answered",
        }
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

impl Report {
    /// One sentence on the outcome, for a reader: what broke and how soon, or what was
    /// covered (with the sometimes-properties reached and never reached, so a vacuous check
    /// shows as such), or where the cap stopped it.
    pub fn summary(&self) -> String {
        let states = thousands(self.states);
        let mut text = match &self.violation {
            Some(c) if c.depth == 0 => format!("already broken at this moment: {}", c.violation),
            Some(c) => {
                let steps = if c.depth == 1 { "step" } else { "steps" };
                format!("{} in {} {steps} (found after {} states)", c.violation, c.depth, thousands(c.states))
            }
            None if self.truncated => format!(
                "no violation in {} states, but the search stopped at its cap of {} fingerprints (about {} MB) \
                 before finishing {} steps: lower the bounds or raise the cap",
                states,
                thousands(self.bounds.max_states),
                (self.bounds.max_states * FINGERPRINT_BYTES).div_ceil(1 << 20),
                self.depth() + 1
            ),
            None => format!("no violation within {} steps: {} states", self.depth(), states),
        };
        let words = |reached: bool| -> Vec<&str> {
            ALL_SOMETIMES.iter().filter(|s| self.reached(**s).is_some() == reached).map(|s| s.words()).collect()
        };
        if self.violation.is_none() {
            let (reached, never) = (words(true), words(false));
            if !reached.is_empty() {
                text += &format!("; reached: {}", reached.join(", "));
            }
            if !never.is_empty() {
                text += &format!("; never reached: {} (what depends on it was not tested)", never.join(", "));
            }
        }
        text
    }

    /// The deepest level searched completely.
    pub fn depth(&self) -> usize {
        self.per_depth.len().saturating_sub(1)
    }

    pub fn reached(&self, s: Sometimes) -> Option<usize> {
        self.sometimes[s as usize]
    }

    /// Sometimes-properties the search never reached: a vacuous "always".
    pub fn unreached(&self) -> Vec<Sometimes> {
        ALL_SOMETIMES.into_iter().filter(|s| self.reached(*s).is_none()).collect()
    }
}

impl fmt::Display for Bounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} branches", self.branches)?;
        for v in &self.variants {
            write!(f, " ({v})")?;
        }
        if !self.path.is_forward() {
            write!(f, " (path {})", self.path)?;
        }
        write!(
            f,
            ", {} customers x {} asks, {} crash, {} partition, drops {}, heartbeats {}",
            self.customers,
            self.attempts,
            self.crashes,
            self.partitions,
            if self.drops { "on" } else { "off" },
            if self.heartbeats { "on" } else { "off" },
        )?;
        if self.decrees > 0 {
            write!(f, ", {} decree", self.decrees)?;
        }
        if let Some(t) = self.max_term {
            write!(f, ", terms <= {t}")?;
        }
        write!(f, ", depth <= {}", self.max_depth)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "model check [{}]: ", self.bounds)?;
        match &self.violation {
            Some(c) => write!(f, "caught at depth {} after {} states", c.depth, c.states)?,
            None => write!(f, "depth {} complete, {} states", self.depth(), self.states)?,
        }
        write!(f, ", {} transitions", self.transitions)?;
        if self.truncated {
            write!(
                f,
                " (stopped at the cap of {} fingerprints, about {} MB, before depth {} was complete: lower the bounds or raise the cap)",
                self.bounds.max_states,
                (self.bounds.max_states * FINGERPRINT_BYTES).div_ceil(1 << 20),
                self.depth() + 1
            )?;
        }
        let reached: Vec<String> = ALL_SOMETIMES
            .iter()
            .map(|s| match self.reached(*s) {
                Some(d) => format!("{s:?} at depth {d}"),
                None => format!("{s:?} never"),
            })
            .collect();
        write!(f, "; sometimes: {}", reached.join(", "))?;
        if let Some(c) = &self.violation {
            write!(f, "\n{c}")?;
        }
        Ok(())
    }
}

/// One action of the search. `Deliver` and `Drop` name a message by its place in the
/// state's (canonically ordered) in-flight list, so a path means something only from the
/// start it was found from ([`Search::replay`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Deliver(u32),
    Drop(u32),
    ElectionTimeout(NodeId),
    HeartbeatTimeout(NodeId),
    Ask(ClientId, NodeId),
    /// A customer stamped at this branch's door is done with the paperwork
    /// (`number-at-the-door`). Never taking this step is the customer who walks away.
    File(NodeId, RequestId),
    /// A higher authority names this branch the Main Office, in a term above all in use.
    Decree(NodeId),
    Crash(NodeId),
    Restart(NodeId),
    Isolate(NodeId),
    Heal,
}

/// A step in the simulator's terms ([`Search::moves`]): the message it moves, or the
/// customer who asks and whether it is their first ask.
#[derive(Clone, Debug, PartialEq)]
pub enum Move {
    /// Deliver (or, if not `deliver`, lose) the message in flight from `from` to `to`.
    Message {
        deliver: bool,
        from: NodeId,
        to: NodeId,
        msg: Message,
    },
    Ask {
        client: ClientId,
        request: RequestId,
        branch: NodeId,
        first: bool,
    },
    /// Timers, fires, floods, decrees and filings: the same in both.
    Other(Step),
}

struct Envelope {
    from: NodeId,
    to: NodeId,
    msg: Message,
    fp: u64,
}

impl Envelope {
    fn new(from: NodeId, to: NodeId, msg: Message) -> Envelope {
        let fp = fingerprint::of(&(from, to, &msg));
        Envelope { from, to, msg, fp }
    }
}

/// The path to a state, shared with its siblings: only printed for a counterexample.
struct Trail {
    parent: Option<Arc<Trail>>,
    step: Step,
}

/// The model's whole world. Replicas, messages and the monitor sit behind `Arc`s: a
/// successor copies pointers and clones only what its step changes.
struct State {
    replicas: Vec<Arc<Replica>>,
    replica_fp: Vec<u64>,
    up: Vec<bool>,
    isolated: Option<NodeId>,
    /// The run's own cut links (`from * branches + to`) while its flood lasts; the search's
    /// `Heal` ends it as it ends the search's own flood.
    run_cut: Option<Arc<[bool]>>,
    crashes: u8,
    partitions: u8,
    decrees: u8,
    /// Asks made by the search, per need (`Model::needs`).
    attempts: Vec<u32>,
    /// Sorted by fingerprint: a canonical order for a multiset.
    in_flight: Vec<Arc<Envelope>>,
    monitor: Arc<Monitor>,
    monitor_fp: u64,
    trail: Option<Arc<Trail>>,
    /// A branch's own invariant broken, if any: of every branch in the start state, then of
    /// the branch the last step changed (the others are as they were in the state before,
    /// which was whole, or the search would have stopped there). Checked from where that
    /// branch's register changed, not from its first entry: from a busy moment of a run,
    /// checking every branch's whole register at every state was a sixth of the search.
    branch_broken: Option<String>,
}

/// Field by field; `clone_from` reuses this state's lists (see [`Spares`]). Every field is
/// named, so a new one cannot be forgotten here.
impl Clone for State {
    fn clone(&self) -> State {
        let mut t = State {
            replicas: Vec::new(),
            replica_fp: Vec::new(),
            up: Vec::new(),
            isolated: None,
            run_cut: None,
            crashes: 0,
            partitions: 0,
            decrees: 0,
            attempts: Vec::new(),
            in_flight: Vec::new(),
            monitor: Arc::clone(&self.monitor),
            monitor_fp: 0,
            trail: None,
            branch_broken: None,
        };
        t.clone_from(self);
        t
    }

    fn clone_from(&mut self, source: &State) {
        let State {
            replicas,
            replica_fp,
            up,
            isolated,
            run_cut,
            crashes,
            partitions,
            decrees,
            attempts,
            in_flight,
            monitor,
            monitor_fp,
            trail,
            branch_broken,
        } = source;
        self.replicas.clone_from(replicas);
        self.replica_fp.clone_from(replica_fp);
        self.up.clone_from(up);
        self.isolated = *isolated;
        self.run_cut.clone_from(run_cut);
        self.crashes = *crashes;
        self.partitions = *partitions;
        self.decrees = *decrees;
        self.attempts.clone_from(attempts);
        self.in_flight.clone_from(in_flight);
        self.monitor.clone_from(monitor);
        self.monitor_fp = *monitor_fp;
        self.trail.clone_from(trail);
        self.branch_broken.clone_from(branch_broken);
    }
}

/// What the search made for steps that led to states already seen (two in three steps do, in
/// the standard model): the states themselves, and the copies of the branch and the monitor
/// that each step wrote. The next step's copies are written into them (`clone_from`), so most
/// steps allocate nothing: allocating and freeing those copies was about half of the search's
/// time natively, and more in the browser (wasm's allocator is slower).
#[derive(Default)]
struct Spares {
    states: Vec<State>,
    replicas: Vec<Arc<Replica>>,
    monitors: Vec<Arc<Monitor>>,
    /// A replica step's outputs.
    out: Vec<Output>,
}

/// Spares kept of each kind: one step's worth is all that is ever reused at once.
const SPARES_MAX: usize = 4;

/// One customer's need: a request the search may carry to any branch `asks` times.
struct Need {
    client: ClientId,
    request: RequestId,
    /// The customer's attempts before the search began: the search's asks number on from it.
    attempts_before: u32,
    asks: u32,
}

struct Model {
    bounds: Bounds,
    config: Config,
    /// The time every step happens at (see the module comment): the moment's.
    now: Tick,
    needs: Vec<Need>,
    /// Per customer of the run, the request `seq` of each of its attempts (`Moment`).
    attempt_seqs: Vec<Vec<u32>>,
    /// The moment's sometimes-counts: a property is reached when the search adds to them.
    base: crate::check::Sometimes,
    start: State,
    /// Recycled copies (a `RefCell`: the model's methods read it, and only the search's
    /// own thread ever touches it).
    spares: RefCell<Spares>,
}

impl Model {
    /// The initial state: every branch fresh, one need per customer.
    fn initial(bounds: &Bounds) -> Model {
        let config = Config {
            branches: bounds.branches,
            variants: bounds.variants.clone(),
            path: bounds.path,
            ..Config::default()
        };
        let n = bounds.branches;
        let needs = (1..=bounds.customers)
            .map(|c| Need {
                client: ClientId(c),
                request: RequestId { client: ClientId(c), seq: 1 },
                attempts_before: 0,
                asks: bounds.attempts,
            })
            .collect();
        let replicas = NodeId::all(n).map(|id| Replica::new(id, &config)).collect();
        let start = State::new(replicas, vec![true; n], None, Vec::new(), Monitor::new(n), bounds.customers as usize);
        Model {
            bounds: bounds.clone(),
            config,
            now: Tick(0),
            needs,
            attempt_seqs: Vec::new(),
            base: Default::default(),
            start,
            spares: RefCell::default(),
        }
    }

    /// A moment of a run: its branches (a down one as it will restart: from its disk), its
    /// flood, its messages in flight, its waiting customers (each may retry `attempts - 1`
    /// times) and `customers` new ones, and its monitor with the history so far.
    fn at(config: &Config, m: Moment, bounds: &Bounds) -> Model {
        let bounds = Bounds {
            branches: config.branches,
            variants: config.variants.clone(),
            path: config.path,
            ..bounds.clone()
        };
        let waiting = m.waiting.iter().map(|&(client, request)| Need {
            client,
            request,
            attempts_before: m.attempt_seqs.get(client.0 as usize - 1).map_or(0, |a| a.len() as u32),
            asks: bounds.attempts.saturating_sub(1),
        });
        let first_new = m.attempt_seqs.len() as u32 + 1;
        let fresh = (first_new..first_new + bounds.customers).map(|c| Need {
            client: ClientId(c),
            request: RequestId { client: ClientId(c), seq: 1 },
            attempts_before: 0,
            asks: bounds.attempts,
        });
        let needs: Vec<Need> = waiting.chain(fresh).collect();
        let replicas = m.replicas.into_iter().zip(&m.up).map(|(mut r, up)| {
            if !up {
                r.restart(config);
            }
            r
        });
        let run_cut = m.cut.iter().any(|c| *c).then(|| Arc::from(m.cut));
        let start = State::new(replicas.collect(), m.up, run_cut, m.in_flight, m.monitor, needs.len());
        let base = start.monitor.sometimes();
        Model {
            bounds,
            config: config.clone(),
            now: m.now,
            needs,
            attempt_seqs: m.attempt_seqs,
            base,
            start,
            spares: RefCell::default(),
        }
    }

    fn fingerprint(&self, s: &State) -> u64 {
        let mut h = Fp::new();
        for (fp, up) in s.replica_fp.iter().zip(&s.up) {
            h.write_u64(*fp);
            h.write_u8(*up as u8);
        }
        h.write_u8(s.isolated.map_or(u8::MAX, |b| b.0));
        h.write_u8(s.crashes);
        h.write_u8(s.partitions);
        if self.bounds.decrees > 0 {
            h.write_u8(s.decrees); // only then: the other models' fingerprints stay as they were
        }
        if s.run_cut.is_some() {
            h.write_u8(1); // only then, likewise: whether the run's flood still stands
        }
        for a in &s.attempts {
            h.write_u32(*a);
        }
        h.write_u64(s.monitor_fp);
        h.write_usize(s.in_flight.len());
        for e in &s.in_flight {
            h.write_u64(e.fp);
        }
        h.finish()
    }

    fn cut(&self, s: &State, a: NodeId, b: NodeId) -> bool {
        s.isolated.is_some_and(|i| i == a || i == b)
            || s.run_cut.as_ref().is_some_and(|c| c[a.index() * self.bounds.branches + b.index()])
    }

    fn steps(&self, s: &State, out: &mut Vec<Step>) {
        let b = &self.bounds;
        for (i, e) in s.in_flight.iter().enumerate() {
            // Two copies of one message lead to the same states: try the first.
            if i > 0 && s.in_flight[i - 1].fp == e.fp {
                continue;
            }
            if s.up[e.to.index()] && !self.cut(s, e.from, e.to) {
                out.push(Step::Deliver(i as u32));
            }
            if b.drops {
                out.push(Step::Drop(i as u32));
            }
        }
        for id in NodeId::all(b.branches) {
            if s.up[id.index()] {
                let r = &s.replicas[id.index()];
                // A leader's election timer checks its quorum; anyone else's starts a term.
                if r.role == Role::Leader || b.max_term.is_none_or(|t| r.disk.term.0 < t) {
                    out.push(Step::ElectionTimeout(id));
                }
                if r.role == Role::Leader && b.heartbeats {
                    out.push(Step::HeartbeatTimeout(id));
                }
            }
        }
        for (need, &a) in self.needs.iter().zip(&s.attempts) {
            if a < need.asks {
                // An ask at a closed branch changes nothing but the customer's count.
                for id in NodeId::all(b.branches).filter(|id| s.up[id.index()]) {
                    out.push(Step::Ask(need.client, id));
                }
            }
        }
        for id in NodeId::all(b.branches).filter(|id| s.up[id.index()]) {
            out.extend(s.replicas[id.index()].at_door.iter().map(|(r, ..)| Step::File(id, *r)));
            if s.decrees < b.decrees && s.replicas[id.index()].role != Role::Leader {
                out.push(Step::Decree(id));
            }
        }
        for id in NodeId::all(b.branches) {
            if !s.up[id.index()] {
                out.push(Step::Restart(id));
            } else if s.crashes < b.crashes {
                out.push(Step::Crash(id));
            }
        }
        match s.isolated {
            Some(_) => out.push(Step::Heal),
            None if s.run_cut.is_some() => out.push(Step::Heal),
            None if s.partitions < b.partitions => out.extend(NodeId::all(b.branches).map(Step::Isolate)),
            None => {}
        }
    }

    fn need(&self, client: ClientId) -> usize {
        self.needs.iter().position(|n| n.client == client).expect("a step asks only for a need of the model")
    }

    /// Applies one step, as the simulator would.
    fn apply(&self, s: &mut State, step: Step) {
        match step {
            Step::Deliver(i) => {
                let e = s.in_flight.remove(i as usize);
                let (from, to) = (e.from, e.to);
                let msg = Arc::try_unwrap(e).map_or_else(|e| e.msg.clone(), |e| e.msg);
                self.step_replica(s, to, Input::Message { from, msg });
            }
            Step::Drop(i) => {
                s.in_flight.remove(i as usize);
            }
            Step::ElectionTimeout(id) => self.step_replica(s, id, Input::ElectionTimeout),
            Step::HeartbeatTimeout(id) => self.step_replica(s, id, Input::HeartbeatTimeout),
            Step::Ask(client, id) => {
                let k = self.need(client);
                s.attempts[k] += 1;
                let need = &self.needs[k];
                let ask = Ask { client, attempt: need.attempts_before + s.attempts[k], op: Op::Issue(need.request) };
                self.step_replica(s, id, Input::Ask(ask));
            }
            Step::File(id, request) => self.step_replica(s, id, Input::File(request)),
            Step::Decree(id) => {
                s.decrees += 1;
                let term = Term(s.replicas.iter().map(|r| r.disk.term.0).max().unwrap_or(0) + 1);
                self.step_replica(s, id, Input::Decree { term });
            }
            Step::Crash(id) => {
                s.crashes += 1;
                s.up[id.index()] = false;
                let r = self.replica_mut(&mut s.replicas[id.index()]);
                r.restart(&self.config);
                s.replica_fp[id.index()] = fingerprint::of(&*r);
                s.branch_broken = r.invariants().err();
                self.monitor_mut(&mut s.monitor).on_crash(id);
                s.monitor_fp = fingerprint::of(&*s.monitor);
            }
            Step::Restart(id) => s.up[id.index()] = true,
            Step::Isolate(id) => {
                s.partitions += 1;
                s.isolated = Some(id);
            }
            Step::Heal => {
                s.isolated = None;
                s.run_cut = None;
            }
        }
    }

    /// The request an answer to `client`'s `attempt` belongs to: the need's for an ask of
    /// the search, else the one the run made that attempt for.
    fn request_answered(&self, client: ClientId, attempt: u32) -> Option<RequestId> {
        let need = self.needs.iter().find(|n| n.client == client && attempt > n.attempts_before);
        if let Some(n) = need {
            return Some(n.request);
        }
        let seq =
            *self.attempt_seqs.get((client.0 as usize).checked_sub(1)?)?.get((attempt as usize).checked_sub(1)?)?;
        Some(RequestId { client, seq })
    }

    /// `Simulation::step_replica` and `apply_output`, minus the clock and the PRNG.
    fn step_replica(&self, s: &mut State, id: NodeId, input: Input) {
        let mut out = std::mem::take(&mut self.spares.borrow_mut().out);
        let r = self.replica_mut(&mut s.replicas[id.index()]);
        // What `invariants_from` need not check again: the register up to where this step
        // changed it (`Note::LogChanged`), the Numbers applied before it (only ever added).
        let mut checked = Checked { log: r.disk.log.len(), numbers: r.register.sequence.len() };
        r.step(self.now, input, &mut out);
        s.replica_fp[id.index()] = fingerprint::of(&*r);
        let mut monitor_changed = false;
        for o in out.drain(..) {
            if let Output::Note(Note::LogChanged { from }) = o {
                checked.log = checked.log.min((from.0 as usize).saturating_sub(1));
            }
            match o {
                Output::Send { to, msg } => {
                    if !self.cut(s, id, to) {
                        s.send(Envelope::new(id, to, msg));
                    }
                }
                Output::Answer { client, attempt, answer: Answer::Number { number }, .. } => {
                    let request = self.request_answered(client, attempt);
                    let request = request.expect("every attempt answered was made by the run or the search");
                    self.monitor_mut(&mut s.monitor).on_number(self.now, request, number);
                    monitor_changed = true;
                }
                Output::Note(note) => {
                    // Only these notes reach the monitor's state (`Monitor::observe`).
                    let seen = matches!(
                        note,
                        Note::BecameLeader { .. }
                            | Note::LogChanged { .. }
                            | Note::Committed { .. }
                            | Note::Applied { request: Some(_), number: Some(_), .. }
                    );
                    if seen {
                        self.monitor_mut(&mut s.monitor).observe(self.now, &s.replicas[id.index()], note);
                        monitor_changed = true;
                    }
                }
                Output::Answer { .. } | Output::ResetElectionTimer | Output::SetHeartbeatTimer => {}
            }
        }
        if monitor_changed {
            s.monitor_fp = fingerprint::of(&*s.monitor);
        }
        self.spares.borrow_mut().out = out;
        s.branch_broken = s.replicas[id.index()].invariants_from(checked).err();
    }

    /// The branch to write, copied first (into a spare if there is one) if another state
    /// shares it: `Arc::make_mut`, minus the allocation.
    fn replica_mut<'a>(&self, slot: &'a mut Arc<Replica>) -> &'a mut Replica {
        if Arc::get_mut(slot).is_none() {
            if let Some(mut spare) = self.spares.borrow_mut().replicas.pop() {
                Arc::get_mut(&mut spare).expect("no state holds a spare").clone_from(slot);
                *slot = spare;
            }
        }
        Arc::make_mut(slot)
    }

    /// The monitor to write, likewise.
    fn monitor_mut<'a>(&self, slot: &'a mut Arc<Monitor>) -> &'a mut Monitor {
        if Arc::get_mut(slot).is_none() {
            if let Some(mut spare) = self.spares.borrow_mut().monitors.pop() {
                Arc::get_mut(&mut spare).expect("no state holds a spare").clone_from(slot);
                *slot = spare;
            }
        }
        Arc::make_mut(slot)
    }

    /// A copy of `s` to take a step from, written into a spare state if there is one.
    fn copy(&self, s: &State) -> State {
        match self.spares.borrow_mut().states.pop() {
            Some(mut t) => {
                t.clone_from(s);
                t
            }
            None => s.clone(),
        }
    }

    /// Keeps what `t`, a successor of `s` that was already seen, wrote: the copies its step
    /// made (held by no other state) and its lists.
    fn recycle(&self, mut t: State, s: &State) {
        let mut spares = self.spares.borrow_mut();
        for (mine, theirs) in t.replicas.iter_mut().zip(&s.replicas) {
            if Arc::get_mut(mine).is_some() && spares.replicas.len() < SPARES_MAX {
                spares.replicas.push(std::mem::replace(mine, Arc::clone(theirs)));
            }
        }
        if Arc::get_mut(&mut t.monitor).is_some() && spares.monitors.len() < SPARES_MAX {
            spares.monitors.push(std::mem::replace(&mut t.monitor, Arc::clone(&s.monitor)));
        }
        if spares.states.len() < SPARES_MAX {
            // Let go of the messages now: an envelope only this state held goes with it.
            t.in_flight.clear();
            spares.states.push(t);
        }
    }

    /// An "always" property broken in `s`, if any: every checker of the monitor, and each
    /// replica's own invariants.
    fn broken(&self, s: &State) -> Option<String> {
        self.broken_invariant(s).map(|(_, text)| text)
    }

    /// The same, with the monitor's invariant (None: a replica's own invariant).
    fn broken_invariant(&self, s: &State) -> Option<(Option<Invariant>, String)> {
        if let Some(v) = s.monitor.violations().first() {
            // Not `Violation`'s Display: every step here happens at one moment.
            return Some((Some(v.invariant), format!("{} violated: {}", v.invariant.code(), v.detail)));
        }
        s.branch_broken.clone().map(|text| (None, text))
    }

    /// Each sometimes-property, reached when the search adds to the moment's count (from
    /// the initial state, a leader changing means a second one taking office).
    fn sometimes(&self, s: &State) -> [bool; 3] {
        let (m, b) = (s.monitor.sometimes(), &self.base);
        [
            m.numbers_issued > b.numbers_issued,
            m.leaders_elected >= (b.leaders_elected + 1).max(2),
            m.retries_answered > b.retries_answered,
        ]
    }

    /// A step in the essay's words with the field's beside them, made from the step and the
    /// state it is taken in (the message it moves, the try a customer is on).
    fn describe(&self, s: &State, step: Step) -> String {
        match step {
            Step::Deliver(i) => {
                let e = &s.in_flight[i as usize];
                format!("{} receives {} from {} ({})", e.to, message_words(&e.msg), e.from, e.msg)
            }
            Step::Drop(i) => {
                let e = &s.in_flight[i as usize];
                format!("{} from {} to {} is lost on the road ({})", message_words(&e.msg), e.from, e.to, e.msg)
            }
            Step::ElectionTimeout(id) if s.replicas[id.index()].role == Role::Leader => {
                format!("{id}'s election timer fires: as the Main Office it checks that it still reaches a majority")
            }
            Step::ElectionTimeout(id) => format!("{id}'s election timer fires: it stands for election in a new term"),
            Step::HeartbeatTimeout(id) => format!("{id}'s heartbeat timer fires: the Main Office resends its register"),
            Step::Ask(c, id) => {
                let k = self.need(c);
                format!(
                    "customer {c} asks at {id} for a Number (request {}, try {})",
                    self.needs[k].request,
                    s.attempts[k] + 1
                )
            }
            Step::File(id, r) => format!("{id} files request {r}, stamped at its door"),
            Step::Decree(id) => format!("a decree names {id} the Main Office"),
            Step::Crash(id) => format!("fire at {id}: the branch burns down, only its disk is left"),
            Step::Restart(id) => format!("{id} reopens, recovering its term, vote and register from disk"),
            Step::Isolate(id) => format!("flood: {id} is cut off both ways"),
            Step::Heal => "the flood recedes: every road is open again".to_string(),
        }
    }

    /// What `step` does in `s`, in the simulator's terms.
    fn move_of(&self, s: &State, step: Step) -> Move {
        match step {
            Step::Deliver(i) | Step::Drop(i) => {
                let e = &s.in_flight[i as usize];
                let (from, to, msg) = (e.from, e.to, e.msg.clone());
                let deliver = matches!(step, Step::Deliver(_));
                Move::Message { deliver, from, to, msg }
            }
            Step::Ask(client, branch) => {
                let k = self.need(client);
                let need = &self.needs[k];
                let first = need.attempts_before + s.attempts[k] == 0;
                Move::Ask { client, request: need.request, branch, first }
            }
            other => Move::Other(other),
        }
    }

    /// Replays a path from the start, describing each step.
    fn explain(&self, path: &[Step]) -> Vec<String> {
        let mut s = self.start.clone();
        path.iter()
            .map(|&step| {
                let line = self.describe(&s, step);
                self.apply(&mut s, step);
                line
            })
            .collect()
    }
}

impl State {
    fn new(
        replicas: Vec<Replica>,
        up: Vec<bool>,
        run_cut: Option<Arc<[bool]>>,
        in_flight: Vec<(NodeId, NodeId, Message)>,
        monitor: Monitor,
        needs: usize,
    ) -> State {
        let mut s = State {
            branch_broken: replicas.iter().find_map(|r| r.invariants().err()),
            replica_fp: replicas.iter().map(fingerprint::of).collect(),
            replicas: replicas.into_iter().map(Arc::new).collect(),
            up,
            isolated: None,
            run_cut,
            crashes: 0,
            partitions: 0,
            decrees: 0,
            attempts: vec![0; needs],
            in_flight: Vec::new(),
            monitor_fp: fingerprint::of(&monitor),
            monitor: Arc::new(monitor),
            trail: None,
        };
        for (from, to, msg) in in_flight {
            s.send(Envelope::new(from, to, msg));
        }
        s
    }

    fn send(&mut self, e: Envelope) {
        let at = self.in_flight.partition_point(|x| x.fp < e.fp);
        self.in_flight.insert(at, Arc::new(e));
    }

    fn path(&self) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut t = self.trail.clone();
        while let Some(node) = t {
            steps.push(node.step);
            t = node.parent.clone();
        }
        steps.reverse();
        steps
    }
}

/// What a message is, in the essay's words.
pub fn message_words(msg: &Message) -> String {
    match msg {
        Message::RequestVote { term, .. } => format!("a request for votes in term {}", term.0),
        Message::Vote { term, granted: true } => format!("a vote in term {}", term.0),
        Message::Vote { term, granted: false } => format!("a vote refused in term {}", term.0),
        Message::Append(a) if a.entries.is_empty() => format!("the Main Office's heartbeat (term {})", a.term.0),
        Message::Append(a) => format!("{} register entries (term {})", a.entries.len(), a.term.0),
        Message::AppendAck { success: true, .. } => "a filing acknowledged".to_string(),
        Message::AppendAck { .. } => "a filing refused".to_string(),
        Message::Forward(ask) => format!("customer {}'s request, forwarded", ask.client),
        Message::Reply { client, answer, .. } => format!("the answer for customer {client} ({answer})"),
        Message::Confirm { .. } => "a confirmation that an entry is filed".to_string(),
    }
}

/// How far a search has gone: what a caller reports between slices.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The level being searched: every state at fewer steps has been expanded.
    pub depth: usize,
    pub states: usize,
    pub transitions: u64,
    pub done: bool,
}

/// A breadth-first search that runs in slices ([`Search::step`]), so a caller (the page's
/// worker) can report progress between them and stop whenever it likes.
pub struct Search {
    model: Model,
    seen: FxHashSet<u64>,
    /// The states at `depth - 1` not yet expanded (dropped as they are), and the new
    /// successors of those that were.
    level: std::vec::IntoIter<State>,
    next: Vec<State>,
    depth: usize,
    report: Report,
    done: bool,
}

impl Search {
    /// From the initial state: every branch fresh, one need per customer.
    pub fn new(bounds: &Bounds) -> Search {
        Search::from_model(Model::initial(bounds))
    }

    /// From a moment of a run (`Simulation::moment`), with the run's config: its branches,
    /// variants and path replace those of `bounds`.
    pub fn at(config: &Config, moment: Moment, bounds: &Bounds) -> Search {
        Search::from_model(Model::at(config, moment, bounds))
    }

    fn from_model(model: Model) -> Search {
        let start = model.start.clone();
        let mut seen = FxHashSet::default();
        seen.insert(model.fingerprint(&start));
        let report = Report {
            bounds: model.bounds.clone(),
            states: 1,
            transitions: 0,
            per_depth: vec![1],
            sometimes: [None; 3],
            violation: None,
            truncated: false,
        };
        let mut search =
            Search { model, seen, level: vec![start].into_iter(), next: Vec::new(), depth: 1, report, done: false };
        // A moment may already be broken: that is the shortest counterexample, of no steps.
        if let Some((invariant, violation)) = search.model.broken_invariant(&search.model.start) {
            let c = Counterexample { depth: 0, states: 1, invariant, violation, steps: vec![], path: vec![] };
            search.report.violation = Some(c);
            search.done = true;
        }
        search.done |= search.model.bounds.max_depth == 0;
        search
    }

    /// Expands at most `budget` states, then says how far the search has gone.
    pub fn step(&mut self, budget: usize) -> Progress {
        let mut steps = Vec::new();
        for _ in 0..budget {
            if self.done {
                break;
            }
            let Some(s) = self.level.next() else {
                self.end_level();
                continue;
            };
            self.expand(&s, &mut steps);
            if !self.done && self.seen.len() > self.model.bounds.max_states {
                self.report.truncated = true;
                self.report.states = self.seen.len();
                self.done = true;
            }
        }
        self.progress()
    }

    pub fn progress(&self) -> Progress {
        Progress { depth: self.depth, states: self.seen.len(), transitions: self.report.transitions, done: self.done }
    }

    fn expand(&mut self, s: &State, steps: &mut Vec<Step>) {
        let (model, depth) = (&self.model, self.depth);
        steps.clear();
        model.steps(s, steps);
        for &step in steps.iter() {
            let mut t = model.copy(s);
            model.apply(&mut t, step);
            self.report.transitions += 1;
            if !self.seen.insert(model.fingerprint(&t)) {
                model.recycle(t, s);
                continue;
            }
            t.trail = Some(Arc::new(Trail { parent: s.trail.clone(), step }));
            for (k, hit) in model.sometimes(&t).into_iter().enumerate() {
                if hit && self.report.sometimes[k].is_none() {
                    self.report.sometimes[k] = Some(depth);
                }
            }
            if let Some((invariant, violation)) = model.broken_invariant(&t) {
                let path = t.path();
                let steps = model.explain(&path);
                self.report.states = self.seen.len();
                let states = self.seen.len();
                self.report.violation = Some(Counterexample { depth, states, invariant, violation, steps, path });
                self.done = true;
                return;
            }
            // The last level is checked, never expanded: no need to keep it.
            if depth < model.bounds.max_depth {
                self.next.push(t);
            }
        }
    }

    fn end_level(&mut self) {
        self.report.per_depth.push(self.seen.len() - self.report.states);
        self.report.states = self.seen.len();
        self.level = std::mem::take(&mut self.next).into_iter();
        if self.depth == self.model.bounds.max_depth || self.level.len() == 0 {
            self.done = true;
        } else {
            self.depth += 1;
        }
    }

    pub fn report(&self) -> &Report {
        &self.report
    }

    pub fn into_report(self) -> Report {
        self.report
    }

    /// Each step of `path` (from the search's start) in the simulator's terms, with its
    /// narration (as in [`Counterexample::steps`]).
    pub fn moves(&self, path: &[Step]) -> Vec<(Move, String)> {
        let model = &self.model;
        let mut s = model.start.clone();
        path.iter()
            .map(|&step| {
                let said = (model.move_of(&s, step), model.describe(&s, step));
                model.apply(&mut s, step);
                said
            })
            .collect()
    }

    /// Plays `path` from the search's start, each step checked to be one the search could
    /// take there, and returns the property the end state breaks, if any.
    pub fn replay(&self, path: &[Step]) -> Result<Option<String>, String> {
        let model = &self.model;
        let mut s = model.start.clone();
        let mut possible = Vec::new();
        for (i, &step) in path.iter().enumerate() {
            possible.clear();
            model.steps(&s, &mut possible);
            if !possible.contains(&step) {
                return Err(format!("step {} ({step:?}) is not possible there", i + 1));
            }
            model.apply(&mut s, step);
            if let Some(v) = model.broken(&s) {
                if i + 1 < path.len() {
                    return Err(format!("broken before the end, at step {}: {v}", i + 1));
                }
                return Ok(Some(v));
            }
        }
        Ok(None)
    }
}

/// The run of `scenario` at `tick`, as the page's timeline stands there (everything at or
/// before `tick` done): the config and the moment a search from there starts from.
pub fn moment_of(scenario: &Scenario, tick: Tick) -> Result<(Config, Moment), String> {
    let mut timeline = Timeline::from_scenario(scenario, 1)?;
    timeline.seek(tick);
    Ok((timeline.sim().config().clone(), timeline.sim().moment()))
}

/// Breadth-first search of every state within `bounds.max_depth` actions of the initial
/// state. Stops at the first state that breaks an always-property (a shortest counterexample).
pub fn check(bounds: &Bounds) -> Report {
    let mut search = Search::new(bounds);
    while !search.step(usize::MAX).done {}
    search.into_report()
}
