//! String rules shared by every resource: length limits counted in characters,
//! no NUL characters, trimming where the contract asks for it, and absolute
//! http(s) URLs.

/// Longest URL stored (an article's `source_url`, a related link's `url`), in
/// characters: what browsers and crawlers handle everywhere.
pub(crate) const MAX_URL_LEN: usize = 2048;

/// Checks a string that is stored exactly as sent: at most `max` characters and no
/// NUL (which PostgreSQL cannot store).
pub(crate) fn bounded(value: &str, max: usize) -> Result<(), String> {
    if value.contains('\0') {
        return Err("must not contain a NUL character".into());
    }
    if value.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    Ok(())
}

/// What counts as blank around text: Unicode white space, and the byte-order mark,
/// which the spec's (ECMAScript) patterns also count as space. `openapi::NON_BLANK`
/// says the same in the spec.
pub(crate) fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// `value` without blank characters around it.
pub(crate) fn trim(value: &str) -> &str {
    value.trim_matches(is_blank)
}

/// Checks that `value` holds at most `max` characters as sent (the spec's
/// `maxLength` counts the blanks too) and is not blank, and returns it trimmed.
pub(crate) fn trimmed_required(value: &str, max: usize) -> Result<String, String> {
    bounded(value, max)?;
    let value = trim(value);
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    Ok(value.to_owned())
}

/// Checks an optional string stored as sent; `None` stays `None`.
pub(crate) fn optional(value: Option<String>, max: usize) -> Result<Option<String>, String> {
    match value {
        Some(v) => bounded(&v, max).map(|()| Some(v)),
        None => Ok(None),
    }
}

/// Checks an absolute `http` or `https` URL of at most `max` characters, returned
/// exactly as sent.
pub(crate) fn http_url(value: &str, max: usize) -> Result<(), String> {
    bounded(value, max)?;
    let parsed = url::Url::parse(value).map_err(|_| "must be an absolute http or https URL")?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err("must be an absolute http or https URL".into());
    }
    if value.chars().any(char::is_whitespace) {
        return Err("must not contain whitespace".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_counts_characters_not_bytes() {
        assert!(bounded(&"é".repeat(10), 10).is_ok());
        assert!(bounded(&"é".repeat(11), 10).is_err());
    }

    #[test]
    fn nul_is_refused() {
        assert!(bounded("a\0b", 10).is_err());
    }

    #[test]
    fn required_text_is_trimmed_and_not_blank() {
        assert_eq!(trimmed_required("  Hi  ", 6), Ok("Hi".into()));
        assert!(trimmed_required(" \t\n", 5).is_err());
        assert!(trimmed_required("\u{feff}\u{85}\u{3000}", 5).is_err());
        assert_eq!(trimmed_required("\u{feff}Hi\u{85}", 5), Ok("Hi".into()));
    }

    #[test]
    fn required_text_is_measured_as_sent() {
        assert!(trimmed_required(" Hello", 5).is_err());
        assert_eq!(trimmed_required("Hello", 5), Ok("Hello".into()));
    }

    #[test]
    fn urls_must_be_absolute_http() {
        assert!(http_url("https://example.org/a?b=c#d", 100).is_ok());
        assert!(http_url("http://example.org", 100).is_ok());
        for bad in
            ["ftp://example.org", "/relative", "example.org", "javascript:alert(1)", "https://", "https://exa mple.org"]
        {
            assert!(http_url(bad, 100).is_err(), "{bad} was accepted");
        }
        assert!(http_url(&format!("https://e.org/{}", "a".repeat(100)), 100).is_err());
    }
}
