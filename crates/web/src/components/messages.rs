//! The messages panel: the selected message in full, with a button to drop it; and, for
//! keyboards and screen readers, the oldest messages in flight as a list to pick from
//! (a bounded list: the map may carry thousands).

use super::{fmt_ms, raw};
use crate::flights::KINDS;
use crate::state::SimHandle;
use nextnumber_core::view::MessageView;
use std::fmt::Write;
use yew::prelude::*;

/// What the messages panel shows.
pub struct Props<'a> {
    pub shared: &'a SimHandle,
    pub selected: Option<u64>,
    pub message: Option<&'a MessageView>,
    pub in_flight: usize,
    pub now: u64,
}

/// How many messages the list offers.
const LISTED: usize = 8;

fn kind_name(m: &MessageView) -> &'static str {
    KINDS.iter().find(|k| k.0 == m.kind).map_or("message", |k| k.2)
}

/// A plain function rather than a component: a component costs kilobytes of wasm each.
pub fn messages(props: Props) -> Html {
    let listed: Vec<MessageView> = {
        let sim = props.shared.0.sim.borrow();
        let mut ids = Vec::with_capacity(props.in_flight.min(4_096));
        sim.for_each_flight(|m| ids.push(m.id));
        ids.sort_unstable();
        ids.iter().take(LISTED).filter_map(|id| sim.message_view(*id)).collect()
    };
    let selected = match (props.message, props.selected) {
        (Some(m), _) => {
            html! {
                <div class="message-detail" aria-live="polite">
                    <p><b>{ format!("Message #{}: {} {}→{}", m.id, kind_name(m), m.from, m.to) }</b></p>
                    <p class="mono">{ m.summary.clone() }</p>
                    <p class="hint">{ format!("Sent at {}, arrives at {} (in {}).", fmt_ms(m.sent), fmt_ms(m.arrive), fmt_ms(m.arrive.saturating_sub(props.now))) }</p>
                    <div class="row">
                        <button class="danger" data-act={format!("drop {}", m.id)}>{ format!("Drop message #{}", m.id) }</button>
                        <button class="quiet" data-pick="none">{ "Close" }</button>
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
    let mut list = String::from("<ul class=\"msg-list\">");
    for m in &listed {
        let kind = KINDS.iter().find(|k| k.0 == m.kind).map_or("", |k| k.1);
        let _ = write!(
            list,
            "<li><button class=\"quiet\" data-pick=\"m {id}\" aria-pressed=\"{}\"><i class=\"k {kind}\"></i>Inspect message #{id}: {} {}→{}</button></li>",
            props.selected == Some(m.id),
            kind_name(m),
            m.from,
            m.to,
            id = m.id
        );
    }
    list.push_str("</ul>");
    html! {
        <section class="panel messages" aria-labelledby="msg-title">
            <h2 id="msg-title">{ format!("Messages in flight: {}", props.in_flight) }</h2>
            { selected }
            if !listed.is_empty() {
                <details>
                    <summary>{ format!("The {} oldest, to pick by keyboard (pause first)", listed.len()) }</summary>
                    { raw(list) }
                </details>
            }
        </section>
    }
}
