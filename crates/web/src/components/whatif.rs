//! "What could go wrong from here?": the bounded model check of the real branches from the
//! moment shown (the core's `model`, through the JS package in a worker: worker.rs). The
//! visitor sets the bounds, watches the search's depth, states and speed, may cancel, and
//! reads what it covered or the shortest way it found to break an invariant, step by step,
//! which it can play on the map (it opens the counterexample's link: replay.rs) or copy as
//! that link.

use super::fmt_ms;
use crate::state::Msg;
use crate::worker::{self, Check, Found, Outcome, Update};
use nextnumber_core::model::thousands;
use nextnumber_core::permalink;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The run's permalink, or why it has none.
    pub link: Result<Rc<str>, Rc<str>>,
    pub now: u64,
    pub send: Callback<Msg>,
}

/// The bounds a visitor can set: (the option's name, its label, default, most). The defaults
/// finish in seconds on a 5-branch moment.
const BOUNDS: [(&str, &str, u32, u32); 5] = [
    ("depth", "Steps", 4, 12),
    ("crashes", "Fires", 1, 3),
    ("floods", "Floods", 1, 2),
    ("customers", "New customers", 1, 3),
    ("attempts", "Asks each", 2, 3),
];

#[derive(Clone, PartialEq)]
enum Status {
    Idle,
    Running { from: u64, depth: u64, states: u64, per_second: u64 },
    Done { from: u64, outcome: Outcome },
    Failed(String),
}

#[function_component(WhatIf)]
pub fn what_if(props: &Props) -> Html {
    let values = use_state(|| BOUNDS.map(|(_, _, default, _)| default));
    let drops = use_state(|| false);
    let status = use_state(|| Status::Idle);
    let check = use_mut_ref(|| None::<Check>);
    let running = matches!(*status, Status::Running { .. });
    let start = {
        let (values, drops, status, check, link, now) =
            (values.clone(), drops.clone(), status.clone(), check.clone(), props.link.clone(), props.now);
        Callback::from(move |_: MouseEvent| {
            let Ok(link) = &link else { return };
            let bounds: Vec<(&str, u32)> = BOUNDS.iter().zip(values.iter()).map(|((k, ..), v)| (*k, *v)).collect();
            let setter = status.setter();
            let tell: worker::Callback = Rc::new(move |u| setter.set(status_of(now, u)));
            *check.borrow_mut() = None; // a check still running is replaced
            match worker::start(link, now, &bounds, *drops, tell) {
                Ok(c) => {
                    *check.borrow_mut() = Some(c);
                    status.set(Status::Running { from: now, depth: 1, states: 0, per_second: 0 });
                }
                Err(e) => status.set(Status::Failed(e)),
            }
        })
    };
    let cancel = {
        let (status, check) = (status.clone(), check.clone());
        Callback::from(move |_: MouseEvent| {
            *check.borrow_mut() = None;
            status.set(Status::Idle);
        })
    };
    let max_depth = values[0];
    html! {
        <section class="panel whatif" aria-labelledby="whatif-title">
            <h2 id="whatif-title">{ "What could go wrong from here?" }</h2>
            <p class="hint">
                { "Every order of deliveries, losses, timers, fires, floods and customers' asks from this moment, within the bounds, tried on the real branches (a bounded model check)." }
            </p>
            <fieldset class="bounds" disabled={running}>
                <legend>{ "Bounds" }</legend>
                { for BOUNDS.iter().enumerate().map(|(i, b)| bound_input(i, b, &values)) }
                <label>
                    <input type="checkbox" checked={*drops}
                        onchange={let drops = drops.clone(); move |_| drops.set(!*drops)} />
                    { " Messages may be lost" }
                </label>
            </fieldset>
            if let Err(why) = &props.link {
                <p class="error">{ format!("This run cannot be checked: it has no link to replay ({why}).") }</p>
            } else if running {
                <button onclick={cancel}>{ "Cancel" }</button>
            } else {
                <button onclick={start}>{ format!("Check from t = {}", fmt_ms(props.now)) }</button>
            }
            { status_view(&status, max_depth, &props.send) }
        </section>
    }
}

fn status_of(from: u64, u: Update) -> Status {
    match u {
        Update::Progress { depth, states, per_second } => Status::Running { from, depth, states, per_second },
        Update::Done(outcome) => Status::Done { from, outcome },
        Update::Failed(e) => Status::Failed(e),
        Update::ShrinkProgress { .. } | Update::Shrunk(_) => Status::Failed("the worker answered a shrink".into()),
    }
}

