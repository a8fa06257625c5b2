//! Related links: an article's "More:" and "Related posts" entries, pointing either
//! at another Newsdesk article or at an external URL.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::position::position;
use super::text::{MAX_URL_LEN, http_url, trimmed_required};
use super::{FieldError, Violations};

// The limits of a related link, in characters or links (the spec's `maxLength`s
// and `maxItems` are checked against these by `tests/openapi.rs`).

/// Longest external `url`.
pub const MAX_LINK_URL_LEN: usize = MAX_URL_LEN;
/// Longest `title`.
pub const MAX_TITLE_LEN: usize = 300;
/// Most links a list `PUT` may hold: a bound on the work one request can ask for,
/// far beyond any real article.
pub const MAX_LINKS_PER_PUT: usize = 200;

/// What kind of related post a link is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LinkRelation {
    /// A "Related posts" entry (the default).
    #[default]
    Related,
    /// A "More:" entry.
    More,
    /// A feature or video on the same topic.
    Feature,
}

impl LinkRelation {
    /// The stored (and wire) form.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Related => "related",
            Self::More => "more",
            Self::Feature => "feature",
        }
    }

    /// Reads the stored form back.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value {
            "related" => Some(Self::Related),
            "more" => Some(Self::More),
            "feature" => Some(Self::Feature),
            _ => None,
        }
    }
}

/// The writable fields of a related link, as `POST` takes them. (Its OpenAPI
/// schema, which says "exactly one of `target_article_id` and `url`" as a `oneOf`,
/// is in `routes::link_types`.)
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RelatedLinkInput {
    /// `None`: left out; `Some(None)`: sent as `null` (see [`present`]).
    #[serde(default, deserialize_with = "present_id", skip_serializing_if = "Option::is_none")]
    pub target_article_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub url: Option<Option<String>>,
    pub title: Option<String>,
    pub relation: Option<LinkRelation>,
    #[serde(default, deserialize_with = "super::position::whole_number")]
    pub position: Option<i64>,
}

/// One item of a list `PUT`: a link without `position`, since the array order is
/// the position order.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RelatedLinkListItem {
    #[serde(default, deserialize_with = "present_id")]
    pub target_article_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    pub url: Option<Option<String>>,
    pub title: Option<String>,
    pub relation: Option<LinkRelation>,
}

impl From<RelatedLinkListItem> for RelatedLinkInput {
    fn from(item: RelatedLinkListItem) -> Self {
        let RelatedLinkListItem { target_article_id, url, title, relation } = item;
        Self { target_article_id, url, title, relation, position: None }
    }
}

/// A member that was sent, `null` or not. Each link shape names only its own
/// target and never as `null` (`{"url": …, "target_article_id": null}` matches no
/// shape of the spec), so the two targets must tell "sent as null" from "left out".
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// [`present`] for the target article's id.
fn present_id<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<Uuid>>, D::Error> {
    super::id::optional(deserializer).map(Some)
}

/// A link's target is what the link is: a merge patch may not name it.
pub(crate) fn check_patch(patch: &serde_json::Value) -> Result<(), Vec<FieldError>> {
    let errors: Vec<FieldError> = ["target_article_id", "url"]
        .into_iter()
        .filter(|member| patch.get(member).is_some())
        .map(|member| {
            FieldError::body(format!("/{member}"), "a link's target cannot be changed: delete it and create another")
        })
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// Where a link points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LinkTarget {
    /// Another article in Newsdesk.
    Article(Uuid),
    /// Another site.
    Url(String),
}

/// A related link's fields after every rule has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RelatedLinkFields {
    pub target: LinkTarget,
    pub title: Option<String>,
    pub relation: LinkRelation,
    /// `None`: append.
    pub position: Option<i32>,
}

impl RelatedLinkFields {
    /// Checks a request, reporting every broken rule with a pointer relative to the
    /// link object. (That the target exists and is not the link's own article is
    /// checked where the link is stored.)
    pub(crate) fn validate(input: RelatedLinkInput) -> Result<Self, Vec<FieldError>> {
        let mut p = Violations::default();
        let target = match (input.target_article_id, input.url) {
            (Some(Some(id)), None) => Some(LinkTarget::Article(id)),
            (None, Some(Some(url))) => p.check("/url", http_url(&url, MAX_LINK_URL_LEN).map(|()| LinkTarget::Url(url))),
            (Some(Some(_)), Some(Some(_))) => {
                p.push(FieldError::body("/url", "give either target_article_id or url, not both"));
                None
            }
            (Some(Some(_)), Some(None)) => {
                p.push(FieldError::body("/url", "leave url out of a link to an article (null is not allowed)"));
                None
            }
            (Some(None), Some(Some(_))) => {
                p.push(FieldError::body(
                    "/target_article_id",
                    "leave target_article_id out of a link to a URL (null is not allowed)",
                ));
                None
            }
            _ => {
                p.push(FieldError::body("/target_article_id", "one of target_article_id or url is required"));
                None
            }
        };
        let title = p.check("/title", input.title.map(|t| trimmed_required(&t, MAX_TITLE_LEN)).transpose());
        let position = p.check("/position", input.position.map(position).transpose());
        let errors = p.finish().err().unwrap_or_default();
        match (target, title, position) {
            (Some(target), Some(title), Some(position)) if errors.is_empty() => {
                Ok(Self { target, title, relation: input.relation.unwrap_or_default(), position })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_target_is_required() {
        let both = RelatedLinkInput {
            target_article_id: Some(Some(Uuid::now_v7())),
            url: Some(Some("https://a.org".into())),
            ..Default::default()
        };
        assert_eq!(RelatedLinkFields::validate(both).unwrap_err()[0].pointer.as_deref(), Some("/url"));
        let neither = RelatedLinkInput::default();
        assert_eq!(RelatedLinkFields::validate(neither).unwrap_err()[0].pointer.as_deref(), Some("/target_article_id"));
    }

    #[test]
    fn external_links_need_http_urls() {
        let bad = RelatedLinkInput { url: Some(Some("javascript:alert(1)".into())), ..Default::default() };
        assert!(RelatedLinkFields::validate(bad).is_err());
        let good = RelatedLinkInput { url: Some(Some("https://example.org/x".into())), ..Default::default() };
        let fields = RelatedLinkFields::validate(good).unwrap();
        assert_eq!(fields.relation, LinkRelation::Related);
        assert_eq!(fields.target, LinkTarget::Url("https://example.org/x".into()));
    }
}
