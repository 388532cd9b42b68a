//! The checker panel: every invariant, green while it holds, red with what broke it, when,
//! and which branches and requests were involved (those are also ringed on the map and
//! marked on the desk).

use super::raw;
use crate::state::Verdict;
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

/// The checker panel for these verdicts (markup.rs writes it).
pub fn checker_panel(verdicts: &[Verdict]) -> Html {
    html! {
        <section class="panel checker" aria-labelledby="checker-title">
            <h2 id="checker-title">{ "Checkers" }</h2>
            { raw(crate::markup::checker(verdicts)) }
        </section>
    }
}
