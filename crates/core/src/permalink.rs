//! Permalinks: a whole run (configuration, seed, scenario name, every action) in the part
//! of a URL after `#`, in the scenario format itself.
//!
//! ```text
//! https://…/#nextnumber/1;name_the-flood;seed_7;branches_5;@0_load_20_random;@1000_cut_A~B;run_9000;end
//! ```
//!
//! The link is the scenario's canonical text ([`Scenario::to_text`]) in its URL form: lines
//! joined by `;`, a space written `_`, a `>` written `~`, any other character outside
//! `A-Z a-z 0-9 - . ; @ / : ,` percent-encoded (so `_`, `~` and `%` themselves are too),
//! and `;end` after the last line. It starts with the format's version (`nextnumber/1`), so
//! a link from a newer version is recognised as such; `;end` tells a link cut short (by a
//! mail client, a chat window, a careless copy) from a whole one. It is readable, can be
//! edited by hand, and opens in the CLI (`nextnumber run --link`).
//!
//! Why not deflate and base64: measured on the test fixtures and drawn swarm scenarios,
//! deflate + base64url is no shorter than this form up to about 400 characters (the size of
//! a scenario with a dozen actions), and 2.5 times shorter only for logs of hundreds of
//! actions; miniz_oxide and base64 would add about 10 KB (gzip) to the page for that.
//!
//! Bound: a link is at most [`MAX_LINK_CHARS`] characters (about 2,000 actions); a longer
//! run can be saved as a scenario file instead. Decoding refuses a longer input before
//! reading it, and every other problem is an error that says which it is, never a panic.

use crate::scenario::{Scenario, MAX_SCENARIO_BYTES, SCENARIO_HEADER};
use std::fmt;

/// The longest link [`decode`] reads and [`encode`] writes (the part after `#`).
pub const MAX_LINK_CHARS: usize = 32_768;
/// What every link starts with: the scenario format and its version.
pub const LINK_PREFIX: &str = "nextnumber/";
/// What every whole link ends with.
pub const LINK_END: &str = ";end";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// Longer than [`MAX_LINK_CHARS`] (when decoding) or a run too long for a link (encoding).
    Oversized { chars: usize, max: usize },
    /// Made by a newer version of nextnumber: the version it names.
    FutureVersion(String),
    /// The end marker is missing: the link was cut short.
    Truncated,
    /// Not a nextnumber link at all, or its characters are not a valid link.
    Malformed(String),
    /// A well-formed link whose scenario is not valid (an unknown branch, …).
    Invalid(String),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Oversized { chars, max } => write!(
                f,
                "the link is too long: {chars} characters, at most {max} are read (save a run this long as a \
                 scenario file instead)"
            ),
            LinkError::FutureVersion(v) => write!(
                f,
                "the link was made by a newer version of nextnumber ({v}); this one reads {SCENARIO_HEADER} links"
            ),
            LinkError::Truncated => {
                write!(f, "the link is incomplete: it was cut short somewhere (a whole link ends with {LINK_END:?})")
            }
            LinkError::Malformed(why) => write!(f, "this is not a valid nextnumber link: {why}"),
            LinkError::Invalid(why) => write!(f, "the link's scenario cannot run: {why}"),
        }
    }
}

impl std::error::Error for LinkError {}

/// Characters a link keeps as they are: safe in a URL's fragment and query, and not
/// trimmed by the usual link detectors when inside a link.
fn plain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b';' | b'@' | b'/' | b':' | b',')
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The link of `scenario` (the part after `#`).
pub fn encode(scenario: &Scenario) -> Result<String, LinkError> {
    let text = scenario.to_text();
    let mut out = String::with_capacity(text.len() + LINK_END.len());
    for line in text.lines() {
        if !out.is_empty() {
            out.push(';');
        }
        for b in line.bytes() {
            match b {
                b' ' => out.push('_'),
                b'>' => out.push('~'),
                b if plain(b) => out.push(b as char),
                b => {
                    out.push('%');
                    out.push(HEX[(b >> 4) as usize] as char);
                    out.push(HEX[(b & 15) as usize] as char);
                }
            }
        }
    }
    out.push_str(LINK_END);
    if out.len() > MAX_LINK_CHARS {
        return Err(LinkError::Oversized { chars: out.len(), max: MAX_LINK_CHARS });
    }
    Ok(out)
}

