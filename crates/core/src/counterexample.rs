//! A model check's counterexample played on the simulator (model.rs, "A counterexample
//! played on the simulator"): the actions that play its steps on the run at its moment, the
//! words for each step as the page plays it, and the run that replays it, whose link the
//! page copies and `nextnumber run --link` reproduces.

use crate::action::Action;
use crate::check::report::Judgement;
use crate::check::Invariant;
use crate::ids::Tick;
use crate::model::{message_words, Counterexample, Move, Search, Step};
use crate::replica::Role;
use crate::scenario::Scenario;
use crate::sim::Simulation;
use crate::timeline::Timeline;

/// The seed a scenario without one runs with here, as `model::moment_of` does.
const DEFAULT_SEED: u64 = 1;

/// The run `scenario` at `tick`, as the page's timeline stands there (everything at or
/// before `tick` done), its later actions dropped: what a search from there starts from,
/// and the run a counterexample found there extends ([`scenario`]).
pub fn run_at(scenario: &Scenario, tick: Tick) -> Result<Timeline, String> {
    let mut t = Timeline::from_scenario(scenario, DEFAULT_SEED)?;
    t.seek(tick);
    t.fork();
    Ok(t)
}

/// The actions that play `c`, found by `search` from `sim`'s moment, on `sim`: one per step,
/// each found by playing the steps before it on a copy of the run (a message is named by its
/// id there: the one in flight on the same road with the same content). Then the run's own
/// checkers must report the invariant the search found broken. An error says which step
/// could not be played, and why.
pub fn script(sim: &Simulation, search: &Search, c: &Counterexample) -> Result<Vec<Action>, String> {
    let mut run = sim.clone();
    // A branch's own invariant broken is the counterexample here, not a reason to stop.
    run.set_invariants(false);
    let mut actions = Vec::with_capacity(c.path.len());
    for (i, (step, words)) in search.moves(&c.path).into_iter().enumerate() {
        let at = |e: String| format!("step {} ({words}) cannot be played on the run: {e}", i + 1);
        let action = action_of(&run, &step).map_err(at)?;
        run.act(action.clone()).map_err(at)?;
        actions.push(action);
    }
    match c.invariant {
        Some(broken) if !breaks(&run, broken) => Err(format!(
            "played on the run, the steps do not break {}: the run's customers or network did something of their \
             own between them",
            broken.code()
        )),
        _ => Ok(actions),
    }
}

/// Whether the run's checkers (the report the page shows) find `invariant` broken.
pub fn breaks(sim: &Simulation, invariant: Invariant) -> bool {
    matches!(sim.report().verdict(invariant).judgement, Judgement::Broken(_))
}

fn action_of(run: &Simulation, step: &Move) -> Result<Action, String> {
    Ok(match step {
        Move::Message { deliver, from, to, msg } => {
            let found = run.messages_in_flight().into_iter().find(|m| m.from == *from && m.to == *to && *m.msg == *msg);
            let m = found.ok_or_else(|| format!("no such message from {from} to {to} is in flight here ({msg})"))?;
            if *deliver {
                Action::Deliver(m.id)
            } else {
                Action::Drop(m.id)
            }
        }
        // A new customer's first ask keeps the name the search gave them: their messages carry it.
        Move::Ask { client, branch, first: true, .. } => Action::AskAs(*branch, *client),
        Move::Ask { request, branch, .. } => Action::Retry(*request, *branch),
        Move::Other(step) => match *step {
            Step::ElectionTimeout(b) => Action::Timeout(b),
            Step::HeartbeatTimeout(b) => Action::Heartbeat(b),
            Step::File(b, r) => Action::File(b, r),
            Step::Decree(b) => Action::Decree(b),
            Step::Crash(b) => Action::Kill(b),
            Step::Restart(b) => Action::Restart(b),
            Step::Isolate(b) => Action::Isolate(b),
            Step::Heal => Action::Heal,
            Step::Deliver(_) | Step::Drop(_) | Step::Ask(..) => return Err(format!("{step:?} is a move of its own")),
        },
    })
}

/// What `action` does to `sim`, in the words the model check uses for its step, made from
/// the run as it stands before it (the message it moves, the try a customer is on).
pub fn narrate(sim: &Simulation, action: &Action) -> String {
    match action {
        Action::Deliver(id) | Action::Drop(id) => {
            let Some(m) = sim.messages_in_flight().into_iter().find(|m| m.id == *id) else {
                return format!("{action}: no such message is in flight");
            };
            let words = message_words(&m.msg);
            if matches!(action, Action::Deliver(_)) {
                format!("{} receives {words} from {} ({})", m.to, m.from, m.msg)
            } else {
                format!("{words} from {} to {} is lost on the road ({})", m.from, m.to, m.msg)
            }
        }
        Action::Timeout(b) if sim.replica(*b).role == Role::Leader => {
            format!("{b}'s election timer fires: as the Main Office it checks that it still reaches a majority")
        }
        Action::Timeout(b) => format!("{b}'s election timer fires: it stands for election in a new term"),
        Action::Heartbeat(b) => format!("{b}'s heartbeat timer fires: the Main Office resends its register"),
        Action::AskAs(b, c) => {
            format!("customer {c} asks at {b} for a Number (request {}, try 1)", sim.next_request_of(*c))
        }
        Action::Retry(r, b) => {
            let tries = sim.attempts_of(*r).unwrap_or(0);
            format!("customer {} asks at {b} for a Number (request {r}, try {})", r.client, tries + 1)
        }
        Action::File(b, r) => format!("{b} files request {r}, stamped at its door"),
        Action::Decree(b) => format!("a decree names {b} the Main Office"),
        Action::Kill(b) => format!("fire at {b}: the branch burns down, only its disk is left"),
        Action::Restart(b) => format!("{b} reopens, recovering its term, vote and register from disk"),
        Action::Isolate(b) => format!("flood: {b} is cut off both ways"),
        Action::Heal => "the flood recedes: every road is open again".to_string(),
        other => other.to_string(),
    }
}

/// Each of `steps` in words, as [`narrate`] says it in the run it is played on, from `sim`.
pub fn narrate_all(sim: &Simulation, steps: &[Action]) -> Vec<String> {
    let mut run = sim.clone();
    run.set_invariants(false);
    steps
        .iter()
        .map(|a| {
            let words = narrate(&run, a);
            if let Err(e) = run.act(a.clone()) {
                return format!("{words} (refused here: {e})");
            }
            words
        })
        .collect()
}

/// The run that replays a counterexample: `base` (a run standing at its moment, as
/// [`run_at`] gives it) with `steps` at its moment, marked `counterexample N`. It has no
/// scenario name: it opens as a counterexample, not as the essay's story.
pub fn scenario(base: &Scenario, steps: Vec<Action>) -> Scenario {
    let tick = Tick(base.run_until.unwrap_or_else(|| base.end().0));
    let mut s = Scenario { name: None, seed: Some(base.seed.unwrap_or(DEFAULT_SEED)), ..base.clone() };
    s.actions.retain(|(t, _)| *t <= tick);
    s.counterexample = (!steps.is_empty()).then_some(steps.len());
    s.actions.extend(steps.into_iter().map(|a| (tick, a)));
    s.run_until = Some(tick.0);
    s
}
