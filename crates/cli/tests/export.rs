//! `nextnumber export`: each format read back by a parser that is not the writer's (serde_json
//! for Porcupine's JSON, the edn-format crate for Jepsen's EDN), on the histories of a safe
//! run, an unsafe run (split brain), and a run with every kind of outcome; each operation
//! checked against the history it came from.

use edn_format::Value as Edn;
use nextnumber_core::customer::{Outcome, RequestKind, RequestRecord};
use nextnumber_core::History;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod common;
use common::{nextnumber, text};

fn temp(name: &str) -> PathBuf {
    common::temp("export", name)
}

/// Refusals (a cut-off branch, a burnt one), stale and linearizable reads, and customers
/// who never hear back: what the fixtures' runs do not all have.
const EVERY_OUTCOME: &str = "nextnumber/1\nseed 3\nbranches 3\nmode at-most-once\n@0 load 10 random\n\
@2000 isolate C\n@2500 read C\n@2600 read A\n@2700 read B\n@3000 ask C\n@3500 kill A\n@5000 heal\n\
@5000 restart A\n@6000 load 0\nrun 9000\n";

/// The three runs' history files, each with whether the run was safe.
fn histories() -> Vec<(PathBuf, bool)> {
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/scenarios");
    let mixed = temp("every-outcome.txt");
    std::fs::write(&mixed, EVERY_OUTCOME).unwrap();
    let runs: [(&str, Vec<String>, bool); 3] = [
        ("safe", vec!["--seed".into(), "7".into()], true),
        (
            "split-brain",
            vec!["--scenario".into(), scenarios.join("essay-6-split-brain.txt").display().to_string()],
            false,
        ),
        ("every-outcome", vec!["--scenario".into(), mixed.display().to_string()], true),
    ];
    runs.into_iter()
        .map(|(name, args, safe)| {
            let file = temp(&format!("{name}.json"));
            let mut all = vec!["run", "-q", "--history", file.to_str().unwrap()];
            all.extend(args.iter().map(String::as_str));
            let o = nextnumber(&all);
            assert_eq!(o.status.code(), Some(if safe { 0 } else { 1 }), "{name}: {}", text(&o));
            (file, safe)
        })
        .collect()
}

fn export(format: &str, file: &Path) -> String {
    let o = nextnumber(&["export", "--format", format, file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    String::from_utf8(o.stdout).unwrap()
}

fn history(file: &Path) -> History {
    History::from_json(&std::fs::read_to_string(file).unwrap()).unwrap()
}

/// When a request's answer arrived; None when it never did.
fn answered(r: &RequestRecord) -> Option<u64> {
    r.result.as_ref().and(r.complete)
}

fn f(r: &RequestRecord) -> &'static str {
    if r.kind == RequestKind::Issue {
        "next"
    } else {
        "read"
    }
}

#[test]
fn porcupine_operations_pair_each_request_in_time_order_without_overlap_per_client() {
    let mut outputs = BTreeSet::new();
    for (file, _) in histories() {
        let h = history(&file);
        let by_request: BTreeMap<String, &RequestRecord> =
            h.requests.iter().map(|r| (r.request.to_string(), r)).collect();
        let ops: Vec<Json> =
            serde_json::from_str::<Json>(&export("porcupine", &file)).unwrap().as_array().unwrap().clone();
        assert_eq!(ops.len(), h.requests.len(), "one operation per request");
        let mut seen = BTreeSet::new();
        let mut last_return: BTreeMap<u64, i64> = BTreeMap::new();
        let mut last_call = 0;
        for op in &ops {
            let keys: Vec<&str> = op.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["call", "clientId", "input", "metadata", "output", "return"], "{op}");
            let request = op["metadata"]["request"].as_str().unwrap();
            assert!(seen.insert(request.to_string()), "{request} twice");
            let r = by_request[request];
            let (call, ret) = (op["call"].as_i64().unwrap(), op["return"].as_i64().unwrap());
            assert_eq!(call, r.invoke as i64, "{op}");
            assert!(call >= last_call, "operations in the order invoked: {op}");
            last_call = call;
            assert_eq!(ret, answered(r).map_or(i64::MAX, |t| t as i64), "{op}");
            assert!(call <= ret, "{op}");
            assert_eq!(op["input"]["op"], f(r), "{op}");
            assert_eq!(op["output"], expected_output(r), "{op}");
            outputs.insert(op["output"].as_object().unwrap().keys().cloned().collect::<Vec<_>>().join("+"));
            // A client is a single thread: its next call comes after its last return.
            let client = op["clientId"].as_u64().unwrap();
            if let Some(&before) = last_return.get(&client) {
                assert!(before < call, "client {client} overlaps itself at {op}");
            }
            last_return.insert(client, ret);
        }
    }
    // Not vacuous: every kind of output was met.
    let kinds: BTreeSet<String> = ["value", "stale+value", "refused", "unknown"].map(String::from).into();
    assert_eq!(outputs, kinds);
}

