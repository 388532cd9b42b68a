//! The cluster map: branches in a ring and every directed link, in SVG, rendered by Yew
//! from the core's view. The messages in flight are drawn on the canvas over it by the
//! animation loop (flights.rs), outside Yew; a pointer over one is a hit test that shows
//! its tooltip, and a click or tap on it selects it for the messages panel to show in full
//! and offer to drop (the link beneath does not take that click).

use super::timer::Timer;
use super::{activate, branch_label, preset_short, role_name};
use crate::flights::{hit, reduced_motion, KINDS, REACH_MOUSE, REACH_TOUCH};
use crate::geometry::{branch_position, branch_radius, compact, link_segment, to_view_box, Point, SIZE};
use crate::state::{Implicated, Msg, Selection, SimHandle, Snapshot};
use nextnumber_core::replica::Role;
use nextnumber_core::view::{BranchView, LinkView, QuorumView};
use nextnumber_core::{Action, Links, NodeId};
use std::rc::Rc;
use web_sys::Element;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Snapshot,
    pub shared: SimHandle,
    pub selected: Option<NodeId>,
    /// The link picked for the network panel.
    pub link: (NodeId, NodeId),
    pub implicated: Rc<Implicated>,
    /// The Main Office's oldest entry waiting for a majority: who has filed it.
    pub waiting: Option<QuorumView>,
    /// The run's own latency: links that differ are labelled.
    pub latency: (u64, u64),
    /// The message under the pointer, and where (the model keeps it: `Msg::Hover`).
    pub hovered: Option<(u64, Point)>,
    pub canvas: NodeRef,
    pub send: Callback<Msg>,
}

#[function_component(ClusterMap)]
pub fn cluster_map(props: &Props) -> Html {
    let n = props.view.branches.len();
    let compact = compact();
    let radius = branch_radius(n, compact);
    // Each link and branch is a component of its own: Yew redraws only those that changed.
    let links = props.view.links.iter().map(|l| {
        let at = |b: NodeId| branch_position(b.index(), n, compact);
        let seg = link_segment(at(l.from), at(l.to), radius);
        let (from, to) = (l.from, l.to);
        html! {
            <Link key={format!("{from}{to}")} link={l.clone()} {seg} picked={(from, to) == props.link}
                slow={(l.latency_min_ms, l.latency_max_ms) != props.latency} send={props.send.clone()} />
        }
    });
    let waiting = props.waiting.as_ref();
    let branches = props.view.branches.iter().enumerate().map(|(i, b)| {
        let filed = waiting.is_some_and(|q| q.filed.have.contains(&b.id));
        let quorum = waiting.filter(|q| q.branch == b.id).map(|q| (q.index, q.filed.have.len(), q.filed.needed));
        html! {
            <Branch key={b.id.to_string()} branch={b.clone()} at={branch_position(i, n, compact)} {radius} {compact}
                selected={props.selected == Some(b.id)} implicated={props.implicated.branches.contains(&b.id)}
                {filed} {quorum} send={props.send.clone()} />
        }
    });
    // The timers change on every frame: apart from the branches, so only they are redrawn.
    let now = props.view.now;
    let timers = props.view.branches.iter().enumerate().filter_map(|(i, b)| {
        let timer = b.timer?;
        Some(html! { <Timer key={b.id.to_string()} {timer} {now} at={branch_position(i, n, compact)} {radius} /> })
    });
    let map_box = use_node_ref();
    let BoxHandlers { onpointermove, onpointerdown, onpointerleave, onclick } = pointer_handlers(props, &map_box);
    html! {
        <figure class="map">
            <div class="map-box" ref={map_box} {onpointermove} {onpointerdown} {onpointerleave} {onclick}>
                <svg viewBox={format!("0 0 {SIZE} {SIZE}")} role="group" aria-label="Cluster map: branches and the links between them">
                    { defs() }
                    <g class="links">{ for links }</g>
                    <g class="branches">{ for branches }</g>
                    <g class="timers" aria-hidden="true">{ for timers }</g>
                </svg>
                <canvas ref={props.canvas.clone()} class="flights" aria-hidden="true" />
                { tooltip(props) }
            </div>
            <figcaption class="legend">
                { for KINDS.iter().map(|k| html! { <span key={k.1}><i class={classes!("k", k.1)}></i>{ k.2 }</span> }) }
            </figcaption>
        </figure>
    }
}

