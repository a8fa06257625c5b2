//! `GET /v1/sections` and `GET /v1/tags`: the names front ends build menus, tag
//! pages and autocomplete from, each with its number of published articles (kept
//! counts, `db::counts`).

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::db::{Database, counts};
use crate::domain::FieldError;
use crate::domain::cache_tag;
use crate::domain::cursor::{Cursor, CursorKey};
use crate::domain::navigation::{NameList, NamePrefix};
use crate::domain::paging::Paging;
use crate::error::ApiError;
use crate::http::params::{IfNoneMatch, ListOrder, Page, PageQuery};
use crate::http::reply::{self, Tagged};

/// Registers the section and tag lists.
pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_sections).service(list_tags);
}

/// Sections by name (a cursor of one list does not continue the other).
#[derive(Debug)]
pub(crate) enum SectionsByName {}
impl ListOrder for SectionsByName {
    const NAME: &'static str = "section_name";
}

/// Tags by name.
#[derive(Debug)]
pub(crate) enum TagsByName {}
impl ListOrder for TagsByName {
    const NAME: &'static str = "tag_name";
}

/// Query parameters of `GET /v1/sections`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct SectionListParams {
    /// Only sections whose name starts with this, ignoring case (for
    /// autocomplete). Every character is itself: `%`, `_`, `\` and quotes are no
    /// wildcards. Empty or left out: every section. At most as long as the longest
    /// section.
    #[param(max_length = 100, example = "wor")]
    pub q: Option<String>,
    /// Page size, 1..=100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page; empty (or left out) for the first page.
    pub cursor: Option<String>,
}

/// Query parameters of `GET /v1/tags`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct TagListParams {
    /// Only tags that start with this, ignoring case (for autocomplete). Every
    /// character is itself: `%`, `_`, `\` and quotes are no wildcards. Empty or
    /// left out: every tag. At most as long as the longest tag.
    #[param(max_length = 64, example = "kor")]
    pub q: Option<String>,
    /// Page size, 1..=100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page; empty (or left out) for the first page.
    pub cursor: Option<String>,
}

/// What the two lists' parameters share: a prefix and a page.
pub(crate) trait NameQuery: PageQuery {
    /// `q`, as sent.
    fn q(&self) -> Option<&str>;
}

impl PageQuery for SectionListParams {
    fn limit_and_cursor(&self) -> (Option<&str>, Option<&str>) {
        (self.limit.as_deref(), self.cursor.as_deref())
    }
}

impl NameQuery for SectionListParams {
    fn q(&self) -> Option<&str> {
        self.q.as_deref()
    }
}

impl PageQuery for TagListParams {
    fn limit_and_cursor(&self) -> (Option<&str>, Option<&str>) {
        (self.limit.as_deref(), self.cursor.as_deref())
    }
}

impl NameQuery for TagListParams {
    fn q(&self) -> Option<&str> {
        self.q.as_deref()
    }
}

/// A section and its published articles.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Section {
    /// The section as articles store it (the `section` filter of `listArticles`
    /// matches it exactly).
    #[schema(example = "World")]
    pub name: String,
    /// How many published articles are in it (those anonymous readers see).
    #[schema(example = 1204, minimum = 1)]
    pub article_count: i64,
}

/// A tag and its published articles.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TagCount {
    /// The tag as an article that carries it spells it (the `tag` filter of
    /// `listArticles` matches it ignoring case).
    #[schema(example = "North Korea")]
    pub name: String,
    /// How many published articles carry it (those anonymous readers see).
    #[schema(example = 37, minimum = 1)]
    pub article_count: i64,
}

/// One page of sections.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SectionPage {
    /// The sections on this page, by name.
    pub items: Vec<Section>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(example = json!(null))]
    pub next_cursor: Option<String>,
}

/// One page of tags.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TagPage {
    /// The tags on this page, by name.
    pub items: Vec<TagCount>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(example = json!(null))]
    pub next_cursor: Option<String>,
}

