//! Reading a scraped news page: its date, headline, standfirst and body, the
//! "More:" and feature titles, the source, and every quotation with its speaker.
//! Pure functions of the page text: deterministic, with no network and no model.
//!
//! Public (not `pub(crate)`) so that the development set's scoring test and the
//! extractor's benchmark, outside the crate, can run it.

mod attribution;
mod classify;
mod date;
mod marks;
mod mentions;
mod names;
mod page;
mod quotes;
mod registry;
mod sentences;
mod titles;
mod words;

use chrono::NaiveDate;

pub use page::Layout;
pub use quotes::ExtractedQuote;
pub(crate) use titles::{search_word, title_key};

/// Everything read from a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extraction {
    /// The date line's date.
    pub date: Option<NaiveDate>,
    /// The headline.
    pub headline: Option<String>,
    /// The standfirst.
    pub standfirst: Option<String>,
    /// The body paragraphs joined by blank lines.
    pub body: String,
    /// The "More:" box's titles, in order.
    pub more: Vec<String>,
    /// The feature block: programme and title.
    pub feature: Option<(String, String)>,
    /// The source line's name.
    pub source_name: Option<String>,
    /// The quotations, in order.
    pub quotes: Vec<ExtractedQuote>,
}

/// Reads a page.
pub fn extract(text: &str) -> Extraction {
    let layout = page::layout(text);
    let quotes = quotes::extract_quotes(&layout.body);
    Extraction {
        date: layout.date,
        headline: layout.headline,
        standfirst: layout.standfirst,
        body: layout.body.join("\n\n"),
        more: layout.more,
        feature: layout.feature,
        source_name: layout.source_name,
        quotes,
    }
}
