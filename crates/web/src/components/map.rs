//! The cluster map: branches in a ring, every directed link, and the messages in flight as
//! dots placed by how far through their simulated trip they are.

use super::{branch::Branch, link::Link};
use crate::geometry::{along, branch_position, branch_radius, link_segment, SIZE};
use crate::state::{Msg, Snapshot};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Snapshot,
    pub send: Callback<Msg>,
}

/// Beyond this many messages the map shows a count instead of dots (performance is for later).
const MAX_DRAWN_MESSAGES: usize = 400;

#[function_component(ClusterMap)]
pub fn cluster_map(props: &Props) -> Html {
    let view = &props.view;
    let n = view.branches.len();
    let r = branch_radius(n);
    let pos = |b: nextnumber_core::NodeId| branch_position(b.index(), n);
    let links = view.links.iter().map(|l| {
        let (a, b) = link_segment(pos(l.from), pos(l.to), r);
        html! { <Link key={format!("{}{}", l.from, l.to)} from={l.from} to={l.to} up={l.up} {a} {b} send={props.send.clone()} /> }
    });
    let messages = view.messages.iter().take(MAX_DRAWN_MESSAGES).map(|m| {
        let (a, b) = link_segment(pos(m.from), pos(m.to), r);
        let p = along(a, b, view.now.saturating_sub(m.sent), m.arrive.saturating_sub(m.sent));
        html! {
            <circle key={m.id.to_string()} class={classes!("msg", m.kind.name())} cx={p.x.to_string()} cy={p.y.to_string()} r="9">
                <title>{ format!("{} → {}: {}", m.from, m.to, m.summary) }</title>
            </circle>
        }
    });
    let branches = (0..n).map(|i| {
        html! { <Branch key={i} view={view.clone()} index={i} at={branch_position(i, n)} radius={r} /> }
    });
    let in_flight = match view.messages.len() {
        0 => "No messages in flight".to_string(),
        1 => "1 message in flight".to_string(),
        k => format!("{k} messages in flight"),
    };
    html! {
        <figure class="map">
            <svg viewBox={format!("0 0 {SIZE} {SIZE}")} role="group" aria-label="Cluster map: branches and the links between them">
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" markerHeight="5" orient="auto">
                        <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
                    </marker>
                    <marker id="arrow-cut" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" markerHeight="5" orient="auto">
                        <path d="M0,0 L10,5 L0,10 z" class="arrow-head cut" />
                    </marker>
                    <pattern id="hatch" width="16" height="16" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <line x1="0" y1="0" x2="0" y2="16" class="hatch-line" />
                    </pattern>
                </defs>
                <g class="links">{ for links }</g>
                <g class="messages" aria-hidden="true">{ for messages }</g>
                <g class="branches">{ for branches }</g>
            </svg>
            <figcaption>
                <span>{ format!("t = {} ms · {}", view.now, in_flight) }</span>
                <span class="legend" aria-hidden="true">
                    <i class="k vote-request" />{ "vote request " }<i class="k vote" />{ "vote " }
                    <i class="k append" />{ "append " }<i class="k append-ack" />{ "ack " }
                    <i class="k customer-request" />{ "customer " }<i class="k reply" />{ "reply " }<i class="k read" />{ "read" }
                </span>
            </figcaption>
        </figure>
    }
}
