//! `/v1/feeds/articles.{atom,rss,json}`: the newest published articles as Atom
//! 1.0, RSS 2.0 and JSON Feed 1.1, for feed readers and aggregators.

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::db::Database;
use crate::db::articles::{self as store, discovery};
use crate::discovery::entry::{Feed, FeedEntry};
use crate::discovery::{Discovery, atom, json_feed, rss};
use crate::domain::access::Visibility;
use crate::domain::article_filter::{ArticleFilter, ArticleListParams};
use crate::domain::cache_tag;
use crate::domain::cursor::CursorSecret;
use crate::domain::time::now;
use crate::error::ApiError;
use crate::http::params::{IfModifiedSince, IfNoneMatch, list_error};
use crate::http::problems::DiscoveryUnavailable;
use crate::http::query::QueryParams;
use crate::http::reply::{self, Document};

/// How many articles a feed holds: the newest ones.
pub(crate) const FEED_LEN: i64 = 50;

/// Registers the feed routes.
pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(atom_feed).service(rss_feed).service(json_feed_route);
}

/// What a feed can be narrowed to (the list's filters of the same names).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct FeedParams {
    /// Only articles in this section (exact match).
    #[param(max_length = 300)]
    pub section: Option<String>,
    /// Only articles carrying this tag (case-insensitive). Repeat the parameter to
    /// require several tags at once (at most 50).
    #[serde(default)]
    #[param(style = Form, explode, max_items = 50, value_type = Vec<crate::domain::tags::Tag>)]
    pub tag: Vec<String>,
    /// Only articles in this language (BCP 47 tag, exact match).
    #[param(max_length = 300)]
    pub language: Option<String>,
}

#[derive(Clone, Copy)]
enum Format {
    Atom,
    Rss,
    Json,
}

impl Format {
    fn media_type(self) -> &'static str {
        match self {
            Self::Atom => atom::MEDIA_TYPE,
            Self::Rss => rss::MEDIA_TYPE,
            Self::Json => json_feed::MEDIA_TYPE,
        }
    }

    fn write(self, feed: &Feed<'_>) -> Vec<u8> {
        match self {
            Self::Atom => atom::write(feed),
            Self::Rss => rss::write(feed),
            Self::Json => json_feed::write(feed),
        }
    }
}

/// The API's address as the client reached it: the Host it sent (not a forwarded
/// host, which anyone can set) and the scheme the connection (or a proxy's
/// `X-Forwarded-Proto`) says. Feeds and the sitemap index point at the API's own
/// documents with it.
pub(crate) fn api_base(req: &HttpRequest) -> String {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = req.connection_info().scheme().to_owned();
    format!("{scheme}://{host}")
}

/// The feed's own URL, as the client asked for it.
fn self_url(req: &HttpRequest) -> String {
    format!("{}{}", api_base(req), req.uri().path_and_query().map_or("", |p| p.as_str()))
}

async fn serve(
    format: Format,
    req: HttpRequest,
    db: web::Data<Database>,
    discovery: web::Data<Discovery>,
    params: FeedParams,
    cached: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let site = discovery.site()?;
    let list =
        ArticleListParams { section: params.section, tag: params.tag, language: params.language, ..Default::default() };
    let mut filter = ArticleFilter::parse(list, &CursorSecret::default()).map_err(list_error)?;
    filter.limit = FEED_LEN;
    let at = now();
    // Feeds are public whatever credentials come with the request.
    let (rows, latest) = db
        .run(move |c| -> diesel::QueryResult<_> {
            let (rows, _) = store::list(c, &filter, at, Visibility::PublishedBy(at))?;
            Ok((rows, discovery::latest_change(c)?))
        })
        .await?;
    // A new or changed article purges `articles`; the entries' own tags follow it.
    let shown = &rows[..rows.len().min(usize::try_from(FEED_LEN).unwrap_or(usize::MAX))];
    let tags = cache_tag::of_list(cache_tag::ARTICLES.to_owned(), shown, |row| vec![cache_tag::article(&row.id)]);
    let entries: Vec<FeedEntry> = rows
        .iter()
        .take(usize::try_from(FEED_LEN).unwrap_or(usize::MAX))
        .map(|row| FeedEntry::new(row, site))
        .collect();
    let newest_entry = entries.iter().map(|e| e.updated).max();
    let last_modified =
        latest.map(|t| t.and_utc()).into_iter().chain(newest_entry).max().unwrap_or(chrono::DateTime::UNIX_EPOCH);
    let feed = Feed { site, self_url: self_url(&req), updated: newest_entry.unwrap_or(last_modified), entries };
    let document = Document { content_type: format.media_type(), body: format.write(&feed), last_modified };
    Ok(reply::with_cache_tags(reply::document(&req, &cached, document), &tags))
}

