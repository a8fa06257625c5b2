//! Quotes: who said what, in what role, where. Every rule of the contract's quote
//! table lives here.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::position::{position, whole_number};
use super::text::{bounded, optional, trimmed_required};
use super::{FieldError, Violations};

// The limits of a quote's fields, in characters (the spec's `maxLength`s are
// checked against these by `tests/openapi.rs`).

/// Longest `text`.
pub const MAX_TEXT_LEN: usize = 5000;
/// Longest `speaker_name` (and speaker filter of the quote search).
pub const MAX_SPEAKER_NAME_LEN: usize = 200;
/// Longest `speaker_title`.
pub const MAX_SPEAKER_TITLE_LEN: usize = 300;
/// Longest `context`.
pub const MAX_CONTEXT_LEN: usize = 500;

/// The writable fields of a quote, as `POST` and `PUT` take them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "text": "We will respond firmly to any provocation.",
    "speaker_name": "Park Jin",
    "speaker_title": "Foreign Minister",
    "context": "in a statement carried by the state news agency"
}))]
pub(crate) struct QuoteInput {
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
pub(crate) struct QuoteFields {
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
    pub(crate) fn validate(input: QuoteInput) -> Result<Self, Vec<FieldError>> {
        let mut p = Violations::default();
        let text = p.check("/text", non_empty(&input.text).and_then(|()| bounded(&input.text, MAX_TEXT_LEN)));
        let speaker_name = p.check("/speaker_name", trimmed_required(&input.speaker_name, MAX_SPEAKER_NAME_LEN));
        let speaker_title = p.check("/speaker_title", optional(input.speaker_title, MAX_SPEAKER_TITLE_LEN));
        let context = p.check("/context", optional(input.context, MAX_CONTEXT_LEN));
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
    pub(crate) fn speaker_key(&self) -> String {
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
