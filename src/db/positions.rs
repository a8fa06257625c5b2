//! Ordered child lists (an article's quotes, its related links): positions stay a
//! gap-free 0..n sequence and unique per article, also under concurrent writers.
//! A row whose position shifts because of a neighbour has changed too: its version
//! and `updated_at` move with it (so its old ETag no longer matches).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamp};

use super::DbConn;
use crate::domain::cursor::{Cursor, CursorKey};

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
        DbConn::Pg(_) => "SELECT id FROM articles WHERE id = $1 FOR UPDATE",
        DbConn::Sqlite(_) => "SELECT id FROM articles WHERE id = $1",
    };
    let found: Vec<Found> = diesel::sql_query(sql).bind::<Text, _>(article_id).load(conn)?;
    Ok(!found.is_empty())
}

/// One article's list in one table, changed at one moment.
pub struct OrderedList<'a> {
    table: &'static str,
    article_id: &'a str,
    now: NaiveDateTime,
}

impl<'a> OrderedList<'a> {
    /// The list of `article_id`'s rows in `table`; changes are stamped `now`.
    pub fn new(table: OrderedTable, article_id: &'a str, now: NaiveDateTime) -> Self {
        Self { table: table.name(), article_id, now }
    }

    /// Number of rows in the list.
    pub fn count(&self, conn: &mut DbConn) -> QueryResult<i32> {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = Integer)]
            n: i32,
        }
        let sql = format!("SELECT CAST(COUNT(*) AS INTEGER) AS n FROM {} WHERE article_id = $1", self.table);
        let rows: Vec<Count> = diesel::sql_query(sql).bind::<Text, _>(self.article_id).load(conn)?;
        Ok(rows.first().map_or(0, |c| c.n))
    }

    /// Where the next page starts: after the current position of the last row shown
    /// (rows before it may have been added or removed meanwhile), or, if that row is
    /// gone, at the position it had.
    pub fn page_start(&self, conn: &mut DbConn, after: Option<&Cursor>) -> QueryResult<i32> {
        #[derive(QueryableByName)]
        struct At {
            #[diesel(sql_type = Integer)]
            position: i32,
        }
        let Some(cursor) = after else { return Ok(0) };
        let stored = match cursor.key {
            CursorKey::Position(p) => p,
            _ => 0,
        };
        let sql = format!("SELECT position FROM {} WHERE id = $1 AND article_id = $2", self.table);
        let rows: Vec<At> = diesel::sql_query(sql)
            .bind::<Text, _>(cursor.id.to_string())
            .bind::<Text, _>(self.article_id)
            .load(conn)?;
        Ok(rows.first().map_or(stored, |at| at.position + 1))
    }

    /// Makes room at `position` for a new row (which the caller then inserts there).
    pub fn open_gap(&self, conn: &mut DbConn, position: i32) -> QueryResult<()> {
        self.shift(conn, position, None, 1)
    }

    /// Closes the gap a removed row left at `position`.
    pub fn close_gap(&self, conn: &mut DbConn, position: i32) -> QueryResult<()> {
        self.shift(conn, position + 1, None, -1)
    }

    /// Moves the row `id` from `from` to `to`, shifting the rows in between (the
    /// moved row's own version is the caller's to bump).
    pub fn move_row(&self, conn: &mut DbConn, id: &str, from: i32, to: i32) -> QueryResult<()> {
        if from == to {
            return Ok(());
        }
        self.set_position(conn, id, PARKED)?;
        if to > from {
            self.shift(conn, from + 1, Some(to), -1)?;
        } else {
            self.shift(conn, to, Some(from - 1), 1)?;
        }
        self.set_position(conn, id, to)
    }

    /// Renumbers the rows 0..n in their current order (after rows were removed by a
    /// cascade the application did not run).
    pub fn compact(&self, conn: &mut DbConn) -> QueryResult<()> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            id: String,
            #[diesel(sql_type = Integer)]
            position: i32,
        }
        let sql = format!("SELECT id, position FROM {} WHERE article_id = $1 ORDER BY position", self.table);
        let rows: Vec<Row> = diesel::sql_query(sql).bind::<Text, _>(self.article_id).load(conn)?;
        for (index, row) in rows.iter().enumerate() {
            let target = i32::try_from(index).unwrap_or(i32::MAX);
            if row.position != target {
                // Positions only move down here, into places already vacated.
                diesel::sql_query(format!(
                    "UPDATE {} SET position = $1, version = version + 1, updated_at = $2 WHERE id = $3",
                    self.table
                ))
                .bind::<Integer, _>(target)
                .bind::<Timestamp, _>(self.now)
                .bind::<Text, _>(&row.id)
                .execute(conn)?;
            }
        }
        Ok(())
    }

    fn set_position(&self, conn: &mut DbConn, id: &str, position: i32) -> QueryResult<()> {
        diesel::sql_query(format!("UPDATE {} SET position = $1 WHERE id = $2", self.table))
            .bind::<Integer, _>(position)
            .bind::<Text, _>(id)
            .execute(conn)
            .map(drop)
    }

    /// Moves every row at `from..=to` (all rows from `from` on when `to` is `None`)
    /// by `delta`. Done in two steps through negative numbers so that no row ever
    /// lands on a position another row still holds: the unique index is checked
    /// row by row.
    fn shift(&self, conn: &mut DbConn, from: i32, to: Option<i32>, delta: i32) -> QueryResult<()> {
        diesel::sql_query(format!(
            "UPDATE {} SET position = -(position + $1) - 1, version = version + 1, updated_at = $2 \
             WHERE article_id = $3 AND position >= $4 AND position <= $5",
            self.table
        ))
        .bind::<Integer, _>(delta)
        .bind::<Timestamp, _>(self.now)
        .bind::<Text, _>(self.article_id)
        .bind::<Integer, _>(from)
        .bind::<Integer, _>(to.unwrap_or(i32::MAX))
        .execute(conn)?;
        diesel::sql_query(format!(
            "UPDATE {} SET position = -position - 1 WHERE article_id = $1 AND position < 0 AND position > $2",
            self.table
        ))
        .bind::<Text, _>(self.article_id)
        .bind::<Integer, _>(PARKED)
        .execute(conn)?;
        Ok(())
    }
}
