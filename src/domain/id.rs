//! Resource ids: UUIDs in their hyphenated form (`format: uuid` in the spec), the
//! only form the service hands out. The `uuid` crate alone would also read the
//! simple, braced and URN forms, which the spec does not allow.

use serde::{Deserialize, Deserializer, de::Error as _};
use uuid::Uuid;

/// Parses an id in the hyphenated form `8-4-4-4-12` (hex digits in either case).
pub(crate) fn parse(raw: &str) -> Option<Uuid> {
    if raw.len() != uuid::fmt::Hyphenated::LENGTH {
        return None;
    }
    Uuid::try_parse(raw).ok()
}

/// Serde helper for an optional id in a request body: `null` or a hyphenated UUID.
pub(crate) fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Uuid>, D::Error> {
    let Some(raw) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    parse(&raw)
        .map(Some)
        .ok_or_else(|| D::Error::custom("must be an id: a UUID such as 0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_hyphenated_form_is_an_id() {
        let id = "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a";
        assert_eq!(parse(id).map(|u| u.to_string()).as_deref(), Some(id));
        assert_eq!(parse(&id.to_uppercase()).map(|u| u.to_string()).as_deref(), Some(id));
        for other in [
            "0192f0c18e1a7cc08b3e5f2a9e1d4b6a",
            "{0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a}",
            "urn:uuid:0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a",
            " 0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6",
            "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6g",
        ] {
            assert!(parse(other).is_none(), "{other}");
        }
    }
}
