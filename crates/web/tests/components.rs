//! Component tests in headless Chromium (wasm-bindgen-test-runner, .cargo/config.toml):
//! `cargo test -p nextnumber-web --target wasm32-unknown-unknown --tests`.
//! Each test mounts a component into a fresh `<div>`, lets Yew render
//! (`yew::scheduler::flush`), and reads the DOM by accessible names and text.
#![cfg(target_arch = "wasm32")]

use nextnumber_core::check::{Invariant, Violation, ALL_INVARIANTS};
use nextnumber_core::{ClientId, NodeId, RequestId};
use nextnumber_web::app::App;
use nextnumber_web::components::checker::{Checker, Props as CheckerProps};
use nextnumber_web::components::{esc, fmt_ms};
use nextnumber_web::state::Verdict;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn root() -> Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let div = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    div
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn text(root: &Element) -> String {
    root.text_content().unwrap_or_default()
}

/// Mounts the whole page and waits for its first render.
async fn page() -> Element {
    let div = root();
    yew::Renderer::<App>::with_root(div.clone()).render();
    yew::scheduler::flush().await;
    div
}

#[wasm_bindgen_test]
async fn the_page_shows_every_branch_as_text_and_every_control_by_name() {
    let div = page().await;
    let rows = div.query_selector_all("#branches li").unwrap();
    assert_eq!(rows.length(), 5);
    let list = text(&find(&div, "#branches"));
    for b in ["A", "B", "C", "D", "E"] {
        assert!(list.contains(&format!("Branch {b}: ")), "{list}");
        find(&div, &format!("[aria-label='Kill branch {b}']"));
        find(&div, &format!("[aria-label='Ask for a Number at branch {b}']"));
        find(&div, &format!("[aria-label='Read the latest Number at branch {b}']"));
    }
    find(&div, "[aria-label='Cut link A→B']");
    find(&div, "[aria-label='Cut link B→A']");
    find(&div, "[aria-label='Pause']");
    find(&div, "[aria-label='Set latency of link A→B']");
    assert!(text(&div).contains("Every invariant holds."));
    // Every map branch says its status to screen readers.
    let branch = find(&div, ".map g.branch");
    assert!(branch.get_attribute("aria-label").unwrap().starts_with("Branch A: "));
}

#[wasm_bindgen_test]
async fn a_button_written_as_markup_acts_through_the_core() {
    let div = page().await;
    find(&div, "[aria-label='Ask for a Number at branch C']").unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
    let desk = text(&find(&div, "ol.requests"));
    assert!(desk.starts_with("c1-1asks at C"), "{desk}");
    find(&div, "[aria-label='Kill branch C']").unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
    find(&div, "[aria-label='Restart branch C']");
    assert!(text(&find(&div, "#branches")).contains("Branch C: closed (down)"));
}

#[wasm_bindgen_test]
async fn a_malformed_seed_or_branch_count_is_said_plainly() {
    let div = page().await;
    let seed: HtmlInputElement = find(&div, "input.seed").unchecked_into();
    seed.set_value("twelve");
    find(&div, "form[aria-label='Run settings'] button[type=submit]").unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
    let alert = text(&find(&div, "[role=alert]"));
    assert!(alert.contains("\"twelve\" is not a seed"), "{alert}");
    seed.set_value("3");
    let n: HtmlInputElement = find(&div, "[aria-label='Number of branches']").unchecked_into();
    n.set_value("12");
    find(&div, "form[aria-label='Run settings'] button[type=submit]").unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
    let alert = text(&find(&div, "[role=alert]"));
    assert!(alert.contains("branches must be 1 to 9, not 12"), "{alert}");
}

#[wasm_bindgen_test]
async fn a_broken_invariant_says_what_when_and_who() {
    let div = root();
    let verdicts: Vec<Verdict> = ALL_INVARIANTS
        .iter()
        .map(|&invariant| Verdict {
            invariant,
            broken: (invariant == Invariant::I1Unique).then(|| Violation {
                invariant,
                tick: Some(1_234),
                detail: "B issued Number 3 to c2-1, but c1-1 already holds it".into(),
                requests: vec![RequestId { client: ClientId(1), seq: 1 }, RequestId { client: ClientId(2), seq: 1 }],
                branches: vec![NodeId(1)],
            }),
        })
        .collect();
    yew::Renderer::<Checker>::with_root_and_props(div.clone(), CheckerProps { verdicts: Rc::new(verdicts) }).render();
    yew::scheduler::flush().await;
    assert_eq!(text(&find(&div, "[role=status]")), "1 invariant is broken.");
    let red = text(&find(&div, "li.broken"));
    assert!(red.contains("At t = 1234 ms: B issued Number 3"), "{red}");
    assert!(red.contains("Involves branch B and request c1-1 and c2-1."), "{red}");
    assert_eq!(div.query_selector_all("li.ok").unwrap().length(), ALL_INVARIANTS.len() as u32 - 1);
}

#[wasm_bindgen_test]
fn times_and_markup_are_written_plainly() {
    assert_eq!(fmt_ms(850), "850 ms");
    assert_eq!(fmt_ms(12_500), "12.5 s");
    assert_eq!(fmt_ms(3_300_000), "55 min 00 s");
    assert_eq!(fmt_ms(3_900_000), "1 h 05 min");
    assert_eq!(esc("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
}

/// The markup both pages draw (markup.rs), parsed by the browser: a map of 3 branches has
/// 6 directed links and 3 branches, each a control with its name; a cut link says
/// "Restore"; the one HTML sink escapes what a violation's detail carries.
#[wasm_bindgen_test]
fn the_shared_markup_names_every_control_and_escapes_text() {
    use nextnumber_core::{Action, Config, Links, Simulation};
    use nextnumber_web::markup::{self, MapMarks};
    use nextnumber_web::state::Implicated;
    let mut sim = Simulation::new(Config { branches: 3, ..Config::default() }, 7).unwrap();
    sim.act(Action::Cut(Links::One(NodeId(0), NodeId(1)))).unwrap();
    let view = sim.page_view();
    let none = Implicated::default();
    let marks =
        MapMarks { selected: None, link: (NodeId(0), NodeId(1)), implicated: &none, latency: (10, 15), compact: false };
    let div = root();
    div.set_inner_html(&markup::map_svg(&view, marks));
    assert_eq!(div.query_selector_all("g.link[role=button]").unwrap().length(), 6);
    assert_eq!(div.query_selector_all("g.branch[role=button]").unwrap().length(), 3);
    assert_eq!(find(&div, "#link-AB").get_attribute("aria-label").as_deref(), Some("Restore link A→B"));
    assert_eq!(find(&div, "#link-BA").get_attribute("data-act").as_deref(), Some("cut B>A"));
    assert!(find(&div, "#branch-C").get_attribute("aria-label").unwrap().starts_with("Branch C: "));
    let broken = Verdict {
        invariant: Invariant::I1Unique,
        broken: Some(Violation {
            invariant: Invariant::I1Unique,
            tick: Some(5),
            branches: vec![NodeId(1)],
            requests: vec![],
            detail: "<img data-xss src=x>".into(),
        }),
    };
    div.set_inner_html(&markup::checker(&[broken]));
    assert!(div.query_selector("[data-xss]").unwrap().is_none(), "a detail became markup");
    assert!(text(&div).contains("<img data-xss src=x>") && text(&div).contains("Involves branch B."), "{}", text(&div));
}
