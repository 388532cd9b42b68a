//! The one-way trips between a customer's ask and its answer (issue 12: the essay counts
//! them in pigeon flights, and `path direct` saves one).
//!
//! Every replica step has a cause: a customer at the desk, a timer, or a delivered message,
//! whose own sending step had a cause in turn. A [`Lineage`] follows that chain back to
//! where it began, so when a step answers a customer, the chain of messages that led to the
//! answer is known: if it began with that very attempt at the desk, its trips are the
//! request's critical path. An answer that rode on a chain begun elsewhere (a heartbeat
//! carrying the entry, another customer's request) has no path of its own to count, and
//! the desk says so rather than counting the wrong one.
//!
//! Chains that begin at a timer, which are most of the traffic, cost nothing: only a chain
//! begun by a customer records its trips, in a list shared by every message of the chain
//! (`Arc`: simulations move between threads in the model check and the swarm).

pub use crate::history::Critical;
use crate::ids::{ClientId, NodeId, RequestId, Tick};
use serde::Serialize;
use std::sync::Arc;

/// A chain longer than this is no customer's critical path (a long repair of a register):
/// it is dropped, so no chain grows without bound.
const MAX_TRIPS: u8 = 32;

/// One message of a chain, delivered.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
pub struct Trip {
    pub from: NodeId,
    pub to: NodeId,
    pub sent: Tick,
    pub arrived: Tick,
}

#[derive(Debug)]
struct Link {
    trip: Trip,
    before: Option<Arc<Link>>,
}

/// Where a step's chain of causes began, and its trips so far.
#[derive(Clone, Debug, Default)]
pub(crate) struct Lineage {
    /// The customer's attempt whose ask began the chain; none for a timer or a visitor.
    root: Option<(ClientId, u32)>,
    since: Tick,
    trips: u8,
    last: Option<Arc<Link>>,
}

/// The latest answer whose chain began at its own ask, with its trips, first to last.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
pub struct AnsweredPath {
    pub request: RequestId,
    /// The branch whose desk gave the answer.
    pub branch: NodeId,
    pub critical: Critical,
    pub trips: Vec<Trip>,
}

impl Lineage {
    /// A customer's attempt at a desk begins a chain.
    pub fn ask(client: ClientId, attempt: u32, now: Tick) -> Lineage {
        Lineage { root: Some((client, attempt)), since: now, trips: 0, last: None }
    }

    /// The cause of the step that receives a message sent by a step of this lineage.
    pub fn then(&self, trip: Trip) -> Lineage {
        if self.root.is_none() || self.trips >= MAX_TRIPS {
            return Lineage::default();
        }
        let last = Some(Arc::new(Link { trip, before: self.last.clone() }));
        Lineage { root: self.root, since: self.since, trips: self.trips + 1, last }
    }

    /// The critical path of an answer to `client`'s `attempt` given now, if this chain
    /// began with that attempt.
    pub fn critical(&self, client: ClientId, attempt: u32, now: Tick) -> Option<Critical> {
        (self.root == Some((client, attempt))).then(|| Critical { trips: self.trips, ms: now.0 - self.since.0 })
    }

    /// The chain's trips, first to last.
    pub fn trips(&self) -> Vec<Trip> {
        let mut out = Vec::with_capacity(self.trips as usize);
        let mut at = self.last.as_deref();
        while let Some(link) = at {
            out.push(link.trip);
            at = link.before.as_deref();
        }
        out.reverse();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trip(from: u8, to: u8, sent: u64) -> Trip {
        Trip { from: NodeId(from), to: NodeId(to), sent: Tick(sent), arrived: Tick(sent + 10) }
    }

    #[test]
    fn a_chain_begun_by_an_attempt_counts_its_trips_for_that_attempt_only() {
        let asked = Lineage::ask(ClientId(3), 2, Tick(100));
        let there = asked.then(trip(1, 0, 100));
        let back = there.then(trip(0, 1, 110));
        assert_eq!(back.critical(ClientId(3), 2, Tick(120)), Some(Critical { trips: 2, ms: 20 }));
        assert_eq!(back.critical(ClientId(3), 1, Tick(120)), None, "another attempt of the same customer");
        assert_eq!(back.critical(ClientId(4), 2, Tick(120)), None);
        assert_eq!(back.trips(), vec![trip(1, 0, 100), trip(0, 1, 110)]);
        assert_eq!(there.trips(), vec![trip(1, 0, 100)], "a chain's branches share, never change, its past");
    }

    #[test]
    fn a_timer_begins_no_chain_and_a_long_chain_is_dropped() {
        let timer = Lineage::default().then(trip(0, 1, 0));
        assert_eq!(timer.trips(), vec![]);
        let mut long = Lineage::ask(ClientId(1), 1, Tick(0));
        for k in 0..MAX_TRIPS as u64 {
            long = long.then(trip(0, 1, k));
        }
        assert_eq!(long.critical(ClientId(1), 1, Tick(99)).map(|c| c.trips), Some(MAX_TRIPS));
        assert_eq!(long.then(trip(1, 0, 99)).critical(ClientId(1), 1, Tick(99)), None);
    }
}
