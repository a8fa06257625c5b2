//! The floor of our stack, for the load benchmark (tests/bench/run): the smallest
//! server actix-web, diesel over an r2d2 pool of `PgConnection`, `web::block` and
//! serde_json allow for three of the benchmark's reads, answering the same URLs with
//! the same rows and the same JSON as Newsdesk does for an anonymous caller:
//!
//! - `GET /v1/articles/{id}` (workload 1), and with `?include=quotes,related_links`
//!   (workload 3);
//! - `GET /v1/articles?limit=20` (workload 4), with its signed `next_cursor` and
//!   `Link` header.
//!
//! Nothing else: no middleware, no log line, no ETag, no validation beyond what
//! picks the response. What Newsdesk spends above this is the price of its
//! features; what this spends above pgbench is the price of the stack.
//!
//! Env: `DATABASE_URL` (PostgreSQL), `FLOOR_ADDR` (default 127.0.0.1:8090),
//! `NEWSDESK_CURSOR_SECRET` (signs the cursor as Newsdesk does), `FLOOR_POOL_SIZE`
//! (default 10, Newsdesk's default pool size).

use std::io;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, get, web};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{NaiveDateTime, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use hmac::{Hmac, KeyInit, Mac};
// The tables as the service's own schema declares them, as the loader reads them.
use newsdesk::db::schema::{articles, quotes, related_links};
use serde::{Serialize, Serializer};

type DbPool = Pool<ConnectionManager<PgConnection>>;

/// Times as Newsdesk writes them: UTC, RFC 3339 with a `Z`.
fn utc<S: Serializer>(at: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    at.and_utc().serialize(s)
}

fn utc_opt<S: Serializer>(at: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    at.map(|t| t.and_utc()).serialize(s)
}

/// The tags column holds a JSON array of strings; the answer carries it as one.
fn tag_list<S: Serializer>(raw: &str, s: S) -> Result<S::Ok, S::Error> {
    let tags: Vec<String> = serde_json::from_str(raw).map_err(serde::ser::Error::custom)?;
    tags.serialize(s)
}

#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = articles, check_for_backend(diesel::pg::Pg))]
struct ArticleRow {
    id: String,
    slug: String,
    title: String,
    summary: Option<String>,
    body: String,
    byline: Option<String>,
    status: String,
    #[serde(serialize_with = "utc_opt")]
    published_at: Option<NaiveDateTime>,
    section: Option<String>,
    #[serde(serialize_with = "tag_list")]
    tags: String,
    language: String,
    source_name: Option<String>,
    source_url: Option<String>,
    version: i32,
    #[serde(serialize_with = "utc")]
    created_at: NaiveDateTime,
    #[serde(serialize_with = "utc")]
    updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = quotes, check_for_backend(diesel::pg::Pg))]
struct QuoteRow {
    id: String,
    article_id: String,
    text: String,
    speaker_name: String,
    speaker_title: Option<String>,
    context: Option<String>,
    position: i32,
    version: i32,
    #[serde(serialize_with = "utc")]
    created_at: NaiveDateTime,
    #[serde(serialize_with = "utc")]
    updated_at: NaiveDateTime,
}

#[derive(Queryable, Serialize)]
struct Target {
    id: String,
    slug: String,
    title: String,
    status: String,
}

#[derive(Queryable, Serialize)]
struct LinkRow {
    id: String,
    article_id: String,
    target_article_id: Option<String>,
    url: Option<String>,
    title: Option<String>,
    relation: String,
    position: i32,
    target: Option<Target>,
    version: i32,
    #[serde(serialize_with = "utc")]
    created_at: NaiveDateTime,
    #[serde(serialize_with = "utc")]
    updated_at: NaiveDateTime,
}

/// An article with, when asked for, its children after its own fields.
#[derive(Serialize)]
struct Embedded {
    #[serde(flatten)]
    article: ArticleRow,
    quotes: Vec<QuoteRow>,
    related_links: Vec<LinkRow>,
}

#[derive(Serialize)]
struct Page {
    items: Vec<ArticleRow>,
    next_cursor: Option<String>,
}

/// The condition "anyone may see this article now", as Newsdesk's `is_public`.
macro_rules! public {
    ($now:expr) => {
        articles::status.eq("published").and(articles::published_at.le($now))
    };
}

enum Answer {
    Plain(ArticleRow),
    Embedded(Embedded),
}

