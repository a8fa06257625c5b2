//! The PostgreSQL statements of the suggestions: the article's lexemes from its
//! stored `search` tsvector, their document frequencies from the GIN index, and
//! the scoring over the postings of the chosen lexemes and tags.

use diesel::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Double, Text, Timestamp};

use super::{Count, Scored, Scoring};
use crate::domain::suggestion::{MAX_FEATURE_DF, SUMMARY_WEIGHT, TERMS_EXAMINED, TITLE_WEIGHT, TermCount};

/// Beyond this many rows the archive's size is the planner's estimate (kept by
/// ANALYZE and autovacuum), below it a count.
const COUNTED_UP_TO: i64 = 10_000;

/// A lexeme column as a `tsquery` that matches exactly that lexeme (quoted, so
/// that no parsing or stemming applies).
macro_rules! exact_tsquery {
    ($column:literal) => {
        concat!("('''' || replace(replace(", $column, ", '\\', '\\\\'), '''', '''''') || '''')::tsquery")
    };
}

/// The archive size, then the article's most frequent lexemes (title and summary
/// weighted) with their document frequencies. Lexemes the planner's statistics
/// (`pg_stats.most_common_elems` of `search`) already know to be in more than
/// `MAX_FEATURE_DF` articles are not counted: reading their postings is what
/// would be slow, and they would be left out anyway.
pub(super) fn term_counts(conn: &mut PgConnection, id: &str) -> QueryResult<(Vec<TermCount>, i64)> {
    let archive: Count = diesel::sql_query(
        "SELECT GREATEST((SELECT reltuples::bigint FROM pg_class WHERE oid = 'articles'::regclass), \
         (SELECT count(*) FROM (SELECT 1 FROM articles LIMIT $1) AS a)) AS n",
    )
    .bind::<BigInt, _>(COUNTED_UP_TO)
    .get_result(conn)?;
    let sql = concat!(
        "WITH source AS (
            SELECT u.lexeme AS term,
                   sum(CASE w WHEN 'A' THEN $2 WHEN 'B' THEN $3 ELSE 1 END)::float8 AS in_source
            FROM articles AS a, unnest(a.search) AS u, unnest(u.weights) AS w
            WHERE a.id = $1 GROUP BY u.lexeme),
        common AS (
            SELECT e.elem FROM pg_stats AS s,
                 unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e (elem, freq)
            WHERE s.schemaname = current_schema() AND s.tablename = 'articles' AND s.attname = 'search'
              AND e.freq::float8 * $4 > $5),
        examined AS (
            SELECT term, in_source FROM source
            WHERE NOT EXISTS (SELECT 1 FROM common WHERE common.elem = source.term)
            ORDER BY in_source DESC, length(term) DESC, term LIMIT $6)
        SELECT term, in_source,
               (SELECT count(*) FROM (SELECT 1 FROM articles AS a WHERE a.search @@ ",
        exact_tsquery!("examined.term"),
        " LIMIT $5 + 1) AS m) AS df
        FROM examined"
    );
    let terms: Vec<TermRow> = diesel::sql_query(sql)
        .bind::<Text, _>(id)
        .bind::<Double, _>(TITLE_WEIGHT)
        .bind::<Double, _>(SUMMARY_WEIGHT)
        .bind::<Double, _>(archive.n as f64)
        .bind::<BigInt, _>(MAX_FEATURE_DF)
        .bind::<BigInt, _>(TERMS_EXAMINED)
        .load(conn)?;
    let terms = terms.into_iter().map(|t| TermCount { term: t.term, in_source: t.in_source, df: t.df }).collect();
    Ok((terms, archive.n))
}

#[derive(QueryableByName)]
struct TermRow {
    #[diesel(sql_type = Text)]
    term: String,
    #[diesel(sql_type = Double)]
    in_source: f64,
    #[diesel(sql_type = BigInt)]
    df: i64,
}

/// The best candidates: each chosen lexeme's postings through the GIN index and
/// each chosen tag's through `article_tags_key_idx`, public articles only, summed
/// by article.
pub(super) fn score(conn: &mut PgConnection, scoring: &Scoring<'_>) -> QueryResult<Vec<Scored>> {
    let (terms, term_weights): (Vec<String>, Vec<f64>) = scoring.query.terms.iter().cloned().unzip();
    let (tags, tag_weights): (Vec<String>, Vec<f64>) = scoring.query.tags.iter().cloned().unzip();
    let sql = concat!(
        "WITH terms AS (SELECT * FROM unnest($1::text[], $2::float8[]) AS t (term, w)),
        tags AS (SELECT * FROM unnest($3::text[], $4::float8[]) AS t (tag, w)),
        hits AS (
            SELECT m.id, m.published_at, terms.w FROM terms CROSS JOIN LATERAL (
                SELECT a.id, a.published_at FROM articles AS a
                WHERE a.search @@ ",
        exact_tsquery!("terms.term"),
        " AND a.status = 'published' AND a.published_at <= $5) AS m
            UNION ALL
            SELECT g.article_id, g.published_at, tags.w FROM tags JOIN article_tags AS g ON g.tag_key = tags.tag
            WHERE g.status = 'published' AND g.published_at <= $5)
        SELECT id, round((sum(w) / $6)::numeric, 4)::float8 AS score FROM hits
        WHERE id <> $7 AND id <> ALL ($8::text[])
        GROUP BY id HAVING sum(w) >= $9
        ORDER BY score DESC, max(published_at) DESC, id DESC LIMIT $10"
    );
    diesel::sql_query(sql)
        .bind::<Array<Text>, _>(terms)
        .bind::<Array<Double>, _>(term_weights)
        .bind::<Array<Text>, _>(tags)
        .bind::<Array<Double>, _>(tag_weights)
        .bind::<Timestamp, _>(scoring.now.naive_utc())
        .bind::<Double, _>(scoring.query.total)
        .bind::<Text, _>(scoring.source)
        .bind::<Array<Text>, _>(&scoring.linked)
        .bind::<Double, _>(scoring.query.min_weight())
        .bind::<BigInt, _>(scoring.limit)
        .load(conn)
}
