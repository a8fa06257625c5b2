//! HTTP plumbing shared by every route: body and query extractors that fail with
//! problem documents, conditional-request headers, the fallbacks that turn
//! unknown routes, wrong methods and framework errors into problems too, and the
//! middleware for limits (rate, concurrency), idempotent creates and headers.

pub mod auth;
pub mod conditional;
pub mod fallback;
pub mod headers;
pub mod idempotency;
pub mod in_flight;
pub mod json;
pub mod observe;
pub mod params;
pub mod query;
pub mod rate_limit;
pub mod reply;
pub mod strict_json;

/// SHA-256 of the parts (in order, as one input) as lowercase hex: how credentials
/// and request bodies are kept as keys without keeping them.
pub fn sha256_hex(parts: &[&[u8]]) -> String {
    use sha2::Digest as _;
    use std::fmt::Write as _;
    let mut digest = sha2::Sha256::new();
    for part in parts {
        digest.update(part);
    }
    digest.finalize().iter().fold(String::with_capacity(64), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}
