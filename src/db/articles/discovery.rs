//! The queries of the discovery routes (feeds, sitemaps) beyond the article list.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl;
use diesel::prelude::*;

use super::lookup::is_public;
use crate::db::DbConn;
use crate::db::schema::articles;

/// When any article last changed (`articles_updated_idx` answers it from one end):
/// a feed's `Last-Modified`, so that an article leaving a feed (unpublished,
/// archived) moves it forward too, not only one that enters or changes.
pub(crate) fn latest_change(conn: &mut DbConn) -> QueryResult<Option<NaiveDateTime>> {
    articles::table.select(dsl::max(articles::updated_at)).first(conn)
}

/// What a sitemap entry needs of an article (no body: a sitemap file holds up to
/// 50,000 of them). The lead image is a short JSON text in the row itself, so it
/// costs no further read.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles)]
pub(crate) struct SitemapRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub section: Option<String>,
    pub language: String,
    pub published_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub image: Option<String>,
}

/// The public articles published at or after `since`, newest first, at most
/// `limit` (the Google News sitemap).
pub(crate) fn published_since(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    since: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<SitemapRow>> {
    articles::table
        .filter(is_public(now))
        .filter(articles::published_at.ge(since.naive_utc()))
        .order_by((articles::published_at.desc(), articles::id.desc()))
        .limit(limit)
        .select(SitemapRow::as_select())
        .load(conn)
}

/// How many articles are public at `now`.
pub(crate) fn public_count(conn: &mut DbConn, now: DateTime<Utc>) -> QueryResult<i64> {
    articles::table.filter(is_public(now)).count().get_result(conn)
}

/// A position in publication order, oldest first: `(published_at, id)`.
pub(crate) type PublicationKey = (NaiveDateTime, String);

/// The key of the public article at `rank` (0 is the oldest) in publication
/// order, read from `articles_status_published_idx` alone (no row is fetched for
/// the ranks skipped).
pub(crate) fn key_at_rank(conn: &mut DbConn, now: DateTime<Utc>, rank: i64) -> QueryResult<Option<PublicationKey>> {
    let key: Option<(Option<NaiveDateTime>, String)> = articles::table
        .filter(is_public(now))
        .order_by((articles::published_at.asc(), articles::id.asc()))
        .select((articles::published_at, articles::id))
        .offset(rank)
        .limit(1)
        .first(conn)
        .optional()?;
    Ok(key.and_then(|(at, id)| Some((at?, id))))
}

/// Up to `limit` public articles in publication order from `from` (included when
/// `inclusive`, else strictly after it): one keyset step of a sitemap file.
pub(crate) fn in_publication_order(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    from: &PublicationKey,
    inclusive: bool,
    limit: i64,
) -> QueryResult<Vec<SitemapRow>> {
    use articles::{id, published_at};
    let (at, last) = (from.0, from.1.clone());
    let query = articles::table.filter(is_public(now)).filter(published_at.ge(at)).into_boxed();
    let query = if inclusive {
        query.filter(published_at.gt(at).or(published_at.eq(at).and(id.ge(last))))
    } else {
        query.filter(published_at.gt(at).or(published_at.eq(at).and(id.gt(last))))
    };
    query.order_by((published_at.asc(), id.asc())).limit(limit).select(SitemapRow::as_select()).load(conn)
}
