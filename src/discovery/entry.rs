//! One article as every feed format shows it, made from its stored row: the
//! feeds read rows, not the API's representation.

use chrono::{DateTime, Utc};

use super::Site;
use super::html::body_html;
use crate::db::articles::ArticleRow;
use crate::db::articles::discovery::SitemapRow;
use crate::domain::lead_image::LeadImage;
use crate::domain::public_url::ArticlePlace;

/// An article in a feed.
#[derive(Debug, Clone)]
pub(crate) struct FeedEntry {
    pub id: String,
    pub title: String,
    /// The article's page on the site.
    pub url: String,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub summary: Option<String>,
    pub byline: Option<String>,
    pub tags: Vec<String>,
    pub language: String,
    /// The body rendered to HTML and sanitised.
    pub content_html: String,
    pub image: Option<LeadImage>,
}

/// Where an article's page is, from its row.
pub(crate) fn place(row: &ArticleRow) -> ArticlePlace<'_> {
    ArticlePlace {
        id: &row.id,
        slug: &row.slug,
        section: row.section.as_deref(),
        published_at: row.published_at.map(|t| t.and_utc()),
    }
}

/// Where an article's page is, from its sitemap row.
pub(crate) fn place_of(row: &SitemapRow) -> ArticlePlace<'_> {
    ArticlePlace {
        id: &row.id,
        slug: &row.slug,
        section: row.section.as_deref(),
        published_at: row.published_at.map(|t| t.and_utc()),
    }
}

/// The tags of a row as sent (stored as a JSON array); a row whose column does
/// not parse shows none rather than failing the whole feed.
pub(crate) fn tags_of(row: &ArticleRow) -> Vec<String> {
    serde_json::from_str(&row.tags).unwrap_or_else(|e| {
        log::warn!("article {}: stored tags do not parse: {e}", row.id);
        Vec::new()
    })
}

/// The lead image of a row (stored as JSON); one whose column does not parse is
/// left out, with a warning, rather than failing the whole feed or sitemap.
pub(crate) fn image_of(id: &str, stored: Option<&str>) -> Option<LeadImage> {
    LeadImage::from_stored(stored?).map_err(|e| log::warn!("article {id}: stored image does not parse: {e}")).ok()
}

impl FeedEntry {
    /// The entry of a published row (a row without a date is dated by its
    /// creation, which never happens for what the feeds select).
    pub(crate) fn new(row: &ArticleRow, site: &Site) -> Self {
        Self {
            id: row.id.clone(),
            title: row.title.clone(),
            url: site.article_url(place(row)),
            published: row.published_at.unwrap_or(row.created_at).and_utc(),
            updated: row.updated_at.and_utc(),
            summary: row.summary.clone().filter(|s| !s.trim().is_empty()),
            byline: row.byline.clone().filter(|s| !s.trim().is_empty()),
            tags: tags_of(row),
            language: row.language.clone(),
            content_html: body_html(&row.body),
            image: image_of(&row.id, row.image.as_deref()),
        }
    }

    /// A permanent, unique id for feed readers: the article's UUID as a URN.
    pub(crate) fn urn(&self) -> String {
        format!("urn:uuid:{}", self.id)
    }
}

/// A feed: its entries (newest first) and what describes the whole.
#[derive(Debug, Clone)]
pub(crate) struct Feed<'a> {
    pub site: &'a Site,
    /// The feed's own URL, as the client asked for it.
    pub self_url: String,
    /// When anything in it last changed.
    pub updated: DateTime<Utc>,
    pub entries: Vec<FeedEntry>,
}
