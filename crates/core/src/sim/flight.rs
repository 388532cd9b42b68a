//! Messages in flight, in a slab: the hot path (send, deliver) is O(1), and the rare
//! lookups by id (a visitor drops a message) may scan.

use super::lineage::Lineage;
use crate::ids::{NodeId, Tick};
use crate::msg::Message;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct InFlight {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub sent: Tick,
    pub arrive: Tick,
    /// Shared with the time-travel snapshots that hold it: a snapshot copied every message
    /// in flight, entries and all, and with thousands on slow links one copy held the page's
    /// main thread for 280 ms (monkey seed 2107248755, RELIABILITY.md).
    pub msg: Arc<Message>,
    /// The chain of causes its sending step descends from (lineage.rs).
    pub(crate) lineage: Lineage,
}

#[derive(Clone, Debug, Default)]
pub struct Flights {
    slots: Vec<Option<InFlight>>,
    free: Vec<u32>,
    len: usize,
}

impl Flights {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Stores a message; the returned slot with the message id names it for delivery.
    /// Inlined: it runs on every send, and the call cost more than it does.
    #[inline]
    pub fn insert(&mut self, m: InFlight) -> u32 {
        self.len += 1;
        match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(m);
                slot
            }
            None => {
                self.slots.push(Some(m));
                (self.slots.len() - 1) as u32
            }
        }
    }

    /// Takes the message if the slot still holds message `id` (it may have been dropped by
    /// hand and the slot reused).
    pub fn take(&mut self, slot: u32, id: u64) -> Option<InFlight> {
        let cell = self.slots.get_mut(slot as usize)?;
        if cell.as_ref()?.id != id {
            return None;
        }
        self.len -= 1;
        self.free.push(slot);
        cell.take()
    }

    pub fn remove_id(&mut self, id: u64) -> Option<InFlight> {
        let slot = self.slots.iter().position(|s| s.as_ref().is_some_and(|m| m.id == id))?;
        self.take(slot as u32, id)
    }

    /// In slot order (no allocation): what the page draws every frame.
    pub fn iter(&self) -> impl Iterator<Item = &InFlight> {
        self.slots.iter().flatten()
    }

    /// In send order.
    pub fn sorted(&self) -> Vec<&InFlight> {
        // (id, slot) pairs: the same sort instantiation as the checker's, so the page's wasm
        // carries one sort, not two.
        let mut v: Vec<(u64, usize)> =
            self.slots.iter().enumerate().filter_map(|(i, s)| s.as_ref().map(|m| (m.id, i))).collect();
        v.sort_unstable();
        v.into_iter().filter_map(|(_, i)| self.slots[i].as_ref()).collect()
    }
}
