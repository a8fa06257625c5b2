//! JSON Merge Patch (RFC 7396): how a `PATCH` body changes a document.

use serde_json::Value;

/// Applies `patch` to `target`: members of an object patch replace, `null` removes,
/// nested objects merge, anything else replaces the whole target.
pub(crate) fn apply(target: &mut Value, patch: Value) {
    let Value::Object(members) = patch else {
        *target = patch;
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(doc) = target {
        for (key, value) in members {
            if value.is_null() {
                doc.remove(&key);
            } else {
                apply(doc.entry(key).or_insert(Value::Null), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn follows_the_rfc_examples() {
        let cases = [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (json!({"a": "b"}), json!({"b": "c"}), json!({"a": "b", "b": "c"})),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (json!({"a": {"b": "c"}}), json!({"a": {"b": "d", "c": null}}), json!({"a": {"b": "d"}})),
            (json!(["a"]), json!({"a": "b"}), json!({"a": "b"})),
            (json!({"e": null}), json!({"a": 1}), json!({"e": null, "a": 1})),
            (json!({"a": "foo"}), json!(null), json!(null)),
        ];
        for (mut target, patch, expected) in cases {
            apply(&mut target, patch);
            assert_eq!(target, expected);
        }
    }
}
