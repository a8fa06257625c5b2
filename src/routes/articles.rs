//! `/v1/articles`: create (with nested quotes and links), read by id or slug,
//! replace, merge-patch, delete, list; `include=` embeds children.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use serde_json::Value;
use utoipa_actix_web::service_config::ServiceConfig;

use super::article_types::{ArticlePage, ArticlePatch, NewArticleInput};
use super::paging::page_response;
use super::patching::{merged, patch_errors, require_object};
use super::structured_data::{self, NewsArticleLd};
use crate::db::articles::{self as store, ArticleRow, NewChildren};
use crate::db::embedding::assemble;
use crate::db::search::{self, Searched};
use crate::db::stored_uuid;
use crate::db::{Database, WriteError, embedding};
use crate::domain::FieldError;
use crate::domain::access::Visibility;
use crate::domain::article::{ArticleFields, ArticleInput, ArticleStatus, Replacement};
use crate::domain::article_filter::{ArticleFilter, ArticleListParams, ArticleReadParams, Include};
use crate::domain::cache_tag;
use crate::domain::cursor::{ArticleSort, Cursor, CursorKey, CursorSecret};
use crate::domain::fields::{BodyRead, Selection};
use crate::domain::resource::Article;
use crate::domain::search::SearchHit;
use crate::domain::time::now;
use crate::error::ApiError;
use crate::http::auth::{Caller, Writer};
use crate::http::fields::{self as sparse, FieldsParam};
use crate::http::json::{JsonBody, from_value, from_value_under};
use crate::http::params::{ArticleRef, IfMatch, IfNoneMatch, Remove, WithExample, list_error, split_page};
use crate::http::problems::Conflict;
use crate::http::query::QueryParams;
use crate::http::reply::{self, Tagged};

/// Registers the article routes.
pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_articles)
        .service(create_article)
        .service(get_article)
        .service(replace_article)
        .service(update_article)
        .service(delete_article);
}

fn to_article(row: ArticleRow) -> Result<Article, ApiError> {
    Ok(Article::try_from(row)?)
}

/// A single article with its ETag: the version, or for an article with embedded
/// children a weak digest of the whole representation.
fn tagged(article: &Article) -> Result<Tagged, ApiError> {
    if article.quotes.is_some() || article.related_links.is_some() {
        Tagged::digested(article, article.version)
    } else {
        Tagged::versioned(article, article.version)
    }
}

