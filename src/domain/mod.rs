//! Domain types: values that can only hold what the contract allows. Nothing here
//! knows about HTTP or SQL; handlers parse requests into these types and the
//! database layer stores them.

pub mod access;
pub mod article;
pub mod article_filter;
pub mod article_ref;
pub mod cache_tag;
pub mod change;
pub mod change_feed;
pub mod cursor;
pub mod digest;
pub mod fields;
pub mod id;
pub mod import;
pub mod language;
pub mod lead_image;
pub mod merge_patch;
pub mod navigation;
pub mod paging;
pub mod position;
pub mod public_url;
pub mod quote;
pub mod related_link;
pub mod resource;
pub mod retry_schedule;
pub mod revision;
pub mod revision_delta;
pub mod search;
pub mod slug;
pub mod suggestion;
pub mod tags;
pub mod text;
pub mod time;
pub mod token;
pub mod version;
pub mod webhook;
pub mod webhook_address;

use serde::Serialize;
use utoipa::ToSchema;

/// One rule broken by one part of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// JSON Pointer (RFC 6901) to the offending member of the request body.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "/title")]
    pub pointer: Option<String>,
    /// Name of the offending query parameter or header, for errors outside the body.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = json!(null))]
    pub parameter: Option<String>,
    /// What is wrong with it.
    #[schema(example = "must not be empty")]
    pub detail: String,
    /// For a rule across two members: the other one (a published article's body
    /// depends on `status`). A merge patch that sets only one of them breaks the
    /// rule together with the stored state, not on its own.
    #[serde(skip)]
    #[schema(ignore)]
    pub depends_on: Option<&'static str>,
}

impl FieldError {
    /// An error about a member of the JSON body.
    pub(crate) fn body(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { pointer: Some(pointer.into()), parameter: None, detail: detail.into(), depends_on: None }
    }

    /// An error about `pointer` that only holds given the member `other`.
    pub(crate) fn across(pointer: impl Into<String>, other: &'static str, detail: impl Into<String>) -> Self {
        Self { depends_on: Some(other), ..Self::body(pointer, detail) }
    }

    /// The same error for a member nested under `prefix` (e.g. `/quotes/1`).
    pub(crate) fn under(mut self, prefix: &str) -> Self {
        if let Some(pointer) = self.pointer.take() {
            self.pointer = Some(format!("{prefix}{pointer}"));
        }
        self
    }

    /// An error about a query parameter or header.
    pub(crate) fn parameter(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { pointer: None, parameter: Some(name.into()), detail: detail.into(), depends_on: None }
    }
}

/// Collects every broken rule of one request, so that the client hears about all of
/// them at once rather than one per round trip. (Not to be confused with
/// `error::Problem`, the RFC 9457 body that carries them to an HTTP client.)
#[derive(Debug, Default)]
pub(crate) struct Violations(Vec<FieldError>);

impl Violations {
    /// Keeps the value of a successful check, or records its error under `pointer`.
    pub(crate) fn check<T>(&mut self, pointer: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(detail) => {
                self.0.push(FieldError::body(pointer, detail));
                None
            }
        }
    }

    /// Records an error directly.
    pub(crate) fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// The collected errors, or `Ok(())` when there are none.
    pub(crate) fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() { Ok(()) } else { Err(self.0) }
    }
}

/// The errors as one line for a terminal or a log (`/title: must not be empty;
/// /quotes/0/text: ...`), for the callers that have no problem document to put them
/// in: the command line and the seed.
pub(crate) fn describe(errors: &[FieldError]) -> String {
    let located = errors.iter().map(|e| {
        let place = e.pointer.as_deref().or(e.parameter.as_deref()).unwrap_or_default();
        format!("{place}: {}", e.detail)
    });
    located.collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn described_errors_name_their_place() {
        let errors = [FieldError::body("/title", "must not be empty"), FieldError::parameter("limit", "too big")];
        assert_eq!(describe(&errors), "/title: must not be empty; limit: too big");
    }
}
