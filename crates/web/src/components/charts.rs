//! Charts and the space-time diagram, in step with the moment shown: drawn from the
//! simulation at the cursor (the core's `charts::series` and space-time record), so a
//! time-travel jump redraws them by itself. Each series is one SVG path, cheap to redraw.
//! A click or tap on either jumps the run to that moment (the scrubber does the same by
//! keyboard).

use super::fmt_ms;
use crate::state::{Msg, SimHandle, Snapshot};
use nextnumber_core::charts;
use nextnumber_core::spacetime::Mark;
use nextnumber_core::{NodeId, Tick};
use std::fmt::Write;
use web_sys::Element;
use yew::prelude::*;

/// The charts' width in windows, and the SVGs' user units: whole numbers, since formatting
/// a float would add 10 KB of the standard library to the page.
const WINDOWS: usize = 120;
const W: i64 = 1200;
const CHART_H: i64 = 90;
const LANE_H: i64 = 22;

/// A click at fraction x of an SVG's width: the tick `from + x × span`.
fn jump(send: &Callback<Msg>, from: u64, span: u64) -> Callback<MouseEvent> {
    let send = send.clone();
    Callback::from(move |e: MouseEvent| {
        // The svg clicked (Yew delegates events to its root, so `current_target` is not it).
        let target = e.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<Element>(t).ok());
        let Some(el) = target.and_then(|t| t.closest("svg").ok().flatten()) else {
            return;
        };
        let rect = el.get_bounding_client_rect();
        if rect.width() > 0.0 {
            let x = ((e.client_x() as f64 - rect.left()) / rect.width()).clamp(0.0, 1.0);
            send.emit(Msg::Seek(from + (x * span as f64) as u64));
        }
    })
}

/// One polyline through `points`: x in user units, y as `value` of `top`.
fn path(points: impl Iterator<Item = (i64, u64)>, top: u64) -> String {
    let mut d = String::new();
    for (i, (x, v)) in points.enumerate() {
        let y = CHART_H - (v.min(top) * (CHART_H as u64 - 4) / top.max(1)) as i64;
        let _ = write!(d, "{}{x},{y}", if i == 0 { "M" } else { "L" });
    }
    d
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The moment shown: the charts are redrawn when it changes.
    pub view: Snapshot,
    pub shared: SimHandle,
    pub end: u64,
    pub send: Callback<Msg>,
}

#[function_component(Charts)]
pub fn charts(props: &Props) -> Html {
    let (end, send) = (props.end, &props.send);
    let sim = props.shared.0.sim.borrow();
    let now = sim.now().0;
    let span = end.max(now).max(1);
    let series = charts::series(sim.records(), now, WINDOWS);
    let x = |t: u64| (t.min(span) * W as u64 / span) as i64;
    let mid = |i: usize| x(i as u64 * series.window_ms + series.window_ms / 2);
    let top_rate = series.windows.iter().map(|w| w.numbers_per_sec_milli).max().unwrap_or(0).max(1);
    let top_latency = series.windows.iter().filter_map(|w| w.latency_p99_ms).max().unwrap_or(0).max(1);
    let rate = path(series.windows.iter().enumerate().map(|(i, w)| (mid(i), w.numbers_per_sec_milli)), top_rate);
    let latency = |p99: bool| {
        let value = move |w: &charts::ChartWindow| if p99 { w.latency_p99_ms } else { w.latency_p50_ms };
        path(series.windows.iter().enumerate().filter_map(|(i, w)| Some((mid(i), value(w)?))), top_latency)
    };
    let cursor = format!("M{},0V{CHART_H}", x(now));
    let per_sec = |milli: u64| format!("{}.{}", milli / 1_000, milli % 1_000 / 100);
    let summary = format!(
        "Numbers issued per simulated second, up to {} at most, and request latency, 99th percentile up to {}, from 0 to {}, in windows of {}.",
        per_sec(top_rate),
        fmt_ms(top_latency),
        fmt_ms(now),
        fmt_ms(series.window_ms)
    );
    let chart = |label: &str, d: Vec<(String, &'static str)>| {
        html! {
            <svg class="chart" viewBox={format!("0 0 {W} {CHART_H}")} preserveAspectRatio="none" role="img"
                aria-label={label.to_string()} onclick={jump(send, 0, span)}>
                { for d.into_iter().map(|(d, class)| html! { <path {class} {d} /> }) }
                <path class="cursor" d={cursor.clone()} />
            </svg>
        }
    };
    html! {
        <section class="panel charts" aria-labelledby="charts-title">
            <h2 id="charts-title">{ "Over time" }</h2>
            <p class="sr-only">{ summary }</p>
            <p class="chart-title">{ format!("Numbers issued per second (top {})", per_sec(top_rate)) }</p>
            { chart("Numbers issued per simulated second", vec![(rate, "rate")]) }
            <p class="chart-title">
                { format!("Latency, top {}: ", fmt_ms(top_latency)) }
                <span class="key p50">{ "median" }</span>{ " and " }<span class="key p99">{ "99th percentile" }</span>
            </p>
            { chart("Request latency, median and 99th percentile", vec![(latency(false), "p50"), (latency(true), "p99")]) }
            if sim.requests_forgotten() > 0 {
                <p class="muted" role="note">{ format!(
                    "Up to {} the charts miss the run's first {} requests: the page keeps only the latest ones.",
                    fmt_ms(sim.forgotten_until().0),
                    sim.requests_forgotten()
                ) }</p>
            }
            { space_time(&sim, send) }
            <p class="muted">{ "Click or tap a chart or the diagram to jump to that moment; the scrubber under the map does the same by keyboard." }</p>
        </section>
    }
}

