//! The space-time record and the charts agree with the run they describe, follow a
//! time-travel jump, and stay bounded.
// Native only: `wasm-pack test` builds every test target for the browser, where these
// would not run (plain #[test]) and some would not build; the browser tests are wasm_*.rs.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::charts::{self, series_with};
use nextnumber_core::customer::Outcome;
use nextnumber_core::spacetime::Mark;
use nextnumber_core::timeline::Limits;
use nextnumber_core::*;
use std::collections::BTreeMap;

const FAULTY: &str =
    "nextnumber/1\nseed 9\nbranches 5\nloss 10\ndup 20\n@0 load 30 random\n@800 kill A\n@1500 split AB CDE\n\
                      @2600 cut C>D\n@2700 drop ID\n@3000 heal\n@3500 restart A\n@4000 load 0\nrun 6000\n";

/// FAULTY, dropping by hand a message that is in flight at 2700.
fn faulty() -> Scenario {
    let mut before = Scenario::parse(&FAULTY.replace("@2700 drop ID\n", "")).unwrap();
    before.actions.retain(|(t, _)| t.0 <= 2700);
    before.run_until = Some(2700);
    let id = before.run(9).unwrap().view().messages[0].id;
    Scenario::parse(&FAULTY.replace("ID", &id.to_string())).unwrap()
}

fn traced(scenario: &Scenario, capacity: usize) -> Simulation {
    let mut sim = Simulation::new(scenario.config.clone(), scenario.seed.unwrap()).unwrap();
    sim.spacetime_mut().enable(capacity).unwrap();
    sim
}

#[test]
fn every_delivery_and_loss_matches_a_send_and_the_stats() {
    let scenario = faulty();
    let mut sim = traced(&scenario, 1_000_000);
    scenario.replay(&mut sim).unwrap();
    let st = sim.spacetime();
    assert_eq!(st.forgotten(), 0);
    let mut sends = BTreeMap::new();
    let (mut delivered, mut dropped, mut dropped_at_send, mut leaders) = (0, 0, 0, Vec::new());
    let mut last_tick = 0;
    for m in st.marks() {
        assert!(m.tick >= last_tick, "in time order");
        last_tick = m.tick;
        match m.mark {
            Mark::Send { id, from, to, kind, arrive } => {
                assert!(arrive > m.tick);
                assert!(sends.insert(id, (from, to, kind, arrive)).is_none(), "one send per id");
            }
            Mark::Deliver { id, from, to, kind } => {
                delivered += 1;
                assert_eq!(sends.get(&id), Some(&(from, to, kind, m.tick)), "delivered as sent, when due");
            }
            Mark::Drop { id: Some(id), from, to, kind, .. } => {
                dropped += 1;
                let (f, t, k, arrive) = sends[&id];
                assert_eq!((f, t, k), (from, to, kind));
                assert!(m.tick <= arrive);
            }
            Mark::Drop { id: None, .. } => {
                dropped += 1;
                dropped_at_send += 1;
            }
            Mark::Action { index } => assert_eq!(sim.actions()[index as usize].0 .0, m.tick),
            Mark::Kill { branch } => {
                assert_eq!(sim.actions().iter().filter(|(t, a)| t.0 == m.tick && *a == Action::Kill(branch)).count(), 1)
            }
            Mark::Restart { branch } => assert_eq!(branch, NodeId(0)),
            Mark::LeaderElected { branch, term } => leaders.push((term, branch, m.tick)),
            Mark::SteppedDown { .. } => {}
        }
    }
    let stats = sim.stats();
    assert_eq!(delivered, stats.messages_delivered);
    assert_eq!(dropped, stats.messages_dropped);
    assert!(dropped_at_send > 0 && dropped > dropped_at_send, "losses of both kinds happened");
    assert!(st.marks().any(|m| matches!(m.mark, Mark::Drop { why: spacetime::DropReason::DroppedByHand, .. })));
    assert_eq!(st.marks().filter(|m| matches!(m.mark, Mark::Action { .. })).count(), sim.actions().len());
    let history: Vec<_> = History::of(&sim).leaders.iter().map(|l| (l.term, l.branch, l.tick)).collect();
    assert_eq!(leaders, history, "every leader the checker saw, and no other");
    assert!(leaders.len() >= 2, "the fire made an election");
}

