//! Query strings: parsed with repeated keys allowed (`tag=a&tag=b`); unknown or
//! repeated single parameters are 422 naming the parameter.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload};
use serde::de::DeserializeOwned;

use crate::domain::FieldError;
use crate::error::ApiError;

/// Query parameters deserialized into `T` (whose fields are all optional text, so
/// only unknown or duplicated parameters fail here; values are checked by domain
/// types).
#[derive(Debug)]
pub(crate) struct QueryParams<T>(pub T);

impl<T: DeserializeOwned> FromRequest for QueryParams<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(Self))
    }
}

/// Parses a raw query string.
pub(crate) fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    check_utf8(query)?;
    serde_html_form::from_str(query).map_err(|e| {
        let message = e.to_string();
        let named = |prefix: &str| message.strip_prefix(prefix)?.split_once('`').map(|(name, _)| name.to_owned());
        let error = if let Some(name) = named("unknown field `") {
            FieldError::parameter(name, "is not a known parameter")
        } else if let Some(name) = named("duplicate field `").or_else(|| repeated_key(query)) {
            // serde_html_form reports a repeated single-valued key only as an
            // "unsupported value"; name the repeated key ourselves.
            FieldError::parameter(name, "must be given at most once")
        } else {
            return ApiError::BadRequest(format!("the query string could not be parsed: {message}"));
        };
        ApiError::Invalid(vec![error])
    })
}

/// Refuses percent-encoded bytes that are not UTF-8 (400): the form decoder would
/// silently turn them into U+FFFD and filter on a value the client never sent.
fn check_utf8(query: &str) -> Result<(), ApiError> {
    for pair in query.split('&') {
        let mut bytes = Vec::with_capacity(pair.len());
        let mut rest = pair.as_bytes();
        while let Some((&byte, tail)) = rest.split_first() {
            let escaped = (byte == b'%')
                .then(|| tail.get(..2))
                .flatten()
                .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
            match escaped {
                Some(decoded) => {
                    bytes.push(decoded);
                    rest = &tail[2..];
                }
                None => {
                    bytes.push(byte);
                    rest = tail;
                }
            }
        }
        if std::str::from_utf8(&bytes).is_err() {
            return Err(ApiError::BadRequest("the query string is not UTF-8 once percent-decoded".into()));
        }
    }
    Ok(())
}

/// The first key that appears more than once, other than the repeatable `tag`.
fn repeated_key(query: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_html_form::from_str(query).ok()?;
    let mut seen = std::collections::HashSet::new();
    pairs.into_iter().map(|(k, _)| k).find(|k| k != "tag" && !seen.insert(k.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Params {
        limit: Option<String>,
        #[serde(default)]
        tag: Vec<String>,
    }

    #[test]
    fn repeated_tags_collect() {
        let p: Params = parse("tag=a&tag=b%20c&limit=5").unwrap();
        assert_eq!(p.tag, ["a", "b c"]);
        assert_eq!(p.limit.as_deref(), Some("5"));
    }

    #[test]
    fn percent_encoded_bytes_must_be_utf8() {
        assert!(parse::<Params>("tag=%E2%82%AC&limit=%35").is_ok());
        assert!(parse::<Params>("tag=100%").is_ok(), "a lone % stays literal");
        for query in ["tag=%FF", "tag=%E2%82", "t%C0%AFg=1"] {
            assert!(matches!(parse::<Params>(query), Err(ApiError::BadRequest(_))), "{query}");
        }
    }

    #[test]
    fn unknown_and_duplicate_parameters_are_named() {
        for (query, name) in [("limt=5", "limt"), ("limit=1&limit=2", "limit")] {
            match parse::<Params>(query) {
                Err(ApiError::Invalid(errors)) => {
                    assert_eq!(errors[0].parameter.as_deref(), Some(name))
                }
                other => panic!("{query}: {other:?}"),
            }
        }
    }
}