/// List sections
///
/// Every section that holds a published article (published, and `published_at`
/// not in the future: what anonymous readers see), with how many, for menus.
/// Anonymous: the counts are the same with any credentials. Sections are kept as
/// stored: "World" and "world" are two sections.
///
/// **Order.** By name ignoring case, in code point order (`Arts`, `sport`,
/// `World`, `Zürich`), and names that differ only in case by code point
/// (`World` before `world`). Keyset pages: follow `next_cursor`.
///
/// **Counts** are kept, not counted per request: every write moves them in its own
/// transaction. A scheduled article is counted when the scheduler announces it
/// (within about a second of its `published_at`); a section whose last article
/// leaves it is no longer listed.
#[utoipa::path(
    operation_id = "listSections", tag = "navigation",
    security(()),
    params(SectionListParams, IfNoneMatch),
    responses(
        (status = 200, description = "One page of sections", body = SectionPage,
         headers(("ETag" = String, description = "A strong digest of the page"),
                 ("Link" = String, description = "`<URL>; rel=\"next\"` when there is a next page"))),
        (status = 304, description = "The cached copy is current",
         headers(("ETag" = String, description = "The same ETag the 200 response would carry"))),
    )
)]
#[get("/sections")]
pub(crate) async fn list_sections(
    req: HttpRequest,
    db: web::Data<Database>,
    page: Page<SectionsByName, SectionListParams>,
    cached: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let (prefix, after) = name_request(&page.query, &page.paging, NameList::Sections)?;
    let limit = page.paging.limit + 1;
    let rows = db.run(move |c| counts::sections(c, prefix.as_ref(), after.as_deref(), limit)).await?;
    let (rows, next_cursor) = page.split(rows, |row| Ok(name_cursor(&row.name)))?;
    let items = rows.into_iter().map(|r| Section { name: r.name, article_count: r.article_count }).collect();
    reply_page(&req, &cached, &SectionPage { items, next_cursor: next_cursor.clone() }, next_cursor.as_deref())
}

/// List tags
///
/// Every tag that a published article carries (published, and `published_at` not
/// in the future), with how many articles carry it, for tag pages and tag
/// autocomplete. Tags are one tag whatever their case, as the article filter
/// matches them: "Korea" and "KOREA" are counted together, listed under the
/// spelling of the article that first brought the tag into the list. Anonymous.
///
/// **Order.** By the tag in lower case, in code point order. Keyset pages: follow
/// `next_cursor`.
///
/// **Counts** are kept as for `listSections`: a scheduled article is counted
/// within about a second of its `published_at`; a tag no published article
/// carries any more is no longer listed.
#[utoipa::path(
    operation_id = "listTags", tag = "navigation",
    security(()),
    params(TagListParams, IfNoneMatch),
    responses(
        (status = 200, description = "One page of tags", body = TagPage,
         headers(("ETag" = String, description = "A strong digest of the page"),
                 ("Link" = String, description = "`<URL>; rel=\"next\"` when there is a next page"))),
        (status = 304, description = "The cached copy is current",
         headers(("ETag" = String, description = "The same ETag the 200 response would carry"))),
    )
)]
#[get("/tags")]
pub(crate) async fn list_tags(
    req: HttpRequest,
    db: web::Data<Database>,
    page: Page<TagsByName, TagListParams>,
    cached: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let (prefix, after) = name_request(&page.query, &page.paging, NameList::Tags)?;
    let limit = page.paging.limit + 1;
    let rows = db.run(move |c| counts::tags(c, prefix.as_ref(), after.as_deref(), limit)).await?;
    // A tag's cursor holds its key: the key orders the list and names the row.
    let (rows, next_cursor) = page.split(rows, |(key, _)| Ok(name_cursor(key)))?;
    let items = rows.into_iter().map(|(_, r)| TagCount { name: r.name, article_count: r.article_count }).collect();
    reply_page(&req, &cached, &TagPage { items, next_cursor: next_cursor.clone() }, next_cursor.as_deref())
}

/// The `q` prefix (422 when it cannot match any name) and the name the page
/// starts after.
fn name_request(
    query: &impl NameQuery,
    paging: &Paging,
    list: NameList,
) -> Result<(Option<NamePrefix>, Option<String>), ApiError> {
    let prefix = NamePrefix::parse(query.q(), list)
        .map_err(|detail| ApiError::Invalid(vec![FieldError::parameter("q", detail)]))?;
    let after = match paging.after.as_ref().map(|cursor| &cursor.key) {
        None => None,
        Some(CursorKey::Name(name)) => Some(name.clone()),
        // Signed by this service for this order, so never another kind of key.
        Some(_) => return Err(ApiError::BadRequest("cursor is not a cursor this list handed out".into())),
    };
    Ok((prefix, after))
}

/// The cursor after a name. Names are unique in their list, so the id a cursor
/// carries is not needed to break ties: it is the nil UUID.
fn name_cursor(name: &str) -> Cursor {
    Cursor { key: CursorKey::Name(name.to_owned()), id: uuid::Uuid::nil() }
}

/// The page with a strong digest as its ETag (304 when the client's copy is
/// current), `Link: rel="next"` when there is a next page, and the cache tag that
/// every article change purges: any write to an article may move a count.
fn reply_page(
    req: &HttpRequest,
    cached: &IfNoneMatch,
    page: &impl Serialize,
    next_cursor: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let mut response = reply::conditional(cached, Tagged::digest_of(page)?);
    if let Some(link) = super::paging::next_link(req, next_cursor) {
        response.headers_mut().insert(header::LINK, link);
    }
    Ok(reply::with_cache_tags(response, &[cache_tag::ARTICLES.to_owned()]))
}
