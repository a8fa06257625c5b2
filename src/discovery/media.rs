//! A lead image in the XML feeds, as Media RSS (<https://www.rssboard.org/media-rss>):
//! one `media:content` of `medium="image"` with its size and `media:credit`. Both
//! feeds use it, so that one vocabulary carries the image in each: Atom's
//! `link rel="enclosure"` and RSS's `enclosure` carry a URL and a type but no
//! size or credit (RSS's also requires the length in bytes, which we do not
//! know), and the type would have to be guessed from the URL's extension. Feed
//! readers and feedparser read Media RSS in Atom and RSS alike.
//!
//! The caption and the alternative text are left out on purpose: Media RSS's
//! `media:description` and `media:title` are read by feedparser (and the readers
//! built on it) as the entry's own description and title, so a caption would
//! stand in for an article's missing summary, or replace the one before it. The
//! API and the JSON-LD carry them.

use super::xml::Xml;
use crate::domain::lead_image::LeadImage;

/// The Media RSS namespace, bound to the `media` prefix on the feed's root.
pub(crate) const NAMESPACE: &str = "http://search.yahoo.com/mrss/";

/// The image's `media:content`. `media:credit` names no role, since a credit may
/// be a photographer's or an agency's.
pub(crate) fn content(xml: &mut Xml, image: &LeadImage) {
    let (width, height) = (image.width.map(|w| w.to_string()), image.height.map(|h| h.to_string()));
    let mut attributes = vec![("url", image.url.as_str()), ("medium", "image")];
    attributes.extend(width.as_deref().map(|w| ("width", w)));
    attributes.extend(height.as_deref().map(|h| ("height", h)));
    match image.credit.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(credit) => {
            xml.open("media:content", &attributes);
            xml.element("media:credit", &[], credit);
            xml.close("media:content");
        }
        None => xml.empty("media:content", &attributes),
    }
}
