//! Stored answers to POST requests sent with an `Idempotency-Key`: claiming a key,
//! recording the response, giving a key back, and purging expired ones.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::result::Error as DieselError;

use super::schema::idempotency_keys as keys;
use super::{DbConn, is_unique_violation};

/// A response as stored, to be sent again on a retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredResponse {
    /// The HTTP status.
    pub status: u16,
    /// The headers that make up the answer (`Content-Type`, `Location`, `ETag`).
    pub headers: Vec<(String, String)>,
    /// The body, byte for byte.
    pub body: Vec<u8>,
}

/// What claiming a key found.
#[derive(Debug)]
pub(crate) enum Claim {
    /// The key is ours now: serve the request, then `complete` or `release` it.
    Claimed,
    /// Another request with this key is still being served.
    InFlight,
    /// A request with this key was answered; compare fingerprints before replaying.
    Done {
        /// The fingerprint of the request that was answered.
        fingerprint: String,
        /// Its answer.
        response: StoredResponse,
    },
}

/// Who and what a key belongs to.
#[derive(Debug, Clone)]
pub(crate) struct KeyRef {
    /// SHA-256 of the client's credentials ("" hashed when it sent none).
    pub client: String,
    /// The client's key.
    pub key: String,
}

type Row = (Option<String>, Option<i32>, Option<String>, Option<Vec<u8>>, NaiveDateTime);

/// Claims `key` for a request arriving at `now`. Keys created before `expired_before`
/// count as absent, and so do claims still unanswered since before `abandoned_before`
/// (their server stopped half way): either is removed and the key claimed afresh.
pub(crate) fn claim(
    conn: &mut DbConn,
    key: &KeyRef,
    method: &str,
    path: &str,
    now: NaiveDateTime,
    expired_before: NaiveDateTime,
    abandoned_before: NaiveDateTime,
) -> Result<Claim, DieselError> {
    // Two rounds: a stale row found in the first is deleted, then the insert retried.
    for _ in 0..2 {
        let inserted = diesel::insert_into(keys::table)
            .values((
                keys::client.eq(&key.client),
                keys::idempotency_key.eq(&key.key),
                keys::method.eq(method),
                keys::path.eq(path),
                keys::created_at.eq(now),
            ))
            .execute(conn);
        match inserted {
            Ok(_) => return Ok(Claim::Claimed),
            Err(e) if is_unique_violation(&e) => {}
            Err(e) => return Err(e),
        }
        let row: Option<Row> = keys::table
            .find((&key.client, &key.key))
            .select((
                keys::fingerprint,
                keys::response_status,
                keys::response_headers,
                keys::response_body,
                keys::created_at,
            ))
            .first(conn)
            .optional()?;
        let Some((fingerprint, status, headers, body, created_at)) = row else { continue };
        let stale = created_at < expired_before || (status.is_none() && created_at < abandoned_before);
        if stale {
            diesel::delete(keys::table.find((&key.client, &key.key)).filter(keys::created_at.eq(created_at)))
                .execute(conn)?;
            continue;
        }
        let (Some(fingerprint), Some(status)) = (fingerprint, status) else { return Ok(Claim::InFlight) };
        let headers: Vec<(String, String)> = serde_json::from_str(headers.as_deref().unwrap_or("[]"))
            .map_err(|e| DieselError::DeserializationError(e.into()))?;
        let status = u16::try_from(status).map_err(|e| DieselError::DeserializationError(e.into()))?;
        return Ok(Claim::Done {
            fingerprint,
            response: StoredResponse { status, headers, body: body.unwrap_or_default() },
        });
    }
    // Someone else keeps re-claiming it between our statements: treat as busy.
    Ok(Claim::InFlight)
}

/// Records the answer to a claimed key.
pub(crate) fn complete(
    conn: &mut DbConn,
    key: &KeyRef,
    fingerprint: &str,
    response: &StoredResponse,
) -> Result<(), DieselError> {
    let headers = serde_json::to_string(&response.headers).map_err(|e| DieselError::SerializationError(e.into()))?;
    diesel::update(keys::table.find((&key.client, &key.key)))
        .set((
            keys::fingerprint.eq(fingerprint),
            keys::response_status.eq(i32::from(response.status)),
            keys::response_headers.eq(headers),
            keys::response_body.eq(&response.body),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gives a claimed key back unanswered (the request failed in a way a retry may fix).
pub(crate) fn release(conn: &mut DbConn, key: &KeyRef) -> Result<(), DieselError> {
    diesel::delete(keys::table.find((&key.client, &key.key)).filter(keys::response_status.is_null())).execute(conn)?;
    Ok(())
}

/// Deletes keys created before `before`; returns how many.
pub(crate) fn purge(conn: &mut DbConn, before: NaiveDateTime) -> Result<usize, DieselError> {
    diesel::delete(keys::table.filter(keys::created_at.lt(before))).execute(conn)
}

/// `now` minus `age`, for the cut-offs above.
pub(crate) fn before(now: NaiveDateTime, age: TimeDelta) -> NaiveDateTime {
    now.checked_sub_signed(age).unwrap_or(NaiveDateTime::MIN)
}
