//! The branches in words, one row each with its status, and the branch inspector: the
//! selected branch's durable state (term, vote, register), volatile state (role, commit,
//! the leader it believes in, next/match indexes if it leads), its RequestId table, and
//! what can be done to it: kill, restart, force an election timeout, isolate.

use super::{branch_status, fmt_ms, role_name};
use crate::state::{Implicated, Msg, Selection, Snap, Snapshot, DETAIL_ROWS};
use nextnumber_core::msg::EntryKind;
use nextnumber_core::replica::Role;
use nextnumber_core::view::BranchDetail;
use nextnumber_core::{Action, NodeId};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Snapshot,
    pub selected: Option<NodeId>,
    pub detail: Option<Snap<BranchDetail>>,
    pub implicated: Rc<Implicated>,
    pub send: Callback<Msg>,
}

fn detail_html(d: &BranchDetail, send: &Callback<Msg>) -> Html {
    let b = &d.branch;
    let id = b.id;
    let timeout = send.reform(move |_: MouseEvent| Msg::Act(Action::Timeout(id)));
    let isolate = send.reform(move |_: MouseEvent| Msg::Act(Action::Isolate(id)));
    let opt = |o: Option<NodeId>| o.map_or("nobody".to_string(), |x| x.to_string());
    let log = d.log.iter().rev().map(|(i, e, number)| {
        let (entry, who) = match e.kind {
            EntryKind::Noop => ("no-op".to_string(), String::new()),
            EntryKind::Issue(r) => ("issue".to_string(), r.to_string()),
        };
        let committed = *i <= b.commit.0;
        html! {
            <tr key={i.to_string()} class={classes!((!committed).then_some("uncommitted"))}>
                <td>{ i.to_string() }</td><td>{ e.term.0.to_string() }</td><td>{ entry }</td><td>{ who }</td>
                <td>{ number.map_or(if committed { "" } else { "not committed" }.to_string(), |n| n.to_string()) }</td>
            </tr>
        }
    });
    let peers = d.peers.iter().map(|p| {
        html! { <tr key={p.branch.to_string()}><td>{ p.branch.to_string() }</td><td>{ p.next_index.to_string() }</td><td>{ p.match_index.to_string() }</td></tr> }
    });
    let table = d
        .table
        .iter()
        .rev()
        .map(|(r, n)| html! { <tr key={r.to_string()}><td>{ r.to_string() }</td><td>{ n.to_string() }</td></tr> });
    let shown_log = if b.log_len as usize > DETAIL_ROWS {
        format!(" (latest {DETAIL_ROWS} of {})", b.log_len)
    } else {
        String::new()
    };
    let shown_table =
        if d.table_len > DETAIL_ROWS { format!(" (latest {DETAIL_ROWS} of {})", d.table_len) } else { String::new() };
    html! {
        <div class="detail" aria-label={format!("Branch {id} in detail")} role="region">
            <div class="row">
                <button onclick={timeout} disabled={!b.up}>{ format!("Force election timeout at branch {id}") }</button>
                <button class="quiet" onclick={isolate}>{ format!("Isolate branch {id}") }</button>
            </div>
            <dl class="facts">
                <dt>{ "Durable (survives a fire)" }</dt>
                <dd>{ format!("term {}, voted for {}, register of {} entries", b.term.0, opt(b.voted_for), b.log_len) }</dd>
                <dt>{ "Volatile (lost in a fire)" }</dt>
                <dd>{ format!("{}, commit index {}, applied {}, believes the Main Office is {}, last heard from a Main Office at {}",
                    role_name(b), b.commit.0, d.applied, opt(b.leader), fmt_ms(d.last_leader_contact)) }</dd>
                if !d.waiting.is_empty() {
                    <dt>{ "Customers waiting for a quorum" }</dt>
                    <dd>{ d.waiting.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", ") }</dd>
                }
            </dl>
            if b.up && b.role == Role::Leader {
                <table class="grid"><caption>{ "What it knows of each branch's register" }</caption>
                    <thead><tr><th>{ "branch" }</th><th>{ "next index" }</th><th>{ "match index" }</th></tr></thead>
                    <tbody>{ for peers }</tbody>
                </table>
            }
            <table class="grid log"><caption>{ format!("Register (log), newest first{shown_log}") }</caption>
                <thead><tr><th>{ "index" }</th><th>{ "term" }</th><th>{ "entry" }</th><th>{ "request" }</th><th>{ "Number" }</th></tr></thead>
                <tbody>{ for log }</tbody>
            </table>
            <table class="grid"><caption>{ format!("RequestId table, newest first{shown_table}") }</caption>
                <thead><tr><th>{ "RequestId" }</th><th>{ "Number" }</th></tr></thead>
                <tbody>{ for table }</tbody>
            </table>
        </div>
    }
}

#[function_component(Inspector)]
pub fn inspector(props: &Props) -> Html {
    let rows = props.view.branches.iter().map(|b| {
        let id = b.id;
        let up = b.up;
        let selected = props.selected == Some(id);
        let life = props.send.reform(move |_: MouseEvent| Msg::Act(if up { Action::Kill(id) } else { Action::Restart(id) }));
        let inspect = props.send.reform(move |_: MouseEvent| Msg::Select(Selection::Branch(id)));
        let (label, text) = if up { (format!("Kill branch {id}"), "Kill") } else { (format!("Restart branch {id}"), "Restart") };
        let class = classes!(
            "branch-row",
            (up && b.role == Role::Leader).then_some("leader"),
            (!up).then_some("down"),
            (up && !b.reaches_majority).then_some("read-only"),
            props.implicated.branches.contains(&id).then_some("implicated"),
            selected.then_some("selected"),
        );
        html! {
            <li key={id.to_string()} {class}>
                <span class="status">{ branch_status(b) }</span>
                <span class="buttons">
                    <button class="quiet" aria-expanded={selected.to_string()} aria-label={format!("Inspect branch {id}")} onclick={inspect}>{ "Inspect" }</button>
                    <button class={if up { "danger" } else { "" }} aria-label={label} onclick={life}>{ text }</button>
                </span>
                if selected {
                    if let Some(d) = &props.detail { { detail_html(d, &props.send) } }
                }
            </li>
        }
    });
    html! {
        <section class="panel" aria-labelledby="branches-title">
            <h2 id="branches-title">{ "Branches" }</h2>
            <ul class="branch-list" id="branches">{ for rows }</ul>
        </section>
    }
}
