//! Quote rows and the synchronous queries on them.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::articles::{self, ArticleKey};
use super::positions::{self, OrderedList, OrderedTable};
use super::schema::quotes;
use super::{Backend, DbConn, WriteError, write_transaction};
use crate::domain::access::Visibility;
use crate::domain::article_filter::SearchText;
use crate::domain::cursor::CursorKey;
use crate::domain::paging::Paging;
use crate::domain::quote::QuoteFields;
use crate::domain::version::Expected;

/// A quote as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = quotes)]
pub struct QuoteRow {
    pub id: String,
    pub article_id: String,
    pub text: String,
    pub speaker_name: String,
    pub speaker_key: String,
    pub speaker_title: Option<String>,
    pub context: Option<String>,
    pub position: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What `GET /v1/quotes` searches for.
#[derive(Debug, Clone)]
pub struct QuoteSearch {
    /// Lowercased speaker name.
    pub speaker: Option<String>,
    pub article: Option<ArticleKey>,
    pub text: Option<SearchText>,
    pub paging: Paging,
}

/// Finds one quote.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<QuoteRow>> {
    quotes::table.filter(quotes::id.eq(id)).select(QuoteRow::as_select()).first(conn).optional()
}

/// One page of an article's quotes in position order.
pub fn list_for_article(conn: &mut DbConn, article_id: &str, paging: &Paging) -> QueryResult<Vec<QuoteRow>> {
    let start = OrderedList::new(OrderedTable::Quotes, article_id, Utc::now().naive_utc())
        .page_start(conn, paging.after.as_ref())?;
    quotes::table
        .filter(quotes::article_id.eq(article_id))
        .filter(quotes::position.ge(start))
        .order_by(quotes::position.asc())
        .limit(paging.limit + 1)
        .select(QuoteRow::as_select())
        .load(conn)
}

/// Every quote of the given articles, in position order: one query for a page.
pub fn for_articles(conn: &mut DbConn, article_ids: &[String]) -> QueryResult<Vec<QuoteRow>> {
    quotes::table
        .filter(quotes::article_id.eq_any(article_ids))
        .order_by((quotes::article_id, quotes::position))
        .select(QuoteRow::as_select())
        .load(conn)
}

/// Adds a quote to an article (found by id or slug) at its position or after the
/// last one.
pub fn create(
    conn: &mut DbConn,
    article: &ArticleKey,
    fields: &QuoteFields,
    now: DateTime<Utc>,
) -> Result<QuoteRow, WriteError> {
    write_transaction(conn, |c| {
        let article = articles::find(c, article)?.ok_or(WriteError::NotFound)?;
        positions::lock_article(c, &article.id)?;
        insert(c, &article.id, fields, now)
    })
}

/// Inserts a quote inside a transaction that holds the article's lock.
pub fn insert(
    conn: &mut DbConn,
    article_id: &str,
    fields: &QuoteFields,
    now: DateTime<Utc>,
) -> Result<QuoteRow, WriteError> {
    let list = OrderedList::new(OrderedTable::Quotes, article_id, now.naive_utc());
    let count = list.count(conn)?;
    let position = match fields.position {
        None => count,
        Some(p) if p <= count => p,
        Some(_) => return Err(past_the_end(count)),
    };
    list.open_gap(conn, position)?;
    let row = QuoteRow {
        id: uuid::Uuid::now_v7().to_string(),
        article_id: article_id.to_owned(),
        text: fields.text.clone(),
        speaker_name: fields.speaker_name.clone(),
        speaker_key: fields.speaker_key(),
        speaker_title: fields.speaker_title.clone(),
        context: fields.context.clone(),
        position,
        version: 1,
        created_at: now.naive_utc(),
        updated_at: now.naive_utc(),
    };
    diesel::insert_into(quotes::table).values(&row).execute(conn)?;
    Ok(row)
}

/// A position past the end depends on the list as stored now, so it is a conflict
/// with the current state (409), not a malformed request.
fn past_the_end(last: i32) -> WriteError {
    WriteError::Conflict(format!("position is past the end of the quote list: at most {last} is possible now"))
}

