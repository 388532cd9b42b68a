//! The cluster map: branches in a ring and every directed link, in SVG; the messages in
//! flight on a canvas above it (flights.rs, redrawn every frame by the animation loop).
//! Pointing at a message shows what it carries; clicking or tapping it selects it, for the
//! messages panel to show in full and offer to drop.

use super::raw;
use crate::flights::{hit, reduced_motion, REACH_MOUSE, REACH_TOUCH};
use crate::geometry::{compact, to_view_box, Point};
use crate::state::{Implicated, Msg, Selection, SimHandle, Snapshot};
use nextnumber_core::NodeId;
use wasm_bindgen::JsCast;
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

/// The pointer's place in view box units, over the map's box (the event's listener).
fn to_map(e: &MouseEvent) -> Option<(Element, Point)> {
    let el: Element = e.current_target()?.dyn_into().ok()?;
    let p = to_view_box(&el, e.client_x(), e.client_y())?;
    Some((el, p))
}

/// The map. A plain function rather than a component: a component costs kilobytes of
/// wasm each.
pub fn cluster_map(props: Props) -> Html {
    let hovered = props.hovered;
    let svg = crate::markup::map_svg(
        props.view,
        crate::markup::MapMarks {
            selected: match props.selection {
                Selection::Branch(b) => Some(b),
                _ => None,
            },
            link: props.link,
            implicated: props.implicated,
            latency: props.latency,
            compact: compact(),
        },
    );
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
                { raw(svg) }
                <canvas ref={props.canvas.clone()} class="flights" aria-hidden="true" />
                { for tip }
            </div>
            { raw(crate::markup::legend()) }
        </figure>
    }
}
