//! Related-link rows, their targets, and the synchronous queries on them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::articles::lookup::{self as articles, ArticleKey, ArticleRow};
use super::changes::ChangeLog;
pub(crate) use super::child_rows::{LinkWithTarget, RelatedLinkRow, TargetRow, with_targets};
use super::native::native;
use super::positions::{NewList, OrderedList, OrderedTable};
use super::schema::{articles as articles_table, related_links};
use super::{DbConn, Versioned, WriteError, locked, locked_for_write, write_transaction};
use crate::domain::FieldError;
use crate::domain::access::Visibility;
use crate::domain::change::ChangeType;
use crate::domain::paging::Paging;
use crate::domain::related_link::{LinkTarget, RelatedLinkFields};
use crate::domain::version::Expected;

/// The links whose target anyone may see at `now`: external links, and internal
/// ones to a public article. The target is the joined article row, so no subquery
/// is needed.
type TargetVisible = diesel::dsl::Or<diesel::dsl::IsNull<related_links::target_article_id>, articles::IsPublic>;

/// See [`TargetVisible`].
fn target_visible(now: DateTime<Utc>) -> TargetVisible {
    related_links::target_article_id.is_null().or(articles::is_public(now))
}

/// Leaves out, for callers who may not see every article, the links whose target
/// they may not see (external links always stay).
macro_rules! with_visible_targets {
    ($visibility:expr) => {{
        let mut query = with_targets!().into_boxed();
        if let Visibility::PublishedBy(now) = $visibility {
            query = query.filter(target_visible(now));
        }
        query
    }};
}

/// Finds one link with its target.
pub(crate) fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<LinkWithTarget>> {
    with_targets!().filter(related_links::id.eq(id)).first(conn).optional()
}

/// Finds one link if the caller may see both its article and its target.
pub(crate) fn find_visible(conn: &mut DbConn, id: &str, visibility: Visibility) -> QueryResult<Option<LinkWithTarget>> {
    let found: Option<LinkWithTarget> =
        with_visible_targets!(visibility).filter(related_links::id.eq(id.to_owned())).first(conn).optional()?;
    match found {
        Some(link) if articles::is_visible(conn, &link.0.article_id, visibility)? => Ok(Some(link)),
        _ => Ok(None),
    }
}

/// One page of an article's links in position order (the caller has checked it may
/// see the article).
pub(crate) fn list_for_article(
    conn: &mut DbConn,
    article_id: &str,
    paging: &Paging,
    visibility: Visibility,
) -> QueryResult<Vec<LinkWithTarget>> {
    let start = OrderedTable::RelatedLinks.page_start(conn, article_id, paging.after.as_ref())?;
    with_visible_targets!(visibility)
        .filter(related_links::article_id.eq(article_id.to_owned()))
        .filter(related_links::position.ge(start))
        .order_by(related_links::position.asc())
        .limit(paging.limit + 1)
        .load(conn)
}

/// Every link of the given articles, in position order: one query for a page.
pub(crate) fn for_articles(
    conn: &mut DbConn,
    article_ids: &[String],
    visibility: Visibility,
) -> QueryResult<Vec<LinkWithTarget>> {
    // Every embedding read runs this: static queries on the backend's own
    // connection (`db::native`), one per visibility; one article's (the article
    // page) is `= $1`, not `= ANY($1)` (see `db::native` on why).
    let order = (related_links::article_id, related_links::position);
    if let [article_id] = article_ids {
        let of_article = related_links::article_id.eq(article_id);
        return match visibility {
            Visibility::All => native!(conn, |c| with_targets!().filter(of_article).order_by(order).load(c)),
            Visibility::PublishedBy(now) => {
                native!(conn, |c| with_targets!()
                    .filter(of_article)
                    .filter(target_visible(now))
                    .order_by(order)
                    .load(c))
            }
        };
    }
    let of_articles = related_links::article_id.eq_any(article_ids);
    match visibility {
        Visibility::All => {
            native!(conn, |c| with_targets!().filter(of_articles).order_by(order).load(c))
        }
        Visibility::PublishedBy(now) => {
            native!(conn, |c| with_targets!().filter(of_articles).filter(target_visible(now)).order_by(order).load(c))
        }
    }
}

impl Versioned for LinkWithTarget {
    fn article_id(&self) -> &str {
        &self.0.article_id
    }

    fn version(&self) -> i32 {
        self.0.version
    }

    fn reread(&self, conn: &mut DbConn) -> QueryResult<Option<Self>> {
        find(conn, &self.0.id)
    }
}

/// Adds a link to an article (found by id or slug).
pub(crate) fn create(
    conn: &mut DbConn,
    article: &ArticleKey,
    fields: &RelatedLinkFields,
    now: DateTime<Utc>,
) -> Result<LinkWithTarget, WriteError> {
    write_transaction(conn, now, |c, log| {
        let article = locked(c, |c| articles::find(c, article))?;
        check_target(c, &article.id, None, &fields.target)?;
        let list = OrderedList::new(OrderedTable::RelatedLinks, &article.id, now.naive_utc());
        let position = list.place_new(c, fields.position)?;
        let row = new_row(&article.id, fields, position, 1, now);
        diesel::insert_into(related_links::table).values(&row).execute(c)?;
        let stored = find(c, &row.id)?.ok_or(WriteError::NotFound)?;
        log.link_created(stored.clone())?;
        Ok(stored)
    })
}

