//! What a run is made of, and the bound on every input.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Bounds on everything a user or a file can make the simulator hold.
pub mod limits {
    pub const MAX_BRANCHES: usize = crate::ids::MAX_BRANCHES;
    pub const MAX_CLIENTS: usize = 4_096;
    /// Requests the history holds (issues and reads together): past it no customer is let
    /// in, unless the simulation keeps a window of the latest (`Simulation::set_keep_requests`).
    pub const MAX_REQUESTS: usize = 200_000;
    /// The page's window of requests: a few minutes of its heaviest load, far more than its
    /// panels show (the latest 64); the checkers keep their own state (README, "What the
    /// page keeps").
    pub const PAGE_KEEP_REQUESTS: usize = 20_000;
    pub const MAX_IN_FLIGHT: usize = 100_000;
    pub const MAX_ACTIONS: usize = 10_000;
    /// One month of simulated time: enough for pigeon mail, small enough to stay in u64 math.
    pub const MAX_TICK: u64 = 31 * 24 * 3_600_000;
    pub const MAX_LATENCY_MS: u64 = 24 * 3_600_000;
    pub const MAX_LOAD_PER_SEC: u32 = 1_000;
}

/// How a customer behaves when an answer does not come (the essay's point about request IDs).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "kebab-case")]
pub enum ClientMode {
    /// Retries with the same RequestId, at the same or another branch, until answered.
    #[default]
    ExactlyOnce,
    /// Never retries: a lost answer leaves the outcome unknown.
    AtMostOnce,
    /// Retries without a RequestId: every retry is a new request, so one child can get two Numbers.
    AtLeastOnce,
}

/// Safety mechanisms a visitor can switch off to watch the failure the essay warns of.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "kebab-case")]
pub enum Variant {
    /// A branch that loses its leader promotes itself and issues alone: split brain.
    NoQuorum,
    /// The RequestId → Number table is ignored: a retry is issued a second Number.
    NoDedup,
    /// The vote lives only in memory: a restarted branch can vote twice in one term.
    VolatileVote,
    /// The essay's obvious idea: the branch a customer walks into stamps the next Number from
    /// its own counter on arrival, and files the certificate through the Main Office only
    /// when the paperwork is done. A customer who walks away, or a fire, leaves a hole.
    NumberAtTheDoor,
    /// A decree (`decree X`) puts X in office at once, in a higher term, without a single
    /// vote, and the others obey it: a register missing committed entries leads.
    ObeyDecree,
    /// Canary (cargo feature `canary`, test builds only): a quorum of n/2, not n/2 + 1.
    #[cfg(feature = "canary")]
    CanaryHalfQuorum,
    /// Canary: the term lives only in memory (the vote is kept). A restarted branch is back
    /// in term 0, so the first higher term it sees clears its vote, and it votes twice in a
    /// term. Distinct from `VolatileVote`, which is already the "vote not persisted" mistake.
    #[cfg(feature = "canary")]
    CanaryVolatileTerm,
    /// Canary: duplicates are refused when a request is appended (against the leader's
    /// applied table and waiting requests) but not when it is applied. A request appended
    /// twice across a leader change, before its first copy committed, gets two Numbers.
    #[cfg(feature = "canary")]
    CanaryAppendDedup,
    /// Canary: the Main Office drops every request for a Number, asked at its own desk or
    /// forwarded to it, without a word. Nothing unsafe ever happens, so only the liveness
    /// checker (L1) can catch it: the customers of a healed majority wait forever.
    #[cfg(feature = "canary")]
    CanaryDeafLeader,
    /// Canary, with `path direct`: a branch also confirms entries of an older term that it
    /// files for a newer Main Office, and the customer's branch counts them toward a
    /// majority. Raft forbids exactly this (§5.4.2, Figure 8): an older term's entry held by
    /// a majority can still be overwritten, so a Number answered on it can be given again.
    #[cfg(feature = "canary")]
    CanaryDirectOldTerm,
}