fn bound_input(i: usize, (_, label, _, most): &(&str, &str, u32, u32), values: &UseStateHandle<[u32; 5]>) -> Html {
    let values = values.clone();
    let least = u32::from(i == 0 || i == 4); // at least one step, one ask
    let onchange = {
        let (values, most) = (values.clone(), *most);
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut next = *values;
            next[i] = (input.value_as_number() as u32).clamp(least, most);
            values.set(next);
        })
    };
    html! {
        <label>
            { format!("{label} ") }
            <input type="number" min={least.to_string()} max={most.to_string()} value={values[i].to_string()} {onchange} />
        </label>
    }
}

fn status_view(status: &Status, max_depth: u32, send: &Callback<Msg>) -> Html {
    match status {
        Status::Idle => html! {},
        Status::Running { from, depth, states, per_second } => html! {
            <div class="progress">
                <progress max={max_depth.to_string()} value={depth.saturating_sub(1).to_string()}
                    aria-label="Steps searched completely" />
                <p role="status">
                    { format!("From {}: searching step {depth} of {max_depth}, {} states, {} states/s", fmt_ms(*from), thousands(*states as usize), thousands(*per_second as usize)) }
                </p>
            </div>
        },
        Status::Done { from, outcome } => outcome_view(*from, outcome, send),
        Status::Failed(e) => html! { <p class="error" role="alert">{ format!("The check failed: {e}") }</p> },
    }
}

fn outcome_view(from: u64, o: &Outcome, send: &Callback<Msg>) -> Html {
    let class = classes!("verdict", if o.verdict == "safe" { "ok" } else { "broken" });
    html! {
        <div class="outcome">
            <p {class} role="status">{ format!("From {}: {}.", fmt_ms(from), o.summary) }</p>
            <p class="hint">{ format!("Searched in {} ms: {}.", thousands(o.ms as usize), o.bounds) }</p>
            if let Some(found) = &o.violation {
                <Counterexample found={found.clone()} send={send.clone()} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct FoundProps {
    found: Found,
    send: Callback<Msg>,
}

/// The steps in words, and what can be done with them: play them on the map (the page opens
/// their link, as a new entry in the browser's history), or copy the link.
#[function_component(Counterexample)]
fn counterexample(props: &FoundProps) -> Html {
    let copied = use_state(|| None::<bool>);
    let f = &props.found;
    let named = f.named.as_deref().unwrap_or("a branch's own invariant");
    let actions = match &f.link {
        Ok(link) => {
            let play = {
                let (send, link) = (props.send.clone(), link.clone());
                Callback::from(move |_: MouseEvent| match permalink::decode(&link) {
                    Ok(scenario) => send.emit(Msg::Open { scenario: Box::new(scenario), at: None, push: true }),
                    Err(e) => send.emit(Msg::Refused(format!("That counterexample cannot be opened: {e}"))),
                })
            };
            let copy = {
                let (copied, text) = (copied.clone(), format!("{}#{link}", crate::share::page_base()));
                Callback::from(move |_: MouseEvent| {
                    let copied = copied.clone();
                    crate::share::copy(text.clone(), Callback::from(move |ok| copied.set(Some(ok))));
                })
            };
            let said = match *copied {
                Some(true) => "Link copied: it opens this counterexample, step by step.",
                Some(false) => "The browser did not allow copying: use the link below.",
                None => "",
            };
            html! {
                <>
                    <div class="share-buttons">
                        <button type="button" onclick={play}>{ "Play it on the map" }</button>
                        <button type="button" onclick={copy}>{ "Copy link" }</button>
                    </div>
                    <p class="muted">
                        <a class="counterexample-link" href={format!("#{link}")}>{ "Link to this counterexample" }</a>
                        <span role="status">{ format!(" {said}") }</span>
                    </p>
                </>
            }
        }
        Err(why) => html! { <p class="hint">{ format!("It cannot be played on this run: {why}") }</p> },
    };
    html! {
        <>
            <p>{ format!("The shortest way to break {named}:") }</p>
            <ol class="counterexample">{ for f.steps.iter().map(|s| html! { <li>{ s.clone() }</li> }) }</ol>
            { actions }
        </>
    }
}
