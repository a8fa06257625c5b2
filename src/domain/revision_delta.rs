//! How revisions are stored compactly: the newest snapshot of an article whole, and
//! each older one as the `Delta` that turns the snapshot after it back into it.
//! A one-word edit of a long body is then a splice of a few bytes, not a second
//! copy of the body, and a quote edit names only that quote.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use similar::{Algorithm, DiffTag, TextDiff};

/// Text members shorter than this are stored whole when they change: splices
/// would not be smaller.
const SPLICE_MIN_LEN: usize = 256;

/// The most time one text diff may take; past it the diff is coarser, never wrong.
const DIFF_TIME_LIMIT: Duration = Duration::from_millis(50);

/// What turns one JSON object into another, member by member.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Delta {
    /// Members stored whole (new, or changed and small).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    set: Map<String, Value>,
    /// Members to remove.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    unset: Vec<String>,
    /// Long text members, as splices of the text before.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    text: BTreeMap<String, Vec<Splice>>,
    /// Object members, as deltas of their own.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    object: BTreeMap<String, Delta>,
    /// Lists of objects that carry an `id` (quotes, related links), item by item.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    list: BTreeMap<String, ListDelta>,
}

/// Replaces the bytes `start..end` of the text before with `insert`. A member's
/// splices are in order and do not overlap; offsets are into the text before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Splice(usize, usize, String);

/// A list of identified objects after the change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListDelta {
    /// Every item's id, in the new order.
    ids: Vec<String>,
    /// Items that were in the list before and changed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    changed: BTreeMap<String, Delta>,
    /// Items that were not in the list before, whole.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    added: BTreeMap<String, Value>,
}

/// A stored delta that does not fit the document it is applied to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("revision delta does not apply: {0}")]
pub(crate) struct Mismatch(String);

impl Delta {
    /// The delta that turns the object `from` into the object `to`.
    pub(crate) fn between(from: &Map<String, Value>, to: &Map<String, Value>) -> Self {
        let mut delta = Self::default();
        for (name, after) in to {
            let Some(before) = from.get(name) else {
                delta.set.insert(name.clone(), after.clone());
                continue;
            };
            if before == after {
                continue;
            }
            match (before, after) {
                (Value::String(b), Value::String(a)) if a.len() >= SPLICE_MIN_LEN && b.len() >= SPLICE_MIN_LEN => {
                    let splices = splices(b, a);
                    let spliced: usize = splices.iter().map(|s| s.2.len() + 24).sum();
                    if spliced < a.len() {
                        delta.text.insert(name.clone(), splices);
                    } else {
                        delta.set.insert(name.clone(), after.clone());
                    }
                }
                (Value::Object(b), Value::Object(a)) => {
                    delta.object.insert(name.clone(), Self::between(b, a));
                }
                (Value::Array(b), Value::Array(a)) => match (identified(b), identified(a)) {
                    (Some(b), Some(a)) => {
                        delta.list.insert(name.clone(), ListDelta::between(&b, &a));
                    }
                    _ => {
                        delta.set.insert(name.clone(), after.clone());
                    }
                },
                _ => {
                    delta.set.insert(name.clone(), after.clone());
                }
            }
        }
        delta.unset = from.keys().filter(|name| !to.contains_key(*name)).cloned().collect();
        delta
    }

    /// Turns `doc` (the object the delta was made from) into the one it was made to.
    pub(crate) fn apply(&self, doc: &mut Map<String, Value>) -> Result<(), Mismatch> {
        for name in &self.unset {
            doc.remove(name);
        }
        for (name, value) in &self.set {
            doc.insert(name.clone(), value.clone());
        }
        for (name, splices) in &self.text {
            let Some(Value::String(text)) = doc.get_mut(name) else {
                return Err(Mismatch(format!("`{name}` is not text")));
            };
            *text = splice(text, splices).ok_or_else(|| Mismatch(format!("splices of `{name}` out of range")))?;
        }
        for (name, delta) in &self.object {
            let Some(Value::Object(inner)) = doc.get_mut(name) else {
                return Err(Mismatch(format!("`{name}` is not an object")));
            };
            delta.apply(inner)?;
        }
        for (name, list) in &self.list {
            let Some(Value::Array(items)) = doc.get_mut(name) else {
                return Err(Mismatch(format!("`{name}` is not a list")));
            };
            *items = list.apply(std::mem::take(items)).map_err(|e| Mismatch(format!("`{name}`: {}", e.0)))?;
        }
        Ok(())
    }
}

