//! The SQLite statements of the suggestions, on the FTS5 index: the article's
//! terms as FTS5 tokenizes them (its text indexed alone in a connection's
//! temporary FTS5 table), their document frequencies (`articles_fts_rows`) and
//! their postings (`articles_fts_instances`), both `fts5vocab` views of
//! `articles_fts`, so terms are matched as stored, never stemmed twice.

use diesel::SqliteConnection;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text, Timestamp};

use super::{Count, Scored, Scoring};
use crate::domain::suggestion::{SUMMARY_WEIGHT, TERMS_EXAMINED, TITLE_WEIGHT, TermCount};

/// The temporary tables (per connection, created once): the article's text
/// tokenized as `articles_fts` tokenizes, and its terms with counts per column.
const SOURCE_TABLES: &str = "
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.suggestion_source
        USING fts5(title, summary, body, tokenize = 'porter unicode61');
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.suggestion_source_terms
        USING fts5vocab(temp, suggestion_source, 'col');
    DELETE FROM temp.suggestion_source;";

#[derive(QueryableByName)]
struct SourceTerm {
    #[diesel(sql_type = Text)]
    term: String,
    #[diesel(sql_type = Double)]
    in_source: f64,
}

/// The archive size, then the article's most frequent terms (title and summary
/// weighted) with their document frequencies.
pub(super) fn term_counts(conn: &mut SqliteConnection, id: &str) -> QueryResult<(Vec<TermCount>, i64)> {
    let archive: Count = diesel::sql_query("SELECT count(*) AS n FROM articles").get_result(conn)?;
    conn.batch_execute(SOURCE_TABLES)?;
    diesel::sql_query(
        "INSERT INTO temp.suggestion_source (title, summary, body) \
         SELECT title, coalesce(summary, ''), body FROM main.articles WHERE id = $1",
    )
    .bind::<Text, _>(id)
    .execute(conn)?;
    let source: QueryResult<Vec<SourceTerm>> = diesel::sql_query(
        "SELECT term, sum(cnt * CASE col WHEN 'title' THEN $1 WHEN 'summary' THEN $2 ELSE 1.0 END) AS in_source \
         FROM temp.suggestion_source_terms GROUP BY term \
         ORDER BY in_source DESC, length(term) DESC, term LIMIT $3",
    )
    .bind::<Double, _>(TITLE_WEIGHT)
    .bind::<Double, _>(SUMMARY_WEIGHT)
    .bind::<BigInt, _>(TERMS_EXAMINED)
    .load(conn);
    // Emptied again either way: the article's text does not stay behind.
    conn.batch_execute("DELETE FROM temp.suggestion_source;")?;
    let terms = source?
        .into_iter()
        .map(|t| {
            let df: Option<Count> = diesel::sql_query("SELECT doc AS n FROM articles_fts_rows WHERE term = $1")
                .bind::<Text, _>(&t.term)
                .get_result(conn)
                .optional()?;
            Ok(TermCount { term: t.term, in_source: t.in_source, df: df.map_or(0, |c| c.n) })
        })
        .collect::<QueryResult<Vec<_>>>()?;
    Ok((terms, archive.n))
}

/// The best candidates: each chosen term's postings from the FTS5 index and each
/// chosen tag's from `article_tags_key_idx`, public articles only, summed by article.
pub(super) fn score(conn: &mut SqliteConnection, scoring: &Scoring<'_>) -> QueryResult<Vec<Scored>> {
    let (terms, tags, linked) = (json(&scoring.query.terms)?, json(&scoring.query.tags)?, json(&scoring.linked)?);
    diesel::sql_query(
        "WITH terms AS (SELECT value ->> 0 AS term, value ->> 1 AS w FROM json_each($1)),
        tags AS (SELECT value ->> 0 AS tag, value ->> 1 AS w FROM json_each($2)),
        postings AS (
            SELECT DISTINCT terms.term, terms.w, v.doc
            FROM terms JOIN articles_fts_instances AS v ON v.term = terms.term),
        hits AS (
            SELECT a.id, a.published_at, postings.w FROM postings JOIN articles AS a ON a.seq = postings.doc
            WHERE a.status = 'published' AND a.published_at <= $3
            UNION ALL
            SELECT g.article_id, g.published_at, tags.w FROM tags JOIN article_tags AS g ON g.tag_key = tags.tag
            WHERE g.status = 'published' AND g.published_at <= $3)
        SELECT id, round(sum(w) / $4, 4) AS score FROM hits
        WHERE id <> $5 AND id NOT IN (SELECT value FROM json_each($6))
        GROUP BY id HAVING sum(w) >= $7
        ORDER BY score DESC, max(published_at) DESC, id DESC LIMIT $8",
    )
    .bind::<Text, _>(terms)
    .bind::<Text, _>(tags)
    .bind::<Timestamp, _>(scoring.now.naive_utc())
    .bind::<Double, _>(scoring.query.total)
    .bind::<Text, _>(scoring.source)
    .bind::<Text, _>(linked)
    .bind::<Double, _>(scoring.query.min_weight())
    .bind::<BigInt, _>(scoring.limit)
    .load(conn)
}

/// A bound list as the JSON text `json_each` reads.
fn json(value: &impl serde::Serialize) -> QueryResult<String> {
    serde_json::to_string(value).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
}
