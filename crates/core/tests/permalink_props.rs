//! Permalinks (`permalink.rs`): any scenario comes back from its link unchanged, and no
//! input, however broken, makes decoding panic; a link cut short says so.
// Native only: `wasm-pack test` builds every test target for the browser, where these
// would not run (plain #[test]) and some would not build; the browser tests are wasm_*.rs.
#![cfg(not(target_arch = "wasm32"))]

use nextnumber_core::config::{limits, ALL_VARIANTS};
use nextnumber_core::permalink::{decode, encode, LinkError, MAX_LINK_CHARS};
use nextnumber_core::*;
use proptest::prelude::*;

fn mode() -> impl Strategy<Value = ClientMode> {
    prop_oneof![Just(ClientMode::ExactlyOnce), Just(ClientMode::AtMostOnce), Just(ClientMode::AtLeastOnce)]
}

fn range(lo: u64, hi: u64) -> impl Strategy<Value = (u64, u64)> {
    (lo..=hi, lo..=hi).prop_map(|(a, b)| (a.min(b), a.max(b)))
}

fn config() -> impl Strategy<Value = Config> {
    (
        1usize..=9,
        proptest::sample::subsequence(ALL_VARIANTS.to_vec(), 0..=ALL_VARIANTS.len()),
        mode(),
        range(1, limits::MAX_LATENCY_MS),
        (0u8..=100, 0u8..=100),
        range(2, limits::MAX_TICK / 4),
        (1u64..=limits::MAX_TICK / 4, any::<bool>()),
    )
        .prop_flat_map(
            |(branches, variants, client_mode, latency, (loss, dup), election, (client_timeout, direct))| {
                let path = if direct { RequestPath::Direct } else { RequestPath::Forward };
                (1..election.0).prop_map(move |heartbeat| Config {
                    branches,
                    variants: variants.clone(),
                    client_mode,
                    latency_min_ms: latency.0,
                    latency_max_ms: latency.1,
                    loss_pct: loss,
                    dup_pct: dup,
                    election_timeout_min_ms: election.0,
                    election_timeout_max_ms: election.1,
                    heartbeat_ms: heartbeat,
                    client_timeout_ms: client_timeout,
                    path,
                })
            },
        )
}

fn links(n: u8) -> BoxedStrategy<Links> {
    if n < 2 {
        return Just(Links::All).boxed();
    }
    let pair = (0..n, 1..n).prop_map(move |(a, d)| (NodeId(a), NodeId((a + d) % n)));
    prop_oneof![
        Just(Links::All),
        pair.clone().prop_map(|(a, b)| Links::One(a, b)),
        pair.prop_map(|(a, b)| Links::Both(a, b)),
    ]
    .boxed()
}

fn split(n: u8) -> impl Strategy<Value = Action> {
    (Just((0..n).map(NodeId).collect::<Vec<_>>()).prop_shuffle(), 2..=n as usize, any::<u64>()).prop_map(
        |(order, take, cuts)| {
            // `take` branches in at least two non-empty groups.
            let mut groups = vec![vec![order[0]]];
            for (i, b) in order[1..take].iter().enumerate() {
                if i == 0 || cuts >> (i % 64) & 1 == 1 {
                    groups.push(vec![*b]);
                } else {
                    groups.last_mut().unwrap().push(*b);
                }
            }
            Action::Split(groups)
        },
    )
}

