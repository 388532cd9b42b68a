//! Play, pause, step, speed, seed, number of branches, reset. Settings take effect on a
//! fresh run (Reset); a malformed seed is refused with a message, never a crash.

use crate::state::{Msg, SPEEDS};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub playing: bool,
    pub speed: u64,
    pub seed: u64,
    pub branches: usize,
    pub now: u64,
    pub send: Callback<Msg>,
}

#[function_component(Controls)]
pub fn controls(props: &Props) -> Html {
    let seed_input = use_node_ref();
    let seed_error = use_state(|| None::<String>);
    let send = &props.send;
    let playing = props.playing;
    let toggle = send.reform(move |_: MouseEvent| Msg::SetPlaying(!playing));
    let step = send.reform(|_: MouseEvent| Msg::Step);
    let speed = send.reform(|e: Event| {
        Msg::SetSpeed(e.target_unchecked_into::<HtmlSelectElement>().value().parse().unwrap_or(100))
    });
    let branches = {
        let seed = props.seed;
        send.reform(move |e: Event| Msg::Reset {
            seed,
            branches: e.target_unchecked_into::<HtmlSelectElement>().value().parse().unwrap_or(5),
        })
    };
    // Reset reads the seed box: the run starts over with whatever seed it holds.
    let reset = {
        let (send, input, error, n) = (send.clone(), seed_input.clone(), seed_error.clone(), props.branches);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = input.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            match text.trim().parse::<u64>() {
                Ok(seed) => {
                    error.set(None);
                    send.emit(Msg::Reset { seed, branches: n });
                }
                Err(_) => error.set(Some(format!(
                    "{:?} is not a seed: use a whole number from 0 to {}",
                    text.trim(),
                    u64::MAX
                ))),
            }
        })
    };
    let new_seed = {
        let (send, n, now, seed) = (props.send.clone(), props.branches, props.now, props.seed);
        // A new seed from the old one and the moment the button was pressed: different each time,
        // and still shown, so the run can be reproduced.
        send.reform(move |_: MouseEvent| Msg::Reset {
            seed: seed.wrapping_mul(6364136223846793005).wrapping_add(now | 1) % 1_000_000,
            branches: n,
        })
    };
    html! {
        <form class="controls" onsubmit={reset} aria-label="Simulation controls">
            <button type="button" class="primary" aria-label={if playing { "Pause" } else { "Play" }} onclick={toggle}>
                { if playing { "❚❚ Pause" } else { "▶ Play" } }
            </button>
            <button type="button" aria-label="Step" onclick={step}>{ "Step" }</button>
            <label>{ "Speed " }
                <select onchange={speed}>
                    { for SPEEDS.iter().map(|&(v, name)| html! { <option value={v.to_string()} selected={v == props.speed}>{ name }</option> }) }
                </select>
            </label>
            <label>{ "Branches " }
                <select onchange={branches} aria-label="Number of branches">
                    { for (1..=9usize).map(|k| html! { <option value={k.to_string()} selected={k == props.branches}>{ k.to_string() }</option> }) }
                </select>
            </label>
            <label>{ "Seed " }
                <input ref={seed_input} key={props.seed.to_string()} class="seed" inputmode="numeric" value={props.seed.to_string()}
                    aria-invalid={seed_error.is_some().to_string()} />
            </label>
            <button type="submit">{ "Reset" }</button>
            <button type="button" onclick={new_seed}>{ "New seed" }</button>
            if let Some(e) = &*seed_error {
                <p class="error" role="alert">{ e.clone() }</p>
            }
        </form>
    }
}
