//! One test per handler of `Replica`, driven directly through `step` with hand-made inputs,
//! asserting on the outputs and the state left behind. Each cites the Raft paper section
//! (Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm", extended
//! version) or the Raft thesis section it exercises, as raft-rs's test_raft_paper.rs does.
// Native only: `wasm-pack test` builds every test target for the browser, where these
// would not run (plain #[test]) and some would not build; the browser tests are wasm_*.rs.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::config::{Config, Variant};
use nextnumber_core::ids::*;
use nextnumber_core::msg::*;
use nextnumber_core::replica::*;

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);
const D: NodeId = NodeId(3);
const E: NodeId = NodeId(4);

// Helpers.

fn config(n: usize, variants: &[Variant]) -> Config {
    Config { branches: n, variants: variants.to_vec(), ..Config::default() }
}

fn replica(id: NodeId, n: usize) -> Replica {
    Replica::new(id, &config(n, &[]))
}

/// One step; the replica's local invariants must hold after every step (even in release,
/// where `step`'s own debug_assert is compiled out).
fn step(r: &mut Replica, now: u64, input: Input) -> Vec<Output> {
    let mut out = Vec::new();
    r.step(Tick(now), input, &mut out);
    assert_eq!(r.invariants(), Ok(()));
    out
}

fn deliver(r: &mut Replica, now: u64, from: NodeId, msg: Message) -> Vec<Output> {
    step(r, now, Input::Message { from, msg })
}

fn sends(out: &[Output]) -> Vec<(NodeId, Message)> {
    out.iter()
        .filter_map(|o| match o {
            Output::Send { to, msg } => Some((*to, msg.clone())),
            _ => None,
        })
        .collect()
}

fn notes(out: &[Output]) -> Vec<Note> {
    out.iter()
        .filter_map(|o| match o {
            Output::Note(n) => Some(*n),
            _ => None,
        })
        .collect()
}

fn answers(out: &[Output]) -> Vec<(ClientId, u32, Answer, bool)> {
    out.iter()
        .filter_map(|o| match o {
            Output::Answer { client, attempt, answer, relayed } => Some((*client, *attempt, *answer, *relayed)),
            _ => None,
        })
        .collect()
}

fn applied_notes(out: &[Output]) -> Vec<(u64, Option<RequestId>, Option<u64>)> {
    notes(out)
        .into_iter()
        .filter_map(|n| match n {
            Note::Applied { index, request, number } => Some((index.0, request, number.map(|s| s.0))),
            _ => None,
        })
        .collect()
}

fn req(client: u32, seq: u32) -> RequestId {
    RequestId { client: ClientId(client), seq }
}

fn noop(term: u64) -> Entry {
    Entry { term: Term(term), kind: EntryKind::Noop, origin: None }
}

fn iss(term: u64, request: RequestId) -> Entry {
    Entry { term: Term(term), kind: EntryKind::Issue(request), origin: None }
}

fn ask_issue(request: RequestId, attempt: u32) -> Ask {
    Ask { client: request.client, attempt, op: Op::Issue(request) }
}

fn ask_read(client: u32, attempt: u32) -> Ask {
    Ask { client: ClientId(client), attempt, op: Op::Read }
}

fn request_vote(term: u64, last_index: u64, last_term: u64) -> Message {
    Message::RequestVote { term: Term(term), last_log_index: LogIndex(last_index), last_log_term: Term(last_term) }
}

fn vote(term: u64, granted: bool) -> Message {
    Message::Vote { term: Term(term), granted }
}

fn append(term: u64, prev: (u64, u64), entries: Vec<Entry>, commit: u64) -> Message {
    Message::Append(AppendEntries {
        term: Term(term),
        prev_index: LogIndex(prev.0),
        prev_term: Term(prev.1),
        entries,
        commit: LogIndex(commit),
        round: 0,
    })
}

fn ack(term: u64, success: bool, match_index: u64, round: u64) -> Message {
    Message::AppendAck { term: Term(term), success, match_index: LogIndex(match_index), round }
}

/// Times out and collects votes from B, C, … until the replica leads; returns the outputs
/// of the step that made it leader.
fn elect(r: &mut Replica, now: u64) -> Vec<Output> {
    let mut out = step(r, now, Input::ElectionTimeout);
    let term = r.disk.term.0;
    // Votes come from B, C, … in order; a majority is reached before running out of branches.
    let me = r.id;
    let mut voters = NodeId::all(MAX_BRANCHES).filter(move |p| *p != me);
    while r.role != Role::Leader {
        let from = voters.next().expect("enough voters");
        out = deliver(r, now, from, vote(term, true));
    }
    out
}

/// A follower of `leader` in `term`, with an empty log.
fn follower_of(id: NodeId, n: usize, leader: NodeId, term: u64) -> Replica {
    let mut r = replica(id, n);
    deliver(&mut r, 1, leader, append(term, (0, 0), vec![], 0));
    assert_eq!((r.role, r.leader, r.disk.term), (Role::Follower, Some(leader), Term(term)));
    r
}

// §5.2 Leader election.

#[test]
fn election_timeout_makes_a_candidate_that_votes_for_itself_and_asks_everyone() {
    // Reference: §5.2 "a follower increments its current term and transitions to candidate
    // state. It then votes for itself and issues RequestVote RPCs in parallel"; Figure 2
    // "Reset election timer".
    let mut a = replica(A, 3);
    a.disk.term = Term(4);
    a.disk.log = vec![noop(2), iss(4, req(1, 1))].into();
    let out = step(&mut a, 10, Input::ElectionTimeout);
    assert_eq!(a.role, Role::Candidate);
    assert_eq!(a.disk.term, Term(5));
    assert_eq!(a.disk.voted_for, Some(A));
    assert_eq!(a.leader, None);
    assert!(out.contains(&Output::ResetElectionTimer));
    assert_eq!(notes(&out), vec![Note::BecameCandidate { term: Term(5) }, Note::Voted { term: Term(5), candidate: A }]);
    // The RequestVote carries the last entry's index and term (§5.4.1).
    let rv = request_vote(5, 2, 4);
    assert_eq!(sends(&out), vec![(B, rv.clone()), (C, rv)]);

    // §5.2: "If the election timeout elapses without a winner, a new election starts in a
    // new term."
    let out = step(&mut a, 300, Input::ElectionTimeout);
    assert_eq!((a.role, a.disk.term, a.disk.voted_for), (Role::Candidate, Term(6), Some(A)));
    assert_eq!(sends(&out), vec![(B, request_vote(6, 2, 4)), (C, request_vote(6, 2, 4))]);
}

