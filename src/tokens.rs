//! Token administration outside HTTP: what `newsdesk token …` does, and how the
//! tests make their first admin token. It goes through the same validation and
//! storage as `POST /v1/tokens`.

use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};

use crate::db::Database;
use crate::db::tokens::{self, TokenRow};
use crate::domain::article::now;
use crate::domain::token::{NewToken, TokenInput, digest, generate};

/// Makes a token and returns its stored row and the plaintext (to show once).
pub fn create(
    db: &Database,
    name: &str,
    scopes: &[String],
    expires_at: Option<DateTime<Utc>>,
) -> anyhow::Result<(TokenRow, String)> {
    let at = now();
    let input = TokenInput { name: name.to_owned(), scopes: scopes.to_vec(), expires_at };
    let new = NewToken::validate(input, at).map_err(|errors| {
        let details: Vec<String> = errors
            .into_iter()
            .map(|e| format!("{}: {}", e.pointer.unwrap_or_default().trim_start_matches('/'), e.detail))
            .collect();
        anyhow!("invalid token: {}", details.join("; "))
    })?;
    let plaintext = generate().map_err(|e| anyhow!("no randomness: {e}"))?;
    let stored = digest(&plaintext);
    let row = db.blocking(|c| tokens::insert(c, &new, stored, at).context("storing the token"))?;
    Ok((row, plaintext))
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
