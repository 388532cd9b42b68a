//! The light first page: what every visitor sees first, without Yew. It runs the same
//! model as the full page (state.rs) and draws the same markup (markup.rs): the map with
//! its messages, playback, the customer desk, the branches with Kill and Restart, and the
//! checkers. Each region is rewritten only when its markup changes, keeping the keyboard
//! focus where it was.
//!
//! The rest (time travel, scenarios, charts, the inspector, the event log, the network
//! panel, sharing) is the full page, a second build in `full/`. Opening any of them hands
//! the run over: its permalink goes into the address and the full page replays it to the
//! same moment, so nothing the visitor did is lost. A link to a run (`#nextnumber/…`) or
//! an embedded page opens the full page at once.
//!
//! Bytes: this page is the first load (`make test` caps it at 150 KB gzip; the goal is
//! 97 KB, met with tens of bytes to spare). Where they go, gzip: the core's simulation
//! and checkers most of the wasm, then `markup.rs`, the model and std's formatting;
//! the JS glue grows with every browser API called from here. `Debug` formatting, the
//! core's recorders, `Timeline` and Yew are left out on purpose (see the commits).

use crate::flights::Layer;
use crate::markup::{self, MapMarks};
use crate::state::{Model, Msg, Selection, Settings};
use crate::text::fmt_ms;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, HtmlCanvasElement, KeyboardEvent};

/// The full page's loader (scripts/build-full.sh writes it beside the first page).
const FULL_PAGE: &str = "./full/start.js";
/// A frame longer than this (a background tab, a breakpoint) counts as this long.
const MAX_FRAME_MS: f64 = 100.0;

/// The page's frame; the regions inside it (ids `r-…`) are filled by `render`.
const SKELETON: &str = "<div class=\"page\" id=\"lite\"><header class=\"top\"><h1>The Very Next Number</h1>\
<p class=\"tagline\">Branches (replicas) hand out Numbers (sequence numbers) with no gap and no repeat, whatever the network does.</p></header>\
<main class=\"layout\"><section class=\"stage\" aria-label=\"Cluster\">\
<div class=\"controls-wrap\"><div class=\"controls\" role=\"group\" aria-label=\"Playback\"><span id=\"r-playback\" class=\"region\"></span>\
<span class=\"clock\" aria-label=\"Simulated time\" id=\"r-clock\"></span></div></div>\
<div role=\"alert\" id=\"r-error\"></div>\
<p class=\"leader\" aria-live=\"polite\" id=\"r-leader\"></p>\
<figure class=\"map\"><div class=\"map-box\"><span id=\"r-map\" class=\"region\"></span><canvas class=\"flights\" aria-hidden=\"true\"></canvas></div>\
<span id=\"r-legend\" class=\"region\"></span></figure></section>\
<aside class=\"side\">\
<section class=\"panel tools\" aria-labelledby=\"tools-title\"><h2 id=\"tools-title\">More tools</h2>\
<p class=\"hint\">Rewind and fork the run, follow the essay's scenarios, see charts and a space-time diagram, inspect a branch's register, read the event log, set latencies, split the network, and copy a link to this very run.</p>\
<p class=\"hint\" id=\"r-run\"></p>\
<button type=\"button\" class=\"primary\" data-msg=\"full\" id=\"open-tools\">Open the full tools (this run carries over)</button>\
<p class=\"hint\" id=\"r-loading\" role=\"status\"></p></section>\
<section class=\"panel desk\" aria-labelledby=\"desk-title\"><h2 id=\"desk-title\">Customer desk</h2>\
<p class=\"hint\">A customer (client) walks into a branch and asks for the very next Number, or for the latest one.</p>\
<span id=\"r-asks\" class=\"region\"></span><span id=\"r-requests\" class=\"region\"></span></section>\
<section class=\"panel checker\" aria-labelledby=\"checker-title\"><h2 id=\"checker-title\">Checkers</h2><span id=\"r-checks\" class=\"region\"></span></section>\
<section class=\"panel\" aria-labelledby=\"branches-title\"><h2 id=\"branches-title\">Branches</h2><span id=\"r-branches\" class=\"region\"></span></section>\
</aside></main></div>";