#[test]
fn the_record_is_bounded_and_follows_a_jump() {
    let scenario = faulty();
    let mut whole = traced(&scenario, 1_000_000);
    scenario.replay(&mut whole).unwrap();
    let mut ring = traced(&scenario, 500);
    scenario.replay(&mut ring).unwrap();
    assert_eq!(ring.spacetime().len(), 500);
    assert_eq!(ring.spacetime().forgotten() as usize, whole.spacetime().len() - 500);
    let tail: Vec<_> = whole.spacetime().marks().skip(whole.spacetime().len() - 500).collect();
    assert_eq!(ring.spacetime().marks().collect::<Vec<_>>(), tail);

    // In a timeline the record is part of the moment: back at 2000 it is what a straight
    // run to 2000 recorded.
    let limits = Limits { max_snapshots: 4, budget_bytes: usize::MAX, events_between: 600 };
    let mut t = Timeline::scripted(traced(&scenario, 800), &scenario, limits).unwrap();
    t.seek(Tick(6000));
    t.seek(Tick(2000));
    let mut straight = traced(&scenario, 800);
    let upto = Scenario {
        actions: scenario.actions.iter().filter(|(a, _)| a.0 <= 2000).cloned().collect(),
        run_until: Some(2000),
        ..scenario.clone()
    };
    upto.replay(&mut straight).unwrap();
    assert_eq!(t.sim().spacetime().marks().collect::<Vec<_>>(), straight.spacetime().marks().collect::<Vec<_>>());
    let w: Vec<_> = t.sim().spacetime().window(Tick(1500), Tick(1600)).collect();
    assert!(!w.is_empty() && w.iter().all(|m| (1500..=1600).contains(&m.tick)));
}

#[test]
fn a_fire_at_the_main_office_shows_as_a_gap_in_the_charts() {
    // Steady customers at the Main Office; it burns at 5 s; a new one is elected.
    let mut sim = Simulation::new(Config::default(), 21).unwrap();
    sim.act(Action::Load(50, LoadTarget::Leader)).unwrap();
    sim.run_until(Tick(5_000));
    let leader = sim.current_leader().expect("a leader by 5 s");
    sim.act(Action::Kill(leader)).unwrap();
    sim.run_until(Tick(10_000));
    let s = series_with(sim.records(), 10_000, 100);
    assert_eq!(s.windows.len(), 100);
    let before = &s.windows[20..50];
    assert!(before.iter().all(|w| w.numbers >= 3), "steady before the fire: {before:?}");
    let after = &s.windows[50..55];
    assert!(after.iter().any(|w| w.numbers == 0), "no Number while the office is re-elected: {after:?}");
    let p99_before = before.iter().filter_map(|w| w.latency_p99_ms).max().unwrap();
    let p99_after = s.windows[50..60].iter().filter_map(|w| w.latency_p99_ms).max().unwrap();
    assert!(p99_after > 3 * p99_before, "the election shows in the latency: {p99_before} then {p99_after} ms");
    assert!(s.windows[70..].iter().all(|w| w.numbers > 0), "service resumed");
    // Every Number told by 10 s is in exactly one window.
    let told = sim
        .records()
        .iter()
        .filter(|r| matches!(r.result, Some(Outcome::Number { .. })) && r.complete.is_some_and(|c| c <= 10_000))
        .count();
    assert_eq!(s.windows.iter().map(|w| w.numbers as usize).sum::<usize>(), told);
    assert_eq!(charts::series(sim.records(), 10_000, 100).window_ms, 100);
}