/// Replaces an article's whole ordered list; all of it is stored or none. Errors
/// point into the list (`/2/url`).
pub(crate) fn replace_all(
    conn: &mut DbConn,
    article: &ArticleKey,
    items: &[RelatedLinkFields],
    now: DateTime<Utc>,
) -> Result<Vec<LinkWithTarget>, WriteError> {
    write_transaction(conn, now, |c, log| {
        let article = locked(c, |c| articles::find(c, article))?;
        let mine = related_links::table.filter(related_links::article_id.eq(&article.id));
        let old: Vec<RelatedLinkRow> =
            mine.order(related_links::position.asc()).select(RelatedLinkRow::as_select()).load(c)?;
        diesel::delete(mine).execute(c)?;
        for row in &old {
            log.link_deleted(row);
        }
        insert_new(c, log, &article.id, items, now, "")?;
        Ok(for_articles(c, std::slice::from_ref(&article.id), Visibility::All)?)
    })
}

/// Stores a whole list of links for an article that has none (a new article, or
/// a list being replaced) in one statement, with one query for the targets.
/// Errors point at the link under `prefix` (`/related_links/1/url`).
pub(crate) fn insert_new(
    conn: &mut DbConn,
    log: &mut ChangeLog,
    article_id: &str,
    all: &[RelatedLinkFields],
    now: DateTime<Utc>,
    prefix: &str,
) -> Result<(), WriteError> {
    let wanted: Vec<String> = all
        .iter()
        .filter_map(|f| match &f.target {
            LinkTarget::Article(id) => Some(id.to_string()),
            LinkTarget::Url(_) => None,
        })
        .collect();
    // The targets with what a link shows of them, for the change log.
    let existing: HashMap<String, TargetRow> = if wanted.is_empty() {
        HashMap::new()
    } else {
        articles_table::table
            .filter(articles_table::id.eq_any(&wanted))
            .select((articles_table::id, articles_table::slug, articles_table::title, articles_table::status))
            .load::<TargetRow>(conn)?
            .into_iter()
            .map(|t| (t.0.clone(), t))
            .collect()
    };
    // Each link is checked as if the earlier ones were already stored: the same
    // errors, in the same order, as inserting them one by one.
    let mut list = NewList::new(OrderedTable::RelatedLinks);
    let mut seen = Vec::new();
    for (index, fields) in all.iter().enumerate() {
        let checked = check_new_target(article_id, &fields.target, &existing, &mut seen)
            .and_then(|()| list.place(fields.position));
        checked.map_err(|e| e.nested(&format!("{prefix}/{index}")))?;
    }
    let rows: Vec<RelatedLinkRow> = all
        .iter()
        .zip(list.finish())
        .map(|(fields, (position, version))| new_row(article_id, fields, position, version, now))
        .collect();
    insert_rows!(conn, related_links::table, &rows)?;
    for row in rows {
        let target = row.target_article_id.as_ref().and_then(|t| existing.get(t)).cloned();
        log.link_created((row, target))?;
    }
    Ok(())
}

/// `check_target` for a link of a list stored in one go: `existing` holds the
/// internal targets that exist, `seen` the targets of the links before it.
fn check_new_target(
    article_id: &str,
    target: &LinkTarget,
    existing: &HashMap<String, TargetRow>,
    seen: &mut Vec<LinkTarget>,
) -> Result<(), WriteError> {
    if let LinkTarget::Article(id) = target {
        let id = id.to_string();
        if id == article_id {
            return Err(self_link());
        }
        if !existing.contains_key(&id) {
            return Err(missing_target());
        }
    }
    if seen.contains(target) {
        return Err(duplicate_target());
    }
    seen.push(target.clone());
    Ok(())
}

fn new_row(
    article_id: &str,
    fields: &RelatedLinkFields,
    position: i32,
    version: i32,
    now: DateTime<Utc>,
) -> RelatedLinkRow {
    let (target_article_id, url) = split_target(&fields.target);
    RelatedLinkRow {
        id: uuid::Uuid::now_v7().to_string(),
        article_id: article_id.to_owned(),
        target_article_id,
        url,
        title: fields.title.clone(),
        relation: fields.relation.as_str().to_owned(),
        position,
        version,
        created_at: now.naive_utc(),
        updated_at: now.naive_utc(),
    }
}

fn split_target(target: &LinkTarget) -> (Option<String>, Option<String>) {
    match target {
        LinkTarget::Article(id) => (Some(id.to_string()), None),
        LinkTarget::Url(url) => (None, Some(url.clone())),
    }
}

