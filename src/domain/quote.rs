//! Quotes: who said what, in what role, where. Every rule of the contract's quote
//! table lives here.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use super::text::{bounded, optional, trimmed_required};
use super::{FieldError, Problems};

/// Largest position a client may ask for; far beyond any real article.
pub const MAX_POSITION: i64 = 100_000;

/// The writable fields of a quote, as `POST` and `PUT` take them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "text": "We will respond firmly to any provocation.",
    "speaker_name": "Park Jin",
    "speaker_title": "Foreign Minister",
    "context": "in a statement carried by the state news agency"
}))]
pub struct QuoteInput {
    /// What was said, 1..=5,000 characters, stored exactly as sent.
    #[schema(min_length = 1, max_length = 5000)]
    pub text: String,
    /// Who said it: at most 200 characters as sent, not blank; stored trimmed.
    #[schema(example = "Park Jin", min_length = 1, max_length = 200, pattern = r"\S")]
    pub speaker_name: String,
    /// The speaker's role or description, up to 300 characters.
    #[schema(example = "Foreign Minister", max_length = 300)]
    pub speaker_title: Option<String>,
    /// Where or how it was said, up to 500 characters.
    #[schema(example = "on Twitter", max_length = 500)]
    pub context: Option<String>,
    /// Place in the article's quote list (0 is first). New quotes go after the last
    /// one when left out; on `PUT` a left-out position keeps the current one. The
    /// quotes after it move down to make room.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(minimum = 0, maximum = 100000, example = 0)]
    pub position: Option<i64>,
}

/// A quote's fields after every rule has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteFields {
    pub text: String,
    pub speaker_name: String,
    pub speaker_title: Option<String>,
    pub context: Option<String>,
    /// `None`: append (create) or keep (replace).
    pub position: Option<i32>,
}

impl QuoteFields {
    /// Checks a request, reporting every broken rule with a pointer relative to the
    /// quote object.
    pub fn validate(input: QuoteInput) -> Result<Self, Vec<FieldError>> {
        let mut p = Problems::default();
        let text = p.check("/text", non_empty(&input.text).and_then(|()| bounded(&input.text, 5000)));
        let speaker_name = p.check("/speaker_name", trimmed_required(&input.speaker_name, 200));
        let speaker_title = p.check("/speaker_title", optional(input.speaker_title, 300));
        let context = p.check("/context", optional(input.context, 500));
        let position = p.check("/position", input.position.map(position).transpose());
        let errors = p.finish().err().unwrap_or_default();
        match (text, speaker_name, speaker_title, context, position) {
            (Some(()), Some(speaker_name), Some(speaker_title), Some(context), Some(position)) if errors.is_empty() => {
                Ok(Self { text: input.text, speaker_name, speaker_title, context, position })
            }
            _ => Err(errors),
        }
    }

    /// The form speaker searches match on: lowercased.
    pub fn speaker_key(&self) -> String {
        speaker_key(&self.speaker_name)
    }
}

/// Case-folded speaker name, as stored and as searched for.
pub fn speaker_key(name: &str) -> String {
    super::text::trim(name).to_lowercase()
}

fn non_empty(text: &str) -> Result<(), String> {
    if text.is_empty() { Err("must not be empty".into()) } else { Ok(()) }
}

/// Reads an optional position. JSON has one number type and JSON Schema counts a
/// whole number written as `3.0` as the integer 3, so it is read as 3; any other
/// fraction is refused. Whole numbers beyond `i64` saturate, and the position rule
/// then refuses them.
pub fn whole_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let Some(number) = Option::<serde_json::Number>::deserialize(deserializer)? else {
        return Ok(None);
    };
    #[expect(clippy::cast_possible_truncation, reason = "saturating on purpose; only whole numbers get here")]
    let whole = number.as_i64().or_else(|| number.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64));
    whole.map(Some).ok_or_else(|| D::Error::custom(format!("invalid type: number {number}, expected an integer")))
}

/// Checks a client-supplied position (0..=100,000).
pub fn position(value: i64) -> Result<i32, String> {
    if !(0..=MAX_POSITION).contains(&value) {
        return Err(format!("must be an integer from 0 to {MAX_POSITION}"));
    }
    i32::try_from(value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(text: &str, speaker: &str) -> QuoteInput {
        QuoteInput { text: text.into(), speaker_name: speaker.into(), ..Default::default() }
    }

    #[test]
    fn text_is_kept_exactly_and_speaker_trimmed() {
        let fields = QuoteFields::validate(quote("  \"Yes,\" she said.\n", "  Kim Yo-jong ")).unwrap();
        assert_eq!(fields.text, "  \"Yes,\" she said.\n");
        assert_eq!(fields.speaker_name, "Kim Yo-jong");
        assert_eq!(fields.speaker_key(), "kim yo-jong");
    }

    #[test]
    fn every_broken_rule_is_reported() {
        let input = QuoteInput { position: Some(-1), context: Some("x".repeat(501)), ..quote("", " ") };
        let errors = QuoteFields::validate(input).unwrap_err();
        let pointers: Vec<_> = errors.iter().filter_map(|e| e.pointer.as_deref()).collect();
        assert_eq!(pointers, ["/text", "/speaker_name", "/context", "/position"]);
    }
}
