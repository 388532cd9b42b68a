//! Words and numbers for people, shared by the components (and the panic report): no Yew
//! here, so they can be tested as plain functions.

use nextnumber_core::config::{LatencyPreset, ALL_PRESETS};
use nextnumber_core::customer::Outcome;
use nextnumber_core::replica::Role;
use nextnumber_core::view::{BranchView, Progress, QuorumView, RequestView, Tally};
use nextnumber_core::RequestId;

/// The essay's word for a role.
pub fn role_name(b: &BranchView) -> &'static str {
    match (b.up, b.role) {
        (false, _) => "closed (down)",
        (true, Role::Leader) => "Main Office",
        (true, Role::Candidate) => "candidate",
        (true, Role::Follower) => "branch",
    }
}

/// Everything the map shows about a branch, as one sentence for screen readers.
pub fn branch_status(b: &BranchView) -> String {
    format!("Branch {}: {}", b.id, branch_facts(b))
}

/// A map branch's accessible name: the words it shows (`visible`), first, so that a
/// voice-control user can say what they see, then what the picture says without words.
pub fn branch_label(visible: &str, b: &BranchView) -> String {
    format!("{visible}: branch {}, {}", b.id, branch_facts(b))
}

/// "Main Office, term 3, last Number 12, reaches a majority".
fn branch_facts(b: &BranchView) -> String {
    let reach = match (b.up, b.reaches_majority) {
        (false, _) => String::new(),
        (true, true) => ", reaches a majority".to_string(),
        (true, false) => format!(", cut off from the majority: read-only; reaches {}", tally_text(&b.reach, true)),
    };
    let votes = b.votes.as_ref().map(|v| format!(", votes from {}", tally_text(v, false))).unwrap_or_default();
    format!("{}, term {}, last Number {}{votes}{reach}", role_name(b), b.term.0, b.last_number.0)
}

/// "A, B: 2 of 5, 3 needed" (out of all branches) or "A, B: 2 (3 needed)": a count that has
/// passed what is needed ("5 (3 needed)") reads as plainly as one short of it.
pub fn tally_text(t: &Tally, of_all: bool) -> String {
    let names: Vec<String> = t.have.iter().map(|b| b.to_string()).collect();
    let who = if names.is_empty() { "none".to_string() } else { names.join(", ") };
    if of_all {
        format!("{who}: {} of {}, {} needed", t.have.len(), t.of, t.needed)
    } else {
        format!("{who}: {} ({} needed)", t.have.len(), t.needed)
    }
}

/// "slot 7 at A: filed at A, B: 2 (3 needed); A has heard back from B".
pub fn quorum_text(q: &QuorumView) -> String {
    let heard: Vec<String> = q.acked.have.iter().filter(|b| **b != q.branch).map(|b| b.to_string()).collect();
    let heard = if heard.is_empty() { "no one yet".to_string() } else { and_list(&heard) };
    format!(
        "slot {} at {}: filed at {}; {} has heard back from {heard}",
        q.index,
        q.branch,
        tally_text(&q.filed, false),
        q.branch
    )
}

/// Simulated time for people: "850 ms", "12.5 s", "1 h 02 min". Integers only (float
/// formatting costs kilobytes of wasm).
pub fn fmt_ms(ms: u64) -> String {
    match ms {
        0..=9_999 => format!("{ms} ms"),
        10_000..=599_999 => format!("{}.{} s", ms / 1_000, ms % 1_000 / 100),
        600_000..=3_599_999 => format!("{} min {:02} s", ms / 60_000, ms % 60_000 / 1_000),
        _ => format!("{} h {:02} min", ms / 3_600_000, ms % 3_600_000 / 60_000),
    }
}

/// A preset's name for people.
pub fn preset_label(p: LatencyPreset) -> &'static str {
    match p {
        LatencyPreset::Datacenter => "datacenter (10–15 ms)",
        LatencyPreset::Street => "across the street (10–14 s)",
        LatencyPreset::Horse => "horseback (10–14 min)",
        LatencyPreset::Pigeon => "pigeon mail (about 1 h)",
        LatencyPreset::EuropeAsia => "Europe–Asia (120–180 ms)",
        LatencyPreset::EarthMoon => "Earth–Moon (1.3–1.4 s)",
    }
}

