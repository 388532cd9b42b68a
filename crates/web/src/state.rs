//! The page's state: one simulation and the snapshots of it that the components draw.
//! Every gesture arrives here as a `Msg`; protocol decisions stay in the core, which turns
//! an `Action` into simulator inputs. This file only moves time forward, starts runs, and
//! keeps the latest `View`, checker verdicts and selection.
//!
//! Two rates: the animation loop (hooks.rs) advances the simulation and redraws the
//! messages in flight on every frame, outside Yew; the panels are re-rendered from a new
//! snapshot at most every `REFRESH_MS`, or at once after a gesture.

use nextnumber_core::check::{check_history, Invariant, Violation, ALL_INVARIANTS};
use nextnumber_core::config::{LatencyPreset, Variant};
use nextnumber_core::view::{BranchDetail, MessageView, View};
use nextnumber_core::{Action, Config, History, NodeId, RequestId, Simulation, Tick};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::Reducible;

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
/// The checkers run over the whole history: at most this often while playing.
const CHECK_EVERY_REAL_MS: u64 = 500;
/// Real milliseconds the simulation may take per frame; beyond it the run slows down
/// rather than the page.
const FRAME_BUDGET_MS: f64 = 9.0;
/// Trace lines kept for the event log.
pub const TRACE_KEEP: usize = 2_000;
/// The inspector shows this many of a branch's latest log entries and Numbers.
pub const DETAIL_ROWS: usize = 40;

/// What a run starts from: changing any of these starts the run over.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub seed: u64,
    pub branches: usize,
    pub variants: Vec<Variant>,
    /// Every link's latency, with timeouts tuned to it.
    pub network: LatencyPreset,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { seed: 1, branches: 5, variants: Vec::new(), network: LatencyPreset::Datacenter }
    }
}

impl Settings {
    pub fn config(&self) -> Config {
        let mut c = Config { branches: self.branches, variants: self.variants.clone(), ..Config::default() };
        let (min, max) = self.network.latency_ms();
        (c.latency_min_ms, c.latency_max_ms) = (min, max);
        if self.network != LatencyPreset::Datacenter {
            c.tune_timeouts(max);
        }
        c
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
    /// Something the user typed cannot be used: say why on the page.
    Refused(String),
}

/// One invariant's verdict, with the first violation that broke it.
#[derive(Clone, PartialEq)]
pub struct Verdict {
    pub invariant: Invariant,
    pub broken: Option<Violation>,
}

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

/// Frame bookkeeping, changed on every frame without a re-render.
#[derive(Copy, Clone, Default)]
pub struct Clock {
    /// Real ms × speed not yet turned into whole simulated ms: the fraction of a
    /// simulated ms (in thousandths) the animation adds to `now`.
    pub carry: u64,
    since_refresh_ms: u64,
    since_check_ms: u64,
    /// The last frame could not simulate all it was asked to.
    pub behind: bool,
}

/// What the animation loop and the panels share. It lives as long as the page: a reset
/// replaces the simulation inside it.
pub struct Shared {
    pub sim: RefCell<Simulation>,
    pub clock: Cell<Clock>,
    /// The message the map highlights (selected or hovered).
    pub marked: Cell<Option<u64>>,
    /// Bumped whenever the map's messages must be redrawn although time stood still.
    pub generation: Cell<u64>,
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
    pub verdicts: Rc<Vec<Verdict>>,
    pub implicated: Rc<Implicated>,
    pub settings: Rc<Settings>,
    pub selection: Selection,
    /// The selected branch, in full (latest rows only).
    pub detail: Option<Snap<BranchDetail>>,
    /// The selected message, while it is in flight.
    pub message: Option<Rc<MessageView>>,
    pub link: (NodeId, NodeId),
    pub playing: bool,
    pub speed: u64,
    /// How many trace lines there have been: the event log redraws when it moves.
    pub trace_count: u64,
    /// The last thing the core or a setting refused, said plainly.
    pub error: Option<String>,
}

fn start(settings: &Settings) -> Result<Simulation, String> {
    let mut sim = Simulation::new(settings.config(), settings.seed)?;
    sim.trace_mut().enable(TRACE_KEEP);
    crate::panic::note_run(settings);
    Ok(sim)
}

impl Model {
    pub fn new(settings: Settings) -> Result<Model, String> {
        let sim = start(&settings)?;
        let view = Snap(Rc::new(sim.page_view()));
        let shared = Shared {
            sim: RefCell::new(sim),
            clock: Cell::default(),
            marked: Cell::new(None),
            generation: Cell::new(0),
        };
        let mut m = Model {
            shared: SimHandle(Rc::new(shared)),
            view,
            verdicts: Rc::default(),
            implicated: Rc::default(),
            settings: Rc::new(settings),
            selection: Selection::None,
            detail: None,
            message: None,
            link: (NodeId(0), NodeId(1)),
            playing: true,
            speed: DEFAULT_SPEED,
            trace_count: 0,
            error: None,
        };
        m.refresh(true);
        Ok(m)
    }

