//! Replays the committed fuzz corpora (fuzz/corpus/<target>/, grown and minimised by
//! `make fuzz`) through the same functions the cargo-fuzz targets call, on stable: every
//! input the fuzzer ever kept, including each crash it found, stays a test.
// Native only: `wasm-pack test` builds every test target for the browser, where these
// would not run (plain #[test]) and some would not build; the browser tests are wasm_*.rs.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::fuzzing;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

fn replay(target: &str, body: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|f| f.expect("a directory entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} is empty: the replay would test nothing", dir.display());
    let failed: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let data = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            catch_unwind(AssertUnwindSafe(|| body(&data))).err().map(|_| file.display().to_string())
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} inputs failed (reproduce with `cd fuzz && cargo +nightly fuzz run {target} FILE`):\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn scenario_corpus_parses_or_is_refused_and_round_trips() {
    replay("scenario", fuzzing::scenario);
}

#[test]
fn history_corpus_parses_or_is_refused_and_checks() {
    replay("history", fuzzing::history);
}

#[test]
fn replica_step_corpus_keeps_the_replica_invariants() {
    replay("replica_step", fuzzing::replica_step);
}
