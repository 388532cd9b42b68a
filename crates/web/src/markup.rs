//! The panels both pages draw, written as markup: the cluster map's SVG, the branch list,
//! the checker panel, the desk's buttons and its recent requests. The light first page
//! (lite.rs) sets them as HTML; the full page (app.rs) mounts them with `raw`. One writer
//! serves both, and markup costs a fraction of the wasm that `html!` does.
//!
//! Every button carries what it does as data: `data-act` an action in the scenario
//! language (the core parses it), `data-pick` a selection, `data-link` the link a click
//! picks for the network panel. Each page has one delegated handler for them.

use crate::geometry::{branch_position, branch_radius, link_segment, Point, SIZE};
use crate::state::{Implicated, Verdict};
use crate::text::{and_list, branch_status, esc, fmt_ms, preset_of, role_name};
use nextnumber_core::config::LatencyPreset;
use nextnumber_core::customer::RequestKind;
use nextnumber_core::replica::Role;
use nextnumber_core::view::{BranchView, LinkView, View};
use nextnumber_core::NodeId;
use std::fmt::Write;

/// The desk lists this many of the latest requests, newest first.
pub const SHOWN_REQUESTS: usize = 10;

/// What the map marks besides the view itself.
#[derive(Clone, Copy)]
pub struct MapMarks<'a> {
    pub selected: Option<NodeId>,
    /// The link picked for the network panel.
    pub link: (NodeId, NodeId),
    pub implicated: &'a Implicated,
    /// The run's own latency: links that differ are labelled.
    pub latency: (u64, u64),
    /// A narrow screen: fewer, larger words on each branch.
    pub compact: bool,
}

/// The map's arrow heads and the hatching of a read-only branch.
const DEFS: &str = "<defs>\
<marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"8\" refY=\"5\" markerWidth=\"5\" markerHeight=\"5\" orient=\"auto\">\
<path d=\"M0,0 L10,5 L0,10 z\" class=\"arrow-head\"/></marker>\
<marker id=\"arrow-cut\" viewBox=\"0 0 10 10\" refX=\"8\" refY=\"5\" markerWidth=\"5\" markerHeight=\"5\" orient=\"auto\">\
<path d=\"M0,0 L10,5 L0,10 z\" class=\"arrow-head cut\"/></marker>\
<pattern id=\"hatch\" width=\"16\" height=\"16\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"16\" class=\"hatch-line\"/></pattern></defs>";

/// The cluster map: every directed link, then the branches in a ring over them.
pub fn map_svg(view: &View, marks: MapMarks) -> String {
    let n = view.branches.len();
    let r = branch_radius(n, marks.compact);
    let mut h = String::with_capacity(8_192);
    let _ = write!(
        h,
        "<svg viewBox=\"0 0 {SIZE} {SIZE}\" role=\"group\" aria-label=\"Cluster map: branches and the links between them\">{DEFS}<g class=\"links\">"
    );
    for l in &view.links {
        let (a, b) = link_segment(branch_position(l.from.index(), n), branch_position(l.to.index(), n), r);
        link(&mut h, l, a, b, marks);
    }
    h.push_str("</g><g class=\"branches\">");
    for (i, b) in view.branches.iter().enumerate() {
        branch(&mut h, b, branch_position(i, n), r, marks);
    }
    h.push_str("</g></svg>");
    h
}

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

/// One direction of a link, drawn to the right of its travel direction so that A→B and
/// B→A are separate lines. A click (or Enter/Space) cuts or restores that direction only.
fn link(h: &mut String, l: &LinkView, a: Point, b: Point, marks: MapMarks) {
    let (from, to, up) = (l.from, l.to, l.up);
    let (label, act) = if up { ("Cut", "cut") } else { ("Restore", "restore") };
    let slow = (l.latency_min_ms, l.latency_max_ms) != marks.latency;
    let class = format!(
        "link{}{}{}",
        if up { "" } else { " cut" },
        if (from, to) == marks.link { " picked" } else { "" },
        if slow { " slow" } else { "" }
    );
    let _ = write!(
        h,
        "<g class=\"{class}\" role=\"button\" tabindex=\"0\" id=\"link-{from}{to}\" aria-label=\"{label} link {from}→{to}\" \
         data-act=\"{act} {from}>{to}\" data-link=\"{from}{to}\"><title>{label} link {from}→{to}</title>\
         <line class=\"hit\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\
         <line class=\"wire\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" marker-end=\"url(#{})\"/>",
        a.x,
        a.y,
        b.x,
        b.y,
        a.x,
        a.y,
        b.x,
        b.y,
        if up { "arrow" } else { "arrow-cut" }
    );
    // A third of the way along: the two directions' labels do not overlap.
    let mark = Point { x: (2 * a.x + b.x) / 3, y: (2 * a.y + b.y) / 3 };
    if !up {
        let _ = write!(h, "<text class=\"cut-mark\" x=\"{}\" y=\"{}\">✕</text>", mark.x, mark.y + 9);
    } else if slow {
        let _ = write!(
            h,
            "<text class=\"latency\" x=\"{}\" y=\"{}\">{}</text>",
            mark.x,
            mark.y - 6,
            short_latency(l.latency_min_ms, l.latency_max_ms)
        );
    }
    h.push_str("</g>");
}

