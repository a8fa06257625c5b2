//! Writing articles: create (with children), replace, delete.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::lookup::{ArticleKey, ArticleRow, find};
use crate::db::changes::ChangeLog;
use crate::db::positions::{OrderedList, OrderedTable};
use crate::db::schema::{article_tags, articles};
use crate::db::{
    Backend, DbConn, DbError, WriteError, lock_article, locked_for_write, quotes, related_links, write_transaction,
};
use crate::domain::article::ArticleFields;
use crate::domain::change::ChangeType;
use crate::domain::lead_image::LeadImage;
use crate::domain::quote::QuoteFields;
use crate::domain::related_link::RelatedLinkFields;
use crate::domain::slug::Slug;
use crate::domain::version::Expected;

/// Quotes and links stored in the same transaction as a new article.
#[derive(Debug, Clone, Default)]
pub(crate) struct NewChildren {
    pub quotes: Vec<QuoteFields>,
    pub links: Vec<RelatedLinkFields>,
}

/// Stores a new article with its tags and children, all or nothing; a derived slug
/// is made unique with a numeric suffix, a slug the client chose that is taken is a
/// conflict. Errors in a child point at it (`/quotes/1/position`).
pub(crate) fn create(
    conn: &mut DbConn,
    fields: &ArticleFields,
    children: &NewChildren,
    now: DateTime<Utc>,
) -> Result<ArticleRow, WriteError> {
    // A concurrent create may take the derived slug between our check and insert;
    // then the unique index refuses it and we pick again.
    for _ in 0..5 {
        let result = write_transaction(conn, now, |c, log| {
            let slug = match &fields.slug {
                Some(slug) => slug.clone(),
                None => free_slug(c, &Slug::derive_from(&fields.title))?,
            };
            let row = new_row(fields, slug.to_string(), now);
            // Stored as announced with the row: the change log announces it below.
            let public = fields.is_public_at(now);
            diesel::insert_into(articles::table).values((&row, articles::announced_public.eq(public))).execute(c)?;
            log.article_created(&row, public)?;
            insert_tags(c, &row, &fields.tags.keys())?;
            quotes::insert_new(c, log, &row.id, &children.quotes, now)?;
            related_links::insert_new(c, log, &row.id, &children.links, now, "/related_links")?;
            Ok(row)
        });
        match result {
            Err(WriteError::Db(DbError::Conflict(_))) if fields.slug.is_none() => continue,
            Err(WriteError::Db(DbError::Conflict(_))) => {
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
        image: fields.image.as_ref().map(LeadImage::to_stored),
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
    insert_rows!(conn, article_tags::table, &rows).map(drop)
}

/// Replaces every writable field of an article with what `fields_for` makes of the
/// stored one (the fields of a `PUT`, or a merge patch applied to the current
/// state), checking the version the client expects. The row stays locked from read
/// to write, so concurrent patches of different fields all land. `slug == None`
/// keeps the current slug.
pub(crate) fn update(
    conn: &mut DbConn,
    key: &ArticleKey,
    expected: &Expected,
    fields_for: impl FnOnce(&ArticleRow) -> Result<ArticleFields, WriteError>,
    now: DateTime<Utc>,
) -> Result<ArticleRow, WriteError> {
    write_transaction(conn, now, |c, log| {
        let current = locked_for_write(c, |c| find(c, key), expected)?;
        let fields = fields_for(&current)?;
        store_fields(c, log, &current, &fields, now)
    })
}

/// Stores `fields` over the article `current` (read under its lock, inside a write
/// transaction) as its next version; `slug == None` keeps the current slug.
pub(crate) fn store_fields(
    c: &mut DbConn,
    log: &mut ChangeLog,
    current: &ArticleRow,
    fields: &ArticleFields,
    now: DateTime<Utc>,
) -> Result<ArticleRow, WriteError> {
    let slug = fields.slug.as_ref().map_or_else(|| current.slug.clone(), ToString::to_string);
    let mut row = new_row(fields, slug, now);
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
    log.article(ChangeType::ArticleUpdated, &row.id);
    Ok(row)
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
    diesel::dsl::Eq<articles::image, &Option<String>>,
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
        articles::image.eq(&row.image),
        articles::version.eq(&row.version),
        articles::updated_at.eq(&row.updated_at),
    )
}

fn slug_conflict(error: diesel::result::Error, slug: &str) -> WriteError {
    match DbError::from(error) {
        DbError::Conflict(_) => WriteError::Conflict(format!("slug `{slug}` is already taken")),
        other => WriteError::Db(other),
    }
}

/// Deletes an article. Its tags, quotes and links, and the links of other articles
/// that point at it, go with it by foreign key; those other articles' link lists are
/// then closed up so their positions stay gap-free.
pub(crate) fn delete(
    conn: &mut DbConn,
    key: &ArticleKey,
    expected: &Expected,
    now: DateTime<Utc>,
) -> Result<(), WriteError> {
    write_transaction(conn, now, |c, log| {
        let current = locked_for_write(c, |c| find(c, key), expected)?;
        let links = related_links::going_with(c, &current.id)?;
        let own_quotes = quotes::of_article(c, &current.id)?;
        let mut linking: Vec<String> = links.iter().map(|l| l.article_id.clone()).collect();
        linking.sort();
        linking.dedup();
        diesel::delete(articles::table.filter(articles::id.eq(&current.id))).execute(c)?;
        log.article_deleted(&current);
        for quote in &own_quotes {
            log.quote_deleted(quote);
        }
        for link in &links {
            log.link_deleted(link);
        }
        for source in linking.iter().filter(|s| **s != current.id) {
            lock_article(c, source)?;
            OrderedList::new(OrderedTable::RelatedLinks, source, now.naive_utc()).compact(c)?;
        }
        Ok(())
    })
}
