//! Attribution clauses: the speech verb, its subject (with a title written beside
//! the name, "Daniel Russel, the top US diplomat…"), and the setting it states
//! ("in a statement carried by…", "on Twitter", "told Reuters").

use super::names::{Subject, named_or_role, parse_subject};
use super::words::{RELATIVES, Word, is_role_word, join, words};

/// What an attribution says: who spoke, in what role (when it says), and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attribution {
    pub subject: Subject,
    pub title: Option<String>,
    pub setting: Option<String>,
}

/// Verbs that report speech.
const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "asked",
    "asks",
    "wrote",
    "writes",
    "tweeted",
    "posted",
    "explained",
    "insisted",
    "warned",
    "continued",
    "noted",
    "stressed",
    "argued",
    "declared",
    "replied",
    "recalled",
    "admitted",
    "acknowledged",
    "announced",
    "claimed",
    "complained",
    "conceded",
    "confirmed",
    "cautioned",
    "urged",
    "vowed",
    "pledged",
    "predicted",
    "remarked",
    "observed",
    "suggested",
    "testified",
    "shouted",
    "joked",
    "concluded",
    "emphasised",
    "emphasized",
    "according",
    "saying",
    "writing",
    "adding",
    "called",
    "described",
    "hailed",
    "reiterated",
    "maintained",
    "countered",
    "responded",
    "lamented",
    "promised",
    "exclaimed",
    "recounted",
    "stated",
    "commented",
    "explains",
    "insists",
    "warns",
    "notes",
    "argues",
    "tweets",
];

/// Speech verbs in the -ing form, whose subject is the clause's own subject.
const PARTICIPLES: &[&str] = &["saying", "writing", "adding"];

/// Platforms a setting names after "on".
const PLATFORMS: &[&str] = &[
    "twitter",
    "x",
    "facebook",
    "telegram",
    "instagram",
    "tiktok",
    "youtube",
    "linkedin",
    "threads",
    "bluesky",
    "whatsapp",
    "weibo",
    "social",
    "state",
    "national",
    "television",
    "radio",
    "air",
    "camera",
    "truth",
    "the",
];

/// The longest subject phrase, in words, before a verb.
const MAX_SUBJECT_WORDS: usize = 14;

/// Whether a lower-cased word is a speech verb.
pub(crate) fn is_speech_verb(lower: &str) -> bool {
    SPEECH_VERBS.contains(&lower)
}

/// Reads the attribution that follows a closing mark ("he said", "said Mary
/// Wanjiku, a farmer", "Ri said in a statement").
pub(crate) fn after_quote(text: &str) -> Option<Attribution> {
    let ws = words(text);
    let v = first_verb(&ws, MAX_SUBJECT_WORDS)?;
    if v == 0 {
        return inverted(&ws);
    }
    let ClauseSubject { subject, title, intro, .. } = clause_subject(&ws[..v])?;
    let setting = setting_after(&ws, v).or(intro);
    Some(Attribution { subject, title, setting })
}

/// Reads the attribution before an opening mark in the same sentence ("Modi said:",
/// "a spokesperson told Yonhap that the US is open to a"), or a sentence of reported
/// speech with no quotation.
pub(crate) fn clause(text: &str) -> Option<Attribution> {
    let ws = words(text);
    let v = first_verb(&ws, ws.len())?;
    if v == 0 {
        return inverted(&ws[v..]);
    }
    let lower = ws[v].lower();
    if PARTICIPLES.contains(&lower.as_str()) {
        let start = ws.iter().position(Word::is_capitalised)?;
        let end = start + ws[start..v].iter().take_while(|w| w.is_capitalised() && !w.comma).count();
        let subject = named_or_role(&ws[start..end.max(start + 1)]);
        let setting = setting_after(&ws, v).or_else(|| platform_in(&ws[..v]));
        return Some(Attribution { subject, title: None, setting });
    }
    let subject = clause_subject(&ws[..v]);
    // "…, said Daniel Russel": after a comma the verb comes first, unless the comma
    // closes a title beside the subject's name ("Ramon Pacheco Pardo, a Korea
    // expert…, said").
    if ws[v - 1].comma && !subject.as_ref().is_some_and(|s| s.beside) {
        return inverted(&ws[v..]);
    }
    let ClauseSubject { subject, title, intro, .. } = subject?;
    let setting = setting_after(&ws, v).or(intro);
    Some(Attribution { subject, title, setting })
}

