//! Full-text search on both backends (the query itself is `domain::search`'s): the
//! condition a search adds to a list, the rank a relevance list is ordered by, and
//! each shown hit's rank and snippet.
//!
//! PostgreSQL: the stored `search` tsvector, `websearch_to_tsquery`, `ts_rank` and
//! `ts_headline`. SQLite: the FTS5 index, `bm25()` and `snippet()`. FTS5 can rank
//! only in a statement that reads the index itself, so a relevance list on SQLite
//! first copies the hits and their ranks into a temporary table of the connection
//! (`temp.search_hits`), which the list statement then reads like any other table.

use std::collections::HashMap;

use diesel::connection::SimpleConnection;
use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{Array, Binary, Bool, Double, Text};

use super::{Backend, DbConn, MultiBackend};
use crate::domain::search::{SearchHit, SearchText, marked_html};

/// A condition or rank on the rows of `T` (the articles or the quotes table).
pub(crate) type Sql<T, ST> = Box<dyn BoxableExpression<T, MultiBackend, SqlType = ST>>;

/// What a search runs over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Searched {
    /// Title, summary and body of the articles.
    Articles,
    /// The text of the quotes.
    Quotes,
}

impl Searched {
    fn table(self) -> &'static str {
        match self {
            Self::Articles => "articles",
            Self::Quotes => "quotes",
        }
    }

    fn fts(self) -> &'static str {
        match self {
            Self::Articles => "articles_fts",
            Self::Quotes => "quotes_fts",
        }
    }

    /// SQLite's rank, higher is better (`bm25` is lower-better); the title weighs
    /// 5, the summary 2 and the body 1, as PostgreSQL's A, B and C weights (1.0, 0.4,
    /// 0.2) do.
    fn bm25(self) -> &'static str {
        match self {
            Self::Articles => "-bm25(articles_fts, 5.0, 2.0, 1.0)",
            Self::Quotes => "-bm25(quotes_fts)",
        }
    }

    /// The text PostgreSQL's passage is taken from; the private-use characters the
    /// markers are made of are taken out first, so that no stored text can forge one.
    fn headline_text(self) -> &'static str {
        match self {
            Self::Articles => "translate(concat_ws(E'\\n', t.title, t.summary, t.body), chr(57344) || chr(57345), '')",
            Self::Quotes => "translate(t.text, chr(57344) || chr(57345), '')",
        }
    }
}

/// PostgreSQL's passage markers (U+E000, U+E001) and options: one passage of up to
/// 30 words.
const PG_HEADLINE_OPTIONS: &str =
    "'StartSel=' || chr(57344) || ', StopSel=' || chr(57345) || ', MaxFragments=1, MaxWords=30, MinWords=12'";
const PG_OPEN: &str = "\u{e000}";
const PG_CLOSE: &str = "\u{e001}";
/// SQLite's passage markers: bytes that no UTF-8 text holds, so no stored text can
/// forge one.
const SQLITE_OPEN: &[u8] = b"\xff";
const SQLITE_CLOSE: &[u8] = b"\xfe";

/// The condition a search adds to a list of `searched`. With `ranked`, on SQLite,
/// the hits are the ones `with_ranks` copied for this statement.
pub(crate) fn condition<T: 'static>(
    backend: Backend,
    searched: Searched,
    search: &SearchText,
    ranked: bool,
) -> Sql<T, Bool> {
    let table = searched.table();
    match (backend, search.fts5_query()) {
        (_, None) => Box::new(sql::<Bool>("1 = 0")),
        (Backend::Postgres, Some(_)) => Box::new(
            sql::<Bool>(&format!("{table}.search @@ websearch_to_tsquery('english', "))
                .bind::<Text, _>(search.websearch())
                .sql(")"),
        ),
        (Backend::Sqlite, Some(_)) if ranked => {
            Box::new(sql::<Bool>(&format!("{table}.seq IN (SELECT seq FROM temp.search_hits)")))
        }
        (Backend::Sqlite, Some(fts5)) => {
            let fts = searched.fts();
            Box::new(
                sql::<Bool>(&format!("{table}.seq IN (SELECT rowid FROM {fts} WHERE {fts} MATCH "))
                    .bind::<Text, _>(fts5)
                    .sql(")"),
            )
        }
    }
}

/// The rank of a row of `searched`, for paging a relevance list: in the statement
/// itself on PostgreSQL, from the table `with_ranks` filled on SQLite.
pub(crate) fn rank<T: 'static>(backend: Backend, searched: Searched, search: &SearchText) -> Sql<T, Double> {
    rank_sql(backend, searched, search, "")
}

/// `rank` as the select list's `search_rank`, which `by_rank` orders by: the rank
/// is computed once per row (written twice, it is twice: each copy has its own
/// bound query, so PostgreSQL does not see that they are the same).
pub(crate) fn selected_rank<T: 'static>(backend: Backend, searched: Searched, search: &SearchText) -> Sql<T, Double> {
    rank_sql(backend, searched, search, " AS search_rank")
}

