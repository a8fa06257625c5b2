//! The discovery routes: feeds (Atom, RSS, JSON Feed), sitemaps and JSON-LD, on
//! an app configured with a public URL, and the 503 without one.

use newsdesk::config::{DiscoverySettings, HttpSettings};
use newsdesk::domain::public_url::PublicUrl;

use crate::helpers::TestApp;

mod feeds;
mod images;
mod json_ld;
mod sitemaps;

pub fn tests() -> Vec<(&'static str, crate::helpers::TestFn)> {
    [feeds::tests(), sitemaps::tests(), json_ld::tests(), images::tests()].concat()
}

/// The public URL the tests configure.
pub const SITE: &str = "https://news.example.com";

/// A second app on the same backend, with `NEWSDESK_PUBLIC_URL` set (and the
/// default article URL template) and rate limiting off.
pub async fn discovery_app(app: &TestApp) -> TestApp {
    let discovery = DiscoverySettings {
        public_url: Some(PublicUrl::parse(SITE).unwrap()),
        publication_name: Some("The Example Times".into()),
        ..DiscoverySettings::default()
    };
    TestApp::spawn_with(app.backend, HttpSettings { discovery, rate_limit: 0, ..HttpSettings::default() }).await
}
