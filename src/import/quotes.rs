//! The quotations of a body, each with its speaker, the speaker's title and the
//! setting, read in order the way an editor reads them.

use std::collections::HashMap;

use super::attribution::{Attribution, after_quote, clause};
use super::classify::is_quotation;
use super::marks::{Span, spans};
use super::mentions;
use super::registry::Registry;
use super::sentences::{Piece, Sentence, sentences};

/// One quotation with who said it, in what role, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractedQuote {
    /// The words between the marks, without the comma that ends a quotation before
    /// its attribution.
    pub text: String,
    /// Who said it; `None` when nobody could be found.
    pub speaker_name: Option<String>,
    /// The speaker's role as the page gives it.
    pub speaker_title: Option<String>,
    /// Where or how it was said.
    pub context: Option<String>,
}

/// The quotations of the body paragraphs, in order.
pub(crate) fn extract_quotes(body: &[String]) -> Vec<ExtractedQuote> {
    let kept: Vec<Span> =
        spans(body).into_iter().filter(|s| is_quotation(&s.inner, &body[s.open.0][..s.open.1])).collect();
    let sents = sentences(body, &ranges(body, &kept));
    let mut registry = Registry::default();
    for s in &sents {
        for p in &s.pieces {
            if let Piece::Text(t) = p {
                mentions::scan(t, &mut registry);
            }
        }
    }
    let mut reader = Reader { registry, settings: HashMap::new(), last_quote: None, found: vec![None; kept.len()] };
    for s in &sents {
        reader.read(s, body, &kept);
    }
    kept.iter()
        .zip(reader.found)
        .map(|(span, found)| {
            let (speaker, context) = found.unwrap_or((None, None));
            let entity = speaker.map(|id| &reader.registry.entities[id]);
            ExtractedQuote {
                text: quote_text(&span.inner),
                speaker_name: entity.map(|e| e.name.clone()),
                speaker_title: entity.and_then(|e| e.title.clone()),
                context,
            }
        })
        .collect()
}

/// The byte ranges the quotations cover, paragraph by paragraph, for `sentences`.
fn ranges(body: &[String], kept: &[Span]) -> Vec<(usize, usize, usize, Option<usize>)> {
    let mut out = Vec::new();
    for (qi, s) in kept.iter().enumerate() {
        if s.open.0 == s.close.0 {
            out.push((s.open.0, s.open.1, s.close.1, Some(qi)));
            continue;
        }
        out.push((s.open.0, s.open.1, body[s.open.0].len(), None));
        for (p, para) in body.iter().enumerate().take(s.close.0).skip(s.open.0 + 1) {
            out.push((p, 0, para.len(), None));
        }
        out.push((s.close.0, 0, s.close.1, Some(qi)));
    }
    out.sort_by_key(|r| (r.0, r.1));
    out
}

/// A quotation's text: trimmed, without a comma that ends it before its attribution.
pub(crate) fn quote_text(inner: &str) -> String {
    inner.trim().trim_end_matches(',').trim_end().to_owned()
}

/// The state of reading the body in order.
struct Reader {
    registry: Registry,
    /// The setting last stated for each speaker, kept while nobody else is quoted.
    settings: HashMap<usize, String>,
    /// The paragraph and speaker of the last quotation.
    last_quote: Option<(usize, Option<usize>)>,
    found: Vec<Option<(Option<usize>, Option<String>)>>,
}

impl Reader {
    fn read(&mut self, s: &Sentence, body: &[String], kept: &[Span]) {
        let quotes: Vec<usize> =
            s.pieces.iter().enumerate().filter(|(_, p)| matches!(p, Piece::Quote(_))).map(|(i, _)| i).collect();
        if quotes.is_empty() {
            let text: String = s.pieces.iter().map(|p| if let Piece::Text(t) = p { t.as_str() } else { "" }).collect();
            self.reported(&text);
            return;
        }
        for at in quotes {
            let Piece::Quote(qi) = s.pieces[at] else { continue };
            let attribution = self.attribution(s, at, &kept[qi], body);
            self.quoted(qi, s.para, attribution);
        }
    }

