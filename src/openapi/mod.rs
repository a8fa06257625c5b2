//! The OpenAPI 3.1 document: the fixed parts here, the paths and schemas collected
//! from the route registrations, the responses that follow from an operation's
//! inputs by rule; `middleware` adds what the middleware does. The reusable
//! problem responses are `http::problems`: the routes cite them, and this module
//! imports the routes, so they live below both.

mod middleware;
mod webhooks;

use actix_web::App;
use serde_json::{Value, json};
use utoipa::OpenApi;
use utoipa::openapi::RefOr;
use utoipa_actix_web::AppExt;

use crate::domain::FieldError;
use crate::domain::article_filter::IncludeOption;
use crate::error::{Problem, ProblemKind};
use crate::http::problems::{
    BadRequest, Conflict, DiscoveryUnavailable, Forbidden, Gone, InternalError, NotFound, PayloadTooLarge,
    PreconditionFailed, ServiceUnavailable, TooManyRequests, Unauthorized, UnsupportedMediaType, ValidationFailed,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Newsdesk API",
        description = "An open content API for news: articles, the quotes inside them and their related-post links.\n\n\
Reading published content needs no credentials. Every write, every read of unpublished content (drafts, archived articles, \
articles scheduled for later) and token management need `Authorization: Bearer <token>` with a scope: `read:drafts`, \
`write` (implies `read:drafts`) or `admin` (implies every scope). Without a token, unpublished content does not exist: \
it is left out of lists and searches and answered 404. A missing, unknown, expired or revoked token where one is needed \
is a 401 with `WWW-Authenticate: Bearer`; a token without the scope is a 403.\n\n\
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
carries `Vary: Authorization`, `X-Content-Type-Options: nosniff` and a Content Security Policy.\n\n\
**HEAD.** Every `GET` operation also answers `HEAD` with the same status and headers (`Content-Length` included when \
the `GET` would send one) and no body; a path without `GET` answers `HEAD` with 405. (`HEAD` is not listed as \
operations of its own: it is the `GET` without the body, and client generators would only make a second method of \
each read.)\n\n\
**Compression.** Text responses (JSON, problem documents, feeds, sitemaps) over {min_compressed} bytes are \
compressed with the coding `Accept-Encoding` weighs highest, of `zstd`, `br` and `gzip` (in that order when \
weighed alike; `Content-Encoding` says which); smaller ones, and requests without `Accept-Encoding` or with `identity`, get the identity body. Every text response \
carries `Vary: Accept-Encoding`. A compressed representation has a strong ETag of its own, the identity one with the \
coding appended inside the quotes (`\"3\"` becomes `\"3-gzip\"`, `\"3-br\"` or `\"3-zstd\"`); `If-Match` and \
`If-None-Match` accept either form for the same version, so a client may send back whichever ETag it was given.",
        license(name = "MIT", identifier = "MIT"),
    ),
    servers((url = "/", description = "The server that serves this document")),
    tags(
        (name = "articles", description = "News articles: create, read by id or slug, replace, patch, delete, list and search."),
        (name = "imports", description = "Scraped news pages (plain text, or NDJSON lines of them) read into articles with their quotes and \"More:\" links."),
        (name = "quotes", description = "Quotations inside articles: who said what, in what role, where; searchable by speaker and text."),
        (name = "related-links", description = "An article's \"More:\" and \"Related posts\" lists, pointing at other articles or external URLs, and the backlinks they make."),
        (name = "revisions", description = "Each article's history: a revision per committed change to it or its quotes and links, with merge-patch diffs, every revision's snapshot, and restoring one as a new revision."),
        (name = "changes", description = "The change log: every committed change to an article, a quote or a related link, in commit order, as a feed a client polls or long-polls."),
        (name = "discovery", description = "What news front ends and crawlers read: Atom, RSS and JSON feeds, sitemaps (a Google News sitemap and a sitemap index over the whole archive). Public; they link to the site's pages (`NEWSDESK_PUBLIC_URL`, `NEWSDESK_ARTICLE_URL_TEMPLATE`) and answer 503 while no public URL is set."),
        (name = "navigation", description = "Sections and tags, each with its number of published articles, for menus, tag pages and autocomplete. Public."),
        (name = "tokens", description = "API tokens for `Authorization: Bearer` (the `admin` scope): create, list, read, revoke."),
        (name = "webhooks", description = "Signed Standard Webhooks deliveries of change events (the `admin` scope): subscriptions, secret rotation, the delivery log and retries. The payload is described under `webhooks`."),
        (name = "service", description = "Liveness and readiness checks."),
    ),
    components(
        schemas(Problem, FieldError, IncludeOption),
        responses(BadRequest, Unauthorized, Forbidden, NotFound, Conflict, Gone, PreconditionFailed, PayloadTooLarge,
                  UnsupportedMediaType, ValidationFailed, TooManyRequests, ServiceUnavailable, DiscoveryUnavailable,
                  InternalError),
    )
)]
struct ApiDoc;

