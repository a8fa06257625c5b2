//! Discovery for front ends: the article feeds (Atom, RSS, JSON Feed), the
//! sitemaps and the schema.org JSON-LD, written from article rows. Every format
//! links to the site's pages (`NEWSDESK_PUBLIC_URL` and the article URL template),
//! not to the API.

pub(crate) mod atom;
pub(crate) mod entry;
pub(crate) mod html;
pub(crate) mod json_feed;
pub(crate) mod json_ld;
pub(crate) mod media;
pub(crate) mod rss;
pub(crate) mod sitemap;
pub(crate) mod xml;

use crate::config::DiscoverySettings;
use crate::domain::public_url::{ArticlePlace, ArticleUrlTemplate, PublicUrl};
use crate::error::ApiError;

/// What the discovery routes are configured with (app data).
#[derive(Debug, Clone)]
pub(crate) struct Discovery {
    site: Option<Site>,
}

/// A configured site: where its pages are and what it is called.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    pub public_url: PublicUrl,
    pub template: ArticleUrlTemplate,
    pub name: String,
}

/// The 503's detail when `NEWSDESK_PUBLIC_URL` is not set.
pub(crate) const NOT_CONFIGURED: &str = "feeds, sitemaps and JSON-LD link to the site's own pages: set \
NEWSDESK_PUBLIC_URL to the site's address (such as https://news.example.com), and NEWSDESK_ARTICLE_URL_TEMPLATE \
if article pages are not at {public_url}/{section}/{slug}";

impl Discovery {
    /// From the settings; without a public URL every discovery route answers 503.
    pub(crate) fn new(settings: &DiscoverySettings) -> Self {
        let site = settings.public_url.clone().map(|public_url| Site {
            name: settings
                .publication_name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map_or_else(|| public_url.host(), str::to_owned),
            template: settings.article_url_template.clone(),
            public_url,
        });
        Self { site }
    }

    /// The site, or the 503 that says what to set.
    pub(crate) fn site(&self) -> Result<&Site, ApiError> {
        self.site.as_ref().ok_or(ApiError::NotConfigured(NOT_CONFIGURED))
    }
}

impl Site {
    /// The page of an article on the site.
    pub(crate) fn article_url(&self, place: ArticlePlace<'_>) -> String {
        self.template.render(&self.public_url, place)
    }
}
