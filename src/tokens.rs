//! Token administration outside HTTP: what `newsdesk token …` does, and how the
//! tests make their first admin token; and the token create it shares with
//! `POST /v1/tokens` ([`prepare`], then [`PendingToken::store`]), so that both go
//! through the same validation, secret and storage.

use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};

use crate::db::tokens::{self, TokenRow};
use crate::db::{Database, DbConn};
use crate::domain::time::now;
use crate::domain::token::{NewToken, TokenInput, digest, generate};
use crate::domain::{FieldError, describe};
use crate::error::ApiError;

/// Why a token request was refused before anything was stored.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// It breaks the rules of a token request.
    #[error("invalid token: {}", describe(.0))]
    Invalid(Vec<FieldError>),
    /// The operating system gave no random bytes for the secret.
    #[error("no randomness: {0}")]
    NoRandomness(getrandom::Error),
}

impl From<Refused> for ApiError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::Invalid(errors) => Self::Invalid(errors),
            other @ Refused::NoRandomness(_) => Self::Internal(other.into()),
        }
    }
}

/// A checked token request with its new secret, not stored yet.
#[derive(Debug)]
pub struct PendingToken {
    token: NewToken,
    plaintext: String,
    at: DateTime<Utc>,
}

/// Checks a token request (made at `at`) and makes its secret. Nothing touches the
/// database yet, so an invalid request is refused even while the database is away.
pub fn prepare(input: TokenInput, at: DateTime<Utc>) -> Result<PendingToken, Refused> {
    let token = NewToken::validate(input, at).map_err(Refused::Invalid)?;
    let plaintext = generate().map_err(Refused::NoRandomness)?;
    Ok(PendingToken { token, plaintext, at })
}

impl PendingToken {
    /// Stores the token under the digest of its secret; returns the stored row and
    /// the plaintext (to show once).
    pub fn store(self, conn: &mut DbConn) -> diesel::QueryResult<(TokenRow, String)> {
        let row = tokens::insert(conn, &self.token, digest(&self.plaintext), self.at)?;
        Ok((row, self.plaintext))
    }
}

/// Makes a token and returns its stored row and the plaintext (to show once).
pub fn create(
    db: &Database,
    name: &str,
    scopes: &[String],
    expires_at: Option<DateTime<Utc>>,
) -> anyhow::Result<(TokenRow, String)> {
    let input = TokenInput { name: name.to_owned(), scopes: scopes.to_vec(), expires_at };
    let pending = prepare(input, now())?;
    db.blocking(|c| pending.store(c).context("storing the token"))
}

/// Every token, oldest first.
pub fn list(db: &Database) -> anyhow::Result<Vec<TokenRow>> {
    db.blocking(|c| tokens::list(c).context("listing tokens"))
}

/// Revokes a token by id; an error when there is none.
pub fn revoke(db: &Database, id: &str) -> anyhow::Result<()> {
    let id = uuid::Uuid::try_parse(id).map_err(|_| anyhow!("`{id}` is not a token id (UUID)"))?.to_string();
    if db.blocking(|c| tokens::revoke(c, &id).context("revoking the token"))? {
        Ok(())
    } else {
        Err(anyhow!("no token with id {id}"))
    }
}
