//! What travels between branches, and what a branch says to a customer at its desk.

use crate::ids::*;
use serde::Serialize;
use std::fmt;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "kebab-case", tag = "kind", content = "request")]
pub enum EntryKind {
    /// Written by a new leader on taking office, so it can commit entries of older terms (§5.4.2).
    Noop,
    /// A customer's request for the next Number; the Number itself is chosen at apply time.
    Issue(RequestId),
    /// A certificate whose Number was stamped at the door before it was filed: only the
    /// unsafe variant `number-at-the-door` writes it.
    IssueAtDoor(RequestId, SeqNum),
}

impl EntryKind {
    /// The request an entry files, if any (a no-op files none).
    pub fn request(self) -> Option<RequestId> {
        match self {
            EntryKind::Noop => None,
            EntryKind::Issue(r) | EntryKind::IssueAtDoor(r, _) => Some(r),
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
pub struct Entry {
    pub term: Term,
    #[serde(flatten)]
    // A flattened enum: declared as the enum's type (an intersection), not as an interface
    // extending it, which TypeScript refuses for a union.
    #[cfg_attr(feature = "wasm", tsify(type = "EntryKind"))]
    pub kind: EntryKind,
    /// `path direct` only: the branch whose desk the customer waits at, to which every
    /// branch that files this entry in its own term confirms it (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub origin: Option<NodeId>,
}

/// What a customer asks for.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "op", content = "request")]
pub enum Op {
    Issue(RequestId),
    /// Filing a certificate whose Number the branch at the door already stamped (the unsafe
    /// variant `number-at-the-door`): the Main Office writes that Number, not the next one.
    IssueAtDoor(RequestId, SeqNum),
    /// "What is the latest Number?"
    Read,
}

/// A customer's attempt: which customer, which try, what for.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Ask {
    pub client: ClientId,
    pub attempt: u32,
    pub op: Op,
}

/// The answers a customer can get.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "answer")]
pub enum Answer {
    Number {
        number: SeqNum,
    },
    /// Definite refusal: this branch is not the Main Office and did not record the request.
    NotLeader {
        hint: Option<NodeId>,
    },
    /// Definite refusal: this branch knows no leader, so no majority is reachable through it.
    NoQuorum,
    /// The Main Office lost its office while the request was in its register: it may still
    /// be issued a Number by the next leader, so the outcome is unknown.
    Deposed,
    /// The branch is closed (burnt down): nothing was recorded.
    BranchDown,
    /// The latest Number this branch knows. Linearizable only if confirmed by a majority;
    /// otherwise stale, known to be current as of `as_of` (the last word from a leader).
    Read {
        number: SeqNum,
        linearizable: bool,
        as_of: Tick,
    },
}

impl Answer {
    /// True if the request certainly left no trace, so a new request cannot duplicate it.
    pub fn is_definite_refusal(&self) -> bool {
        matches!(self, Answer::NotLeader { .. } | Answer::NoQuorum | Answer::BranchDown)
    }
}

/// §5.3: replication and heartbeat. `round` numbers the leader's quorum rounds for
/// linearizable reads (the ReadIndex protocol, Raft thesis §6.4).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppendEntries {
    pub term: Term,
    pub prev_index: LogIndex,
    pub prev_term: Term,
    pub entries: Vec<Entry>,
    pub commit: LogIndex,
    pub round: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum Message {
    /// §5.2: a candidate asks for a vote.
    RequestVote {
        term: Term,
        last_log_index: LogIndex,
        last_log_term: Term,
    },
    Vote {
        term: Term,
        granted: bool,
    },
    /// §5.3: replication and heartbeat.
    Append(AppendEntries),
    /// `match_index` is the follower's last matching index on success, a hint on failure.
    AppendAck {
        term: Term,
        success: bool,
        match_index: LogIndex,
        round: u64,
    },
    /// A customer's request, forwarded by the branch at whose desk they stand.
    Forward(Ask),
    /// `path direct`: "I filed entry `index` of term `term`, in term `term`", sent by a
    /// branch to the entry's origin, the branch whose customer waits for it.
    Confirm {
        term: Term,
        index: LogIndex,
    },
    /// The Main Office's answer, sent back to the branch whose desk holds the customer.
    Reply {
        client: ClientId,
        attempt: u32,
        answer: Answer,
    },
}

/// The eight colours of the map.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "kebab-case")]
pub enum MessageKind {
    VoteRequest,
    Vote,
    Append,
    AppendAck,
    CustomerRequest,
    Read,
    Reply,
    Confirm,
}

impl MessageKind {
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::VoteRequest => "vote-request",
            MessageKind::Vote => "vote",
            MessageKind::Append => "append",
            MessageKind::AppendAck => "append-ack",
            MessageKind::CustomerRequest => "customer-request",
            MessageKind::Read => "read",
            MessageKind::Reply => "reply",
            MessageKind::Confirm => "confirm",
        }
    }
}

impl Message {
    pub fn kind(&self) -> MessageKind {
        match self {
            Message::RequestVote { .. } => MessageKind::VoteRequest,
            Message::Vote { .. } => MessageKind::Vote,
            Message::Append(_) => MessageKind::Append,
            Message::AppendAck { .. } => MessageKind::AppendAck,
            Message::Forward(Ask { op: Op::Issue(_) | Op::IssueAtDoor(..), .. }) => MessageKind::CustomerRequest,
            Message::Forward(Ask { op: Op::Read, .. }) => MessageKind::Read,
            Message::Reply { .. } => MessageKind::Reply,
            Message::Confirm { .. } => MessageKind::Confirm,
        }
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Number { number } => write!(f, "number {}", number.0),
            Answer::NotLeader { hint: Some(h) } => write!(f, "not the leader, try {h}"),
            Answer::NotLeader { hint: None } => write!(f, "not the leader"),
            Answer::NoQuorum => write!(f, "no quorum reachable"),
            Answer::Deposed => write!(f, "leader deposed, outcome unknown"),
            Answer::BranchDown => write!(f, "branch down"),
            Answer::Read { number, linearizable: true, .. } => write!(f, "latest {} (linearizable)", number.0),
            Answer::Read { number, as_of, .. } => write!(f, "latest {} (stale, as of t={})", number.0, as_of.0),
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Issue(r) => write!(f, "issue {r}"),
            Op::IssueAtDoor(r, n) => write!(f, "file {r} with Number {} from the door", n.0),
            Op::Read => write!(f, "read"),
        }
    }
}

impl fmt::Display for Message {
    /// One-line payload summary, shared by the trace and the page's message tooltip.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::RequestVote { term, last_log_index, last_log_term } => {
                write!(f, "RequestVote term={} last={}/{}", term.0, last_log_index.0, last_log_term.0)
            }
            Message::Vote { term, granted } => write!(f, "Vote term={} granted={granted}", term.0),
            Message::Append(AppendEntries { term, prev_index, prev_term, entries, commit, round }) => write!(
                f,
                "Append term={} prev={}/{} entries={} commit={} round={round}",
                term.0,
                prev_index.0,
                prev_term.0,
                entries.len(),
                commit.0
            ),
            Message::AppendAck { term, success, match_index, round } => {
                write!(f, "AppendAck term={} ok={success} match={} round={round}", term.0, match_index.0)
            }
            Message::Forward(a) => write!(f, "Forward {} {} try={}", a.client, a.op, a.attempt),
            Message::Reply { client, attempt, answer } => write!(f, "Reply {client} try={attempt}: {answer}"),
            Message::Confirm { term, index } => write!(f, "Confirm filed {}/{}", index.0, term.0),
        }
    }
}
