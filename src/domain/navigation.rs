//! Sections and tags as front ends list them (`GET /v1/sections`, `GET /v1/tags`):
//! how a name is matched by a `q` prefix, and in which order names are listed.
//!
//! A section is kept exactly as stored ("World" and "world" are two sections, as
//! the article filter `section=` tells them apart); a tag by its case-folded key
//! (`tags::key`), as the article filter `tag=` matches it. Both are found by a
//! prefix that ignores case: the lowercased prefix against the lowercased name.
//! Names are listed by that lowercased key, in the order of its bytes (code point
//! order), then, for sections that differ only in case, by the name's own bytes.

use super::article::MAX_SECTION_LEN;
use super::text;

/// The form a section is matched by `q` and ordered in: lowercased. (Unlike a tag,
/// a section is not trimmed: it is stored exactly as sent.)
pub(crate) fn section_key(section: &str) -> String {
    section.to_lowercase()
}

/// Which list a prefix searches: the longest name it may hold differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameList {
    Sections,
    Tags,
}

impl NameList {
    /// The longest name in this list, in characters: a longer prefix can match
    /// nothing and is refused.
    pub(crate) fn max_len(self) -> usize {
        match self {
            Self::Sections => MAX_SECTION_LEN,
            Self::Tags => super::tags::MAX_TAG_LEN,
        }
    }
}

/// A `q` prefix as a range of lowercased keys: every key that starts with `from`
/// is at least `from` and, when there is an `until`, less than it. A range rather
/// than `LIKE 'q%'`: nothing in the prefix is a wildcard (`%`, `_` and `\` are
/// plain characters), and an index on the key serves it on both backends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NamePrefix {
    /// The lowercased prefix: the range's first key.
    pub from: String,
    /// The first key past every key with the prefix; `None` when the prefix is
    /// made of the last code point only (nothing sorts after it).
    pub until: Option<String>,
}

impl NamePrefix {
    /// Reads `q`: absent or empty is no filter; otherwise at most the list's longest
    /// name and no NUL. Kept as sent apart from case: `"north "` matches
    /// "North Korea", not "Northern".
    pub(crate) fn parse(raw: Option<&str>, list: NameList) -> Result<Option<Self>, String> {
        let Some(raw) = raw.filter(|q| !q.is_empty()) else { return Ok(None) };
        text::bounded(raw, list.max_len())?;
        let from = raw.to_lowercase();
        let until = successor(&from);
        Ok(Some(Self { from, until }))
    }
}

/// The least string greater than every string that starts with `prefix`, in code
/// point order (which is UTF-8's byte order): the prefix with its last character
/// that can grow replaced by the next code point, and what followed it dropped.
fn successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        // The next code point that is a character (the surrogates are not).
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(prefix: &NamePrefix, key: &str) -> bool {
        key >= prefix.from.as_str() && prefix.until.as_deref().is_none_or(|until| key < until)
    }

    #[test]
    fn a_prefix_is_the_range_of_the_keys_that_start_with_it() {
        let prefix = NamePrefix::parse(Some("Nor"), NameList::Tags).unwrap().unwrap();
        assert_eq!((prefix.from.as_str(), prefix.until.as_deref()), ("nor", Some("nos")));
        for key in ["nor", "north korea", "nor\u{10ffff}x", "nor\u{0}"] {
            assert!(matches(&prefix, key), "{key:?}");
        }
        for key in ["no", "nos", "nosy", "mor", "nör"] {
            assert!(!matches(&prefix, key), "{key:?}");
        }
    }

    #[test]
    fn wildcards_and_quotes_are_plain_characters() {
        for q in ["%", "_", "\\", "'", "\"", "50%_"] {
            let prefix = NamePrefix::parse(Some(q), NameList::Sections).unwrap().unwrap();
            assert!(matches(&prefix, &format!("{q}x")));
            assert!(!matches(&prefix, "x"), "{q:?} matched x");
        }
    }

    #[test]
    fn the_last_code_points_roll_over() {
        assert_eq!(successor("a\u{10ffff}"), Some("b".into()));
        assert_eq!(successor("\u{d7ff}"), Some("\u{e000}".into()));
        assert_eq!(successor("\u{10ffff}\u{10ffff}"), None);
        assert_eq!(successor("ü"), Some("ý".into()));
    }

    #[test]
    fn case_is_ignored_and_nothing_else_changes() {
        let prefix = NamePrefix::parse(Some("ÜBER "), NameList::Sections).unwrap().unwrap();
        assert_eq!(prefix.from, "über ");
        assert_eq!(section_key("Über Uns"), "über uns");
        assert!(matches(&prefix, &section_key("Über Uns")));
    }

    #[test]
    fn empty_is_no_filter_and_too_long_or_nul_is_refused() {
        assert_eq!(NamePrefix::parse(None, NameList::Tags), Ok(None));
        assert_eq!(NamePrefix::parse(Some(""), NameList::Tags), Ok(None));
        assert!(NamePrefix::parse(Some(&"x".repeat(64)), NameList::Tags).is_ok());
        assert!(NamePrefix::parse(Some(&"x".repeat(65)), NameList::Tags).is_err());
        assert!(NamePrefix::parse(Some(&"x".repeat(100)), NameList::Sections).is_ok());
        assert!(NamePrefix::parse(Some("a\0"), NameList::Sections).is_err());
    }
}
