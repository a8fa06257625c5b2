//! An article's lead image: the picture a front end shows at the top of the page,
//! and what feeds, sitemaps and the JSON-LD announce with the article. Every rule
//! of its fields lives here.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::position::whole_number;
use super::text::{MAX_URL_LEN, bounded, http_url, optional, trim};
use super::{FieldError, Violations};

// The limits of an image's fields (the spec's `maxLength`s and `maximum`s are
// checked against these by `tests/openapi.rs`).

/// Longest `url`: the longest URL stored anywhere.
pub const MAX_IMAGE_URL_LEN: usize = MAX_URL_LEN;
/// Longest `alt`. Accessibility guides ask for a sentence or two; this leaves room
/// for a long description without letting a body's worth of text in.
pub const MAX_ALT_LEN: usize = 500;
/// Longest `caption`, the line printed under the picture: as long as a standfirst.
pub const MAX_CAPTION_LEN: usize = 1000;
/// Longest `credit` ("Photograph: Jane Doe/Example Agency").
pub const MAX_CREDIT_LEN: usize = 300;
/// Largest `width` or `height` in pixels: the most a JPEG can be (its header holds
/// 16 bits per side), far beyond any picture a page shows.
pub const MAX_DIMENSION: i64 = 65_535;

/// A lead image as a client sends it. `url` and `alt` are required: they are read
/// as optional only so that a body missing both hears about both at once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "url": "https://images.example.com/2024/03/missile-launch.jpg",
    "alt": "A missile rises from a launch pad, trailing smoke",
    "caption": "A test launch near Pyongyang on Thursday.",
    "credit": "Photograph: Example Agency",
    "width": 1600,
    "height": 900
}))]
pub(crate) struct LeadImageInput {
    /// Absolute http(s) URL of the picture, up to 2,048 characters.
    #[schema(required = true, nullable = false, format = "uri", max_length = 2048)]
    pub url: Option<String>,
    /// What the picture shows, for readers who cannot see it: not blank, up to 500
    /// characters, stored as sent.
    #[schema(required = true, nullable = false, min_length = 1, max_length = 500, pattern = r"\S")]
    pub alt: Option<String>,
    /// The line printed under the picture, up to 1,000 characters.
    #[schema(max_length = 1000)]
    pub caption: Option<String>,
    /// Who made or owns the picture, up to 300 characters.
    #[schema(max_length = 300)]
    pub credit: Option<String>,
    /// Width in pixels, 1..=65,535.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(minimum = 1, maximum = 65535, example = 1600)]
    pub width: Option<i64>,
    /// Height in pixels, 1..=65,535.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(minimum = 1, maximum = 65535, example = 900)]
    pub height: Option<i64>,
}

/// A lead image after every rule has been checked: what is stored and shown.
/// Optional members without a value are left out of the stored form (and read
/// back as `None`); responses show them as `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "url": "https://images.example.com/2024/03/missile-launch.jpg",
    "alt": "A missile rises from a launch pad, trailing smoke",
    "caption": "A test launch near Pyongyang on Thursday.",
    "credit": "Photograph: Example Agency",
    "width": 1600,
    "height": 900
}))]
pub(crate) struct LeadImage {
    /// Absolute http(s) URL of the picture.
    #[schema(format = "uri")]
    pub url: String,
    /// What the picture shows, for readers who cannot see it.
    pub alt: String,
    /// The line printed under the picture.
    #[serde(default)]
    pub caption: Option<String>,
    /// Who made or owns the picture.
    #[serde(default)]
    pub credit: Option<String>,
    /// Width in pixels.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub width: Option<u32>,
    /// Height in pixels.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub height: Option<u32>,
}

fn required(value: Option<String>) -> Result<String, String> {
    value.ok_or_else(|| "is required".to_owned())
}

/// Alternative text: there, not blank, within its limit; kept as sent.
fn alt_text(value: Option<String>) -> Result<String, String> {
    let value = required(value)?;
    bounded(&value, MAX_ALT_LEN)?;
    if trim(&value).is_empty() {
        return Err("must not be empty: describe what the picture shows".into());
    }
    Ok(value)
}

fn dimension(value: Option<i64>) -> Result<Option<u32>, String> {
    match value {
        None => Ok(None),
        Some(v) if (1..=MAX_DIMENSION).contains(&v) => u32::try_from(v).map(Some).map_err(|e| e.to_string()),
        Some(_) => Err(format!("must be a whole number of pixels from 1 to {MAX_DIMENSION}")),
    }
}

