//! An append-only vector whose clones share their past: [`Chunked`].
//!
//! Time travel keeps dozens of copies of the simulation (`crate::timeline`), and most of a
//! long run's state is records that only grow at the end: each branch's register log and
//! issued Numbers, the customers' requests. A `Vec` clone copies all of them; a `Chunked`
//! clone copies only its short tail and a pointer per full chunk, so a snapshot costs what
//! changed since the previous one, not the length of the run.
//!
//! Full chunks of [`CHUNK`] elements are frozen behind an `Arc` (not `Rc`: the model check
//! and the swarm may move simulations and replicas between threads). Writing into a frozen
//! chunk (a customer's request completed after its chunk filled, a test that edits a log)
//! copies that one chunk first if a snapshot shares it ([`Arc::make_mut`]); truncating into
//! one copies its kept part back into the tail. Either way no clone ever sees the change.
//!
//! Past the last full chunk the elements are frozen likewise in pieces of [`PIECE`], and only
//! the last few (fewer than a piece) are a plain list. The model check copies a branch and
//! the monitor for every step it tries and fingerprints every state it reaches: from a busy
//! moment of a run, where each record holds hundreds of elements short of a chunk, copying
//! and hashing those was most of the search's time and its memory. Now a copy costs a pointer
//! per piece and a fingerprint a cached hash per chunk and per piece (each holder caches the
//! hash of what it holds, and drops it on a write: `Frozen::fp`). Where the pieces and chunks
//! fall depends only on the length, so equal contents hash alike.
//!
//! A persistent-vector crate (`rpds`, `im`) would do as much, but the page's wasm is
//! size-budgeted and this is all the sharing the simulation needs.

use serde::{Serialize, Serializer};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Index, IndexMut, Range};
use std::sync::{Arc, OnceLock};

/// Elements per frozen chunk: large enough that the pointers cost nothing (8 bytes per
/// thousand elements), small enough that copying a chunk on a late write is cheap.
pub const CHUNK: usize = 1_024;

/// Elements per frozen piece past the last chunk: a copy of the unfinished chunk costs a
/// pointer per piece and fewer than `PIECE` elements.
pub const PIECE: usize = 32;

/// A frozen chunk or piece, and its fingerprint once computed (`crate::fingerprint`).
struct Frozen<T> {
    items: Arc<[T]>,
    fp: OnceLock<u64>,
}

impl<T> Clone for Frozen<T> {
    fn clone(&self) -> Self {
        Frozen { items: Arc::clone(&self.items), fp: self.fp.clone() }
    }
}

impl<T: Clone> Frozen<T> {
    fn new(items: impl Into<Arc<[T]>>) -> Self {
        Frozen { items: items.into(), fp: OnceLock::new() }
    }

    /// To write: copied first if another holder shares it, and its fingerprint forgotten.
    fn make_mut(&mut self) -> &mut [T] {
        self.fp = OnceLock::new();
        Arc::make_mut(&mut self.items)
    }
}

impl<T: Hash> Frozen<T> {
    fn fp(&self) -> u64 {
        *self.fp.get_or_init(|| crate::fingerprint::of(&*self.items))
    }
}

/// A vector that only grows at the end (or is cut back), cheap to clone: see the module docs.
pub struct Chunked<T> {
    /// Whole chunks at the front let go of ([`forget_before`](Chunked::forget_before)):
    /// indexes stay those of the whole sequence, and the forgotten ones hold nothing.
    forgotten: usize,
    /// The chunks from the `forgotten`th on, every one exactly `CHUNK` long, never changed
    /// while shared.
    frozen: Vec<Frozen<T>>,
    /// The elements past the frozen chunks, every one exactly `PIECE` long; fewer than make
    /// a chunk: then they are one.
    pieces: Vec<Frozen<T>>,
    /// Shorter than `PIECE`: full, it is frozen at once.
    tail: Vec<T>,
}

impl<T: Clone> Clone for Chunked<T> {
    fn clone(&self) -> Self {
        Chunked {
            forgotten: self.forgotten,
            frozen: self.frozen.clone(),
            pieces: self.pieces.clone(),
            tail: self.tail.clone(),
        }
    }

