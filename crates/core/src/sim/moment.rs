//! A moment of a run as plain data: what the model checker (model.rs) needs to search every
//! future from here, and nothing of the simulator's clock, queue or PRNG, which the model
//! abstracts away.

use super::Simulation;
use crate::check::Monitor;
use crate::ids::{ClientId, NodeId, RequestId, Tick};
use crate::msg::Message;
use crate::replica::Replica;

#[derive(Clone, Debug)]
pub struct Moment {
    pub now: Tick,
    pub replicas: Vec<Replica>,
    pub up: Vec<bool>,
    /// Per directed link (`from * branches + to`), whether it is cut.
    pub cut: Vec<bool>,
    /// In send order.
    pub in_flight: Vec<(NodeId, NodeId, Message)>,
    /// The customers waiting for an answer, each with the request they wait with.
    pub waiting: Vec<(ClientId, RequestId)>,
    /// Per customer (`ClientId(i + 1)`), the request `seq` of each attempt so far, by
    /// `attempt - 1`: a late answer to an old attempt names its own request, not the
    /// customer's latest.
    pub attempt_seqs: Vec<Vec<u32>>,
    pub monitor: Monitor,
}

impl Moment {
    /// The highest term any branch has reached: the search's terms count on from it.
    pub fn highest_term(&self) -> u64 {
        self.replicas.iter().map(|r| r.disk.term.0).max().unwrap_or(0)
    }
}

impl Simulation {
    /// The messages in flight, in send order (a counterexample's step finds its message here).
    pub fn messages_in_flight(&self) -> Vec<&super::InFlight> {
        self.in_flight.sorted()
    }

    pub fn moment(&self) -> Moment {
        let n = self.config.branches;
        let cut = NodeId::all(n).flat_map(|a| NodeId::all(n).map(move |b| (a, b)));
        Moment {
            now: self.now,
            replicas: self.replicas.clone(),
            up: self.up.clone(),
            cut: cut.map(|(a, b)| a != b && !self.net.link(a, b).up).collect(),
            in_flight: self.in_flight.sorted().into_iter().map(|m| (m.from, m.to, Message::clone(&m.msg))).collect(),
            waiting: self.waiting_customers().into_iter().map(|(c, r, _)| (c, r)).collect(),
            attempt_seqs: self.customers.list.iter().map(|c| c.by_attempt.to_vec()).collect(),
            monitor: self.monitor.clone(),
        }
    }
}
