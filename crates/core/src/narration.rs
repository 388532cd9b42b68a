//! Narrated scenarios: the story told beside a run, step by step, in comment lines of the
//! scenario file, so a scenario, its narration and its permalink stay one file:
//!
//! ```text
//! # title: The fire at the Main Office
//! #> @3000 Fire at the Main Office. Customers waiting for A get no answer.
//! # challenge: Your turn: …
//! ```
//!
//! A step (`#> @TICK text`, the page's syntax too) names the tick it explains; the page's
//! "next" and "back" move the timeline to it. Steps are in time order. `# expect:` lines
//! (what the checkers must find) are the test fixtures'. Scenario parsers ignore all of
//! these, being comments.
//!
//! The essay's scenarios ([`ESSAY`]) are built in, in the order the essay tells them.

use crate::scenario::Scenario;

/// At most this many steps, each at most [`MAX_STEP_CHARS`] characters.
pub const MAX_STEPS: usize = 64;
pub const MAX_STEP_CHARS: usize = 600;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub tick: u64,
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Narration {
    pub title: Option<String>,
    pub steps: Vec<Step>,
    /// What the reader is invited to try once the story is told.
    pub challenge: Option<String>,
}

impl Narration {
    /// The narration of a scenario file's text (none at all is fine: no steps).
    pub fn parse(text: &str) -> Result<Narration, String> {
        let mut n = Narration::default();
        for (i, line) in text.lines().enumerate() {
            let at = |e: String| format!("line {}: {e}", i + 1);
            let line = line.trim_start();
            if let Some(step) = line.strip_prefix("#> @") {
                let (tick, text) =
                    step.split_once(' ').ok_or_else(|| at("a step reads `#> @TICK what happens`".into()))?;
                let tick: u64 = tick.parse().map_err(|_| at(format!("{tick:?} is not a tick")))?;
                if n.steps.last().is_some_and(|s| s.tick > tick) {
                    return Err(at("steps must be in time order".into()));
                }
                if n.steps.len() == MAX_STEPS {
                    return Err(at(format!("at most {MAX_STEPS} steps")));
                }
                n.steps.push(Step { tick, text: bounded(text).map_err(at)? });
                continue;
            }
            let Some(comment) = line.strip_prefix('#') else { continue };
            let comment = comment.trim();
            if let Some(title) = comment.strip_prefix("title:") {
                n.title = Some(bounded(title).map_err(at)?);
            } else if let Some(challenge) = comment.strip_prefix("challenge:") {
                n.challenge = Some(bounded(challenge).map_err(at)?);
            }
        }
        Ok(n)
    }

    /// The step to show at tick `t`: the last one at or before it.
    pub fn step_at(&self, t: u64) -> Option<usize> {
        self.steps.iter().rposition(|s| s.tick <= t)
    }
}

fn bounded(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty narration".into());
    }
    if text.chars().count() > MAX_STEP_CHARS {
        return Err(format!("narration longer than {MAX_STEP_CHARS} characters"));
    }
    Ok(text.to_string())
}

/// The essay's scenarios, in its order: name, title (the file's `# title:` line; a test
/// checks they agree) and file name. The one list: the page fetches `scenarios/<file>`
/// lazily from it (Trunk copies `crates/core/scenarios/` there), [`ESSAY`] builds the text
/// in, and the tests and the CLI read the files in `crates/core/scenarios/`.
pub const ESSAY_FILES: [(&str, &str, &str); 17] = [
    ("one-office", "One office, one officer", "essay-1-one-office.txt"),
    ("clerks-and-the-officer", "Clerks and the officer", "essay-2-clerks-and-the-officer.txt"),
    ("fire-at-the-main-office", "The fire at the Main Office", "essay-3-fire-at-the-main-office.txt"),
    ("flood-and-pigeon-mail", "The flood and the pigeon mail", "essay-4-flood-and-pigeon-mail.txt"),
    ("lost-confirmation", "The lost confirmation", "essay-5-lost-confirmation.txt"),
    ("split-brain", "Split brain without a quorum", "essay-6-split-brain.txt"),
    ("the-quorum-holds", "The same flood, with the majority rule", "essay-7-the-quorum-holds.txt"),
    ("two-numbers-for-one-child", "No request ID, two Numbers", "essay-8-two-numbers-for-one-child.txt"),
    ("latency-floor", "The latency floor: Europe to Asia, the Earth to the Moon", "essay-9-latency-floor.txt"),
    ("one-way-flood", "The one-way flood", "essay-10-one-way-flood.txt"),
    ("two-generals", "The Two Generals", "essay-11-two-generals.txt"),
    ("numbers-at-commit", "Numbers given when the entry commits", "essay-12-numbers-at-commit.txt"),
    ("number-at-the-door", "Numbers stamped at the door", "essay-13-number-at-the-door.txt"),
    ("higher-authority", "The higher authority", "essay-14-the-higher-authority.txt"),
    ("obey-the-decree", "A decree obeyed without a vote", "essay-15-obey-the-decree.txt"),
    ("four-pigeon-trips", "Counting pigeon trips: four", "essay-16-four-pigeon-trips.txt"),
    ("three-pigeon-trips", "Counting pigeon trips: three", "essay-17-three-pigeon-trips.txt"),
];

