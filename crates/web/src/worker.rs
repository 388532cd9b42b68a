//! The page's side of the "What could go wrong from here?" check: it runs in a module
//! worker (web/model-worker.js) that loads the JS package (pkg/) only when a check starts,
//! so a visit costs no byte more and the map keeps animating while the search runs. A
//! [`Check`] owns its worker; dropping it terminates the worker, which is how a check is
//! cancelled (or replaced by a new one).

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// What the worker says.
#[derive(Clone, Debug, PartialEq)]
pub enum Update {
    Progress {
        depth: u64,
        states: u64,
        per_second: u64,
    },
    Done(Outcome),
    Failed(String),
    /// A shrink's runs so far, and the actions of the smallest failing run found.
    ShrinkProgress {
        runs: u64,
        actions: u64,
    },
    Shrunk(Shrunk),
}

/// A finished shrink, as the core's `shrinkRun` says it.
#[derive(Clone, Debug, PartialEq)]
pub struct Shrunk {
    /// The smallest failing run found: its text and its link (after `#`).
    pub scenario: String,
    pub link: String,
    /// The codes of the invariants it still breaks.
    pub goal: Vec<String>,
    pub actions_before: u64,
    pub actions: u64,
    pub runs: u64,
    pub exhausted: bool,
    pub ms: u64,
}

/// A finished check, as the core's `ModelCheck.result()` words it.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// "violation", "safe" or "capped".
    pub verdict: String,
    pub summary: String,
    pub bounds: String,
    pub ms: u64,
    pub violation: Option<Found>,
}

/// The shortest counterexample found.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// The broken invariant's code and title (none for a branch's own invariant).
    pub named: Option<String>,
    /// Each step in words.
    pub steps: Vec<String>,
    /// The link that replays it (the run up to the moment, then the steps), or why it
    /// cannot be played on the run.
    pub link: Result<String, String>,
}

/// A check under way: its worker and the handlers that must live as long as it does.
pub struct Check {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for Check {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Starts a check of the run `link` at tick `now` within `bounds` (the options of the core's
/// `ModelCheck`, as name and whole number pairs; `drops` is a switch).
pub fn start(link: &str, now: u64, bounds: &[(&str, u32)], drops: bool, tell: Callback) -> Result<Check, String> {
    let msg = Object::new();
    set(&msg, "run", &JsValue::from_str(link));
    set(&msg, "tick", &JsValue::from_f64(now as f64));
    for (name, value) in bounds {
        set(&msg, name, &JsValue::from_f64(f64::from(*value)));
    }
    set(&msg, "drops", &JsValue::from_bool(drops));
    spawn(&msg, tell)
}

/// Starts shrinking the run `link` up to tick `now` (the core's `shrink`), in the same kind
/// of worker: dropping the returned `Check` cancels it.
pub fn start_shrink(link: &str, now: u64, tell: Callback) -> Result<Check, String> {
    let msg = Object::new();
    set(&msg, "kind", &JsValue::from_str("shrink"));
    set(&msg, "run", &JsValue::from_str(link));
    set(&msg, "tick", &JsValue::from_f64(now as f64));
    spawn(&msg, tell)
}

/// A worker running web/model-worker.js, told `msg`; what it says goes to `tell`.
fn spawn(msg: &Object, tell: Callback) -> Result<Check, String> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = Worker::new_with_options("model-worker.js", &options).map_err(|e| describe(&e))?;
    let told = tell.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| told(read(&e.data())));
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        tell(Update::Failed(
            "the check's worker could not start (is pkg/ beside the page? `make dist` puts it there)".into(),
        ))
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    worker.post_message(msg).map_err(|e| describe(&e))?;
    Ok(Check { worker, _on_message: on_message, _on_error: on_error })
}

pub type Callback = std::rc::Rc<dyn Fn(Update)>;

fn set(o: &Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

fn text(o: &JsValue, k: &str) -> String {
    get(o, k).as_string().unwrap_or_default()
}

/// Whole numbers only: the page carries no float formatting (SETUP.md, its bytes).
fn whole(o: &JsValue, k: &str) -> u64 {
    get(o, k).as_f64().map_or(0, |x| x as u64)
}

fn describe(e: &JsValue) -> String {
    e.as_string().unwrap_or_else(|| text(e, "message"))
}

fn read(data: &JsValue) -> Update {
    match text(data, "kind").as_str() {
        "progress" => Update::Progress {
            depth: whole(data, "depth"),
            states: whole(data, "states"),
            per_second: whole(data, "perSecond"),
        },
        "done" => Update::Done(outcome(&get(data, "result"), whole(data, "ms"))),
        "shrink-progress" => Update::ShrinkProgress { runs: whole(data, "runs"), actions: whole(data, "actions") },
        "shrunk" => Update::Shrunk(shrunk(&get(data, "result"), whole(data, "ms"))),
        _ => Update::Failed(text(data, "message")),
    }
}

fn outcome(r: &JsValue, ms: u64) -> Outcome {
    let v = get(r, "violation");
    let violation = (!v.is_null() && !v.is_undefined()).then(|| {
        let named = get(&v, "code").as_string().map(|code| format!("{code} ({})", text(&v, "title")));
        let steps = Array::from(&get(&v, "steps")).iter().filter_map(|s| s.as_string()).collect();
        let link = get(&v, "link").as_string().ok_or_else(|| text(&v, "unplayable"));
        Found { named, steps, link }
    });
    Outcome { verdict: text(r, "verdict"), summary: text(r, "summary"), bounds: text(r, "bounds"), ms, violation }
}

fn shrunk(r: &JsValue, ms: u64) -> Shrunk {
    Shrunk {
        scenario: text(r, "scenario"),
        link: text(r, "link"),
        goal: Array::from(&get(r, "goal")).iter().filter_map(|s| s.as_string()).collect(),
        actions_before: whole(r, "actionsBefore"),
        actions: whole(r, "actions"),
        runs: whole(r, "runs"),
        exhausted: get(r, "exhausted").as_bool().unwrap_or(false),
        ms,
    }
}
