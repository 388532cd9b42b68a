//! The one scenario format, shared by files, permalinks, test fixtures and the CLI:
//!
//! ```text
//! nextnumber/1
//! seed 7
//! branches 5
//! latency 10 15
//! @0 ask A
//! @500 kill A
//! run 5000
//! ```
//! Lines may also be separated by `;` (the URL form). `#` starts a comment.

use crate::action::Action;
use crate::config::{limits, ClientMode, Config, LatencyPreset, RequestPath, Variant};
use crate::ids::Tick;

pub const SCENARIO_HEADER: &str = "nextnumber/1";
pub const MAX_SCENARIO_BYTES: usize = 256 * 1024;
/// A scenario's name: lower-case letters, digits and `-`, at most this long.
pub const MAX_NAME_LEN: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// Which scenario this is (`name fire-at-the-main-office`): the page finds its narration
    /// by it. It changes nothing about the run.
    pub name: Option<String>,
    pub config: Config,
    pub seed: Option<u64>,
    /// Actions at ticks, in the order they are applied.
    pub actions: Vec<(Tick, Action)>,
    /// Run to this tick (default: one tick past the last action).
    pub run_until: Option<u64>,
    /// `counterexample N`: the last N actions are the steps of a model check's
    /// counterexample, all at the run's end tick (model.rs). They change nothing about the
    /// run; the page opens before them and plays them one at a time.
    pub counterexample: Option<usize>,
}

