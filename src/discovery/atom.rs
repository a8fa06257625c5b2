//! The Atom 1.0 feed (RFC 4287), with each entry's lead image as Media RSS
//! (`media:content`, see `media`).

use chrono::{DateTime, SecondsFormat, Utc};

use super::entry::Feed;
use super::media;
use super::xml::Xml;

/// The Atom media type.
pub(crate) const MEDIA_TYPE: &str = "application/atom+xml";

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The feed as an Atom document. The feed's author is the publication, so that
/// every entry has one (RFC 4287 4.1.1) even without a byline.
pub(crate) fn write(feed: &Feed<'_>) -> Vec<u8> {
    let mut xml = Xml::new();
    xml.open("feed", &[("xmlns", "http://www.w3.org/2005/Atom"), ("xmlns:media", media::NAMESPACE)]);
    xml.element("id", &[], &feed.self_url);
    xml.element("title", &[("type", "text")], &feed.site.name);
    xml.element("updated", &[], &time(feed.updated));
    xml.empty("link", &[("rel", "self"), ("type", MEDIA_TYPE), ("href", &feed.self_url)]);
    xml.empty("link", &[("rel", "alternate"), ("type", "text/html"), ("href", feed.site.public_url.as_str())]);
    xml.open("author", &[]);
    xml.element("name", &[], &feed.site.name);
    xml.close("author");
    xml.element("generator", &[], "Newsdesk");
    for entry in &feed.entries {
        xml.open("entry", &[("xml:lang", &entry.language)]);
        xml.element("id", &[], &entry.urn());
        xml.element("title", &[("type", "text")], &entry.title);
        xml.empty("link", &[("rel", "alternate"), ("type", "text/html"), ("href", &entry.url)]);
        xml.element("published", &[], &time(entry.published));
        xml.element("updated", &[], &time(entry.updated));
        if let Some(summary) = &entry.summary {
            xml.element("summary", &[("type", "text")], summary);
        }
        if let Some(byline) = &entry.byline {
            xml.open("author", &[]);
            xml.element("name", &[], byline);
            xml.close("author");
        }
        for tag in &entry.tags {
            xml.empty("category", &[("term", tag)]);
        }
        xml.element("content", &[("type", "html")], &entry.content_html);
        if let Some(image) = &entry.image {
            media::content(&mut xml, image);
        }
        xml.close("entry");
    }
    xml.close("feed");
    xml.finish()
}
