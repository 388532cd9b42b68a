//! The essay's situations as narrated scenarios: a picker, and a panel that tells, step by
//! step, what to watch. The scenarios and their narration are the core's
//! (`nextnumber_core::narration::ESSAY`: scenario files whose `#> @TICK text` comment lines
//! are the steps, so `nextnumber run --scenario` runs the very same file).
//!
//! The step shown is the last one whose tick the run has reached, so scrubbing, stepping
//! and playing keep it in step. "Next" plays up to the next step's moment; "Back" jumps to
//! the previous one. The visitor may act at any moment: that forks the run as usual, and
//! the narration stays as a guide.

use crate::components::Part;
use crate::state::Msg;
use nextnumber_core::narration::Narration as Story;
use nextnumber_core::Scenario;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

// The essay's scenarios, in its order: (name, title, file), the core's one list. The files
// are fetched from `scenarios/` (Trunk copies crates/core/scenarios there) only when a
// visitor wants one: built in, their text would add about 8 KB to every visit.
use nextnumber_core::narration::ESSAY_FILES as ESSAYS;

/// Whether `name` is one of the narrated scenarios (a link to one opens at its start).
pub fn is_narrated(name: &str) -> bool {
    ESSAYS.iter().any(|(n, _, _)| *n == name)
}

/// The text of scenario file `file`, from the page's own site.
async fn fetch(file: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let failed = |_| format!("the scenario file {file} could not be loaded");
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str(&format!("scenarios/{file}"))).await.map_err(failed)?.unchecked_into();
    if !response.ok() {
        return Err(format!("the scenario file {file} could not be loaded (HTTP {})", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(failed)?).await.map_err(failed)?;
    text.as_string().ok_or_else(|| failed(wasm_bindgen::JsValue::NULL))
}

/// Choosing scenario `i` of the picker: load it, then open it at its start as a new run.
fn open(i: usize, send: Callback<Msg>) {
    let Some(&(_, _, file)) = ESSAYS.get(i) else { return };
    wasm_bindgen_futures::spawn_local(async move {
        send.emit(match fetch(file).await.and_then(|text| Scenario::parse(&text)) {
            Ok(scenario) => Msg::Open { scenario: Box::new(scenario), at: Some(0), push: true },
            Err(e) => Msg::Refused(format!("That scenario cannot be opened: {e}")),
        });
    });
}

thread_local! {
    /// The visitor chose a scenario with the picker (and the focus may need to follow).
    static PICKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Opening a scenario moves the story panel above the map, so the picker the visitor was
/// using is drawn anew: once it is, the focus goes back to it if it was dropped (a
/// keyboard user would otherwise land at the top of the page). Run after each render
/// that changed the scenario; nothing happens unless the picker opened it.
pub fn refocus_picker() {
    if !PICKED.with(|p| p.get()) {
        return;
    }
    let doc = web_sys::window().and_then(|w| w.document());
    let lost = doc.as_ref().and_then(|d| d.active_element()).is_none_or(|a| a.tag_name() == "BODY");
    let picker = doc.and_then(|d| d.query_selector(".narration .picker select").ok().flatten());
    if let (true, Some(p)) = (lost, picker.and_then(|p| p.dyn_into::<web_sys::HtmlElement>().ok())) {
        let _ = p.focus();
    }
    // Once the story is there, the picker stays put.
    if doc_has_story() {
        PICKED.with(|p| p.set(false));
    }
}

fn doc_has_story() -> bool {
    web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("narration-title")).is_some()
}

/// The narration of the scenario the run follows (`scenario`, its name), loaded when it
/// changes.
#[hook]
pub fn use_story(scenario: Option<Rc<str>>) -> Option<Rc<Story>> {
    let story = use_state(|| None::<(Rc<str>, Rc<Story>)>);
    {
        let story = story.clone();
        use_effect_with(scenario.clone(), move |name| {
            let file = name.as_deref().and_then(|n| ESSAYS.iter().find(|e| e.0 == n)).map(|e| e.2);
            if let (Some(name), Some(file)) = (name.clone(), file) {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(parsed) = fetch(file).await.and_then(|t| Story::parse(&t)) {
                        story.set(Some((name, Rc::new(parsed))));
                    }
                });
            }
        });
    }
    story.as_ref().filter(|(n, _)| Some(n) == scenario.as_ref()).map(|(_, s)| s.clone())
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The scenario the run follows (its name), and its story once loaded.
    pub scenario: Option<Rc<str>>,
    pub story: Option<Rc<Story>>,
    pub now: u64,
    pub send: Callback<Msg>,
    /// In an embed: the story's line (`Essentials`) or the picker (`Rest`).
    #[prop_or_default]
    pub part: Part,
}

