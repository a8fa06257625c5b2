//! The change log: what every write transaction appends before it commits, and
//! reading it back in commit order. Writes say which resources they changed
//! (`ChangeLog`); `record` reads those resources again as they stand at the end of
//! the transaction, so a record shows exactly what the commit made visible, and
//! announces the articles whose visibility to anonymous readers changed (giving
//! one its publication number, the sitemap archive's order, the first time it is
//! announced as public).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tokio::sync::Notify;

use super::articles::lookup::{ArticleRow, is_public};
use super::child_rows::{self, LinkWithTarget, QuoteRow, RelatedLinkRow};
use super::schema::{articles, change_log_state, changes, quotes};
use super::{DbConn, DbError, counts, revisions, stored_uuid};
use crate::domain::cache_tag;
use crate::domain::change::{ChangeRecord, ChangeType, ResourceKind};
use crate::domain::resource::{Article, Quote, RelatedLink};

/// A record as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = changes, treat_none_as_default_value = false)]
pub(crate) struct ChangeRow {
    #[diesel(skip_insertion)]
    pub seq: i64,
    pub change_type: String,
    pub occurred_at: NaiveDateTime,
    pub article_id: String,
    pub resource_kind: String,
    pub resource_id: String,
    pub version: i32,
    /// The resource as JSON, `None` for a deletion.
    pub data: Option<String>,
    /// The cache tags to purge, as a JSON array.
    pub purge_tags: String,
}

impl TryFrom<ChangeRow> for ChangeRecord {
    type Error = DbError;

    fn try_from(row: ChangeRow) -> Result<Self, DbError> {
        let corrupt = |what: &str| DbError::Corrupt(format!("change {}: {what}", row.seq));
        Ok(Self {
            sequence: row.seq,
            change_type: ChangeType::parse(&row.change_type).ok_or_else(|| corrupt("unknown type"))?,
            occurred_at: row.occurred_at.and_utc(),
            article_id: stored_uuid(&row.article_id)?,
            resource_kind: ResourceKind::parse(&row.resource_kind).ok_or_else(|| corrupt("unknown resource kind"))?,
            resource_id: stored_uuid(&row.resource_id)?,
            version: row.version,
            data: row.data.as_deref().map(serde_json::from_str).transpose().map_err(|_| corrupt("data"))?,
            purge_tags: serde_json::from_str(&row.purge_tags).map_err(|_| corrupt("purge tags"))?,
        })
    }
}

/// One change a write made, noted while it runs.
#[derive(Debug, Clone)]
struct Noted {
    change_type: ChangeType,
    id: String,
    article_id: String,
    /// What the record says when the write already knows it (a row it has just
    /// inserted and does not touch again, or a deletion, after which nothing is
    /// left to read back); `None`: read back at the end of the transaction.
    known: Option<Known>,
}

#[derive(Debug, Clone)]
struct Known {
    version: i32,
    /// The representation; `None` for a deletion.
    data: Option<serde_json::Value>,
    purge_tags: Vec<String>,
}

/// What one write transaction changed, in the order it changed it.
#[derive(Debug)]
pub(crate) struct ChangeLog {
    now: DateTime<Utc>,
    noted: Vec<Noted>,
    /// Articles whose visibility may have changed (written, or due).
    visibility: Vec<String>,
    /// The revision this write restores, for the revision it records.
    restored_from: Option<i32>,
    /// The public articles this write inserted, with their share of the section
    /// and tag counts (known from the insert: `counts` need not read them).
    created_public: Vec<counts::Share>,
}

impl ChangeLog {
    pub(crate) fn new(now: DateTime<Utc>) -> Self {
        Self { now, noted: Vec::new(), visibility: Vec::new(), restored_from: None, created_public: Vec::new() }
    }

    /// This write restores `revision` of the article it changes.
    pub(crate) fn restoring(&mut self, revision: i32) {
        self.restored_from = Some(revision);
    }

    /// The article was created or its own fields changed.
    pub(crate) fn article(&mut self, change_type: ChangeType, id: &str) {
        self.note(change_type, id, id);
        self.visibility_of(id);
    }

    /// A new article, as inserted (its children are noted apart). `public`: whether
    /// anyone may see it now, which the insert stored as announced, so that its
    /// `article.published` follows here without reading it back.
    pub(crate) fn article_created(&mut self, row: &ArticleRow, public: bool) -> Result<(), DbError> {
        let article = Article::try_from(row.clone())?;
        let known = Known { version: article.version, data: Some(json(&article)?), purge_tags: article_tags(&row.id) };
        if public {
            self.known(ChangeType::ArticleCreated, &row.id, &row.id, known.clone());
            self.known(ChangeType::ArticlePublished, &row.id, &row.id, known);
            let share =
                counts::Share { article_id: row.id.clone(), section: row.section.clone(), tags: row.tags.clone() };
            self.created_public.push(share);
        } else {
            self.known(ChangeType::ArticleCreated, &row.id, &row.id, known);
        }
        Ok(())
    }

