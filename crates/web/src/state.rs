//! The page's state: one simulation and the snapshots of it that the components draw.
//! Every gesture arrives here as a `Msg`; protocol decisions stay in the core, which turns
//! an `Action` into simulator inputs. This file only moves time forward, starts runs, and
//! keeps the latest `View`, checker verdicts and selection.
//!
//! Two rates: the animation loop (hooks.rs) advances the simulation and redraws the
//! messages in flight on every frame, outside Yew; the panels are re-rendered from a new
//! snapshot at most every `REFRESH_MS`, or at once after a gesture.

use crate::clock::{work, Meter};
use crate::geometry::Point;
use crate::tracelog::{log_text, LogFilter};
use nextnumber_core::config::{limits, LatencyPreset, RequestPath, Variant, ALL_PRESETS};
use nextnumber_core::report::Report;
use nextnumber_core::timeline::Limits;
use nextnumber_core::view::{BranchDetail, MessageView, RegistersView, View};
use nextnumber_core::{permalink, Action, Config, HashJob, NodeId, RequestId, Scenario, Simulation, Tick, Timeline};
use std::any::Any;
use std::cell::{Cell, Ref, RefCell, RefMut};
use std::rc::Rc;

/// Simulated milliseconds per real second, slowest first: slow motion to fast forward.
pub const SPEEDS: [(u64, &str); 9] = [
    (10, "1/100 slow motion"),
    (50, "1/20"),
    (100, "1/10"),
    (250, "1/4"),
    (1_000, "1× real time"),
    (10_000, "10× fast"),
    (100_000, "100×"),
    (1_000_000, "1,000×"),
    (10_000_000, "10,000×"),
];
pub const DEFAULT_SPEED: u64 = 100;
/// The panels are redrawn at most this often while playing (the messages every frame).
const REFRESH_MS: u64 = 125;
/// The checkers run over the whole history: at most this often while playing, and never
/// for more than a tenth of the time (a long heavy run's history takes a while to check).
const CHECK_EVERY_REAL_MS: u64 = 500;
const CHECK_SHARE: u64 = 10;
/// Trace lines kept for the event log.
pub const TRACE_KEEP: usize = 2_000;
/// The inspector shows this many of a branch's latest log entries and Numbers.
pub const DETAIL_ROWS: usize = 40;
/// Space-time marks kept (32 bytes each, copied into every time-travel snapshot).
pub const SPACETIME_KEEP: usize = 4_000;
/// Time travel's memory bound on the page: at most 48 snapshots and 64 MiB of them (by the
/// core's estimate: `Simulation::approx_bytes`), on top of the run itself. A phone must cope.
const PAGE_LIMITS: Limits = Limits::PAGE;

/// What a run starts from: changing any of these starts the run over.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub seed: u64,
    pub branches: usize,
    pub variants: Vec<Variant>,
    /// Every link's latency, with timeouts tuned to it; `None` for a run opened with a
    /// latency or timeouts of its own, which no preset gives.
    pub network: Option<LatencyPreset>,
    pub path: RequestPath,
    /// The run's config as it was opened (a link's, a scenario's, or the default): whatever
    /// the controls do not set (its loss, its duplication, a network of its own) carries
    /// over to a new run from changed settings.
    pub base: Rc<Config>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings::of(&Config::default(), 1)
    }
}

/// `config` with every link at preset `p`'s latency and the timeouts to suit it.
fn with_network(mut config: Config, p: LatencyPreset) -> Config {
    let (min, max) = p.latency_ms();
    (config.latency_min_ms, config.latency_max_ms) = (min, max);
    config.tune_timeouts(max);
    config
}

impl Settings {
    /// The settings the controls show for a run opened from a link or a scenario.
    pub fn of(config: &Config, seed: u64) -> Settings {
        let network = ALL_PRESETS.into_iter().find(|&p| with_network(config.clone(), p) == *config);
        Settings {
            seed,
            branches: config.branches,
            variants: config.variants.clone(),
            network,
            path: config.path,
            base: Rc::new(config.clone()),
        }
    }

    pub fn config(&self) -> Config {
        let c = Config {
            branches: self.branches,
            variants: self.variants.clone(),
            path: self.path,
            ..(*self.base).clone()
        };
        match self.network {
            Some(p) => with_network(c, p),
            None => c,
        }
    }
}