/// The scenario picker and, while a scenario is followed, its story step by step.
#[function_component(Narration)]
pub fn narration(props: &Props) -> Html {
    let current = props.story.as_ref();
    let picked = props.scenario.as_deref().and_then(|s| ESSAYS.iter().position(|e| e.0 == s));
    let on_pick = {
        let send = props.send.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse::<usize>() {
                PICKED.with(|p| p.set(true));
                open(i, send.clone());
            }
        })
    };
    let picker = html! {
        <label class="picker">
            <span>{ "Scenario" }</span>
            <select aria-label="Scenario to follow, step by step" onchange={on_pick}>
                <option value="" selected={picked.is_none()} disabled=true>{ "Choose a situation from the story…" }</option>
                { for ESSAYS.iter().enumerate().map(|(i, e)| html! {
                    <option value={i.to_string()} selected={picked == Some(i)}>{ e.1 }</option>
                }) }
            </select>
        </label>
    };
    let pick_only = html! { <section class="panel narration" aria-label="Scenarios">{ picker.clone() }</section> };
    let steps = current.map(|c| &c.steps[..]).unwrap_or_default();
    let (Some(current), false) = (current, steps.is_empty()) else {
        return if props.part.rest() { pick_only } else { Html::default() };
    };
    if props.part == Part::Rest {
        return pick_only;
    }
    let at = current.step_at(props.now).unwrap_or(0);
    let go = |msg: fn(u64) -> Msg, to: Option<u64>| {
        let send = props.send.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = to {
                send.emit(msg(t));
            }
        })
    };
    // Back: to the start of this step if the run is past it, else to the step before.
    let back = if steps[at].tick < props.now { Some(at) } else { at.checked_sub(1) }.map(|i| steps[i].tick);
    let next = steps.get(at + 1).map(|s| s.tick);
    let last = at + 1 == steps.len();
    let title = current.title.clone().unwrap_or_default();
    let count = format!("Step {} of {}", at + 1, steps.len());
    let challenge = current.challenge.as_ref().filter(|_| last);
    let back_button = html! {
        <button type="button" onclick={go(Msg::Seek, back)} disabled={back.is_none()}
            aria-label="Back to the previous step of the story">{ "◀" }<span class="word">{ " Back" }</span></button>
    };
    let next_button = html! {
        <button type="button" class="primary" onclick={go(Msg::PlayTo, next)} disabled={next.is_none()}
            aria-label="Next step of the story: play up to it"><span class="word">{ "Next " }</span>{ "▶" }</button>
    };
    if props.part == Part::Essentials {
        // One line beside the map: Back, the step's words (its number first), Next.
        return html! {
            <section class="narration story-line" aria-labelledby="narration-title">
                <h2 id="narration-title" class="sr-only">{ title }</h2>
                { back_button }
                <p class="say" id="narration-text" aria-live="polite">
                    <b class="step-count">{ count }</b>{ " " }{ steps[at].text.clone() }
                    if let Some(c) = challenge { { " " }<strong class="challenge">{ c.clone() }</strong> }
                </p>
                { next_button }
            </section>
        };
    }
    html! {
        <section class="panel narration" aria-labelledby="narration-title">
            { picker }
            <h2 id="narration-title">{ title }</h2>
            <p class="step-count">{ count }</p>
            <p class="say" id="narration-text" aria-live="polite">{ steps[at].text.clone() }</p>
            if let Some(c) = challenge {
                <p class="challenge">{ c.clone() }</p>
            }
            <div class="narration-buttons">{ back_button }{ next_button }</div>
            <p class="muted">{ "You may step in at any moment: cut, kill, ask. The story then goes your way." }</p>
        </section>
    }
}
