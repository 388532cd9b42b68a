//! What the CLI's test files share: running the binary, reading its output, a scratch file,
//! a fixture's path. Each test file uses only some of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn nextnumber(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nextnumber")).args(args).output().expect("runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard output then standard error: where a message is, whichever it went to.
pub fn text(o: &Output) -> String {
    format!("{}{}", stdout(o), String::from_utf8_lossy(&o.stderr))
}

/// A file in a directory of this test run's own, `suite` naming the test file.
pub fn temp(suite: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nextnumber-{suite}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A scenario of crates/core/scenarios/.
pub fn fixture(name: &str) -> String {
    format!("{}/../core/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}
