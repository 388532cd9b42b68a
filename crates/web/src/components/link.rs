//! One direction of a link, drawn as an arrow to the right of its travel direction so that
//! A→B and B→A are separate. Clicking it (or Enter/Space on it) cuts or restores that
//! direction only, and picks it for the network panel. A latency other than the run's
//! own is written beside it.

use crate::geometry::Point;
use crate::state::Msg;
use nextnumber_core::{Action, Links, NodeId};
use yew::prelude::*;

/// One direction of a link and how it is drawn.
pub struct Props<'a> {
    pub from: NodeId,
    pub to: NodeId,
    pub up: bool,
    pub a: Point,
    pub b: Point,
    pub picked: bool,
    /// A latency label, when the link's differs from the run's.
    pub latency: Option<AttrValue>,
    pub send: &'a Callback<Msg>,
}

/// A plain function rather than a component: a component costs kilobytes of wasm each.
pub fn link(props: Props) -> Html {
    let (from, to, up) = (props.from, props.to, props.up);
    let label = if up { format!("Cut link {from}→{to}") } else { format!("Restore link {from}→{to}") };
    let toggle = {
        let send = props.send.clone();
        move || {
            send.emit(Msg::PickLink(from, to));
            let links = Links::One(from, to);
            send.emit(Msg::Act(if up { Action::Cut(links) } else { Action::Restore(links) }))
        }
    };
    let onclick = {
        let toggle = toggle.clone();
        Callback::from(move |_: MouseEvent| toggle())
    };
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            toggle();
        }
    });
    let (x1, y1, x2, y2) = (props.a.x.to_string(), props.a.y.to_string(), props.b.x.to_string(), props.b.y.to_string());
    // A third of the way along: the two directions' labels do not overlap.
    let mark = Point { x: (2 * props.a.x + props.b.x) / 3, y: (2 * props.a.y + props.b.y) / 3 };
    let class = classes!(
        "link",
        (!up).then_some("cut"),
        props.picked.then_some("picked"),
        props.latency.is_some().then_some("slow")
    );
    html! {
        <g key={format!("{from}{to}")} {class} role="button" tabindex="0" aria-label={label.clone()} {onclick} {onkeydown}>
            <title>{ label }</title>
            <line class="hit" x1={x1.clone()} y1={y1.clone()} x2={x2.clone()} y2={y2.clone()} />
            <line class="wire" {x1} {y1} {x2} {y2} marker-end={if up { "url(#arrow)" } else { "url(#arrow-cut)" }} />
            if !up {
                <text class="cut-mark" x={mark.x.to_string()} y={(mark.y + 9).to_string()}>{ "✕" }</text>
            } else if let Some(l) = &props.latency {
                <text class="latency" x={mark.x.to_string()} y={(mark.y - 6).to_string()}>{ l.clone() }</text>
            }
        </g>
    }
}
