//! The branches of one cluster write the same register: each its own log, Numbers applied
//! and table of who got which Number, nine copies of one record in a nine-branch cluster
//! (measured by `examples/snapshot_memory`: three fifths of a long run's heap). Whenever a
//! branch freezes a chunk or a level, the simulator offers it its peers' equal ones to hold
//! instead. The branches never learn of it: a replica still owns its state, and a chunk
//! shared is never written in place (`crate::chunked`), so a later divergence (a log cut by
//! a new leader, §5.3) copies before it writes.

use super::Simulation;
use crate::ids::{LogIndex, NodeId, RequestId, SeqNum};
use crate::replica::Replica;

/// How much of each branch's records has been offered its peers' equal ones: frozen chunks
/// of the log, of the Numbers applied and of their log indexes; frozen entries of the table.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Offered {
    log: usize,
    sequence: usize,
    issued_at: usize,
    table: usize,
}

impl Offered {
    fn of(r: &Replica) -> Offered {
        Offered {
            log: r.disk.log.frozen_chunks(),
            sequence: r.register.sequence.frozen_chunks(),
            issued_at: r.register.issued_at.frozen_chunks(),
            table: r.register.table.frozen_entries(),
        }
    }
}

impl Simulation {
    /// After `node` took a step: offers what it froze since the last time its peers' equal
    /// chunks and levels. Costs a comparison of each new chunk with the peers', once.
    pub(super) fn share_with_peers(&mut self, node: NodeId) {
        let i = node.index();
        let (was, now) = (self.offered[i], Offered::of(&self.replicas[i]));
        if was == now {
            return;
        }
        let (before, rest) = self.replicas.split_at_mut(i);
        let (me, after) = rest.split_first_mut().expect("node is a branch");
        for peer in before.iter().chain(after.iter()) {
            if now.log > was.log {
                me.disk.log.share_equal_chunks(&peer.disk.log, was.log);
            }
            if now.sequence > was.sequence {
                me.register.sequence.share_equal_chunks(&peer.register.sequence, was.sequence);
            }
            if now.issued_at > was.issued_at {
                me.register.issued_at.share_equal_chunks(&peer.register.issued_at, was.issued_at);
            }
            if now.table != was.table {
                me.register.table.share_equal_levels(&peer.register.table);
            }
        }
        self.offered[i] = now;
    }
}

/// The bytes the branches' registers (logs, Numbers applied and their log indexes, tables)
/// take by `Simulation::approx_bytes`'s estimate, each chunk or level counted once however
/// many branches hold it; and of those, the bytes `earlier`'s branches (a snapshot's) hold
/// in the very same memory.
pub(super) fn register_bytes(replicas: &[Replica], earlier: Option<&[Replica]>) -> (usize, usize) {
    use crate::chunked::CHUNK;
    use crate::msg::Entry;
    use std::collections::{BTreeMap, BTreeSet};
    use std::mem::size_of;
    let (entry, pair, index) = (size_of::<Entry>(), size_of::<(RequestId, SeqNum)>(), size_of::<LogIndex>());
    let map = |items: usize| crate::shared_map::approx_bytes(items, pair);
    // Each frozen chunk or level by address, with its bytes.
    let held = |rs: &[Replica]| {
        let mut held = BTreeMap::new();
        for r in rs {
            held.extend(r.disk.log.chunk_ids().map(|id| (id, CHUNK * entry)));
            held.extend(r.register.sequence.chunk_ids().map(|id| (id, CHUNK * pair)));
            held.extend(r.register.issued_at.chunk_ids().map(|id| (id, CHUNK * index)));
            held.extend(r.register.table.levels().map(|(id, len)| (id, map(len))));
        }
        held
    };
    let mine = held(replicas);
    let unfrozen: usize = replicas
        .iter()
        .map(|r| {
            (r.disk.log.len() % CHUNK) * entry
                + (r.register.sequence.len() % CHUNK) * (pair + index)
                + map(r.register.table.recent_len())
        })
        .sum();
    let total = mine.values().sum::<usize>() + unfrozen;
    let theirs: BTreeSet<usize> = earlier.map(|e| held(e).into_keys().collect()).unwrap_or_default();
    let shared = mine.iter().filter(|(id, _)| theirs.contains(id)).map(|(_, b)| b).sum();
    (total, shared)
}
