//! Hot reads on the backend's own connection.
//!
//! A query run on `DbConn` goes through diesel's `MultiConnection`, which renders
//! the query's whole SQL text on every execution (its bind collection walks a
//! wrapper that writes the SQL out first), even when the prepared statement is
//! already cached. The profile of an article read with its quotes and links put
//! about a seventh of the service's CPU there. On the backend's own connection a
//! statically typed query finds its prepared statement by its type and renders
//! nothing. So the reads every front end makes (one article, its children, the
//! first pages) are written as static queries and run through [`native!`]; the
//! others stay on `DbConn`, where a boxed query is the simpler way to combine
//! optional filters. The macro also runs the few statements that have no
//! `MultiConnection` form at all (a `UNION`, in `db::counts`).
//!
//! A list bind (`eq_any`: `= ANY($1)` on PostgreSQL, `IN (?, …)` on SQLite) undoes
//! most of that: diesel gives it no static identity, so its statement is found by
//! its rendered SQL (on SQLite it is not kept at all), and PostgreSQL never settles
//! on a generic plan for an array of unknown length, so it plans the statement
//! again on every execution (over half of its CPU on the article page, measured).
//! Reads of one article's children therefore bind the one id (`= $1`), and only a
//! page's reads bind the list.

/// Runs `$body` with `$c` bound to the connection's own backend connection
/// (`PgConnection` or `SqliteConnection`): the body is compiled once per backend.
macro_rules! native {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Pg($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}
pub(crate) use native;
