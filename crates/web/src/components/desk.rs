//! The customer desk: a customer walks into a branch to ask for a Number, or for the
//! latest one; each request shows its RequestId (idempotency key) and follows its way
//! through the cluster; a request can be retried, with the same ID, at another branch; a
//! slider sends customers at a steady rate. The customers' retry policy (client mode) is
//! chosen here.

use super::state_text;
use crate::state::{Implicated, Msg, Snapshot};
use nextnumber_core::config::{limits, ClientMode};
use nextnumber_core::customer::RequestKind;
use nextnumber_core::view::View;
use nextnumber_core::{Action, LoadTarget, NodeId, RequestId};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The desk lists this many of the latest requests, newest first.
pub const SHOWN_REQUESTS: usize = 10;
/// The load slider's top: one customer every 10 simulated ms.
const MAX_LOAD: u32 = 100;
const MODES: [(ClientMode, &str); 3] = [
    (ClientMode::ExactlyOnce, "exactly once: retry with the same RequestId"),
    (ClientMode::AtMostOnce, "at most once: never retry"),
    (ClientMode::AtLeastOnce, "at least once: retry without an ID"),
];

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Snapshot,
    pub implicated: Rc<Implicated>,
    /// What the retry row has picked (the model keeps it: `Msg::PickRetry`).
    pub retry: (Option<RequestId>, NodeId),
    pub send: Callback<Msg>,
}

#[function_component(Desk)]
pub fn desk(props: &Props) -> Html {
    let (view, send) = (&props.view, &props.send);
    let (retry_request, retry_branch) = props.retry;
    let issues: Vec<RequestId> = view
        .requests
        .iter()
        .rev()
        .filter(|r| r.kind == RequestKind::Issue)
        .map(|r| r.request)
        .take(SHOWN_REQUESTS)
        .collect();
    let chosen = retry_request.filter(|r| issues.contains(r)).or(issues.first().copied());
    let n = view.branches.len();
    let at = NodeId(retry_branch.0.min(n as u8 - 1));

    let target = if view.load_at_leader { LoadTarget::Leader } else { LoadTarget::Random };
    let load = send.reform(move |e: Event| {
        let rate = e.target_unchecked_into::<HtmlInputElement>().value().parse().unwrap_or(0);
        Msg::Act(Action::Load(rate, target))
    });
    let rate = view.load_per_sec;
    let load_target = send.reform(move |e: Event| {
        let leader = e.target_unchecked_into::<HtmlSelectElement>().value() == "leader";
        Msg::Act(Action::Load(rate, if leader { LoadTarget::Leader } else { LoadTarget::Random }))
    });
    let load_text = match rate {
        0 => "no customers walk in on their own".to_string(),
        r => format!("{r} customers per simulated second, one every {} ms", 1_000 / r),
    };
    let mode = send.reform(|e: Event| {
        let i = e.target_unchecked_into::<HtmlSelectElement>().selected_index().clamp(0, 2) as usize;
        Msg::Act(Action::Mode(MODES[i].0))
    });
    let pick_request = send.reform(move |e: Event| {
        Msg::PickRetry(RequestId::parse(&e.target_unchecked_into::<HtmlSelectElement>().value()).ok(), retry_branch)
    });
    let pick_branch = send.reform(move |e: Event| {
        Msg::PickRetry(
            retry_request,
            NodeId(e.target_unchecked_into::<HtmlSelectElement>().selected_index().max(0) as u8),
        )
    });
    let retry = chosen.map(|r| send.reform(move |_: MouseEvent| Msg::Act(Action::Retry(r, at))));

    html! {
        <section class="panel desk" aria-labelledby="desk-title">
            <h2 id="desk-title">{ "Customer desk" }</h2>
            <p class="hint">{ "A customer (client) walks into a branch and asks for the very next Number, or for the latest one." }</p>
            { asks(view, send) }
            <div class="row">
                <label class="grow">{ "Load " }
                    <input type="range" min="0" max={MAX_LOAD.to_string()} step="1" value={rate.to_string()}
                        aria-label="Customers per simulated second" aria-valuetext={load_text.clone()} onchange={load} />
                </label>
                <select aria-label="Where the customers walk in" onchange={load_target}>
                    <option value="random" selected={!view.load_at_leader}>{ "at random branches" }</option>
                    <option value="leader" selected={view.load_at_leader}>{ "at the Main Office" }</option>
                </select>
            </div>
            <p class="hint">{ load_text }</p>
            <label class="row">{ "Client mode " }
                <select onchange={mode}>
                    { for MODES.iter().map(|&(m, name)| html! { <option selected={m == view.client_mode}>{ name }</option> }) }
                </select>
            </label>
            if let Some(chosen) = chosen {
                <div class="row retry">
                    <label>{ "Retry " }
                        <select onchange={pick_request} aria-label="Request to retry">
                            { for issues.iter().map(|r| html! { <option selected={*r == chosen}>{ r.to_string() }</option> }) }
                        </select>
                    </label>
                    <label>{ " at " }
                        <select onchange={pick_branch} aria-label="Branch to retry at">
                            { for view.branches.iter().map(|b| html! { <option selected={b.id == at}>{ b.id.to_string() }</option> }) }
                        </select>
                    </label>
                    <button onclick={retry}>{ format!("Retry request {chosen} at branch {at}") }</button>
                </div>
            }
            { recent_requests(view, &props.implicated) }
        </section>
    }
}

