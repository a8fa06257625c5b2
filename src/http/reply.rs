//! Replies that carry a representation and its ETag: a plain 200, a 201 with its
//! `Location`, and a conditional read's 200 or 304. Handlers build one
//! [`Tagged`] and pick the reply. A create whose answer holds a secret (a token, a
//! webhook's signing key) answers [`created_secret`].

use actix_web::HttpResponse;
use actix_web::http::header;
use serde::Serialize;

use super::compress::Representation;
use super::conditional::{etag, representation_etag};
use super::params::IfNoneMatch;
use crate::domain::cache_tag;
use crate::error::ApiError;

/// A JSON representation (`application/json` unless told) and its ETag.
#[derive(Debug)]
pub(crate) struct Tagged {
    etag: String,
    body: Vec<u8>,
    content_type: &'static str,
}

const JSON: &str = "application/json";

fn to_json(value: &impl Serialize) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(|e| ApiError::Internal(e.into()))
}

impl Tagged {
    /// `value` with the strong ETag of its `version`.
    pub(crate) fn versioned(value: &impl Serialize, version: i32) -> Result<Self, ApiError> {
        Ok(Self { etag: etag(version), body: to_json(value)?, content_type: JSON })
    }

    /// `value` with a weak digest of its whole representation (a composite, such
    /// as an article with embedded children, changes when any part does).
    pub(crate) fn digested(value: &impl Serialize, version: i32) -> Result<Self, ApiError> {
        let body = to_json(value)?;
        Ok(Self { etag: representation_etag(version, &body), body, content_type: JSON })
    }

    /// `value` with the strong ETag of a digest of its bytes: for a list with no
    /// version of its own (the section and tag lists), which changes whenever any
    /// byte of it does.
    pub(crate) fn digest_of(value: &impl Serialize) -> Result<Self, ApiError> {
        let body = to_json(value)?;
        Ok(Self { etag: body_etag(&body), body, content_type: JSON })
    }

    /// The same representation under another JSON media type (JSON-LD, say).
    pub(crate) fn with_media_type(self, content_type: &'static str) -> Self {
        Self { content_type, ..self }
    }

    fn send(self, mut response: actix_web::HttpResponseBuilder) -> HttpResponse {
        response.insert_header((header::ETAG, self.etag)).content_type(self.content_type).body(self.body)
    }
}

/// 200 with the representation.
pub(crate) fn ok(tagged: Tagged) -> HttpResponse {
    tagged.send(HttpResponse::Ok())
}

/// 201 with the new resource's URL in `Location`.
pub(crate) fn created(location: String, tagged: Tagged) -> HttpResponse {
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, location));
    tagged.send(response)
}

/// 201 for a create whose answer holds a secret shown this once: the new
/// resource's URL in `Location`, and `Cache-Control: no-store` so that no cache
/// keeps the secret.
pub(crate) fn created_secret(location: String, body: impl Serialize) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// A read: 304 with the ETag when the client's cached copy is current, else 200.
pub(crate) fn conditional(cached: &IfNoneMatch, tagged: Tagged) -> HttpResponse {
    if cached.0.matches(&tagged.etag) {
        return not_modified_reply(tagged.etag, tagged.content_type, tagged.body.len()).finish();
    }
    ok(tagged)
}

/// A 304 with `etag`, which remembers what the 200 would have sent, so that
/// compression can give it the ETag of the coding the 200 would have had.
fn not_modified_reply(etag: String, content_type: &'static str, len: usize) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::NotModified();
    response.insert_header((header::ETAG, etag));
    response.extensions_mut().insert(Representation { content_type, len });
    response
}

/// Puts the tags a CDN purges this response by in `Cache-Tag` (comma-separated) and
/// `Surrogate-Key` (space-separated), on a successful read only.
pub(crate) fn with_cache_tags(mut response: HttpResponse, tags: &[String]) -> HttpResponse {
    if !(response.status().is_success() || response.status() == actix_web::http::StatusCode::NOT_MODIFIED) {
        return response;
    }
    for (name, separator) in [(CACHE_TAG, ','), (SURROGATE_KEY, ' ')] {
        if let Ok(value) = header::HeaderValue::from_str(&cache_tag::header_value(tags, separator)) {
            response.headers_mut().insert(header::HeaderName::from_static(name), value);
        }
    }
    response
}

