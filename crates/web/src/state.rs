//! The page's state: one simulation and the snapshot of it that the components draw.
//! Every gesture arrives here as a `Msg`; protocol decisions stay in the core, which turns
//! an `Action` into simulator inputs. This file only moves time forward and keeps the
//! latest `View` and checker verdicts.

use nextnumber_core::check::{check_history, Invariant, ALL_INVARIANTS};
use nextnumber_core::view::View;
use nextnumber_core::{Action, Config, History, Simulation, Tick};
use std::cell::RefCell;
use std::rc::Rc;
use yew::Reducible;

/// Simulated milliseconds per real second, slowest first: slow motion to fast forward.
pub const SPEEDS: [(u64, &str); 6] =
    [(10, "1/100 slow"), (50, "1/20"), (100, "1/10"), (250, "1/4"), (1_000, "1× real time"), (10_000, "10× fast")];
pub const DEFAULT_SPEED: u64 = 100;

/// The checkers run over the whole history: at most this often while playing.
const CHECK_EVERY_REAL_MS: u64 = 500;

pub enum Msg {
    /// Real time passed while playing.
    Frame {
        real_ms: u64,
    },
    Step,
    SetPlaying(bool),
    SetSpeed(u64),
    /// Start over with this seed and number of branches.
    Reset {
        seed: u64,
        branches: usize,
    },
    Act(Action),
}

/// One invariant's verdict, with what broke it when red.
#[derive(Clone, PartialEq)]
pub struct Verdict {
    pub invariant: Invariant,
    pub broken: Option<String>,
}

/// A view snapshot for component props: equal when it is the same snapshot, so a component
/// re-renders only when the simulation moved.
#[derive(Clone)]
pub struct Snapshot(pub Rc<View>);

impl PartialEq for Snapshot {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Snapshot {
    type Target = View;
    fn deref(&self) -> &View {
        &self.0
    }
}

#[derive(Clone)]
pub struct Model {
    sim: Rc<RefCell<Simulation>>,
    pub view: Snapshot,
    pub verdicts: Rc<Vec<Verdict>>,
    pub seed: u64,
    pub branches: usize,
    pub leader: Option<u8>,
    pub playing: bool,
    pub speed: u64,
    /// Real ms × speed not yet turned into whole simulated ms.
    carry: u64,
    since_check_ms: u64,
    /// The last thing the core refused, said plainly.
    pub error: Option<String>,
}

impl Model {
    pub fn new(seed: u64, branches: usize) -> Result<Model, String> {
        let config = Config { branches, ..Config::default() };
        let sim = Simulation::new(config, seed)?;
        let view = Snapshot(Rc::new(sim.view()));
        let mut m = Model {
            sim: Rc::new(RefCell::new(sim)),
            view,
            verdicts: Rc::default(),
            seed,
            branches,
            leader: None,
            playing: true,
            speed: DEFAULT_SPEED,
            carry: 0,
            since_check_ms: 0,
            error: None,
        };
        m.refresh(true);
        Ok(m)
    }

    fn refresh(&mut self, check: bool) {
        let sim = self.sim.borrow();
        self.view = Snapshot(Rc::new(sim.view()));
        self.leader = sim.current_leader().map(|b| b.0);
        if check {
            self.since_check_ms = 0;
            let from_history = check_history(&History::of(&sim));
            let all: Vec<_> = sim.violations().iter().chain(from_history.list()).collect();
            let verdicts = ALL_INVARIANTS
                .iter()
                .map(|&invariant| Verdict {
                    invariant,
                    broken: all.iter().find(|v| v.invariant == invariant).map(|v| v.to_string()),
                })
                .collect::<Vec<_>>();
            if *self.verdicts != verdicts {
                self.verdicts = Rc::new(verdicts);
            }
        }
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
                let scaled = real_ms * m.speed + m.carry;
                m.carry = scaled % 1_000;
                let until = m.view.now + scaled / 1_000;
                m.sim.borrow_mut().run_until(Tick(until));
                m.since_check_ms += real_ms;
                m.since_check_ms >= CHECK_EVERY_REAL_MS
            }
            Msg::Step => {
                m.playing = false;
                m.sim.borrow_mut().step();
                true
            }
            Msg::SetPlaying(p) => {
                m.playing = p;
                return Rc::new(m);
            }
            Msg::SetSpeed(s) => {
                m.speed = s;
                return Rc::new(m);
            }
            Msg::Reset { seed, branches } => match Model::new(seed, branches) {
                Ok(fresh) => {
                    return Rc::new(Model { playing: m.playing, speed: m.speed, ..fresh });
                }
                Err(e) => {
                    m.error = Some(e);
                    return Rc::new(m);
                }
            },
            Msg::Act(action) => {
                let result = m.sim.borrow_mut().act(action);
                m.error = result.err();
                true
            }
        };
        m.refresh(check);
        Rc::new(m)
    }
}