/// The desk's two buttons per branch: ask for a Number, read the latest one.
fn asks(view: &View, send: &Callback<Msg>) -> Html {
    let ask = |b: NodeId| {
        html! {
            <div class="ask" key={b.to_string()}>
                <button onclick={send.reform(move |_: MouseEvent| Msg::Act(Action::Ask(b)))}
                    aria-label={format!("Ask {b} for a Number")}>{ format!("Ask {b}") }</button>
                <button class="quiet" onclick={send.reform(move |_: MouseEvent| Msg::Act(Action::Read(b)))}
                    aria-label={format!("Read {b}, the latest Number")}>{ format!("Read {b}") }</button>
            </div>
        }
    };
    html! { <div class="asks">{ for view.branches.iter().map(|b| ask(b.id)) }</div> }
}

/// The latest requests, newest first, each with where it stands.
fn recent_requests(view: &View, implicated: &Implicated) -> Html {
    if view.requests.is_empty() {
        return html! { <p class="hint">{ "No customers yet." }</p> };
    }
    let row = |r: &nextnumber_core::view::RequestView| {
        let what = if r.kind == RequestKind::Read { "reads" } else { "asks" };
        let again = r.retry_of.map(|f| format!(" (again, for {f})")).unwrap_or_default();
        let blamed = implicated.requests.contains(&r.request).then_some("implicated");
        html! {
            <li key={r.request.to_string()} class={classes!("request", r.status, blamed)}>
                <span class="rid">{ r.request.to_string() }</span>
                <span class="who">{ format!("{what} at {}{again}", r.branch) }</span>
                <span class="result">{ state_text(r) }</span>
            </li>
        }
    };
    html! {
        <div>
            <ol class="requests" aria-label="Recent requests">{ for view.requests.iter().rev().take(SHOWN_REQUESTS).map(row) }</ol>
            if view.requests_total - view.requests_forgotten >= limits::MAX_REQUESTS {
                // The load generator skips customers silently at the cap; the visitor is told.
                <p class="hint" role="status">{ format!("The history is full ({} requests): no new customer is let in.", limits::MAX_REQUESTS) }</p>
            } else if view.requests_forgotten > 0 {
                <p class="hint">{ format!("{} requests so far; the latest {SHOWN_REQUESTS} are shown, and the first {} are no longer kept.", view.requests_total, view.requests_forgotten) }</p>
            } else if view.requests_total > SHOWN_REQUESTS {
                <p class="hint">{ format!("{} requests so far; the latest {SHOWN_REQUESTS} are shown.", view.requests_total) }</p>
            }
        </div>
    }
}
