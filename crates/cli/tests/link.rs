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