    /// Into this one's lists: the model check recycles copies (see `Replica`'s `Clone`).
    fn clone_from(&mut self, source: &Self) {
        self.forgotten = source.forgotten;
        self.frozen.clone_from(&source.frozen);
        self.pieces.clone_from(&source.pieces);
        self.tail.clone_from(&source.tail);
    }
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked { forgotten: 0, frozen: Vec::new(), pieces: Vec::new(), tail: Vec::new() }
    }
}

impl<T: Clone> Chunked<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every element ever pushed and not cut back, forgotten ones included: the next
    /// push's index.
    pub fn len(&self) -> usize {
        self.held() * CHUNK + self.pieces.len() * PIECE + self.tail.len()
    }

    /// Chunks forgotten or frozen: where the pieces begin, in chunks.
    fn held(&self) -> usize {
        self.forgotten + self.frozen.len()
    }

    /// The index of the first element still held: 0 unless some were forgotten.
    pub fn first_kept(&self) -> usize {
        self.forgotten * CHUNK
    }

    /// Lets go of the whole chunks before index `i` (a shared chunk stays in memory while a
    /// clone holds it). Indexes do not move; a forgotten element reads as `None`.
    pub fn forget_before(&mut self, i: usize) {
        let chunks = (i / CHUNK).min(self.held());
        if chunks > self.forgotten {
            self.frozen.drain(..chunks - self.forgotten);
            self.forgotten = chunks;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&mut self, x: T) {
        self.tail.push(x);
        if self.tail.len() == PIECE {
            self.freeze_tail();
        }
    }

    /// Once every `PIECE` pushes, and out of line so that it stays out of every caller's
    /// code (the page's wasm is size-budgeted).
    #[inline(never)]
    fn freeze_tail(&mut self) {
        let full = std::mem::replace(&mut self.tail, Vec::with_capacity(PIECE));
        self.pieces.push(Frozen::new(full));
        if self.pieces.len() * PIECE == CHUNK {
            let mut chunk = Vec::with_capacity(CHUNK);
            for piece in self.pieces.drain(..) {
                chunk.extend_from_slice(&piece.items);
            }
            self.frozen.push(Frozen::new(chunk));
        }
    }

    /// `None` past the end and before [`first_kept`](Self::first_kept). Inlined: the
    /// simulator reads registers by index in its hottest loops, mostly near their end.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&T> {
        let in_tail = self.len() - self.tail.len();
        if i >= in_tail {
            return self.tail.get(i - in_tail);
        }
        let past_chunks = self.held() * CHUNK;
        if i >= past_chunks {
            let j = i - past_chunks;
            return Some(&self.pieces[j / PIECE].items[j % PIECE]);
        }
        let c = (i / CHUNK).checked_sub(self.forgotten)?;
        Some(&self.frozen[c].items[i % CHUNK])
    }

    /// Copies the element's chunk or piece first if a clone shares it.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        let in_tail = self.len() - self.tail.len();
        if i >= in_tail {
            return self.tail.get_mut(i - in_tail);
        }
        self.frozen_mut(i)
    }

    /// [`get_mut`](Self::get_mut) before the tail, out of line like `freeze_tail`.
    #[inline(never)]
    fn frozen_mut(&mut self, i: usize) -> Option<&mut T> {
        let c = (i / CHUNK).checked_sub(self.forgotten)?;
        let held = self.held();
        if let Some(chunk) = self.frozen.get_mut(c) {
            return Some(&mut chunk.make_mut()[i % CHUNK]);
        }
        let j = i - held * CHUNK;
        let pieces = self.pieces.len();
        match self.pieces.get_mut(j / PIECE) {
            Some(piece) => Some(&mut piece.make_mut()[j % PIECE]),
            None => self.tail.get_mut(j - pieces * PIECE),
        }
    }

    pub fn last(&self) -> Option<&T> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// Keeps the first `len` elements. Cutting into a frozen chunk or piece thaws it: its
    /// kept part becomes pieces and the tail (a copy; a clone that shares it keeps it whole).
    /// Panics if that cuts into what was forgotten.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len() {
            return;
        }
        assert!(len >= self.first_kept(), "cannot cut to {len}: the first {} are forgotten", self.first_kept());
        let chunk = len / CHUNK - self.forgotten;
        if chunk < self.frozen.len() {
            let kept = self.frozen[chunk].items[..len % CHUNK].to_vec();
            self.frozen.truncate(chunk);
            self.pieces.clear();
            self.tail.clear();
            for piece in kept.chunks(PIECE) {
                match piece.len() {
                    PIECE => self.pieces.push(Frozen::new(piece.to_vec())),
                    _ => self.tail.extend_from_slice(piece),
                }
            }
            return;
        }
        let j = len - self.held() * CHUNK;
        let piece = j / PIECE;
        if piece < self.pieces.len() {
            self.tail.clear();
            self.tail.extend_from_slice(&self.pieces[piece].items[..j % PIECE]);
            self.pieces.truncate(piece);
        } else {
            self.tail.truncate(j % PIECE);
        }
    }

    /// The elements still held, from [`first_kept`](Self::first_kept) on.
    pub fn iter(&self) -> Iter<'_, T> {
        self.range(self.first_kept()..self.len())
    }

    /// The elements of `range`, like `&v[range]` of a `Vec` (and it panics as that would, or
    /// if the range starts among the forgotten).
    pub fn range(&self, range: Range<usize>) -> Iter<'_, T> {
        assert!(
            self.first_kept() <= range.start && range.start <= range.end && range.end <= self.len(),
            "range {range:?} of {}..{}",
            self.first_kept(),
            self.len()
        );
        Iter { of: self, front: range.start, back: range.end }
    }

    pub fn to_vec(&self) -> Vec<T> {
        self.iter().cloned().collect()
    }

    /// How many elements this and `other` hold in the very same memory: the frozen chunks
    /// they share. What a snapshot costs beyond the one before it is the rest.
    pub fn shared_with(&self, other: &Chunked<T>) -> usize {
        let pairs = self.aligned_with(other);
        pairs.filter(|(a, b)| Arc::ptr_eq(a, b)).count() * CHUNK
    }

    /// The frozen chunks this and `other` both hold at the same place.
    fn aligned_with<'a>(&'a self, other: &'a Chunked<T>) -> impl Iterator<Item = (&'a Arc<[T]>, &'a Arc<[T]>)> {
        let start = self.forgotten.max(other.forgotten);
        let mine = self.frozen.iter().skip(start - self.forgotten).map(|c| &c.items);
        mine.zip(other.frozen.iter().skip(start - other.forgotten).map(|c| &c.items))
    }

    /// The first index whose element is not `pred` (as `slice::partition_point`, the
    /// elements must be partitioned by it).
    pub fn partition_point(&self, pred: impl Fn(&T) -> bool) -> usize {
        let (mut lo, mut hi) = (self.first_kept(), self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(&self[mid]) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// As `slice::binary_search` on sorted elements.
    pub fn binary_search(&self, x: &T) -> Result<usize, usize>
    where
        T: Ord,
    {
        let i = self.partition_point(|e| e < x);
        if self.get(i) == Some(x) {
            Ok(i)
        } else {
            Err(i)
        }
    }
}

impl<T: Clone + Default> Chunked<T> {
    /// The element at `i` to write, the vector first grown to hold it with default values:
    /// a list used as a table by a dense key (`crate::dense`).
    pub fn get_or_grow(&mut self, i: usize) -> &mut T {
        while self.len() <= i {
            self.push(T::default());
        }
        &mut self[i]
    }
}

impl<T: Clone + PartialEq> Chunked<T> {
    /// How many full chunks are frozen: what [`share_equal_chunks`](Self::share_equal_chunks)
    /// can share.
    pub fn frozen_chunks(&self) -> usize {
        self.held()
    }

    /// The frozen chunks' addresses: what tells a chunk that several holders share.
    pub fn chunk_ids(&self) -> impl Iterator<Item = usize> + '_ {
        self.frozen.iter().map(|c| Arc::as_ptr(&c.items).cast::<u8>() as usize)
    }

    /// Holds each frozen chunk from the `from`th on in `other`'s memory where `other` holds
    /// an equal one at the same place. Nine branches of one cluster write the same register:
    /// apart, they hold nine copies of it. Equal contents, so nothing reading either changes.
    pub fn share_equal_chunks(&mut self, other: &Chunked<T>, from: usize) {
        let start = from.max(self.forgotten).max(other.forgotten);
        let mine = self.frozen.iter_mut().skip(start - self.forgotten);
        for (mine, theirs) in mine.zip(other.frozen.iter().skip(start - other.forgotten)) {
            if !Arc::ptr_eq(&mine.items, &theirs.items) && *mine.items == *theirs.items {
                *mine = theirs.clone();
            }
        }
    }
}

