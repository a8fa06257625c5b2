//! How a request names an article: by id or by slug, in a path (`{article}`) or
//! a filter (`?article=`).

use super::slug::Slug;

/// An article named by id or by slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ArticleKey {
    Id(uuid::Uuid),
    Slug(Slug),
}

impl ArticleKey {
    /// Reads an id or a slug: a hyphenated UUID means the id, anything else must
    /// be a valid slug (`None` when it is neither).
    pub(crate) fn parse(raw: &str) -> Option<Self> {
        if let Some(id) = super::id::parse(raw) {
            return Some(Self::Id(id));
        }
        Slug::parse(raw).ok().map(Self::Slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_win_over_slugs_and_anything_else_is_refused() {
        let id = "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a";
        assert_eq!(ArticleKey::parse(id), Some(ArticleKey::Id(uuid::Uuid::try_parse(id).unwrap())));
        assert!(matches!(ArticleKey::parse("missiles-fired"), Some(ArticleKey::Slug(_))));
        for bad in ["", "Not A Slug", "-x", "a--b"] {
            assert_eq!(ArticleKey::parse(bad), None, "{bad:?}");
        }
    }
}