/// What the inspector panels show.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum Selection {
    #[default]
    None,
    Branch(NodeId),
    Message(u64),
}

pub enum Msg {
    /// Real time passed while playing (the animation loop).
    Frame {
        real_ms: u64,
    },
    Step,
    SetPlaying(bool),
    SetSpeed(u64),
    /// Start over with these settings.
    Reset(Settings),
    Act(Action),
    Select(Selection),
    /// The link the network panel works on (also set by a click on the map).
    PickLink(NodeId, NodeId),
    /// The customer desk's retry: the request picked (`None`: the latest) and the branch.
    PickRetry(Option<RequestId>, NodeId),
    /// The event log's filters changed.
    FilterLog(LogFilter),
    /// The pointer is over this message on the map (its id, where), or over none.
    Hover(Option<(u64, Point)>),
    /// The clipboard took this text (`true`) or refused it.
    Copied(Copied, bool),
    /// Something the user typed cannot be used: say why on the page.
    Refused(String),
    /// Time travel: show the run at this tick (back or forward), paused.
    Seek(u64),
    /// One step back: to the latest moment before this one at which something was recorded.
    StepBack,
    /// Play up to this tick and pause there (a narrated step), at a speed that gets there
    /// in a few seconds.
    PlayTo(u64),
    /// Open this scenario (from a link or the picker), at `at` (its end when `None`), paused.
    /// `push`: a new entry in the browser's history, so Back returns to the run before.
    Open {
        scenario: Box<Scenario>,
        at: Option<u64>,
        push: bool,
    },
    /// The address held a link that cannot be opened: say why, and show a new default run.
    BadLink(String),
    /// A counterexample being played: show it after this many of its steps (0: its moment).
    ReplayTo(usize),
}

/// A model check's counterexample played on the map (`counterexample N` in its link): the
/// run stands at the moment the check started from, and its steps, all at that tick, are
/// applied and taken back one at a time (`Timeline::act`, `Timeline::take_back`), so every
/// panel draws each step from the core's view as it draws any moment.
#[derive(Clone, PartialEq)]
pub struct Replay {
    pub tick: u64,
    /// The run's actions before the steps.
    before: usize,
    /// Each step and its words, made in the run it is played on (`counterexample::narrate`).
    pub steps: Rc<[(Action, String)]>,
    /// How many steps are applied.
    pub shown: usize,
    /// The link that replays it.
    pub link: Rc<str>,
}

impl Replay {
    /// The run `scenario`, whose last actions are a counterexample's steps, at its moment.
    fn open(scenario: &Scenario) -> Result<(Timeline, Settings, Replay), String> {
        let steps = scenario.counterexample_steps().unwrap_or_default();
        let actions: Vec<Action> = steps.iter().map(|(_, a)| a.clone()).collect();
        let base = Scenario {
            actions: scenario.actions[..scenario.actions.len() - steps.len()].to_vec(),
            counterexample: None,
            ..scenario.clone()
        };
        let (mut t, settings, tick) = open(&base, None)?;
        // At once, not over frames: the first step is played on this very moment.
        t.seek(Tick(tick));
        let words = nextnumber_core::counterexample::narrate_all(t.sim(), &actions);
        let link = permalink::encode(scenario).map_err(|e| e.to_string())?;
        let steps = actions.into_iter().zip(words).collect();
        let replay = Replay { tick, before: t.log().len(), steps, shown: 0, link: Rc::from(link) };
        Ok((t, settings, replay))
    }

    /// Whether the run still stands where this replay put it (any other gesture leaves it).
    fn stands(&self, t: &Timeline) -> bool {
        t.now().0 == self.tick && t.log().len() == self.before + self.shown && t.applied() == t.log().len()
    }

    /// Applies or takes back steps until `to` are applied; an error says which step failed.
    fn go(&mut self, t: &mut Timeline, to: usize) -> Result<(), String> {
        while self.shown < to.min(self.steps.len()) {
            let (action, _) = &self.steps[self.shown];
            t.act(action.clone()).map_err(|e| format!("Step {} cannot be played here: {e}", self.shown + 1))?;
            self.shown += 1;
        }
        while self.shown > to && t.take_back().is_some() {
            self.shown -= 1;
        }
        Ok(())
    }
}