/// The document as served at `/openapi.json` and committed: [`api_doc`] plus the
/// JSON Schema rules that utoipa's model cannot hold.
pub fn document() -> Value {
    refined(&api_doc())
}

/// `api` with the rules utoipa's model cannot hold added.
pub(crate) fn refined(api: &utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(api).expect("the OpenAPI model serializes");
    // Problem documents echo what the client sent (a JSON Pointer to a member it
    // named, say), which may hold anything: they are set aside while the rest of the
    // document gets the no-NUL rule.
    let schemas = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut).expect("component schemas");
    let echoing: Vec<(String, Value)> =
        ["Problem", "FieldError"].iter().filter_map(|name| schemas.remove_entry(*name)).collect();
    strings_hold_no_nul(&mut doc);
    doc["components"]["schemas"].as_object_mut().expect("component schemas").extend(echoing);
    require_body_when_published(&mut doc);
    add_cache_tag_headers(&mut doc);
    unique_tags(&mut doc);
    webhooks::add(&mut doc);
    doc
}

/// The reads that name what they show in `Cache-Tag` and `Surrogate-Key` (see
/// `http::reply::with_cache_tags`): every GET of an article, a quote, a link or a
/// list of them.
const TAGGED_READS: [&str; 13] = [
    "getAtomFeed",
    "getRssFeed",
    "getJsonFeed",
    "listArticles",
    "getArticle",
    "listArticleQuotes",
    "searchQuotes",
    "getQuote",
    "listRelatedLinks",
    "getRelatedLink",
    "listBacklinks",
    "listSections",
    "listTags",
];

fn add_cache_tag_headers(doc: &mut Value) {
    let max = crate::domain::cache_tag::MAX_HEADER_BYTES;
    let header = |separator: &str, cdn: &str| {
        json!({
            "description": format!(
                "The cache tags of what this response shows ({cdn}), {separator}-separated: `article-<id>`, \
                 `quote-<id>`, `related-link-<id>`, and `articles` or `quotes` for lists. Change records list the \
                 same tags in `purge_tags`. At most {max} bytes; a longer list is cut at a tag, and its first tag \
                 (the list's or the resource's own) always stays."),
            "schema": {"type": "string"}
        })
    };
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for item in paths.values_mut() {
        let Some(get) = item.get_mut("get") else { continue };
        let tagged = get.get("operationId").and_then(Value::as_str).is_some_and(|id| TAGGED_READS.contains(&id));
        let Some(ok) = get.pointer_mut("/responses/200").and_then(Value::as_object_mut).filter(|_| tagged) else {
            continue;
        };
        let headers = ok.entry("headers").or_insert_with(|| json!({}));
        headers["Cache-Tag"] = header("comma", "Cloudflare's name");
        headers["Surrogate-Key"] = header("space", "Fastly's name");
    }
}