pub const ALL_VARIANTS: [Variant; 5] =
    [Variant::NoQuorum, Variant::NoDedup, Variant::VolatileVote, Variant::NumberAtTheDoor, Variant::ObeyDecree];

/// The deliberately wrong builds: never offered by the page or a default CLI build, and
/// switched on only by a test (or `nextnumber swarm --variant canary-…` built with
/// `--features canary`) to prove the model check and the swarm catch them.
#[cfg(feature = "canary")]
pub const CANARY_VARIANTS: [Variant; 5] = [
    Variant::CanaryHalfQuorum,
    Variant::CanaryVolatileTerm,
    Variant::CanaryAppendDedup,
    Variant::CanaryDeafLeader,
    Variant::CanaryDirectOldTerm,
];

/// The canary switches a replica reads. Without the `canary` feature they are all a constant
/// false (`Canaries::NONE`) that the compiler folds away: the default build is unchanged.
#[derive(Copy, Clone, Debug, Hash)]
pub(crate) struct Canaries {
    pub half_quorum: bool,
    pub volatile_term: bool,
    pub append_dedup: bool,
    pub deaf_leader: bool,
    pub direct_old_term: bool,
}

impl Canaries {
    #[cfg(not(feature = "canary"))]
    pub const NONE: Canaries = Canaries {
        half_quorum: false,
        volatile_term: false,
        append_dedup: false,
        deaf_leader: false,
        direct_old_term: false,
    };

    #[cfg(feature = "canary")]
    pub fn of(config: &Config) -> Canaries {
        Canaries {
            half_quorum: config.has(Variant::CanaryHalfQuorum),
            volatile_term: config.has(Variant::CanaryVolatileTerm),
            append_dedup: config.has(Variant::CanaryAppendDedup),
            deaf_leader: config.has(Variant::CanaryDeafLeader),
            direct_old_term: config.has(Variant::CanaryDirectOldTerm),
        }
    }
}

impl Variant {
    pub fn name(self) -> &'static str {
        match self {
            Variant::NoQuorum => "no-quorum",
            Variant::NoDedup => "no-dedup",
            Variant::VolatileVote => "volatile-vote",
            Variant::NumberAtTheDoor => "number-at-the-door",
            Variant::ObeyDecree => "obey-decree",
            #[cfg(feature = "canary")]
            Variant::CanaryHalfQuorum => "canary-half-quorum",
            #[cfg(feature = "canary")]
            Variant::CanaryVolatileTerm => "canary-volatile-term",
            #[cfg(feature = "canary")]
            Variant::CanaryAppendDedup => "canary-append-dedup",
            #[cfg(feature = "canary")]
            Variant::CanaryDeafLeader => "canary-deaf-leader",
            #[cfg(feature = "canary")]
            Variant::CanaryDirectOldTerm => "canary-direct-old-term",
        }
    }
    pub fn parse(s: &str) -> Result<Variant, String> {
        #[cfg(feature = "canary")]
        if let Some(v) = CANARY_VARIANTS.into_iter().find(|v| v.name() == s) {
            return Ok(v);
        }
        ALL_VARIANTS.into_iter().find(|v| v.name() == s).ok_or_else(|| {
            let names: Vec<&str> = ALL_VARIANTS.iter().map(|v| v.name()).collect();
            format!("unknown variant {s:?} (expected one of {})", names.join(", "))
        })
    }
}

