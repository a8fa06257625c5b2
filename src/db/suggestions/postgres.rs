//! The PostgreSQL statement of the suggestions: the article's lexemes from its
//! stored `search` tsvector, each lexeme's postings read once from the GIN index
//! (counted for its document frequency and scored from the same rows), and the
//! chosen tags' postings from the tag rows' index. The term rules of
//! `domain::suggestion::choose_terms` are applied in SQL, so that no posting is
//! read twice.

use diesel::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Double, Text, Timestamp};

use super::{Count, Scored, Scoring};
use crate::domain::suggestion::{
    MAX_FEATURE_DF, MAX_QUERY_TERMS, MIN_SCORE, SUMMARY_WEIGHT, TERMS_EXAMINED, TITLE_WEIGHT,
};

/// Beyond this many rows the archive's size is the planner's estimate (kept by
/// ANALYZE and autovacuum), below it a count.
const COUNTED_UP_TO: i64 = 10_000;

/// The number of articles: counted in a small archive, the planner's estimate in a
/// large one.
pub(super) fn archive_size(conn: &mut PgConnection) -> QueryResult<i64> {
    let archive: Count = diesel::sql_query(
        "SELECT GREATEST((SELECT reltuples::bigint FROM pg_class WHERE oid = 'articles'::regclass), \
         (SELECT count(*) FROM (SELECT 1 FROM articles LIMIT $1) AS a)) AS n",
    )
    .bind::<BigInt, _>(COUNTED_UP_TO)
    .get_result(conn)?;
    Ok(archive.n)
}

/// The statement. `source`: the article's lexemes, weighted by where they occur.
/// `common`: lexemes the planner's statistics (`pg_stats.most_common_elems` of
/// `search`) know to be in more than `MAX_FEATURE_DF` articles, left out without
/// reading their postings (the frequencies array ends with three figures of its
/// own, paired with no element: hence the NULL test, which lets `NOT IN` use a
/// hash table instead of comparing every lexeme with every common one).
/// `examined`: the article's most frequent other lexemes.
/// `postings`: up to `MAX_FEATURE_DF + 1` articles per lexeme (any status: they
/// count for rarity), with whether each is public. `weighed`: the distinctive
/// lexemes and their weights; `chosen`: the shared ones retrieved by, ranked, up to
/// `MAX_QUERY_TERMS` and while the ranks' postings fit the budget left by the tags.
const STATEMENT: &str = "WITH source AS (
        SELECT u.lexeme AS term,
               sum(CASE w WHEN 'A' THEN $2 WHEN 'B' THEN $3 ELSE 1 END)::float8 AS in_source
        FROM articles AS a, unnest(a.search) AS u, unnest(u.weights) AS w
        WHERE a.id = $1 GROUP BY u.lexeme),
    common AS (
        SELECT e.elem FROM pg_stats AS s,
             unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e (elem, freq)
        WHERE s.schemaname = current_schema() AND s.tablename = 'articles' AND s.attname = 'search'
          AND e.elem IS NOT NULL AND e.freq::float8 * $4 > $5),
    examined AS (
        SELECT term, in_source FROM source WHERE term NOT IN (SELECT elem FROM common)
        ORDER BY in_source DESC, length(term) DESC, term COLLATE \"C\" LIMIT $6),
    postings AS MATERIALIZED (
        SELECT x.term, p.id, p.public, p.published_at FROM examined AS x CROSS JOIN LATERAL (
            SELECT a.id, a.published_at, (a.status = 'published' AND a.published_at <= $7) AS public
            FROM articles AS a
            WHERE a.search @@ ('''' || replace(replace(x.term, '\\', '\\\\'), '''', '''''') || '''')::tsquery
            LIMIT $5 + 1) AS p),
    counted AS (
        SELECT x.term, x.in_source, count(p.id) AS df
        FROM examined AS x LEFT JOIN postings AS p ON p.term = x.term GROUP BY x.term, x.in_source),
    weighed AS (
        SELECT term, in_source, df,
               ln(1 + (GREATEST($4, df) - df + 0.5) / (GREATEST(df, 1) + 0.5)) AS w
        FROM counted WHERE df * 2 <= $4 AND df <= $5),
    ranked AS (
        SELECT term, w, row_number() OVER o AS rank, sum(df) OVER o AS postings_so_far
        FROM weighed WHERE df >= 2
        WINDOW o AS (ORDER BY in_source * w DESC, term COLLATE \"C\")),
    chosen AS (SELECT term, w FROM ranked WHERE rank <= $8 AND postings_so_far <= $9),
    total AS (SELECT $10 + coalesce((SELECT sum(w) FROM weighed), 0) AS weight),
    hits AS (
        SELECT p.id, p.published_at, c.w FROM chosen AS c JOIN postings AS p ON p.term = c.term WHERE p.public
        UNION ALL
        SELECT g.article_id, g.published_at, t.w
        FROM unnest($11::text[], $12::float8[]) AS t (tag, w) JOIN article_tags AS g ON g.tag_key = t.tag
        WHERE g.status = 'published' AND g.published_at <= $7)
    SELECT id, round((sum(w) / (SELECT weight FROM total))::numeric, 4)::float8 AS score FROM hits
    WHERE id <> $1 AND id <> ALL ($13::text[])
    GROUP BY id HAVING sum(w) >= $14 * (SELECT weight FROM total)
    ORDER BY score DESC, max(published_at) DESC, id DESC LIMIT $15";

/// The best candidates for the article `scoring.source`, given the tags half of
/// its query (`scoring.query`, its total the tags' weight) and the postings budget
/// the tags left.
pub(super) fn score(
    conn: &mut PgConnection,
    scoring: &Scoring<'_>,
    archive: i64,
    budget: i64,
) -> QueryResult<Vec<Scored>> {
    let (tags, tag_weights): (Vec<String>, Vec<f64>) = scoring.query.tags.iter().cloned().unzip();
    diesel::sql_query(STATEMENT)
        .bind::<Text, _>(scoring.source)
        .bind::<Double, _>(TITLE_WEIGHT)
        .bind::<Double, _>(SUMMARY_WEIGHT)
        .bind::<Double, _>(archive as f64)
        .bind::<BigInt, _>(MAX_FEATURE_DF)
        .bind::<BigInt, _>(TERMS_EXAMINED)
        .bind::<Timestamp, _>(scoring.now.naive_utc())
        .bind::<BigInt, _>(MAX_QUERY_TERMS as i64)
        .bind::<BigInt, _>(budget)
        .bind::<Double, _>(scoring.query.total)
        .bind::<Array<Text>, _>(tags)
        .bind::<Array<Double>, _>(tag_weights)
        .bind::<Array<Text>, _>(&scoring.linked)
        .bind::<Double, _>(MIN_SCORE)
        .bind::<BigInt, _>(scoring.limit)
        .load(conn)
}
