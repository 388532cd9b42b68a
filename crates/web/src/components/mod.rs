//! One component per file. Each renders part of the core's view with `html!`; gestures
//! leave as `Msg`s through callbacks.

pub mod branches;
pub mod charts;
pub mod checker;
pub mod controls;
pub mod desk;
pub mod eventlog;
pub mod map;
pub mod messages;
pub mod network;
pub mod registers;
pub mod replay;
pub mod shrink;
pub mod timeline;
pub mod timer;
pub mod whatif;

pub use crate::text::*;

use crate::state::Msg;
use yew::prelude::*;

/// Which part of a panel to draw. An embed (`?embed=1`) shows what is essential beside the
/// map (play and step, the scrubber, the story's line) and folds the rest away: the same
/// component is drawn twice, each time a different part, so that nothing shows twice.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub enum Part {
    #[default]
    Whole,
    Essentials,
    Rest,
}

impl Part {
    pub fn essentials(self) -> bool {
        self != Part::Rest
    }
    pub fn rest(self) -> bool {
        self != Part::Essentials
    }
}

/// A drawn control (an SVG group with `role="button"`): a click, or Enter or Space while it
/// has the focus, sends `msgs()`. Real buttons need only the click.
pub fn activate(
    send: &Callback<Msg>,
    msgs: impl Fn() -> Vec<Msg> + 'static,
) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let msgs = std::rc::Rc::new(msgs);
    let (send_click, click) = (send.clone(), msgs.clone());
    let onclick = Callback::from(move |_: MouseEvent| click().into_iter().for_each(|m| send_click.emit(m)));
    let send = send.clone();
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            msgs().into_iter().for_each(|m| send.emit(m));
        }
    });
    (onclick, onkeydown)
}
