//! Conditional requests (RFC 9110): strong ETags made from the resource version,
//! `If-None-Match` on reads and `If-Match` on writes.
//!
//! Both headers are `*` or a comma-separated list of entity tags (RFC 9110 section
//! 13.1). The spec's pattern says exactly what is read here: spaces or tabs around
//! the value (HTTP drops them before the service sees the field value, section 5.5)
//! and empty list elements, which section 5.6.1.2 says a recipient must accept and
//! ignore. An empty value is a list of no entity tags: it matches nothing.
//!
//! A compressed representation has an ETag of its own (RFC 9110 8.8.3: the
//! validator belongs to the representation, and a cache must not hand a gzip body
//! to a client that asked for identity under the same strong tag): the identity tag
//! with the coding appended inside the quotes, `"3"` → `"3-gzip"`,
//! `W/"3-1a2b…"` → `W/"3-1a2b…-br"` ([`with_coding`]). The tags stay strong, so
//! that the `If-Match` a browser sends back (it always asks for compression) still
//! works: every comparison here first takes the coding off ([`without_coding`]), so
//! `"3-gzip"`, `"3-br"`, `"3-zstd"` and `"3"` all name version 3 of the resource.
//! No identity tag the service makes can end in one of the suffixes (versions are
//! digits, digests hexadecimal), so taking one off is never ambiguous.

use actix_web::HttpRequest;
use actix_web::http::header::{self, HeaderName};

use crate::domain::version::Expected;
use crate::error::ApiError;

/// The strong ETag of a resource at `version`.
pub(crate) fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// The content codings the service sends (`http::compress`), as they appear in
/// `Content-Encoding` and at the end of an ETag.
pub(crate) const CODINGS: [&str; 3] = ["gzip", "br", "zstd"];

/// `etag` (`"…"` or `W/"…"`) for the representation sent with `coding`: the
/// coding appended inside the quotes. `None` for a value that is not an entity tag.
pub(crate) fn with_coding(etag: &str, coding: &str) -> Option<String> {
    let (weak, quoted) = etag.strip_prefix("W/").map_or(("", etag), |rest| ("W/", rest));
    let opaque = quoted.strip_prefix('"')?.strip_suffix('"')?;
    Some(format!("{weak}\"{opaque}-{coding}\""))
}

/// The opaque part of a tag with its coding suffix (if any) taken off: the tag of
/// the identity representation.
pub(crate) fn without_coding(opaque: &str) -> &str {
    CODINGS
        .iter()
        .find_map(|coding| opaque.strip_suffix(coding).and_then(|rest| rest.strip_suffix('-')))
        .unwrap_or(opaque)
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
    /// Not entity-tag syntax: a malformed header, refused (400) on reads and writes
    /// alike. (A well-formed tag that is not the current one is a 412 or a 304.)
    Malformed,
}

/// Parses `*` or a comma-separated list of entity tags; empty elements are skipped.
fn parse_list(value: &str) -> Condition<'_> {
    // The HTTP parser has already dropped spaces and tabs around the field value.
    let value = value.trim_matches([' ', '\t']);
    if value == "*" {
        return Condition::Any;
    }
    value
        .split(',')
        .map(|item| item.trim_matches([' ', '\t']))
        .filter(|item| !item.is_empty())
        .map(entity_tag)
        .collect::<Option<Vec<_>>>()
        .map_or(Condition::Malformed, Condition::Tags)
}

/// One `[W/]"opaque"` item. The opaque part holds visible ASCII other than `"` and
/// `,` (RFC 9110 `etagc`, less the comma that separates list items, and less
/// `obs-text`), exactly what the spec's pattern allows.
fn entity_tag(item: &str) -> Option<EntityTag<'_>> {
    let (weak, quoted) = match item.strip_prefix("W/") {
        Some(rest) => (true, rest),
        None => (false, item),
    };
    let opaque = quoted.strip_prefix('"')?.strip_suffix('"')?;
    opaque.bytes().all(is_etagc).then_some(EntityTag { weak, opaque })
}

/// `!`, `#`..=`+` and `-`..=`~`: the spec's `[!#-+\--~]`.
fn is_etagc(b: u8) -> bool {
    b == b'!' || (b'#'..=b'+').contains(&b) || (b'-'..=b'~').contains(&b)
}

