//! Replies that carry a representation and its ETag: a plain 200, a 201 with its
//! `Location`, and a conditional read's 200 or 304. Handlers build one
//! [`Tagged`] and pick the reply.

use actix_web::HttpResponse;
use actix_web::http::header;
use serde::Serialize;

use super::conditional::{etag, representation_etag};
use super::params::IfNoneMatch;
use crate::domain::cache_tag;
use crate::error::ApiError;

/// A JSON representation and its ETag.
#[derive(Debug)]
pub(crate) struct Tagged {
    etag: String,
    body: Vec<u8>,
}

fn to_json(value: &impl Serialize) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(|e| ApiError::Internal(e.into()))
}

impl Tagged {
    /// `value` with the strong ETag of its `version`.
    pub(crate) fn versioned(value: &impl Serialize, version: i32) -> Result<Self, ApiError> {
        Ok(Self { etag: etag(version), body: to_json(value)? })
    }

    /// `value` with a weak digest of its whole representation (a composite, such
    /// as an article with embedded children, changes when any part does).
    pub(crate) fn digested(value: &impl Serialize, version: i32) -> Result<Self, ApiError> {
        let body = to_json(value)?;
        Ok(Self { etag: representation_etag(version, &body), body })
    }

    fn send(self, mut response: actix_web::HttpResponseBuilder) -> HttpResponse {
        response.insert_header((header::ETAG, self.etag)).content_type(mime::APPLICATION_JSON).body(self.body)
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

/// A read: 304 with the ETag when the client's cached copy is current, else 200.
pub(crate) fn conditional(cached: &IfNoneMatch, tagged: Tagged) -> HttpResponse {
    if cached.0.matches(&tagged.etag) {
        return HttpResponse::NotModified().insert_header((header::ETAG, tagged.etag)).finish();
    }
    ok(tagged)
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
