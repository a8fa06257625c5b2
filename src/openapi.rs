//! The OpenAPI 3.1 document: the fixed parts here, the paths and schemas collected
//! from the route registrations.

use actix_web::App;
use utoipa::OpenApi;
use utoipa::openapi::RefOr;
use utoipa_actix_web::AppExt;

use crate::domain::FieldError;
use crate::domain::article_filter::IncludeOption;
use crate::error::{Problem, ProblemKind};
use crate::problem_responses::{
    BadRequest, Conflict, InternalError, NotFound, PayloadTooLarge, PreconditionFailed, ServiceUnavailable,
    TooManyRequests, UnsupportedMediaType, ValidationFailed,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Newsdesk API",
        description = "An open content API for news: articles, the quotes inside them and their related-post links.\n\n\
Every error is an RFC 9457 problem document (`application/problem+json`) whose `type` is one of: {problem_types}.\n\n\
**Limits.** Each client (its credentials if it sends `Authorization`, else its IP address) has a rate limit, stated on \
every response in `RateLimit-Policy` and `RateLimit`; over it, requests get a 429 with `Retry-After`. A server at its \
limit of concurrent requests, or whose database does not answer in time, answers 503 with `Retry-After`. Request \
bodies are limited in size (413) and to 32 levels of nesting (400). `/healthz`, `/readyz` and `/metrics` are exempt \
from the rate and concurrency limits.\n\n\
**Retrying creates.** `POST` accepts an `Idempotency-Key` header: a retry with the same key gets the first answer \
(marked `Idempotent-Replayed: true`) instead of creating a second resource.\n\n\
**Caching and headers.** Successful reads without credentials are `Cache-Control: public, no-cache` (revalidate with \
the ETag); answers to requests with credentials are `private, no-store`; errors and writes `no-store`. Every response \
carries `Vary: Authorization`, `X-Content-Type-Options: nosniff` and a Content Security Policy.",
        license(name = "MIT", identifier = "MIT"),
    ),
    servers((url = "/", description = "The server that serves this document")),
    tags(
        (name = "articles", description = "News articles: create, read by id or slug, replace, patch, delete, list and search."),
        (name = "quotes", description = "Quotations inside articles: who said what, in what role, where; searchable by speaker and text."),
        (name = "related-links", description = "An article's \"More:\" and \"Related posts\" lists, pointing at other articles or external URLs, and the backlinks they make."),
        (name = "service", description = "Liveness and readiness checks."),
    ),
    components(
        schemas(Problem, FieldError, IncludeOption),
        responses(BadRequest, NotFound, Conflict, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType,
                  ValidationFailed, TooManyRequests, ServiceUnavailable, InternalError),
    )
)]
struct ApiDoc;

/// Builds the complete document from the route registrations.
pub fn api_doc() -> utoipa::openapi::OpenApi {
    let (_, mut api) =
        App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(crate::routes::configure).split_for_parts();
    api.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let types: Vec<String> =
        ProblemKind::ALL.iter().map(|k| format!("`{}` ({})", k.type_uri(), k.status().as_u16())).collect();
    if let Some(description) = api.info.description.as_mut() {
        *description = description.replace("{problem_types}", &types.join(", "));
    }
    crate::openapi_limits::document(&mut api);
    add_framework_responses(&mut api);
    flatten_new_article(&mut api);
    add_links(&mut api);
    api
}

/// The operations a create's 201 leads to: (create, path parameter of the targets,
/// targets). Each link is named after its target and fills the parameter with the new
/// resource's `id`.
const LINKS: [(&str, &str, [&str; 3]); 3] = [
    ("createArticle", "article", ["getArticle", "updateArticle", "deleteArticle"]),
    ("createQuote", "id", ["getQuote", "updateQuote", "deleteQuote"]),
    ("createRelatedLink", "id", ["getRelatedLink", "updateRelatedLink", "deleteRelatedLink"]),
];

/// OpenAPI `links` from each create's 201 to reading, patching and deleting what it
/// created (utoipa's `#[utoipa::path]` cannot declare them).
fn add_links(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::link::LinkBuilder;
    for item in api.paths.paths.values_mut() {
        let Some(operation) = item.post.as_mut() else { continue };
        let Some((_, parameter, targets)) =
            LINKS.iter().find(|(create, ..)| operation.operation_id.as_deref() == Some(*create))
        else {
            continue;
        };
        let Some(RefOr::T(created)) = operation.responses.responses.get_mut("201") else { continue };
        for target in targets {
            let link = LinkBuilder::new()
                .operation_id(*target)
                .parameter(*parameter, "$response.body#/id")
                .description(format!("`{parameter}` of `{target}` is the `id` of the created resource."))
                .build();
            created.links.insert((*target).to_owned(), RefOr::T(link));
        }
    }
}

/// `NewArticleInput` is `ArticleInput` plus `quotes` and `related_links`. utoipa
/// writes that as `allOf`, which contradicts `ArticleInput`'s
/// `additionalProperties: false` (unknown fields are refused); merge the two into one
/// closed object instead.
fn flatten_new_article(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::Schema;
    let Some(schemas) = api.components.as_mut().map(|c| &mut c.schemas) else { return };
    let Some(RefOr::T(Schema::Object(mut merged))) = schemas.get("ArticleInput").cloned() else { return };
    let Some(RefOr::T(Schema::AllOf(parts))) = schemas.get("NewArticleInput") else { return };
    for part in &parts.items {
        if let RefOr::T(Schema::Object(extra)) = part {
            merged.properties.extend(extra.properties.clone());
        }
    }
    merged.description.clone_from(&parts.description);
    merged.example.clone_from(&parts.example);
    schemas.insert("NewArticleInput".to_owned(), RefOr::T(Schema::Object(merged)));
}

/// Any operation can fail unexpectedly; declare the 500 problem on each.
fn add_framework_responses(api: &mut utoipa::openapi::OpenApi) {
    for item in api.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            operation
                .responses
                .responses
                .entry("500".to_owned())
                .or_insert_with(|| RefOr::Ref(utoipa::openapi::Ref::from_response_name("InternalError")));
        }
    }
}
