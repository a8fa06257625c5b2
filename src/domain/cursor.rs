//! Keyset pagination: the opaque cursor that marks where the next page starts, and
//! the sort orders of the article list.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use uuid::Uuid;

/// Used when no secret is configured: cursors still detect accidental damage and
/// casual edits, but only a private secret makes them unforgeable.
const DEFAULT_SECRET: &[u8] = b"newsdesk-cursor-default-key; set NEWSDESK_CURSOR_SECRET";
/// Bytes of the MAC kept in a cursor.
const TAG_LEN: usize = 12;

/// The key cursors are signed with (`NEWSDESK_CURSOR_SECRET`, else the built-in
/// one). Held in the app's data, so that each server has its own and nothing
/// global is set at start-up.
#[derive(Clone)]
pub(crate) struct CursorSecret(Vec<u8>);

impl Default for CursorSecret {
    fn default() -> Self {
        Self(DEFAULT_SECRET.to_vec())
    }
}

impl std::fmt::Debug for CursorSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorSecret(..)")
    }
}

impl CursorSecret {
    /// The configured secret, or the built-in one when none is set.
    pub(crate) fn new(configured: Option<&str>) -> Self {
        configured.map_or_else(Self::default, |s| Self(s.as_bytes().to_vec()))
    }

    /// `payload` with its MAC, in the opaque form handed to clients.
    pub(crate) fn seal(&self, payload: &str) -> String {
        format!("{}.{}", URL_SAFE_NO_PAD.encode(payload), URL_SAFE_NO_PAD.encode(self.tag(payload)))
    }

    /// The payload of something `seal` made with this secret; `None` for anything
    /// else (damaged, edited, or made with another secret).
    pub(crate) fn open(&self, raw: &str) -> Option<String> {
        let (payload, signature) = raw.split_once('.')?;
        let plain = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        // Constant-time comparison of the MAC: a changed cursor is refused.
        super::digest::constant_time_eq(&self.tag(&plain), &signature).then_some(plain)
    }

    fn tag(&self, payload: &str) -> Vec<u8> {
        match Hmac::<sha2::Sha256>::new_from_slice(&self.0) {
            Ok(mac) => mac.chain_update(payload).finalize().into_bytes()[..TAG_LEN].to_vec(),
            // HMAC takes keys of any length; this arm cannot run.
            Err(_) => Vec::new(),
        }
    }
}

/// The orders the article list can be sorted in. Ties break on the id, in the same
/// direction, so the order is total and a cursor always names one position.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum ArticleSort {
    /// Newest publication first (the default); unpublished rows last.
    #[default]
    PublishedDesc,
    /// Oldest publication first; unpublished rows last.
    PublishedAsc,
    /// Most recently changed first.
    UpdatedDesc,
    /// Least recently changed first.
    UpdatedAsc,
    /// Best match for the search first (by rank); only with `q`.
    Relevance,
}

impl ArticleSort {
    /// Every accepted `sort` value.
    pub(crate) const VALUES: [&'static str; 5] =
        ["-published_at", "published_at", "-updated_at", "updated_at", "relevance"];

    /// Parses a `sort` query value.
    pub(crate) fn parse(raw: &str) -> Result<Self, String> {
        match raw {
            "-published_at" => Ok(Self::PublishedDesc),
            "published_at" => Ok(Self::PublishedAsc),
            "-updated_at" => Ok(Self::UpdatedDesc),
            "updated_at" => Ok(Self::UpdatedAsc),
            "relevance" => Ok(Self::Relevance),
            _ => Err(format!("must be one of {}", Self::VALUES.join(", "))),
        }
    }

    /// The `sort` query value for this order.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::PublishedDesc => Self::VALUES[0],
            Self::PublishedAsc => Self::VALUES[1],
            Self::UpdatedDesc => Self::VALUES[2],
            Self::UpdatedAsc => Self::VALUES[3],
            Self::Relevance => Self::VALUES[4],
        }
    }

    /// Whether the order runs from high to low.
    pub(crate) fn descending(self) -> bool {
        matches!(self, Self::PublishedDesc | Self::UpdatedDesc | Self::Relevance)
    }
}

/// The sort key of the last row of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CursorKey {
    /// A timestamp (publication, change or creation time).
    Time(DateTime<Utc>),
    /// A position in an ordered list.
    Position(i32),
    /// No key: the row has no value for the sort column (an unpublished article).
    Absent,
    /// A search rank (`f64::to_bits`, so that the key compares exactly).
    Rank(u64),
    /// A name (a section's or a tag's): the key of a list ordered by name, where
    /// the name alone names the row.
    Name(String),
}

impl CursorKey {
    /// The timestamp, if this key is one.
    pub(crate) fn time(&self) -> Option<DateTime<Utc>> {
        match *self {
            Self::Time(t) => Some(t),
            _ => None,
        }
    }

    /// A search rank as a key.
    pub(crate) fn rank(rank: f64) -> Self {
        Self::Rank(rank.to_bits())
    }

    /// The search rank, if this key is one.
    pub(crate) fn as_rank(&self) -> Option<f64> {
        match *self {
            Self::Rank(bits) => Some(f64::from_bits(bits)),
            _ => None,
        }
    }
}

/// The position after the last row of a page: its sort key and id. A cursor is
/// only valid for the list order (`order`) it was made for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cursor {
    /// The last row's sort key.
    pub key: CursorKey,
    /// The last row's id.
    pub id: Uuid,
}

const VERSION: &str = "c1";