/// Which text the fallback field shows after the clipboard refused it.
#[derive(Clone, Copy, PartialEq)]
pub enum Copied {
    Link,
    Embed,
}

/// How the address bar follows the run: `serial` changes when a new run starts (a new entry
/// in the browser's history); otherwise the current entry is replaced.
#[derive(Clone, PartialEq)]
pub struct Address {
    /// The run's permalink (the part after `#`), or why it has none.
    pub link: Result<Rc<str>, Rc<str>>,
    pub serial: u32,
}

/// The history hash of the moment shown, as far as the page knows it.
#[derive(Clone, PartialEq)]
pub enum HashShown {
    /// The run plays: its hash changes at every moment, so none is computed.
    Playing,
    /// Being computed, a piece each frame.
    Computing,
    Known(Rc<str>),
    /// The page no longer holds the run's first requests (its memory policy, README): why.
    Forgotten(Rc<str>),
}

/// One moment of one run: what a hash is computed for.
#[derive(Copy, Clone, PartialEq, Eq)]
struct Moment {
    tick: u64,
    actions: usize,
    events: u64,
    run: u32,
}

/// Records and applied Numbers hashed per frame: a few milliseconds of the frame's budget in
/// the page's wasm, so an hour of heavy traffic (a few million items) takes a few seconds
/// of frames, not one long task.
const HASH_ITEMS_PER_FRAME: usize = 50_000;

/// The branches and requests named by a broken invariant, highlighted on the map and desk.
#[derive(Clone, PartialEq, Default)]
pub struct Implicated {
    pub branches: Vec<NodeId>,
    pub requests: Vec<RequestId>,
}

/// A snapshot for component props: equal when it is the same snapshot, so a component
/// re-renders only when the simulation moved.
pub struct Snap<T>(pub Rc<T>);

impl<T> Clone for Snap<T> {
    fn clone(&self) -> Self {
        Snap(self.0.clone())
    }
}
impl<T> PartialEq for Snap<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
impl<T> std::ops::Deref for Snap<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
pub type Snapshot = Snap<View>;

/// How many slots of the registers the page shows: fewer on a phone, at the same size.
fn register_slots() -> usize {
    use crate::components::registers::{SLOTS_NARROW, SLOTS_WIDE};
    if crate::geometry::compact() {
        SLOTS_NARROW
    } else {
        SLOTS_WIDE
    }
}

/// Frame bookkeeping, changed on every frame without a re-render.
#[derive(Copy, Clone, Default)]
pub struct Clock {
    /// Real ms × speed not yet turned into whole simulated ms: the fraction of a
    /// simulated ms (in thousandths) the animation adds to `now`.
    pub carry: u64,
    since_refresh_ms: u64,
    since_check_ms: u64,
    /// Real ms the last full check took (`CHECK_SHARE`).
    check_cost_ms: u64,
    /// The last frame could not simulate all it was asked to.
    pub behind: bool,
}

/// What the animation loop and the panels share. It lives as long as the page: a reset
/// replaces the simulation inside it.
pub struct Shared {
    pub sim: Run,
    pub clock: Cell<Clock>,
    /// The message the map highlights (selected or hovered).
    pub marked: Cell<Option<u64>>,
    /// Bumped whenever the map's messages must be redrawn although time stood still.
    pub generation: Cell<u64>,
    /// The history hash being computed for the moment shown, a piece each frame.
    pub hash_job: RefCell<Option<HashJob>>,
    /// Runs the page let go of (a run a new one replaced, a cursor a jump replaced), freed
    /// one a frame by a frame that does nothing else (`free_retired`): freeing a busy run
    /// took 60–115 ms in Chromium, too much to add to the frame that jumps or resets.
    retired: RefCell<Vec<Box<dyn Any>>>,
}

/// The run: its timeline, whose current simulation every component draws.
pub struct Run(RefCell<Timeline>);

impl Run {
    /// The simulation at the cursor (the moment shown).
    pub fn borrow(&self) -> Ref<'_, Simulation> {
        Ref::map(self.0.borrow(), Timeline::sim)
    }
    pub fn timeline(&self) -> Ref<'_, Timeline> {
        self.0.borrow()
    }
    pub fn timeline_mut(&self) -> RefMut<'_, Timeline> {
        self.0.borrow_mut()
    }
}

