//! The stored articles an imported page's "More:" and feature titles name.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::articles::only_visible;
use crate::db::schema::articles;
use crate::domain::access::Visibility;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// The most candidates read for one title.
const MAX_CANDIDATES: i64 = 200;

/// Articles the caller may see whose title holds `word` (lower-case ASCII letters
/// and digits, so that it needs no escaping and SQLite's ASCII-only `lower` agrees
/// with PostgreSQL's), newest first, as `(id, title)`. The caller compares the whole
/// title; the word only narrows the search.
pub(crate) fn titles_holding(
    conn: &mut DbConn,
    word: &str,
    visibility: Visibility,
) -> QueryResult<Vec<(String, String)>> {
    debug_assert!(word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    only_visible(articles::table.into_boxed(), visibility)
        .filter(lower(articles::title).like(format!("%{word}%")))
        .order((articles::created_at.desc(), articles::id.desc()))
        .select((articles::id, articles::title))
        .limit(MAX_CANDIDATES)
        .load(conn)
}
