//! The checker panel: every invariant, green while it holds, red with what broke it, when,
//! and which branches and requests were involved (those are also ringed on the map and
//! marked on the desk).

use super::{and_list, esc, fmt_ms, raw};
use crate::state::Verdict;
use std::fmt::Write;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub verdicts: Rc<Vec<Verdict>>,
}

/// The panel as a component of its own, to mount alone (the component tests). The page
/// calls `checker_panel` directly: each component costs kilobytes of wasm.
#[function_component(Checker)]
pub fn checker(props: &Props) -> Html {
    checker_panel(&props.verdicts)
}

/// The checker panel for these verdicts.
pub fn checker_panel(verdicts: &[Verdict]) -> Html {
    let broken = verdicts.iter().filter(|v| v.broken.is_some()).count();
    let summary = match broken {
        0 => "Every invariant holds.".to_string(),
        1 => "1 invariant is broken.".to_string(),
        k => format!("{k} invariants are broken."),
    };
    let mut rows = String::from("<ul>");
    for v in verdicts {
        let ok = v.broken.is_none();
        let _ = write!(
            rows,
            "<li class=\"{}\"><span class=\"mark\" aria-hidden=\"true\">{}</span><span class=\"code\">{}</span>\
             <span class=\"title\">{}<span class=\"sr-only\">{}</span></span>",
            if ok { "ok" } else { "broken" },
            if ok { "✓" } else { "✗" },
            v.invariant.code(),
            v.invariant.title(),
            if ok { ": holds" } else { ": broken" }
        );
        if let Some(b) = &v.broken {
            let when = b.tick.map(|t| format!("At t = {}: ", fmt_ms(t))).unwrap_or_default();
            let mut who = Vec::new();
            if !b.branches.is_empty() {
                who.push(format!("branch {}", and_list(&b.branches.iter().map(|x| x.to_string()).collect::<Vec<_>>())));
            }
            if !b.requests.is_empty() {
                who.push(format!(
                    "request {}",
                    and_list(&b.requests.iter().map(|x| x.to_string()).collect::<Vec<_>>())
                ));
            }
            let who = if who.is_empty() { String::new() } else { format!(" Involves {}.", who.join(" and ")) };
            let _ = write!(rows, "<span class=\"what\">{when}{}.{who}</span>", esc(&b.detail));
        }
        rows.push_str("</li>");
    }
    rows.push_str("</ul>");
    html! {
        <section class="panel checker" aria-labelledby="checker-title">
            <h2 id="checker-title">{ "Checkers" }</h2>
            <p class={if broken == 0 { "verdict ok" } else { "verdict broken" }} role="status">{ summary }</p>
            { raw(rows) }
        </section>
    }
}
