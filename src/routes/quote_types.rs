//! The quote as responses show it, and a page of them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::paging::stored_uuid;
use crate::db::quotes::QuoteRow;
use crate::domain::quote::QuoteInput;
use crate::error::ApiError;

/// A quotation inside an article.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
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
}))]
pub(crate) struct Quote {
    /// Server-generated UUID (version 7).
    pub id: Uuid,
    /// The article the quote belongs to.
    pub article_id: Uuid,
    /// What was said, exactly as sent.
    pub text: String,
    /// Who said it.
    pub speaker_name: String,
    /// The speaker's role or description.
    pub speaker_title: Option<String>,
    /// Where or how it was said.
    pub context: Option<String>,
    /// Place in the article's quote list, 0 first; always 0..n without gaps.
    #[schema(minimum = 0)]
    pub position: i32,
    /// Starts at 1 and grows by one on every change; the ETag carries it.
    #[schema(minimum = 1)]
    pub version: i32,
    /// When the quote was created (UTC).
    pub created_at: DateTime<Utc>,
    /// When the quote last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<QuoteRow> for Quote {
    type Error = ApiError;

    fn try_from(row: QuoteRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: stored_uuid(&row.id)?,
            article_id: stored_uuid(&row.article_id)?,
            text: row.text,
            speaker_name: row.speaker_name,
            speaker_title: row.speaker_title,
            context: row.context,
            position: row.position,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        })
    }
}

impl From<Quote> for QuoteInput {
    /// The writable fields of a stored quote: the document a merge patch applies to.
    fn from(q: Quote) -> Self {
        Self {
            text: q.text,
            speaker_name: q.speaker_name,
            speaker_title: q.speaker_title,
            context: q.context,
            position: Some(i64::from(q.position)),
        }
    }
}

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
