//! The customer desk: a customer walks into a branch to ask for a Number; the latest
//! requests follow, with their request ID (idempotency key), status and result.

use crate::state::{Msg, Snapshot};
use nextnumber_core::customer::{Outcome, RequestKind};
use nextnumber_core::view::RequestView;
use nextnumber_core::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Snapshot,
    pub send: Callback<Msg>,
}

/// The desk lists this many of the latest requests, newest first.
const SHOWN: usize = 8;

fn outcome(r: &RequestView) -> String {
    match (&r.result, r.status) {
        (Some(Outcome::Number { number }), _) => format!("Number {number}"),
        (Some(Outcome::Read { read, linearizable }), _) => {
            format!("latest Number {read} ({})", if *linearizable { "linearizable" } else { "stale" })
        }
        (Some(Outcome::Error { error }), _) => format!("refused: {error}"),
        (None, "waiting") => "waiting…".to_string(),
        (None, _) => "outcome unknown (timed out)".to_string(),
    }
}

#[function_component(Desk)]
pub fn desk(props: &Props) -> Html {
    let view = &props.view;
    let asks = view.branches.iter().map(|b| {
        let id = b.id;
        let onclick = props.send.reform(move |_: MouseEvent| Msg::Act(Action::Ask(id)));
        html! {
            <button key={id.to_string()} aria-label={format!("Ask for a Number at branch {id}")} {onclick}>
                { format!("Ask at {id}") }
            </button>
        }
    });
    let recent = view.requests.iter().rev().take(SHOWN).map(|r| {
        let what = if r.kind == RequestKind::Read { "reads" } else { "asks" };
        let retries = if r.attempts > 1 { format!(" · {} attempts", r.attempts) } else { String::new() };
        html! {
            <li key={r.request.to_string()} class={classes!("request", r.status)}>
                <span class="rid">{ r.request.to_string() }</span>
                <span class="who">{ format!("{what} at {}", r.branch) }</span>
                <span class="result">{ outcome(r) }{ retries }</span>
            </li>
        }
    });
    html! {
        <section class="panel desk" aria-labelledby="desk-title">
            <h2 id="desk-title">{ "Customer desk" }</h2>
            <p class="hint">{ "A customer (client) walks into a branch and asks for the very next Number." }</p>
            <div class="asks">{ for asks }</div>
            if view.requests.is_empty() {
                <p class="hint">{ "No customers yet." }</p>
            } else {
                <ol class="requests" aria-label="Recent requests" aria-live="polite">{ for recent }</ol>
            }
        </section>
    }
}
