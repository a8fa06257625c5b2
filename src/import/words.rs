//! Words of a stretch of prose, with the punctuation around them, and the small
//! word lists the attribution rules read.

/// One word of prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word<'a> {
    /// The word without the punctuation around it ("Minister", "King’s", "OPEC+").
    pub core: &'a str,
    /// A comma follows it.
    pub comma: bool,
    /// A sentence or clause mark follows it (. ! ? ; :).
    pub stop: bool,
    /// A colon follows it.
    pub colon: bool,
}

impl Word<'_> {
    /// The word in lower case.
    pub(crate) fn lower(&self) -> String {
        self.core.to_lowercase()
    }

    /// Whether the word starts with a capital letter or a digit after one
    /// ("Ri", "COP29"), or is a name particle joined to a capital ("al-Aiser").
    pub(crate) fn is_capitalised(&self) -> bool {
        let mut chars = self.core.chars();
        match chars.next() {
            Some(c) if c.is_uppercase() => true,
            Some(_) => self.core.split_once('-').is_some_and(|(head, tail)| {
                NAME_PARTICLES.contains(&head) && tail.chars().next().is_some_and(char::is_uppercase)
            }),
            None => false,
        }
    }
}

const LEADING: &[char] = &['(', '“', '"', '‘', '\'', '[', '«'];
const TRAILING: &[char] = &[',', '.', ';', ':', '!', '?', ')', '”', '"', '’', '\'', ']', '»', '…'];

/// The words of `text`, split at white space, each with what follows it.
pub(crate) fn words(text: &str) -> Vec<Word<'_>> {
    text.split_whitespace()
        .filter_map(|raw| {
            let start = raw.trim_start_matches(LEADING);
            let core = start.trim_end_matches(TRAILING);
            let tail = &start[core.len()..];
            // A possessive plural keeps its apostrophe ("voters’"); a closing mark
            // after a letter is trimmed above and makes no difference to the rules.
            (!core.is_empty()).then_some(Word {
                core,
                comma: tail.contains(','),
                stop: tail.contains(['.', '!', '?', ';', ':']),
                colon: tail.contains(':'),
            })
        })
        .collect()
}

/// Joins words back into prose, without their punctuation except commas.
pub(crate) fn join(words: &[Word<'_>]) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(w.core);
        if w.comma && i + 1 < words.len() {
            out.push(',');
        }
    }
    out
}

/// Capitalised words that begin sentences or clauses without naming anyone.
pub(crate) const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "but",
    "and",
    "when",
    "if",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "this",
    "that",
    "asked",
    "under",
    "after",
    "before",
    "for",
    "from",
    "with",
    "as",
    "while",
    "there",
    "his",
    "her",
    "its",
    "their",
    "our",
    "my",
    "some",
    "many",
    "all",
    "both",
    "one",
    "two",
    "three",
    "more",
    "most",
    "other",
    "to",
    "by",
    "of",
    "meanwhile",
    "however",
    "still",
    "since",
    "until",
    "during",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
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
    "residents",
    "critics",
    "scientists",
    "analysts",
    "officials",
    "supporters",
    "aid",
    "human",
];

/// Lower-case particles inside names (Abdulaziz bin Salman, Khalid al-Aiser).
pub(crate) const NAME_PARTICLES: &[&str] = &[
    "bin", "bint", "ibn", "al", "el", "de", "da", "do", "dos", "das", "di", "del", "della", "van", "von", "der", "den",
    "la", "le", "du", "abu", "ter",
];

/// Titles of address that are not part of a name.
pub(crate) const HONORIFICS: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "justice",
    "rev",
    "reverend",
    "sheikh",
    "prince",
    "princess",
    "madam",
    "monsignor",
    "fr",
    "father",
    "sister",
    "brother",
    "hon",
    "honourable",
];

