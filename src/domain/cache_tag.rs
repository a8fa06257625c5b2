//! Cache tags: the names a response carries in `Cache-Tag` and `Surrogate-Key`, and
//! a change record lists to purge. One home for the naming, so that what a read
//! is tagged with and what a change purges always agree.

/// Every response that shows the article (its own, a list that contains it, an
/// embedding of its children) carries this tag.
pub fn article(id: &str) -> String {
    format!("article-{id}")
}

/// Every list of articles (a new or deleted article changes any of them).
pub const ARTICLES: &str = "articles";

/// A quote's own responses.
pub fn quote(id: &str) -> String {
    format!("quote-{id}")
}

/// Every quote search (`GET /v1/quotes`).
pub const QUOTES: &str = "quotes";

/// A related link's own responses.
pub fn related_link(id: &str) -> String {
    format!("related-link-{id}")
}
