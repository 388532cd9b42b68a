//! The whole page: lays out the components and starts the animation loop. It owns no
//! protocol state: the model holds the simulation, the components draw its view.

use crate::components::{
    branches::Branches,
    charts::Charts,
    checker::{Checker, CheckerStrip},
    controls::Controls,
    desk::Desk,
    eventlog::EventLog,
    map::ClusterMap,
    messages::Messages,
    network::Network,
    registers::Registers,
    replay::ReplayPanel,
    shrink::ShrinkPanel,
    timeline::TimeTravel,
    whatif::WhatIf,
    Part,
};
use crate::hooks::{use_animation, use_settled};
use crate::narration::{use_story, Narration};
use crate::share::{use_address, Share};
use crate::state::{Model, Msg, Selection, Settings};
use nextnumber_core::narration::Narration as Story;
use nextnumber_core::NodeId;
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
    let embed = crate::share::embedded();
    crate::share::use_post_height(embed);
    let settled = use_settled();

    let page = Panels { model: &model, send: &send, story, canvas, settled };
    if embed {
        return page.embedded();
    }
    // The story goes above the map while one is followed, so a phone shows it beside what
    // it describes; otherwise the picker heads the side column.
    let on_stage = model.scenario.is_some();
    html! {
        <div class="page">
            { header() }
            <main class="layout">
                <section class="stage" aria-label="Cluster">
                    if on_stage { { page.narration(Part::Whole) } }
                    if let Some(replay) = &model.replay {
                        <ReplayPanel replay={replay.clone()} report={model.report.clone()} send={send.clone()} />
                    }
                    { page.controls(Part::Whole) }
                    { said(&model) }
                    <p class="leader" aria-live="polite">{ leader_text(&model) }</p>
                    { page.map() }
                    { page.time_travel(Part::Whole) }
                    if settled {
                        <Registers registers={model.registers.clone()} />
                        { details(&model, &send) }
                        <Charts view={model.view.clone()} shared={model.shared.clone()} end={model.end} send={send.clone()} />
                    }
                </section>
                <aside class="side">
                    if !on_stage { { page.narration(Part::Whole) } }
                    if settled { { panels(&model, &send, true) } }
                </aside>
            </main>
        </div>
    }
}

/// What both layouts draw, each part where it fits.
struct Panels<'a> {
    model: &'a Model,
    send: &'a Callback<Msg>,
    story: Option<Rc<Story>>,
    canvas: NodeRef,
    /// The first screen is drawn: the rest may follow (`use_settled`).
    settled: bool,
}

impl Panels<'_> {
    fn map(&self) -> Html {
        let (m, send) = (self.model, self.send.clone());
        html! {
            <ClusterMap view={m.view.clone()} shared={m.shared.clone()} selected={selected_branch(m)} link={m.link}
                implicated={m.implicated.clone()} latency={latency(m)} hovered={m.hovered}
                waiting={m.registers.waiting.first().cloned()} canvas={self.canvas.clone()} {send} />
        }
    }

    fn narration(&self, part: Part) -> Html {
        let (m, send) = (self.model, self.send.clone());
        html! { <Narration scenario={m.scenario.clone()} story={self.story.clone()} now={m.view.now} {send} {part} /> }
    }

    fn controls(&self, part: Part) -> Html {
        let (m, send) = (self.model, self.send.clone());
        html! {
            <Controls playing={m.playing} speed={m.speed} settings={m.settings.clone()} now={m.view.now}
                behind={m.shared.0.clock.get().behind} {send} {part} />
        }
    }

    fn time_travel(&self, part: Part) -> Html {
        let (m, send) = (self.model, self.send.clone());
        html! { <TimeTravel now={m.view.now} end={m.end} catch_up={m.catch_up} {send} {part} /> }
    }

    /// In an iframe (`?embed=1`), sized for a blog post (800 × 560, or a phone's 360 × 640):
    /// the map first, as large as the frame allows, then the story's line, play, step and
    /// the scrubber, and the checkers as a strip of badges; everything else is one click
    /// away, under "More". The page tells the frame's page its height (`use_post_height`).
    fn embedded(&self) -> Html {
        let (model, send) = (self.model, self.send);
        let full_page = match &model.address.link {
            Ok(link) => format!("./#{link}"),
            Err(_) => "./".to_string(),
        };
        html! {
            <main class="page embed">
                <h1 class="sr-only">{ "The Very Next Number" }</h1>
                <section class="fit" aria-label="Cluster">
                    { said(model) }
                    <p class="leader sr-only" aria-live="polite">{ leader_text(model) }</p>
                    { self.map() }
                    { self.narration(Part::Essentials) }
                    <div class="controls play-row" role="group" aria-label="Playback">
                        { self.controls(Part::Essentials) }
                        { self.time_travel(Part::Essentials) }
                    </div>
                    <CheckerStrip report={model.report.clone()} />
                </section>
                <div class="foot">
                    <a class="full-page" href={full_page} target="_blank" rel="noopener">{ "Open the full page ↗" }</a>
                    <details class="more">
                        <summary>
                            { "More" }
                            <span class="hint">
                                { ": the checkers in full, speed and settings, registers, branches, messages, desk, sharing, network, event log" }
                            </span>
                        </summary>
                        if self.settled {
                            <Checker report={model.report.clone()} />
                            { self.narration(Part::Rest) }
                            <section class="panel" aria-label="Speed, settings and time travel">
                                { self.controls(Part::Rest) }
                                { self.time_travel(Part::Rest) }
                            </section>
                            <Registers registers={model.registers.clone()} />
                            { details(model, send) }
                            { panels(model, send, false) }
                        }
                    </details>
                </div>
            </main>
        }
    }
}