/// Atom feed of articles
///
/// The newest 50 published articles, newest first, as an Atom 1.0 feed: title, the
/// article's page on the site (from `NEWSDESK_PUBLIC_URL` and
/// `NEWSDESK_ARTICLE_URL_TEMPLATE`), a `urn:uuid:` id, publication and update
/// times, summary, byline as author, tags as categories and the body (Markdown)
/// rendered to sanitised HTML (no scripts, no event attributes, no `javascript:`
/// links). Anonymous: drafts, archived and scheduled articles never appear, with
/// or without credentials. The ETag is a digest of the document; `Last-Modified`
/// is the time of the newest change to any article. `If-None-Match` (or, without
/// it, `If-Modified-Since`) gives a 304.
#[utoipa::path(
    operation_id = "getAtomFeed", tag = "discovery",
    security(()),
    params(FeedParams, IfNoneMatch, IfModifiedSince),
    responses(
        (status = 200, description = "The feed", content_type = "application/atom+xml", body = String),
        (status = 503, response = DiscoveryUnavailable),
    )
)]
#[get("/feeds/articles.atom")]
pub(crate) async fn atom_feed(
    req: HttpRequest,
    db: web::Data<Database>,
    discovery: web::Data<Discovery>,
    params: QueryParams<FeedParams>,
    cached: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    serve(Format::Atom, req, db, discovery, params.0, cached).await
}

/// RSS feed of articles
///
/// The same articles as the Atom feed, as RSS 2.0: the body in `content:encoded`,
/// the summary in `description`, the byline in `dc:creator`, the update time in
/// `atom:updated`, tags as categories, a `guid` that is the article's
/// `urn:uuid:`.
#[utoipa::path(
    operation_id = "getRssFeed", tag = "discovery",
    security(()),
    params(FeedParams, IfNoneMatch, IfModifiedSince),
    responses(
        (status = 200, description = "The feed", content_type = "application/rss+xml", body = String),
        (status = 503, response = DiscoveryUnavailable),
    )
)]
#[get("/feeds/articles.rss")]
pub(crate) async fn rss_feed(
    req: HttpRequest,
    db: web::Data<Database>,
    discovery: web::Data<Discovery>,
    params: QueryParams<FeedParams>,
    cached: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    serve(Format::Rss, req, db, discovery, params.0, cached).await
}

/// JSON Feed of articles
///
/// The same articles as the Atom feed, as JSON Feed 1.1: `content_html`,
/// `summary`, `date_published`, `date_modified`, `authors`, `tags` and `language`
/// for each item, whose `id` is the article's id.
#[utoipa::path(
    operation_id = "getJsonFeed", tag = "discovery",
    security(()),
    params(FeedParams, IfNoneMatch, IfModifiedSince),
    responses(
        (status = 200, description = "The feed", content_type = "application/feed+json", body = Object),
        (status = 503, response = DiscoveryUnavailable),
    )
)]
#[get("/feeds/articles.json")]
pub(crate) async fn json_feed_route(
    req: HttpRequest,
    db: web::Data<Database>,
    discovery: web::Data<Discovery>,
    params: QueryParams<FeedParams>,
    cached: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    serve(Format::Json, req, db, discovery, params.0, cached).await
}
