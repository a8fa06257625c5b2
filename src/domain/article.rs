//! Articles: the request shape a client sends and the validated fields the service
//! stores. Every rule of the contract's article table lives here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::language::Language;
use super::lead_image::{LeadImage, LeadImageInput};
use super::quote::{QuoteFields, QuoteInput};
use super::related_link::{RelatedLinkFields, RelatedLinkInput};
use super::slug::Slug;
use super::tags::{Tag, Tags};
use super::text::{MAX_URL_LEN, bounded, http_url, optional, trimmed_required};
use super::time::storable_time;
use super::{FieldError, Violations};

// The limits of an article's fields, in characters. The spec's `maxLength`s are
// written out in the `#[schema]` attributes (utoipa takes no constants there);
// `tests/openapi.rs` checks them against these. The slug's, the language's and the
// tags' limits live with their types.

/// Longest `title`.
pub const MAX_TITLE_LEN: usize = 300;
/// Longest `summary`.
pub const MAX_SUMMARY_LEN: usize = 1000;
/// Longest `body`.
pub const MAX_BODY_LEN: usize = 200_000;
/// Longest `byline`.
pub const MAX_BYLINE_LEN: usize = 200;
/// Longest `section`.
pub const MAX_SECTION_LEN: usize = 100;
/// Longest `source_name`.
pub const MAX_SOURCE_NAME_LEN: usize = 200;
/// Longest `source_url`.
pub const MAX_SOURCE_URL_LEN: usize = MAX_URL_LEN;

/// Where an article is in its life.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ArticleStatus {
    /// Being written; never listed by default.
    #[default]
    Draft,
    /// Public from `published_at` on.
    Published,
    /// Taken out of circulation but kept.
    Archived,
}

impl ArticleStatus {
    /// The stored (and wire) form.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Archived => "archived",
        }
    }

    /// Reads the stored form back.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value {
            "draft" => Some(Self::Draft),
            "published" => Some(Self::Published),
            "archived" => Some(Self::Archived),
            _ => None,
        }
    }
}

/// The writable fields of an article, as `POST` and `PUT` take them. On `PUT` an
/// optional field left out is cleared, except `slug`, which is kept, and
/// `published_at` of an article that stays published, which is kept too.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "North Korea fires missiles as allies meet",
    "summary": "The launch came hours before talks in Seoul.",
    "body": "Pyongyang launched two short-range missiles on Thursday...",
    "byline": "Jane Doe",
    "status": "published",
    "published_at": "2024-03-28T09:30:00Z",
    "section": "World",
    "tags": ["North Korea", "Defence"],
    "language": "en",
    "source_name": "Example Wire",
    "source_url": "https://news.example.org/world/123",
    "image": {
        "url": "https://images.example.com/2024/03/missile-launch.jpg",
        "alt": "A missile rises from a launch pad, trailing smoke",
        "caption": "A test launch near Pyongyang on Thursday.",
        "credit": "Photograph: Example Agency",
        "width": 1600,
        "height": 900
    }
}))]
pub(crate) struct ArticleInput {
    /// URL name, unique: lowercase letters and digits separated by hyphens, 1..=200
    /// characters, never a UUID. Derived from the title (made unique with a numeric
    /// suffix) when not given.
    #[schema(
        example = "north-korea-fires-missiles",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$",
        min_length = 1,
        max_length = 200
    )]
    pub slug: Option<String>,
    /// Headline: at most 300 characters as sent, not blank; stored trimmed.
    #[schema(example = "North Korea fires missiles as allies meet", min_length = 1, max_length = 300, pattern = r"\S")]
    pub title: String,
    /// Standfirst: one sentence under the headline, up to 1,000 characters.
    #[schema(max_length = 1000)]
    pub summary: Option<String>,
    /// The text (Markdown allowed), up to 200,000 characters; may be empty only
    /// while the article is not published.
    #[serde(default)]
    #[schema(max_length = 200000)]
    pub body: String,
    /// Author credit, up to 200 characters.
    #[schema(max_length = 200)]
    pub byline: Option<String>,
    /// Life-cycle state; `draft` when not given.
    pub status: Option<ArticleStatus>,
    /// Publication time (RFC 3339; stored in UTC to the microsecond). Set to the
    /// current time when the article is published without one; may lie in the future.
    /// A `PUT` that leaves it out of an article that was and stays `published` keeps
    /// the stored time.
    pub published_at: Option<DateTime<Utc>>,
    /// Section or programme name, up to 100 characters.
    #[schema(max_length = 100)]
    pub section: Option<String>,
    /// Up to 50 tags, unique ignoring case.
    #[serde(default)]
    #[schema(max_items = 50, value_type = Option<Vec<Tag>>)]
    pub tags: Option<Vec<String>>,
    /// BCP 47 language tag; `en` when not given.
    #[schema(example = "en", max_length = 35, pattern = r"^([A-Za-z]{2,3}|[Xx])(-[A-Za-z0-9]{1,8})*$")]
    pub language: Option<String>,
    /// Name of the original source, up to 200 characters.
    #[schema(max_length = 200)]
    pub source_name: Option<String>,
    /// Absolute http(s) URL of the original, up to 2,048 characters.
    #[schema(format = "uri", max_length = 2048)]
    pub source_url: Option<String>,
    /// The lead image: `url` and `alt` required, the rest optional. `null` or left
    /// out: none (on `PUT`, left out clears it).
    pub image: Option<LeadImageInput>,
}