/// Replaces a quote's fields with what `fields_for` makes of the stored quote (a
/// `PUT` body, or a merge patch applied to it), under the article's lock. A new
/// `position` moves it (the others close up); no position keeps it where it is.
pub fn update(
    conn: &mut DbConn,
    id: &str,
    expected: &Expected,
    fields_for: impl FnOnce(&QuoteRow) -> Result<QuoteFields, WriteError>,
    now: DateTime<Utc>,
) -> Result<QuoteRow, WriteError> {
    write_transaction(conn, |c| {
        let current = find(c, id)?.ok_or(WriteError::NotFound)?;
        positions::lock_article(c, &current.article_id)?;
        // Re-read under the lock: a concurrent move may have changed the position.
        let current = find(c, id)?.ok_or(WriteError::NotFound)?;
        if !expected.allows(current.version) {
            return Err(WriteError::VersionMismatch { current: current.version });
        }
        let fields = fields_for(&current)?;
        let position = fields.position.unwrap_or(current.position);
        let list = OrderedList::new(OrderedTable::Quotes, &current.article_id, now.naive_utc());
        let last = list.count(c)? - 1;
        if position > last {
            return Err(past_the_end(last));
        }
        list.move_row(c, id, current.position, position)?;
        let row = QuoteRow {
            text: fields.text.clone(),
            speaker_name: fields.speaker_name.clone(),
            speaker_key: fields.speaker_key(),
            speaker_title: fields.speaker_title.clone(),
            context: fields.context.clone(),
            position,
            version: current.version + 1,
            updated_at: now.naive_utc(),
            ..current
        };
        diesel::update(quotes::table.filter(quotes::id.eq(id)))
            .set((
                quotes::text.eq(&row.text),
                quotes::speaker_name.eq(&row.speaker_name),
                quotes::speaker_key.eq(&row.speaker_key),
                quotes::speaker_title.eq(&row.speaker_title),
                quotes::context.eq(&row.context),
                quotes::version.eq(row.version),
                quotes::updated_at.eq(row.updated_at),
            ))
            .execute(c)?;
        Ok(row)
    })
}

/// Deletes a quote; the ones after it move up.
pub fn delete(conn: &mut DbConn, id: &str, expected: &Expected, now: DateTime<Utc>) -> Result<(), WriteError> {
    write_transaction(conn, |c| {
        let current = find(c, id)?.ok_or(WriteError::NotFound)?;
        positions::lock_article(c, &current.article_id)?;
        let current = find(c, id)?.ok_or(WriteError::NotFound)?;
        if !expected.allows(current.version) {
            return Err(WriteError::VersionMismatch { current: current.version });
        }
        diesel::delete(quotes::table.filter(quotes::id.eq(id))).execute(c)?;
        OrderedList::new(OrderedTable::Quotes, &current.article_id, now.naive_utc()).close_gap(c, current.position)?;
        Ok(())
    })
}

/// One page of quotes across all articles, newest first.
pub fn search(conn: &mut DbConn, search: &QuoteSearch, visibility: Visibility) -> QueryResult<Vec<QuoteRow>> {
    let backend = conn.backend();
    let mut query = quotes::table.into_boxed();
    if let Visibility::PublishedBy(now) = visibility {
        query = query.filter(quotes::article_id.eq_any(articles::public_article_ids!(now)));
    }
    if let Some(speaker) = &search.speaker {
        // Written as SQL text so that the statement is not cached and is planned with
        // the name in hand: speakers range from one quote to tens of thousands, and
        // PostgreSQL's plan for an average speaker fetched and sorted every quote of a
        // popular one (80 ms at 10,000 articles, where walking the date index takes a
        // fraction of a millisecond).
        query = query.filter(sql::<Bool>("quotes.speaker_key = ").bind::<Text, _>(speaker.clone()));
    }
    if let Some(article) = &search.article {
        use super::schema::articles as a;
        query = match article {
            ArticleKey::Id(id) => query.filter(quotes::article_id.eq(id.to_string())),
            ArticleKey::Slug(slug) => {
                let ids = a::table.filter(a::slug.eq(slug.to_string())).select(a::id);
                query.filter(quotes::article_id.eq_any(ids))
            }
        };
    }
    if let Some(text) = &search.text {
        query = match backend {
            Backend::Postgres => query.filter(
                sql::<Bool>("quotes.search @@ plainto_tsquery('english', ")
                    .bind::<Text, _>(text.raw().to_owned())
                    .sql(")"),
            ),
            Backend::Sqlite => query.filter(
                sql::<Bool>("quotes.seq IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ")
                    .bind::<Text, _>(text.fts5_query())
                    .sql(")"),
            ),
        };
    }
    if let Some(after) = &search.paging.after
        && let CursorKey::Time(at) = after.key
    {
        let (at, id) = (at.naive_utc(), after.id.to_string());
        // The plain bound lets the index scan start at the cursor (see articles::ordered_page).
        query = query
            .filter(quotes::created_at.le(at))
            .filter(quotes::created_at.lt(at).or(quotes::created_at.eq(at).and(quotes::id.lt(id))));
    }
    query
        .order_by((quotes::created_at.desc(), quotes::id.desc()))
        .limit(search.paging.limit + 1)
        .select(QuoteRow::as_select())
        .load(conn)
}
