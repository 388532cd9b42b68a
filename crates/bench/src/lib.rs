//! Benchmarks live in `benches/` and `examples/`; this crate holds what the examples share:
//! an allocator that counts the live heap, for the ones that measure memory.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// The system allocator, counting the bytes live. An example installs it with
/// `#[global_allocator] static A: Counting = Counting;` and reads [`live_bytes`].
pub struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);

/// The bytes allocated and not yet freed, while [`Counting`] is the global allocator.
pub fn live_bytes() -> usize {
    LIVE.load(Relaxed)
}

// SAFETY: forwards every call to the system allocator unchanged; only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        LIVE.fetch_add(n, Relaxed);
        LIVE.fetch_sub(l.size(), Relaxed);
        System.realloc(p, l, n)
    }
}
