//! JSON request bodies: content type checked (415), size limited (413), syntax
//! errors reported as 400 and shape errors as 422 with a JSON Pointer.

use std::future::Future;
use std::pin::Pin;

use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use serde::de::DeserializeOwned;

use super::strict_json::Strict;
use crate::domain::FieldError;
use crate::error::ApiError;

/// The configured body limit in bytes, shared through app data (next to the
/// `PayloadConfig` that enforces it) for the 413 message.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimit(pub usize);

/// A JSON request body deserialized into `T`.
#[derive(Debug)]
pub(crate) struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<BodyLimit>().map_or(crate::config::DEFAULT_BODY_LIMIT, |l| l.0);
        let content_type = check_content_type(req);
        // Reads up to the limit set by the `PayloadConfig` in app data.
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            content_type?;
            let bytes = body.await.map_err(|e| match e.as_error::<PayloadError>() {
                Some(PayloadError::Overflow) => ApiError::PayloadTooLarge { limit },
                _ => ApiError::BadRequest(format!("the request body could not be read: {e}")),
            })?;
            check_depth(&bytes)?;
            // Syntax first (400), then shape (422): a type error early in the body
            // must not hide that the body is not JSON at all.
            let value: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|e| ApiError::BadRequest(format!("malformed JSON: {}", strip_position(&e))))?;
            Ok(Self(from_value(value)?))
        })
    }
}

/// Deepest nesting of arrays and objects a body may have. Every valid request is
/// far shallower; the limit keeps a small body from costing deep recursion.
pub(crate) const MAX_DEPTH: usize = 32;

/// Refuses a body nested deeper than `MAX_DEPTH`, before parsing it. Brackets inside
/// strings do not count; broken JSON is left for the parser to report.
fn check_depth(bytes: &[u8]) -> Result<(), ApiError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in bytes {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(ApiError::BadRequest(format!(
                        "the JSON body is nested more than {MAX_DEPTH} levels deep"
                    )));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Accepts `application/json` and any `application/*+json` (such as
/// `application/merge-patch+json`), in UTF-8.
fn check_content_type(req: &HttpRequest) -> Result<(), ApiError> {
    let refuse = |what: &str| {
        ApiError::UnsupportedMediaType(format!(
            "{what}; send application/json (or application/merge-patch+json for PATCH)"
        ))
    };
    let Some(raw) = req.headers().get(header::CONTENT_TYPE) else {
        return Err(refuse("the request has no Content-Type"));
    };
    let parsed: mime::Mime =
        raw.to_str().ok().and_then(|s| s.parse().ok()).ok_or_else(|| refuse("the Content-Type header is malformed"))?;
    let is_json =
        parsed.type_() == mime::APPLICATION && (parsed.subtype() == mime::JSON || parsed.suffix() == Some(mime::JSON));
    if !is_json {
        return Err(refuse(&format!("Content-Type {parsed} is not JSON")));
    }
    match parsed.get_param(mime::CHARSET) {
        Some(charset) if !charset.as_str().eq_ignore_ascii_case("utf-8") => {
            Err(refuse(&format!("charset {charset} is not supported")))
        }
        _ => Ok(()),
    }
}

/// Most shape errors reported for one body.
const MAX_SHAPE_ERRORS: usize = 50;

/// Deserializes a parsed JSON value (a request body, or a merged PATCH document),
/// reporting every member of the wrong shape with its JSON Pointer (422).
pub(crate) fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    shape_errors(value).map_err(ApiError::Invalid)
}

/// Like `from_value`, for a member of the body at `prefix` (`/quotes`): error
/// pointers include the prefix.
pub(crate) fn from_value_under<T: DeserializeOwned>(value: serde_json::Value, prefix: &str) -> Result<T, ApiError> {
    shape_errors(value).map_err(|errors| ApiError::Invalid(errors.into_iter().map(|e| e.under(prefix)).collect()))
}

/// serde stops at the first error; to report them all, each offending member is
/// taken out and the rest tried again. A "missing" error for a member we took out
/// ourselves is not the client's.
pub(crate) fn shape_errors<T: DeserializeOwned>(mut value: serde_json::Value) -> Result<T, Vec<FieldError>> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    while errors.len() < MAX_SHAPE_ERRORS {
        let error = match serde_path_to_error::deserialize::<_, T>(Strict(&value)) {
            Ok(parsed) if errors.is_empty() => return Ok(parsed),
            Ok(_) => break,
            Err(error) => error,
        };
        let (error, missing) = field_error(&error);
        let pointer = error.pointer.clone().unwrap_or_default();
        if missing && removed.contains(&pointer) {
            break;
        }
        errors.push(error);
        match remove_member(&mut value, &pointer) {
            Some(taken) if !missing => removed.push(taken),
            _ => break,
        }
    }
    Err(errors)
}