/// The essay's scenarios built in, in [`ESSAY_FILES`]' order: (name, scenario file text).
/// For the JS API and the CLI; the page does not use it (it would add the texts' bytes to
/// every first load). A test checks the two lists name the same files in the same order.
pub const ESSAY: [(&str, &str); 17] = [
    ("one-office", include_str!("../scenarios/essay-1-one-office.txt")),
    ("clerks-and-the-officer", include_str!("../scenarios/essay-2-clerks-and-the-officer.txt")),
    ("fire-at-the-main-office", include_str!("../scenarios/essay-3-fire-at-the-main-office.txt")),
    ("flood-and-pigeon-mail", include_str!("../scenarios/essay-4-flood-and-pigeon-mail.txt")),
    ("lost-confirmation", include_str!("../scenarios/essay-5-lost-confirmation.txt")),
    ("split-brain", include_str!("../scenarios/essay-6-split-brain.txt")),
    ("the-quorum-holds", include_str!("../scenarios/essay-7-the-quorum-holds.txt")),
    ("two-numbers-for-one-child", include_str!("../scenarios/essay-8-two-numbers-for-one-child.txt")),
    ("latency-floor", include_str!("../scenarios/essay-9-latency-floor.txt")),
    ("one-way-flood", include_str!("../scenarios/essay-10-one-way-flood.txt")),
    ("two-generals", include_str!("../scenarios/essay-11-two-generals.txt")),
    ("numbers-at-commit", include_str!("../scenarios/essay-12-numbers-at-commit.txt")),
    ("number-at-the-door", include_str!("../scenarios/essay-13-number-at-the-door.txt")),
    ("higher-authority", include_str!("../scenarios/essay-14-the-higher-authority.txt")),
    ("obey-the-decree", include_str!("../scenarios/essay-15-obey-the-decree.txt")),
    ("four-pigeon-trips", include_str!("../scenarios/essay-16-four-pigeon-trips.txt")),
    ("three-pigeon-trips", include_str!("../scenarios/essay-17-three-pigeon-trips.txt")),
];

/// A built-in scenario by name, with its narration.
pub fn essay(name: &str) -> Option<(Scenario, Narration)> {
    let (_, text) = ESSAY.iter().find(|(n, _)| *n == name)?;
    Some((Scenario::parse(text).ok()?, Narration::parse(text).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_titles_and_challenges_are_read_and_checked() {
        let n = Narration::parse(
            "nextnumber/1\n# title: T\n# expect: pass\n#> @0 first\n  #> @10  second \n# challenge: go\n",
        )
        .unwrap();
        assert_eq!(n.title.as_deref(), Some("T"));
        assert_eq!(n.steps, [Step { tick: 0, text: "first".into() }, Step { tick: 10, text: "second".into() }]);
        assert_eq!(n.challenge.as_deref(), Some("go"));
        assert_eq!((n.step_at(5), n.step_at(10), n.step_at(0)), (Some(0), Some(1), Some(0)));
        for (bad, needle) in [
            ("#> @5 a\n#> @1 b\n", "time order"),
            ("#> @x a\n", "not a tick"),
            ("#> @5\n", "step reads"),
            ("#> @5   \n", "empty"),
        ] {
            let e = Narration::parse(bad).unwrap_err();
            assert!(e.contains(needle), "{bad:?}: {e}");
        }
        assert_eq!(Narration::parse("nextnumber/1\n").unwrap(), Narration::default());
    }

    #[test]
    fn the_essay_list_names_each_file_with_its_own_title() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        for ((name, title, file), (built_name, built_text)) in ESSAY_FILES.iter().zip(ESSAY) {
            assert_eq!(*name, built_name);
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            assert_eq!(text, built_text, "{file} is the text built in as {name}");
            assert_eq!(Narration::parse(&text).unwrap().title.as_deref(), Some(*title), "{file}");
        }
    }
}
