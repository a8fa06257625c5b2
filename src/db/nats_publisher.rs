//! How far the change log has been published to NATS JetStream: one row per stream,
//! advanced only after JetStream has acknowledged a record. A publishing round
//! holds its stream's row for its whole length, so on PostgreSQL one process
//! publishes at a time and records leave in sequence order.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::changes::{self, ChangeRow};
use super::schema::nats_publisher;
use super::{DbConn, DbError};

/// What one round did.
#[derive(Debug)]
pub(crate) struct Round<E> {
    /// Records acknowledged in this round.
    pub published: usize,
    /// The position stored at the end of the round.
    pub through: i64,
    /// Whether the round stopped at its limit, with more records possibly waiting.
    pub full: bool,
    /// Why publishing stopped early, if it did (the position stays at the last
    /// record acknowledged).
    pub error: Option<E>,
    /// Records pruned before they could be published (`from..=to`), when the
    /// publisher was that far behind.
    pub missed: Option<(i64, i64)>,
}

/// Gives the stream its row, positioned before the oldest record, if it has none:
/// a new stream receives every record the change log still keeps.
pub(crate) fn ensure(conn: &mut DbConn, stream: &str) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO nats_publisher (stream, published_through) VALUES ($1, 0) ON CONFLICT (stream) DO NOTHING",
    )
    .bind::<Text, _>(stream)
    .execute(conn)
    .map(drop)
}

/// How far the stream has been published (`None` before `ensure`).
pub(crate) fn position(conn: &mut DbConn, stream: &str) -> QueryResult<Option<i64>> {
    nats_publisher::table
        .filter(nats_publisher::stream.eq(stream))
        .select(nats_publisher::published_through)
        .first(conn)
        .optional()
}

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = BigInt)]
    published_through: i64,
}

/// Hands up to `limit` records after the stream's position to `publish`, oldest
/// first, one at a time; `publish` returns once JetStream has acknowledged the
/// record, or fails, which ends the round. Stores the position of the last record
/// acknowledged. On PostgreSQL the row stays locked until the round ends, and a
/// round that finds it locked by another process does nothing (`None`). On SQLite,
/// where one process publishes, no transaction is held: the database's single
/// write lock would otherwise stop every write for the length of the round.
pub(crate) fn publish_round<E>(
    conn: &mut DbConn,
    stream: &str,
    limit: i64,
    publish: impl FnMut(ChangeRow) -> Result<(), E>,
) -> Result<Option<Round<E>>, DbError> {
    match conn {
        DbConn::Pg(_) => conn.transaction(|c| {
            let locked: Option<Locked> = diesel::sql_query(
                "SELECT published_through FROM nats_publisher WHERE stream = $1 FOR UPDATE SKIP LOCKED",
            )
            .bind::<Text, _>(stream)
            .get_result(c)
            .optional()?;
            match locked {
                Some(row) => round(c, stream, row.published_through, limit, publish).map(Some),
                None => Ok(None),
            }
        }),
        DbConn::Sqlite(_) => match position(conn, stream)? {
            Some(from) => round(conn, stream, from, limit, publish).map(Some),
            None => Ok(None),
        },
    }
}

fn round<E>(
    conn: &mut DbConn,
    stream: &str,
    from: i64,
    limit: i64,
    mut publish: impl FnMut(ChangeRow) -> Result<(), E>,
) -> Result<Round<E>, DbError> {
    let rows = changes::after(conn, from, limit)?;
    let full = i64::try_from(rows.len()).is_ok_and(|n| n >= limit);
    // Sequence numbers have gaps (a PostgreSQL transaction that failed at commit
    // burns its numbers), so only the pruning mark tells a gap from lost records.
    let missed = match rows.first() {
        Some(first) if first.seq > from + 1 => {
            let pruned = changes::pruned_through(conn)?;
            (pruned > from).then_some((from + 1, pruned.min(first.seq - 1)))
        }
        _ => None,
    };
    let (mut through, mut published, mut error) = (from, 0, None);
    for row in rows {
        let seq = row.seq;
        if let Err(e) = publish(row) {
            error = Some(e);
            break;
        }
        (through, published) = (seq, published + 1);
    }
    if published > 0 {
        diesel::update(nats_publisher::table.filter(nats_publisher::stream.eq(stream)))
            .set(nats_publisher::published_through.eq(through))
            .execute(conn)?;
    }
    Ok(Round { published, through, full: full && error.is_none(), error, missed })
}
