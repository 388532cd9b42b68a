//! The space-time diagram's data: what happened on each branch's lane and between lanes.
//!
//! The simulation records, when asked ([`SpaceTime::enable`]), one [`Mark`] per message
//! sent, delivered or lost, per fire and restart, per action of a visitor or a scenario
//! (cuts, heals, splits, …: the action itself is in [`crate::Simulation::actions`]) and per
//! leader elected or stepping down, stamped with its tick. The record lives inside the
//! simulation, so a [`crate::Timeline`] jump restores it with everything else: the diagram
//! is always in step with the moment shown.
//!
//! Bound: a ring of at most the capacity given to `enable` (at most
//! [`MAX_SPACETIME_MARKS`]); the oldest marks go first and [`SpaceTime::forgotten`] counts
//! them. A mark takes 32 bytes, and every time-travel snapshot holds a copy of the ring, so
//! a page keeps it small (10,000 marks, 320 KB, cover several seconds of a busy cluster).

use crate::ids::{NodeId, Term, Tick};
use crate::msg::MessageKind;
use serde::Serialize;
use std::collections::VecDeque;

/// The largest ring `enable` accepts.
pub const MAX_SPACETIME_MARKS: usize = 1_000_000;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum Mark {
    /// Message `id` left `from` for `to`, due at tick `arrive` (a duplicated message is two
    /// sends, each with its own id).
    Send {
        id: u64,
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
        arrive: u64,
    },
    Deliver {
        id: u64,
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
    },
    /// A message lost: at sending (`id` none: a cut link, loss, a full network) or on its
    /// way (a link cut in transit, a branch down on arrival, dropped by hand).
    Drop {
        id: Option<u64>,
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
        why: DropReason,
    },
    /// A fire: the branch lost its volatile state.
    Kill {
        branch: NodeId,
    },
    Restart {
        branch: NodeId,
    },
    /// Action number `index` of the run's action log took effect (a cut, a heal, a customer…).
    Action {
        index: u32,
    },
    LeaderElected {
        branch: NodeId,
        term: Term,
    },
    /// A leader cut off from a majority gave up office.
    SteppedDown {
        branch: NodeId,
    },
}

/// Why a message was lost.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "kebab-case")]
pub enum DropReason {
    LinkCut,
    Lost,
    NetworkFull,
    LinkCutInTransit,
    BranchDown,
    DroppedByHand,
}

impl DropReason {
    /// As the trace says it.
    pub fn name(self) -> &'static str {
        match self {
            DropReason::LinkCut => "link cut",
            DropReason::Lost => "lost",
            DropReason::NetworkFull => "network full",
            DropReason::LinkCutInTransit => "link cut in transit",
            DropReason::BranchDown => "branch down",
            DropReason::DroppedByHand => "dropped by hand",
        }
    }
}

/// A mark with its tick.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
pub struct SpaceTimeMark {
    pub tick: u64,
    #[serde(flatten)]
    // A flattened enum: declared as the enum's type (an intersection), not as an interface
    // extending it, which TypeScript refuses for a union.
    #[cfg_attr(feature = "wasm", tsify(type = "Mark"))]
    pub mark: Mark,
}

/// The ring of marks; off (and free) until enabled.
#[derive(Clone, Debug, Default)]
pub struct SpaceTime {
    capacity: usize,
    marks: VecDeque<SpaceTimeMark>,
    forgotten: u64,
}

impl SpaceTime {
    /// Starts recording, keeping the last `capacity` marks (1 to [`MAX_SPACETIME_MARKS`]).
    pub fn enable(&mut self, capacity: usize) -> Result<(), String> {
        if !(1..=MAX_SPACETIME_MARKS).contains(&capacity) {
            return Err(format!("the space-time record keeps 1 to {MAX_SPACETIME_MARKS} marks, not {capacity}"));
        }
        self.capacity = capacity;
        while self.marks.len() > capacity {
            self.marks.pop_front();
            self.forgotten += 1;
        }
        Ok(())
    }

    /// Never without the `recorders` feature (see `Trace::enabled`).
    #[inline]
    pub fn enabled(&self) -> bool {
        cfg!(feature = "recorders") && self.capacity > 0
    }

    pub(crate) fn push(&mut self, tick: Tick, mark: Mark) {
        if self.marks.len() == self.capacity {
            self.marks.pop_front();
            self.forgotten += 1;
        }
        self.marks.push_back(SpaceTimeMark { tick: tick.0, mark });
    }

    /// Every mark kept, oldest first.
    pub fn marks(&self) -> impl DoubleEndedIterator<Item = &SpaceTimeMark> + ExactSizeIterator {
        self.marks.iter()
    }

    /// The marks from tick `from` to tick `to`, both included, oldest first.
    pub fn window(&self, from: Tick, to: Tick) -> impl DoubleEndedIterator<Item = &SpaceTimeMark> {
        let start = self.marks.partition_point(|m| m.tick < from.0);
        let end = self.marks.partition_point(|m| m.tick <= to.0);
        self.marks.range(start..end.max(start))
    }

    /// How many marks fell out of the ring.
    pub fn forgotten(&self) -> u64 {
        self.forgotten
    }

    /// The tick of the oldest mark kept: the diagram is complete from here on.
    pub fn complete_since(&self) -> Option<Tick> {
        self.marks.front().map(|m| Tick(m.tick))
    }

    pub fn len(&self) -> usize {
        self.marks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }

    /// Bytes the ring holds, for the snapshots' budget.
    pub(crate) fn approx_bytes(&self) -> usize {
        self.marks.capacity() * std::mem::size_of::<SpaceTimeMark>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ring_keeps_the_newest_and_counts_the_rest() {
        let mut s = SpaceTime::default();
        assert!(!s.enabled());
        assert!(s.enable(0).is_err());
        s.enable(3).unwrap();
        for t in 0..5 {
            s.push(Tick(t * 10), Mark::Kill { branch: NodeId(0) });
        }
        assert_eq!(s.marks().map(|m| m.tick).collect::<Vec<_>>(), [20, 30, 40]);
        assert_eq!(s.forgotten(), 2);
        assert_eq!(s.complete_since(), Some(Tick(20)));
        assert_eq!(s.window(Tick(25), Tick(40)).map(|m| m.tick).collect::<Vec<_>>(), [30, 40]);
        assert_eq!(s.window(Tick(41), Tick(90)).count(), 0);
        assert_eq!(s.window(Tick(40), Tick(30)).count(), 0);
        s.enable(1).unwrap();
        assert_eq!(s.marks().map(|m| m.tick).collect::<Vec<_>>(), [40]);
        assert_eq!(s.forgotten(), 4);
        assert_eq!(std::mem::size_of::<SpaceTimeMark>(), 32);
    }
}
