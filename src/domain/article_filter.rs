//! What `GET /v1/articles` may ask for: the raw query parameters and the validated
//! filter they become.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::FieldError;
use super::article::ArticleStatus;
use super::cursor::{ArticleSort, Cursor, CursorKey, CursorSecret};
use super::paging::{DEFAULT_LIMIT, ListError, Paging};
use super::search::SearchText;
use super::tags;
use super::text::{bounded, trimmed_required};
use super::time::storable_time;

/// Longest `section`, `source_name` and `language` filter, in characters: a bound on
/// the text a query carries, above every stored field's own limit.
pub const MAX_FILTER_LEN: usize = 300;
pub use super::search::MAX_SEARCH_LEN;

/// Query parameters of the article list, as sent. Every value arrives as text so
/// that each bad one is reported by name.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ArticleListParams {
    /// `draft`, `published` (the default; hides articles scheduled in the future),
    /// `archived`, or `any`.
    #[param(pattern = "^(draft|published|archived|any)$", example = "published")]
    pub status: Option<String>,
    /// Only articles in this section (exact match).
    #[param(max_length = 300)]
    pub section: Option<String>,
    /// Only articles carrying this tag (case-insensitive). Repeat the parameter to
    /// require several tags at once (at most 50).
    #[serde(default)]
    #[param(style = Form, explode, max_items = 50, value_type = Vec<crate::domain::tags::Tag>)]
    pub tag: Vec<String>,
    /// Only articles from this source (exact match).
    #[param(max_length = 300)]
    pub source_name: Option<String>,
    /// Only articles in this language (BCP 47 tag, exact match).
    #[param(max_length = 300)]
    pub language: Option<String>,
    /// Only articles published at or after this time (RFC 3339).
    #[param(format = DateTime, value_type = Option<String>, example = "2024-03-01T00:00:00Z")]
    pub published_after: Option<String>,
    /// Only articles published before this time (RFC 3339).
    #[param(format = DateTime, value_type = Option<String>, example = "2024-04-01T00:00:00Z")]
    pub published_before: Option<String>,
    /// Full-text search over title, summary and body, in the syntax of web search
    /// boxes (PostgreSQL's `websearch_to_tsquery`, the same on SQLite): every word
    /// must match (English stemming, so `elections` finds `election`), `"a phrase"`
    /// matches the words next to each other, `-word` or `-"a phrase"` excludes, and
    /// `or` between words gives either (`or` binds loosest: `a b or c` is `(a b) or
    /// c`). Other punctuation is no syntax. Exclusions only narrow the words beside
    /// them: a query (or `or` branch) of exclusions alone finds nothing. Text without
    /// any letter or digit, such as an empty `q=`, means no search. With `q`, each
    /// item carries `search` (its rank and the passage that matched) and the list is
    /// sorted by relevance unless `sort` says otherwise.
    #[param(example = "\"short-range missile\" -test", max_length = 500)]
    pub q: Option<String>,
    /// Order: `relevance` (the default with `q`; only with `q`), `-published_at`
    /// (the default without `q`), `published_at`, `-updated_at`, `updated_at`.
    /// `relevance` is by `search.rank`, best first, ties by id.
    #[param(pattern = "^(-?(published_at|updated_at)|relevance)$", example = "-published_at")]
    pub sort: Option<String>,
    /// Page size, 1..=100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page; empty (or left out) for the first page.
    pub cursor: Option<String>,
    /// Children to embed in each article: `quotes`, `related_links` or both,
    /// comma-separated (`include=quotes,related_links`) or repeated
    /// (`include=quotes&include=related_links`).
    #[serde(default)]
    #[param(value_type = Option<Vec<IncludeOption>>, style = Form, explode = false, min_items = 1, example = json!(["quotes", "related_links"]))]
    pub include: Vec<String>,
    /// `true` adds `total`, the number of matching articles.
    #[param(value_type = Option<bool>)]
    pub count: Option<String>,
    /// Read by `http::fields`, which documents it.
    #[serde(default)]
    #[param(ignore)]
    pub fields: Vec<String>,
}

/// A validated article list request.
#[derive(Debug, Clone, Default)]
pub(crate) struct ArticleFilter {
    /// `None` lists every status.
    pub status: Option<ArticleStatus>,
    pub section: Option<String>,
    /// Lowercased tag keys; all must match.
    pub tags: Vec<String>,
    pub source_name: Option<String>,
    pub language: Option<String>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
    pub search: Option<SearchText>,
    pub sort: ArticleSort,
    pub limit: i64,
    pub after: Option<Cursor>,
    pub count: bool,
    pub include: Include,
    /// Whether the page reads the articles' text (`fields` may leave it out).
    pub body: super::fields::BodyRead,
}

/// Which children to embed in each article.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Include {
    pub quotes: bool,
    pub related_links: bool,
}

