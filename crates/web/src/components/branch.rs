//! One branch on the map: a circle with its name, role, term and last Number. The Main
//! Office wears a thick gold ring and its title; a closed branch is grey; a branch cut off
//! from the majority is hatched and says "read-only"; a branch named by a broken invariant
//! is ringed in red. Clicking it (or Enter/Space) opens it in the inspector.

use super::{branch_status, role_name};
use crate::geometry::Point;
use crate::state::{Msg, Selection};
use nextnumber_core::replica::Role;
use nextnumber_core::view::BranchView;
use yew::prelude::*;

/// How one branch is drawn: where, how big, and how it stands.
pub struct Props<'a> {
    pub branch: &'a BranchView,
    pub at: Point,
    pub radius: i32,
    pub compact: bool,
    pub selected: bool,
    pub implicated: bool,
    pub send: &'a Callback<Msg>,
}

/// A plain function rather than a component: a component costs kilobytes of wasm each.
pub fn branch(props: Props) -> Html {
    let b = props.branch;
    let (x, y, r) = (props.at.x, props.at.y, props.radius);
    let leader = b.up && b.role == Role::Leader;
    let read_only = b.up && !b.reaches_majority;
    let class = classes!(
        "branch",
        leader.then_some("leader"),
        (b.up && b.role == Role::Candidate).then_some("candidate"),
        (!b.up).then_some("down"),
        read_only.then_some("read-only"),
        props.selected.then_some("selected"),
        props.implicated.then_some("implicated"),
    );
    // Text sizes follow the circle so nine branches stay legible. On a phone there are two
    // lines, larger: the role shows as the circle's style (gold ring, grey, hatched) and
    // in the status text.
    let (big, small) =
        if props.compact { (r * 3 / 5, (r * 9 / 25).max(30)) } else { ((r * 3 / 5).max(24), (r / 4).max(14)) };
    let role = if read_only { "read-only" } else { role_name(b) };
    let facts = if props.compact {
        format!("T{} · {}", b.term.0, b.last_number.0)
    } else {
        format!("T{} · No. {}", b.term.0, b.last_number.0)
    };
    let id = b.id;
    let select = props.send.reform(move |_: MouseEvent| Msg::Select(Selection::Branch(id)));
    let send = props.send.clone();
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            send.emit(Msg::Select(Selection::Branch(id)));
        }
    });
    let status = branch_status(b);
    let (cx, cy) = (x.to_string(), y.to_string());
    html! {
        <g key={id.to_string()} {class} role="button" tabindex="0" aria-label={status.clone()} aria-pressed={props.selected.to_string()}
            onclick={select} {onkeydown}>
            <title>{ status }</title>
            if props.implicated {
                <circle class="blame" cx={cx.clone()} cy={cy.clone()} r={(r + 22).to_string()} />
            }
            if leader {
                <circle class="crown" cx={cx.clone()} cy={cy.clone()} r={(r + 12).to_string()} />
            }
            <circle class="body" cx={cx.clone()} cy={cy.clone()} r={r.to_string()} />
            if read_only {
                <circle class="hatch" cx={cx.clone()} cy={cy.clone()} r={r.to_string()} />
            }
            <text class="name" x={cx.clone()} y={(y + if props.compact { r / 8 } else { -r / 8 }).to_string()} font-size={big.to_string()}>{ id.to_string() }</text>
            if props.compact {
                <text class="facts" x={cx} y={(y + r / 2).to_string()} font-size={small.to_string()}>{ facts }</text>
            } else {
                <text class="role" x={cx.clone()} y={(y + r * 3 / 10).to_string()} font-size={small.to_string()}>{ role }</text>
                <text class="facts" x={cx} y={(y + r * 3 / 10 + small + 4).to_string()} font-size={small.to_string()}>{ facts }</text>
            }
        </g>
    }
}
