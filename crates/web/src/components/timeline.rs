//! Time travel under the map: a scrubber over the whole run, a step back, and the jumps to
//! its start and end. The core's `Timeline` does the travelling (snapshots and replay); an
//! action taken at a past moment forks a new branch of history, and the page says so.

use super::{fmt_ms, Part};
use crate::state::Msg;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub now: u64,
    /// The furthest moment of this branch of history.
    pub end: u64,
    /// A jump still being replayed, to this tick (`Model::catch_up`).
    pub catch_up: Option<u64>,
    pub send: Callback<Msg>,
    /// In an embed: the scrubber (`Essentials`), or the jumps and what they did (`Rest`).
    #[prop_or_default]
    pub part: Part,
}

#[function_component(TimeTravel)]
pub fn time_travel(props: &Props) -> Html {
    let (now, send) = (props.now, &props.send);
    let end = props.end.max(now);
    let seek = |t: u64| {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send.emit(Msg::Seek(t)))
    };
    let on_input = {
        let send = send.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(t) = input.value().parse::<u64>() {
                send.emit(Msg::Seek(t));
            }
        })
    };
    let step_back = {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send.emit(Msg::StepBack))
    };
    let status = if let Some(to) = props.catch_up {
        format!("Replaying the run to {}… (now at {}; Pause stops here).", fmt_ms(to), fmt_ms(now))
    } else if now < end {
        format!(
            "Looking back at {} of {}. Play replays what was recorded; any action here starts a new branch of \
             history and drops what came after.",
            fmt_ms(now),
            fmt_ms(end)
        )
    } else {
        format!("At the latest moment of the run, {}.", fmt_ms(end))
    };
    let scrubber = html! {
        <input type="range" class="scrubber" min="0" max={end.to_string()} step="1" value={now.to_string()}
            aria-label="Moment of the run shown, in simulated milliseconds"
            aria-valuetext={format!("{} of {}", fmt_ms(now), fmt_ms(end))} oninput={on_input} />
    };
    if props.part == Part::Essentials {
        return scrubber;
    }
    html! {
        <div class="timetravel" role="group" aria-label="Time travel">
            if props.part == Part::Whole { { scrubber } }
            <div class="tt-buttons">
                <button type="button" onclick={seek(0)} disabled={now == 0}
                    aria-label="Jump to the start of the run">{ "« Start" }</button>
                <button type="button" onclick={step_back} disabled={now == 0}
                    aria-label="Step back to the previous event">{ "◀ Step back" }</button>
                <button type="button" onclick={seek(end)} disabled={now >= end}
                    aria-label="End: jump to the latest moment of the run">{ "End »" }</button>
            </div>
            <p class="tt-status" id="timeline-status" aria-live="polite">{ status }</p>
        </div>
    }
}
