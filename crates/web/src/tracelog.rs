//! The event log's text: the core's trace lines that pass the visitor's filter, newest
//! first. No Yew here: the model (state.rs) keeps the text, the event log panel
//! (components/eventlog.rs) shows it.

use nextnumber_core::Simulation;

/// What the log shows: lines containing `text` (any case), of branch `branch`, of kind
/// `verb`; an empty field filters nothing.
#[derive(Clone, Default, PartialEq)]
pub struct LogFilter {
    pub text: String,
    pub branch: String,
    pub verb: String,
}

/// The log shows at most this many lines.
const SHOWN: usize = 200;

/// Does a line concern branch `b` (as the actor or either end of a hop)?
fn about(who: &str, b: &str) -> bool {
    who == b || who.split('→').any(|x| x == b)
}

/// The latest `SHOWN` trace lines that pass the filter, newest first, one per line.
pub fn log_text(sim: &Simulation, filter: &LogFilter) -> String {
    let LogFilter { text, branch, verb } = filter;
    let needle = text.to_ascii_lowercase();
    let mut out: Vec<String> = Vec::with_capacity(SHOWN);
    // Newest first; each line is formatted as it is read (trace.rs), so only these are.
    for line in sim.trace().lines().rev() {
        let mut words = line.split_whitespace();
        let (_, who, v) = (words.next(), words.next().unwrap_or(""), words.next().unwrap_or(""));
        if (!branch.is_empty() && !about(who, branch))
            || (!verb.is_empty() && v != verb.as_str())
            || (!needle.is_empty() && !line.to_ascii_lowercase().contains(&needle))
        {
            continue;
        }
        out.push(line);
        if out.len() == SHOWN {
            break;
        }
    }
    out.join("\n")
}
