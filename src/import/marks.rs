//! Quotation marks: which style a page quotes in, and the spans between its marks,
//! over paragraph breaks where a quotation runs on.

/// The quotation marks a page opens its quotations with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// “…” or "…", with ‘…’ nested inside.
    Double,
    /// ‘…’, the British headline style, with “…” nested inside.
    Single,
}

/// A quotation found in the body: where it opens and closes, and its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    /// Paragraph and byte offset of the opening mark.
    pub open: (usize, usize),
    /// Paragraph and byte offset just past the closing mark (or the paragraph's end).
    pub close: (usize, usize),
    /// The words between the marks, a paragraph break read as one space.
    pub inner: String,
}

const DOUBLE_OPEN: [char; 4] = ['“', '„', '«', '"'];
const DOUBLE_CLOSE: [char; 3] = ['”', '»', '"'];

/// The page's quoting style: double marks if any are used, else single curly marks.
pub(crate) fn style(paras: &[String]) -> Style {
    let double = paras.iter().any(|p| p.contains(DOUBLE_OPEN) || p.contains('”'));
    if double { Style::Double } else { Style::Single }
}

/// Every quotation span of the body, in order.
pub(crate) fn spans(paras: &[String]) -> Vec<Span> {
    let style = style(paras);
    let mut out = Vec::new();
    let mut open: Option<((usize, usize), String)> = None;
    for (pi, para) in paras.iter().enumerate() {
        let mut from = 0;
        if open.is_some() {
            // A quotation left open at a paragraph's end runs on only when the next
            // paragraph opens with a mark again; else it closes where its paragraph did.
            match para.chars().next() {
                Some(c) if is_opening(style, c) => {
                    if let Some((_, inner)) = open.as_mut() {
                        inner.push(' ');
                    }
                    from = c.len_utf8();
                }
                _ => {
                    if let Some((start, inner)) = open.take() {
                        let end = (pi - 1, paras[pi - 1].len());
                        out.push(Span { open: start, close: end, inner: inner.trim().to_owned() });
                    }
                }
            }
        }
        scan_paragraph(style, pi, para, from, &mut open, &mut out);
    }
    if let Some((start, inner)) = open {
        let last = paras.len() - 1;
        out.push(Span { open: start, close: (last, paras[last].len()), inner: inner.trim().to_owned() });
    }
    out
}

fn is_opening(style: Style, c: char) -> bool {
    match style {
        Style::Double => DOUBLE_OPEN.contains(&c),
        Style::Single => c == '‘',
    }
}

/// Scans one paragraph from byte `from`, carrying a quotation that is still open.
fn scan_paragraph(
    style: Style,
    pi: usize,
    para: &str,
    from: usize,
    open: &mut Option<((usize, usize), String)>,
    out: &mut Vec<Span>,
) {
    let chars: Vec<(usize, char)> = para[from..].char_indices().map(|(i, c)| (i + from, c)).collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let prev = if k == 0 { (from > 0).then_some(' ') } else { Some(chars[k - 1].1) };
        let next = chars.get(k + 1).map(|&(_, c)| c);
        match open.as_mut() {
            None => {
                if opens_here(style, c, prev) {
                    *open = Some(((pi, i), String::new()));
                }
            }
            Some((_, inner)) => {
                if closes_here(style, c, prev, next, inner) {
                    if let Some((start, inner)) = open.take() {
                        out.push(Span { open: start, close: (pi, i + c.len_utf8()), inner: inner.trim().to_owned() });
                    }
                } else {
                    inner.push(c);
                }
            }
        }
    }
}

/// Whether `c` opens a quotation: any opening mark in the double style; in the
/// single style a ‘ at the start of a word (an apostrophe never stands there).
pub(crate) fn opens_here(style: Style, c: char, prev: Option<char>) -> bool {
    match style {
        Style::Double => DOUBLE_OPEN.contains(&c),
        Style::Single => c == '‘' && prev.is_none_or(|p| p.is_whitespace() || "([—–-“\"".contains(p)),
    }
}

/// Whether `c` closes the quotation whose words so far are `inner`. In the single
/// style a ’ is also the apostrophe: it closes only before a non-letter, and then
/// only after punctuation, before punctuation, or after a few words (a plural
/// possessive inside a long quotation, "the voters’ concerns", does not close it).
pub(crate) fn closes_here(style: Style, c: char, prev: Option<char>, next: Option<char>, inner: &str) -> bool {
    match style {
        Style::Double => DOUBLE_CLOSE.contains(&c),
        Style::Single => {
            if c != '’' || next.is_some_and(char::is_alphanumeric) {
                return false;
            }
            let after_punct = prev.is_some_and(|p| ".,!?…".contains(p));
            let before_punct = next.is_none_or(|n| ",.;:!?)—–".contains(n));
            after_punct || before_punct || inner.split_whitespace().count() <= 3
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(paras: &[&str]) -> Vec<String> {
        let paras: Vec<String> = paras.iter().map(|p| (*p).to_owned()).collect();
        spans(&paras).into_iter().map(|s| s.inner).collect()
    }

    #[test]
    fn curly_and_straight_double_marks_both_quote() {
        assert_eq!(texts(&["“One,” he said. \"Two.\""]), vec!["One,", "Two."]);
    }

    #[test]
    fn nested_single_marks_stay_inside() {
        assert_eq!(
            texts(&["“Trump’s claim to have ‘solved’ it,” he said."]),
            vec!["Trump’s claim to have ‘solved’ it,"]
        );
    }

    #[test]
    fn a_quotation_left_open_runs_into_a_paragraph_that_opens_again() {
        assert_eq!(texts(&["“First part.", "“Second part,” she said."]), vec!["First part. Second part,"]);
    }

    #[test]
    fn a_quotation_left_open_before_plain_prose_closes_at_its_paragraph() {
        let paras = vec!["“Unclosed".to_owned(), "Prose.".to_owned()];
        let s = spans(&paras);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].close, (0, "“Unclosed".len()));
    }

    #[test]
    fn single_style_is_used_only_without_double_marks() {
        assert_eq!(style(&["‘A,’ he said.".to_owned()]), Style::Single);
        assert_eq!(style(&["‘A’ and “B”".to_owned()]), Style::Double);
    }

    #[test]
    fn single_style_tells_apostrophes_from_closing_marks() {
        assert_eq!(
            texts(&["‘I’m fed up with the voters’ concerns being ignored,’ Davey said. ‘Short’ words."]),
            vec!["I’m fed up with the voters’ concerns being ignored,", "Short"]
        );
    }

    #[test]
    fn opening_single_mark_must_start_a_word() {
        assert!(opens_here(Style::Single, '‘', Some(' ')));
        assert!(!opens_here(Style::Single, '‘', Some('x')));
    }

    #[test]
    fn many_marks_are_scanned_without_trouble() {
        let page = "\"".repeat(2001);
        assert_eq!(spans(&[page]).len(), 1001);
    }
}
