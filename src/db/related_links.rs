//! Related-link rows, their targets, and the synchronous queries on them.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::articles::{self, ArticleKey, ArticleRow};
use super::positions::{self, OrderedList, OrderedTable};
use super::schema::{articles as articles_table, related_links};
use super::{DbConn, WriteError, write_transaction};
use crate::domain::FieldError;
use crate::domain::access::Visibility;
use crate::domain::paging::Paging;
use crate::domain::related_link::{LinkTarget, RelatedLinkFields};
use crate::domain::version::Expected;

/// A related link as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = related_links)]
pub struct RelatedLinkRow {
    pub id: String,
    pub article_id: String,
    pub target_article_id: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub relation: String,
    pub position: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The id, slug, title and status of an internal link's target.
pub type TargetRow = (String, String, String, String);

/// A link with its target's current details (internal links only).
pub type LinkWithTarget = (RelatedLinkRow, Option<TargetRow>);

/// Links joined with their targets; one query however many links.
macro_rules! with_targets {
    () => {
        related_links::table
            .left_join(articles_table::table.on(related_links::target_article_id.eq(articles_table::id.nullable())))
            .select((
                RelatedLinkRow::as_select(),
                (articles_table::id, articles_table::slug, articles_table::title, articles_table::status).nullable(),
            ))
    };
}

/// Leaves out, for callers who may not see every article, the links whose target
/// they may not see (external links always stay).
macro_rules! with_visible_targets {
    ($visibility:expr) => {{
        let mut query = with_targets!().into_boxed();
        if let Visibility::PublishedBy(now) = $visibility {
            // The target is the joined article row, so no subquery is needed.
            query = query.filter(
                related_links::target_article_id
                    .is_null()
                    .or(articles_table::status.eq("published").and(articles_table::published_at.le(now.naive_utc()))),
            );
        }
        query
    }};
}

/// Finds one link with its target.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<LinkWithTarget>> {
    with_targets!().filter(related_links::id.eq(id)).first(conn).optional()
}

/// Finds one link if the caller may see both its article and its target.
pub fn find_visible(conn: &mut DbConn, id: &str, visibility: Visibility) -> QueryResult<Option<LinkWithTarget>> {
    let found: Option<LinkWithTarget> =
        with_visible_targets!(visibility).filter(related_links::id.eq(id.to_owned())).first(conn).optional()?;
    match found {
        Some(link) if articles::is_visible(conn, &link.0.article_id, visibility)? => Ok(Some(link)),
        _ => Ok(None),
    }
}

/// One page of an article's links in position order (the caller has checked it may
/// see the article).
pub fn list_for_article(
    conn: &mut DbConn,
    article_id: &str,
    paging: &Paging,
    visibility: Visibility,
) -> QueryResult<Vec<LinkWithTarget>> {
    let start = OrderedList::new(OrderedTable::RelatedLinks, article_id, Utc::now().naive_utc())
        .page_start(conn, paging.after.as_ref())?;
    with_visible_targets!(visibility)
        .filter(related_links::article_id.eq(article_id.to_owned()))
        .filter(related_links::position.ge(start))
        .order_by(related_links::position.asc())
        .limit(paging.limit + 1)
        .load(conn)
}

/// Every link of the given articles, in position order: one query for a page.
pub fn for_articles(
    conn: &mut DbConn,
    article_ids: &[String],
    visibility: Visibility,
) -> QueryResult<Vec<LinkWithTarget>> {
    with_visible_targets!(visibility)
        .filter(related_links::article_id.eq_any(article_ids.to_vec()))
        .order_by((related_links::article_id, related_links::position))
        .load(conn)
}

/// Adds a link to an article (found by id or slug).
pub fn create(
    conn: &mut DbConn,
    article: &ArticleKey,
    fields: &RelatedLinkFields,
    now: DateTime<Utc>,
) -> Result<LinkWithTarget, WriteError> {
    write_transaction(conn, |c| {
        let article = articles::find(c, article)?.ok_or(WriteError::NotFound)?;
        positions::lock_article(c, &article.id)?;
        let row = insert(c, &article.id, fields, now)?;
        find(c, &row.id)?.ok_or(WriteError::NotFound)
    })
}

/// Replaces an article's whole ordered list; all of it is stored or none. Errors
/// point into the list (`/2/url`).
pub fn replace_all(
    conn: &mut DbConn,
    article: &ArticleKey,
    items: &[RelatedLinkFields],
    now: DateTime<Utc>,
) -> Result<Vec<LinkWithTarget>, WriteError> {
    write_transaction(conn, |c| {
        let article = articles::find(c, article)?.ok_or(WriteError::NotFound)?;
        positions::lock_article(c, &article.id)?;
        diesel::delete(related_links::table.filter(related_links::article_id.eq(&article.id))).execute(c)?;
        for (index, fields) in items.iter().enumerate() {
            insert(c, &article.id, fields, now).map_err(|e| e.nested(&format!("/{index}")))?;
        }
        Ok(for_articles(c, std::slice::from_ref(&article.id), Visibility::All)?)
    })
}