fn leader_text(model: &Model) -> String {
    match model.view.leader {
        Some(b) => format!("Main Office: branch {b}"),
        None => "No Main Office: an election is under way".to_string(),
    }
}

/// An error or a notice about the run, if there is one.
fn said(model: &Model) -> Html {
    html! {
        <>
            if let Some(e) = &model.error {
                <p class="error" role="alert">{ e.clone() }</p>
            }
            if let Some(n) = &model.notice {
                <p class="notice" id="notice" role="status">{ n.to_string() }</p>
            }
        </>
    }
}

fn selected_branch(model: &Model) -> Option<NodeId> {
    match model.selection {
        Selection::Branch(b) => Some(b),
        _ => None,
    }
}

/// The run's own latency: the map labels links that differ.
fn latency(model: &Model) -> (u64, u64) {
    let sim = model.sim();
    let config = sim.config();
    (config.latency_min_ms, config.latency_max_ms)
}

/// The messages in flight and the branches in detail.
fn details(model: &Model, send: &Callback<Msg>) -> Html {
    let view = &model.view;
    let selected_message = match model.selection {
        Selection::Message(id) => Some(id),
        _ => None,
    };
    html! {
        <>
            <Messages view={view.clone()} shared={model.shared.clone()} selected={selected_message}
                message={model.message.clone()} send={send.clone()} />
            <Branches view={view.clone()} selected={selected_branch(model)} detail={model.detail.clone()}
                implicated={model.implicated.clone()} send={send.clone()} />
        </>
    }
}

/// The side column's panels: the desk, the checkers (an embed shows them elsewhere),
/// sharing, the network and the event log.
fn panels(model: &Model, send: &Callback<Msg>, checker: bool) -> Html {
    let view = &model.view;
    html! {
        <>
            <Desk view={view.clone()} implicated={model.implicated.clone()} retry={model.retry} send={send.clone()} />
            if checker { <Checker report={model.report.clone()} /> }
            if model.report.broken() > 0 {
                <ShrinkPanel link={model.run_link.clone()} now={view.now} send={send.clone()} />
            }
            <WhatIf link={model.run_link.clone()} now={view.now} send={send.clone()} />
            <Share address={model.address.clone()} hash={model.hash.clone()} now={view.now} copied={model.copied}
                send={send.clone()} />
            <Network view={view.clone()} link={model.link} send={send.clone()} />
            <EventLog lines={model.log.clone()} filter={model.log_filter.clone()} branches={view.branches.len()}
                send={send.clone()} />
        </>
    }
}

/// The title and the tagline.
fn header() -> Html {
    html! {
        <header class="top">
            <h1>{ "The Very Next Number" }</h1>
            <p class="tagline">
                { "Branches (replicas) hand out Numbers (sequence numbers) with no gap and no repeat, whatever the network does." }
            </p>
        </header>
    }
}
