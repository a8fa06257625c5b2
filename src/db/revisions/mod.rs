//! Revisions, recorded from the change log in the same transaction (`record`), and
//! read back by replaying stored deltas forward from the nearest whole snapshot
//! before. Rows are only ever added, and deleted by retention a whole snapshot's
//! stretch at a time: a write never rewrites an earlier revision.

mod restore;

pub(crate) use restore::{RestoreInput, RestoreOutcome, restore};

use std::cell::RefCell;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::{Map, Value};

use super::articles::lookup::{ArticleKey, find};
use super::changes::{ChangeRow, json};
use super::embedding::{self, assemble};
use super::schema::revisions;
use super::{DbConn, DbError, quotes, related_links, stored_uuid};
use crate::domain::access::Visibility;
use crate::domain::article_filter::Include;
use crate::domain::change::{ChangeType, ResourceKind};
use crate::domain::merge_patch;
use crate::domain::resource::{Quote, RelatedLink};
use crate::domain::revision::{Author, Retention, Revision, SNAPSHOT_EVERY};
use crate::domain::revision_delta::Delta;

/// A revision as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = revisions, treat_none_as_default_value = false)]
struct RevisionRow {
    article_id: String,
    revision: i32,
    recorded_at: NaiveDateTime,
    change: String,
    token_id: Option<String>,
    token_name: Option<String>,
    version: i32,
    restored_from: Option<i32>,
    /// The whole snapshot (JSON): the first revision and every `SNAPSHOT_EVERY`th
    /// after it.
    snapshot: Option<String>,
    /// Turns the previous revision's snapshot into this one's (a `Delta` as JSON).
    delta: Option<String>,
}

/// Who is writing, and how much history to keep: set for the duration of one
/// `Database::run` on the thread that runs it (`WriteContext::enter`), and read by
/// `record` at the end of each write transaction. Passing them down every write
/// function would change every signature for two values only this seam reads.
#[derive(Debug, Clone, Default)]
pub(crate) struct WriteContext {
    pub by: Option<Author>,
    pub retention: Retention,
}

thread_local! {
    static CONTEXT: RefCell<WriteContext> = RefCell::new(WriteContext::default());
}

impl WriteContext {
    /// Makes this the context of the current thread until the guard is dropped.
    pub(crate) fn enter(self) -> ContextGuard {
        ContextGuard(Some(CONTEXT.with(|c| c.replace(self))))
    }

    fn current() -> Self {
        CONTEXT.with(|c| c.borrow().clone())
    }
}

/// Puts the thread's previous context back when dropped (also on a panic).
pub(crate) struct ContextGuard(Option<WriteContext>);

impl Drop for ContextGuard {
    fn drop(&mut self) {
        if let Some(previous) = self.0.take() {
            CONTEXT.with(|c| c.replace(previous));
        }
    }
}

