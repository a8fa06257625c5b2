//! Quotes: `/v1/articles/{article}/quotes` (list, create), `/v1/quotes/{id}` (read,
//! replace, merge-patch, delete) and `/v1/quotes` (search across articles).

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa_actix_web::service_config::ServiceConfig;

use super::articles::search_hit;
use super::paging::{ByPosition, page_response};
use super::patching::{merged, patch_errors, require_object};
use super::quote_types::{QuotePage, QuotePatch};
use crate::db::quotes::{self as store, QuoteSearch};
use crate::db::search::{self as db_search, Searched};
use crate::db::stored_uuid;
use crate::db::{Database, articles};
use crate::domain::FieldError;
use crate::domain::article_filter::{RELEVANCE_NEEDS_Q, relevance_order};
use crate::domain::article_ref::ArticleKey;
use crate::domain::cache_tag;
use crate::domain::cursor::{Cursor, CursorKey, CursorSecret};
use crate::domain::paging::{ListError, Paging};
use crate::domain::quote::{MAX_SPEAKER_NAME_LEN, QuoteFields, QuoteInput, speaker_key};
use crate::domain::resource::Quote;
use crate::domain::search::SearchText;
use crate::domain::text::trimmed_required;
use crate::domain::time::now;
use crate::error::ApiError;
use crate::http::auth::{Caller, Writer};
use crate::http::fields::{self as sparse, FieldsParam, FieldsQuery, SparsePage};
use crate::http::json::JsonBody;
use crate::http::params::{
    ArticleRef, IfMatch, IfNoneMatch, Page, Remove, Resource, ResourceId, article_ref_schema, list_error, split_page,
};
use crate::http::problems::Conflict;
use crate::http::query::QueryParams;
use crate::http::reply::{self, Tagged};

/// Registers the quote routes.
pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_article_quotes)
        .service(create_quote)
        .service(search_quotes)
        .service(get_quote)
        .service(replace_quote)
        .service(update_quote)
        .service(delete_quote);
}

impl Resource for Quote {
    const NOUN: &'static str = "quote";
}

/// The orders quote search pages in: newest first, or by relevance.
const NEWEST_ORDER: &str = "-created_at";
const RELEVANCE: &str = "relevance";

/// The order a search's cursors are bound to (a relevance order to its search too).
fn search_order(by_relevance: bool, text: Option<&SearchText>) -> String {
    relevance_order(if by_relevance { RELEVANCE } else { NEWEST_ORDER }, text)
}

/// Query parameters of the quote search.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct QuoteSearchParams {
    /// Only quotes by this speaker (whole name, case-insensitive).
    #[param(example = "Park Jin", min_length = 1, max_length = 200, pattern = r"\S")]
    pub speaker: Option<String>,
    /// Only quotes in this article (id or slug).
    pub article: Option<String>,
    /// Full-text search over the quote text, in the syntax of `listArticles`' `q`
    /// (every word must match, `"a phrase"`, `-word` excludes, `or`). Text without
    /// any letter or digit means no search. With `q`, each item carries `search`
    /// and the list is sorted by relevance unless `sort` says otherwise.
    #[param(example = "provocation -nuclear", max_length = 500)]
    pub q: Option<String>,
    /// Order: `relevance` (by `search.rank`, best first, ties by id; the default
    /// with `q`, and only with `q`) or `-created_at` (newest first, the default
    /// without `q`).
    #[param(pattern = "^(-created_at|relevance)$", example = "-created_at")]
    pub sort: Option<String>,
    /// Page size, 1..=100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page; empty (or left out) for the first page.
    pub cursor: Option<String>,
    /// Read by `http::fields`, which documents it.
    #[serde(default)]
    #[param(ignore)]
    pub fields: Vec<String>,
}

/// The search's parameters as the document shows them: the `article` filter takes
/// what an `{article}` path takes (the pattern lives in `http::params`).
pub(crate) enum QuoteSearchDoc {}

impl IntoParams for QuoteSearchDoc {
    fn into_params(in_provider: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut params = QuoteSearchParams::into_params(in_provider);
        for param in params.iter_mut().filter(|p| p.name == "article") {
            param.schema = Some(article_ref_schema().into());
        }
        params
    }
}

