//! API tokens: making a new secret, the digest that is stored instead of it, and
//! the rules for a token request.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::access::{Scope, Scopes};
use super::digest::{constant_time_eq, sha256_hex};
use super::text::trimmed_required;
use super::time::storable_time;
use super::{FieldError, Violations};

/// Longest token `name`, in characters (the spec's `maxLength` is checked against
/// it by `tests/openapi.rs`).
pub const MAX_NAME_LEN: usize = 100;

/// What every token starts with, so that a leaked one is easy to recognise (and
/// to search for in logs and repositories).
pub(crate) const TOKEN_PREFIX: &str = "nd_";

/// A freshly made token in plaintext: `nd_` and 32 random bytes in unpadded
/// base64url. It exists only until it has been shown once.
pub(crate) fn generate() -> Result<String, getrandom::Error> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// The stored digest of a token: SHA-256 in lowercase hex. A plain (unkeyed) hash
/// is enough because the token holds 256 random bits, which no one can guess
/// from the digest; it also keeps the CLI and the server free of a shared key.
pub fn digest(token: &str) -> String {
    sha256_hex(&[token.as_bytes()])
}

/// Compares two digests in time that does not depend on where they differ.
pub(crate) fn same_digest(a: &str, b: &str) -> bool {
    constant_time_eq(a.as_bytes(), b.as_bytes())
}

/// Whether a string could be a token at all (checked before any database work).
pub(crate) fn well_formed(token: &str) -> bool {
    token.strip_prefix(TOKEN_PREFIX).is_some_and(|rest| {
        rest.len() == 43 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// A request for a new token.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "newsroom CMS", "scopes": ["write"], "expires_at": "2027-01-01T00:00:00Z"}))]
pub(crate) struct TokenInput {
    /// What the token is for (shown in the token list), 1..=100 characters after
    /// trimming, without control characters.
    #[schema(
        example = "newsroom CMS",
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    /// The permissions: `read:drafts`, `write` (implies `read:drafts`) and `admin`
    /// (implies every scope). At least one.
    #[schema(value_type = Vec<Scope>, min_items = 1, example = json!(["write"]))]
    pub scopes: Vec<String>,
    /// When the token stops working (RFC 3339, in the future); never when left out.
    #[schema(example = "2027-01-01T00:00:00Z")]
    pub expires_at: Option<DateTime<Utc>>,
}

/// A validated token request.
#[derive(Debug, Clone)]
pub(crate) struct NewToken {
    pub name: String,
    pub scopes: Scopes,
    pub expires_at: Option<DateTime<Utc>>,
}

impl NewToken {
    /// Checks every rule, reporting all broken ones together.
    pub(crate) fn validate(input: TokenInput, now: DateTime<Utc>) -> Result<Self, Vec<FieldError>> {
        let mut violations = Violations::default();
        let name = violations.check("/name", trimmed_required(&input.name, MAX_NAME_LEN).and_then(printable));
        let mut scopes = Vec::new();
        for (index, raw) in input.scopes.iter().enumerate() {
            if let Some(scope) = violations.check(&format!("/scopes/{index}"), Scope::parse(raw)) {
                scopes.push(scope);
            }
        }
        let scopes = if input.scopes.is_empty() {
            violations.check("/scopes", Scopes::new(scopes))
        } else {
            Scopes::new(scopes).ok()
        };
        let expires_at = match input.expires_at {
            Some(at) => violations.check("/expires_at", storable_time(at).and_then(|at| future(at, now))).map(Some),
            None => Some(None),
        };
        violations.finish()?;
        match (name, scopes, expires_at) {
            (Some(name), Some(scopes), Some(expires_at)) => Ok(Self { name, scopes, expires_at }),
            _ => Err(vec![FieldError::body("", "invalid token request")]),
        }
    }
}

/// Why a token request was refused before anything was stored.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Refused {
    /// It breaks the rules of a token request.
    #[error("invalid token: {}", super::describe(.0))]
    Invalid(Vec<FieldError>),
    /// The operating system gave no random bytes for the secret.
    #[error("no randomness: {0}")]
    NoRandomness(getrandom::Error),
}

/// A checked token request with its new secret, not stored yet: what both
/// `POST /v1/tokens` and `newsdesk token create` store (`db::tokens::store`).
#[derive(Debug)]
pub(crate) struct PendingToken {
    /// The request.
    pub token: NewToken,
    /// The secret, shown once.
    pub plaintext: String,
    /// When it was asked for.
    pub at: DateTime<Utc>,
}

impl PendingToken {
    /// Checks a token request (made at `at`) and makes its secret. Nothing touches
    /// the database yet, so an invalid request is refused even while it is away.
    pub(crate) fn prepare(input: TokenInput, at: DateTime<Utc>) -> Result<Self, Refused> {
        let token = NewToken::validate(input, at).map_err(Refused::Invalid)?;
        let plaintext = generate().map_err(Refused::NoRandomness)?;
        Ok(Self { token, plaintext, at })
    }
}

/// A name is shown in lists and terminal tables: no line breaks or other control
/// characters that could forge lines there.
fn printable(name: String) -> Result<String, String> {
    if name.chars().any(char::is_control) { Err("must not contain control characters".into()) } else { Ok(name) }
}

fn future(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if at <= now { Err("must be in the future".into()) } else { Ok(at) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_well_formed_and_differ() {
        let (a, b) = (generate().unwrap(), generate().unwrap());
        assert!(well_formed(&a), "{a}");
        assert_ne!(a, b);
        assert!(!well_formed("nd_short"));
        assert!(!well_formed(&a.replacen("nd_", "xx_", 1)));
    }

    #[test]
    fn digests_are_hex_sha256_and_compare_exactly() {
        let d = digest("nd_example");
        assert_eq!(d.len(), 64);
        assert!(same_digest(&d, &digest("nd_example")));
        assert!(!same_digest(&d, &digest("nd_examplf")));
        assert!(!same_digest(&d, &d[..63]));
    }

    #[test]
    fn validation_reports_every_broken_rule() {
        let now = Utc::now();
        let input = TokenInput { name: " ".into(), scopes: vec!["root".into()], expires_at: Some(now) };
        let errors = NewToken::validate(input, now).unwrap_err();
        let pointers: Vec<_> = errors.iter().filter_map(|e| e.pointer.clone()).collect();
        assert_eq!(pointers, ["/name", "/scopes/0", "/expires_at"]);
        let forged = TokenInput { name: "ci\nadmin".into(), scopes: vec!["write".into()], expires_at: None };
        assert_eq!(NewToken::validate(forged, now).unwrap_err()[0].pointer.as_deref(), Some("/name"));
        let empty = TokenInput { name: "ci".into(), scopes: vec![], expires_at: None };
        assert_eq!(NewToken::validate(empty, now).unwrap_err()[0].pointer.as_deref(), Some("/scopes"));
    }
}
