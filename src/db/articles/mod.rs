//! Article rows and the synchronous queries on them.

pub(crate) mod columns;
pub(crate) mod discovery;
mod list;
pub(crate) mod lookup;
mod write;

pub(crate) use list::{list, list_ranked};
pub(crate) use lookup::{ArticleRow, find_visible, is_visible, only_visible};
pub(crate) use write::{NewChildren, create, delete, store_fields, update};

use crate::db::{DbError, stored_uuid};
use crate::domain::article::ArticleStatus;
use crate::domain::lead_image::LeadImage;
use crate::domain::resource::Article;

/// The article as the API shows it, without its children.
impl TryFrom<ArticleRow> for Article {
    type Error = DbError;

    fn try_from(row: ArticleRow) -> Result<Self, DbError> {
        Ok(Self {
            id: stored_uuid(&row.id)?,
            status: ArticleStatus::parse(&row.status)
                .ok_or_else(|| DbError::Corrupt(format!("unknown stored status {:?}", row.status)))?,
            tags: serde_json::from_str(&row.tags).map_err(|e| DbError::Corrupt(format!("stored tags: {e}")))?,
            published_at: row.published_at.map(|t| t.and_utc()),
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
            slug: row.slug,
            title: row.title,
            summary: row.summary,
            body: row.body,
            byline: row.byline,
            section: row.section,
            language: row.language,
            source_name: row.source_name,
            source_url: row.source_url,
            image: row
                .image
                .as_deref()
                .map(LeadImage::from_stored)
                .transpose()
                .map_err(|e| DbError::Corrupt(format!("stored image: {e}")))?,
            version: row.version,
            quotes: None,
            related_links: None,
            search: None,
        })
    }
}