/// An article's writable fields after every rule has been checked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ArticleFields {
    /// `None` means: derive one on create, keep the current one on replace.
    pub slug: Option<Slug>,
    pub title: String,
    pub summary: Option<String>,
    pub body: String,
    pub byline: Option<String>,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub section: Option<String>,
    pub tags: Tags,
    pub language: Language,
    pub source_name: Option<String>,
    pub source_url: Option<String>,
    pub image: Option<LeadImage>,
}

impl ArticleFields {
    /// Whether anyone may see an article with these fields at `now`: published,
    /// with its publication time reached. (`db::articles::lookup::is_public` states
    /// the same rule in SQL, for the stored rows.)
    pub(crate) fn is_public_at(&self, now: DateTime<Utc>) -> bool {
        self.status == ArticleStatus::Published && self.published_at.is_some_and(|at| at <= now)
    }

    /// Checks a request against every rule at once. `now` fills in `published_at`
    /// for an article published without one.
    pub(crate) fn validate(input: ArticleInput, now: DateTime<Utc>) -> Result<Self, Vec<FieldError>> {
        let mut p = Violations::default();
        let slug = input.slug.as_deref().map(|s| p.check("/slug", Slug::parse(s)));
        let title = p.check("/title", trimmed_required(&input.title, MAX_TITLE_LEN));
        let summary = p.check("/summary", optional(input.summary, MAX_SUMMARY_LEN));
        let body = p.check("/body", bounded(&input.body, MAX_BODY_LEN).map(|()| input.body));
        let byline = p.check("/byline", optional(input.byline, MAX_BYLINE_LEN));
        let status = input.status.unwrap_or_default();
        let published_at = p.check("/published_at", input.published_at.map(storable_time).transpose());
        let section = p.check("/section", optional(input.section, MAX_SECTION_LEN));
        let tags = match Tags::parse(input.tags.unwrap_or_default()) {
            Ok(tags) => Some(tags),
            Err(errors) => {
                errors.into_iter().for_each(|(ptr, detail)| p.push(FieldError::body(ptr, detail)));
                None
            }
        };
        let language = match input.language {
            Some(raw) => p.check("/language", Language::parse(&raw)),
            None => Some(Language::default()),
        };
        let source_name = p.check("/source_name", optional(input.source_name, MAX_SOURCE_NAME_LEN));
        let source_url = p.check(
            "/source_url",
            match input.source_url {
                Some(url) => http_url(&url, MAX_SOURCE_URL_LEN).map(|()| Some(url)),
                None => Ok(None),
            },
        );
        let image = match input.image.map(LeadImage::validate).transpose() {
            Ok(image) => Some(image),
            Err(errors) => {
                errors.into_iter().for_each(|e| p.push(e.under("/image")));
                None
            }
        };
        if status == ArticleStatus::Published && body.as_ref().is_some_and(|b| super::text::trim(b).is_empty()) {
            p.push(FieldError::across("/body", "status", "must not be empty when the article is published"));
        }
        let errors = p.finish().err().unwrap_or_default();
        // A failed check recorded an error, so this only matches when all passed.
        match (title, summary, body, byline, published_at, section, tags, language, source_name, source_url, image) {
            (
                Some(title),
                Some(summary),
                Some(body),
                Some(byline),
                Some(published_at),
                Some(section),
                Some(tags),
                Some(language),
                Some(source_name),
                Some(source_url),
                Some(image),
            ) if errors.is_empty() => Ok(Self {
                slug: slug.flatten(),
                title,
                summary,
                body,
                byline,
                published_at: match (status, published_at) {
                    (ArticleStatus::Published, None) => Some(now),
                    (_, at) => at,
                },
                status,
                section,
                tags,
                language,
                source_name,
                source_url,
                image,
            }),
            _ => Err(errors),
        }
    }
}

