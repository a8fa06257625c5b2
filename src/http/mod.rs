//! HTTP plumbing shared by every route: body and query extractors that fail with
//! problem documents, conditional-request headers, the fallbacks that turn
//! unknown routes, wrong methods and framework errors into problems too, and the
//! middleware for limits (rate, concurrency), idempotent creates, headers, `HEAD`
//! and response compression;
//! and the problem responses as the OpenAPI document names them (`problems`),
//! which routes cite and the document's rule passes add.

pub mod accept;
pub mod auth;
pub mod compress;
pub mod conditional;
pub mod fallback;
pub mod fields;
pub mod head;
pub mod headers;
pub mod idempotency;
pub mod in_flight;
pub mod json;
pub mod observe;
pub mod params;
pub mod problems;
pub mod query;
pub mod rate_limit;
pub mod read_replica;
pub mod reply;
pub mod strict_json;
pub mod text;