fn header_text<'a>(req: &'a HttpRequest, name: &HeaderName) -> Result<Option<&'a str>, ApiError> {
    match req.headers().get(name) {
        None => Ok(None),
        Some(value) => {
            value.to_str().map(Some).map_err(|_| ApiError::BadRequest(format!("{name} is not valid header text")))
        }
    }
}

/// What `If-Match` demands. Weak tags never match, and a strong tag matches a
/// version only when it is spelled exactly as the service's ETag (RFC 9110 strong
/// comparison is character by character: `"01"` is not `"1"`), with or without a
/// coding suffix (`"1-gzip"` is version 1 sent compressed).
pub(crate) fn if_match(req: &HttpRequest) -> Result<Expected, ApiError> {
    let Some(value) = header_text(req, &header::IF_MATCH)? else {
        return Ok(Expected::Anything);
    };
    Ok(match parse_list(value) {
        Condition::Any => Expected::Exists,
        Condition::Tags(tags) => {
            Expected::OneOf(tags.iter().filter(|t| !t.weak).filter_map(|t| version_of(t.opaque)).collect())
        }
        Condition::Malformed => return Err(malformed(&header::IF_MATCH)),
    })
}

fn malformed(name: &HeaderName) -> ApiError {
    ApiError::BadRequest(format!("{name} must be `*` or entity tags such as \"3\""))
}

/// The version a strong ETag's opaque part names, if it is one the service hands out.
fn version_of(opaque: &str) -> Option<i32> {
    let opaque = without_coding(opaque);
    opaque.parse::<i32>().ok().filter(|version| version.to_string() == opaque)
}

/// What `If-None-Match` holds, read before the resource is looked up (a malformed
/// header is a 400 whether or not the resource exists).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum NoneMatch {
    /// No header: every read is a 200.
    #[default]
    Absent,
    /// `*`: any current representation matches.
    Any,
    /// The opaque parts of the tags sent (`W/` and coding suffixes dropped: the
    /// comparison is weak, and each coding of a version is the same version).
    Tags(Vec<String>),
}

impl NoneMatch {
    /// Whether the current ETag matches (weak comparison: `W/` is ignored on both
    /// sides, and so is a coding suffix), in which case a `GET` answers 304.
    pub(crate) fn matches(&self, current: &str) -> bool {
        let current = without_coding(current.strip_prefix("W/").unwrap_or(current).trim_matches('"'));
        match self {
            Self::Absent => false,
            Self::Any => true,
            Self::Tags(tags) => tags.iter().any(|t| t == current),
        }
    }
}

/// Reads `If-None-Match`.
pub(crate) fn if_none_match(req: &HttpRequest) -> Result<NoneMatch, ApiError> {
    let Some(value) = header_text(req, &header::IF_NONE_MATCH)? else {
        return Ok(NoneMatch::Absent);
    };
    Ok(match parse_list(value) {
        Condition::Any => NoneMatch::Any,
        Condition::Tags(tags) => NoneMatch::Tags(tags.iter().map(|t| without_coding(t.opaque).to_owned()).collect()),
        Condition::Malformed => return Err(malformed(&header::IF_NONE_MATCH)),
    })
}

