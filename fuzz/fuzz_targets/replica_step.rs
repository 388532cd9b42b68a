//! One branch fed arbitrary messages, timeouts and customers: it may refuse them, but it
//! must never panic nor break its own invariants (Replica::invariants).
#![no_main]
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use nextnumber_core::config::{Config, Variant};
use nextnumber_core::msg::{AppendEntries, Answer, Ask, Entry, EntryKind, Message, Op};
use nextnumber_core::replica::{Input, Replica};
use nextnumber_core::{ClientId, LogIndex, NodeId, RequestId, SeqNum, Term, Tick};

#[derive(Arbitrary, Debug)]
struct Run {
    branches: u8,
    me: u8,
    variant: u8,
    inputs: Vec<(u8, FuzzInput)>,
}

#[derive(Arbitrary, Debug)]
enum FuzzInput {
    RequestVote { term: u8, last_index: u8, last_term: u8 },
    Vote { term: u8, granted: bool },
    Append { term: u8, prev_index: u8, prev_term: u8, entries: Vec<(u8, Option<(u8, u8)>)>, commit: u8, round: u8 },
    AppendAck { term: u8, success: bool, match_index: u8, round: u8 },
    Forward { client: u8, attempt: u8, issue: Option<u8> },
    Reply { client: u8, number: u8 },
    ElectionTimeout,
    HeartbeatTimeout,
    Ask { client: u8, attempt: u8, issue: Option<u8> },
}

fn request(client: u8, seq: u8) -> RequestId {
    RequestId { client: ClientId(client as u32 + 1), seq: seq as u32 + 1 }
}

fn op(client: u8, issue: Option<u8>) -> Op {
    issue.map_or(Op::Read, |seq| Op::Issue(request(client, seq)))
}

fn input(i: FuzzInput, from: NodeId) -> Input {
    let t = |x: u8| Term(x as u64);
    let msg = |msg| Input::Message { from, msg };
    match i {
        FuzzInput::RequestVote { term, last_index, last_term } => msg(Message::RequestVote {
            term: t(term),
            last_log_index: LogIndex(last_index as u64),
            last_log_term: t(last_term),
        }),
        FuzzInput::Vote { term, granted } => msg(Message::Vote { term: t(term), granted }),
        FuzzInput::Append { term, prev_index, prev_term, entries, commit, round } => msg(Message::Append(AppendEntries {
            term: t(term),
            prev_index: LogIndex(prev_index as u64),
            prev_term: t(prev_term),
            entries: entries
                .into_iter()
                .map(|(term, r)| Entry {
                    term: t(term),
                    kind: r.map_or(EntryKind::Noop, |(c, s)| EntryKind::Issue(request(c, s))),
                })
                .collect(),
            commit: LogIndex(commit as u64),
            round: round as u64,
        })),
        FuzzInput::AppendAck { term, success, match_index, round } => msg(Message::AppendAck {
            term: t(term),
            success,
            match_index: LogIndex(match_index as u64),
            round: round as u64,
        }),
        FuzzInput::Forward { client, attempt, issue } => {
            msg(Message::Forward(Ask { client: ClientId(client as u32 + 1), attempt: attempt as u32, op: op(client, issue) }))
        }
        FuzzInput::Reply { client, number } => msg(Message::Reply {
            client: ClientId(client as u32 + 1),
            attempt: 1,
            answer: Answer::Number { number: SeqNum(number as u64) },
        }),
        FuzzInput::ElectionTimeout => Input::ElectionTimeout,
        FuzzInput::HeartbeatTimeout => Input::HeartbeatTimeout,
        FuzzInput::Ask { client, attempt, issue } => {
            Input::Ask(Ask { client: ClientId(client as u32 + 1), attempt: attempt as u32, op: op(client, issue) })
        }
    }
}

fuzz_target!(|run: Run| {
    let n = (run.branches % 9 + 1) as usize;
    let variants = match run.variant % 4 {
        0 => vec![],
        1 => vec![Variant::NoQuorum],
        2 => vec![Variant::NoDedup],
        _ => vec![Variant::VolatileVote],
    };
    let config = Config { branches: n, variants, ..Config::default() };
    let me = NodeId(run.me % n as u8);
    let mut replica = Replica::new(me, &config);
    let mut out = Vec::new();
    for (k, (from, i)) in run.inputs.into_iter().take(256).enumerate() {
        let from = NodeId(from % n as u8);
        replica.step(Tick(k as u64), input(i, from), &mut out);
        out.clear();
        if let Err(e) = replica.invariants() {
            panic!("invariant broken: {e}");
        }
    }
});
