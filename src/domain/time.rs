//! The service clock and the times it can store: UTC to the microsecond (what
//! PostgreSQL keeps), in the years 1 to 9999 (what both backends order correctly).

use chrono::{DateTime, Datelike, DurationRound, TimeDelta, Timelike, Utc};

/// The current time as the service stores it: UTC, whole microseconds (what
/// PostgreSQL keeps), so both backends hand back the same value.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().duration_trunc(TimeDelta::microseconds(1)).unwrap_or_else(|_| Utc::now())
}

/// Checks a client time fits the stored range (years 1 to 9999 in UTC, which both
/// backends order correctly) and drops sub-microsecond digits.
pub(crate) fn storable_time(at: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if !(1..=9999).contains(&at.year()) {
        return Err("must be between the years 0001 and 9999".into());
    }
    // Not `duration_trunc`: it counts nanoseconds in an i64 and so fails outside
    // the years 1677..=2262, which are valid here.
    let micros = at.nanosecond() / 1_000 * 1_000;
    at.with_nanosecond(micros).ok_or_else(|| "is not a valid time".to_owned())
}
