//! The problem responses of the OpenAPI document, one reusable component per kind
//! of problem (`#/components/responses/NotFound`, …), each with an example. These
//! types only describe responses; `ApiError` produces them.
#![expect(dead_code, reason = "the types describe responses in the OpenAPI document and are never built")]

use utoipa::ToResponse;

use crate::error::Problem;

/// The request could not be parsed: broken JSON (or JSON nested more than 32
/// levels deep), a malformed cursor, a path id that is neither a UUID nor a slug, a
/// malformed conditional header or `Idempotency-Key`.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "/problems/bad-request", "title": "Request could not be parsed", "status": 400,
    "detail": "malformed JSON: EOF while parsing an object", "instance": "/v1/articles"}))]
pub(crate) struct BadRequest(Problem);

/// No valid bearer token: none was sent where one is needed, or the one sent is
/// malformed, unknown, expired or revoked.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json",
    headers(("WWW-Authenticate" = String, description = "`Bearer`, with `error=\"invalid_token\"` when a token was sent but is not valid")),
    example = json!({
    "type": "/problems/unauthorized", "title": "Authentication required", "status": 401,
    "detail": "this request needs an `Authorization: Bearer` token", "instance": "/v1/articles"}))]
pub(crate) struct Unauthorized(Problem);

/// The token is valid but lacks the scope this operation needs.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json",
    headers(("WWW-Authenticate" = String, description = "`Bearer error=\"insufficient_scope\"` with the scope needed")),
    example = json!({
    "type": "/problems/forbidden", "title": "Insufficient scope", "status": 403,
    "detail": "this request needs a token with the `write` scope", "instance": "/v1/articles"}))]
pub(crate) struct Forbidden(Problem);

/// No such resource.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "/problems/not-found", "title": "Resource not found", "status": 404,
    "detail": "no article with that id or slug", "instance": "/v1/articles/no-such-story"}))]
pub(crate) struct NotFound(Problem);

/// A uniqueness conflict: the slug is taken, or the article already links to the
/// target; or a request with the same `Idempotency-Key` is still being served.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "/problems/conflict", "title": "Conflict with the current state", "status": 409,
    "detail": "slug `missiles-fired` is already taken", "instance": "/v1/articles"}))]
pub(crate) struct Conflict(Problem);

/// The change-feed cursor points at records pruned since (older than the
/// retention): re-read everything, then follow the feed from a fresh cursor.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "/problems/gone", "title": "No longer available", "status": 410,
    "detail": "the change records after this cursor were pruned (kept 30 days); re-read the articles, then follow the feed from its start",
    "instance": "/v1/changes"}))]
pub(crate) struct Gone(Problem);

/// `If-Match` does not match the stored version: someone else changed the resource.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "/problems/precondition-failed", "title": "Precondition failed", "status": 412,
    "detail": "If-Match does not match the stored version, which is \"4\"",
    "instance": "/v1/articles/missiles-fired"}))]
pub(crate) struct PreconditionFailed(Problem);

/// The body is larger than the configured limit (1 MiB by default).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "/problems/payload-too-large", "title": "Request body too large", "status": 413,
    "detail": "the body must be at most 1048576 bytes", "instance": "/v1/articles"}))]
pub(crate) struct PayloadTooLarge(Problem);

/// The body is not JSON (`application/json`, or `application/merge-patch+json` for
/// `PATCH`).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "/problems/unsupported-media-type", "title": "Unsupported media type", "status": 415,
    "detail": "Content-Type text/plain is not JSON; send application/json (or application/merge-patch+json for PATCH)",
    "instance": "/v1/articles"}))]
pub(crate) struct UnsupportedMediaType(Problem);

/// JSON that parses but is not a valid request; `errors` holds one entry per
/// invalid member (`pointer`) or query parameter or header (`parameter`), such as
/// an `Idempotency-Key` already used for a different request.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "/problems/validation-failed", "title": "Request body failed validation", "status": 422,
    "detail": "2 fields are invalid", "instance": "/v1/articles",
    "errors": [{"pointer": "/title", "detail": "must not be empty"},
               {"pointer": "/source_url", "detail": "must be an absolute http or https URL"}]}))]
pub(crate) struct ValidationFailed(Problem);

/// The database cannot be reached or did not answer in time, or the server is
/// serving as many requests as it can; retry after the given number of seconds.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json",
    headers(("Retry-After" = u32, description = "Seconds to wait before retrying")),
    example = json!({
    "type": "/problems/service-unavailable", "title": "Service unavailable", "status": 503,
    "detail": "the database cannot be reached; try again shortly", "instance": "/v1/articles"}))]
pub(crate) struct ServiceUnavailable(Problem);

/// A discovery route (feeds, sitemaps, JSON-LD) on a server without
/// `NEWSDESK_PUBLIC_URL`: the detail says what to set (no `Retry-After`: retrying
/// does not help until the operator sets it); or, as on every route, the database
/// cannot be reached or the server is at its limit (with `Retry-After`).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json",
    headers(("Retry-After" = u32, description = "Seconds to wait before retrying (not sent when a setting is missing)")),
    example = json!({
    "type": "/problems/service-unavailable", "title": "Service unavailable", "status": 503,
    "detail": "feeds, sitemaps and JSON-LD link to the site's own pages: set NEWSDESK_PUBLIC_URL to the site's \
address (such as https://news.example.com), and NEWSDESK_ARTICLE_URL_TEMPLATE if article pages are not at \
{public_url}/{section}/{slug}", "instance": "/v1/feeds/articles.atom"}))]
pub(crate) struct DiscoveryUnavailable(Problem);

/// The client has used up its rate limit; retry after the given number of seconds.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json",
    headers(
        ("Retry-After" = u32, description = "Seconds until the next request will be accepted"),
        ("RateLimit" = String, description = "What is left of the quota (`r`) and seconds until it is whole (`t`)"),
        ("RateLimit-Policy" = String, description = "The quota (`q`) and the seconds it refills over (`w`)"),
    ),
    example = json!({
    "type": "/problems/too-many-requests", "title": "Too many requests", "status": 429,
    "detail": "the rate limit for this client is exhausted; retry in 1 s", "instance": "/v1/articles"}))]
pub(crate) struct TooManyRequests(Problem);

/// An unexpected error; the body says nothing about internals.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "/problems/internal-error", "title": "Internal server error", "status": 500,
    "detail": "an unexpected error occurred; it has been logged", "instance": "/v1/articles"}))]
pub(crate) struct InternalError(Problem);