/// `Shared` as a prop: equal when it is the same.
#[derive(Clone)]
pub struct SimHandle(pub Rc<Shared>);
impl PartialEq for SimHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Clone)]
pub struct Model {
    pub shared: SimHandle,
    pub view: Snapshot,
    /// The checkers' report (the core's), as of the last check.
    pub report: Rc<Report>,
    pub implicated: Rc<Implicated>,
    pub settings: Rc<Settings>,
    pub selection: Selection,
    /// The selected branch, in full (latest rows only).
    pub detail: Option<Snap<BranchDetail>>,
    /// Every branch's register, its latest slots; replaced only when it changed.
    pub registers: Snap<RegistersView>,
    /// The selected message, while it is in flight.
    pub message: Option<Rc<MessageView>>,
    pub link: (NodeId, NodeId),
    /// The desk's retry picks (`Msg::PickRetry`).
    pub retry: (Option<RequestId>, NodeId),
    /// The message under the pointer on the map, and where (for its tooltip).
    pub hovered: Option<(u64, Point)>,
    /// What the share panel's last copy did.
    pub copied: Option<(Copied, bool)>,
    pub playing: bool,
    pub speed: u64,
    /// The event log's filters, and its text under them (`tracelog::log_text`), redrawn at
    /// the checkers' pace: redrawing hundreds of lines at every refresh would cost more
    /// than it shows.
    pub log_filter: Rc<LogFilter>,
    pub log: Rc<str>,
    /// The last thing the core or a setting refused, said plainly.
    pub error: Option<String>,
    /// The furthest tick of this branch of history (the cursor may stand before it).
    pub end: u64,
    /// The history hash at the moment shown (`nextnumber_core::History::hash_hex`, as the CLI
    /// prints it), as far as it is known, and the moment it is (being) computed for.
    pub hash: HashShown,
    hash_of: Option<Moment>,
    /// What the address bar should hold.
    pub address: Address,
    /// The run's own link as it stands (the address holds a counterexample's whole link
    /// while one is played): what a check from here starts from.
    pub run_link: Result<Rc<str>, Rc<str>>,
    /// Said once about the run: it was forked, or a link could not be opened.
    pub notice: Option<Rc<str>>,
    /// The scenario this run follows, if it was opened from one with a name.
    pub scenario: Option<Rc<str>>,
    /// Playing stops at this tick (`Msg::PlayTo`).
    pub stop_at: Option<u64>,
    /// A jump in time still being replayed: the tick it goes to. The replay runs in the
    /// frames' budgets (clock.rs), so a jump that replays minutes of a busy run never holds
    /// the page; the time-travel panel says so meanwhile.
    pub catch_up: Option<u64>,
    /// A counterexample being played, while the run stands where its steps put it.
    pub replay: Option<Rc<Replay>>,
}

/// A fresh simulation with the page's recorders on (the event log, the space-time diagram).
fn fresh(config: Config, seed: u64) -> Result<Simulation, String> {
    let mut sim = Simulation::new(config, seed)?;
    // The replicas' invariants are asserted in every test, swarm and CLI run; the page
    // saves itself their cost (BENCHMARKS.md).
    sim.set_invariants(false);
    // Customers keep coming however long the run goes; the page keeps the latest requests
    // and says where the rest is missing (the history hash, the charts, the desk).
    sim.set_keep_requests(Some(limits::PAGE_KEEP_REQUESTS))?;
    sim.trace_mut().enable_tail(TRACE_KEEP);
    sim.spacetime_mut().enable(SPACETIME_KEEP)?;
    Ok(sim)
}

fn start(settings: &Settings) -> Result<Timeline, String> {
    let mut t = Timeline::with_limits(fresh(settings.config(), settings.seed)?, PAGE_LIMITS)?;
    t.defer_frees();
    crate::panic::note_run(&settings.config(), settings.seed);
    Ok(t)
}