/// The elements of a range of a [`Chunked`], from either end.
#[derive(Clone)]
pub struct Iter<'a, T> {
    of: &'a Chunked<T>,
    front: usize,
    back: usize,
}

impl<'a, T: Clone> Iterator for Iter<'a, T> {
    type Item = &'a T;
    fn next(&mut self) -> Option<&'a T> {
        if self.front == self.back {
            return None;
        }
        self.front += 1;
        self.of.get(self.front - 1)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.back - self.front, Some(self.back - self.front))
    }
    fn nth(&mut self, n: usize) -> Option<&'a T> {
        self.front = self.front.saturating_add(n).min(self.back);
        self.next()
    }
}

impl<T: Clone> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front == self.back {
            return None;
        }
        self.back -= 1;
        self.of.get(self.back)
    }
}

impl<T: Clone> ExactSizeIterator for Iter<'_, T> {}

impl<'a, T: Clone> IntoIterator for &'a Chunked<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<T: Clone> Index<usize> for Chunked<T> {
    type Output = T;
    #[inline]
    fn index(&self, i: usize) -> &T {
        match self.get(i) {
            Some(x) => x,
            None => out_of_range(i, self.len()),
        }
    }
}

/// Apart and cold, so that `index` stays small enough to inline.
#[cold]
#[inline(never)]
fn out_of_range(i: usize, len: usize) -> ! {
    panic!("index {i} out of {len}")
}

