//! The field's words, one newtype per idea, so an index is never mistaken for a Number.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Simulated time in milliseconds.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(transparent)]
pub struct Tick(pub u64);

/// A branch (node, replica): 0 is A, 1 is B, … In JS its letter, "A" to "I" (`string_serde!`
/// below); typed `string`, since a union of the nine would make a map by branch need all nine.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(type = "string"))]
pub struct NodeId(pub u8);

/// A Raft term: one election epoch.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(transparent)]
pub struct Term(pub u64);

/// A slot in the register (the replicated log), 1-based; 0 means "before the first".
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(transparent)]
pub struct LogIndex(pub u64);

/// An issued Number. Distinct from `LogIndex`: no-ops and retries take slots, not Numbers.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(transparent)]
pub struct SeqNum(pub u64);

/// A customer (client). In JS "c3" (`string_serde!` below).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(type = "`c${number}`"))]
pub struct ClientId(pub u32);

/// The request ID (idempotency key) chosen by the customer: "c3-2" is customer 3's second need.
/// In JS "c3-2" (`string_serde!` below).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(type = "`c${number}-${number}`"))]
pub struct RequestId {
    pub client: ClientId,
    pub seq: u32,
}

pub const MAX_BRANCHES: usize = 9;

impl NodeId {
    pub fn name(self) -> char {
        (b'A' + self.0) as char
    }
    pub fn index(self) -> usize {
        self.0 as usize
    }
    /// Parses "A".."I" (case-insensitive) into a branch of a cluster of `n`.
    pub fn parse(s: &str, n: usize) -> Result<NodeId, String> {
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_alphabetic() => {
                let i = c.to_ascii_uppercase() as u8 - b'A';
                if (i as usize) < n {
                    Ok(NodeId(i))
                } else {
                    Err(format!("branch {s:?} does not exist: this cluster has branches A..{}", NodeId(n as u8 - 1)))
                }
            }
            _ => Err(format!("{s:?} is not a branch name (expected a letter A..{})", NodeId(n as u8 - 1))),
        }
    }
    pub fn all(n: usize) -> impl Iterator<Item = NodeId> {
        (0..n as u8).map(NodeId)
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name())
    }
}
impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}", self.0)
    }
}
impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.client, self.seq)
    }
}

impl ClientId {
    pub fn parse(s: &str) -> Result<ClientId, String> {
        s.strip_prefix('c')
            .and_then(|d| d.parse::<u32>().ok())
            .map(ClientId)
            .ok_or_else(|| format!("{s:?} is not a customer (expected c1, c2, …)"))
    }
}

impl RequestId {
    pub fn parse(s: &str) -> Result<RequestId, String> {
        let err = || format!("{s:?} is not a request ID (expected c<customer>-<n>, like c1-2)");
        let (c, n) = s.split_once('-').ok_or_else(err)?;
        Ok(RequestId { client: ClientId::parse(c).map_err(|_| err())?, seq: n.parse().map_err(|_| err())? })
    }
}

macro_rules! string_serde {
    ($t:ty, $parse:expr) => {
        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}
string_serde!(NodeId, |s: &str| NodeId::parse(s, MAX_BRANCHES));
string_serde!(ClientId, ClientId::parse);
string_serde!(RequestId, RequestId::parse);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(NodeId::parse("c", 5), Ok(NodeId(2)));
        assert!(NodeId::parse("F", 5).is_err());
        assert!(NodeId::parse("AB", 5).is_err());
        let r = RequestId { client: ClientId(3), seq: 12 };
        assert_eq!(r.to_string(), "c3-12");
        assert_eq!(RequestId::parse("c3-12"), Ok(r));
        assert!(RequestId::parse("c3").is_err());
        assert!(RequestId::parse("x-1").is_err());
    }
}
