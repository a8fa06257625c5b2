//! Kept counts of the articles anonymous readers see, per section and per tag
//! (`GET /v1/sections`, `GET /v1/tags`), and reading them a page at a time.
//!
//! An article is counted while it is announced as public (`announced_public`: the
//! change log sets it in the same transaction as any write that changes its
//! visibility, and the scheduler sets it for a scheduled article within a second
//! of its time). `counted_articles` keeps what each counted article contributes
//! (its section and tags as last counted); `recount`, run by the change log last in
//! every write transaction for the articles the write touched, compares that with
//! the article at commit and moves the counts by the difference. Whatever the write
//! was (create, edit, retag, status change, delete, restore, import, the seed, the
//! scheduler) the counts follow, with no second home for the rule.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConn;
use super::native::native;
use super::schema::{articles, counted_articles, section_counts, tag_counts};
use crate::domain::navigation::{NamePrefix, section_key};
use crate::domain::tags;

/// An article's share of the counts: its section and its tags (the JSON array as
/// stored on the article).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = counted_articles)]
pub(crate) struct Share {
    pub article_id: String,
    pub section: Option<String>,
    pub tags: String,
}

/// How much each section and tag count moves, in key order (so that concurrent
/// writers, were they not already serialised by the change log's lock, would take
/// the rows' locks in one order).
#[derive(Debug, Default)]
struct Moves {
    sections: BTreeMap<String, i64>,
    /// By tag key: the spelling to list a new key under, and the move.
    tags: BTreeMap<String, (String, i64)>,
}

impl Moves {
    fn add(&mut self, share: &Share, by: i64) {
        if let Some(section) = &share.section {
            *self.sections.entry(section.clone()).or_default() += by;
        }
        // Tags as stored are a JSON array of strings (the article's own column);
        // one that does not read as such counts no tags rather than failing a write.
        let stored: Vec<String> = serde_json::from_str(&share.tags).unwrap_or_default();
        for tag in stored {
            let entry = self.tags.entry(tags::key(&tag)).or_insert_with(|| (tag.clone(), 0));
            if by > 0 {
                // A tag brought in lists under the spelling of an article that brings it.
                entry.0 = tag;
            }
            entry.1 += by;
        }
    }
}

/// Brings the counts up to date with the articles `ids` as they stand now: each
/// one counted as it is if announced as public, and no longer as it was last
/// counted; and counts `created`, the public articles this transaction inserted
/// (nothing was counted for them before, and the insert knows what they hold, so
/// they cost no read). Call inside the write transaction, after the visibility it
/// announces is stored (`changes::record` does).
pub(crate) fn recount(conn: &mut DbConn, ids: &[String], created: &[Share]) -> QueryResult<()> {
    let (before, after) = shares(conn, ids)?;
    let mut moves = Moves::default();
    let (mut changed, mut rows) = (Vec::new(), created.to_vec());
    for share in created {
        moves.add(share, 1);
    }
    for id in ids {
        let (old, new) = (before.get(id), after.get(id));
        if old == new {
            continue;
        }
        if let Some(old) = old {
            moves.add(old, -1);
            changed.push(id.clone());
        }
        if let Some(new) = new {
            moves.add(new, 1);
            rows.push(new.clone());
        }
    }
    if !changed.is_empty() {
        diesel::delete(counted_articles::table.filter(counted_articles::article_id.eq_any(&changed))).execute(conn)?;
    }
    insert_rows!(conn, counted_articles::table, &rows)?;
    apply(conn, &moves)
}

type Shares = HashMap<String, Share>;

/// What the articles `ids` were last counted with, and what they would be counted
/// with now (public ones only), in one statement.
fn shares(conn: &mut DbConn, ids: &[String]) -> QueryResult<(Shares, Shares)> {
    use diesel::dsl::sql;
    use diesel::sql_types::Bool;
    if ids.is_empty() {
        return Ok((HashMap::new(), HashMap::new()));
    }
    let counted = counted_articles::table.filter(counted_articles::article_id.eq_any(ids)).select((
        sql::<Bool>("FALSE"),
        counted_articles::article_id,
        counted_articles::section,
        counted_articles::tags,
    ));
    let now = articles::table.filter(articles::id.eq_any(ids)).filter(articles::announced_public.eq(true)).select((
        sql::<Bool>("TRUE"),
        articles::id,
        articles::section,
        articles::tags,
    ));
    // A UNION has no MultiBackend form: the same statement, sent on each backend.
    let both = counted.union_all(now);
    let rows: Vec<(bool, String, Option<String>, String)> = native!(conn, |c| both.load(c))?;
    let (mut before, mut after) = (HashMap::new(), HashMap::new());
    for (current, article_id, section, tags) in rows {
        let side = if current { &mut after } else { &mut before };
        side.insert(article_id.clone(), Share { article_id, section, tags });
    }
    Ok((before, after))
}

