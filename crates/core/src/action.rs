//! What a visitor (or a scenario, or the swarm) can do to a running cluster, in one text
//! form shared by scenario files, permalinks and the CLI.

use crate::config::{limits, ClientMode, LatencyPreset};
use crate::ids::*;
use std::fmt;

/// Which links an action touches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Links {
    All,
    /// One direction: `A>B`.
    One(NodeId, NodeId),
    /// Both directions: `A-B`.
    Both(NodeId, NodeId),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LoadTarget {
    /// Customers walk into the branch that currently leads (the RaftScope workload).
    Leader,
    /// Customers walk into a branch drawn at random.
    Random,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// A new customer asks `branch` for the next Number.
    Ask(NodeId),
    /// Customer `c` (idle, or a new one by that number) asks `branch` for the next Number
    /// with a new request: `ask B c4`. A model check's counterexample names its customers,
    /// and its messages carry their names, so playing it needs the very same customer.
    AskAs(NodeId, ClientId),
    /// A new customer asks `branch` for the latest Number.
    Read(NodeId),
    /// The customer takes the same request ID to `branch`.
    Retry(RequestId, NodeId),
    Kill(NodeId),
    Restart(NodeId),
    /// Force the branch's election timer to fire now.
    Timeout(NodeId),
    /// A higher authority declares the branch the Main Office (it still needs the votes,
    /// unless the variant `obey-decree` is on).
    Decree(NodeId),
    Cut(Links),
    Restore(Links),
    Isolate(NodeId),
    Split(Vec<Vec<NodeId>>),
    Heal,
    Latency(Links, u64, u64),
    Loss(Links, u8),
    Dup(Links, u8),
    /// Drop one message in flight, by its id.
    Drop(u64),
    /// Deliver one message in flight now, by its id, whenever it was due: a step of a model
    /// check's counterexample, whose time is abstract (model.rs).
    Deliver(u64),
    /// Fire the branch's heartbeat timer now (a Main Office resends its register).
    Heartbeat(NodeId),
    /// The paperwork of the customer stamped at the branch's door with this request is done
    /// now (`number-at-the-door`): the branch files it.
    File(NodeId, RequestId),
    /// Customers per simulated second (0 stops the load).
    Load(u32, LoadTarget),
    Mode(ClientMode),
    /// The customer waiting with this request walks away before the answer.
    Abandon(RequestId),
    /// From now on this percentage of the customers the load brings walk away before their
    /// answer, each at a moment drawn within their patience (0 stops it).
    WalkAway(u8),
}

impl fmt::Display for Links {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Links::All => write!(f, "all"),
            Links::One(a, b) => write!(f, "{a}>{b}"),
            Links::Both(a, b) => write!(f, "{a}-{b}"),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Ask(b) => write!(f, "ask {b}"),
            Action::AskAs(b, c) => write!(f, "ask {b} {c}"),
            Action::Read(b) => write!(f, "read {b}"),
            Action::Retry(r, b) => write!(f, "retry {r} {b}"),
            Action::Kill(b) => write!(f, "kill {b}"),
            Action::Restart(b) => write!(f, "restart {b}"),
            Action::Timeout(b) => write!(f, "timeout {b}"),
            Action::Decree(b) => write!(f, "decree {b}"),
            Action::Cut(l) => write!(f, "cut {l}"),
            Action::Restore(l) => write!(f, "restore {l}"),
            Action::Isolate(b) => write!(f, "isolate {b}"),
            Action::Split(groups) => {
                write!(f, "split")?;
                for g in groups {
                    write!(f, " ")?;
                    for b in g {
                        write!(f, "{b}")?;
                    }
                }
                Ok(())
            }
            Action::Heal => write!(f, "heal"),
            Action::Latency(l, min, max) => write!(f, "latency {l} {min} {max}"),
            Action::Loss(l, p) => write!(f, "loss {l} {p}"),
            Action::Dup(l, p) => write!(f, "dup {l} {p}"),
            Action::Drop(id) => write!(f, "drop {id}"),
            Action::Deliver(id) => write!(f, "deliver {id}"),
            Action::Heartbeat(b) => write!(f, "heartbeat {b}"),
            Action::File(b, r) => write!(f, "file {b} {r}"),
            Action::Load(rate, LoadTarget::Leader) => write!(f, "load {rate} leader"),
            Action::Load(rate, LoadTarget::Random) => write!(f, "load {rate} random"),
            Action::Mode(m) => write!(f, "mode {m}"),
            Action::Abandon(r) => write!(f, "abandon {r}"),
            Action::WalkAway(p) => write!(f, "walk-away {p}"),
        }
    }
}

