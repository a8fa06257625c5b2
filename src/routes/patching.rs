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
pub(crate) fn require_object(patch: &Value) -> Result<(), ApiError> {
    if patch.is_object() {
        Ok(())
    } else {
        Err(ApiError::Invalid(vec![FieldError::body("", "a merge patch must be a JSON object")]))
    }
}

/// The rule violations of a merged document. One at a member the patch sets (and,
/// for a rule across two members, the other one too) is the patch's own fault (422).
/// When every violation involves stored members the patch left alone (publishing a
/// draft whose stored body is empty, say), the stored state is what the patch
/// conflicts with (409).
pub(crate) fn patch_errors(patch: &Value, errors: Vec<FieldError>) -> WriteError {
    let sets = |member: &str| patch.get(member.replace("~1", "/").replace("~0", "~")).is_some();
    let patch_sets = |error: &FieldError| {
        let member = error.pointer.as_deref().and_then(|p| p.split('/').nth(1));
        member.is_none_or(sets) && error.depends_on.is_none_or(sets)
    };
    if errors.iter().any(patch_sets) {
        return WriteError::Invalid(errors);
    }
    let broken: Vec<String> =
        errors.iter().map(|e| format!("{} {}", e.pointer.as_deref().unwrap_or_default(), e.detail)).collect();
    WriteError::Conflict(format!("with this patch the stored resource would break a rule: {}", broken.join("; ")))
}

/// `current` (the writable fields of the stored resource) with `patch` applied, read
/// back as the request type; shape errors point into the patch.
///
/// `I` serialises every writable field (a missing one as `null`), so a member of the
/// patch that `current` lacks is no field at all. Such a member set to `null` would
/// vanish in the merge (removing what is not there changes nothing); it is kept, so
/// that it is refused as an unknown field like any other value would be.
pub(crate) fn merged<I: Serialize + DeserializeOwned>(current: I, patch: &Value) -> Result<I, WriteError> {
    let mut document = serde_json::to_value(current).map_err(WriteError::corrupt)?;
    let unknown: Vec<String> = match (&document, patch) {
        (Value::Object(fields), Value::Object(members)) => members
            .iter()
            .filter(|(name, value)| value.is_null() && !fields.contains_key(*name))
            .map(|(name, _)| name.clone())
            .collect(),
        _ => Vec::new(),
    };
    merge_patch::apply(&mut document, patch.clone());
    if let Value::Object(fields) = &mut document {
        fields.extend(unknown.into_iter().map(|name| (name, Value::Null)));
    }
    shape_errors(document).map_err(WriteError::Invalid)
}
