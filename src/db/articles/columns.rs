//! The columns an article read selects: all of an `ArticleRow`'s, or all but the
//! text (`body`, up to 200,000 characters) when `fields` leaves it out, so that the
//! database neither reads nor sends it (on PostgreSQL a long body is stored apart
//! from the row and only fetched when selected).

use diesel::dsl::{self, sql};
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::lookup::{ArticleKey, ArticleQuery, ArticleRow, by_key, is_public, only_visible};
use crate::db::DbConn;
use crate::db::native::native;
use crate::db::schema::articles;
use crate::domain::access::Visibility;
use crate::domain::fields::BodyRead;

/// An `ArticleRow`'s columns in its field order, with `body` as `B`.
type Columns<B> = (
    articles::id,
    articles::slug,
    articles::title,
    articles::summary,
    B,
    articles::byline,
    articles::status,
    articles::published_at,
    articles::section,
    articles::tags,
    articles::language,
    articles::source_name,
    articles::source_url,
    articles::version,
    articles::created_at,
    articles::updated_at,
    articles::image,
);

fn columns<B>(text: B) -> Columns<B> {
    use articles::*;
    (
        id,
        slug,
        title,
        summary,
        text,
        byline,
        status,
        published_at,
        section,
        tags,
        language,
        source_name,
        source_url,
        version,
        created_at,
        updated_at,
        image,
    )
}

/// An article query selecting an `ArticleRow` (both selections have one SQL type).
pub(crate) type RowQuery<'a> = dsl::Select<ArticleQuery<'a>, Columns<articles::body>>;

/// `query` selecting an `ArticleRow`; with [`BodyRead::Skip`] its `body` is empty
/// text instead of the stored one.
pub(crate) fn select_row(query: ArticleQuery<'_>, body: BodyRead) -> RowQuery<'_> {
    match body {
        BodyRead::Read => query.select(columns(articles::body)),
        BodyRead::Skip => query.select(columns(sql::<Text>("''"))),
    }
}

/// `lookup::find_visible`, reading the body only when `body` says so.
pub(crate) fn find_visible_reading(
    conn: &mut DbConn,
    key: &ArticleKey,
    visibility: Visibility,
    body: BodyRead,
) -> QueryResult<Option<ArticleRow>> {
    // The read front ends make most, a whole public article by id or slug, as a
    // static query on the backend's own connection (see `db::native`).
    macro_rules! public_by {
        ($key:expr, $now:expr) => {{
            let query = articles::table.filter($key).filter(is_public($now));
            native!(conn, |c| query.select(ArticleRow::as_select()).first(c).optional())
        }};
    }
    match (key, visibility, body) {
        (ArticleKey::Id(id), Visibility::PublishedBy(now), BodyRead::Read) => {
            public_by!(articles::id.eq(id.to_string()), now)
        }
        (ArticleKey::Slug(slug), Visibility::PublishedBy(now), BodyRead::Read) => {
            public_by!(articles::slug.eq(slug.to_string()), now)
        }
        _ => select_row(only_visible(by_key(key), visibility), body).first(conn).optional(),
    }
}
