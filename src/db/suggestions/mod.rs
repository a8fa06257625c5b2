//! Related-post suggestions: the published articles most like one article by the
//! terms and tags they share (the rules and weights are `domain::suggestion`'s).
//!
//! Both backends answer from the indexes full-text search already keeps
//! (PostgreSQL's `search` tsvector and its GIN index; SQLite's FTS5 index, read
//! through its `fts5vocab` tables) and from the tag rows' indexes. The steps:
//! the article's terms with their counts in it, how many articles hold each
//! (counted no further than `MAX_FEATURE_DF`), the query `domain::suggestion::choose`
//! makes of them, then the postings of the chosen features, each candidate's
//! weight summed, best first. On SQLite these are separate statements (in
//! process, they cost little); on PostgreSQL the terms' part is one statement
//! that reads each posting once (see `postgres`).

mod postgres;
mod sqlite;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConn;
use super::articles::{ArticleRow, find_visible};
use super::schema::{article_tags, articles, related_links};
use crate::domain::access::Visibility;
use crate::domain::article_ref::ArticleKey;
use crate::domain::suggestion::{LikeQuery, MAX_FEATURE_DF, TagCount, choose, choose_tags};

/// The article asked about and its suggestions, best first, with their scores.
#[derive(Debug)]
pub(crate) struct Suggested {
    pub article: ArticleRow,
    pub suggestions: Vec<(ArticleRow, f64)>,
}

/// A candidate as the scoring statement returns it.
#[derive(Debug, QueryableByName)]
struct Scored {
    #[diesel(sql_type = Text)]
    id: String,
    /// The candidate's share of the query's weight, rounded to four decimals.
    #[diesel(sql_type = diesel::sql_types::Double)]
    score: f64,
}

/// What the scoring statements are given.
struct Scoring<'a> {
    query: &'a LikeQuery,
    source: &'a str,
    linked: Vec<String>,
    now: DateTime<Utc>,
    limit: i64,
}

/// The suggestions for the article `key` names, if the caller may see it:
/// public articles only, never the article itself nor one it already links to.
pub(crate) fn suggest(
    conn: &mut DbConn,
    key: &ArticleKey,
    visibility: Visibility,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Option<Suggested>> {
    let Some(article) = find_visible(conn, key, visibility)? else { return Ok(None) };
    let linked = related_links::table
        .filter(related_links::article_id.eq(&article.id))
        .filter(related_links::target_article_id.is_not_null())
        .select(related_links::target_article_id.assume_not_null())
        .load::<String>(conn)?;
    let tags = tag_counts(conn, &article.id)?;
    let scored = match conn {
        DbConn::Pg(pg) => {
            let archive = postgres::archive_size(pg)?;
            let (query, budget) = choose_tags(tags, archive);
            let scoring = Scoring { query: &query, source: &article.id, linked, now, limit };
            postgres::score(pg, &scoring, archive, budget)?
        }
        DbConn::Sqlite(lite) => {
            let (terms, archive) = sqlite::term_counts(lite, &article.id)?;
            let query = choose(terms, tags, archive);
            if query.is_empty() {
                Vec::new()
            } else {
                sqlite::score(lite, &Scoring { query: &query, source: &article.id, linked, now, limit })?
            }
        }
    };
    let ids: Vec<&str> = scored.iter().map(|s| s.id.as_str()).collect();
    let mut rows = articles::table.filter(articles::id.eq_any(&ids)).select(ArticleRow::as_select()).load(conn)?;
    let suggestions = scored
        .iter()
        .filter_map(|s| {
            let at = rows.iter().position(|r| r.id == s.id)?;
            Some((rows.swap_remove(at), s.score))
        })
        .collect();
    Ok(Some(Suggested { article, suggestions }))
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The article's tags and how many articles carry each, counted from the tag
/// index no further than one past `MAX_FEATURE_DF` (a tag that common is left out
/// anyway).
fn tag_counts(conn: &mut DbConn, id: &str) -> QueryResult<Vec<TagCount>> {
    let tags: Vec<String> =
        article_tags::table.filter(article_tags::article_id.eq(id)).select(article_tags::tag_key).load(conn)?;
    let sql = "SELECT count(*) AS n FROM (SELECT 1 FROM article_tags WHERE tag_key = $1 LIMIT $2) AS t";
    tags.into_iter()
        .map(|tag| {
            let count: Count =
                diesel::sql_query(sql).bind::<Text, _>(&tag).bind::<BigInt, _>(MAX_FEATURE_DF + 1).get_result(conn)?;
            Ok(TagCount { tag, df: count.n })
        })
        .collect()
}