/// List articles
///
/// Published articles, newest first, by default. Filters combine; `tag` may be
/// repeated (all must match). Pages are keyset-paginated: follow `next_cursor` (or
/// the `Link: rel="next"` header) until it is `null`. `include` embeds each
/// article's quotes and related links at a fixed number of queries per page.
/// `fields` returns only the members named (a page without the bodies is a
/// fraction of the size, and the bodies are not read).
#[utoipa::path(
    operation_id = "listArticles", tag = "articles",
    security((), ("bearer" = ["read:drafts"])),
    params(ArticleListParams, FieldsParam<Article>),
    responses(
        (status = 200, description = "One page of articles", body = ArticlePage,
         headers(("Link" = String, description = "`<URL>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/articles")]
pub(crate) async fn list_articles(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Database>,
    params: QueryParams<ArticleListParams>,
    secret: CursorSecret,
) -> Result<HttpResponse, ApiError> {
    let (filter, selection) = list_request(params.0, &secret)?;
    let (sort, limit, include, order) = (filter.sort, filter.limit, filter.include, filter.cursor_order());
    let at = now();
    let visibility = caller.visibility(at);
    let (rows, total, children, mut hits) = db
        .run(move |c| -> diesel::QueryResult<_> {
            let (rows, total) = store::list_ranked(c, &filter, at, visibility)?;
            // Children and search hits only for the rows that will be shown (not the
            // look-ahead row), in one query per kind.
            let shown = usize::try_from(filter.limit).unwrap_or(usize::MAX);
            let ids: Vec<String> = rows.iter().take(shown).map(|(r, _)| r.id.clone()).collect();
            let children = embedding::load(c, &ids, include, visibility)?;
            let hits = match &filter.search {
                Some(text) => Some(search::hits(c, Searched::Articles, text, &ids)?),
                None => None,
            };
            Ok((rows, total, children, hits))
        })
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, &order, &secret, |row| cursor_after(row, sort))?;
    // A relevance list shows the rank it was ordered by (the one its cursor carries).
    let ranks: Vec<Option<f64>> = rows.iter().map(|(_, rank)| *rank).collect();
    let mut items = assemble(rows.into_iter().map(|(row, _)| row).collect(), children)?;
    if let Some(hits) = hits.as_mut() {
        for (item, rank) in items.iter_mut().zip(ranks) {
            item.search = Some(search_hit(hits, &item.id.to_string(), rank));
        }
    }
    let tags = cache_tag::of_list(cache_tag::ARTICLES.to_owned(), &items, cache_tag::of_article);
    let response = page_response(&req, next_cursor.as_deref());
    let page = sparse::page(response, &ArticlePage { items, next_cursor, total }, selection.as_ref());
    Ok(reply::with_cache_tags(page, &tags))
}

/// The list's filter and `fields`, all their broken rules in one 422; the filter
/// embeds the children `fields` names and reads the bodies only when shown.
fn list_request(
    mut params: ArticleListParams,
    secret: &CursorSecret,
) -> Result<(ArticleFilter, Option<Selection>), ApiError> {
    let fields = std::mem::take(&mut params.fields);
    let (mut filter, mut selection) = sparse::together(
        ArticleFilter::parse(params, secret).map_err(list_error),
        sparse::selection::<Article>(&fields),
    )?;
    if let Some(selection) = selection.as_mut() {
        filter.include = selection.embedding(filter.include);
    }
    filter.body = BodyRead::for_selection(selection.as_ref());
    Ok((filter, selection))
}

/// A shown row's search hit: its passage, with the rank the list was ordered by
/// when there is one. A row changed since the list was read so that it no longer
/// matches still gets one (rank 0, its passage unmarked): every item of a search
/// carries `search`.
pub(super) fn search_hit(hits: &mut HashMap<String, SearchHit>, id: &str, rank: Option<f64>) -> SearchHit {
    let mut hit = hits.remove(id).unwrap_or(SearchHit { rank: 0.0, snippet: String::new() });
    if let Some(rank) = rank {
        hit.rank = rank;
    }
    hit
}

fn cursor_after((row, rank): &(ArticleRow, Option<f64>), sort: ArticleSort) -> Result<Cursor, ApiError> {
    let key = match sort {
        ArticleSort::PublishedDesc | ArticleSort::PublishedAsc => row.published_at,
        ArticleSort::UpdatedDesc | ArticleSort::UpdatedAsc => Some(row.updated_at),
        ArticleSort::Relevance => {
            let rank = rank.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a relevance row without its rank")))?;
            return Ok(Cursor { key: CursorKey::rank(rank), id: stored_uuid(&row.id)? });
        }
    };
    let key = key.map_or(CursorKey::Absent, |k| CursorKey::Time(k.and_utc()));
    Ok(Cursor { key, id: stored_uuid(&row.id)? })
}

/// Get an article
///
/// By id or by slug. Send the ETag back in `If-None-Match` to get a 304 when the
/// article has not changed. With `include`, the ETag is a weak digest of the whole
/// representation (use a plain read's ETag for `If-Match`).
///
/// With `Accept: application/ld+json` (preferred over `application/json`), the
/// article as schema.org `NewsArticle` JSON-LD, its quotes included as `Quotation`
/// parts, with a weak digest ETag; it links to the article's page on the site, so
/// it answers 503 while `NEWSDESK_PUBLIC_URL` is not set. Both representations
/// carry `Vary: Accept`.
///
/// With `fields`, only the members named, with a weak digest ETag of that
/// representation; JSON-LD takes no `fields`.
#[utoipa::path(
    operation_id = "getArticle", tag = "articles",
    security((), ("bearer" = ["read:drafts"])),
    params(ArticleRef<WithExample>, ArticleReadParams, FieldsParam<Article>, IfNoneMatch),
    responses(
        (status = 200, description = "The article (as JSON-LD when asked for)",
         content((Article = "application/json"), (NewsArticleLd = "application/ld+json")),
         headers(("ETag" = String, description = "The article's version as a strong ETag (a weak digest for JSON-LD, with `include` or with `fields`)"),
                 ("Vary" = String, description = "`Accept, Authorization, Accept-Encoding`: the representation depends on all three"))),
        (status = 304, description = "The cached copy is current",
         headers(("ETag" = String, description = "The same ETag the 200 response would carry"))),
        (status = 503, response = crate::http::problems::DiscoveryUnavailable),
    )
)]
#[get("/articles/{article}")]
pub(crate) async fn get_article(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Database>,
    params: QueryParams<ArticleReadParams>,
    article: ArticleRef<WithExample>,
    cached: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let key = article.key;
    let include =
        Include::parse(&params.0.include).map_err(|e| ApiError::Invalid(vec![FieldError::parameter("include", e)]));
    let (mut include, mut selection) = sparse::together(include, sparse::selection::<Article>(&params.0.fields))?;
    // Invisible articles are a 404, not a 403, so that their existence does not leak.
    let visibility = caller.visibility(now());
    if crate::http::accept::wants_json_ld(&req) {
        if selection.is_some() {
            return Err(ApiError::Invalid(vec![FieldError::parameter(
                sparse::FIELDS,
                "shapes the JSON representation only; JSON-LD (`Accept: application/ld+json`) is always whole",
            )]));
        }
        return structured_data::article_json_ld(&req, db, key, visibility, &cached).await;
    }
    if let Some(selection) = selection.as_mut() {
        include = selection.embedding(include);
    }
    let body = BodyRead::for_selection(selection.as_ref());
    let (row, children) = db
        .run(move |c| -> diesel::QueryResult<_> {
            let Some(row) = store::columns::find_visible_reading(c, &key, visibility, body)? else { return Ok(None) };
            let children = embedding::load(c, std::slice::from_ref(&row.id), include, visibility)?;
            Ok(Some((row, children)))
        })
        .await?
        .ok_or_else(|| ApiError::not_found("article"))?;
    let article = assemble(vec![row], children)?.pop().ok_or_else(|| ApiError::not_found("article"))?;
    let representation = sparse::tagged(&article, article.version, selection.as_ref(), tagged)?;
    let mut response = reply::conditional(&cached, representation);
    structured_data::vary_on_accept(&mut response);
    Ok(reply::with_cache_tags(response, &cache_tag::of_article(&article)))
}

