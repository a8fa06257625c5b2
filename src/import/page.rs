//! The layout of a scraped news page: the date line, the headline, the standfirst,
//! the body, and the boxes inside and after it ("More:", a feature block, the
//! source line, "Related Posts") that are not part of the story.

use chrono::NaiveDate;

use super::date::parse_date_line;

/// A page cut into its parts, before any quote is looked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    /// The date line's date, when the first paragraph is one.
    pub date: Option<NaiveDate>,
    /// The headline.
    pub headline: Option<String>,
    /// The standfirst, the paragraph under the headline.
    pub standfirst: Option<String>,
    /// The story's paragraphs, boxes and trailer taken out.
    pub body: Vec<String>,
    /// The titles listed in the "More:" box, in order.
    pub more: Vec<String>,
    /// The feature block after the body: programme and title.
    pub feature: Option<(String, String)>,
    /// What follows "Source:".
    pub source_name: Option<String>,
}

/// One paragraph of the page and how many blank lines came before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Paragraph {
    pub text: String,
    pub blank_lines_before: usize,
}

/// The longest programme name of a feature block, in words.
const MAX_PROGRAMME_WORDS: usize = 5;
/// The longest feature title, in words.
const MAX_FEATURE_TITLE_WORDS: usize = 25;

/// Cuts the page text into paragraphs at blank lines; the lines of one paragraph are
/// joined by a space, and white space around each is dropped.
pub(crate) fn paragraphs(text: &str) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    let mut blanks = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !lines.is_empty() {
                out.push(Paragraph { text: lines.join(" "), blank_lines_before: blanks });
                lines.clear();
                blanks = 0;
            }
            blanks += 1;
        } else {
            lines.push(line);
        }
    }
    if !lines.is_empty() {
        out.push(Paragraph { text: lines.join(" "), blank_lines_before: blanks });
    }
    out
}

/// Reads the layout of a page.
pub fn layout(text: &str) -> Layout {
    let mut paras = paragraphs(text);
    let mut page = Layout::default();
    let tail = cut_trailer(&mut paras);
    page.source_name = tail;
    let mut rest = paras.into_iter();
    let mut first = rest.next();
    if let Some(p) = &first
        && let Some(date) = parse_date_line(&p.text)
    {
        page.date = Some(date);
        first = rest.next();
    }
    page.headline = first.map(|p| p.text);
    page.standfirst = rest.next().map(|p| p.text);
    let mut body: Vec<Paragraph> = rest.collect();
    page.feature = cut_feature(&mut body);
    page.more = cut_more_boxes(&mut body);
    page.body = body.into_iter().map(|p| p.text).collect();
    page
}

/// Takes the source line and everything after it ("Related Posts" and the like) off
/// the end, and returns the source's name. Without a source line, a last "Related
/// Posts" paragraph still goes.
pub(crate) fn cut_trailer(paras: &mut Vec<Paragraph>) -> Option<String> {
    if let Some(at) = paras.iter().rposition(|p| source_line(&p.text).is_some()) {
        let name = source_line(&paras[at].text).map(str::to_owned);
        paras.truncate(at);
        return name.filter(|n| !n.is_empty());
    }
    while paras.last().is_some_and(|p| is_related_posts(&p.text)) {
        paras.pop();
    }
    None
}

/// The name on a "Source: X" line.
pub(crate) fn source_line(text: &str) -> Option<&str> {
    let (head, rest) = text.split_once(':')?;
    head.trim().eq_ignore_ascii_case("source").then(|| rest.trim())
}

/// Whether a paragraph is the "Related Posts" heading of a trailer.
pub(crate) fn is_related_posts(text: &str) -> bool {
    let t = text.trim().trim_end_matches(':').to_lowercase();
    t == "related posts" || t == "related" || t == "related stories" || t == "related articles"
}

/// Takes a feature block (a programme name, then a title) off the end of the body.
/// It is told from the story's last paragraph by its shape: a programme name is a few
/// words with no closing punctuation, and the block usually stands after a wider gap.
pub(crate) fn cut_feature(body: &mut Vec<Paragraph>) -> Option<(String, String)> {
    let n = body.len();
    if n < 3 {
        return None;
    }
    let (programme, title) = (&body[n - 2], &body[n - 1]);
    let programme_words = programme.text.split_whitespace().count();
    let title_words = title.text.split_whitespace().count();
    let looks_like_name = programme_words <= MAX_PROGRAMME_WORDS && !ends_sentence(&programme.text);
    let title_fits = title_words <= MAX_FEATURE_TITLE_WORDS && !title.text.ends_with('.') && !is_bullet(&title.text);
    if looks_like_name && title_fits && (programme.blank_lines_before >= 2 || !ends_sentence(&title.text)) {
        let feature = (programme.text.clone(), title.text.clone());
        body.truncate(n - 2);
        return Some(feature);
    }
    None
}

