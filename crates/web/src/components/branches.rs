//! The branches in words, one row each with its status, Inspect and Kill or Restart; and the
//! branch inspector under the selected row: its durable state (term, vote, register), its
//! volatile state (role, commit, the leader it believes in, next/match indexes if it
//! leads), its RequestId table, and what can be done to it: force an election timeout,
//! isolate it, declare it the Main Office (a decree, with what it could achieve).

use super::{branch_status, fmt_ms, role_name};
use crate::state::{Implicated, Msg, Selection, Snap, Snapshot, DETAIL_ROWS};
use crate::text::waiting_text;
use nextnumber_core::msg::EntryKind;
use nextnumber_core::replica::Role;
use nextnumber_core::view::{BranchDetail, BranchView};
use nextnumber_core::{Action, NodeId};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Snapshot,
    pub selected: Option<NodeId>,
    /// The selected branch in full (its latest rows only).
    pub detail: Option<Snap<BranchDetail>>,
    pub implicated: Rc<Implicated>,
    pub send: Callback<Msg>,
}

#[function_component(Branches)]
pub fn branches(props: &Props) -> Html {
    html! {
        <section class="panel" aria-labelledby="branches-title">
            <h2 id="branches-title">{ "Branches" }</h2>
            <ul class="branch-list" id="branches">
                { for props.view.branches.iter().map(|b| row(b, props)) }
            </ul>
        </section>
    }
}

fn row(b: &BranchView, props: &Props) -> Html {
    let (id, up) = (b.id, b.up);
    let selected = props.selected == Some(id);
    let class = classes!(
        "branch-row",
        (up && b.role == Role::Leader).then_some("leader"),
        (!up).then_some("down"),
        (up && !b.reaches_majority).then_some("read-only"),
        props.implicated.branches.contains(&id).then_some("implicated"),
        selected.then_some("selected"),
    );
    let inspect = props.send.reform(move |_: MouseEvent| Msg::Select(Selection::Branch(id)));
    let (label, action) = if up { ("Kill", Action::Kill(id)) } else { ("Restart", Action::Restart(id)) };
    let fire = props.send.reform(move |_: MouseEvent| Msg::Act(action.clone()));
    html! {
        <li key={id.to_string()} {class}>
            <span class="status">{ branch_status(b) }</span>
            <span class="buttons">
                <button class="quiet" aria-expanded={selected.to_string()} aria-label={format!("Inspect branch {id}")}
                    onclick={inspect}>{ "Inspect" }</button>
                <button class={classes!(up.then_some("danger"))} aria-label={format!("{label} branch {id}")}
                    onclick={fire}>{ label }</button>
            </span>
            if let (true, Some(d)) = (selected, &props.detail) {
                <Detail detail={d.clone()} send={props.send.clone()} />
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct DetailProps {
    detail: Snap<BranchDetail>,
    send: Callback<Msg>,
}

/// The selected branch in full.
#[function_component(Detail)]
fn detail(props: &DetailProps) -> Html {
    let d = &props.detail;
    let b = &d.branch;
    let id = b.id;
    let opt = |o: Option<NodeId>| o.map_or("nobody".to_string(), |x| x.to_string());
    let act = |a: Action| props.send.reform(move |_: MouseEvent| Msg::Act(a.clone()));
    let waiting = waiting_text(&d.waiting);
    html! {
        <div class="detail" role="region" aria-label={format!("Branch {id} in detail")}>
            <div class="row">
                <button onclick={act(Action::Timeout(id))} disabled={!b.up}>
                    { format!("Force election timeout at branch {id}") }
                </button>
                <button class="quiet" onclick={act(Action::Isolate(id))}>{ format!("Isolate branch {id}") }</button>
                <button class="quiet" onclick={act(Action::Decree(id))} disabled={!b.up}>
                    { format!("Declare {id} the Main Office") }
                </button>
            </div>
            // What the higher authority's last decree could achieve: the core's verdict.
            <p class="decree" role="status">
                if let Some((t, verdict)) = &d.decree { { format!("Decree at {}: {verdict}", fmt_ms(*t)) } }
            </p>
            <dl class="facts">
                <dt>{ "Durable (survives a fire)" }</dt>
                <dd>{ format!("term {}, voted for {}, register of {} entries", b.term.0, opt(b.voted_for), b.log_len) }</dd>
                <dt>{ "Volatile (lost in a fire)" }</dt>
                <dd>{ format!(
                    "{}, commit index {}, applied {}, believes the Main Office is {}, last heard from a Main Office at {}",
                    role_name(b), b.commit.0, d.applied, opt(b.leader), fmt_ms(d.last_leader_contact)
                ) }</dd>
                if !d.waiting.is_empty() {
                    <dt>{ "Customers waiting for a quorum" }</dt>
                    <dd>{ waiting }</dd>
                }
            </dl>
            if !d.peers.is_empty() {
                <table class="grid">
                    <caption>{ "What it knows of each branch's register" }</caption>
                    <thead><tr><th>{ "branch" }</th><th>{ "next index" }</th><th>{ "match index" }</th></tr></thead>
                    <tbody>
                        { for d.peers.iter().map(|p| html! {
                            <tr><td>{ p.branch.to_string() }</td><td>{ p.next_index }</td><td>{ p.match_index }</td></tr>
                        }) }
                    </tbody>
                </table>
            }
            { register(d) }
            <div class="scroll" tabindex="0">
                <table class="grid">
                    <caption>{ format!("RequestId table, newest first{}", shown(d.table_len)) }</caption>
                    <thead><tr><th>{ "RequestId" }</th><th>{ "Number" }</th></tr></thead>
                    <tbody>
                        { for d.table.iter().rev().map(|(r, n)| html! { <tr><td>{ r.to_string() }</td><td>{ *n }</td></tr> }) }
                    </tbody>
                </table>
            </div>
        </div>
    }
}

/// " (latest 40 of 95)" when only the latest rows are shown.
fn shown(len: usize) -> String {
    if len > DETAIL_ROWS {
        format!(" (latest {DETAIL_ROWS} of {len})")
    } else {
        String::new()
    }
}

/// The branch's register (log), newest first; uncommitted entries in grey italics.
fn register(d: &BranchDetail) -> Html {
    let commit = d.branch.commit.0;
    let rows = d.log.iter().rev().map(|(i, e, number)| {
        let committed = *i <= commit;
        let (entry, who) = match e.kind {
            EntryKind::Noop => ("no-op", String::new()),
            EntryKind::Issue(r) => ("issue", r.to_string()),
            EntryKind::IssueAtDoor(r, n) => ("stamped at the door", format!("{r} (No. {})", n.0)),
        };
        let number = match (number, e.kind.request()) {
            (Some(n), _) => n.to_string(),
            (None, Some(_)) if *i <= d.applied => "repeat: no new Number".to_string(),
            (None, _) if !committed => "not committed".to_string(),
            (None, _) => String::new(),
        };
        html! {
            <tr class={classes!((!committed).then_some("uncommitted"))}>
                <td>{ *i }</td><td>{ e.term.0 }</td><td>{ entry }</td><td>{ who }</td><td>{ number }</td>
            </tr>
        }
    });
    html! {
        <div class="scroll" tabindex="0">
            <table class="grid log">
                <caption>{ format!("Register (log), newest first{}", shown(d.branch.log_len as usize)) }</caption>
                <thead><tr><th>{ "index" }</th><th>{ "term" }</th><th>{ "entry" }</th><th>{ "request" }</th><th>{ "Number" }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}
