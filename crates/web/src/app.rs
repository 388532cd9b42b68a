//! The whole page: lays out the components and starts the animation loop. It owns no
//! protocol state: the model holds the simulation, the components draw its view.

use crate::components::{
    branches::Branches, charts::Charts, checker::Checker, controls::Controls, desk::Desk, eventlog::EventLog,
    map::ClusterMap, messages::Messages, network::Network, registers::Registers, timeline::TimeTravel,
};
use crate::hooks::use_animation;
use crate::narration::{use_story, Narration};
use crate::share::{use_address, Share};
use crate::state::{Model, Msg, Selection, Settings};
use std::rc::Rc;
use yew::prelude::*;

impl Reducible for Model {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        self.update(msg)
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let model = use_reducer(|| {
        Model::from_address(Settings::default(), &crate::share::fragment()).expect("the default settings are valid")
    });
    // One callback for the page's life: components whose props did not change are not redrawn.
    let send: Callback<Msg> = {
        let dispatcher = model.dispatcher();
        (*use_memo((), move |_| dispatcher.to_callback())).clone()
    };
    use_address(model.address.clone(), send.clone());
    let canvas = use_node_ref();
    let story = use_story(model.scenario.clone());
    use_effect_with((model.scenario.clone(), story.is_some()), |_| crate::narration::refocus_picker());
    use_animation(model.shared.clone(), send.clone(), canvas.clone());
    // In an iframe (`?embed=1`): the map, its controls, the checkers and the story; the rest folded.
    let embed = *use_memo((), |_| crate::share::embedded());

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
    let latency = {
        let sim = model.sim();
        (sim.config().latency_min_ms, sim.config().latency_max_ms)
    };
    // The story goes above the map while one is followed (and always in an iframe), so a
    // phone shows it beside what it describes; otherwise the picker heads the side column.
    let on_stage = embed || model.scenario.is_some();
    let narration = html! {
        <Narration scenario={model.scenario.clone()} story={story.clone()} now={view.now} send={send.clone()} />
    };
    let checker = html! { <Checker report={model.report.clone()} /> };
    let details = html! {
        <>
            <Messages view={view.clone()} shared={model.shared.clone()} selected={selected_message}
                message={model.message.clone()} send={send.clone()} />
            <Branches view={view.clone()} selected={selected_branch} detail={model.detail.clone()}
                implicated={model.implicated.clone()} send={send.clone()} />
        </>
    };
    let side = html! {
        <>
            if !on_stage { { narration.clone() } }
            if embed { <Registers registers={model.registers.clone()} /> }
            if embed { { details.clone() } }
            <Desk view={view.clone()} implicated={model.implicated.clone()} retry={model.retry} send={send.clone()} />
            if !embed { { checker.clone() } }
            <Share address={model.address.clone()} hash={model.hash.clone()} now={view.now} copied={model.copied}
                send={send.clone()} />
            <Network view={view.clone()} link={model.link} send={send.clone()} />
            <EventLog lines={model.log.clone()} filter={model.log_filter.clone()} branches={view.branches.len()}
                send={send.clone()} />
        </>
    };
    html! {
        <div class={classes!("page", embed.then_some("embed"))}>
            { header(embed, &model) }
            <main class="layout">
                <section class="stage" aria-label="Cluster">
                    if on_stage { { narration } }
                    <Controls playing={model.playing} speed={model.speed} settings={model.settings.clone()} now={view.now}
                        behind={model.shared.0.clock.get().behind} send={send.clone()} />
                    if let Some(e) = &model.error {
                        <p class="error" role="alert">{ e.clone() }</p>
                    }
                    if let Some(n) = &model.notice {
                        <p class="notice" id="notice" role="status">{ n.to_string() }</p>
                    }
                    <p class="leader" aria-live="polite">{ leader_text }</p>
                    <ClusterMap view={view.clone()} shared={model.shared.clone()} selected={selected_branch}
                        link={model.link} implicated={model.implicated.clone()} {latency} hovered={model.hovered}
                        waiting={model.registers.waiting.first().cloned()}
                        canvas={canvas.clone()} send={send.clone()} />
                    <TimeTravel now={view.now} end={model.end} catch_up={model.catch_up} send={send.clone()} />
                    // The checkers are the point of the page: an embed shows them under the map.
                    if embed { { checker } }
                    if !embed { <Registers registers={model.registers.clone()} /> }
                    if !embed { { details } }
                    if !embed {
                        <Charts view={view.clone()} shared={model.shared.clone()} end={model.end} send={send.clone()} />
                    }
                </section>
                if embed {
                    <details class="side more">
                        <summary>{ "Branches, messages, customer desk, sharing, network and event log" }</summary>
                        { side }
                    </details>
                } else {
                    <aside class="side">{ side }</aside>
                }
            </main>
        </div>
    }
}

/// The title, and the tagline or (in an iframe) a link to the whole page with this run.
fn header(embed: bool, model: &Model) -> Html {
    let full_page = match &model.address.link {
        Ok(link) => format!("./#{link}"),
        Err(_) => "./".to_string(),
    };
    html! {
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
    }
}
