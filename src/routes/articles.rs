//! `/v1/articles`: create, read (by id or slug), replace, merge-patch, delete, list.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::article_types::{Article, ArticlePage, ArticlePatch};
use crate::db::articles::{self as store, ArticleKey, ArticleRow};
use crate::db::{Database, WriteError};
use crate::domain::article::{self, ArticleFields, ArticleInput};
use crate::domain::article_filter::{ArticleFilter, ArticleListParams, FilterError};
use crate::domain::cursor::{ArticleSort, Cursor};
use crate::domain::merge_patch;
use crate::domain::slug::Slug;
use crate::domain::version::Expected;
use crate::error::{ApiError, Problem};
use crate::http::conditional::{etag, if_match, if_none_match};
use crate::http::json::{JsonBody, from_value};
use crate::http::query::QueryParams;

/// Registers the article routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_articles)
        .service(create_article)
        .service(get_article)
        .service(replace_article)
        .service(update_article)
        .service(delete_article);
}

/// Reads `{article}`: a UUID means the id, anything else must be a valid slug.
fn article_key(raw: &str) -> Result<ArticleKey, ApiError> {
    if let Ok(id) = uuid::Uuid::try_parse(raw) {
        return Ok(ArticleKey::Id(id));
    }
    Slug::parse(raw).map(ArticleKey::Slug).map_err(|_| {
        ApiError::BadRequest(format!(
            "`{raw}` is neither an article id (UUID) nor a slug"
        ))
    })
}

fn to_article(row: ArticleRow) -> Result<Article, ApiError> {
    Article::try_from(row).map_err(ApiError::Internal)
}

fn not_found(error: WriteError) -> ApiError {
    match error {
        WriteError::NotFound => ApiError::not_found("article"),
        other => other.into(),
    }
}

/// A single article with its ETag.
fn article_response(
    mut response: actix_web::HttpResponseBuilder,
    article: &Article,
) -> HttpResponse {
    response
        .insert_header((header::ETAG, etag(article.version)))
        .json(article)
}

/// List articles
///
/// Published articles, newest first, by default. Filters combine; `tag` may be
/// repeated (all must match). Pages are keyset-paginated: follow `next_cursor` (or
/// the `Link: rel="next"` header) until it is `null`.
#[utoipa::path(
    operation_id = "listArticles", tag = "articles",
    params(ArticleListParams),
    responses(
        (status = 200, description = "One page of articles", body = ArticlePage,
         headers(("Link" = String, description = "`<URL>; rel=\"next\"` when there is a next page"))),
        (status = 400, description = "Malformed cursor", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameter", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json",
         headers(("Retry-After" = u32, description = "Seconds to wait"))),
    )
)]
#[get("/articles")]
pub async fn list_articles(
    req: HttpRequest,
    db: web::Data<Database>,
    params: QueryParams<ArticleListParams>,
) -> Result<HttpResponse, ApiError> {
    let filter = ArticleFilter::parse(params.0).map_err(|e| match e {
        FilterError::Invalid(errors) => ApiError::Invalid(errors),
        FilterError::BadCursor(detail) => ApiError::BadRequest(format!("cursor {detail}")),
    })?;
    let (sort, limit) = (filter.sort, usize::try_from(filter.limit).unwrap_or(20));
    let now = article::now();
    let (mut rows, total) = db.run(move |c| store::list(c, &filter, now)).await?;
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last()
            .map(|last| cursor_after(last, sort))
            .transpose()?
    } else {
        None
    };
    let items = rows.into_iter().map(to_article).collect::<Result<_, _>>()?;
    let mut response = HttpResponse::Ok();
    if let Some(cursor) = &next_cursor {
        response.insert_header((header::LINK, next_link(&req, cursor)));
    }
    Ok(response.json(ArticlePage {
        items,
        next_cursor,
        total,
    }))
}

fn cursor_after(row: &ArticleRow, sort: ArticleSort) -> Result<String, ApiError> {
    let key = match sort {
        ArticleSort::PublishedDesc | ArticleSort::PublishedAsc => row.published_at,
        ArticleSort::UpdatedDesc | ArticleSort::UpdatedAsc => Some(row.updated_at),
    };
    let id = uuid::Uuid::try_parse(&row.id).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(Cursor {
        sort,
        key: key.map(|k| k.and_utc()),
        id,
    }
    .encode())
}

/// The request's own URL with `cursor` set to the next page.
fn next_link(req: &HttpRequest, cursor: &str) -> String {
    let mut url = req.full_url();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k != "cursor")
        .collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair("cursor", cursor);
    format!("<{url}>; rel=\"next\"")
}

/// Get an article
///
/// By id or by slug. Send the ETag back in `If-None-Match` to get a 304 when the
/// article has not changed.
#[utoipa::path(
    operation_id = "getArticle", tag = "articles",
    params(("article" = String, Path, description = "The article's id (UUID) or slug",
            example = "north-korea-fires-missiles-as-allies-meet"),
           ("If-None-Match" = Option<String>, Header, description = "ETag of a cached copy")),
    responses(
        (status = 200, description = "The article", body = Article,
         headers(("ETag" = String, description = "The article's version as a strong ETag"))),
        (status = 304, description = "The cached copy is current"),
        (status = 400, description = "Neither a UUID nor a slug", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{article}")]
pub async fn get_article(
    req: HttpRequest,
    db: web::Data<Database>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = article_key(&path)?;
    let row = db
        .run(move |c| store::find(c, &key))
        .await?
        .ok_or_else(|| ApiError::not_found("article"))?;
    if if_none_match(&req, row.version)? {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag(row.version)))
            .finish());
    }
    Ok(article_response(HttpResponse::Ok(), &to_article(row)?))
}

