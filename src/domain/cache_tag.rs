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
pub(crate) const QUOTES: &str = "quotes";

/// A related link's own responses.
pub fn related_link(id: &str) -> String {
    format!("related-link-{id}")
}

use super::resource::{Article, Quote, RelatedLink};

/// The tags of a response showing `article` (and its children, when embedded).
pub(crate) fn of_article(article: &Article) -> Vec<String> {
    let mut tags = vec![self::article(&article.id.to_string())];
    for quote in article.quotes.iter().flatten() {
        tags.push(self::quote(&quote.id.to_string()));
    }
    for link in article.related_links.iter().flatten() {
        tags.push(self::related_link(&link.id.to_string()));
        tags.extend(link.target_article_id.map(|t| self::article(&t.to_string())));
    }
    tags
}

/// The tags of a response showing `quote`: its own and its article's.
pub(crate) fn of_quote(quote: &Quote) -> Vec<String> {
    vec![self::quote(&quote.id.to_string()), self::article(&quote.article_id.to_string())]
}

/// The tags of a response showing `link`: its own, its article's, and its target's
/// (the link shows the target's current title and slug).
pub(crate) fn of_link(link: &RelatedLink) -> Vec<String> {
    let mut tags = vec![self::related_link(&link.id.to_string()), self::article(&link.article_id.to_string())];
    tags.extend(link.target_article_id.map(|t| self::article(&t.to_string())));
    tags
}

/// The tags of a list: `first` (what the list as a whole is), then each item's,
/// without repeats.
pub(crate) fn of_list<T>(first: String, items: &[T], of_item: impl Fn(&T) -> Vec<String>) -> Vec<String> {
    let mut tags = vec![first];
    for tag in items.iter().flat_map(of_item) {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

/// The most a tag header holds, in bytes. CDNs cap them (16 KB at the common ones),
/// and proxies in between often cap a header line at 8 KB.
pub(crate) const MAX_HEADER_BYTES: usize = 8000;

/// The tags as a header value joined by `separator`, cut to `MAX_HEADER_BYTES` at
/// a tag boundary. The most general tag comes first, so a cut list still carries
/// the tag whose purge covers what was cut.
pub(crate) fn header_value(tags: &[String], separator: char) -> String {
    let mut value = String::new();
    for tag in tags {
        if value.len() + tag.len() + 1 > MAX_HEADER_BYTES {
            break;
        }
        if !value.is_empty() {
            value.push(separator);
        }
        value.push_str(tag);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_is_cut_at_a_tag_boundary_keeping_the_first() {
        let tags: Vec<String> =
            std::iter::once(ARTICLES.to_owned()).chain((0..500).map(|n| article(&format!("{n:036}")))).collect();
        let value = header_value(&tags, ',');
        assert!(value.len() <= MAX_HEADER_BYTES);
        assert!(value.starts_with("articles,article-"));
        assert!(value.split(',').all(|t| tags.contains(&t.to_owned())), "no tag cut in half");
        assert_eq!(header_value(&tags[..3], ' '), format!("{} {} {}", tags[0], tags[1], tags[2]));
    }

    #[test]
    fn a_list_names_each_tag_once() {
        let tags = of_list(QUOTES.to_owned(), &["a", "b", "a"], |s| vec![quote(s), article("x")]);
        assert_eq!(tags, ["quotes", "quote-a", "article-x", "quote-b"]);
    }
}