impl ClientMode {
    pub fn name(self) -> &'static str {
        match self {
            ClientMode::ExactlyOnce => "exactly-once",
            ClientMode::AtMostOnce => "at-most-once",
            ClientMode::AtLeastOnce => "at-least-once",
        }
    }
    pub fn parse(s: &str) -> Result<ClientMode, String> {
        [ClientMode::ExactlyOnce, ClientMode::AtMostOnce, ClientMode::AtLeastOnce]
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| format!("unknown client mode {s:?} (expected exactly-once, at-most-once or at-least-once)"))
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
impl fmt::Display for ClientMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which way a request for a Number travels (issue 12, the essay's count of pigeon trips).
/// Both are safe; they differ in how many one-way trips stand between a customer at a
/// branch that is not the Main Office and their Number.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "kebab-case")]
pub enum RequestPath {
    /// The branch forwards to the Main Office, which files the entry at the others, hears
    /// their confirmations and tells the branch: four trips (two at the Main Office's desk).
    #[default]
    Forward,
    /// Every branch that files an entry in the Main Office's own term also confirms it
    /// straight to the branch the customer waits at, which answers once a majority has:
    /// Raft's commit rule, observed from elsewhere. Three trips.
    Direct,
}

impl RequestPath {
    pub fn name(self) -> &'static str {
        match self {
            RequestPath::Forward => "forward",
            RequestPath::Direct => "direct",
        }
    }
    pub fn parse(s: &str) -> Result<RequestPath, String> {
        [RequestPath::Forward, RequestPath::Direct]
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| format!("unknown request path {s:?} (expected forward or direct)"))
    }
    /// The default is left out of the history file, its hash and links, so every run made
    /// before the setting existed keeps its bytes.
    pub fn is_forward(&self) -> bool {
        *self == RequestPath::Forward
    }
}

impl fmt::Display for RequestPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The essay's distance scales, as one-way latency ranges in simulated milliseconds.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LatencyPreset {
    /// Machines in one room: the default of the RaftScope comparison.
    Datacenter,
    /// A messenger walking across the street: about a dozen seconds.
    Street,
    /// A rider on horseback: about a dozen minutes.
    Horse,
    /// Pigeon mail during the flood: about an hour.
    Pigeon,
    /// Europe to Asia: a quarter of a second each way, at best.
    EuropeAsia,
    /// The Earth to the Moon: light alone needs 1.3 seconds.
    EarthMoon,
}

pub const ALL_PRESETS: [LatencyPreset; 6] = [
    LatencyPreset::Datacenter,
    LatencyPreset::Street,
    LatencyPreset::Horse,
    LatencyPreset::Pigeon,
    LatencyPreset::EuropeAsia,
    LatencyPreset::EarthMoon,
];

impl LatencyPreset {
    pub fn name(self) -> &'static str {
        match self {
            LatencyPreset::Datacenter => "datacenter",
            LatencyPreset::Street => "street",
            LatencyPreset::Horse => "horse",
            LatencyPreset::Pigeon => "pigeon",
            LatencyPreset::EuropeAsia => "europe-asia",
            LatencyPreset::EarthMoon => "earth-moon",
        }
    }
    /// (min, max) one-way latency in ms.
    pub fn latency_ms(self) -> (u64, u64) {
        match self {
            LatencyPreset::Datacenter => (10, 15),
            LatencyPreset::Street => (10_000, 14_000),
            LatencyPreset::Horse => (600_000, 840_000),
            LatencyPreset::Pigeon => (3_300_000, 3_900_000),
            LatencyPreset::EuropeAsia => (120, 180),
            LatencyPreset::EarthMoon => (1_300, 1_400),
        }
    }
    pub fn parse(s: &str) -> Result<LatencyPreset, String> {
        ALL_PRESETS.into_iter().find(|p| p.name() == s).ok_or_else(|| {
            format!(
                "unknown latency preset {s:?} (expected datacenter, street, horse, pigeon, europe-asia or earth-moon)"
            )
        })
    }
}

