//! The history checker kept up to date as a run goes (`check::incremental`) against the one
//! that reads the finished history file (`check_history`): two judges of the same
//! properties, which must break the same invariants on every run, safe or not. The swarm
//! compares them on each seed it runs as well (`swarm::agree`); here they are compared on
//! a thousand drawn runs of the real service, on each unsafe variant, and at moments along
//! one long run, so a property one of them lost or misjudges shows as a disagreement.

use nextnumber_core::check::incremental::disagreement;
use nextnumber_core::check::{check_history, Invariant, Violations};
use nextnumber_core::config::ALL_VARIANTS;
use nextnumber_core::swarm::{draw_scenario, replay_drawn};
use nextnumber_core::Action;
use nextnumber_core::{Simulation, Tick};
use std::collections::BTreeSet;

fn broken(v: &Violations) -> BTreeSet<Invariant> {
    v.list().iter().map(|v| v.invariant).collect()
}

/// Both judges' findings for a drawn run, and whether it had a fire.
fn judged(seed: u64, variant: Option<nextnumber_core::Variant>) -> (Violations, Violations, bool) {
    let (scenario, _) = draw_scenario(seed, variant);
    let mut sim = Simulation::new(scenario.config.clone(), seed).expect("drawn configs are valid");
    replay_drawn(&scenario, &mut sim);
    let fires = scenario.actions.iter().any(|(_, a)| matches!(a, Action::Kill(_)));
    (check_history(&sim.history()), sim.history_violations(), fires)
}

#[test]
fn the_two_history_checkers_agree_on_a_thousand_runs_of_the_service() {
    for seed in 0..1_000 {
        let (file, incremental, _) = judged(seed, None);
        // The service is safe: no fire can leave a difference (no exception applies).
        assert_eq!(broken(&file), broken(&incremental), "seed {seed}");
    }
}

/// The unsafe variants break I1, I2, I3, I5, I6, I7 and Election Safety between them: each
/// must be found by both judges, or neither (after a fire, the incremental one may find more:
/// `disagreement`).
#[test]
fn the_two_history_checkers_agree_on_every_unsafe_variant() {
    let (mut seen, mut same) = (BTreeSet::new(), 0);
    for variant in ALL_VARIANTS {
        for seed in 0..300 {
            let (file, incremental, fires) = judged(seed, Some(variant));
            assert_eq!(disagreement(&file, &incremental, fires), None, "seed {seed}, variant {variant}");
            seen.extend(broken(&file));
            same += usize::from(!broken(&file).is_empty() && broken(&file) == broken(&incremental));
        }
    }
    // Not vacuous: the variants' runs break several invariants, which both judges found,
    // most often exactly alike.
    use Invariant::*;
    for must in [I1Unique, I2Gapless, I3Idempotent, I5Agreement, I6Linearizable, I7OneChildOneNumber, ElectionSafety] {
        assert!(seen.contains(&must), "no unsafe run broke {must:?}: {seen:?}");
    }
    assert!(same >= 100, "only {same} broken runs judged exactly alike");
}

#[test]
fn a_disagreement_is_told() {
    let (file, incremental, _) = judged(1, Some(ALL_VARIANTS[0]));
    assert!(!broken(&file).is_empty());
    let none = Violations::default();
    assert!(disagreement(&file, &none, true).is_some(), "the incremental checker missed everything");
    assert!(disagreement(&none, &incremental, false).is_some(), "it found more without a fire");
    assert_eq!(disagreement(&none, &incremental, true), None);
}

/// At every moment of a run, not only at its end: the page asks for a report while the run
/// goes, and a judge that is right only once the run is over would show a wrong panel.
#[test]
fn the_two_history_checkers_agree_at_every_moment_of_a_run() {
    for (seed, variant) in [(3, None), (11, Some(ALL_VARIANTS[0])), (5, Some(ALL_VARIANTS[1]))] {
        let (scenario, _) = draw_scenario(seed, variant);
        let mut sim = Simulation::new(scenario.config.clone(), seed).expect("valid");
        let end = scenario.run_until.unwrap_or(0);
        let mut actions = scenario.actions.iter().peekable();
        for t in (0..=end).step_by(250) {
            while let Some((at, a)) = actions.next_if(|(at, _)| at.0 <= t) {
                sim.run_until(*at);
                let _ = sim.act(a.clone());
            }
            sim.run_until(Tick(t));
            let fires = sim.to_scenario().actions.iter().any(|(_, a)| matches!(a, Action::Kill(_)));
            let why = disagreement(&check_history(&sim.history()), &sim.history_violations(), fires);
            assert_eq!(why, None, "seed {seed}, {variant:?}, t = {t}");
        }
    }
}
