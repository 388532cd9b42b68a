//! A model check's counterexample played on the map, one step at a time. The steps are the
//! run's own actions at the moment the check started from (state.rs, `Replay`), so the map,
//! the registers and every other panel draw each step as they draw any moment; this panel
//! only says which step is shown, in the words made from the step, and, after the last one,
//! which invariant the checkers now find broken.

use super::checker::broken_text;
use super::fmt_ms;
use crate::state::{Msg, Replay};
use nextnumber_core::report::{Judgement, Report};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub replay: Rc<Replay>,
    /// The checkers' report at the step shown.
    pub report: Rc<Report>,
    pub send: Callback<Msg>,
}

#[function_component(ReplayPanel)]
pub fn replay_panel(props: &Props) -> Html {
    let (r, send) = (&props.replay, &props.send);
    let (shown, total) = (r.shown, r.steps.len());
    let go = |to: usize| {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send.emit(Msg::ReplayTo(to)))
    };
    let said = match shown {
        0 => format!("At t = {}, before the first step.", fmt_ms(r.tick)),
        k => format!("Step {k} of {total}: {}.", r.steps[k - 1].1),
    };
    html! {
        <section class="panel replay" aria-labelledby="replay-title">
            <h2 id="replay-title">{ "A counterexample, step by step" }</h2>
            <p class="hint">
                { format!("Found by the model check from t = {}. Each step happens at that moment, one after the other, with no time passing: the map and every panel show the run after the steps taken so far.", fmt_ms(r.tick)) }
            </p>
            <ol class="steps">{ for r.steps.iter().enumerate().map(|(i, (_, words))| step(i, words, shown)) }</ol>
            <p class="said" role="status" aria-live="polite">{ said }</p>
            if shown == total { { outcome(&props.report) } }
            <div class="controls" role="group" aria-label="Counterexample steps">
                <button type="button" disabled={shown == 0} onclick={go(0)}>{ "First" }</button>
                <button type="button" disabled={shown == 0} onclick={go(shown.saturating_sub(1))}>{ "Back" }</button>
                <button type="button" disabled={shown == total} onclick={go(shown + 1)}>{ "Next step" }</button>
                <button type="button" disabled={shown == total} onclick={go(total)}>{ "Last" }</button>
            </div>
            <p class="muted">
                <a href={format!("#{}", r.link)}>{ "Link to this counterexample" }</a>
                { ": it opens here, and " }<code>{ "nextnumber run --link" }</code>{ " reproduces it." }
            </p>
        </section>
    }
}

/// One step in the list: taken, the one just taken, or still ahead.
fn step(i: usize, words: &str, shown: usize) -> Html {
    let class = classes!(if i < shown { "done" } else { "ahead" });
    let current = (i + 1 == shown).then_some("step");
    html! { <li {class} aria-current={current}>{ words.to_string() }</li> }
}

/// After the last step: what the checkers find broken, as their panel says it.
fn outcome(report: &Report) -> Html {
    let broken: Vec<String> = report
        .verdicts
        .iter()
        .filter_map(|v| match &v.judgement {
            Judgement::Broken(b) => {
                Some(format!("{} is broken ({}). {}", v.invariant.code(), v.invariant.title(), broken_text(b)))
            }
            _ => None,
        })
        .collect();
    if broken.is_empty() {
        return html! { <p class="verdict ok">{ "After the last step the checkers find nothing broken here." }</p> };
    }
    html! { <>{ for broken.into_iter().map(|b| html! { <p class="verdict broken">{ b }</p> }) }</> }
}
