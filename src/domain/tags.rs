//! Article tags: a small set of labels, unique regardless of case.

/// Most tags an article may carry.
pub const MAX_TAGS: usize = 50;
/// Longest tag, in characters.
pub const MAX_TAG_LEN: usize = 64;

/// Up to 50 non-blank tags of at most 64 characters (as sent; kept trimmed), no two equal when
/// compared case-insensitively. Order is kept as the client sent it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Tags(Vec<String>);

impl Tags {
    /// Parses tags, reporting each bad one under `/tags/<index>`.
    pub(crate) fn parse(raw: Vec<String>) -> Result<Self, Vec<(String, String)>> {
        if raw.len() > MAX_TAGS {
            return Err(vec![("/tags".into(), format!("must hold at most {MAX_TAGS} tags"))]);
        }
        let mut errors = Vec::new();
        let mut tags: Vec<String> = Vec::with_capacity(raw.len());
        for (index, tag) in raw.iter().enumerate() {
            match crate::domain::text::trimmed_required(tag, MAX_TAG_LEN) {
                Ok(tag) if tags.iter().any(|t| key(t) == key(&tag)) => {
                    errors.push((format!("/tags/{index}"), "duplicates another tag (tags ignore case)".into()));
                }
                Ok(tag) => tags.push(tag),
                Err(detail) => errors.push((format!("/tags/{index}"), detail)),
            }
        }
        if errors.is_empty() { Ok(Self(tags)) } else { Err(errors) }
    }

    /// The tags as sent (trimmed).
    pub(crate) fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// The case-folded keys that tag filters match on.
    pub(crate) fn keys(&self) -> Vec<String> {
        self.0.iter().map(|t| key(t)).collect()
    }
}

// The spec's description of one tag; tags are read as strings and checked by `Tags`.
/// A tag: at most 64 characters as sent, not blank; stored trimmed.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, min_length = 1, max_length = 64, pattern = r"\S", example = "North Korea")]
pub(crate) struct Tag(#[expect(dead_code, reason = "documents a tag's schema")] String);

/// The form a tag is matched in: trimmed and lowercased.
pub fn key(tag: &str) -> String {
    crate::domain::text::trim(tag).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn trims_and_keeps_order() {
        let tags = Tags::parse(strings(&[" Korea ", "Nuclear"])).unwrap();
        assert_eq!(tags.as_slice(), ["Korea", "Nuclear"]);
        assert_eq!(tags.keys(), ["korea", "nuclear"]);
    }

    #[test]
    fn duplicates_ignoring_case_are_refused() {
        let errors = Tags::parse(strings(&["Korea", "KOREA"])).unwrap_err();
        assert_eq!(errors[0].0, "/tags/1");
    }

    #[test]
    fn blank_long_and_too_many_are_refused() {
        assert_eq!(Tags::parse(strings(&["ok", " "])).unwrap_err()[0].0, "/tags/1");
        assert!(Tags::parse(vec!["x".repeat(65)]).is_err());
        let many: Vec<String> = (0..51).map(|i| i.to_string()).collect();
        assert_eq!(Tags::parse(many).unwrap_err()[0].0, "/tags");
    }
}