/// Names what a read shows, for purging at a CDN (Cloudflare's name).
pub(crate) const CACHE_TAG: &str = "cache-tag";
/// The same tags under Fastly's name.
pub(crate) const SURROGATE_KEY: &str = "surrogate-key";

/// A generated document (a feed, a sitemap): its media type, its body, and when
/// what it shows last changed.
#[derive(Debug)]
pub(crate) struct Document {
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub last_modified: chrono::DateTime<chrono::Utc>,
}

/// The strong ETag of a generated body: a digest of its bytes.
pub(crate) fn body_etag(body: &[u8]) -> String {
    format!("\"{}\"", &crate::domain::digest::sha256_hex(&[body])[..32])
}

/// Whether a read whose current validators are `etag` and `last_modified` may
/// answer 304: `If-None-Match` decides when sent (RFC 9110 13.2.2), else
/// `If-Modified-Since` (which is ignored when it is not a valid HTTP date).
pub(crate) fn not_modified(
    req: &actix_web::HttpRequest,
    cached: &IfNoneMatch,
    etag: &str,
    last_modified: chrono::DateTime<chrono::Utc>,
) -> bool {
    use actix_web::HttpMessage;
    if cached.0 != super::conditional::NoneMatch::Absent {
        return cached.0.matches(etag);
    }
    let Some(header::IfModifiedSince(since)) = req.get_header::<header::IfModifiedSince>() else {
        return false;
    };
    let since = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::from(since));
    // HTTP dates have whole seconds.
    last_modified.timestamp() <= since.timestamp()
}

/// `Last-Modified`'s value.
pub(crate) fn http_date(at: chrono::DateTime<chrono::Utc>) -> header::HttpDate {
    let seconds = u64::try_from(at.timestamp()).unwrap_or(0);
    header::HttpDate::from(std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds))
}

/// A conditional read of a generated document: 304 with its validators when the
/// client's copy is current, else 200 with the body.
pub(crate) fn document(req: &actix_web::HttpRequest, cached: &IfNoneMatch, document: Document) -> HttpResponse {
    let etag = body_etag(&document.body);
    let modified = header::LastModified(http_date(document.last_modified));
    if not_modified(req, cached, &etag, document.last_modified) {
        return not_modified_reply(etag, document.content_type, document.body.len()).insert_header(modified).finish();
    }
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .insert_header(modified)
        .content_type(document.content_type)
        .body(document.body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn a_secret_is_created_uncached() {
        let response = created_secret("/v1/tokens/1".into(), serde_json::json!({"token": "nd_x"}));
        assert_eq!(response.status(), 201);
        let headers = response.headers();
        assert_eq!(headers.get(header::LOCATION).unwrap(), "/v1/tokens/1");
        assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
        assert_eq!(headers.get(header::CONTENT_TYPE).unwrap(), "application/json");
    }

    #[test]
    fn a_conditional_read_keeps_its_media_type() {
        let tagged = || Tagged::digested(&serde_json::json!({"@type": "NewsArticle"}), 3).unwrap();
        let plain = conditional(&IfNoneMatch::default(), tagged());
        assert_eq!(plain.headers().get(header::CONTENT_TYPE).unwrap(), "application/json");
        let fresh = conditional(&IfNoneMatch::default(), tagged().with_media_type("application/ld+json"));
        assert_eq!(fresh.status(), 200);
        assert_eq!(fresh.headers().get(header::CONTENT_TYPE).unwrap(), "application/ld+json");
        let etag = fresh.headers().get(header::ETAG).unwrap().to_str().unwrap().to_owned();
        let req = TestRequest::default().insert_header((header::IF_NONE_MATCH, etag.as_str())).to_http_request();
        let cached = IfNoneMatch(super::super::conditional::if_none_match(&req).unwrap());
        let stale = conditional(&cached, tagged().with_media_type("application/ld+json"));
        assert_eq!(stale.status(), 304);
        assert_eq!(stale.headers().get(header::ETAG).unwrap(), etag.as_str());
    }
}