impl LeadImage {
    /// Checks an image against every rule at once, with pointers relative to the
    /// image object (`/alt`); the article puts them under `/image`.
    pub(crate) fn validate(input: LeadImageInput) -> Result<Self, Vec<FieldError>> {
        let mut p = Violations::default();
        let url = p.check("/url", required(input.url).and_then(|u| http_url(&u, MAX_IMAGE_URL_LEN).map(|()| u)));
        let alt = p.check("/alt", alt_text(input.alt));
        let caption = p.check("/caption", optional(input.caption, MAX_CAPTION_LEN));
        let credit = p.check("/credit", optional(input.credit, MAX_CREDIT_LEN));
        let width = p.check("/width", dimension(input.width));
        let height = p.check("/height", dimension(input.height));
        let errors = p.finish().err().unwrap_or_default();
        match (url, alt, caption, credit, width, height) {
            (Some(url), Some(alt), Some(caption), Some(credit), Some(width), Some(height)) if errors.is_empty() => {
                Ok(Self { url, alt, caption, credit, width, height })
            }
            _ => Err(errors),
        }
    }

    /// The stored form: compact JSON without the members that have no value.
    pub(crate) fn to_stored(&self) -> String {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let serde_json::Value::Object(members) = &mut value {
            members.retain(|_, v| !v.is_null());
        }
        value.to_string()
    }

    /// Reads the stored form back.
    pub(crate) fn from_stored(stored: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(stored)
    }
}

impl From<LeadImage> for LeadImageInput {
    /// The writable fields of a stored image: what a merge patch of `image` merges into.
    fn from(image: LeadImage) -> Self {
        Self {
            url: Some(image.url),
            alt: Some(image.alt),
            caption: image.caption,
            credit: image.credit,
            width: image.width.map(i64::from),
            height: image.height.map(i64::from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(url: &str, alt: &str) -> LeadImageInput {
        LeadImageInput { url: Some(url.into()), alt: Some(alt.into()), ..Default::default() }
    }

    fn pointers(input: LeadImageInput) -> Vec<String> {
        LeadImage::validate(input).unwrap_err().into_iter().filter_map(|e| e.pointer).collect()
    }

    #[test]
    fn a_full_image_is_kept_as_sent() {
        let sent = LeadImageInput {
            caption: Some(" Under the picture ".into()),
            credit: Some("Photo: A".into()),
            width: Some(1600),
            height: Some(900),
            ..input("https://img.example.com/a.jpg", " A pad at dawn ")
        };
        let image = LeadImage::validate(sent.clone()).unwrap();
        assert_eq!(image.alt, " A pad at dawn ");
        assert_eq!((image.width, image.height), (Some(1600), Some(900)));
        assert_eq!(LeadImageInput::from(image), sent);
    }

    #[test]
    fn url_and_alt_are_required_and_both_reported() {
        assert_eq!(pointers(LeadImageInput::default()), ["/url", "/alt"]);
        assert_eq!(pointers(input("https://img.example.com/a.jpg", " \t\u{feff}")), ["/alt"]);
    }

    #[test]
    fn the_url_must_be_absolute_http() {
        for bad in ["/a.jpg", "a.jpg", "javascript:alert(1)", "data:image/png;base64,AAAA", "ftp://x.org/a.jpg"] {
            assert_eq!(pointers(input(bad, "alt")), ["/url"], "{bad}");
        }
        let long = format!("https://img.example.com/{}", "a".repeat(MAX_IMAGE_URL_LEN));
        assert_eq!(pointers(input(&long, "alt")), ["/url"]);
    }

    #[test]
    fn every_limit_is_checked() {
        let too_long = LeadImageInput {
            alt: Some("a".repeat(MAX_ALT_LEN + 1)),
            caption: Some("c".repeat(MAX_CAPTION_LEN + 1)),
            credit: Some("\0".into()),
            width: Some(0),
            height: Some(MAX_DIMENSION + 1),
            ..input("https://img.example.com/a.jpg", "")
        };
        assert_eq!(pointers(too_long), ["/alt", "/caption", "/credit", "/width", "/height"]);
        assert_eq!(pointers(LeadImageInput { width: Some(-5), ..input("https://x.org/a", "a") }), ["/width"]);
        let largest = LeadImageInput { width: Some(MAX_DIMENSION), height: Some(1), ..input("https://x.org/a", "a") };
        assert!(LeadImage::validate(largest).is_ok());
    }

    #[test]
    fn the_stored_form_leaves_out_what_is_not_there_and_reads_back() {
        let image = LeadImage::validate(LeadImageInput { width: Some(10), ..input("https://x.org/a", "a") }).unwrap();
        let stored: serde_json::Value = serde_json::from_str(&image.to_stored()).unwrap();
        assert_eq!(stored, serde_json::json!({"url": "https://x.org/a", "alt": "a", "width": 10}));
        assert_eq!(LeadImage::from_stored(&image.to_stored()).unwrap(), image);
    }
}
