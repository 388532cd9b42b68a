//! Every branch's register side by side, as RaftScope shows its servers' logs, but in the
//! essay's terms: one row per branch, slots aligned by index and coloured by term. A slot
//! that issued a Number shows it; a no-op and a repeated request show that they take a
//! slot and no Number. Committed slots are solid, the rest dashed, and a bar follows each
//! branch's commit index. A slot the Main Office's register disagrees with (an old
//! leader's tail) is struck through until it is written over, and the repair is marked.
//! The rows are the core's (`Simulation::registers`), so they follow the timeline.

use super::quorum_text;
use crate::state::Snap;
use nextnumber_core::view::{CellView, RegisterRow, RegistersView};
use yew::prelude::*;

/// How many slots the rows show: the latest of the longest register.
pub const SLOTS_WIDE: usize = 14;
/// On a phone: fewer slots, the same size of text.
pub const SLOTS_NARROW: usize = 6;
/// Terms take turns through this many colours (CSS classes `t0` …).
const TERM_COLOURS: u64 = 6;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub registers: Snap<RegistersView>,
}

#[function_component(Registers)]
pub fn registers(props: &Props) -> Html {
    let r = &props.registers;
    let title = if r.last == 0 {
        "Registers: empty so far".to_string()
    } else {
        format!("Registers side by side, slots {} to {}", r.first, r.last)
    };
    html! {
        <section class="panel registers" aria-labelledby="registers-title">
            <h2 id="registers-title">{ "Registers" }</h2>
            <div class="scroll" tabindex="0" role="group" aria-label={title.clone()}>
                <table class="regs">
                    <caption class="sr-only">{ title }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ "branch" }</th>
                            { for (r.first..=r.last).map(|i| html! { <th scope="col" class="slot-no">{ i }</th> }) }
                        </tr>
                    </thead>
                    <tbody>{ for r.rows.iter().map(|row| html! { <Row key={row.branch.to_string()} row={row.clone()} /> }) }</tbody>
                </table>
            </div>
            <ul class="waiting">
                { for r.waiting.iter().take(3).map(|q| html! { <li key={q.index}>{ format!("Waiting: {}", quorum_text(q)) }</li> }) }
            </ul>
            <p class="hint">{ "A slot shows the Number its entry issued; – a no-op, = a repeated request (a slot, no Number), … not applied yet. Dashed: not committed. Struck through: the Main Office holds something else there." }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    row: RegisterRow,
}

/// One branch's register; redrawn only when that branch's slots change.
#[function_component(Row)]
fn row(props: &RowProps) -> Html {
    let row = &props.row;
    let earlier = match row.earlier {
        0 => String::new(),
        k => format!("… {k} earlier"),
    };
    html! {
        <tr class={classes!((!row.up).then_some("down"))}>
            <th scope="row">
                <span class="who">{ row.branch.to_string() }</span>
                <span class="commit">{ format!("commit {}", row.commit) }</span>
                if !earlier.is_empty() { <span class="earlier">{ earlier }</span> }
            </th>
            { for row.cells.iter().map(|c| cell(c, row.commit)) }
        </tr>
    }
}

fn cell(c: &CellView, commit: u64) -> Html {
    let (mark, what) = match (c.kind.request(), c.number) {
        (None, _) => ("–".to_string(), "a no-op".to_string()),
        (Some(r), Some(n)) => (n.to_string(), format!("{r}, issued Number {n}")),
        (Some(r), None) if c.applied => ("=".to_string(), format!("{r} again: it already held a Number")),
        (Some(r), None) => ("…".to_string(), format!("{r}, not applied yet")),
    };
    let state = match (c.committed, c.disagrees) {
        (_, true) => ", not committed, and the Main Office holds another entry here",
        (true, _) => ", committed",
        (false, _) => ", not committed",
    };
    let repaired = if c.repaired { ", just written over an older entry" } else { "" };
    let title = format!("slot {}, term {}: {what}{state}{repaired}", c.index, c.term.0);
    let class = classes!(
        "slot",
        format!("t{}", c.term.0 % TERM_COLOURS),
        (!c.committed).then_some("uncommitted"),
        c.disagrees.then_some("disagrees"),
        c.repaired.then_some("repaired"),
        (c.index == commit).then_some("commit-edge"),
    );
    html! { <td key={c.index} {class} title={title.clone()}>{ mark }<span class="sr-only">{ format!(" ({title})") }</span></td> }
}
