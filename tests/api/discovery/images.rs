//! Lead images in discovery: Media RSS `media:content` in the Atom and RSS feeds,
//! `image` in the JSON feed, `image:image` in both kinds of sitemap and an
//! `ImageObject` in the JSON-LD; hostile text in the image stays well-formed.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde_json::{Value, json};

use super::discovery_app;
use crate::helpers::{Reply, TestApp, id_of};

crate::tests![
    feeds_carry_the_lead_image,
    sitemaps_carry_the_lead_image_as_image_loc,
    json_ld_carries_the_lead_image_as_an_image_object,
    hostile_image_text_stays_escaped_and_well_formed,
];

const MEDIA_NS: &str = "http://search.yahoo.com/mrss/";
const IMAGE_NS: &str = "http://www.google.com/schemas/sitemap-image/1.1";
const URL: &str = "https://images.example.com/a.jpg?w=1600&h=900";

fn image() -> Value {
    json!({"url": URL, "alt": "Delegates at a long table", "caption": "The talks on Monday.",
           "credit": "Photograph: Example Agency", "width": 1600, "height": 900})
}

/// One element as read back: its name, attributes (unescaped) and text.
#[derive(Debug, Clone, PartialEq)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
}

impl Element {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn element(start: &BytesStart<'_>) -> Element {
    let attributes = start
        .attributes()
        .map(|a| {
            let a = a.unwrap();
            let value = a.normalized_value(quick_xml::XmlVersion::Explicit1_0).unwrap().into_owned();
            (a.key.0.to_owned(), value)
        })
        .collect();
    Element { name: start.name().0.to_owned(), attributes, text: String::new() }
}

/// Every element of a well-formed document (the test fails otherwise), in
/// document order, each with its own text.
fn elements(reply: &Reply) -> Vec<Element> {
    assert_eq!(reply.status, 200, "{}", reply.text);
    let mut reader = Reader::from_str(&reply.text);
    reader.config_mut().check_end_names = true;
    let (mut out, mut open): (Vec<Element>, Vec<usize>) = (Vec::new(), Vec::new());
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("not well-formed: {e}\n{}", reply.text)) {
            Event::Eof => break,
            Event::Start(start) => {
                open.push(out.len());
                out.push(element(&start));
            }
            Event::Empty(start) => out.push(element(&start)),
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) => {
                if let Some(&at) = open.last() {
                    out[at].text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(&at) = open.last() {
                    match r.resolve_char_ref().unwrap() {
                        Some(c) => out[at].text.push(c),
                        None => out[at].text.push_str(quick_xml::escape::resolve_predefined_entity(&r).unwrap()),
                    }
                }
            }
            _ => {}
        }
    }
    assert!(open.is_empty(), "unbalanced: {}", reply.text);
    out
}

fn named<'a>(all: &'a [Element], name: &str) -> Vec<&'a Element> {
    all.iter().filter(|e| e.name == name).collect()
}