impl<T: Clone> IndexMut<usize> for Chunked<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        let len = self.len();
        self.get_mut(i).unwrap_or_else(|| panic!("index {i} out of {len}"))
    }
}

impl<T: Clone> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut c = Chunked::new();
        items.into_iter().for_each(|x| c.push(x));
        c
    }
}

impl<T: Clone> From<Vec<T>> for Chunked<T> {
    fn from(v: Vec<T>) -> Self {
        v.into_iter().collect()
    }
}

impl<T: Clone + PartialEq> PartialEq for Chunked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.first_kept() == other.first_kept() && self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Clone + Eq> Eq for Chunked<T> {}

impl<T: Clone + PartialEq> PartialEq<Vec<T>> for Chunked<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        self.first_kept() == 0 && self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Clone + fmt::Debug> fmt::Debug for Chunked<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// As the sequence it stands for (the model check's fingerprints, `crate::fingerprint`), with
/// the count of forgotten elements in place of them.
/// A frozen chunk or piece as its fingerprint, computed once per holder (see the module docs).
impl<T: Clone + Hash> Hash for Chunked<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.first_kept());
        state.write_usize(self.len());
        for frozen in self.frozen.iter().chain(&self.pieces) {
            state.write_u64(frozen.fp());
        }
        T::hash_slice(&self.tail, state);
    }
}