impl Scenario {
    pub fn parse(text: &str) -> Result<Scenario, String> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(format!("scenario is {} bytes; the limit is {MAX_SCENARIO_BYTES}", text.len()));
        }
        // Comments end at the end of a line; `;` separates commands within one (URL form).
        let mut lines = text
            .lines()
            .enumerate()
            .flat_map(|(i, l)| l.split('#').next().unwrap_or("").split(';').map(move |c| (i + 1, c.trim())))
            .filter(|(_, l)| !l.is_empty());
        match lines.next() {
            Some((_, SCENARIO_HEADER)) => {}
            Some((_, h)) if h.starts_with("nextnumber/") => {
                return Err(format!("scenario format {h:?} is newer than this version understands ({SCENARIO_HEADER})"))
            }
            _ => return Err(format!("a scenario must start with the line {SCENARIO_HEADER:?}")),
        }
        let mut s = Scenario {
            name: None,
            config: Config::default(),
            seed: None,
            actions: Vec::new(),
            run_until: None,
            counterexample: None,
        };
        let mut header_done = false;
        for (no, line) in lines {
            let at = |e: String| format!("line {no}: {e}");
            if let Some(rest) = line.strip_prefix('@') {
                if !header_done {
                    s.config.validate().map_err(at)?;
                    header_done = true;
                }
                s.push_action(rest).map_err(at)?;
            } else if header_done && !line.starts_with("run ") {
                return Err(at(format!("{line:?}: settings must come before the first @action")));
            } else {
                s.set(line).map_err(at)?;
            }
        }
        s.config.validate()?;
        s.check_counterexample()?;
        Ok(s)
    }

    /// The counterexample's steps, if this run ends with one: its last actions.
    pub fn counterexample_steps(&self) -> Option<&[(Tick, Action)]> {
        let n = self.counterexample?;
        self.actions.get(self.actions.len().checked_sub(n)?..)
    }

    /// A counterexample's steps are among the actions, all at the end of the run.
    pub fn check_counterexample(&self) -> Result<(), String> {
        let Some(n) = self.counterexample else { return Ok(()) };
        let steps = self.counterexample_steps().ok_or_else(|| {
            format!("counterexample {n}: the run has only {} actions to be its steps", self.actions.len())
        })?;
        let end = self.run_until.ok_or("a counterexample's run says where it ends: run TICK, its steps' tick")?;
        if n == 0 || steps.iter().any(|(t, _)| t.0 != end) {
            return Err(format!(
                "counterexample {n}: its steps are the last {n} actions, all at the run's end (@{end})"
            ));
        }
        Ok(())
    }

    fn push_action(&mut self, rest: &str) -> Result<(), String> {
        let (tick, action) = rest.split_once(' ').ok_or("expected @TICK ACTION, like @500 kill A")?;
        let tick: u64 = tick.parse().map_err(|_| format!("{tick:?} is not a tick"))?;
        if tick > limits::MAX_TICK {
            return Err(format!("tick {tick} is past the end of time ({})", limits::MAX_TICK));
        }
        if self.actions.last().is_some_and(|(t, _)| t.0 > tick) {
            return Err("actions must be in time order".into());
        }
        if self.actions.len() >= limits::MAX_ACTIONS {
            return Err(format!("at most {} actions", limits::MAX_ACTIONS));
        }
        self.actions.push((Tick(tick), Action::parse(action, self.config.branches)?));
        Ok(())
    }

    fn set(&mut self, line: &str) -> Result<(), String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let num = |i: usize| -> Result<u64, String> {
            let w = words.get(i).ok_or_else(|| format!("{:?} needs a value", words[0]))?;
            w.parse().map_err(|_| format!("{w:?} is not a number"))
        };
        let word = |i: usize| words.get(i).copied().ok_or_else(|| format!("{:?} needs a value", words[0]));
        let c = &mut self.config;
        match words[0] {
            "seed" => self.seed = Some(num(1)?),
            "name" => {
                let name = word(1)?;
                if words.len() > 2 {
                    return Err("a scenario name is one word, like: name fire-at-the-main-office".into());
                }
                check_name(name)?;
                self.name = Some(name.to_string());
            }
            "branches" => c.branches = num(1)?.min(1_000) as usize,
            "variant" => {
                let v = Variant::parse(word(1)?)?;
                if !c.variants.contains(&v) {
                    c.variants.push(v);
                }
            }
            "mode" => c.client_mode = ClientMode::parse(word(1)?)?,
            "path" => c.path = RequestPath::parse(word(1)?)?,
            "latency" if words.len() == 2 => {
                (c.latency_min_ms, c.latency_max_ms) = LatencyPreset::parse(words[1])?.latency_ms()
            }
            "latency" => (c.latency_min_ms, c.latency_max_ms) = (num(1)?, num(2)?),
            "loss" => c.loss_pct = num(1)?.min(255) as u8,
            "dup" => c.dup_pct = num(1)?.min(255) as u8,
            "election" => (c.election_timeout_min_ms, c.election_timeout_max_ms) = (num(1)?, num(2)?),
            "heartbeat" => c.heartbeat_ms = num(1)?,
            "client-timeout" => c.client_timeout_ms = num(1)?,
            "tune" => {
                let max = match LatencyPreset::parse(word(1)?) {
                    Ok(p) => p.latency_ms().1,
                    Err(_) => num(1)?.min(limits::MAX_LATENCY_MS),
                };
                c.tune_timeouts(max);
            }
            "counterexample" => {
                let n = words
                    .get(1)
                    .and_then(|w| w.parse::<usize>().ok())
                    .filter(|n| (1..=limits::MAX_ACTIONS).contains(n));
                let why = || format!("counterexample takes its number of steps, 1 to {}", limits::MAX_ACTIONS);
                self.counterexample = Some(n.ok_or_else(why)?);
            }
            "run" => {
                let t = num(1)?;
                if t > limits::MAX_TICK {
                    return Err(format!("run {t} is past the end of time ({})", limits::MAX_TICK));
                }
                self.run_until = Some(t);
            }
            other => return Err(format!("unknown setting {other:?}")),
        }
        Ok(())
    }

    pub fn to_text(&self) -> String {
        let c = &self.config;
        let d = Config::default();
        let mut out = vec![SCENARIO_HEADER.to_string()];
        if let Some(name) = &self.name {
            out.push(format!("name {name}"));
        }
        if let Some(seed) = self.seed {
            out.push(format!("seed {seed}"));
        }
        out.push(format!("branches {}", c.branches));
        out.extend(c.variants.iter().map(|v| format!("variant {v}")));
        if c.client_mode != d.client_mode {
            out.push(format!("mode {}", c.client_mode));
        }
        if c.path != d.path {
            out.push(format!("path {}", c.path));
        }
        let pairs = [
            ("latency", c.latency_min_ms, c.latency_max_ms, d.latency_min_ms, d.latency_max_ms),
            (
                "election",
                c.election_timeout_min_ms,
                c.election_timeout_max_ms,
                d.election_timeout_min_ms,
                d.election_timeout_max_ms,
            ),
        ];
        for (name, a, b, da, db) in pairs {
            if (a, b) != (da, db) {
                out.push(format!("{name} {a} {b}"));
            }
        }
        let singles = [
            ("loss", c.loss_pct as u64, d.loss_pct as u64),
            ("dup", c.dup_pct as u64, d.dup_pct as u64),
            ("heartbeat", c.heartbeat_ms, d.heartbeat_ms),
            ("client-timeout", c.client_timeout_ms, d.client_timeout_ms),
        ];
        out.extend(singles.iter().filter(|(_, v, dv)| v != dv).map(|(name, v, _)| format!("{name} {v}")));
        if let Some(n) = self.counterexample {
            out.push(format!("counterexample {n}"));
        }
        out.extend(self.actions.iter().map(|(t, a)| format!("@{} {a}", t.0)));
        if let Some(t) = self.run_until {
            out.push(format!("run {t}"));
        }
        out.join("\n") + "\n"
    }
}

