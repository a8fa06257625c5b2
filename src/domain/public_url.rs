//! Where a front end shows things: the site's public URL (`NEWSDESK_PUBLIC_URL`)
//! and the template that makes an article's page URL from its fields
//! (`NEWSDESK_ARTICLE_URL_TEMPLATE`). Feeds, sitemaps and JSON-LD link to those
//! pages, not to the API.

use std::fmt;

use chrono::{DateTime, Datelike, Utc};

use super::slug::Slug;

/// The template used when none is configured.
pub(crate) const DEFAULT_ARTICLE_URL_TEMPLATE: &str = "{public_url}/{section}/{slug}";

/// The site's address: an absolute http(s) URL without query or fragment, kept
/// without a trailing slash so that templates join it with their own `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

impl PublicUrl {
    /// Reads `NEWSDESK_PUBLIC_URL`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let parsed = url::Url::parse(raw).map_err(|e| format!("`{raw}` is not an absolute URL ({e})"))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
            return Err(format!("`{raw}` must be an absolute http or https URL, such as https://news.example.com"));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(format!("`{raw}` must not have a query or a fragment"));
        }
        Ok(Self(parsed.as_str().trim_end_matches('/').to_owned()))
    }

    /// The URL without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host name, the default publication name.
    pub fn host(&self) -> String {
        url::Url::parse(&self.0).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default()
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A value a template can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placeholder {
    PublicUrl,
    Slug,
    Id,
    Section,
    Year,
    Month,
    Day,
}

impl Placeholder {
    const ALL: [(&'static str, Self); 7] = [
        ("public_url", Self::PublicUrl),
        ("slug", Self::Slug),
        ("id", Self::Id),
        ("section", Self::Section),
        ("yyyy", Self::Year),
        ("mm", Self::Month),
        ("dd", Self::Day),
    ];

    fn named(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
    }
}

fn placeholder_list() -> String {
    Placeholder::ALL.iter().map(|(n, _)| format!("{{{n}}}")).collect::<Vec<_>>().join(", ")
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Value(Placeholder),
}

/// `NEWSDESK_ARTICLE_URL_TEMPLATE`, checked when the service starts: only known
/// placeholders, balanced braces, and one of `{slug}` or `{id}` (or every article
/// would have the same page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleUrlTemplate {
    parts: Vec<Part>,
}

/// What an article's URL is made from.
#[derive(Debug, Clone, Copy)]
pub struct ArticlePlace<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub section: Option<&'a str>,
    pub published_at: Option<DateTime<Utc>>,
}

impl ArticleUrlTemplate {
    /// Reads a template; the error names the placeholder at fault and lists the
    /// valid ones.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let mut parts = Vec::new();
        let mut rest = raw;
        while !rest.is_empty() {
            let open = rest.find('{');
            let close = rest.find('}');
            if let Some(close) = close
                && open.is_none_or(|open| close < open)
            {
                return Err(format!("`}}` without `{{` at `{}`", &rest[close..]));
            }
            let Some(open) = open else {
                parts.push(Part::Text(rest.to_owned()));
                break;
            };
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            let after = &rest[open + 1..];
            let end = after.find('}').ok_or_else(|| format!("`{{` without `}}` at `{}`", &rest[open..]))?;
            let name = &after[..end];
            let placeholder = Placeholder::named(name).ok_or_else(|| {
                format!("unknown placeholder `{{{name}}}`; the placeholders are {}", placeholder_list())
            })?;
            parts.push(Part::Value(placeholder));
            rest = &after[end + 1..];
        }
        if !parts.iter().any(|p| matches!(p, Part::Value(Placeholder::Slug | Placeholder::Id))) {
            return Err("must contain {slug} or {id}, or every article would have the same URL".into());
        }
        let template = Self { parts };
        // An example must come out as an absolute http(s) URL.
        let example = template.render(
            &PublicUrl("https://news.example.com".into()),
            ArticlePlace {
                id: "01936f0e-0000-7000-8000-000000000000",
                slug: "example",
                section: Some("World"),
                published_at: Some(DateTime::<Utc>::UNIX_EPOCH),
            },
        );
        match url::Url::parse(&example) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()) => {
                Ok(template)
            }
            _ => Err(format!(
                "must make absolute http(s) URLs (start it with {{public_url}} or https://); `{raw}` makes `{example}`"
            )),
        }
    }

    /// Whether the template needs `NEWSDESK_PUBLIC_URL`.
    pub fn uses_public_url(&self) -> bool {
        self.parts.contains(&Part::Value(Placeholder::PublicUrl))
    }

    /// The page URL of an article. The section is written as a slug (`World News`
    /// becomes `world-news`); a value the article lacks (no section) is left out
    /// together with the `/` that follows it, so `{public_url}/{section}/{slug}`
    /// gives `https://news.example.com/ukraine-talks` for an article without one.
    pub fn render(&self, public_url: &PublicUrl, article: ArticlePlace<'_>) -> String {
        let mut out = String::new();
        let mut skip_slash = false;
        for part in &self.parts {
            match part {
                Part::Text(text) => {
                    let text = if skip_slash { text.strip_prefix('/').unwrap_or(text) } else { text };
                    out.push_str(text);
                    skip_slash = false;
                }
                Part::Value(placeholder) => {
                    let value = value_of(*placeholder, public_url, article);
                    skip_slash = value.is_empty() && (out.is_empty() || out.ends_with('/'));
                    out.push_str(&value);
                }
            }
        }
        out
    }
}

