//! Related links: `/v1/articles/{article}/related-links` (list, create, replace the
//! whole list), `/v1/related-links/{id}` (read, merge-patch, delete) and
//! `/v1/articles/{article}/backlinks`.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::article_types::ArticlePage;
use super::link_types::{RelatedLinkInputSchema, RelatedLinkList, RelatedLinkPage, RelatedLinkPatch};
use super::paging::{ByPosition, page_response};
use super::patching::{merged, patch_errors, require_object};
use crate::db::related_links::{self as store, LinkWithTarget};
use crate::db::stored_uuid;
use crate::db::{Database, articles};
use crate::domain::FieldError;
use crate::domain::cache_tag;
use crate::domain::cursor::{Cursor, CursorKey};
use crate::domain::related_link::MAX_LINKS_PER_PUT;
use crate::domain::related_link::{RelatedLinkFields, RelatedLinkInput, RelatedLinkListItem, check_patch};
use crate::domain::resource::{Article, RelatedLink};
use crate::domain::time::now;
use crate::error::ApiError;
use crate::http::auth::{Caller, Writer};
use crate::http::json::JsonBody;
use crate::http::params::{ArticleRef, IfMatch, IfNoneMatch, ListOrder, Page, Remove, Resource, ResourceId};
use crate::http::problems::Conflict;
use crate::http::reply::{self, Tagged};

/// The order backlinks page in: by the linking article's id.
#[derive(Debug)]
pub(crate) enum BySource {}
impl ListOrder for BySource {
    const NAME: &'static str = "source-id";
}

impl Resource for RelatedLink {
    const NOUN: &'static str = "link";
}

/// Registers the related-link routes.
pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_related_links)
        .service(create_related_link)
        .service(replace_related_links)
        .service(list_backlinks)
        .service(get_related_link)
        .service(update_related_link)
        .service(delete_related_link);
}

fn tagged(link: &RelatedLink) -> Result<Tagged, ApiError> {
    Tagged::versioned(link, link.version)
}

fn to_links(rows: Vec<LinkWithTarget>) -> Result<Vec<RelatedLink>, ApiError> {
    Ok(rows.into_iter().map(RelatedLink::try_from).collect::<Result<_, _>>()?)
}

/// List an article's related links
///
/// In position order, 0 first. Internal links show their target's current id,
/// slug, title and status.
#[utoipa::path(
    operation_id = "listRelatedLinks", tag = "related-links",
    security((), ("bearer" = ["read:drafts"])),
    params(ArticleRef, Page<ByPosition>),
    responses(
        (status = 200, description = "One page of the article's links", body = RelatedLinkPage,
         headers(("Link" = String, description = "`<URL>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/articles/{article}/related-links")]
pub(crate) async fn list_related_links(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Database>,
    article: ArticleRef,
    page: Page<ByPosition>,
) -> Result<HttpResponse, ApiError> {
    let (key, paging) = (article.key, page.paging.clone());
    let visibility = caller.visibility(now());
    let rows = db
        .run(move |c| -> diesel::QueryResult<_> {
            let Some(article) = articles::find_visible(c, &key, visibility)? else { return Ok(None) };
            let rows = store::list_for_article(c, &article.id, &paging, visibility)?;
            Ok(Some((article.id, rows)))
        })
        .await?
        .ok_or_else(|| ApiError::not_found("article"))?;
    let (article_id, rows) = rows;
    let (rows, next_cursor) = page
        .split(rows, |(link, _)| Ok(Cursor { key: CursorKey::Position(link.position), id: stored_uuid(&link.id)? }))?;
    let items = to_links(rows)?;
    let tags = cache_tag::of_list(cache_tag::article(&article_id), &items, cache_tag::of_link);
    let page = page_response(&req, next_cursor.as_deref()).json(RelatedLinkPage { items, next_cursor });
    Ok(reply::with_cache_tags(page, &tags))
}

/// Add a related link
///
/// To another article (`target_article_id`) or to a URL, after the last link or at
/// `position`. An article cannot link to itself or to the same target twice.
#[utoipa::path(
    operation_id = "createRelatedLink", tag = "related-links",
    security(("bearer" = ["write"])),
    params(ArticleRef),
    request_body(content = RelatedLinkInputSchema, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = RelatedLink,
         headers(("Location" = String, description = "URL of the new link"),
                 ("ETag" = String, description = "The link's version as a strong ETag"))),
        (status = 409, response = Conflict),
    )
)]
#[post("/articles/{article}/related-links")]
pub(crate) async fn create_related_link(
    writer: Writer,
    db: web::Data<Database>,
    article: ArticleRef,
    body: JsonBody<RelatedLinkInput>,
) -> Result<HttpResponse, ApiError> {
    let key = article.key;
    let fields = RelatedLinkFields::validate(body.0).map_err(ApiError::Invalid)?;
    let at = now();
    let row = db
        .by(writer.author())
        .run(move |c| store::create(c, &key, &fields, at))
        .await
        .map_err(|e| ApiError::from_write(e, "article"))?;
    let link = RelatedLink::try_from(row)?;
    Ok(reply::created(format!("/v1/related-links/{}", link.id), tagged(&link)?))
}

