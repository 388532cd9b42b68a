//! The read API both classes share. A `Simulation` and a `Timeline` both stand at one moment
//! of one run, so what they tell of it (the cluster, the checkers, the counts, the hashes,
//! the run as a scenario or a link) is the same code, written once: `read_api!` emits one
//! more `#[wasm_bindgen] impl` block (wasm-bindgen allows several per class) for each class,
//! over the `Reads` trait that says which simulation and which scenario a class reads.

use super::convert::{link_of, seed_to_js, to_ts};
use super::report::check_report;
use super::report::CheckReport;
use super::{JsTimeline, Simulation};
use crate::scenario::Scenario;
use wasm_bindgen::prelude::*;

/// What a class reads from: implemented by both classes, used only by `read_api!`.
trait Reads {
    /// The simulation at the present moment: a `Simulation`'s own, a `Timeline`'s cursor.
    fn sim(&self) -> &crate::sim::Simulation;
    /// The run as a scenario, for `scenario()` and `link()`: a `Simulation`'s run so far, a
    /// `Timeline`'s whole branch of history (its log, run to its end, past the present).
    fn run_as_scenario(&self) -> Scenario;
}

impl Reads for Simulation {
    fn sim(&self) -> &crate::sim::Simulation {
        self.inner()
    }
    fn run_as_scenario(&self) -> Scenario {
        self.inner().to_scenario()
    }
}

impl Reads for JsTimeline {
    fn sim(&self) -> &crate::sim::Simulation {
        self.inner().sim()
    }
    fn run_as_scenario(&self) -> Scenario {
        self.inner().scenario()
    }
}

/// The shared read methods, as one `#[wasm_bindgen] impl` block of the class `$js`.
macro_rules! read_api {
    ($rust:ident, $js:literal) => {
        #[wasm_bindgen(js_class = $js)]
        impl $rust {
            /// The whole cluster as the page draws it (a `Timeline`'s at its present moment):
            /// branches, links, messages in flight, recent requests.
            pub fn view(&self) -> Result<tsify::Ts<crate::sim::view::View>, JsError> {
                to_ts(&self.sim().view())
            }

            /// Every checker on the run up to the present moment (the core's one report):
            /// `{ ok, invariants: [{code, title, checked, ok, violations, judgement: "holds" |
            /// "broken" | "notJudged", since, why}], violations: [...], sometimes: {...} }`.
            /// `checked` is false while an invariant is not judged yet (L1, until a majority
            /// has been alive and connected for its bound).
            pub fn check(&self) -> Result<tsify::Ts<CheckReport<'static>>, JsError> {
                check_report(self.sim())
            }

            /// `{ events, messagesSent, messagesDelivered, messagesDropped, ticks }`.
            pub fn stats(&self) -> Result<tsify::Ts<crate::sim::Stats>, JsError> {
                to_ts(&self.sim().stats())
            }

            /// The seed: a number when below 2^53, otherwise a `BigInt`.
            #[wasm_bindgen(unchecked_return_type = "number | bigint")]
            pub fn seed(&self) -> JsValue {
                seed_to_js(self.sim().seed())
            }

            /// The present moment, in simulated ms.
            pub fn now(&self) -> f64 {
                self.sim().now().0 as f64
            }

            /// The history up to the present moment (format nextnumber-history/1) as JSON
            /// text, for `nextnumber check`; `JSON.parse` gives a `History`.
            pub fn history(&self) -> String {
                self.sim().history().to_json()
            }

            /// The history hash up to the present moment (16 hex digits): what `nextnumber
            /// run` prints for the same run.
            #[wasm_bindgen(js_name = historyHash)]
            pub fn history_hash(&self) -> String {
                self.sim().history().hash_hex()
            }

            /// The hash of every trace line up to the present moment, as 16 hex digits
            /// ("0000000000000000" if the trace is off; it is on from the start with the
            /// option `trace`, or from `Simulation.enableTrace`).
            #[wasm_bindgen(js_name = traceHash)]
            pub fn trace_hash(&self) -> String {
                format!("{:016x}", self.sim().trace().hash())
            }

            /// The last kept trace lines up to the present moment, oldest first.
            #[wasm_bindgen(js_name = traceLines)]
            pub fn trace_lines(&self) -> Vec<String> {
                self.sim().trace().lines().collect()
            }

            /// The run as scenario text, which `new Simulation({ scenario })` reproduces: a
            /// `Simulation`'s run so far; a `Timeline`'s whole branch of history, run to its end.
            pub fn scenario(&self) -> String {
                self.run_as_scenario().to_text()
            }

            /// The permalink of `scenario()`: `base#nextnumber/1;…;end`, or without `base`
            /// just the part after `#`.
            pub fn link(&self, base: Option<String>) -> Result<String, JsValue> {
                link_of(&self.run_as_scenario(), base)
            }
        }
    };
}

read_api!(Simulation, "Simulation");
read_api!(JsTimeline, "Timeline");
