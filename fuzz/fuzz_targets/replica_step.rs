//! One branch fed arbitrary messages, timeouts, customers and fires: it may refuse them, but
//! it must never panic nor break its own invariants (Replica::invariants).
//! The body is nextnumber_core::fuzzing::replica_step, which `make test` replays on the corpus.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| nextnumber_core::fuzzing::replica_step(data));
