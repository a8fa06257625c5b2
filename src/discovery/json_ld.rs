//! An article as schema.org `NewsArticle` JSON-LD, what search engines read for
//! rich results: its page on the site, the byline as author, the source as
//! `isBasedOn`, the lead image as an `ImageObject` (Google's article rich results
//! require an image), and its quotes as `Quotation` parts, each spoken by a
//! `Person` with their role as `jobTitle`.

use chrono::{NaiveDateTime, SecondsFormat};
use serde_json::{Map, Value, json};

use super::Site;
use super::entry::{image_of, place, tags_of};
use crate::db::articles::ArticleRow;
use crate::db::quotes::QuoteRow;
use crate::domain::lead_image::LeadImage;

fn time(at: NaiveDateTime) -> Value {
    at.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true).into()
}

/// Adds `key` only when the text is there and not blank.
fn put_text(object: &mut Map<String, Value>, key: &str, text: Option<&str>) {
    if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
        object.insert(key.to_owned(), text.into());
    }
}

fn person(quote: &QuoteRow) -> Value {
    let mut speaker = Map::new();
    speaker.insert("@type".into(), "Person".into());
    speaker.insert("name".into(), quote.speaker_name.clone().into());
    put_text(&mut speaker, "jobTitle", quote.speaker_title.as_deref());
    Value::Object(speaker)
}

fn quotation(quote: &QuoteRow) -> Value {
    let mut item = Map::new();
    item.insert("@type".into(), "Quotation".into());
    item.insert("text".into(), quote.text.clone().into());
    item.insert("spokenByCharacter".into(), person(quote));
    item.insert("creator".into(), person(quote));
    // Where or how it was said ("in a statement carried by the state news agency").
    put_text(&mut item, "description", quote.context.as_deref());
    Value::Object(item)
}

/// The lead image as an `ImageObject`: its URL (also as `contentUrl`, the file
/// itself), the caption, the credit as `creditText`, the size in pixels, and the
/// alternative text as its `description`.
fn image_object(image: &LeadImage) -> Value {
    let mut object = Map::new();
    object.insert("@type".into(), "ImageObject".into());
    object.insert("url".into(), image.url.clone().into());
    object.insert("contentUrl".into(), image.url.clone().into());
    put_text(&mut object, "description", Some(&image.alt));
    put_text(&mut object, "caption", image.caption.as_deref());
    put_text(&mut object, "creditText", image.credit.as_deref());
    if let Some(width) = image.width {
        object.insert("width".into(), width.into());
    }
    if let Some(height) = image.height {
        object.insert("height".into(), height.into());
    }
    Value::Object(object)
}

/// The `NewsArticle` of a row and its quotes (in position order).
pub(crate) fn news_article(site: &Site, row: &ArticleRow, quotes: &[QuoteRow]) -> Value {
    let url = site.article_url(place(row));
    let mut article = Map::new();
    article.insert("@context".into(), "https://schema.org".into());
    article.insert("@type".into(), "NewsArticle".into());
    article.insert("@id".into(), url.clone().into());
    article.insert("url".into(), url.clone().into());
    article.insert("mainEntityOfPage".into(), json!({"@type": "WebPage", "@id": url}));
    article.insert("headline".into(), row.title.clone().into());
    put_text(&mut article, "description", row.summary.as_deref());
    article.insert("articleBody".into(), row.body.clone().into());
    if let Some(published) = row.published_at {
        article.insert("datePublished".into(), time(published));
    }
    article.insert("dateModified".into(), time(row.updated_at));
    if let Some(byline) = row.byline.as_deref().filter(|b| !b.trim().is_empty()) {
        article.insert("author".into(), json!([{"@type": "Person", "name": byline}]));
    }
    article.insert(
        "publisher".into(),
        json!({"@type": "Organization", "name": site.name, "url": site.public_url.as_str()}),
    );
    put_text(&mut article, "articleSection", row.section.as_deref());
    let tags = tags_of(row);
    if !tags.is_empty() {
        article.insert("keywords".into(), tags.into());
    }
    article.insert("inLanguage".into(), row.language.clone().into());
    if let Some(image) = image_of(&row.id, row.image.as_deref()) {
        article.insert("image".into(), image_object(&image));
    }
    if row.source_url.is_some() || row.source_name.is_some() {
        let mut source = Map::new();
        source.insert("@type".into(), "CreativeWork".into());
        put_text(&mut source, "name", row.source_name.as_deref());
        put_text(&mut source, "url", row.source_url.as_deref());
        article.insert("isBasedOn".into(), Value::Object(source));
    }
    if !quotes.is_empty() {
        article.insert("hasPart".into(), quotes.iter().map(quotation).collect::<Vec<_>>().into());
    }
    Value::Object(article)
}
