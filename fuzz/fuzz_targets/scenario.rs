//! The scenario decoders, of files and the CLI and of permalinks (what the page reads from
//! its address): any text gives a scenario or an error, never a panic, and an accepted
//! scenario survives a round trip through its text form and its link.
//! The body is nextnumber_core::fuzzing::scenario, which `make test` replays on the corpus.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| nextnumber_core::fuzzing::scenario(data));