/// The arrow heads and the hatching of a read-only branch.
fn defs() -> Html {
    let arrow = |id: &'static str, class: &'static str| {
        html! {
            <marker {id} viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" markerHeight="5" orient="auto">
                <path d="M0,0 L10,5 L0,10 z" {class} />
            </marker>
        }
    };
    html! {
        <defs>
            { arrow("arrow", "arrow-head") }
            { arrow("arrow-cut", "arrow-head cut") }
            <pattern id="hatch" width="16" height="16" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                <line x1="0" y1="0" x2="0" y2="16" class="hatch-line" />
            </pattern>
        </defs>
    }
}

/// One direction of a link, drawn to the right of its travel direction so that A→B and
/// B→A are separate lines. A click (or Enter/Space) cuts or restores that direction only,
/// and picks the link for the network panel.
#[derive(Properties, PartialEq)]
struct LinkProps {
    link: LinkView,
    /// Where it is drawn: from its start to its arrow's tip.
    seg: (Point, Point),
    /// Picked for the network panel.
    picked: bool,
    /// Its latency differs from the run's: it is labelled.
    slow: bool,
    send: Callback<Msg>,
}

#[function_component(Link)]
fn link(props: &LinkProps) -> Html {
    let (l, (a, b), slow) = (&props.link, props.seg, props.slow);
    let (from, to, up) = (l.from, l.to, l.up);
    let verb = if up { "Cut" } else { "Restore" };
    // The latency written on a slow link is part of its name, so the name holds what is seen.
    let label = if up && slow {
        format!("{verb} link {from}→{to}, {}", preset_short(l.latency_min_ms, l.latency_max_ms))
    } else {
        format!("{verb} link {from}→{to}")
    };
    let action = if up { Action::Cut(Links::One(from, to)) } else { Action::Restore(Links::One(from, to)) };
    let (onclick, onkeydown) = activate(&props.send, move || vec![Msg::PickLink(from, to), Msg::Act(action.clone())]);
    let class = classes!("link", (!up).then_some("cut"), props.picked.then_some("picked"), slow.then_some("slow"));
    // A third of the way along: the two directions' labels do not overlap.
    let mark = Point { x: (2 * a.x + b.x) / 3, y: (2 * a.y + b.y) / 3 };
    let (x1, y1, x2, y2) = (a.x.to_string(), a.y.to_string(), b.x.to_string(), b.y.to_string());
    html! {
        <g {class} role="button" tabindex="0" id={format!("link-{from}{to}")}
            aria-label={label.clone()} {onclick} {onkeydown}>
            <title>{ label }</title>
            <line class="hit" x1={x1.clone()} y1={y1.clone()} x2={x2.clone()} y2={y2.clone()} />
            <line class="wire" {x1} {y1} {x2} {y2} marker-end={if up { "url(#arrow)" } else { "url(#arrow-cut)" }} />
            if !up {
                <text class="cut-mark" x={mark.x.to_string()} y={(mark.y + 9).to_string()} aria-hidden="true">{ "✕" }</text>
            } else if slow {
                <text class="latency" x={mark.x.to_string()} y={(mark.y - 6).to_string()}>
                    { preset_short(l.latency_min_ms, l.latency_max_ms) }
                </text>
            }
        </g>
    }
}