/// Create an article
///
/// The slug is derived from the title when not given. `quotes` and
/// `related_links` are stored with the article in one transaction. Returns the
/// stored article (embedding the kinds of children sent) and its `Location`.
#[utoipa::path(
    operation_id = "createArticle", tag = "articles",
    security(("bearer" = ["write"])),
    request_body(content = NewArticleInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Article,
         headers(("Location" = String, description = "URL of the new article"),
                 ("ETag" = String, description = "The article's version as a strong ETag"))),
        (status = 409, response = Conflict),
    )
)]
#[post("/articles")]
pub(crate) async fn create_article(
    writer: Writer,
    db: web::Data<Database>,
    body: JsonBody<Value>,
) -> Result<HttpResponse, ApiError> {
    let at = now();
    let input = parse_new(body.0)?;
    // The response embeds the kinds of children the request carried.
    let include = Include { quotes: input.quotes.is_some(), related_links: input.related_links.is_some() };
    let (fields, children) = validate_new(input, at)?;
    let (row, children) = db
        .by(writer.author())
        .run(move |c| -> Result<_, WriteError> {
            let row = store::create(c, &fields, &children, at)?;
            let children = embedding::load(c, std::slice::from_ref(&row.id), include, Visibility::All)?;
            Ok((row, children))
        })
        .await
        .map_err(|e| ApiError::from_write(e, "article"))?;
    let article = assemble(vec![row], children)?.pop().ok_or_else(|| ApiError::not_found("article"))?;
    // The strong ETag of the version, even when children are embedded: it is what
    // a client sends back in `If-Match` to change the article it just created.
    Ok(reply::created(format!("/v1/articles/{}", article.id), Tagged::versioned(&article, article.version)?))
}

/// Splits a create body into the article and its children, with pointers that
/// name the child (`/quotes/1/text`).
fn parse_new(mut body: Value) -> Result<NewArticleInput, ApiError> {
    let (quotes, links) = match &mut body {
        Value::Object(members) => (members.remove("quotes"), members.remove("related_links")),
        _ => (None, None),
    };
    Ok(NewArticleInput {
        article: from_value(body)?,
        quotes: quotes.map(|q| from_value_under(q, "/quotes")).transpose()?.flatten(),
        related_links: links.map(|l| from_value_under(l, "/related_links")).transpose()?.flatten(),
    })
}

