//! `GET /v1/feeds/articles.{atom,rss,json}`.

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};
use serde_json::{Value, json};

use super::{SITE, discovery_app};
use crate::helpers::{Reply, TestApp, id_of};

crate::tests![
    discovery_routes_answer_503_saying_what_to_set_without_a_public_url,
    feeds_hold_only_public_articles_newest_first_whoever_asks,
    feed_entries_carry_every_field_in_each_format,
    feeds_hold_the_newest_fifty,
    feeds_filter_by_section_tag_and_language,
    feed_parameters_are_checked,
    feeds_answer_304_to_either_validator_until_an_article_changes,
    hostile_text_stays_escaped_and_well_formed,
    bodies_are_rendered_and_sanitised,
];

const FEEDS: [(&str, &str); 3] = [
    ("/v1/feeds/articles.atom", "application/atom+xml"),
    ("/v1/feeds/articles.rss", "application/rss+xml"),
    ("/v1/feeds/articles.json", "application/feed+json"),
];

/// Every element's text (unescaped) and every attribute value of an XML document,
/// failing the test when the document is not well-formed as quick-xml reads it.
fn xml_texts(reply: &Reply) -> Vec<String> {
    let mut reader = Reader::from_str(&reply.text);
    reader.config_mut().check_end_names = true;
    let mut out = Vec::new();
    let mut text = String::new();
    let mut depth = 0i32;
    let attributes = |start: &quick_xml::events::BytesStart<'_>, out: &mut Vec<String>| {
        for attribute in start.attributes() {
            out.push(attribute.unwrap().normalized_value(XmlVersion::Explicit1_0).unwrap().into_owned());
        }
    };
    loop {
        let event = reader.read_event().unwrap_or_else(|e| panic!("not well-formed: {e}\n{}", reply.text));
        if !matches!(event, Event::Text(_) | Event::GeneralRef(_)) && !text.is_empty() {
            out.push(std::mem::take(&mut text));
        }
        match event {
            Event::Eof => break,
            Event::Start(start) => {
                depth += 1;
                attributes(&start, &mut out);
            }
            Event::Empty(start) => attributes(&start, &mut out),
            Event::End(_) => depth -= 1,
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => match r.resolve_char_ref().unwrap() {
                Some(c) => text.push(c),
                None => text.push_str(quick_xml::escape::resolve_predefined_entity(&r).unwrap()),
            },
            _ => {}
        }
    }
    assert_eq!(depth, 0, "unbalanced: {}", reply.text);
    out
}

/// The ids (`urn:uuid:…` in the XML feeds, plain in the JSON one) in a feed, in order.
fn feed_ids(path: &str, reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, 200, "{path}: {}", reply.text);
    let path = path.split('?').next().unwrap();
    if path.ends_with(".json") {
        return reply.body["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect();
    }
    let tag = if path.ends_with(".atom") { "<id>urn:uuid:" } else { "false\">urn:uuid:" };
    reply.text.split(tag).skip(1).map(|rest| rest.split('<').next().unwrap().to_owned()).collect()
}

async fn discovery_routes_answer_503_saying_what_to_set_without_a_public_url(app: TestApp) {
    app.published("Out").await;
    for (path, _) in FEEDS {
        let reply = app.anonymous().get(path).await;
        reply.assert_problem(503, "service-unavailable");
        assert!(reply.body["detail"].as_str().unwrap().contains("set NEWSDESK_PUBLIC_URL"), "{}", reply.text);
        assert!(reply.header("retry-after").is_none(), "retrying does not help: {:?}", reply.headers);
    }
}

async fn feeds_hold_only_public_articles_newest_first_whoever_asks(app: TestApp) {
    let app = discovery_app(&app).await;
    let tomorrow = (chrono::Utc::now() + chrono::TimeDelta::days(1)).to_rfc3339();
    for (title, status, published_at) in [
        ("Draft story", "draft", Value::Null),
        ("Archived story", "archived", json!("2020-01-01T00:00:00Z")),
        ("Scheduled story", "published", json!(tomorrow)),
    ] {
        app.create_article(&json!({"title": title, "body": "x", "status": status, "published_at": published_at})).await;
    }
    let older = app
        .create_article(&json!({"title": "Older", "body": "x", "status": "published",
                                "published_at": "2024-01-01T00:00:00Z"}))
        .await;
    let newer = app
        .create_article(&json!({"title": "Newer", "body": "x", "status": "published",
                                "published_at": "2024-02-01T00:00:00Z"}))
        .await;
    let expected = vec![id_of(&newer).to_owned(), id_of(&older).to_owned()];
    for (path, media_type) in FEEDS {
        // The admin client's token changes nothing: feeds are public.
        for client in [app.anonymous(), app.clone()] {
            let reply = client.get(path).await;
            assert_eq!(reply.header("content-type"), Some(media_type), "{path}");
            assert_eq!(feed_ids(path, &reply), expected, "{path}: {}", reply.text);
            for hidden in ["Draft story", "Archived story", "Scheduled story"] {
                assert!(!reply.text.contains(hidden), "{path} shows {hidden}");
            }
        }
    }
}