/// Records one revision for each article that `rows` (one transaction's change
/// records) changed: the article itself, or any of its quotes or links. Changes of
/// visibility alone (a scheduled article's time coming) change no content and make
/// none. `restored_from`: the revision a restore brought back.
pub(crate) fn record(
    conn: &mut DbConn,
    rows: &[ChangeRow],
    now: DateTime<Utc>,
    restored_from: Option<i32>,
) -> Result<(), DbError> {
    let context = WriteContext::current();
    for (article_id, change, version) in per_article(rows) {
        let mine: Vec<&ChangeRow> = rows.iter().filter(|r| r.article_id == article_id).collect();
        // A new article has no history yet, and its records hold all of it.
        let created = (change == ChangeType::ArticleCreated).then(|| from_records(&mine)).flatten();
        let history = if created.is_some() { Vec::new() } else { replay_newest(conn, &article_id)? };
        let whole_at = history.first().map(|(row, _)| row.revision);
        let previous = history.last().map(|(row, snapshot)| (row.revision, snapshot));
        let (snapshot, version) = if change == ChangeType::ArticleDeleted {
            // Nothing stands after a deletion: it keeps the last content.
            (previous.map_or(Value::Null, |(_, s)| s.clone()), version)
        } else {
            let snapshot = match (created, previous) {
                (Some(created), _) => created,
                (None, Some((_, before))) => refreshed(conn, &article_id, before, &mine)?,
                (None, None) => match current_snapshot(conn, &article_id)? {
                    Some(snapshot) => snapshot,
                    None => continue,
                },
            };
            let version = snapshot.get("version").and_then(Value::as_i64).unwrap_or(0);
            (snapshot, i32::try_from(version).map_err(|_| DbError::Corrupt("article version".into()))?)
        };
        let number = previous.map_or(1, |(n, _)| n + 1);
        // Whole every SNAPSHOT_EVERY revisions (and the first), so that no read
        // replays more deltas than that; otherwise the delta from the one before.
        let delta = match (previous, whole_at) {
            (Some((_, before)), Some(whole_at)) if number - whole_at < SNAPSHOT_EVERY => {
                match (before.as_object(), snapshot.as_object()) {
                    (Some(before), Some(after)) => Some(Delta::between(before, after)),
                    (_, None) => Some(Delta::default()),
                    (None, Some(_)) => None,
                }
            }
            _ => None,
        };
        let (whole, delta) = match delta {
            Some(delta) => (None, Some(stored(&delta)?)),
            None => (Some(snapshot.to_string()), None),
        };
        let row = RevisionRow {
            article_id: article_id.clone(),
            revision: number,
            recorded_at: now.naive_utc(),
            change: change.as_str().to_owned(),
            token_id: context.by.as_ref().map(|a| a.token_id.to_string()),
            token_name: context.by.as_ref().map(|a| a.token_name.clone()),
            version,
            restored_from,
            snapshot: whole,
            delta,
        };
        diesel::insert_into(revisions::table).values(&row).execute(conn)?;
        prune_article(conn, &article_id, number, context.retention, now)?;
    }
    Ok(())
}

/// The snapshot of an article created in this transaction, from its records: the
/// article's own and each child's, ordered by position. `None` when a record
/// lacks its data.
fn from_records(mine: &[&ChangeRow]) -> Option<Value> {
    let data = |row: &&ChangeRow| row.data.as_deref().and_then(|d| serde_json::from_str::<Value>(d).ok());
    let of_kind = |kind: ResourceKind| -> Option<Vec<Value>> {
        let mut items: Vec<Value> =
            mine.iter().filter(|r| r.resource_kind == kind.as_str()).map(data).collect::<Option<_>>()?;
        items.sort_by_key(|item| item.get("position").and_then(Value::as_i64));
        Some(items)
    };
    let own = mine.iter().find(|r| r.change_type == ChangeType::ArticleCreated.as_str())?;
    let Value::Object(mut article) = data(own)? else { return None };
    article.insert("quotes".into(), Value::Array(of_kind(ResourceKind::Quote)?));
    article.insert("related_links".into(), Value::Array(of_kind(ResourceKind::RelatedLink)?));
    Some(Value::Object(article))
}

