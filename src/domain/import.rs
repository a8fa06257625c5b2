//! An imported page turned into what a nested create takes: the article's fields,
//! its quotes, and the titles its links must be resolved from. The rules of what
//! an import stores, refuses, or leaves out with a warning live here.

use chrono::{DateTime, NaiveTime, Utc};

use super::FieldError;
use super::article::{ArticleInput, ArticleStatus, MAX_SOURCE_URL_LEN};
use super::quote::{MAX_CONTEXT_LEN, MAX_SPEAKER_NAME_LEN, MAX_SPEAKER_TITLE_LEN, MAX_TEXT_LEN, QuoteInput};
use super::related_link::{LinkRelation, MAX_LINKS_PER_PUT};
use super::text::http_url;
use crate::import::{ExtractedQuote, Extraction};

/// The most pages one NDJSON request may carry.
pub(crate) const MAX_BATCH_LINES: usize = 1000;

/// The options of an import request, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImportOptions {
    pub source_url: Option<String>,
    pub status: ArticleStatus,
    pub dry_run: bool,
}

impl ImportOptions {
    /// Checks the query parameters, reporting each broken one.
    pub(crate) fn parse(
        source_url: Option<String>,
        status: Option<String>,
        dry_run: Option<String>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Some(url) = &source_url
            && let Err(e) = http_url(url, MAX_SOURCE_URL_LEN)
        {
            errors.push(FieldError::parameter("source_url", e));
        }
        let status = match status.as_deref().map(ArticleStatus::parse) {
            None => ArticleStatus::Draft,
            Some(Some(s)) => s,
            Some(None) => {
                errors.push(FieldError::parameter("status", "must be draft, published or archived"));
                ArticleStatus::Draft
            }
        };
        let dry_run = match dry_run.as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                errors.push(FieldError::parameter("dry_run", "must be true or false"));
                false
            }
        };
        if errors.is_empty() { Ok(Self { source_url, status, dry_run }) } else { Err(errors) }
    }
}

/// A page read and mapped onto a nested create, before its links are resolved.
#[derive(Debug, Clone)]
pub(crate) struct ImportDraft {
    pub article: ArticleInput,
    pub quotes: Vec<QuoteInput>,
    /// The "More:" titles, then the feature title, with the relation each link gets.
    pub link_titles: Vec<(LinkRelation, String)>,
    pub warnings: Vec<String>,
}

/// Checks the page text itself: not empty, and text rather than binary data (a NUL
/// or other control characters, which no page holds).
pub(crate) fn check_page(text: &str) -> Result<(), FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::body("", "the page is empty"));
    }
    let control = text.chars().filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')).count();
    if control > 0 {
        return Err(FieldError::body("", format!("the page holds {control} control characters: it is not text")));
    }
    Ok(())
}

impl ImportDraft {
    /// Maps an extraction onto a nested create. A page without a headline cannot be
    /// an article (422); a quotation whose speaker was not found, or whose fields
    /// break a quote's limits, is left out with a warning.
    pub(crate) fn new(page: Extraction, options: &ImportOptions) -> Result<Self, FieldError> {
        let title = page.headline.ok_or_else(|| FieldError::body("", "the page has no headline"))?;
        let article = ArticleInput {
            title,
            summary: page.standfirst,
            body: page.body,
            status: Some(options.status),
            published_at: page
                .date
                .map(|d| DateTime::<Utc>::from_naive_utc_and_offset(d.and_time(NaiveTime::MIN), Utc)),
            source_name: page.source_name,
            source_url: options.source_url.clone(),
            ..ArticleInput::default()
        };
        let mut warnings = Vec::new();
        let quotes =
            page.quotes.into_iter().enumerate().filter_map(|(i, q)| quote_input(i, q, &mut warnings)).collect();
        let mut link_titles: Vec<(LinkRelation, String)> =
            page.more.into_iter().map(|t| (LinkRelation::More, t)).collect();
        link_titles.extend(page.feature.map(|(_, title)| (LinkRelation::Feature, title)));
        // No real page lists more; each title costs a lookup.
        if link_titles.len() > MAX_LINKS_PER_PUT {
            warnings.push(format!(
                "{} link titles left out: at most {MAX_LINKS_PER_PUT} are looked up",
                link_titles.len() - MAX_LINKS_PER_PUT
            ));
            link_titles.truncate(MAX_LINKS_PER_PUT);
        }
        Ok(Self { article, quotes, link_titles, warnings })
    }
}

