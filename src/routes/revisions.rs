//! Revisions: an article's history with diffs, each revision's snapshot, restoring
//! one, and the history of deleted articles.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::paging::page_response;
use crate::db::articles;
use crate::db::embedding::{self, assemble};
use crate::db::{Database, DbError, WriteError, revisions as store};
use crate::domain::FieldError;
use crate::domain::access::Visibility;
use crate::domain::article_filter::Include;
use crate::domain::article_ref::ArticleKey;
use crate::domain::cursor::{Cursor, CursorKey};
use crate::domain::paging::Paging;
use crate::domain::revision::{RestorePlan, RestoreResult, Revision};
use crate::domain::time::now;
use crate::error::ApiError;
use crate::http::auth::{Admin, DraftReader, Writer};
use crate::http::params::{ArticleRef, IfMatch, ListOrder, Page, PageQuery, RevisionNumber};
use crate::http::reply::{self, Tagged};

/// Registers the history routes.
pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_article_revisions).service(get_revision).service(restore_revision).service(list_revisions);
}

/// Newest first, by revision number.
#[derive(Debug)]
pub(crate) enum NewestFirst {}
impl ListOrder for NewestFirst {
    const NAME: &'static str = "revision_desc";
}

/// One page of an article's history.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RevisionPage {
    /// The revisions on this page, newest first.
    pub items: Vec<Revision>,
    /// Pass as `cursor` to get the next (older) page; `null` on the last page.
    #[schema(example = json!(null))]
    pub next_cursor: Option<String>,
}

/// Query parameters of `GET /v1/revisions`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct RevisionsParams {
    /// The article whose history to list; it may have been deleted.
    #[param(required = true, value_type = uuid::Uuid, example = "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a")]
    pub article_id: Option<String>,
    /// Page size, 1..=100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page; empty (or left out) for the first page.
    pub cursor: Option<String>,
}

impl PageQuery for RevisionsParams {
    fn limit_and_cursor(&self) -> (Option<&str>, Option<&str>) {
        (self.limit.as_deref(), self.cursor.as_deref())
    }
}

