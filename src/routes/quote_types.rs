//! The quote's patch body as the spec shows it, and a page of quotes (the quote
//! itself is `domain::resource::Quote`).

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::resource::Quote;

/// A merge patch (RFC 7396) of a quote: only the members to change; `null` clears
/// `speaker_title` or `context`. A new `position` moves the quote.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"speaker_title": "Former Foreign Minister", "position": 0}))]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "documents the PATCH body, which is merged as plain JSON")]
pub(crate) struct QuotePatch {
    /// New text.
    #[schema(nullable = false, min_length = 1, max_length = 5000)]
    text: Option<String>,
    /// New speaker name.
    #[schema(nullable = false, min_length = 1, max_length = 200, pattern = r"\S")]
    speaker_name: Option<String>,
    /// New role, or `null` to clear it.
    #[schema(max_length = 300)]
    speaker_title: Option<String>,
    /// New context, or `null` to clear it.
    #[schema(max_length = 500)]
    context: Option<String>,
    /// New place in the list; the quotes in between move to make room. `null`
    /// keeps the current place.
    #[schema(minimum = 0, maximum = 100000)]
    position: Option<i64>,
}

/// One page of quotes.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": "0192f0c2-1b7d-7a10-9f55-2c0e5d8b7a31",
        "article_id": "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a",
        "text": "We will respond firmly to any provocation.",
        "speaker_name": "Park Jin",
        "speaker_title": "Foreign Minister",
        "context": "in a statement carried by the state news agency",
        "position": 0,
        "version": 1,
        "created_at": "2024-03-28T09:12:44.120Z",
        "updated_at": "2024-03-28T09:12:44.120Z"
    }],
    "next_cursor": null
}))]
pub(crate) struct QuotePage {
    /// The quotes on this page.
    pub items: Vec<Quote>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(example = json!(null))]
    pub next_cursor: Option<String>,
}