/// No text the service stores or matches may hold NUL (PostgreSQL cannot store it),
/// and the domain refuses it everywhere.
const NO_NUL: &str = "^[^\\u0000]*$";

/// Text holding something besides blanks (and no NUL): the spec's form of
/// `text::trim(value)` being non-empty. ECMAScript's `\\s` is the service's blank
/// set, except that it leaves out U+0085, which the class names itself.
const NON_BLANK: &str = "^[^\\u0000]*[^\\s\\u0000\\u0085][^\\u0000]*$";

/// Adds [`NO_NUL`] to every plain string schema (no format, enum or pattern of its
/// own) and turns the derive-level `\\S` ("not blank") patterns into [`NON_BLANK`].
fn strings_hold_no_nul(node: &mut Value) {
    match node {
        Value::Object(map) => {
            let is_string = match map.get("type") {
                Some(Value::String(t)) => t == "string",
                Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
                _ => false,
            };
            if is_string && !map.contains_key("format") && !map.contains_key("enum") {
                match map.get("pattern").and_then(Value::as_str) {
                    None => {
                        map.insert("pattern".into(), NO_NUL.into());
                    }
                    Some("\\S") => {
                        map.insert("pattern".into(), NON_BLANK.into());
                    }
                    Some(_) => {}
                }
            }
            map.values_mut().for_each(strings_hold_no_nul);
        }
        Value::Array(items) => items.iter_mut().for_each(strings_hold_no_nul),
        _ => {}
    }
}

/// A published article needs a body: `if status is published then body is not
/// blank`. A patch setting `status` to published may leave `body` out (the stored
/// one counts) but may not empty it.
fn require_body_when_published(doc: &mut Value) {
    let published = json!({"properties": {"status": {"const": "published"}}, "required": ["status"]});
    let non_blank = json!({"type": "string", "pattern": NON_BLANK});
    for (name, body_required) in [("ArticleInput", true), ("NewArticleInput", true), ("ArticlePatch", false)] {
        let Some(schema) = doc.pointer_mut(&format!("/components/schemas/{name}")).and_then(Value::as_object_mut)
        else {
            continue;
        };
        let mut then = json!({"properties": {"body": non_blank}});
        if body_required {
            then["required"] = json!(["body"]);
        }
        schema.insert("if".into(), published.clone());
        schema.insert("then".into(), then);
    }
}

/// Tags are unique (ignoring case, which JSON Schema cannot say; exact repeats it can).
fn unique_tags(doc: &mut Value) {
    for name in ["ArticleInput", "NewArticleInput", "ArticlePatch"] {
        if let Some(tags) = doc.pointer_mut(&format!("/components/schemas/{name}/properties/tags")) {
            tags["uniqueItems"] = true.into();
        }
    }
}

/// Builds the complete document from the route registrations.
pub fn api_doc() -> utoipa::openapi::OpenApi {
    let (_, mut api) =
        App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(crate::routes::configure).split_for_parts();
    api.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let types: Vec<String> =
        ProblemKind::ALL.iter().map(|k| format!("`{}` ({})", k.type_uri(), k.status().as_u16())).collect();
    if let Some(description) = api.info.description.as_mut() {
        *description = description
            .replace("{problem_types}", &types.join(", "))
            .replace("{min_compressed}", &crate::http::compress::MIN_COMPRESSED_LEN.to_string());
    }
    // Before the middleware's headers, which the 304 gets too.
    add_document_validators(&mut api);
    middleware::document(&mut api);
    add_input_responses(&mut api);
    add_framework_responses(&mut api);
    add_security(&mut api);
    flatten_new_article(&mut api);
    add_links(&mut api);
    api
}