/// A validated `PUT` body. It is not stored as sent: the publication time of an
/// article that stays published survives a `PUT` that leaves it out, as the slug
/// does, so that a client replacing a story does not re-date it (and move it to the
/// top of every newest-first list) without asking to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Replacement {
    fields: ArticleFields,
    /// Whether the body named `published_at` itself.
    dated: bool,
}

impl Replacement {
    /// Checks a `PUT` body against every rule at once, as [`ArticleFields::validate`].
    pub(crate) fn validate(input: ArticleInput, now: DateTime<Utc>) -> Result<Self, Vec<FieldError>> {
        let dated = input.published_at.is_some();
        Ok(Self { fields: ArticleFields::validate(input, now)?, dated })
    }

    /// The fields to store over an article that is stored as `status`, published
    /// at `published_at`.
    pub(crate) fn over(self, status: ArticleStatus, published_at: Option<DateTime<Utc>>) -> ArticleFields {
        let mut fields = self.fields;
        let stays_published = status == ArticleStatus::Published && fields.status == ArticleStatus::Published;
        if stays_published && !self.dated && published_at.is_some() {
            fields.published_at = published_at;
        }
        fields
    }
}

/// An article to create with its quotes and related links (`POST /v1/articles`,
/// and each entry of the seed), every rule of all of them checked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewArticle {
    pub article: ArticleFields,
    pub quotes: Vec<QuoteFields>,
    pub links: Vec<RelatedLinkFields>,
}

impl NewArticle {
    /// Checks the article and every child at once, reporting all broken rules
    /// together: the article's first, then each child's under its place in the
    /// request (`/quotes/1/text`, `/related_links/0/url`).
    pub(crate) fn validate(
        article: ArticleInput,
        quotes: Vec<QuoteInput>,
        links: Vec<RelatedLinkInput>,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let article = ArticleFields::validate(article, now).map_err(|e| errors.extend(e)).ok();
        let quotes = children(quotes, "/quotes", QuoteFields::validate, &mut errors);
        let links = children(links, "/related_links", RelatedLinkFields::validate, &mut errors);
        match article {
            Some(article) if errors.is_empty() => Ok(Self { article, quotes, links }),
            _ => Err(errors),
        }
    }
}

