//! The page's date line ("Thursday, 28 Mar 2024") read as a calendar date.

use chrono::NaiveDate;

/// The longest line, in words, still read as a date line: anything longer is prose
/// that happens to hold a date.
const MAX_DATE_LINE_WORDS: usize = 8;

/// The date a date line names, in any of the orders wire pages use ("Thursday, 28
/// Mar 2024", "28 March 2024", "March 28, 2024", "2024-03-28"); `None` for any
/// other line.
pub(crate) fn parse_date_line(line: &str) -> Option<NaiveDate> {
    let words: Vec<&str> = line.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    if words.is_empty() || words.len() > MAX_DATE_LINE_WORDS {
        return None;
    }
    if let [y, m, d] = words.as_slice()
        && y.len() == 4
        && let (Ok(y), Ok(m), Ok(d)) = (y.parse(), m.parse(), d.parse())
    {
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    let month = words.iter().find_map(|w| month_number(w))?;
    let numbers: Vec<u32> = words.iter().filter_map(|w| w.parse::<u32>().ok()).collect();
    let year = numbers.iter().copied().find(|n| (1900..=2200).contains(n))?;
    let day = numbers.iter().copied().find(|n| (1..=31).contains(n))?;
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// The number of a month named in full or by its first three letters, any case.
pub(crate) fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let word = word.to_lowercase();
    if word.len() < 3 {
        return None;
    }
    let found = MONTHS.iter().position(|m| {
        *m == word
            || (word.len() <= 4 && m.starts_with(word.trim_end_matches('t')))
            || (word == "sept" && *m == "september")
    })?;
    u32::try_from(found + 1).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn reads_the_seed_pages_date_line() {
        assert_eq!(parse_date_line("Thursday, 28 Mar 2024"), date(2024, 3, 28));
    }

    #[test]
    fn reads_full_month_names_and_either_order() {
        assert_eq!(parse_date_line("3 June 2024"), date(2024, 6, 3));
        assert_eq!(parse_date_line("June 3, 2024"), date(2024, 6, 3));
        assert_eq!(parse_date_line("Published On 5 Sept 2023"), date(2023, 9, 5));
    }

    #[test]
    fn reads_iso_dates() {
        assert_eq!(parse_date_line("2024-11-27"), date(2024, 11, 27));
    }

    #[test]
    fn refuses_prose_and_impossible_dates() {
        assert_eq!(parse_date_line("North Korea says it sees no point in maintaining Kim-Trump ties"), None);
        assert_eq!(parse_date_line("Friday, 31 Feb 2024"), None);
        assert_eq!(parse_date_line("Mayday"), None);
    }

    #[test]
    fn month_names_are_matched_by_prefix_of_three() {
        assert_eq!(month_number("Mar"), Some(3));
        assert_eq!(month_number("december"), Some(12));
        assert_eq!(month_number("Ma"), None);
        assert_eq!(month_number("Marching"), None);
    }
}