/// The regions, in the order `render` fills them.
const REGIONS: [&str; 11] = [
    "r-playback",
    "r-clock",
    "r-leader",
    "r-map",
    "r-legend",
    "r-asks",
    "r-requests",
    "r-checks",
    "r-branches",
    "r-run",
    "r-error",
];

struct Page {
    model: RefCell<Rc<Model>>,
    doc: Document,
    /// Each region's element and the markup it holds.
    regions: Vec<(Element, RefCell<String>)>,
    canvas: HtmlCanvasElement,
    layer: RefCell<Layer>,
    last_frame: Cell<Option<f64>>,
    /// Set once the full page is on its way: this one stops.
    handed_over: Cell<bool>,
}

/// Starts the first page, or the full page at once when the address asks for a run.
pub fn start() {
    crate::panic::install();
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if wants_full_page() {
        load_full_page(&doc);
        return;
    }
    let (Some(body), Ok(root)) = (doc.body(), doc.create_element("div")) else { return };
    set_markup(&root, SKELETON);
    let Some(skeleton) = root.first_element_child() else { return };
    let _ = body.prepend_with_node_1(&skeleton);
    // Displayed, not `Debug`-formatted: the first page ships no `Debug` code.
    let model = Model::new(Settings::default()).unwrap_or_else(|e| panic!("the default run cannot start: {e}"));
    let find = |id: &str| doc.get_element_by_id(id).expect("the skeleton has every region");
    let regions = REGIONS.iter().map(|id| (find(id), RefCell::default())).collect();
    let Some(canvas) = doc.query_selector("#lite canvas").ok().flatten().and_then(|c| c.dyn_into().ok()) else {
        return;
    };
    let page = Rc::new(Page {
        model: RefCell::new(Rc::new(model)),
        doc,
        regions,
        canvas,
        layer: RefCell::default(),
        last_frame: Cell::new(None),
        handed_over: Cell::new(false),
    });
    listen(&page);
    page.render();
    schedule(page);
}

/// A link to a run, a crash test or an embedded page: the full page serves it.
fn wants_full_page() -> bool {
    let Some(loc) = web_sys::window().map(|w| w.location()) else { return false };
    let hash = loc.hash().unwrap_or_default();
    let search = loc.search().unwrap_or_default();
    hash.len() > 1 || search.trim_start_matches('?').split('&').any(|p| p == "embed=1")
}

impl Page {
    fn send(&self, msg: Msg) {
        let next = self.model.borrow().clone().update(msg);
        *self.model.borrow_mut() = next;
    }

    fn dispatch(self: &Rc<Self>, msgs: Vec<Msg>) {
        if msgs.is_empty() || self.handed_over.get() {
            return;
        }
        for m in msgs {
            if let Msg::Select(Selection::Branch(b)) = m {
                // The inspector is one of the full tools.
                self.hand_over(Some(format!("branch-{b}")));
                return;
            }
            self.send(m);
        }
        self.render();
    }

