//! Change records: what the change log says happened to an article, a quote or a
//! related link, as the change feed, webhooks and the broker carry it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// The kind of resource a change record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// An article (its own fields; its quotes and links have records of their own).
    Article,
    /// A quote inside an article.
    Quote,
    /// A "More:" or "Related posts" entry of an article.
    RelatedLink,
}

impl ResourceKind {
    /// The stored and serialised name.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Article => "article",
            Self::Quote => "quote",
            Self::RelatedLink => "related_link",
        }
    }

    /// The kind a stored name stands for.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        [Self::Article, Self::Quote, Self::RelatedLink].into_iter().find(|k| k.as_str() == s)
    }
}

/// What happened. `article.published` and `article.unpublished` follow the
/// article's visibility to anonymous readers (published, with its publication time
/// reached): they come beside the write that changed it, or on their own when a
/// scheduled article's time comes. Deleting an article records `article.deleted`
/// and the deletion of each of its quotes and links, and of the links other
/// articles had to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub enum ChangeType {
    /// A new article.
    #[serde(rename = "article.created")]
    ArticleCreated,
    /// An article's own fields changed.
    #[serde(rename = "article.updated")]
    ArticleUpdated,
    /// An article was deleted.
    #[serde(rename = "article.deleted")]
    ArticleDeleted,
    /// The article became visible to anonymous readers.
    #[serde(rename = "article.published")]
    ArticlePublished,
    /// The article stopped being visible to anonymous readers (back to draft,
    /// archived, or re-dated into the future).
    #[serde(rename = "article.unpublished")]
    ArticleUnpublished,
    /// A new quote.
    #[serde(rename = "quote.created")]
    QuoteCreated,
    /// A quote changed (moving it included).
    #[serde(rename = "quote.updated")]
    QuoteUpdated,
    /// A quote was deleted.
    #[serde(rename = "quote.deleted")]
    QuoteDeleted,
    /// A new related link.
    #[serde(rename = "related_link.created")]
    RelatedLinkCreated,
    /// A related link changed (moving it included).
    #[serde(rename = "related_link.updated")]
    RelatedLinkUpdated,
    /// A related link was deleted.
    #[serde(rename = "related_link.deleted")]
    RelatedLinkDeleted,
}

impl ChangeType {
    /// Every type, in the order the spec lists them.
    pub const ALL: [Self; 11] = [
        Self::ArticleCreated,
        Self::ArticleUpdated,
        Self::ArticleDeleted,
        Self::ArticlePublished,
        Self::ArticleUnpublished,
        Self::QuoteCreated,
        Self::QuoteUpdated,
        Self::QuoteDeleted,
        Self::RelatedLinkCreated,
        Self::RelatedLinkUpdated,
        Self::RelatedLinkDeleted,
    ];

    /// The stored and serialised name, e.g. `article.created`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ArticleCreated => "article.created",
            Self::ArticleUpdated => "article.updated",
            Self::ArticleDeleted => "article.deleted",
            Self::ArticlePublished => "article.published",
            Self::ArticleUnpublished => "article.unpublished",
            Self::QuoteCreated => "quote.created",
            Self::QuoteUpdated => "quote.updated",
            Self::QuoteDeleted => "quote.deleted",
            Self::RelatedLinkCreated => "related_link.created",
            Self::RelatedLinkUpdated => "related_link.updated",
            Self::RelatedLinkDeleted => "related_link.deleted",
        }
    }

    /// The type a stored name stands for.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The kind of resource this type of change is about.
    pub(crate) fn resource_kind(self) -> ResourceKind {
        match self {
            Self::ArticleCreated
            | Self::ArticleUpdated
            | Self::ArticleDeleted
            | Self::ArticlePublished
            | Self::ArticleUnpublished => ResourceKind::Article,
            Self::QuoteCreated | Self::QuoteUpdated | Self::QuoteDeleted => ResourceKind::Quote,
            Self::RelatedLinkCreated | Self::RelatedLinkUpdated | Self::RelatedLinkDeleted => ResourceKind::RelatedLink,
        }
    }

    /// The deletion of a resource of this kind.
    pub(crate) fn deleted(kind: ResourceKind) -> Self {
        match kind {
            ResourceKind::Article => Self::ArticleDeleted,
            ResourceKind::Quote => Self::QuoteDeleted,
            ResourceKind::RelatedLink => Self::RelatedLinkDeleted,
        }
    }
}

/// One committed change, as the change feed, webhooks and the broker carry it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "sequence": 1042,
    "type": "quote.updated",
    "occurred_at": "2024-03-28T09:40:02.518Z",
    "article_id": "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a",
    "resource_kind": "quote",
    "resource_id": "0192f0c2-1b7d-7a10-9f55-2c0e5d8b7a31",
    "version": 2,
    "data": {
        "id": "0192f0c2-1b7d-7a10-9f55-2c0e5d8b7a31",
        "article_id": "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a",
        "text": "We will respond firmly to any provocation.",
        "speaker_name": "Park Jin",
        "speaker_title": "Foreign Minister",
        "context": "in a statement carried by the state news agency",
        "position": 0,
        "version": 2,
        "created_at": "2024-03-28T09:12:44.120Z",
        "updated_at": "2024-03-28T09:40:02.518Z"
    },
    "purge_tags": ["quote-0192f0c2-1b7d-7a10-9f55-2c0e5d8b7a31", "article-0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a", "quotes"]
}))]
pub struct ChangeRecord {
    /// Position in the change log: records are numbered in commit order, and a
    /// reader never sees a number before every lower one has committed.
    #[schema(minimum = 1)]
    pub sequence: i64,
    /// What happened.
    #[serde(rename = "type")]
    pub change_type: ChangeType,
    /// When the change was committed (UTC).
    pub occurred_at: DateTime<Utc>,
    /// The article the resource belongs to (the article itself for its own changes).
    pub article_id: Uuid,
    /// The kind of resource that changed.
    pub resource_kind: ResourceKind,
    /// The id of the resource that changed.
    pub resource_id: Uuid,
    /// The resource's version after the change (for a deletion, the version it had).
    #[schema(minimum = 1)]
    pub version: i32,
    /// The resource as `GET` showed it right after the change (an article without
    /// its children, which have records of their own); `null` for a deletion.
    #[schema(value_type = Option<Object>)]
    pub data: Option<serde_json::Value>,
    /// The cache tags (`Cache-Tag`, `Surrogate-Key`) of the responses this change
    /// makes stale: purge these at a CDN.
    pub purge_tags: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_reads_back_from_its_name_and_serialises_as_it() {
        for t in ChangeType::ALL {
            assert_eq!(ChangeType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), serde_json::json!(t.as_str()));
            assert!(t.as_str().starts_with(t.resource_kind().as_str()), "{t:?}");
        }
        assert_eq!(ChangeType::parse("article.exploded"), None);
    }

    #[test]
    fn each_kind_has_its_deletion() {
        for kind in [ResourceKind::Article, ResourceKind::Quote, ResourceKind::RelatedLink] {
            assert_eq!(ChangeType::deleted(kind).resource_kind(), kind);
            assert_eq!(ResourceKind::parse(kind.as_str()), Some(kind));
        }
    }
}
