//! Quote rows and the synchronous queries on them.

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::articles::lookup::{self as articles, ArticleKey};
use super::changes::ChangeLog;
pub(crate) use super::child_rows::QuoteRow;
use super::native::native;
use super::positions::{NewList, OrderedList, OrderedTable};
use super::schema::quotes;
use super::search::{self, Searched};
use super::{Backend, DbConn, MultiBackend, Versioned, WriteError, locked, locked_for_write, write_transaction};
use crate::domain::access::Visibility;
use crate::domain::change::ChangeType;
use crate::domain::cursor::CursorKey;
use crate::domain::paging::Paging;
use crate::domain::quote::QuoteFields;
use crate::domain::search::SearchText;
use crate::domain::version::Expected;

/// What `GET /v1/quotes` searches for.
#[derive(Debug, Clone)]
pub(crate) struct QuoteSearch {
    /// Lowercased speaker name.
    pub speaker: Option<String>,
    pub article: Option<ArticleKey>,
    pub text: Option<SearchText>,
    /// Best match first (`sort=relevance`, only with `text`) instead of newest first.
    pub by_relevance: bool,
    pub paging: Paging,
}

/// Finds one quote.
pub(crate) fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<QuoteRow>> {
    quotes::table.filter(quotes::id.eq(id)).select(QuoteRow::as_select()).first(conn).optional()
}

/// One page of an article's quotes in position order.
pub(crate) fn list_for_article(conn: &mut DbConn, article_id: &str, paging: &Paging) -> QueryResult<Vec<QuoteRow>> {
    let start = OrderedTable::Quotes.page_start(conn, article_id, paging.after.as_ref())?;
    quotes::table
        .filter(quotes::article_id.eq(article_id))
        .filter(quotes::position.ge(start))
        .order_by(quotes::position.asc())
        .limit(paging.limit + 1)
        .select(QuoteRow::as_select())
        .load(conn)
}

/// Every quote of the given articles, in position order: one query for a page.
pub(crate) fn for_articles(conn: &mut DbConn, article_ids: &[String]) -> QueryResult<Vec<QuoteRow>> {
    // Every embedding read runs this: on the backend's own connection (`db::native`).
    // One article's (the article page) is `= $1`, not `= ANY($1)`: see
    // `db::native` on why a list bind costs more than its one row.
    if let [article_id] = article_ids {
        let query = quotes::table.filter(quotes::article_id.eq(article_id)).order_by(quotes::position);
        return native!(conn, |c| query.select(QuoteRow::as_select()).load(c));
    }
    let query =
        quotes::table.filter(quotes::article_id.eq_any(article_ids)).order_by((quotes::article_id, quotes::position));
    native!(conn, |c| query.select(QuoteRow::as_select()).load(c))
}

impl Versioned for QuoteRow {
    fn article_id(&self) -> &str {
        &self.article_id
    }

    fn version(&self) -> i32 {
        self.version
    }

    fn reread(&self, conn: &mut DbConn) -> QueryResult<Option<Self>> {
        find(conn, &self.id)
    }
}

/// Adds a quote to an article (found by id or slug) at its position or after the
/// last one.
pub(crate) fn create(
    conn: &mut DbConn,
    article: &ArticleKey,
    fields: &QuoteFields,
    now: DateTime<Utc>,
) -> Result<QuoteRow, WriteError> {
    write_transaction(conn, now, |c, log| {
        let article = locked(c, |c| articles::find(c, article))?;
        let position =
            OrderedList::new(OrderedTable::Quotes, &article.id, now.naive_utc()).place_new(c, fields.position)?;
        let row = new_row(&article.id, fields, position, 1, now);
        diesel::insert_into(quotes::table).values(&row).execute(c)?;
        log.quote_created(&row)?;
        Ok(row)
    })
}

/// An article's quotes in position order (before deleting it, so that each has its
/// record).
pub(crate) fn of_article(conn: &mut DbConn, article_id: &str) -> QueryResult<Vec<QuoteRow>> {
    quotes::table
        .filter(quotes::article_id.eq(article_id))
        .order(quotes::position.asc())
        .select(QuoteRow::as_select())
        .load(conn)
}

/// Stores the quotes of a new article in one statement, inside the transaction
/// that creates it. Errors point at the quote (`/quotes/1/position`).
pub(crate) fn insert_new(
    conn: &mut DbConn,
    log: &mut ChangeLog,
    article_id: &str,
    all: &[QuoteFields],
    now: DateTime<Utc>,
) -> Result<(), WriteError> {
    let mut list = NewList::new(OrderedTable::Quotes);
    for (index, fields) in all.iter().enumerate() {
        list.place(fields.position).map_err(|e| e.nested(&format!("/quotes/{index}")))?;
    }
    let rows: Vec<QuoteRow> = all
        .iter()
        .zip(list.finish())
        .map(|(fields, (position, version))| new_row(article_id, fields, position, version, now))
        .collect();
    insert_rows!(conn, quotes::table, &rows)?;
    for row in &rows {
        log.quote_created(row)?;
    }
    Ok(())
}