    /// The attribution of the quotation at piece `at`: after it, else before it in
    /// the same sentence, else (for one that runs over paragraphs) before its opening.
    fn attribution(&self, s: &Sentence, at: usize, span: &Span, body: &[String]) -> Option<Attribution> {
        let text_at = |i: usize| match s.pieces.get(i) {
            Some(Piece::Text(t)) => Some(t.as_str()),
            _ => None,
        };
        let after = text_at(at + 1).and_then(after_quote);
        let before = || at.checked_sub(1).and_then(text_at).and_then(clause);
        let opening = || {
            (span.open.0 != span.close.0).then(|| &body[span.open.0][..span.open.1]).and_then(|t| {
                let last = super::sentences::sentence_ends(t).last().copied().unwrap_or(0);
                clause(&t[last..])
            })
        };
        after.or_else(before).or_else(opening)
    }

    /// Reported speech: notes the speaker and the setting it states.
    fn reported(&mut self, text: &str) {
        let Some(a) = clause(text) else { return };
        let Some(id) = self.registry.resolve(&a.subject, a.title) else { return };
        self.registry.spoke(id);
        if let Some(setting) = a.setting {
            self.settings.insert(id, setting);
        }
    }

    /// A quotation: its speaker from the attribution, else the last quotation's in
    /// the same paragraph, else the last speaker; its setting from the attribution,
    /// else the one last stated for the same speaker.
    fn quoted(&mut self, qi: usize, para: usize, attribution: Option<Attribution>) {
        let (speaker, setting) = match attribution {
            Some(a) => (self.registry.resolve(&a.subject, a.title), a.setting),
            None => {
                let inherited = match self.last_quote {
                    Some((p, speaker)) if p == para => speaker,
                    _ => self.registry.last_speaker(super::names::Pronoun::They),
                };
                (inherited, None)
            }
        };
        let context = setting.or_else(|| speaker.and_then(|id| self.settings.get(&id).cloned()));
        self.settings.retain(|k, _| Some(*k) == speaker);
        if let Some(id) = speaker {
            self.registry.spoke(id);
            if let Some(c) = &context {
                self.settings.insert(id, c.clone());
            }
        }
        self.last_quote = Some((para, speaker));
        self.found[qi] = Some((speaker, context));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(paras: &[&str]) -> Vec<ExtractedQuote> {
        extract_quotes(&paras.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn quote_text_drops_the_comma_before_the_attribution() {
        assert_eq!(quote_text(" It will not last, "), "It will not last");
        assert_eq!(quote_text("We have heard them."), "We have heard them.");
    }

    #[test]
    fn a_split_quotation_is_two_quotes_by_the_same_speaker() {
        let q = quotes(&["“North Korea needs a deal,” Ramon Pacheco Pardo said on Twitter. “That hasn’t changed.”"]);
        assert_eq!(q.len(), 2);
        assert_eq!(q[1].speaker_name.as_deref(), Some("Ramon Pacheco Pardo"));
        assert_eq!(q[1].context.as_deref(), Some("on Twitter"));
    }

    #[test]
    fn a_pronoun_takes_the_last_speaker_and_the_setting_carries_over() {
        let q = quotes(&[
            "Foreign Minister Ri Son Gwon said in a statement carried by KCNA that talks were over.",
            "Ri said in retrospect that it had failed.",
            "“Never again will we give anything away,” he said.",
        ]);
        assert_eq!(q[0].speaker_name.as_deref(), Some("Ri Son Gwon"));
        assert_eq!(q[0].speaker_title.as_deref(), Some("Foreign Minister"));
        assert_eq!(q[0].context.as_deref(), Some("in a statement carried by KCNA"));
    }

    #[test]
    fn another_speaker_quoted_in_between_drops_the_setting() {
        let q = quotes(&[
            "“First point here,” Jane Roe said on Twitter.",
            "“Other point here,” said John Doe.",
            "“Second point here,” Roe said.",
        ]);
        assert_eq!(q[2].speaker_name.as_deref(), Some("Jane Roe"));
        assert_eq!(q[2].context, None);
    }

    #[test]
    fn a_quotation_over_two_paragraphs_is_one() {
        let q = quotes(&[
            "A WHO spokesman described it.",
            "“Surgeons had no light.",
            "“We saw hunger,” the spokesman said.",
        ]);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].text, "Surgeons had no light. We saw hunger");
        assert_eq!(q[0].speaker_name.as_deref(), Some("WHO spokesman"));
    }

    #[test]
    fn scare_quotes_and_titles_are_left_out() {
        let q = quotes(&["The film, “Lines of Fire”, was called a “betrayal” by critics."]);
        assert!(q.is_empty());
    }
}