impl QuoteSearchParams {
    fn parse(self, secret: &CursorSecret) -> Result<QuoteSearch, ListError> {
        // `fields` is parsed apart (`search_quotes`).
        let mut errors = Vec::new();
        let speaker = self.speaker.and_then(|s| match trimmed_required(&s, MAX_SPEAKER_NAME_LEN) {
            Ok(name) => Some(speaker_key(&name)),
            Err(detail) => {
                errors.push(FieldError::parameter("speaker", detail));
                None
            }
        });
        let article = self.article.and_then(|a| match ArticleKey::parse(&a) {
            Some(key) => Some(key),
            None => {
                errors.push(FieldError::parameter("article", "must be an article id (UUID) or slug"));
                None
            }
        });
        let text = self.q.and_then(|q| match SearchText::parse(&q) {
            Ok(text) => text,
            Err(detail) => {
                errors.push(FieldError::parameter("q", detail));
                None
            }
        });
        let by_relevance = match self.sort.as_deref() {
            None => text.is_some(),
            Some(NEWEST_ORDER) => false,
            Some(RELEVANCE) if text.is_some() => true,
            Some(RELEVANCE) => {
                errors.push(FieldError::parameter("sort", RELEVANCE_NEEDS_Q));
                false
            }
            Some(_) => {
                errors.push(FieldError::parameter("sort", format!("must be one of {NEWEST_ORDER}, {RELEVANCE}")));
                false
            }
        };
        if let Err(detail) = Paging::limit(self.limit.as_deref()) {
            errors.push(FieldError::parameter("limit", detail));
        }
        if !errors.is_empty() {
            return Err(ListError::Invalid(errors));
        }
        let order = search_order(by_relevance, text.as_ref());
        let paging = Paging::parse(self.limit.as_deref(), self.cursor.as_deref(), &order, secret)?;
        let fits = |key: &CursorKey| if by_relevance { key.as_rank().is_some() } else { key.time().is_some() };
        if paging.after.as_ref().is_some_and(|after| !fits(&after.key)) {
            return Err(ListError::BadCursor("is not a cursor this list handed out".into()));
        }
        Ok(QuoteSearch { speaker, article, text, by_relevance, paging })
    }
}

fn tagged(quote: &Quote) -> Result<Tagged, ApiError> {
    Tagged::versioned(quote, quote.version)
}

fn position_cursor(quote: &store::QuoteRow) -> Result<Cursor, ApiError> {
    Ok(Cursor { key: CursorKey::Position(quote.position), id: stored_uuid(&quote.id)? })
}

/// List an article's quotes
///
/// In position order, 0 first.
#[utoipa::path(
    operation_id = "listArticleQuotes", tag = "quotes",
    security((), ("bearer" = ["read:drafts"])),
    params(ArticleRef, Page<ByPosition>, FieldsParam<Quote>),
    responses(
        (status = 200, description = "One page of the article's quotes", body = QuotePage,
         headers(("Link" = String, description = "`<URL>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/articles/{article}/quotes")]
pub(crate) async fn list_article_quotes(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Database>,
    article: ArticleRef,
    page: Page<ByPosition, SparsePage>,
) -> Result<HttpResponse, ApiError> {
    let selection = sparse::selected::<Quote>(&page.query.fields)?;
    let (key, paging) = (article.key, page.paging.clone());
    let visibility = caller.visibility(now());
    let rows = db
        .run(move |c| -> diesel::QueryResult<_> {
            let Some(article) = articles::find_visible(c, &key, visibility)? else { return Ok(None) };
            let rows = store::list_for_article(c, &article.id, &paging)?;
            Ok(Some((article.id, rows)))
        })
        .await?
        .ok_or_else(|| ApiError::not_found("article"))?;
    let (article_id, rows) = rows;
    let (rows, next_cursor) = page.split(rows, position_cursor)?;
    let items: Vec<Quote> = rows.into_iter().map(Quote::try_from).collect::<Result<_, _>>()?;
    let tags = cache_tag::of_list(cache_tag::article(&article_id), &items, cache_tag::of_quote);
    let response = page_response(&req, next_cursor.as_deref());
    Ok(reply::with_cache_tags(sparse::page(response, &QuotePage { items, next_cursor }, selection.as_ref()), &tags))
}

/// Add a quote to an article
///
/// After the last quote, or at `position` (the quotes from there on move down).
#[utoipa::path(
    operation_id = "createQuote", tag = "quotes",
    security(("bearer" = ["write"])),
    params(ArticleRef),
    request_body(content = QuoteInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Quote,
         headers(("Location" = String, description = "URL of the new quote"),
                 ("ETag" = String, description = "The quote's version as a strong ETag"))),
        (status = 409, response = Conflict),
    )
)]
#[post("/articles/{article}/quotes")]
pub(crate) async fn create_quote(
    writer: Writer,
    db: web::Data<Database>,
    article: ArticleRef,
    body: JsonBody<QuoteInput>,
) -> Result<HttpResponse, ApiError> {
    let key = article.key;
    let fields = QuoteFields::validate(body.0).map_err(ApiError::Invalid)?;
    let at = now();
    let row = db
        .by(writer.author())
        .run(move |c| store::create(c, &key, &fields, at))
        .await
        .map_err(|e| ApiError::from_write(e, "article"))?;
    let quote = Quote::try_from(row)?;
    Ok(reply::created(format!("/v1/quotes/{}", quote.id), tagged(&quote)?))
}

