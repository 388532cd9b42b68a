//! Values across the border: seeds, ticks, results and errors between Rust and JS. Every
//! class and function of the JS API converts through here, so a seed, a tick or an error
//! reads the same whichever method takes or gives it.

use crate::ids::Tick;
use crate::scenario::Scenario;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The largest integer a JS number holds exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

pub(super) fn js_error(message: impl AsRef<str>) -> JsError {
    JsError::new(message.as_ref())
}

/// `typeof value`, for messages that say what was given instead.
pub(super) fn js_type(value: &JsValue) -> String {
    value.js_typeof().as_string().unwrap_or_else(|| "an unknown value".into())
}

/// Serializes for JS: plain objects for maps and structs, `null` for `None`, integers as numbers.
pub(super) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true)
        .serialize_large_number_types_as_bigints(false);
    value.serialize(&serializer).map_err(|e| js_error(format!("cannot convert the result for JavaScript: {e}")))
}

/// Serializes for JS as `to_js` does, typed: `Ts<T>` is the same JS value, and the .d.ts names
/// it by `T`'s TypeScript declaration, which tsify derives from the very type serialized here
/// (`#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]`). So a method's declared return type
/// is the Rust type it converts: rename or reshape one and the other follows.
pub(super) fn to_ts<T: Serialize + tsify::Tsify>(value: &T) -> Result<tsify::Ts<T>, JsError> {
    to_js(value).map(tsify::Ts::new_unchecked)
}

/// A seed inside a result object, as `seed_to_js` gives it: a number when exact, a `BigInt`
/// otherwise (serde-wasm-bindgen turns a `u128` into a `BigInt`, a `u64` into a number).
#[derive(Clone, Copy, Debug, tsify::Tsify)]
#[tsify(type = "number | bigint")]
pub(super) struct Seed(pub u64);

impl Serialize for Seed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 <= MAX_SAFE_INTEGER {
            s.serialize_u64(self.0)
        } else {
            s.serialize_u128(u128::from(self.0))
        }
    }
}

/// A seed as JS sees it: a number when exact, a `BigInt` otherwise.
pub(super) fn seed_to_js(seed: u64) -> JsValue {
    if seed <= MAX_SAFE_INTEGER {
        JsValue::from_f64(seed as f64)
    } else {
        JsValue::from(seed)
    }
}

/// A seed from JS: a whole number 0..2^53, a `BigInt` 0..2^64, or a decimal string.
pub fn seed_from_js(value: &JsValue) -> Result<u64, String> {
    const EXPECTED: &str = "a seed must be a whole number from 0 to 2^53-1, a BigInt from 0n to 2^64-1, \
                            or a decimal string";
    if let Some(n) = value.as_f64() {
        if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= MAX_SAFE_INTEGER as f64 {
            return Ok(n as u64);
        }
        return Err(format!("{EXPECTED}, not {n}"));
    }
    let text = if value.is_bigint() {
        let big = js_sys::BigInt::from(value.clone());
        big.to_string(10).map(String::from).map_err(|_| EXPECTED.to_string())?
    } else if let Some(s) = value.as_string() {
        s
    } else {
        return Err(format!("{EXPECTED}, not {}", js_type(value)));
    };
    text.trim().parse::<u64>().map_err(|_| format!("{EXPECTED}, not {text:?}"))
}

/// A random seed, for options that name none.
pub(super) fn fresh_seed() -> Result<u64, String> {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).map_err(|e| format!("cannot draw a random seed: {e}"))?;
    // Below 2^53, so the seed is an ordinary JS number and survives a round trip through JSON.
    Ok(u64::from_le_bytes(bytes) & MAX_SAFE_INTEGER)
}

/// A tick from JS: a finite number of simulated ms, 0 or more (fractions are dropped, and
/// anything past the simulator's last tick is that tick). `what` names the method in the
/// message.
pub(super) fn tick_from_js(what: &str, tick: f64) -> Result<Tick, JsError> {
    if !tick.is_finite() || tick < 0.0 {
        return Err(js_error(format!("{what} takes a tick in simulated ms (0 or more), not {tick}")));
    }
    Ok(Tick(tick.floor().min(crate::config::limits::MAX_TICK as f64) as u64))
}

/// A scenario's permalink: `base#nextnumber/1;…;end`, or without `base` just the part after `#`.
pub(super) fn link_of(scenario: &Scenario, base: Option<String>) -> Result<String, JsValue> {
    match base {
        Some(base) => crate::permalink::url(&base, scenario),
        None => crate::permalink::encode(scenario),
    }
    .map_err(link_error)
}

/// What kind of problem a link has, the `kind` of the `Error` that `decodeLink` throws (and
/// `link` and `encodeLink`, for a run too long to be a link).
#[derive(Clone, Copy, Debug, Serialize, tsify::Tsify)]
#[serde(rename_all = "kebab-case")]
pub enum LinkErrorKind {
    Oversized,
    FutureVersion,
    Truncated,
    Malformed,
    Invalid,
}

#[wasm_bindgen(typescript_custom_section)]
const DECODE_LINK_ERROR: &str = r#"
/** What `decodeLink` throws: an `Error` whose `kind` says which problem the link has. */
export interface DecodeLinkError extends Error {
    kind: LinkErrorKind;
}
"#;

/// A JS `Error` for a link that cannot be made or read, with `kind` saying which problem it
/// is: "oversized", "future-version", "truncated", "malformed" or "invalid" (so a page can
/// tell a link from a newer version from a damaged one without reading the message).
pub(super) fn link_error(e: crate::permalink::LinkError) -> JsValue {
    use crate::permalink::LinkError;
    let kind = match e {
        LinkError::Oversized { .. } => LinkErrorKind::Oversized,
        LinkError::FutureVersion(_) => LinkErrorKind::FutureVersion,
        LinkError::Truncated => LinkErrorKind::Truncated,
        LinkError::Malformed(_) => LinkErrorKind::Malformed,
        LinkError::Invalid(_) => LinkErrorKind::Invalid,
    };
    let error = js_sys::Error::new(&e.to_string());
    // Spelled by serde, as the declaration of `LinkErrorKind` is.
    let kind = to_js(&kind).unwrap_or_else(|_| JsValue::from_str("invalid"));
    let _ = js_sys::Reflect::set(&error, &JsValue::from_str("kind"), &kind);
    error.into()
}