/// A run following `scenario`, at its start, and the moment to replay it to: `at`, or its end.
fn open(scenario: &Scenario, at: Option<u64>) -> Result<(Timeline, Settings, u64), String> {
    let settings = Settings::of(&scenario.config, scenario.seed.unwrap_or(Settings::default().seed));
    let sim = fresh(scenario.config.clone(), settings.seed)?;
    let mut t = Timeline::scripted(sim, scenario, PAGE_LIMITS)?;
    t.defer_frees();
    crate::panic::note_run(&scenario.config, settings.seed);
    let to = at.unwrap_or(t.end().0);
    Ok((t, settings, to))
}

impl Model {
    pub fn new(settings: Settings) -> Result<Model, String> {
        let timeline = start(&settings)?;
        let view = Snap(Rc::new(timeline.sim().page_view()));
        let shared = Shared {
            sim: Run(RefCell::new(timeline)),
            clock: Cell::default(),
            marked: Cell::new(None),
            generation: Cell::new(0),
            hash_job: RefCell::new(None),
            retired: RefCell::default(),
        };
        let mut m = Model {
            shared: SimHandle(Rc::new(shared)),
            view,
            report: Rc::new(Report::default()),
            implicated: Rc::default(),
            settings: Rc::new(settings),
            selection: Selection::None,
            detail: None,
            registers: Snap(Rc::default()),
            message: None,
            link: (NodeId(0), NodeId(1)),
            retry: (None, NodeId(1)),
            hovered: None,
            copied: None,
            playing: true,
            speed: DEFAULT_SPEED,
            log_filter: Rc::default(),
            log: Rc::from(""),
            error: None,
            end: 0,
            hash: HashShown::Computing,
            hash_of: None,
            address: Address { link: Err(Rc::from("")), serial: 0 },
            run_link: Err(Rc::from("")),
            notice: None,
            scenario: None,
            stop_at: None,
            catch_up: None,
            replay: None,
        };
        m.refresh(true);
        Ok(m)
    }

    /// The page at load: the run in the address's link if there is one, else `settings`.
    /// A link that cannot be opened is said on the page, and the default run shown.
    pub fn from_address(settings: Settings, fragment: &str) -> Result<Model, String> {
        let mut m = Model::new(settings)?;
        let fragment = fragment.trim_start_matches('#');
        if fragment.is_empty() || fragment == "crash-test" {
            return Ok(m);
        }
        let msg = crate::share::open_fragment(fragment);
        let serial = m.address.serial;
        m = (*Rc::new(m).update(msg)).clone();
        // The address already holds this run: the first update replaces it.
        m.address.serial = serial;
        Ok(m)
    }

    /// Replaces the run with `timeline`; `push` starts a new entry in the browser's history.
    fn replace_run(&mut self, timeline: Timeline, settings: Settings, push: bool) {
        self.scenario = timeline.name().map(Rc::from);
        let old = std::mem::replace(&mut *self.shared.0.sim.timeline_mut(), timeline);
        self.shared.0.retired.borrow_mut().push(Box::new(old));
        self.shared.0.clock.set(Clock::default());
        self.settings = Rc::new(settings);
        self.selection = Selection::None;
        self.error = None;
        self.notice = None;
        self.report = Rc::new(Report::default());
        self.stop_at = None;
        self.catch_up = None;
        self.replay = None;
        if push {
            self.address.serial += 1;
        }
    }

