//! Merge-patch writes (RFC 7396), the same for every resource: the patch is applied
//! to the writable fields of the stored resource inside the write transaction (the
//! row locked), and the result is checked like a full replacement.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::db::WriteError;
use crate::domain::FieldError;
use crate::domain::merge_patch;
use crate::error::ApiError;
use crate::http::json::shape_errors;

/// A patch must be a JSON object (a bare value would replace the whole resource).
pub fn require_object(patch: &Value) -> Result<(), ApiError> {
    if patch.is_object() {
        Ok(())
    } else {
        Err(ApiError::Invalid(vec![FieldError::body("", "a merge patch must be a JSON object")]))
    }
}

/// `current` (the writable fields of the stored resource) with `patch` applied, read
/// back as the request type; shape errors point into the patch.
pub fn merged<I: Serialize + DeserializeOwned>(current: I, patch: &Value) -> Result<I, WriteError> {
    let mut document = serde_json::to_value(current).map_err(WriteError::corrupt)?;
    merge_patch::apply(&mut document, patch.clone());
    shape_errors(document).map_err(WriteError::Invalid)
}