#[test]
fn candidate_becomes_leader_on_votes_from_a_majority_counted_once_each() {
    // Reference: §5.2 "A candidate wins an election if it receives votes from a majority of
    // the servers in the full cluster for the same term."
    let mut a = replica(A, 5);
    step(&mut a, 0, Input::ElectionTimeout);
    assert_eq!(a.disk.term, Term(1));
    deliver(&mut a, 1, B, vote(1, true));
    assert_eq!(a.role, Role::Candidate, "2 of 5 is no majority");
    deliver(&mut a, 2, B, vote(1, true));
    assert_eq!(a.role, Role::Candidate, "a duplicated vote counts once");
    deliver(&mut a, 3, C, vote(1, false));
    assert_eq!(a.role, Role::Candidate, "a refusal is no vote");
    deliver(&mut a, 4, D, vote(0, true));
    assert_eq!(a.role, Role::Candidate, "a vote from an older term is no vote");
    let out = deliver(&mut a, 5, E, vote(1, true));
    assert_eq!(a.role, Role::Leader);
    assert_eq!(a.leader, Some(A));
    assert!(notes(&out).contains(&Note::BecameLeader { term: Term(1) }));
    assert!(out.contains(&Output::SetHeartbeatTimer));
    // §5.2: "It then sends heartbeat messages to all of the other servers."
    let to: Vec<NodeId> = sends(&out).iter().map(|(to, _)| *to).collect();
    assert_eq!(to, vec![B, C, D, E]);
}

#[test]
fn single_branch_elects_itself_and_commits_its_noop() {
    // Reference: §5.2 (a majority of one is oneself) and §5.4.2 / §8 (the leader's no-op
    // commits as soon as a majority, here itself, holds it).
    let mut a = replica(A, 1);
    let out = step(&mut a, 0, Input::ElectionTimeout);
    assert_eq!((a.role, a.disk.term, a.leader), (Role::Leader, Term(1), Some(A)));
    assert_eq!(a.disk.log, vec![noop(1)]);
    assert_eq!((a.commit, a.applied), (LogIndex(1), LogIndex(1)));
    assert_eq!(a.register.last, SeqNum(0), "a no-op takes a slot but no Number");
    assert!(a.register.sequence.is_empty());
    let n = notes(&out);
    assert!(n.contains(&Note::BecameLeader { term: Term(1) }));
    assert!(n.contains(&Note::Committed { index: LogIndex(1) }));
    assert!(n.contains(&Note::Applied { index: LogIndex(1), request: None, number: None }));
    assert!(sends(&out).is_empty(), "nobody to send to");
}

#[test]
fn a_vote_is_granted_once_per_term_first_come_first_served() {
    // Reference: §5.2 "Each server will vote for at most one candidate in a given term, on a
    // first-come-first-served basis"; Figure 2 RequestVote receiver rule 2.
    let mut a = replica(A, 3);
    let out = deliver(&mut a, 1, B, request_vote(1, 0, 0));
    assert_eq!((a.disk.term, a.disk.voted_for), (Term(1), Some(B)));
    assert_eq!(sends(&out), vec![(B, vote(1, true))]);
    assert!(out.contains(&Output::ResetElectionTimer), "granting a vote resets the election timer");
    assert!(notes(&out).contains(&Note::Voted { term: Term(1), candidate: B }));

    let out = deliver(&mut a, 2, C, request_vote(1, 0, 0));
    assert_eq!(sends(&out), vec![(C, vote(1, false))]);
    assert_eq!(a.disk.voted_for, Some(B));
    assert!(!out.contains(&Output::ResetElectionTimer));
    assert!(notes(&out).is_empty());

    // A duplicated request from the candidate already voted for gets the same answer.
    let out = deliver(&mut a, 3, B, request_vote(1, 0, 0));
    assert_eq!(sends(&out), vec![(B, vote(1, true))]);

    // A new term frees the vote (§5.1).
    let out = deliver(&mut a, 4, C, request_vote(2, 0, 0));
    assert_eq!(sends(&out), vec![(C, vote(2, true))]);
    assert_eq!((a.disk.term, a.disk.voted_for), (Term(2), Some(C)));
}

#[test]
fn a_vote_is_refused_to_a_candidate_whose_log_is_less_up_to_date() {
    // Reference: §5.4.1 "If the logs have last entries with different terms, then the log
    // with the later term is more up-to-date. If the logs end with the same term, then
    // whichever log is longer is more up-to-date."
    let mut a = replica(A, 5);
    a.disk.term = Term(2);
    a.disk.log = vec![noop(1), noop(2)].into();

    // Longer, but its last term is older.
    let out = deliver(&mut a, 1, B, request_vote(3, 5, 1));
    assert_eq!(sends(&out), vec![(B, vote(3, false))]);
    assert_eq!((a.disk.term, a.disk.voted_for), (Term(3), None), "the term is adopted all the same (§5.1)");
    // Same last term, shorter.
    let out = deliver(&mut a, 2, C, request_vote(3, 1, 2));
    assert_eq!(sends(&out), vec![(C, vote(3, false))]);
    assert_eq!(a.disk.voted_for, None);
    // Same last term, same length: at least as up-to-date.
    let out = deliver(&mut a, 3, D, request_vote(3, 2, 2));
    assert_eq!(sends(&out), vec![(D, vote(3, true))]);
    assert_eq!(a.disk.voted_for, Some(D));
    // Shorter, but with a later last term.
    let out = deliver(&mut a, 4, E, request_vote(4, 1, 3));
    assert_eq!(sends(&out), vec![(E, vote(4, true))]);
    assert_eq!((a.disk.term, a.disk.voted_for), (Term(4), Some(E)));
}