    /// Rewrites the regions whose markup changed.
    fn render(&self) {
        let m = self.model.borrow().clone();
        let view = &m.view;
        let config = m.sim().config().clone();
        let leader = match view.leader {
            Some(b) => format!("Main Office: branch {b}"),
            None => "No Main Office: an election is under way".to_string(),
        };
        let behind = m.shared.0.clock.get().behind && m.playing;
        let marks = MapMarks {
            selected: None,
            link: m.link,
            implicated: &m.implicated,
            latency: (config.latency_min_ms, config.latency_max_ms),
            compact: crate::geometry::compact(),
        };
        let texts = [
            markup::playback(m.playing, m.speed),
            format!("t = {}{}", fmt_ms(view.now), if behind { " <small>(as fast as it can)</small>" } else { "" }),
            leader,
            markup::map_svg(view, marks),
            markup::legend(),
            asks(&m),
            markup::recent_requests(view, &m.implicated),
            markup::checker(&m.verdicts),
            markup::branch_list(view, &m.implicated, None),
            format!(
                "This run: seed {}, {} branches, {} network. The full tools change them.",
                m.settings.seed,
                m.settings.branches,
                m.settings.network.name()
            ),
            // What the core refused, said plainly (its words are escaped).
            m.error.as_deref().map_or(String::new(), |e| format!("<p class=\"error\">{}</p>", crate::text::esc(e))),
        ];
        for ((el, held), text) in self.regions.iter().zip(texts) {
            if *held.borrow() != text {
                replace(&self.doc, el, &text);
                *held.borrow_mut() = text;
            }
        }
    }

    /// The run goes into the address, and the full page takes over from it. `focus`: the
    /// id of what the visitor asked for, to show once it is there.
    fn hand_over(self: &Rc<Self>, focus: Option<String>) {
        if self.handed_over.replace(true) {
            return;
        }
        let m = self.model.borrow().clone();
        let link = match m.link() {
            Ok(link) => link,
            Err(why) => {
                self.handed_over.set(false);
                return self.say(&format!("{why}. Reload the page to start a new run."));
            }
        };
        if let Some(w) = web_sys::window() {
            let path = w.location().pathname().unwrap_or_default();
            if let Ok(h) = w.history() {
                let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}#{link}")));
            }
            // What the full page continues with: playing or not, at what speed, shown where.
            let state = js_sys::Object::new();
            let set = |k: &str, v: JsValue| js_sys::Reflect::set(&state, &k.into(), &v);
            let _ = set("playing", m.playing.into());
            let _ = set("speed", (m.speed as f64).into());
            let _ = set("focus", focus.as_deref().map_or(JsValue::NULL, JsValue::from));
            let _ = js_sys::Reflect::set(&w, &"nextnumberHandOver".into(), &state);
        }
        self.say("Loading the full tools…");
        load_full_page(&self.doc);
    }

    fn say(&self, text: &str) {
        if let Some(el) = self.doc.get_element_by_id("r-loading") {
            el.set_text_content(Some(text));
        }
    }
}

/// Sets a region's markup, and gives the focus back to the same control if it had it.
fn replace(doc: &Document, el: &Element, markup: &str) {
    let focused = doc.active_element().filter(|a| el.contains(Some(a)));
    let key = focused.and_then(|a| {
        a.get_attribute("id").map(|id| format!("#{id}")).or_else(|| {
            let act = a.get_attribute("data-act").or_else(|| a.get_attribute("data-msg"))?;
            let attr = if a.has_attribute("data-act") { "data-act" } else { "data-msg" };
            Some(format!("[{attr}=\"{act}\"]"))
        })
    });
    set_markup(el, markup);
    if let Some(again) = key.and_then(|k| el.query_selector(&k).ok().flatten()) {
        // SVG groups take the focus too: `focus` is called on the element as it is.
        let _ = again.unchecked_ref::<web_sys::HtmlElement>().focus();
    }
}

/// The first page's one HTML sink: constant markup, and markup.rs's, whose every text is
/// escaped (`text::esc`) or the page's own words.
fn set_markup(el: &Element, markup: &str) {
    el.set_inner_html(markup);
}

/// The desk's buttons and its load slider (customers at random branches).
fn asks(m: &Model) -> String {
    let rate = m.view.load_per_sec;
    let text = match rate {
        0 => "no customers walk in on their own".to_string(),
        r => format!("{r} customers per simulated second, one every {} ms", 1_000 / r),
    };
    format!(
        "{}<div class=\"row\"><label class=\"grow\">Load <input type=\"range\" min=\"0\" max=\"100\" step=\"1\" value=\"{rate}\" \
         data-msg=\"load\" data-target=\"random\" aria-label=\"Customers per simulated second\" aria-valuetext=\"{text}\"></label></div>\
         <p class=\"hint\">{text}</p>",
        markup::desk_asks(&m.view)
    )
}

