//! The page: one Yew app. Its function components render the core's `View` with `html!`
//! (the cluster map, the branches, the checkers, the desk, the inspector, the messages, the
//! network, time travel, the story, charts, sharing); gestures become `Msg`s, and actions
//! travel as text in the scenario language, parsed by the core. The messages in flight are
//! the one thing Yew does not draw: the animation loop paints them on a canvas over the map
//! (flights.rs), which is what holds 60 fps with thousands of them.

pub mod app;
pub mod clock;
pub mod components;
pub mod flights;
pub mod geometry;
pub mod hooks;
pub mod narration;
pub mod panic;
pub mod share;
pub mod state;
pub mod text;
pub mod tracelog;
pub mod worker;

/// Installs the error panel and renders the page into `<body>`.
pub fn start() {
    panic::install();
    yew::Renderer::<app::App>::new().render();
}