/// Checks the article and every child, reporting all broken rules together.
fn validate_new(
    input: NewArticleInput,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(ArticleFields, NewChildren), ApiError> {
    let (quotes, links) = (input.quotes.unwrap_or_default(), input.related_links.unwrap_or_default());
    let new =
        crate::domain::article::NewArticle::validate(input.article, quotes, links, at).map_err(ApiError::Invalid)?;
    Ok((new.article, NewChildren { quotes: new.quotes, links: new.links }))
}

/// Replace an article
///
/// Every writable field is replaced: an optional field left out is cleared, except
/// the slug, which is kept, and `published_at` of an article that was and stays
/// published, which is kept too (so that a replacement does not re-date the story).
/// Send the ETag in `If-Match` to refuse the write
/// if someone else changed the article meanwhile.
#[utoipa::path(
    operation_id = "replaceArticle", tag = "articles",
    security(("bearer" = ["write"])),
    params(ArticleRef, IfMatch),
    request_body(content = ArticleInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Replaced", body = Article,
         headers(("ETag" = String, description = "The new version as a strong ETag"))),
        (status = 409, response = Conflict),
    )
)]
#[put("/articles/{article}")]
pub(crate) async fn replace_article(
    writer: Writer,
    db: web::Data<Database>,
    article: ArticleRef,
    precondition: IfMatch,
    body: JsonBody<ArticleInput>,
) -> Result<HttpResponse, ApiError> {
    let (key, expected) = (article.key, precondition.expected);
    let at = now();
    let replacement = Replacement::validate(body.0, at).map_err(ApiError::Invalid)?;
    let over = move |current: &ArticleRow| {
        let status = ArticleStatus::parse(&current.status)
            .ok_or_else(|| WriteError::corrupt(format!("unknown stored status {:?}", current.status)))?;
        Ok(replacement.over(status, current.published_at.map(|t| t.and_utc())))
    };
    let row = db
        .by(writer.author())
        .run(move |c| store::update(c, &key, &expected, over, at))
        .await
        .map_err(|e| ApiError::from_write(e, "article"))?;
    Ok(reply::ok(tagged(&to_article(row)?)?))
}

/// Update an article
///
/// A JSON merge patch (RFC 7396): members left out stay as they are, `null` clears
/// an optional member.
#[utoipa::path(
    operation_id = "updateArticle", tag = "articles",
    security(("bearer" = ["write"])),
    params(ArticleRef, IfMatch),
    request_body(content = ArticlePatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Updated", body = Article,
         headers(("ETag" = String, description = "The new version as a strong ETag"))),
        (status = 409, response = Conflict),
    )
)]
#[patch("/articles/{article}")]
pub(crate) async fn update_article(
    writer: Writer,
    db: web::Data<Database>,
    article: ArticleRef,
    precondition: IfMatch,
    body: JsonBody<Value>,
) -> Result<HttpResponse, ApiError> {
    let (key, expected) = (article.key, precondition.expected);
    require_object(&body.0)?;
    let patch = body.0;
    let at = now();
    let apply = move |current: &ArticleRow| {
        let article = Article::try_from(current.clone())?;
        let input = merged(ArticleInput::from(article), &patch)?;
        ArticleFields::validate(input, at).map_err(|e| patch_errors(&patch, e))
    };
    let row = db
        .by(writer.author())
        .run(move |c| store::update(c, &key, &expected, apply, at))
        .await
        .map_err(|e| ApiError::from_write(e, "article"))?;
    Ok(reply::ok(tagged(&to_article(row)?)?))
}

/// Delete an article
///
/// Its quotes and related links go with it, and so do other articles' links to it.
#[utoipa::path(
    operation_id = "deleteArticle", tag = "articles",
    security(("bearer" = ["write"])),
    params(ArticleRef, IfMatch<Remove>),
    responses(
        (status = 204, description = "Deleted"),
    )
)]
#[delete("/articles/{article}")]
pub(crate) async fn delete_article(
    writer: Writer,
    db: web::Data<Database>,
    article: ArticleRef,
    precondition: IfMatch<Remove>,
) -> Result<HttpResponse, ApiError> {
    let (key, expected) = (article.key, precondition.expected);
    db.by(writer.author())
        .run(move |c| store::delete(c, &key, &expected, now()))
        .await
        .map_err(|e| ApiError::from_write(e, "article"))?;
    Ok(HttpResponse::NoContent().finish())
}
