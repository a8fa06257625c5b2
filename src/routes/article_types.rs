//! The article as responses show it, and the list page around it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::link_types::RelatedLink;
use super::quote_types::Quote;
use crate::db::articles::ArticleRow;
use crate::domain::article::{ArticleInput, ArticleStatus};
use crate::domain::quote::QuoteInput;
use crate::domain::related_link::RelatedLinkInput;

/// A news article.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a",
    "slug": "north-korea-fires-missiles-as-allies-meet",
    "title": "North Korea fires missiles as allies meet",
    "summary": "The launch came hours before talks in Seoul.",
    "body": "Pyongyang launched two short-range missiles on Thursday...",
    "byline": "Jane Doe",
    "status": "published",
    "published_at": "2024-03-28T09:30:00Z",
    "section": "World",
    "tags": ["North Korea", "Defence"],
    "language": "en",
    "source_name": "Example Wire",
    "source_url": "https://news.example.org/world/123",
    "version": 1,
    "created_at": "2024-03-28T09:12:44.120Z",
    "updated_at": "2024-03-28T09:12:44.120Z"
}))]
pub(crate) struct Article {
    /// Server-generated UUID (version 7).
    pub id: Uuid,
    /// Unique URL name; usable in place of the id in paths.
    #[schema(example = "north-korea-fires-missiles-as-allies-meet")]
    pub slug: String,
    /// Headline.
    pub title: String,
    /// Standfirst.
    pub summary: Option<String>,
    /// The text (Markdown allowed).
    pub body: String,
    /// Author credit.
    pub byline: Option<String>,
    /// Life-cycle state.
    pub status: ArticleStatus,
    /// Publication time in UTC; may lie in the future (scheduled).
    pub published_at: Option<DateTime<Utc>>,
    /// Section or programme name.
    pub section: Option<String>,
    /// Tags, as sent.
    pub tags: Vec<String>,
    /// BCP 47 language tag.
    pub language: String,
    /// Name of the original source.
    pub source_name: Option<String>,
    /// URL of the original.
    #[schema(format = "uri")]
    pub source_url: Option<String>,
    /// Starts at 1 and grows by one on every change; the ETag carries it.
    #[schema(minimum = 1, example = 1)]
    pub version: i32,
    /// When the article was created (UTC).
    pub created_at: DateTime<Utc>,
    /// When the article last changed (UTC).
    pub updated_at: DateTime<Utc>,
    /// The article's quotes in position order; only with `include=quotes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quotes: Option<Vec<Quote>>,
    /// The article's related links in position order; only with
    /// `include=related_links`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related_links: Option<Vec<RelatedLink>>,
}

impl TryFrom<ArticleRow> for Article {
    type Error = anyhow::Error;

    fn try_from(row: ArticleRow) -> anyhow::Result<Self> {
        Ok(Self {
            id: Uuid::try_parse(&row.id)?,
            status: ArticleStatus::parse(&row.status)
                .ok_or_else(|| anyhow::anyhow!("unknown stored status {:?}", row.status))?,
            tags: serde_json::from_str(&row.tags)?,
            published_at: row.published_at.map(|t| t.and_utc()),
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
            slug: row.slug,
            title: row.title,
            summary: row.summary,
            body: row.body,
            byline: row.byline,
            section: row.section,
            language: row.language,
            source_name: row.source_name,
            source_url: row.source_url,
            version: row.version,
            quotes: None,
            related_links: None,
        })
    }
}

impl From<Article> for ArticleInput {
    /// The writable fields of a stored article: the document a merge patch applies to.
    fn from(a: Article) -> Self {
        Self {
            slug: Some(a.slug),
            title: a.title,
            summary: a.summary,
            body: a.body,
            byline: a.byline,
            status: Some(a.status),
            published_at: a.published_at,
            section: a.section,
            tags: Some(a.tags),
            language: Some(a.language),
            source_name: a.source_name,
            source_url: a.source_url,
        }
    }
}

