//! What a request of the change feed (`GET /v1/changes`) asks for: where to start,
//! how many, and how long to wait for something new.

use std::time::Duration;

use super::FieldError;
use super::cursor::CursorSecret;

/// Records per page when `limit` is not given.
pub(crate) const DEFAULT_LIMIT: i64 = 100;
/// The largest page.
pub const MAX_LIMIT: i64 = 1000;
/// The longest a request may wait for a record (`wait`), in seconds.
pub const MAX_WAIT_SECS: u64 = 30;

/// A position in the change log: every record up to `0` has been read. Handed to
/// clients sealed (`CursorSecret`), so that a cursor is only ever one the feed gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LogPosition(pub i64);

const TAG: &str = "changes1";

impl LogPosition {
    /// The opaque `next_cursor`.
    pub(crate) fn encode(self, secret: &CursorSecret) -> String {
        secret.seal(&format!("{TAG}|{}", self.0))
    }

    /// Reads a cursor back.
    pub(crate) fn decode(raw: &str, secret: &CursorSecret) -> Result<Self, String> {
        let malformed = || "is not a cursor the change feed handed out".to_owned();
        let plain = secret.open(raw).ok_or_else(malformed)?;
        let (tag, seq) = plain.split_once('|').ok_or_else(malformed)?;
        let seq: i64 = seq.parse().map_err(|_| malformed())?;
        if tag != TAG || seq < 0 {
            return Err(malformed());
        }
        Ok(Self(seq))
    }
}

/// One request of the feed, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FeedRequest {
    /// Records after this position; `None` (no cursor, or an empty one): from the
    /// oldest record kept.
    pub after: Option<LogPosition>,
    pub limit: i64,
    /// How long to hold the request open when nothing is new; `None`: answer at once.
    pub wait: Option<Duration>,
}

impl FeedRequest {
    /// Checks the raw parameters, reporting every bad one; a malformed cursor is a
    /// 400 (`Err(None)` in the second slot), like every list's.
    pub(crate) fn parse(
        after: Option<&str>,
        limit: Option<&str>,
        wait: Option<&str>,
        secret: &CursorSecret,
    ) -> Result<Self, FeedError> {
        let mut errors = Vec::new();
        let limit = match limit.map(str::parse::<i64>) {
            None => DEFAULT_LIMIT,
            Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => n,
            Some(_) => {
                errors.push(FieldError::parameter("limit", format!("must be an integer from 1 to {MAX_LIMIT}")));
                DEFAULT_LIMIT
            }
        };
        let wait = match wait.map(str::parse::<u64>) {
            None => None,
            Some(Ok(n)) if (1..=MAX_WAIT_SECS).contains(&n) => Some(Duration::from_secs(n)),
            Some(_) => {
                errors.push(FieldError::parameter("wait", format!("must be an integer from 1 to {MAX_WAIT_SECS}")));
                None
            }
        };
        if !errors.is_empty() {
            return Err(FeedError::Invalid(errors));
        }
        let after = match after.filter(|a| !a.is_empty()) {
            None => None,
            Some(raw) => Some(LogPosition::decode(raw, secret).map_err(FeedError::BadCursor)?),
        };
        Ok(Self { after, limit, wait })
    }

    /// The position to read after, once the log is known to be pruned through
    /// `pruned_through`: `None` when the cursor lies before that, so that records
    /// the client never saw are gone (a 410: it must re-read what it mirrors).
    pub(crate) fn start(&self, pruned_through: i64) -> Option<i64> {
        match self.after {
            None => Some(pruned_through),
            Some(LogPosition(seq)) if seq < pruned_through => None,
            Some(LogPosition(seq)) => Some(seq),
        }
    }
}

/// Why a feed request was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FeedError {
    /// Parameters out of range (422).
    Invalid(Vec<FieldError>),
    /// A cursor the feed did not make (400).
    BadCursor(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_round_trips_and_nothing_else_reads_as_one() {
        let secret = CursorSecret::default();
        let raw = LogPosition(42).encode(&secret);
        assert_eq!(LogPosition::decode(&raw, &secret), Ok(LogPosition(42)));
        assert!(LogPosition::decode(&raw, &CursorSecret::new(Some("another"))).is_err());
        assert!(LogPosition::decode("garbage", &secret).is_err());
        assert!(LogPosition::decode(&secret.seal("changes1|-5"), &secret).is_err());
        assert!(LogPosition::decode(&secret.seal("c1|x|-|y"), &secret).is_err());
    }

    #[test]
    fn defaults_ranges_and_every_bad_parameter_named() {
        let secret = CursorSecret::default();
        let plain = FeedRequest::parse(None, None, None, &secret).unwrap();
        assert_eq!(plain, FeedRequest { after: None, limit: DEFAULT_LIMIT, wait: None });
        let full = FeedRequest::parse(Some(&LogPosition(7).encode(&secret)), Some("1000"), Some("30"), &secret);
        assert_eq!(
            full.unwrap(),
            FeedRequest { after: Some(LogPosition(7)), limit: 1000, wait: Some(Duration::from_secs(30)) }
        );
        let Err(FeedError::Invalid(errors)) = FeedRequest::parse(None, Some("0"), Some("31"), &secret) else {
            panic!("expected 422")
        };
        let named: Vec<_> = errors.iter().filter_map(|e| e.parameter.as_deref()).collect();
        assert_eq!(named, ["limit", "wait"]);
        assert!(matches!(FeedRequest::parse(Some("nope"), None, None, &secret), Err(FeedError::BadCursor(_))));
        assert_eq!(FeedRequest::parse(Some(""), None, None, &secret).unwrap().after, None);
    }

    #[test]
    fn a_cursor_before_the_pruned_records_is_stale_and_none_is_never() {
        let secret = CursorSecret::default();
        let at = |seq: i64| FeedRequest::parse(Some(&LogPosition(seq).encode(&secret)), None, None, &secret).unwrap();
        let fresh = FeedRequest::parse(None, None, None, &secret).unwrap();
        assert_eq!(fresh.start(0), Some(0));
        assert_eq!(fresh.start(40), Some(40));
        assert_eq!(at(40).start(40), Some(40));
        assert_eq!(at(41).start(40), Some(41));
        assert_eq!(at(39).start(40), None);
        assert_eq!(at(0).start(1), None);
    }
}
