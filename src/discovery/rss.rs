//! The RSS 2.0 feed, with the body in `content:encoded`, the byline in
//! `dc:creator` (RSS's own `author` must be an e-mail address), the update time
//! in `atom:updated` and the lead image as Media RSS `media:content` (RSS's own
//! `enclosure` requires the file's length in bytes, which we do not know, and
//! carries no text; see `media`).

use chrono::{DateTime, SecondsFormat, Utc};

use super::entry::Feed;
use super::media;
use super::xml::Xml;

/// The RSS media type.
pub(crate) const MEDIA_TYPE: &str = "application/rss+xml";

/// RFC 822 dates, as RSS wants them (`Fri, 08 Mar 2024 09:30:00 +0000`).
fn rfc822(at: DateTime<Utc>) -> String {
    at.to_rfc2822()
}

/// The feed as an RSS document.
pub(crate) fn write(feed: &Feed<'_>) -> Vec<u8> {
    let mut xml = Xml::new();
    xml.open(
        "rss",
        &[
            ("version", "2.0"),
            ("xmlns:atom", "http://www.w3.org/2005/Atom"),
            ("xmlns:content", "http://purl.org/rss/1.0/modules/content/"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            ("xmlns:media", media::NAMESPACE),
        ],
    );
    xml.open("channel", &[]);
    xml.element("title", &[], &feed.site.name);
    xml.element("link", &[], feed.site.public_url.as_str());
    xml.element("description", &[], &format!("The latest articles from {}", feed.site.name));
    xml.empty("atom:link", &[("href", &feed.self_url), ("rel", "self"), ("type", MEDIA_TYPE)]);
    xml.element("lastBuildDate", &[], &rfc822(feed.updated));
    xml.element("generator", &[], "Newsdesk");
    for entry in &feed.entries {
        xml.open("item", &[]);
        xml.element("title", &[], &entry.title);
        xml.element("link", &[], &entry.url);
        xml.element("guid", &[("isPermaLink", "false")], &entry.urn());
        xml.element("pubDate", &[], &rfc822(entry.published));
        xml.element("atom:updated", &[], &entry.updated.to_rfc3339_opts(SecondsFormat::Secs, true));
        if let Some(summary) = &entry.summary {
            xml.element("description", &[], summary);
        }
        if let Some(byline) = &entry.byline {
            xml.element("dc:creator", &[], byline);
        }
        xml.element("dc:language", &[], &entry.language);
        for tag in &entry.tags {
            xml.element("category", &[], tag);
        }
        xml.element("content:encoded", &[], &entry.content_html);
        if let Some(image) = &entry.image {
            media::content(&mut xml, image);
        }
        xml.close("item");
    }
    xml.close("channel");
    xml.close("rss");
    xml.finish()
}
