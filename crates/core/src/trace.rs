//! One line per event, in one fixed format: `<tick> <who> <verb> <detail>`, tick
//! right-aligned in simulated ms. The CLI prints it, the page's event log shows it, and the
//! determinism tests hash it.
//!
//! A line is kept as data ([`Line`]) and formatted only when something reads it: formatting
//! was two thirds of the page's simulation time in a busy run (Chromium's CPU profile, 9
//! branches at 60 customers a second: `Trace::line` 2.6 of 3.9 s), while the page shows
//! only the last few hundred lines. A hashed trace (the CLI, the tests, the JS API) still
//! formats every line, since its hash is over the text.

use crate::action::Action;
use crate::ids::{NodeId, Tick};
use crate::msg::Message;
use crate::replica::Note;
use crate::spacetime::DropReason;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt::{self, Write};

#[derive(Clone, Debug, Default)]
pub struct Trace {
    enabled: bool,
    /// Every line is formatted and hashed (off for the page's tail-only trace).
    hashed: bool,
    /// How many recent lines to keep (the hash covers all of them).
    keep: usize,
    lines: VecDeque<Line<'static>>,
    hash: u64,
    count: u64,
    /// Lines are also printed to stdout as they happen (the CLI's --trace).
    pub echo: bool,
}

/// Who a line is about: a branch, a message's hop, or the visitor.
#[derive(Clone, Copy, Debug)]
pub enum Who {
    Branch(NodeId),
    Hop(NodeId, NodeId),
    Visitor,
}

impl fmt::Display for Who {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Who::Branch(b) => write!(f, "{b}"),
            Who::Hop(from, to) => write!(f, "{from}→{to}"),
            Who::Visitor => f.write_str("act"),
        }
    }
}

/// What a line says. Messages are borrowed while the line is only hashed, and copied only
/// when it is kept.
#[derive(Clone, Debug)]
pub enum Said<'a> {
    Note(Note),
    Send { id: u64, msg: Cow<'a, Message>, arrive: Tick },
    Drop { msg: Cow<'a, Message>, why: DropReason },
    Deliver { id: u64, msg: Cow<'a, Message> },
    Action(Cow<'a, Action>),
    Text(String),
}

impl Said<'_> {
    fn into_owned(self) -> Said<'static> {
        let own = |m: Cow<'_, Message>| Cow::Owned(m.into_owned());
        match self {
            Said::Note(n) => Said::Note(n),
            Said::Send { id, msg, arrive } => Said::Send { id, msg: own(msg), arrive },
            Said::Drop { msg, why } => Said::Drop { msg: own(msg), why },
            Said::Deliver { id, msg } => Said::Deliver { id, msg: own(msg) },
            Said::Action(a) => Said::Action(Cow::Owned(a.into_owned())),
            Said::Text(s) => Said::Text(s),
        }
    }
}

impl fmt::Display for Said<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Said::Note(note) => write!(f, "{note}"),
            Said::Send { id, msg, arrive } => write!(f, "#{id} {msg} arrives={}", arrive.0),
            Said::Drop { msg, why } => write!(f, "{msg} ({})", why.name()),
            Said::Deliver { id, msg } => write!(f, "#{id} {msg}"),
            Said::Action(action) => write!(f, "{action}"),
            Said::Text(s) => f.write_str(s),
        }
    }
}

/// One event of the trace, as data; its `Display` is the line.
#[derive(Clone, Debug)]
pub struct Line<'a> {
    pub tick: Tick,
    pub who: Who,
    pub verb: &'static str,
    pub said: Said<'a>,
}

impl fmt::Display for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `who` is padded as text: a hop is two names and an arrow.
        write!(f, "{:>10} {:<4} {:<8} {}", self.tick.0, self.who.to_string(), self.verb, self.said)
    }
}

pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a: stable across platforms and Rust versions, unlike `DefaultHasher`.
pub fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, b| (h ^ *b as u64).wrapping_mul(FNV_PRIME))
}

impl Trace {
    /// Hashes every line and keeps the last `keep` (the CLI, the tests, the JS API).
    pub fn enable(&mut self, keep: usize) {
        self.enable_tail(keep);
        self.hashed = true;
        if self.hash == 0 {
            self.hash = FNV_OFFSET;
        }
    }

    /// Keeps the last `keep` lines as data and hashes nothing: the page's event log, which
    /// formats the few lines it shows.
    pub fn enable_tail(&mut self, keep: usize) {
        self.enabled = true;
        self.keep = keep;
    }

    /// Never without the `recorders` feature: every recording call sits behind this test,
    /// so the compiler leaves them all out.
    pub fn enabled(&self) -> bool {
        cfg!(feature = "recorders") && self.enabled
    }

    pub fn line(&mut self, line: Line<'_>) {
        self.count += 1;
        if self.hashed || self.echo {
            let mut s = String::with_capacity(64);
            let _ = write!(s, "{line}");
            self.hash = fnv1a(fnv1a(self.hash, s.as_bytes()), b"\n");
            // wasm32 has no stdout: leaving the print out keeps std's stdout out of the page.
            #[cfg(not(target_arch = "wasm32"))]
            if self.echo {
                println!("{s}");
            }
        }
        if self.keep > 0 {
            if self.lines.len() == self.keep {
                self.lines.pop_front();
            }
            self.lines.push_back(Line { said: line.said.into_owned(), ..line });
        }
    }

    /// The hash of every line so far (equal hashes mean identical runs), if this trace
    /// hashes its lines.
    pub fn hash(&self) -> u64 {
        debug_assert!(self.hashed || !self.enabled, "a tail-only trace has no hash");
        self.hash
    }
    pub fn count(&self) -> u64 {
        self.count
    }
    /// The lines kept, oldest first, each formatted as it is read.
    pub fn lines(&self) -> impl DoubleEndedIterator<Item = String> + '_ {
        self.lines.iter().map(Line::to_string)
    }
}