/// List an article's revisions
///
/// Every committed change to the article or to any of its quotes or related links,
/// newest first, each with the JSON merge patch (RFC 7396) from the revision
/// before. Kept per `NEWSDESK_REVISIONS_KEEP` (100 per article by default) and
/// `NEWSDESK_REVISIONS_MAX_AGE_DAYS` (no age limit by default); the newest
/// revision is always kept. Changes made before revisions were recorded have none.
#[utoipa::path(
    operation_id = "listArticleRevisions", tag = "revisions",
    security(("bearer" = ["read:drafts"])),
    params(ArticleRef, Page<NewestFirst>),
    responses(
        (status = 200, description = "One page of the article's history", body = RevisionPage,
         headers(("Link" = String, description = "`<URL>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/articles/{article}/revisions")]
pub(crate) async fn list_article_revisions(
    _reader: DraftReader,
    req: HttpRequest,
    db: web::Data<Database>,
    article: ArticleRef,
    page: Page<NewestFirst>,
) -> Result<HttpResponse, ApiError> {
    let (key, paging) = (article.key, page.paging.clone());
    let items = db
        .run(move |c| -> Result<_, DbError> {
            let Some(article) = articles::lookup::find(c, &key)? else { return Ok(None) };
            Ok(Some(read_page(c, &article.id, &paging)?))
        })
        .await?
        .ok_or_else(|| ApiError::not_found("article"))?;
    let (items, next_cursor) = page.split(items, revision_cursor)?;
    Ok(history(&req, items, next_cursor))
}

/// List any article's revisions, deleted articles' included
///
/// The history of the article `article_id`, as `listArticleRevisions` shows it,
/// also after the article was deleted (its last revision is then
/// `article.deleted`): a deleted story is found here and rebuilt by applying the
/// diffs oldest first, then created again with `POST /v1/articles`.
#[utoipa::path(
    operation_id = "listRevisions", tag = "revisions",
    security(("bearer" = ["admin"])),
    params(RevisionsParams),
    responses(
        (status = 200, description = "One page of the article's history (empty when it has none)", body = RevisionPage,
         headers(("Link" = String, description = "`<URL>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/revisions")]
pub(crate) async fn list_revisions(
    _admin: Admin,
    req: HttpRequest,
    db: web::Data<Database>,
    page: Page<NewestFirst, RevisionsParams>,
) -> Result<HttpResponse, ApiError> {
    let article_id = match page.query.article_id.as_deref().map(crate::domain::id::parse) {
        Some(Some(id)) => id.to_string(),
        Some(None) => return Err(invalid("article_id", "must be an article id (UUID)")),
        None => return Err(invalid("article_id", "is required")),
    };
    let paging = page.paging.clone();
    let items = db.run(move |c| read_page(c, &article_id, &paging)).await?;
    let (items, next_cursor) = page.split(items, revision_cursor)?;
    Ok(history(&req, items, next_cursor))
}

/// Read a revision's snapshot
///
/// The article exactly as it stood after that revision, with its quotes and
/// related links in order, as `GET /v1/articles/{article}?include=quotes,related_links`
/// showed it then to a caller who sees drafts.
#[utoipa::path(
    operation_id = "getRevision", tag = "revisions",
    security(("bearer" = ["read:drafts"])),
    params(ArticleRef, RevisionNumber),
    responses(
        (status = 200, description = "The snapshot", body = crate::domain::resource::Article,
         headers(("Newsdesk-Revision" = i32, description = "The revision shown"))),
    )
)]
#[get("/articles/{article}/revisions/{revision}")]
pub(crate) async fn get_revision(
    _reader: DraftReader,
    db: web::Data<Database>,
    article: ArticleRef,
    revision: RevisionNumber,
) -> Result<HttpResponse, ApiError> {
    let number = revision.0;
    let snapshot = read_snapshot(&db, article.key, number).await?;
    Ok(HttpResponse::Ok().insert_header(("Newsdesk-Revision", number.to_string())).json(snapshot))
}

/// Restore a revision
///
/// Makes the article, its quotes and its related links equal to the revision's
/// snapshot, in one transaction, recorded as a new revision (history is never
/// rewritten). Quotes and links keep their ids in the snapshot: those deleted since
/// come back, those added since go. Links to articles deleted since are left out
/// and listed in `left_out`. The article keeps its current slug when another
/// article has taken the snapshot's since (`kept_slug`). Send the article's ETag in
/// `If-Match` to refuse the restore if someone changed it meanwhile.
#[utoipa::path(
    operation_id = "restoreRevision", tag = "revisions",
    security(("bearer" = ["write"])),
    params(ArticleRef, RevisionNumber, IfMatch),
    responses(
        (status = 200, description = "Restored", body = RestoreResult,
         headers(("ETag" = String, description = "The article's new version as a strong ETag"))),
        (status = 409, response = crate::http::problems::Conflict),
    )
)]
#[post("/articles/{article}/revisions/{revision}/restore")]
pub(crate) async fn restore_revision(
    writer: Writer,
    db: web::Data<Database>,
    article: ArticleRef,
    revision: RevisionNumber,
    precondition: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let (key, number, expected) = (article.key, revision.0, precondition.expected);
    let at = now();
    // A snapshot never changes, so it is read before the write transaction; the
    // write checks `If-Match` against the article as it stands then.
    let snapshot = read_snapshot(&db, key.clone(), number).await?;
    let plan = RestorePlan::from_snapshot(&snapshot, at).map_err(ApiError::Invalid)?;
    let input = store::RestoreInput { revision: number, plan };
    let include = Include { quotes: true, related_links: true };
    let (outcome, children, newest) = db
        .by(writer.author())
        .run(move |c| -> Result<_, WriteError> {
            let outcome = store::restore(c, &key, &expected, input, at)?;
            let children = embedding::load(c, std::slice::from_ref(&outcome.article.id), include, Visibility::All)?;
            let newest = store::newest(c, &outcome.article.id)?;
            Ok((outcome, children, newest))
        })
        .await
        .map_err(|e| ApiError::from_write(e, "article"))?;
    let store::RestoreOutcome { article, left_out, kept_slug } = outcome;
    let version = article.version;
    let article = assemble(vec![article], children)?.pop().ok_or_else(|| ApiError::not_found("article"))?;
    let result = RestoreResult { revision: newest.unwrap_or(1), restored_from: number, article, left_out, kept_slug };
    Ok(reply::ok(Tagged::versioned(&result, version)?))
}

/// Revision `number`'s snapshot of the article `key` names: a 404 when there is no
/// such article, or no such revision kept.
async fn read_snapshot(db: &Database, key: ArticleKey, number: i32) -> Result<serde_json::Value, ApiError> {
    db.run(move |c| -> Result<_, DbError> {
        let Some(article) = articles::lookup::find(c, &key)? else { return Ok(Err(ApiError::not_found("article"))) };
        Ok(store::snapshot(c, &article.id, number)?.ok_or_else(|| missing_revision(number)))
    })
    .await?
}

fn read_page(c: &mut crate::db::DbConn, article_id: &str, paging: &Paging) -> Result<Vec<Revision>, DbError> {
    let before = paging.after.as_ref().and_then(|cursor| match cursor.key {
        CursorKey::Position(n) => Some(n),
        _ => None,
    });
    store::page(c, article_id, before, paging.limit + 1)
}

fn history(req: &HttpRequest, items: Vec<Revision>, next_cursor: Option<String>) -> HttpResponse {
    page_response(req, next_cursor.as_deref()).json(RevisionPage { items, next_cursor })
}

fn revision_cursor(revision: &Revision) -> Result<Cursor, ApiError> {
    Ok(Cursor { key: CursorKey::Position(revision.revision), id: revision.article_id })
}

fn missing_revision(number: i32) -> ApiError {
    ApiError::NotFound(format!("the article has no revision {number} (never had, or no longer kept)"))
}

fn invalid(parameter: &str, detail: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::parameter(parameter, detail)])
}
