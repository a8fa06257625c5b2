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

/// The merge patch that turns `from` into `to`: the members of `to` that differ
/// (objects diffed member by member, anything else whole) and `null` for each
/// member `to` lacks. A member whose new value is `null` shows as `null` too, which
/// applying reads as "remove": RFC 7396 cannot say "set to null", and a reader of
/// our documents treats an absent optional member as null.
pub(crate) fn diff(from: &Value, to: &Value) -> Value {
    let (Value::Object(before), Value::Object(after)) = (from, to) else {
        return to.clone();
    };
    let mut patch = serde_json::Map::new();
    for (key, value) in after {
        match before.get(key) {
            Some(old) if old == value => {}
            Some(old @ Value::Object(_)) if value.is_object() => {
                patch.insert(key.clone(), diff(old, value));
            }
            _ => {
                patch.insert(key.clone(), value.clone());
            }
        }
    }
    for key in before.keys().filter(|k| !after.contains_key(*k)) {
        patch.insert(key.clone(), Value::Null);
    }
    Value::Object(patch)
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

    #[test]
    fn a_diff_applied_rebuilds_the_target_up_to_null_members() {
        let cases = [
            (json!({}), json!({"a": 1, "b": [1, 2]})),
            (json!({"a": 1, "b": "x", "c": [1]}), json!({"a": 2, "c": [1], "d": {"e": 1}})),
            (json!({"o": {"x": 1, "y": 2}}), json!({"o": {"x": 1, "z": 3}})),
            (json!({"a": 1}), json!({"a": 1})),
            (json!([1]), json!({"a": 1})),
        ];
        for (from, to) in cases {
            let patch = diff(&from, &to);
            let mut rebuilt = from.clone();
            apply(&mut rebuilt, patch);
            assert_eq!(rebuilt, to);
        }
        assert_eq!(diff(&json!({"a": 1, "b": 2}), &json!({"a": 1, "b": 3})), json!({"b": 3}));
        assert_eq!(diff(&json!({"a": 1}), &json!({"a": null})), json!({"a": null}));
    }
}
