//! The page: a Yew app that renders the core's `View` and turns gestures into core `Action`s.

mod app;
mod components;
mod flights;
mod geometry;
mod hooks;
mod panic;
mod state;

fn main() {
    panic::install();
    yew::Renderer::<app::App>::new().render();
}