/// The preset a latency range is, if any.
pub fn preset_of(min: u64, max: u64) -> Option<LatencyPreset> {
    ALL_PRESETS.into_iter().find(|p| p.latency_ms() == (min, max))
}

/// A latency for a link's label on the map: the preset's short name, or the range.
pub fn preset_short(min: u64, max: u64) -> String {
    match preset_of(min, max) {
        Some(LatencyPreset::Datacenter) => "datacenter".into(),
        Some(LatencyPreset::Street) => "street".into(),
        Some(LatencyPreset::Horse) => "horse".into(),
        Some(LatencyPreset::Pigeon) => "pigeon".into(),
        Some(LatencyPreset::EuropeAsia) => "Europe–Asia".into(),
        Some(LatencyPreset::EarthMoon) => "Earth–Moon".into(),
        None => format!("{}–{}", fmt_ms(min), fmt_ms(max)),
    }
}

/// "A, B and C".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Where the request stands, in words.
pub fn state_text(r: &RequestView) -> String {
    let state = match (&r.result, r.progress) {
        (Some(Outcome::Number { number }), _) => format!("answered: Number {number}"),
        (Some(Outcome::Read { read, linearizable: true }), _) => format!("latest Number {read} (linearizable)"),
        (Some(Outcome::Read { read, .. }), _) => match r.stale_by {
            Some(0) => format!("latest Number {read} (stale read, but nothing newer was issued yet)"),
            None => format!("latest Number {read} (stale read; how stale is no longer known)"),
            Some(1) => format!("latest Number {read} (stale: 1 Number behind)"),
            Some(k) => format!("latest Number {read} (stale: {k} Numbers behind)"),
        },
        (Some(Outcome::Error { error }), _) => format!("refused: {error}"),
        (None, Some(Progress::AtDesk { branch })) => format!("waiting at the desk of {branch}"),
        (None, Some(Progress::Forwarded { from, to })) => format!("forwarded {from}→{to}"),
        (None, Some(Progress::WaitingForQuorum { branch, index })) => match &r.quorum {
            Some(q) => format!("waiting for a majority: {}", quorum_text(q)),
            None => format!("waiting for a majority at {branch} (register slot {index})"),
        },
        (None, Some(Progress::Confirming { branch })) => format!("{branch} confirms it still leads"),
        (None, Some(Progress::Answering { from, to })) => format!("answer on its way {from}→{to}"),
        (None, None) => "timed out: outcome unknown".to_string(),
    };
    let tries = if r.attempts > 1 { format!(" · {} tries", r.attempts) } else { String::new() };
    let took = match (r.complete, r.critical) {
        (Some(_), Some(c)) => {
            let trips = if c.trips == 1 { "trip" } else { "trips" };
            format!(" · {} one-way {trips}, {}", c.trips, fmt_ms(c.ms))
        }
        (Some(done), None) if r.result.is_some() => format!(" · {}", fmt_ms(done - r.invoke)),
        _ => String::new(),
    };
    format!("{state}{tries}{took}")
}

/// The most waiting customers the inspector names; the rest are counted.
const WAITING_NAMED: usize = 12;

/// "c1-4, c2-1, … and 5300 more": a Main Office behind slow links can hold thousands of
/// waiting customers, and one paragraph naming them all cost Chromium a long layout at each
/// redraw.
pub fn waiting_text(waiting: &[RequestId]) -> String {
    let named: Vec<String> = waiting.iter().take(WAITING_NAMED).map(|r| r.to_string()).collect();
    match waiting.len().checked_sub(WAITING_NAMED).filter(|&more| more > 0) {
        Some(more) => format!("{} and {more} more", named.join(", ")),
        None => named.join(", "),
    }
}