impl Include {
    /// Parses the `include` values: each a comma-separated list, so that both
    /// `include=quotes,related_links` and `include=quotes&include=related_links`
    /// (what clients that explode arrays send) read the same (either, both, in any
    /// order). No values: nothing embedded.
    pub(crate) fn parse(values: &[String]) -> Result<Self, String> {
        let mut include = Self::default();
        for part in values.iter().flat_map(|raw| raw.split(',')) {
            match part.trim() {
                "quotes" => include.quotes = true,
                "related_links" => include.related_links = true,
                _ => return Err("must be a comma-separated list of quotes, related_links".into()),
            }
        }
        Ok(include)
    }
}

/// Query parameters of a single-article read.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ArticleReadParams {
    /// Children to embed: `quotes`, `related_links` or both, comma-separated
    /// (`include=quotes,related_links`) or repeated (`include=quotes&include=related_links`).
    #[serde(default)]
    #[param(value_type = Option<Vec<IncludeOption>>, style = Form, explode = false, min_items = 1, example = json!(["quotes", "related_links"]))]
    pub include: Vec<String>,
    /// Read by `http::fields`, which documents it.
    #[serde(default)]
    #[param(ignore)]
    pub fields: Vec<String>,
}

/// A child collection that `include` can embed.
#[derive(Debug, utoipa::ToSchema)]
#[expect(dead_code, reason = "describes the OpenAPI document only; never built")]
#[serde(rename_all = "snake_case")]
pub(crate) enum IncludeOption {
    /// The article's quotes, in position order.
    Quotes,
    /// The article's related links, in position order.
    RelatedLinks,
}

/// Why `sort=relevance` is refused without a search.
pub(crate) const RELEVANCE_NEEDS_Q: &str = "relevance needs a search: give q with at least one letter or digit";

impl ArticleFilter {
    /// The order a cursor of this list is bound to: the sort, and for relevance the
    /// search too (ranks compare only within one search).
    pub(crate) fn cursor_order(&self) -> String {
        relevance_order(self.sort.as_str(), self.search.as_ref())
    }

    /// The tag whose index alone yields this page, in order: one tag, published
    /// articles only, newest first, and nothing else narrowing the list (any other
    /// condition could drop rows from the page the index gives).
    pub(crate) fn tag_page(&self) -> Option<&str> {
        let by_date = self.sort == ArticleSort::PublishedDesc;
        let narrowed = self.section.is_some()
            || self.source_name.is_some()
            || self.language.is_some()
            || self.published_after.is_some()
            || self.published_before.is_some()
            || self.search.is_some();
        match self.tags.as_slice() {
            [tag] if by_date && self.status == Some(ArticleStatus::Published) && !narrowed => Some(tag),
            _ => None,
        }
    }

    /// Checks every parameter, reporting all invalid ones together; a cursor must
    /// be signed with `secret`.
    pub(crate) fn parse(params: ArticleListParams, secret: &CursorSecret) -> Result<Self, ListError> {
        let mut errors = Vec::new();
        let mut check = |name: &str, result: Result<(), String>| {
            if let Err(detail) = result {
                errors.push(FieldError::parameter(name, detail));
            }
        };
        let mut filter = Self { limit: DEFAULT_LIMIT, status: Some(ArticleStatus::Published), ..Self::default() };
        if let Some(status) = params.status.as_deref() {
            check("status", status_filter(status).map(|s| filter.status = s));
        }
        for (name, value, slot) in [
            ("section", params.section, &mut filter.section),
            ("source_name", params.source_name, &mut filter.source_name),
            ("language", params.language, &mut filter.language),
        ] {
            if let Some(value) = value {
                check(name, bounded(&value, MAX_FILTER_LEN).map(|()| *slot = Some(value)));
            }
        }
        // Each tag is one more condition in the query: thousands of them would
        // overflow the stack building it, and no article could match more than
        // it can carry anyway.
        if params.tag.len() > tags::MAX_TAGS {
            check(
                "tag",
                Err(format!("must be given at most {} times (an article has at most that many tags)", tags::MAX_TAGS)),
            );
        } else {
            for tag in &params.tag {
                check("tag", trimmed_required(tag, tags::MAX_TAG_LEN).map(|tag| filter.tags.push(tags::key(&tag))));
            }
        }
        for (name, value, slot) in [
            ("published_after", params.published_after, &mut filter.published_after),
            ("published_before", params.published_before, &mut filter.published_before),
        ] {
            if let Some(value) = value {
                check(
                    name,
                    DateTime::parse_from_rfc3339(&value)
                        .map_err(|_| "must be an RFC 3339 timestamp such as 2024-03-28T09:30:00Z".to_owned())
                        .and_then(|t| storable_time(t.to_utc()))
                        .map(|t| *slot = Some(t)),
                );
            }
        }
        if let Some(q) = params.q.as_deref() {
            check("q", SearchText::parse(q).map(|s| filter.search = s));
        }
        match params.sort.as_deref() {
            Some(sort) => check("sort", ArticleSort::parse(sort).map(|s| filter.sort = s)),
            None if filter.search.is_some() => filter.sort = ArticleSort::Relevance,
            None => {}
        }
        if filter.sort == ArticleSort::Relevance && filter.search.is_none() {
            check("sort", Err(RELEVANCE_NEEDS_Q.into()));
        }
        check("limit", Paging::limit(params.limit.as_deref()).map(|limit| filter.limit = limit));
        if let Some(count) = params.count.as_deref() {
            check("count", boolean(count).map(|c| filter.count = c));
        }
        check("include", Include::parse(&params.include).map(|i| filter.include = i));
        if !errors.is_empty() {
            return Err(ListError::Invalid(errors));
        }
        // An empty `cursor=` is how forms and many clients ask for the first page.
        if let Some(cursor) = params.cursor.as_deref().filter(|c| !c.is_empty()) {
            let cursor = Cursor::decode(cursor, &filter.cursor_order(), secret).map_err(ListError::BadCursor)?;
            let fits = match (filter.sort, &cursor.key) {
                (ArticleSort::Relevance, key) => matches!(key, CursorKey::Rank(_)),
                (_, CursorKey::Time(_)) => true,
                (sort, CursorKey::Absent) => !matches!(sort, ArticleSort::UpdatedAsc | ArticleSort::UpdatedDesc),
                (_, CursorKey::Position(_) | CursorKey::Rank(_) | CursorKey::Name(_)) => false,
            };
            if !fits {
                return Err(ListError::BadCursor("is not a cursor this list handed out".into()));
            }
            filter.after = Some(cursor);
        }
        Ok(filter)
    }
}

