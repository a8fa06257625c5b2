//! The queries of the discovery routes (feeds, sitemaps) beyond the article list.

use chrono::NaiveDateTime;
use diesel::dsl;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::articles;

/// When any article last changed (`articles_updated_idx` answers it from one end):
/// a feed's `Last-Modified`, so that an article leaving a feed (unpublished,
/// archived) moves it forward too, not only one that enters or changes.
pub(crate) fn latest_change(conn: &mut DbConn) -> QueryResult<Option<NaiveDateTime>> {
    articles::table.select(dsl::max(articles::updated_at)).first(conn)
}
