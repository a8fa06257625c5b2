//! Article rows and the synchronous queries on them.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::{self, sql};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::positions::{self, OrderedList, OrderedTable};
use super::schema::{article_tags, articles};
use super::{Backend, DbConn, MultiBackend, WriteError, is_unique_violation, quotes, related_links, write_transaction};
use crate::domain::access::Visibility;
use crate::domain::article::{ArticleFields, ArticleStatus};
use crate::domain::article_filter::ArticleFilter;
use crate::domain::cursor::ArticleSort;
use crate::domain::quote::QuoteFields;
use crate::domain::related_link::RelatedLinkFields;
use crate::domain::slug::Slug;
use crate::domain::version::Expected;

/// An article as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = articles)]
pub struct ArticleRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub body: String,
    pub byline: Option<String>,
    pub status: String,
    pub published_at: Option<NaiveDateTime>,
    pub section: Option<String>,
    /// The tags as sent, as a JSON array.
    pub tags: String,
    pub language: String,
    pub source_name: Option<String>,
    pub source_url: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub use crate::domain::article_ref::ArticleKey;

pub(crate) type ArticleQuery<'a> = articles::BoxedQuery<'a, MultiBackend>;

fn by_key(key: &ArticleKey) -> ArticleQuery<'static> {
    match key {
        ArticleKey::Id(id) => articles::table.filter(articles::id.eq(id.to_string())).into_boxed(),
        ArticleKey::Slug(slug) => articles::table.filter(articles::slug.eq(slug.to_string())).into_boxed(),
    }
}

/// Finds one article by id or slug.
pub fn find(conn: &mut DbConn, key: &ArticleKey) -> QueryResult<Option<ArticleRow>> {
    by_key(key).select(ArticleRow::as_select()).first(conn).optional()
}

/// Finds one article by id or slug if the caller may see it.
pub fn find_visible(conn: &mut DbConn, key: &ArticleKey, visibility: Visibility) -> QueryResult<Option<ArticleRow>> {
    only_visible(by_key(key), visibility).select(ArticleRow::as_select()).first(conn).optional()
}

/// Whether the article with this id exists and the caller may see it.
pub fn is_visible(conn: &mut DbConn, id: &str, visibility: Visibility) -> QueryResult<bool> {
    let query = only_visible(articles::table.filter(articles::id.eq(id.to_owned())).into_boxed(), visibility);
    Ok(query.select(articles::id).first::<String>(conn).optional()?.is_some())
}