/// Replace an article's related links
///
/// The whole ordered list at once, in one transaction: every link is stored or
/// none. The array order is the position order (so items have no `position`).
/// Returns the new list.
#[utoipa::path(
    operation_id = "replaceRelatedLinks", tag = "related-links",
    security(("bearer" = ["write"])),
    params(ArticleRef),
    request_body(content = RelatedLinkList, content_type = "application/json",
        example = json!([
            {"target_article_id": "0192f0a0-0000-7000-8000-000000000001", "relation": "related"},
            {"url": "https://example.org/analysis/korea-missiles", "title": "Analysis: what the launches mean",
             "relation": "more"}
        ])),
    responses(
        (status = 200, description = "The new list", body = RelatedLinkPage),
        (status = 409, response = Conflict),
    )
)]
#[put("/articles/{article}/related-links")]
pub(crate) async fn replace_related_links(
    writer: Writer,
    db: web::Data<Database>,
    article: ArticleRef,
    body: JsonBody<Vec<RelatedLinkListItem>>,
) -> Result<HttpResponse, ApiError> {
    let key = article.key;
    let items = validate_list(body.0)?;
    let at = now();
    let rows = db
        .by(writer.author())
        .run(move |c| store::replace_all(c, &key, &items, at))
        .await
        .map_err(|e| ApiError::from_write(e, "article"))?;
    Ok(HttpResponse::Ok().json(RelatedLinkPage { items: to_links(rows)?, next_cursor: None }))
}

/// Checks every item of a list `PUT`, pointing at each bad one.
fn validate_list(inputs: Vec<RelatedLinkListItem>) -> Result<Vec<RelatedLinkFields>, ApiError> {
    if inputs.len() > MAX_LINKS_PER_PUT {
        return Err(ApiError::Invalid(vec![FieldError::body(
            "",
            format!("must hold at most {MAX_LINKS_PER_PUT} links"),
        )]));
    }
    let mut errors = Vec::new();
    let mut items = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.into_iter().enumerate() {
        let prefix = format!("/{index}");
        match RelatedLinkFields::validate(input.into()) {
            Ok(fields) => items.push(RelatedLinkFields { position: None, ..fields }),
            Err(e) => errors.extend(e.into_iter().map(|e| e.under(&prefix))),
        }
    }
    if errors.is_empty() { Ok(items) } else { Err(ApiError::Invalid(errors)) }
}