/// Search quotes
///
/// Across all articles, newest first: by speaker (case-insensitive), by article,
/// by words in the text.
#[utoipa::path(
    operation_id = "searchQuotes", tag = "quotes",
    security((), ("bearer" = ["read:drafts"])),
    params(QuoteSearchDoc, FieldsParam<Quote>),
    responses(
        (status = 200, description = "One page of matching quotes", body = QuotePage,
         headers(("Link" = String, description = "`<URL>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/quotes")]
pub(crate) async fn search_quotes(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Database>,
    params: QueryParams<QuoteSearchParams>,
    secret: CursorSecret,
) -> Result<HttpResponse, ApiError> {
    let mut params = params.0;
    let fields = std::mem::take(&mut params.fields);
    let (search, selection) =
        sparse::together(params.parse(&secret).map_err(list_error), sparse::selection::<Quote>(&fields))?;
    let (limit, order) = (search.paging.limit, search_order(search.by_relevance, search.text.as_ref()));
    let visibility = caller.visibility(now());
    let (rows, mut hits) = db
        .run(move |c| -> diesel::QueryResult<_> {
            let rows = store::search(c, &search, visibility)?;
            let shown = usize::try_from(search.paging.limit).unwrap_or(usize::MAX);
            let ids: Vec<String> = rows.iter().take(shown).map(|(q, _)| q.id.clone()).collect();
            let hits = match &search.text {
                Some(text) => Some(db_search::hits(c, Searched::Quotes, text, &ids)?),
                None => None,
            };
            Ok((rows, hits))
        })
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, &order, &secret, |(q, rank)| {
        let key = match rank {
            Some(rank) => CursorKey::rank(*rank),
            None => CursorKey::Time(q.created_at.and_utc()),
        };
        Ok(Cursor { key, id: stored_uuid(&q.id)? })
    })?;
    let mut items = Vec::with_capacity(rows.len());
    for (row, rank) in rows {
        let mut quote = Quote::try_from(row)?;
        if let Some(hits) = hits.as_mut() {
            quote.search = Some(search_hit(hits, &quote.id.to_string(), rank));
        }
        items.push(quote);
    }
    let tags = cache_tag::of_list(cache_tag::QUOTES.to_owned(), &items, cache_tag::of_quote);
    let response = page_response(&req, next_cursor.as_deref());
    Ok(reply::with_cache_tags(sparse::page(response, &QuotePage { items, next_cursor }, selection.as_ref()), &tags))
}

/// Get a quote
///
/// By id. Send the ETag back in `If-None-Match` to get a 304 when the quote has not
/// changed. With `fields`, only the members named, with a weak digest ETag of that
/// representation.
#[utoipa::path(
    operation_id = "getQuote", tag = "quotes",
    security((), ("bearer" = ["read:drafts"])),
    params(ResourceId<Quote>, FieldsParam<Quote>, IfNoneMatch),
    responses(
        (status = 200, description = "The quote", body = Quote,
         headers(("ETag" = String, description = "The quote's version as a strong ETag (a weak digest with `fields`)"))),
        (status = 304, description = "The cached copy is current",
         headers(("ETag" = String, description = "The same ETag the 200 response would carry"))),
    )
)]
#[get("/quotes/{id}")]
pub(crate) async fn get_quote(
    caller: Caller,
    db: web::Data<Database>,
    quote: ResourceId<Quote>,
    params: QueryParams<FieldsQuery>,
    cached: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let selection = sparse::selected::<Quote>(&params.0.fields)?;
    let id = quote.id;
    let visibility = caller.visibility(now());
    // A quote in an article the caller may not see does not exist for them.
    let row = db
        .run(move |c| -> diesel::QueryResult<_> {
            let row = store::find(c, &id)?;
            match row {
                Some(row) if articles::is_visible(c, &row.article_id, visibility)? => Ok(Some(row)),
                _ => Ok(None),
            }
        })
        .await?
        .ok_or_else(|| ApiError::not_found("quote"))?;
    let quote = Quote::try_from(row)?;
    let representation = sparse::tagged(&quote, quote.version, selection.as_ref(), tagged)?;
    Ok(reply::with_cache_tags(reply::conditional(&cached, representation), &cache_tag::of_quote(&quote)))
}

