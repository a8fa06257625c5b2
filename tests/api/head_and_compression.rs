//! HTTP as clients and caches expect it: `HEAD` on every `GET` route, and
//! responses compressed as `Accept-Encoding` asks, with `Vary` and an ETag per
//! coding that conditional requests accept.

use std::io::Read;

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::discovery::discovery_app;
use crate::helpers::TestApp;

crate::tests![
    head_answers_every_get_route_with_its_status_and_headers_and_no_body,
    head_of_a_missing_article_is_a_bodiless_404,
    head_where_there_is_no_get_is_a_405_and_allow_names_head,
    compressed_bodies_decode_to_exactly_the_identity_body,
    small_bodies_go_uncompressed_but_every_text_response_varies,
    accept_encoding_identity_and_zero_qualities_are_respected,
    each_coding_has_its_own_etag_and_conditional_reads_accept_any_of_them,
    if_match_takes_a_compressed_etag_and_a_stale_one_still_fails,
];

/// A body long enough that an article (and a page of them) is compressed.
fn long_body(n: usize) -> String {
    format!("Paragraph {n}. ").repeat(60)
}

async fn long_article(app: &TestApp, title: &str) -> Value {
    app.create_article(&json!({"title": title, "body": long_body(1), "status": "published", "section": "World"})).await
}

/// A response with its body as bytes, as sent (reqwest here decodes nothing).
struct Raw {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn varies_on_accept_encoding(&self) -> bool {
        self.headers
            .get_all("vary")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|v| v.trim().eq_ignore_ascii_case("accept-encoding"))
    }

    /// The body with its `Content-Encoding` undone.
    fn decoded(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self.header("content-encoding") {
            None => out.clone_from(&self.body),
            Some("gzip") => {
                flate2::read::GzDecoder::new(self.body.as_slice()).read_to_end(&mut out).unwrap();
            }
            Some("br") => {
                brotli::Decompressor::new(self.body.as_slice(), 4096).read_to_end(&mut out).unwrap();
            }
            Some("zstd") => out = zstd::decode_all(self.body.as_slice()).unwrap(),
            Some(other) => panic!("unexpected coding {other}"),
        }
        out
    }
}

async fn raw(app: &TestApp, method: Method, path: &str, headers: &[(&str, &str)]) -> Raw {
    let mut request = app.request(method, path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("body read").to_vec();
    Raw { status, headers, body }
}

/// The headers that must agree between a `GET` and its `HEAD`: all but the ones
/// that differ between any two requests, and the framing.
fn comparable(headers: &HeaderMap) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| !["date", "x-request-id", "content-length", "transfer-encoding"].contains(&name.as_str()))
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap_or("?").to_owned()))
        .collect();
    pairs.sort();
    pairs
}

async fn assert_head_matches_get(app: &TestApp, path: &str, headers: &[(&str, &str)]) {
    let get = raw(app, Method::GET, path, headers).await;
    let head = raw(app, Method::HEAD, path, headers).await;
    assert_eq!(head.status, get.status, "HEAD {path} {headers:?}");
    assert_eq!(comparable(&head.headers), comparable(&get.headers), "HEAD {path} {headers:?}");
    assert!(head.body.is_empty(), "HEAD {path} sent a body");
    match (get.header("content-length"), get.header("transfer-encoding")) {
        (Some(len), _) => {
            assert_eq!(head.header("content-length"), Some(len), "HEAD {path}");
            assert_eq!(len.parse::<usize>().unwrap(), get.body.len());
        }
        (None, Some("chunked")) => assert_eq!(head.header("content-length"), None, "HEAD {path}"),
        other => panic!("GET {path}: neither a length nor chunks: {other:?}"),
    }
}

async fn head_answers_every_get_route_with_its_status_and_headers_and_no_body(app: TestApp) {
    // Rate limiting off (its `RateLimit` header counts down between the two).
    let site = discovery_app(&app).await;
    let article = site
        .article_with_children(
            "Head of state",
            &[json!({"text": "We will respond.", "speaker_name": "Park Jin"})],
            &[json!({"url": "https://example.org/analysis"})],
        )
        .await;
    long_article(&site, "A long story").await;
    let id = article["id"].as_str().unwrap();
    let quote = article["quotes"][0]["id"].as_str().unwrap();
    let paths = [
        format!("/v1/articles/{id}"),
        "/v1/articles?limit=5".to_owned(),
        format!("/v1/quotes/{quote}"),
        "/v1/feeds/articles.atom".to_owned(),
        "/v1/sitemaps/index.xml".to_owned(),
        "/v1/sitemaps/articles-1.xml".to_owned(),
        "/v1/sections".to_owned(),
        "/v1/tags?q=a".to_owned(),
        "/v1/changes".to_owned(),
        "/openapi.json".to_owned(),
        "/healthz".to_owned(),
    ];
    let anonymous = site.anonymous();
    for path in &paths {
        for headers in [&[][..], &[("accept-encoding", "gzip, br")][..]] {
            assert_head_matches_get(&site, path, headers).await;
        }
    }
    assert_head_matches_get(&anonymous, &format!("/v1/articles/{id}"), &[]).await;
    // A conditional HEAD is a 304, as the GET is.
    let etag =
        raw(&anonymous, Method::GET, &format!("/v1/articles/{id}"), &[]).await.header("etag").unwrap().to_owned();
    let cached = raw(&anonymous, Method::HEAD, &format!("/v1/articles/{id}"), &[("if-none-match", &etag)]).await;
    assert_eq!(cached.status, 304);
    assert_eq!(cached.header("etag"), Some(etag.as_str()));
}