/// Everything that defines a run apart from the seed and the user's actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null, hashmap_as_object))]
#[serde(default, rename_all = "camelCase")]
pub struct Config {
    pub branches: usize,
    pub variants: Vec<Variant>,
    pub client_mode: ClientMode,
    pub latency_min_ms: u64,
    pub latency_max_ms: u64,
    /// Per mille would be finer, but the essay's and the figures are whole percents.
    pub loss_pct: u8,
    pub dup_pct: u8,
    pub election_timeout_min_ms: u64,
    pub election_timeout_max_ms: u64,
    pub heartbeat_ms: u64,
    /// How long a customer waits for an answer before retrying (or giving up).
    pub client_timeout_ms: u64,
    #[serde(skip_serializing_if = "RequestPath::is_forward")]
    pub path: RequestPath,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            branches: 5,
            variants: Vec::new(),
            client_mode: ClientMode::ExactlyOnce,
            latency_min_ms: 10,
            latency_max_ms: 15,
            loss_pct: 0,
            dup_pct: 0,
            election_timeout_min_ms: 150,
            election_timeout_max_ms: 300,
            heartbeat_ms: 50,
            client_timeout_ms: 1_000,
            path: RequestPath::Forward,
        }
    }
}

impl Config {
    pub fn has(&self, v: Variant) -> bool {
        self.variants.contains(&v)
    }

    /// Timeouts that suit a network whose slowest one-way trip takes `latency_max_ms`:
    /// Raft needs the broadcast time well under the election timeout (§5.6).
    pub fn tune_timeouts(&mut self, latency_max_ms: u64) {
        let election_min = (latency_max_ms * 10).max(150);
        self.election_timeout_min_ms = election_min;
        self.election_timeout_max_ms = election_min * 2;
        self.heartbeat_ms = (election_min / 3).max(1);
        self.client_timeout_ms = (latency_max_ms * 12).max(1_000);
    }

    pub fn validate(&self) -> Result<(), String> {
        use limits::*;
        if !(1..=MAX_BRANCHES).contains(&self.branches) {
            return Err(format!("branches must be 1 to {MAX_BRANCHES}, not {}", self.branches));
        }
        check_range("latency", self.latency_min_ms, self.latency_max_ms, 1, MAX_LATENCY_MS)?;
        check_range("election timeout", self.election_timeout_min_ms, self.election_timeout_max_ms, 2, MAX_TICK / 4)?;
        if self.heartbeat_ms == 0 || self.heartbeat_ms >= self.election_timeout_min_ms {
            return Err(format!(
                "heartbeat ({} ms) must be at least 1 ms and shorter than the election timeout ({} ms)",
                self.heartbeat_ms, self.election_timeout_min_ms
            ));
        }
        if self.client_timeout_ms == 0 || self.client_timeout_ms > MAX_TICK / 4 {
            return Err(format!("client timeout must be 1 to {} ms", MAX_TICK / 4));
        }
        check_pct("loss", self.loss_pct, 100)?;
        check_pct("duplication", self.dup_pct, 100)?;
        Ok(())
    }
}

pub(crate) fn check_range(what: &str, min: u64, max: u64, lo: u64, hi: u64) -> Result<(), String> {
    if min < lo || max > hi || min > max {
        return Err(format!("{what} must be a range {lo}..{hi} ms with min ≤ max, not {min}..{max}"));
    }
    Ok(())
}

pub(crate) fn check_pct(what: &str, pct: u8, max: u8) -> Result<(), String> {
    if pct > max {
        return Err(format!("{what} must be 0 to {max} %, not {pct}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_bounds_are_enforced() {
        assert_eq!(Config::default().validate(), Ok(()));
        let bad = [
            Config { branches: 0, ..Config::default() },
            Config { branches: 10, ..Config::default() },
            Config { latency_min_ms: 20, latency_max_ms: 10, ..Config::default() },
            Config { heartbeat_ms: 500, ..Config::default() },
            Config { loss_pct: 101, ..Config::default() },
        ];
        for c in bad {
            assert!(c.validate().is_err(), "{c:?} should be refused");
        }
    }

    #[test]
    fn tuned_timeouts_are_valid_for_every_preset() {
        for p in ALL_PRESETS {
            let mut c = Config::default();
            let (lo, hi) = p.latency_ms();
            c.latency_min_ms = lo;
            c.latency_max_ms = hi;
            c.tune_timeouts(hi);
            assert_eq!(c.validate(), Ok(()), "{p:?}");
        }
    }
}