/// Narrows an article query to what the caller may see.
pub(crate) fn only_visible(query: ArticleQuery<'_>, visibility: Visibility) -> ArticleQuery<'_> {
    match visibility {
        Visibility::All => query,
        Visibility::PublishedBy(now) => query
            .filter(articles::status.eq(ArticleStatus::Published.as_str()))
            .filter(articles::published_at.le(now.naive_utc())),
    }
}

/// A subquery of the ids of the articles anyone may see at `$now`.
macro_rules! public_article_ids {
    ($now:expr) => {
        $crate::db::schema::articles::table
            .filter($crate::db::schema::articles::status.eq("published"))
            .filter($crate::db::schema::articles::published_at.le($now.naive_utc()))
            .select($crate::db::schema::articles::id)
    };
}
pub(crate) use public_article_ids;

/// Quotes and links stored in the same transaction as a new article.
#[derive(Debug, Clone, Default)]
pub struct NewChildren {
    pub quotes: Vec<QuoteFields>,
    pub links: Vec<RelatedLinkFields>,
}

/// Stores a new article with its tags and children, all or nothing; a derived slug
/// is made unique with a numeric suffix, a slug the client chose that is taken is a
/// conflict. Errors in a child point at it (`/quotes/1/position`).
pub fn create(
    conn: &mut DbConn,
    fields: &ArticleFields,
    children: &NewChildren,
    now: DateTime<Utc>,
) -> Result<ArticleRow, WriteError> {
    // A concurrent create may take the derived slug between our check and insert;
    // then the unique index refuses it and we pick again.
    for _ in 0..5 {
        let result = write_transaction(conn, |c| {
            let slug = match &fields.slug {
                Some(slug) => slug.clone(),
                None => free_slug(c, &Slug::derive_from(&fields.title))?,
            };
            let row = new_row(fields, slug.to_string(), now);
            diesel::insert_into(articles::table).values(&row).execute(c)?;
            insert_tags(c, &row, &fields.tags.keys())?;
            for (index, quote) in children.quotes.iter().enumerate() {
                quotes::insert(c, &row.id, quote, now).map_err(|e| e.nested(&format!("/quotes/{index}")))?;
            }
            for (index, link) in children.links.iter().enumerate() {
                related_links::insert(c, &row.id, link, now)
                    .map_err(|e| e.nested(&format!("/related_links/{index}")))?;
            }
            Ok(row)
        });
        match result {
            Err(WriteError::Db(e)) if is_unique_violation(&e) && fields.slug.is_none() => continue,
            Err(WriteError::Db(e)) if is_unique_violation(&e) => {
                return Err(WriteError::Conflict(format!("slug `{}` is already taken", slug_of(fields))));
            }
            other => return other,
        }
    }
    Err(WriteError::Conflict("could not find a free slug; give one explicitly".into()))
}

fn slug_of(fields: &ArticleFields) -> String {
    fields.slug.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// The first of `base`, `base-2`, `base-3`, … that no article uses. On PostgreSQL
/// a transaction-scoped advisory lock on the base serialises concurrent creates of
/// the same title, so they do not all pick the same suffix (SQLite's write lock
/// already does).
fn free_slug(conn: &mut DbConn, base: &Slug) -> QueryResult<Slug> {
    if let DbConn::Pg(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))::text")
            .bind::<diesel::sql_types::Text, _>(base.as_ref())
            .execute(pg)?;
    }
    // The base and every `base-…`, found through indexes: on PostgreSQL a LIKE
    // prefix (served by articles_slug_pattern_idx); on SQLite, whose LIKE ignores
    // case and so no index serves, the same prefix as a range of bytes (`.` follows
    // `-`).
    let exact = articles::slug.eq(base.as_ref());
    let candidates = match conn.backend() {
        Backend::Postgres => articles::table.filter(exact.or(articles::slug.like(format!("{base}-%")))).into_boxed(),
        Backend::Sqlite => articles::table
            .filter(exact.or(articles::slug.ge(format!("{base}-")).and(articles::slug.lt(format!("{base}.")))))
            .into_boxed(),
    };
    let taken: Vec<String> = candidates.select(articles::slug).load(conn)?;
    if !taken.iter().any(|s| s == base.as_ref()) {
        return Ok(base.clone());
    }
    let next = taken
        .iter()
        .filter_map(|s| s.strip_prefix(&format!("{base}-"))?.parse::<u32>().ok())
        .max()
        .unwrap_or(1)
        .saturating_add(1);
    Ok(base.with_suffix(next.max(2)))
}

fn new_row(fields: &ArticleFields, slug: String, now: DateTime<Utc>) -> ArticleRow {
    ArticleRow {
        id: uuid::Uuid::now_v7().to_string(),
        slug,
        title: fields.title.clone(),
        summary: fields.summary.clone(),
        body: fields.body.clone(),
        byline: fields.byline.clone(),
        status: fields.status.as_str().to_owned(),
        published_at: fields.published_at.map(|t| t.naive_utc()),
        section: fields.section.clone(),
        tags: serde_json::Value::from(fields.tags.as_slice().to_vec()).to_string(),
        language: fields.language.as_ref().to_owned(),
        source_name: fields.source_name.clone(),
        source_url: fields.source_url.clone(),
        version: 1,
        created_at: now.naive_utc(),
        updated_at: now.naive_utc(),
    }
}

