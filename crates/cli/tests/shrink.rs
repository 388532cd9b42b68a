//! `nextnumber shrink`: on every failing fixture, a scenario no larger than the fixture that
//! still breaks the same invariants when run again, by file and by its printed link; bad
//! input is a one-line message and exit 2, never a panic.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{nextnumber, stdout, text};

fn temp(name: &str) -> PathBuf {
    common::temp("shrink", name)
}

/// The fixtures whose `# expect:` line names invariants rather than `pass`.
fn failing_fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/scenarios");
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            std::fs::read_to_string(p).unwrap().lines().any(|l| l.starts_with("# expect:") && !l.contains("pass"))
        })
        .collect();
    out.sort();
    out
}

fn action_lines(scenario: &str) -> usize {
    scenario.lines().filter(|l| l.trim_start().starts_with('@')).count()
}

/// The invariant codes a `nextnumber run` printed as violated (`I1 violated at t=…: …`).
fn violated(o: &Output) -> BTreeSet<String> {
    stdout(o).lines().filter_map(|l| l.split_once(" violated").map(|(code, _)| code.to_string())).collect()
}

fn hash_line(o: &Output) -> String {
    stdout(o).lines().find(|l| l.starts_with("history hash ")).unwrap_or_else(|| panic!("{}", text(o))).to_string()
}

#[test]
fn every_failing_fixture_shrinks_to_no_more_actions_that_still_break_the_same_invariants() {
    let fixtures = failing_fixtures();
    assert!(fixtures.len() >= 5, "only {} failing fixtures", fixtures.len());
    for fixture in fixtures {
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let original = std::fs::read_to_string(&fixture).unwrap();
        let before = nextnumber(&["run", "--scenario", fixture.to_str().unwrap()]);
        assert_eq!(before.status.code(), Some(1), "{name}: {}", text(&before));
        let shrink = nextnumber(&["shrink", fixture.to_str().unwrap()]);
        assert_eq!(shrink.status.code(), Some(0), "{name}: {}", text(&shrink));
        let shrunk = stdout(&shrink);
        assert!(action_lines(&shrunk) <= action_lines(&original), "{name}: larger than the fixture:\n{shrunk}");
        // The output is a scenario file as it stands: run it again.
        let file = temp(&name);
        std::fs::write(&file, &shrunk).unwrap();
        let again = nextnumber(&["run", "--scenario", file.to_str().unwrap()]);
        assert_eq!(again.status.code(), Some(1), "{name}: the shrunk scenario passes:\n{shrunk}");
        assert!(
            violated(&again).is_superset(&violated(&before)),
            "{name}: {:?} then {:?}",
            violated(&before),
            violated(&again)
        );
        // And its link is the same run.
        let link = shrunk.lines().find_map(|l| l.strip_prefix("# link: ")).unwrap_or_else(|| panic!("{name}: no link"));
        let by_link = nextnumber(&["run", "--link", link]);
        assert_eq!(by_link.status.code(), Some(1), "{name}: {}", text(&by_link));
        assert_eq!(hash_line(&by_link), hash_line(&again), "{name}: the link runs another run");
        println!("{name}: {} actions, shrunk to {}", action_lines(&original), action_lines(&shrunk));
    }
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let malformed = temp("malformed.txt");
    std::fs::write(&malformed, "nextnumber/1\n@10 kill Z\n").unwrap();
    let passing = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/scenarios/essay-1-one-office.txt");
    let split = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/scenarios/split-brain-no-quorum.txt");
    let cases: [(&[&str], &str); 5] = [
        (&["shrink", "/nonexistent/scenario.txt"], "/nonexistent/scenario.txt"),
        (&["shrink", malformed.to_str().unwrap()], "line 2"),
        (&["shrink", passing.to_str().unwrap()], "breaks no invariant"),
        (&["shrink", split.to_str().unwrap(), "--invariant", "election-safety"], "does not break election-safety"),
        (&["shrink", split.to_str().unwrap(), "--invariant", "I9"], "no invariant \"I9\""),
    ];
    for (args, needle) in cases {
        let o = nextnumber(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(err.starts_with("error: ") && err.contains(needle), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
    }
}

#[test]
fn a_named_invariant_is_kept_alone() {
    let split = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/scenarios/split-brain-no-quorum.txt");
    let o = nextnumber(&["shrink", split.to_str().unwrap(), "--invariant", "i1"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let first = stdout(&o).lines().next().unwrap_or_default().to_string();
    assert!(first.starts_with("# shrunk from 4 actions to ") && first.ends_with("it still breaks I1"), "{first}");
}