/// The schema a response's JSON body refers to (`#/components/schemas/Quote`).
fn body_ref(response: Option<&RefOr<utoipa::openapi::Response>>) -> Option<String> {
    let Some(RefOr::T(response)) = response else { return None };
    let RefOr::T(content) = response.content.get("application/json")? else { return None };
    match content.schema.as_ref()? {
        RefOr::Ref(reference) => Some(reference.ref_location.clone()),
        RefOr::T(_) => None,
    }
}

/// OpenAPI `links` from each create's 201 to reading, patching and deleting what it
/// created (utoipa's `#[utoipa::path]` cannot declare them), found by rule: the
/// item path (`…/{id}`) whose `GET` answers the same schema as the create; its
/// `GET`, `PATCH` and `DELETE` are linked, with the path's parameter filled from the
/// new resource's `id`. A new resource gets its links by following the pattern.
fn add_links(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::link::LinkBuilder;
    // (schema, parameter, target operation ids) of every item path.
    let mut items = Vec::new();
    for (path, item) in &api.paths.paths {
        let Some(parameter) = path.rsplit('/').next().and_then(|last| last.strip_prefix('{')?.strip_suffix('}')) else {
            continue;
        };
        let Some(read) = &item.get else { continue };
        let Some(schema) = body_ref(read.responses.responses.get("200")) else { continue };
        let targets: Vec<String> = [&item.get, &item.patch, &item.delete]
            .into_iter()
            .flatten()
            .filter_map(|op| op.operation_id.clone())
            .collect();
        items.push((schema, parameter.to_owned(), targets));
    }
    for item in api.paths.paths.values_mut() {
        let Some(operation) = item.post.as_mut() else { continue };
        let Some(schema) = body_ref(operation.responses.responses.get("201")) else { continue };
        let Some((_, parameter, targets)) = items.iter().find(|(s, ..)| *s == schema) else { continue };
        let Some(RefOr::T(created)) = operation.responses.responses.get_mut("201") else { continue };
        for target in targets {
            let link = LinkBuilder::new()
                .operation_id(target)
                .parameter(parameter, "$response.body#/id")
                .description(format!("`{parameter}` of `{target}` is the `id` of the created resource."))
                .build();
            created.links.insert(target.clone(), RefOr::T(link));
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

/// Every operation of a path item.
pub(crate) fn operations_mut(
    item: &mut utoipa::openapi::PathItem,
) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
}

/// The problems an input can cause, by the kind of input: what the extractors in
/// `http::params`, `http::query` and `http::json` refuse. An operation gets them
/// from the parameters and body it declares, so a handler lists only the
/// responses of its own.
fn input_responses(operation: &utoipa::openapi::path::Operation) -> Vec<(&'static str, &'static str)> {
    use crate::http::params::{IF_MATCH, IF_NONE_MATCH};
    use utoipa::openapi::path::ParameterIn;
    let mut found = Vec::new();
    for parameter in operation.parameters.iter().flatten() {
        // Referenced parameters (`Idempotency-Key`) come with their responses.
        let RefOr::T(parameter) = parameter else { continue };
        match parameter.parameter_in {
            // A malformed key, and no resource under a well-formed one.
            ParameterIn::Path => found.extend([("400", "BadRequest"), ("404", "NotFound")]),
            // A query string that is not UTF-8, a malformed cursor; an unknown,
            // repeated or invalid parameter.
            ParameterIn::Query => found.extend([("400", "BadRequest"), ("422", "ValidationFailed")]),
            ParameterIn::Header if parameter.name == IF_MATCH => {
                found.extend([("400", "BadRequest"), ("412", "PreconditionFailed")]);
            }
            ParameterIn::Header if parameter.name == IF_NONE_MATCH => found.push(("400", "BadRequest")),
            _ => {}
        }
    }
    if operation.request_body.is_some() {
        // Broken or too deeply nested JSON, too large, not JSON, not a valid request.
        found.extend([
            ("400", "BadRequest"),
            ("413", "PayloadTooLarge"),
            ("415", "UnsupportedMediaType"),
            ("422", "ValidationFailed"),
        ]);
    }
    found
}

/// A generated document (a feed, a sitemap) is read conditionally by its ETag or
/// its `Last-Modified` (`http::reply::document`): an operation that declares
/// `If-Modified-Since` gets both validators on its 200 and the 304 that carries
/// them, written here once.
fn add_document_validators(api: &mut utoipa::openapi::OpenApi) {
    use crate::http::params::IF_MODIFIED_SINCE;
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::{ResponseBuilder, path::ParameterIn};
    let header = |description: &str| {
        HeaderBuilder::new()
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .description(Some(description))
            .build()
    };
    for operation in api.paths.paths.values_mut().flat_map(operations_mut) {
        let reads_documents =
            operation.parameters.iter().flatten().any(
                |p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Header && p.name == IF_MODIFIED_SINCE),
            );
        if !reads_documents {
            continue;
        }
        let responses = &mut operation.responses.responses;
        if let Some(RefOr::T(ok)) = responses.get_mut("200") {
            ok.headers
                .entry("ETag".to_owned())
                .or_insert_with(|| RefOr::T(header("A digest of the document, as a strong ETag")));
            ok.headers
                .entry("Last-Modified".to_owned())
                .or_insert_with(|| RefOr::T(header("When an article last changed (HTTP date)")));
        }
        responses.entry("304".to_owned()).or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description("The cached copy is current")
                    .header("ETag", header("The ETag the 200 response would carry"))
                    .header("Last-Modified", header("The Last-Modified the 200 response would carry"))
                    .build(),
            )
        });
    }
}

