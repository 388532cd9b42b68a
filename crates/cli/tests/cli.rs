//! The `nextnumber` binary as a user meets it: exit codes, files, messages.

use std::path::PathBuf;
use std::process::Command;

mod common;
use common::{nextnumber, text};

fn temp(name: &str) -> PathBuf {
    common::temp("cli", name)
}

#[test]
fn run_writes_a_history_that_check_accepts() {
    let h = temp("h.json");
    let run = nextnumber(&["run", "--seed", "7", "--history", h.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    assert!(text(&run).contains("0 violation(s)"));
    let check = nextnumber(&["check", h.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
}

#[test]
fn a_tampered_history_is_a_violation_exit_1() {
    let h = temp("tampered.json");
    nextnumber(&["run", "--seed", "3", "--history", h.to_str().unwrap()]);
    let json = std::fs::read_to_string(&h).unwrap();
    // Two customers told Number 1.
    let tampered = json.replacen("\"result\":{\"number\":2}", "\"result\":{\"number\":1}", 1);
    assert_ne!(json, tampered);
    std::fs::write(&h, tampered).unwrap();
    let check = nextnumber(&["check", h.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    assert!(text(&check).contains("I1"), "{}", text(&check));
}

#[test]
fn malformed_inputs_get_a_message_and_exit_2() {
    let cases: [(&str, &[u8]); 4] = [
        ("empty.json", b""),
        ("garbage.json", b"{\"format\": \"nextnumber-history/1\", \"seed\": "),
        (
            "future.json",
            b"{\"format\":\"nextnumber-history/9\",\"seed\":1,\"config\":{},\"requests\":[],\"applied\":{}}",
        ),
        ("binary.json", &[0xff, 0xfe, 0x00, 0x01]),
    ];
    for (name, bytes) in cases {
        let f = temp(name);
        std::fs::write(&f, bytes).unwrap();
        let o = nextnumber(&["check", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", text(&o));
        assert!(text(&o).contains("error:"), "{name}: {}", text(&o));
        assert!(!text(&o).contains("panicked"), "{name}: {}", text(&o));
    }
    let o = nextnumber(&["check", "/nonexistent/h.json"]);
    assert_eq!(o.status.code(), Some(2));
    let f = temp("bad-scenario.txt");
    std::fs::write(&f, "nextnumber/1\n@10 kill Z\n").unwrap();
    let o = nextnumber(&["run", "--scenario", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("line 2"), "{}", text(&o));
    let o = nextnumber(&["run", "--branches", "12"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("branches must be 1 to 9"), "{}", text(&o));
}

#[test]
fn swarm_prints_a_summary_and_reproduction_commands() {
    let o = nextnumber(&["swarm", "--seeds", "0..50"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("50 seeds, 50 passed, 0 failed"), "{}", text(&o));
    let save = temp("failing.txt");
    let o = nextnumber(&["swarm", "--seeds", "0..50", "--variant", "no-quorum", "--save", save.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("reproduce: nextnumber swarm --seeds"), "{}", text(&o));
    let offer = format!("nextnumber shrink {}", save.to_str().unwrap());
    assert!(text(&o).contains(&offer), "{}", text(&o));
    // The saved scenario replays the failure through `run`, and the offered command shrinks it.
    let o = nextnumber(&["run", "--scenario", save.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let o = nextnumber(&["shrink", save.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = nextnumber(&["swarm", "--seeds", "0..5", "--variant", "no-quorum"]);
    assert!(text(&o).contains("add --save FILE, then nextnumber shrink FILE"), "{}", text(&o));
    let o = nextnumber(&["swarm", "--seeds", "9..3"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn trace_prints_one_line_per_event_in_the_fixed_format() {
    let f = temp("tiny.txt");
    std::fs::write(&f, "nextnumber/1\nbranches 3\n@400 ask A\nrun 1000\n").unwrap();
    let o = nextnumber(&["run", "--scenario", f.to_str().unwrap(), "--trace"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = out.lines().filter(|l| !l.starts_with("seed ") && !l.starts_with("history hash ")).collect();
    assert!(lines.len() > 20);
    for l in lines {
        let tick = l[..10].trim();
        assert!(tick.parse::<u64>().is_ok(), "{l:?}");
    }
}

/// `nextnumber run --trace | head`: the reader goes away early; the run must end quietly
/// (SIGPIPE), not panic on "failed printing to stdout".
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_a_traced_run_quietly() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_nextnumber"))
        .args(["run", "--trace", "--ticks", "600000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(!first.is_empty());
    // The reader is dropped here: the pipe is closed while the run still prints.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.signal(), Some(libc_sigpipe()), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[cfg(unix)]
fn libc_sigpipe() -> i32 {
    13 // SIGPIPE on every Unix this runs on (POSIX numbers it 13 on Linux and the BSDs)
}
