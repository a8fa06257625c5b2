//! Ordered child lists (an article's quotes, its related links): positions stay a
//! gap-free 0..n sequence and unique per article, also under concurrent writers.

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use super::{DbConn, DbConn::Pg};

/// A table of rows ordered within an article by `position`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderedTable {
    Quotes,
    RelatedLinks,
}

impl OrderedTable {
    fn name(self) -> &'static str {
        match self {
            Self::Quotes => "quotes",
            Self::RelatedLinks => "related_links",
        }
    }
}

/// Where a row parks while the others move: below any position a shift produces.
const PARKED: i32 = i32::MIN;

/// Serialises writers of one article's children and says whether the article
/// exists. PostgreSQL locks the article row; on SQLite the write transaction
/// (`BEGIN IMMEDIATE`) already holds the database's only write lock.
pub fn lock_article(conn: &mut DbConn, article_id: &str) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = Text)]
        #[expect(dead_code, reason = "only the row's presence matters")]
        id: String,
    }
    let sql = match conn {
        Pg(_) => "SELECT id FROM articles WHERE id = $1 FOR UPDATE",
        DbConn::Sqlite(_) => "SELECT id FROM articles WHERE id = $1",
    };
    let found: Vec<Found> = diesel::sql_query(sql).bind::<Text, _>(article_id).load(conn)?;
    Ok(!found.is_empty())
}

/// Moves every row at `from..=to` (all rows from `from` on when `to` is `None`) by
/// `delta`. Done in two steps through negative numbers so that no row ever lands on
/// a position another row still holds: the unique index is checked row by row.
pub fn shift(conn: &mut DbConn, table: OrderedTable, article_id: &str, from: i32, to: Option<i32>, delta: i32) -> QueryResult<()> {
    let name = table.name();
    diesel::sql_query(format!(
        "UPDATE {name} SET position = -(position + $1) - 1 \
         WHERE article_id = $2 AND position >= $3 AND position <= $4"
    ))
    .bind::<Integer, _>(delta)
    .bind::<Text, _>(article_id)
    .bind::<Integer, _>(from)
    .bind::<Integer, _>(to.unwrap_or(i32::MAX))
    .execute(conn)?;
    diesel::sql_query(format!(
        "UPDATE {name} SET position = -position - 1 WHERE article_id = $1 AND position < 0 AND position > $2"
    ))
    .bind::<Text, _>(article_id)
    .bind::<Integer, _>(PARKED)
    .execute(conn)?;
    Ok(())
}

/// Number of rows the article has in `table`.
pub fn count(conn: &mut DbConn, table: OrderedTable, article_id: &str) -> QueryResult<i32> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = Integer)]
        n: i32,
    }
    let sql = format!("SELECT CAST(COUNT(*) AS INTEGER) AS n FROM {} WHERE article_id = $1", table.name());
    let rows: Vec<Count> = diesel::sql_query(sql).bind::<Text, _>(article_id).load(conn)?;
    Ok(rows.first().map_or(0, |c| c.n))
}

/// Makes room at `position` for a new row (which the caller then inserts there).
pub fn open_gap(conn: &mut DbConn, table: OrderedTable, article_id: &str, position: i32) -> QueryResult<()> {
    shift(conn, table, article_id, position, None, 1)
}

/// Closes the gap a removed row left at `position`.
pub fn close_gap(conn: &mut DbConn, table: OrderedTable, article_id: &str, position: i32) -> QueryResult<()> {
    shift(conn, table, article_id, position + 1, None, -1)
}

/// Moves the row `id` from `from` to `to`, shifting the rows in between.
pub fn move_row(conn: &mut DbConn, table: OrderedTable, article_id: &str, id: &str, from: i32, to: i32) -> QueryResult<()> {
    if from == to {
        return Ok(());
    }
    let name = table.name();
    let set_position = |conn: &mut DbConn, position: i32| {
        diesel::sql_query(format!("UPDATE {name} SET position = $1 WHERE id = $2"))
            .bind::<Integer, _>(position)
            .bind::<Text, _>(id)
            .execute(conn)
    };
    set_position(conn, PARKED)?;
    if to > from {
        shift(conn, table, article_id, from + 1, Some(to), -1)?;
    } else {
        shift(conn, table, article_id, to, Some(from - 1), 1)?;
    }
    set_position(conn, to)?;
    Ok(())
}

/// Renumbers an article's rows 0..n in their current order (after rows were
/// removed by a cascade the application did not run).
pub fn compact(conn: &mut DbConn, table: OrderedTable, article_id: &str) -> QueryResult<()> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        id: String,
        #[diesel(sql_type = Integer)]
        position: i32,
    }
    let name = table.name();
    let rows: Vec<Row> = diesel::sql_query(format!("SELECT id, position FROM {name} WHERE article_id = $1 ORDER BY position"))
        .bind::<Text, _>(article_id)
        .load(conn)?;
    for (index, row) in rows.iter().enumerate() {
        let target = i32::try_from(index).unwrap_or(i32::MAX);
        if row.position != target {
            // Positions only ever move down here, into places already vacated.
            diesel::sql_query(format!("UPDATE {name} SET position = $1 WHERE id = $2"))
                .bind::<Integer, _>(target)
                .bind::<Text, _>(&row.id)
                .execute(conn)?;
        }
    }
    Ok(())
}