#[test]
fn a_vote_request_from_an_older_term_is_refused_with_the_current_term() {
    // Reference: §5.1 "If a server receives a request with a stale term number, it rejects
    // the request"; Figure 2 RequestVote receiver rule 1.
    let mut a = replica(A, 3);
    a.disk.term = Term(3);
    let out = deliver(&mut a, 1, B, request_vote(2, 9, 2));
    assert_eq!(sends(&out), vec![(B, vote(3, false))]);
    assert_eq!((a.disk.term, a.disk.voted_for, a.role), (Term(3), None, Role::Follower));
}

#[test]
fn a_higher_term_in_any_message_turns_a_leader_into_a_follower_and_clears_its_vote() {
    // Reference: §5.1 "If a candidate or leader discovers that its term is out of date, it
    // immediately reverts to follower state"; Figure 2 "If RPC request or response contains
    // term T > currentTerm: set currentTerm = T, convert to follower".
    let cases = [
        // Not up-to-date (A holds 1/1), so the vote stays cleared rather than re-granted.
        (request_vote(2, 0, 0), None),
        (vote(2, false), None),
        (append(2, (0, 0), vec![], 0), Some(B)),
        (ack(2, false, 0, 0), None),
    ];
    for (msg, leader) in cases {
        let mut a = replica(A, 3);
        elect(&mut a, 0);
        assert_eq!((a.role, a.disk.term, a.disk.voted_for), (Role::Leader, Term(1), Some(A)));
        step(&mut a, 1, Input::Ask(ask_issue(req(1, 1), 1)));
        let out = deliver(&mut a, 2, B, msg.clone());
        assert_eq!(a.role, Role::Follower, "{msg}");
        assert_eq!(a.disk.term, Term(2), "{msg}");
        assert_eq!(a.disk.voted_for, None, "{msg}");
        assert_eq!(a.leader, leader, "{msg}");
        assert!(notes(&out).iter().any(|n| matches!(n, Note::SteppedDown { .. })), "{msg}");
        assert!(notes(&out).contains(&Note::BecameFollower { term: Term(2), leader }), "{msg}");
        // The deposed leader cannot know whether its pending entry survives.
        assert_eq!(answers(&out), vec![(ClientId(1), 1, Answer::Deposed, false)], "{msg}");
        assert!(a.waiters.is_empty(), "{msg}");
    }

    // A candidate reverts too.
    let mut a = replica(A, 3);
    step(&mut a, 0, Input::ElectionTimeout);
    let out = deliver(&mut a, 1, C, vote(3, false));
    assert_eq!((a.role, a.disk.term, a.disk.voted_for), (Role::Follower, Term(3), None));
    assert!(!notes(&out).iter().any(|n| matches!(n, Note::SteppedDown { .. })), "only a leader steps down");
}

#[test]
fn a_candidate_concedes_to_a_leader_of_its_own_term() {
    // Reference: §5.2 "If the leader's term is at least as large as the candidate's current
    // term, then the candidate recognizes the leader as legitimate and returns to follower".
    let mut a = replica(A, 3);
    step(&mut a, 0, Input::ElectionTimeout);
    let out = deliver(&mut a, 5, B, append(1, (0, 0), vec![], 0));
    assert_eq!((a.role, a.leader, a.disk.term), (Role::Follower, Some(B), Term(1)));
    assert_eq!(a.disk.voted_for, Some(A), "the vote of this term stays cast");
    assert_eq!(a.last_leader_contact, Tick(5));
    assert!(out.contains(&Output::ResetElectionTimer));
    assert_eq!(sends(&out), vec![(B, ack(1, true, 0, 0))]);
}

#[test]
fn a_new_leader_appends_a_noop_of_its_term_and_that_commits_the_older_entries() {
    // Reference: §8 "each leader commit a blank no-op entry into the log at the start of its
    // term"; §5.4.2 entries of older terms commit indirectly, by a current-term entry.
    let (r1, r2) = (req(1, 1), req(2, 1));
    let mut a = replica(A, 3);
    a.disk.term = Term(1);
    a.disk.log = vec![iss(1, r1), iss(1, r2)].into();
    let out = elect(&mut a, 0);
    assert_eq!(a.disk.term, Term(2));
    assert_eq!(a.disk.log, vec![iss(1, r1), iss(1, r2), noop(2)]);
    assert!(notes(&out).contains(&Note::LogChanged { from: LogIndex(3) }));
    assert!(out.contains(&Output::SetHeartbeatTimer));
    let app = append(2, (2, 1), vec![noop(2)], 0);
    assert_eq!(sends(&out), vec![(B, app.clone()), (C, app)]);
    assert_eq!(a.commit, LogIndex(0), "one of three holds the no-op");

    let out = deliver(&mut a, 1, B, ack(2, true, 3, 0));
    assert_eq!((a.commit, a.applied), (LogIndex(3), LogIndex(3)));
    assert_eq!(applied_notes(&out), vec![(1, Some(r1), Some(1)), (2, Some(r2), Some(2)), (3, None, None)]);
    assert_eq!(a.register.last, SeqNum(2));
}

#[test]
fn heartbeat_timeout_makes_a_leader_send_append_to_every_peer_and_nothing_else() {
    // Reference: §5.2 "Leaders send periodic heartbeats (AppendEntries RPCs that carry no log
    // entries) to all followers in order to maintain their authority."
    let mut a = replica(A, 3);
    elect(&mut a, 0);
    deliver(&mut a, 1, B, ack(1, true, 1, 0));
    deliver(&mut a, 1, C, ack(1, true, 1, 0));
    let out = step(&mut a, 50, Input::HeartbeatTimeout);
    let hb = append(1, (1, 1), vec![], 1);
    assert_eq!(sends(&out), vec![(B, hb.clone()), (C, hb)]);
    assert!(out.contains(&Output::SetHeartbeatTimer));

    let mut b = follower_of(B, 3, A, 1);
    let out = step(&mut b, 50, Input::HeartbeatTimeout);
    assert!(out.is_empty(), "a follower sends no heartbeats: {out:?}");
}

// §5.3 Log replication.