/// Declares on each operation the problems its inputs can cause ([`input_responses`]).
fn add_input_responses(api: &mut utoipa::openapi::OpenApi) {
    for operation in api.paths.paths.values_mut().flat_map(operations_mut) {
        for (status, name) in input_responses(operation) {
            operation
                .responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| RefOr::Ref(utoipa::openapi::Ref::from_response_name(name)));
        }
    }
}

/// Any operation can fail unexpectedly; declare the 500 problem on each.
fn add_framework_responses(api: &mut utoipa::openapi::OpenApi) {
    for operation in api.paths.paths.values_mut().flat_map(operations_mut) {
        operation
            .responses
            .responses
            .entry("500".to_owned())
            .or_insert_with(|| RefOr::Ref(utoipa::openapi::Ref::from_response_name("InternalError")));
    }
}

/// The bearer scheme, and the 401 (and, where a scope is required, 403) on every
/// operation that declares a security requirement. A public read lists an empty
/// requirement too (auth optional): there a bad token is still a 401, but no
/// scope is ever refused.
fn add_security(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::Ref;
    use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
    if let Some(components) = api.components.as_mut() {
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.description = Some(
            "An API token (`nd_…`) made with `newsdesk token create` or `POST /v1/tokens`. Scopes: \
             `read:drafts`, `write` (implies `read:drafts`), `admin` (implies every scope)."
                .to_owned(),
        );
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
    }
    for operation in api.paths.paths.values_mut().flat_map(operations_mut) {
        let Some(requirements) = &operation.security else { continue };
        let empty = |r: &&utoipa::openapi::security::SecurityRequirement| {
            serde_json::to_value(r).is_ok_and(|v| v.as_object().is_some_and(serde_json::Map::is_empty))
        };
        let optional = requirements.iter().any(|r| empty(&r));
        if requirements.iter().all(|r| empty(&r)) {
            // Public: no credentials are looked at.
            continue;
        }
        let responses = &mut operation.responses.responses;
        responses.entry("401".to_owned()).or_insert_with(|| RefOr::Ref(Ref::from_response_name("Unauthorized")));
        if !optional {
            responses.entry("403".to_owned()).or_insert_with(|| RefOr::Ref(Ref::from_response_name("Forbidden")));
        }
    }
}