/// Validates each child, keeping the valid ones and the errors of the others under
/// `{list}/{index}`.
fn children<I, F>(
    inputs: Vec<I>,
    list: &str,
    validate: impl Fn(I) -> Result<F, Vec<FieldError>>,
    errors: &mut Vec<FieldError>,
) -> Vec<F> {
    let mut valid = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.into_iter().enumerate() {
        match validate(input) {
            Ok(fields) => valid.push(fields),
            Err(e) => errors.extend(e.into_iter().map(|e| e.under(&format!("{list}/{index}")))),
        }
    }
    valid
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;
    use crate::domain::time::now;

    fn input(title: &str) -> ArticleInput {
        ArticleInput { title: title.into(), ..Default::default() }
    }

    #[test]
    fn defaults_apply() {
        let fields = ArticleFields::validate(input(" Hello "), now()).unwrap();
        assert_eq!(fields.title, "Hello");
        assert_eq!(fields.status, ArticleStatus::Draft);
        assert_eq!(fields.language.as_ref(), "en");
        assert_eq!(fields.published_at, None);
    }

    #[test]
    fn publishing_without_a_date_sets_now() {
        let at = now();
        let a = ArticleInput { status: Some(ArticleStatus::Published), body: "text".into(), ..input("t") };
        assert_eq!(ArticleFields::validate(a, at).unwrap().published_at, Some(at));
    }

    fn published(published_at: Option<DateTime<Utc>>) -> ArticleInput {
        ArticleInput { status: Some(ArticleStatus::Published), body: "text".into(), published_at, ..input("t") }
    }

    #[test]
    fn a_replacement_without_a_date_keeps_the_date_of_an_article_that_stays_published() {
        let (then, at) = (now() - TimeDelta::days(3), now());
        let put = Replacement::validate(published(None), at).unwrap();
        assert_eq!(put.over(ArticleStatus::Published, Some(then)).published_at, Some(then));
    }

    #[test]
    fn a_replacement_with_a_date_sets_it() {
        let (then, given) = (now() - TimeDelta::days(3), now() - TimeDelta::days(1));
        let put = Replacement::validate(published(Some(given)), now()).unwrap();
        assert_eq!(put.over(ArticleStatus::Published, Some(then)).published_at, Some(given));
    }

    #[test]
    fn a_replacement_that_publishes_an_unpublished_article_without_a_date_sets_now() {
        let (then, at) = (now() - TimeDelta::days(3), now());
        for stored in [ArticleStatus::Draft, ArticleStatus::Archived] {
            let put = Replacement::validate(published(None), at).unwrap();
            assert_eq!(put.over(stored, Some(then)).published_at, Some(at), "{stored:?}");
        }
    }

    #[test]
    fn a_replacement_that_unpublishes_without_a_date_clears_it() {
        let a = ArticleInput { status: Some(ArticleStatus::Draft), ..input("t") };
        let put = Replacement::validate(a, now()).unwrap();
        assert_eq!(put.over(ArticleStatus::Published, Some(now())).published_at, None);
    }

    #[test]
    fn every_broken_rule_is_reported() {
        let a = ArticleInput {
            title: "  ".into(),
            source_url: Some("ftp://x".into()),
            tags: Some(vec!["a".into(), "A".into()]),
            status: Some(ArticleStatus::Published),
            ..Default::default()
        };
        let a = ArticleInput { image: Some(LeadImageInput { url: Some("/a.jpg".into()), ..Default::default() }), ..a };
        let errors = ArticleFields::validate(a, now()).unwrap_err();
        let pointers: Vec<_> = errors.iter().filter_map(|e| e.pointer.as_deref()).collect();
        assert_eq!(pointers, ["/title", "/tags/1", "/source_url", "/image/url", "/image/alt", "/body"]);
    }

    #[test]
    fn a_new_article_reports_its_own_errors_then_each_childs_under_its_place() {
        let quotes = vec![QuoteInput { text: "ok".into(), speaker_name: "A".into(), ..Default::default() }; 2];
        let bad_quote = QuoteInput { speaker_name: "A".into(), ..Default::default() };
        let links = vec![RelatedLinkInput::default()];
        let errors = NewArticle::validate(input(" "), vec![quotes[0].clone(), bad_quote], links, now()).unwrap_err();
        let pointers: Vec<_> = errors.iter().filter_map(|e| e.pointer.as_deref()).collect();
        assert_eq!(pointers, ["/title", "/quotes/1/text", "/related_links/0/target_article_id"]);
        let new = NewArticle::validate(input("t"), quotes, vec![], now()).unwrap();
        assert_eq!((new.article.title.as_str(), new.quotes.len(), new.links.len()), ("t", 2, 0));
    }

    #[test]
    fn sub_microsecond_digits_are_dropped() {
        let at = DateTime::parse_from_rfc3339("2024-03-28T09:30:00.123456789Z").unwrap().to_utc();
        let a = ArticleInput { published_at: Some(at), ..input("t") };
        let stored = ArticleFields::validate(a, now()).unwrap().published_at.unwrap();
        assert_eq!(stored.to_rfc3339(), "2024-03-28T09:30:00.123456+00:00");
    }
}
