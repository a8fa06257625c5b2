//! Article language as a BCP 47 tag.

/// Longest tag accepted, in characters (far more than any real tag needs).
pub const MAX_LEN: usize = 35;

/// A well-formed BCP 47 language tag such as `en`, `pt-BR` or `zh-Hant-TW`: a 2-3
/// letter primary language (or `x` for private use), then subtags of 1-8 letters or
/// digits. Stored as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Language(String);

impl Language {
    /// Parses a tag; the contract's default is `en`.
    pub(crate) fn parse(raw: &str) -> Result<Self, String> {
        let invalid = || "must be a BCP 47 language tag such as `en` or `pt-BR`".to_owned();
        if raw.len() > MAX_LEN {
            return Err(invalid());
        }
        let mut parts = raw.split('-');
        let primary = parts.next().unwrap_or_default();
        let primary_ok = (2..=3).contains(&primary.len()) || primary.eq_ignore_ascii_case("x");
        if !primary_ok || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(invalid());
        }
        if !parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric())) {
            return Err(invalid());
        }
        Ok(Self(raw.to_owned()))
    }
}

impl Default for Language {
    fn default() -> Self {
        Self("en".into())
    }
}

impl AsRef<str> for Language {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_tags() {
        for tag in ["en", "pt-BR", "zh-Hant-TW", "ko", "sr-Latn", "es-419"] {
            assert!(Language::parse(tag).is_ok(), "{tag} refused");
        }
    }

    #[test]
    fn refuses_non_tags() {
        for tag in ["", "e", "english", "en_US", "en-", "en--us", "12", "en-toolongsubtag"] {
            assert!(Language::parse(tag).is_err(), "{tag} accepted");
        }
    }
}