/// Replace a quote
///
/// Every field is replaced; optional fields left out are cleared. A left-out
/// `position` keeps the quote where it is; a new one moves it.
#[utoipa::path(
    operation_id = "replaceQuote", tag = "quotes",
    security(("bearer" = ["write"])),
    params(ResourceId<Quote>, IfMatch),
    request_body(content = QuoteInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Replaced", body = Quote,
         headers(("ETag" = String, description = "The new version as a strong ETag"))),
        (status = 409, response = Conflict),
    )
)]
#[put("/quotes/{id}")]
pub(crate) async fn replace_quote(
    writer: Writer,
    db: web::Data<Database>,
    quote: ResourceId<Quote>,
    precondition: IfMatch,
    body: JsonBody<QuoteInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, expected) = (quote.id, precondition.expected);
    let fields = QuoteFields::validate(body.0).map_err(ApiError::Invalid)?;
    let at = now();
    let row = db
        .by(writer.author())
        .run(move |c| store::update(c, &id, &expected, |_| Ok(fields), at))
        .await
        .map_err(|e| ApiError::from_write(e, "quote"))?;
    Ok(reply::ok(tagged(&Quote::try_from(row)?)?))
}

/// Update a quote
///
/// A JSON merge patch (RFC 7396); a new `position` moves the quote and the others
/// close up around it.
#[utoipa::path(
    operation_id = "updateQuote", tag = "quotes",
    security(("bearer" = ["write"])),
    params(ResourceId<Quote>, IfMatch),
    request_body(content = QuotePatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Updated", body = Quote,
         headers(("ETag" = String, description = "The new version as a strong ETag"))),
        (status = 409, response = Conflict),
    )
)]
#[patch("/quotes/{id}")]
pub(crate) async fn update_quote(
    writer: Writer,
    db: web::Data<Database>,
    quote: ResourceId<Quote>,
    precondition: IfMatch,
    body: JsonBody<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let (id, expected) = (quote.id, precondition.expected);
    require_object(&body.0)?;
    let patch = body.0;
    let apply = move |current: &store::QuoteRow| {
        let quote = Quote::try_from(current.clone())?;
        QuoteFields::validate(merged(QuoteInput::from(quote), &patch)?).map_err(|e| patch_errors(&patch, e))
    };
    let at = now();
    let row = db
        .by(writer.author())
        .run(move |c| store::update(c, &id, &expected, apply, at))
        .await
        .map_err(|e| ApiError::from_write(e, "quote"))?;
    Ok(reply::ok(tagged(&Quote::try_from(row)?)?))
}

/// Delete a quote
///
/// The quotes after it move up one place.
#[utoipa::path(
    operation_id = "deleteQuote", tag = "quotes",
    security(("bearer" = ["write"])),
    params(ResourceId<Quote>, IfMatch<Remove>),
    responses(
        (status = 204, description = "Deleted"),
    )
)]
#[delete("/quotes/{id}")]
pub(crate) async fn delete_quote(
    writer: Writer,
    db: web::Data<Database>,
    quote: ResourceId<Quote>,
    precondition: IfMatch<Remove>,
) -> Result<HttpResponse, ApiError> {
    let (id, expected) = (quote.id, precondition.expected);
    db.by(writer.author())
        .run(move |c| store::delete(c, &id, &expected, now()))
        .await
        .map_err(|e| ApiError::from_write(e, "quote"))?;
    Ok(HttpResponse::NoContent().finish())
}