    pub fn sim(&self) -> std::cell::Ref<'_, Simulation> {
        self.shared.0.sim.borrow()
    }

    /// The run's permalink up to this moment, or why it has none.
    pub fn link(&self) -> Result<Rc<str>, Rc<str>> {
        match permalink::encode(&self.shared.0.sim.timeline().scenario()) {
            Ok(link) => Ok(Rc::from(link)),
            Err(e) => Err(Rc::from(format!("This run has no link: {e}"))),
        }
    }

    fn refresh(&mut self, check: bool) {
        let handle = self.shared.0.clone();
        let shared = &*handle;
        shared.generation.set(shared.generation.get() + 1);
        self.end = shared.sim.timeline().end().0;
        let sim = shared.sim.borrow();
        self.view = Snap(Rc::new(sim.page_view()));
        let registers = sim.registers(register_slots());
        if *self.registers != registers {
            self.registers = Snap(Rc::new(registers));
        }
        self.detail = match self.selection {
            Selection::Branch(b) => Some(Snap(Rc::new(sim.branch_detail_recent(b, DETAIL_ROWS)))),
            _ => None,
        };
        self.message = match self.selection {
            Selection::Message(id) => sim.message_view(id).map(Rc::new),
            _ => None,
        };
        shared.marked.set(match self.selection {
            Selection::Message(id) => Some(id),
            _ => None,
        });
        self.hash_moment(&sim);
        if self.replay.as_ref().is_some_and(|r| !r.stands(&shared.sim.timeline())) {
            self.replay = None;
        }
        if check {
            let meter = Meter::start(0);
            self.log = Rc::from(log_text(&sim, &self.log_filter));
            // While a counterexample is played, the address replays all of it.
            self.run_link = self.link();
            self.address.link = match &self.replay {
                Some(r) => Ok(r.link.clone()),
                None => self.run_link.clone(),
            };
            let report = sim.report();
            if *self.report != report {
                let (branches, requests) = report.implicated();
                self.implicated = Rc::new(Implicated { branches, requests });
                self.report = Rc::new(report);
            }
            let mut clock = shared.clock.get();
            clock.since_check_ms = 0;
            clock.check_cost_ms = meter.elapsed_ms();
            shared.clock.set(clock);
        }
    }

    /// Starts hashing the moment shown, unless it is hashed already. While the run plays
    /// its hash changes at every moment, so none is computed: hashing walks the whole
    /// history, and a check must cost the same an hour into a run as at its start.
    fn hash_moment(&mut self, sim: &Simulation) {
        let job = &self.shared.0.hash_job;
        if self.playing || self.catch_up.is_some() {
            let shown = if self.playing { HashShown::Playing } else { HashShown::Computing };
            (self.hash, self.hash_of) = (shown, None);
            job.replace(None);
            return;
        }
        let moment = Moment {
            tick: sim.now().0,
            actions: sim.actions().len(),
            events: sim.stats().events,
            run: self.address.serial,
        };
        if self.hash_of != Some(moment) {
            (self.hash, self.hash_of) = (HashShown::Computing, Some(moment));
            match sim.hash_job() {
                Ok(j) => _ = job.replace(Some(j)),
                Err(why) => (self.hash, _) = (HashShown::Forgotten(Rc::from(why)), job.replace(None)),
            }
        }
    }

    /// Walks the pending hash a frame's piece further; true when it is known now.
    fn work_hash(&mut self) -> bool {
        let mut job = self.shared.0.hash_job.borrow_mut();
        let Some(hash) = job.as_mut().and_then(|j| j.work(HASH_ITEMS_PER_FRAME)) else { return false };
        *job = None;
        self.hash = HashShown::Known(Rc::from(format!("{hash:016x}")));
        true
    }

    /// Runs the simulation up to `until`, in slices, stopping early when the frame's
    /// budget is spent (clock.rs): at high speed the run slows down instead of the page. A
    /// slice starts at one simulated ms and doubles while slices stay cheap, so the budget is
    /// looked at often enough however dense the run is (a fixed share of the frame's span
    /// could hold seconds of work in a busy run). Returns whether it fell behind.
    fn advance(&self, until: u64) -> bool {
        let mut sim = self.shared.0.sim.timeline_mut();
        let done = |sim: &Timeline| work(&sim.sim().stats());
        let frame = Meter::start(done(&sim));
        let mut slice = 1;
        while sim.now().0 < until {
            let one = Meter::start(done(&sim));
            let next = (sim.now().0 + slice).min(until);
            sim.run_until(Tick(next));
            if frame.frame_spent(done(&sim)) {
                return sim.now().0 < until;
            }
            if one.cheap(done(&sim)) {
                slice *= 2;
            }
        }
        false
    }
}

impl Model {
    /// Moves the cursor to tick `t`: at once to the latest snapshot at or before it, and
    /// from there by replay in the frames to come (`catch_up`).
    fn jump(&mut self, t: u64) {
        let mut timeline = self.shared.0.sim.timeline_mut();
        let now = timeline.now().0;
        let snapshot = timeline.snapshot_ticks().into_iter().map(|s| s.0).filter(|&s| s <= t).max().unwrap_or(0);
        if t < now || snapshot > now {
            timeline.seek(Tick(snapshot));
        }
        self.catch_up = (timeline.now().0 < t).then_some(t);
    }

