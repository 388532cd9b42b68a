//! The messages in flight, drawn on a canvas over the map on every animation frame, one
//! path per colour (SETUP.md: one element per message costs Blink a style recalculation
//! each; a canvas holds 60 fps with thousands). Yew never sees them: hovering or tapping
//! one is a hit test, and screen readers get them as text in the messages panel.

use crate::geometry::{compact, message_at, segments, Point, SIZE};
use crate::state::Shared;
use nextnumber_core::msg::MessageKind;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The eight kinds, in `MessageKind` order, with the CSS variable holding each colour.
pub const KINDS: [(MessageKind, &str, &str); 8] = [
    (MessageKind::VoteRequest, "vote-request", "vote request"),
    (MessageKind::Vote, "vote", "vote"),
    (MessageKind::Append, "append", "append"),
    (MessageKind::AppendAck, "append-ack", "append ack"),
    (MessageKind::CustomerRequest, "customer-request", "customer request"),
    (MessageKind::Read, "read", "read"),
    (MessageKind::Reply, "reply", "reply"),
    (MessageKind::Confirm, "confirm", "confirmation to the customer's branch"),
];

/// How close (view box units) a pointer must come to a message to point at it.
pub const REACH_MOUSE: f64 = 18.0;
pub const REACH_TOUCH: f64 = 34.0;

/// Radius of a message dot, in view box units.
pub const DOT: f64 = 10.0;

/// A dot is drawn once per square of this side (view box units) and kind: another of the
/// same kind there lies almost wholly under it. So a frame draws at most what the map can
/// show, however many messages are in flight: with thousands over horseback links, the
/// commit of a canvas holding a circle for each took Chromium 190–270 ms of the main thread
/// (software raster; monkey seed 2107248755, RELIABILITY.md).
const SPOT: f64 = DOT / 2.0;
const SPOTS_PER_SIDE: usize = (SIZE as f64 / SPOT) as usize + 1;

/// What the loop keeps between frames.
#[derive(Default)]
pub struct Layer {
    colours: Vec<String>,
    frames: u32,
    reduced: bool,
    /// What the last frame showed; an equal key needs no redraw.
    last: (u64, u64, u64, Option<u64>, bool),
    /// The last frame's messages: kind, where, id (what a click on the map meets).
    dots: Vec<(u8, f64, f64, u64)>,
    /// The squares (`SPOT`) of one kind a dot is drawn in this frame, a bit each.
    drawn: Vec<u64>,
}

/// `now` in thousandths of a simulated ms, with the animation's fraction.
fn now_milli(shared: &Shared) -> u64 {
    shared.sim.borrow().now().0 * 1_000 + shared.clock.get().carry
}

impl Layer {
    /// Reads the colours (light or dark) and the motion preference now and then.
    fn refresh_style(&mut self, canvas: &HtmlCanvasElement) {
        let Some(w) = web_sys::window() else { return };
        if let Ok(Some(style)) = w.get_computed_style(canvas) {
            self.colours =
                KINDS.iter().map(|k| style.get_property_value(&format!("--m-{}", k.1)).unwrap_or_default()).collect();
        }
        self.reduced = reduced_motion();
    }

