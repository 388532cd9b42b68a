//! The network panel: one link at a time (picked here or by clicking it on the map) to cut
//! in both directions or slow down with the essay's latency presets; every link at once;
//! splits, heals, and a line to type any action in the scenario language.

use super::{fmt_ms, preset_label};
use crate::state::{Msg, Snapshot};
use nextnumber_core::config::ALL_PRESETS;
use nextnumber_core::{Action, Links, NodeId};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// A select of presets that sends `make(min, max)`; its first option only names it.
fn latency_select(
    label: String,
    first: String,
    send: &Callback<Msg>,
    make: impl Fn(u64, u64) -> Action + 'static,
) -> Html {
    let onchange = send.reform(move |e: Event| {
        let sel = e.target_unchecked_into::<HtmlSelectElement>();
        let i = sel.selected_index();
        sel.set_selected_index(0);
        match usize::try_from(i - 1).ok().and_then(|i| ALL_PRESETS.get(i)) {
            Some(p) => {
                let (min, max) = p.latency_ms();
                Msg::Act(make(min, max))
            }
            None => Msg::Refused("Pick a latency from the list.".into()),
        }
    });
    html! {
        <select aria-label={label} {onchange}>
            <option selected=true>{ first }</option>
            { for ALL_PRESETS.iter().map(|p| html! { <option>{ preset_label(*p) }</option> }) }
        </select>
    }
}

/// Reads the text box of the form submitted and parses `prefix + text` as an action, or
/// says why not. The box is found at submit time, so the panel needs no hook of its own.
fn typed(e: &SubmitEvent, prefix: &'static str, n: usize) -> Msg {
    let form: Element = e.target_unchecked_into();
    let input = form.query_selector("input").ok().flatten();
    let text = input.map(|i| i.unchecked_into::<HtmlInputElement>().value()).unwrap_or_default();
    match Action::parse(&format!("{prefix}{}", text.trim()), n) {
        Ok(a) => Msg::Act(a),
        Err(e) => Msg::Refused(format!("{:?}: {e}", text.trim())),
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Snapshot,
    /// The link picked (here or on the map).
    pub link: (NodeId, NodeId),
    pub send: Callback<Msg>,
}

/// The network panel, for the link picked.
#[function_component(Network)]
pub fn network(props: &Props) -> Html {
    let (view, link, send) = (&props.view, props.link, &props.send);
    let n = view.branches.len();
    if n < 2 {
        return html! {
            <section class="panel" aria-labelledby="net-title"><h2 id="net-title">{ "Network" }</h2>
            <p class="hint">{ "One branch has no links." }</p></section>
        };
    }
    let (a, b) = link;
    let (a, b) = if a.index() < n && b.index() < n && a != b { (a, b) } else { (NodeId(0), NodeId(1)) };
    let link = |x: NodeId, y: NodeId| view.links.iter().find(|l| l.from == x && l.to == y);
    let describe = |x: NodeId, y: NodeId| match link(x, y) {
        Some(l) if l.up => format!("{x}→{y}: up, {}–{}", fmt_ms(l.latency_min_ms), fmt_ms(l.latency_max_ms)),
        Some(_) => format!("{x}→{y}: cut"),
        None => String::new(),
    };
    let both_cut = link(a, b).is_some_and(|l| !l.up) && link(b, a).is_some_and(|l| !l.up);
    let pick = |other: NodeId, from_side: bool| {
        send.reform(move |e: Event| {
            let i = NodeId(e.target_unchecked_into::<HtmlSelectElement>().selected_index().max(0) as u8);
            let (x, y) = if from_side { (i, other) } else { (other, i) };
            let y = if x == y { NodeId(((x.index() + 1) % n) as u8) } else { y };
            Msg::PickLink(x, y)
        })
    };
    let cut_both = send.reform(move |_: MouseEvent| {
        Msg::Act(if both_cut { Action::Restore(Links::Both(a, b)) } else { Action::Cut(Links::Both(a, b)) })
    });
    let heal = send.reform(|_: MouseEvent| Msg::Act(Action::Heal));
    let split = send.reform(move |e: SubmitEvent| {
        e.prevent_default();
        typed(&e, "split ", n)
    });
    let run = send.reform(move |e: SubmitEvent| {
        e.prevent_default();
        typed(&e, "", n)
    });
    let options = |selected: NodeId| {
        view.branches
            .iter()
            .map(move |x| html! { <option selected={x.id == selected}>{ x.id.to_string() }</option> })
            .collect::<Html>()
    };
    html! {
        <section class="panel network" aria-labelledby="net-title">
            <h2 id="net-title">{ "Network" }</h2>
            <div class="row">
                <label>{ "Link from " }<select aria-label="Link from" onchange={pick(b, true)}>{ options(a) }</select></label>
                <label>{ " to " }<select aria-label="Link to" onchange={pick(a, false)}>{ options(b) }</select></label>
            </div>
            <p class="hint">{ describe(a, b) }{ " · " }{ describe(b, a) }</p>
            <div class="row">
                <button onclick={cut_both}>
                    { if both_cut { format!("Restore both directions of link {a}–{b}") } else { format!("Cut both directions of link {a}–{b}") } }
                </button>
                { latency_select(format!("Set latency of link {a}→{b}"), format!("Latency {a}→{b}…"), send, move |lo, hi| Action::Latency(Links::One(a, b), lo, hi)) }
                { latency_select(format!("Set latency of both directions of link {a}–{b}"), format!("Latency {a}–{b} both ways…"), send, move |lo, hi| Action::Latency(Links::Both(a, b), lo, hi)) }
            </div>
            <div class="row">
                { latency_select("Set latency of every link".into(), "Latency of every link…".into(), send, |lo, hi| Action::Latency(Links::All, lo, hi)) }
                <button onclick={heal}>{ "Heal the network" }</button>
            </div>
            <form class="row" onsubmit={split}>
                <label>{ "Split into groups " }
                    <input class="groups" placeholder="ABC DE" autocomplete="off" aria-label="Groups to split into, like ABC DE" />
                </label>
                <button type="submit">{ "Split the network" }</button>
            </form>
            <form class="row" onsubmit={run}>
                <label class="grow">{ "Action " }
                    <input placeholder="cut A-B, latency all pigeon, kill C…" autocomplete="off" aria-label="Type an action" />
                </label>
                <button type="submit">{ "Do it" }</button>
            </form>
        </section>
    }
}