/// List backlinks
///
/// The articles whose related links point at this one, oldest first.
#[utoipa::path(
    operation_id = "listBacklinks", tag = "related-links",
    security((), ("bearer" = ["read:drafts"])),
    params(ArticleRef, Page<BySource>),
    responses(
        (status = 200, description = "One page of linking articles", body = ArticlePage,
         headers(("Link" = String, description = "`<URL>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/articles/{article}/backlinks")]
pub(crate) async fn list_backlinks(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Database>,
    article: ArticleRef,
    page: Page<BySource>,
) -> Result<HttpResponse, ApiError> {
    let (key, paging) = (article.key, page.paging.clone());
    let visibility = caller.visibility(now());
    let rows = db
        .run(move |c| -> diesel::QueryResult<_> {
            let Some(article) = articles::find_visible(c, &key, visibility)? else { return Ok(None) };
            let rows = store::backlinks(c, &article.id, &paging, visibility)?;
            Ok(Some((article.id, rows)))
        })
        .await?
        .ok_or_else(|| ApiError::not_found("article"))?;
    let (target_id, rows) = rows;
    let (rows, next_cursor) = page.split(rows, |a| Ok(Cursor { key: CursorKey::Absent, id: stored_uuid(&a.id)? }))?;
    let items: Vec<Article> = rows.into_iter().map(Article::try_from).collect::<Result<_, _>>()?;
    // A new link to the target changes this list: link changes purge the target's tag.
    let tags = cache_tag::of_list(cache_tag::article(&target_id), &items, cache_tag::of_article);
    let page = page_response(&req, next_cursor.as_deref()).json(ArticlePage { items, next_cursor, total: None });
    Ok(reply::with_cache_tags(page, &tags))
}

/// Get a related link
///
/// By id. Send the ETag back in `If-None-Match` to get a 304 when the link has not
/// changed.
#[utoipa::path(
    operation_id = "getRelatedLink", tag = "related-links",
    security((), ("bearer" = ["read:drafts"])),
    params(ResourceId<RelatedLink>, IfNoneMatch),
    responses(
        (status = 200, description = "The link", body = RelatedLink,
         headers(("ETag" = String, description = "The link's version as a strong ETag"))),
        (status = 304, description = "The cached copy is current",
         headers(("ETag" = String, description = "The link's current version as a strong ETag"))),
    )
)]
#[get("/related-links/{id}")]
pub(crate) async fn get_related_link(
    caller: Caller,
    db: web::Data<Database>,
    link: ResourceId<RelatedLink>,
    cached: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let id = link.id;
    let visibility = caller.visibility(now());
    let row = db
        .run(move |c| store::find_visible(c, &id, visibility))
        .await?
        .ok_or_else(|| ApiError::not_found("related link"))?;
    let link = RelatedLink::try_from(row)?;
    Ok(reply::with_cache_tags(reply::conditional(&cached, tagged(&link)?), &cache_tag::of_link(&link)))
}

/// Update a related link
///
/// A JSON merge patch (RFC 7396); a new `position` moves the link and the others
/// close up around it.
#[utoipa::path(
    operation_id = "updateRelatedLink", tag = "related-links",
    security(("bearer" = ["write"])),
    params(ResourceId<RelatedLink>, IfMatch),
    request_body(content = RelatedLinkPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Updated", body = RelatedLink,
         headers(("ETag" = String, description = "The new version as a strong ETag"))),
        (status = 409, response = Conflict),
    )
)]
#[patch("/related-links/{id}")]
pub(crate) async fn update_related_link(
    writer: Writer,
    db: web::Data<Database>,
    link: ResourceId<RelatedLink>,
    precondition: IfMatch,
    body: JsonBody<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let (id, expected) = (link.id, precondition.expected);
    require_object(&body.0)?;
    check_patch(&body.0).map_err(ApiError::Invalid)?;
    let patch = body.0;
    let apply = move |current: &LinkWithTarget| {
        let link = RelatedLink::try_from(current.clone())?;
        RelatedLinkFields::validate(merged(RelatedLinkInput::from(link), &patch)?).map_err(|e| patch_errors(&patch, e))
    };
    let at = now();
    let row = db
        .by(writer.author())
        .run(move |c| store::update(c, &id, &expected, apply, at))
        .await
        .map_err(|e| ApiError::from_write(e, "related link"))?;
    Ok(reply::ok(tagged(&RelatedLink::try_from(row)?)?))
}

/// Delete a related link
///
/// The links after it move up one place.
#[utoipa::path(
    operation_id = "deleteRelatedLink", tag = "related-links",
    security(("bearer" = ["write"])),
    params(ResourceId<RelatedLink>, IfMatch<Remove>),
    responses(
        (status = 204, description = "Deleted"),
    )
)]
#[delete("/related-links/{id}")]
pub(crate) async fn delete_related_link(
    writer: Writer,
    db: web::Data<Database>,
    link: ResourceId<RelatedLink>,
    precondition: IfMatch<Remove>,
) -> Result<HttpResponse, ApiError> {
    let (id, expected) = (link.id, precondition.expected);
    db.by(writer.author())
        .run(move |c| store::delete(c, &id, &expected, now()))
        .await
        .map_err(|e| ApiError::from_write(e, "related link"))?;
    Ok(HttpResponse::NoContent().finish())
}