/// Inserts a link inside a transaction that holds the article's lock.
pub fn insert(
    conn: &mut DbConn,
    article_id: &str,
    fields: &RelatedLinkFields,
    now: DateTime<Utc>,
) -> Result<RelatedLinkRow, WriteError> {
    check_target(conn, article_id, None, &fields.target)?;
    let list = OrderedList::new(OrderedTable::RelatedLinks, article_id, now.naive_utc());
    let count = list.count(conn)?;
    let position = match fields.position {
        None => count,
        Some(p) if p <= count => p,
        Some(_) => return Err(past_the_end(count)),
    };
    list.open_gap(conn, position)?;
    let (target_article_id, url) = split_target(&fields.target);
    let row = RelatedLinkRow {
        id: uuid::Uuid::now_v7().to_string(),
        article_id: article_id.to_owned(),
        target_article_id,
        url,
        title: fields.title.clone(),
        relation: fields.relation.as_str().to_owned(),
        position,
        version: 1,
        created_at: now.naive_utc(),
        updated_at: now.naive_utc(),
    };
    diesel::insert_into(related_links::table).values(&row).execute(conn)?;
    Ok(row)
}

fn split_target(target: &LinkTarget) -> (Option<String>, Option<String>) {
    match target {
        LinkTarget::Article(id) => (Some(id.to_string()), None),
        LinkTarget::Url(url) => (None, Some(url.clone())),
    }
}

/// A position past the end depends on the list as stored now, so it is a conflict
/// with the current state (409), not a malformed request.
fn past_the_end(last: i32) -> WriteError {
    WriteError::Conflict(format!("position is past the end of the link list: at most {last} is possible now"))
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
                return Err(WriteError::Invalid(vec![FieldError::body(
                    "/target_article_id",
                    "an article cannot link to itself",
                )]));
            }
            if articles::find(conn, &ArticleKey::Id(uuid::Uuid::try_parse(&id).map_err(|_| WriteError::NotFound)?))?
                .is_none()
            {
                // Like a position past the end: depends on what is stored now.
                return Err(WriteError::Conflict("target_article_id: no article has this id".into()));
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
        return Err(WriteError::Conflict("the article already links to this target".into()));
    }
    Ok(())
}

/// Replaces a link's fields with what `fields_for` makes of the stored link (a
/// merge patch applied to it), under the article's lock; a new position moves it.
pub fn update(
    conn: &mut DbConn,
    id: &str,
    expected: &Expected,
    fields_for: impl FnOnce(&LinkWithTarget) -> Result<RelatedLinkFields, WriteError>,
    now: DateTime<Utc>,
) -> Result<LinkWithTarget, WriteError> {
    write_transaction(conn, |c| {
        let (current, _) = find(c, id)?.ok_or(WriteError::NotFound)?;
        positions::lock_article(c, &current.article_id)?;
        let stored = find(c, id)?.ok_or(WriteError::NotFound)?;
        let current = &stored.0;
        if !expected.allows(current.version) {
            return Err(WriteError::VersionMismatch { current: current.version });
        }
        let fields = fields_for(&stored)?;
        check_target(c, &current.article_id, Some(id), &fields.target)?;
        let position = fields.position.unwrap_or(current.position);
        let list = OrderedList::new(OrderedTable::RelatedLinks, &current.article_id, now.naive_utc());
        let last = list.count(c)? - 1;
        if position > last {
            return Err(past_the_end(last));
        }
        list.move_row(c, id, current.position, position)?;
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
        find(c, id)?.ok_or(WriteError::NotFound)
    })
}

/// Deletes a link; the ones after it move up.
pub fn delete(conn: &mut DbConn, id: &str, expected: &Expected, now: DateTime<Utc>) -> Result<(), WriteError> {
    write_transaction(conn, |c| {
        let (current, _) = find(c, id)?.ok_or(WriteError::NotFound)?;
        positions::lock_article(c, &current.article_id)?;
        let (current, _) = find(c, id)?.ok_or(WriteError::NotFound)?;
        if !expected.allows(current.version) {
            return Err(WriteError::VersionMismatch { current: current.version });
        }
        diesel::delete(related_links::table.filter(related_links::id.eq(id))).execute(c)?;
        OrderedList::new(OrderedTable::RelatedLinks, &current.article_id, now.naive_utc())
            .close_gap(c, current.position)?;
        Ok(())
    })
}

/// The articles linking to `target_id`, oldest first by id, one page.
pub fn backlinks(
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

/// The ids of the articles whose links point at `target_id` (before deleting it,
/// so their lists can be closed up afterwards).
pub fn sources_of(conn: &mut DbConn, target_id: &str) -> QueryResult<Vec<String>> {
    related_links::table
        .filter(related_links::target_article_id.eq(target_id))
        .select(related_links::article_id)
        .load(conn)
}
