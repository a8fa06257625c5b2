//! The article list: filters, sort orders and keyset pages.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl;
use diesel::prelude::*;

use super::lookup::{ArticleQuery, ArticleRow, TagRowIsPublic, is_public, only_visible, tag_row_is_public};
use crate::db::native::native;
use crate::db::schema::{article_tags, articles};
use crate::db::search::{self, Searched};
use crate::db::{Backend, DbConn};
use crate::domain::access::Visibility;
use crate::domain::article::ArticleStatus;
use crate::domain::article_filter::ArticleFilter;
use crate::domain::cursor::ArticleSort;
use crate::domain::fields::BodyRead;
use crate::domain::search::SearchText;

/// One page of articles: up to `limit + 1` rows (the extra one tells whether a
/// next page exists) and, when asked, the number of all matching rows.
pub(crate) fn list(
    conn: &mut DbConn,
    filter: &ArticleFilter,
    now: DateTime<Utc>,
    visibility: Visibility,
) -> QueryResult<(Vec<ArticleRow>, Option<i64>)> {
    let (rows, total) = list_ranked(conn, filter, now, visibility)?;
    Ok((rows.into_iter().map(|(row, _)| row).collect(), total))
}

/// A listed row with its search rank, when the list is sorted by relevance.
pub(crate) type Ranked = (ArticleRow, Option<f64>);

/// `list`, with each row's search rank when the list is sorted by relevance (the
/// rank it was ordered by, which its cursor carries).
pub(crate) fn list_ranked(
    conn: &mut DbConn,
    filter: &ArticleFilter,
    now: DateTime<Utc>,
    visibility: Visibility,
) -> QueryResult<(Vec<Ranked>, Option<i64>)> {
    match (&filter.search, filter.sort) {
        (Some(text), ArticleSort::Relevance) => search::with_ranks(conn, Searched::Articles, text, |c| {
            let backend = c.backend();
            let matching = |f| only_visible(filtered(f, backend, now), visibility);
            let total = if filter.count { Some(matching(filter).count().get_result(c)?) } else { None };
            let rows: Vec<(ArticleRow, f64)> = by_rank(matching(filter), filter, backend, text)
                .select((ArticleRow::as_select(), search::selected_rank(backend, Searched::Articles, text)))
                .limit(filter.limit + 1)
                .load(c)?;
            Ok((rows.into_iter().map(|(row, rank)| (row, Some(rank))).collect(), total))
        }),
        _ => {
            let (rows, total) = list_by_column(conn, filter, now, visibility)?;
            Ok((rows.into_iter().map(|row| (row, None)).collect(), total))
        }
    }
}

/// A page in one of the column orders (publication or change time).
fn list_by_column(
    conn: &mut DbConn,
    filter: &ArticleFilter,
    now: DateTime<Utc>,
    visibility: Visibility,
) -> QueryResult<(Vec<ArticleRow>, Option<i64>)> {
    if let Some(page) = public_newest_first(conn, filter, visibility) {
        return Ok((page?, None));
    }
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
    let rows = super::columns::select_row(page, filter.body).limit(filter.limit + 1).load(conn)?;
    Ok((rows, total))
}

