//! Play, pause, step, speed; and the run's settings: seed, number of branches, network,
//! the unsafe variants. Settings start the run over; anything malformed is refused with a
//! message on the page (the core's own words where it has them), never a crash.

use super::{fmt_ms, preset_label, Part};
use crate::state::{Msg, Settings, SPEEDS};
use nextnumber_core::config::{RequestPath, Variant, ALL_PRESETS, ALL_VARIANTS};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub playing: bool,
    pub speed: u64,
    pub settings: Rc<Settings>,
    pub now: u64,
    /// The simulation could not keep up with the speed asked for.
    pub behind: bool,
    pub send: Callback<Msg>,
    /// In an embed: play, step and the clock (`Essentials`), or the speed and the run's
    /// settings (`Rest`).
    #[prop_or_default]
    pub part: Part,
}

fn variant_label(v: Variant) -> &'static str {
    match v {
        Variant::NoQuorum => "No quorum: a lone branch issues Numbers",
        Variant::NoDedup => "No dedup: retries get new Numbers",
        Variant::VolatileVote => "Volatile vote: votes forgotten in a fire",
        Variant::NumberAtTheDoor => "Number at the door: stamped on arrival, filed later",
        Variant::ObeyDecree => "Obey decrees: a declared Main Office leads without votes",
        // The canaries exist only where a test build of the workspace turns the core's
        // `canary` feature on (cargo unifies features); the page never offers them.
        #[allow(unreachable_patterns)]
        other => other.name(),
    }
}

/// The run's network in words: its preset's name, or the latency of its own.
fn network_name(s: &Settings) -> String {
    match s.network {
        Some(p) => p.name().to_string(),
        None => {
            let (min, max) = (s.base.latency_min_ms, s.base.latency_max_ms);
            let latency = if min == max { fmt_ms(min) } else { format!("{}–{}", fmt_ms(min), fmt_ms(max)) };
            format!("its own network ({latency})")
        }
    }
}

/// The settings the form holds now, or what is wrong with them.
fn read_form(seed: &NodeRef, branches: &NodeRef, base: &Settings) -> Result<Settings, String> {
    let value = |r: &NodeRef| r.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
    let (seed, branches) = (value(seed), value(branches));
    let seed = seed
        .trim()
        .parse::<u64>()
        .map_err(|_| format!("{:?} is not a seed: use a whole number from 0 to {}", seed.trim(), u64::MAX))?;
    let branches = branches
        .trim()
        .parse::<usize>()
        .map_err(|_| format!("{:?} is not a number of branches: use a whole number from 1 to 9", branches.trim()))?;
    Ok(Settings { seed, branches, ..base.clone() })
}

/// The seed and branch-count boxes. They are left to the user between runs (a re-render
/// must not undo typing): they are filled in only when a run starts.
#[hook]
fn use_run_boxes(seed: u64, branches: usize) -> (NodeRef, NodeRef) {
    let seed_input = use_node_ref();
    let branches_input = use_node_ref();
    {
        let (seed_box, branches_box) = (seed_input.clone(), branches_input.clone());
        use_effect_with((seed, branches), move |&(s, n)| {
            for (r, v) in [(seed_box, s.to_string()), (branches_box, n.to_string())] {
                if let Some(i) = r.cast::<HtmlInputElement>() {
                    i.set_value(&v);
                }
            }
        });
    }
    (seed_input, branches_input)
}

/// Play or pause, and one step.
fn playback(playing: bool, send: &Callback<Msg>) -> Html {
    let (label, text) = if playing { ("Pause", "❚❚ Pause") } else { ("Play", "▶ Play") };
    let toggle = send.reform(move |_: MouseEvent| Msg::SetPlaying(!playing));
    let step = send.reform(|_: MouseEvent| Msg::Step);
    html! {
        <>
            <button type="button" class="primary" aria-label={label} onclick={toggle}>{ text }</button>
            <button type="button" aria-label="Step" onclick={step}>{ "Step" }</button>
        </>
    }
}

/// The speed of play.
fn speed_picker(speed: u64, send: &Callback<Msg>) -> Html {
    let pick = send.reform(|e: Event| {
        let i = e.target_unchecked_into::<HtmlSelectElement>().selected_index().max(0) as usize;
        Msg::SetSpeed(SPEEDS[i.min(SPEEDS.len() - 1)].0)
    });
    html! {
        <label><span class="lbl">{ "Speed " }</span>
            <select onchange={pick}>
                { for SPEEDS.iter().map(|&(v, name)| html! { <option key={v} selected={v == speed}>{ name }</option> }) }
            </select>
        </label>
    }
}

/// Simulated time, and whether the simulation keeps up.
fn clock(now: u64, behind: bool) -> Html {
    html! {
        <span class="clock" aria-label="Simulated time">
            { format!("t = {}", fmt_ms(now)) }
            if behind { <small>{ " (as fast as it can)" }</small> }
        </span>
    }
}

/// What the chosen request path does, in a sentence (issue 12).
fn path_hint(path: RequestPath) -> &'static str {
    match path {
        RequestPath::Forward => {
            "Forward: the Main Office counts the filings and sends the answer back to the customer's branch."
        }
        RequestPath::Direct => {
            "Direct: every branch that files a request also confirms it to the customer's branch, which answers on a majority: one trip sooner."
        }
    }
}