fn parse_links(s: &str, n: usize) -> Result<Links, String> {
    if s == "all" {
        return Ok(Links::All);
    }
    let (sep, both) = if s.contains('>') { ('>', false) } else { ('-', true) };
    let (a, b) = s
        .split_once(sep)
        .ok_or_else(|| format!("{s:?} is not a link (expected A>B for one direction, A-B for both, or all)"))?;
    let (a, b) = (NodeId::parse(a, n)?, NodeId::parse(b, n)?);
    if a == b {
        return Err(format!("{s:?} links a branch to itself"));
    }
    Ok(if both { Links::Both(a, b) } else { Links::One(a, b) })
}

fn parse_num<T: std::str::FromStr>(s: &str, what: &str) -> Result<T, String> {
    s.parse().map_err(|_| format!("{s:?} is not a valid {what}"))
}

fn parse_group(s: &str, n: usize) -> Result<Vec<NodeId>, String> {
    s.chars().map(|c| NodeId::parse(c.encode_utf8(&mut [0; 4]), n)).collect()
}

impl Action {
    /// Parses one action (`kill A`, `cut A>B`, `latency all pigeon`, …) for a cluster of `n`.
    pub fn parse(s: &str, n: usize) -> Result<Action, String> {
        let words: Vec<&str> = s.split_whitespace().collect();
        let arity = |k: usize| {
            if words.len() == k + 1 {
                Ok(())
            } else {
                Err(format!("{:?} takes {k} argument(s), got {}", words[0], words.len() - 1))
            }
        };
        let node = |i: usize| NodeId::parse(words[i], n);
        let Some(&verb) = words.first() else { return Err("empty action".into()) };
        Ok(match verb {
            "ask" if words.len() == 3 => Action::AskAs(node(1)?, ClientId::parse(words[2])?),
            "ask" | "read" | "kill" | "restart" | "timeout" | "isolate" | "decree" | "heartbeat" => {
                arity(1)?;
                let b = node(1)?;
                match verb {
                    "ask" => Action::Ask(b),
                    "read" => Action::Read(b),
                    "kill" => Action::Kill(b),
                    "restart" => Action::Restart(b),
                    "timeout" => Action::Timeout(b),
                    "decree" => Action::Decree(b),
                    "heartbeat" => Action::Heartbeat(b),
                    _ => Action::Isolate(b),
                }
            }
            "retry" => {
                arity(2)?;
                Action::Retry(RequestId::parse(words[1])?, node(2)?)
            }
            "cut" | "restore" => {
                arity(1)?;
                let l = parse_links(words[1], n)?;
                if verb == "cut" {
                    Action::Cut(l)
                } else {
                    Action::Restore(l)
                }
            }
            "split" => {
                if words.len() < 3 {
                    return Err("split needs at least two groups, like: split ABC DE".into());
                }
                let groups = words[1..].iter().map(|g| parse_group(g, n)).collect::<Result<Vec<_>, _>>()?;
                let mut seen = [false; MAX_BRANCHES];
                for b in groups.iter().flatten() {
                    if std::mem::replace(&mut seen[b.index()], true) {
                        return Err(format!("branch {b} is in two groups"));
                    }
                }
                Action::Split(groups)
            }
            "heal" => {
                arity(0)?;
                Action::Heal
            }
            "latency" => parse_latency(&words, n)?,
            "loss" | "dup" => {
                arity(2)?;
                let l = parse_links(words[1], n)?;
                let pct: u8 = parse_num(words[2], "percentage")?;
                if pct > 100 {
                    return Err(format!("{verb} must be 0 to 100 %, not {pct}"));
                }
                if verb == "loss" {
                    Action::Loss(l, pct)
                } else {
                    Action::Dup(l, pct)
                }
            }
            "drop" | "deliver" => {
                arity(1)?;
                let id = parse_num(words[1], "message id")?;
                if verb == "drop" {
                    Action::Drop(id)
                } else {
                    Action::Deliver(id)
                }
            }
            "file" => {
                arity(2)?;
                Action::File(node(1)?, RequestId::parse(words[2])?)
            }
            "load" => parse_load(&words)?,
            "mode" => {
                arity(1)?;
                Action::Mode(ClientMode::parse(words[1])?)
            }
            "abandon" => {
                arity(1)?;
                Action::Abandon(RequestId::parse(words[1])?)
            }
            "walk-away" => {
                arity(1)?;
                let pct: u8 = parse_num(words[1], "percentage")?;
                if pct > 100 {
                    return Err(format!("walk-away must be 0 to 100 %, not {pct}"));
                }
                Action::WalkAway(pct)
            }
            other => return Err(format!("unknown action {other:?}")),
        })
    }
}