/// `base` with the link of `scenario` after `#` (any fragment `base` had is replaced).
pub fn url(base: &str, scenario: &Scenario) -> Result<String, LinkError> {
    let base = base.split('#').next().unwrap_or(base);
    Ok(format!("{base}#{}", encode(scenario)?))
}

/// Where the link is in `input`: after the `#` of a whole URL, in an `s=` query
/// parameter, or `input` itself.
fn payload(input: &str) -> &str {
    let input = input.trim();
    if let Some((_, fragment)) = input.split_once('#') {
        return fragment;
    }
    if let Some((_, query)) = input.split_once('?') {
        if let Some(value) = query.split('&').find_map(|p| p.strip_prefix("s=")) {
            return value;
        }
    }
    input
}

/// Reads a link: the part after `#`, or a whole URL with one (or with `?s=…`).
pub fn decode(input: &str) -> Result<Scenario, LinkError> {
    if input.len() > MAX_LINK_CHARS * 2 {
        // Before looking inside: a URL may add a little around the link, not this much.
        return Err(LinkError::Oversized { chars: input.len(), max: MAX_LINK_CHARS });
    }
    let link = payload(input);
    if link.len() > MAX_LINK_CHARS {
        return Err(LinkError::Oversized { chars: link.len(), max: MAX_LINK_CHARS });
    }
    if link.is_empty() {
        return Err(LinkError::Malformed("the link is empty".into()));
    }
    // Cut short before its first command is done: what it does hold is right.
    if format!("{SCENARIO_HEADER};").starts_with(link) {
        return Err(LinkError::Truncated);
    }
    let not_a_link = || LinkError::Malformed(format!("it does not start with {SCENARIO_HEADER:?}"));
    let rest = link.strip_prefix(LINK_PREFIX).ok_or_else(not_a_link)?;
    let version: String = rest.chars().take_while(|c| c.is_ascii_digit()).take(20).collect();
    if version.is_empty() || !rest[version.len()..].is_empty() && !rest[version.len()..].starts_with(';') {
        return Err(not_a_link());
    }
    if format!("{LINK_PREFIX}{version}") != SCENARIO_HEADER {
        let newer = version.parse::<u64>().map_or(true, |v| v > 1);
        return if newer {
            Err(LinkError::FutureVersion(format!("{LINK_PREFIX}{version}")))
        } else {
            Err(LinkError::Malformed(format!("version {LINK_PREFIX}{version} never existed")))
        };
    }
    let Some(body) = link.strip_suffix(LINK_END) else {
        return Err(LinkError::Truncated);
    };
    let text = unescape(body)?;
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(LinkError::Oversized { chars: link.len(), max: MAX_LINK_CHARS });
    }
    // One command a line, so an error's line number counts commands.
    Scenario::parse(&text.replace(';', "\n")).map_err(LinkError::Invalid)
}