/// A list's cursor order: `sort`, with the search's digest after a relevance sort.
pub(crate) fn relevance_order(sort: &str, search: Option<&SearchText>) -> String {
    match search {
        Some(search) if sort == ArticleSort::Relevance.as_str() => format!("{sort}:{}", search.digest()),
        _ => sort.to_owned(),
    }
}

/// `status`: one status, or `any` (`None`).
fn status_filter(raw: &str) -> Result<Option<ArticleStatus>, String> {
    match raw {
        "any" => Ok(None),
        other => {
            ArticleStatus::parse(other).map(Some).ok_or_else(|| "must be one of draft, published, archived, any".into())
        }
    }
}

/// `true` or `false`, nothing else.
fn boolean(raw: &str) -> Result<bool, String> {
    match raw {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err("must be true or false".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_list_published_newest_first() {
        let filter = ArticleFilter::parse(ArticleListParams::default(), &CursorSecret::default()).unwrap();
        assert_eq!(filter.status, Some(ArticleStatus::Published));
        assert_eq!(filter.sort, ArticleSort::PublishedDesc);
        assert_eq!(filter.limit, 20);
    }

    #[test]
    fn at_most_fifty_tag_filters() {
        let tags = |n: usize| ArticleListParams { tag: vec!["a".into(); n], ..Default::default() };
        assert_eq!(ArticleFilter::parse(tags(50), &CursorSecret::default()).unwrap().tags.len(), 50);
        let Err(ListError::Invalid(errors)) = ArticleFilter::parse(tags(51), &CursorSecret::default()) else {
            panic!("accepted")
        };
        assert_eq!(errors[0].parameter.as_deref(), Some("tag"));
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let params = ArticleListParams {
            status: Some("gone".into()),
            limit: Some("0".into()),
            sort: Some("title".into()),
            q: Some("x".repeat(501)),
            ..Default::default()
        };
        let Err(ListError::Invalid(errors)) = ArticleFilter::parse(params, &CursorSecret::default()) else {
            panic!("accepted")
        };
        let names: Vec<_> = errors.iter().filter_map(|e| e.parameter.as_deref()).collect();
        assert_eq!(names, ["status", "q", "sort", "limit"]);
    }

    #[test]
    fn q_sorts_by_relevance_unless_sort_says_otherwise() {
        let parse = |q: Option<&str>, sort: Option<&str>| {
            let params =
                ArticleListParams { q: q.map(str::to_owned), sort: sort.map(str::to_owned), ..Default::default() };
            ArticleFilter::parse(params, &CursorSecret::default())
        };
        assert_eq!(parse(Some("kim"), None).unwrap().sort, ArticleSort::Relevance);
        assert_eq!(parse(Some("kim"), Some("relevance")).unwrap().sort, ArticleSort::Relevance);
        assert_eq!(parse(Some("kim"), Some("updated_at")).unwrap().sort, ArticleSort::UpdatedAsc);
        assert_eq!(parse(Some("!"), None).unwrap().sort, ArticleSort::PublishedDesc);
        for (q, sort) in [(None, Some("relevance")), (Some(" "), Some("relevance"))] {
            let Err(ListError::Invalid(errors)) = parse(q, sort) else { panic!("accepted {q:?}") };
            assert_eq!(errors[0].parameter.as_deref(), Some("sort"));
        }
    }

    #[test]
    fn a_relevance_cursor_is_bound_to_its_search() {
        let one = ArticleFilter::parse(
            ArticleListParams { q: Some("kim".into()), ..Default::default() },
            &CursorSecret::default(),
        )
        .unwrap();
        let other = ArticleFilter::parse(
            ArticleListParams { q: Some("park".into()), ..Default::default() },
            &CursorSecret::default(),
        )
        .unwrap();
        assert!(one.cursor_order().starts_with("relevance:"));
        assert_ne!(one.cursor_order(), other.cursor_order());
    }
}
