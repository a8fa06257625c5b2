//! Sentences of the body: its paragraphs cut at sentence ends, with each quotation
//! kept whole as one piece of the sentence it stands in.

/// A piece of a sentence: prose, or a quotation (by its index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(String),
    Quote(usize),
}

/// One sentence: its paragraph and its pieces in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sentence {
    pub para: usize,
    pub pieces: Vec<Piece>,
}

/// Words whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "lt", "col", "sgt", "capt", "rev", "gov", "sen", "rep", "vs", "jan",
    "feb", "aug", "sept", "oct", "nov", "dec", "jr", "sr", "inc", "ltd", "co", "corp", "u.s", "u.n", "u.k", "e.g",
    "i.e", "mt", "ft", "fr", "hon", "approx", "est", "cmdr", "adm", "maj", "brig",
];

/// Whether a word (without its full stop) is an abbreviation, or an initial.
pub(crate) fn is_abbreviation(core: &str) -> bool {
    let lower = core.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str()) || (core.chars().count() == 1 && core.chars().all(char::is_uppercase))
}

/// Byte offsets in `text` just past each sentence end: a full stop, question or
/// exclamation mark (and any closing marks after it) followed by space and a
/// capital letter or an opening mark, unless the word is an abbreviation.
pub(crate) fn sentence_ends(text: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '?' | '!') {
            continue;
        }
        let mut j = k + 1;
        while j < chars.len() && matches!(chars[j].1, '”' | '"' | '’' | '\'' | ')') {
            j += 1;
        }
        let Some(&(space_at, space)) = chars.get(j) else { continue };
        // At the end of a stretch of prose a quotation follows: the sentence ends.
        if space.is_whitespace()
            && chars[j..].iter().all(|(_, c)| c.is_whitespace())
            && !is_abbreviation(word_before(text, i))
        {
            ends.push(space_at);
            continue;
        }
        if !space.is_whitespace() {
            continue;
        }
        let next = chars[j..].iter().find(|(_, c)| !c.is_whitespace()).map(|&(_, c)| c);
        let starts_anew = next.is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || "“\"‘«".contains(n));
        if starts_anew && (c != '.' || !is_abbreviation(word_before(text, i))) {
            ends.push(space_at);
        }
    }
    ends
}

/// The word that ends at byte `i`.
fn word_before(text: &str, i: usize) -> &str {
    let word_start = text[..i].rfind(char::is_whitespace).map_or(0, |s| s + 1);
    text[word_start..i].trim_start_matches(['(', '“', '"', '‘'])
}

/// Cuts paragraphs into sentences. Quotations are given as `(paragraph, start, end,
/// index)` byte ranges in order; a range with no index is the part of a quotation
/// that runs on into a later paragraph, where its piece stands. A quotation that ends in a full stop, question
/// or exclamation mark ends its sentence unless lower-case prose follows ("…?” he
/// asked).
pub(crate) fn sentences(paras: &[String], quotes: &[(usize, usize, usize, Option<usize>)]) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (pi, para) in paras.iter().enumerate() {
        let mut current: Vec<Piece> = Vec::new();
        let mut at = 0;
        let mut ended_quote = false;
        for &(_, start, end, qi) in quotes.iter().filter(|q| q.0 == pi) {
            push_text(&mut out, &mut current, pi, &para[at..start.max(at)], ended_quote);
            if let Some(qi) = qi {
                current.push(Piece::Quote(qi));
                ended_quote = quote_ends_sentence(&para[start..end]);
            }
            at = end.max(at);
        }
        push_text(&mut out, &mut current, pi, &para[at..], ended_quote);
        if !current.is_empty() {
            out.push(Sentence { para: pi, pieces: current });
        }
    }
    out
}

fn quote_ends_sentence(quoted: &str) -> bool {
    quoted.trim_end_matches(['”', '"', '’', '»']).ends_with(['.', '?', '!'])
}

/// Adds prose to the current sentence, closing sentences at its sentence ends.
fn push_text(out: &mut Vec<Sentence>, current: &mut Vec<Piece>, para: usize, text: &str, after_ended_quote: bool) {
    if text.trim().is_empty() {
        return;
    }
    if after_ended_quote && text.trim_start().chars().next().is_some_and(|c| c.is_uppercase()) {
        out.push(Sentence { para, pieces: std::mem::take(current) });
    }
    let mut from = 0;
    for end in sentence_ends(text) {
        current.push(Piece::Text(text[from..end].to_owned()));
        out.push(Sentence { para, pieces: std::mem::take(current) });
        from = end;
    }
    if !text[from..].trim().is_empty() {
        current.push(Piece::Text(text[from..].to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_ends_skip_abbreviations_and_initials() {
        let t = "Dr. Fink spoke. J. Smith said no. Then he left.";
        assert_eq!(sentence_ends(t).len(), 2);
    }

    #[test]
    fn a_quote_ending_in_a_full_stop_ends_its_sentence_before_capitalised_prose() {
        let p = vec!["“One.” Then more. “Two?” he asked.".to_owned()];
        let q1 = (0, 0, "“One.”".len(), Some(0));
        let s2 = p[0].find("“Two").unwrap();
        let q2 = (0, s2, s2 + "“Two?”".len(), Some(1));
        let s = sentences(&p, &[q1, q2]);
        assert_eq!(s.len(), 3);
        assert_eq!(s[2].pieces[0], Piece::Quote(1));
        assert_eq!(s[2].pieces[1], Piece::Text(" he asked.".into()));
    }

    #[test]
    fn prose_sentences_are_cut_at_their_ends() {
        let p = vec!["A said so. B did not.".to_owned()];
        assert_eq!(sentences(&p, &[]).len(), 2);
    }
}
