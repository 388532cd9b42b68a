//! `nextnumber link` and `nextnumber run --link`: a scenario file and its permalink run the
//! same (same history hash), and a broken link is bad input (exit 2) with a message.

use std::process::Output;

mod common;
use common::{fixture, nextnumber, stdout, text};

fn hash_line(o: &Output) -> String {
    stdout(o).lines().find(|l| l.starts_with("history hash ")).unwrap_or_else(|| panic!("{}", text(o))).to_string()
}

#[test]
fn a_file_and_its_link_make_the_same_run() {
    let file = fixture("partition-3-2-symmetric.txt");
    let link = nextnumber(&["link", &file, "--base", "https://example.org/nn/"]);
    assert_eq!(link.status.code(), Some(0), "{}", text(&link));
    let url = stdout(&link).trim().to_string();
    assert!(url.starts_with("https://example.org/nn/#nextnumber/1;seed_1;"), "{url}");
    assert!(url.ends_with(";end"), "{url}");
    let by_file = nextnumber(&["run", "--scenario", &file]);
    let by_link = nextnumber(&["run", "--link", &url]);
    assert_eq!(by_link.status.code(), Some(0), "{}", text(&by_link));
    assert_eq!(hash_line(&by_file), hash_line(&by_link));
    assert_eq!(hash_line(&by_file).len(), "history hash ".len() + 16);
    // And back to a file that runs the same again.
    let decoded = nextnumber(&["link", "--decode", &url]);
    assert_eq!(decoded.status.code(), Some(0), "{}", text(&decoded));
    let dir = std::env::temp_dir().join(format!("nextnumber-link-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let again = dir.join("again.txt");
    std::fs::write(&again, stdout(&decoded)).unwrap();
    let rerun = nextnumber(&["run", "--scenario", again.to_str().unwrap()]);
    assert_eq!(hash_line(&rerun), hash_line(&by_file));
}

#[test]
fn a_different_seed_is_a_different_run() {
    let file = fixture("partition-3-2-symmetric.txt");
    let a = stdout(&nextnumber(&["link", &file, "--seed", "1"]));
    let b = stdout(&nextnumber(&["link", &file, "--seed", "2"]));
    let run = |url: &str| hash_line(&nextnumber(&["run", "--link", url.trim()]));
    assert_ne!(run(&a), run(&b));
}

#[test]
fn broken_links_are_bad_input_with_a_message() {
    for (link, needle) in [
        ("nextnumber/1;seed_3;@0_cut_A~B;run_5;en", "cut short"),
        ("http://x/#nextnumber/2;seed_3;end", "newer version"),
        ("hello", "not a valid nextnumber link"),
        ("nextnumber/1;seed_%Z1;end", "not a %XX escape"),
        ("nextnumber/1;@0_kill_Q;end", "cannot run"),
        ("nextnumber/1;counterexample_2;@5_ask_A;run_5;end", "only 1 actions"),
        ("nextnumber/1;counterexample_1;@4_ask_A;run_5;end", "all at the run's end"),
        ("nextnumber/1;counterexample_many;end", "number of steps"),
        ("nextnumber/1;@5_deliver_x;end", "not a valid message id"),
        ("nextnumber/1;@5_ask_A_B;end", "not a customer"),
    ] {
        for args in [vec!["run", "--link", link], vec!["link", "--decode", link]] {
            let o = nextnumber(&args);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
            assert!(text(&o).contains(needle), "{args:?}: {}", text(&o));
            assert!(!text(&o).contains("panicked"), "{args:?}: {}", text(&o));
        }
    }
    let long = format!("nextnumber/1;{};end", "@0_ask_A;".repeat(5_000));
    let o = nextnumber(&["run", "--link", &long]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("too long"), "{}", text(&o));
}

/// A model check's counterexample as the page copies it (crates/core/tests/counterexample.rs
/// and tests/e2e/whatif.mjs find it): the run up to its moment, its two steps at that tick.
#[test]
fn a_counterexample_link_reproduces_its_violation() {
    let url = "http://127.0.0.1:8080/#nextnumber/1;seed_7;branches_3;variant_no-quorum;counterexample_2;\
               @1500_ask_B;@1503_deliver_108;@1503_timeout_A;run_1503;end";
    let o = nextnumber(&["run", "--link", url]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(stdout(&o).contains("I4 violated at t=1503: A leads term 2 without committed entry 2"), "{}", text(&o));
    // Without its last step, nothing is broken.
    let shorter = url.replace("counterexample_2", "counterexample_1").replace(";@1503_timeout_A", "");
    let o = nextnumber(&["run", "--link", &shorter]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // A step that cannot happen there is refused with a message, never a panic.
    let o = nextnumber(&["run", "--link", &url.replace("deliver_108", "deliver_9999")]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("no message #9999 is in flight"), "{}", text(&o));
}
