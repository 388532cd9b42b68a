//! The checker panel: the core's one report (`nextnumber_core::report`), each invariant
//! green while it holds, red with what broke it, when, and which branches and requests were
//! involved (those are also ringed on the map and marked on the desk), or grey while the
//! run has given it nothing to judge: a check that could not fail is never shown as passing.

use super::{and_list, fmt_ms};
use nextnumber_core::check::Violation;
use nextnumber_core::report::{Judgement, Report, Verdict};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub report: Rc<Report>,
}

#[function_component(Checker)]
pub fn checker(props: &Props) -> Html {
    let report = &props.report;
    let (broken, unjudged) = (report.broken(), report.not_judged());
    let summary = match (broken, unjudged) {
        (0, 0) => "Every invariant holds.".to_string(),
        (0, k) => format!("Every invariant judged so far holds; {k} not judged yet."),
        (1, _) => "1 invariant is broken.".to_string(),
        (k, _) => format!("{k} invariants are broken."),
    };
    html! {
        <section class="panel checker" aria-labelledby="checker-title">
            <h2 id="checker-title">{ "Checkers" }</h2>
            <p class={classes!("verdict", if broken == 0 { "ok" } else { "broken" })} role="status">{ summary }</p>
            <ul>{ for report.verdicts.iter().map(line) }</ul>
        </section>
    }
}

/// One invariant: its mark, code and title, and what the judgement says.
fn line(v: &Verdict) -> Html {
    let (class, mark, said) = match &v.judgement {
        Judgement::Holds { .. } => ("ok", "✓", "holds"),
        Judgement::Broken(_) => ("broken", "✗", "broken"),
        Judgement::NotJudged(_) => ("unjudged", "–", "not judged yet"),
    };
    let what = match &v.judgement {
        Judgement::Holds { since: Some(t) } => {
            html! { <span class="what">{ format!("Holds since t = {}.", fmt_ms(*t)) }</span> }
        }
        Judgement::Holds { since: None } => Html::default(),
        Judgement::NotJudged(why) => html! { <span class="what">{ capitalized(why) }</span> },
        Judgement::Broken(b) => html! { <span class="what">{ broken_text(b) }</span> },
    };
    html! {
        <li key={v.invariant.code()} {class}>
            <span class="mark" aria-hidden="true">{ mark }</span>
            <span class="code">{ v.invariant.code() }</span>
            <span class="title">{ v.invariant.title() }<span class="sr-only">{ format!(": {said}") }</span></span>
            { what }
        </li>
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// "At t = 1234 ms: B issued Number 3 …. Involves branch B and request c1-1 and c2-1."
pub fn broken_text(b: &Violation) -> String {
    let when = b.tick.map(|t| format!("At t = {}: ", fmt_ms(t))).unwrap_or_default();
    let names = |items: Vec<String>| and_list(&items);
    let mut who = Vec::new();
    if !b.branches.is_empty() {
        who.push(format!("branch {}", names(b.branches.iter().map(|x| x.to_string()).collect())));
    }
    if !b.requests.is_empty() {
        who.push(format!("request {}", names(b.requests.iter().map(|x| x.to_string()).collect())));
    }
    let who = if who.is_empty() { String::new() } else { format!(" Involves {}.", who.join(" and ")) };
    format!("{when}{}.{who}", b.detail)
}