/// Best rank first, by the select list's `search_rank`.
pub(crate) fn by_selected_rank<T: 'static>() -> Sql<T, Double> {
    Box::new(sql::<Double>("search_rank"))
}

fn rank_sql<T: 'static>(backend: Backend, searched: Searched, search: &SearchText, alias: &str) -> Sql<T, Double> {
    let table = searched.table();
    match backend {
        Backend::Postgres => Box::new(
            sql::<Double>(&format!("ts_rank({table}.search, websearch_to_tsquery('english', "))
                .bind::<Text, _>(search.websearch())
                .sql(&format!("))::float8{alias}")),
        ),
        Backend::Sqlite => Box::new(sql::<Double>(&format!(
            "coalesce((SELECT h.rank FROM temp.search_hits AS h WHERE h.seq = {table}.seq), 0.0){alias}"
        ))),
    }
}

/// Runs `list` with the ranks `rank` reads: on SQLite, every hit of the search and
/// its rank copied into `temp.search_hits` first (and emptied after, whatever
/// happens); nothing to prepare on PostgreSQL.
pub(crate) fn with_ranks<R>(
    conn: &mut DbConn,
    searched: Searched,
    search: &SearchText,
    list: impl FnOnce(&mut DbConn) -> QueryResult<R>,
) -> QueryResult<R> {
    let (Backend::Sqlite, Some(fts5)) = (conn.backend(), search.fts5_query()) else { return list(conn) };
    conn.batch_execute(
        "CREATE TEMP TABLE IF NOT EXISTS search_hits (seq INTEGER PRIMARY KEY, rank REAL NOT NULL);
         DELETE FROM temp.search_hits;",
    )?;
    let fts = searched.fts();
    let filled = diesel::sql_query(format!(
        "INSERT INTO temp.search_hits (seq, rank) SELECT rowid, {} FROM {fts} WHERE {fts} MATCH $1",
        searched.bm25()
    ))
    .bind::<Text, _>(fts5)
    .execute(conn);
    let result = filled.and_then(|_| list(conn));
    conn.batch_execute("DELETE FROM temp.search_hits;")?;
    result
}

#[derive(QueryableByName)]
struct PgHit {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Double)]
    rank: f64,
    #[diesel(sql_type = Text)]
    snippet: String,
}

#[derive(QueryableByName)]
struct SqliteHit {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Double)]
    rank: f64,
    #[diesel(sql_type = Binary)]
    snippet: Vec<u8>,
}

/// The rank and the marked passage of each of these rows (by id) for the search;
/// one statement for a page. Rows that no longer match are left out.
pub(crate) fn hits(
    conn: &mut DbConn,
    searched: Searched,
    search: &SearchText,
    ids: &[String],
) -> QueryResult<HashMap<String, SearchHit>> {
    let (table, fts) = (searched.table(), searched.fts());
    let Some(fts5) = search.fts5_query() else { return Ok(HashMap::new()) };
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let hits = match conn {
        DbConn::Pg(pg) => diesel::sql_query(format!(
            "SELECT t.id, ts_rank(t.search, q)::float8 AS rank, \
             ts_headline('english', {}, q, {PG_HEADLINE_OPTIONS}) AS snippet \
             FROM {table} AS t, websearch_to_tsquery('english', $1) AS q WHERE t.id = ANY($2)",
            searched.headline_text()
        ))
        .bind::<Text, _>(search.websearch())
        .bind::<Array<Text>, _>(ids)
        .load::<PgHit>(pg)?
        .into_iter()
        .map(|h| {
            let snippet = marked_html(h.snippet.as_bytes(), PG_OPEN.as_bytes(), PG_CLOSE.as_bytes());
            (h.id, SearchHit { rank: h.rank, snippet })
        })
        .collect(),
        DbConn::Sqlite(lite) => {
            let ids = serde_json::to_string(ids).map_err(|e| diesel::result::Error::SerializationError(e.into()))?;
            // The ids drive the join (CROSS JOIN keeps that order): one index probe
            // per shown row, not a walk through every hit. (SQLite numbers `$n` in
            // the order they appear.)
            diesel::sql_query(format!(
                "SELECT t.id AS id, {bm25} AS rank, \
                 CAST(snippet({fts}, -1, X'FF', X'FE', '…', 24) AS BLOB) AS snippet \
                 FROM json_each($1) AS j CROSS JOIN {table} AS t CROSS JOIN {fts} \
                 WHERE t.id = j.value AND {fts}.rowid = t.seq AND {fts} MATCH $2",
                bm25 = searched.bm25()
            ))
            .bind::<Text, _>(ids)
            .bind::<Text, _>(fts5)
            .load::<SqliteHit>(lite)?
            .into_iter()
            .map(|h| (h.id, SearchHit { rank: h.rank, snippet: marked_html(&h.snippet, SQLITE_OPEN, SQLITE_CLOSE) }))
            .collect()
        }
    };
    Ok(hits)
}
