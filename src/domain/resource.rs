//! The three resources as the API shows them: an article, a quote, a related link.
//! Responses, change records and snapshots all carry these shapes; the database
//! layer builds them from its rows (`db::articles`, `db::quotes`,
//! `db::related_links`), so that one conversion serves every place they appear.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::article::{ArticleInput, ArticleStatus};
use crate::domain::lead_image::LeadImage;
use crate::domain::quote::QuoteInput;
use crate::domain::related_link::{LinkRelation, RelatedLinkInput};
use crate::domain::search::SearchHit;

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
    "image": {
        "url": "https://images.example.com/2024/03/missile-launch.jpg",
        "alt": "A missile rises from a launch pad, trailing smoke",
        "caption": "A test launch near Pyongyang on Thursday.",
        "credit": "Photograph: Example Agency",
        "width": 1600,
        "height": 900
    },
    "version": 1,
    "created_at": "2024-03-28T09:12:44.120Z",
    "updated_at": "2024-03-28T09:12:44.120Z"
}))]
pub(crate) struct Article {
    /// Server-generated UUID (version 7).
    pub id: Uuid,
    /// Unique URL name; usable in place of the id in paths. Present unless left out by
    /// `fields`.
    #[schema(required = false, example = "north-korea-fires-missiles-as-allies-meet")]
    pub slug: String,
    /// Headline. Present unless left out by `fields`.
    #[schema(required = false)]
    pub title: String,
    /// Standfirst. Present unless left out by `fields`.
    pub summary: Option<String>,
    /// The text (Markdown allowed). Present unless left out by `fields`.
    #[schema(required = false)]
    pub body: String,
    /// Author credit. Present unless left out by `fields`.
    pub byline: Option<String>,
    /// Life-cycle state. Present unless left out by `fields`.
    #[schema(required = false)]
    pub status: ArticleStatus,
    /// Publication time in UTC; may lie in the future (scheduled). Present unless left
    /// out by `fields`.
    pub published_at: Option<DateTime<Utc>>,
    /// Section or programme name. Present unless left out by `fields`.
    pub section: Option<String>,
    /// Tags, as sent. Present unless left out by `fields`.
    #[schema(required = false)]
    pub tags: Vec<String>,
    /// BCP 47 language tag. Present unless left out by `fields`.
    #[schema(required = false)]
    pub language: String,
    /// Name of the original source. Present unless left out by `fields`.
    pub source_name: Option<String>,
    /// URL of the original. Present unless left out by `fields`.
    #[schema(format = "uri")]
    pub source_url: Option<String>,
    /// The lead image, `null` when there is none. Present unless left out by `fields`.
    pub image: Option<LeadImage>,
    /// Starts at 1 and grows by one on every change; the ETag carries it.
    #[schema(minimum = 1, example = 1)]
    pub version: i32,
    /// When the article was created (UTC). Present unless left out by `fields`.
    #[schema(required = false)]
    pub created_at: DateTime<Utc>,
    /// When the article last changed (UTC). Present unless left out by `fields`.
    #[schema(required = false)]
    pub updated_at: DateTime<Utc>,
    /// The article's quotes in position order; only with `include=quotes` or when
    /// `fields` names them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quotes: Option<Vec<Quote>>,
    /// The article's related links in position order; only with
    /// `include=related_links` or when `fields` names them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related_links: Option<Vec<RelatedLink>>,
    /// How the article matched the search: only in the items of a list searched
    /// with `q`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub search: Option<SearchHit>,
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
            image: a.image.map(Into::into),
        }
    }
}

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
    /// What was said, exactly as sent. Present unless left out by `fields`.
    #[schema(required = false)]
    pub text: String,
    /// Who said it. Present unless left out by `fields`.
    #[schema(required = false)]
    pub speaker_name: String,
    /// The speaker's role or description. Present unless left out by `fields`.
    pub speaker_title: Option<String>,
    /// Where or how it was said. Present unless left out by `fields`.
    pub context: Option<String>,
    /// Place in the article's quote list, 0 first; always 0..n without gaps. Present
    /// unless left out by `fields`.
    #[schema(required = false, minimum = 0)]
    pub position: i32,
    /// Starts at 1 and grows by one on every change; the ETag carries it.
    #[schema(minimum = 1)]
    pub version: i32,
    /// When the quote was created (UTC). Present unless left out by `fields`.
    #[schema(required = false)]
    pub created_at: DateTime<Utc>,
    /// When the quote last changed (UTC). Present unless left out by `fields`.
    #[schema(required = false)]
    pub updated_at: DateTime<Utc>,
    /// How the quote matched the search: only in the items of `searchQuotes`
    /// with `q`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub search: Option<SearchHit>,
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

/// The current identity of an internal link's target article.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct LinkTargetSummary {
    /// The target article's id.
    pub id: Uuid,
    /// Its slug.
    pub slug: String,
    /// Its current title.
    pub title: String,
    /// Its status.
    pub status: ArticleStatus,
}

/// A "More:" or "Related posts" entry of an article.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0192f0c3-44aa-7b21-8c10-7e9d0f1a2b3c",
    "article_id": "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a",
    "target_article_id": "0192f0a0-0000-7000-8000-000000000001",
    "url": null,
    "title": "Seoul and Tokyo hold talks",
    "relation": "related",
    "position": 0,
    "target": {"id": "0192f0a0-0000-7000-8000-000000000001", "slug": "seoul-and-tokyo-hold-talks",
               "title": "Seoul and Tokyo hold talks", "status": "published"},
    "version": 1,
    "created_at": "2024-03-28T09:12:44.120Z",
    "updated_at": "2024-03-28T09:12:44.120Z"
}))]
pub(crate) struct RelatedLink {
    /// Server-generated UUID (version 7).
    pub id: Uuid,
    /// The article the link belongs to.
    pub article_id: Uuid,
    /// The Newsdesk article linked to, for an internal link. Present unless left out by
    /// `fields`.
    pub target_article_id: Option<Uuid>,
    /// The URL linked to, for an external link. Present unless left out by `fields`.
    #[schema(format = "uri")]
    pub url: Option<String>,
    /// Display text: the link's own title, or for an internal link without one the
    /// target's current title. Present unless left out by `fields`.
    pub title: Option<String>,
    /// Kind of link. Present unless left out by `fields`.
    #[schema(required = false)]
    pub relation: LinkRelation,
    /// Place in the article's link list, 0 first; always 0..n without gaps. Present
    /// unless left out by `fields`.
    #[schema(required = false, minimum = 0)]
    pub position: i32,
    /// The target article's id, slug, title and status (internal links only). Present
    /// unless left out by `fields`.
    pub target: Option<LinkTargetSummary>,
    /// Starts at 1 and grows by one on every change; the ETag carries it.
    #[schema(minimum = 1)]
    pub version: i32,
    /// When the link was created (UTC). Present unless left out by `fields`.
    #[schema(required = false)]
    pub created_at: DateTime<Utc>,
    /// When the link last changed (UTC). Present unless left out by `fields`.
    #[schema(required = false)]
    pub updated_at: DateTime<Utc>,
    /// The link's own title as stored (`null` when it shows the target's).
    #[serde(skip)]
    pub own_title: Option<String>,
}

impl From<RelatedLink> for RelatedLinkInput {
    /// The writable fields of a stored link: the document a merge patch applies to.
    fn from(link: RelatedLink) -> Self {
        Self {
            target_article_id: link.target_article_id.map(Some),
            url: link.url.map(Some),
            title: link.own_title,
            relation: Some(link.relation),
            position: Some(i64::from(link.position)),
        }
    }
}
