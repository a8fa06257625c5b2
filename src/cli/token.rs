//! `newsdesk token create|list|revoke`, and how the tests make their first admin
//! token. A create goes through the same [`PendingToken::prepare`] and
//! [`tokens::store`] as `POST /v1/tokens`: one validation, secret and storage.

use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};

use crate::db::Database;
use crate::db::tokens::{self, TokenRow};
use crate::domain::time::now;
use crate::domain::token::{PendingToken, TokenInput};

/// Makes a token and returns its stored row and the plaintext (to show once).
pub fn create(
    db: &Database,
    name: &str,
    scopes: &[String],
    expires_at: Option<DateTime<Utc>>,
) -> anyhow::Result<(TokenRow, String)> {
    let input = TokenInput { name: name.to_owned(), scopes: scopes.to_vec(), expires_at };
    let pending = PendingToken::prepare(input, now())?;
    db.blocking(|c| tokens::store(c, pending).context("storing the token"))
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