async fn head_of_a_missing_article_is_a_bodiless_404(app: TestApp) {
    let get = raw(&app, Method::GET, "/v1/articles/no-such-story", &[]).await;
    let head = raw(&app, Method::HEAD, "/v1/articles/no-such-story", &[]).await;

    assert_eq!(head.status, 404);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-type"), Some("application/problem+json"));
    assert_eq!(head.header("content-length"), get.header("content-length"));
    assert_eq!(head.header("cache-control"), Some("private, no-store"));
}

async fn head_where_there_is_no_get_is_a_405_and_allow_names_head(app: TestApp) {
    let post_only = raw(&app, Method::HEAD, "/v1/imports", &[]).await;
    let readable = raw(&app, Method::DELETE, "/v1/articles", &[]).await;

    assert_eq!(post_only.status, 405);
    assert!(post_only.body.is_empty());
    assert_eq!(post_only.header("allow"), Some("POST"));
    assert_eq!(readable.status, 405);
    let mut allow: Vec<&str> = readable.header("allow").unwrap().split(',').map(str::trim).collect();
    allow.sort_unstable();
    assert_eq!(allow, ["GET", "HEAD", "POST"]);
}

async fn compressed_bodies_decode_to_exactly_the_identity_body(app: TestApp) {
    let site = discovery_app(&app).await;
    for n in 0..20 {
        long_article(&site, &format!("Story number {n}")).await;
    }
    // In memory (a page, an article, the document), streamed (a sitemap file), and
    // in memory but too large to compress on the worker (the docs' script bundle).
    let paths = [
        "/v1/articles?limit=20",
        "/v1/articles/story-number-3",
        "/v1/sitemaps/articles-1.xml",
        "/openapi.json",
        "/docs/swagger-ui-bundle.js",
    ];
    for path in paths {
        let identity = raw(&site, Method::GET, path, &[]).await;
        assert_eq!(identity.status, 200, "{path}");
        assert_eq!(identity.header("content-encoding"), None, "{path}");
        assert!(identity.body.len() > 1024, "{path}: {} bytes", identity.body.len());
        for coding in ["gzip", "br", "zstd"] {
            let compressed = raw(&site, Method::GET, path, &[("accept-encoding", coding)]).await;
            assert_eq!(compressed.status, 200, "{path} {coding}");
            assert_eq!(compressed.header("content-encoding"), Some(coding), "{path}");
            assert_eq!(compressed.header("content-type"), identity.header("content-type"), "{path}");
            assert!(compressed.body.len() < identity.body.len() / 2, "{path} {coding}: {}", compressed.body.len());
            assert_eq!(compressed.decoded(), identity.body, "{path} {coding}");
            assert!(compressed.varies_on_accept_encoding(), "{path} {coding}");
        }
    }
}

async fn small_bodies_go_uncompressed_but_every_text_response_varies(app: TestApp) {
    let small = app.published("Short").await;
    let path = format!("/v1/articles/{}", small["id"].as_str().unwrap());
    for path in [path.as_str(), "/healthz", "/v1/articles/no-such-story"] {
        let reply = raw(&app, Method::GET, path, &[("accept-encoding", "gzip, br, zstd")]).await;
        assert!(reply.body.len() <= 1024, "{path}: {} bytes", reply.body.len());
        assert_eq!(reply.header("content-encoding"), None, "{path}");
        assert!(reply.varies_on_accept_encoding(), "{path}: {:?}", reply.headers);
    }
    let identity = raw(&app, Method::GET, &path, &[]).await;
    assert!(identity.varies_on_accept_encoding());
    assert_eq!(identity.header("etag"), Some("\"1\""), "a small body keeps the identity tag");
}

