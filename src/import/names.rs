//! Who a phrase names: a pronoun, a person or body by name (with the role in front
//! of the name split off, and titles of address dropped), or someone known only by
//! a role ("a State Department spokesperson").

use super::words::{NAME_PARTICLES, Word, is_honorific, is_role_word, join};

/// A pronoun that stands for a speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pronoun {
    He,
    She,
    It,
    They,
}

/// What the subject of an attribution names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Subject {
    /// "he", "she", "it", "they".
    Pronoun(Pronoun),
    /// "the spokesman": someone named before by a role.
    Definite(String),
    /// A person or body by name, with the role written in front of it.
    Named { name: String, title: Option<String> },
    /// Someone known only by a role: "State Department spokesperson".
    Role(String),
}

/// Words that end a subject phrase without belonging to it ("officials have said").
const AUXILIARIES: &[&str] = &[
    "have",
    "has",
    "had",
    "also",
    "later",
    "earlier",
    "separately",
    "then",
    "previously",
    "again",
    "once",
    "has",
    "was",
    "is",
    "would",
    "will",
    "had",
    "further",
    "simply",
    "only",
    "repeatedly",
    "publicly",
];

/// Words that, heading a phrase, make it no subject ("and said", "but told").
const CONJUNCTIONS: &[&str] = &["and", "but", "or", "nor", "so", "yet", "then"];

/// Words of a body's name that are not a surname ("Confederation of Agriculture").
const ORG_WORDS: &[&str] = &[
    "ministry",
    "department",
    "agency",
    "organization",
    "organisation",
    "council",
    "bank",
    "party",
    "army",
    "forces",
    "group",
    "government",
    "confederation",
    "alliance",
    "association",
    "union",
    "commission",
    "committee",
    "institute",
    "university",
    "office",
    "court",
    "police",
    "military",
    "administration",
    "federation",
    "fund",
    "company",
    "corporation",
    "foundation",
    "network",
    "house",
    "parliament",
    "assembly",
    "service",
    "services",
    "authority",
    "board",
    "league",
    "movement",
    "front",
    "coalition",
    "states",
    "nations",
    "republic",
    "kingdom",
    "college",
    "school",
    "centre",
    "center",
];

/// Whether a name is a body's rather than a person's.
pub(crate) fn is_org_name(name: &str) -> bool {
    let ws: Vec<&str> = name.split_whitespace().collect();
    ws.iter().any(|w| ORG_WORDS.contains(&w.to_lowercase().as_str()))
        || (ws.len() == 1 && ws[0].chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase) && ws[0].len() > 1)
}

/// Reads a pronoun.
pub(crate) fn pronoun(word: &str) -> Option<Pronoun> {
    match word.to_lowercase().as_str() {
        "he" => Some(Pronoun::He),
        "she" => Some(Pronoun::She),
        "it" => Some(Pronoun::It),
        "they" => Some(Pronoun::They),
        _ => None,
    }
}

