//! The history-file parser and the checkers behind `nextnumber check`: any bytes give a
//! verdict or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nextnumber_core::{check_history, History};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(h) = History::from_json(text) {
        let _ = check_history(&h);
    }
});
