//! The whole page: lays out the components and runs the play loop. It owns no protocol
//! state: the model holds the simulation, the components draw its view.

use crate::components::{branches::BranchList, checker::Checker, controls::Controls, desk::Desk, map::ClusterMap};
use crate::state::{Model, Msg};
use gloo_timers::callback::Interval;
use yew::prelude::*;

/// Real milliseconds between two frames while playing.
const FRAME_MS: u32 = 40;
const FIRST_SEED: u64 = 1;
const FIRST_BRANCHES: usize = 5;

#[function_component(App)]
pub fn app() -> Html {
    let model = use_reducer(|| Model::new(FIRST_SEED, FIRST_BRANCHES).expect("the default config is valid"));
    let send: Callback<Msg> = {
        let dispatcher = model.dispatcher();
        Callback::from(move |msg| dispatcher.dispatch(msg))
    };

    // While playing, time moves on every frame; pausing drops the interval.
    {
        let send = send.clone();
        use_effect_with(model.playing, move |&playing| {
            let interval =
                playing.then(|| Interval::new(FRAME_MS, move || send.emit(Msg::Frame { real_ms: FRAME_MS as u64 })));
            move || drop(interval)
        });
    }

    let leader_text = match model.leader {
        Some(b) => format!("Main Office: branch {}", (b'A' + b) as char),
        None => "No Main Office: an election is under way".to_string(),
    };

    html! {
        <div class="page">
            <header class="top">
                <h1>{ "The Very Next Number" }</h1>
                <p class="tagline">
                    { "Branches (replicas) hand out Numbers (sequence numbers) with no gap and no repeat, whatever the network does." }
                </p>
            </header>
            <main class="layout">
                <section class="stage" aria-label="Cluster">
                    <Controls
                        playing={model.playing}
                        speed={model.speed}
                        seed={model.seed}
                        branches={model.branches}
                        now={model.view.now}
                        send={send.clone()}
                    />
                    <p class="leader" aria-live="polite">{ leader_text }</p>
                    if let Some(e) = &model.error {
                        <p class="error" role="alert">{ e.clone() }</p>
                    }
                    <ClusterMap view={model.view.clone()} send={send.clone()} />
                </section>
                <aside class="side">
                    <Desk view={model.view.clone()} send={send.clone()} />
                    <BranchList view={model.view.clone()} send={send.clone()} />
                    <Checker verdicts={model.verdicts.clone()} />
                </aside>
            </main>
        </div>
    }
}