/// The space-time diagram of the latest stretch of the run: one lane per branch, one line
/// per message from its sending to its arrival, and marks for fires, restarts, losses and
/// new Main Offices.
fn space_time(sim: &nextnumber_core::Simulation, send: &Callback<Msg>) -> Html {
    let now = sim.now().0;
    let lanes = sim.config().branches;
    // About a dozen of the slowest crossings, at least 300 ms.
    let span = (sim.config().latency_max_ms * 12).max(300);
    let from = now.saturating_sub(span);
    let x = |t: u64| (t.saturating_sub(from).min(span) * W as u64 / span) as i64;
    let y = |b: usize| b as i64 * LANE_H + LANE_H / 2;
    let h = lanes as i64 * LANE_H;
    let (mut msgs, mut drops, mut fires, mut restarts, mut leaders) =
        (String::new(), String::new(), String::new(), String::new(), String::new());
    for s in sim.spacetime().window(Tick(from), Tick(now)) {
        let t = x(s.tick);
        let _ = match s.mark {
            Mark::Send { from: a, to: b, arrive, .. } => {
                // A message still on its way is drawn as far as it has come.
                let (ya, yb) = (y(a.index()), y(b.index()));
                let (gone, whole) = ((now.min(arrive) - s.tick) as i64, (arrive - s.tick).max(1) as i64);
                write!(msgs, "M{t},{ya}L{},{}", x(arrive.min(now)), ya + (yb - ya) * gone / whole)
            }
            Mark::Drop { from: a, .. } => write!(drops, "M{},{}l6,6m0,-6l-6,6", t - 3, y(a.index()) - 3),
            Mark::Kill { branch } => write!(fires, "M{t},{}v{LANE_H}", y(branch.index()) - LANE_H / 2),
            Mark::Restart { branch } => write!(restarts, "M{t},{}v{LANE_H}", y(branch.index()) - LANE_H / 2),
            Mark::LeaderElected { branch, .. } => write!(leaders, "M{t},{}h0", y(branch.index())),
            _ => Ok(()),
        };
    }
    // The latest answer traced back to its ask: its one-way trips, drawn over the rest.
    let mut trips = String::new();
    let path = sim.latest_path().filter(|p| p.trips.first().is_some_and(|t| t.sent.0 >= from));
    for t in path.iter().flat_map(|p| &p.trips) {
        let _ = write!(trips, "M{},{}L{},{}", x(t.sent.0), y(t.from.index()), x(t.arrived.0), y(t.to.index()));
    }
    let path_key = path.map(|p| {
        let n = p.critical.trips;
        let what = format!("{}'s {n} one-way {}", p.request, if n == 1 { "trip" } else { "trips" });
        html! { <>{ ", " }<span class="key trips">{ what }</span></> }
    });
    let names = html! {
        <div class="lane-names" aria-hidden="true">
            { for (0..lanes).map(|b| html! { <span>{ NodeId(b as u8).name() }</span> }) }
        </div>
    };
    html! {
        <>
            <p class="chart-title">
                { format!("Messages between branches, the last {} up to {}: ", fmt_ms(span), fmt_ms(now)) }
                <span class="key fire">{ "fire" }</span>{ ", " }<span class="key restart">{ "restart" }</span>
                { ", " }<span class="key lost">{ "lost" }</span>{ ", " }<span class="key elected">{ "new Main Office" }</span>
                { for path_key }
            </p>
            <div class="spacetime-box">
                { names }
                <svg class="spacetime" viewBox={format!("0 0 {W} {h}")} preserveAspectRatio="none" role="img"
                    aria-label={format!("Space-time diagram: {lanes} lanes, one per branch, messages as lines from sender to receiver")}
                    onclick={jump(send, from, span)}>
                    { for (0..lanes).map(|b| html! { <path class="lane" d={format!("M0,{}H{W}", y(b))} /> }) }
                    <path class="msg" d={msgs} />
                    <path class="lost" d={drops} />
                    <path class="fire" d={fires} />
                    <path class="restart" d={restarts} />
                    <path class="elected" d={leaders} />
                    <path class="trips" d={trips} />
                </svg>
            </div>
        </>
    }
}
