//! The event queue: earliest tick first, ties in the order they were scheduled.
//!
//! A timing wheel: one FIFO bucket per tick for the next `WHEEL` ticks, so scheduling and
//! taking an event cost O(1) where a heap paid O(log n) comparisons of 128-bit keys (a sixth
//! of the whole run). Events due `WHEEL` ticks or more ahead wait in a heap and move into
//! their bucket as soon as the wheel comes within `WHEEL` ticks of them. Nothing else can be
//! scheduled for that tick before then, and everything scheduled for it later goes to the
//! bucket directly, so every bucket stays in scheduling order. A bitmap of the buckets that
//! hold events lets the wheel skip the empty ticks between them in a few word operations.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

/// Ticks the wheel covers: more than the longest timer of the default config (the customer's
/// 1 s timeout), so the heap is for unusual configs only. A power of two, for the mask.
const WHEEL: u64 = 1024;
const WORDS: usize = (WHEEL / 64) as usize;

#[derive(Clone, Debug)]
pub(crate) struct EventQueue<E> {
    /// Bucket `t % WHEEL` holds the events due at tick `t`, for `t` in `cursor..cursor + WHEEL`.
    buckets: Vec<VecDeque<E>>,
    /// Bit `t % WHEEL` is set while bucket `t % WHEEL` holds an event.
    occupied: [u64; WORDS],
    /// No event is due before this tick; it never passes the simulator's clock.
    cursor: u64,
    in_wheel: usize,
    /// Events due at `cursor + WHEEL` or later.
    later: BinaryHeap<Later<E>>,
    /// Scheduling order, to break ties in `later`.
    scheduled: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            buckets: (0..WHEEL).map(|_| VecDeque::new()).collect(),
            occupied: [0; WORDS],
            cursor: 0,
            in_wheel: 0,
            later: BinaryHeap::new(),
            scheduled: 0,
        }
    }
}

impl<E> EventQueue<E> {
    /// Schedules `event` at tick `at`, which must not be before the last tick taken.
    #[inline]
    pub fn push(&mut self, at: u64, event: E) {
        debug_assert!(at >= self.cursor, "event at {at} scheduled in the past ({})", self.cursor);
        if at - self.cursor < WHEEL {
            self.put(at, event);
        } else {
            self.scheduled += 1;
            self.later.push(Later { key: ((at as u128) << 64) | self.scheduled as u128, event });
        }
    }

    fn put(&mut self, at: u64, event: E) {
        let slot = (at % WHEEL) as usize;
        self.buckets[slot].push_back(event);
        self.occupied[slot / 64] |= 1 << (slot % 64);
        self.in_wheel += 1;
    }

    /// The tick of the earliest event.
    pub fn next_tick(&self) -> Option<u64> {
        self.next_in_wheel().or_else(|| self.later.peek().map(Later::tick))
    }

    /// The earliest tick whose bucket holds an event: the first set bit from the cursor's
    /// slot on, wrapping around once.
    fn next_in_wheel(&self) -> Option<u64> {
        if self.in_wheel == 0 {
            return None;
        }
        let start = self.cursor % WHEEL;
        let mut word = start as usize / 64;
        let mut bits = self.occupied[word] & (!0 << (start % 64));
        for _ in 0..=WORDS {
            if bits != 0 {
                let slot = (word * 64) as u64 + bits.trailing_zeros() as u64;
                return Some(self.cursor + (slot + WHEEL - start) % WHEEL);
            }
            word = (word + 1) % WORDS;
            bits = self.occupied[word];
        }
        unreachable!("{} events in the wheel, none in the bitmap", self.in_wheel)
    }

    /// Takes the earliest event if it is due at `until` or before, with its tick.
    #[inline]
    pub fn pop_until(&mut self, until: u64) -> Option<(u64, E)> {
        loop {
            let slot = (self.cursor % WHEEL) as usize;
            if let Some(event) = self.buckets[slot].pop_front() {
                self.in_wheel -= 1;
                if self.buckets[slot].is_empty() {
                    self.occupied[slot / 64] &= !(1 << (slot % 64));
                }
                return Some((self.cursor, event));
            }
            if self.cursor >= until {
                return None;
            }
            self.advance(until);
        }
    }

    /// Moves the cursor from its empty bucket to the next one that holds an event, but no
    /// further than `until`, nor past the tick where the heap's earliest event must join the
    /// wheel (and joins it).
    fn advance(&mut self, until: u64) {
        let mut to = self.next_in_wheel().map_or(until, |t| t.min(until));
        if let Some(l) = self.later.peek() {
            to = to.min(l.tick() - (WHEEL - 1));
        }
        self.cursor = to;
        while let Some(next) = self.later.peek().filter(|l| l.tick() - self.cursor < WHEEL) {
            let tick = next.tick();
            let Later { event, .. } = self.later.pop().expect("peeked");
            self.put(tick, event);
        }
    }
}

/// An event due beyond the wheel. The tick (high half) and the order of scheduling (low
/// half) share one key: earliest first, ties in the order they were scheduled.
#[derive(Clone, Debug)]
struct Later<E> {
    key: u128,
    event: E,
}

impl<E> Later<E> {
    fn tick(&self) -> u64 {
        (self.key >> 64) as u64
    }
}

impl<E> PartialEq for Later<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Later<E> {}
impl<E> PartialOrd for Later<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Later<E> {
    /// Reversed: `BinaryHeap` pops the greatest, the queue wants the earliest.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    /// The reference: a sorted list of (tick, scheduling order).
    #[derive(Default)]
    struct Reference(Vec<(u64, u64)>, u64);

    impl Reference {
        fn push(&mut self, at: u64) -> u64 {
            self.1 += 1;
            self.0.push((at, self.1));
            self.1
        }
        fn pop_until(&mut self, until: u64) -> Option<(u64, u64)> {
            let (i, &min) = self.0.iter().enumerate().min_by_key(|(_, e)| **e)?;
            (min.0 <= until).then(|| self.0.swap_remove(i))
        }
    }

    /// Near, far and same-tick events, with runs that stop between events: the wheel must
    /// hand them out exactly as a (tick, scheduling order) priority queue would.
    #[test]
    fn matches_a_priority_queue() {
        for seed in 0..200 {
            let mut rng = Pcg64Mcg::seed_from_u64(seed);
            let (mut q, mut r) = (EventQueue::default(), Reference::default());
            let mut now = 0;
            for _ in 0..2_000 {
                if rng.random_range(0..3) == 0 {
                    let until = now + rng.random_range(0..3 * WHEEL);
                    loop {
                        assert_eq!(q.next_tick(), r.0.iter().min().map(|e| e.0));
                        let got = q.pop_until(until);
                        assert_eq!(got, r.pop_until(until));
                        if got.is_none() {
                            break;
                        }
                    }
                    now = until;
                } else {
                    let span = [0, 2, 50, WHEEL, 5 * WHEEL][rng.random_range(0..5)];
                    let at = now + rng.random_range(0..=span);
                    q.push(at, r.push(at));
                }
            }
        }
    }
}
