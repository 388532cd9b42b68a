//! The page: a Yew app that renders the core's `View` and turns gestures into core `Action`s.

mod app;
mod components;
mod geometry;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