#[test]
fn append_with_a_mismatching_prev_is_rejected_with_a_hint() {
    // Reference: §5.3 "If the follower does not find an entry in its log with the same index
    // and term, then it refuses the new entries"; Figure 2 AppendEntries receiver rule 2.
    let mut a = replica(A, 3);
    a.disk.term = Term(2);
    a.disk.log = vec![noop(1), noop(1), noop(1)].into();

    // Index 3 holds term 1, not 2: the hint points before the whole run of term 1 (§5.3,
    // "the follower can include the term of the conflicting entry and the first index it
    // stores for that term"), here the start of the log.
    let out = deliver(&mut a, 1, B, append(2, (3, 2), vec![noop(2)], 3));
    assert_eq!(sends(&out), vec![(B, ack(2, false, 0, 0))]);
    assert_eq!(a.disk.log, vec![noop(1), noop(1), noop(1)], "a rejected Append changes nothing");
    assert_eq!(a.commit, LogIndex(0), "nor the commit index");
    assert_eq!(a.leader, Some(B), "the sender is still the legitimate leader");
    assert!(out.contains(&Output::ResetElectionTimer));

    // prev beyond the end of the log: the hint is the last index held.
    let out = deliver(&mut a, 2, B, append(2, (7, 2), vec![], 0));
    assert_eq!(sends(&out), vec![(B, ack(2, false, 3, 0))]);

    // §5.1: an Append of an older term is refused with the current term, and its sender is
    // not taken for a leader.
    let out = deliver(&mut a, 3, C, append(1, (0, 0), vec![noop(1)], 0));
    assert_eq!(sends(&out), vec![(C, ack(2, false, 0, 0))]);
    assert_eq!(a.leader, Some(B));
    assert!(!out.contains(&Output::ResetElectionTimer));
    assert_eq!(a.disk.log.len(), 3);
}

#[test]
fn a_conflict_hint_skips_the_conflicting_term_but_not_the_commit_index() {
    // Found by the swarm (seed 308661): a branch that led alone under load held some 180
    // entries of older terms no one else had; backing up one entry per round trip took
    // longer than the liveness bound. Reference: §5.3, the optimization at its end.
    let mut a = replica(A, 3);
    a.disk.term = Term(4);
    a.disk.log = vec![noop(1), noop(1), noop(2), noop(2), noop(2)].into();
    // Index 5 holds term 2, the leader's term 3: skip back over every entry of term 2.
    let out = deliver(&mut a, 1, B, append(4, (5, 3), vec![], 0));
    assert_eq!(sends(&out), vec![(B, ack(4, false, 2, 0))]);
    // Never below the commit index: every leader holds what is committed.
    a.commit = LogIndex(3);
    a.applied = LogIndex(3);
    let out = deliver(&mut a, 2, B, append(4, (5, 3), vec![], 0));
    assert_eq!(sends(&out), vec![(B, ack(4, false, 3, 0))]);
}

#[test]
fn leader_backs_up_to_the_hint_and_ignores_a_duplicated_rejection() {
    // Reference: §5.3 "After a rejection, the leader decrements nextIndex and retries the
    // AppendEntries RPC"; the optimisation at the end of §5.3 uses the follower's hint.
    let mut a = replica(A, 3);
    a.disk.term = Term(1);
    a.disk.log = vec![noop(1), noop(1), noop(1)].into();
    let out = elect(&mut a, 0);
    assert_eq!(sends(&out)[0], (B, append(2, (3, 1), vec![noop(2)], 0)));

    let out = deliver(&mut a, 1, B, ack(2, false, 1, 0));
    assert_eq!(sends(&out), vec![(B, append(2, (1, 1), vec![noop(1), noop(1), noop(2)], 0))]);
    let out = deliver(&mut a, 2, B, ack(2, false, 1, 0));
    assert!(sends(&out).is_empty(), "a duplicated rejection must not trigger a second resend: {out:?}");
}

#[test]
fn a_late_rejection_below_the_acknowledged_match_is_ignored() {
    // Reference: §5.3 (nextIndex only backs up on a real inconsistency). In one term a
    // follower never loses an entry it acknowledged, and its hint is min(last, prev - 1) with
    // last >= what it acknowledged, so a rejection whose hint is below the acknowledged match
    // must be an old or duplicated copy (raft-rs `maybe_decr_to`: "rejected <= matched" is
    // stale). Here: B rejected a heartbeat sent before it held anything (hint 0), then acked
    // the resend (match 2); the rejection's duplicate arrives last.
    let mut a = replica(A, 3);
    elect(&mut a, 0);
    step(&mut a, 1, Input::Ask(ask_issue(req(1, 1), 1)));
    deliver(&mut a, 2, B, ack(1, true, 2, 0));
    assert_eq!(a.commit, LogIndex(2));
    let out = deliver(&mut a, 3, B, ack(1, false, 0, 0));
    assert!(sends(&out).is_empty(), "stale rejection caused a resend from scratch: {:?}", sends(&out));
}

#[test]
fn a_conflicting_suffix_is_overwritten_by_the_leader() {
    // Reference: §5.3 "If an existing entry conflicts with a new one (same index but
    // different terms), delete the existing entry and all that follow it"; Figure 2
    // AppendEntries receiver rules 3 and 4.
    let mut a = replica(A, 3);
    a.disk.term = Term(2);
    // Entries 3 and 4 came from a leader of term 2 that was deposed before committing them.
    a.disk.log = vec![noop(1), noop(1), iss(2, req(1, 1)), iss(2, req(1, 2))].into();
    let out = deliver(&mut a, 1, C, append(3, (2, 1), vec![noop(3)], 0));
    assert_eq!(a.disk.log, vec![noop(1), noop(1), noop(3)]);
    assert!(notes(&out).contains(&Note::LogChanged { from: LogIndex(3) }));
    assert_eq!(sends(&out), vec![(C, ack(3, true, 3, 0))]);
}