/// One branch: its name, role, term and last Number. The Main Office wears a thick gold
/// ring; a closed branch is grey; one cut off from the majority is hatched and says
/// "read-only"; one named by a broken invariant is ringed in red. A click (or Enter/Space)
/// selects it.
fn branch(h: &mut String, b: &BranchView, at: Point, r: i32, marks: MapMarks) {
    let leader = b.up && b.role == Role::Leader;
    let read_only = b.up && !b.reaches_majority;
    let implicated = marks.implicated.branches.contains(&b.id);
    let selected = marks.selected == Some(b.id);
    let class = format!(
        "branch{}{}{}{}{}{}",
        if leader { " leader" } else { "" },
        if b.up && b.role == Role::Candidate { " candidate" } else { "" },
        if b.up { "" } else { " down" },
        if read_only { " read-only" } else { "" },
        if selected { " selected" } else { "" },
        if implicated { " implicated" } else { "" },
    );
    let status = branch_status(b);
    let (id, x, y) = (b.id, at.x, at.y);
    let _ = write!(
        h,
        "<g class=\"{class}\" role=\"button\" tabindex=\"0\" id=\"branch-{id}\" aria-label=\"{status}\" aria-pressed=\"{selected}\" \
         data-pick=\"b {id}\"><title>{status}</title>"
    );
    let circle = |h: &mut String, class: &str, radius: i32| {
        let _ = write!(h, "<circle class=\"{class}\" cx=\"{x}\" cy=\"{y}\" r=\"{radius}\"/>");
    };
    if implicated {
        circle(h, "blame", r + 22);
    }
    if leader {
        circle(h, "crown", r + 12);
    }
    circle(h, "body", r);
    if read_only {
        circle(h, "hatch", r);
    }
    // Text sizes follow the circle so nine branches stay legible. On a phone there are two
    // lines, larger: the role shows as the circle's style and in the status text.
    let text = |h: &mut String, class: &str, dy: i32, size: i32, words: &str| {
        let _ = write!(h, "<text class=\"{class}\" x=\"{x}\" y=\"{}\" font-size=\"{size}\">{words}</text>", y + dy);
    };
    let (term, number) = (b.term.0, b.last_number.0);
    if marks.compact {
        let (big, small) = (r * 3 / 5, (r * 9 / 25).max(30));
        text(h, "name", r / 8, big, &id.to_string());
        text(h, "facts", r / 2, small, &format!("T{term} · {number}"));
    } else {
        let (big, small) = ((r * 3 / 5).max(24), (r / 4).max(14));
        let role = if read_only { "read-only" } else { role_name(b) };
        text(h, "name", -r / 8, big, &id.to_string());
        text(h, "role", r * 3 / 10, small, role);
        text(h, "facts", r * 3 / 10 + small + 4, small, &format!("T{term} · No. {number}"));
    }
    h.push_str("</g>");
}

/// The branches in words, one row each with Kill or Restart; with `inspect`, an Inspect
/// button too, and the selected branch's `detail` (markup) under its row.
pub fn branch_list(view: &View, implicated: &Implicated, inspect: Option<(Option<NodeId>, &str)>) -> String {
    let mut h = String::from("<ul class=\"branch-list\" id=\"branches\">");
    for b in &view.branches {
        let (id, up) = (b.id, b.up);
        let selected = inspect.is_some_and(|(s, _)| s == Some(id));
        let class = format!(
            "branch-row{}{}{}{}{}",
            if up && b.role == Role::Leader { " leader" } else { "" },
            if up { "" } else { " down" },
            if up && !b.reaches_majority { " read-only" } else { "" },
            if implicated.branches.contains(&id) { " implicated" } else { "" },
            if selected { " selected" } else { "" },
        );
        let _ = write!(
            h,
            "<li class=\"{class}\"><span class=\"status\">{}</span><span class=\"buttons\">",
            branch_status(b)
        );
        if inspect.is_some() {
            let _ = write!(
                h,
                "<button class=\"quiet\" aria-expanded=\"{selected}\" aria-label=\"Inspect branch {id}\" data-pick=\"b {id}\">Inspect</button>"
            );
        }
        let (label, act) = if up { ("Kill", "kill") } else { ("Restart", "restart") };
        let _ = write!(
            h,
            "<button class=\"{}\" aria-label=\"{label} branch {id}\" data-act=\"{act} {id}\">{label}</button></span>",
            if up { "danger" } else { "" }
        );
        if let Some((_, detail)) = inspect.filter(|_| selected) {
            let _ =
                write!(h, "<div class=\"detail\" role=\"region\" aria-label=\"Branch {id} in detail\">{detail}</div>");
        }
        h.push_str("</li>");
    }
    h.push_str("</ul>");
    h
}

