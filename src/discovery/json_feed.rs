//! The JSON Feed 1.1 document (<https://jsonfeed.org/version/1.1>).

use chrono::SecondsFormat;
use serde::Serialize;

use super::entry::{Feed, FeedEntry};

/// The JSON Feed media type.
pub(crate) const MEDIA_TYPE: &str = "application/feed+json";

#[derive(Serialize)]
struct Document<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    description: String,
    authors: Vec<Author<'a>>,
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct Item<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    content_html: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    /// The lead image's URL (JSON Feed's `image`: "the main image for the item").
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    date_published: String,
    date_modified: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tags: &'a [String],
    language: &'a str,
}

fn item(entry: &FeedEntry) -> Item<'_> {
    Item {
        id: &entry.id,
        url: &entry.url,
        title: &entry.title,
        content_html: &entry.content_html,
        summary: entry.summary.as_deref(),
        image: entry.image.as_ref().map(|i| i.url.as_str()),
        date_published: entry.published.to_rfc3339_opts(SecondsFormat::Secs, true),
        date_modified: entry.updated.to_rfc3339_opts(SecondsFormat::Secs, true),
        authors: entry.byline.as_deref().map(|name| Author { name }).into_iter().collect(),
        tags: &entry.tags,
        language: &entry.language,
    }
}

/// The feed as a JSON Feed document.
pub(crate) fn write(feed: &Feed<'_>) -> Vec<u8> {
    let document = Document {
        version: "https://jsonfeed.org/version/1.1",
        title: &feed.site.name,
        home_page_url: feed.site.public_url.as_str(),
        feed_url: &feed.self_url,
        description: format!("The latest articles from {}", feed.site.name),
        authors: vec![Author { name: &feed.site.name }],
        items: feed.entries.iter().map(item).collect(),
    };
    // Plain strings and numbers only: serialising cannot fail.
    serde_json::to_vec(&document).unwrap_or_default()
}
