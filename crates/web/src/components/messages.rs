//! The messages panel: the selected message in full, with a button to drop it; and, for
//! keyboards and screen readers, the oldest messages in flight as a list to pick from
//! (a bounded list: the map may carry thousands).

use super::fmt_ms;
use crate::flights::KINDS;
use crate::state::{Msg, Selection, SimHandle, Snapshot};
use nextnumber_core::view::MessageView;
use nextnumber_core::Action;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The moment shown (the list is read from the simulation at it).
    pub view: Snapshot,
    pub shared: SimHandle,
    pub selected: Option<u64>,
    /// The selected message, while it is in flight.
    pub message: Option<Rc<MessageView>>,
    pub send: Callback<Msg>,
}

/// How many messages the list offers.
const LISTED: usize = 8;

fn kind_name(m: &MessageView) -> &'static str {
    KINDS.iter().find(|k| k.0 == m.kind).map_or("message", |k| k.2)
}

#[function_component(Messages)]
pub fn messages(props: &Props) -> Html {
    let (now, in_flight, send) = (props.view.now, props.view.in_flight, &props.send);
    let listed: Vec<MessageView> = {
        let sim = props.shared.0.sim.borrow();
        let mut ids = Vec::with_capacity(in_flight.min(4_096));
        sim.for_each_flight(|m| ids.push(m.id));
        ids.sort_unstable();
        ids.iter().take(LISTED).filter_map(|id| sim.message_view(*id)).collect()
    };
    let selected = match (&props.message, props.selected) {
        (Some(m), _) => {
            let id = m.id;
            let drop = send.reform(move |_: MouseEvent| Msg::Act(Action::Drop(id)));
            let close = send.reform(|_: MouseEvent| Msg::Select(Selection::None));
            html! {
                <div class="message-detail" aria-live="polite">
                    <p><b>{ format!("Message #{}: {} {}→{}", m.id, kind_name(m), m.from, m.to) }</b></p>
                    <p class="mono">{ m.summary.clone() }</p>
                    <p class="hint">{ format!("Sent at {}, arrives at {} (in {}).", fmt_ms(m.sent), fmt_ms(m.arrive), fmt_ms(m.arrive.saturating_sub(now))) }</p>
                    <div class="row">
                        <button class="danger" onclick={drop}>{ format!("Drop message #{id}") }</button>
                        <button class="quiet" onclick={close}>{ "Close" }</button>
                    </div>
                </div>
            }
        }
        (None, Some(id)) => {
            html! { <p class="hint" aria-live="polite">{ format!("Message #{id} has arrived (or was lost).") }</p> }
        }
        (None, None) => {
            html! { <p class="hint">{ "Point at a message on the map to see what it carries; click or tap it to drop it." }</p> }
        }
    };
    let item = |m: &MessageView| {
        let id = m.id;
        let kind = KINDS.iter().find(|k| k.0 == m.kind).map_or("", |k| k.1);
        let pick = send.reform(move |_: MouseEvent| Msg::Select(Selection::Message(id)));
        html! {
            <li key={id}>
                <button class="quiet" onclick={pick} aria-pressed={(props.selected == Some(id)).to_string()}>
                    <i class={classes!("k", kind)}></i>{ format!("Inspect message #{id}: {} {}→{}", kind_name(m), m.from, m.to) }
                </button>
            </li>
        }
    };
    html! {
        <section class="panel messages" aria-labelledby="msg-title">
            <h2 id="msg-title">{ format!("Messages in flight: {in_flight}") }</h2>
            { selected }
            if !listed.is_empty() {
                <details>
                    <summary>{ format!("The {} oldest, to pick by keyboard (pause first)", listed.len()) }</summary>
                    <ul class="msg-list">{ for listed.iter().map(item) }</ul>
                </details>
            }
        </section>
    }
}