/// A weak ETag for a composite representation (an article with embedded children):
/// a digest of the body, so any change to the article or a child changes it. Weak,
/// because `If-Match` must name the article's own version.
pub(crate) fn representation_etag(version: i32, body: &[u8]) -> String {
    // SHA-256, not `DefaultHasher`, whose output may change between Rust releases
    // (and so invalidate every client's cache on a toolchain upgrade). 64 bits of
    // it are plenty to tell representations of one version apart.
    let digest = crate::domain::digest::sha256_hex(&[body]);
    format!("W/\"{version}-{}\"", &digest[..16])
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
    fn malformed_conditional_headers_are_refused() {
        for bad in ["3", "\"3", "W/3", "\"a\"b\"", "0", "\"3 \"", "\"a b\"", "*, \"3\"", "W/ \"3\"", "{}"] {
            assert!(if_match(&with(header::IF_MATCH, bad)).is_err(), "{bad}");
            assert!(if_none_match(&with(header::IF_NONE_MATCH, bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn if_match_compares_strong_tags_character_by_character() {
        for other_spelling in ["\"01\"", "\"+1\"", "\"1.0\""] {
            assert_eq!(
                if_match(&with(header::IF_MATCH, other_spelling)).unwrap(),
                Expected::OneOf(vec![]),
                "{other_spelling}"
            );
        }
        assert_eq!(if_match(&with(header::IF_MATCH, "\"1\"\t,\t\"2\"")).unwrap(), Expected::OneOf(vec![1, 2]));
    }

    #[test]
    fn empty_list_elements_are_ignored_and_an_empty_list_matches_nothing() {
        assert_eq!(if_match(&with(header::IF_MATCH, ", \"1\",, \t,\"2\",")).unwrap(), Expected::OneOf(vec![1, 2]));
        assert_eq!(if_match(&with(header::IF_MATCH, "")).unwrap(), Expected::OneOf(vec![]));
        assert_eq!(if_match(&with(header::IF_MATCH, " , ")).unwrap(), Expected::OneOf(vec![]));
        assert!(if_none_match(&with(header::IF_NONE_MATCH, ",\"3\",")).unwrap().matches(&etag(3)));
        assert!(!if_none_match(&with(header::IF_NONE_MATCH, "")).unwrap().matches(&etag(3)));
        assert!(!if_none_match(&with(header::IF_NONE_MATCH, ",")).unwrap().matches(&etag(3)));
    }

    #[test]
    fn if_none_match_compares_weakly() {
        assert!(if_none_match(&with(header::IF_NONE_MATCH, "W/\"2\"")).unwrap().matches(&etag(2)));
        assert!(if_none_match(&with(header::IF_NONE_MATCH, "*")).unwrap().matches(&etag(9)));
        assert!(!if_none_match(&with(header::IF_NONE_MATCH, "\"1\"")).unwrap().matches(&etag(2)));
        let composite = representation_etag(2, b"{}");
        assert!(if_none_match(&with(header::IF_NONE_MATCH, &composite)).unwrap().matches(&composite));
        assert!(!if_none_match(&with(header::IF_NONE_MATCH, "\"2\"")).unwrap().matches(&composite));
    }

    #[test]
    fn each_coding_has_its_own_tag_that_names_the_same_version() {
        assert_eq!(with_coding("\"3\"", "gzip").as_deref(), Some("\"3-gzip\""));
        assert_eq!(with_coding("W/\"3-44136fa355b3678a\"", "br").as_deref(), Some("W/\"3-44136fa355b3678a-br\""));
        assert_eq!(with_coding("3", "br"), None);
        for sent in ["\"3-gzip\"", "\"3-br\"", "\"3-zstd\"", "\"3\""] {
            assert_eq!(if_match(&with(header::IF_MATCH, sent)).unwrap(), Expected::OneOf(vec![3]), "{sent}");
            assert!(if_none_match(&with(header::IF_NONE_MATCH, sent)).unwrap().matches(&etag(3)), "{sent}");
            assert!(if_none_match(&with(header::IF_NONE_MATCH, sent)).unwrap().matches("\"3-gzip\""), "{sent}");
        }
        // Only a whole suffix after a hyphen is a coding, and only one.
        for other in ["\"3gzip\"", "\"3-deflate\"", "\"3-gzip-gzip\"", "\"-gzip\""] {
            assert_eq!(if_match(&with(header::IF_MATCH, other)).unwrap(), Expected::OneOf(vec![]), "{other}");
        }
        let composite = representation_etag(2, b"{}");
        let compressed = with_coding(&composite, "zstd").unwrap();
        assert!(if_none_match(&with(header::IF_NONE_MATCH, &compressed)).unwrap().matches(&composite));
        assert!(!if_none_match(&with(header::IF_NONE_MATCH, "\"2-zstd\"")).unwrap().matches(&composite));
    }

    #[test]
    fn the_composite_digest_is_stable() {
        // SHA-256 of `{}`: the same on every build, so caches survive upgrades.
        assert_eq!(representation_etag(2, b"{}"), "W/\"2-44136fa355b3678a\"");
    }
}
