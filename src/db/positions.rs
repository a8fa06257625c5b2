//! Ordered child lists (an article's quotes, its related links): positions stay a
//! gap-free 0..n sequence and unique per article, also under concurrent writers.
//! A row whose position shifts because of a neighbour has changed too: its version
//! and `updated_at` move with it (so its old ETag no longer matches).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamp};

use super::{DbConn, WriteError};
use crate::domain::cursor::{Cursor, CursorKey};

/// A table of rows ordered within an article by `position`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OrderedTable {
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

    /// Where the next page starts: after the current position of the last row shown
    /// (rows before it may have been added or removed meanwhile), or, if that row is
    /// gone, at the position it had.
    pub(crate) fn page_start(self, conn: &mut DbConn, article_id: &str, after: Option<&Cursor>) -> QueryResult<i32> {
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
        let sql = format!("SELECT position FROM {} WHERE id = $1 AND article_id = $2", self.name());
        let rows: Vec<At> =
            diesel::sql_query(sql).bind::<Text, _>(cursor.id.to_string()).bind::<Text, _>(article_id).load(conn)?;
        Ok(rows.first().map_or(stored, |at| at.position + 1))
    }

    /// What the list is called in messages.
    fn noun(self) -> &'static str {
        match self {
            Self::Quotes => "quote list",
            Self::RelatedLinks => "link list",
        }
    }

    /// A position past the end depends on the list as stored now, so it is a
    /// conflict with the current state (409), not a malformed request.
    pub(crate) fn past_the_end(self, last: i32) -> WriteError {
        WriteError::Conflict(format!("position is past the end of the {}: at most {last} is possible now", self.noun()))
    }
}

/// Where a row parks while the others move: below any position a shift produces.
const PARKED: i32 = i32::MIN;

/// One article's list in one table, changed at one moment.
pub(crate) struct OrderedList<'a> {
    kind: OrderedTable,
    table: &'static str,
    article_id: &'a str,
    now: NaiveDateTime,
}

impl<'a> OrderedList<'a> {
    /// The list of `article_id`'s rows in `table`; changes are stamped `now`.
    pub(crate) fn new(table: OrderedTable, article_id: &'a str, now: NaiveDateTime) -> Self {
        Self { kind: table, table: table.name(), article_id, now }
    }

    /// Number of rows in the list.
    pub(crate) fn count(&self, conn: &mut DbConn) -> QueryResult<i32> {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = Integer)]
            n: i32,
        }
        let sql = format!("SELECT CAST(COUNT(*) AS INTEGER) AS n FROM {} WHERE article_id = $1", self.table);
        let rows: Vec<Count> = diesel::sql_query(sql).bind::<Text, _>(self.article_id).load(conn)?;
        Ok(rows.first().map_or(0, |c| c.n))
    }

    /// The position a new row takes: the one asked for (the rows from there on move
    /// down to make room), or after the last one. The caller then inserts it there.
    pub(crate) fn place_new(&self, conn: &mut DbConn, requested: Option<i32>) -> Result<i32, WriteError> {
        let count = self.count(conn)?;
        let position = match requested {
            None => count,
            Some(p) if p <= count => p,
            Some(_) => return Err(self.kind.past_the_end(count)),
        };
        self.open_gap(conn, position)?;
        Ok(position)
    }

    /// Moves the row `id` from `from` to the position asked for (none: it stays),
    /// and returns where it is now.
    pub(crate) fn place_moved(
        &self,
        conn: &mut DbConn,
        id: &str,
        from: i32,
        requested: Option<i32>,
    ) -> Result<i32, WriteError> {
        let position = requested.unwrap_or(from);
        let last = self.count(conn)? - 1;
        if position > last {
            return Err(self.kind.past_the_end(last));
        }
        self.move_row(conn, id, from, position)?;
        Ok(position)
    }

    /// Makes room at `position` for a new row (which the caller then inserts there).
    pub(crate) fn open_gap(&self, conn: &mut DbConn, position: i32) -> QueryResult<()> {
        self.shift(conn, position, None, 1)
    }

    /// Closes the gap a removed row left at `position`.
    pub(crate) fn close_gap(&self, conn: &mut DbConn, position: i32) -> QueryResult<()> {
        self.shift(conn, position + 1, None, -1)
    }

    /// Moves the row `id` from `from` to `to`, shifting the rows in between (the
    /// moved row's own version is the caller's to bump).
    pub(crate) fn move_row(&self, conn: &mut DbConn, id: &str, from: i32, to: i32) -> QueryResult<()> {
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
    pub(crate) fn compact(&self, conn: &mut DbConn) -> QueryResult<()> {
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

/// A brand-new list filled in one go (an article created with its children): each
/// row's position and version come out as if the rows had been inserted one by one
/// in the order sent, each at its requested position, so that one multi-row
/// insert stores what that series of inserts would have.
pub(crate) struct NewList {
    kind: OrderedTable,
    /// Indexes of the rows placed so far, in list order.
    order: Vec<usize>,
    /// Each row's version: 1, plus one for every later row inserted before it.
    versions: Vec<i32>,
}

impl NewList {
    /// An empty list of this kind.
    pub(crate) fn new(kind: OrderedTable) -> Self {
        Self { kind, order: Vec::new(), versions: Vec::new() }
    }

    /// Places the next row at `requested` (none: after the last one).
    pub(crate) fn place(&mut self, requested: Option<i32>) -> Result<(), WriteError> {
        let len = i32::try_from(self.order.len()).unwrap_or(i32::MAX);
        let position = match requested {
            None => len,
            Some(p) if (0..=len).contains(&p) => p,
            Some(_) => return Err(self.kind.past_the_end(len)),
        };
        let at = usize::try_from(position).unwrap_or(self.order.len());
        for &moved in &self.order[at..] {
            self.versions[moved] += 1;
        }
        self.order.insert(at, self.versions.len());
        self.versions.push(1);
        Ok(())
    }

    /// `(position, version)` of every row, in the order the rows were placed.
    pub(crate) fn finish(self) -> Vec<(i32, i32)> {
        let mut placed = vec![(0, 0); self.versions.len()];
        for (position, &index) in self.order.iter().enumerate() {
            placed[index] = (i32::try_from(position).unwrap_or(i32::MAX), self.versions[index]);
        }
        placed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_list_places_rows_as_inserts_one_by_one_would() {
        let mut list = NewList::new(OrderedTable::Quotes);
        list.place(None).unwrap(); // a: 0
        list.place(Some(0)).unwrap(); // b: 0, a moves to 1
        list.place(Some(1)).unwrap(); // c: 1, a moves to 2
        list.place(None).unwrap(); // d: 3
        assert_eq!(list.finish(), vec![(2, 3), (0, 1), (1, 1), (3, 1)]);
    }

    #[test]
    fn a_new_list_refuses_a_position_past_its_end() {
        let mut list = NewList::new(OrderedTable::RelatedLinks);
        list.place(None).unwrap();
        let Err(WriteError::Conflict(detail)) = list.place(Some(2)) else { panic!("expected a conflict") };
        assert_eq!(detail, "position is past the end of the link list: at most 1 is possible now");
    }
}