fn action(n: u8) -> BoxedStrategy<Action> {
    let node = (0..n).prop_map(NodeId);
    let mut choices: Vec<BoxedStrategy<Action>> = vec![
        node.clone().prop_map(Action::Ask).boxed(),
        node.clone().prop_map(Action::Read).boxed(),
        (1u32..100_000, 1u32..100_000, node.clone())
            .prop_map(|(c, s, b)| Action::Retry(RequestId { client: ClientId(c), seq: s }, b))
            .boxed(),
        node.clone().prop_map(Action::Kill).boxed(),
        node.clone().prop_map(Action::Restart).boxed(),
        node.clone().prop_map(Action::Timeout).boxed(),
        node.clone().prop_map(Action::Decree).boxed(),
        node.clone().prop_map(Action::Isolate).boxed(),
        links(n).prop_map(Action::Cut).boxed(),
        links(n).prop_map(Action::Restore).boxed(),
        Just(Action::Heal).boxed(),
        (links(n), range(1, limits::MAX_LATENCY_MS)).prop_map(|(l, (a, b))| Action::Latency(l, a, b)).boxed(),
        (links(n), 0u8..=100).prop_map(|(l, p)| Action::Loss(l, p)).boxed(),
        (links(n), 0u8..=100).prop_map(|(l, p)| Action::Dup(l, p)).boxed(),
        any::<u64>().prop_map(Action::Drop).boxed(),
        any::<u64>().prop_map(Action::Deliver).boxed(),
        node.clone().prop_map(Action::Heartbeat).boxed(),
        (node.clone(), 1u32..100_000).prop_map(|(b, c)| Action::AskAs(b, ClientId(c))).boxed(),
        (node.clone(), 1u32..100_000, 1u32..100_000)
            .prop_map(|(b, c, s)| Action::File(b, RequestId { client: ClientId(c), seq: s }))
            .boxed(),
        (0u32..=limits::MAX_LOAD_PER_SEC, prop_oneof![Just(LoadTarget::Leader), Just(LoadTarget::Random)])
            .prop_map(|(r, t)| Action::Load(r, t))
            .boxed(),
        mode().prop_map(Action::Mode).boxed(),
        (1u32..100_000, 1u32..100_000)
            .prop_map(|(c, s)| Action::Abandon(RequestId { client: ClientId(c), seq: s }))
            .boxed(),
        (0u8..=100).prop_map(Action::WalkAway).boxed(),
    ];
    if n >= 2 {
        choices.push(split(n).boxed());
    }
    proptest::strategy::Union::new(choices).boxed()
}

fn scenario() -> impl Strategy<Value = Scenario> {
    config().prop_flat_map(|config| {
        let n = config.branches as u8;
        (
            Just(config),
            proptest::option::of("[a-z0-9-]{1,64}"),
            proptest::option::of(any::<u64>()),
            proptest::collection::vec((0u64..limits::MAX_TICK / 40, action(n)), 0..40),
            proptest::option::of(0..=limits::MAX_TICK),
        )
            .prop_map(|(config, name, seed, steps, run_until)| {
                let mut tick = 0;
                let actions = steps
                    .into_iter()
                    .map(|(dt, a)| {
                        tick += dt;
                        (Tick(tick), a)
                    })
                    .collect();
                Scenario { name, config, seed, actions, run_until, counterexample: None }
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn every_scenario_comes_back_from_its_link(s in scenario()) {
        let link = encode(&s).expect("40 actions fit in a link");
        prop_assert!(link.len() <= MAX_LINK_CHARS);
        prop_assert_eq!(decode(&link), Ok(s.clone()));
        prop_assert_eq!(decode(&format!("https://example.org/page/#{link}")), Ok(s));
    }

    #[test]
    fn a_link_cut_anywhere_is_truncated(s in scenario(), cut in any::<proptest::sample::Index>()) {
        let link = encode(&s).unwrap();
        let short = &link[..cut.index(link.len())];
        prop_assume!(!short.is_empty());
        prop_assert_eq!(decode(short), Err(LinkError::Truncated));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let _ = decode(&text);
    }

    #[test]
    fn link_characters_in_any_order_never_panic(text in "nextnumber/1;[A-Za-z0-9_~%;@:,./-]{0,200}(;end)?") {
        let _ = decode(&text);
    }

    /// A valid link with bytes replaced, inserted or removed: an error or another valid
    /// scenario, never a panic; and a changed link that still decodes still round-trips.
    #[test]
    fn mutated_links_never_panic(
        s in scenario(),
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), 0u8..3, any::<char>()), 1..6),
    ) {
        let mut link: Vec<char> = encode(&s).unwrap().chars().collect();
        for (at, kind, c) in edits {
            let i = at.index(link.len() + 1);
            match kind {
                0 if i < link.len() => link[i] = c,
                1 => link.insert(i, c),
                _ if i < link.len() => { link.remove(i); }
                _ => {}
            }
        }
        let link: String = link.into_iter().collect();
        if let Ok(other) = decode(&link) {
            prop_assert_eq!(decode(&encode(&other).unwrap()), Ok(other));
        }
    }
}
