//! Revisions: an article's history, one entry per committed change to the article
//! or to any of its quotes or related links, and the rules of keeping it.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use super::FieldError;
use super::article::{ArticleFields, ArticleInput};
use super::change::ChangeType;
use super::quote::{QuoteFields, QuoteInput};
use super::related_link::{RelatedLinkFields, RelatedLinkInput};
use super::resource::{Article, RelatedLink};

/// Every this many revisions one is stored whole, so that reading any revision
/// replays fewer deltas than this.
pub(crate) const SNAPSHOT_EVERY: i32 = 50;

/// The API token that made a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Author {
    /// The token's id (`GET /v1/tokens/{id}`).
    pub token_id: Uuid,
    /// The token's name when the change was made.
    pub token_name: String,
}

/// How much history is kept (`NEWSDESK_REVISIONS_KEEP`,
/// `NEWSDESK_REVISIONS_MAX_AGE_DAYS`). The newest revision of an article is always
/// kept, whatever the limits say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Revisions kept per article; 0 keeps all.
    pub keep: u32,
    /// Days a revision is kept; 0: no age limit.
    pub max_age_days: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Self { keep: 100, max_age_days: 0 }
    }
}

impl Retention {
    /// The highest revision number that goes once `newest` is recorded, by count.
    pub(crate) fn dropped_through(self, newest: i32) -> Option<i32> {
        let keep = i32::try_from(self.keep).unwrap_or(i32::MAX);
        (keep > 0 && newest > keep).then(|| newest - keep)
    }

    /// Revisions recorded before this time go (the newest excepted).
    pub(crate) fn too_old_before(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        (self.max_age_days > 0).then(|| now - TimeDelta::days(i64::from(self.max_age_days)))
    }
}

/// One entry of an article's history, with what changed.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "revision": 4,
    "article_id": "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a",
    "recorded_at": "2024-03-28T09:40:02.518Z",
    "change": "quote.updated",
    "by": {"token_id": "0192f0b0-0000-7000-8000-000000000001", "token_name": "desk editor"},
    "version": 3,
    "restored_from": null,
    "diff": {"quotes": [{
        "id": "0192f0c2-1b7d-7a10-9f55-2c0e5d8b7a31",
        "article_id": "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a",
        "text": "We will respond firmly to any provocation.",
        "speaker_name": "Park Jin",
        "speaker_title": "Foreign Minister",
        "context": null,
        "position": 0,
        "version": 2,
        "created_at": "2024-03-28T09:12:44.120Z",
        "updated_at": "2024-03-28T09:40:02.518Z"
    }]}
}))]
pub struct Revision {
    /// Numbered 1, 2, 3… per article, in commit order.
    #[schema(minimum = 1)]
    pub revision: i32,
    /// The article it belongs to.
    pub article_id: Uuid,
    /// When the change was committed (UTC).
    pub recorded_at: DateTime<Utc>,
    /// The change that made it: the article's own change when there is one in the
    /// same write (a nested create is `article.created`), else the first change to
    /// one of its quotes or links (a link-list `PUT` is `related_link.deleted` when
    /// the list had links, else `related_link.created`).
    pub change: ChangeType,
    /// The API token that made it; `null` for the command line and the seed.
    pub by: Option<Author>,
    /// The article's version after it (for `article.deleted`, the version it had).
    #[schema(minimum = 1)]
    pub version: i32,
    /// The revision whose snapshot a restore brought back, else `null`.
    pub restored_from: Option<i32>,
    /// A JSON merge patch (RFC 7396) from the previous revision's snapshot to this
    /// one's: changed members only, `quotes` and `related_links` as whole arrays when
    /// they changed, `null` for a member that was removed or became `null`. The first
    /// revision still kept carries its whole snapshot (a patch of an empty document),
    /// so applying the diffs oldest first rebuilds every snapshot. `null` for
    /// `article.deleted`: nothing stands after it.
    #[schema(value_type = Option<Object>)]
    pub diff: Option<serde_json::Value>,
}

/// What a restore stores: a snapshot's writable members, checked by today's rules.
#[derive(Debug, Clone)]
pub(crate) struct RestorePlan {
    /// The article's fields, with the snapshot's slug.
    pub article: ArticleFields,
    pub quotes: Vec<Restored<QuoteFields>>,
    pub links: Vec<Restored<RelatedLinkFields>>,
}

/// A quote or link of the snapshot, in the snapshot's order.
#[derive(Debug, Clone)]
pub(crate) struct Restored<F> {
    /// Its id in the snapshot, which it keeps.
    pub id: Uuid,
    pub fields: F,
    /// Its version and creation time in the snapshot.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    /// As the snapshot shows it (for the list of links left out).
    pub shown: Value,
}

