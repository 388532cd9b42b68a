//! The event log: the core's trace lines (`<tick> <who> <verb> <detail>`), newest first,
//! filtered by text, branch and kind. Bounded twice: the core keeps the last
//! `TRACE_KEEP` lines, and the log shows the last `SHOWN` that match, as one text block
//! (one DOM node, however busy the cluster).

use crate::state::{Msg, TRACE_KEEP};
use crate::tracelog::LogFilter;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The trace's verbs, for the kind filter.
const VERBS: [&str; 11] =
    ["send", "deliver", "drop", "ask", "answer", "timeout", "note", "action", "kill", "restart", "full"];

#[derive(Properties, PartialEq)]
pub struct Props {
    /// `log_text` under `filter` (the model keeps both).
    pub lines: Rc<str>,
    pub filter: Rc<LogFilter>,
    pub branches: usize,
    pub send: Callback<Msg>,
}

#[function_component(EventLog)]
pub fn event_log(props: &Props) -> Html {
    let (lines, filter, branches, send) = (&props.lines, &props.filter, props.branches, &props.send);
    // Each field sends the whole filter with its own part changed.
    let change = |set: fn(&mut LogFilter, String)| {
        let filter = filter.clone();
        move |value: String| {
            let mut f = (*filter).clone();
            set(&mut f, value);
            Msg::FilterLog(f)
        }
    };
    let on_text = {
        let change = change(|f, v| f.text = v);
        send.reform(move |e: InputEvent| change(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_branch = {
        let change = change(|f, v| f.branch = v);
        send.reform(move |e: Event| change(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_verb = {
        let change = change(|f, v| f.verb = v);
        send.reform(move |e: Event| change(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let (branch, verb) = (&filter.branch, &filter.verb);
    html! {
        <section class="panel eventlog" aria-labelledby="log-title">
            <h2 id="log-title">{ "Event log" }</h2>
            <div class="row">
                <input type="search" aria-label="Filter the event log by text" placeholder="filter: c1-2, Append, term=3…" oninput={on_text} />
                <select aria-label="Only events of branch" onchange={on_branch}>
                    <option value="" selected={branch.is_empty()}>{ "all branches" }</option>
                    { for (0..branches).map(|i| { let b = ((b'A' + i as u8) as char).to_string(); html! { <option value={b.clone()} selected={*branch == b}>{ b }</option> } }) }
                </select>
                <select aria-label="Only events of kind" onchange={on_verb}>
                    <option value="" selected={verb.is_empty()}>{ "all kinds" }</option>
                    { for VERBS.iter().map(|v| html! { <option value={*v} selected={*verb == *v}>{ *v }</option> }) }
                </select>
            </div>
            <pre class="log" role="log" aria-label={format!("Latest events, newest first (of the last {TRACE_KEEP})")} tabindex="0">{ lines.to_string() }</pre>
        </section>
    }
}
