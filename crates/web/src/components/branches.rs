//! Each branch's status in words, with its kill or restart button: the same facts as the
//! map, readable by screen readers and on a phone.

use super::branch_status;
use crate::state::{Msg, Snapshot};
use nextnumber_core::replica::Role;
use nextnumber_core::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Snapshot,
    pub send: Callback<Msg>,
}

#[function_component(BranchList)]
pub fn branch_list(props: &Props) -> Html {
    let rows = props.view.branches.iter().map(|b| {
        let id = b.id;
        let up = b.up;
        let onclick =
            props.send.reform(move |_: MouseEvent| Msg::Act(if up { Action::Kill(id) } else { Action::Restart(id) }));
        let (label, text) =
            if up { (format!("Kill branch {id}"), "Kill") } else { (format!("Restart branch {id}"), "Restart") };
        let class = classes!(
            "branch-row",
            (up && b.role == Role::Leader).then_some("leader"),
            (!up).then_some("down"),
            (up && !b.reaches_majority).then_some("read-only"),
        );
        html! {
            <li key={id.to_string()} {class}>
                <span class="status">{ branch_status(b) }</span>
                <button class={if up { "danger" } else { "" }} aria-label={label} {onclick}>{ text }</button>
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
