//! `newsdesk seed`: loads a small example newsroom into an empty database, so that
//! a new user's first `GET /v1/articles` shows something. The data, all of it
//! invented, is `newsroom.json`; every entry goes through the same validation and
//! the same storage code as `POST /v1/articles`.

use std::collections::HashMap;

use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::db::articles::{self, NewChildren};
use crate::db::{Database, WriteError, schema};
use crate::domain::article::{ArticleFields, ArticleInput, NewArticle};
use crate::domain::quote::QuoteInput;
use crate::domain::related_link::{LinkRelation, RelatedLinkInput};
use crate::domain::time::now;
use crate::domain::{FieldError, describe};

const NEWSROOM: &str = include_str!("newsroom.json");

/// The file's shape (its `about` member is a note for readers and is ignored).
#[derive(Deserialize)]
struct Newsroom {
    articles: Vec<Entry>,
}

/// One article: a `POST /v1/articles` body plus a key and a relative date.
#[derive(Deserialize)]
struct Entry {
    /// How later entries link to this one (slugs are derived, so they may change).
    key: String,
    /// Publication time as hours before seeding; negative schedules the article.
    published_hours_ago: Option<i64>,
    #[serde(default)]
    quotes: Vec<QuoteInput>,
    #[serde(default)]
    related_links: Vec<Link>,
    /// Everything else: the article's own fields, read as an `ArticleInput` (which
    /// refuses unknown members).
    #[serde(flatten)]
    fields: Map<String, Value>,
}

/// A related link that names either a URL or the key of an earlier entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Link {
    article: Option<String>,
    url: Option<String>,
    title: Option<String>,
    relation: Option<LinkRelation>,
}

/// Loads the example newsroom and returns how many articles it stored. Refuses
/// when the database already holds any article, unless `force` is set: then the
/// examples are added alongside (derived slugs get numeric suffixes, and links
/// point within the new copy). Each article is stored with its children in one
/// transaction. Blocks the calling thread.
pub fn run(db: &Database, force: bool) -> anyhow::Result<usize> {
    db.migrate()?;
    let newsroom: Newsroom = serde_json::from_str(NEWSROOM).context("the embedded newsroom.json is malformed")?;
    db.blocking(|conn| {
        let existing: i64 = schema::articles::table.count().get_result(conn)?;
        if existing > 0 && !force {
            bail!(
                "the database already holds {existing} article(s); `seed` only loads the example newsroom \
                 into an empty database (add --force to load it alongside them)"
            );
        }
        let at = now();
        let total = newsroom.articles.len();
        let mut ids = HashMap::new();
        for entry in newsroom.articles {
            let key = entry.key.clone();
            let stored = prepare(entry, &ids, at)
                .and_then(|(fields, children)| articles::create(conn, &fields, &children, at).map_err(write_error));
            let row = stored.with_context(|| {
                format!("example article `{key}` was not stored ({} of {total} were before it)", ids.len())
            })?;
            ids.insert(key, Uuid::try_parse(&row.id)?);
        }
        Ok(ids.len())
    })
}

/// Checks one entry against every rule of the API; `ids` maps the keys of the
/// entries stored so far to their article ids.
fn prepare(
    entry: Entry,
    ids: &HashMap<String, Uuid>,
    at: DateTime<Utc>,
) -> anyhow::Result<(ArticleFields, NewChildren)> {
    if ids.contains_key(&entry.key) {
        bail!("the key is used twice");
    }
    let mut input: ArticleInput = serde_json::from_value(Value::Object(entry.fields))?;
    if let Some(hours) = entry.published_hours_ago {
        input.published_at = Some(at - TimeDelta::hours(hours));
    }
    let mut links = Vec::with_capacity(entry.related_links.len());
    for link in entry.related_links {
        let target_article_id = match link.article {
            Some(key) => Some(*ids.get(&key).ok_or_else(|| anyhow!("links to `{key}`, not an earlier entry"))?),
            None => None,
        };
        let Link { url, title, relation, .. } = link;
        let (target_article_id, url) = (target_article_id.map(Some), url.map(Some));
        links.push(RelatedLinkInput { target_article_id, url, title, relation, position: None });
    }
    let new = NewArticle::validate(input, entry.quotes, links, at).map_err(invalid)?;
    Ok((new.article, NewChildren { quotes: new.quotes, links: new.links }))
}

fn invalid(errors: Vec<FieldError>) -> anyhow::Error {
    anyhow!("invalid: {}", describe(&errors))
}

fn write_error(error: WriteError) -> anyhow::Error {
    match error {
        WriteError::Invalid(errors) => invalid(errors),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::article::ArticleStatus;
    use crate::domain::related_link::LinkTarget;

    /// Every entry validated as `run` would, with made-up ids for the stored ones.
    fn prepared() -> Vec<(ArticleFields, NewChildren)> {
        let newsroom: Newsroom = serde_json::from_str(NEWSROOM).unwrap();
        let mut ids = HashMap::new();
        let mut out = Vec::new();
        for entry in newsroom.articles {
            let key = entry.key.clone();
            out.push(prepare(entry, &ids, now()).unwrap_or_else(|e| panic!("`{key}`: {e:#}")));
            ids.insert(key, Uuid::now_v7());
        }
        out
    }

    #[test]
    fn the_newsroom_obeys_every_rule_and_has_one_of_each_kind() {
        let at = now();
        let articles = prepared();
        assert_eq!(articles.len(), 12);
        let count = |f: &dyn Fn(&ArticleFields) -> bool| articles.iter().filter(|(a, _)| f(a)).count();
        assert_eq!(count(&|a| a.status == ArticleStatus::Draft), 1);
        assert_eq!(count(&|a| a.status == ArticleStatus::Archived), 1);
        assert_eq!(count(&|a| a.published_at.is_some_and(|p| p > at)), 1, "one scheduled");
        assert!(count(&|a| a.language.as_ref() != "en") >= 1);
        assert!(count(&|a| a.slug.is_some()) == 0, "explicit slugs would collide on --force");
        for (article, children) in &articles {
            assert!((1..=4).contains(&children.quotes.len()), "{}", article.title);
            assert!(!children.links.is_empty(), "{}", article.title);
            assert!(article.summary.is_some() && article.body.contains("\n\n"), "{}", article.title);
        }
        assert!(articles.iter().flat_map(|(_, c)| &c.links).any(|l| matches!(l.target, LinkTarget::Article(_))));
    }

    #[test]
    fn every_url_is_on_a_reserved_example_domain() {
        let articles = prepared();
        let sources = articles.iter().filter_map(|(a, _)| a.source_url.clone());
        let links = articles.iter().flat_map(|(_, c)| &c.links).filter_map(|l| match &l.target {
            LinkTarget::Url(url) => Some(url.clone()),
            LinkTarget::Article(_) => None,
        });
        for url in sources.chain(links) {
            let host = url::Url::parse(&url).unwrap().host_str().unwrap().to_owned();
            let reserved = ["example.org", "example.com", "example.net"];
            assert!(reserved.iter().any(|d| host == *d || host.ends_with(&format!(".{d}"))), "{url}");
        }
    }
}
