//! Conditional requests (RFC 9110): strong ETags made from the resource version,
//! `If-None-Match` on reads and `If-Match` on writes.

use actix_web::HttpRequest;
use actix_web::http::header::{self, HeaderName};

use crate::domain::version::Expected;
use crate::error::ApiError;

/// The strong ETag of a resource at `version`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// One entity tag from a conditional header.
#[derive(Debug, PartialEq, Eq)]
struct EntityTag<'a> {
    weak: bool,
    opaque: &'a str,
}

/// How a conditional header reads.
#[derive(Debug, PartialEq, Eq)]
enum Condition<'a> {
    /// `*`: any current representation.
    Any,
    /// A list of entity tags.
    Tags(Vec<EntityTag<'a>>),
    /// Not entity-tag syntax. For `If-Match` it can match no entity tag the service
    /// hands out, so the write fails closed (412); `If-None-Match` is a 400.
    Unmatchable,
}

/// Parses `*` or a comma-separated list of entity tags.
fn parse_list(value: &str) -> Condition<'_> {
    let value = value.trim();
    if value == "*" {
        return Condition::Any;
    }
    value.split(',').map(entity_tag).collect::<Option<Vec<_>>>().map_or(Condition::Unmatchable, Condition::Tags)
}

fn entity_tag(item: &str) -> Option<EntityTag<'_>> {
    let item = item.trim();
    let (weak, quoted) = match item.strip_prefix("W/") {
        Some(rest) => (true, rest),
        None => (false, item),
    };
    let opaque = quoted.strip_prefix('"')?.strip_suffix('"')?;
    (!opaque.contains('"')).then_some(EntityTag { weak, opaque })
}

fn header_text<'a>(req: &'a HttpRequest, name: &HeaderName) -> Result<Option<&'a str>, ApiError> {
    match req.headers().get(name) {
        None => Ok(None),
        Some(value) => {
            value.to_str().map(Some).map_err(|_| ApiError::BadRequest(format!("{name} is not valid header text")))
        }
    }
}

/// What `If-Match` demands. Weak tags never match (RFC 9110 strong comparison).
pub fn if_match(req: &HttpRequest) -> Result<Expected, ApiError> {
    let Some(value) = header_text(req, &header::IF_MATCH)? else {
        return Ok(Expected::Anything);
    };
    Ok(match parse_list(value) {
        Condition::Any => Expected::Exists,
        Condition::Tags(tags) => {
            Expected::OneOf(tags.iter().filter(|t| !t.weak).filter_map(|t| t.opaque.parse().ok()).collect())
        }
        Condition::Unmatchable => Expected::OneOf(Vec::new()),
    })
}

/// Whether `If-None-Match` matches the current ETag (weak comparison: `W/` is
/// ignored on both sides), in which case a `GET` answers 304.
pub fn if_none_match(req: &HttpRequest, current: &str) -> Result<bool, ApiError> {
    let Some(value) = header_text(req, &header::IF_NONE_MATCH)? else {
        return Ok(false);
    };
    let current = current.strip_prefix("W/").unwrap_or(current).trim_matches('"');
    Ok(match parse_list(value) {
        Condition::Any => true,
        Condition::Tags(tags) => tags.iter().any(|t| t.opaque == current),
        Condition::Unmatchable => {
            return Err(ApiError::BadRequest("if-none-match must be `*` or entity tags such as \"3\"".into()));
        }
    })
}

/// A weak ETag for a composite representation (an article with embedded children):
/// a digest of the body, so any change to the article or a child changes it. Weak,
/// because `If-Match` must name the article's own version.
pub fn representation_etag(version: i32, body: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    format!("W/\"{version}-{:016x}\"", hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn with(name: HeaderName, value: &str) -> HttpRequest {
        TestRequest::default().insert_header((name, value)).to_http_request()
    }

    #[test]
    fn if_match_reads_versions_and_star() {
        assert_eq!(if_match(&TestRequest::default().to_http_request()).unwrap(), Expected::Anything);
        assert_eq!(if_match(&with(header::IF_MATCH, "*")).unwrap(), Expected::Exists);
        assert_eq!(if_match(&with(header::IF_MATCH, "\"3\", W/\"4\", \"x\"")).unwrap(), Expected::OneOf(vec![3]));
    }

    #[test]
    fn malformed_if_match_matches_nothing_and_if_none_match_is_refused() {
        for bad in ["3", "\"3", "W/3", "\"a\"b\"", "0"] {
            assert_eq!(if_match(&with(header::IF_MATCH, bad)).unwrap(), Expected::OneOf(vec![]), "{bad}");
            assert!(if_none_match(&with(header::IF_NONE_MATCH, bad), &etag(3)).is_err(), "{bad}");
        }
    }

    #[test]
    fn if_none_match_compares_weakly() {
        assert!(if_none_match(&with(header::IF_NONE_MATCH, "W/\"2\""), &etag(2)).unwrap());
        assert!(if_none_match(&with(header::IF_NONE_MATCH, "*"), &etag(9)).unwrap());
        assert!(!if_none_match(&with(header::IF_NONE_MATCH, "\"1\""), &etag(2)).unwrap());
        let composite = representation_etag(2, b"{}");
        assert!(if_none_match(&with(header::IF_NONE_MATCH, &composite), &composite).unwrap());
        assert!(!if_none_match(&with(header::IF_NONE_MATCH, "\"2\""), &composite).unwrap());
    }
}