fn new_row(article_id: &str, fields: &QuoteFields, position: i32, version: i32, now: DateTime<Utc>) -> QuoteRow {
    QuoteRow {
        id: uuid::Uuid::now_v7().to_string(),
        article_id: article_id.to_owned(),
        text: fields.text.clone(),
        speaker_name: fields.speaker_name.clone(),
        speaker_key: fields.speaker_key(),
        speaker_title: fields.speaker_title.clone(),
        context: fields.context.clone(),
        position,
        version,
        created_at: now.naive_utc(),
        updated_at: now.naive_utc(),
    }
}

/// Replaces a quote's fields with what `fields_for` makes of the stored quote (a
/// `PUT` body, or a merge patch applied to it), under the article's lock. A new
/// `position` moves it (the others close up); no position keeps it where it is.
pub(crate) fn update(
    conn: &mut DbConn,
    id: &str,
    expected: &Expected,
    fields_for: impl FnOnce(&QuoteRow) -> Result<QuoteFields, WriteError>,
    now: DateTime<Utc>,
) -> Result<QuoteRow, WriteError> {
    write_transaction(conn, now, |c, log| {
        let current = locked_for_write(c, |c| find(c, id), expected)?;
        let fields = fields_for(&current)?;
        let list = OrderedList::new(OrderedTable::Quotes, &current.article_id, now.naive_utc());
        let position = list.place_moved(c, id, current.position, fields.position)?;
        let row = QuoteRow {
            id: current.id,
            created_at: current.created_at,
            ..new_row(&current.article_id, &fields, position, current.version + 1, now)
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
        log.quote(ChangeType::QuoteUpdated, &row);
        Ok(row)
    })
}

/// Deletes a quote; the ones after it move up.
pub(crate) fn delete(conn: &mut DbConn, id: &str, expected: &Expected, now: DateTime<Utc>) -> Result<(), WriteError> {
    write_transaction(conn, now, |c, log| {
        let current = locked_for_write(c, |c| find(c, id), expected)?;
        diesel::delete(quotes::table.filter(quotes::id.eq(id))).execute(c)?;
        log.quote_deleted(&current);
        OrderedList::new(OrderedTable::Quotes, &current.article_id, now.naive_utc()).close_gap(c, current.position)?;
        Ok(())
    })
}

/// One page of quotes across all articles, newest first or best match first; with
/// each row's rank when by relevance (the one its cursor carries).
pub(crate) fn search(
    conn: &mut DbConn,
    search: &QuoteSearch,
    visibility: Visibility,
) -> QueryResult<Vec<(QuoteRow, Option<f64>)>> {
    match (&search.text, search.by_relevance) {
        (Some(text), true) => search::with_ranks(conn, Searched::Quotes, text, |c| {
            let backend = c.backend();
            let rank = || search::rank::<quotes::table>(backend, Searched::Quotes, text);
            let mut query = matching(backend, search, visibility);
            if let Some(after) = &search.paging.after
                && let Some(key) = after.key.as_rank()
            {
                let last = after.id.to_string();
                query = query.filter(rank().lt(key).or(rank().eq(key).and(quotes::id.lt(last))));
            }
            let rows: Vec<(QuoteRow, f64)> = query
                .order_by((search::by_selected_rank::<quotes::table>().desc(), quotes::id.desc()))
                .limit(search.paging.limit + 1)
                .select((QuoteRow::as_select(), search::selected_rank(backend, Searched::Quotes, text)))
                .load(c)?;
            Ok(rows.into_iter().map(|(row, rank)| (row, Some(rank))).collect())
        }),
        _ => {
            let mut query = matching(conn.backend(), search, visibility);
            if let Some(after) = &search.paging.after
                && let CursorKey::Time(at) = after.key
            {
                let (at, id) = (at.naive_utc(), after.id.to_string());
                // The plain bound lets the index scan start at the cursor (see articles::ordered_page).
                query = query
                    .filter(quotes::created_at.le(at))
                    .filter(quotes::created_at.lt(at).or(quotes::created_at.eq(at).and(quotes::id.lt(id))));
            }
            let rows: Vec<QuoteRow> = query
                .order_by((quotes::created_at.desc(), quotes::id.desc()))
                .limit(search.paging.limit + 1)
                .select(QuoteRow::as_select())
                .load(conn)?;
            Ok(rows.into_iter().map(|row| (row, None)).collect())
        }
    }
}

/// The quotes the search's filters admit, before ordering and paging.
fn matching(backend: Backend, search: &QuoteSearch, visibility: Visibility) -> quotes::BoxedQuery<'_, MultiBackend> {
    let mut query = quotes::table.into_boxed();
    if let Visibility::PublishedBy(now) = visibility {
        query = query.filter(quotes::article_id.eq_any(articles::public_ids(now)));
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
        query = query.filter(search::condition(backend, Searched::Quotes, text, search.by_relevance));
    }
    query
}