impl Cursor {
    /// The opaque form handed to clients, bound to the list order `order`.
    pub(crate) fn encode(&self, order: &str, secret: &CursorSecret) -> String {
        let key = match &self.key {
            CursorKey::Time(t) => format!("t{}", t.timestamp_micros()),
            CursorKey::Position(p) => format!("p{p}"),
            CursorKey::Absent => "-".to_owned(),
            // The shortest decimal that reads back as the same value.
            CursorKey::Rank(bits) => format!("r{}", f64::from_bits(*bits)),
            // Encoded: a name may hold the separator `|`.
            CursorKey::Name(name) => format!("n{}", URL_SAFE_NO_PAD.encode(name)),
        };
        secret.seal(&format!("{VERSION}|{order}|{key}|{}", self.id.simple()))
    }

    /// Reads a cursor back, refusing anything this service did not make for `order`.
    pub(crate) fn decode(raw: &str, order: &str, secret: &CursorSecret) -> Result<Self, String> {
        let malformed = || "is not a cursor this list handed out".to_owned();
        let plain = secret.open(raw).ok_or_else(malformed)?;
        let [version, made_for, key, id] = plain.split('|').collect::<Vec<_>>()[..] else {
            return Err(malformed());
        };
        if version != VERSION {
            return Err(malformed());
        }
        if made_for != order {
            // A relevance order carries its search's digest (`relevance:…`).
            let sort = |o: &str| o.split(':').next().unwrap_or_default().to_owned();
            if sort(made_for) == sort(order) {
                return Err("was made for another search (q); start again without a cursor".into());
            }
            return Err(format!("was made for another list order ({}), not {}", sort(made_for), sort(order)));
        }
        let key = match key.split_at_checked(1) {
            Some(("-", "")) => CursorKey::Absent,
            Some(("t", micros)) => {
                let micros: i64 = micros.parse().map_err(|_| malformed())?;
                CursorKey::Time(DateTime::from_timestamp_micros(micros).ok_or_else(malformed)?)
            }
            Some(("p", position)) => CursorKey::Position(position.parse().map_err(|_| malformed())?),
            Some(("r", rank)) => {
                let rank: f64 = rank.parse().map_err(|_| malformed())?;
                if !rank.is_finite() {
                    return Err(malformed());
                }
                CursorKey::rank(rank)
            }
            Some(("n", name)) => {
                let bytes = URL_SAFE_NO_PAD.decode(name).map_err(|_| malformed())?;
                CursorKey::Name(String::from_utf8(bytes).map_err(|_| malformed())?)
            }
            _ => return Err(malformed()),
        };
        let id = Uuid::try_parse(id).map_err(|_| malformed())?;
        Ok(Self { key, id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> CursorSecret {
        CursorSecret::default()
    }

    #[test]
    fn round_trips_every_key_kind() {
        for key in [
            CursorKey::Time(DateTime::from_timestamp_micros(1_711_618_200_123_456).unwrap()),
            CursorKey::Position(7),
            CursorKey::Absent,
            CursorKey::rank(0.060_792_703_181_505_2),
            CursorKey::rank(f64::from(0.1_f32)),
            CursorKey::rank(13.25e-7),
            CursorKey::Name("World | 50% _ \"quoted\" Ünïcode".into()),
            CursorKey::Name(String::new()),
        ] {
            let cursor = Cursor { key, id: Uuid::now_v7() };
            assert_eq!(Cursor::decode(&cursor.encode("updated_at", &secret()), "updated_at", &secret()), Ok(cursor));
        }
    }

    #[test]
    fn refuses_garbage_and_tampering() {
        let good = Cursor { key: CursorKey::Absent, id: Uuid::now_v7() }.encode("-published_at", &secret());
        let mut tampered = good.clone().into_bytes();
        tampered[1] ^= 1;
        for bad in ["", "!!!", "YTF8", &String::from_utf8(tampered).unwrap()] {
            assert!(Cursor::decode(bad, "-published_at", &secret()).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn every_single_character_change_is_refused() {
        let good = Cursor { key: CursorKey::Position(12), id: Uuid::now_v7() }.encode("quotes", &secret());
        for index in 0..good.len() {
            let mut bytes = good.clone().into_bytes();
            bytes[index] = if bytes[index] == b'A' { b'B' } else { b'A' };
            let changed = String::from_utf8(bytes).unwrap();
            if changed != good {
                assert!(Cursor::decode(&changed, "quotes", &secret()).is_err(), "change at {index} accepted");
            }
        }
    }

    #[test]
    fn a_cursor_signed_with_another_secret_is_refused() {
        let good = Cursor { key: CursorKey::Position(1), id: Uuid::now_v7() }.encode("quotes", &secret());
        assert!(Cursor::decode(&good, "quotes", &CursorSecret::new(Some("another"))).is_err());
        assert!(Cursor::decode(&good, "quotes", &CursorSecret::new(None)).is_ok());
    }

    #[test]
    fn a_relevance_cursor_only_continues_its_own_search() {
        let good = Cursor { key: CursorKey::rank(0.5), id: Uuid::now_v7() }.encode("relevance:aa", &secret());
        assert!(Cursor::decode(&good, "relevance:aa", &secret()).is_ok());
        let other = Cursor::decode(&good, "relevance:bb", &secret()).unwrap_err();
        assert!(other.contains("another search"), "{other}");
        let sort = Cursor::decode(&good, "-published_at", &secret()).unwrap_err();
        assert!(sort.contains("(relevance), not -published_at"), "{sort}");
    }

    #[test]
    fn a_cursor_only_continues_its_own_order() {
        let good = Cursor { key: CursorKey::Position(1), id: Uuid::now_v7() }.encode("quotes", &secret());
        assert!(Cursor::decode(&good, "-published_at", &secret()).is_err());
    }
}
