//! The checker panel: every invariant, green while it holds, red with what broke it.

use crate::state::Verdict;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub verdicts: Rc<Vec<Verdict>>,
}

#[function_component(Checker)]
pub fn checker(props: &Props) -> Html {
    let broken = props.verdicts.iter().filter(|v| v.broken.is_some()).count();
    let summary = match broken {
        0 => "Every invariant holds.".to_string(),
        1 => "1 invariant is broken.".to_string(),
        k => format!("{k} invariants are broken."),
    };
    let rows = props.verdicts.iter().map(|v| {
        let ok = v.broken.is_none();
        html! {
            <li key={v.invariant.code()} class={if ok { "ok" } else { "broken" }}>
                <span class="mark" aria-hidden="true">{ if ok { "✓" } else { "✗" } }</span>
                <span class="code">{ v.invariant.code() }</span>
                <span class="title">
                    { v.invariant.title() }
                    <span class="sr-only">{ if ok { ": holds" } else { ": broken" } }</span>
                </span>
                if let Some(what) = &v.broken {
                    <span class="what">{ what.clone() }</span>
                }
            </li>
        }
    });
    html! {
        <section class="panel checker" aria-labelledby="checker-title">
            <h2 id="checker-title">{ "Checkers" }</h2>
            <p class={if broken == 0 { "verdict ok" } else { "verdict broken" }} aria-live="polite">{ summary }</p>
            <ul>{ for rows }</ul>
        </section>
    }
}
