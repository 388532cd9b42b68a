//! A bug must never leave a frozen or blank page. The panic hook logs the panic to the
//! console (as Yew's default hook does) and then, with plain DOM calls, puts a panel over
//! the page with the seed and the actions of the run, so the failure can be reported and
//! replayed. The wasm instance is dead after a panic (panic = "abort"): the panel is
//! static, and the animation loop stops when it sees `panicked()`.

use std::cell::{Cell, RefCell};

thread_local! {
    static RUN: RefCell<String> = const { RefCell::new(String::new()) };
    static ACTIONS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static PANICKED: Cell<bool> = const { Cell::new(false) };
}

/// The report keeps this many of the latest actions.
const MAX_ACTIONS: usize = 500;

fn on_panic(info: &std::panic::PanicHookInfo) {
    PANICKED.with(|p| p.set(true));
    console_error_panic_hook::hook(info);
    show(&info.to_string());
}

/// Yew installs its own hook when it renders, unless it is given one.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(on_panic));
}

/// `#crash-test` in the address: the first frame panics, so the end-to-end test can see
/// the error panel.
pub fn crash_test_requested() -> bool {
    web_sys::window().and_then(|w| w.location().hash().ok()).is_some_and(|h| h == "#crash-test")
}

pub fn panicked() -> bool {
    PANICKED.with(Cell::get)
}

/// A new run began: remember what it is made of, in the scenario file's words (every
/// setting that differs from the default, its latency and loss included).
pub fn note_run(config: &nextnumber_core::Config, seed: u64) {
    let scenario = nextnumber_core::Scenario {
        name: None,
        config: config.clone(),
        seed: Some(seed),
        actions: Vec::new(),
        run_until: None,
        counterexample: None,
    };
    // Without the format's header line, so the seed comes first, as the panel shows it.
    let text = scenario.to_text();
    let run = text.split_once('\n').map_or("", |(_, rest)| rest).trim_end().to_string();
    RUN.with(|r| *r.borrow_mut() = run);
    ACTIONS.with(|a| a.borrow_mut().clear());
}

/// An action took effect.
pub fn note_action(text: &str) {
    ACTIONS.with(|a| {
        let mut a = a.borrow_mut();
        if a.len() == MAX_ACTIONS {
            a.remove(0);
        }
        a.push(text.to_string());
    });
}

/// The report: the panic and the run, in the scenario file's words.
pub fn report(message: &str) -> String {
    let run = RUN.with(|r| r.borrow().clone());
    let actions = ACTIONS.with(|a| a.borrow().join("\n"));
    format!("The page stopped with an error: {message}\n\n# nextnumber run to replay\n{run}\n# actions, oldest first\n{actions}\n")
}

fn show(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if doc.get_element_by_id("crash").is_some() {
        return; // a second panic from a dead instance: the panel is already up
    }
    let seed = RUN.with(|r| r.borrow().lines().next().unwrap_or("").to_string());
    // Inside the panic hook: nothing here may panic again (nor format a `Debug`, which
    // would ship its escaping code in the page).
    let Ok(template) = doc.create_element("div") else { return };
    let el = |tag: &str, text: &str| {
        let e = doc.create_element(tag).unwrap_or_else(|_| template.clone());
        e.set_text_content(Some(text));
        e
    };
    let panel = el("div", "");
    panel.set_id("crash");
    let _ = panel.set_attribute("role", "alertdialog");
    let _ = panel.set_attribute("aria-labelledby", "crash-title");
    let title = el("h2", "Something broke inside the simulation");
    title.set_id("crash-title");
    let what = el(
        "p",
        &format!(
            "This is a bug in the page, not something you did. The run ({seed}) stopped: please send the report below to whoever runs this page, so the run can be replayed."
        ),
    );
    let text = el("textarea", &report(message));
    let _ = text.set_attribute("readonly", "");
    let _ = text.set_attribute("aria-label", "Error report");
    let _ = text.set_attribute("rows", "10");
    let again = el("a", "Start the page again");
    let _ = again.set_attribute("href", "");
    for child in [&title, &what, &text, &again] {
        let _ = panel.append_child(child);
    }
    if let Some(body) = doc.body() {
        let _ = body.append_child(&panel);
    }
}