async fn feed_entries_carry_every_field_in_each_format(app: TestApp) {
    let app = discovery_app(&app).await;
    let article = app
        .create_article(&json!({
            "title": "Talks resume", "summary": "Both sides return.", "body": "The *talks* resumed.",
            "byline": "Ana Reporter", "status": "published", "published_at": "2024-03-08T09:30:00Z",
            "section": "World News", "tags": ["Diplomacy", "Peace talks"], "language": "fr",
        }))
        .await;
    let id = id_of(&article);
    let url = format!("{SITE}/world-news/talks-resume");
    let atom = app.anonymous().get("/v1/feeds/articles.atom").await;
    let texts = xml_texts(&atom);
    for expected in [
        "The Example Times",
        &format!("urn:uuid:{id}"),
        "Talks resume",
        &url,
        "2024-03-08T09:30:00Z",
        "Both sides return.",
        "Ana Reporter",
        "Diplomacy",
        "Peace talks",
        "fr",
        "<p>The <em>talks</em> resumed.</p>\n",
    ] {
        assert!(texts.iter().any(|t| t == expected), "atom lacks {expected:?}: {}", atom.text);
    }
    let updated = format!("<updated>{}Z</updated>", &article["updated_at"].as_str().unwrap()[..19]);
    assert!(atom.text.contains(&updated), "{updated}: {}", atom.text);
    let rss = app.anonymous().get("/v1/feeds/articles.rss").await;
    let texts = xml_texts(&rss);
    for expected in ["Fri, 8 Mar 2024 09:30:00 +0000", &url, "Ana Reporter", "Diplomacy", "Both sides return."] {
        assert!(texts.iter().any(|t| t == expected), "rss lacks {expected:?}: {}", rss.text);
    }
    assert!(rss.text.contains("<content:encoded>&lt;p&gt;The &lt;em&gt;talks&lt;/em&gt; resumed.&lt;/p&gt;"));
    let json = app.anonymous().get("/v1/feeds/articles.json").await;
    assert_eq!(json.body["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json.body["home_page_url"], SITE);
    assert_eq!(json.body["title"], "The Example Times");
    let item = &json.body["items"][0];
    assert_eq!(item["id"], id);
    assert_eq!(item["url"], url);
    assert_eq!(item["title"], "Talks resume");
    assert_eq!(item["summary"], "Both sides return.");
    assert_eq!(item["content_html"], "<p>The <em>talks</em> resumed.</p>\n");
    assert_eq!(item["date_published"], "2024-03-08T09:30:00Z");
    assert_eq!(item["authors"], json!([{"name": "Ana Reporter"}]));
    assert_eq!(item["tags"], json!(["Diplomacy", "Peace talks"]));
    assert_eq!(item["language"], "fr");
    assert!(json.body["feed_url"].as_str().unwrap().ends_with("/v1/feeds/articles.json"), "{}", json.text);
}

async fn feeds_hold_the_newest_fifty(app: TestApp) {
    let app = discovery_app(&app).await;
    let mut ids = Vec::new();
    for n in 0..52 {
        let at = format!("2024-01-01T00:{n:02}:00Z");
        let article = app
            .create_article(
                &json!({"title": format!("Story {n}"), "body": "x", "status": "published", "published_at": at}),
            )
            .await;
        ids.push(id_of(&article).to_owned());
    }
    ids.reverse();
    for (path, _) in FEEDS {
        let feed = app.anonymous().get(path).await;
        assert_eq!(feed_ids(path, &feed), ids[..50], "{path}");
        // Tagged like every read: the lists' tag, then the fifty articles shown.
        let tags: Vec<&str> = feed.header("cache-tag").unwrap_or_default().split(',').collect();
        let expected: Vec<String> =
            std::iter::once("articles".to_owned()).chain(ids[..50].iter().map(|id| format!("article-{id}"))).collect();
        assert_eq!(tags, expected, "{path}");
    }
}

async fn feeds_filter_by_section_tag_and_language(app: TestApp) {
    let app = discovery_app(&app).await;
    let mut made = Vec::new();
    for (title, section, tags, language) in [
        ("Sport in English", "Sport", json!(["Football"]), "en"),
        ("World in English", "World", json!(["Football", "Politics"]), "en"),
        ("Sport in German", "Sport", json!(["Politics"]), "de"),
    ] {
        let body = json!({"title": title, "body": "x", "status": "published", "section": section,
                          "tags": tags, "language": language});
        made.push(id_of(&app.create_article(&body).await).to_owned());
    }
    for (query, expected) in [
        ("section=Sport", vec![2, 0]),
        ("tag=football", vec![1, 0]),
        ("tag=football&tag=POLITICS", vec![1]),
        ("language=de", vec![2]),
        ("section=Sport&language=en", vec![0]),
        ("section=Nothing", vec![]),
    ] {
        let expected: Vec<String> = expected.iter().map(|i: &usize| made[*i].clone()).collect();
        for (path, _) in FEEDS {
            let path = format!("{path}?{query}");
            assert_eq!(feed_ids(&path, &app.anonymous().get(&path).await), expected, "{path}");
        }
    }
}

async fn feed_parameters_are_checked(app: TestApp) {
    let app = discovery_app(&app).await;
    for (path, _) in FEEDS {
        let unknown = app.anonymous().get(&format!("{path}?status=draft")).await;
        unknown.assert_problem(422, "validation-failed");
        assert_eq!(unknown.error_locations(), ["status"]);
        let long = app.anonymous().get(&format!("{path}?section={}", "x".repeat(301))).await;
        long.assert_problem(422, "validation-failed");
        let bad_tag = app.anonymous().get(&format!("{path}?tag=%20")).await;
        assert_eq!(bad_tag.error_locations(), ["tag"], "{}", bad_tag.text);
        let malformed = app
            .anonymous()
            .send(app.anonymous().request(reqwest::Method::GET, path).header("if-none-match", "nope"))
            .await;
        malformed.assert_problem(400, "bad-request");
    }
}

async fn feeds_answer_304_to_either_validator_until_an_article_changes(app: TestApp) {
    let app = discovery_app(&app).await;
    let article = app.published("First").await;
    let anonymous = app.anonymous();
    for (path, _) in FEEDS {
        let first = anonymous.get(path).await;
        let etag = first.header("etag").unwrap().to_owned();
        let modified = first.header("last-modified").unwrap().to_owned();
        assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
        let again = anonymous.get(path).await;
        assert_eq!(again.header("etag"), Some(etag.as_str()), "{path}: the same content, the same ETag");
        let by_etag =
            anonymous.send(anonymous.request(reqwest::Method::GET, path).header("if-none-match", &etag)).await;
        assert_eq!(by_etag.status, 304, "{path}");
        assert_eq!(by_etag.header("etag"), Some(etag.as_str()));
        assert_eq!(by_etag.header("last-modified"), Some(modified.as_str()));
        assert!(by_etag.text.is_empty());
        let by_date =
            anonymous.send(anonymous.request(reqwest::Method::GET, path).header("if-modified-since", &modified)).await;
        assert_eq!(by_date.status, 304, "{path}");
        let earlier = "Mon, 01 Jan 2024 00:00:00 GMT";
        let stale =
            anonymous.send(anonymous.request(reqwest::Method::GET, path).header("if-modified-since", earlier)).await;
        assert_eq!(stale.status, 200, "{path}");
        // A matching date does not override an ETag that no longer matches.
        let both = anonymous
            .send(
                anonymous
                    .request(reqwest::Method::GET, path)
                    .header("if-none-match", "\"other\"")
                    .header("if-modified-since", &modified),
            )
            .await;
        assert_eq!(both.status, 200, "{path}");
        let garbage = anonymous
            .send(anonymous.request(reqwest::Method::GET, path).header("if-modified-since", "yesterday"))
            .await;
        assert_eq!(garbage.status, 200, "{path}: an unreadable date is ignored");
    }
    let etags: Vec<String> = current_etags(&anonymous).await;
    // Unpublishing the article changes every feed.
    let reply = app.patch(&format!("/v1/articles/{}", id_of(&article)), &json!({"status": "draft"})).await;
    assert_eq!(reply.status, 200);
    for ((path, _), etag) in FEEDS.iter().zip(etags) {
        let reply = anonymous.send(anonymous.request(reqwest::Method::GET, path).header("if-none-match", &etag)).await;
        assert_eq!(reply.status, 200, "{path}");
        assert!(!reply.text.contains("First"), "{path}");
    }
}

/// The ETag of each feed now.
async fn current_etags(app: &TestApp) -> Vec<String> {
    let mut out = Vec::new();
    for (path, _) in FEEDS {
        out.push(app.get(path).await.header("etag").unwrap().to_owned());
    }
    out
}

/// Markup, CDATA ends, XML-invalid control characters and bidirectional marks.
const HOSTILE: &str =
    "<b>Bold</b> & \"quoted\" ]]> <![CDATA[x]]> \u{1}\u{8}\u{b}\u{1b} \u{202e}reversed\u{202c} \u{200f}rtl";

async fn hostile_text_stays_escaped_and_well_formed(app: TestApp) {
    let app = discovery_app(&app).await;
    let article = app
        .create_article(&json!({
            "title": HOSTILE, "summary": HOSTILE, "byline": HOSTILE, "body": HOSTILE,
            "tags": ["<tag>", "]]>", "a\u{7}b"], "status": "published", "section": HOSTILE,
        }))
        .await;
    assert_eq!(article["title"], HOSTILE.trim());
    let cleaned: String = HOSTILE
        .chars()
        .map(|c| if matches!(c, '\u{1}' | '\u{8}' | '\u{b}' | '\u{1b}') { '\u{fffd}' } else { c })
        .collect();
    for path in ["/v1/feeds/articles.atom", "/v1/feeds/articles.rss"] {
        let reply = app.anonymous().get(path).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let texts = xml_texts(&reply);
        assert!(texts.contains(&cleaned), "{path}: the title is not back as text: {}", reply.text);
        assert!(texts.iter().any(|t| t == "<tag>") && texts.iter().any(|t| t == "]]>"), "{path}");
        for raw in ["<b>Bold", "<![CDATA[", "\u{1}", "\u{1b}", "\u{7}"] {
            assert!(!reply.text.contains(raw), "{path} holds {raw:?} unescaped");
        }
        assert!(reply.text.contains('\u{200f}') && reply.text.contains('\u{202e}'), "{path}: bidi marks are text");
    }
    let json = app.anonymous().get("/v1/feeds/articles.json").await;
    assert_eq!(json.body["items"][0]["title"], HOSTILE.trim());
    // Harmless markup (`<b>`) stays in the HTML, the CDATA section does not; the
    // text's `&` and `]]>` are escaped.
    let html = json.body["items"][0]["content_html"].as_str().unwrap();
    assert!(html.starts_with("<p><b>Bold</b> &amp; \"quoted\" ]]&gt; ") && !html.contains("CDATA"), "{html}");
}

async fn bodies_are_rendered_and_sanitised(app: TestApp) {
    let app = discovery_app(&app).await;
    let body = "# Heading\n\n<script>alert('x')</script>\n\n<img src=\"https://img.test/a.png\" onerror=\"alert(1)\">\n\n\
                [bad](javascript:alert(2)) <a href=\"jAvAsCrIpT:alert(3)\" onclick=\"alert(4)\">worse</a> \
                [good](https://example.org/ok) <style>body{}</style>";
    app.create_article(&json!({"title": "Markup", "body": body, "status": "published"})).await;
    let json = app.anonymous().get("/v1/feeds/articles.json").await;
    let html = json.body["items"][0]["content_html"].as_str().unwrap().to_owned();
    assert!(html.contains("<h1>Heading</h1>") && html.contains("href=\"https://example.org/ok\""), "{html}");
    assert!(html.contains("src=\"https://img.test/a.png\""), "{html}");
    let lower = html.to_ascii_lowercase();
    for banned in ["<script", "alert('x')", "onerror", "onclick", "javascript:", "<style"] {
        assert!(!lower.contains(banned), "{banned} survived: {html}");
    }
    for path in ["/v1/feeds/articles.atom", "/v1/feeds/articles.rss"] {
        let reply = app.anonymous().get(path).await;
        let texts = xml_texts(&reply);
        assert!(texts.contains(&html), "{path}: the same sanitised HTML: {}", reply.text);
    }
}
