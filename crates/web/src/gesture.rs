//! What a click or a key on the page's markup means. Buttons written as markup (markup.rs,
//! the inspector) carry their meaning as data, and each page has one delegated handler:
//! `data-act` holds an action in the scenario language (the core parses it), `data-pick`
//! a selection (`b A` a branch, `m 12` a message), `data-link` the link a click on the
//! map picks for the network panel, `data-msg` a playback control or field.

use crate::state::{Msg, Selection};
use nextnumber_core::{Action, LoadTarget, NodeId};
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlInputElement, HtmlSelectElement, KeyboardEvent};

/// The element carrying the meaning of a gesture on `target`, if any.
pub fn carrier(target: Option<web_sys::EventTarget>, selector: &str) -> Option<Element> {
    target?.dyn_into::<Element>().ok()?.closest(selector).ok().flatten()
}

/// The messages a click on `e`'s target sends, for a cluster of `n` branches.
pub fn on_click(e: &Event, n: usize) -> Vec<Msg> {
    let Some(el) = carrier(e.target(), "[data-act],[data-pick],button[data-msg]") else { return Vec::new() };
    let mut out = Vec::new();
    match el.get_attribute("data-msg").as_deref() {
        Some("play") => out.push(Msg::SetPlaying(true)),
        Some("pause") => out.push(Msg::SetPlaying(false)),
        Some("step") => out.push(Msg::Step),
        _ => {}
    }
    if let Some(l) = el.get_attribute("data-link") {
        let mut ends = l.chars().map(|c| NodeId::parse(&c.to_string(), n));
        if let (Some(Ok(a)), Some(Ok(b))) = (ends.next(), ends.next()) {
            out.push(Msg::PickLink(a, b));
        }
    }
    if let Some(act) = el.get_attribute("data-act") {
        out.push(match Action::parse(&act, n) {
            Ok(a) => Msg::Act(a),
            Err(e) => Msg::Refused(e),
        });
    } else if let Some(pick) = el.get_attribute("data-pick") {
        let arg = pick.get(2..).unwrap_or("");
        out.push(Msg::Select(match pick.as_bytes().first() {
            Some(b'b') => NodeId::parse(arg, n).map_or(Selection::None, Selection::Branch),
            Some(b'm') => arg.parse().map_or(Selection::None, Selection::Message),
            _ => Selection::None,
        }));
    }
    out
}

/// The messages a changed field sends: the speed, or the customers' rate (`load`; the
/// slider's `data-target` says where they walk in).
pub fn on_change(e: &Event) -> Vec<Msg> {
    let Some(el) = carrier(e.target(), "[data-msg]") else { return Vec::new() };
    let value = if let Some(s) = el.dyn_ref::<HtmlSelectElement>() {
        s.value()
    } else if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        i.value()
    } else {
        return Vec::new();
    };
    let Ok(number) = value.parse::<u64>() else { return Vec::new() };
    match el.get_attribute("data-msg").as_deref() {
        Some("speed") => vec![Msg::SetSpeed(number)],
        Some("load") => {
            let target = if el.get_attribute("data-target").as_deref() == Some("leader") {
                LoadTarget::Leader
            } else {
                LoadTarget::Random
            };
            vec![Msg::Act(Action::Load(number.min(u32::MAX as u64) as u32, target))]
        }
        _ => Vec::new(),
    }
}

/// Enter or Space on a drawn control (an SVG group with `role="button"`) acts as a click;
/// real buttons click by themselves.
pub fn on_key(e: &KeyboardEvent, n: usize) -> Vec<Msg> {
    let key = e.key();
    if key != "Enter" && key != " " {
        return Vec::new();
    }
    match carrier(e.target(), "[data-act],[data-pick]") {
        Some(el) if el.tag_name() != "BUTTON" => {
            e.prevent_default();
            on_click(e, n)
        }
        _ => Vec::new(),
    }
}