/// The first speech verb within `limit` words, before any sentence mark.
pub(crate) fn first_verb(ws: &[Word<'_>], limit: usize) -> Option<usize> {
    for (i, w) in ws.iter().enumerate().take(limit.max(1)) {
        let lower = w.lower();
        // "Asked about the risk, he said": the question, not the speech verb.
        if i == 0 && w.core == "Asked" {
            continue;
        }
        if is_speech_verb(&lower) && (lower != "according" || ws.get(i + 1).is_some_and(|n| n.core == "to")) {
            return Some(i);
        }
        if w.stop && !super::sentences::is_abbreviation(w.core) {
            return None;
        }
    }
    None
}

/// "said Daniel Russel, the top US diplomat…": the subject after the verb, and a
/// title after its comma.
pub(crate) fn inverted(ws: &[Word<'_>]) -> Option<Attribution> {
    let mut from = 1;
    if ws.first()?.lower() == "according" {
        from = 2;
    }
    let rest = ws.get(from..)?;
    let end = rest
        .iter()
        .position(|w| w.comma || w.stop && !super::sentences::is_abbreviation(w.core))
        .map_or(rest.len(), |i| i + 1);
    // "said she had run": reported speech, not a subject after its verb.
    if end > 1 && super::names::pronoun(rest[0].core).is_some() {
        return None;
    }
    let subject = parse_subject(&rest[..end])?;
    let after = &rest[end..];
    let title = if rest[end - 1].comma { title_phrase(until_stop(after)) } else { None };
    let setting = if rest[end - 1].comma || rest[end - 1].stop { None } else { setting_after(ws, end + from - 1) };
    Some(Attribution { subject, title, setting })
}

/// The words up to and including the first that ends a sentence.
fn until_stop<'w, 'a>(ws: &'w [Word<'a>]) -> &'w [Word<'a>] {
    let end = ws.iter().position(|w| w.stop && !super::sentences::is_abbreviation(w.core)).map_or(ws.len(), |i| i + 1);
    &ws[..end]
}

