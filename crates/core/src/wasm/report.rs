//! The JS shape of the core's one checker report (`Simulation::report`): what `check()`
//! returns on both classes, and the violations `runSeed` lists. Field names are the JS API
//! (camelCase): the page and the npm package's readers depend on them.

use super::convert::to_js;
use crate::check::report::Judgement;
use crate::check::{Sometimes, Violation};
use crate::ids::{NodeId, RequestId};
use serde::Serialize;
use tsify::Ts;
use wasm_bindgen::prelude::*;

/// One invariant's verdict.
#[derive(Serialize, tsify::Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct InvariantReport<'a> {
    code: &'static str,
    title: &'static str,
    /// Judged (holding or broken); false while not judged yet (L1 until a majority has
    /// been healed for its bound).
    checked: bool,
    /// Not broken (true too while not judged: see `judgement`).
    ok: bool,
    violations: usize,
    /// "holds", "broken" or "notJudged".
    #[tsify(type = "\"holds\" | \"broken\" | \"notJudged\"")]
    judgement: &'static str,
    /// While it holds: the tick from which it has been judged (null: the whole run).
    since: Option<u64>,
    /// While not judged: why, in words.
    why: Option<&'a str>,
}

/// One violation as JS sees it.
#[derive(Serialize, tsify::Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct ViolationReport<'a> {
    /// "online" (the monitor and L1's live judge, as it happened), "history" (the history
    /// file's checker) or "swarm" (`runSeed`).
    #[tsify(type = "\"online\" | \"history\" | \"swarm\"")]
    source: &'static str,
    code: &'static str,
    title: &'static str,
    tick: Option<u64>,
    detail: &'a str,
    requests: &'a [RequestId],
    branches: &'a [NodeId],
}

impl<'a> ViolationReport<'a> {
    pub fn new(source: &'static str, v: &'a Violation) -> Self {
        ViolationReport {
            source,
            code: v.invariant.code(),
            title: v.invariant.title(),
            tick: v.tick,
            detail: &v.detail,
            requests: &v.requests,
            branches: &v.branches,
        }
    }
}

/// What `check()` returns: every checker on the run so far.
#[derive(Serialize, tsify::Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport<'a> {
    ok: bool,
    invariants: Vec<InvariantReport<'a>>,
    violations: Vec<ViolationReport<'a>>,
    sometimes: Sometimes,
}

/// Every checker on the run so far, as one JS object: the core's one report
/// (`Simulation::report`), serialized. Nothing is judged here: the verdicts are the core's.
pub(super) fn check_report(sim: &crate::sim::Simulation) -> Result<Ts<CheckReport<'static>>, JsError> {
    let report = sim.report();
    let violations: Vec<ViolationReport> =
        report.violations().iter().map(|(source, v)| ViolationReport::new(source.name(), v)).collect();
    let invariants = report
        .verdicts
        .iter()
        .map(|v| {
            let (judgement, since, why) = match &v.judgement {
                Judgement::Holds { since } => ("holds", *since, None),
                Judgement::Broken(_) => ("broken", None, None),
                Judgement::NotJudged(why) => ("notJudged", None, Some(why.as_str())),
            };
            InvariantReport {
                code: v.invariant.code(),
                title: v.invariant.title(),
                checked: why.is_none(),
                ok: !matches!(v.judgement, Judgement::Broken(_)),
                violations: v.count,
                judgement,
                since,
                why,
            }
        })
        .collect();
    // `Ts` names the type, not its lifetime: the value is a JS object by now, borrowing nothing.
    to_js(&CheckReport { ok: report.ok(), invariants, violations, sometimes: sim.sometimes() }).map(Ts::new_unchecked)
}
