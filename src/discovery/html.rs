//! An article body (Markdown) as HTML that is safe to hand to a feed reader:
//! rendered by pulldown-cmark, then cleaned by ammonia, which keeps a list of
//! harmless elements and attributes and drops the rest (scripts, styles, event
//! handler attributes, `javascript:` and other non-web URLs), whatever raw HTML
//! the Markdown held.

use pulldown_cmark::{Options, Parser, html};

/// The body rendered and sanitised.
pub(crate) fn body_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let mut rendered = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut rendered, Parser::new_ext(markdown, options));
    ammonia::clean(&rendered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_html() {
        let html = body_html("# Talks\n\nThe *minister* said [more](https://example.org/a).");
        assert!(html.contains("<h1>Talks</h1>"), "{html}");
        assert!(html.contains("<em>minister</em>"), "{html}");
        assert!(html.contains("href=\"https://example.org/a\""), "{html}");
    }

    #[test]
    fn scripts_handlers_and_javascript_links_are_dropped() {
        let html = body_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3)) \
             <a href=\"JaVaScRiPt:alert(4)\">x</a> <iframe src=\"https://evil.test\"></iframe>",
        );
        let lower = html.to_ascii_lowercase();
        for banned in ["<script", "onerror", "javascript:", "<iframe", "alert(1)"] {
            assert!(!lower.contains(banned), "{banned} in {html}");
        }
    }

    #[test]
    fn text_that_looks_like_markup_stays_text() {
        let html = body_html("a < b && c > d ]]> `<b>`");
        assert!(html.contains("a &lt; b &amp;&amp; c &gt; d ]]&gt;"), "{html}");
        assert!(html.contains("<code>&lt;b&gt;</code>"), "{html}");
    }
}