/// A phrase beside a name that is its title: "the top US diplomat…", "a Korea
/// expert at…", "director of the think tank…"; not a clause ("who fled…").
pub(crate) fn title_phrase(ws: &[Word<'_>]) -> Option<String> {
    let first = ws.first()?;
    let lower = first.lower();
    if RELATIVES.contains(&lower.as_str()) {
        return None;
    }
    let article = matches!(lower.as_str(), "a" | "an" | "the" | "his" | "her" | "its" | "their");
    let possessive = first.core.ends_with("’s") || first.core.ends_with("'s");
    let role_start = ws.iter().take(4).any(|w| is_role_word(&w.lower()));
    let verb = is_speech_verb(&lower);
    (!verb && (article || possessive || role_start)).then(|| join(ws))
}

/// The subject of a clause from the words before its verb, with a title beside the
/// name and a setting stated in front ("In a televised address, …").
pub(crate) fn clause_subject(ws: &[Word<'_>]) -> Option<ClauseSubject> {
    let mut segments: Vec<&[Word<'_>]> = Vec::new();
    let mut start = 0;
    for (i, w) in ws.iter().enumerate() {
        if w.comma {
            segments.push(&ws[start..=i]);
            start = i + 1;
        }
    }
    if start < ws.len() {
        segments.push(&ws[start..]);
    }
    let mut beside = false;
    while segments.len() > 1 && segments.last().is_some_and(|s| RELATIVES.contains(&s[0].lower().as_str())) {
        segments.pop();
        beside = true;
    }
    let k = segments.len().checked_sub(1)?;
    let last = segments[k];
    let (subject_words, title, intro_end) = if k >= 1
        && let Some(title) = title_phrase(last)
        && is_name(segments[k - 1])
    {
        (segments[k - 1], Some(title), k - 1)
    } else if k >= 1
        && is_name(last)
        && segments[k - 1].len() <= 7
        && segments[k - 1].iter().any(|w| is_role_word(&w.lower()))
    {
        (last, Some(join(segments[k - 1])), k - 1)
    } else {
        (last, None, k)
    };
    if subject_words.len() > MAX_SUBJECT_WORDS {
        return None;
    }
    let subject = parse_subject(subject_words)?;
    let intro = segments[..intro_end].first().and_then(|s| intro_setting(s));
    Some(ClauseSubject { beside: beside || title.is_some(), subject, title, intro })
}

/// A clause's subject as `clause_subject` reads it.
pub(crate) struct ClauseSubject {
    pub subject: Subject,
    /// A title beside the name, from a comma-set phrase.
    pub title: Option<String>,
    /// A setting stated in front of the clause.
    pub intro: Option<String>,
    /// A comma-set phrase (a title or a relative clause) stands between the subject
    /// and the verb.
    pub beside: bool,
}

/// Whether a phrase is a name (with at most a title of address in front).
fn is_name(ws: &[Word<'_>]) -> bool {
    matches!(parse_subject(ws), Some(Subject::Named { title: None, .. }))
        && ws.iter().all(Word::is_capitalised_or_particle)
        && !ws.iter().any(|w| super::words::NOT_NAMES.contains(&w.lower().as_str()))
}

impl Word<'_> {
    fn is_capitalised_or_particle(&self) -> bool {
        self.is_capitalised() || super::words::NAME_PARTICLES.contains(&self.lower().as_str())
    }
}

/// A setting stated in front of the clause: "In a televised address",
/// "Addressing supporters at…", "Speaking to reporters".
pub(crate) fn intro_setting(ws: &[Word<'_>]) -> Option<String> {
    let first = ws.first()?.lower();
    let found = match first.as_str() {
        "addressing" | "speaking" | "writing" => true,
        _ => starts_setting(ws, 0),
    };
    found.then(|| lower_first(&join(ws)))
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// Whether a setting phrase starts at word `i`.
pub(crate) fn starts_setting(ws: &[Word<'_>], i: usize) -> bool {
    let w = ws[i].lower();
    let next = ws.get(i + 1).map(Word::lower).unwrap_or_default();
    match w.as_str() {
        "in" => matches!(
            next.as_str(),
            "a" | "an" | "his" | "her" | "its" | "their" | "remarks" | "comments" | "interviews"
        ),
        "on" => {
            // "on the" is a setting only before a few words ("on the phone").
            let after_the =
                || ws.get(i + 2).is_some_and(|n| matches!(n.lower().as_str(), "sidelines" | "phone" | "radio" | "air"));
            PLATFORMS.contains(&next.as_str()) && (next != "the" || after_the())
        }
        "at" => matches!(next.as_str(), "a" | "an"),
        "during" => matches!(next.as_str(), "a" | "an" | "his" | "her" | "its" | "their" | "the"),
        "by" => matches!(next.as_str(), "phone" | "telephone" | "video" | "email" | "text" | "message"),
        "via" => true,
        "from" => next == "the",
        _ => false,
    }
}

/// The setting a clause states after its verb: the object of "told", or the first
/// setting phrase before "that" or the clause's end.
pub(crate) fn setting_after(ws: &[Word<'_>], v: usize) -> Option<String> {
    let verb = ws[v].lower();
    if ws[v].stop {
        return None;
    }
    let rest = &ws[v + 1..];
    let end = clause_end(rest);
    if matches!(verb.as_str(), "told" | "tells" | "telling") {
        let phrase = strip_time(&rest[..told_object_end(rest, end)]);
        return (!phrase.is_empty()).then(|| format!("told {}", join(phrase)));
    }
    let from = (0..end).find(|&i| starts_setting(rest, i))?;
    let phrase = strip_time(&rest[from..end]);
    (phrase.len() > 1).then(|| join(phrase))
}

/// Where the object of "told" ends: at the clause's end, or where a reported
/// clause starts without "that" after a named object ("told Reuters the group
/// wanted…": a subject word right after the name).
fn told_object_end(rest: &[Word<'_>], end: usize) -> usize {
    let run = rest[..end].iter().take_while(|w| w.is_capitalised() && !w.comma && !w.stop).count();
    let subject_next = rest.get(run).is_some_and(|w| {
        matches!(
            w.lower().as_str(),
            "the" | "a" | "an" | "he" | "she" | "it" | "they" | "we" | "i" | "his" | "her" | "its" | "their"
        )
    });
    if run > 0 && run < end && subject_next { run } else { end }
}

/// A platform named anywhere in a clause ("congratulated his successor on X").
fn platform_in(ws: &[Word<'_>]) -> Option<String> {
    (0..ws.len().saturating_sub(1))
        .find(|&i| ws[i].lower() == "on" && starts_setting(ws, i) && ws[i + 1].lower() != "the")
        .map(|i| format!("on {}", ws[i + 1].core))
}

/// Where a setting phrase ends: before "that", or with the first word that ends the
/// clause (a comma, unless an apposition such as ", the Zocalo" follows).
pub(crate) fn clause_end(ws: &[Word<'_>]) -> usize {
    for (i, w) in ws.iter().enumerate() {
        let lower = w.lower();
        if matches!(
            lower.as_str(),
            "that" | "referring" | "adding" | "saying" | "as" | "when" | "while" | "before" | "and" | "but" | "because"
        ) {
            return i;
        }
        if w.stop && !super::sentences::is_abbreviation(w.core) {
            return i + 1;
        }
        if w.comma {
            let apposition =
                ws.get(i + 1).is_some_and(|n| n.lower() == "the") && ws.get(i + 2).is_some_and(Word::is_capitalised);
            if !apposition {
                return i + 1;
            }
        }
    }
    ws.len()
}

const WEEKDAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const DAY_PARTS: &[&str] = &["morning", "afternoon", "evening", "night"];

/// A phrase without the time expressions at its end ("on Thursday", "last week").
pub(crate) fn strip_time<'w, 'a>(ws: &'w [Word<'a>]) -> &'w [Word<'a>] {
    let mut ws = ws;
    loop {
        let n = ws.len();
        let lower: Vec<String> = ws.iter().map(Word::lower).collect();
        let cut = match lower.as_slice() {
            [.., on, day, part]
                if on == "on" && WEEKDAYS.contains(&day.as_str()) && DAY_PARTS.contains(&part.as_str()) =>
            {
                3
            }
            [.., on, day] if on == "on" && WEEKDAYS.contains(&day.as_str()) => 2,
            [.., last, unit]
                if matches!(last.as_str(), "last" | "this" | "next" | "earlier" | "later")
                    && matches!(unit.as_str(), "week" | "month" | "year" | "night" | "morning" | "weekend") =>
            {
                2
            }
            [.., word]
                if matches!(word.as_str(), "earlier" | "later" | "yesterday" | "today" | "separately" | "tonight") =>
            {
                1
            }
            [.., day] if WEEKDAYS.contains(&day.as_str()) && n > 1 => 1,
            _ => 0,
        };
        if cut == 0 || cut >= n {
            return ws;
        }
        ws = &ws[..n - cut];
    }
}

#[cfg(test)]
mod tests {
    use super::super::names::Pronoun;
    use super::*;

    fn named(name: &str) -> Subject {
        Subject::Named { name: name.into(), title: None }
    }

    #[test]
    fn a_pronoun_attribution_after_the_quote() {
        let a = after_quote(" he said.").unwrap();
        assert_eq!(a.subject, Subject::Pronoun(Pronoun::He));
        assert_eq!(a.setting, None);
    }

    #[test]
    fn an_inverted_attribution_gives_the_title_after_the_comma() {
        let a = after_quote(" said Mary Wanjiku, a 52-year-old farmer who lost her house.").unwrap();
        assert_eq!(a.subject, named("Mary Wanjiku"));
        assert_eq!(a.title.as_deref(), Some("a 52-year-old farmer who lost her house"));
    }

    #[test]
    fn a_relative_clause_is_no_title() {
        let a = after_quote(" said Hussein Fares, who fled the village of Aitaroun in October.").unwrap();
        assert_eq!(a.title, None);
    }

    #[test]
    fn settings_after_the_verb() {
        assert_eq!(after_quote(" Pacheco Pardo said on Twitter.").unwrap().setting.as_deref(), Some("on Twitter"));
        assert_eq!(
            after_quote(" he said in a statement on Thursday.").unwrap().setting.as_deref(),
            Some("in a statement")
        );
        assert_eq!(after_quote(" Ri said referring to his country.").unwrap().setting, None);
        assert_eq!(
            after_quote(" Sheinbaum told supporters in the capital’s main square, the Zocalo.")
                .unwrap()
                .setting
                .as_deref(),
            Some("told supporters in the capital’s main square, the Zocalo")
        );
    }

    #[test]
    fn a_reported_clause_without_that_is_not_part_of_told() {
        let a = clause("Abu Zuhri told Reuters the group wanted a plan.").unwrap();
        assert_eq!(a.setting.as_deref(), Some("told Reuters"));
        let a = clause("He told Al Jazeera from Chiang Mai that it was over.").unwrap();
        assert_eq!(a.setting.as_deref(), Some("told Al Jazeera from Chiang Mai"));
    }

    #[test]
    fn a_name_and_apposition_before_the_verb() {
        let a =
            after_quote(" Serhiy Popko, the head of the city’s military administration, said on Telegram.").unwrap();
        assert_eq!(a.subject, named("Serhiy Popko"));
        assert_eq!(a.title.as_deref(), Some("the head of the city’s military administration"));
        assert_eq!(a.setting.as_deref(), Some("on Telegram"));
    }

    #[test]
    fn reported_speech_with_a_role_subject_and_told() {
        let a = clause("On Thursday, a State Department spokesperson told South Korea’s Yonhap news agency that the US is open to a").unwrap();
        assert_eq!(a.subject, Subject::Role("State Department spokesperson".into()));
        assert_eq!(a.setting.as_deref(), Some("told South Korea’s Yonhap news agency"));
    }

    #[test]
    fn a_setting_in_front_of_the_clause() {
        let a = clause("In a televised address, Israeli Prime Minister Benjamin Netanyahu said Israel would retain")
            .unwrap();
        assert_eq!(a.setting.as_deref(), Some("in a televised address"));
        assert_eq!(
            a.subject,
            Subject::Named { name: "Benjamin Netanyahu".into(), title: Some("Israeli Prime Minister".into()) }
        );
    }

    #[test]
    fn a_title_in_front_of_the_name_with_commas() {
        let a =
            clause("Sudan's Minister of Information, Khalid al-Aiser, said in a post on Facebook that the government")
                .unwrap();
        assert_eq!(a.subject, named("Khalid al-Aiser"));
        assert_eq!(a.title.as_deref(), Some("Sudan's Minister of Information"));
        assert_eq!(a.setting.as_deref(), Some("in a post on Facebook"));
    }

    #[test]
    fn inverted_reported_speech() {
        let a = clause("North Korea is likely to act, said Daniel Russel, the top US diplomat for East Asia.").unwrap();
        assert_eq!(a.subject, named("Daniel Russel"));
        assert_eq!(a.title.as_deref(), Some("the top US diplomat for East Asia"));
    }

    #[test]
    fn a_participle_takes_the_clauses_subject() {
        let a = clause("Lopez Obrador congratulated his successor on X, writing that she had won").unwrap();
        assert_eq!(a.subject, named("Lopez Obrador"));
        assert_eq!(a.setting.as_deref(), Some("on X"));
    }

    #[test]
    fn a_question_put_in_front_is_not_the_verb() {
        let a = clause("Asked about the risk of escalation, he told reporters:").unwrap();
        assert_eq!(a.subject, Subject::Pronoun(Pronoun::He));
        assert_eq!(a.setting.as_deref(), Some("told reporters"));
    }

    #[test]
    fn a_clause_after_and_has_no_subject() {
        assert_eq!(clause("North Korea criticised the US, and said Washington should stay quiet."), None);
    }

    #[test]
    fn time_expressions_are_no_setting() {
        let ws = words("at a news conference in Brasilia on Wednesday night");
        assert_eq!(join(strip_time(&ws)), "at a news conference in Brasilia");
    }
}
