//! The stored rows of an article's children (quotes, related links) and how the
//! API shows them: read by the children's own queries and by the change log, which
//! reads back what a write changed, so neither has to import the other.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{articles as articles_table, quotes, related_links};
use super::{DbConn, DbError, stored_uuid};
use crate::domain::article::ArticleStatus;
use crate::domain::related_link::LinkRelation;
use crate::domain::resource::{LinkTargetSummary, Quote, RelatedLink};

/// A quote as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = quotes, treat_none_as_default_value = false)]
pub(crate) struct QuoteRow {
    pub id: String,
    pub article_id: String,
    pub text: String,
    pub speaker_name: String,
    pub speaker_key: String,
    pub speaker_title: Option<String>,
    pub context: Option<String>,
    pub position: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The quote as the API shows it.
impl TryFrom<QuoteRow> for Quote {
    type Error = DbError;

    fn try_from(row: QuoteRow) -> Result<Self, DbError> {
        Ok(Self {
            id: stored_uuid(&row.id)?,
            article_id: stored_uuid(&row.article_id)?,
            text: row.text,
            speaker_name: row.speaker_name,
            speaker_title: row.speaker_title,
            context: row.context,
            position: row.position,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
            search: None,
        })
    }
}

/// A related link as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = related_links, treat_none_as_default_value = false)]
pub(crate) struct RelatedLinkRow {
    pub id: String,
    pub article_id: String,
    pub target_article_id: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub relation: String,
    pub position: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The id, slug, title and status of an internal link's target.
pub(crate) type TargetRow = (String, String, String, String);

/// A link with its target's current details (internal links only).
pub(crate) type LinkWithTarget = (RelatedLinkRow, Option<TargetRow>);

/// The link as the API shows it, with its target's current identity.
impl TryFrom<LinkWithTarget> for RelatedLink {
    type Error = DbError;

    fn try_from((row, target): LinkWithTarget) -> Result<Self, DbError> {
        let target = target
            .map(|(id, slug, title, status)| -> Result<_, DbError> {
                Ok(LinkTargetSummary {
                    id: stored_uuid(&id)?,
                    slug,
                    title,
                    status: ArticleStatus::parse(&status)
                        .ok_or_else(|| DbError::Corrupt(format!("stored status {status:?}")))?,
                })
            })
            .transpose()?;
        Ok(Self {
            id: stored_uuid(&row.id)?,
            article_id: stored_uuid(&row.article_id)?,
            target_article_id: row.target_article_id.as_deref().map(stored_uuid).transpose()?,
            url: row.url,
            title: row.title.clone().or_else(|| target.as_ref().map(|t| t.title.clone())),
            own_title: row.title,
            relation: LinkRelation::parse(&row.relation)
                .ok_or_else(|| DbError::Corrupt(format!("stored relation {:?}", row.relation)))?,
            position: row.position,
            target,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        })
    }
}

/// Links joined with their targets; one query however many links.
macro_rules! with_targets {
    () => {
        related_links::table
            .left_join(articles_table::table.on(related_links::target_article_id.eq(articles_table::id.nullable())))
            .select((
                RelatedLinkRow::as_select(),
                (articles_table::id, articles_table::slug, articles_table::title, articles_table::status).nullable(),
            ))
    };
}
pub(crate) use with_targets;

/// Finds links with their targets, in no particular order.
pub(crate) fn find_links(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<LinkWithTarget>> {
    with_targets!().filter(related_links::id.eq_any(ids)).load(conn)
}
