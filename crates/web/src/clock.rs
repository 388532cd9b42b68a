//! The page's one clock, and the budgets of work it allows per frame.
//!
//! On the real clock (every visitor), an animation frame moves the run on by the real time
//! since the last one, and a frame's simulation stops after `FRAME_BUDGET_MS` of real work:
//! at high speed the run slows down rather than the page.
//!
//! The manual clock (`?clock=manual` in the address; the end-to-end tests only) makes a
//! run a function of the gestures alone, so a test's seed replays exactly: animation frames
//! only draw, and time moves only when the test calls `window.__nextnumber_advance(frames)`,
//! each frame `MANUAL_FRAME_MS` long. Every budget is then counted in simulation events
//! instead of real milliseconds, and the checkers' cost counts as nothing, so neither the
//! machine's speed nor its load can change what the page does. The unit of work is an event
//! or a message sent ([`work`]): counting events alone let a frame of a run whose every
//! customer sets off Appends to four lagging branches take 50 ms where a light run's takes 9. (A fixed step per browser
//! frame would not do: how many frames fall between two gestures depends on the machine.)

use std::cell::Cell;

/// The length of one frame of the manual clock.
pub const MANUAL_FRAME_MS: u64 = 16;
/// Real milliseconds the simulation may take per frame on the real clock.
const FRAME_BUDGET_MS: f64 = 9.0;
/// Work per frame on the manual clock ([`work`]): about what 9 ms hold in Chromium on this
/// project's 2-core machines. A light run does some 400,000 events a second in wasm with
/// about one message sent per event; the heaviest measured (seed 2107248755 of the monkey:
/// 1,000×, horseback links, a message in flight per customer and lagging branch) did
/// 4,000 events and 13,000 messages in 26–67 ms, a build with names on a loaded machine.
const FRAME_BUDGET_WORK: u64 = 6_000;
/// A slice of simulated time costing less than this is cheap: the next one may be longer.
const CHEAP_SLICE_MS: f64 = 1.0;
const CHEAP_SLICE_WORK: u64 = 600;

/// What the simulation has done so far, in the manual clock's unit: events handled plus
/// messages sent. Both are counted by the simulation itself, so the count is the same on
/// every machine; a message's cost (its entries copied, its latency drawn, its line in the
/// log) is of the order of an event's.
pub fn work(stats: &nextnumber_core::sim::Stats) -> u64 {
    stats.events + stats.messages_sent
}

thread_local! {
    static MANUAL: Cell<Option<bool>> = const { Cell::new(None) };
}

/// Whether the page runs on the manual clock (read from the address once).
pub fn manual() -> bool {
    MANUAL.with(|m| {
        if let Some(known) = m.get() {
            return known;
        }
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        let manual = search.trim_start_matches('?').split('&').any(|p| p == "clock=manual");
        m.set(Some(manual));
        manual
    })
}

/// Real milliseconds now (for costs; not for the run).
fn real_ms() -> f64 {
    js_sys::Date::now()
}

/// What a piece of work has used so far: real time, or simulation events on the manual clock.
#[derive(Clone, Copy)]
pub struct Meter {
    manual: bool,
    started_ms: f64,
    started_work: u64,
}

impl Meter {
    /// Starts measuring; `work` is the simulation's [`work`] so far.
    pub fn start(work: u64) -> Meter {
        Meter { manual: manual(), started_ms: if manual() { 0.0 } else { real_ms() }, started_work: work }
    }

    /// The frame's budget is spent.
    pub fn frame_spent(&self, work: u64) -> bool {
        if self.manual {
            work - self.started_work >= FRAME_BUDGET_WORK
        } else {
            real_ms() - self.started_ms > FRAME_BUDGET_MS
        }
    }

    /// The work since `start` was cheap enough to try twice as much next.
    pub fn cheap(&self, work: u64) -> bool {
        if self.manual {
            work - self.started_work < CHEAP_SLICE_WORK
        } else {
            real_ms() - self.started_ms < CHEAP_SLICE_MS
        }
    }

    /// Whole real milliseconds since `start`; always 0 on the manual clock.
    pub fn elapsed_ms(&self) -> u64 {
        if self.manual {
            0
        } else {
            (real_ms() - self.started_ms).max(0.0) as u64
        }
    }
}