    pub fn sim(&self) -> std::cell::Ref<'_, Simulation> {
        self.shared.0.sim.borrow()
    }

    fn refresh(&mut self, check: bool) {
        let shared = &self.shared.0;
        shared.generation.set(shared.generation.get() + 1);
        let sim = shared.sim.borrow();
        self.view = Snap(Rc::new(sim.page_view()));
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
        if check {
            // The event log follows at the checkers' pace: redrawing hundreds of lines at every
            // refresh would cost more than it shows.
            self.trace_count = sim.trace().count();
            let mut clock = shared.clock.get();
            clock.since_check_ms = 0;
            shared.clock.set(clock);
            let from_history = check_history(&History::of(&sim));
            let all: Vec<&Violation> = sim.violations().iter().chain(from_history.list()).collect();
            let verdicts: Vec<Verdict> = ALL_INVARIANTS
                .iter()
                .map(|&invariant| Verdict {
                    invariant,
                    broken: all.iter().find(|v| v.invariant == invariant).map(|v| (*v).clone()),
                })
                .collect();
            if *self.verdicts != verdicts {
                let mut who = Implicated::default();
                for v in verdicts.iter().filter_map(|v| v.broken.as_ref()) {
                    who.branches.extend(&v.branches);
                    who.requests.extend(&v.requests);
                }
                self.implicated = Rc::new(who);
                self.verdicts = Rc::new(verdicts);
            }
        }
    }

    /// Runs the simulation up to `until`, in slices, stopping early when the frame's
    /// budget is spent: at high speed the run slows down instead of the page.
    fn advance(&self, until: u64) -> bool {
        let mut sim = self.shared.0.sim.borrow_mut();
        let started = js_sys::Date::now();
        let slice = ((until.saturating_sub(sim.now().0)) / 16).max(1);
        while sim.now().0 < until {
            let next = (sim.now().0 + slice).min(until);
            sim.run_until(Tick(next));
            if js_sys::Date::now() - started > FRAME_BUDGET_MS {
                return sim.now().0 < until;
            }
        }
        false
    }
}

impl Reducible for Model {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut m = (*self).clone();
        let check = match msg {
            Msg::Frame { real_ms } => {
                if !m.playing {
                    return self;
                }
                let shared = &m.shared.0;
                let mut clock = shared.clock.get();
                let scaled = real_ms * m.speed + clock.carry;
                clock.carry = scaled % 1_000;
                let until = shared.sim.borrow().now().0 + scaled / 1_000;
                clock.behind = m.advance(until);
                if clock.behind {
                    clock.carry = 0;
                }
                clock.since_refresh_ms += real_ms;
                clock.since_check_ms += real_ms;
                let refresh = clock.since_refresh_ms >= REFRESH_MS;
                if refresh {
                    clock.since_refresh_ms = 0;
                }
                shared.clock.set(clock);
                if !refresh {
                    return self;
                }
                clock.since_check_ms >= CHECK_EVERY_REAL_MS
            }
            Msg::Step => {
                m.playing = false;
                m.shared.0.sim.borrow_mut().step();
                true
            }
            Msg::SetPlaying(p) => {
                // Paused, the panels show exactly where the simulation stopped.
                m.playing = p;
                false
            }
            Msg::SetSpeed(s) => {
                m.speed = s;
                return Rc::new(m);
            }
            Msg::Reset(settings) => match start(&settings) {
                Ok(sim) => {
                    *m.shared.0.sim.borrow_mut() = sim;
                    m.shared.0.clock.set(Clock::default());
                    m.settings = Rc::new(settings);
                    m.selection = Selection::None;
                    m.error = None;
                    m.verdicts = Rc::default();
                    true
                }
                Err(e) => {
                    m.error = Some(format!("Cannot start that run: {e}"));
                    return Rc::new(m);
                }
            },
            Msg::Act(action) => {
                let text = action.to_string();
                let dropped = matches!(action, Action::Drop(_));
                let result = m.shared.0.sim.borrow_mut().act(action);
                m.error = result.err();
                if m.error.is_none() {
                    crate::panic::note_action(&text);
                    if dropped {
                        m.selection = Selection::None;
                    }
                }
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
            Msg::Refused(e) => {
                m.error = Some(e);
                return Rc::new(m);
            }
        };
        m.refresh(check);
        Rc::new(m)
    }
}