/// Whether text ends as a sentence does (a full stop, question or exclamation mark,
/// or a closing quotation mark after one).
pub(crate) fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end_matches(['”', '"', '’', '\'', ')']);
    t.ends_with(['.', '?', '!', '…', ':'])
}

/// Takes every "More:" box (the heading and its bulleted titles) out of the body and
/// returns the titles.
pub(crate) fn cut_more_boxes(body: &mut Vec<Paragraph>) -> Vec<String> {
    let mut titles = Vec::new();
    let mut kept = Vec::with_capacity(body.len());
    let mut in_box = false;
    for p in body.drain(..) {
        if is_more_heading(&p.text) {
            in_box = true;
            continue;
        }
        if in_box && is_bullet(&p.text) {
            titles.push(bullet_text(&p.text).to_owned());
            continue;
        }
        in_box = false;
        kept.push(p);
    }
    *body = kept;
    titles
}

/// Whether a paragraph is the heading of a "More:" box.
pub(crate) fn is_more_heading(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    t == "more:" || t == "more" || t == "read more:" || t == "also read:"
}

/// The bullets a box lists its titles with.
const BULLETS: [char; 6] = ['•', '·', '*', '-', '–', '▪'];

/// Whether a paragraph is a bulleted line.
pub(crate) fn is_bullet(text: &str) -> bool {
    text.trim_start().starts_with(BULLETS)
}

/// A bulleted line's text without its bullet.
pub(crate) fn bullet_text(text: &str) -> &str {
    text.trim_start().trim_start_matches(BULLETS).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "Thursday, 28 Mar 2024\n\nHeadline here\n\nThe standfirst.\n\nFirst paragraph.\n\nMore:\n\n  • One title\n\n  • ‘Two’: title\n\nSecond paragraph.\n\n\nThe Stream\n\n#Tag: What happened?\n\nSource: Read Full Article\n\nRelated Posts";

    #[test]
    fn paragraphs_split_at_blank_lines_and_count_the_gap() {
        let p = paragraphs("a\nb\n\n\n c \n");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].text, "a b");
        assert_eq!(p[1].text, "c");
        assert_eq!(p[1].blank_lines_before, 2);
    }

    #[test]
    fn layout_finds_every_part_of_the_seed_shape() {
        let l = layout(PAGE);
        assert_eq!(l.date, NaiveDate::from_ymd_opt(2024, 3, 28));
        assert_eq!(l.headline.as_deref(), Some("Headline here"));
        assert_eq!(l.standfirst.as_deref(), Some("The standfirst."));
        assert_eq!(l.body, vec!["First paragraph.", "Second paragraph."]);
        assert_eq!(l.more, vec!["One title", "‘Two’: title"]);
        assert_eq!(l.feature, Some(("The Stream".into(), "#Tag: What happened?".into())));
        assert_eq!(l.source_name.as_deref(), Some("Read Full Article"));
    }

    #[test]
    fn a_page_without_date_line_starts_with_its_headline() {
        let l = layout("Headline\n\nStandfirst.\n\nBody.");
        assert_eq!(l.date, None);
        assert_eq!(l.headline.as_deref(), Some("Headline"));
        assert_eq!(l.body, vec!["Body."]);
    }

    #[test]
    fn trailer_without_source_line_drops_related_posts_only() {
        let mut p = paragraphs("A.\n\nB.\n\nRelated Posts");
        assert_eq!(cut_trailer(&mut p), None);
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn source_line_reads_the_name() {
        assert_eq!(source_line("Source: Al Jazeera"), Some("Al Jazeera"));
        assert_eq!(source_line("Sources said: no"), None);
    }

    #[test]
    fn a_last_paragraph_that_is_prose_is_not_a_feature() {
        let mut body = paragraphs("One.\n\nElection pressure\n\nShe said it was over.");
        assert_eq!(cut_feature(&mut body), None);
        assert_eq!(body.len(), 3);
    }

    #[test]
    fn more_box_ends_at_the_first_paragraph_that_is_not_a_bullet() {
        let mut body = paragraphs("A.\n\nMore:\n\n• T1\n\n- T2\n\nB.");
        assert_eq!(cut_more_boxes(&mut body), vec!["T1", "T2"]);
        assert_eq!(body.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(), vec!["A.", "B."]);
    }

    #[test]
    fn ends_sentence_looks_through_closing_marks() {
        assert!(ends_sentence("He said “no.”"));
        assert!(!ends_sentence("The Stream"));
    }
}