/// The list front ends ask for most: the public archive, newest first, a page of
/// it with or without a cursor and no other condition. It runs as one static query
/// on the backend's own connection (see `db::native`); `None` for any other list,
/// which `list_by_column` builds as a boxed query. The rows and their order are
/// the general query's: every public row has a date.
fn public_newest_first(
    conn: &mut DbConn,
    filter: &ArticleFilter,
    visibility: Visibility,
) -> Option<QueryResult<Vec<ArticleRow>>> {
    use articles::{id, published_at};
    // Named one by one, so that a new filter cannot be overlooked here.
    let ArticleFilter {
        status,
        section,
        tags,
        source_name,
        language,
        published_after,
        published_before,
        search,
        sort,
        limit,
        after,
        count,
        include: _,
        body,
    } = filter;
    let Visibility::PublishedBy(now) = visibility else { return None };
    let plain = matches!(status, None | Some(ArticleStatus::Published))
        && section.is_none()
        && tags.is_empty()
        && source_name.is_none()
        && language.is_none()
        && published_after.is_none()
        && published_before.is_none()
        && search.is_none();
    if !plain || *sort != ArticleSort::PublishedDesc || *count || *body != BodyRead::Read {
        return None;
    }
    let newest_first = (published_at.desc(), id.desc());
    let public = articles::table.filter(is_public(now));
    // The first page has no keyset condition at all: every condition PostgreSQL
    // has to plan costs it on each execution (it plans this statement every time,
    // the `LIMIT` being a parameter), and the first page is the one asked most.
    let Some(after) = after else {
        let query = public.order_by(newest_first).limit(limit + 1);
        return Some(native!(conn, |c| query.select(ArticleRow::as_select()).load(c)));
    };
    let (key, last) = (after.key.time()?.naive_utc(), after.id.to_string());
    // The first condition is implied by the second; it is there for the index,
    // which an `OR` alone does not give a bound.
    let query = public
        .filter(published_at.le(key))
        .filter(published_at.lt(key).or(published_at.eq(key).and(id.lt(last))))
        .order_by(newest_first)
        .limit(limit + 1);
    Some(native!(conn, |c| query.select(ArticleRow::as_select()).load(c)))
}

/// `sort=relevance`: best rank first, ties by id, after the cursor's `(rank, id)`;
/// the select list must carry `search::selected_rank`.
fn by_rank<'a>(
    mut query: ArticleQuery<'a>,
    filter: &ArticleFilter,
    backend: Backend,
    text: &SearchText,
) -> ArticleQuery<'a> {
    use articles::id;
    let rank = || search::rank::<articles::table>(backend, Searched::Articles, text);
    if let Some(after) = &filter.after
        && let Some(key) = after.key.as_rank()
    {
        let last = after.id.to_string();
        query = query.filter(rank().lt(key).or(rank().eq(key).and(id.lt(last))));
    }
    query.order_by((search::by_selected_rank::<articles::table>().desc(), id.desc()))
}

// The statement type of `tag_page_ids`, built up step by step.
type ByTag = dsl::Filter<dsl::Filter<article_tags::table, dsl::Eq<article_tags::tag_key, String>>, TagRowIsPublic>;
type UpToNow = dsl::Filter<ByTag, dsl::LtEq<article_tags::published_at, NaiveDateTime>>;
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
    use article_tags::{article_id, published_at, tag_key};
    // Without a cursor the page starts at `now`, past every id (ids are lowercase
    // hex and hyphens, all below `~`).
    let (key, last) = match &filter.after {
        Some(after) => (after.key.time().unwrap_or(now).naive_utc(), after.id.to_string()),
        None => (now.naive_utc(), "~".to_owned()),
    };
    article_tags::table
        .filter(tag_key.eq(tag.to_owned()))
        .filter(tag_row_is_public(now))
        .filter(published_at.le(key))
        .filter(published_at.lt(key).or(published_at.eq(key).and(article_id.lt(last))))
        .order_by((published_at.desc(), article_id.desc()))
        .select(article_id)
        .limit(filter.limit + 1)
}

/// The rows matching the filters, before paging.
fn filtered<'a>(filter: &'a ArticleFilter, backend: Backend, now: DateTime<Utc>) -> ArticleQuery<'a> {
    let mut query = articles::table.into_boxed();
    match filter.status {
        // Scheduled articles are not out yet: "published" means what anyone may see.
        Some(ArticleStatus::Published) => query = query.filter(is_public(now)),
        Some(status) => query = query.filter(articles::status.eq(status.as_str())),
        None => {}
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
    if let Some(text) = &filter.search {
        let ranked = filter.sort == ArticleSort::Relevance;
        query = query.filter(search::condition(backend, Searched::Articles, text, ranked));
    }
    query
}

