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
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned> FromRequest for QueryParams<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(Self))
    }
}

/// Parses a raw query string.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
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
