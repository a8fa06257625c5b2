//! Children embedded in articles (`include=`): loaded for a whole page at once, so a
//! page costs the same number of queries whatever it holds.

use diesel::QueryResult;

use super::DbConn;
use super::quotes::{self, QuoteRow};
use super::related_links::{self, LinkWithTarget};
use crate::domain::access::Visibility;
use crate::domain::article_filter::Include;

/// The requested children of a set of articles.
#[derive(Debug, Default)]
pub(crate) struct Children {
    pub quotes: Option<Vec<QuoteRow>>,
    pub links: Option<Vec<LinkWithTarget>>,
}

/// One query per requested kind of child, for all `article_ids` together.
/// The articles are ones the caller may see; `visibility` decides which link
/// targets show.
pub(crate) fn load(
    conn: &mut DbConn,
    article_ids: &[String],
    include: Include,
    visibility: Visibility,
) -> QueryResult<Children> {
    Ok(Children {
        quotes: include.quotes.then(|| quotes::for_articles(conn, article_ids)).transpose()?,
        links: include.related_links.then(|| related_links::for_articles(conn, article_ids, visibility)).transpose()?,
    })
}