/// Create an article
///
/// The slug is derived from the title when not given. Returns the stored article
/// with its `Location`.
#[utoipa::path(
    operation_id = "createArticle", tag = "articles",
    request_body(content = ArticleInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Article,
         headers(("Location" = String, description = "URL of the new article"),
                 ("ETag" = String, description = "The article's version as a strong ETag"))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Slug already taken", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid article", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles")]
pub async fn create_article(
    db: web::Data<Database>,
    body: JsonBody<ArticleInput>,
) -> Result<HttpResponse, ApiError> {
    let now = article::now();
    let fields = ArticleFields::validate(body.0, now).map_err(ApiError::Invalid)?;
    let row = db.run(move |c| store::create(c, &fields, now)).await?;
    let article = to_article(row)?;
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, format!("/v1/articles/{}", article.id)));
    Ok(article_response(response, &article))
}

/// Replace an article
///
/// Every writable field is replaced: an optional field left out is cleared (the
/// slug, when left out, is kept). Send the ETag in `If-Match` to refuse the write
/// if someone else changed the article meanwhile.
#[utoipa::path(
    operation_id = "replaceArticle", tag = "articles",
    params(("article" = String, Path, description = "The article's id (UUID) or slug"),
           ("If-Match" = Option<String>, Header, description = "Only write if the stored ETag matches")),
    request_body(content = ArticleInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Replaced", body = Article,
         headers(("ETag" = String, description = "The new version as a strong ETag"))),
        (status = 400, description = "Malformed JSON or path", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Slug already taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The article changed since the ETag was read", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid article", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/articles/{article}")]
pub async fn replace_article(
    req: HttpRequest,
    db: web::Data<Database>,
    path: web::Path<String>,
    body: JsonBody<ArticleInput>,
) -> Result<HttpResponse, ApiError> {
    let key = article_key(&path)?;
    let expected = if_match(&req)?;
    let now = article::now();
    let fields = ArticleFields::validate(body.0, now).map_err(ApiError::Invalid)?;
    let row = db
        .run(move |c| store::update(c, &key, &expected, &fields, now).map_err(not_found))
        .await?;
    Ok(article_response(HttpResponse::Ok(), &to_article(row)?))
}

/// Update an article
///
/// A JSON merge patch (RFC 7396): members left out stay as they are, `null` clears
/// an optional member.
#[utoipa::path(
    operation_id = "updateArticle", tag = "articles",
    params(("article" = String, Path, description = "The article's id (UUID) or slug"),
           ("If-Match" = Option<String>, Header, description = "Only write if the stored ETag matches")),
    request_body(content = ArticlePatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Updated", body = Article,
         headers(("ETag" = String, description = "The new version as a strong ETag"))),
        (status = 400, description = "Malformed JSON or path", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Slug already taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The article changed since the ETag was read", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid result", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/articles/{article}")]
pub async fn update_article(
    req: HttpRequest,
    db: web::Data<Database>,
    path: web::Path<String>,
    body: JsonBody<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let key = article_key(&path)?;
    let client_expects = if_match(&req)?;
    if !body.0.is_object() {
        return Err(ApiError::Invalid(vec![crate::domain::FieldError::body(
            "",
            "a merge patch must be a JSON object",
        )]));
    }
    // Merge onto the version we read and write only if it is still current; when a
    // concurrent writer wins and the client set no condition, merge again.
    for _ in 0..3 {
        let lookup = key.clone();
        let current = db
            .run(move |c| store::find(c, &lookup))
            .await?
            .ok_or_else(|| ApiError::not_found("article"))?;
        if !client_expects.allows(current.version) {
            return Err(ApiError::PreconditionFailed {
                current: current.version,
            });
        }
        let read_version = current.version;
        let mut document = serde_json::to_value(ArticleInput::from(to_article(current)?))
            .map_err(|e| ApiError::Internal(e.into()))?;
        merge_patch::apply(&mut document, body.0.clone());
        let now = article::now();
        let fields =
            ArticleFields::validate(from_value(document)?, now).map_err(ApiError::Invalid)?;
        let target = key.clone();
        let expected = Expected::OneOf(vec![read_version]);
        match db
            .run(move |c| Ok::<_, WriteError>(store::update(c, &target, &expected, &fields, now)))
            .await?
        {
            Ok(row) => return Ok(article_response(HttpResponse::Ok(), &to_article(row)?)),
            Err(WriteError::VersionMismatch { .. }) if !client_expects.is_conditional() => continue,
            Err(error) => return Err(not_found(error)),
        }
    }
    Err(ApiError::Conflict(
        "the article kept changing while the patch was applied; try again".into(),
    ))
}

/// Delete an article
#[utoipa::path(
    operation_id = "deleteArticle", tag = "articles",
    params(("article" = String, Path, description = "The article's id (UUID) or slug"),
           ("If-Match" = Option<String>, Header, description = "Only delete if the stored ETag matches")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Neither a UUID nor a slug", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The article changed since the ETag was read", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/articles/{article}")]
pub async fn delete_article(
    req: HttpRequest,
    db: web::Data<Database>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = article_key(&path)?;
    let expected = if_match(&req)?;
    db.run(move |c| store::delete(c, &key, &expected).map_err(not_found))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
