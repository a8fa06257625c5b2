//! Page size and cursor, shared by every list.

use super::FieldError;
use super::cursor::{Cursor, CursorSecret};

/// Default page size.
pub(crate) const DEFAULT_LIMIT: i64 = 20;
/// Largest page size.
pub const MAX_LIMIT: i64 = 100;

/// A validated page request: how many rows, and after which one.
#[derive(Debug, Clone)]
pub(crate) struct Paging {
    pub limit: i64,
    pub after: Option<Cursor>,
}

/// Why a list request was refused.
#[derive(Debug)]
pub(crate) enum ListError {
    /// One or more parameters are invalid (422).
    Invalid(Vec<FieldError>),
    /// The cursor is not one this list handed out (400).
    BadCursor(String),
}

/// Parses a `limit` parameter of 1..=`max`, `default` when left out: the rule every
/// list and the suggestions share.
pub(crate) fn limit_within(raw: Option<&str>, default: i64, max: i64) -> Result<i64, String> {
    match raw {
        None => Ok(default),
        Some(text) => match text.parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(format!("must be an integer from 1 to {max}")),
        },
    }
}

impl Paging {
    /// Parses `limit` (1..=100, default 20).
    pub(crate) fn limit(raw: Option<&str>) -> Result<i64, String> {
        limit_within(raw, DEFAULT_LIMIT, MAX_LIMIT)
    }

    /// Parses `limit` and `cursor` for a list in `order`. An empty cursor (`cursor=`,
    /// as forms and many clients send it) asks for the first page; a cursor must be
    /// signed with `secret`.
    pub(crate) fn parse(
        limit: Option<&str>,
        cursor: Option<&str>,
        order: &str,
        secret: &CursorSecret,
    ) -> Result<Self, ListError> {
        let limit = Self::limit(limit).map_err(|e| ListError::Invalid(vec![FieldError::parameter("limit", e)]))?;
        let after = cursor
            .filter(|c| !c.is_empty())
            .map(|c| Cursor::decode(c, order, secret))
            .transpose()
            .map_err(ListError::BadCursor)?;
        Ok(Self { limit, after })
    }
}
