//! The scenario decoder (files, permalinks, the CLI): any text gives a scenario or an error,
//! never a panic, and an accepted scenario survives a round trip through its text form.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nextnumber_core::Scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(s) = Scenario::parse(text) {
        let again = Scenario::parse(&s.to_text()).expect("a printed scenario parses");
        assert_eq!(again, s);
    }
});