/// The scenario text (lines joined by `;`) of a link's body.
fn unescape(body: &str) -> Result<String, LinkError> {
    let bytes = body.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'_' => out.push(b' '),
            b'~' => out.push(b'>'),
            b'%' => {
                let hex = |j: usize| bytes.get(j).and_then(|b| (*b as char).to_digit(16));
                let (Some(hi), Some(lo)) = (hex(i + 1), hex(i + 2)) else {
                    let at: String = body[i..].chars().take(3).collect();
                    return Err(LinkError::Malformed(format!("{at:?} at character {} is not a %XX escape", i + 1)));
                };
                out.push((hi * 16 + lo) as u8);
                i += 2;
            }
            b if plain(b) => out.push(b),
            _ => {
                let c = body[i..].chars().next().unwrap_or('?');
                return Err(LinkError::Malformed(format!("{c:?} at character {} does not belong in a link", i + 1)));
            }
        }
        i += 1;
    }
    let text = String::from_utf8(out).map_err(|_| LinkError::Malformed("its escapes are not UTF-8 text".into()))?;
    // Line breaks and other control characters come only from a tampered link: the URL form
    // has none, and a `#` would make the rest of a line a comment.
    if let Some(c) = text.chars().find(|c| c.is_control() || *c == '#') {
        return Err(LinkError::Malformed(format!("it holds the character {c:?}, which no scenario line has")));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_reads_like_the_scenario() {
        let s = Scenario::parse(
            "nextnumber/1\nname the-flood\nseed 7\nbranches 5\n@0 load 20 random\n@1000 cut A>B\n@1500 retry c1-1 B\nrun 9000\n",
        )
        .unwrap();
        let link = encode(&s).unwrap();
        assert_eq!(
            link,
            "nextnumber/1;name_the-flood;seed_7;branches_5;@0_load_20_random;@1000_cut_A~B;@1500_retry_c1-1_B;run_9000;end"
        );
        assert_eq!(decode(&link), Ok(s.clone()));
        assert_eq!(decode(&format!("https://example.org/x/?a=1#{link}")), Ok(s.clone()));
        assert_eq!(decode(&format!("https://example.org/?s={link}&b=2")), Ok(s.clone()));
        assert_eq!(url("http://h/#old", &s).unwrap(), format!("http://h/#{link}"));
    }

    #[test]
    fn each_kind_of_bad_link_has_its_own_error() {
        let whole = "nextnumber/1;seed_7;@0_ask_A;run_100;end";
        assert!(decode(whole).is_ok());
        assert_eq!(decode(&whole[..whole.len() - 2]), Err(LinkError::Truncated));
        assert_eq!(decode("nextnumber/2;seed_7;end"), Err(LinkError::FutureVersion("nextnumber/2".into())));
        assert_eq!(decode("nextnumber/17"), Err(LinkError::FutureVersion("nextnumber/17".into())));
        assert!(matches!(decode("nextnumber/0;end"), Err(LinkError::Malformed(_))));
        assert!(matches!(decode("nextnumber/1x;end"), Err(LinkError::Malformed(_))));
        assert_eq!(decode("nextnum"), Err(LinkError::Truncated));
        assert!(matches!(decode(""), Err(LinkError::Malformed(_))));
        assert!(matches!(decode("https://example.org/"), Err(LinkError::Malformed(_))));
        assert!(matches!(decode("nextnumber/1;seed_%G1;end"), Err(LinkError::Malformed(_))));
        assert!(matches!(decode("nextnumber/1;seed_%;end"), Err(LinkError::Malformed(_))));
        assert!(matches!(decode("nextnumber/1;seed_7%0A@0_kill_A;end"), Err(LinkError::Malformed(_))));
        assert!(matches!(decode("nextnumber/1;seed_7%23;end"), Err(LinkError::Malformed(_))));
        assert!(matches!(decode("nextnumber/1;seed 7;end"), Err(LinkError::Malformed(_))));
        assert!(matches!(decode("nextnumber/1;%FF%FE;end"), Err(LinkError::Malformed(_))));
        assert!(matches!(decode("nextnumber/1;@0_kill_Z;end"), Err(LinkError::Invalid(_))));
        let long = format!("nextnumber/1;{};end", "@0_ask_A;".repeat(MAX_LINK_CHARS / 9));
        assert!(matches!(decode(&long), Err(LinkError::Oversized { .. })));
        assert!(matches!(decode(&"x".repeat(10 * MAX_LINK_CHARS)), Err(LinkError::Oversized { .. })));
        for e in [
            decode(&whole[..20]).unwrap_err(),
            decode("nextnumber/2;end").unwrap_err(),
            decode("hello").unwrap_err(),
            decode(&long).unwrap_err(),
            decode("nextnumber/1;@0_kill_Z;end").unwrap_err(),
        ] {
            assert!(e.to_string().len() > 30, "{e}");
        }
    }

    #[test]
    fn a_run_too_long_for_a_link_says_so() {
        let text = format!("nextnumber/1\n{}", "@0 ask A\n".repeat(4_000));
        let e = encode(&Scenario::parse(&text).unwrap()).unwrap_err();
        assert!(matches!(e, LinkError::Oversized { .. }), "{e}");
    }
}