    /// Frees one run the page let go of, if there is one, and says whether it did: that
    /// frame does nothing else, so the cost of freeing never adds to a frame's simulation.
    fn free_retired(&self) -> bool {
        let shared = &self.shared.0;
        let mut retired = shared.retired.borrow_mut();
        let replaced = shared.sim.timeline_mut().take_retired();
        retired.extend(replaced.into_iter().map(|sim| Box::new(sim) as Box<dyn Any>));
        let Some(run) = retired.pop() else { return false };
        drop(run);
        true
    }

    /// Counts `real_ms` towards the next redraw of the panels; true when one is due.
    fn due_refresh(&self, real_ms: u64) -> bool {
        let shared = &self.shared.0;
        let mut clock = shared.clock.get();
        clock.since_refresh_ms += real_ms;
        clock.since_check_ms += real_ms;
        let due = clock.since_refresh_ms >= REFRESH_MS;
        if due {
            clock.since_refresh_ms = 0;
        }
        shared.clock.set(clock);
        due
    }

    /// The model after `msg`: the one place the page's state changes.
    pub fn update(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut m = (*self).clone();
        let check = match msg {
            Msg::Frame { .. } if m.free_retired() => return self,
            Msg::Frame { real_ms } if m.catch_up.is_some() => {
                let target = m.catch_up.unwrap_or_default();
                if !m.advance(target) {
                    // There: the panels, the checkers and the address show the moment asked for.
                    m.catch_up = None;
                    true
                } else if m.due_refresh(real_ms) {
                    false
                } else {
                    return self;
                }
            }
            Msg::Frame { real_ms } => {
                if !m.playing {
                    return if m.work_hash() { Rc::new(m) } else { self };
                }
                let shared = &m.shared.0;
                let mut clock = shared.clock.get();
                let scaled = real_ms * m.speed + clock.carry;
                clock.carry = scaled % 1_000;
                let until = shared.sim.borrow().now().0 + scaled / 1_000;
                // Replaying the recorded past, the run stops where that branch of history ends.
                let end = shared.sim.timeline().end().0;
                let until = if shared.sim.borrow().now().0 < end { until.min(end) } else { until };
                let until = m.stop_at.map_or(until, |stop| until.min(stop));
                clock.behind = m.advance(until);
                if clock.behind {
                    clock.carry = 0;
                }
                shared.clock.set(clock);
                let refresh = m.due_refresh(real_ms);
                let clock = shared.clock.get();
                if m.stop_at.is_some_and(|stop| shared.sim.borrow().now().0 >= stop) {
                    // A narrated step reached: pause there, showing it exactly.
                    (m.playing, m.stop_at) = (false, None);
                    true
                } else if !refresh {
                    return self;
                } else {
                    clock.since_check_ms >= CHECK_EVERY_REAL_MS.max(CHECK_SHARE * clock.check_cost_ms)
                }
            }
            Msg::Step => {
                (m.playing, m.stop_at, m.catch_up) = (false, None, None);
                m.shared.0.sim.timeline_mut().step();
                true
            }
            Msg::PlayTo(t) => {
                let gap = t.saturating_sub(m.shared.0.sim.borrow().now().0);
                // About four real seconds per step, never slower than the speed chosen.
                let fast = SPEEDS.iter().map(|s| s.0).find(|&v| v * 4 >= gap).unwrap_or(SPEEDS[SPEEDS.len() - 1].0);
                (m.playing, m.stop_at, m.speed, m.catch_up) = (true, Some(t), m.speed.max(fast), None);
                return Rc::new(m);
            }
            Msg::SetPlaying(p) => {
                m.stop_at = None;
                // Pause during a jump's replay stays at the moment reached so far.
                if !p {
                    m.catch_up = None;
                }
                // Paused, the panels show exactly where the simulation stopped.
                m.playing = p;
                false
            }
            Msg::SetSpeed(s) => {
                m.speed = s;
                return Rc::new(m);
            }
            Msg::Reset(settings) => match start(&settings) {
                Ok(timeline) => {
                    m.replace_run(timeline, settings, true);
                    true
                }
                Err(e) => {
                    m.error = Some(format!("Cannot start that run: {e}"));
                    return Rc::new(m);
                }
            },
            Msg::Act(action) => {
                // An action during a jump's replay happens at the moment shown.
                m.catch_up = None;
                let text = action.to_string();
                let dropped = matches!(action, Action::Drop(_));
                let (now, end) = {
                    let t = m.shared.0.sim.timeline();
                    (t.now().0, t.end().0)
                };
                let result = m.shared.0.sim.timeline_mut().act(action);
                match result {
                    Ok(cut) => {
                        m.error = None;
                        crate::panic::note_action(&text);
                        if dropped {
                            m.selection = Selection::None;
                        }
                        if now < end {
                            m.notice = Some(fork_notice(now, cut));
                            // A new branch of history: Back in the browser returns to the old one.
                            m.address.serial += 1;
                        }
                    }
                    Err(e) => m.error = Some(e),
                }
                true
            }
            Msg::Seek(t) => {
                (m.playing, m.stop_at) = (false, None);
                m.jump(t);
                true
            }
            Msg::StepBack => {
                m.playing = false;
                let back = previous_moment(&m.shared.0.sim.borrow());
                m.jump(back);
                true
            }
            Msg::Open { scenario, push, .. } if scenario.counterexample.is_some() => match Replay::open(&scenario) {
                Ok((timeline, settings, replay)) => {
                    m.replace_run(timeline, settings, push);
                    (m.playing, m.replay) = (false, Some(Rc::new(replay)));
                    true
                }
                Err(e) => {
                    m.error = Some(format!("Cannot open that counterexample: {e}"));
                    return Rc::new(m);
                }
            },
            Msg::ReplayTo(to) => {
                (m.playing, m.stop_at, m.catch_up) = (false, None, None);
                if let Some(mut r) = m.replay.as_deref().cloned() {
                    m.error = r.go(&mut m.shared.0.sim.timeline_mut(), to).err();
                    m.replay = Some(Rc::new(r));
                }
                true
            }
            Msg::Open { scenario, at, push } => match open(&scenario, at) {
                Ok((timeline, settings, to)) => {
                    m.replace_run(timeline, settings, push);
                    m.playing = false;
                    m.jump(to);
                    true
                }
                Err(e) => {
                    m.error = Some(format!("Cannot open that scenario: {e}"));
                    return Rc::new(m);
                }
            },
            Msg::BadLink(why) => {
                m.notice = Some(Rc::from(format!(
                    "The link in the address could not be opened ({why}). Here is a new run with the default \
                     settings instead."
                )));
                true
            }
            Msg::Select(s) => {
                m.selection = if m.selection == s { Selection::None } else { s };
                false
            }
            Msg::PickLink(a, b) => {
                m.link = (a, b);
                return Rc::new(m);
            }
            Msg::Copied(what, ok) => {
                m.copied = Some((what, ok));
                return Rc::new(m);
            }
            Msg::Hover(h) => {
                m.hovered = h;
                return Rc::new(m);
            }
            Msg::FilterLog(filter) => {
                m.log = Rc::from(log_text(&m.shared.0.sim.borrow(), &filter));
                m.log_filter = Rc::new(filter);
                return Rc::new(m);
            }
            Msg::PickRetry(request, branch) => {
                m.retry = (request, branch);
                return Rc::new(m);
            }
            Msg::Refused(e) => {
                m.error = Some(e);
                return Rc::new(m);
            }
        };
        m.refresh(check);
        Rc::new(m)
    }
}

fn fork_notice(at: u64, dropped: usize) -> Rc<str> {
    let later = match dropped {
        0 => "the rest of the old run was dropped".to_string(),
        1 => "the 1 action recorded after it was dropped".to_string(),
        n => format!("the {n} actions recorded after it were dropped"),
    };
    Rc::from(format!(
        "New branch of history from {}: {later}; what you do from here is recorded instead. Back in the browser \
         returns to the old run.",
        crate::text::fmt_ms(at)
    ))
}

/// The latest tick before the cursor at which the space-time record or the action log
/// has something (a message, a fault, a leader, a visitor's action); tick 0 otherwise.
fn previous_moment(sim: &Simulation) -> u64 {
    let now = sim.now().0;
    let mark = sim.spacetime().marks().rev().map(|s| s.tick).find(|&t| t < now);
    let action = sim.actions().iter().rev().map(|(t, _)| t.0).find(|&t| t < now);
    mark.max(action).unwrap_or(0)
}