/// The checker panel's body: every invariant, green while it holds, red with what broke it,
/// when, and which branches and requests were involved.
pub fn checker(verdicts: &[Verdict]) -> String {
    let broken = verdicts.iter().filter(|v| v.broken.is_some()).count();
    let summary = match broken {
        0 => "Every invariant holds.".to_string(),
        1 => "1 invariant is broken.".to_string(),
        k => format!("{k} invariants are broken."),
    };
    let mut h = format!(
        "<div class=\"checks\"><p class=\"verdict {}\" role=\"status\">{summary}</p><ul>",
        if broken == 0 { "ok" } else { "broken" }
    );
    for v in verdicts {
        let ok = v.broken.is_none();
        let _ = write!(
            h,
            "<li class=\"{}\"><span class=\"mark\" aria-hidden=\"true\">{}</span><span class=\"code\">{}</span>\
             <span class=\"title\">{}<span class=\"sr-only\">{}</span></span>",
            if ok { "ok" } else { "broken" },
            if ok { "✓" } else { "✗" },
            v.invariant.code(),
            v.invariant.title(),
            if ok { ": holds" } else { ": broken" }
        );
        if let Some(b) = &v.broken {
            let when = b.tick.map(|t| format!("At t = {}: ", fmt_ms(t))).unwrap_or_default();
            let names = |items: Vec<String>| and_list(&items);
            let mut who = Vec::new();
            if !b.branches.is_empty() {
                who.push(format!("branch {}", names(b.branches.iter().map(|x| x.to_string()).collect())));
            }
            if !b.requests.is_empty() {
                who.push(format!("request {}", names(b.requests.iter().map(|x| x.to_string()).collect())));
            }
            let who = if who.is_empty() { String::new() } else { format!(" Involves {}.", who.join(" and ")) };
            let _ = write!(h, "<span class=\"what\">{when}{}.{who}</span>", esc(&b.detail));
        }
        h.push_str("</li>");
    }
    h.push_str("</ul></div>");
    h
}

/// The desk's two buttons per branch: ask for a Number, read the latest one.
pub fn desk_asks(view: &View) -> String {
    let mut h = String::from("<div class=\"asks\">");
    for b in &view.branches {
        let id = b.id;
        let _ = write!(
            h,
            "<div class=\"ask\"><button data-act=\"ask {id}\" aria-label=\"Ask for a Number at branch {id}\">Ask {id}</button>\
             <button class=\"quiet\" data-act=\"read {id}\" aria-label=\"Read the latest Number at branch {id}\">Read {id}</button></div>"
        );
    }
    h.push_str("</div>");
    h
}

/// The latest requests, newest first, each with where it stands (`state_text`).
pub fn recent_requests(view: &View, implicated: &Implicated) -> String {
    if view.requests.is_empty() {
        return "<div><p class=\"hint\">No customers yet.</p></div>".to_string();
    }
    let mut h = String::from("<div><ol class=\"requests\" aria-label=\"Recent requests\">");
    for r in view.requests.iter().rev().take(SHOWN_REQUESTS) {
        let what = if r.kind == RequestKind::Read { "reads" } else { "asks" };
        let again = r.retry_of.map(|f| format!(" (again, for {f})")).unwrap_or_default();
        let blamed = if implicated.requests.contains(&r.request) { " implicated" } else { "" };
        let _ = write!(
            h,
            "<li class=\"request {}{blamed}\"><span class=\"rid\">{}</span><span class=\"who\">{what} at {}{again}</span>\
             <span class=\"result\">{}</span></li>",
            r.status,
            r.request,
            r.branch,
            esc(&crate::text::state_text(r))
        );
    }
    h.push_str("</ol>");
    if view.requests_total > SHOWN_REQUESTS {
        let _ = write!(
            h,
            "<p class=\"hint\">{} requests so far; the latest {SHOWN_REQUESTS} are shown.</p>",
            view.requests_total
        );
    }
    h.push_str("</div>");
    h
}

/// The legend of the messages' colours, under the map.
pub fn legend() -> String {
    let mut h = String::from("<figcaption class=\"legend\">");
    for k in crate::flights::KINDS {
        let _ = write!(h, "<span><i class=\"k {}\"></i>{}</span>", k.1, k.2);
    }
    h.push_str("</figcaption>");
    h
}

/// Play or pause, one step, and the speed: the playback row both pages show (the clock
/// beside it changes on every refresh, so it is drawn apart and this markup stays put).
pub fn playback(playing: bool, speed: u64) -> String {
    let (msg, label, text) = if playing { ("pause", "Pause", "❚❚ Pause") } else { ("play", "Play", "▶ Play") };
    let mut h = format!(
        "<span class=\"playback\"><button type=\"button\" class=\"primary\" data-msg=\"{msg}\" aria-label=\"{label}\">{text}</button>\
         <button type=\"button\" data-msg=\"step\" aria-label=\"Step\">Step</button>\
         <label><span class=\"lbl\">Speed </span><select data-msg=\"speed\">"
    );
    for &(v, name) in &crate::state::SPEEDS {
        let _ = write!(h, "<option value=\"{v}\"{}>{name}</option>", if v == speed { " selected" } else { "" });
    }
    h.push_str("</select></label></span>");
    h
}
