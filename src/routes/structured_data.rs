//! `GET /v1/articles/{article}` with `Accept: application/ld+json`: the article
//! as schema.org `NewsArticle` JSON-LD (see `discovery::json_ld`).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::articles as store;
use crate::db::{Database, quotes};
use crate::discovery::Discovery;
use crate::discovery::json_ld::news_article;
use crate::domain::access::Visibility;
use crate::domain::article_ref::ArticleKey;
use crate::error::ApiError;
use crate::http::accept::JSON_LD;
use crate::http::params::IfNoneMatch;
use crate::http::reply::{self, Tagged};

/// The article as JSON-LD, with a weak digest ETag (it holds the quotes too); the
/// visibility rule is the JSON read's.
pub(crate) async fn article_json_ld(
    req: &HttpRequest,
    db: web::Data<Database>,
    key: ArticleKey,
    visibility: Visibility,
    cached: &IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let discovery = req
        .app_data::<web::Data<Discovery>>()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no discovery settings in the app")))?;
    let site = discovery.site()?;
    let (row, quotes) = db
        .run(move |c| -> diesel::QueryResult<_> {
            let Some(row) = store::find_visible(c, &key, visibility)? else { return Ok(None) };
            let quotes = quotes::for_articles(c, std::slice::from_ref(&row.id))?;
            Ok(Some((row, quotes)))
        })
        .await?
        .ok_or_else(|| ApiError::not_found("article"))?;
    let tagged = Tagged::digested(&news_article(site, &row, &quotes), row.version)?.with_media_type(JSON_LD);
    let mut response = reply::conditional(cached, tagged);
    vary_on_accept(&mut response);
    Ok(response)
}

/// The article's two representations share a URL: caches must key on `Accept`.
pub(crate) fn vary_on_accept(response: &mut HttpResponse) {
    response.headers_mut().append(header::VARY, HeaderValue::from_static("Accept"));
}

/// A `Person` in the JSON-LD (these types describe the OpenAPI document only).
#[derive(Serialize, ToSchema)]
pub(crate) struct LdPerson {
    #[serde(rename = "@type")]
    #[schema(example = "Person")]
    kind: String,
    name: String,
    /// The speaker's role (`speaker_title`).
    #[serde(rename = "jobTitle")]
    job_title: Option<String>,
}

/// A quote as a schema.org `Quotation`.
#[derive(Serialize, ToSchema)]
pub(crate) struct LdQuotation {
    #[serde(rename = "@type")]
    #[schema(example = "Quotation")]
    kind: String,
    text: String,
    #[serde(rename = "spokenByCharacter")]
    spoken_by_character: LdPerson,
    creator: LdPerson,
    /// Where or how it was said (`context`).
    description: Option<String>,
}

/// The lead image as a schema.org `ImageObject`.
#[derive(Serialize, ToSchema)]
pub(crate) struct LdImageObject {
    #[serde(rename = "@type")]
    #[schema(example = "ImageObject")]
    kind: String,
    /// The picture's URL (`image.url`).
    #[schema(format = "uri")]
    url: String,
    /// The same URL: the file itself.
    #[serde(rename = "contentUrl")]
    #[schema(format = "uri")]
    content_url: String,
    /// The alternative text (`image.alt`).
    description: String,
    /// `image.caption`.
    caption: Option<String>,
    /// `image.credit`.
    #[serde(rename = "creditText")]
    credit_text: Option<String>,
    /// Width in pixels.
    width: Option<u32>,
    /// Height in pixels.
    height: Option<u32>,
}

/// The article as schema.org `NewsArticle` JSON-LD (`Accept: application/ld+json`).
/// Members without a value are left out.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "@context": "https://schema.org", "@type": "NewsArticle",
    "@id": "https://news.example.com/world/talks-resume", "url": "https://news.example.com/world/talks-resume",
    "mainEntityOfPage": {"@type": "WebPage", "@id": "https://news.example.com/world/talks-resume"},
    "headline": "Talks resume", "description": "Both sides return to the table.",
    "articleBody": "Talks resumed on Monday.", "datePublished": "2024-03-08T09:30:00Z",
    "dateModified": "2024-03-08T10:00:00Z", "author": [{"@type": "Person", "name": "Ana Reporter"}],
    "publisher": {"@type": "Organization", "name": "The Example Times", "url": "https://news.example.com"},
    "articleSection": "World", "keywords": ["Diplomacy"], "inLanguage": "en",
    "isBasedOn": {"@type": "CreativeWork", "name": "Wire", "url": "https://wire.example.org/a"},
    "image": {"@type": "ImageObject", "url": "https://images.example.com/talks.jpg",
              "contentUrl": "https://images.example.com/talks.jpg", "description": "Delegates at a long table",
              "caption": "The talks in Geneva on Monday.", "creditText": "Photograph: Example Agency",
              "width": 1600, "height": 900},
    "hasPart": [{"@type": "Quotation", "text": "We are back.",
                 "spokenByCharacter": {"@type": "Person", "name": "Pat Doe", "jobTitle": "Foreign Minister"},
                 "creator": {"@type": "Person", "name": "Pat Doe", "jobTitle": "Foreign Minister"},
                 "description": "in a statement"}]
}))]
pub(crate) struct NewsArticleLd {
    #[serde(rename = "@context")]
    context: String,
    #[serde(rename = "@type")]
    kind: String,
    /// The article's page on the site (`NEWSDESK_PUBLIC_URL`, `NEWSDESK_ARTICLE_URL_TEMPLATE`).
    #[serde(rename = "@id")]
    id: String,
    url: String,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: serde_json::Value,
    /// The title.
    headline: String,
    /// The summary.
    description: Option<String>,
    /// The body as stored (Markdown).
    #[serde(rename = "articleBody")]
    article_body: String,
    #[serde(rename = "datePublished")]
    date_published: Option<String>,
    #[serde(rename = "dateModified")]
    date_modified: String,
    /// The byline, as one `Person`.
    author: Option<Vec<LdPerson>>,
    /// The publication (`NEWSDESK_PUBLICATION_NAME`).
    publisher: serde_json::Value,
    /// The section.
    #[serde(rename = "articleSection")]
    article_section: Option<String>,
    /// The tags.
    keywords: Option<Vec<String>>,
    /// The language (BCP 47).
    #[serde(rename = "inLanguage")]
    in_language: String,
    /// The source (`source_name`, `source_url`) as a `CreativeWork`.
    #[serde(rename = "isBasedOn")]
    is_based_on: Option<serde_json::Value>,
    /// The lead image.
    image: Option<LdImageObject>,
    /// The quotes, in position order.
    #[serde(rename = "hasPart")]
    has_part: Option<Vec<LdQuotation>>,
}
