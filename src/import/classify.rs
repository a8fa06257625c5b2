//! What is not a quotation although it stands between quotation marks: scare quotes
//! around a word or two, titles of works or operations, and slogans.

use super::words::words;

/// The most words a scare quote has.
const MAX_SCARE_WORDS: usize = 2;
/// The most words a title of a work has for the title-case rule.
const MAX_TITLE_WORDS: usize = 8;

/// Words that, just before the marks, say that what follows is a title or a slogan.
const TITLE_CUES: &[&str] = &[
    "film",
    "films",
    "documentary",
    "movie",
    "book",
    "novel",
    "memoir",
    "album",
    "song",
    "single",
    "series",
    "programme",
    "program",
    "show",
    "play",
    "opera",
    "poem",
    "titled",
    "entitled",
    "dubbed",
    "nicknamed",
    "slogan",
    "slogans",
    "motto",
    "hashtag",
    "operation",
    "campaign",
    "banner",
    "banners",
    "placard",
    "placards",
    "sign",
    "signs",
    "reading",
    "read",
    "chanting",
    "chanted",
    "chants",
    "chant",
    "headline",
    "headlined",
    "exhibition",
    "podcast",
    "so-called",
    "codenamed",
    "code-named",
    "mottos",
    "word",
    "term",
    "label",
    "brand",
    "branded",
];

/// Whether a span is a direct quotation: not empty, not scare quotes, not a title
/// or slogan. `before` is the paragraph's prose before the opening mark.
pub(crate) fn is_quotation(inner: &str, before: &str) -> bool {
    !inner.trim().is_empty() && !is_scare_quote(inner, before) && !follows_title_cue(before) && !is_title_case(inner)
}

/// A word or two in quotation marks, inside a sentence: scare quotes, or a word
/// picked out ("called the move a “betrayal”"). A short quotation that stands as a
/// sentence of its own ("“No,” he said.") is still one.
pub(crate) fn is_scare_quote(inner: &str, before: &str) -> bool {
    if inner.split_whitespace().count() > MAX_SCARE_WORDS {
        return false;
    }
    let spoken = inner.trim_end().ends_with([',', '.', '?', '!']);
    let lead = before.trim_end();
    let starts_sentence = lead.is_empty() || lead.ends_with([':', '.', '?', '!', '”', '"']);
    !(spoken && starts_sentence)
}

/// Whether the words just before the marks name a title or slogan ("the film,",
/// "placards reading", "the slogan").
pub(crate) fn follows_title_cue(before: &str) -> bool {
    let ws = words(before);
    ws.iter().rev().take(2).any(|w| TITLE_CUES.contains(&w.lower().as_str()))
}

/// A short span in title case with no closing punctuation: the title of a work or
/// an operation ("Lines of Fire", "Spring Revolution").
pub(crate) fn is_title_case(inner: &str) -> bool {
    let trimmed = inner.trim();
    let ws: Vec<&str> = trimmed.split_whitespace().collect();
    if ws.is_empty() || ws.len() > MAX_TITLE_WORDS || trimmed.ends_with([',', '.', '?', '!', ':', ';']) {
        return false;
    }
    let capital = |w: &&str| w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    ws.first().is_some_and(capital) && ws.iter().filter(|w| w.chars().count() > 3).all(capital)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scare_quotes_inside_a_sentence_are_not_quotations() {
        assert!(is_scare_quote("betrayal", "called the move a "));
        assert!(is_scare_quote("aggressive actions", "what it called the "));
        assert!(!is_scare_quote("with great reluctance", "taken "));
    }

    #[test]
    fn a_short_quotation_standing_alone_is_one() {
        assert!(!is_scare_quote("No,", ""));
        assert!(!is_scare_quote("Never.", "He paused. "));
    }

    #[test]
    fn titles_and_slogans_follow_their_cue() {
        assert!(follows_title_cue("The film, "));
        assert!(follows_title_cue("holding placards reading "));
        assert!(follows_title_cue("banned their slogans, including "));
        assert!(!follows_title_cue("Mikati called the ceasefire "));
    }

    #[test]
    fn title_case_without_punctuation_is_a_title() {
        assert!(is_title_case("Lines of Fire"));
        assert!(!is_title_case("Let the film speak"));
        assert!(!is_title_case("We Will Win."));
    }

    #[test]
    fn is_quotation_combines_the_rules() {
        assert!(is_quotation("flexible approach to reach a balanced agreement", "is open to a "));
        assert!(!is_quotation("Spring Revolution", "banned their slogans, including "));
        assert!(!is_quotation("  ", ""));
    }
}