    /// A quote was changed.
    pub(crate) fn quote(&mut self, change_type: ChangeType, row: &QuoteRow) {
        self.note(change_type, &row.id, &row.article_id);
    }

    /// A new quote, as inserted.
    pub(crate) fn quote_created(&mut self, row: &QuoteRow) -> Result<(), DbError> {
        let quote = Quote::try_from(row.clone())?;
        let purge_tags = quote_tags(&row.id, &row.article_id);
        let known = Known { version: quote.version, data: Some(json(&quote)?), purge_tags };
        self.known(ChangeType::QuoteCreated, &row.id, &row.article_id, known);
        Ok(())
    }

    /// A related link was changed.
    pub(crate) fn link(&mut self, change_type: ChangeType, row: &RelatedLinkRow) {
        self.note(change_type, &row.id, &row.article_id);
    }

    /// A new link, as inserted, with its target as the insert found it.
    pub(crate) fn link_created(&mut self, stored: LinkWithTarget) -> Result<(), DbError> {
        let (id, article_id, target) =
            (stored.0.id.clone(), stored.0.article_id.clone(), stored.0.target_article_id.clone());
        let link = RelatedLink::try_from(stored)?;
        let purge_tags = link_tags(&id, &article_id, target.as_deref());
        let known = Known { version: link.version, data: Some(json(&link)?), purge_tags };
        self.known(ChangeType::RelatedLinkCreated, &id, &article_id, known);
        Ok(())
    }

    /// The article is being deleted (its children's deletions are noted apart).
    pub(crate) fn article_deleted(&mut self, row: &ArticleRow) {
        self.gone(ResourceKind::Article, &row.id, &row.id, row.version, article_tags(&row.id));
    }

    /// The quote is being deleted.
    pub(crate) fn quote_deleted(&mut self, row: &QuoteRow) {
        self.gone(ResourceKind::Quote, &row.id, &row.article_id, row.version, quote_tags(&row.id, &row.article_id));
    }

    /// The link is being deleted.
    pub(crate) fn link_deleted(&mut self, row: &RelatedLinkRow) {
        let tags = link_tags(&row.id, &row.article_id, row.target_article_id.as_deref());
        self.gone(ResourceKind::RelatedLink, &row.id, &row.article_id, row.version, tags);
    }

    /// An article whose visibility may have changed without a write (a scheduled
    /// one whose time has come).
    pub(crate) fn visibility_of(&mut self, id: &str) {
        if !self.visibility.iter().any(|v| v == id) {
            self.visibility.push(id.to_owned());
        }
    }

    fn note(&mut self, change_type: ChangeType, id: &str, article_id: &str) {
        self.noted.push(Noted { change_type, id: id.to_owned(), article_id: article_id.to_owned(), known: None });
    }

    fn known(&mut self, change_type: ChangeType, id: &str, article_id: &str, known: Known) {
        self.noted.push(Noted {
            change_type,
            id: id.to_owned(),
            article_id: article_id.to_owned(),
            known: Some(known),
        });
    }

    fn gone(&mut self, kind: ResourceKind, id: &str, article_id: &str, version: i32, purge_tags: Vec<String>) {
        self.known(ChangeType::deleted(kind), id, article_id, Known { version, data: None, purge_tags });
    }
}

fn article_tags(id: &str) -> Vec<String> {
    vec![cache_tag::article(id), cache_tag::ARTICLES.to_owned()]
}

fn quote_tags(id: &str, article_id: &str) -> Vec<String> {
    vec![cache_tag::quote(id), cache_tag::article(article_id), cache_tag::QUOTES.to_owned()]
}

/// An internal link also shows in its target's backlinks, which carry the target's tag.
fn link_tags(id: &str, article_id: &str, target: Option<&str>) -> Vec<String> {
    let mut tags = vec![cache_tag::related_link(id), cache_tag::article(article_id)];
    tags.extend(target.map(cache_tag::article));
    tags
}

/// The lock every appending transaction takes on PostgreSQL, held until it commits:
/// sequence numbers are then handed out in commit order, so a reader that has seen
/// N+1 will never see N appear later. (SQLite has one writer at a time anyway.)
const APPEND_LOCK_KEY: i64 = 0x6e65_7773_6368_6731; // "newschg1"