fn expected_output(r: &RequestRecord) -> Json {
    match &r.result {
        Some(Outcome::Number { number }) => serde_json::json!({ "value": number }),
        Some(Outcome::Read { read, linearizable: true }) => serde_json::json!({ "value": read }),
        Some(Outcome::Read { read, linearizable: false }) => serde_json::json!({ "value": read, "stale": true }),
        Some(Outcome::Error { error }) => serde_json::json!({ "refused": error }),
        None => serde_json::json!({ "unknown": true }),
    }
}

/// One EDN operation map's fields, by keyword name.
fn fields(line: &str) -> BTreeMap<String, Edn> {
    let Edn::Map(map) = edn_format::parse_str(line).unwrap_or_else(|e| panic!("{line}: {e:?}")) else {
        panic!("not a map: {line}")
    };
    map.into_iter()
        .map(|(k, v)| match k {
            Edn::Keyword(k) => (k.name().to_string(), v),
            other => panic!("{line}: key {other:?} is not a keyword"),
        })
        .collect()
}

fn int(v: &Edn) -> i64 {
    match v {
        Edn::Integer(i) => *i,
        other => panic!("{other:?} is not an integer"),
    }
}

fn kw(v: &Edn) -> String {
    match v {
        Edn::Keyword(k) => k.name().to_string(),
        other => panic!("{other:?} is not a keyword"),
    }
}

#[test]
fn jepsen_edn_pairs_every_invoke_with_one_completion_per_single_threaded_process() {
    let mut completions = BTreeSet::new();
    for (file, safe) in histories() {
        let h = history(&file);
        let by_request: BTreeMap<String, &RequestRecord> =
            h.requests.iter().map(|r| (r.request.to_string(), r)).collect();
        let edn = export("jepsen", &file);
        // Each process's invoke waiting for its completion; processes retired by an :info.
        let mut pending: BTreeMap<i64, String> = BTreeMap::new();
        let mut retired = BTreeSet::new();
        let (mut invoked, mut last_time, mut numbers) = (BTreeSet::new(), 0, Vec::new());
        for (index, line) in edn.lines().enumerate() {
            let op = fields(line);
            assert_eq!(int(&op["index"]), index as i64, "{line}");
            let time = int(&op["time"]);
            assert!(time >= last_time && time % 1_000_000 == 0, "{line}");
            last_time = time;
            let (ty, process) = (kw(&op["type"]), int(&op["process"]));
            let Edn::String(request) = &op["request"] else { panic!("{line}") };
            let r = by_request[request.as_str()];
            assert_eq!(kw(&op["f"]), f(r), "{line}");
            assert!(!retired.contains(&process), "process {process} used after its :info: {line}");
            if ty == "invoke" {
                assert!(invoked.insert(request.clone()), "{request} invoked twice");
                assert_eq!((time, &op["value"]), (r.invoke as i64 * 1_000_000, &Edn::Nil), "{line}");
                assert!(pending.insert(process, request.clone()).is_none(), "process {process} already busy: {line}");
                continue;
            }
            assert_eq!(pending.remove(&process).as_ref(), Some(request), "a completion without its invoke: {line}");
            assert_eq!((ty.as_str(), op["value"].clone()), expected_completion(r), "{line}");
            if let Some(t) = answered(r) {
                assert_eq!(time, t as i64 * 1_000_000, "{line}");
            }
            if ty == "info" {
                retired.insert(process);
            }
            if ty == "ok" && f(r) == "next" {
                numbers.push(int(&op["value"]));
            }
            completions.insert(format!("{ty} {}", f(r)));
        }
        assert!(pending.is_empty(), "invokes never completed: {pending:?}");
        assert_eq!(invoked.len(), h.requests.len(), "one invoke per request");
        // The export keeps what a checker needs: split brain's Number given twice is there.
        let distinct: BTreeSet<i64> = numbers.iter().copied().collect();
        assert_eq!(distinct.len() == numbers.len(), safe, "{}: {numbers:?}", file.display());
    }
    let kinds: BTreeSet<String> =
        ["ok next", "ok read", "info read", "fail next", "info next"].map(String::from).into();
    assert_eq!(completions, kinds, "not every kind of completion was met");
}

fn expected_completion(r: &RequestRecord) -> (&'static str, Edn) {
    match &r.result {
        Some(Outcome::Number { number }) => ("ok", Edn::Integer(*number as i64)),
        Some(Outcome::Read { read, linearizable: true }) => ("ok", Edn::Integer(*read as i64)),
        Some(Outcome::Read { read, linearizable: false }) => ("info", Edn::Integer(*read as i64)),
        Some(Outcome::Error { .. }) => ("fail", Edn::Nil),
        None => ("info", Edn::Nil),
    }
}

#[test]
fn a_bad_history_is_one_line_and_exit_2() {
    let bad = temp("bad.json");
    std::fs::write(&bad, "{\"format\": \"nextnumber-history/1\", \"seed\": ").unwrap();
    for args in [
        ["export", "--format", "jepsen", bad.to_str().unwrap()],
        ["export", "--format", "porcupine", "/nonexistent.json"],
    ] {
        let o = nextnumber(&args);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(err.starts_with("error: ") && err.lines().count() == 1, "{err}");
    }
}
