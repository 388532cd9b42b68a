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
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

impl Reducible for Model {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        self.update(msg)
    }
}

/// The run handed over by the first page goes on as it was there.
fn continue_from(m: Model, h: &crate::share::HandOver) -> Model {
    let mut m = Rc::new(m);
    let asked = h.focus.as_deref().unwrap_or("");
    if let Some(b) = asked.strip_prefix("branch-") {
        if let Ok(b) = nextnumber_core::NodeId::parse(b, m.view.branches.len()) {
            m = m.update(Msg::Select(Selection::Branch(b)));
        }
    } else if let Some(Ok(id)) = asked.strip_prefix("message-").map(str::parse) {
        m = m.update(Msg::Select(Selection::Message(id)));
    }
    let mut m = (*m).clone();
    (m.playing, m.speed) = (h.playing, h.speed);
    m
}

/// The page's one handler for everything written as markup (gesture.rs).
fn delegate<E: AsRef<web_sys::Event> + 'static>(
    send: Callback<Msg>,
    n: usize,
    meaning: fn(&E, usize) -> Vec<Msg>,
) -> Callback<E> {
    Callback::from(move |e: E| meaning(&e, n).into_iter().for_each(|m| send.emit(m)))
}

#[function_component(App)]
pub fn app() -> Html {
    let hand_over = use_memo((), |_| crate::share::take_hand_over());
    let model = use_reducer(|| {
        let m = Model::from_address(Settings::default(), &crate::share::fragment())
            .expect("the default settings are valid");
        match &*hand_over {
            Some(h) => continue_from(m, h),
            None => m,
        }
    });
    use_effect_with((), move |_| {
        // The control the visitor used on the first page is gone: the focus goes to what
        // they asked for.
        let target = match hand_over.as_ref().as_ref().and_then(|h| h.focus.as_deref()) {
            Some(f) if f.starts_with("branch-") => format!("[aria-label=\"Inspect branch {}\"]", &f[7..]),
            Some(f) if f.starts_with("message-") => format!("[data-act=\"drop {}\"]", &f[8..]),
            Some(_) => ".timetravel input".to_string(),
            None => return,
        };
        let found = web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(&target).ok().flatten());
        if let Some(el) = found.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    });
    let send: Callback<Msg> = model.dispatcher().to_callback();
    use_address(model.address.clone(), send.clone());
    let canvas = use_node_ref();
    let boxes = use_run_boxes(model.settings.seed, model.settings.branches);
    let story = use_story(model.scenario.clone());
    use_effect_with((model.scenario.clone(), story.is_some()), |_| crate::narration::refocus_picker());
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
    let n = view.branches.len();
    let onclick = delegate(send.clone(), n, |e: &MouseEvent, n| crate::gesture::on_click(e, n));
    let onkeydown = delegate(send.clone(), n, crate::gesture::on_key);
    let onchange = delegate(send.clone(), n, |e: &Event, _| crate::gesture::on_change(e));
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
        <div class={classes!("page", embed.then_some("embed"))} {onclick} {onkeydown} {onchange}>
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
