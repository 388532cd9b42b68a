//! The history-file parser and the checkers behind `nextnumber check`: any bytes give a
//! verdict or an error, never a panic.
//! The body is nextnumber_core::fuzzing::history, which `make test` replays on the corpus.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| nextnumber_core::fuzzing::history(data));