fn self_link() -> WriteError {
    WriteError::Invalid(vec![FieldError::body("/target_article_id", "an article cannot link to itself")])
}

/// Like a position past the end: depends on what is stored now.
fn missing_target() -> WriteError {
    WriteError::Conflict("target_article_id: no article has this id".into())
}

fn duplicate_target() -> WriteError {
    WriteError::Conflict("the article already links to this target".into())
}

/// An internal target must exist and not be the article itself; no target may
/// appear twice in one article (`except` is the link being changed).
fn check_target(
    conn: &mut DbConn,
    article_id: &str,
    except: Option<&str>,
    target: &LinkTarget,
) -> Result<(), WriteError> {
    let mut same = related_links::table.filter(related_links::article_id.eq(article_id)).into_boxed();
    match target {
        LinkTarget::Article(id) => {
            let id = id.to_string();
            if id == article_id {
                return Err(self_link());
            }
            if articles::find(conn, &ArticleKey::Id(uuid::Uuid::try_parse(&id).map_err(|_| WriteError::NotFound)?))?
                .is_none()
            {
                return Err(missing_target());
            }
            same = same.filter(related_links::target_article_id.eq(id));
        }
        LinkTarget::Url(url) => same = same.filter(related_links::url.eq(url.clone())),
    }
    if let Some(except) = except {
        same = same.filter(related_links::id.ne(except.to_owned()));
    }
    let taken: i64 = same.count().get_result(conn)?;
    if taken > 0 {
        return Err(duplicate_target());
    }
    Ok(())
}

/// Replaces a link's fields with what `fields_for` makes of the stored link (a
/// merge patch applied to it), under the article's lock; a new position moves it.
pub(crate) fn update(
    conn: &mut DbConn,
    id: &str,
    expected: &Expected,
    fields_for: impl FnOnce(&LinkWithTarget) -> Result<RelatedLinkFields, WriteError>,
    now: DateTime<Utc>,
) -> Result<LinkWithTarget, WriteError> {
    write_transaction(conn, now, |c, log| {
        let stored = locked_for_write(c, |c| find(c, id), expected)?;
        let current = &stored.0;
        let fields = fields_for(&stored)?;
        check_target(c, &current.article_id, Some(id), &fields.target)?;
        let list = OrderedList::new(OrderedTable::RelatedLinks, &current.article_id, now.naive_utc());
        list.place_moved(c, id, current.position, fields.position)?;
        let (target_article_id, url) = split_target(&fields.target);
        diesel::update(related_links::table.filter(related_links::id.eq(id)))
            .set((
                related_links::target_article_id.eq(target_article_id),
                related_links::url.eq(url),
                related_links::title.eq(&fields.title),
                related_links::relation.eq(fields.relation.as_str()),
                related_links::version.eq(current.version + 1),
                related_links::updated_at.eq(now.naive_utc()),
            ))
            .execute(c)?;
        log.link(ChangeType::RelatedLinkUpdated, current);
        find(c, id)?.ok_or(WriteError::NotFound)
    })
}

/// Deletes a link; the ones after it move up.
pub(crate) fn delete(conn: &mut DbConn, id: &str, expected: &Expected, now: DateTime<Utc>) -> Result<(), WriteError> {
    write_transaction(conn, now, |c, log| {
        let (current, _) = locked_for_write(c, |c| find(c, id), expected)?;
        diesel::delete(related_links::table.filter(related_links::id.eq(id))).execute(c)?;
        log.link_deleted(&current);
        OrderedList::new(OrderedTable::RelatedLinks, &current.article_id, now.naive_utc())
            .close_gap(c, current.position)?;
        Ok(())
    })
}

/// The articles linking to `target_id`, oldest first by id, one page.
pub(crate) fn backlinks(
    conn: &mut DbConn,
    target_id: &str,
    paging: &Paging,
    visibility: Visibility,
) -> QueryResult<Vec<ArticleRow>> {
    let sources =
        related_links::table.filter(related_links::target_article_id.eq(target_id)).select(related_links::article_id);
    let mut query = articles_table::table.filter(articles_table::id.eq_any(sources)).into_boxed();
    query = articles::only_visible(query, visibility);
    if let Some(after) = &paging.after {
        query = query.filter(articles_table::id.gt(after.id.to_string()));
    }
    query.order_by(articles_table::id.asc()).limit(paging.limit + 1).select(ArticleRow::as_select()).load(conn)
}

/// The links an article's deletion takes with it: its own, and the links of other
/// articles that point at it (before deleting it, so that each has its record and
/// the other lists can be closed up afterwards).
pub(crate) fn going_with(conn: &mut DbConn, article_id: &str) -> QueryResult<Vec<RelatedLinkRow>> {
    related_links::table
        .filter(related_links::article_id.eq(article_id).or(related_links::target_article_id.eq(article_id)))
        .order((related_links::article_id.asc(), related_links::position.asc()))
        .select(RelatedLinkRow::as_select())
        .load(conn)
}