static APPENDED: Notify = Notify::const_new();

/// Woken after a write transaction that appended records has committed in this
/// process (others' records are found by polling).
pub(crate) fn appended() -> &'static Notify {
    &APPENDED
}

/// Appends the records of what `log` noted, reading each changed resource as it
/// stands now, plus `article.published` / `article.unpublished` for the articles
/// whose visibility changed, and the revisions of the articles they changed. Runs
/// inside the write transaction, last. Returns how many records it appended.
pub(crate) fn record(conn: &mut DbConn, log: ChangeLog) -> Result<usize, DbError> {
    if log.noted.is_empty() && log.visibility.is_empty() {
        return Ok(0);
    }
    let now = log.now;
    let mut noted = log.noted;
    // The articles this write announces as public (created public, or made so):
    // those still without a publication number get one below.
    let mut newly_public: Vec<String> = log.created_public.iter().map(|c| c.article_id.clone()).collect();
    let (touched, created) = touched_articles(&noted, &log.visibility, log.created_public);
    let shown = Shown::load(conn, &noted, &log.visibility, now)?;
    let announced = shown.visibility_changes(&log.visibility);
    store_announced(conn, &announced)?;
    newly_public.extend(announced.iter().filter(|(_, public)| *public).map(|(id, _)| id.clone()));
    for (id, public) in announced {
        let change_type = if public { ChangeType::ArticlePublished } else { ChangeType::ArticleUnpublished };
        // After the article's own record, if it has one in this transaction.
        let at = noted.iter().rposition(|n| n.id == id).map_or(noted.len(), |i| i + 1);
        noted.insert(at, Noted { change_type, id: id.clone(), article_id: id, known: None });
    }
    let rows: Vec<ChangeRow> = noted.iter().filter_map(|n| shown.record(n, now)).collect::<Result<_, _>>()?;
    if !rows.is_empty() {
        append(conn, &rows)?;
        revisions::record(conn, &rows, now, log.restored_from)?;
        // Every article announced as public has its `article.published` among the
        // rows, so this runs whenever one does, after the append lock is taken.
        number_published(conn, &newly_public)?;
    }
    // Last, after the visibility is stored, and on PostgreSQL under the append
    // lock taken above: the count rows are updated by one writer at a time.
    counts::recount(conn, &touched, &created)?;
    Ok(rows.len())
}

/// The articles whose share of the section and tag counts may have changed: those
/// changed or deleted, and those whose visibility may have; and apart, the public
/// articles created, unless this transaction touched them again after the insert
/// (then they are read back like the others).
fn touched_articles(
    noted: &[Noted],
    visibility: &[String],
    created: Vec<counts::Share>,
) -> (Vec<String>, Vec<counts::Share>) {
    // A create's own records know their data; a deletion's know none; any other
    // change to an article is read back.
    let read_back = |n: &Noted| n.known.as_ref().is_none_or(|k| k.data.is_none());
    let mut ids: Vec<String> = noted
        .iter()
        .filter(|n| n.change_type.resource_kind() == ResourceKind::Article && read_back(n))
        .map(|n| n.id.clone())
        .chain(visibility.iter().cloned())
        .collect();
    let (again, created): (Vec<_>, Vec<_>) = created.into_iter().partition(|c| ids.contains(&c.article_id));
    ids.extend(again.into_iter().map(|c| c.article_id));
    ids.sort();
    ids.dedup();
    (ids, created)
}

