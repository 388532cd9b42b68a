//! Tables by request ID and by Number held as lists, not hash maps: [`ByRequest`], and a
//! [`Chunked`] by Number grown with [`Chunked::get_or_grow`].
//!
//! The checkers keep a few facts per request and per Number. In hash maps (`SharedMap`)
//! they cost about 0.4 KB a request over both checkers, an hour into a busy run most of the
//! page's memory (issue 16). Both keys are dense: customers are numbered from 1 (the lowest
//! idle one serves first, so there are few of them), each customer's request IDs from 1
//! (`sim/customers.rs`), Numbers from 1 (a branch issues the one after its last). So a fact
//! is a slot in a list per customer by request ID, or in one list by Number: no key stored,
//! no empty buckets, and chunked, so time-travel snapshots share the old slots.

use crate::chunked::Chunked;
use crate::ids::RequestId;
use std::num::NonZeroU64;

/// A value per request ID, by customer then by the request's place among theirs. A request
/// never written reads as the default value.
#[derive(Debug, Hash)]
pub struct ByRequest<T: Clone> {
    by_client: Vec<Chunked<T>>,
}

impl<T: Clone> Clone for ByRequest<T> {
    fn clone(&self) -> Self {
        ByRequest { by_client: self.by_client.clone() }
    }

    /// Into this one's lists: the model check recycles copies (see `Replica`'s `Clone`).
    fn clone_from(&mut self, source: &Self) {
        self.by_client.clone_from(&source.by_client);
    }
}

impl<T: Clone> Default for ByRequest<T> {
    fn default() -> Self {
        ByRequest { by_client: Vec::new() }
    }
}

impl<T: Clone + Default> ByRequest<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `r`, the default if it was never written.
    pub fn get(&self, r: RequestId) -> T {
        let (c, s) = place(r);
        self.by_client.get(c).and_then(|seqs| seqs.get(s)).cloned().unwrap_or_default()
    }

    /// The value of `r` to write, its slot (and those before it) made first if need be.
    pub fn get_mut(&mut self, r: RequestId) -> &mut T {
        let (c, s) = place(r);
        if c >= self.by_client.len() {
            self.by_client.resize_with(c + 1, Chunked::new);
        }
        self.by_client[c].get_or_grow(s)
    }

    /// Slots held, written or not: what the table's memory grows with.
    pub fn len(&self) -> usize {
        self.by_client.iter().map(Chunked::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Slots this and `other` (a snapshot of the same run) hold in the very same memory.
    pub fn shared_with(&self, other: &ByRequest<T>) -> usize {
        self.by_client.iter().zip(&other.by_client).map(|(a, b)| a.shared_with(b)).sum()
    }
}

/// Where `r` goes: its customer's list, its place in it. Both are numbered from 1 by the
/// simulator, which makes every request the checkers hear of.
fn place(r: RequestId) -> (usize, usize) {
    let c = (r.client.0 as usize).checked_sub(1).expect("customers are numbered from 1");
    (c, (r.seq as usize).checked_sub(1).expect("request IDs are numbered from 1"))
}

/// A Number or none, in 8 bytes (Numbers start at 1, so none is the 0 a Number never is).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct MaybeNumber(Option<NonZeroU64>);

impl MaybeNumber {
    pub fn some(n: u64) -> MaybeNumber {
        MaybeNumber(Some(NonZeroU64::new(n).expect("Numbers start at 1")))
    }

    pub fn get(self) -> Option<u64> {
        self.0.map(NonZeroU64::get)
    }
}

/// The place of Number `n` in a list by Number.
pub fn number_place(n: u64) -> usize {
    (n as usize).checked_sub(1).expect("Numbers start at 1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ClientId;

    fn r(client: u32, seq: u32) -> RequestId {
        RequestId { client: ClientId(client), seq }
    }

    #[test]
    fn a_request_never_written_reads_as_the_default_and_a_written_one_as_written() {
        let mut t: ByRequest<u32> = ByRequest::new();
        assert_eq!(t.get(r(3, 5)), 0);
        *t.get_mut(r(3, 5)) = 7;
        *t.get_mut(r(1, 2_000)) = 9;
        assert_eq!((t.get(r(3, 5)), t.get(r(3, 4)), t.get(r(1, 2_000)), t.get(r(2, 1))), (7, 0, 9, 0));
        assert_eq!(t.len(), 5 + 2_000);
        let before = t.clone();
        *t.get_mut(r(1, 3)) = 1;
        assert_eq!((before.get(r(1, 3)), t.get(r(1, 3))), (0, 1), "a clone keeps its past");
    }

    #[test]
    fn no_number_costs_no_more_than_a_number() {
        assert_eq!(std::mem::size_of::<MaybeNumber>(), 8);
        assert_eq!((MaybeNumber::default().get(), MaybeNumber::some(4).get()), (None, Some(4)));
    }
}
