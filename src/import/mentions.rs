//! Names in the page's prose, with the title written beside each where the page
//! introduces the person: in front ("Foreign Minister Ri Son Gwon"), after a comma
//! ("Daniel Russel, the top US diplomat…") or before one ("Her coach, Patrick Sang,").

use super::attribution::{is_speech_verb, title_phrase};
use super::registry::{Kind, Registry};
use super::words::{NAME_PARTICLES, NOT_NAMES, RELATIVES, Word, is_honorific, is_role_word, join, words};

/// Lower-case words that belong to a title in front of a name.
const MODIFIERS: &[&str] = &[
    "caretaker",
    "outgoing",
    "incoming",
    "former",
    "acting",
    "interim",
    "deputy",
    "senior",
    "foreign",
    "defence",
    "defense",
    "finance",
    "interior",
    "health",
    "vice",
    "top",
    "state",
    "opposition",
    "party",
    "chief",
    "polling",
];

/// The most words of a title in front of a name, or before its comma.
const MAX_TITLE_WORDS: usize = 7;

/// Records every name in a stretch of prose.
pub(crate) fn scan(text: &str, registry: &mut Registry) {
    let ws = words(text);
    let mut i = 0;
    while i < ws.len() {
        let (end, body) = run_end(&ws, i);
        if end == i || body {
            // A body's name ("King’s College London") holds no person's.
            i = end.max(i + 1);
            continue;
        }
        let prefix = title_in_front(&ws[..i]);
        let honorific = i > 0 && is_honorific(ws[i - 1].core);
        if end - i >= 2 || prefix.is_some() || honorific {
            let title = prefix.or_else(|| title_before_comma(&ws, i, end)).or_else(|| title_after(&ws, end));
            registry.mention(&join(&ws[i..end]), title, Kind::Person);
        }
        i = end;
    }
}

/// Where the name that may start at `i` ends (`i` when none starts there), and
/// whether it is a body's name.
fn run_end(ws: &[Word<'_>], i: usize) -> (usize, bool) {
    let first = &ws[i];
    if !first.is_capitalised()
        || NOT_NAMES.contains(&first.lower().as_str())
        || is_role_word(&first.lower())
        || is_honorific(first.core)
    {
        return (i, false);
    }
    let mut end = i;
    while end < ws.len() {
        let w = &ws[end];
        let lower = w.lower();
        let particle = NAME_PARTICLES.contains(&lower.as_str()) && ws.get(end + 1).is_some_and(Word::is_capitalised);
        let namely = w.is_capitalised()
            && !is_role_word(&lower)
            && !is_honorific(w.core)
            && !NOT_NAMES.contains(&lower.as_str());
        let possessive = w.core.ends_with("’s") || w.core.ends_with("'s");
        if !(namely || particle) || possessive && end > i {
            break;
        }
        end += 1;
        if possessive {
            break;
        }
        if w.comma || w.stop {
            break;
        }
    }
    let possessive = ws[end - 1].core.ends_with("’s") || ws[end - 1].core.ends_with("'s");
    (end, possessive || super::names::is_org_name(&join(&ws[i..end])))
}

/// The title written just in front of a name: words back to the clause's start that
/// are capitalised, roles, possessives or role modifiers, holding a role word.
fn title_in_front(before: &[Word<'_>]) -> Option<String> {
    let mut start = before.len();
    while start > 0 && before.len() - start < MAX_TITLE_WORDS {
        let w = &before[start - 1];
        let lower = w.lower();
        if w.comma || w.stop || NOT_NAMES.contains(&lower.as_str()) && lower != "opposition" {
            break;
        }
        let fits =
            w.is_capitalised() || is_role_word(&lower) || MODIFIERS.contains(&lower.as_str()) || is_honorific(w.core);
        if !fits {
            break;
        }
        start -= 1;
    }
    let mut words = &before[start..];
    while let [rest @ .., last] = words
        && is_honorific(last.core)
    {
        words = rest;
    }
    words.iter().any(|w| is_role_word(&w.lower())).then(|| join(words))
}

/// A title after the name's comma, up to the comma before a verb or the sentence end.
fn title_after(ws: &[Word<'_>], end: usize) -> Option<String> {
    if end == 0 || !ws[end - 1].comma {
        return None;
    }
    let rest = &ws[end..];
    let mut stop = rest.len();
    for (k, w) in rest.iter().enumerate() {
        if w.stop {
            stop = k + 1;
            break;
        }
        if w.comma
            && rest.get(k + 1).is_some_and(|n| is_speech_verb(&n.lower()) || RELATIVES.contains(&n.lower().as_str()))
        {
            stop = k + 1;
            break;
        }
    }
    title_phrase(&rest[..stop])
}

/// A title before the name's comma: "Her coach, Patrick Sang, said".
fn title_before_comma(ws: &[Word<'_>], start: usize, end: usize) -> Option<String> {
    if start == 0 || !ws[start - 1].comma || !ws[end - 1].comma {
        return None;
    }
    let from = ws[..start - 1].iter().rposition(|w| w.comma || w.stop).map_or(0, |k| k + 1);
    let segment = &ws[from..start];
    (segment.len() <= MAX_TITLE_WORDS && segment.iter().any(|w| is_role_word(&w.lower()))).then(|| join(segment))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(text: &str) -> Vec<(String, Option<String>)> {
        let mut r = Registry::default();
        scan(text, &mut r);
        r.entities.into_iter().map(|e| (e.name, e.title)).collect()
    }

    #[test]
    fn a_title_in_front_of_the_name() {
        assert_eq!(
            scanned("leader Kim Jong Un and United States President Donald Trump met."),
            vec![
                ("Kim Jong Un".into(), Some("leader".into())),
                ("Donald Trump".into(), Some("United States President".into()))
            ]
        );
    }

    #[test]
    fn a_title_after_the_comma() {
        assert_eq!(
            scanned("Ramon Pacheco Pardo, a Korea expert at King’s College London, said it."),
            vec![("Ramon Pacheco Pardo".into(), Some("a Korea expert at King’s College London".into()))]
        );
    }

    #[test]
    fn a_title_before_the_comma() {
        assert_eq!(
            scanned("Her coach, Patrick Sang, said so."),
            vec![("Patrick Sang".into(), Some("Her coach".into()))]
        );
    }

    #[test]
    fn single_words_are_names_only_with_a_title_or_honorific() {
        assert_eq!(scanned("Residents fled. Mr Koh left."), vec![("Koh".into(), None)]);
    }
}
