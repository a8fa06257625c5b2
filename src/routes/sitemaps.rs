//! `/v1/sitemaps/…`: the Google News sitemap (`news.xml`), and the sitemap index
//! (`index.xml`) over the archive files (`articles-{n}.xml`).
//!
//! The archive is cut into files by publication order from the oldest: file 1
//! holds the 50,000 oldest public articles, file 2 the next 50,000, and so on. A
//! new article is published now, so it joins the last file (or opens a new one)
//! and no article moves to another file when new ones arrive. (An article
//! unpublished or deleted, or published with a date in the past, shifts the later
//! ones by one place; crawlers find them again through the index.)

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, TimeDelta, Utc};
use utoipa_actix_web::service_config::ServiceConfig;

use super::feeds::api_base;
use crate::db::Database;
use crate::db::articles::discovery::{self, PublicationKey};
use crate::discovery::sitemap::{self, FILE_LEN, MEDIA_TYPE, NEWS_DAYS, NEWS_LEN, Urlset};
use crate::discovery::{Discovery, Site};
use crate::domain::time::now;
use crate::error::ApiError;
use crate::http::params::{IfModifiedSince, IfNoneMatch, SitemapFile};
use crate::http::problems::DiscoveryUnavailable;
use crate::http::reply::{self, Document};

/// Rows read from the database per step of a streamed file.
const BATCH: i64 = 5_000;

/// Registers the sitemap routes.
pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(news_sitemap).service(sitemap_index).service(sitemap_file);
}

fn last_modified(latest: Option<chrono::NaiveDateTime>) -> DateTime<Utc> {
    latest.map_or(DateTime::UNIX_EPOCH, |t| t.and_utc())
}

/// Google News sitemap
///
/// The public articles published in the last two days (what Google News reads),
/// newest first, at most 1,000: each with its page on the site, `news:publication`
/// (`NEWSDESK_PUBLICATION_NAME`, default the public URL's host, and the article's
/// language as an ISO 639 code), `news:publication_date` and `news:title`. The
/// ETag is a digest of the document; `If-None-Match` (or, without it,
/// `If-Modified-Since`) gives a 304.
#[utoipa::path(
    operation_id = "getNewsSitemap", tag = "discovery",
    security(()),
    params(IfNoneMatch, IfModifiedSince),
    responses(
        (status = 200, description = "The sitemap", content_type = "application/xml", body = String),
        (status = 503, response = DiscoveryUnavailable),
    )
)]
#[get("/sitemaps/news.xml")]
pub(crate) async fn news_sitemap(
    req: HttpRequest,
    db: web::Data<Database>,
    discovery: web::Data<Discovery>,
    cached: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let site = discovery.site()?;
    let at = now();
    let since = at - TimeDelta::days(NEWS_DAYS);
    let (rows, latest) = db
        .run(move |c| -> diesel::QueryResult<_> {
            Ok((discovery::published_since(c, at, since, NEWS_LEN)?, discovery::latest_change(c)?))
        })
        .await?;
    let document =
        Document { content_type: MEDIA_TYPE, body: sitemap::news(site, &rows), last_modified: last_modified(latest) };
    Ok(reply::document(&req, &cached, document))
}

/// Sitemap index
///
/// Lists the archive's sitemap files, `articles-1.xml` to `articles-{n}.xml`
/// (always at least one), each holding up to 50,000 public articles in
/// publication order from the oldest, so that a file's articles stay in it as the
/// archive grows.
#[utoipa::path(
    operation_id = "getSitemapIndex", tag = "discovery",
    security(()),
    params(IfNoneMatch, IfModifiedSince),
    responses(
        (status = 200, description = "The sitemap index", content_type = "application/xml", body = String),
        (status = 503, response = DiscoveryUnavailable),
    )
)]
#[get("/sitemaps/index.xml")]
pub(crate) async fn sitemap_index(
    req: HttpRequest,
    db: web::Data<Database>,
    discovery: web::Data<Discovery>,
    cached: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    discovery.site()?;
    let at = now();
    let (count, latest) = db
        .run(move |c| -> diesel::QueryResult<_> { Ok((discovery::public_count(c, at)?, discovery::latest_change(c)?)) })
        .await?;
    let files = ((count + FILE_LEN - 1) / FILE_LEN).max(1);
    let document = Document {
        content_type: MEDIA_TYPE,
        body: sitemap::index(&api_base(&req), files),
        last_modified: last_modified(latest),
    };
    Ok(reply::document(&req, &cached, document))
}

