//! HTTP plumbing shared by every route: body and query extractors that fail with
//! problem documents, conditional-request headers, and the fallbacks that turn
//! unknown routes, wrong methods and framework errors into problems too.

pub mod auth;
pub mod conditional;
pub mod fallback;
pub mod json;
pub mod observe;
pub mod query;
pub mod strict_json;
