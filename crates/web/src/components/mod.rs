//! One component per file. Each renders part of the core's view; gestures leave as `Msg`s.

pub mod charts;
pub mod checker;
pub mod controls;
pub mod desk;
pub mod eventlog;
pub mod inspector;
pub mod map;
pub mod messages;
pub mod network;
pub mod timeline;

pub use crate::text::*;

/// A read-only block (tables, lists of results) written as markup: a fraction of the wasm
/// that the same elements cost through `html!`, and Yew replaces it only when the text
/// changes. Its buttons carry `data-act` (an action in the scenario language) or
/// `data-pick` (a selection) and are handled by the page's one delegated click handler
/// (app.rs), so they need no closures either.
pub fn raw(markup: String) -> yew::Html {
    yew::Html::from_html_unchecked(markup.into())
}