#[test]
fn a_stale_or_duplicated_append_never_truncates_matching_entries() {
    // Reference: §5.3 / Figure 2 receiver rule 3 deletes only on a *conflict*: "the follower
    // must not truncate its log" on an Append whose entries it already has (the Raft
    // dissertation §3.5 and the errata on out-of-order AppendEntries).
    let mut a = follower_of(A, 3, B, 1);
    let full = append(1, (0, 0), vec![noop(1), iss(1, req(1, 1)), iss(1, req(2, 1))], 0);
    let out = deliver(&mut a, 2, B, full.clone());
    assert_eq!(a.disk.log.len(), 3);
    assert!(notes(&out).contains(&Note::LogChanged { from: LogIndex(1) }));
    assert_eq!(sends(&out), vec![(B, ack(1, true, 3, 0))]);

    // An older Append, delayed by the network, that carried only the first entry.
    let out = deliver(&mut a, 3, B, append(1, (0, 0), vec![noop(1)], 0));
    assert_eq!(a.disk.log, vec![noop(1), iss(1, req(1, 1)), iss(1, req(2, 1))]);
    assert!(!notes(&out).iter().any(|n| matches!(n, Note::LogChanged { .. })), "{out:?}");
    assert_eq!(sends(&out), vec![(B, ack(1, true, 1, 0))], "acknowledges what that Append carried");

    // An exact duplicate, and an empty heartbeat in the middle of the log.
    let out = deliver(&mut a, 4, B, full);
    assert!(!notes(&out).iter().any(|n| matches!(n, Note::LogChanged { .. })));
    deliver(&mut a, 5, B, append(1, (1, 1), vec![], 0));
    assert_eq!(a.disk.log.len(), 3);
}

#[test]
fn follower_commit_is_capped_by_the_last_entry_the_append_vouched_for() {
    // Reference: §5.3 / Figure 2 AppendEntries receiver rule 5 "If leaderCommit >
    // commitIndex, set commitIndex = min(leaderCommit, index of last new entry)".
    let mut a = replica(A, 3);
    a.disk.term = Term(1);
    // Entries 2 and 3 came from an older leader: they may differ from the new leader's.
    a.disk.log = vec![noop(1), iss(1, req(1, 1)), iss(1, req(1, 2))].into();
    deliver(&mut a, 1, B, append(2, (1, 1), vec![], 3));
    assert_eq!((a.commit, a.applied), (LogIndex(1), LogIndex(1)));
    assert_eq!(a.register.last, SeqNum(0));

    let out = deliver(&mut a, 2, B, append(2, (1, 1), vec![iss(2, req(3, 1))], 3));
    assert_eq!(a.disk.log, vec![noop(1), iss(2, req(3, 1))]);
    assert_eq!((a.commit, a.applied), (LogIndex(2), LogIndex(2)));
    assert_eq!(applied_notes(&out), vec![(2, Some(req(3, 1)), Some(1))]);
}

#[test]
fn a_leader_commits_only_by_counting_entries_of_its_own_term() {
    // Reference: §5.4.2 and Figure 8: "Raft never commits log entries from previous terms by
    // counting replicas. Only log entries from the leader's current term are committed by
    // counting replicas".
    let r1 = req(1, 1);
    let mut a = replica(A, 5);
    a.disk.term = Term(2);
    a.disk.log = vec![iss(2, r1)].into(); // written as leader of term 2, never committed
    elect(&mut a, 0);
    assert_eq!(a.disk.term, Term(3));
    assert_eq!(a.disk.log, vec![iss(2, r1), noop(3)]);

    // A majority (A, B, C) now holds entry 1, of term 2: that alone must not commit it.
    deliver(&mut a, 1, B, ack(3, true, 1, 0));
    deliver(&mut a, 2, C, ack(3, true, 1, 0));
    assert_eq!(a.commit, LogIndex(0), "Figure 8 (c): entry 1 is replicated on a majority yet not committed");
    deliver(&mut a, 3, B, ack(3, true, 2, 0));
    assert_eq!(a.commit, LogIndex(0), "two of five hold the no-op");
    let out = deliver(&mut a, 4, C, ack(3, true, 2, 0));
    assert_eq!(a.commit, LogIndex(2), "the no-op of term 3 commits, and entry 1 with it");
    assert_eq!(applied_notes(&out), vec![(1, Some(r1), Some(1)), (2, None, None)]);
}

// Numbers, at apply time.

#[test]
fn numbers_are_assigned_at_apply_time_and_a_noop_takes_a_slot_but_no_number() {
    // Reference: §5.3 "the leader applies the entry to its state machine and returns the
    // result of that execution to the client" (the Number is the state machine's output).
    let (r1, r2) = (req(1, 1), req(2, 1));
    let mut a = replica(A, 3);
    elect(&mut a, 0);
    let out = step(&mut a, 1, Input::Ask(ask_issue(r1, 1)));
    assert_eq!(a.disk.log, vec![noop(1), iss(1, r1)]);
    assert!(answers(&out).is_empty(), "nothing is issued before it commits");
    assert_eq!(a.register.last, SeqNum(0));
    assert_eq!(a.waiters.len(), 1);

    let out = deliver(&mut a, 2, B, ack(1, true, 2, 0));
    assert_eq!(applied_notes(&out), vec![(1, None, None), (2, Some(r1), Some(1))]);
    assert_eq!(answers(&out), vec![(ClientId(1), 1, Answer::Number { number: SeqNum(1) }, false)]);
    assert!(a.waiters.is_empty());

    step(&mut a, 3, Input::Ask(ask_issue(r2, 1)));
    let out = deliver(&mut a, 4, C, ack(1, true, 3, 0));
    assert_eq!(applied_notes(&out), vec![(3, Some(r2), Some(2))], "log slot 3 holds Number 2");
    assert_eq!(answers(&out), vec![(ClientId(2), 1, Answer::Number { number: SeqNum(2) }, false)]);
    assert_eq!(a.register.sequence, vec![(r1, SeqNum(1)), (r2, SeqNum(2))]);
}

