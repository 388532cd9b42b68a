//! A branch's running timer on the map, drawn from the core's deadline (`TimerView`), not
//! guessed by the page: a component of its own, as it changes on every frame while the
//! branch around it does not.

use super::fmt_ms;
use crate::flights::reduced_motion;
use crate::geometry::Point;
use nextnumber_core::view::{TimerKind, TimerView};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub timer: TimerView,
    pub now: u64,
    /// The branch's centre and radius on the map.
    pub at: Point,
    pub radius: i32,
}

/// A branch's running timer, from the core's deadline: a ring that empties as the election
/// timer (blue) or the Main Office's heartbeat (gold) runs down; with reduced motion, the
/// milliseconds left as a number instead.
#[function_component(Timer)]
pub fn timer(props: &Props) -> Html {
    let (t, at) = (props.timer, props.at);
    let class = classes!("timer", (t.kind == TimerKind::Heartbeat).then_some("heartbeat"));
    if reduced_motion() {
        // Under the words, inside the circle (the Main Office's count of filings is outside).
        let left = fmt_ms(t.due.saturating_sub(props.now));
        let what = if t.kind == TimerKind::Heartbeat { "beat" } else { "timer" };
        let (y, size) = (at.y + props.radius * 4 / 5, (props.radius / 6).max(13));
        return html! {
            <text {class} x={at.x.to_string()} y={y.to_string()} font-size={size.to_string()}>{ format!("{what} {left}") }</text>
        };
    }
    // A ring just outside the circle; its dash is the share of the timer left, in
    // thousandths of the circumference (pathLength), so no float is formatted.
    let left = (t.left(props.now) * 1000.0) as i32;
    html! {
        <circle {class} cx={at.x.to_string()} cy={at.y.to_string()} r={(props.radius + 7).to_string()}
            pathLength="1000" stroke-dasharray={format!("{left} 1000")}
            transform={format!("rotate(-90 {} {})", at.x, at.y)} />
    }
}
