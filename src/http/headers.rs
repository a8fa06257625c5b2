//! Response headers every answer carries: no content sniffing, caching suited to
//! who may see the response, no `Server` banner, and a Content Security Policy
//! (a strict one for the API, one that lets Swagger UI run for `/docs`).

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;

/// The policy of `/docs`: everything Swagger UI loads comes from this server; it sets
/// inline styles on its elements and shows its logo as a `data:` image.
pub const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; \
frame-ancestors 'none'";

/// The policy of everything else: JSON is never a page, so nothing may load or frame it.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Paths whose answers describe the service right now and must never be cached.
const UNCACHEABLE: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// `Cache-Control` for one response.
///
/// Anything asked with credentials is private and not stored, so a shared cache can
/// never hand one client's view to another. Anonymous successful reads are public
/// but revalidated every time (with the ETag: cheap 304s, never stale content).
/// Errors, writes and live service data are not stored at all.
pub(crate) fn cache_control(method: &Method, path: &str, status: StatusCode, authorized: bool) -> &'static str {
    let read = method == Method::GET || method == Method::HEAD;
    let fresh = status.is_success() || status == StatusCode::NOT_MODIFIED;
    if authorized {
        "private, no-store"
    } else if read && fresh && !UNCACHEABLE.contains(&path) {
        "public, no-cache"
    } else {
        "no-store"
    }
}

fn is_docs(path: &str) -> bool {
    path == "/docs" || path.starts_with("/docs/")
}

/// The middleware. Runs outermost, so CORS preflights and problem documents get
/// the headers too.
pub(crate) async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let method = req.method().clone();
    let path = req.path().to_owned();
    let authorized = req.headers().contains_key(header::AUTHORIZATION);
    let mut res = next.call(req).await?;
    let cache = cache_control(&method, &path, res.status(), authorized);
    let headers = res.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    // The answer depends on the credentials (drafts, rate limits), so caches must
    // key on them; appended, so CORS' `Vary: Origin` stays.
    headers.append(header::VARY, HeaderValue::from_static("Authorization"));
    let csp = if is_docs(&path) { DOCS_CSP } else { API_CSP };
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    // actix sets none, but a wrapped service might: never advertise the software.
    headers.remove(header::SERVER);
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_make_any_response_private() {
        assert_eq!(cache_control(&Method::GET, "/v1/articles", StatusCode::OK, true), "private, no-store");
    }

    #[test]
    fn anonymous_reads_are_public_but_revalidated() {
        assert_eq!(cache_control(&Method::GET, "/v1/articles", StatusCode::OK, false), "public, no-cache");
        assert_eq!(cache_control(&Method::GET, "/v1/articles/x", StatusCode::NOT_MODIFIED, false), "public, no-cache");
    }

    #[test]
    fn errors_writes_and_service_data_are_not_stored() {
        assert_eq!(cache_control(&Method::GET, "/v1/articles/x", StatusCode::NOT_FOUND, false), "no-store");
        assert_eq!(cache_control(&Method::POST, "/v1/articles", StatusCode::CREATED, false), "no-store");
        assert_eq!(cache_control(&Method::GET, "/metrics", StatusCode::OK, false), "no-store");
    }
}