    pub fn draw(&mut self, canvas: &HtmlCanvasElement, shared: &Shared) {
        if self.frames % 60 == 0 {
            self.refresh_style(canvas);
        }
        self.frames = self.frames.wrapping_add(1);
        // The canvas matches its box in device pixels.
        let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let width = (canvas.client_width() as f64 * ratio) as u32;
        if width == 0 {
            return;
        }
        if canvas.width() != width {
            canvas.set_width(width);
            canvas.set_height(width);
        }
        let still = self.reduced;
        let mut now = now_milli(shared);
        if still {
            // Discrete steps: the picture changes only when messages leave or arrive.
            now -= now % 1_000;
        }
        let key = (now, shared.generation.get(), width as u64, shared.marked.get(), still);
        if key == self.last {
            return;
        }
        self.last = key;
        let Ok(Some(ctx)) = canvas.get_context("2d") else { return };
        let Ok(ctx) = ctx.dyn_into::<CanvasRenderingContext2d>() else { return };
        let scale = width as f64 / SIZE as f64;
        let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, width as f64, width as f64);
        let _ = ctx.set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0);

        let sim = shared.sim.borrow();
        let n = sim.config().branches;
        let segs = segments(n, compact());
        self.dots.clear();
        let mut marked = None;
        sim.for_each_flight(|m| {
            let (x, y) = message_at(segs[m.from.index() * n + m.to.index()], m.sent, m.arrive, now, still);
            self.dots.push((m.kind as u8, x, y, m.id));
            if Some(m.id) == shared.marked.get() {
                marked = Some((x, y));
            }
        });
        for (k, colour) in self.colours.iter().enumerate() {
            self.drawn.clear();
            self.drawn.resize(SPOTS_PER_SIDE * SPOTS_PER_SIDE / 64 + 1, 0);
            ctx.begin_path();
            for &(_, x, y, _) in self.dots.iter().filter(|d| d.0 as usize == k) {
                if first_in_spot(&mut self.drawn, x, y) {
                    ctx.move_to(x + DOT, y);
                    let _ = ctx.arc(x, y, DOT, 0.0, std::f64::consts::TAU);
                }
            }
            ctx.set_fill_style_str(colour);
            ctx.fill();
        }
        if let Some((x, y)) = marked {
            ctx.begin_path();
            let _ = ctx.arc(x, y, DOT + 9.0, 0.0, std::f64::consts::TAU);
            ctx.set_line_width(5.0);
            ctx.set_stroke_style_str(self.colours.get(2).map_or("#000", String::as_str));
            ctx.stroke();
        }
    }
}

/// Marks the square (`SPOT`) of `(x, y)`: true the first time in a frame.
fn first_in_spot(drawn: &mut [u64], x: f64, y: f64) -> bool {
    let cell = |v: f64| ((v / SPOT).max(0.0) as usize).min(SPOTS_PER_SIDE - 1);
    let bit = cell(y) * SPOTS_PER_SIDE + cell(x);
    let (word, mask) = (bit / 64, 1u64 << (bit % 64));
    let first = drawn[word] & mask == 0;
    drawn[word] |= mask;
    first
}

/// The message nearest to `p` (view box units) within reach of a finger, if any.
pub fn hit(shared: &Shared, p: Point, reach: f64, still: bool) -> Option<(u64, Point)> {
    let now = now_milli(shared);
    let sim = shared.sim.borrow();
    let n = sim.config().branches;
    let segs = segments(n, compact());
    let mut dots = Vec::new();
    sim.for_each_flight(|m| {
        let (x, y) = message_at(segs[m.from.index() * n + m.to.index()], m.sent, m.arrive, now, still);
        dots.push((m.kind as u8, x, y, m.id));
    });
    nearest(&dots, p, reach)
}

/// The dot of `dots` nearest to `p`, within `reach`: its id and place.
fn nearest(dots: &[(u8, f64, f64, u64)], p: Point, reach: f64) -> Option<(u64, Point)> {
    let mut best: Option<(f64, u64, Point)> = None;
    for &(_, x, y, id) in dots {
        let d = (x - p.x as f64).powi(2) + (y - p.y as f64).powi(2);
        if d <= reach * reach && best.is_none_or(|b| d < b.0) {
            best = Some((d, id, Point { x: x as i32, y: y as i32 }));
        }
    }
    best.map(|b| (b.1, b.2))
}

impl Layer {
    /// The message the last frame drew nearest to `p`, within `reach`.
    pub fn hit(&self, p: Point, reach: f64) -> Option<u64> {
        nearest(&self.dots, p, reach).map(|m| m.0)
    }
}

/// The user asked for reduced motion: messages are drawn still (see `message_at`). One
/// query list is kept and read: it follows a change of the preference, and every timer and
/// frame asks, where making a new one each time was measurable in the page's profile.
pub fn reduced_motion() -> bool {
    thread_local! {
        static QUERY: Option<web_sys::MediaQueryList> = web_sys::window()
            .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten());
    }
    QUERY.with(|q| q.as_ref().is_some_and(|m| m.matches()))
}