/// The previous snapshot brought up to date: the article's own members from its
/// record when it changed, and each child list read again when one of its items
/// changed (a move shifts the others, which have no records of their own). Links
/// to other articles are read again in any case: they show their target's
/// current title and status.
fn refreshed(conn: &mut DbConn, article_id: &str, before: &Value, mine: &[&ChangeRow]) -> Result<Value, DbError> {
    let Some(before) = before.as_object() else {
        return current_snapshot(conn, article_id).map(Option::unwrap_or_default);
    };
    let mut doc = before.clone();
    let touched = |kind: ResourceKind| mine.iter().any(|r| r.resource_kind == kind.as_str());
    let own = mine.iter().rev().find(|r| r.resource_kind == ResourceKind::Article.as_str() && r.data.is_some());
    if let Some(own) = own {
        let Value::Object(article) = parse(own.data.as_deref().unwrap_or("null"))? else {
            return Err(DbError::Corrupt("article record".into()));
        };
        doc.retain(|name, _| name == "quotes" || name == "related_links");
        doc.extend(article);
    }
    let ids = [article_id.to_owned()];
    if touched(ResourceKind::Quote) {
        let quotes: Vec<Value> = quotes::for_articles(conn, &ids)?
            .into_iter()
            .map(|row| Quote::try_from(row).and_then(|q| json(&q)))
            .collect::<Result<_, _>>()?;
        doc.insert("quotes".into(), Value::Array(quotes));
    }
    let internal = doc
        .get("related_links")
        .and_then(Value::as_array)
        .is_some_and(|links| links.iter().any(|l| !l["target_article_id"].is_null()));
    if touched(ResourceKind::RelatedLink) || internal {
        let links: Vec<Value> = related_links::for_articles(conn, &ids, Visibility::All)?
            .into_iter()
            .map(|row| RelatedLink::try_from(row).and_then(|l| json(&l)))
            .collect::<Result<_, _>>()?;
        doc.insert("related_links".into(), Value::Array(links));
    }
    Ok(Value::Object(doc))
}

/// Each article the records touch, in order of first appearance, with the change
/// its revision is named after (its own record when it has one, else the first
/// record of a child) and that record's version.
fn per_article(rows: &[ChangeRow]) -> Vec<(String, ChangeType, i32)> {
    let mut out: Vec<(String, ChangeType, i32)> = Vec::new();
    for row in rows {
        let Some(change) = ChangeType::parse(&row.change_type) else { continue };
        if matches!(change, ChangeType::ArticlePublished | ChangeType::ArticleUnpublished) {
            continue;
        }
        let own = change.resource_kind() == ResourceKind::Article;
        match out.iter_mut().find(|(id, _, _)| *id == row.article_id) {
            Some(entry) if own && entry.1.resource_kind() != ResourceKind::Article => {
                (entry.1, entry.2) = (change, row.version);
            }
            Some(_) => {}
            None => out.push((row.article_id.clone(), change, row.version)),
        }
    }
    out
}

/// The article with its quotes and links, as `GET` with
/// `include=quotes,related_links` shows it to a caller who sees drafts.
fn current_snapshot(conn: &mut DbConn, article_id: &str) -> Result<Option<Value>, DbError> {
    let Ok(id) = uuid::Uuid::try_parse(article_id) else { return Ok(None) };
    let Some(row) = find(conn, &ArticleKey::Id(id))? else { return Ok(None) };
    let include = Include { quotes: true, related_links: true };
    let children = embedding::load(conn, std::slice::from_ref(&row.id), include, Visibility::All)?;
    let article = assemble(vec![row], children)?.pop().ok_or(DbError::Corrupt("article vanished".into()))?;
    json(&article).map(Some)
}

/// The first revision of an article that retention still shows, once `newest` is
/// its newest: later than the count allows, and recorded within the age limit,
/// the newest always.
fn first_kept(
    conn: &mut DbConn,
    article_id: &str,
    newest: i32,
    retention: Retention,
    now: DateTime<Utc>,
) -> QueryResult<i32> {
    let mut first = retention.dropped_through(newest).map_or(1, |through| through + 1);
    if let Some(before) = retention.too_old_before(now) {
        let young: Option<i32> = revisions::table
            .filter(revisions::article_id.eq(article_id))
            .filter(revisions::recorded_at.ge(before.naive_utc()))
            .select(diesel::dsl::min(revisions::revision))
            .first(conn)?;
        first = first.max(young.unwrap_or(newest));
    }
    Ok(first)
}