/// As the `Vec` it stands for: a sequence.
impl<T: Clone + Serialize> Serialize for Chunked<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        Push(u32),
        Truncate(usize),
        Set(usize, u32),
        Forget(usize),
        /// Keeps a clone aside, which later operations must not change.
        Fork,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            8 => any::<u32>().prop_map(Op::Push),
            1 => (0..4 * CHUNK).prop_map(Op::Truncate),
            1 => (0..4 * CHUNK, any::<u32>()).prop_map(|(i, x)| Op::Set(i, x)),
            1 => Just(Op::Fork),
            1 => (0..4 * CHUNK).prop_map(Op::Forget),
        ]
    }

    /// `c` holds what `v` holds from `kept` on, at the same indexes.
    fn agree(c: &Chunked<u32>, v: &[u32], kept: usize) -> Result<(), TestCaseError> {
        prop_assert_eq!((c.first_kept(), c.len()), (kept, v.len()));
        prop_assert!(c.iter().eq(v[kept..].iter()));
        prop_assert!(c.iter().rev().eq(v[kept..].iter().rev()));
        prop_assert_eq!(c.last(), v[kept..].last());
        prop_assert_eq!(c.get(v.len()), None);
        prop_assert_eq!(c.get(kept.wrapping_sub(1)), None);
        let (a, b) = (kept + (v.len() - kept) / 3, kept + (v.len() - kept) * 2 / 3);
        prop_assert!(c.range(a..b).eq(v[a..b].iter()));
        prop_assert_eq!(c.range(a..b).len(), b - a);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Every operation does to a `Chunked` what it does to a `Vec`, and the clones kept
        /// along the way (snapshots) still hold what they held.
        #[test]
        fn behaves_as_a_vec_and_clones_keep_their_past(
            ops in proptest::collection::vec(op(), 0..3_000),
            pushes in 0..3 * CHUNK,
        ) {
            let (mut c, mut v) = (Chunked::new(), Vec::new());
            for x in 0..pushes as u32 {
                c.push(x);
                v.push(x);
            }
            let mut kept = 0;
            let mut forks: Vec<(Chunked<u32>, Vec<u32>, usize)> = Vec::new();
            for op in ops {
                match op {
                    Op::Push(x) => { c.push(x); v.push(x); }
                    Op::Truncate(n) if n >= kept => { c.truncate(n); v.truncate(n); }
                    Op::Set(i, x) if kept <= i && i < v.len() => { c[i] = x; v[i] = x; }
                    Op::Truncate(..) | Op::Set(..) => {}
                    Op::Forget(n) => {
                        c.forget_before(n);
                        kept = kept.max(n.min(v.len()) / CHUNK * CHUNK);
                    }
                    Op::Fork => forks.push((c.clone(), v.clone(), kept)),
                }
                prop_assert_eq!(c.tail.len() < PIECE && c.pieces.len() * PIECE < CHUNK, true);
            }
            agree(&c, &v, kept)?;
            // The fingerprint is the contents': as a fresh copy's, which never cut or wrote.
            let mut fresh: Chunked<u32> = v.iter().copied().collect();
            fresh.forget_before(kept);
            prop_assert_eq!(crate::fingerprint::of(&c), crate::fingerprint::of(&fresh));
            if kept == 0 {
                prop_assert_eq!(&c, &v);
            }
            for (fc, fv, fk) in &forks {
                agree(fc, fv, *fk)?;
            }
        }

        #[test]
        fn binary_search_is_the_slices(mut v in proptest::collection::vec(0u32..5_000, 0..3_000), x in 0u32..5_000) {
            v.sort();
            v.dedup();
            let c = Chunked::from(v.clone());
            prop_assert_eq!(c.binary_search(&x), v.binary_search(&x));
        }
    }

    #[test]
    fn a_clone_shares_the_full_chunks_and_a_late_write_unshares_one() {
        let mut a: Chunked<u32> = (0..3 * CHUNK as u32 + 5).collect();
        let b = a.clone();
        assert_eq!(a.shared_with(&b), 3 * CHUNK);
        a[CHUNK + 1] = 7;
        assert_eq!(a.shared_with(&b), 2 * CHUNK);
        assert_eq!(b[CHUNK + 1], CHUNK as u32 + 1);
        a.truncate(CHUNK / 2);
        assert_eq!((a.shared_with(&b), a.len(), b.len()), (0, CHUNK / 2, 3 * CHUNK + 5));
    }

    #[test]
    fn equal_chunks_written_apart_come_to_share_memory_and_unequal_ones_do_not() {
        let mut a: Chunked<u32> = (0..3 * CHUNK as u32).collect();
        let mut b: Chunked<u32> = (0..3 * CHUNK as u32).collect();
        b[2 * CHUNK] = 7;
        assert_eq!(a.shared_with(&b), 0);
        a.share_equal_chunks(&b, 1);
        assert_eq!(a.shared_with(&b), CHUNK, "only the second chunk: the first was not offered, the third differs");
        assert_eq!(a.to_vec(), (0..3 * CHUNK as u32).collect::<Vec<_>>());
        a.share_equal_chunks(&b, 0);
        assert_eq!((a.shared_with(&b), a.frozen_chunks()), (2 * CHUNK, 3));
    }
}