/// Reads a subject phrase. `None` when the phrase cannot be a speaker (empty, or a
/// clause rather than a noun phrase).
pub(crate) fn parse_subject(words: &[Word<'_>]) -> Option<Subject> {
    let mut ws = words;
    while let [rest @ .., last] = ws
        && AUXILIARIES.contains(&last.lower().as_str())
    {
        ws = rest;
    }
    let first = ws.first()?;
    if CONJUNCTIONS.contains(&first.lower().as_str()) {
        return None;
    }
    if let [only] = ws
        && let Some(p) = pronoun(only.core)
    {
        return Some(Subject::Pronoun(p));
    }
    match first.lower().as_str() {
        "a" | "an" | "another" | "one" => return (ws.len() > 1).then(|| Subject::Role(join(&ws[1..]))),
        "the" | "its" | "his" | "her" | "their" => {
            let rest = &ws[1..];
            let head = rest.first()?;
            if !head.is_capitalised() {
                return Some(Subject::Definite(join(rest)));
            }
            ws = rest;
        }
        _ => {}
    }
    Some(named_or_role(ws))
}

/// Splits a phrase that starts with no article into the role in front and the name.
pub(crate) fn named_or_role(ws: &[Word<'_>]) -> Subject {
    let start = name_run_start(ws);
    if start == ws.len() {
        return Subject::Role(join(ws));
    }
    let mut prefix = &ws[..start];
    let name = join(&ws[start..]);
    while let [rest @ .., last] = prefix
        && is_honorific(last.core)
    {
        prefix = rest;
    }
    if prefix.is_empty() {
        return Subject::Named { name, title: None };
    }
    if prefix.iter().any(|w| is_role_word(&w.lower())) {
        return Subject::Named { name, title: Some(join(prefix)) };
    }
    if prefix.last().is_some_and(|w| w.core.ends_with("’s") || w.core.ends_with("'s")) {
        return Subject::Named { name, title: None };
    }
    Subject::Named { name: join(ws), title: None }
}

/// Where the name at the end of a phrase starts: the longest run of capitalised
/// words (and name particles between them) that are neither roles nor titles of
/// address. `ws.len()` when the phrase ends in no name.
pub(crate) fn name_run_start(ws: &[Word<'_>]) -> usize {
    let mut start = ws.len();
    while start > 0 {
        let w = &ws[start - 1];
        let lower = w.lower();
        let particle = NAME_PARTICLES.contains(&lower.as_str()) && start < ws.len();
        let possessive = w.core.ends_with("’s") || w.core.ends_with("'s");
        // A comma may follow only the name's last word.
        let inner_comma = w.comma && start < ws.len();
        let not_name = possessive || is_role_word(&lower) || is_honorific(w.core) || inner_comma;
        let namely = w.is_capitalised() && !not_name;
        if !(namely || particle) {
            break;
        }
        start -= 1;
    }
    // A run cannot begin with a particle ("bin Salman" without its first name).
    while start < ws.len() && !ws[start].is_capitalised() {
        start += 1;
    }
    start
}

#[cfg(test)]
mod tests {
    use super::super::words::words;
    use super::*;

    fn subject(text: &str) -> Option<Subject> {
        parse_subject(&words(text))
    }

    fn named(name: &str, title: Option<&str>) -> Option<Subject> {
        Some(Subject::Named { name: name.into(), title: title.map(Into::into) })
    }

    #[test]
    fn the_role_in_front_of_a_name_is_its_title() {
        assert_eq!(subject("Foreign Minister Ri Son Gwon"), named("Ri Son Gwon", Some("Foreign Minister")));
        assert_eq!(subject("Polling expert John Curtice"), named("John Curtice", Some("Polling expert")));
        assert_eq!(
            subject("Lebanon’s caretaker Prime Minister Najib Mikati"),
            named("Najib Mikati", Some("Lebanon’s caretaker Prime Minister"))
        );
    }

    #[test]
    fn titles_of_address_are_dropped() {
        assert_eq!(subject("Dr Lucy Mwangi"), named("Lucy Mwangi", None));
        assert_eq!(subject("Mr Koh"), named("Koh", None));
        assert_eq!(
            subject("Saudi Energy Minister Prince Abdulaziz bin Salman"),
            named("Abdulaziz bin Salman", Some("Saudi Energy Minister"))
        );
    }

    #[test]
    fn a_role_with_an_indefinite_article_names_the_speaker() {
        assert_eq!(
            subject("a State Department spokesperson"),
            Some(Subject::Role("State Department spokesperson".into()))
        );
        assert_eq!(
            subject("A spokesperson for Ukraine’s air force"),
            Some(Subject::Role("spokesperson for Ukraine’s air force".into()))
        );
    }

    #[test]
    fn a_definite_role_refers_back() {
        assert_eq!(subject("the spokesman"), Some(Subject::Definite("spokesman".into())));
    }

    #[test]
    fn bodies_keep_their_whole_name() {
        assert_eq!(
            subject("the National Confederation of Agriculture"),
            named("National Confederation of Agriculture", None)
        );
        assert_eq!(subject("OPEC+"), named("OPEC+", None));
        assert!(is_org_name("National Confederation of Agriculture"));
        assert!(is_org_name("OPEC"));
        assert!(!is_org_name("Ri Son Gwon"));
    }

    #[test]
    fn pronouns_and_clauses() {
        assert_eq!(subject("she"), Some(Subject::Pronoun(Pronoun::She)));
        assert_eq!(subject("and"), None);
        assert_eq!(subject("Saudi officials have"), Some(Subject::Role("Saudi officials".into())));
    }

    #[test]
    fn a_possessive_place_is_not_a_title() {
        assert_eq!(subject("Australia's Jessica Hull"), named("Jessica Hull", None));
    }
}