async fn feeds_carry_the_lead_image(app: TestApp) {
    let app = discovery_app(&app).await;
    app.create_article(&json!({"title": "Plain", "body": "x", "status": "published",
                               "published_at": "2024-03-08T09:00:00Z"}))
        .await;
    let bare = json!({"url": "https://images.example.com/b.png", "alt": "B"});
    app.create_article(&json!({"title": "Bare image", "body": "x", "status": "published", "image": bare,
                               "published_at": "2024-03-08T10:00:00Z"}))
        .await;
    app.create_article(&json!({"title": "Full image", "body": "x", "status": "published", "image": image(),
                               "published_at": "2024-03-08T11:00:00Z"}))
        .await;
    for (path, root) in [("/v1/feeds/articles.atom", "feed"), ("/v1/feeds/articles.rss", "rss")] {
        let all = elements(&app.anonymous().get(path).await);
        assert_eq!(all[0].name, root);
        assert_eq!(all[0].attribute("xmlns:media"), Some(MEDIA_NS), "{path}");
        let media = named(&all, "media:content");
        assert_eq!(media.len(), 2, "{path}: one per article with an image: {media:?}");
        // Newest first: the full image, then the bare one.
        let attributes = |e: &Element| e.attributes.clone();
        assert_eq!(
            attributes(media[0]),
            [("url", URL), ("medium", "image"), ("width", "1600"), ("height", "900")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(
            attributes(media[1]),
            [("url", "https://images.example.com/b.png"), ("medium", "image")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(
            named(&all, "media:credit").iter().map(|e| e.text.as_str()).collect::<Vec<_>>(),
            ["Photograph: Example Agency"]
        );
        // Nothing that a feed parser would read as the entry's own text.
        assert!(named(&all, "media:description").is_empty() && named(&all, "media:title").is_empty(), "{path}");
    }
    let json = app.anonymous().get("/v1/feeds/articles.json").await;
    let images: Vec<&Value> = json.body["items"].as_array().unwrap().iter().map(|i| &i["image"]).collect();
    assert_eq!(images, [&json!(URL), &json!("https://images.example.com/b.png"), &Value::Null]);
    assert!(json.body["items"][2].get("image").is_none(), "left out, not null");
}

async fn sitemaps_carry_the_lead_image_as_image_loc(app: TestApp) {
    let app = discovery_app(&app).await;
    let hours_ago = |h: i64| (chrono::Utc::now() - chrono::TimeDelta::hours(h)).to_rfc3339();
    app.create_article(&json!({"title": "With image", "body": "x", "status": "published", "image": image(),
                               "published_at": hours_ago(2)}))
        .await;
    app.create_article(&json!({"title": "Without", "body": "x", "status": "published", "published_at": hours_ago(1)}))
        .await;
    for path in ["/v1/sitemaps/news.xml", "/v1/sitemaps/articles-1.xml"] {
        let all = elements(&app.anonymous().get(path).await);
        assert_eq!(all[0].attribute("xmlns:image"), Some(IMAGE_NS), "{path}");
        // Each `url`'s children, in order, by name.
        let mut entries: Vec<Vec<String>> = Vec::new();
        for e in &all[1..] {
            match e.name.as_str() {
                "url" => entries.push(Vec::new()),
                name if !name.contains(':') || name == "news:news" || name.starts_with("image:") => {
                    entries.last_mut().unwrap().push(name.to_owned());
                }
                _ => {}
            }
        }
        let locs: Vec<&str> = named(&all, "image:loc").iter().map(|e| e.text.as_str()).collect();
        assert_eq!(locs, [URL], "{path}");
        let (with, without) = if path.ends_with("news.xml") {
            (vec!["loc", "news:news", "image:image", "image:loc"], vec!["loc", "news:news"])
        } else {
            (vec!["loc", "lastmod", "image:image", "image:loc"], vec!["loc", "lastmod"])
        };
        // The news sitemap is newest first, the archive file oldest first.
        let expected = if path.ends_with("news.xml") { [without, with] } else { [with, without] };
        assert_eq!(entries, expected, "{path}");
    }
}

async fn json_ld_carries_the_lead_image_as_an_image_object(app: TestApp) {
    let app = discovery_app(&app).await;
    let article = app
        .create_article(&json!({"title": "Pictured", "body": "x", "status": "published",
                                             "image": image()}))
        .await;
    let ld = |key: String| {
        let anonymous = app.anonymous();
        async move {
            let request = anonymous.request(reqwest::Method::GET, &format!("/v1/articles/{key}"));
            anonymous.send(request.header("accept", "application/ld+json")).await
        }
    };
    let reply = ld(id_of(&article).to_owned()).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.body["image"],
        json!({"@type": "ImageObject", "url": URL, "contentUrl": URL, "description": "Delegates at a long table",
               "caption": "The talks on Monday.", "creditText": "Photograph: Example Agency",
               "width": 1600, "height": 900})
    );
    let bare = json!({"url": "https://images.example.com/b.png", "alt": "B"});
    let minimal =
        app.create_article(&json!({"title": "Bare", "body": "x", "status": "published", "image": bare})).await;
    assert_eq!(
        ld(id_of(&minimal).to_owned()).await.body["image"],
        json!({"@type": "ImageObject", "url": "https://images.example.com/b.png",
               "contentUrl": "https://images.example.com/b.png", "description": "B"})
    );
    // A patch that removes the image removes it from the JSON-LD.
    let reply = app.patch(&format!("/v1/articles/{}", id_of(&article)), &json!({"image": null})).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(ld(id_of(&article).to_owned()).await.body.get("image").is_none());
}

/// Markup, CDATA ends, XML-invalid control characters and bidirectional marks.
const HOSTILE: &str =
    "<b>Bold</b> & \"q\" ]]> <![CDATA[x]]> \u{1}\u{8}\u{b}\u{1b} \u{202e}reversed\u{202c} \u{200f}rtl";

async fn hostile_image_text_stays_escaped_and_well_formed(app: TestApp) {
    let app = discovery_app(&app).await;
    let url = "https://images.example.com/a.jpg?x=\"><script>&y=]]>";
    let image = json!({"url": url, "alt": HOSTILE, "caption": HOSTILE, "credit": HOSTILE});
    let article = app
        .create_article(&json!({"title": "Hostile image", "body": "x", "status": "published", "image": image}))
        .await;
    assert_eq!(article["image"]["alt"], HOSTILE, "stored exactly as sent");
    let cleaned: String = HOSTILE
        .chars()
        .map(|c| if matches!(c, '\u{1}' | '\u{8}' | '\u{b}' | '\u{1b}') { '\u{fffd}' } else { c })
        .collect();
    for path in ["/v1/feeds/articles.atom", "/v1/feeds/articles.rss"] {
        let reply = app.anonymous().get(path).await;
        let all = elements(&reply);
        assert_eq!(named(&all, "media:content")[0].attribute("url"), Some(url), "{path}");
        assert_eq!(named(&all, "media:credit")[0].text, cleaned, "{path}");
        for raw in ["<b>Bold", "<![CDATA[", "<script>", "\u{1}", "\u{1b}"] {
            assert!(!reply.text.contains(raw), "{path} holds {raw:?} unescaped");
        }
        assert!(reply.text.contains('\u{200f}') && reply.text.contains('\u{202e}'), "{path}: bidi marks are text");
    }
    for path in ["/v1/sitemaps/news.xml", "/v1/sitemaps/articles-1.xml"] {
        let all = elements(&app.anonymous().get(path).await);
        assert_eq!(named(&all, "image:loc")[0].text, url, "{path}");
    }
    let json = app.anonymous().get("/v1/feeds/articles.json").await;
    assert_eq!(json.body["items"][0]["image"], url);
    let request = app.anonymous().request(reqwest::Method::GET, &format!("/v1/articles/{}", id_of(&article)));
    let ld = app.send(request.header("accept", "application/ld+json")).await;
    assert_eq!(ld.header("content-type"), Some("application/ld+json"));
    let object = &ld.body["image"];
    assert_eq!(
        (&object["description"], &object["caption"], &object["creditText"]),
        (&json!(HOSTILE), &json!(HOSTILE), &json!(HOSTILE))
    );
}