/// A merge patch (RFC 7396) of an article: only the members to change. `null`
/// clears an optional member (and resets `status` to `draft`, `language` to `en`,
/// `tags` to none).
#[derive(Debug, ToSchema)]
#[schema(example = json!({"summary": null, "tags": ["Korea"], "status": "published"}))]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "documents the PATCH body, which is merged as plain JSON")]
pub(crate) struct ArticlePatch {
    /// New slug; `null` keeps the current one.
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 200)]
    slug: Option<String>,
    /// New headline.
    #[schema(nullable = false, min_length = 1, max_length = 300, pattern = r"\S")]
    title: Option<String>,
    /// New standfirst, or `null` to clear it.
    #[schema(max_length = 1000)]
    summary: Option<String>,
    /// New text, or `null` to empty it (only while not published).
    #[schema(max_length = 200000)]
    body: Option<String>,
    /// New author credit, or `null` to clear it.
    #[schema(max_length = 200)]
    byline: Option<String>,
    /// New status.
    status: Option<ArticleStatus>,
    /// New publication time, or `null` to clear it.
    published_at: Option<DateTime<Utc>>,
    /// New section, or `null` to clear it.
    #[schema(max_length = 100)]
    section: Option<String>,
    /// The new complete list of tags.
    #[schema(max_items = 50, value_type = Option<Vec<crate::domain::tags::Tag>>)]
    tags: Option<Vec<String>>,
    /// New language tag.
    #[schema(max_length = 35, pattern = r"^([A-Za-z]{2,3}|[Xx])(-[A-Za-z0-9]{1,8})*$")]
    language: Option<String>,
    /// New source name, or `null` to clear it.
    #[schema(max_length = 200)]
    source_name: Option<String>,
    /// New source URL, or `null` to clear it.
    #[schema(format = "uri", max_length = 2048)]
    source_url: Option<String>,
}

/// A new article, optionally with its quotes and related links, all stored in one
/// transaction (any invalid child refuses the whole request, with pointers such as
/// `/quotes/1/text`).
#[derive(Debug, ToSchema)]
#[schema(example = json!({
    "title": "North Korea fires missiles as allies meet",
    "body": "Pyongyang launched two short-range missiles on Thursday...",
    "status": "published",
    "tags": ["North Korea"],
    "quotes": [{"text": "We will respond firmly.", "speaker_name": "Park Jin", "speaker_title": "Foreign Minister"}],
    "related_links": [{"url": "https://example.org/analysis", "title": "Analysis", "relation": "more"}]
}))]
pub(crate) struct NewArticleInput {
    /// The article's own fields.
    #[serde(flatten)]
    pub article: ArticleInput,
    /// Quotes to store with the article, in order (same fields as `createQuote`).
    pub quotes: Option<Vec<QuoteInput>>,
    /// Related links to store with the article, in order (same fields as
    /// `createRelatedLink`).
    #[schema(value_type = Option<Vec<super::link_types::RelatedLinkInputSchema>>)]
    pub related_links: Option<Vec<RelatedLinkInput>>,
}

/// One page of articles.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a",
        "slug": "north-korea-fires-missiles-as-allies-meet",
        "title": "North Korea fires missiles as allies meet",
        "summary": "The launch came hours before talks in Seoul.",
        "body": "Pyongyang launched two short-range missiles on Thursday...",
        "byline": "Jane Doe",
        "status": "published",
        "published_at": "2024-03-28T09:30:00Z",
        "section": "World",
        "tags": ["North Korea", "Defence"],
        "language": "en",
        "source_name": "Example Wire",
        "source_url": "https://news.example.org/world/123",
        "version": 1,
        "created_at": "2024-03-28T09:12:44.120Z",
        "updated_at": "2024-03-28T09:12:44.120Z"
    }],
    "next_cursor": null,
    "total": 1
}))]
pub(crate) struct ArticlePage {
    /// The articles on this page, in the requested order.
    pub items: Vec<Article>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(example = json!(null))]
    pub next_cursor: Option<String>,
    /// Number of articles matching the filters; only present with `count=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 1)]
    pub total: Option<i64>,
}