/// One branch: its name, role, term and last Number. The Main Office wears a thick gold
/// ring; a closed branch is grey; one cut off from the majority is hatched and says
/// "read-only"; one named by a broken invariant is ringed in red. A click (or Enter/Space)
/// selects it for the inspector.
#[derive(Properties, PartialEq)]
struct BranchProps {
    branch: BranchView,
    at: Point,
    radius: i32,
    /// A narrow screen: fewer, larger words.
    compact: bool,
    selected: bool,
    /// Named by a broken invariant.
    implicated: bool,
    /// Holds the Main Office's oldest entry waiting for a majority.
    filed: bool,
    /// The Main Office: that entry's slot, how many have filed it, how many must.
    quorum: Option<(u64, usize, usize)>,
    send: Callback<Msg>,
}

#[function_component(Branch)]
fn branch(props: &BranchProps) -> Html {
    let (b, at, r, id) = (&props.branch, props.at, props.radius, props.branch.id);
    let leader = b.up && b.role == Role::Leader;
    let read_only = b.up && !b.reaches_majority;
    let (implicated, selected) = (props.implicated, props.selected);
    let (onclick, onkeydown) = activate(&props.send, move || vec![Msg::Select(Selection::Branch(id))]);
    let class = classes!(
        "branch",
        leader.then_some("leader"),
        (b.up && b.role == Role::Candidate).then_some("candidate"),
        (!b.up).then_some("down"),
        read_only.then_some("read-only"),
        selected.then_some("selected"),
        implicated.then_some("implicated"),
    );
    let circle = |class: &'static str, radius: i32| {
        html! { <circle {class} cx={at.x.to_string()} cy={at.y.to_string()} r={radius.to_string()} /> }
    };
    // Text sizes follow the circle so nine branches stay legible. On a phone there are two
    // lines, larger: the role shows as the circle's style and in the accessible name.
    let lines: Vec<(&'static str, i32, i32, String)> = if props.compact {
        let (big, small) = (r * 3 / 5, (r * 9 / 25).max(30));
        vec![
            ("name", r / 8, big, id.to_string()),
            ("facts", r / 2, small, format!("T{} · {}", b.term.0, b.last_number.0)),
        ]
    } else {
        let (big, small) = ((r * 3 / 5).max(24), (r / 4).max(14));
        let role = match &b.votes {
            _ if read_only => "read-only".to_string(),
            Some(v) => format!("votes {} of {}", v.have.len(), v.needed),
            None => role_name(b).to_string(),
        };
        vec![
            ("name", -r / 8, big, id.to_string()),
            ("role", r * 3 / 10, small, role),
            ("facts", r * 3 / 10 + small + 4, small, format!("T{} · No. {}", b.term.0, b.last_number.0)),
        ]
    };
    let mut visible: Vec<&str> = lines.iter().map(|l| l.3.as_str()).collect();
    // The Main Office's count of the filings, drawn on the side towards the map's centre.
    let quorum = props.quorum.map(|(slot, have, need)| (slot, format!("{have} filed, {need} needed")));
    if let Some((_, q)) = &quorum {
        visible.push(q);
    }
    let mut label = branch_label(&visible.join(" "), b);
    if let Some((slot, _)) = &quorum {
        label.push_str(&format!(", slot {slot} waits for a majority"));
    }
    if props.filed {
        label.push_str(", holds the entry waiting for a majority");
    }
    let (inward, anchor) = beside(at, r + 30);
    html! {
        <g {class} role="button" tabindex="0" id={format!("branch-{id}")} aria-label={label.clone()}
            aria-pressed={selected.to_string()} {onclick} {onkeydown}>
            <title>{ label }</title>
            if implicated { { circle("blame", r + 22) } }
            if leader { { circle("crown", r + 14) } }
            { circle("body", r) }
            if read_only { { circle("hatch", r) } }
            if props.filed {
                <circle class="filed" cx={(at.x + r * 7 / 10).to_string()} cy={(at.y - r * 7 / 10).to_string()} r="14" />
            }
            // A space between the lines, as a reader (and axe-core) joins the words seen.
            { for lines.into_iter().map(|(class, dy, size, words)| html! { <>
                { " " }
                <text {class} x={at.x.to_string()} y={(at.y + dy).to_string()} font-size={size.to_string()}>{ words }</text>
            </> }) }
            if let Some((_, words)) = quorum { { " " }
                <text class={classes!("quorum", anchor)} x={inward.x.to_string()} y={inward.y.to_string()}
                    font-size={if props.compact { r * 3 / 10 } else { 26 }.to_string()}>{ words }</text>
            }
        </g>
    }
}

