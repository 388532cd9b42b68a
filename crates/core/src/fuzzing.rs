//! The bodies of the fuzz targets (`fuzz/fuzz_targets/*.rs`, cargo-fuzz on nightly), here
//! so that `crates/core/tests/fuzz_corpus.rs` replays the committed corpora on stable
//! through the very same code: the two cannot drift apart.
//!
//! Each function takes arbitrary bytes and panics only on a real bug: a panic in the code
//! under test, or a property of that code that does not hold.

use crate::config::{Config, RequestPath, ALL_VARIANTS};
use crate::ids::*;
use crate::msg::{Answer, AppendEntries, Ask, Entry, EntryKind, Message, Op};
use crate::replica::{Input, Replica, MAX_ENTRIES_PER_APPEND};
use crate::{check_history, permalink, History, Scenario};

/// The scenario decoders, of files and the CLI (`Scenario::parse`) and of permalinks
/// (`permalink::decode`, what the page reads from its address): any text gives a scenario or
/// an error, and an accepted scenario survives a round trip through its text and its link.
pub fn scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(s) = Scenario::parse(text) {
        round_trip(&s);
    }
    if let Ok(s) = permalink::decode(text) {
        round_trip(&s);
    }
}

fn round_trip(s: &Scenario) {
    let printed = s.to_text();
    let again =
        Scenario::parse(&printed).unwrap_or_else(|e| panic!("a printed scenario does not parse: {e}\n{printed}"));
    assert_eq!(again, *s, "a scenario changed in a round trip through\n{printed}");
    // A scenario too long for a link may refuse to become one, but a link must open.
    if let Ok(link) = permalink::encode(s) {
        let opened =
            permalink::decode(&link).unwrap_or_else(|e| panic!("a scenario's own link does not open: {e}\n{link}"));
        assert_eq!(opened, *s, "a scenario changed in a round trip through its link\n{link}");
    }
}

/// The history-file parser and the checkers behind `nextnumber check`: any bytes give a
/// verdict or an error.
pub fn history(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(h) = History::from_json(text) {
        let _ = check_history(&h);
    }
}

/// At most this many inputs per run: longer runs find little more and slow the fuzzer.
pub const MAX_REPLICA_STEPS: usize = 256;

/// One branch fed arbitrary messages (from peers, from itself, from branches that do not
/// exist), timeouts, customers and fires: it may refuse what it gets, but it must never
/// panic nor break its own invariants ([`Replica::invariants`]).
///
/// The bytes are read as: branches, this branch, variants (a bit mask), then inputs of
/// one tag byte and its fields each, until the bytes run out.
pub fn replica_step(data: &[u8]) {
    let mut b = Bytes(data);
    let n = (b.u8() % MAX_BRANCHES as u8 + 1) as usize;
    let me = NodeId(b.u8() % n as u8);
    let mask = b.u8();
    let variants = ALL_VARIANTS.into_iter().enumerate().filter(|(i, _)| mask >> i & 1 == 1).map(|(_, v)| v).collect();
    let path = if mask >> ALL_VARIANTS.len() & 1 == 1 { RequestPath::Direct } else { RequestPath::Forward };
    let config = Config { branches: n, variants, path, ..Config::default() };
    let mut replica = Replica::new(me, &config);
    let mut out = Vec::new();
    for k in 0..MAX_REPLICA_STEPS {
        if b.is_empty() {
            break;
        }
        // Senders A..P: up to 7 past the largest cluster, so non-peers arrive too.
        let from = NodeId(b.u8() % 16);
        match b.u8() % 10 {
            9 => replica.restart(&config),
            tag => replica.step(Tick(k as u64), input(tag, from, &mut b), &mut out),
        }
        out.clear();
        if let Err(e) = replica.invariants() {
            panic!("invariant broken after input {k}: {e}");
        }
    }
}

fn input(tag: u8, from: NodeId, b: &mut Bytes) -> Input {
    let msg = |msg| Input::Message { from, msg };
    match tag {
        0 => msg(Message::RequestVote { term: b.term(), last_log_index: b.index(), last_log_term: b.term() }),
        1 => msg(Message::Vote { term: b.term(), granted: b.bool() }),
        2 => {
            let (term, prev_index, prev_term) = (b.term(), b.index(), b.term());
            // A few entries mostly, so that one byte in 85 is not a long Append; now and then
            // a full Append, or one entry past the limit.
            let count = match b.u8() {
                c @ 0..=252 => usize::from(c % 8),
                253 => MAX_ENTRIES_PER_APPEND,
                _ => MAX_ENTRIES_PER_APPEND + 1,
            };
            let entries = (0..count)
                .map(|_| Entry {
                    term: b.term(),
                    kind: if b.bool() { EntryKind::Issue(b.request()) } else { EntryKind::Noop },
                    origin: b.bool().then(|| NodeId(b.u8() % 16)),
                })
                .collect();
            msg(Message::Append(AppendEntries {
                term,
                prev_index,
                prev_term,
                entries,
                commit: b.index(),
                round: b.u8().into(),
            }))
        }
        3 => {
            msg(Message::AppendAck { term: b.term(), success: b.bool(), match_index: b.index(), round: b.u8().into() })
        }
        4 => msg(Message::Forward(b.ask())),
        5 if b.bool() => msg(Message::Confirm { term: b.term(), index: b.index() }),
        5 => msg(Message::Reply {
            client: b.client(),
            attempt: b.u8().into(),
            answer: Answer::Number { number: SeqNum(b.u8().into()) },
        }),
        6 => Input::ElectionTimeout,
        7 => Input::HeartbeatTimeout,
        _ => Input::Ask(b.ask()),
    }
}

/// Reads fields off the front of the fuzzer's bytes; past the end every field is 0.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn u8(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
        self.0 = rest;
        first
    }
    fn bool(&mut self) -> bool {
        self.u8() & 1 == 1
    }
    fn term(&mut self) -> Term {
        Term(self.u8().into())
    }
    fn index(&mut self) -> LogIndex {
        LogIndex(self.u8().into())
    }
    fn client(&mut self) -> ClientId {
        ClientId(u32::from(self.u8() % 16) + 1)
    }
    fn request(&mut self) -> RequestId {
        RequestId { client: self.client(), seq: u32::from(self.u8() % 16) + 1 }
    }
    fn ask(&mut self) -> Ask {
        let client = self.client();
        let attempt = self.u8().into();
        let op =
            if self.bool() { Op::Issue(RequestId { client, seq: u32::from(self.u8() % 16) + 1 }) } else { Op::Read };
        Ask { client, attempt, op }
    }
}