/// Deletes what retention no longer shows of one article's history: the rows
/// before the whole snapshot its first kept revision is replayed from (rows from
/// there up to it stay, unseen, until the next whole snapshot passes out of view).
fn prune_article(
    conn: &mut DbConn,
    article_id: &str,
    newest: i32,
    retention: Retention,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let first = first_kept(conn, article_id, newest, retention, now)?;
    if first <= 1 {
        return Ok(());
    }
    let mine = || revisions::table.filter(revisions::article_id.eq(article_id));
    let anchor: Option<i32> = mine()
        .filter(revisions::revision.le(first))
        .filter(revisions::snapshot.is_not_null())
        .select(diesel::dsl::max(revisions::revision))
        .first(conn)?;
    if let Some(anchor) = anchor {
        diesel::delete(mine().filter(revisions::revision.lt(anchor))).execute(conn)?;
    }
    Ok(())
}

/// Deletes the revisions past retention's age limit of every article, also those
/// nobody writes any more (deleted ones included): the rows before a whole
/// snapshot that is itself past the limit, which no revision still shown replays
/// from. Returns how many went.
pub fn prune_old(conn: &mut DbConn, retention: Retention, now: DateTime<Utc>) -> QueryResult<usize> {
    let Some(before) = retention.too_old_before(now) else { return Ok(0) };
    let whole = diesel::alias!(revisions as whole);
    let past_an_old_whole_snapshot = diesel::dsl::exists(
        whole
            .filter(whole.field(revisions::article_id).eq(revisions::article_id))
            .filter(whole.field(revisions::revision).gt(revisions::revision))
            .filter(whole.field(revisions::snapshot).is_not_null())
            .filter(whole.field(revisions::recorded_at).lt(before.naive_utc())),
    );
    diesel::delete(revisions::table.filter(past_an_old_whole_snapshot)).execute(conn)
}

/// The revisions of an article that retention shows: from this number on.
fn shown_from(conn: &mut DbConn, article_id: &str) -> QueryResult<Option<i32>> {
    let Some(newest) = newest(conn, article_id)? else { return Ok(None) };
    first_kept(conn, article_id, newest, WriteContext::current().retention, Utc::now()).map(Some)
}

/// One page of an article's history, newest first: up to `limit` revisions below
/// `before` (all when `None`), each with its diff.
pub(crate) fn page(
    conn: &mut DbConn,
    article_id: &str,
    before: Option<i32>,
    limit: i64,
) -> Result<Vec<Revision>, DbError> {
    let Some(first) = shown_from(conn, article_id)? else { return Ok(Vec::new()) };
    let mut query = revisions::table
        .filter(revisions::article_id.eq(article_id))
        .filter(revisions::revision.ge(first))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(revisions::revision.lt(before));
    }
    let numbers: Vec<i32> =
        query.order(revisions::revision.desc()).limit(limit).select(revisions::revision).load(conn)?;
    let (Some(&top), Some(&low)) = (numbers.first(), numbers.last()) else { return Ok(Vec::new()) };
    // The snapshots from the one before the page's oldest (unless that is out of
    // view: the first shown carries its whole snapshot as its diff) to its newest.
    let replayed = replay(conn, article_id, (low - 1).max(first), top)?;
    let mut out = Vec::with_capacity(numbers.len());
    let empty = Value::Object(Map::new());
    let mut before = &empty;
    for (row, snapshot) in &replayed {
        if row.revision >= low {
            let diff = (row.change != ChangeType::ArticleDeleted.as_str()).then(|| merge_patch::diff(before, snapshot));
            out.push(revision(row.clone(), diff)?);
        }
        before = snapshot;
    }
    out.reverse();
    Ok(out)
}

/// One revision's snapshot; `None` when the article has no such revision (never
/// had, or no longer kept).
pub(crate) fn snapshot(conn: &mut DbConn, article_id: &str, number: i32) -> Result<Option<Value>, DbError> {
    if shown_from(conn, article_id)?.is_none_or(|first| number < first) {
        return Ok(None);
    }
    let replayed = replay(conn, article_id, number, number)?;
    Ok(replayed.into_iter().find(|(row, _)| row.revision == number).map(|(_, snapshot)| snapshot))
}

/// The newest revision number of an article.
pub(crate) fn newest(conn: &mut DbConn, article_id: &str) -> QueryResult<Option<i32>> {
    revisions::table
        .filter(revisions::article_id.eq(article_id))
        .select(diesel::dsl::max(revisions::revision))
        .first(conn)
}

