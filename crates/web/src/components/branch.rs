//! One branch on the map: a circle with its name, role, term and last Number. The Main
//! Office wears a thick gold ring and its title; a closed branch is grey; a branch cut off
//! from the majority is hatched and says "read-only".

use super::{branch_status, role_name};
use crate::geometry::Point;
use crate::state::Snapshot;
use nextnumber_core::replica::Role;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Snapshot,
    pub index: usize,
    pub at: Point,
    pub radius: i32,
}

#[function_component(Branch)]
pub fn branch(props: &Props) -> Html {
    let b = &props.view.branches[props.index];
    let (x, y, r) = (props.at.x, props.at.y, props.radius);
    let leader = b.up && b.role == Role::Leader;
    let read_only = b.up && !b.reaches_majority;
    let class = classes!(
        "branch",
        leader.then_some("leader"),
        (b.up && b.role == Role::Candidate).then_some("candidate"),
        (!b.up).then_some("down"),
        read_only.then_some("read-only"),
    );
    // Text sizes follow the circle so nine branches stay legible.
    // "Main Office" in bold must fit inside the circle: about 0.25 r per letter height.
    let big = (r * 3 / 5).max(24);
    let small = (r / 4).max(14);
    let role = if read_only { "read-only" } else { role_name(b) };
    html! {
        <g class={class} role="img" aria-label={branch_status(b)}>
            <title>{ branch_status(b) }</title>
            if leader {
                <circle class="crown" cx={x.to_string()} cy={y.to_string()} r={(r + 12).to_string()} />
            }
            <circle class="body" cx={x.to_string()} cy={y.to_string()} r={r.to_string()} />
            if read_only {
                <circle class="hatch" cx={x.to_string()} cy={y.to_string()} r={r.to_string()} />
            }
            <text class="name" x={x.to_string()} y={(y - r / 8).to_string()} font-size={big.to_string()}>{ b.id.to_string() }</text>
            <text class="role" x={x.to_string()} y={(y + r * 3 / 10).to_string()} font-size={small.to_string()}>{ role }</text>
            <text class="facts" x={x.to_string()} y={(y + r * 3 / 10 + small + 4).to_string()} font-size={small.to_string()}>
                { format!("T{} · No. {}", b.term.0, b.last_number.0) }
            </text>
        </g>
    }
}
