//! Where things sit on the map: integer SVG coordinates in a 1000 × 1000 view box, so no
//! float is ever formatted (float formatting costs kilobytes of wasm).

use std::f64::consts::PI;

pub const SIZE: i32 = 1000;
const CENTER: f64 = 500.0;
const RING: f64 = 370.0;

#[derive(Copy, Clone, PartialEq)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

/// Branch `i` of `n`, clockwise from the top.
pub fn branch_position(i: usize, n: usize) -> Point {
    if n == 1 {
        return Point { x: CENTER as i32, y: CENTER as i32 };
    }
    let angle = -PI / 2.0 + 2.0 * PI * i as f64 / n as f64;
    Point { x: (CENTER + RING * angle.cos()).round() as i32, y: (CENTER + RING * angle.sin()).round() as i32 }
}

/// The radius of a branch's circle: large, but neighbours never touch, and the link between
/// a branch's two neighbours (the shortest chord that skips one) passes clear of it with
/// room to click: with 9 branches that chord comes within 87 units of the ring.
pub fn branch_radius(n: usize) -> i32 {
    if n <= 2 {
        return 110;
    }
    let neighbours_apart = RING * (PI / n as f64).sin() * 0.72;
    let chord_clear = RING * (1.0 - (2.0 * PI / n as f64).cos()) - 24.0;
    neighbours_apart.min(chord_clear).min(110.0) as i32
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

/// A point `num/den` of the way from `a` to `b`.
pub fn along(a: Point, b: Point, num: u64, den: u64) -> Point {
    let t = if den == 0 { 1.0 } else { (num.min(den) as f64) / den as f64 };
    Point { x: a.x + ((b.x - a.x) as f64 * t).round() as i32, y: a.y + ((b.y - a.y) as f64 * t).round() as i32 }
}
