//! Matching a "More:" or feature title to a stored article's title, ignoring case,
//! quotation-mark style and spacing.

/// The form two titles are compared in: lower case, quotation marks and apostrophes
/// of any style dropped, white space collapsed.
pub(crate) fn title_key(title: &str) -> String {
    let kept: String = title
        .chars()
        .filter(|c| !matches!(c, '‘' | '’' | '‛' | '\'' | '`' | '“' | '”' | '„' | '"' | '«' | '»' | '′' | '″'))
        .flat_map(char::to_lowercase)
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The longest word of a title in lower-case ASCII letters and digits, to narrow a
/// database search by; `None` when the title has none.
pub(crate) fn search_word(title: &str) -> Option<String> {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 2)
        .max_by_key(|w| w.len())
        .map(str::to_ascii_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_quote_style_and_spacing() {
        assert_eq!(
            title_key("‘Human scum’: North Korea  says leaflets"),
            title_key("'human SCUM': North Korea says leaflets")
        );
        assert_eq!(title_key("North Korea’s Kim"), title_key("North Korea's Kim"));
        assert_ne!(title_key("North Korea’s Kim"), title_key("North Korea Kim vows"));
    }

    #[test]
    fn the_search_word_is_the_longest_ascii_word() {
        assert_eq!(
            search_word("North Korea’s Kim vows to further bolster nuclear war deterrence").as_deref(),
            Some("deterrence")
        );
        assert_eq!(search_word("‘’ —"), None);
    }
}
