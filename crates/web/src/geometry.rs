//! Where things sit on the map: integer SVG coordinates in a 1000 × 1000 view box, so no
//! float is ever formatted (float formatting costs kilobytes of wasm).

use js_sys::Math::{cos, sin};
use std::f64::consts::PI;

pub const SIZE: i32 = 1000;
const CENTER: f64 = 500.0;
const RING: f64 = 370.0;
/// A compact map's ring is smaller, so its larger circles' outer rings (the Main Office's
/// crown, a broken invariant's red ring: `branch_radius` + 26) stay inside the view box.
const RING_COMPACT: f64 = 348.0;

fn ring(compact: bool) -> f64 {
    if compact {
        RING_COMPACT
    } else {
        RING
    }
}

#[derive(Copy, Clone, PartialEq)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

// Sine and cosine come from the browser (`js_sys::Math`): Rust's own (libm) would ship
// kilobytes of argument reduction in the wasm, for a ring laid out once per render.

/// Branch `i` of `n`, clockwise from the top.
pub fn branch_position(i: usize, n: usize, compact: bool) -> Point {
    if n == 1 {
        return Point { x: CENTER as i32, y: CENTER as i32 };
    }
    let (angle, ring) = (-PI / 2.0 + 2.0 * PI * i as f64 / n as f64, ring(compact));
    Point { x: (CENTER + ring * cos(angle)).round() as i32, y: (CENTER + ring * sin(angle)).round() as i32 }
}

/// The radius of a branch's circle: large, but neighbours never touch, and the link between
/// a branch's two neighbours (the shortest chord that skips one) passes clear of it with
/// room to click: with 9 branches that chord comes within 87 units of the ring. On a
/// phone (`compact`) legible text matters more: circles grow (the chords that skip one
/// pass under them), leaving neighbours' links a finger's width.
pub fn branch_radius(n: usize, compact: bool) -> i32 {
    if n <= 2 {
        return 110;
    }
    let neighbours_apart = ring(compact) * sin(PI / n as f64);
    if compact {
        return (neighbours_apart * 0.75).min(125.0) as i32;
    }
    let chord_clear = RING * (1.0 - cos(2.0 * PI / n as f64)) - 24.0;
    (neighbours_apart * 0.72).min(chord_clear).min(110.0) as i32
}

/// A small map: a narrow screen, or an embed (whose map shares a blog's frame with the
/// story and the checkers, so it is at most 30rem across, `.embed .map` in page.css). It is
/// drawn for legibility (see `branch_radius`).
pub fn compact() -> bool {
    crate::share::embedded()
        || web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|w| w.as_f64()).is_some_and(|w| w < 600.0)
}

/// The directed link `from → to`, shifted to the right of its direction so that the two
/// directions of a pair are two separate lines, trimmed to the circles' edges.
pub fn link_segment(from: Point, to: Point, radius: i32) -> (Point, Point) {
    let (dx, dy) = ((to.x - from.x) as f64, (to.y - from.y) as f64);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let (ox, oy) = (-uy * 11.0, ux * 11.0);
    let trim = radius as f64 + 8.0;
    let at = |p: Point, t: f64| Point {
        x: (p.x as f64 + ux * t + ox).round() as i32,
        y: (p.y as f64 + uy * t + oy).round() as i32,
    };
    (at(from, trim), at(to, -trim - 6.0))
}

/// Every directed link's segment, indexed `from * n + to` (the diagonal is unused).
pub fn segments(n: usize, compact: bool) -> Vec<(Point, Point)> {
    let r = branch_radius(n, compact);
    let mut v = vec![(Point { x: 0, y: 0 }, Point { x: 0, y: 0 }); n * n];
    for a in 0..n {
        for b in (0..n).filter(|b| *b != a) {
            v[a * n + b] = link_segment(branch_position(a, n, compact), branch_position(b, n, compact), r);
        }
    }
    v
}

/// Where a message is at `now_milli` (simulated time in thousandths of a ms), in view box
/// units, as floats for the canvas. `still` (reduced motion) holds it at the middle of
/// its link for its whole trip: it appears and disappears instead of moving.
pub fn message_at(seg: (Point, Point), sent: u64, arrive: u64, now_milli: u64, still: bool) -> (f64, f64) {
    let span = (arrive.saturating_sub(sent) * 1_000).max(1);
    let t = if still { 0.5 } else { (now_milli.saturating_sub(sent * 1_000)).min(span) as f64 / span as f64 };
    let (a, b) = seg;
    (a.x as f64 + (b.x - a.x) as f64 * t, a.y as f64 + (b.y - a.y) as f64 * t)
}

/// A pointer at (`x`, `y`) in the window, in view box units of the map's box `el`.
pub fn to_view_box(el: &web_sys::Element, x: i32, y: i32) -> Option<Point> {
    let rect = el.get_bounding_client_rect();
    if rect.width() <= 0.0 {
        return None;
    }
    let k = SIZE as f64 / rect.width();
    Some(Point { x: ((x as f64 - rect.left()) * k) as i32, y: ((y as f64 - rect.top()) * k) as i32 })
}
