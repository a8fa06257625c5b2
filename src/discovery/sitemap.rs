//! Sitemaps (sitemaps.org 0.9): the Google News sitemap of the last two days, the
//! index over the whole archive and its files, each file written in pieces so that
//! 50,000 entries are streamed rather than built in memory. An article's lead
//! image is its entry's `image:image` (Google's image sitemap extension) in both.

use chrono::{DateTime, SecondsFormat, Utc};

use super::Site;
use super::entry::{image_of, place_of};
use super::xml::Xml;
use crate::db::articles::discovery::SitemapRow;

/// The media type of every sitemap.
pub(crate) const MEDIA_TYPE: &str = "application/xml";
/// Most articles in one sitemap file (the sitemaps.org limit).
pub(crate) const FILE_LEN: i64 = 50_000;
/// Most articles in the Google News sitemap (Google's limit).
pub(crate) const NEWS_LEN: i64 = 1_000;
/// How far back the Google News sitemap reaches (Google reads only the last two days).
pub(crate) const NEWS_DAYS: i64 = 2;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";
const IMAGE_NS: &str = "http://www.google.com/schemas/sitemap-image/1.1";

fn w3c(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Google News wants an ISO 639 language code, and `zh-cn` or `zh-tw` for
/// Chinese; articles carry BCP 47 tags (`en-GB`, `zh-Hant`).
pub(crate) fn news_language(tag: &str) -> String {
    let lower = tag.to_ascii_lowercase();
    let mut parts = lower.split(['-', '_']);
    let primary = parts.next().unwrap_or_default().to_owned();
    if primary != "zh" {
        return primary;
    }
    let traditional = parts.any(|p| matches!(p, "tw" | "hk" | "mo" | "hant"));
    if traditional { "zh-tw".into() } else { "zh-cn".into() }
}

/// The row's lead image as `image:image` with its `image:loc`: the only member
/// Google still reads (it dropped `image:caption`, `image:title` and the others in
/// 2022), after the entry's sitemaps.org members as the sitemap schema wants
/// extensions.
fn image(xml: &mut Xml, row: &SitemapRow) {
    if let Some(image) = image_of(&row.id, row.image.as_deref()) {
        xml.open("image:image", &[]);
        xml.element("image:loc", &[], &image.url);
        xml.close("image:image");
    }
}

/// The Google News sitemap of these rows (newest first).
pub(crate) fn news(site: &Site, rows: &[SitemapRow]) -> Vec<u8> {
    let mut xml = Xml::new();
    xml.open("urlset", &[("xmlns", SITEMAP_NS), ("xmlns:news", NEWS_NS), ("xmlns:image", IMAGE_NS)]);
    for row in rows {
        xml.open("url", &[]);
        xml.element("loc", &[], &site.article_url(place_of(row)));
        xml.open("news:news", &[]);
        xml.open("news:publication", &[]);
        xml.element("news:name", &[], &site.name);
        xml.element("news:language", &[], &news_language(&row.language));
        xml.close("news:publication");
        let published = row.published_at.unwrap_or(row.updated_at).and_utc();
        xml.element("news:publication_date", &[], &w3c(published));
        xml.element("news:title", &[], &row.title);
        xml.close("news:news");
        image(&mut xml, row);
        xml.close("url");
    }
    xml.close("urlset");
    xml.finish()
}

/// The index over the `files` archive files, whose URLs start with `base`.
pub(crate) fn index(base: &str, files: i64) -> Vec<u8> {
    let mut xml = Xml::new();
    xml.open("sitemapindex", &[("xmlns", SITEMAP_NS)]);
    for n in 1..=files {
        xml.open("sitemap", &[]);
        xml.element("loc", &[], &format!("{base}/v1/sitemaps/articles-{n}.xml"));
        xml.close("sitemap");
    }
    xml.close("sitemapindex");
    xml.finish()
}

/// An archive file written in pieces: `start`, then `entries` per batch, then `end`.
pub(crate) struct Urlset {
    xml: Xml,
}

impl Urlset {
    /// The declaration and the opening `<urlset>`.
    pub(crate) fn start() -> (Self, Vec<u8>) {
        let mut xml = Xml::new();
        xml.open("urlset", &[("xmlns", SITEMAP_NS), ("xmlns:image", IMAGE_NS)]);
        let head = xml.take();
        (Self { xml }, head)
    }

    /// One `<url>` per row, with its page and `lastmod`.
    pub(crate) fn entries(&mut self, site: &Site, rows: &[SitemapRow]) -> Vec<u8> {
        for row in rows {
            self.xml.open("url", &[]);
            self.xml.element("loc", &[], &site.article_url(place_of(row)));
            self.xml.element("lastmod", &[], &w3c(row.updated_at.and_utc()));
            image(&mut self.xml, row);
            self.xml.close("url");
        }
        self.xml.take()
    }

    /// The closing `</urlset>`.
    pub(crate) fn end(mut self) -> Vec<u8> {
        self.xml.close("urlset");
        self.xml.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_become_google_news_codes() {
        for (tag, code) in [("en", "en"), ("en-GB", "en"), ("pt-BR", "pt"), ("zh", "zh-cn"), ("zh-Hans-CN", "zh-cn")] {
            assert_eq!(news_language(tag), code, "{tag}");
        }
        for tag in ["zh-TW", "zh-Hant", "zh-HK"] {
            assert_eq!(news_language(tag), "zh-tw", "{tag}");
        }
    }
}
