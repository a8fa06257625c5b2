//! `/v1/imports`: a scraped page's plain text (or NDJSON lines of them) read by the
//! extractor and stored as an article with its quotes and related links, through
//! the same nested create as `POST /v1/articles`.

use actix_web::http::header::{self, ContentType};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::import_types::{ImportLine, ImportParams, ImportReport, ImportResultLine, ImportedArticle};
use crate::db::articles::{self as store, NewChildren};
use crate::db::embedding::assemble;
use crate::db::{Database, WriteError, embedding, imports as lookup};
use crate::domain::FieldError;
use crate::domain::access::Visibility;
use crate::domain::article::NewArticle;
use crate::domain::article_filter::Include;
use crate::domain::import::{ImportDraft, ImportOptions, MAX_BATCH_LINES, check_page};
use crate::domain::related_link::{LinkRelation, RelatedLinkInput};
use crate::domain::resource::Article;
use crate::domain::time::now;
use crate::error::ApiError;
use crate::http::auth::{Caller, Writer};
use crate::http::json::from_value;
use crate::http::problems::Conflict;
use crate::http::query::QueryParams;
use crate::http::reply::{self, Tagged};
use crate::http::text::{TextBody, TextKind};
use crate::import::{extract, search_word, title_key};

/// Registers the import route.
pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_import);
}

/// Import a scraped page
///
/// The body is a news page's plain text (`text/plain; charset=utf-8`): a date line,
/// the headline, the standfirst, the body with any "More:" box, a feature block,
/// "Source: …", "Related Posts". It is stored as an article (title, summary, body,
/// `published_at` from the date line at midnight UTC, `source_name`) with every
/// quotation found (speaker, title, context) and the "More:" and feature titles as
/// related links (`more`, `feature`) to the stored articles of those titles
/// (ignoring case, quotation-mark style and spacing). Titles that match nothing are
/// listed in `import.unresolved_links`; anything else left out, in
/// `import.warnings`. With `dry_run=true` nothing is stored and the answer is 200.
///
/// As `application/x-ndjson`, the body is one `{"text", "source_url"}` object per
/// line (at most 1,000), each page imported on its own, and the answer one line per
/// request line: the stored article's id, or the problem that page met.
#[utoipa::path(
    operation_id = "createImport", tag = "imports",
    security(("bearer" = ["write"])),
    params(ImportParams),
    request_body(content(
        (String = "text/plain", example = "Thursday, 28 Mar 2024\n\nHeadline\n\nStandfirst.\n\nBody."),
        (ImportLine = "application/x-ndjson"),
    )),
    responses(
        (status = 201, description = "Imported: the stored article with its quotes and related links", body = ImportedArticle,
         headers(("Location" = String, description = "URL of the new article"),
                 ("ETag" = String, description = "The article's version as a strong ETag"))),
        (status = 200, description = "A dry run's article, not stored; or an NDJSON request's results, one line per page",
         content((ImportedArticle = "application/json"), (ImportResultLine = "application/x-ndjson"))),
        (status = 409, response = Conflict),
    )
)]
#[post("/imports")]
pub(crate) async fn create_import(
    writer: Writer,
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Database>,
    params: QueryParams<ImportParams>,
    body: TextBody,
) -> Result<HttpResponse, ApiError> {
    let ImportParams { source_url, status, dry_run } = params.0;
    let options = ImportOptions::parse(source_url, status, dry_run).map_err(ApiError::Invalid)?;
    let visibility = caller.visibility(now());
    let db = db.by(writer.author());
    match body.kind {
        TextKind::Plain => {
            let imported = import_page(&db, visibility, &options, &body.text).await?;
            let article = &imported.article;
            if options.dry_run {
                return Ok(HttpResponse::Ok().json(&imported));
            }
            let tagged = Tagged::versioned(&imported, article.version)?;
            Ok(reply::created(format!("/v1/articles/{}", article.id), tagged))
        }
        TextKind::Ndjson => import_batch(&req, &db, visibility, &options, &body.text).await,
    }
}

/// Imports one page: extract, map, resolve the links, check everything as a nested
/// create does, and store it (or, on a dry run, store it in a transaction that is
/// rolled back, so that the answer is exactly what would be stored).
async fn import_page(
    db: &Database,
    visibility: Visibility,
    options: &ImportOptions,
    text: &str,
) -> Result<ImportedArticle, ApiError> {
    check_page(text).map_err(|e| ApiError::Invalid(vec![e]))?;
    let draft = ImportDraft::new(extract(text), options).map_err(|e| ApiError::Invalid(vec![e]))?;
    let ImportDraft { article, quotes, link_titles, mut warnings } = draft;
    let (links, unresolved) = resolve_links(db, visibility, link_titles, &mut warnings).await?;
    let at = now();
    let new = NewArticle::validate(article, quotes, links, at).map_err(ApiError::Invalid)?;
    let (fields, children) = (new.article, NewChildren { quotes: new.quotes, links: new.links });
    let include = Include { quotes: true, related_links: true };
    let dry_run = options.dry_run;
    let (row, children) = db
        .run(move |c| -> Result<_, WriteError> {
            let store_it = |c: &mut crate::db::DbConn| -> Result<_, WriteError> {
                let row = store::create(c, &fields, &children, at)?;
                let children = embedding::load(c, std::slice::from_ref(&row.id), include, Visibility::All)?;
                Ok((row, children))
            };
            if !dry_run {
                return store_it(c);
            }
            match diesel::Connection::transaction(c, |c| Err::<(), _>(DryRun::Done(Box::new(store_it(c))))) {
                Err(DryRun::Done(result)) => *result,
                Err(DryRun::Db(e)) => Err(e.into()),
                Ok(()) => Err(WriteError::NotFound),
            }
        })
        .await
        .map_err(|e| ApiError::from_write(e, "article"))?;
    let article: Article = assemble(vec![row], children)?.pop().ok_or_else(|| ApiError::not_found("article"))?;
    Ok(ImportedArticle { article, import: ImportReport { unresolved_links: unresolved, warnings } })
}