/// Removes the member at `pointer`; inside an array, the whole array (removing one
/// item would renumber the rest). Returns the pointer of what was removed.
fn remove_member(value: &mut serde_json::Value, pointer: &str) -> Option<String> {
    let (parent, last) = pointer.rsplit_once('/')?;
    match value.pointer_mut(parent)? {
        serde_json::Value::Object(members) => {
            members.remove(&last.replace("~1", "/").replace("~0", "~")).map(|_| pointer.to_owned())
        }
        serde_json::Value::Array(_) => remove_member(value, parent),
        _ => None,
    }
}

/// One shape error as a field error, and whether it is a missing member.
fn field_error(error: &serde_path_to_error::Error<serde_json::Error>) -> (FieldError, bool) {
    let mut pointer = to_pointer(error.path());
    let message = strip_position(error.inner());
    if let Some(field) = backticked(&message, "missing field `") {
        pointer = format!("{pointer}/{}", escape(&field));
        return (FieldError::body(pointer, "is required"), true);
    }
    let detail = if let Some(field) = backticked(&message, "unknown field `") {
        // The path already ends at the unknown member.
        let member = format!("/{}", escape(&field));
        if !pointer.ends_with(&member) {
            pointer.push_str(&member);
        }
        "is not a known field".to_owned()
    } else {
        message
    };
    (FieldError::body(pointer, detail), false)
}

/// serde_path_to_error's path as an RFC 6901 JSON Pointer ("" is the whole body).
fn to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(escape(key)),
            Segment::Enum { variant } => Some(escape(variant)),
            Segment::Unknown => None,
        })
        .fold(String::new(), |acc, part| format!("{acc}/{part}"))
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn backticked(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    Some(rest.split_once('`')?.0.to_owned())
}

/// serde_json's message without " at line 1 column 5".
fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rsplit_once(" at line ") {
        Some((message, _)) if error.line() > 0 => message.to_owned(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "fields are only deserialized")]
    struct Sample {
        title: String,
        tags: Option<Vec<String>>,
    }

    fn pointer_of(json: serde_json::Value) -> (String, String) {
        match from_value::<Sample>(json) {
            Err(ApiError::Invalid(errors)) => (errors[0].pointer.clone().unwrap(), errors[0].detail.clone()),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn depth_counts_brackets_outside_strings_only() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(check_depth(deep(MAX_DEPTH).as_bytes()).is_ok());
        assert!(check_depth(deep(MAX_DEPTH + 1).as_bytes()).is_err());
        let quoted = format!(r#"{{"a": "{}\\", "b": "\"{}"}}"#, "[".repeat(100), "{".repeat(100));
        assert!(check_depth(quoted.as_bytes()).is_ok(), "{quoted}");
    }

    #[test]
    fn pointers_name_the_member() {
        assert_eq!(pointer_of(serde_json::json!({})), ("/title".into(), "is required".into()));
        assert_eq!(pointer_of(serde_json::json!({"title": "t", "x/y": 1})).0, "/x~1y");
        assert_eq!(pointer_of(serde_json::json!({"title": "t", "tags": ["a", 5]})).0, "/tags/1");
        assert!(pointer_of(serde_json::json!({"title": 5})).1.starts_with("invalid type: integer"));
    }
}