/// A name is 1 to [`MAX_NAME_LEN`] lower-case letters, digits and `-`: safe in a file name,
/// a URL and a line of the scenario format.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if name.is_empty() || name.len() > MAX_NAME_LEN || !name.chars().all(ok) {
        return Err(format!(
            "a scenario name is 1 to {MAX_NAME_LEN} lower-case letters, digits and -, not {:?}",
            name.chars().take(MAX_NAME_LEN + 1).collect::<String>()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips() {
        let text = "nextnumber/1\nname a-b-3\nseed 7\nbranches 3\nvariant no-dedup\nmode at-least-once\nlatency 20 30\n@0 ask A\n@500 kill A\nrun 900\n";
        let s = Scenario::parse(text).unwrap();
        assert_eq!(s.to_text(), text);
        assert_eq!(Scenario::parse(&text.replace('\n', ";")).unwrap(), s);
        let steps = "nextnumber/1\nseed 7\nbranches 3\nvariant no-quorum\ncounterexample 2\n@1500 ask B\n@1505 timeout A\n@1505 deliver 12\nrun 1505\n";
        let s = Scenario::parse(steps).unwrap();
        assert_eq!((s.to_text().as_str(), s.counterexample_steps().map(<[_]>::len)), (steps, Some(2)));
        let commented = "nextnumber/1 # a header; with a comment\nseed 7 # and; more\n";
        assert_eq!(Scenario::parse(commented).unwrap().seed, Some(7));
    }

    #[test]
    fn bad_scenarios_name_the_line() {
        for (text, needle) in [
            ("", "must start"),
            ("nextnumber/2\n", "newer"),
            ("nextnumber/1\nbranches 12\n", "branches must be 1 to 9"),
            ("nextnumber/1\n@0 kill Q\n", "line 2"),
            ("nextnumber/1\n@5 ask A\n@1 ask B\n", "time order"),
            ("nextnumber/1\n@0 ask A\nbranches 3\n", "before the first"),
            ("nextnumber/1\nfrobnicate 1\n", "unknown setting"),
            ("nextnumber/1\nseed x\n", "not a number"),
            ("nextnumber/1\nname Fire!\n", "scenario name"),
            ("nextnumber/1\nname\n", "needs a value"),
            ("nextnumber/1\ncounterexample 2\n@5 ask A\nrun 5\n", "only 1 actions"),
            ("nextnumber/1\ncounterexample 2\n@4 ask A\n@5 ask A\nrun 5\n", "all at the run's end"),
            ("nextnumber/1\ncounterexample 1\n@5 ask A\n", "run TICK"),
            ("nextnumber/1\ncounterexample 0\n", "1 to"),
            ("nextnumber/1\ncounterexample x\n", "number of steps"),
        ] {
            let e = Scenario::parse(text).expect_err(text);
            assert!(e.contains(needle), "{text:?} gave {e:?}");
        }
    }
}
