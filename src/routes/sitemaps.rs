//! `/v1/sitemaps/…`: the Google News sitemap (`news.xml`), and the sitemap index
//! (`index.xml`) over the archive files (`articles-{n}.xml`).
//!
//! The archive is cut into files by publication number: an article gets the next
//! number the first time it is announced as public (the change log gives it, in
//! the write that publishes it, or in the scheduler's announcement of a scheduled
//! one) and keeps it for good. File `n` holds the numbers `50,000 × (n − 1) + 1`
//! to `50,000 × n`, those of public articles only, in number order. So a file's
//! articles stay in it as the archive grows: a new article, or one published with
//! a date in the past, takes the next number and joins the last file (or opens a
//! new one); one unpublished, edited, re-dated or published again keeps its
//! number and its file; a deleted one leaves a hole. A file whose articles all
//! went private stays listed and is an empty urlset, not a 404: the index is
//! counted from the highest number given, not from what is public, so that
//! neither costs a count of the archive. (A deleted article's number, if it was
//! the highest, is given again to the next one.)

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, TimeDelta, Utc};
use utoipa_actix_web::service_config::ServiceConfig;

use super::feeds::api_base;
use crate::db::Database;
use crate::db::articles::discovery;
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
/// (always at least one). Each file holds up to 50,000 public articles by
/// publication number: an article is numbered the first time it is published
/// and keeps its number (unpublished and published again, edited, re-dated), so
/// a file's articles stay in it as the archive grows and new articles join the
/// last file. The number of files follows the highest number given, so a file
/// whose articles have all gone private is still listed (and empty).
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
    let (last, latest) = db
        .run(move |c| -> diesel::QueryResult<_> {
            Ok((discovery::last_publication_number(c)?, discovery::latest_change(c)?))
        })
        .await?;
    let files = ((last + FILE_LEN - 1) / FILE_LEN).max(1);
    let document = Document {
        content_type: MEDIA_TYPE,
        body: sitemap::index(&api_base(&req), files),
        last_modified: last_modified(latest),
    };
    Ok(reply::document(&req, &cached, document))
}

/// Where a streamed file stands.
enum Step {
    /// The head is not sent yet.
    Head,
    /// The entries numbered above `after` (and at most the file's `through`) are
    /// still to come.
    Rows {
        after: i64,
    },
    /// Only the closing tag is left.
    End,
    Done,
}

struct Stream {
    db: web::Data<Database>,
    site: Site,
    at: DateTime<Utc>,
    /// The file's numbers: above `after`, at most `through`.
    after: i64,
    through: i64,
    urlset: Option<Urlset>,
    step: Step,
}

/// The next piece of the file: the head, one batch of entries, or the end.
async fn next_piece(mut s: Stream) -> Option<(Result<web::Bytes, ApiError>, Stream)> {
    let piece = match std::mem::replace(&mut s.step, Step::Done) {
        Step::Done => return None,
        Step::Head => {
            let (urlset, head) = Urlset::start();
            s.urlset = Some(urlset);
            s.step = Step::Rows { after: s.after };
            head
        }
        Step::Rows { after } => {
            let (at, through) = (s.at, s.through);
            let rows = match s.db.run(move |c| discovery::in_publication_order(c, at, after, through, BATCH)).await {
                Ok(rows) => rows,
                Err(e) => {
                    // The head is sent: the client sees a cut-off document.
                    log::error!("sitemap file cut off: {e}");
                    return Some((Err(e.into()), s));
                }
            };
            // A short batch is the last; a full one continues after its last number.
            s.step = match rows.last().and_then(|last| last.publication_seq) {
                Some(last) if rows.len() as i64 == BATCH && last < through => Step::Rows { after: last },
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
/// (its last update): file `n` holds the articles numbered `50,000 × (n − 1) + 1`
/// to `50,000 × n` in publication number order. An article gets the next number
/// the first time it is published and keeps it (unpublished and published again,
/// edited, re-dated), so it stays in its file as the archive grows; one that is
/// not public now is left out, and a deleted one leaves a hole. Streamed as it is
/// read, 5,000 articles at a time; no ETag (it would need the whole file first).
/// File 1 always exists (empty on an empty archive), and so does every file up to
/// the highest number given, even one whose articles have all gone private (an
/// empty urlset); a file past the last is a 404.
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
    let after = (n - 1).checked_mul(FILE_LEN).ok_or_else(SitemapFile::not_found)?;
    let through = after.checked_add(FILE_LEN).ok_or_else(SitemapFile::not_found)?;
    if n > 1 && db.run(discovery::last_publication_number).await? <= after {
        return Err(SitemapFile::not_found());
    }
    let stream = Stream { db, site, at, after, through, urlset: None, step: Step::Head };
    Ok(HttpResponse::Ok().content_type(MEDIA_TYPE).streaming(futures_util::stream::unfold(stream, next_piece)))
}
