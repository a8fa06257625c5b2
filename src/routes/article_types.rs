//! The article's request bodies as the spec shows them, and the list page (the
//! article itself is `domain::resource::Article`).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::article::{ArticleInput, ArticleStatus};
use crate::domain::quote::QuoteInput;
use crate::domain::related_link::RelatedLinkInput;
use crate::domain::resource::Article;

/// A merge patch (RFC 7396) of an article: only the members to change. `null`
/// clears an optional member (and resets `status` to `draft`, `language` to `en`,
/// `tags` to none).
#[derive(Debug, ToSchema)]
#[schema(example = json!({"summary": null, "tags": ["Korea"], "status": "published", "image": {"caption": null}}))]
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
    /// Changes to the lead image, merged into the stored one member by member
    /// (RFC 7396: `{"caption": null}` clears the caption and keeps the rest), or
    /// `null` to remove the image. Without a stored image the object must name
    /// `url` and `alt`.
    image: Option<LeadImagePatch>,
}

/// A merge patch of an article's lead image: only the members to change; `null`
/// clears an optional member. The merged image is checked as a whole.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"caption": "Talks in Seoul on Friday.", "credit": null}))]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "documents the PATCH body, which is merged as plain JSON")]
pub(crate) struct LeadImagePatch {
    /// New picture URL (absolute http(s)).
    #[schema(nullable = false, format = "uri", max_length = 2048)]
    url: Option<String>,
    /// New alternative text.
    #[schema(nullable = false, min_length = 1, max_length = 500, pattern = r"\S")]
    alt: Option<String>,
    /// New caption, or `null` to clear it.
    #[schema(max_length = 1000)]
    caption: Option<String>,
    /// New credit, or `null` to clear it.
    #[schema(max_length = 300)]
    credit: Option<String>,
    /// New width in pixels, or `null` to clear it.
    #[schema(minimum = 1, maximum = 65535)]
    width: Option<i64>,
    /// New height in pixels, or `null` to clear it.
    #[schema(minimum = 1, maximum = 65535)]
    height: Option<i64>,
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

/// Query parameters of an article's suggestions.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct SuggestionParams {
    /// How many suggestions at most, 1..=10 (default 5).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 10, example = 5)]
    pub limit: Option<String>,
}

/// A suggested article: what a "Related posts" box shows, and how alike it is.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct Suggestion {
    /// The suggested article's id.
    pub id: uuid::Uuid,
    /// Its slug.
    pub slug: String,
    /// Its headline.
    pub title: String,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
    /// Its section.
    pub section: Option<String>,
    /// Its tags, as sent.
    pub tags: Vec<String>,
    /// How alike it is, in (0, 1]: its share of the weight of the article's
    /// distinctive terms and tags (see the operation), rounded to four decimals.
    #[schema(example = 0.4375)]
    pub score: f64,
}

impl Suggestion {
    /// The summary of `article` with its score.
    pub(crate) fn of(article: Article, score: f64) -> Self {
        Self {
            id: article.id,
            slug: article.slug,
            title: article.title,
            published_at: article.published_at,
            section: article.section,
            tags: article.tags,
            score,
        }
    }
}

/// An article's related-post suggestions, best first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": "0192f0a0-0000-7000-8000-000000000001",
        "slug": "seoul-and-tokyo-hold-talks",
        "title": "Seoul and Tokyo hold talks",
        "published_at": "2024-03-27T18:00:00Z",
        "section": "World",
        "tags": ["North Korea", "Diplomacy"],
        "score": 0.4375
    }]
}))]
pub(crate) struct SuggestionList {
    /// The suggestions, highest score first, newest first among equal scores; empty
    /// when no article is alike enough.
    pub items: Vec<Suggestion>,
}
