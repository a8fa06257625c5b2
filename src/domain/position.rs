//! Positions in an ordered child list (an article's quotes, its related links):
//! what a client may ask for, and how the number is read from JSON.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

/// Largest position a client may ask for; far beyond any real article.
pub const MAX_POSITION: i64 = 100_000;

/// Reads an optional position. JSON has one number type and JSON Schema counts a
/// whole number written as `3.0` as the integer 3, so it is read as 3; any other
/// fraction is refused. Whole numbers beyond `i64` saturate, and the position rule
/// then refuses them.
pub(crate) fn whole_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let Some(number) = Option::<serde_json::Number>::deserialize(deserializer)? else {
        return Ok(None);
    };
    #[expect(clippy::cast_possible_truncation, reason = "saturating on purpose; only whole numbers get here")]
    let whole = number.as_i64().or_else(|| number.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64));
    whole.map(Some).ok_or_else(|| D::Error::custom(format!("invalid type: number {number}, expected an integer")))
}

/// Checks a client-supplied position (0..=`MAX_POSITION`).
pub(crate) fn position(value: i64) -> Result<i32, String> {
    if !(0..=MAX_POSITION).contains(&value) {
        return Err(format!("must be an integer from 0 to {MAX_POSITION}"));
    }
    i32::try_from(value).map_err(|e| e.to_string())
}
