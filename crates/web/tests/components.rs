//! Component tests in headless Chromium (wasm-bindgen-test-runner, .cargo/config.toml):
//! `cargo test -p nextnumber-web --target wasm32-unknown-unknown --tests`.
//! Each test mounts a component into a fresh `<div>`, lets Yew render
//! (`yew::scheduler::flush`), and reads the DOM by accessible names and text.
#![cfg(target_arch = "wasm32")]

use nextnumber_core::check::{Invariant, Violation, ALL_INVARIANTS};
use nextnumber_core::report::{Judgement, Report, Verdict};
use nextnumber_core::{ClientId, NodeId, RequestId};
use nextnumber_web::app::App;
use nextnumber_web::components::checker::{Checker, CheckerStrip, Props as CheckerProps};
use nextnumber_web::components::fmt_ms;
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

/// Mounts the whole page and waits for it to be drawn: the first screen, then (an animation
/// frame later, `hooks::use_settled`) the panels.
async fn page() -> Element {
    let div = root();
    yew::Renderer::<App>::with_root(div.clone()).render();
    yew::scheduler::flush().await;
    next_frame().await;
    yew::scheduler::flush().await;
    div
}

/// Resolves at the browser's next animation frame.
async fn next_frame() {
    let frame = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().unwrap().request_animation_frame(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(frame).await;
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
        find(&div, &format!("[aria-label='Ask {b} for a Number']"));
        find(&div, &format!("[aria-label='Read {b}, the latest Number']"));
    }
    find(&div, "[aria-label='Cut link A→B']");
    find(&div, "[aria-label='Cut link B→A']");
    find(&div, "[aria-label='Pause']");
    find(&div, "[aria-label='Set latency of link A→B']");
    // A fresh run has not been connected long enough for L1 to be judged: it says so.
    assert!(text(&div).contains("Every invariant judged so far holds; 1 not judged yet."), "{}", text(&div));
    // Every map branch says its status to screen readers, beginning with what it shows.
    let branch = find(&div, ".map g.branch");
    let label = branch.get_attribute("aria-label").unwrap();
    assert!(label.starts_with("A branch T0 · No. 0: branch A, branch, term 0"), "{label}");
}

