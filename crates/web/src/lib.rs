//! The page: a Yew app that renders the core's `View` and turns gestures into core `Action`s.
//! A library, so the component tests (tests/components.rs) can mount its parts.

pub mod app;
pub mod components;
pub mod flights;
pub mod geometry;
pub mod hooks;
pub mod narration;
pub mod panic;
pub mod share;
pub mod state;

/// Installs the error panel and renders the page into `<body>`.
pub fn start() {
    panic::install();
    yew::Renderer::<app::App>::new().render();
}
