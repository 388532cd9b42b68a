//! The checker panel: the core's one report (`nextnumber_core::report`), each invariant
//! green while it holds, red with what broke it, when, and which branches and requests were
//! involved (those are also ringed on the map and marked on the desk), or grey while the
//! run has given it nothing to judge: a check that could not fail is never shown as passing.
//!
//! An embed shows the same report as a strip of badges (`CheckerStrip`), one per invariant,
//! with the first broken one named in words; the panel itself is one click away.

use super::{and_list, fmt_ms};
use nextnumber_core::check::Violation;
use nextnumber_core::report::{Judgement, Report, Verdict};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub report: Rc<Report>,
}

/// The report in one sentence.
fn summary(report: &Report) -> String {
    match (report.broken(), report.not_judged()) {
        (0, 0) => "Every invariant holds.".to_string(),
        (0, k) => format!("Every invariant judged so far holds; {k} not judged yet."),
        (1, _) => "1 invariant is broken.".to_string(),
        (k, _) => format!("{k} invariants are broken."),
    }
}

/// How a judgement is shown: its class, its mark (colour is never the only sign) and its
/// word for screen readers.
fn standing(j: &Judgement) -> (&'static str, &'static str, &'static str) {
    match j {
        Judgement::Holds { .. } => ("ok", "✓", "holds"),
        Judgement::Broken(_) => ("broken", "✗", "broken"),
        Judgement::NotJudged(_) => ("unjudged", "–", "not judged yet"),
    }
}

#[function_component(Checker)]
pub fn checker(props: &Props) -> Html {
    let report = &props.report;
    let broken = report.broken();
    html! {
        <section class="panel checker" aria-labelledby="checker-title">
            <h2 id="checker-title">{ "Checkers" }</h2>
            <p class={classes!("verdict", if broken == 0 { "ok" } else { "broken" })} role="status">{ summary(report) }</p>
            <ul>{ for report.verdicts.iter().map(line) }</ul>
        </section>
    }
}

/// The checkers in one line, for an embed: a badge per invariant (its mark and code, its
/// title and standing for screen readers and as a tooltip), then the first broken one in
/// words, or the summary while none is.
#[function_component(CheckerStrip)]
pub fn checker_strip(props: &Props) -> Html {
    let report = &props.report;
    let first_broken = report.verdicts.iter().find_map(|v| match &v.judgement {
        Judgement::Broken(b) => Some((v, b)),
        _ => None,
    });
    let said = match first_broken {
        Some((v, b)) => {
            format!("{} is broken ({}). {}", v.invariant.code(), v.invariant.title(), broken_text(b))
        }
        None => summary(report),
    };
    let class = classes!("said", if first_broken.is_some() { "broken" } else { "ok" });
    html! {
        <section class="checker-strip" aria-label="Checkers at a glance">
            <ul class="badges">{ for report.verdicts.iter().map(badge) }</ul>
            <p {class} role="status" title={said.clone()}>{ said }</p>
        </section>
    }
}

/// One invariant as a badge: "✓ I1", with "I1 unique: no Number given twice: holds" as its
/// name. Long codes (election-safety) show as their initials (ES).
fn badge(v: &Verdict) -> Html {
    let (class, mark, said) = standing(&v.judgement);
    let code = v.invariant.code();
    let short: String = if code.len() <= 3 {
        code.to_string()
    } else {
        code.split('-').filter_map(|w| w.chars().next()).flat_map(char::to_uppercase).collect()
    };
    let name = format!("{code} {}: {said}", v.invariant.title());
    html! {
        <li key={code} class={classes!("badge", class)} title={name.clone()}>
            <span class="mark" aria-hidden="true">{ mark }</span>
            <span aria-hidden="true">{ short }</span>
            <span class="sr-only">{ name }</span>
        </li>
    }
}

/// One invariant: its mark, code and title, and what the judgement says.
fn line(v: &Verdict) -> Html {
    let (class, mark, said) = standing(&v.judgement);
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
