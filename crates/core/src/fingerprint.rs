//! 64-bit fingerprints of values, for the model check's seen-set (`crate::model`).
//!
//! The model check deduplicates states by a fingerprint of the replicas, the messages in
//! flight and the monitor. It used to hash their `Debug` images, and formatting those
//! strings was two thirds of the search's time; now each type hashes its fields through
//! `std::hash::Hash` into [`Fp`].
//!
//! Why a hasher of our own: the fingerprint must be the same on every platform (it orders
//! the messages in flight, so it decides which of several shortest counterexamples the
//! search meets first, and the browser's check must agree with the native one), and the
//! std's `DefaultHasher` makes no such promise, while `FxHasher` differs between 32- and
//! 64-bit targets (it works in `usize`). [`Fp`] works in `u64` on every target: each word is
//! folded in as FxHash does (rotate, xor, multiply by an odd constant: a bijection of the
//! running value, so two sequences that differ in one word never collide), and the result
//! is mixed by MurmurHash3's finalizer so every bit of it depends on every bit fed.

use std::hash::{Hash, Hasher};

/// The fingerprinting hasher: see the module docs.
#[derive(Clone, Copy, Default)]
pub struct Fp(u64);

/// FxHash's 64-bit multiplier (rustc-hash).
const K: u64 = 0xf135_7aea_2e62_a9c5;

impl Fp {
    pub fn new() -> Fp {
        Fp(0)
    }

    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(26) ^ word).wrapping_mul(K);
    }
}

impl Hasher for Fp {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
        // The length, so "ab" + "" and "a" + "b" differ (str's Hash also adds a 0xff).
        self.add(bytes.len() as u64);
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        // As a u64 on every target: wasm32's usize is 32 bits.
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // MurmurHash3's fmix64.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// The fingerprint of one value.
pub fn of(x: &(impl Hash + ?Sized)) -> u64 {
    let mut h = Fp::new();
    x.hash(&mut h);
    h.finish()
}

/// Feeds `state` a fingerprint of `items` that does not depend on their order: for hash maps,
/// whose iteration order follows their insertion history, so logically equal maps hash
/// alike. The sum of the items' own fingerprints (a set's items are distinct, so none
/// cancels another out as xor would pair them), then their count.
pub fn hash_unordered<H: Hasher>(items: impl Iterator<Item = impl Hash>, state: &mut H) {
    let (sum, count) = items.fold((0u64, 0u64), |(sum, count), x| (sum.wrapping_add(of(&x)), count + 1));
    state.write_u64(sum);
    state.write_u64(count);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_usize_counts_as_a_u64_and_strings_keep_their_bounds() {
        // A usize is fed as a u64, so wasm32 (32-bit usize) hashes as a 64-bit target does;
        // tests/wasm_model.rs sees the browser meet the native counterexample, step for step.
        assert_eq!(of(&7usize), of(&7u64));
        assert_ne!(of(&("ab", "")), of(&("a", "b")));
        assert_ne!(of(&(1u8, 2u32)), of(&(2u8, 1u32)));
    }

    #[test]
    fn an_unordered_hash_ignores_the_order_only() {
        let h = |v: &[(u32, u32)]| {
            let mut fp = Fp::new();
            hash_unordered(v.iter(), &mut fp);
            fp.finish()
        };
        assert_eq!(h(&[(1, 2), (3, 4)]), h(&[(3, 4), (1, 2)]));
        assert_ne!(h(&[(1, 2), (3, 4)]), h(&[(1, 2), (3, 5)]));
        assert_ne!(h(&[(1, 2)]), h(&[(1, 2), (1, 2)]));
    }
}
