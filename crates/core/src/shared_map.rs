//! A hash map whose clones share their older entries: [`SharedMap`].
//!
//! The other half of what a long run piles up (`crate::chunked` is the first): tables of
//! who got which Number, looked up but never iterated in an order that matters. Entries
//! go into a small `recent` map; full, it is frozen behind an `Arc` as a level, and levels
//! merge like a binary counter (the newer into the older while the older is not more than
//! twice its size) until a level reaches `LEVEL_MAX` entries and is left as it is, so each
//! entry is copied a few times at most, and a clone (a time-travel snapshot) copies only
//! `recent` and a pointer per level. A merge copies a level only if a clone still holds it
//! ([`Arc::unwrap_or_clone`]). Maps that fill alike (the branches' tables) can hold their
//! equal levels in one memory ([`SharedMap::share_equal_levels`]).

use rustc_hash::FxHashMap;
use std::hash::Hash;
use std::sync::Arc;

/// Entries in `recent` before it is frozen: 7/8 of a power of two, a hash map's most
/// before it doubles its buckets, so `recent` and the levels merged from it (multiples of
/// it by powers of two) fill their buckets instead of leaving half of them empty.
const RECENT_MAX: usize = 3_584;

/// A level this large takes no more merges: it stays as it is, in the memory every later
/// snapshot shares. Merging on would rewrite it at every doubling, and each snapshot taken
/// in between would keep its own copy of the table (measured: most of a snapshot's own cost
/// an hour into a busy run). A lookup probes one more level per `LEVEL_MAX` entries.
const LEVEL_MAX: usize = 8 * RECENT_MAX;

/// About how many bytes `items` entries of `kv` bytes take in `SharedMap`s, for the
/// time-travel budget: a control byte per bucket, and the levels fill 7/8 of their buckets
/// (`RECENT_MAX`); `recent`, as it fills, between a half and all of that: 9/7, to err high.
pub const fn approx_bytes(items: usize, kv: usize) -> usize {
    items * (kv + 1) * 9 / 7
}

#[derive(Debug)]
pub struct SharedMap<K, V> {
    /// Oldest (largest) first; a key in a newer level or in `recent` shadows an older one.
    frozen: Vec<Arc<FxHashMap<K, V>>>,
    recent: FxHashMap<K, V>,
    /// Distinct keys.
    len: usize,
}

impl<K: Clone, V: Clone> Clone for SharedMap<K, V> {
    fn clone(&self) -> Self {
        SharedMap { frozen: self.frozen.clone(), recent: self.recent.clone(), len: self.len }
    }

    /// Into this one's maps: the model check recycles copies (see `Replica`'s `Clone`).
    fn clone_from(&mut self, source: &Self) {
        self.frozen.clone_from(&source.frozen);
        self.recent.clone_from(&source.recent);
        self.len = source.len;
    }
}

impl<K, V> Default for SharedMap<K, V> {
    fn default() -> Self {
        SharedMap { frozen: Vec::new(), recent: FxHashMap::default(), len: 0 }
    }
}

impl<K: Hash + Eq + Clone, V: Clone> SharedMap<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, k: &K) -> Option<&V> {
        self.recent.get(k).or_else(|| self.frozen.iter().rev().find_map(|m| m.get(k)))
    }

    pub fn contains_key(&self, k: &K) -> bool {
        self.get(k).is_some()
    }

    /// Sets `k` to `v`, as `HashMap::insert` (without returning the old value).
    pub fn insert(&mut self, k: K, v: V) {
        if !self.contains_key(&k) {
            self.len += 1;
        }
        self.recent.insert(k, v);
        if self.recent.len() >= RECENT_MAX {
            self.freeze();
        }
    }

    /// The value of `k`, inserting `v` first if it has none (`entry(k).or_insert(v)`).
    pub fn get_or_insert(&mut self, k: K, v: V) -> &V {
        if !self.contains_key(&k) {
            self.insert(k.clone(), v);
        }
        self.get(&k).expect("just inserted")
    }

    /// Every entry once, in no particular order (sort them before showing them).
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        let levels = std::iter::once(&self.recent).chain(self.frozen.iter().rev().map(|m| &**m));
        levels.enumerate().flat_map(move |(newer, m)| m.iter().filter(move |(k, _)| !self.shadowed(newer, k)))
    }

    /// Whether one of the `newer` maps newer than the one at that position holds `k`.
    fn shadowed(&self, newer: usize, k: &K) -> bool {
        newer > 0
            && (self.recent.contains_key(k) || self.frozen.iter().rev().take(newer - 1).any(|m| m.contains_key(k)))
    }

    fn freeze(&mut self) {
        let full = std::mem::take(&mut self.recent);
        self.frozen.push(Arc::new(full));
        while let [.., older, newer] = &self.frozen[..] {
            if older.len() > 2 * newer.len() || older.len() >= LEVEL_MAX {
                break;
            }
            let newer = self.frozen.pop().expect("two levels");
            let mut merged = Arc::unwrap_or_clone(self.frozen.pop().expect("two levels"));
            merged.extend(newer.iter().map(|(k, v)| (k.clone(), v.clone())));
            self.frozen.push(Arc::new(merged));
        }
    }

    /// About how many entries this and `other` hold in the very same memory.
    pub fn shared_with(&self, other: &SharedMap<K, V>) -> usize {
        let shared = self.frozen.iter().filter(|m| other.frozen.iter().any(|o| Arc::ptr_eq(m, o)));
        shared.map(|m| m.len()).sum()
    }
}