/// How a dry run's transaction ends: always rolled back, carrying the result.
enum DryRun<T> {
    Done(Box<Result<T, WriteError>>),
    Db(diesel::result::Error),
}

impl<T> From<diesel::result::Error> for DryRun<T> {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(e)
    }
}

/// Finds the stored article each title names: the newest the caller may see whose
/// title matches. Returns the links, in page order, and the titles that matched none.
async fn resolve_links(
    db: &Database,
    visibility: Visibility,
    titles: Vec<(LinkRelation, String)>,
    warnings: &mut Vec<String>,
) -> Result<(Vec<RelatedLinkInput>, Vec<String>), ApiError> {
    if titles.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let found = db
        .run(move |c| -> diesel::QueryResult<_> {
            let mut found = Vec::with_capacity(titles.len());
            for (relation, title) in titles {
                let key = title_key(&title);
                let target = match search_word(&title) {
                    Some(word) => lookup::titles_holding(c, &word, visibility)?
                        .into_iter()
                        .find(|(_, stored)| title_key(stored) == key)
                        .map(|(id, _)| id),
                    None => None,
                };
                found.push((relation, title, target));
            }
            Ok(found)
        })
        .await?;
    let (mut links, mut unresolved, mut seen) = (Vec::new(), Vec::new(), Vec::new());
    for (relation, title, target) in found {
        let Some(id) = target.and_then(|id| id.parse::<uuid::Uuid>().ok()) else {
            unresolved.push(title);
            continue;
        };
        // An article links to another once; a page naming it twice keeps the first.
        if seen.contains(&id) {
            warnings.push(format!("link \"{title}\" left out: the article is already linked"));
            continue;
        }
        seen.push(id);
        links.push(RelatedLinkInput {
            target_article_id: Some(Some(id)),
            url: None,
            title: Some(title),
            relation: Some(relation),
            position: None,
        });
    }
    Ok((links, unresolved))
}

/// Imports every line of an NDJSON body on its own and answers one line per line.
async fn import_batch(
    req: &HttpRequest,
    db: &Database,
    visibility: Visibility,
    options: &ImportOptions,
    text: &str,
) -> Result<HttpResponse, ApiError> {
    let lines: Vec<&str> = text.lines().collect();
    let lines = match lines.split_last() {
        Some((last, rest)) if last.trim().is_empty() => rest.to_vec(),
        _ => lines,
    };
    if lines.is_empty() {
        return Err(ApiError::Invalid(vec![FieldError::body("", "the body holds no lines")]));
    }
    if lines.len() > MAX_BATCH_LINES {
        return Err(ApiError::Invalid(vec![FieldError::body(
            "",
            format!("at most {MAX_BATCH_LINES} lines per request, not {}", lines.len()),
        )]));
    }
    let instance = req.path().to_owned();
    let request_id = req.extensions().get::<crate::http::observe::RequestId>().map(|id| id.0.clone());
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let result = import_line(db, visibility, options, line).await;
        let result = match result {
            Ok(imported) => ImportResultLine {
                line: i + 1,
                status: if options.dry_run { 200 } else { 201 },
                id: (!options.dry_run).then_some(imported.article.id),
                location: (!options.dry_run).then(|| format!("/v1/articles/{}", imported.article.id)),
                import: Some(imported.import),
                problem: None,
            },
            Err(error) => {
                let problem = error.problem(Some(&instance), request_id.as_deref());
                ImportResultLine {
                    line: i + 1,
                    status: problem.status,
                    id: None,
                    location: None,
                    import: None,
                    problem: Some(problem),
                }
            }
        };
        out.push_str(&serde_json::to_string(&result).map_err(|e| ApiError::Internal(e.into()))?);
        out.push('\n');
    }
    Ok(HttpResponse::Ok()
        .insert_header(ContentType(ndjson()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(out))
}

/// One NDJSON line: read as `ImportLine`, then imported as a page.
async fn import_line(
    db: &Database,
    visibility: Visibility,
    options: &ImportOptions,
    line: &str,
) -> Result<ImportedArticle, ApiError> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| ApiError::BadRequest(format!("the line is not JSON: {e}")))?;
    let parsed: ImportLine = from_value(value)?;
    let mut options = options.clone();
    if let Some(url) = parsed.source_url {
        options = ImportOptions::parse(
            Some(url),
            Some(options.status.as_str().to_owned()),
            Some(options.dry_run.to_string()),
        )
        .map_err(ApiError::Invalid)?;
    }
    import_page(db, visibility, &options, &parsed.text).await
}

fn ndjson() -> mime::Mime {
    "application/x-ndjson".parse().unwrap_or(mime::APPLICATION_JSON)
}
