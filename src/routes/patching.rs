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
/// that it is refused as an unknown field like any other value would be. The same
/// holds inside a nested object (an article's `image`), where every `null` of a
/// patch to an object that is not stored yet is kept: the request type reads a
/// known optional member's `null` as absent anyway.
pub(crate) fn merged<I: Serialize + DeserializeOwned>(current: I, patch: &Value) -> Result<I, WriteError> {
    let mut document = serde_json::to_value(current).map_err(WriteError::corrupt)?;
    let mut unknown = Vec::new();
    unknown_nulls(Some(&document), patch, &mut Vec::new(), &mut unknown);
    merge_patch::apply(&mut document, patch.clone());
    for path in unknown {
        let Some((name, parent)) = path.split_last() else { continue };
        if let Some(Value::Object(members)) = parent.iter().try_fold(&mut document, |at, key| at.get_mut(key)) {
            members.insert(name.clone(), Value::Null);
        }
    }
    shape_errors(document).map_err(WriteError::Invalid)
}

/// The paths of the `null` members of `patch` that `document` lacks, at any depth.
fn unknown_nulls(document: Option<&Value>, patch: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let Value::Object(members) = patch else { return };
    let fields = document.and_then(Value::as_object);
    for (name, value) in members {
        let stored = fields.and_then(|f| f.get(name));
        path.push(name.clone());
        if value.is_null() {
            if stored.is_none() {
                out.push(path.clone());
            }
        } else {
            unknown_nulls(stored, value, path, out);
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        a: Option<String>,
        inner: Option<Inner>,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        x: Option<String>,
        y: Option<String>,
    }

    fn unknown_pointers(result: Result<Doc, WriteError>) -> Vec<String> {
        match result {
            Err(WriteError::Invalid(errors)) => errors.into_iter().filter_map(|e| e.pointer).collect(),
            other => panic!("expected shape errors, got {other:?}"),
        }
    }

    #[test]
    fn nested_objects_merge_member_by_member() {
        let stored = || Doc { a: Some("a".into()), inner: Some(Inner { x: Some("x".into()), y: Some("y".into()) }) };
        let merged = merged(stored(), &json!({"inner": {"x": null, "y": "z"}})).unwrap();
        assert_eq!(merged, Doc { a: Some("a".into()), inner: Some(Inner { x: None, y: Some("z".into()) }) });
        assert_eq!(merged_doc(stored(), json!({"inner": null})).inner, None);
        let none = Doc { a: None, inner: None };
        assert_eq!(
            merged_doc(none, json!({"inner": {"x": "new", "y": null}})).inner.unwrap().x.as_deref(),
            Some("new")
        );
    }

    fn merged_doc(current: Doc, patch: Value) -> Doc {
        merged(current, &patch).unwrap()
    }

    #[test]
    fn unknown_members_set_to_null_are_refused_at_any_depth() {
        let stored = || Doc { a: None, inner: Some(Inner { x: None, y: None }) };
        assert_eq!(unknown_pointers(merged(stored(), &json!({"b": null}))), ["/b"]);
        assert_eq!(unknown_pointers(merged(stored(), &json!({"inner": {"z": null}}))), ["/inner/z"]);
        let none = Doc { a: None, inner: None };
        assert_eq!(unknown_pointers(merged(none, &json!({"inner": {"x": "1", "z": null}}))), ["/inner/z"]);
    }
}