#[test]
fn a_second_entry_for_the_same_request_gets_no_new_number() {
    // Reference: §8 "The solution is for clients to assign unique serial numbers to every
    // command. Then, the state machine tracks the latest serial number processed for each
    // client, along with the associated response."
    let (r1, r2) = (req(1, 1), req(2, 1));
    let mut a = follower_of(A, 3, B, 2);
    let entries = vec![iss(1, r1), noop(2), iss(2, r1), iss(2, r2)];
    let out = deliver(&mut a, 2, B, append(2, (0, 0), entries, 4));
    assert_eq!(
        applied_notes(&out),
        vec![(1, Some(r1), Some(1)), (2, None, None), (3, Some(r1), None), (4, Some(r2), Some(2))]
    );
    assert_eq!(a.register.last, SeqNum(2));
    assert_eq!(a.register.sequence, vec![(r1, SeqNum(1)), (r2, SeqNum(2))]);

    // At a leader: the customer retries r1 while its first entry (of an older term) is not
    // yet applied, so a second entry is appended; the customer is answered once, with the
    // Number of the first entry, and the second entry issues nothing.
    let mut l = replica(A, 3);
    l.disk.term = Term(1);
    l.disk.log = vec![iss(1, r1)].into();
    elect(&mut l, 0);
    step(&mut l, 1, Input::Ask(ask_issue(r1, 2)));
    assert_eq!(l.disk.log, vec![iss(1, r1), noop(2), iss(2, r1)]);
    let out = deliver(&mut l, 2, C, ack(2, true, 3, 0));
    assert_eq!(applied_notes(&out), vec![(1, Some(r1), Some(1)), (2, None, None), (3, Some(r1), None)]);
    assert_eq!(answers(&out), vec![(ClientId(1), 2, Answer::Number { number: SeqNum(1) }, false)]);
    assert_eq!(l.register.last, SeqNum(1));
}

#[test]
fn without_dedup_a_second_entry_for_the_same_request_gets_a_second_number() {
    // The unsafe `no-dedup` variant: the table of §8 is ignored, so a retry is issued again.
    let (r1, r2) = (req(1, 1), req(2, 1));
    let cfg = config(3, &[Variant::NoDedup]);
    let mut a = Replica::new(A, &cfg);
    deliver(&mut a, 1, B, append(2, (0, 0), vec![iss(1, r1), noop(2), iss(2, r1), iss(2, r2)], 4));
    assert_eq!(a.register.last, SeqNum(3));
    assert_eq!(a.register.sequence, vec![(r1, SeqNum(1)), (r1, SeqNum(2)), (r2, SeqNum(3))]);

    // A leader without dedup appends a retry of an applied request and issues it anew.
    let mut l = Replica::new(A, &config(1, &[Variant::NoDedup]));
    step(&mut l, 0, Input::ElectionTimeout);
    let first = step(&mut l, 1, Input::Ask(ask_issue(r1, 1)));
    let retry = step(&mut l, 2, Input::Ask(ask_issue(r1, 2)));
    assert_eq!(answers(&first), vec![(ClientId(1), 1, Answer::Number { number: SeqNum(1) }, false)]);
    assert_eq!(answers(&retry), vec![(ClientId(1), 2, Answer::Number { number: SeqNum(2) }, false)]);
}

#[test]
fn a_leader_answers_a_retry_of_an_applied_request_at_once_with_the_same_number() {
    // Reference: §8 "If it receives a command whose serial number has already been executed,
    // it responds immediately without re-executing the request."
    let (r1, r2) = (req(1, 1), req(2, 1));
    let mut a = replica(A, 3);
    elect(&mut a, 0);
    step(&mut a, 1, Input::Ask(ask_issue(r1, 1)));
    deliver(&mut a, 2, B, ack(1, true, 2, 0));
    assert_eq!(a.register.table.get(&r1), Some(&SeqNum(1)));

    let out = step(&mut a, 3, Input::Ask(ask_issue(r1, 2)));
    let number = Answer::Number { number: SeqNum(1) };
    assert_eq!(out, vec![Output::Answer { client: ClientId(1), attempt: 2, answer: number, relayed: false }]);
    assert_eq!(a.last_index(), LogIndex(2), "no new entry");

    // A retry of a request still in flight waits on the same entry.
    step(&mut a, 4, Input::Ask(ask_issue(r2, 1)));
    let out = step(&mut a, 5, Input::Ask(ask_issue(r2, 2)));
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(a.last_index(), LogIndex(3));
    let out = deliver(&mut a, 6, B, ack(1, true, 3, 0));
    let two = Answer::Number { number: SeqNum(2) };
    assert_eq!(answers(&out), vec![(ClientId(2), 1, two, false), (ClientId(2), 2, two, false)]);
}

// Customers at a branch that is not the Main Office.

#[test]
fn a_follower_forwards_a_customer_to_the_leader_it_knows() {
    // Reference: §8 "If the client's first choice is not the leader, that server will reject
    // the client's request and supply information about the most recent leader it has heard
    // from" (here the branch carries the request there itself).
    let mut a = follower_of(A, 3, B, 1);
    let ask = ask_issue(req(1, 1), 1);
    let out = step(&mut a, 2, Input::Ask(ask));
    assert_eq!(out, vec![Output::Send { to: B, msg: Message::Forward(ask) }]);
    let read = ask_read(2, 1);
    let out = step(&mut a, 3, Input::Ask(read));
    assert_eq!(out, vec![Output::Send { to: B, msg: Message::Forward(read) }]);

    // The leader's Reply is handed to the customer as a relayed answer.
    let answer = Answer::Number { number: SeqNum(4) };
    let out = deliver(&mut a, 4, B, Message::Reply { client: ClientId(1), attempt: 1, answer });
    assert_eq!(out, vec![Output::Answer { client: ClientId(1), attempt: 1, answer, relayed: true }]);
}

#[test]
fn a_branch_that_knows_no_leader_answers_no_quorum_to_an_issue() {
    // Reference: §8 (a server that knows no leader cannot serve the request; CAP in the essay).
    let mut a = replica(A, 3);
    let out = step(&mut a, 1, Input::Ask(ask_issue(req(1, 1), 1)));
    assert_eq!(out, vec![Output::Answer { client: ClientId(1), attempt: 1, answer: Answer::NoQuorum, relayed: false }]);
    assert!(a.disk.log.is_empty());

    // A candidate knows no leader either.
    step(&mut a, 2, Input::ElectionTimeout);
    let out = step(&mut a, 3, Input::Ask(ask_issue(req(1, 2), 2)));
    assert_eq!(answers(&out), vec![(ClientId(1), 2, Answer::NoQuorum, false)]);
}