/// One handler per kind of gesture, on the page's root.
fn listen(page: &Rc<Page>) {
    let Some(root) = page.doc.get_element_by_id("lite") else { return };
    let on = |kind: &str, f: Box<dyn Fn(Event)>| {
        let f = Closure::<dyn Fn(Event)>::wrap(f);
        let _ = root.add_event_listener_with_callback(kind, f.as_ref().unchecked_ref());
        f.forget(); // the page lives as long as the tab
    };
    let p = page.clone();
    on(
        "click",
        Box::new(move |e| {
            let full = crate::gesture::carrier(e.target(), "[data-msg=full]").is_some();
            if full {
                p.hand_over(Some("tools".into()));
            } else if let Some(id) = message_clicked(&p, &e) {
                // A message under the pointer takes the click from the link beneath it; it
                // is shown, and can be dropped, on the full page.
                p.hand_over(Some(format!("message-{id}")));
            } else {
                let n = p.model.borrow().view.branches.len();
                p.dispatch(crate::gesture::on_click(&e, n));
            }
        }),
    );
    let p = page.clone();
    on("change", Box::new(move |e| p.dispatch(crate::gesture::on_change(&e))));
    let p = page.clone();
    on(
        "keydown",
        Box::new(move |e| {
            let Some(k) = e.dyn_ref::<KeyboardEvent>() else { return };
            let n = p.model.borrow().view.branches.len();
            p.dispatch(crate::gesture::on_key(k, n));
        }),
    );
}

/// The message under a click on the map, as the last frame drew it, if any. Only a click on
/// the dot itself: this page shows no hover, so a click near a passing message must still
/// reach the link beneath (the full page widens the reach once the pointer has shown it).
fn message_clicked(page: &Page, e: &Event) -> Option<u64> {
    let map = crate::gesture::carrier(e.target(), ".map-box")?;
    // A click is a mouse event: no need to ask.
    let click = e.unchecked_ref::<web_sys::MouseEvent>();
    let at = crate::geometry::to_view_box(&map, click.client_x(), click.client_y())?;
    page.layer.borrow().hit(at, crate::flights::DOT)
}

/// The animation loop: time moves on, the messages are redrawn every frame, the regions
/// when the model says so.
fn schedule(page: Rc<Page>) {
    let Some(w) = web_sys::window() else { return };
    let next = page.clone();
    let f = Closure::once_into_js(move |t: f64| tick(next, t));
    let _ = w.request_animation_frame(f.unchecked_ref());
}

fn tick(page: Rc<Page>, now: f64) {
    if crate::panic::panicked() || page.handed_over.get() {
        return;
    }
    // A link pasted into the address of the open page: the full page opens it.
    if wants_full_page() {
        page.handed_over.set(true);
        return load_full_page(&page.doc);
    }
    let prev = page.last_frame.get().unwrap_or(now).max(now - MAX_FRAME_MS);
    let whole = (now - prev).max(0.0).floor();
    page.last_frame.set(Some(prev + whole));
    if whole > 0.0 {
        let before = page.model.borrow().clone();
        page.send(Msg::Frame { real_ms: whole as u64 });
        // The model is a new value only when the panels should be redrawn.
        if !Rc::ptr_eq(&before, &page.model.borrow()) {
            page.render();
        }
    }
    page.layer.borrow_mut().draw(&page.canvas, &page.model.borrow().shared.0);
    schedule(page);
}

/// Loads the full page's build (full/start.js); it renders into `<body>`, then removes
/// this page's `#lite`, if there is one.
fn load_full_page(doc: &Document) {
    let Ok(script) = doc.create_element("script") else { return };
    let _ = script.set_attribute("type", "module");
    let _ = script.set_attribute("src", FULL_PAGE);
    if let Some(body) = doc.body() {
        let _ = body.append_child(&script);
    }
}
