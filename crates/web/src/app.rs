//! The whole page: lays out the components and starts the animation loop. It owns no
//! protocol state: the model holds the simulation, the components draw its view.

use crate::components::{
    charts::charts_panel,
    checker::checker_panel,
    controls::{controls, use_run_boxes, Props as ControlsProps},
    desk::desk,
    eventlog::event_log,
    inspector::inspector,
    map::{cluster_map, Props as MapProps},
    messages::{messages, Props as MessagesProps},
    network::network,
    timeline::time_travel,
};
use crate::hooks::use_animation;
use crate::narration::{narration, use_story, Props as NarrationProps};
use crate::share::{share, use_address};
use crate::state::{Model, Msg, Selection, Settings};
use nextnumber_core::{Action, NodeId};
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

/// The one click handler of every button written as markup: `data-act` holds an action
/// in the scenario language (the core parses it), `data-pick` a selection: `b A` (a
/// branch), `m 12` (a message) or `none`.
fn delegate(send: Callback<Msg>, n: usize) -> Callback<MouseEvent> {
    Callback::from(move |e: MouseEvent| {
        let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
        let Some(el) = el.closest("[data-act],[data-pick]").ok().flatten() else { return };
        if let Some(act) = el.get_attribute("data-act") {
            send.emit(match Action::parse(&act, n) {
                Ok(a) => Msg::Act(a),
                Err(e) => Msg::Refused(e),
            });
        } else if let Some(pick) = el.get_attribute("data-pick") {
            let arg = pick.get(2..).unwrap_or("");
            let selection = match pick.as_bytes().first() {
                Some(b'b') => NodeId::parse(arg, n).map_or(Selection::None, Selection::Branch),
                Some(b'm') => arg.parse().map_or(Selection::None, Selection::Message),
                _ => Selection::None,
            };
            send.emit(Msg::Select(selection));
        }
    })
}

#[function_component(App)]
pub fn app() -> Html {
    let model = use_reducer(|| {
        Model::from_address(Settings::default(), &crate::share::fragment()).expect("the default settings are valid")
    });
    let send: Callback<Msg> = model.dispatcher().to_callback();
    use_address(model.address.clone(), send.clone());
    let canvas = use_node_ref();
    let boxes = use_run_boxes(model.settings.seed, model.settings.branches);
    let story = use_story(model.scenario.clone());
    use_animation(model.shared.clone(), send.clone(), canvas.clone());

    let view = &model.view;
    let leader_text = match view.leader {
        Some(b) => format!("Main Office: branch {b}"),
        None => "No Main Office: an election is under way".to_string(),
    };
    let selected_branch = match model.selection {
        Selection::Branch(b) => Some(b),
        _ => None,
    };
    let selected_message = match model.selection {
        Selection::Message(id) => Some(id),
        _ => None,
    };
    let config = model.sim().config().clone();
    let onclick = delegate(send.clone(), view.branches.len());
    // In an iframe (`?embed=1`): the map, its controls and the story; the rest folded.
    let embed = *use_memo((), |_| crate::share::embedded());
    // The story goes above the map while one is followed (and always in an iframe), so a
    // phone shows it beside what it describes; otherwise the picker heads the side column.
    let on_stage = embed || model.scenario.is_some();
    let narration = narration(NarrationProps {
        scenario: model.scenario.as_ref(),
        story: story.as_ref(),
        now: view.now,
        send: &send,
    });
    // The messages in flight and the branch list; folded with the rest in an iframe.
    let details = html! {
        <>
            { messages(MessagesProps {
                shared: &model.shared,
                selected: selected_message,
                message: model.message.as_deref(),
                in_flight: view.in_flight,
                now: view.now,
            }) }
            { inspector(view, selected_branch, model.detail.as_deref(), &model.implicated) }
        </>
    };
    let side = html! {
        <>
            if !on_stage { { narration.clone() } }
            if embed { { details.clone() } }
            { desk(view, &model.implicated, model.retry, &send) }
            { checker_panel(&model.verdicts) }
            { share(&model.address, &model.hash, view.now, model.copied, &send) }
            { network(view, model.link, &send) }
            { event_log(&model.log, &model.log_filter, view.branches.len(), &send) }
        </>
    };
    let full_page = match &model.address.link {
        Ok(link) => format!("./#{link}"),
        Err(_) => "./".to_string(),
    };
    html! {
        <div class={classes!("page", embed.then_some("embed"))} {onclick}>
            <header class="top">
                <h1>{ "The Very Next Number" }</h1>
                if embed {
                    <a class="full-page" href={full_page} target="_blank" rel="noopener">{ "Open the full page ↗" }</a>
                } else {
                    <p class="tagline">
                        { "Branches (replicas) hand out Numbers (sequence numbers) with no gap and no repeat, whatever the network does." }
                    </p>
                }
            </header>
            <main class="layout">
                <section class="stage" aria-label="Cluster">
                    if on_stage { { narration } }
                    { controls(ControlsProps {
                        playing: model.playing,
                        speed: model.speed,
                        settings: &model.settings,
                        now: view.now,
                        behind: model.shared.0.clock.get().behind,
                        send: &send,
                        boxes: &boxes,
                    }) }
                    if let Some(e) = &model.error {
                        <p class="error" role="alert">{ e.clone() }</p>
                    }
                    if let Some(n) = &model.notice {
                        <p class="notice" id="notice" role="status">{ n.to_string() }</p>
                    }
                    <p class="leader" aria-live="polite">{ leader_text }</p>
                    { cluster_map(MapProps {
                        view,
                        shared: &model.shared,
                        selection: model.selection,
                        link: model.link,
                        implicated: &model.implicated,
                        latency: (config.latency_min_ms, config.latency_max_ms),
                        hovered: model.hovered,
                        canvas: &canvas,
                        send: &send,
                    }) }
                    { time_travel(view.now, model.end, &send) }
                    if !embed { { details.clone() } }
                    if !embed {
                        { charts_panel(&model.shared, model.end, &send) }
                    }
                </section>
                if embed {
                    <details class="side more">
                        <summary>{ "Branches, customer desk, checkers, sharing, network and event log" }</summary>
                        { side }
                    </details>
                } else {
                    <aside class="side">{ side }</aside>
                }
            </main>
        </div>
    }
}
