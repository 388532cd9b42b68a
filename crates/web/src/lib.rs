//! The page: renders the core's `View` and turns gestures into core `Action`s. Two builds
//! share this library: the light first page (`lite`, no Yew: the map, controls, desk and
//! checkers, written as markup) and the full page (feature `full`, a Yew app with time
//! travel, scenarios, charts, the inspector, the event log, the network panel and sharing),
//! which the first page loads when a visitor opens one of those tools.

pub mod flights;
#[cfg(not(feature = "full"))]
pub mod forward;
pub mod geometry;
pub mod gesture;
pub mod lite;
pub mod markup;
pub mod panic;
pub mod state;
pub mod text;
pub mod tracelog;

#[cfg(feature = "full")]
pub mod app;
#[cfg(feature = "full")]
pub mod components;
#[cfg(feature = "full")]
pub mod hooks;
#[cfg(feature = "full")]
pub mod narration;
#[cfg(feature = "full")]
pub mod share;

/// Installs the error panel and renders the full page into `<body>`.
#[cfg(feature = "full")]
pub fn start() {
    panic::install();
    yew::Renderer::<app::App>::new().render();
}
