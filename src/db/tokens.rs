//! API token rows and the synchronous queries on them. Only digests are stored.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;

use super::DbConn;
use super::schema::api_tokens;
use crate::domain::token::{NewToken, PendingToken, digest, same_digest};

/// How stale `last_used_at` may get before a request records its use again: one
/// write a minute per token at most, not one per request.
const LAST_USED_PRECISION: TimeDelta = TimeDelta::minutes(1);

/// A token as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub token_hash: String,
    pub scopes: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked: bool,
}

/// Stores a new token under the digest of its plaintext.
pub(crate) fn insert(conn: &mut DbConn, token: &NewToken, digest: String, now: DateTime<Utc>) -> QueryResult<TokenRow> {
    let row = TokenRow {
        id: uuid::Uuid::now_v7().to_string(),
        name: token.name.clone(),
        token_hash: digest,
        scopes: token.scopes.to_stored(),
        created_at: now.naive_utc(),
        last_used_at: None,
        expires_at: token.expires_at.map(|t| t.naive_utc()),
        revoked: false,
    };
    diesel::insert_into(api_tokens::table).values(&row).execute(conn)?;
    Ok(row)
}

/// Stores a checked token request under the digest of its secret; returns the
/// stored row and the plaintext (to show once).
pub(crate) fn store(conn: &mut DbConn, pending: PendingToken) -> QueryResult<(TokenRow, String)> {
    let row = insert(conn, &pending.token, digest(&pending.plaintext), pending.at)?;
    Ok((row, pending.plaintext))
}

/// Every token, oldest first, revoked ones included.
pub(crate) fn list(conn: &mut DbConn) -> QueryResult<Vec<TokenRow>> {
    api_tokens::table.order_by(api_tokens::id.asc()).select(TokenRow::as_select()).load(conn)
}

/// One token by id.
pub(crate) fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<TokenRow>> {
    api_tokens::table.filter(api_tokens::id.eq(id)).select(TokenRow::as_select()).first(conn).optional()
}

/// Marks a token revoked (the row stays); `false` when there is no such token.
pub(crate) fn revoke(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    let changed = diesel::update(api_tokens::table.filter(api_tokens::id.eq(id)))
        .set(api_tokens::revoked.eq(true))
        .execute(conn)?;
    Ok(changed > 0)
}

/// The live token (not revoked, not expired) with this digest, recording its use.
pub(crate) fn authenticate(conn: &mut DbConn, digest: &str, now: DateTime<Utc>) -> QueryResult<Option<TokenRow>> {
    let at = now.naive_utc();
    let found = api_tokens::table
        .filter(api_tokens::token_hash.eq(digest))
        .filter(api_tokens::revoked.eq(false))
        .filter(api_tokens::expires_at.is_null().or(api_tokens::expires_at.gt(at)))
        .select(TokenRow::as_select())
        .first(conn)
        .optional()?;
    // The index lookup found the row; the comparison that decides is constant-time.
    let Some(row) = found.filter(|row| same_digest(&row.token_hash, digest)) else { return Ok(None) };
    if row.last_used_at.is_none_or(|used| at - used >= LAST_USED_PRECISION) {
        diesel::update(api_tokens::table.filter(api_tokens::id.eq(&row.id)))
            .set(api_tokens::last_used_at.eq(at))
            .execute(conn)?;
    }
    Ok(Some(row))
}
