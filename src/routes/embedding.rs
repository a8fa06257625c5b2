//! Puts loaded children into their articles (`include=quotes,related_links`).

use std::collections::HashMap;

use crate::db::DbError;
use crate::db::articles::ArticleRow;
use crate::db::embedding::Children;
use crate::domain::resource::{Article, Quote, RelatedLink};

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
