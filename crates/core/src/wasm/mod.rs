//! The JS API (`--features wasm`): the simulation for bloggers and the npm package.
//!
//! ```js
//! import init, { Simulation, runSeed } from "./pkg/nextnumber_core.js";
//! await init();
//! const sim = new Simulation({ branches: 5, latencyMinMs: 10, latencyMaxMs: 15, seed: 7 });
//! sim.act("load 10 leader");
//! sim.runUntil(5000);
//! console.log(sim.view().branches, sim.check().ok, sim.stats().events);
//! ```
//!
//! Time travel, permalinks and the history hash:
//!
//! ```js
//! import init, { Timeline, decodeLink, narratedScenarios } from "./pkg/nextnumber_core.js";
//! await init();
//! const fire = narratedScenarios().find((s) => s.name === "fire-at-the-main-office");
//! const t = new Timeline({ scenario: fire.text, spacetime: 5000 });
//! t.runUntil(11000);                 // plays the scenario's recorded actions
//! console.log(t.historyHash());      // what `nextnumber run --scenario FILE` prints
//! t.seek(2500);                      // back in time: a snapshot and a replay
//! t.act("kill B");                   // acting in the past forks: later actions are dropped
//! location.hash = t.link();          // nextnumber/1;name_…;…;end
//! const again = new Timeline({ scenario: decodeLink(location.href) });
//! ```
//!
//! Every failure (a bad config, a bad action, an unknown branch) is thrown as a JS `Error`
//! with a message that says what is wrong; nothing here panics on user input. Objects come
//! back as plain JS objects (maps too), `None` as `null`, and 64-bit integers as numbers
//! (everything the simulation counts stays far below 2^53). Seeds are the exception: they
//! come back as a number when it is exact (below 2^53) and as a `BigInt` otherwise, and they
//! are accepted as a number, a `BigInt` or a decimal string.

//!
//! The files: `convert` (seeds, ticks, results and errors between Rust and JS), `options`
//! (the constructors' options object), `report` (the JS shape of the checkers' report),
//! `read` (the read methods both classes share), `simulation` and `timeline` (what only
//! each class has), `functions` (the free functions).

mod convert;
mod functions;
mod model;
mod options;
mod read;
mod report;
mod simulation;
mod timeline;

pub use convert::seed_from_js;
pub use functions::{decode_link, encode_link, narrated_scenarios, run_seed, trace_hash_of_seed, JsVariant};
pub use model::{shrink_run, ModelCheck};
pub use options::{JsOptions, MAX_TRACE_KEEP};
pub use simulation::Simulation;
pub use timeline::JsTimeline;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(s: &str);
}

/// A panic is a bug in the simulation, not the caller's fault: say so in the console
/// (wasm has no stderr) before the wasm instance traps. Installed by every entry point
/// that runs the simulation (the constructors, `runSeed`).
fn install_panic_hook() {
    use std::sync::atomic::{AtomicBool, Ordering};
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    // The hook cannot be changed while a panic unwinds (a test harness may call us then).
    if std::thread::panicking() || INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        console_error(&format!("nextnumber: internal error (please report it with the scenario): {info}"));
        previous(info);
    }));
}