/// The article's tag rows, each with the article's status and publication date.
fn insert_tags(conn: &mut DbConn, article: &ArticleRow, keys: &[String]) -> QueryResult<()> {
    let rows: Vec<_> = keys
        .iter()
        .map(|k| {
            (
                article_tags::article_id.eq(&article.id),
                article_tags::tag_key.eq(k),
                article_tags::status.eq(&article.status),
                article_tags::published_at.eq(article.published_at),
            )
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    // Multi-row inserts do not compile through the MultiBackend; each backend
    // takes the same statement directly.
    let insert = diesel::insert_into(article_tags::table).values(&rows);
    match conn {
        DbConn::Pg(c) => insert.execute(c),
        DbConn::Sqlite(c) => insert.execute(c),
    }
    .map(drop)
}

/// Replaces every writable field of an article with what `fields_for` makes of the
/// stored one (the fields of a `PUT`, or a merge patch applied to the current
/// state), checking the version the client expects. The row stays locked from read
/// to write, so concurrent patches of different fields all land. `slug == None`
/// keeps the current slug.
pub fn update(
    conn: &mut DbConn,
    key: &ArticleKey,
    expected: &Expected,
    fields_for: impl FnOnce(&ArticleRow) -> Result<ArticleFields, WriteError>,
    now: DateTime<Utc>,
) -> Result<ArticleRow, WriteError> {
    write_transaction(conn, |c| {
        let found = find(c, key)?.ok_or(WriteError::NotFound)?;
        positions::lock_article(c, &found.id)?;
        // Read again under the lock: another writer may have committed meanwhile.
        let current = find_by_id(c, &found.id)?.ok_or(WriteError::NotFound)?;
        if !expected.allows(current.version) {
            return Err(WriteError::VersionMismatch { current: current.version });
        }
        let fields = fields_for(&current)?;
        let slug = fields.slug.as_ref().map_or_else(|| current.slug.clone(), ToString::to_string);
        let mut row = new_row(&fields, slug, now);
        row.id = current.id.clone();
        row.version = current.version + 1;
        row.created_at = current.created_at;
        diesel::update(articles::table)
            .filter(articles::id.eq(&current.id))
            .set(changes(&row))
            .execute(c)
            .map_err(|e| slug_conflict(e, &row.slug))?;
        diesel::delete(article_tags::table.filter(article_tags::article_id.eq(&current.id))).execute(c)?;
        insert_tags(c, &row, &fields.tags.keys())?;
        Ok(row)
    })
}

fn find_by_id(conn: &mut DbConn, id: &str) -> QueryResult<Option<ArticleRow>> {
    articles::table.filter(articles::id.eq(id)).select(ArticleRow::as_select()).first(conn).optional()
}

#[expect(clippy::type_complexity, reason = "diesel's changeset tuple type")]
fn changes(
    row: &ArticleRow,
) -> (
    diesel::dsl::Eq<articles::slug, &String>,
    diesel::dsl::Eq<articles::title, &String>,
    diesel::dsl::Eq<articles::summary, &Option<String>>,
    diesel::dsl::Eq<articles::body, &String>,
    diesel::dsl::Eq<articles::byline, &Option<String>>,
    diesel::dsl::Eq<articles::status, &String>,
    diesel::dsl::Eq<articles::published_at, &Option<NaiveDateTime>>,
    diesel::dsl::Eq<articles::section, &Option<String>>,
    diesel::dsl::Eq<articles::tags, &String>,
    diesel::dsl::Eq<articles::language, &String>,
    diesel::dsl::Eq<articles::source_name, &Option<String>>,
    diesel::dsl::Eq<articles::source_url, &Option<String>>,
    diesel::dsl::Eq<articles::version, &i32>,
    diesel::dsl::Eq<articles::updated_at, &NaiveDateTime>,
) {
    (
        articles::slug.eq(&row.slug),
        articles::title.eq(&row.title),
        articles::summary.eq(&row.summary),
        articles::body.eq(&row.body),
        articles::byline.eq(&row.byline),
        articles::status.eq(&row.status),
        articles::published_at.eq(&row.published_at),
        articles::section.eq(&row.section),
        articles::tags.eq(&row.tags),
        articles::language.eq(&row.language),
        articles::source_name.eq(&row.source_name),
        articles::source_url.eq(&row.source_url),
        articles::version.eq(&row.version),
        articles::updated_at.eq(&row.updated_at),
    )
}

fn slug_conflict(error: diesel::result::Error, slug: &str) -> WriteError {
    if is_unique_violation(&error) {
        WriteError::Conflict(format!("slug `{slug}` is already taken"))
    } else {
        WriteError::Db(error)
    }
}

/// Deletes an article. Its tags, quotes and links, and the links of other articles
/// that point at it, go with it by foreign key; those other articles' link lists are
/// then closed up so their positions stay gap-free.
pub fn delete(conn: &mut DbConn, key: &ArticleKey, expected: &Expected, now: DateTime<Utc>) -> Result<(), WriteError> {
    write_transaction(conn, |c| {
        let current = find(c, key)?.ok_or(WriteError::NotFound)?;
        if !expected.allows(current.version) {
            return Err(WriteError::VersionMismatch { current: current.version });
        }
        let mut linking = related_links::sources_of(c, &current.id)?;
        linking.sort();
        linking.dedup();
        diesel::delete(articles::table.filter(articles::id.eq(&current.id))).execute(c)?;
        for source in linking.iter().filter(|s| **s != current.id) {
            positions::lock_article(c, source)?;
            OrderedList::new(OrderedTable::RelatedLinks, source, now.naive_utc()).compact(c)?;
        }
        Ok(())
    })
}

/// One page of articles: up to `limit + 1` rows (the extra one tells whether a
/// next page exists) and, when asked, the number of all matching rows.
pub fn list(
    conn: &mut DbConn,
    filter: &ArticleFilter,
    now: DateTime<Utc>,
    visibility: Visibility,
) -> QueryResult<(Vec<ArticleRow>, Option<i64>)> {
    let backend = conn.backend();
    let matching = |f| only_visible(filtered(f, backend, now), visibility);
    let total = if filter.count { Some(matching(filter).count().get_result(conn)?) } else { None };
    let untagged;
    let page = match filter.tag_page() {
        Some(tag) => {
            // The page's ids imply the tag; the general tag condition is left out, or
            // the planner may join every article with the tag (a third of a million-
            // article archive for a popular one) to check what the ids already say.
            untagged = ArticleFilter { tags: Vec::new(), ..filter.clone() };
            ordered_page(matching(&untagged), &untagged).filter(articles::id.eq_any(tag_page_ids(tag, filter, now)))
        }
        None => ordered_page(matching(filter), filter),
    };
    let rows = page.select(ArticleRow::as_select()).limit(filter.limit + 1).load(conn)?;
    Ok((rows, total))
}

// The statement type of `tag_page_ids`, built up step by step.
type ByTag = dsl::Filter<
    dsl::Filter<article_tags::table, dsl::Eq<article_tags::tag_key, String>>,
    dsl::Eq<article_tags::status, &'static str>,
>;
type UpToNow = dsl::Filter<
    dsl::Filter<ByTag, dsl::LtEq<article_tags::published_at, NaiveDateTime>>,
    dsl::LtEq<article_tags::published_at, NaiveDateTime>,
>;
type AfterCursor = dsl::Filter<
    UpToNow,
    dsl::Or<
        dsl::Lt<article_tags::published_at, NaiveDateTime>,
        dsl::And<dsl::Eq<article_tags::published_at, NaiveDateTime>, dsl::Lt<article_tags::article_id, String>>,
    >,
>;
type TagPageIds = dsl::Limit<
    dsl::Select<
        dsl::Order<AfterCursor, (dsl::Desc<article_tags::published_at>, dsl::Desc<article_tags::article_id>)>,
        article_tags::article_id,
    >,
>;

/// The ids of one page of published articles with this tag, newest first, read
/// off the tag rows' own index (`article_tags_published_idx`). The page query keeps
/// all its other conditions, which these rows meet by construction; this only lets
/// the database start from the few rows of the page instead of searching the
/// articles for them. (One statement shape with or without a cursor: diesel cannot
/// nest a boxed subquery through the two-backend connection.)
fn tag_page_ids(tag: &str, filter: &ArticleFilter, now: DateTime<Utc>) -> TagPageIds {
    use article_tags::{article_id, published_at, status, tag_key};
    let now = now.naive_utc();
    // Without a cursor the page starts at `now`, past every id (ids are lowercase
    // hex and hyphens, all below `~`).
    let (key, last) = match &filter.after {
        Some(after) => (after.key.time().map_or(now, |k| k.naive_utc()), after.id.to_string()),
        None => (now, "~".to_owned()),
    };
    article_tags::table
        .filter(tag_key.eq(tag.to_owned()))
        .filter(status.eq(ArticleStatus::Published.as_str()))
        .filter(published_at.le(now))
        .filter(published_at.le(key))
        .filter(published_at.lt(key).or(published_at.eq(key).and(article_id.lt(last))))
        .order_by((published_at.desc(), article_id.desc()))
        .select(article_id)
        .limit(filter.limit + 1)
}

/// The rows matching the filters, before paging.
fn filtered<'a>(filter: &'a ArticleFilter, backend: Backend, now: DateTime<Utc>) -> ArticleQuery<'a> {
    let mut query = articles::table.into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(articles::status.eq(status.as_str()));
        if status == ArticleStatus::Published {
            // Scheduled articles are not out yet.
            query = query.filter(articles::published_at.le(now.naive_utc()));
        }
    }
    if let Some(section) = &filter.section {
        query = query.filter(articles::section.eq(section));
    }
    if let Some(source) = &filter.source_name {
        query = query.filter(articles::source_name.eq(source));
    }
    if let Some(language) = &filter.language {
        query = query.filter(articles::language.eq(language));
    }
    if let Some(after) = filter.published_after {
        query = query.filter(articles::published_at.ge(after.naive_utc()));
    }
    if let Some(before) = filter.published_before {
        query = query.filter(articles::published_at.lt(before.naive_utc()));
    }
    for tag in &filter.tags {
        let tagged = article_tags::table.filter(article_tags::tag_key.eq(tag)).select(article_tags::article_id);
        query = query.filter(articles::id.eq_any(tagged));
    }
    if let Some(search) = &filter.search {
        query = match backend {
            Backend::Postgres => query.filter(
                sql::<Bool>("articles.search @@ plainto_tsquery('english', ")
                    .bind::<Text, _>(search.raw().to_owned())
                    .sql(")"),
            ),
            Backend::Sqlite => query.filter(
                sql::<Bool>("articles.seq IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ")
                    .bind::<Text, _>(search.fts5_query())
                    .sql(")"),
            ),
        };
    }
    query
}