/// The newest revision's history from its whole snapshot on, replayed, oldest
/// first (empty when the article has none).
fn replay_newest(conn: &mut DbConn, article_id: &str) -> Result<Vec<(RevisionRow, Value)>, DbError> {
    replay_through(conn, article_id, i32::MAX, i32::MAX)
}

/// The snapshots of the revisions from `low` to `high` (those stored), oldest
/// first.
fn replay(conn: &mut DbConn, article_id: &str, low: i32, high: i32) -> Result<Vec<(RevisionRow, Value)>, DbError> {
    let mut out = replay_through(conn, article_id, low, high)?;
    out.retain(|(row, _)| row.revision >= low);
    Ok(out)
}

/// The revisions from the nearest whole snapshot at or below `low` up to `high`,
/// replayed forward, oldest first.
fn replay_through(
    conn: &mut DbConn,
    article_id: &str,
    low: i32,
    high: i32,
) -> Result<Vec<(RevisionRow, Value)>, DbError> {
    // One statement, so that it reads one state of the table: a write pruning this
    // article's history meanwhile cannot leave it a delta without the rows before.
    let whole = diesel::alias!(revisions as whole);
    let from = whole
        .filter(whole.field(revisions::article_id).eq(article_id))
        .filter(whole.field(revisions::revision).le(low))
        .filter(whole.field(revisions::snapshot).is_not_null())
        .select(diesel::dsl::max(whole.field(revisions::revision)))
        .single_value();
    let rows: Vec<RevisionRow> = revisions::table
        .filter(revisions::article_id.eq(article_id))
        .filter(revisions::revision.le(high))
        .filter(revisions::revision.nullable().ge(from))
        .order(revisions::revision.asc())
        .select(RevisionRow::as_select())
        .load(conn)?;
    let mut out: Vec<(RevisionRow, Value)> = Vec::with_capacity(rows.len());
    for mut row in rows {
        let snapshot = match (row.snapshot.take(), &row.delta, out.last()) {
            (Some(text), _, _) => parse(&text)?,
            (None, Some(delta), Some((before, doc))) if before.revision + 1 == row.revision => {
                let delta: Delta = serde_json::from_str(delta).map_err(|e| corrupt(&row, &e.to_string()))?;
                match doc {
                    Value::Object(doc) => {
                        let mut doc = doc.clone();
                        delta.apply(&mut doc).map_err(|e| corrupt(&row, &e.to_string()))?;
                        Value::Object(doc)
                    }
                    other => other.clone(),
                }
            }
            _ => return Err(corrupt(&row, "neither a snapshot nor a delta that follows")),
        };
        row.delta = None;
        out.push((row, snapshot));
    }
    Ok(out)
}

fn revision(row: RevisionRow, diff: Option<Value>) -> Result<Revision, DbError> {
    let by = match (row.token_id, row.token_name) {
        (Some(id), Some(name)) => Some(Author { token_id: stored_uuid(&id)?, token_name: name }),
        _ => None,
    };
    Ok(Revision {
        revision: row.revision,
        article_id: stored_uuid(&row.article_id)?,
        recorded_at: row.recorded_at.and_utc(),
        change: ChangeType::parse(&row.change)
            .ok_or_else(|| DbError::Corrupt(format!("revision {}: unknown change", row.revision)))?,
        by,
        version: row.version,
        restored_from: row.restored_from,
        diff,
    })
}

fn corrupt(row: &RevisionRow, what: &str) -> DbError {
    DbError::Corrupt(format!("revision {} of article {}: {what}", row.revision, row.article_id))
}

fn parse(text: &str) -> Result<Value, DbError> {
    serde_json::from_str(text).map_err(|e| DbError::Corrupt(format!("revision snapshot: {e}")))
}

fn stored(delta: &Delta) -> Result<String, DbError> {
    serde_json::to_string(delta).map_err(|e| DbError::Corrupt(e.to_string()))
}