fn value_of(placeholder: Placeholder, public_url: &PublicUrl, article: ArticlePlace<'_>) -> String {
    let date = article.published_at;
    match placeholder {
        Placeholder::PublicUrl => public_url.as_str().to_owned(),
        Placeholder::Slug => article.slug.to_owned(),
        Placeholder::Id => article.id.to_owned(),
        Placeholder::Section => article
            .section
            .filter(|s| !super::text::trim(s).is_empty())
            .map(|s| Slug::derive_from(s).to_string())
            .unwrap_or_default(),
        Placeholder::Year => date.map(|d| format!("{:04}", d.year())).unwrap_or_default(),
        Placeholder::Month => date.map(|d| format!("{:02}", d.month())).unwrap_or_default(),
        Placeholder::Day => date.map(|d| format!("{:02}", d.day())).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(section: Option<&'static str>) -> ArticlePlace<'static> {
        ArticlePlace {
            id: "0193a1b2-0000-7000-8000-000000000001",
            slug: "talks-resume",
            section,
            published_at: Some("2024-03-08T09:30:00Z".parse().unwrap()),
        }
    }

    fn site() -> PublicUrl {
        PublicUrl::parse("https://news.example.com/").unwrap()
    }

    #[test]
    fn the_public_url_is_absolute_http_without_a_trailing_slash() {
        assert_eq!(site().as_str(), "https://news.example.com");
        assert_eq!(PublicUrl::parse("http://h.test/edition/").unwrap().as_str(), "http://h.test/edition");
        for bad in ["news.example.com", "ftp://h.test", "https://h.test/?a=1", "https://h.test/#x", ""] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(site().host(), "news.example.com");
    }

    #[test]
    fn the_default_template_uses_the_section_slug_and_drops_a_missing_one() {
        let template = ArticleUrlTemplate::parse(DEFAULT_ARTICLE_URL_TEMPLATE).unwrap();
        assert_eq!(
            template.render(&site(), place(Some("World News"))),
            "https://news.example.com/world-news/talks-resume"
        );
        assert_eq!(template.render(&site(), place(None)), "https://news.example.com/talks-resume");
        assert_eq!(template.render(&site(), place(Some("  "))), "https://news.example.com/talks-resume");
        assert!(template.uses_public_url());
    }

    #[test]
    fn dates_and_ids_fill_their_placeholders() {
        let template = ArticleUrlTemplate::parse("https://n.test/{yyyy}/{mm}/{dd}/{id}").unwrap();
        assert_eq!(
            template.render(&site(), place(None)),
            "https://n.test/2024/03/08/0193a1b2-0000-7000-8000-000000000001"
        );
        assert!(!template.uses_public_url());
    }

    #[test]
    fn bad_templates_say_what_is_wrong() {
        let unknown = ArticleUrlTemplate::parse("{public_url}/{title}").unwrap_err();
        assert!(unknown.contains("{title}") && unknown.contains("{slug}"), "{unknown}");
        assert!(ArticleUrlTemplate::parse("{public_url}/{slug").unwrap_err().contains("without `}`"));
        assert!(ArticleUrlTemplate::parse("{public_url}/slug}").unwrap_err().contains("without `{`"));
        assert!(ArticleUrlTemplate::parse("{public_url}/{section}").unwrap_err().contains("{slug} or {id}"));
        assert!(ArticleUrlTemplate::parse("/news/{slug}").unwrap_err().contains("absolute"));
        assert!(ArticleUrlTemplate::parse("javascript:{slug}").is_err());
    }
}
