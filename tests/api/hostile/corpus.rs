//! The corpus itself, one function per kind of attack, each item a raw request
//! and what it must get back.

use serde_json::{Value, json};

use super::{Case, Expect, Targets};

const INVALID: Expect = Expect::Problem(422, "validation-failed");
const BAD: Expect = Expect::Problem(400, "bad-request");
const TOO_LARGE: Expect = Expect::Problem(413, "payload-too-large");
const NOT_FOUND: Expect = Expect::Problem(404, "not-found");
const STALE: Expect = Expect::Problem(412, "precondition-failed");

/// Every item.
pub fn all(targets: &Targets) -> Vec<Case> {
    let p = Paths::new(targets);
    [
        oversized(&p),
        nested(&p),
        utf8(&p),
        nul(&p),
        numbers(&p),
        sql(&p),
        script(&p),
        traversal(&p),
        headers(&p),
        query_flood(&p),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The paths of the stored data the corpus aims at.
struct Paths {
    article: String,
    links: String,
    quotes: String,
    quote: String,
    link: String,
}

impl Paths {
    fn new(t: &Targets) -> Self {
        let article = format!("/v1/articles/{}", t.article);
        Self {
            links: format!("{article}/related-links"),
            quotes: format!("{article}/quotes"),
            quote: format!("/v1/quotes/{}", t.quote),
            link: format!("/v1/related-links/{}", t.link),
            article,
        }
    }
}

#[derive(Default)]
struct Cases(Vec<Case>);

impl Cases {
    fn add(&mut self, name: &str, request: Vec<u8>, expect: Expect) {
        self.0.push(Case { name: name.to_owned(), request, expect });
    }
}

/// A request with a well-formed head, for `target` exactly as given (no client
/// library normalises `..` or re-encodes anything). Credentials, once the API
/// wants them, are added here for every corpus item.
pub fn request(method: &str, target: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Vec<u8> {
    let mut out = format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n").into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    if let Some(body) = body {
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        out.extend_from_slice(body);
    } else {
        out.extend_from_slice(b"\r\n");
    }
    out
}

const JSON: (&str, &str) = ("Content-Type", "application/json");
const MERGE_PATCH: (&str, &str) = ("Content-Type", "application/merge-patch+json");

/// A GET of `target`.
pub fn get(target: &str) -> Vec<u8> {
    request("GET", target, &[], None)
}

/// A JSON body (merge patch for PATCH) sent to `target`.
fn with_json(method: &str, target: &str, body: impl AsRef<[u8]>) -> Vec<u8> {
    let content_type = if method == "PATCH" { MERGE_PATCH } else { JSON };
    request(method, target, &[content_type], Some(body.as_ref()))
}

/// A valid article body with one member replaced.
fn article_with(member: &str, value: Value) -> String {
    let mut body = json!({"title": "Hostile", "body": "text", "status": "published"});
    body[member] = value;
    body.to_string()
}

/// Bodies past the size limit, and lists past their item limits.
fn oversized(p: &Paths) -> Vec<Case> {
    let article = &p.article;
    let links = &p.links;
    let mut c = Cases::default();
    let padding = "x".repeat(1024 * 1024);
    c.add("body over 1 MiB", with_json("POST", "/v1/articles", article_with("body", json!(padding))), TOO_LARGE);
    let many_links: Vec<Value> = (0..40_000).map(|i| json!({"url": format!("https://e.org/{i}")})).collect();
    c.add("list PUT over 1 MiB", with_json("PUT", links, Value::from(many_links).to_string()), TOO_LARGE);
    let list: Vec<Value> = (0..201).map(|i| json!({"url": format!("https://e.org/{i}")})).collect();
    c.add("list PUT of 201 links", with_json("PUT", links, Value::from(list).to_string()), INVALID);
    c.add(
        "body of 200,001 characters",
        with_json("POST", "/v1/articles", article_with("body", json!("x".repeat(200_001)))),
        INVALID,
    );
    let tags: Vec<String> = (0..51).map(|i| format!("t{i}")).collect();
    c.add("51 tags", with_json("PATCH", article, json!({"tags": tags}).to_string()), INVALID);
    let quotes_list: Vec<Value> = (0..5_000).map(|i| json!({"text": format!("{i}"), "speaker_name": ""})).collect();
    c.add(
        "5,000 invalid nested quotes",
        with_json("POST", "/v1/articles", article_with("quotes", Value::from(quotes_list))),
        INVALID,
    );
    c.0
}

/// JSON nested past the parser's depth limit (400), or within it but of the wrong shape (422).
fn nested(p: &Paths) -> Vec<Case> {
    let article = &p.article;
    let links = &p.links;
    let mut c = Cases::default();
    let depth = 100_000;
    c.add(
        "100,000 nested arrays",
        with_json("POST", "/v1/articles", format!("{}{}", "[".repeat(depth), "]".repeat(depth))),
        BAD,
    );
    let nested_objects = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
    c.add(
        "10,000 nested objects in a member",
        with_json("POST", "/v1/articles", format!(r#"{{"title":"x","tags":{nested_objects}}}"#)),
        BAD,
    );
    c.add(
        "deep nesting in a merge patch",
        with_json("PATCH", article, format!(r#"{{"summary":{nested_objects}}}"#)),
        BAD,
    );
    c.add(
        "deep nesting in a list PUT",
        with_json("PUT", links, format!("[{}]", "[".repeat(5_000) + &"]".repeat(5_000))),
        BAD,
    );
    // Within the depth limit (32 levels), so the shape is what gets judged.
    let shallow = format!("{}{}", "[".repeat(20), "]".repeat(20));
    c.add(
        "nesting within the depth limit, wrong shape",
        with_json("POST", "/v1/articles", format!(r#"{{"title":"x","tags":{shallow}}}"#)),
        INVALID,
    );
    c.add(
        "nested object where a string goes",
        with_json("PATCH", article, format!(r#"{{"summary":{}1{}}}"#, r#"{"a":"#.repeat(20), "}".repeat(20))),
        INVALID,
    );
    c.0
}

/// Bytes that are not UTF-8, in bodies, paths and query strings.
fn utf8(p: &Paths) -> Vec<Case> {
    let article = &p.article;
    let mut c = Cases::default();
    c.add("invalid UTF-8 in a JSON string", with_json("POST", "/v1/articles", b"{\"title\": \"\xff\xfe\"}"), BAD);
    c.add("overlong UTF-8 encoding", with_json("POST", "/v1/articles", b"{\"title\": \"\xc0\xaf\"}"), BAD);
    c.add("UTF-16 body", with_json("POST", "/v1/articles", b"\xff\xfe{\x00\"\x00}\x00"), BAD);
    c.add("lone surrogate escape", with_json("POST", "/v1/articles", br#"{"title": "\ud800"}"#), BAD);
    c.add("invalid UTF-8 in a merge patch", with_json("PATCH", article, b"{\"summary\": \"\xed\xa0\x80\"}"), BAD);
    c.add("percent-encoded invalid UTF-8 in a path", get("/v1/articles/%FF%FE"), BAD);
    c.add("percent-encoded invalid UTF-8 in a query", get("/v1/articles?section=%FF"), BAD);
    c.add("raw DEL in a path", get("/v1/articles/\u{7f}"), Expect::Unparseable);
    let raw_bytes = get("/v1/articles/@@").into_iter().map(|b| if b == b'@' { 0xff } else { b }).collect();
    c.add("raw invalid UTF-8 in a path", raw_bytes, Expect::Unparseable);
    c.add("overlong UTF-8 in a quote search", get("/v1/quotes?q=%C0%AF"), BAD);
    c.add(
        "charset other than UTF-8",
        request(
            "POST",
            "/v1/articles",
            &[("Content-Type", "application/json; charset=latin1")],
            Some(br#"{"title":"x"}"#),
        ),
        Expect::Problem(415, "unsupported-media-type"),
    );
    c.0
}

/// NUL characters, escaped and raw, wherever text goes.
fn nul(p: &Paths) -> Vec<Case> {
    let article = &p.article;
    let links = &p.links;
    let quote = &p.quote;
    let mut c = Cases::default();
    c.add(
        "escaped NUL in a title",
        with_json("POST", "/v1/articles", article_with("title", json!("a\u{0}b"))),
        INVALID,
    );
    c.add(
        "escaped NUL in a nested quote",
        with_json("POST", "/v1/articles", article_with("quotes", json!([{"text": "\u{0}", "speaker_name": "x"}]))),
        INVALID,
    );
    c.add("escaped NUL in a tag", with_json("PATCH", article, json!({"tags": ["a\u{0}"]}).to_string()), INVALID);
    c.add(
        "escaped NUL in an image's alt text",
        with_json("PATCH", article, json!({"image": {"url": "https://e.org/a.jpg", "alt": "a\u{0}"}}).to_string()),
        INVALID,
    );
    c.add(
        "escaped NUL in a link URL",
        with_json("PUT", links, json!([{"url": "https://e.org/\u{0}"}]).to_string()),
        INVALID,
    );
    c.add(
        "escaped NUL in a quote PUT",
        with_json("PUT", quote, json!({"text": "x", "speaker_name": "a\u{0}"}).to_string()),
        INVALID,
    );
    c.add("raw NUL byte in a JSON string", with_json("POST", "/v1/articles", b"{\"title\": \"a\x00b\"}"), BAD);
    c.add("NUL in a path", get("/v1/articles/a%00b"), BAD);
    for parameter in ["q", "section", "tag", "source_name", "language", "cursor"] {
        c.add(
            &format!("NUL in the {parameter} filter"),
            get(&format!("/v1/articles?{parameter}=a%00b")),
            if parameter == "cursor" { BAD } else { INVALID },
        );
    }
    c.add("NUL in the speaker filter", get("/v1/quotes?speaker=a%00b"), INVALID);
    c.add("NUL in the quote search", get("/v1/quotes?q=a%00b"), INVALID);
    c.add("raw NUL in a header", request("GET", article, &[("If-None-Match", "\"1\0\"")], None), Expect::Unparseable);
    c.0
}

/// Numbers past every range, and numbers where none belong.
fn numbers(p: &Paths) -> Vec<Case> {
    let article = &p.article;
    let quotes = &p.quotes;
    let quote = &p.quote;
    let link = &p.link;
    let mut c = Cases::default();
    c.add("position 1e400", with_json("POST", quotes, r#"{"text":"x","speaker_name":"y","position":1e400}"#), BAD);
    c.add(
        "position past u64",
        with_json("POST", quotes, r#"{"text":"x","speaker_name":"y","position":99999999999999999999999}"#),
        INVALID,
    );
    c.add(
        "position past i32",
        with_json("POST", quotes, r#"{"text":"x","speaker_name":"y","position":2147483648}"#),
        INVALID,
    );
    c.add("negative position", with_json("PATCH", link, r#"{"position":-1}"#), INVALID);
    c.add("fractional position", with_json("PATCH", quote, r#"{"position":1.5}"#), INVALID);
    c.add("number for a string", with_json("POST", "/v1/articles", article_with("title", json!(1e300))), INVALID);
    c.add("huge limit", get("/v1/articles?limit=99999999999999999999"), INVALID);
    c.add("exponent limit", get("/v1/articles?limit=1e3"), INVALID);
    c.add("year 99999", with_json("PATCH", article, r#"{"published_at":"99999-01-01T00:00:00Z"}"#), INVALID);
    c.add(
        "huge If-Match version",
        request("DELETE", article, &[("If-Match", "\"99999999999999999999\"")], None),
        STALE,
    );
    c.add("read-only version member", with_json("PATCH", article, r#"{"version":1e308}"#), INVALID);
    c.add(
        "image width past u64",
        with_json(
            "PATCH",
            article,
            r#"{"image":{"url":"https://e.org/a.jpg","alt":"a","width":99999999999999999999999}}"#,
        ),
        INVALID,
    );
    c.add(
        "image height 1e400",
        with_json("PATCH", article, r#"{"image":{"url":"https://e.org/a","alt":"a","height":1e400}}"#),
        BAD,
    );
    c.0
}

/// SQL fragments in paths, parameters, values and headers.
fn sql(p: &Paths) -> Vec<Case> {
    let article = &p.article;
    let links = &p.links;
    let link = &p.link;
    let mut c = Cases::default();
    c.add("SQL in an article path", get("/v1/articles/1'%20OR%20'1'='1"), BAD);
    c.add("SQL in a quote path", request("DELETE", "/v1/quotes/1;DROP%20TABLE%20quotes", &[], None), BAD);
    c.add("SQL in status", get("/v1/articles?status=published'%20OR%201=1--"), INVALID);
    c.add("SQL in sort", get("/v1/articles?sort=published_at;DROP%20TABLE%20articles"), INVALID);
    c.add("SQL in a cursor", get("/v1/articles?cursor='%20OR%201=1--"), BAD);
    c.add("SQL in limit", get("/v1/articles?limit=1%20OR%201=1"), INVALID);
    c.add(
        "SQL in a slug",
        with_json("POST", "/v1/articles", article_with("slug", json!("x'; DROP TABLE articles;--"))),
        INVALID,
    );
    c.add("SQL in a status value", with_json("PATCH", article, r#"{"status":"published' OR 'a'='a"}"#), INVALID);
    c.add("SQL in a language", with_json("PATCH", article, r#"{"language":"en'; DELETE FROM quotes;--"}"#), INVALID);
    c.add(
        "SQL in a relation",
        with_json("PATCH", link, r#"{"relation":"more'); DROP TABLE related_links;--"}"#),
        INVALID,
    );
    c.add("SQL in a link target", with_json("PUT", links, r#"[{"target_article_id":"1 OR 1=1"}]"#), INVALID);
    // Not entity-tag syntax: it matches no stored version, so the write fails closed.
    // A malformed If-Match is a malformed header (400), not a stale one.
    c.add("SQL in If-Match", request("DELETE", article, &[("If-Match", "1 OR 1=1")], None), BAD);
    c.0
}

/// Script and markup in paths, URLs and enumerated values.
fn script(p: &Paths) -> Vec<Case> {
    let article = &p.article;
    let links = &p.links;
    let link = &p.link;
    let mut c = Cases::default();
    c.add("script in an article path", get("/v1/articles/%3Cscript%3Ealert(1)%3C%2Fscript%3E"), BAD);
    c.add("script with a slash in an article path", get("/v1/articles/%3Cscript%3Ealert(1)%3C/script%3E"), NOT_FOUND);
    c.add(
        "javascript: source URL",
        with_json("POST", "/v1/articles", article_with("source_url", json!("javascript:alert(1)"))),
        INVALID,
    );
    c.add(
        "javascript: image URL",
        with_json("POST", "/v1/articles", article_with("image", json!({"url": "javascript:alert(1)", "alt": "x"}))),
        INVALID,
    );
    c.add("javascript: link URL", with_json("PUT", links, r#"[{"url":"javascript:alert(document.cookie)"}]"#), INVALID);
    c.add("data: link URL", with_json("PATCH", link, r#"{"url":"data:text/html,<script>alert(1)</script>"}"#), INVALID);
    c.add("script in a slug", with_json("PATCH", article, r#"{"slug":"<script>alert(1)</script>"}"#), INVALID);
    c.add("markup in a relation", with_json("PATCH", link, r#"{"relation":"<img src=x onerror=alert(1)>"}"#), INVALID);
    c.add(
        "script in a language",
        with_json("POST", "/v1/articles", article_with("language", json!("<script>"))),
        INVALID,
    );
    c.add(
        "markup as the content type",
        request(
            "POST",
            "/v1/articles",
            &[("Content-Type", "text/html; x=<script>")],
            Some(b"<script>alert(1)</script>"),
        ),
        Expect::Problem(415, "unsupported-media-type"),
    );
    c.add("script in the include list", get("/v1/articles?include=%3Cscript%3E"), INVALID);
    c.0
}

/// Path traversal, literal, encoded and double-encoded.
fn traversal(_: &Paths) -> Vec<Case> {
    let mut c = Cases::default();
    c.add("encoded ../ in a slug", get("/v1/articles/..%2F..%2Fetc%2Fpasswd"), BAD);
    c.add("encoded dots and slashes", request("DELETE", "/v1/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd", &[], None), BAD);
    c.add("literal ../ segments", get("/v1/articles/../../etc/passwd"), NOT_FOUND);
    c.add("dot segments in a nested route", with_json("PUT", "/v1/articles/../related-links", "[]"), BAD);
    c.add("backslash traversal", get("/v1/articles/..%5C..%5Cwindows%5Cwin.ini"), BAD);
    c.add("double-encoded traversal", get("/v1/articles/%252e%252e%252fetc"), BAD);
    c.add(
        "traversal as a slug",
        with_json("POST", "/v1/articles", article_with("slug", json!("../../etc/passwd"))),
        INVALID,
    );
    c.add("traversal in a link target path", get("/v1/articles/.%2e/backlinks"), BAD);
    c.add("absolute-form target to another host", get("http://evil.example/v1/articles/../../etc/passwd"), NOT_FOUND);
    c.0
}

/// Header injection: CR and LF, encoded or raw, in paths, values and headers; the
/// response must not grow a header from the input.
fn headers(p: &Paths) -> Vec<Case> {
    let article = &p.article;
    let mut c = Cases::default();
    c.add("CRLF in an article path", get("/v1/articles/x%0d%0aSet-Cookie:%20evil=1"), BAD);
    c.add("CRLF in a cursor", get("/v1/articles?cursor=abc%0d%0aSet-Cookie:%20evil=1"), BAD);
    c.add(
        "CRLF in a slug",
        with_json("POST", "/v1/articles", article_with("slug", json!("a\r\nSet-Cookie: evil=1"))),
        INVALID,
    );
    c.add(
        "header-like If-Match",
        request("PATCH", article, &[MERGE_PATCH, ("If-Match", "\"1\", Set-Cookie: evil=1")], Some(b"{}")),
        BAD,
    );
    c.add(
        "encoded CRLF in If-Match",
        request("DELETE", article, &[("If-Match", "\"1%0d%0aSet-Cookie: evil=1\"")], None),
        BAD,
    );
    c.add(
        "header-like request id on a bad request",
        request("GET", "/v1/articles?limit=0", &[("X-Request-Id", "a%0d%0aSet-Cookie:%20evil=1")], None),
        INVALID,
    );
    c.add(
        "bare CR in a header value",
        request("GET", article, &[("X-Request-Id", "a\rSet-Cookie: evil=1")], None),
        Expect::Unparseable,
    );
    // A bare LF ends a header line for the parser: the smuggled line is a
    // header of its own, and a stale If-Match refuses the delete.
    c.add(
        "bare LF smuggling an If-Match",
        request("DELETE", article, &[("X-Request-Id", "a\nIf-Match: \"999\"")], None),
        STALE,
    );
    c.add(
        "folded header line",
        request("GET", article, &[("If-None-Match", "\"1\"\r\n Set-Cookie: evil=1")], None),
        Expect::Unparseable,
    );
    c.add(
        "CRLF in the content type",
        request("POST", "/v1/articles", &[("Content-Type", "text/plain%0d%0aX-Injected: 1")], Some(b"x")),
        Expect::Problem(415, "unsupported-media-type"),
    );
    c.0
}

/// 10,000 query parameters; each list stays under the 64 KiB the HTTP layer
/// takes in a request target, except the last.
fn query_flood(p: &Paths) -> Vec<Case> {
    let article = &p.article;
    let links = &p.links;
    let quotes = &p.quotes;
    let mut c = Cases::default();
    let many = |pair: &dyn Fn(usize) -> String| (0..10_000).map(pair).collect::<Vec<_>>().join("&");
    c.add("10,000 tag filters", get(&format!("/v1/articles?{}", many(&|_| "tag=a".to_owned()))), INVALID);
    c.add("10,000 distinct unknown parameters", get(&format!("/v1/articles?{}", many(&|i| format!("p{i}")))), INVALID);
    c.add("10,000 repeats of limit", get(&format!("/v1/articles?{}", many(&|_| "limit".to_owned()))), INVALID);
    c.add("10,000 valueless parameters", get(&format!("/v1/quotes?{}", many(&|_| "a".to_owned()))), INVALID);
    c.add("10,000 parameters on a quote list", get(&format!("{quotes}?{}", many(&|i| format!("x{i}")))), INVALID);
    c.add("10,000 parameters on a link list", get(&format!("{links}?{}", many(&|_| "limit".to_owned()))), INVALID);
    c.add(
        "10,000 parameters on backlinks",
        get(&format!("{article}/backlinks?{}", many(&|_| "c".to_owned()))),
        INVALID,
    );
    c.add(
        "10,000 parameters past 64 KiB",
        get(&format!("/v1/articles?{}", many(&|i| format!("tag=t{i}")))),
        Expect::Unparseable,
    );
    c.0
}