/// By its entries in no order (`crate::fingerprint::hash_unordered`): equal maps hash alike
/// whatever order their entries came in.
impl<K: Hash + Eq + Clone, V: Clone + Hash> Hash for SharedMap<K, V> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        crate::fingerprint::hash_unordered(self.iter(), state);
    }
}

impl<K: Hash + Eq + Clone, V: Clone + PartialEq> SharedMap<K, V> {
    /// How many entries the frozen levels hold (a key shadowed in a newer level counted
    /// again): it changes whenever a level is frozen or merged, so a caller can tell when
    /// [`share_equal_levels`](Self::share_equal_levels) has something new to share.
    pub fn frozen_entries(&self) -> usize {
        self.frozen.iter().map(|m| m.len()).sum()
    }

    /// Each frozen level's address and entries: what tells a level several holders share.
    pub fn levels(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.frozen.iter().map(|m| (Arc::as_ptr(m).cast::<u8>() as usize, m.len()))
    }

    /// Entries not yet frozen, which no clone shares.
    pub fn recent_len(&self) -> usize {
        self.recent.len()
    }

    /// Holds each frozen level in `other`'s memory where `other` holds an equal one at the
    /// same place: the branches of one cluster fill the same table of who got which Number
    /// in the same order, so their levels freeze and merge alike. Equal contents, so no
    /// lookup changes.
    pub fn share_equal_levels(&mut self, other: &SharedMap<K, V>) {
        for (mine, theirs) in self.frozen.iter_mut().zip(&other.frozen) {
            if !Arc::ptr_eq(mine, theirs) && mine.len() == theirs.len() && **mine == **theirs {
                *mine = Arc::clone(theirs);
            }
        }
    }
}

/// As `HashMap`'s: panics if `k` has no value.
impl<K: Hash + Eq + Clone, V: Clone> std::ops::Index<&K> for SharedMap<K, V> {
    type Output = V;
    fn index(&self, k: &K) -> &V {
        self.get(k).expect("no entry for the key")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

        /// Inserts do to a `SharedMap` what they do to a map, and clones kept along the way
        /// still hold what they held.
        #[test]
        fn behaves_as_a_map_and_clones_keep_their_past(
            ops in proptest::collection::vec((0u32..30_000, any::<u32>(), 0u8..40), 0..40_000),
        ) {
            let (mut s, mut m) = (SharedMap::new(), BTreeMap::new());
            let mut forks = Vec::new();
            for (k, v, what) in ops {
                match what {
                    0 => forks.push((s.clone(), m.clone())),
                    1..=20 => { s.insert(k, v); m.insert(k, v); }
                    _ => { let got = *s.get_or_insert(k, v); prop_assert_eq!(got, *m.entry(k).or_insert(v)); }
                }
            }
            forks.push((s, m));
            for (s, m) in &forks {
                prop_assert_eq!(s.len(), m.len());
                let all: BTreeMap<u32, u32> = s.iter().map(|(k, v)| (*k, *v)).collect();
                prop_assert_eq!(&all, m);
                prop_assert_eq!(s.iter().count(), m.len());
                for k in (0..30_000).step_by(97) {
                    prop_assert_eq!(s.get(&k), m.get(&k));
                }
            }
        }
    }

    #[test]
    fn equal_levels_filled_apart_come_to_share_memory_and_unequal_ones_do_not() {
        let fill = |n: u32, odd: u32| {
            let mut m = SharedMap::new();
            (0..n).for_each(|k| m.insert(k, if k == odd { 7 } else { k }));
            m
        };
        // Four levels' worth frozen, merged into one of three and one of one.
        let n = 4 * RECENT_MAX as u32 + 5;
        let newest = 3 * RECENT_MAX as u32 + 1;
        let (mut a, b, c) = (fill(n, u32::MAX), fill(n, u32::MAX), fill(n, newest));
        assert_eq!(a.shared_with(&b), 0);
        a.share_equal_levels(&c);
        assert_eq!(a.shared_with(&c), 3 * RECENT_MAX, "all but the level where they differ");
        a.share_equal_levels(&b);
        assert_eq!(a.shared_with(&b), a.frozen_entries());
        assert!((0..n).all(|k| a.get(&k) == Some(&k)));
    }
}
