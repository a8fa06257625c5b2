//! Article slugs: the URL-friendly name of an article, unique, and never mistakable
//! for an id.

use std::fmt;

/// Longest slug the contract allows.
pub const MAX_LEN: usize = 200;

/// A valid slug: `^[a-z0-9]+(-[a-z0-9]+)*$`, 1..=200 characters, not a UUID.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    /// Parses a client-supplied slug exactly as sent: surrounding whitespace is not
    /// part of the spec's pattern, so it is refused rather than trimmed.
    pub(crate) fn parse(value: &str) -> Result<Self, String> {
        if value.is_empty() {
            return Err("must not be empty".into());
        }
        if value.len() > MAX_LEN {
            return Err(format!("must be at most {MAX_LEN} characters"));
        }
        let well_formed = value
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        if !well_formed {
            return Err("must be lowercase letters and digits separated by single hyphens".into());
        }
        if uuid::Uuid::try_parse(value).is_ok() {
            return Err("must not be a UUID, which would be read as an article id".into());
        }
        Ok(Self(value.to_owned()))
    }

    /// Makes a slug from a title: transliterated to ASCII, lowercased, every run of
    /// other characters turned into one hyphen. A title with nothing usable gives
    /// `article`.
    pub fn derive_from(title: &str) -> Self {
        let ascii = deunicode::deunicode(title).to_ascii_lowercase();
        let words: Vec<&str> = ascii.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
        // Leave room for a uniqueness suffix such as `-12345`.
        let mut slug = String::new();
        for word in words {
            let extra = usize::from(!slug.is_empty()) + word.len();
            if slug.len() + extra > MAX_LEN - 10 {
                break;
            }
            if !slug.is_empty() {
                slug.push('-');
            }
            slug.push_str(word);
        }
        if slug.is_empty() {
            slug.push_str("article");
        }
        Self::parse(&slug).unwrap_or_else(|_| Self(format!("{slug}-article")))
    }

    /// The same slug with `-n` appended, used to make a derived slug unique.
    pub fn with_suffix(&self, n: u32) -> Self {
        Self(format!("{}-{n}", self.0))
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_well_formed_slugs() {
        assert_eq!(Slug::parse("north-korea-2024").unwrap().as_ref(), "north-korea-2024");
    }

    #[test]
    fn refuses_malformed_slugs() {
        for bad in ["", "Upper", "double--hyphen", "-lead", "trail-", "space here", "ü", " padded ", "tab\t"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(Slug::parse(&"a".repeat(201)).is_err());
    }

    #[test]
    fn refuses_anything_that_parses_as_a_uuid() {
        assert!(Slug::parse("0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a").is_err());
        assert!(Slug::parse("0192f0c18e1a7cc08b3e5f2a9e1d4b6a").is_err());
    }

    #[test]
    fn derives_from_titles() {
        assert_eq!(Slug::derive_from("Kim's \"Big\" Speech: What Now?").as_ref(), "kim-s-big-speech-what-now");
        assert_eq!(Slug::derive_from("Café déjà vu").as_ref(), "cafe-deja-vu");
        assert_eq!(Slug::derive_from("!!!").as_ref(), "article");
        assert!(Slug::derive_from(&"word ".repeat(100)).as_ref().len() <= MAX_LEN - 10);
    }

    #[test]
    fn a_derived_slug_is_never_a_uuid() {
        let slug = Slug::derive_from("0192f0c18e1a7cc08b3e5f2a9e1d4b6a");
        assert!(Slug::parse(slug.as_ref()).is_ok());
    }
}