/// Nouns that name a role; a phrase holding one before a name is that person's title.
pub(crate) const ROLE_WORDS: &[&str] = &[
    "minister",
    "president",
    "secretary",
    "secretary-general",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "chancellor",
    "governor",
    "senator",
    "ambassador",
    "commissioner",
    "director",
    "director-general",
    "chief",
    "general",
    "commander",
    "mayor",
    "premier",
    "leader",
    "chair",
    "chairman",
    "chairwoman",
    "chairperson",
    "head",
    "envoy",
    "adviser",
    "advisor",
    "official",
    "officer",
    "expert",
    "analyst",
    "economist",
    "researcher",
    "lecturer",
    "scientist",
    "coach",
    "captain",
    "manager",
    "founder",
    "co-founder",
    "ceo",
    "editor",
    "correspondent",
    "representative",
    "king",
    "queen",
    "pope",
    "judge",
    "prosecutor",
    "lawyer",
    "attorney",
    "negotiator",
    "rival",
    "strategist",
    "fellow",
    "activist",
    "campaigner",
    "mp",
    "lawmaker",
    "legislator",
    "diplomat",
    "inspector",
    "colonel",
    "lieutenant",
    "sergeant",
    "admiral",
    "marshal",
    "mufti",
    "imam",
    "bishop",
    "archbishop",
    "cardinal",
    "rabbi",
    "superintendent",
    "coordinator",
    "administrator",
    "president-elect",
    "vice-president",
    "prime",
    "deputy",
    "speaker",
    "councillor",
    "trustee",
    "professor",
    "teacher",
    "doctor",
    "surgeon",
    "nurse",
    "farmer",
    "student",
    "resident",
    "witness",
    "owner",
    "worker",
    "journalist",
    "reporter",
    "author",
    "historian",
    "member",
    "partner",
    "principal",
    "dean",
    "provost",
    "governor-general",
    "congressman",
    "congresswoman",
    "businessman",
    "businesswoman",
    "policeman",
    "policewoman",
    "assemblyman",
    "premier",
];

/// Words that start a clause that is not a title ("who fled", "whose party").
pub(crate) const RELATIVES: &[&str] = &["who", "whose", "which", "whom", "where", "when", "while", "as"];

/// Whether a lower-cased word is a role noun.
pub(crate) fn is_role_word(lower: &str) -> bool {
    let l = lower;
    ROLE_WORDS.contains(&l) || l.split('-').any(|part| ROLE_WORDS.contains(&part))
}

/// Whether a word (any case, with or without a full stop) is a title of address.
pub(crate) fn is_honorific(core: &str) -> bool {
    HONORIFICS.contains(&core.to_lowercase().trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_their_core_and_note_what_follows() {
        let w = words("“Yes,” said Dr. Fink: (OPEC+)");
        let cores: Vec<&str> = w.iter().map(|w| w.core).collect();
        assert_eq!(cores, vec!["Yes", "said", "Dr", "Fink", "OPEC+"]);
        assert!(w[0].comma);
        assert!(w[2].stop && !w[2].colon);
        assert!(w[3].colon);
    }

    #[test]
    fn capitalised_words_include_particle_names() {
        let w = words("Ri al-Aiser bin said COP29");
        let caps: Vec<bool> = w.iter().map(Word::is_capitalised).collect();
        assert_eq!(caps, vec![true, true, false, false, true]);
    }

    #[test]
    fn join_keeps_inner_commas_only() {
        assert_eq!(join(&words("the capital’s main square, the Zocalo.")), "the capital’s main square, the Zocalo");
    }

    #[test]
    fn role_words_are_found_in_compounds_and_possessives() {
        assert!(is_role_word("secretary-general"));
        assert!(is_role_word("spokeswoman"));
        assert!(!is_role_word("alliance's"));
        assert!(!is_role_word("government"));
    }

    #[test]
    fn honorifics_are_matched_with_or_without_full_stop() {
        assert!(is_honorific("Dr."));
        assert!(is_honorific("Mr"));
        assert!(!is_honorific("Minister"));
    }
}
