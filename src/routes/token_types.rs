//! API tokens as responses show them: never the digest, and the plaintext only in
//! the answer to the request that made the token.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::stored_uuid;
use crate::db::tokens::TokenRow;
use crate::domain::access::{Scope, Scopes};
use crate::error::ApiError;

/// An API token's details (not the token itself).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0192f0c3-4a5b-7c6d-8e9f-0a1b2c3d4e5f",
    "name": "newsroom CMS",
    "scopes": ["write"],
    "created_at": "2024-03-28T09:00:00Z",
    "last_used_at": "2024-03-28T10:15:00Z",
    "expires_at": null,
    "revoked": false
}))]
pub(crate) struct ApiToken {
    /// Server-generated UUID (version 7).
    pub id: Uuid,
    /// What the token is for.
    pub name: String,
    /// The scopes granted, as given at creation.
    pub scopes: Vec<Scope>,
    /// When the token was made (UTC).
    pub created_at: DateTime<Utc>,
    /// When the token was last used, to the minute (UTC); `null` if never.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When the token stops working (UTC); `null` for never.
    pub expires_at: Option<DateTime<Utc>>,
    /// Whether the token has been revoked; a revoked token never works again.
    pub revoked: bool,
}

impl TryFrom<TokenRow> for ApiToken {
    type Error = ApiError;

    fn try_from(row: TokenRow) -> Result<Self, ApiError> {
        let scopes = Scopes::parse_stored(&row.scopes)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("token {} has unreadable scopes: {e}", row.id)))?;
        Ok(Self {
            id: stored_uuid(&row.id)?,
            name: row.name,
            scopes: scopes.to_vec(),
            created_at: row.created_at.and_utc(),
            last_used_at: row.last_used_at.map(|t| t.and_utc()),
            expires_at: row.expires_at.map(|t| t.and_utc()),
            revoked: row.revoked,
        })
    }
}

/// A token just made: its details plus the token itself, shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0192f0c3-4a5b-7c6d-8e9f-0a1b2c3d4e5f",
    "name": "newsroom CMS",
    "scopes": ["write"],
    "created_at": "2024-03-28T09:00:00Z",
    "last_used_at": null,
    "expires_at": "2027-01-01T00:00:00Z",
    "revoked": false,
    "token": "nd_3q2-7wEYb1o0sJ5cXk9rT8uV4aZ6mN0pL2hG1fD7eCw"
}))]
pub(crate) struct CreatedToken {
    /// Server-generated UUID (version 7).
    pub id: Uuid,
    /// What the token is for.
    pub name: String,
    /// The scopes granted.
    pub scopes: Vec<Scope>,
    /// When the token was made (UTC).
    pub created_at: DateTime<Utc>,
    /// Always `null` for a new token.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When the token stops working (UTC); `null` for never.
    pub expires_at: Option<DateTime<Utc>>,
    /// Always `false` for a new token.
    pub revoked: bool,
    /// The bearer token for `Authorization: Bearer …`. Only its digest is stored:
    /// this is the only time it is shown.
    #[schema(pattern = "^nd_[A-Za-z0-9_-]{43}$")]
    pub token: String,
}

impl CreatedToken {
    /// The details of a new token with its plaintext.
    pub(crate) fn new(token: ApiToken, plaintext: String) -> Self {
        Self {
            id: token.id,
            name: token.name,
            scopes: token.scopes,
            created_at: token.created_at,
            last_used_at: token.last_used_at,
            expires_at: token.expires_at,
            revoked: token.revoked,
            token: plaintext,
        }
    }
}

/// Every API token, oldest first, revoked ones included.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct TokenList {
    /// The tokens.
    pub items: Vec<ApiToken>,
}
