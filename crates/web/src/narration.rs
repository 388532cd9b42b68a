//! The essay's situations as narrated scenarios: a picker, and a panel that tells, step by
//! step, what to watch. The scenarios and their narration are the core's
//! (`nextnumber_core::narration::ESSAY`: scenario files whose `#> @TICK text` comment lines
//! are the steps, so `nextnumber run --scenario` runs the very same file).
//!
//! The step shown is the last one whose tick the run has reached, so scrubbing, stepping
//! and playing keep it in step. "Next" plays up to the next step's moment; "Back" jumps to
//! the previous one. The visitor may act at any moment: that forks the run as usual, and
//! the narration stays as a guide.

use crate::state::Msg;
use nextnumber_core::narration::{Narration as Story, ESSAY};
use nextnumber_core::Scenario;
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Whether `name` is one of the narrated scenarios (a link to one opens at its start).
pub fn is_narrated(name: &str) -> bool {
    ESSAY.iter().any(|(n, _)| *n == name)
}

/// The narration of scenario `name`, if it is one of the essay's.
fn narration_of(name: &str) -> Option<Story> {
    ESSAY.iter().find(|(n, _)| *n == name).and_then(|(_, text)| Story::parse(text).ok())
}

/// What choosing scenario `i` of the picker does: open it at its start, as a new run.
fn open(i: usize) -> Msg {
    match ESSAY.get(i).map(|(_, text)| Scenario::parse(text)) {
        Some(Ok(scenario)) => Msg::Open { scenario: Box::new(scenario), at: Some(0), push: true },
        Some(Err(e)) => Msg::Refused(format!("That scenario cannot be opened: {e}")),
        None => Msg::Refused("There is no such scenario.".into()),
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The name of the scenario the run follows, if any.
    pub scenario: Option<Rc<str>>,
    pub now: u64,
    pub send: Callback<Msg>,
}

#[function_component(Narration)]
pub fn narration(props: &Props) -> Html {
    // Parsed once per scenario, not at every redraw.
    let titles = use_memo((), |_| {
        ESSAY
            .iter()
            .map(|(n, text)| Story::parse(text).ok().and_then(|x| x.title).unwrap_or(n.to_string()))
            .collect::<Vec<_>>()
    });
    let current = use_memo(props.scenario.clone(), |s| s.as_deref().and_then(narration_of));
    let picked = props.scenario.as_deref().and_then(|s| ESSAY.iter().position(|(n, _)| *n == s));
    let on_pick = {
        let send = props.send.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse::<usize>() {
                send.emit(open(i));
            }
        })
    };
    let picker = html! {
        <label class="picker">
            <span>{ "Scenario" }</span>
            <select aria-label="Scenario to follow, step by step" onchange={on_pick}>
                <option value="" selected={picked.is_none()} disabled=true>{ "Choose a situation from the story…" }</option>
                { for titles.iter().enumerate().map(|(i, t)| html! {
                    <option value={i.to_string()} selected={picked == Some(i)}>{ t.clone() }</option>
                }) }
            </select>
        </label>
    };
    let Some(current) = current.as_ref() else {
        return html! { <section class="panel narration" aria-label="Scenarios">{ picker }</section> };
    };
    let steps = &current.steps;
    if steps.is_empty() {
        return html! { <section class="panel narration" aria-label="Scenarios">{ picker }</section> };
    }
    let at = current.step_at(props.now).unwrap_or(0);
    let go = |msg: fn(u64) -> Msg, to: Option<u64>| {
        let send = props.send.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = to {
                send.emit(msg(t));
            }
        })
    };
    // Back: to the start of this step if the run is past it, else to the step before.
    let back = if steps[at].tick < props.now { Some(at) } else { at.checked_sub(1) }.map(|i| steps[i].tick);
    let next = steps.get(at + 1).map(|s| s.tick);
    let last = at + 1 == steps.len();
    let title = current.title.clone().unwrap_or_default();
    html! {
        <section class="panel narration" aria-labelledby="narration-title">
            { picker }
            <h2 id="narration-title">{ title }</h2>
            <p class="step-count">{ format!("Step {} of {}", at + 1, steps.len()) }</p>
            <p class="say" id="narration-text" aria-live="polite">{ steps[at].text.clone() }</p>
            if let (true, Some(c)) = (last, &current.challenge) {
                <p class="challenge">{ c.clone() }</p>
            }
            <div class="narration-buttons">
                <button type="button" onclick={go(Msg::Seek, back)} disabled={back.is_none()}
                    aria-label="Back to the previous step of the story">{ "◀ Back" }</button>
                <button type="button" class="primary" onclick={go(Msg::PlayTo, next)} disabled={next.is_none()}
                    aria-label="Next step of the story: play up to it">{ "Next ▶" }</button>
            </div>
            <p class="muted">{ "You may step in at any moment: cut, kill, ask. The story then goes your way." }</p>
        </section>
    }
}
