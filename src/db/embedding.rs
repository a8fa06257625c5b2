//! Children embedded in articles (`include=`): loaded for a whole page at once, so a
//! page costs the same number of queries whatever it holds, and put into their
//! articles.

use std::collections::HashMap;

use diesel::QueryResult;

use super::articles::ArticleRow;
use super::quotes::{self, QuoteRow};
use super::related_links::{self, LinkWithTarget};
use super::{DbConn, DbError};
use crate::domain::access::Visibility;
use crate::domain::article_filter::Include;
use crate::domain::resource::{Article, Quote, RelatedLink};

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

/// Builds the articles of a page with the children that were asked for; an article
/// without children gets an empty list, not a missing one.
pub(crate) fn assemble(rows: Vec<ArticleRow>, children: Children) -> Result<Vec<Article>, DbError> {
    let mut quotes = group(children.quotes, |q| q.article_id.clone(), Quote::try_from)?;
    let mut links = group(children.links, |(l, _)| l.article_id.clone(), RelatedLink::try_from)?;
    rows.into_iter()
        .map(|row| {
            let mut article = Article::try_from(row)?;
            let id = article.id.to_string();
            article.quotes = quotes.as_mut().map(|q| q.remove(&id).unwrap_or_default());
            article.related_links = links.as_mut().map(|l| l.remove(&id).unwrap_or_default());
            Ok(article)
        })
        .collect()
}

/// Converts rows (already in position order) and groups them by article id.
fn group<R, T>(
    rows: Option<Vec<R>>,
    article_of: impl Fn(&R) -> String,
    convert: impl Fn(R) -> Result<T, DbError>,
) -> Result<Option<HashMap<String, Vec<T>>>, DbError> {
    let Some(rows) = rows else { return Ok(None) };
    let mut groups: HashMap<String, Vec<T>> = HashMap::new();
    for row in rows {
        let key = article_of(&row);
        groups.entry(key).or_default().push(convert(row)?);
    }
    Ok(Some(groups))
}
