//! The cluster map: branches in a ring and every directed link, in SVG; the messages in
//! flight on a canvas above it (flights.rs, redrawn every frame by the animation loop).
//! Pointing at a message shows what it carries; clicking or tapping it selects it, for the
//! messages panel to show in full and offer to drop.

use super::{branch, fmt_ms, link, preset_of};
use crate::flights::{hit, reduced_motion, KINDS};
use crate::geometry::{branch_position, branch_radius, compact, link_segment, Point, SIZE};
use crate::state::{Implicated, Msg, Selection, SimHandle, Snapshot};
use nextnumber_core::config::LatencyPreset;
use nextnumber_core::NodeId;
use web_sys::Element;
use yew::prelude::*;

/// What the map draws.
pub struct Props<'a> {
    pub view: &'a Snapshot,
    pub shared: &'a SimHandle,
    pub selection: Selection,
    pub link: (NodeId, NodeId),
    pub implicated: &'a Implicated,
    /// The run's own latency: links that differ are labelled.
    pub latency: (u64, u64),
    /// The message under the pointer, and where (the model keeps it: `Msg::Hover`).
    pub hovered: Option<(u64, Point)>,
    pub canvas: &'a NodeRef,
    pub send: &'a Callback<Msg>,
}

/// How close (view box units) a pointer must come to a message to point at it.
const REACH_MOUSE: f64 = 18.0;
const REACH_TOUCH: f64 = 34.0;

fn short_latency(min: u64, max: u64) -> String {
    match preset_of(min, max) {
        Some(LatencyPreset::Datacenter) => "datacenter".into(),
        Some(LatencyPreset::Street) => "street".into(),
        Some(LatencyPreset::Horse) => "horse".into(),
        Some(LatencyPreset::Pigeon) => "pigeon".into(),
        Some(LatencyPreset::EuropeAsia) => "Europe–Asia".into(),
        Some(LatencyPreset::EarthMoon) => "Earth–Moon".into(),
        None => format!("{}–{}", fmt_ms(min), fmt_ms(max)),
    }
}

/// The pointer's place in view box units.
fn to_map(e: &MouseEvent) -> Option<(Element, Point)> {
    let el: Element = e.current_target()?.dyn_into().ok()?;
    let rect = el.get_bounding_client_rect();
    if rect.width() <= 0.0 {
        return None;
    }
    let k = SIZE as f64 / rect.width();
    let p = Point {
        x: ((e.client_x() as f64 - rect.left()) * k) as i32,
        y: ((e.client_y() as f64 - rect.top()) * k) as i32,
    };
    Some((el, p))
}
use wasm_bindgen::JsCast;

/// The map. A plain function rather than a component: a component costs kilobytes of
/// wasm each.
pub fn cluster_map(props: Props) -> Html {
    let hovered = props.hovered;
    let view = props.view;
    let n = view.branches.len();
    let compact = compact();
    let r = branch_radius(n, compact);
    let pos = |b: NodeId| branch_position(b.index(), n);
    let links = view.links.iter().map(|l| {
        let (a, b) = link_segment(pos(l.from), pos(l.to), r);
        let latency = ((l.latency_min_ms, l.latency_max_ms) != props.latency)
            .then(|| AttrValue::from(short_latency(l.latency_min_ms, l.latency_max_ms)));
        link::link(link::Props {
            from: l.from,
            to: l.to,
            up: l.up,
            a,
            b,
            picked: (l.from, l.to) == props.link,
            latency,
            send: props.send,
        })
    });
    let branches = view.branches.iter().enumerate().map(|(i, b)| {
        branch::branch(branch::Props {
            branch: b,
            at: branch_position(i, n),
            radius: r,
            compact,
            selected: props.selection == Selection::Branch(b.id),
            implicated: props.implicated.branches.contains(&b.id),
            send: props.send,
        })
    });
    // A message under the pointer takes the click from the link beneath it.
    let point = {
        let (shared, send) = (props.shared.clone(), props.send.clone());
        move |e: &MouseEvent, reach: f64| {
            let Some((el, p)) = to_map(e) else { return };
            let found = hit(&shared.0, p, reach, reduced_motion());
            if found.is_some() {
                let _ = el.set_attribute("data-over", "");
            } else {
                let _ = el.remove_attribute("data-over");
            }
            if found.map(|f| f.0) != hovered.map(|h| h.0) {
                send.emit(Msg::Hover(found));
            }
        }
    };
    let onpointermove = {
        let point = point.clone();
        Callback::from(move |e: PointerEvent| {
            if e.pointer_type() == "mouse" {
                point(&e, REACH_MOUSE)
            }
        })
    };
    let onpointerdown = Callback::from(move |e: PointerEvent| {
        let reach = if e.pointer_type() == "mouse" { REACH_MOUSE } else { REACH_TOUCH };
        point(&e, reach)
    });
    let onpointerleave = props.send.reform(|_: PointerEvent| Msg::Hover(None));
    let onclick = {
        let send = props.send.clone();
        Callback::from(move |e: MouseEvent| {
            if let (Some((id, _)), Some((el, _))) = (hovered, to_map(&e)) {
                if el.has_attribute("data-over") {
                    send.emit(Msg::Select(Selection::Message(id)));
                }
            }
        })
    };
    let tip = hovered.and_then(|(id, p)| {
        let m = props.shared.0.sim.borrow().message_view(id)?;
        let style = format!("left:{}%;top:{}%", p.x / 10, p.y / 10);
        Some(html! {
            <div class={classes!("tip", (p.x > 600).then_some("left"))} {style} role="tooltip">
                <b>{ format!("#{} {}→{}", m.id, m.from, m.to) }</b>{ " " }{ m.summary }
            </div>
        })
    });
    html! {
        <figure class="map">
            <div class="map-box" {onpointermove} {onpointerdown} {onpointerleave} {onclick}>
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
                    <g class="branches">{ for branches }</g>
                </svg>
                <canvas ref={props.canvas.clone()} class="flights" aria-hidden="true" />
                { for tip }
            </div>
            <figcaption class="legend">
                { for KINDS.iter().map(|k| html! { <span><i class={classes!("k", k.1)} />{ k.2 }</span> }) }
            </figcaption>
        </figure>
    }
}
