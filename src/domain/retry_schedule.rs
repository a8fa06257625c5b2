//! When a failed webhook delivery is tried again: a list of waits, one per retry
//! (`NEWSDESK_WEBHOOK_RETRY_SCHEDULE`, such as `5s,5m,30m,2h`).

use std::time::Duration;

/// The default: about three days of retries in all.
pub(crate) const DEFAULT_RETRY_SCHEDULE: &str = "5s,5m,30m,2h,5h,10h,14h,20h,24h";

/// The waits before each retry; after the last one fails the delivery is failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule(Vec<Duration>);

impl RetrySchedule {
    /// Reads `1s,2s,5s`: each wait a whole number with a unit (`ms`, `s`, `m`,
    /// `h`), at most one week, at least one wait.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let waits: Result<Vec<Duration>, String> = raw.split(',').map(|w| parse_wait(w.trim())).collect();
        let waits = waits?;
        if waits.is_empty() {
            return Err("the retry schedule needs at least one wait".into());
        }
        Ok(Self(waits))
    }

    /// The wait before retry number `retry` (1 for the first retry), or `None`
    /// when the schedule is exhausted.
    pub(crate) fn wait_before(&self, retry: usize) -> Option<Duration> {
        retry.checked_sub(1).and_then(|i| self.0.get(i)).copied()
    }
}

impl Default for RetrySchedule {
    fn default() -> Self {
        Self::parse(DEFAULT_RETRY_SCHEDULE).unwrap_or_else(|e| panic!("the default schedule does not parse: {e}"))
    }
}

const MAX_WAIT: Duration = Duration::from_secs(7 * 24 * 3600);

fn parse_wait(raw: &str) -> Result<Duration, String> {
    let split = raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let bad = || format!("`{raw}` is not a wait such as 500ms, 5s, 5m or 2h");
    let n: u64 = number.parse().map_err(|_| bad())?;
    let wait = match unit {
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        "h" => Duration::from_secs(n.saturating_mul(3600)),
        _ => return Err(bad()),
    };
    if wait > MAX_WAIT {
        return Err(format!("`{raw}` is longer than a week"));
    }
    Ok(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_has_nine_retries_from_5s_to_24h() {
        let schedule = RetrySchedule::default();
        assert_eq!((1..=20).filter_map(|n| schedule.wait_before(n)).count(), 9);
        assert_eq!(schedule.wait_before(1), Some(Duration::from_secs(5)));
        assert_eq!(schedule.wait_before(9), Some(Duration::from_secs(24 * 3600)));
        assert_eq!(schedule.wait_before(10), None);
        assert_eq!(schedule.wait_before(0), None);
    }

    #[test]
    fn waits_need_a_number_and_a_unit() {
        let schedule = RetrySchedule::parse("1s, 2s,500ms").unwrap();
        assert_eq!(schedule.wait_before(3), Some(Duration::from_millis(500)));
        for bad in ["", "5", "s", "5d", "-1s", "1s,,2s", "200h"] {
            assert!(RetrySchedule::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