/// Applies the sort order and the keyset condition of the cursor. Each keyset
/// condition repeats its first column as a plain bound (`<= key`), so that the
/// database starts the index scan at the cursor instead of reading and discarding
/// every row before it: a page 50,000 rows deep costs what the first does.
fn ordered_page<'a>(query: ArticleQuery<'a>, filter: &ArticleFilter) -> ArticleQuery<'a> {
    let after = filter.after.as_ref();
    let after_id = after.map(|c| c.id.to_string());
    let after_key = after.and_then(|c| c.key.time()).map(|k| k.naive_utc());
    let descending = filter.sort.descending();
    match filter.sort {
        ArticleSort::UpdatedDesc | ArticleSort::UpdatedAsc => by_update(query, after_key.zip(after_id), descending),
        // Ordered by `by_rank`, which needs the search; never reached with one.
        ArticleSort::Relevance => query,
        ArticleSort::PublishedDesc | ArticleSort::PublishedAsc => {
            let dated_only = filter.status == Some(ArticleStatus::Published);
            by_publication(query, after_key, after_id, descending, dated_only)
        }
    }
}

/// `sort=updated_at` / `-updated_at`, after `(updated_at, id)` when paging on.
fn by_update(
    mut query: ArticleQuery<'_>,
    after: Option<(NaiveDateTime, String)>,
    descending: bool,
) -> ArticleQuery<'_> {
    use articles::{id, updated_at};
    if let Some((key, last)) = after {
        query = if descending {
            query.filter(updated_at.le(key)).filter(updated_at.lt(key).or(updated_at.eq(key).and(id.lt(last))))
        } else {
            query.filter(updated_at.ge(key)).filter(updated_at.gt(key).or(updated_at.eq(key).and(id.gt(last))))
        };
    }
    if descending {
        query.order_by((updated_at.desc(), id.desc()))
    } else {
        query.order_by((updated_at.asc(), id.asc()))
    }
}

/// `sort=published_at` / `-published_at`; undated rows come last in both
/// directions unless the filter admits only published (dated) ones.
fn by_publication(
    mut query: ArticleQuery<'_>,
    after_key: Option<NaiveDateTime>,
    after_id: Option<String>,
    descending: bool,
    dated_only: bool,
) -> ArticleQuery<'_> {
    use articles::{id, published_at};
    if let Some(last) = after_id {
        query = match (after_key, descending) {
            // Every published row has a date.
            (Some(key), true) if dated_only => query
                .filter(published_at.le(key))
                .filter(published_at.lt(key).or(published_at.eq(key).and(id.lt(last)))),
            (Some(key), false) if dated_only => query
                .filter(published_at.ge(key))
                .filter(published_at.gt(key).or(published_at.eq(key).and(id.gt(last)))),
            (Some(key), true) => query.filter(
                published_at.lt(key).or(published_at.eq(key).and(id.lt(last.clone()))).or(published_at.is_null()),
            ),
            (Some(key), false) => query.filter(
                published_at.gt(key).or(published_at.eq(key).and(id.gt(last.clone()))).or(published_at.is_null()),
            ),
            (None, true) => query.filter(published_at.is_null().and(id.lt(last))),
            (None, false) => query.filter(published_at.is_null().and(id.gt(last))),
        };
    }
    match (dated_only, descending) {
        // Every published row has a date: a plain index order.
        (true, true) => query.order_by((published_at.desc(), id.desc())),
        (true, false) => query.order_by((published_at.asc(), id.asc())),
        (false, true) => query.order_by((published_at.is_null().asc(), published_at.desc(), id.desc())),
        (false, false) => query.order_by((published_at.is_null().asc(), published_at.asc(), id.asc())),
    }
}
