//! "Shrink this failure": on a run whose checkers find an invariant broken, the core's
//! `shrink` (the same as `nextnumber shrink`) looks for the smallest run that still breaks
//! the same invariants, in the check's worker (worker.rs) so the page keeps moving, with
//! its progress and Cancel; the result is shown as its scenario text and its link.

use crate::state::Msg;
use crate::worker::{self, Check, Shrunk, Update};
use nextnumber_core::model::thousands;
use nextnumber_core::permalink;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The run's own link, or why it has none.
    pub link: Result<Rc<str>, Rc<str>>,
    pub now: u64,
    pub send: Callback<Msg>,
}

#[derive(Clone, PartialEq)]
enum Status {
    Idle,
    Running { runs: u64, actions: u64 },
    Done(Shrunk),
    Failed(String),
}

#[function_component(ShrinkPanel)]
pub fn shrink_panel(props: &Props) -> Html {
    let status = use_state(|| Status::Idle);
    let job = use_mut_ref(|| None::<Check>);
    let start = {
        let (status, job, link, now) = (status.clone(), job.clone(), props.link.clone(), props.now);
        Callback::from(move |_: MouseEvent| {
            let Ok(link) = &link else { return };
            let setter = status.setter();
            let tell: worker::Callback = Rc::new(move |u| setter.set(status_of(u)));
            *job.borrow_mut() = None;
            match worker::start_shrink(link, now, tell) {
                Ok(c) => {
                    *job.borrow_mut() = Some(c);
                    status.set(Status::Running { runs: 0, actions: 0 });
                }
                Err(e) => status.set(Status::Failed(e)),
            }
        })
    };
    let cancel = {
        let (status, job) = (status.clone(), job.clone());
        Callback::from(move |_: MouseEvent| {
            *job.borrow_mut() = None;
            status.set(Status::Idle);
        })
    };
    html! {
        <section class="panel shrink" aria-labelledby="shrink-title">
            <h2 id="shrink-title">{ "Shrink this failure" }</h2>
            <p class="hint">
                { "Looks for the smallest run that still breaks the same invariants: fewer actions, fewer branches, default settings, a shorter run, each tried from scratch with the same seed." }
            </p>
            if matches!(*status, Status::Running { .. }) {
                <button type="button" onclick={cancel}>{ "Cancel" }</button>
            } else {
                <button type="button" disabled={props.link.is_err()} onclick={start}>{ "Shrink" }</button>
            }
            { view(&status, &props.send) }
        </section>
    }
}

fn status_of(u: Update) -> Status {
    match u {
        Update::ShrinkProgress { runs, actions } => Status::Running { runs, actions },
        Update::Shrunk(s) => Status::Done(s),
        Update::Failed(e) => Status::Failed(e),
        Update::Progress { .. } | Update::Done(_) => Status::Failed("the worker answered a check".into()),
    }
}

fn view(status: &Status, send: &Callback<Msg>) -> Html {
    match status {
        Status::Idle => html! {},
        Status::Running { runs, actions } => html! {
            <p role="status">
                { format!("Shrinking: {} runs tried, the smallest failing run so far has {actions} actions.", thousands(*runs as usize)) }
            </p>
        },
        Status::Failed(e) => html! { <p class="error" role="alert">{ format!("The shrink failed: {e}") }</p> },
        Status::Done(s) => done(s, send),
    }
}

fn done(s: &Shrunk, send: &Callback<Msg>) -> Html {
    let open = {
        let (send, link) = (send.clone(), s.link.clone());
        Callback::from(move |_: MouseEvent| match permalink::decode(&link) {
            Ok(scenario) => send.emit(Msg::Open { scenario: Box::new(scenario), at: None, push: true }),
            Err(e) => send.emit(Msg::Refused(format!("That run cannot be opened: {e}"))),
        })
    };
    let smaller = if s.exhausted { " (the budget of runs ran out: a smaller one may exist)" } else { "" };
    let (goal, runs, ms) = (s.goal.join(" "), thousands(s.runs as usize), thousands(s.ms as usize));
    let said = if s.actions < s.actions_before {
        format!(
            "{} actions instead of {}, still breaking {goal}, found in {runs} runs ({ms} ms){smaller}.",
            s.actions, s.actions_before
        )
    } else {
        format!(
            "No smaller run found that still breaks {goal}: its {} actions stay ({runs} runs tried, {ms} ms){smaller}.",
            s.actions
        )
    };
    html! {
        <div class="outcome">
            <p class="verdict broken" role="status">{ said }</p>
            <p class="hint">{ "The smallest failing run found, in the scenario format:" }</p>
            <pre class="shrunk">{ s.scenario.clone() }</pre>
            <p>
                <button type="button" onclick={open}>{ "Open it" }</button>
                { " " }
                <a class="shrunk-link" href={format!("#{}", s.link)}>{ "Link to the smallest run" }</a>
            </p>
        </div>
    }
}
