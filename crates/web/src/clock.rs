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
//! machine's speed nor its load can change what the page does. (A fixed step per browser
//! frame would not do: how many frames fall between two gestures depends on the machine.)

use std::cell::Cell;

/// The length of one frame of the manual clock.
pub const MANUAL_FRAME_MS: u64 = 16;
/// Real milliseconds the simulation may take per frame on the real clock.
const FRAME_BUDGET_MS: f64 = 9.0;
/// Simulation events per frame on the manual clock: about what 9 ms hold in Chromium on
/// this project's 2-core machines (some 400,000 events a second in wasm).
const FRAME_BUDGET_EVENTS: u64 = 4_000;
/// A slice of simulated time costing less than this is cheap: the next one may be longer.
const CHEAP_SLICE_MS: f64 = 1.0;
const CHEAP_SLICE_EVENTS: u64 = 400;

thread_local! {
    static MANUAL: Cell<Option<bool>> = const { Cell::new(None) };
}

/// Whether the page runs on the manual clock (read from the address once).
pub fn manual() -> bool {
    MANUAL.with(|m| {
        *m.get().get_or_insert_with(|| {
            let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
            search.trim_start_matches('?').split('&').any(|p| p == "clock=manual")
        })
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
    started_events: u64,
}

impl Meter {
    /// Starts measuring; `events` is the simulation's count of events processed so far.
    pub fn start(events: u64) -> Meter {
        Meter { manual: manual(), started_ms: if manual() { 0.0 } else { real_ms() }, started_events: events }
    }

    /// The frame's budget is spent.
    pub fn frame_spent(&self, events: u64) -> bool {
        if self.manual {
            events - self.started_events >= FRAME_BUDGET_EVENTS
        } else {
            real_ms() - self.started_ms > FRAME_BUDGET_MS
        }
    }

    /// The work since `start` was cheap enough to try twice as much next.
    pub fn cheap(&self, events: u64) -> bool {
        if self.manual {
            events - self.started_events < CHEAP_SLICE_EVENTS
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