async fn accept_encoding_identity_and_zero_qualities_are_respected(app: TestApp) {
    long_article(&app, "Negotiated").await;
    let path = "/v1/articles/negotiated";
    for (accept, expected) in [
        ("identity", None),
        ("gzip;q=0", None),
        ("gzip;q=0, identity", None),
        ("*;q=0, identity;q=0", None),
        ("gzip;q=0, br", Some("br")),
        ("br;q=0.5, gzip", Some("gzip")),
        ("zstd", Some("zstd")),
        ("gzip, deflate, br, zstd", Some("zstd")),
        ("gzip, deflate, br", Some("br")),
        ("deflate", None),
    ] {
        let reply = raw(&app, Method::GET, path, &[("accept-encoding", accept)]).await;
        assert_eq!(reply.status, 200, "{accept}");
        assert_eq!(reply.header("content-encoding"), expected, "Accept-Encoding: {accept}");
        assert!(reply.varies_on_accept_encoding(), "{accept}");
        let tag = expected.map_or_else(|| "\"1\"".to_owned(), |coding| format!("\"1-{coding}\""));
        assert_eq!(reply.header("etag"), Some(tag.as_str()), "{accept}");
    }
}

async fn each_coding_has_its_own_etag_and_conditional_reads_accept_any_of_them(app: TestApp) {
    long_article(&app, "Tagged").await;
    let path = "/v1/articles/tagged";
    let anonymous = app.anonymous();
    let reader = &anonymous;
    let tag = |coding: &'static str| async move {
        let headers: &[(&str, &str)] = if coding.is_empty() { &[] } else { &[("accept-encoding", coding)] };
        raw(reader, Method::GET, path, headers).await.header("etag").unwrap().to_owned()
    };
    assert_eq!(tag("").await, "\"1\"");
    assert_eq!(tag("gzip").await, "\"1-gzip\"");
    assert_eq!(tag("br").await, "\"1-br\"");
    assert_eq!(tag("zstd").await, "\"1-zstd\"");
    let embedded = raw(reader, Method::GET, &format!("{path}?include=quotes"), &[("accept-encoding", "gzip")]).await;
    let weak = embedded.header("etag").unwrap();
    assert!(weak.starts_with("W/\"1-") && weak.ends_with("-gzip\""), "{weak}");

    // The 304 carries the tag of the coding the 200 would have had.
    for (sent, accept, answered) in [
        ("\"1-gzip\"", "gzip", "\"1-gzip\""),
        ("\"1-gzip\"", "identity", "\"1\""),
        ("\"1\"", "br", "\"1-br\""),
        ("W/\"1-zstd\"", "zstd", "\"1-zstd\""),
    ] {
        let reply = raw(reader, Method::GET, path, &[("if-none-match", sent), ("accept-encoding", accept)]).await;
        assert_eq!(reply.status, 304, "If-None-Match: {sent}, Accept-Encoding: {accept}");
        assert!(reply.body.is_empty());
        assert_eq!(reply.header("etag"), Some(answered), "If-None-Match: {sent}, Accept-Encoding: {accept}");
        assert!(reply.varies_on_accept_encoding(), "{sent} {accept}");
    }
    let weak_again = raw(reader, Method::GET, &format!("{path}?include=quotes"), &[("if-none-match", weak)]).await;
    assert_eq!(weak_again.status, 304);
    let other = raw(reader, Method::GET, path, &[("if-none-match", "\"2-gzip\""), ("accept-encoding", "gzip")]).await;
    assert_eq!(other.status, 200);
}

async fn if_match_takes_a_compressed_etag_and_a_stale_one_still_fails(app: TestApp) {
    let article = long_article(&app, "Patched").await;
    let path = format!("/v1/articles/{}", article["id"].as_str().unwrap());
    let etag = raw(&app, Method::GET, &path, &[("accept-encoding", "gzip")]).await.header("etag").unwrap().to_owned();
    assert_eq!(etag, "\"1-gzip\"");

    let patch = |if_match: String| {
        let request = app
            .request(Method::PATCH, &path)
            .header("content-type", "application/merge-patch+json")
            .header("accept-encoding", "gzip")
            .header("if-match", if_match)
            .body(json!({"section": "Asia"}).to_string());
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.headers().get("etag").map(|v| v.to_str().unwrap().to_owned()))
        }
    };
    let (status, new_etag) = patch(etag.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(new_etag.as_deref(), Some("\"2-gzip\""));
    let (stale, _) = patch(etag).await;
    assert_eq!(stale, 412);
    let (stale_br, _) = patch("\"1-br\"".to_owned()).await;
    assert_eq!(stale_br, 412);
    let (current_br, _) = patch("\"2-br\"".to_owned()).await;
    assert_eq!(current_br, 200);
}