fn find(conn: &mut PgConnection, id: &str, embed: bool) -> QueryResult<Option<Answer>> {
    let now = Utc::now().naive_utc();
    let Some(article) = articles::table
        .filter(articles::id.eq(id))
        .filter(public!(now))
        .select(ArticleRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    if !embed {
        return Ok(Some(Answer::Plain(article)));
    }
    let quotes = quotes::table
        .filter(quotes::article_id.eq(id))
        .order_by(quotes::position)
        .select(QuoteRow::as_select())
        .load(conn)?;
    let mut related_links: Vec<LinkRow> = related_links::table
        .left_join(articles::table.on(related_links::target_article_id.eq(articles::id.nullable())))
        .filter(related_links::article_id.eq(id))
        .filter(related_links::target_article_id.is_null().or(public!(now)))
        .order_by(related_links::position)
        .select((
            related_links::id,
            related_links::article_id,
            related_links::target_article_id,
            related_links::url,
            related_links::title,
            related_links::relation,
            related_links::position,
            (articles::id, articles::slug, articles::title, articles::status).nullable(),
            related_links::version,
            related_links::created_at,
            related_links::updated_at,
        ))
        .load(conn)?;
    // A link without a title of its own shows its target's, as Newsdesk's does.
    for link in &mut related_links {
        if link.title.is_none() {
            link.title = link.target.as_ref().map(|t| t.title.clone());
        }
    }
    Ok(Some(Answer::Embedded(Embedded { article, quotes, related_links })))
}

/// A 500 with no body: the benchmark counts it as an error, which is all it needs.
fn failed<E>(_: E) -> actix_web::Error {
    actix_web::error::ErrorInternalServerError("")
}

#[get("/v1/articles/{id}")]
async fn one_article(
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    req: HttpRequest,
) -> actix_web::Result<HttpResponse> {
    let embed = req.query_string().contains("include=");
    let found = web::block(move || -> Result<_, Box<dyn std::error::Error + Send + Sync>> {
        let mut conn = pool.get()?;
        Ok(find(&mut conn, &id, embed)?)
    })
    .await
    .map_err(failed)?
    .map_err(failed)?;
    Ok(match found {
        Some(Answer::Plain(a)) => HttpResponse::Ok().json(a),
        Some(Answer::Embedded(e)) => HttpResponse::Ok().json(e),
        None => HttpResponse::NotFound().finish(),
    })
}

/// The cursor after the last row, signed as Newsdesk signs it (domain::cursor).
fn cursor_after(row: &ArticleRow, secret: &[u8]) -> Option<String> {
    let key = row.published_at.map_or("-".to_owned(), |t| format!("t{}", t.and_utc().timestamp_micros()));
    let payload = format!("c1|-published_at|{key}|{}", row.id.replace('-', ""));
    let tag = Hmac::<sha2::Sha256>::new_from_slice(secret).ok()?.chain_update(&payload).finalize().into_bytes();
    Some(format!("{}.{}", URL_SAFE_NO_PAD.encode(&payload), URL_SAFE_NO_PAD.encode(&tag[..12])))
}

#[get("/v1/articles")]
async fn first_page(
    pool: web::Data<DbPool>,
    secret: web::Data<Vec<u8>>,
    req: HttpRequest,
) -> actix_web::Result<HttpResponse> {
    const LIMIT: usize = 20;
    let mut items = web::block(move || -> Result<_, Box<dyn std::error::Error + Send + Sync>> {
        let mut conn = pool.get()?;
        let now = Utc::now().naive_utc();
        Ok(articles::table
            .filter(public!(now))
            .order_by((articles::published_at.desc(), articles::id.desc()))
            .limit(LIMIT as i64 + 1)
            .select(ArticleRow::as_select())
            .load::<ArticleRow>(&mut conn)?)
    })
    .await
    .map_err(failed)?
    .map_err(failed)?;
    // One row past the page says whether there is a next one.
    let more = items.len() > LIMIT;
    items.truncate(LIMIT);
    let next_cursor = if more { items.last().and_then(|row| cursor_after(row, &secret)) } else { None };
    let mut answer = HttpResponse::Ok();
    if let Some(cursor) = &next_cursor {
        // An absolute URL, as Newsdesk's (`HttpRequest::full_url`).
        let info = req.connection_info();
        let url = format!("{}://{}/v1/articles?limit={LIMIT}&cursor={cursor}", info.scheme(), info.host());
        answer.insert_header(("Link", format!("<{url}>; rel=\"next\"")));
    }
    Ok(answer.json(Page { items, next_cursor }))
}

#[get("/readyz")]
async fn ready() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_web::main]
async fn main() -> io::Result<()> {
    let url = std::env::var("DATABASE_URL").map_err(|_| io::Error::other("DATABASE_URL is not set"))?;
    let addr = std::env::var("FLOOR_ADDR").unwrap_or_else(|_| "127.0.0.1:8090".to_owned());
    let secret = std::env::var("NEWSDESK_CURSOR_SECRET").unwrap_or_default().into_bytes();
    let size = std::env::var("FLOOR_POOL_SIZE").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    // No ping on check-out: Newsdesk skips it for a recently used connection too.
    let pool = Pool::builder()
        .max_size(size)
        .test_on_check_out(false)
        .build(ConnectionManager::<PgConnection>::new(url))
        .map_err(io::Error::other)?;
    let (pool, secret) = (web::Data::new(pool), web::Data::new(secret));
    HttpServer::new(move || {
        App::new()
            .app_data(pool.clone())
            .app_data(secret.clone())
            .service(one_article)
            .service(first_page)
            .service(ready)
    })
    .bind(addr)?
    .run()
    .await
}
