//! Finding articles, and the rule of which ones a caller may see: the primitives
//! the child resources (quotes, related links) build on.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl;
use diesel::prelude::*;

use crate::db::schema::{article_tags, articles};
use crate::db::{DbConn, MultiBackend};
use crate::domain::access::Visibility;
use crate::domain::article::ArticleStatus;

/// An article as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = articles)]
pub(crate) struct ArticleRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub body: String,
    pub byline: Option<String>,
    pub status: String,
    pub published_at: Option<NaiveDateTime>,
    pub section: Option<String>,
    /// The tags as sent, as a JSON array.
    pub tags: String,
    pub language: String,
    pub source_name: Option<String>,
    pub source_url: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The lead image as JSON, `None` without one.
    pub image: Option<String>,
}

pub(crate) use crate::domain::article_ref::ArticleKey;

pub(crate) type ArticleQuery<'a> = articles::BoxedQuery<'a, MultiBackend>;

/// The article with this id or slug.
pub(crate) fn by_key(key: &ArticleKey) -> ArticleQuery<'static> {
    match key {
        ArticleKey::Id(id) => articles::table.filter(articles::id.eq(id.to_string())).into_boxed(),
        ArticleKey::Slug(slug) => articles::table.filter(articles::slug.eq(slug.to_string())).into_boxed(),
    }
}

/// Finds one article by id or slug.
pub(crate) fn find(conn: &mut DbConn, key: &ArticleKey) -> QueryResult<Option<ArticleRow>> {
    by_key(key).select(ArticleRow::as_select()).first(conn).optional()
}

/// Finds one article by id or slug if the caller may see it.
pub(crate) fn find_visible(
    conn: &mut DbConn,
    key: &ArticleKey,
    visibility: Visibility,
) -> QueryResult<Option<ArticleRow>> {
    only_visible(by_key(key), visibility).select(ArticleRow::as_select()).first(conn).optional()
}

/// Whether the article with this id exists and the caller may see it.
pub(crate) fn is_visible(conn: &mut DbConn, id: &str, visibility: Visibility) -> QueryResult<bool> {
    let query = only_visible(articles::table.filter(articles::id.eq(id.to_owned())).into_boxed(), visibility);
    Ok(query.select(articles::id).first::<String>(conn).optional()?.is_some())
}

/// The condition "anyone may see this article at `now`": published, with its
/// publication time reached. The one statement of that rule in SQL: every read
/// path narrows with it (`only_visible`, `public_ids`, the link targets' join, the
/// list's `status=published`), and `tag_row_is_public` restates it for the tag rows.
pub(crate) type IsPublic =
    dsl::And<dsl::Eq<articles::status, &'static str>, dsl::LtEq<articles::published_at, NaiveDateTime>>;

/// See `IsPublic`.
pub(crate) fn is_public(now: DateTime<Utc>) -> IsPublic {
    articles::status.eq(ArticleStatus::Published.as_str()).and(articles::published_at.le(now.naive_utc()))
}

/// `IsPublic` on the tag rows, which copy an article's status and publication
/// time so that a tag's page is read off their own index.
pub(crate) type TagRowIsPublic =
    dsl::And<dsl::Eq<article_tags::status, &'static str>, dsl::LtEq<article_tags::published_at, NaiveDateTime>>;

/// See `TagRowIsPublic`.
pub(crate) fn tag_row_is_public(now: DateTime<Utc>) -> TagRowIsPublic {
    article_tags::status.eq(ArticleStatus::Published.as_str()).and(article_tags::published_at.le(now.naive_utc()))
}

/// Narrows an article query to what the caller may see.
pub(crate) fn only_visible(query: ArticleQuery<'_>, visibility: Visibility) -> ArticleQuery<'_> {
    match visibility {
        Visibility::All => query,
        Visibility::PublishedBy(now) => query.filter(is_public(now)),
    }
}

/// A subquery of the ids of the articles anyone may see at `now`.
pub(crate) fn public_ids(now: DateTime<Utc>) -> dsl::Select<dsl::Filter<articles::table, IsPublic>, articles::id> {
    articles::table.filter(is_public(now)).select(articles::id)
}

impl crate::db::Versioned for ArticleRow {
    fn article_id(&self) -> &str {
        &self.id
    }

    fn version(&self) -> i32 {
        self.version
    }

    fn reread(&self, conn: &mut DbConn) -> QueryResult<Option<Self>> {
        articles::table.filter(articles::id.eq(&self.id)).select(Self::as_select()).first(conn).optional()
    }
}
