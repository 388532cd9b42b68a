//! One line per event, in one fixed format: `<tick> <who> <verb> <detail>`, tick
//! right-aligned in simulated ms. The CLI prints it, the page's event log shows it, and the
//! determinism tests hash it.

use crate::ids::Tick;
use std::collections::VecDeque;
use std::fmt::{self, Write};

#[derive(Clone, Debug, Default)]
pub struct Trace {
    enabled: bool,
    /// How many recent lines to keep (the hash covers all of them).
    keep: usize,
    lines: VecDeque<String>,
    hash: u64,
    count: u64,
    /// Lines are also printed to stdout as they happen (the CLI's --trace).
    pub echo: bool,
}

pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a: stable across platforms and Rust versions, unlike `DefaultHasher`.
pub fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, b| (h ^ *b as u64).wrapping_mul(FNV_PRIME))
}

impl Trace {
    pub fn enable(&mut self, keep: usize) {
        self.enabled = true;
        self.keep = keep;
        if self.hash == 0 {
            self.hash = FNV_OFFSET;
        }
    }

    /// Never without the `recorders` feature: every recording call sits behind this test,
    /// so the compiler leaves them all out.
    pub fn enabled(&self) -> bool {
        cfg!(feature = "recorders") && self.enabled
    }

    pub fn line(&mut self, tick: Tick, who: &dyn fmt::Display, verb: &str, detail: fmt::Arguments) {
        let mut s = String::with_capacity(64);
        let _ = write!(s, "{:>10} {:<4} {:<8} {}", tick.0, who.to_string(), verb, detail);
        self.hash = fnv1a(fnv1a(self.hash, s.as_bytes()), b"\n");
        self.count += 1;
        // wasm32 has no stdout: leaving the print out keeps std's stdout out of the page.
        #[cfg(not(target_arch = "wasm32"))]
        if self.echo {
            println!("{s}");
        }
        if self.keep > 0 {
            if self.lines.len() == self.keep {
                self.lines.pop_front();
            }
            self.lines.push_back(s);
        }
    }

    /// The hash of every line so far: equal hashes mean identical runs.
    pub fn hash(&self) -> u64 {
        self.hash
    }
    pub fn count(&self) -> u64 {
        self.count
    }
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().map(String::as_str)
    }
}