#[test]
fn a_branch_that_knows_no_leader_answers_a_stale_read() {
    // Reference: Raft thesis §6.4 (only a leader serves linearizable reads); a cut-off branch
    // can only tell what it last knew, labelled with when it last heard from a leader.
    let mut a = replica(A, 3);
    deliver(&mut a, 100, B, append(1, (0, 0), vec![noop(1), iss(1, req(1, 1)), iss(1, req(2, 1))], 3));
    assert_eq!(a.register.last, SeqNum(2));
    step(&mut a, 400, Input::ElectionTimeout);
    assert_eq!(a.leader, None);
    let out = step(&mut a, 500, Input::Ask(ask_read(7, 1)));
    let stale = Answer::Read { number: SeqNum(2), linearizable: false, as_of: Tick(100) };
    assert_eq!(out, vec![Output::Answer { client: ClientId(7), attempt: 1, answer: stale, relayed: false }]);
}

#[test]
fn a_non_leader_receiving_a_forward_answers_not_leader_with_a_hint_and_never_forwards_again() {
    // Reference: §8 "supply information about the most recent leader it has heard from".
    let mut a = follower_of(A, 3, B, 1);
    let ask = ask_issue(req(3, 1), 1);
    let out = deliver(&mut a, 2, C, Message::Forward(ask));
    let reply = Message::Reply { client: ClientId(3), attempt: 1, answer: Answer::NotLeader { hint: Some(B) } };
    assert_eq!(out, vec![Output::Send { to: C, msg: reply }]);

    // Knowing no leader: an issue is refused with NoQuorum, a read with NotLeader.
    let mut a = replica(A, 3);
    let out = deliver(&mut a, 1, C, Message::Forward(ask));
    assert_eq!(sends(&out), vec![(C, Message::Reply { client: ClientId(3), attempt: 1, answer: Answer::NoQuorum })]);
    let out = deliver(&mut a, 2, C, Message::Forward(ask_read(3, 2)));
    let not_leader = Answer::NotLeader { hint: None };
    assert_eq!(sends(&out), vec![(C, Message::Reply { client: ClientId(3), attempt: 2, answer: not_leader })]);
}

#[test]
fn the_leader_answers_a_forwarded_request_by_reply_to_the_branch_of_origin() {
    // Reference: §5.3 "returns the result of that execution to the client" (via the branch
    // at whose desk the customer stands).
    let mut a = replica(A, 3);
    elect(&mut a, 0);
    let out = deliver(&mut a, 1, C, Message::Forward(ask_issue(req(3, 1), 4)));
    assert!(answers(&out).is_empty());
    let out = deliver(&mut a, 2, B, ack(1, true, 2, 0));
    let reply = Message::Reply { client: ClientId(3), attempt: 4, answer: Answer::Number { number: SeqNum(1) } };
    assert!(sends(&out).contains(&(C, reply)), "{out:?}");
    assert!(answers(&out).is_empty(), "the customer is not at A's desk");
}

// Reads (Raft thesis §6.4, ReadIndex).

#[test]
fn a_linearizable_read_waits_for_the_terms_noop_to_commit() {
    // Reference: Raft thesis §6.4 step 1 "If the leader has not yet marked an entry from its
    // current term committed, it waits until it has done so", then a heartbeat round.
    let mut a = replica(A, 3);
    elect(&mut a, 0);
    let out = step(&mut a, 10, Input::Ask(ask_read(5, 1)));
    assert!(answers(&out).is_empty());
    // The read starts a round: every peer is sent an Append of round 1.
    let rounds: Vec<u64> = sends(&out)
        .iter()
        .map(|(_, m)| match m {
            Message::Append(AppendEntries { round, .. }) => *round,
            other => panic!("unexpected {other}"),
        })
        .collect();
    assert_eq!(rounds, vec![1, 1]);

    // B answers round 1 but does not hold the no-op: leadership is confirmed, the no-op is not
    // committed, so no answer yet.
    let out = deliver(&mut a, 11, B, ack(1, false, 0, 1));
    assert!(answers(&out).is_empty(), "answered before the no-op committed: {out:?}");
    let out = deliver(&mut a, 12, B, ack(1, true, 1, 1));
    assert_eq!(a.commit, LogIndex(1));
    let read = Answer::Read { number: SeqNum(0), linearizable: true, as_of: Tick(12) };
    assert_eq!(answers(&out), vec![(ClientId(5), 1, read, false)]);
}

#[test]
fn a_linearizable_read_waits_for_a_quorum_round_started_after_it() {
    // Reference: Raft thesis §6.4 step 3 "The leader sends a new round of heartbeats, and
    // waits for their acknowledgments from a majority of the cluster."
    let mut a = replica(A, 3);
    elect(&mut a, 0);
    step(&mut a, 1, Input::Ask(ask_issue(req(1, 1), 1)));
    deliver(&mut a, 2, B, ack(1, true, 2, 0));
    assert_eq!(a.register.last, SeqNum(1));

    let out = step(&mut a, 10, Input::Ask(ask_read(5, 1)));
    assert!(answers(&out).is_empty(), "committed, but leadership not yet confirmed: {out:?}");
    let out = deliver(&mut a, 11, C, ack(1, true, 2, 0));
    assert!(answers(&out).is_empty(), "an ack of an older round proves nothing about now: {out:?}");
    let out = deliver(&mut a, 12, C, ack(1, true, 2, 1));
    let read = Answer::Read { number: SeqNum(1), linearizable: true, as_of: Tick(12) };
    assert_eq!(answers(&out), vec![(ClientId(5), 1, read, false)]);
}

// Check-quorum (Raft thesis §6.2).