/// Inserts the records. On PostgreSQL the append lock is taken by the same
/// statement (one round trip, not two): the lock's one-row subquery is joined
/// with the rows, so it is held before the first row draws its sequence number.
fn append(conn: &mut DbConn, rows: &[ChangeRow]) -> QueryResult<()> {
    use diesel::sql_types::{Array, Integer, Nullable, Text, Timestamp};
    let DbConn::Pg(pg) = conn else { return insert_rows!(conn, changes::table, rows).map(drop) };
    let column = |f: fn(&ChangeRow) -> String| rows.iter().map(f).collect::<Vec<_>>();
    diesel::sql_query(format!(
        "INSERT INTO changes (type, occurred_at, article_id, resource_kind, resource_id, version, data, purge_tags) \
         SELECT r.* FROM (SELECT pg_advisory_xact_lock({APPEND_LOCK_KEY})) AS append_lock, \
         unnest($1::text[], $2::timestamp[], $3::text[], $4::text[], $5::text[], $6::int4[], $7::text[], $8::text[]) \
         AS r(type, occurred_at, article_id, resource_kind, resource_id, version, data, purge_tags)"
    ))
    .bind::<Array<Text>, _>(column(|r| r.change_type.clone()))
    .bind::<Array<Timestamp>, _>(rows.iter().map(|r| r.occurred_at).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(column(|r| r.article_id.clone()))
    .bind::<Array<Text>, _>(column(|r| r.resource_kind.clone()))
    .bind::<Array<Text>, _>(column(|r| r.resource_id.clone()))
    .bind::<Array<Integer>, _>(rows.iter().map(|r| r.version).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|r| r.data.clone()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(column(|r| r.purge_tags.clone()))
    .execute(pg)
    .map(drop)
}

/// Gives a publication number to each of `ids` (articles this transaction
/// announces as public) that has none yet: the next numbers after the highest
/// given, in publication order among them. One statement, and none when no
/// article is announced as public (an edit of a public article, a draft's write).
///
/// `MAX + k` is safe because numbering writers are serialised until they commit:
/// on PostgreSQL by the append lock (`append` takes it, in this transaction, before
/// this runs; every transaction that numbers an article has appended that
/// article's record first, and the lock is held until its commit), and this
/// statement, at the default READ COMMITTED, takes a snapshot after the lock was
/// granted, so it sees every number given before; on SQLite by the write
/// transaction's `BEGIN IMMEDIATE` (one writer at a time). The unique index is the
/// backstop: were two writers ever to draw the same number, one would fail rather
/// than share it.
fn number_published(conn: &mut DbConn, ids: &[String]) -> QueryResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    // The maximum as a subquery of its own: SQLite reads `SELECT max(x) FROM t`
    // (alone) off the end of the index, not a COALESCE around it.
    let next = |these: &str| {
        format!(
            "UPDATE articles SET publication_seq = n.seq FROM \
             (SELECT id, COALESCE((SELECT max(publication_seq) FROM articles), 0) \
                         + row_number() OVER (ORDER BY published_at, id) AS seq \
              FROM articles WHERE id {these} AND announced_public AND publication_seq IS NULL) AS n \
             WHERE articles.id = n.id"
        )
    };
    match conn {
        DbConn::Pg(pg) => diesel::sql_query(next("= ANY($1)"))
            .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(ids)
            .execute(pg)
            .map(drop),
        DbConn::Sqlite(sqlite) => {
            let ids = serde_json::Value::from(ids.to_vec()).to_string();
            diesel::sql_query(next("IN (SELECT value FROM json_each($1))"))
                .bind::<diesel::sql_types::Text, _>(ids)
                .execute(sqlite)
                .map(drop)
        }
    }
}

/// Stores what is now announced about each article's visibility.
fn store_announced(conn: &mut DbConn, announced: &[(String, bool)]) -> QueryResult<()> {
    for public in [true, false] {
        let these: Vec<&String> = announced.iter().filter(|(_, p)| *p == public).map(|(id, _)| id).collect();
        if !these.is_empty() {
            diesel::update(articles::table.filter(articles::id.eq_any(these)))
                .set(articles::announced_public.eq(public))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The changed resources as they stand at the end of the transaction, read in one
/// query per kind.
struct Shown {
    articles: HashMap<String, (i32, serde_json::Value)>,
    /// For each article read: what was last announced about its visibility, and
    /// whether anyone may see it now.
    visibility: HashMap<String, (bool, bool)>,
    quotes: HashMap<String, (i32, serde_json::Value)>,
    links: HashMap<String, (i32, serde_json::Value, Option<String>)>,
}

impl Shown {
    fn load(conn: &mut DbConn, noted: &[Noted], visibility: &[String], now: DateTime<Utc>) -> Result<Self, DbError> {
        let ids = |kind: ResourceKind| -> Vec<String> {
            let mut ids: Vec<String> = noted
                .iter()
                .filter(|n| n.known.is_none() && n.change_type.resource_kind() == kind)
                .map(|n| n.id.clone())
                .collect();
            ids.sort();
            ids.dedup();
            ids
        };
        let mut shown = Self {
            articles: HashMap::new(),
            visibility: HashMap::new(),
            quotes: HashMap::new(),
            links: HashMap::new(),
        };
        let mut wanted = ids(ResourceKind::Article);
        wanted.extend(visibility.iter().filter(|id| !wanted.contains(id)).cloned().collect::<Vec<_>>());
        if !wanted.is_empty() {
            let rows: Vec<(ArticleRow, bool, Option<bool>)> = articles::table
                .filter(articles::id.eq_any(&wanted))
                .select((ArticleRow::as_select(), articles::announced_public, is_public(now).nullable()))
                .load(conn)?;
            for (row, announced, public) in rows {
                let article = Article::try_from(row)?;
                let id = article.id.to_string();
                shown.visibility.insert(id.clone(), (announced, public.unwrap_or(false)));
                shown.articles.insert(id, (article.version, json(&article)?));
            }
        }
        let wanted = ids(ResourceKind::Quote);
        if !wanted.is_empty() {
            let rows: Vec<QuoteRow> =
                quotes::table.filter(quotes::id.eq_any(&wanted)).select(QuoteRow::as_select()).load(conn)?;
            for row in rows {
                let quote = Quote::try_from(row)?;
                shown.quotes.insert(quote.id.to_string(), (quote.version, json(&quote)?));
            }
        }
        let wanted = ids(ResourceKind::RelatedLink);
        if !wanted.is_empty() {
            let rows: Vec<LinkWithTarget> = child_rows::find_links(conn, &wanted)?;
            for row in rows {
                let link = RelatedLink::try_from(row)?;
                let target = link.target_article_id.map(|t| t.to_string());
                shown.links.insert(link.id.to_string(), (link.version, json(&link)?, target));
            }
        }
        Ok(shown)
    }

    /// The articles of `ids` whose visibility differs from what was last announced,
    /// in that order (`true`: now public).
    fn visibility_changes(&self, ids: &[String]) -> Vec<(String, bool)> {
        ids.iter()
            .filter_map(|id| {
                let (announced, public) = *self.visibility.get(id)?;
                (announced != public).then(|| (id.clone(), public))
            })
            .collect()
    }

    /// The row for one noted change; `None` when the resource is gone again by the
    /// end of the transaction (its deletion has its own record).
    fn record(&self, n: &Noted, now: DateTime<Utc>) -> Option<Result<ChangeRow, DbError>> {
        let (version, data, tags) = match (&n.known, n.change_type.resource_kind()) {
            (Some(known), _) => (known.version, known.data.as_ref(), known.purge_tags.clone()),
            (None, ResourceKind::Article) => {
                let (version, data) = self.articles.get(&n.id)?;
                (*version, Some(data), article_tags(&n.id))
            }
            (None, ResourceKind::Quote) => {
                let (version, data) = self.quotes.get(&n.id)?;
                (*version, Some(data), quote_tags(&n.id, &n.article_id))
            }
            (None, ResourceKind::RelatedLink) => {
                let (version, data, target) = self.links.get(&n.id)?;
                (*version, Some(data), link_tags(&n.id, &n.article_id, target.as_deref()))
            }
        };
        Some(Ok(ChangeRow {
            seq: 0,
            change_type: n.change_type.as_str().to_owned(),
            occurred_at: now.naive_utc(),
            article_id: n.article_id.clone(),
            resource_kind: n.change_type.resource_kind().as_str().to_owned(),
            resource_id: n.id.clone(),
            version,
            data: data.map(ToString::to_string),
            purge_tags: serde_json::Value::from(tags).to_string(),
        }))
    }
}

/// A resource as the API shows it, as JSON.
pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, DbError> {
    serde_json::to_value(value).map_err(|e| DbError::Corrupt(e.to_string()))
}

/// Up to `limit` records after sequence number `after`, oldest first.
pub(crate) fn after(conn: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<ChangeRow>> {
    changes::table
        .filter(changes::seq.gt(after))
        .order(changes::seq.asc())
        .limit(limit)
        .select(ChangeRow::as_select())
        .load(conn)
}

/// The highest sequence number pruned so far (0 when nothing has been): a reader
/// whose position is below it has missed records.
pub(crate) fn pruned_through(conn: &mut DbConn) -> QueryResult<i64> {
    change_log_state::table.select(change_log_state::pruned_through).first(conn)
}

/// Deletes the records older than `before` and remembers how far it went, so that
/// a reader positioned before them is told it has missed some. Returns how many
/// it deleted.
pub fn prune(conn: &mut DbConn, before: DateTime<Utc>) -> QueryResult<usize> {
    conn.transaction(|c| {
        let through: Option<i64> = changes::table
            .filter(changes::occurred_at.lt(before.naive_utc()))
            .select(diesel::dsl::max(changes::seq))
            .first(c)?;
        let Some(through) = through else { return Ok(0) };
        let deleted = diesel::delete(changes::table.filter(changes::seq.le(through))).execute(c)?;
        diesel::update(change_log_state::table.filter(change_log_state::pruned_through.lt(through)))
            .set(change_log_state::pruned_through.eq(through))
            .execute(c)?;
        Ok(deleted)
    })
}