/// Moves the counts: an increment is an upsert (`n = n + d`, never a read and a
/// write, so no concurrent update is lost), a decrement an update, and a row whose
/// count reaches 0 is deleted, so that the lists show only what readers can find.
fn apply(conn: &mut DbConn, moves: &Moves) -> QueryResult<()> {
    for (section, by) in moves.sections.iter().filter(|(_, by)| **by != 0) {
        // The key is written again on every increment: it is the service's
        // lowercasing, where a backfill had only the database's.
        diesel::sql_query(
            "INSERT INTO section_counts (section, section_key, article_count) VALUES ($1, $2, $3) \
             ON CONFLICT (section) DO UPDATE SET article_count = section_counts.article_count + excluded.article_count, \
             section_key = excluded.section_key",
        )
        .bind::<Text, _>(section)
        .bind::<Text, _>(section_key(section))
        .bind::<BigInt, _>(*by)
        .execute(conn)?;
        if *by < 0 {
            diesel::delete(
                section_counts::table
                    .filter(section_counts::section.eq(section))
                    .filter(section_counts::article_count.le(0)),
            )
            .execute(conn)?;
        }
    }
    for (key, (tag, by)) in moves.tags.iter().filter(|(_, (_, by))| *by != 0) {
        diesel::sql_query(
            "INSERT INTO tag_counts (tag_key, tag, article_count) VALUES ($1, $2, $3) \
             ON CONFLICT (tag_key) DO UPDATE SET article_count = tag_counts.article_count + excluded.article_count",
        )
        .bind::<Text, _>(key)
        .bind::<Text, _>(tag)
        .bind::<BigInt, _>(*by)
        .execute(conn)?;
        if *by < 0 {
            diesel::delete(
                tag_counts::table.filter(tag_counts::tag_key.eq(key)).filter(tag_counts::article_count.le(0)),
            )
            .execute(conn)?;
        }
    }
    Ok(())
}

/// A name and how many public articles carry it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub(crate) struct NameCount {
    pub name: String,
    pub article_count: i64,
}

/// Up to `limit` sections after the section `after` (in list order: by lowercased
/// name, then by name), those whose lowercased name starts with `prefix` only.
pub(crate) fn sections(
    conn: &mut DbConn,
    prefix: Option<&NamePrefix>,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<NameCount>> {
    use section_counts::{article_count, section, section_key as key};
    let mut query = section_counts::table.into_boxed();
    if let Some(prefix) = prefix {
        query = query.filter(key.ge(prefix.from.clone()));
        if let Some(until) = &prefix.until {
            query = query.filter(key.lt(until.clone()));
        }
    }
    if let Some(after) = after {
        let after_key = section_key(after);
        query = query.filter(key.gt(after_key.clone()).or(key.eq(after_key).and(section.gt(after.to_owned()))));
    }
    query.order((key.asc(), section.asc())).limit(limit).select((section, article_count)).load(conn)
}

/// Up to `limit` tags after the tag key `after`, by key, those whose key starts
/// with `prefix` only.
pub(crate) fn tags(
    conn: &mut DbConn,
    prefix: Option<&NamePrefix>,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(String, NameCount)>> {
    use tag_counts::{article_count, tag, tag_key as key};
    let mut query = tag_counts::table.into_boxed();
    if let Some(prefix) = prefix {
        query = query.filter(key.ge(prefix.from.clone()));
        if let Some(until) = &prefix.until {
            query = query.filter(key.lt(until.clone()));
        }
    }
    if let Some(after) = after {
        query = query.filter(key.gt(after.to_owned()));
    }
    let rows: Vec<(String, String, i64)> =
        query.order(key.asc()).limit(limit).select((key, tag, article_count)).load(conn)?;
    Ok(rows.into_iter().map(|(k, name, count)| (k, NameCount { name, article_count: count })).collect())
}
