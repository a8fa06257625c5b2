//! Scheduled publication: an article published with a future date becomes visible
//! when its time comes, with no write at that moment, and this announces it
//! (`article.published`) once, as a write of its own so that the change log
//! records it like any other.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::{DbConn, DbError, write_transaction};

/// A scheduled article whose time has come, still to be announced.
#[derive(QueryableByName)]
struct Due {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

/// Announces `article.published` for the scheduled articles whose publication time
/// has passed (up to 100 at a time), once each: the announcement is stored with
/// the record, under the row's lock, and on PostgreSQL another process's scheduler
/// skips the rows this one holds. Returns how many it announced.
pub(crate) fn announce_due(conn: &mut DbConn, now: DateTime<Utc>) -> Result<usize, DbError> {
    // Most rounds find nothing: look first, so that an idle service takes no write
    // lock every second.
    if due(conn, now, 1, false)?.is_empty() {
        return Ok(0);
    }
    write_transaction(conn, now, |c, log| {
        let due = due(c, now, 100, true)?;
        for article in &due {
            log.visibility_of(&article.id);
        }
        Ok::<_, DbError>(due.len())
    })
}

/// Up to `limit` published articles whose time has come and that are not yet
/// announced, oldest first; `lock`: locked for this transaction (PostgreSQL skips
/// the rows another transaction holds). The conditions are written as the partial
/// index `articles_unannounced_idx` states them, with no bound parameter in them, so
/// that PostgreSQL's planner can serve the query from that index (SQLite is told to).
fn due(conn: &mut DbConn, now: DateTime<Utc>, limit: u32, lock: bool) -> QueryResult<Vec<Due>> {
    const DUE: &str = "WHERE status = 'published' AND NOT announced_public AND published_at <=";
    let at = now.naive_utc();
    match conn {
        DbConn::Pg(_) => {
            let lock = if lock { " FOR UPDATE SKIP LOCKED" } else { "" };
            let sql = format!("SELECT id FROM articles {DUE} $1 ORDER BY published_at LIMIT {limit}{lock}");
            diesel::sql_query(sql).bind::<diesel::sql_types::Timestamp, _>(at).load(conn)
        }
        // The index named: SQLite's planner otherwise prefers (status, published_at),
        // which holds every published article.
        DbConn::Sqlite(_) => {
            let sql = format!(
                "SELECT id FROM articles INDEXED BY articles_unannounced_idx {DUE} ? ORDER BY published_at LIMIT {limit}"
            );
            diesel::sql_query(sql).bind::<diesel::sql_types::Timestamp, _>(at).load(conn)
        }
    }
}