#[wasm_bindgen_test]
async fn a_button_acts_through_the_core() {
    let div = page().await;
    find(&div, "[aria-label='Ask C for a Number']").unchecked_into::<HtmlElement>().click();
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

/// A report with I1 broken by `detail`, L1 not judged, and every other invariant holding.
fn report_with(detail: &str) -> Rc<Report> {
    let verdicts = ALL_INVARIANTS
        .iter()
        .map(|&invariant| {
            let judgement = match invariant {
                Invariant::I1Unique => Judgement::Broken(Violation {
                    invariant,
                    tick: Some(1_234),
                    detail: detail.into(),
                    requests: vec![
                        RequestId { client: ClientId(1), seq: 1 },
                        RequestId { client: ClientId(2), seq: 1 },
                    ],
                    branches: vec![NodeId(1)],
                }),
                Invariant::L1Liveness => Judgement::NotJudged("not judged yet: no majority connected".into()),
                _ => Judgement::Holds { since: None },
            };
            Verdict { invariant, judgement, count: usize::from(invariant == Invariant::I1Unique) }
        })
        .collect();
    let mut report = Report::default();
    report.verdicts = verdicts;
    Rc::new(report)
}

async fn checker(report: Rc<Report>) -> Element {
    let div = root();
    yew::Renderer::<Checker>::with_root_and_props(div.clone(), CheckerProps { report }).render();
    yew::scheduler::flush().await;
    div
}

#[wasm_bindgen_test]
async fn a_broken_invariant_says_what_when_and_who_and_an_unjudged_one_says_so() {
    let div = checker(report_with("B issued Number 3 to c2-1, but c1-1 already holds it")).await;
    assert_eq!(text(&find(&div, "[role=status]")), "1 invariant is broken.");
    let red = text(&find(&div, "li.broken"));
    assert!(red.contains("At t = 1234 ms: B issued Number 3"), "{red}");
    assert!(red.contains("Involves branch B and request c1-1 and c2-1."), "{red}");
    assert_eq!(div.query_selector_all("li.ok").unwrap().length(), ALL_INVARIANTS.len() as u32 - 2);
    let grey = text(&find(&div, "li.unjudged"));
    assert!(grey.contains("L1") && grey.contains("Not judged yet: no majority connected"), "{grey}");
    assert!(!grey.contains('✓'), "an unjudged invariant is never ticked: {grey}");
}

async fn strip(report: Rc<Report>) -> Element {
    let div = root();
    yew::Renderer::<CheckerStrip>::with_root_and_props(div.clone(), CheckerProps { report }).render();
    yew::scheduler::flush().await;
    div
}

/// The embed's strip: a badge per invariant, each named, marked and coloured by its class;
/// the first broken one in words; an unjudged one never ticked.
#[wasm_bindgen_test]
async fn the_checker_strip_names_every_invariant_and_the_first_broken_one() {
    let div = strip(report_with("B issued Number 3 to c2-1, but c1-1 already holds it")).await;
    let badges = div.query_selector_all(".checker-strip li.badge").unwrap();
    assert_eq!(badges.length(), ALL_INVARIANTS.len() as u32);
    let i1 = find(&div, "li.badge.broken");
    assert_eq!(text(&find(&i1, ".mark")), "✗");
    assert_eq!(text(&find(&i1, ".sr-only")), "I1 unique: no Number given twice: broken");
    assert_eq!(div.query_selector_all("li.badge.broken").unwrap().length(), 1);
    assert_eq!(div.query_selector_all("li.badge.ok").unwrap().length(), ALL_INVARIANTS.len() as u32 - 2);
    let l1 = find(&div, "li.badge.unjudged");
    assert_eq!(text(&find(&l1, ".mark")), "–", "an unjudged invariant is never ticked");
    assert_eq!(text(&find(&l1, ".sr-only")), "L1 liveness: a healed majority answers: not judged yet");
    // Long codes show as initials; the name keeps the code.
    let es = find(&div, "li.badge[title^='election-safety ']");
    assert_eq!(text(&es), "✓ESelection-safety one Main Office per term: holds");
    let said = find(&div, ".said[role=status]");
    assert_eq!(said.class_name(), "said broken");
    assert_eq!(
        text(&said),
        "I1 is broken (unique: no Number given twice). At t = 1234 ms: B issued Number 3 to c2-1, but c1-1 already \
         holds it. Involves branch B and request c1-1 and c2-1."
    );

    let mut holding = (*report_with("")).clone();
    holding.verdicts.iter_mut().for_each(|v| v.judgement = Judgement::Holds { since: None });
    let div = strip(Rc::new(holding)).await;
    assert_eq!(div.query_selector_all("li.badge.ok").unwrap().length(), ALL_INVARIANTS.len() as u32);
    assert_eq!(text(&find(&div, ".said")), "Every invariant holds.");
}

/// Text reaches the DOM only through Yew: what a violation's detail carries stays text.
#[wasm_bindgen_test]
async fn a_violation_detail_is_text_not_markup() {
    let div = checker(report_with("<img data-xss src=x>")).await;
    assert!(div.query_selector("[data-xss]").unwrap().is_none(), "a detail became markup");
    assert!(text(&div).contains("<img data-xss src=x>"), "{}", text(&div));
}

#[wasm_bindgen_test]
fn times_are_written_plainly() {
    assert_eq!(fmt_ms(850), "850 ms");
    assert_eq!(fmt_ms(12_500), "12.5 s");
    assert_eq!(fmt_ms(3_300_000), "55 min 00 s");
    assert_eq!(fmt_ms(3_900_000), "1 h 05 min");
}

/// A run whose old Main Office (A, cut off) filed two requests the new one never saw.
fn split_registers() -> nextnumber_core::view::RegistersView {
    use nextnumber_core::{Action, Config, Simulation, Tick};
    let mut sim = Simulation::new(Config::default(), 1).unwrap();
    sim.act(Action::Timeout(NodeId(0))).unwrap();
    sim.run_until(Tick(500));
    sim.act(Action::Ask(NodeId(0))).unwrap();
    sim.run_until(Tick(800));
    sim.act(Action::Isolate(NodeId(0))).unwrap();
    sim.act(Action::Ask(NodeId(0))).unwrap();
    sim.act(Action::Ask(NodeId(0))).unwrap();
    sim.run_until(Tick(4_000));
    sim.registers(8)
}

#[wasm_bindgen_test]
async fn the_register_rows_show_numbers_no_ops_and_a_tail_that_disagrees() {
    use nextnumber_web::components::registers::{Props, Registers};
    let registers = split_registers();
    let div = root();
    let props = Props { registers: nextnumber_web::state::Snap(Rc::new(registers.clone())) };
    yew::Renderer::<Registers>::with_root_and_props(div.clone(), props).render();
    yew::scheduler::flush().await;
    let rows = div.query_selector_all("tbody tr").unwrap();
    assert_eq!(rows.length(), 5);
    let a = rows.item(0).unwrap().dyn_into::<Element>().unwrap();
    let marks: Vec<String> = (0..a.query_selector_all("td").unwrap().length())
        .map(|i| a.query_selector_all("td").unwrap().item(i).unwrap().first_child().unwrap().text_content().unwrap())
        .collect();
    // A's register: its no-op, Number 1, then the two requests only it holds.
    assert_eq!(marks, ["–", "1", "…", "…"], "{}", text(&a));
    assert_eq!(a.query_selector_all("td.disagrees").unwrap().length(), 2);
    assert_eq!(div.query_selector_all("td.disagrees").unwrap().length(), 2, "only the old leader's tail");
    assert!(text(&a).contains("commit 2"), "{}", text(&a));
    assert!(find(&a, "td.disagrees").get_attribute("title").unwrap().contains("the Main Office holds another entry"));
}

#[wasm_bindgen_test]
async fn a_timer_ring_empties_as_its_deadline_nears() {
    use nextnumber_core::view::{TimerKind, TimerView};
    use nextnumber_web::components::timer::{Props, Timer};
    use nextnumber_web::geometry::Point;
    let timer = TimerView { kind: TimerKind::Heartbeat, armed: 1_000, due: 1_050 };
    let mut shown = Vec::new();
    for now in [1_000, 1_025, 1_050] {
        let div = root();
        let props = Props { timer, now, at: Point { x: 500, y: 130 }, radius: 100 };
        yew::Renderer::<Timer>::with_root_and_props(div.clone(), props).render();
        yew::scheduler::flush().await;
        let ring = find(&div, "circle.timer.heartbeat");
        shown.push(ring.get_attribute("stroke-dasharray").unwrap());
    }
    assert_eq!(shown, ["1000 1000", "500 1000", "0 1000"]);
}

async fn desk_with(requests_total: usize, requests_forgotten: usize) -> Element {
    desk_showing(|view| (view.requests_total, view.requests_forgotten) = (requests_total, requests_forgotten)).await
}

/// The desk after one customer asked A at the start, with `change` made to the view.
async fn desk_showing(change: impl FnOnce(&mut nextnumber_core::view::View)) -> Element {
    use nextnumber_web::components::desk::{Desk, Props};
    use nextnumber_web::state::Snap;
    let mut sim = nextnumber_core::Simulation::new(nextnumber_core::Config::default(), 1).unwrap();
    sim.act(nextnumber_core::Action::Ask(NodeId(0))).unwrap();
    sim.run_until(nextnumber_core::Tick(1_000));
    let mut view = sim.page_view();
    change(&mut view);
    let props = Props {
        view: Snap(Rc::new(view)),
        implicated: Rc::default(),
        retry: (None, NodeId(0)),
        send: yew::Callback::noop(),
    };
    let div = root();
    yew::Renderer::<Desk>::with_root_and_props(div.clone(), props).render();
    yew::scheduler::flush().await;
    div
}

/// At the request cap the load generator skips its customers without a word; the desk must
/// say why no one new comes in.
#[wasm_bindgen_test]
async fn a_full_history_is_said_at_the_desk() {
    use nextnumber_core::config::limits::MAX_REQUESTS;
    let full = text(&desk_with(MAX_REQUESTS, 0).await);
    assert!(full.contains("The history is full (200000 requests): no new customer is let in."), "{full}");
    let busy = text(&desk_with(MAX_REQUESTS - 1, 0).await);
    assert!(!busy.contains("history is full") && busy.contains("199999 requests so far"), "{busy}");
}

/// An answered request shows its one-way trips when they are known (issue 12), and only its
/// time when its Number came on a chain of messages that began elsewhere.
#[wasm_bindgen_test]
async fn the_desk_counts_the_one_way_trips_of_an_answer() {
    use nextnumber_core::customer::Outcome;
    use nextnumber_core::Critical;
    let answered = |critical| {
        move |view: &mut nextnumber_core::view::View| {
            let r = &mut view.requests[0];
            (r.result, r.complete, r.critical) = (Some(Outcome::Number { number: 1 }), Some(r.invoke + 50), critical);
        }
    };
    let traced = text(&desk_showing(answered(Some(Critical { trips: 3, ms: 48 }))).await);
    // The customer asked A before any leader: its tries are counted before the trips.
    assert!(traced.contains("answered: Number 1 · ") && traced.contains(" · 3 one-way trips, 48 ms"), "{traced}");
    let untraced = text(&desk_showing(answered(None)).await);
    assert!(untraced.ends_with(" · 50 ms") && !untraced.contains("trip"), "{untraced}");
}

/// With a window of requests (the page's) the history is never full: the desk says how many
/// of the first requests are gone instead.
#[wasm_bindgen_test]
async fn forgotten_requests_are_said_at_the_desk() {
    let desk = text(&desk_with(360_000, 339_968).await);
    assert!(!desk.contains("history is full"), "{desk}");
    assert!(desk.contains("360000 requests so far") && desk.contains("the first 339968 are no longer kept"), "{desk}");
}

#[wasm_bindgen_test]
fn the_inspector_names_a_dozen_waiting_customers_and_counts_the_rest() {
    use nextnumber_web::text::waiting_text;
    let ids = |n: u32| (1..=n).map(|s| RequestId { client: ClientId(1), seq: s }).collect::<Vec<_>>();
    assert_eq!(waiting_text(&ids(2)), "c1-1, c1-2");
    let twelve = waiting_text(&ids(12));
    assert!(twelve.ends_with("c1-12") && !twelve.contains("more"), "{twelve}");
    let many = waiting_text(&ids(5000));
    assert!(many.starts_with("c1-1, c1-2,") && many.ends_with("c1-12 and 4988 more"), "{many}");
}