impl ListDelta {
    fn between(from: &[(&str, &Map<String, Value>)], to: &[(&str, &Map<String, Value>)]) -> Self {
        let before: BTreeMap<&str, &Map<String, Value>> = from.iter().copied().collect();
        let mut delta = Self { ids: to.iter().map(|(id, _)| (*id).to_owned()).collect(), ..Self::default() };
        for (id, after) in to {
            match before.get(id) {
                Some(b) if b == after => {}
                Some(b) => {
                    delta.changed.insert((*id).to_owned(), Delta::between(b, after));
                }
                None => {
                    delta.added.insert((*id).to_owned(), Value::Object((*after).clone()));
                }
            }
        }
        delta
    }

    fn apply(&self, items: Vec<Value>) -> Result<Vec<Value>, Mismatch> {
        let mut before: BTreeMap<String, Value> = BTreeMap::new();
        for item in items {
            let id = item.get("id").and_then(Value::as_str).ok_or_else(|| Mismatch("an item has no id".into()))?;
            before.insert(id.to_owned(), item);
        }
        self.ids
            .iter()
            .map(|id| {
                if let Some(added) = self.added.get(id) {
                    return Ok(added.clone());
                }
                let mut item = before.remove(id).ok_or_else(|| Mismatch(format!("no item {id}")))?;
                if let (Some(delta), Value::Object(members)) = (self.changed.get(id), &mut item) {
                    delta.apply(members)?;
                }
                Ok(item)
            })
            .collect()
    }
}

/// The items of a list as (id, object) when every item is an object with a string
/// `id` and no id repeats; else `None` (the list is then stored whole).
fn identified(items: &[Value]) -> Option<Vec<(&str, &Map<String, Value>)>> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let members = item.as_object()?;
        out.push((members.get("id")?.as_str()?, members));
    }
    let mut ids: Vec<&str> = out.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    (ids.len() == out.len()).then_some(out)
}

/// The splices that turn `from` into `to`, from a word diff (whitespace runs are
/// words of their own, so every offset falls on a character boundary).
fn splices(from: &str, to: &str) -> Vec<Splice> {
    let diff = TextDiff::configure().algorithm(Algorithm::Myers).timeout(DIFF_TIME_LIMIT).diff_words(from, to);
    let offsets = |tokens: &[&str]| -> Vec<usize> {
        std::iter::once(0)
            .chain(tokens.iter().scan(0, |at, t| {
                *at += t.len();
                Some(*at)
            }))
            .collect()
    };
    let (old, new) = (diff.old_slices(), diff.new_slices());
    let (old_at, new_at) = (offsets(old), offsets(new));
    let mut out: Vec<Splice> = Vec::new();
    for op in diff.ops() {
        let (tag, o, n) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            continue;
        }
        let (start, end, insert) = (old_at[o.start], old_at[o.end], &to[new_at[n.start]..new_at[n.end]]);
        match out.last_mut() {
            Some(last) if last.1 == start => {
                last.1 = end;
                last.2.push_str(insert);
            }
            _ => out.push(Splice(start, end, insert.to_owned())),
        }
    }
    out
}

