//! The animation loop: one requestAnimationFrame callback per frame moves simulated time
//! on (through the reducer, which re-renders the panels only now and then) and redraws the
//! messages in flight on the map's canvas. On the manual clock (clock.rs) the frames only
//! draw, and time moves when the test says so.

use crate::flights::Layer;
use crate::state::{Msg, SimHandle};
use gloo_render::{request_animation_frame, AnimationFrame};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
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
    manual: bool,
}

fn tick(lp: Rc<Loop>, now: f64) {
    if crate::panic::panicked() {
        return;
    }
    if !lp.manual {
        real_time(&lp, now);
    }
    if let Some(canvas) = lp.canvas.cast::<HtmlCanvasElement>() {
        lp.layer.borrow_mut().draw(&canvas, &lp.shared.0);
    }
    schedule(lp);
}

/// The real clock: the time since the last frame moves the run on.
fn real_time(lp: &Loop, now: f64) {
    // Whole ms go to the simulation; the fraction waits for the next frame.
    let prev = lp.last.borrow().unwrap_or(now).max(now - MAX_FRAME_MS);
    let whole = (now - prev).max(0.0).floor();
    *lp.last.borrow_mut() = Some(prev + whole);
    if whole > 0.0 {
        frame(lp, whole as u64);
    }
}

fn frame(lp: &Loop, real_ms: u64) {
    if lp.crash_test {
        panic!("crash test: the page was opened with #crash-test");
    }
    lp.send.emit(Msg::Frame { real_ms });
}

/// The manual clock's handle for the tests: `window.__nextnumber_advance(frames)` moves the
/// run on by that many frames, one after the other, as the real clock would have.
fn expose_manual_clock(lp: &Rc<Loop>) -> Option<Closure<dyn Fn(u32)>> {
    let window = web_sys::window()?;
    let lp = lp.clone();
    let advance = Closure::<dyn Fn(u32)>::new(move |frames: u32| {
        for _ in 0..frames {
            if crate::panic::panicked() {
                return;
            }
            frame(&lp, crate::clock::MANUAL_FRAME_MS);
        }
    });
    js_sys::Reflect::set(&window, &"__nextnumber_advance".into(), advance.as_ref().unchecked_ref()).ok()?;
    Some(advance)
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
            manual: crate::clock::manual(),
        });
        let handle = if lp.manual { expose_manual_clock(&lp) } else { None };
        schedule(lp.clone());
        // Dropping the pending frame cancels it and frees the loop.
        move || {
            drop(lp.frame.borrow_mut().take());
            drop(handle);
        }
    });
}

/// False for the page's first render, true from the next animation frame on. The page
/// draws its first screen (the map and what steers it) in one task and the panels below in
/// the next: drawn at once, starting the page held the main thread for 165 ms of script and
/// then 100 ms of layout on a phone's width (Chromium's profile, 390 px, a loaded 2-core
/// machine), the first screen waiting for all of it.
#[hook]
pub fn use_settled() -> bool {
    let settled = use_state_eq(|| false);
    {
        let settled = settled.clone();
        use_effect_with((), move |_| {
            let frame = request_animation_frame(move |_| settled.set(true));
            move || drop(frame)
        });
    }
    *settled
}