/// Where a streamed file stands.
enum Step {
    /// The head is not sent yet; the file starts at this key (none: empty file).
    Head(Option<PublicationKey>),
    /// Rows from this key on (included on the first batch) are still to come.
    Rows {
        from: PublicationKey,
        inclusive: bool,
        left: i64,
    },
    /// Only the closing tag is left.
    End,
    Done,
}

struct Stream {
    db: web::Data<Database>,
    site: Site,
    at: DateTime<Utc>,
    urlset: Option<Urlset>,
    step: Step,
}

/// The next piece of the file: the head, one batch of entries, or the end.
async fn next_piece(mut s: Stream) -> Option<(Result<web::Bytes, ApiError>, Stream)> {
    let piece = match std::mem::replace(&mut s.step, Step::Done) {
        Step::Done => return None,
        Step::Head(start) => {
            let (urlset, head) = Urlset::start();
            s.urlset = Some(urlset);
            s.step = match start {
                Some(from) => Step::Rows { from, inclusive: true, left: FILE_LEN },
                None => Step::End,
            };
            head
        }
        Step::Rows { from, inclusive, left } => {
            let at = s.at;
            let take = left.min(BATCH);
            let rows = match s.db.run(move |c| discovery::in_publication_order(c, at, &from, inclusive, take)).await {
                Ok(rows) => rows,
                Err(e) => {
                    // The head is sent: the client sees a cut-off document.
                    log::error!("sitemap file cut off: {e}");
                    return Some((Err(e.into()), s));
                }
            };
            let left = left - i64::try_from(rows.len()).unwrap_or(i64::MAX);
            s.step = match rows.last() {
                Some(last) if left > 0 && rows.len() as i64 == take => Step::Rows {
                    from: (last.published_at.unwrap_or(last.updated_at), last.id.clone()),
                    inclusive: false,
                    left,
                },
                _ => Step::End,
            };
            s.urlset.as_mut().map(|u| u.entries(&s.site, &rows)).unwrap_or_default()
        }
        Step::End => s.urlset.take().map(Urlset::end).unwrap_or_default(),
    };
    Some((Ok(web::Bytes::from(piece)), s))
}

/// Sitemap file
///
/// Up to 50,000 public articles, each with its page on the site and `lastmod`
/// (its last update): file `n` holds the articles ranked `50,000 × (n − 1) + 1`
/// to `50,000 × n` in publication order from the oldest. Streamed as it is read,
/// 5,000 articles at a time; no ETag (it would need the whole file first). File 1
/// always exists (empty on an empty archive); a file past the last is a 404.
#[utoipa::path(
    operation_id = "getSitemapFile", tag = "discovery",
    security(()),
    params(SitemapFile),
    responses(
        (status = 200, description = "The sitemap file", content_type = "application/xml", body = String),
        (status = 503, response = DiscoveryUnavailable),
    )
)]
#[get("/sitemaps/articles-{n}.xml")]
pub(crate) async fn sitemap_file(
    db: web::Data<Database>,
    discovery: web::Data<Discovery>,
    file: SitemapFile,
) -> Result<HttpResponse, ApiError> {
    let site = discovery.site()?.clone();
    let n = file.number()?;
    let at = now();
    let rank = (n - 1).checked_mul(FILE_LEN).ok_or_else(SitemapFile::not_found)?;
    let start = db.run(move |c| discovery::key_at_rank(c, at, rank)).await?;
    if start.is_none() && n > 1 {
        return Err(SitemapFile::not_found());
    }
    let stream = Stream { db, site, at, urlset: None, step: Step::Head(start) };
    Ok(HttpResponse::Ok().content_type(MEDIA_TYPE).streaming(futures_util::stream::unfold(stream, next_piece)))
}
