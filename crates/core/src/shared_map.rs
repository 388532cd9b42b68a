//! A hash map whose clones share their older entries: [`SharedMap`].
//!
//! The other half of what a long run piles up (`crate::chunked` is the first): tables of
//! who got which Number, looked up but never iterated in an order that matters. Entries
//! go into a small `recent` map; full, it is frozen behind an `Arc` as a level, and levels
//! merge like a binary counter (the newer into the older while the older is not more than
//! twice its size), so there are O(log n) levels, each entry is copied O(log n) times, and
//! a clone (a time-travel snapshot) copies only `recent` and a pointer per level. A merge
//! copies a level only if a clone still holds it ([`Arc::unwrap_or_clone`]).

use rustc_hash::FxHashMap;
use std::hash::Hash;
use std::sync::Arc;

/// Entries in `recent` before it is frozen.
const RECENT_MAX: usize = 4_096;

#[derive(Clone, Debug)]
pub struct SharedMap<K, V> {
    /// Oldest (largest) first; a key in a newer level or in `recent` shadows an older one.
    frozen: Vec<Arc<FxHashMap<K, V>>>,
    recent: FxHashMap<K, V>,
    /// Distinct keys.
    len: usize,
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
            if older.len() > 2 * newer.len() {
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
}
