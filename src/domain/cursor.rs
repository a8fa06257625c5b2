//! Keyset pagination: the sort orders a list offers and the opaque cursor that
//! marks where the next page starts.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The orders the article list can be sorted in. Ties break on the id, in the same
/// direction, so the order is total and a cursor always names one position.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ArticleSort {
    /// Newest publication first (the default); unpublished rows last.
    #[default]
    PublishedDesc,
    /// Oldest publication first; unpublished rows last.
    PublishedAsc,
    /// Most recently changed first.
    UpdatedDesc,
    /// Least recently changed first.
    UpdatedAsc,
}

impl ArticleSort {
    /// Every accepted `sort` value.
    pub const VALUES: [&'static str; 4] =
        ["-published_at", "published_at", "-updated_at", "updated_at"];

    /// Parses a `sort` query value.
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw {
            "-published_at" => Ok(Self::PublishedDesc),
            "published_at" => Ok(Self::PublishedAsc),
            "-updated_at" => Ok(Self::UpdatedDesc),
            "updated_at" => Ok(Self::UpdatedAsc),
            _ => Err(format!("must be one of {}", Self::VALUES.join(", "))),
        }
    }

    /// The `sort` query value for this order.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PublishedDesc => Self::VALUES[0],
            Self::PublishedAsc => Self::VALUES[1],
            Self::UpdatedDesc => Self::VALUES[2],
            Self::UpdatedAsc => Self::VALUES[3],
        }
    }

    /// Whether the order runs from high to low.
    pub fn descending(self) -> bool {
        matches!(self, Self::PublishedDesc | Self::UpdatedDesc)
    }
}

/// The position after the last row of a page: its sort key and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The order the cursor was made for; a cursor only continues that order.
    pub sort: ArticleSort,
    /// The last row's sort key (`None` for an unpublished row under a
    /// `published_at` order).
    pub key: Option<DateTime<Utc>>,
    /// The last row's id.
    pub id: Uuid,
}

const VERSION: &str = "a1";

impl Cursor {
    /// The opaque form handed to clients.
    pub fn encode(&self) -> String {
        let key = self
            .key
            .map_or_else(|| "-".to_owned(), |k| k.timestamp_micros().to_string());
        let plain = format!(
            "{VERSION}|{}|{key}|{}",
            self.sort.as_str(),
            self.id.simple()
        );
        URL_SAFE_NO_PAD.encode(plain)
    }

    /// Reads a cursor back, refusing anything this service did not make for `sort`.
    pub fn decode(raw: &str, sort: ArticleSort) -> Result<Self, String> {
        let malformed = || "is not a cursor this list handed out".to_owned();
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| malformed())?;
        let plain = String::from_utf8(bytes).map_err(|_| malformed())?;
        let [version, order, key, id] = plain.split('|').collect::<Vec<_>>()[..] else {
            return Err(malformed());
        };
        if version != VERSION {
            return Err(malformed());
        }
        let order = ArticleSort::parse(order).map_err(|_| malformed())?;
        if order != sort {
            return Err(format!(
                "was made for sort={}, not sort={}",
                order.as_str(),
                sort.as_str()
            ));
        }
        let key = match key {
            "-" if matches!(
                order,
                ArticleSort::PublishedAsc | ArticleSort::PublishedDesc
            ) =>
            {
                None
            }
            micros => {
                let micros: i64 = micros.parse().map_err(|_| malformed())?;
                Some(DateTime::from_timestamp_micros(micros).ok_or_else(malformed)?)
            }
        };
        let id = Uuid::try_parse(id).map_err(|_| malformed())?;
        Ok(Self { sort, key, id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let cursor = Cursor {
            sort: ArticleSort::UpdatedAsc,
            key: DateTime::from_timestamp_micros(1_711_618_200_123_456),
            id: Uuid::now_v7(),
        };
        assert_eq!(
            Cursor::decode(&cursor.encode(), ArticleSort::UpdatedAsc),
            Ok(cursor)
        );
    }

    #[test]
    fn an_unpublished_position_round_trips() {
        let cursor = Cursor {
            sort: ArticleSort::PublishedDesc,
            key: None,
            id: Uuid::now_v7(),
        };
        assert_eq!(
            Cursor::decode(&cursor.encode(), ArticleSort::PublishedDesc),
            Ok(cursor)
        );
    }

    #[test]
    fn refuses_garbage_and_tampering() {
        let good = Cursor {
            sort: ArticleSort::PublishedDesc,
            key: None,
            id: Uuid::now_v7(),
        }
        .encode();
        let mut tampered = good.clone().into_bytes();
        tampered[3] ^= 1;
        for bad in ["", "!!!", "YTF8", &String::from_utf8(tampered).unwrap()] {
            assert!(
                Cursor::decode(bad, ArticleSort::PublishedDesc).is_err(),
                "{bad:?} accepted"
            );
        }
        assert!(Cursor::decode(&good, ArticleSort::UpdatedDesc).is_err());
    }
}