/// Applies the sort order and the keyset condition of the cursor.
fn ordered_page<'a>(mut query: ArticleQuery<'a>, filter: &ArticleFilter) -> ArticleQuery<'a> {
    use articles::{id, published_at, updated_at};
    let sort = filter.sort;
    let after = filter.after.as_ref();
    let after_id = after.map(|c| c.id.to_string());
    let after_key = after.and_then(|c| c.key.time()).map(|k| k.naive_utc());
    // Each keyset condition repeats its first column as a plain bound (`<= key`), so
    // that the database starts the index scan at the cursor instead of reading and
    // discarding every row before it: a page 50,000 rows deep costs what the first does.
    let dated_only = filter.status == Some(ArticleStatus::Published);
    match sort {
        ArticleSort::UpdatedDesc | ArticleSort::UpdatedAsc => {
            if let (Some(key), Some(last)) = (after_key, after_id) {
                query = if sort.descending() {
                    query.filter(updated_at.le(key)).filter(updated_at.lt(key).or(updated_at.eq(key).and(id.lt(last))))
                } else {
                    query.filter(updated_at.ge(key)).filter(updated_at.gt(key).or(updated_at.eq(key).and(id.gt(last))))
                };
            }
            if sort.descending() {
                query.order_by((updated_at.desc(), id.desc()))
            } else {
                query.order_by((updated_at.asc(), id.asc()))
            }
        }
        ArticleSort::PublishedDesc | ArticleSort::PublishedAsc => {
            if let Some(last) = after_id {
                query = match (after_key, sort.descending()) {
                    // Every published row has a date.
                    (Some(key), true) if dated_only => query
                        .filter(published_at.le(key))
                        .filter(published_at.lt(key).or(published_at.eq(key).and(id.lt(last)))),
                    (Some(key), false) if dated_only => query
                        .filter(published_at.ge(key))
                        .filter(published_at.gt(key).or(published_at.eq(key).and(id.gt(last)))),
                    // Unpublished rows (no date) come last in both directions.
                    (Some(key), true) => query.filter(
                        published_at
                            .lt(key)
                            .or(published_at.eq(key).and(id.lt(last.clone())))
                            .or(published_at.is_null()),
                    ),
                    (Some(key), false) => query.filter(
                        published_at
                            .gt(key)
                            .or(published_at.eq(key).and(id.gt(last.clone())))
                            .or(published_at.is_null()),
                    ),
                    (None, true) => query.filter(published_at.is_null().and(id.lt(last))),
                    (None, false) => query.filter(published_at.is_null().and(id.gt(last))),
                };
            }
            match (dated_only, sort.descending()) {
                // Every published row has a date: a plain index order.
                (true, true) => query.order_by((published_at.desc(), id.desc())),
                (true, false) => query.order_by((published_at.asc(), id.asc())),
                (false, true) => query.order_by((published_at.is_null().asc(), published_at.desc(), id.desc())),
                (false, false) => query.order_by((published_at.is_null().asc(), published_at.asc(), id.asc())),
            }
        }
    }
}
