//! Writing XML (feeds and sitemaps) through quick-xml, whose writer escapes text
//! and attribute values. What escaping cannot fix is removed here: characters that
//! XML 1.0 does not allow at all (most C0 controls, U+FFFE, U+FFFF) become U+FFFD,
//! so that hostile text can never make a document a parser refuses.

use std::borrow::Cow;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// Whether XML 1.0 allows `c` in a document (its `Char` production).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` with every character XML cannot hold replaced by U+FFFD.
pub(crate) fn clean(text: &str) -> Cow<'_, str> {
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().map(|c| if allowed(c) { c } else { '\u{FFFD}' }).collect())
    }
}

/// An XML document being written into memory; `take` hands out what has been
/// written so far, so that a long document can be streamed in pieces.
pub(crate) struct Xml {
    writer: Writer<Vec<u8>>,
}

impl Xml {
    /// A document with its `<?xml version="1.0" encoding="UTF-8"?>` declaration.
    pub(crate) fn new() -> Self {
        let mut xml = Self { writer: Writer::new(Vec::with_capacity(16 * 1024)) };
        xml.write(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        xml.newline();
        xml
    }

    fn write(&mut self, event: Event<'_>) {
        // Writing into a Vec cannot fail.
        let _ = self.writer.write_event(event);
    }

    fn newline(&mut self) {
        self.writer.get_mut().push(b'\n');
    }

    fn start<'a>(name: &'a str, attributes: &[(&str, &str)]) -> BytesStart<'a> {
        let mut start = BytesStart::new(name);
        for (key, value) in attributes {
            start.push_attribute((*key, clean(value).as_ref()));
        }
        start
    }

    /// `<name attributes…>`.
    pub(crate) fn open(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.write(Event::Start(Self::start(name, attributes)));
        self.newline();
    }

    /// `</name>`.
    pub(crate) fn close(&mut self, name: &str) {
        self.write(Event::End(BytesEnd::new(name)));
        self.newline();
    }

    /// `<name attributes…>text</name>`, the text escaped.
    pub(crate) fn element(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.write(Event::Start(Self::start(name, attributes)));
        self.write(Event::Text(BytesText::new(&clean(text))));
        self.write(Event::End(BytesEnd::new(name)));
        self.newline();
    }

    /// `<name attributes…/>`.
    pub(crate) fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.write(Event::Empty(Self::start(name, attributes)));
        self.newline();
    }

    /// What has been written since the last `take`.
    pub(crate) fn take(&mut self) -> Vec<u8> {
        std::mem::take(self.writer.get_mut())
    }

    /// The whole document (or its rest).
    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped_and_invalid_characters_replaced() {
        let mut xml = Xml::new();
        xml.open("feed", &[("href", "https://x.test/?a=1&b=\"2\"")]);
        xml.element("title", &[], "<b>A & B</b> ]]> \u{1}\u{0b}bell\u{7} \u{200f}rtl\u{fffe}");
        xml.close("feed");
        let text = String::from_utf8(xml.finish()).unwrap();
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"), "{text}");
        assert!(text.contains("href=\"https://x.test/?a=1&amp;b=&quot;2&quot;\""), "{text}");
        assert!(
            text.contains("&lt;b&gt;A &amp; B&lt;/b&gt; ]]&gt; \u{fffd}\u{fffd}bell\u{fffd} \u{200f}rtl\u{fffd}"),
            "{text}"
        );
    }

    #[test]
    fn clean_borrows_clean_text() {
        assert!(matches!(clean("plain\ttext\n"), Cow::Borrowed(_)));
        assert_eq!(clean("a\u{0}b"), "a\u{fffd}b");
    }
}