impl RestorePlan {
    /// Reads a snapshot back into what the writes of a `PUT` take. An internal link
    /// whose title is its target's title at the time is restored without one of
    /// its own, so that it follows the target's title as it did (a snapshot shows
    /// the title a link displays, not whether it was its own).
    pub(crate) fn from_snapshot(snapshot: &Value, now: DateTime<Utc>) -> Result<Self, Vec<FieldError>> {
        const WRITABLE: [&str; 13] = [
            "slug",
            "title",
            "summary",
            "body",
            "byline",
            "status",
            "published_at",
            "section",
            "tags",
            "language",
            "source_name",
            "source_url",
            "image",
        ];
        let article = snapshot.as_object().ok_or_else(|| vec![FieldError::body("", "the snapshot is empty")])?;
        let input: ArticleInput = members(article, &WRITABLE, "")?;
        let fields = ArticleFields::validate(input, now)?;
        let mut errors = Vec::new();
        let mut quotes = Vec::new();
        for (i, item) in children(article, "quotes").iter().enumerate() {
            let at = format!("/quotes/{i}");
            let quote = members::<QuoteInput>(item, &["text", "speaker_name", "speaker_title", "context"], &at)
                .and_then(|input| QuoteFields::validate(input).map_err(|e| under(e, &at)))
                .and_then(|fields| Restored::of(item, fields, &at));
            match quote {
                Ok(q) => quotes.push(q),
                Err(e) => errors.extend(e),
            }
        }
        let mut links = Vec::new();
        for (i, item) in children(article, "related_links").iter().enumerate() {
            let at = format!("/related_links/{i}");
            let mut writable: Map<String, Value> = (*item).clone();
            let target_title = item.get("target").and_then(|t| t.get("title"));
            if target_title.is_some() && item.get("title") == target_title {
                writable.remove("title");
            }
            writable.retain(|_, v| !v.is_null());
            let link = members::<RelatedLinkInput>(&writable, &["target_article_id", "url", "title", "relation"], &at)
                .and_then(|input| RelatedLinkFields::validate(input).map_err(|e| under(e, &at)))
                .and_then(|fields| Restored::of(item, fields, &at));
            match link {
                Ok(l) => links.push(l),
                Err(e) => errors.extend(e),
            }
        }
        if errors.is_empty() { Ok(Self { article: fields, quotes, links }) } else { Err(errors) }
    }
}

impl<F> Restored<F> {
    fn of(item: &Map<String, Value>, fields: F, at: &str) -> Result<Self, Vec<FieldError>> {
        let bad = |name: &str| vec![FieldError::body(format!("{at}/{name}"), "unreadable in the snapshot")];
        Ok(Self {
            id: item.get("id").and_then(|v| serde_json::from_value(v.clone()).ok()).ok_or_else(|| bad("id"))?,
            version: item
                .get("version")
                .and_then(Value::as_i64)
                .and_then(|v| i32::try_from(v).ok())
                .ok_or_else(|| bad("version"))?,
            created_at: item
                .get("created_at")
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .ok_or_else(|| bad("created_at"))?,
            fields,
            shown: Value::Object(item.clone()),
        })
    }
}

/// The objects of a child list of the snapshot (none when it has no such list).
fn children<'a>(article: &'a Map<String, Value>, name: &str) -> Vec<&'a Map<String, Value>> {
    article
        .get(name)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default()
}

/// The input type made of the `names` members of `from`.
fn members<T: DeserializeOwned>(from: &Map<String, Value>, names: &[&str], at: &str) -> Result<T, Vec<FieldError>> {
    let picked: Map<String, Value> =
        from.iter().filter(|(k, _)| names.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
    serde_json::from_value(Value::Object(picked))
        .map_err(|e| vec![FieldError::body(at.to_owned(), format!("the snapshot does not read back: {e}"))])
}

fn under(errors: Vec<FieldError>, at: &str) -> Vec<FieldError> {
    errors.into_iter().map(|e| e.under(at)).collect()
}

/// What a restore did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct RestoreResult {
    /// The new revision the restore recorded.
    #[schema(minimum = 1)]
    pub revision: i32,
    /// The revision whose snapshot was brought back.
    #[schema(minimum = 1)]
    pub restored_from: i32,
    /// The article as restored, with its quotes and related links.
    pub article: Article,
    /// Links of the snapshot to articles deleted since, which were left out, as the
    /// snapshot shows them.
    #[schema(value_type = Vec<RelatedLink>)]
    pub left_out: Vec<Value>,
    /// Whether the snapshot's slug is taken by another article now, so that the
    /// article kept its current slug.
    pub kept_slug: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_by_count_and_age_and_zero_keeps_all() {
        let default = Retention::default();
        assert_eq!(default.dropped_through(100), None);
        assert_eq!(default.dropped_through(101), Some(1));
        assert_eq!(Retention { keep: 3, max_age_days: 0 }.dropped_through(10), Some(7));
        assert_eq!(Retention { keep: 1, max_age_days: 0 }.dropped_through(1), None);
        assert_eq!(Retention { keep: 0, max_age_days: 0 }.dropped_through(1_000_000), None);
        let now = Utc::now();
        assert_eq!(default.too_old_before(now), None);
        assert_eq!(Retention { keep: 0, max_age_days: 2 }.too_old_before(now), Some(now - TimeDelta::days(2)));
    }
}