#[test]
fn a_leader_that_heard_from_no_majority_steps_down_and_answers_deposed() {
    // Reference: Raft thesis §6.2 "a leader steps down if an election timeout elapses
    // without a successful round of heartbeats to a majority of its cluster".
    let mut a = replica(A, 5);
    elect(&mut a, 0);
    step(&mut a, 1, Input::Ask(ask_issue(req(1, 1), 1)));
    deliver(&mut a, 2, C, Message::Forward(ask_issue(req(3, 1), 1)));
    step(&mut a, 3, Input::Ask(ask_read(4, 1)));
    deliver(&mut a, 4, B, ack(1, true, 0, 0)); // only B: A + B is 2 of 5

    let out = step(&mut a, 300, Input::ElectionTimeout);
    assert_eq!((a.role, a.leader, a.disk.term), (Role::Follower, None, Term(1)), "steps down, no new election");
    assert!(out.contains(&Output::ResetElectionTimer));
    assert!(notes(&out).contains(&Note::SteppedDown { reason: "lost contact with a majority" }));
    assert!(notes(&out).contains(&Note::BecameFollower { term: Term(1), leader: None }));
    assert_eq!(
        answers(&out),
        vec![(ClientId(1), 1, Answer::Deposed, false), (ClientId(4), 1, Answer::NotLeader { hint: None }, false)]
    );
    let deposed = Message::Reply { client: ClientId(3), attempt: 1, answer: Answer::Deposed };
    assert_eq!(sends(&out), vec![(C, deposed)]);
    assert!(a.waiters.is_empty());
}

#[test]
fn a_leader_that_heard_from_a_majority_keeps_office_for_one_more_timeout() {
    // Reference: Raft thesis §6.2: contact is counted afresh in every election timeout.
    let mut a = replica(A, 3);
    elect(&mut a, 0);
    deliver(&mut a, 10, B, ack(1, true, 1, 0));
    let out = step(&mut a, 300, Input::ElectionTimeout);
    assert_eq!(a.role, Role::Leader);
    assert_eq!(a.disk.term, Term(1), "a leader's election timeout starts no election");
    assert!(sends(&out).is_empty());
    step(&mut a, 600, Input::ElectionTimeout);
    assert_eq!(a.role, Role::Follower, "B's old ack does not count for the next timeout");
}

// Restart (Figure 2, "Persistent state on all servers").

#[test]
fn restart_keeps_term_vote_and_log_and_loses_commit_applied_and_register() {
    // Reference: Figure 2 "Persistent state on all servers (Updated on stable storage before
    // responding to RPCs)": currentTerm, votedFor, log[]; everything else is volatile.
    let cfg = config(3, &[]);
    let mut a = Replica::new(A, &cfg);
    deliver(&mut a, 1, B, append(1, (0, 0), vec![noop(1), iss(1, req(1, 1))], 2));
    deliver(&mut a, 2, C, request_vote(2, 2, 1));
    assert_eq!((a.disk.term, a.disk.voted_for, a.register.last), (Term(2), Some(C), SeqNum(1)));
    let log = a.disk.log.clone();

    a.restart(&cfg);
    assert_eq!((a.disk.term, a.disk.voted_for), (Term(2), Some(C)));
    assert_eq!(a.disk.log, log);
    assert_eq!((a.commit, a.applied), (LogIndex(0), LogIndex(0)));
    assert_eq!(a.register.last, SeqNum(0));
    assert!(a.register.table.is_empty() && a.register.sequence.is_empty());
    assert_eq!((a.role, a.leader), (Role::Follower, None));

    // The durable vote is why a restarted branch cannot vote twice in one term (§5.2).
    let out = deliver(&mut a, 3, B, request_vote(2, 2, 1));
    assert_eq!(sends(&out), vec![(B, vote(2, false))]);
}

#[test]
fn with_a_volatile_vote_a_restart_forgets_the_vote_and_votes_twice_in_a_term() {
    // The unsafe `volatile-vote` variant breaks Figure 2's persistence of votedFor.
    let cfg = config(3, &[Variant::VolatileVote]);
    let mut a = Replica::new(A, &cfg);
    deliver(&mut a, 1, C, request_vote(2, 0, 0));
    assert_eq!(a.disk.voted_for, Some(C));
    a.restart(&cfg);
    assert_eq!((a.disk.term, a.disk.voted_for), (Term(2), None));
    let out = deliver(&mut a, 2, B, request_vote(2, 0, 0));
    assert_eq!(sends(&out), vec![(B, vote(2, true))], "the second vote of term 2");
}

// The unsafe `no-quorum` variant.

#[test]
fn without_a_quorum_a_candidate_leads_and_commits_alone() {
    // Breaks §5.2's majority rule: any branch that times out becomes a leader by its own vote.
    let mut a = Replica::new(A, &config(5, &[Variant::NoQuorum]));
    assert_eq!(a.quorum(), 1);
    let out = step(&mut a, 0, Input::ElectionTimeout);
    assert_eq!((a.role, a.disk.term), (Role::Leader, Term(1)));
    assert_eq!(a.commit, LogIndex(1), "the no-op commits with no ack");
    assert!(notes(&out).contains(&Note::BecameLeader { term: Term(1) }));
    let out = step(&mut a, 1, Input::Ask(ask_issue(req(1, 1), 1)));
    assert_eq!(a.commit, LogIndex(2));
    assert_eq!(answers(&out), vec![(ClientId(1), 1, Answer::Number { number: SeqNum(1) }, false)]);
    // It never steps down for lack of contact either.
    step(&mut a, 300, Input::ElectionTimeout);
    assert_eq!(a.role, Role::Leader);

    // The safe configuration counts a majority of five.
    assert_eq!(replica(A, 5).quorum(), 3);
}

// Not in the paper: a branch does not trust its input. Found by the replica_step fuzz target,
// which crashed a follower with an Append whose entries' terms went down.
#[test]
fn malformed_messages_are_refused_without_a_trace() {
    let a = NodeId(0);
    let mut r = replica(a, 3);
    let before = (r.disk.term, r.last_index());
    let malformed = [
        (NodeId(1), append(5, (0, 0), vec![noop(4), noop(2)], 0)), // terms go down
        (NodeId(1), append(5, (0, 0), vec![noop(7)], 0)),          // entry newer than its sender
        (NodeId(1), request_vote(3, 9, 4)),                        // log newer than its term
        (a, request_vote(9, 0, 0)),                                // from itself
        (NodeId(7), vote(9, true)),                                // not a peer
    ];
    for (from, msg) in malformed {
        let out = deliver(&mut r, 10, from, msg.clone());
        assert!(out.is_empty(), "{msg} from {from} was answered: {out:?}");
    }
    assert_eq!((r.disk.term, r.last_index()), before);
    assert_eq!(r.invariants(), Ok(()));
}