/// Where a label outside a branch's circle goes: `by` units towards the map's centre,
/// anchored so that the words run away from the circle.
fn beside(at: Point, by: i32) -> (Point, &'static str) {
    let p = toward_centre(at, by);
    let (dx, dy) = (p.x - at.x, p.y - at.y);
    match () {
        _ if dx.abs() <= dy.abs() => (Point { x: p.x, y: p.y + if dy > 0 { 22 } else { -4 } }, "middle"),
        _ if dx < 0 => (Point { x: p.x, y: p.y + 9 }, "end"),
        _ => (Point { x: p.x, y: p.y + 9 }, "start"),
    }
}

/// The point `by` units from `at` towards the map's centre (or below it, at the centre).
pub fn toward_centre(at: Point, by: i32) -> Point {
    let (dx, dy) = ((SIZE / 2 - at.x) as f64, (SIZE / 2 - at.y) as f64);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1.0 {
        return Point { x: at.x, y: at.y + by };
    }
    Point { x: at.x + (dx / len * by as f64).round() as i32, y: at.y + (dy / len * by as f64).round() as i32 }
}

/// The pointer's place in view box units, over the map's box. (Yew delegates events to its
/// root, so the event's `current_target` is not the box: the box is found by its ref.)
fn to_map(map_box: &NodeRef, e: &MouseEvent) -> Option<(Element, Point)> {
    let el: Element = map_box.cast()?;
    let p = to_view_box(&el, e.client_x(), e.client_y())?;
    Some((el, p))
}

struct BoxHandlers {
    onpointermove: Callback<PointerEvent>,
    onpointerdown: Callback<PointerEvent>,
    onpointerleave: Callback<PointerEvent>,
    onclick: Callback<MouseEvent>,
}

/// The map box's pointer handlers: a message under the pointer is found by a hit test on
/// what the canvas shows, and takes the click from the link beneath it (CSS turns the
/// links' pointer events off while `data-over` is set).
fn pointer_handlers(props: &Props, map_box: &NodeRef) -> BoxHandlers {
    let hovered = props.hovered;
    let point = {
        let (shared, send, map_box) = (props.shared.clone(), props.send.clone(), map_box.clone());
        move |e: &MouseEvent, reach: f64| {
            let Some((el, p)) = to_map(&map_box, e) else { return };
            let found = hit(&shared.0, p, reach, reduced_motion());
            let _ = if found.is_some() { el.set_attribute("data-over", "") } else { el.remove_attribute("data-over") };
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
    let onclick = {
        let (send, map_box) = (props.send.clone(), map_box.clone());
        Callback::from(move |e: MouseEvent| {
            if let (Some((id, _)), Some((el, _))) = (hovered, to_map(&map_box, &e)) {
                if el.has_attribute("data-over") {
                    send.emit(Msg::Select(Selection::Message(id)));
                }
            }
        })
    };
    BoxHandlers { onpointermove, onpointerdown, onpointerleave: props.send.reform(|_| Msg::Hover(None)), onclick }
}

/// The tooltip of the message under the pointer, if it is still in flight.
fn tooltip(props: &Props) -> Html {
    let Some((id, p)) = props.hovered else { return Html::default() };
    let Some(m) = props.shared.0.sim.borrow().message_view(id) else { return Html::default() };
    let style = format!("left:{}%;top:{}%", p.x / 10, p.y / 10);
    html! {
        <div class={classes!("tip", (p.x > 600).then_some("left"))} {style} role="tooltip">
            <b>{ format!("#{} {}→{}", m.id, m.from, m.to) }</b>{ " " }{ m.summary }
        </div>
    }
}
