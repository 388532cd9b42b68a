//! The animation loop: one requestAnimationFrame callback per frame moves simulated time
//! on (through the reducer, which re-renders the panels only now and then) and redraws the
//! messages in flight on the map's canvas.

use crate::flights::Layer;
use crate::state::{Msg, SimHandle};
use gloo_render::{request_animation_frame, AnimationFrame};
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// A frame longer than this (a background tab, a breakpoint) counts as this long.
const MAX_FRAME_MS: f64 = 100.0;

struct Loop {
    shared: SimHandle,
    send: Callback<Msg>,
    canvas: NodeRef,
    layer: RefCell<Layer>,
    last: RefCell<Option<f64>>,
    frame: RefCell<Option<AnimationFrame>>,
    crash_test: bool,
}

fn tick(lp: Rc<Loop>, now: f64) {
    if crate::panic::panicked() {
        return;
    }
    // Whole ms go to the simulation; the fraction waits for the next frame.
    let prev = lp.last.borrow().unwrap_or(now).max(now - MAX_FRAME_MS);
    let whole = (now - prev).max(0.0).floor();
    *lp.last.borrow_mut() = Some(prev + whole);
    if whole > 0.0 {
        if lp.crash_test {
            panic!("crash test: the page was opened with #crash-test");
        }
        lp.send.emit(Msg::Frame { real_ms: whole as u64 });
    }
    if let Some(canvas) = lp.canvas.cast::<HtmlCanvasElement>() {
        lp.layer.borrow_mut().draw(&canvas, &lp.shared.0);
    }
    schedule(lp);
}

fn schedule(lp: Rc<Loop>) {
    let next = lp.clone();
    let frame = request_animation_frame(move |t| tick(next, t));
    *lp.frame.borrow_mut() = Some(frame);
}

#[hook]
pub fn use_animation(shared: SimHandle, send: Callback<Msg>, canvas: NodeRef) {
    use_effect_with(shared, move |shared| {
        let lp = Rc::new(Loop {
            shared: shared.clone(),
            send,
            canvas,
            layer: RefCell::default(),
            last: RefCell::default(),
            frame: RefCell::default(),
            crash_test: crate::panic::crash_test_requested(),
        });
        schedule(lp.clone());
        // Dropping the pending frame cancels it and frees the loop.
        move || drop(lp.frame.borrow_mut().take())
    });
}
