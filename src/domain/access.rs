//! Who may do what: the scopes a token carries, how they imply each other, and
//! which articles a caller may see.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A permission a token can carry. `admin` implies every scope and `write`
/// implies `read:drafts`, so that a writer can read back the draft it made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
pub(crate) enum Scope {
    /// Read drafts, archived articles and scheduled articles before their time.
    #[serde(rename = "read:drafts")]
    ReadDrafts,
    /// Create, update and delete articles, quotes and related links.
    #[serde(rename = "write")]
    Write,
    /// Manage API tokens; implies every other scope.
    #[serde(rename = "admin")]
    Admin,
}

impl Scope {
    /// Every scope, weakest first.
    pub(crate) const ALL: [Self; 3] = [Self::ReadDrafts, Self::Write, Self::Admin];

    /// The wire and stored name.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::ReadDrafts => "read:drafts",
            Self::Write => "write",
            Self::Admin => "admin",
        }
    }

    /// Reads a scope name.
    pub(crate) fn parse(name: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| format!("`{name}` is not a scope; use read:drafts, write or admin"))
    }

    /// Whether holding `self` grants `wanted`.
    pub(crate) fn grants(self, wanted: Self) -> bool {
        match self {
            Self::Admin => true,
            Self::Write => matches!(wanted, Self::Write | Self::ReadDrafts),
            Self::ReadDrafts => wanted == Self::ReadDrafts,
        }
    }
}

/// The scopes of one token: a non-empty set, stored as space-separated names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scopes(BTreeSet<Scope>);

impl Scopes {
    /// A set of at least one scope.
    pub(crate) fn new(scopes: impl IntoIterator<Item = Scope>) -> Result<Self, String> {
        let set: BTreeSet<Scope> = scopes.into_iter().collect();
        if set.is_empty() {
            return Err("must hold at least one scope".into());
        }
        Ok(Self(set))
    }

    /// Reads the stored form (`"read:drafts write"`).
    pub(crate) fn parse_stored(stored: &str) -> Result<Self, String> {
        Self::new(stored.split_whitespace().map(Scope::parse).collect::<Result<Vec<_>, _>>()?)
    }

    /// The stored form: names in a fixed order, separated by spaces.
    pub(crate) fn to_stored(&self) -> String {
        self.names().join(" ")
    }

    /// The names, weakest first.
    pub(crate) fn names(&self) -> Vec<&'static str> {
        self.0.iter().map(|s| s.as_str()).collect()
    }

    /// The scopes themselves, weakest first.
    pub(crate) fn to_vec(&self) -> Vec<Scope> {
        self.0.iter().copied().collect()
    }

    /// Whether any held scope grants `wanted`.
    pub(crate) fn grants(&self, wanted: Scope) -> bool {
        self.0.iter().any(|s| s.grants(wanted))
    }
}

/// Which articles (and so which of their quotes and links) a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Visibility {
    /// Everything, in any status (a token granting `read:drafts`).
    All,
    /// Only published articles whose `published_at` is at or before this time
    /// (anonymous callers).
    PublishedBy(DateTime<Utc>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_grants_everything_and_write_grants_reading_drafts() {
        assert!(Scope::Admin.grants(Scope::Write));
        assert!(Scope::Admin.grants(Scope::ReadDrafts));
        assert!(Scope::Write.grants(Scope::ReadDrafts));
        assert!(!Scope::Write.grants(Scope::Admin));
        assert!(!Scope::ReadDrafts.grants(Scope::Write));
    }

    #[test]
    fn scopes_round_trip_through_their_stored_form() {
        let scopes = Scopes::new([Scope::Write, Scope::ReadDrafts, Scope::Write]).unwrap();
        assert_eq!(scopes.to_stored(), "read:drafts write");
        assert_eq!(Scopes::parse_stored("read:drafts write").unwrap(), scopes);
        assert!(Scopes::parse_stored("").is_err());
        assert!(Scopes::parse_stored("write root").is_err());
    }
}