/// Playback and the run's settings.
#[function_component(Controls)]
pub fn controls(props: &Props) -> Html {
    let (seed_input, branches_input) = use_run_boxes(props.settings.seed, props.settings.branches);
    let send = &props.send;
    let playing = props.playing;
    // Every settings change reads the whole form, so a typed seed is never lost.
    let restart = {
        let (send, seed, branches, base) =
            (send.clone(), seed_input.clone(), branches_input.clone(), props.settings.clone());
        move |change: &dyn Fn(&mut Settings)| match read_form(&seed, &branches, &base) {
            Ok(mut s) => {
                change(&mut s);
                send.emit(Msg::Reset(s))
            }
            Err(e) => send.emit(Msg::Refused(e)),
        }
    };
    let reset = {
        let restart = restart.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            restart(&|_| {});
        })
    };
    let new_seed = {
        let (restart, now, seed) = (restart.clone(), props.now, props.settings.seed);
        // A new seed from the old one and the moment the button was pressed: different each
        // time, and shown, so the run can be reproduced.
        Callback::from(move |_: MouseEvent| {
            let next = seed.wrapping_mul(6364136223846793005).wrapping_add(now | 1) % 1_000_000;
            restart(&move |s: &mut Settings| s.seed = next);
        })
    };
    let own = props.settings.network.is_none();
    let network = {
        let restart = restart.clone();
        Callback::from(move |e: Event| {
            let i = e.target_unchecked_into::<HtmlSelectElement>().selected_index().max(0) as usize;
            // A run with a network of its own lists it first.
            let preset = if own { i.checked_sub(1) } else { Some(i) };
            restart(&move |s: &mut Settings| s.network = preset.map(|i| ALL_PRESETS[i.min(ALL_PRESETS.len() - 1)]));
        })
    };
    let path = {
        let restart = restart.clone();
        Callback::from(move |e: Event| {
            let direct = e.target_unchecked_into::<HtmlSelectElement>().selected_index() == 1;
            restart(&move |s: &mut Settings| s.path = if direct { RequestPath::Direct } else { RequestPath::Forward });
        })
    };
    let variants = ALL_VARIANTS.iter().map(|&v| {
        let on = props.settings.variants.contains(&v);
        let restart = restart.clone();
        let onchange = Callback::from(move |_: Event| {
            restart(&move |s: &mut Settings| {
                s.variants.retain(|x| *x != v);
                if !on {
                    s.variants.push(v);
                }
            })
        });
        html! {
            <label class="check unsafe" key={v.name()}>
                <input type="checkbox" checked={on} {onchange} />
                { variant_label(v) }
            </label>
        }
    });
    let (part, behind) = (props.part, props.behind && playing);
    if part == Part::Essentials {
        // The embed lays these out in one row with the scrubber (app.rs).
        return html! { <>{ playback(playing, send) }{ clock(props.now, behind) }</> };
    }
    let s = &props.settings;
    let path_note = if s.path.is_forward() { "" } else { ", path direct" };
    let unsafe_note = match s.variants.as_slice() {
        [] => String::new(),
        vs => format!(", UNSAFE: {}", vs.iter().map(|v| v.name()).collect::<Vec<_>>().join(", ")),
    };
    html! {
        <div class="controls-wrap">
            if part == Part::Whole {
                <div class="controls" role="group" aria-label="Playback">
                    { playback(playing, send) }
                    { speed_picker(props.speed, send) }
                    { clock(props.now, behind) }
                </div>
            } else {
                <div class="controls">{ speed_picker(props.speed, send) }</div>
            }
            <details class="settings">
                <summary>{ format!("Run settings: seed {}, {} branches, {}{path_note}{unsafe_note}", s.seed, s.branches, network_name(s)) }</summary>
                <form class="controls" onsubmit={reset} aria-label="Run settings">
                    <label>{ "Seed " }
                        <input ref={seed_input} class="seed" inputmode="numeric" />
                    </label>
                    <label>{ "Branches " }
                        <input ref={branches_input} class="count" type="text" inputmode="numeric" aria-label="Number of branches" />
                    </label>
                    <button type="submit">{ "Reset" }</button>
                    <button type="button" onclick={new_seed}>{ "New seed" }</button>
                    <label>{ "Network " }
                        <select onchange={network} aria-label="Network of the run (every link, with timeouts to suit)">
                            if own { <option selected=true>{ network_name(s) }</option> }
                            { for ALL_PRESETS.iter().map(|&p| html! { <option selected={Some(p) == s.network}>{ preset_label(p) }</option> }) }
                        </select>
                    </label>
                    <label>{ "Request path " }
                        <select onchange={path} aria-label="How a request for a Number travels" aria-describedby="path-hint">
                            <option selected={s.path.is_forward()}>{ "forward" }</option>
                            <option selected={!s.path.is_forward()}>{ "direct" }</option>
                        </select>
                    </label>
                    <p id="path-hint" class="hint">{ path_hint(s.path) }</p>
                    <fieldset class="variants">
                        <legend>{ "Unsafe variants (each starts the run over)" }</legend>
                        { for variants }
                    </fieldset>
                </form>
            </details>
        </div>
    }
}