/// `text` with `splices` applied; `None` when one does not fit it.
fn splice(text: &str, splices: &[Splice]) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for Splice(start, end, insert) in splices {
        if *start < at || end < start {
            return None;
        }
        out.push_str(text.get(at..*start)?);
        out.push_str(insert);
        at = *end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    fn round_trip(from: Value, to: Value) -> Delta {
        let (from, to) = (object(from), object(to));
        let delta = Delta::between(&from, &to);
        // Through its stored form, as the database keeps it.
        let stored: Delta = serde_json::from_str(&serde_json::to_string(&delta).unwrap()).unwrap();
        let mut rebuilt = from.clone();
        stored.apply(&mut rebuilt).unwrap();
        assert_eq!(rebuilt, to);
        delta
    }

    fn long_text(words: usize, seed: u64) -> String {
        let vocabulary = ["minister", "said", "the", "sanctions", "would", "follow", "Seoul", "über", "ß", "—", "新闻"];
        let mut x = seed;
        (0..words)
            .map(|i| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let word = vocabulary[(x >> 33) as usize % vocabulary.len()];
                if i % 40 == 39 { format!("{word}.\n\n") } else { format!("{word} ") }
            })
            .collect()
    }

    #[test]
    fn a_one_word_edit_of_a_long_body_is_a_small_splice() {
        let body = long_text(2000, 7);
        let edited = body.replacen("sanctions", "measures", 1);
        let delta = round_trip(json!({"body": body, "version": 1}), json!({"body": edited, "version": 2}));
        let stored = serde_json::to_string(&delta).unwrap();
        assert!(stored.len() < 100, "{stored}");
        assert!(delta.text.contains_key("body"));
    }

    #[test]
    fn edits_anywhere_in_text_rebuild_it_exactly() {
        let body = long_text(600, 3);
        let mut edited = body.clone();
        edited.insert_str(0, "Breaking: ");
        edited = edited.replace("Seoul", "Busan");
        let cut = (0..=edited.len() - 40).rev().find(|i| edited.is_char_boundary(*i)).unwrap();
        edited.truncate(cut);
        edited.push_str(" 끝.");
        round_trip(json!({"body": body}), json!({"body": edited}));
        // Replaced entirely: stored whole, not as a splice as long as the text.
        let other = long_text(600, 99);
        let delta = round_trip(json!({"body": long_text(600, 1)}), json!({"body": other}));
        assert!(delta.set.contains_key("body") || delta.text.contains_key("body"));
    }

    #[test]
    fn members_added_removed_and_changed_and_nested_objects() {
        round_trip(
            json!({"title": "a", "summary": "s", "tags": ["x"], "n": null, "o": {"k": 1, "g": 2}}),
            json!({"title": "b", "tags": ["x", "y"], "n": 3, "extra": true, "o": {"k": 2}}),
        );
    }

    #[test]
    fn lists_of_identified_items_store_only_what_changed() {
        let q = |id: &str, text: &str, position: i64| json!({"id": id, "text": text, "position": position});
        let from = json!({"quotes": [q("a", "one", 0), q("b", "two", 1), q("c", "three", 2)]});
        let to = json!({"quotes": [q("c", "three", 0), q("a", "one", 1), q("d", "four", 2)]});
        let delta = round_trip(from, to);
        let list = &delta.list["quotes"];
        assert_eq!(list.ids, ["c", "a", "d"]);
        assert_eq!(list.added.keys().collect::<Vec<_>>(), ["d"]);
        assert_eq!(list.changed.len(), 2, "a and c moved");
        // Items without ids, or with repeated ones, are stored whole.
        let delta = round_trip(json!({"l": [{"id": "a"}, {"id": "a"}]}), json!({"l": [{"id": "a"}]}));
        assert!(delta.set.contains_key("l"));
        round_trip(json!({"l": [1, 2]}), json!({"l": [2]}));
    }

    #[test]
    fn a_delta_that_does_not_fit_is_an_error_not_a_panic() {
        let delta =
            Delta::between(&object(json!({"body": long_text(300, 1)})), &object(json!({"body": long_text(300, 2)})));
        for doc in [json!({}), json!({"body": 1}), json!({"body": "short"})] {
            let mut doc = object(doc);
            if !delta.text.is_empty() {
                assert!(delta.apply(&mut doc).is_err());
            }
        }
        let list: Delta = serde_json::from_value(json!({"list": {"quotes": {"ids": ["x"]}}})).unwrap();
        assert!(list.apply(&mut object(json!({"quotes": []}))).is_err());
        assert!(list.apply(&mut object(json!({"quotes": [{"no": "id"}]}))).is_err());
        assert!(splice("abc", &[Splice(2, 1, String::new())]).is_none());
        assert!(splice("abc", &[Splice(1, 9, String::new())]).is_none());
        assert!(splice("añb", &[Splice(2, 2, "x".into())]).is_none(), "inside a character");
    }
}