/// `latency LINKS MIN MAX` or `latency LINKS PRESET`.
fn parse_latency(words: &[&str], n: usize) -> Result<Action, String> {
    let (min, max) = match words.len() {
        3 => LatencyPreset::parse(words[2])?.latency_ms(),
        4 => (parse_num(words[2], "latency in ms")?, parse_num(words[3], "latency in ms")?),
        _ => return Err("latency takes a link and a preset, or a link and min and max ms".into()),
    };
    crate::config::check_range("latency", min, max, 1, limits::MAX_LATENCY_MS)?;
    Ok(Action::Latency(parse_links(words[1], n)?, min, max))
}

/// `load RATE [leader|random]`.
fn parse_load(words: &[&str]) -> Result<Action, String> {
    if !(2..=3).contains(&words.len()) {
        return Err("load takes a rate per second and optionally leader or random".into());
    }
    let rate: u32 = parse_num(words[1], "rate")?;
    if rate > limits::MAX_LOAD_PER_SEC {
        return Err(format!("load must be at most {} customers per second", limits::MAX_LOAD_PER_SEC));
    }
    let target = match words.get(2).copied() {
        None | Some("random") => LoadTarget::Random,
        Some("leader") => LoadTarget::Leader,
        Some(other) => return Err(format!("load target must be leader or random, not {other:?}")),
    };
    Ok(Action::Load(rate, target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_through_text() {
        for s in [
            "ask A",
            "read C",
            "retry c1-2 B",
            "kill A",
            "restart A",
            "timeout E",
            "cut A>B",
            "cut A-B",
            "restore all",
            "isolate D",
            "split ABC DE",
            "heal",
            "latency A-B 10 20",
            "loss all 30",
            "dup B>A 50",
            "drop 17",
            "load 10 leader",
            "load 0 random",
            "mode at-least-once",
            "abandon c4-1",
            "walk-away 10",
            "decree C",
            "ask B c4",
            "deliver 42",
            "heartbeat A",
            "file C c2-1",
        ] {
            let a = Action::parse(s, 5).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(a.to_string(), s);
        }
        assert_eq!(Action::parse("latency all pigeon", 5), Ok(Action::Latency(Links::All, 3_300_000, 3_900_000)));
    }

    #[test]
    fn bad_actions_say_what_is_wrong() {
        for (s, needle) in [
            ("", "empty"),
            ("fly A", "unknown action"),
            ("kill", "takes 1"),
            ("kill Z", "does not exist"),
            ("cut A>A", "itself"),
            ("cut AB", "not a link"),
            ("split AB BC", "two groups"),
            ("loss all 101", "0 to 100"),
            ("latency all 20 10", "min ≤ max"),
            ("load 5000", "at most"),
            ("retry x B", "request ID"),
            ("abandon", "takes 1"),
            ("abandon B", "request ID"),
            ("walk-away 101", "0 to 100"),
            ("decree", "takes 1"),
            ("decree Q", "does not exist"),
            ("decree A B", "takes 1"),
            ("walk-away lots", "not a valid percentage"),
            ("ask B 4", "not a customer"),
            ("ask B c1 C", "takes 1"),
            ("deliver", "takes 1"),
            ("deliver x", "not a valid message id"),
            ("heartbeat Q", "does not exist"),
            ("file A", "takes 2"),
            ("file A B", "request ID"),
        ] {
            let e = Action::parse(s, 5).expect_err(s);
            assert!(e.contains(needle), "{s:?} gave {e:?}");
        }
    }
}