/// A quote to store, or `None` with a warning.
fn quote_input(index: usize, q: ExtractedQuote, warnings: &mut Vec<String>) -> Option<QuoteInput> {
    let n = index + 1;
    let Some(speaker_name) = q.speaker_name else {
        warnings.push(format!("quotation {n} (\"{}\") left out: no speaker found", preview(&q.text)));
        return None;
    };
    if q.text.chars().count() > MAX_TEXT_LEN || speaker_name.chars().count() > MAX_SPEAKER_NAME_LEN {
        warnings.push(format!("quotation {n} (\"{}\") left out: longer than a quote may be", preview(&q.text)));
        return None;
    }
    let mut keep = |value: Option<String>, max: usize, what: &str| {
        value.filter(|v| {
            let fits = v.chars().count() <= max;
            if !fits {
                warnings.push(format!("quotation {n}: {what} left out, longer than {max} characters"));
            }
            fits
        })
    };
    let speaker_title = keep(q.speaker_title, MAX_SPEAKER_TITLE_LEN, "speaker title");
    let context = keep(q.context, MAX_CONTEXT_LEN, "context");
    Some(QuoteInput { text: q.text, speaker_name, speaker_title, context, position: None })
}

fn preview(text: &str) -> String {
    let mut p: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        p.push('…');
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> ImportOptions {
        ImportOptions::parse(None, None, None).unwrap()
    }

    #[test]
    fn options_default_to_a_stored_draft() {
        assert_eq!(options(), ImportOptions { source_url: None, status: ArticleStatus::Draft, dry_run: false });
    }

    #[test]
    fn bad_options_are_named() {
        let errors = ImportOptions::parse(Some("ftp://x".into()), Some("live".into()), Some("yes".into())).unwrap_err();
        let names: Vec<_> = errors.iter().filter_map(|e| e.parameter.as_deref()).collect();
        assert_eq!(names, vec!["source_url", "status", "dry_run"]);
    }

    #[test]
    fn empty_and_binary_pages_are_refused() {
        assert!(check_page("  \n ").is_err());
        assert!(check_page("a\u{0}b").is_err());
        assert!(check_page("Headline\n\n\tBody.\r\n").is_ok());
    }

    #[test]
    fn the_page_maps_onto_a_nested_create() {
        let page = crate::import::extract(
            "Thursday, 28 Mar 2024\n\nHeadline\n\nStandfirst.\n\n“We will win,” said Jane Roe.\n\n“Unattributed words here.”\n\nMore:\n\n  • Other story\n\nSource: Wire",
        );
        let draft = ImportDraft::new(page, &options()).unwrap();
        assert_eq!(draft.article.title, "Headline");
        assert_eq!(draft.article.published_at.map(|t| t.to_rfc3339()), Some("2024-03-28T00:00:00+00:00".into()));
        assert_eq!(draft.article.source_name.as_deref(), Some("Wire"));
        assert_eq!(draft.link_titles, vec![(LinkRelation::More, "Other story".into())]);
        assert_eq!(draft.quotes.len(), 2, "the second quote takes the last speaker");
        assert!(draft.warnings.is_empty());
    }

    #[test]
    fn a_quote_without_speaker_is_a_warning() {
        let mut warnings = Vec::new();
        let q = ExtractedQuote { text: "x y z".into(), speaker_name: None, speaker_title: None, context: None };
        assert!(quote_input(0, q, &mut warnings).is_none());
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn link_titles_past_the_limit_are_a_warning() {
        let bullets: String = (0..MAX_LINKS_PER_PUT + 5).map(|i| format!("  • Story {i}\n\n")).collect();
        let page =
            crate::import::extract(&format!("Headline\n\nStandfirst.\n\nBody.\n\nMore:\n\n{bullets}Last paragraph."));
        let draft = ImportDraft::new(page, &options()).unwrap();
        assert_eq!(draft.link_titles.len(), MAX_LINKS_PER_PUT);
        assert_eq!(draft.warnings.len(), 1);
    }

    #[test]
    fn a_page_without_headline_is_refused() {
        let page = crate::import::extract("   ");
        assert!(ImportDraft::new(page, &options()).is_err());
    }
}
