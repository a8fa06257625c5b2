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
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
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
    /// Its place in the sitemap archive (`None` until first announced as public).
    pub publication_seq: Option<i64>,
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

/// The highest publication number given so far (0 when none has been), read off
/// the end of `articles_publication_seq_idx`: how far the sitemap archive reaches.
pub(crate) fn last_publication_number(conn: &mut DbConn) -> QueryResult<i64> {
    let last: Option<i64> = articles::table.select(dsl::max(articles::publication_seq)).first(conn)?;
    Ok(last.unwrap_or(0))
}

/// Up to `limit` public articles whose publication number is above `after` and at
/// most `through`, by number: one keyset step of a sitemap file, a range of
/// `articles_publication_seq_idx` (nothing is skipped to find where it starts).
pub(crate) fn in_publication_order(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    after: i64,
    through: i64,
    limit: i64,
) -> QueryResult<Vec<SitemapRow>> {
    use articles::publication_seq as seq;
    match conn {
        DbConn::Pg(_) => articles::table
            .filter(seq.gt(after))
            .filter(seq.le(through))
            .filter(is_public(now))
            .order_by(seq.asc())
            .limit(limit)
            .select(SitemapRow::as_select())
            .load(conn),
        // The index named: with no statistics SQLite's planner prefers (status,
        // published_at) for the equality on the status, and then sorts every public
        // article for each batch. The public rule is `is_public`'s, restated.
        DbConn::Sqlite(_) => {
            use diesel::sql_types::{BigInt, Timestamp};
            diesel::sql_query(
                "SELECT id, slug, title, section, language, published_at, updated_at, image, publication_seq \
                 FROM articles INDEXED BY articles_publication_seq_idx \
                 WHERE publication_seq > ? AND publication_seq <= ? AND status = 'published' AND published_at <= ? \
                 ORDER BY publication_seq LIMIT ?",
            )
            .bind::<BigInt, _>(after)
            .bind::<BigInt, _>(through)
            .bind::<Timestamp, _>(now.naive_utc())
            .bind::<BigInt, _>(limit)
            .load(conn)
        }
    }
}
