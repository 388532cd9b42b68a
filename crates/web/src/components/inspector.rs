//! The branches in words, one row each with its status, and the branch inspector: the
//! selected branch's durable state (term, vote, register), volatile state (role, commit,
//! the leader it believes in, next/match indexes if it leads), its RequestId table, and
//! what can be done to it: kill, restart, force an election timeout, isolate.

use super::{fmt_ms, raw, role_name};
use crate::state::{Implicated, Snapshot, DETAIL_ROWS};
use nextnumber_core::msg::EntryKind;
use nextnumber_core::view::BranchDetail;
use nextnumber_core::NodeId;
use std::fmt::Write;
use yew::prelude::*;

/// The selected branch in full, as markup (read-only but for its buttons, which carry
/// their action as `data-act`).
fn detail_markup(d: &BranchDetail) -> String {
    let b = &d.branch;
    let id = b.id;
    let opt = |o: Option<NodeId>| o.map_or("nobody".to_string(), |x| x.to_string());
    let mut h = String::with_capacity(4_096);
    let _ = write!(
        h,
        "<div class=\"row\"><button data-act=\"timeout {id}\"{}>Force election timeout at branch {id}</button>\
         <button class=\"quiet\" data-act=\"isolate {id}\">Isolate branch {id}</button></div>\
         <dl class=\"facts\"><dt>Durable (survives a fire)</dt><dd>term {}, voted for {}, register of {} entries</dd>\
         <dt>Volatile (lost in a fire)</dt><dd>{}, commit index {}, applied {}, believes the Main Office is {}, \
         last heard from a Main Office at {}</dd>",
        if b.up { "" } else { " disabled" },
        b.term.0,
        opt(b.voted_for),
        b.log_len,
        role_name(b),
        b.commit.0,
        d.applied,
        opt(b.leader),
        fmt_ms(d.last_leader_contact)
    );
    if !d.waiting.is_empty() {
        let waiting: Vec<String> = d.waiting.iter().map(|r| r.to_string()).collect();
        let _ = write!(h, "<dt>Customers waiting for a quorum</dt><dd>{}</dd>", waiting.join(", "));
    }
    h.push_str("</dl>");
    if !d.peers.is_empty() {
        h.push_str(
            "<table class=\"grid\"><caption>What it knows of each branch's register</caption>\
             <thead><tr><th>branch</th><th>next index</th><th>match index</th></tr></thead><tbody>",
        );
        for p in &d.peers {
            let _ = write!(h, "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", p.branch, p.next_index, p.match_index);
        }
        h.push_str("</tbody></table>");
    }
    let shown =
        |len: usize| if len > DETAIL_ROWS { format!(" (latest {DETAIL_ROWS} of {len})") } else { String::new() };
    let _ = write!(
        h,
        "<div class=\"scroll\" tabindex=\"0\"><table class=\"grid log\"><caption>Register (log), newest first{}</caption>\
         <thead><tr><th>index</th><th>term</th><th>entry</th><th>request</th><th>Number</th></tr></thead><tbody>",
        shown(b.log_len as usize)
    );
    for (i, e, number) in d.log.iter().rev() {
        let committed = *i <= b.commit.0;
        let (entry, who) = match e.kind {
            EntryKind::Noop => ("no-op", String::new()),
            EntryKind::Issue(r) => ("issue", r.to_string()),
        };
        let number = number.map_or(if committed { String::new() } else { "not committed".into() }, |n| n.to_string());
        let class = if committed { "" } else { " class=\"uncommitted\"" };
        let _ = write!(
            h,
            "<tr{class}><td>{i}</td><td>{}</td><td>{entry}</td><td>{who}</td><td>{number}</td></tr>",
            e.term.0
        );
    }
    let _ = write!(
        h,
        "</tbody></table></div><div class=\"scroll\" tabindex=\"0\"><table class=\"grid\"><caption>RequestId table, newest first{}</caption>\
         <thead><tr><th>RequestId</th><th>Number</th></tr></thead><tbody>",
        shown(d.table_len)
    );
    for (r, n) in d.table.iter().rev() {
        let _ = write!(h, "<tr><td>{r}</td><td>{n}</td></tr>");
    }
    h.push_str("</tbody></table></div>");
    h
}

/// The branch list (markup.rs) with the selected branch in detail.
pub fn inspector(
    view: &Snapshot,
    selected: Option<NodeId>,
    detail: Option<&BranchDetail>,
    implicated: &Implicated,
) -> Html {
    let detail = detail.map(detail_markup).unwrap_or_default();
    html! {
        <section class="panel" aria-labelledby="branches-title">
            <h2 id="branches-title">{ "Branches" }</h2>
            { raw(crate::markup::branch_list(view, implicated, Some((selected, &detail)))) }
        </section>
    }
}
