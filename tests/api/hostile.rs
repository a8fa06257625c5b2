//! A hostile-input corpus, one table: oversized and deeply nested JSON, invalid
//! UTF-8, NUL bytes, huge numbers, SQL and script fragments, path traversal,
//! header injection and 10,000 query parameters. Every item is refused with a 4xx
//! problem document, and a full dump of the database (through SQL) is identical
//! before and after each one.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{Value, json};

use crate::dump::all_rows;
use crate::helpers::TestApp;

crate::tests![hostile_corpus_is_refused_with_problems_and_changes_nothing];

/// What a corpus item must get back.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// A problem document of this status and type suffix.
    Problem(u16, &'static str),
    /// A request the HTTP layer refuses before any route or middleware runs (a raw
    /// control character in the request head, a target over 64 KiB): a bare 400
    /// and a closed connection, as no application code sees the request.
    Unparseable,
}

struct Case {
    name: String,
    request: Vec<u8>,
    expect: Expect,
}

/// A request with a well-formed head, for `target` exactly as given (no client
/// library normalises `..` or re-encodes anything). Credentials, once the API
/// wants them, are added here for every corpus item.
fn request(method: &str, target: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Vec<u8> {
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

fn get(target: &str) -> Vec<u8> {
    request("GET", target, &[], None)
}

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

/// Sends raw bytes and reads the whole answer: (status, lowercased headers, body).
fn exchange(app: &TestApp, bytes: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let addr = app.address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    // The server may answer (and close) before it has read a huge body.
    let _ = stream.write_all(bytes);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or_else(|| {
        panic!("no response head in {:?}", String::from_utf8_lossy(&raw));
    });
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, raw[split + 4..].to_vec())
}

/// Ids of the stored data the corpus aims at.
struct Targets {
    article: String,
    quote: String,
    link: String,
}

async fn seed(app: &TestApp) -> Targets {
    let other = app.published("Bystander").await;
    let article = app
        .create_article(&json!({
            "title": "Target", "body": "text", "status": "published", "tags": ["Korea"],
            "quotes": [{"text": "We will respond.", "speaker_name": "A Minister"}],
            "related_links": [
                {"target_article_id": other["id"]},
                {"url": "https://example.org/analysis", "title": "Analysis"}
            ],
        }))
        .await;
    Targets {
        article: article["id"].as_str().unwrap().to_owned(),
        quote: article["quotes"][0]["id"].as_str().unwrap().to_owned(),
        link: article["related_links"][1]["id"].as_str().unwrap().to_owned(),
    }
}

fn corpus(t: &Targets) -> Vec<Case> {
    let article = format!("/v1/articles/{}", t.article);
    let links = format!("{article}/related-links");
    let quotes = format!("{article}/quotes");
    let quote = format!("/v1/quotes/{}", t.quote);
    let link = format!("/v1/related-links/{}", t.link);
    let mut cases = Vec::new();
    let mut add = |name: &str, request: Vec<u8>, expect: Expect| {
        cases.push(Case { name: name.to_owned(), request, expect });
    };
    use Expect::{Problem, Unparseable};
    let invalid = Problem(422, "validation-failed");
    let bad = Problem(400, "bad-request");
    let too_large = Problem(413, "payload-too-large");
    let not_found = Problem(404, "not-found");

    // Oversized.
    let padding = "x".repeat(1024 * 1024);
    add("body over 1 MiB", with_json("POST", "/v1/articles", article_with("body", json!(padding))), too_large);
    let many_links: Vec<Value> = (0..40_000).map(|i| json!({"url": format!("https://e.org/{i}")})).collect();
    add("list PUT over 1 MiB", with_json("PUT", &links, Value::from(many_links).to_string()), too_large);
    let list: Vec<Value> = (0..201).map(|i| json!({"url": format!("https://e.org/{i}")})).collect();
    add("list PUT of 201 links", with_json("PUT", &links, Value::from(list).to_string()), invalid);
    add(
        "body of 200,001 characters",
        with_json("POST", "/v1/articles", article_with("body", json!("x".repeat(200_001)))),
        invalid,
    );
    let tags: Vec<String> = (0..51).map(|i| format!("t{i}")).collect();
    add("51 tags", with_json("PATCH", &article, json!({"tags": tags}).to_string()), invalid);
    let quotes_list: Vec<Value> = (0..5_000).map(|i| json!({"text": format!("{i}"), "speaker_name": ""})).collect();
    add(
        "5,000 invalid nested quotes",
        with_json("POST", "/v1/articles", article_with("quotes", Value::from(quotes_list))),
        invalid,
    );

    // Deeply nested.
    let depth = 100_000;
    add(
        "100,000 nested arrays",
        with_json("POST", "/v1/articles", format!("{}{}", "[".repeat(depth), "]".repeat(depth))),
        bad,
    );
    let nested_objects = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
    add(
        "10,000 nested objects in a member",
        with_json("POST", "/v1/articles", format!(r#"{{"title":"x","tags":{nested_objects}}}"#)),
        bad,
    );
    add(
        "deep nesting in a merge patch",
        with_json("PATCH", &article, format!(r#"{{"summary":{nested_objects}}}"#)),
        bad,
    );
    add(
        "deep nesting in a list PUT",
        with_json("PUT", &links, format!("[{}]", "[".repeat(5_000) + &"]".repeat(5_000))),
        bad,
    );
    let shallow = format!("{}{}", "[".repeat(100), "]".repeat(100));
    add(
        "nesting within the parser's limit, wrong shape",
        with_json("POST", "/v1/articles", format!(r#"{{"title":"x","tags":{shallow}}}"#)),
        invalid,
    );
    add(
        "nested object where a string goes",
        with_json("PATCH", &article, format!(r#"{{"summary":{}1{}}}"#, r#"{"a":"#.repeat(50), "}".repeat(50))),
        invalid,
    );

    // Invalid UTF-8.
    add("invalid UTF-8 in a JSON string", with_json("POST", "/v1/articles", b"{\"title\": \"\xff\xfe\"}"), bad);
    add("overlong UTF-8 encoding", with_json("POST", "/v1/articles", b"{\"title\": \"\xc0\xaf\"}"), bad);
    add("UTF-16 body", with_json("POST", "/v1/articles", b"\xff\xfe{\x00\"\x00}\x00"), bad);
    add("lone surrogate escape", with_json("POST", "/v1/articles", br#"{"title": "\ud800"}"#), bad);
    add("invalid UTF-8 in a merge patch", with_json("PATCH", &article, b"{\"summary\": \"\xed\xa0\x80\"}"), bad);
    add("percent-encoded invalid UTF-8 in a path", get("/v1/articles/%FF%FE"), bad);
    add("percent-encoded invalid UTF-8 in a query", get("/v1/articles?section=%FF"), bad);
    add("raw DEL in a path", get("/v1/articles/\u{7f}"), Unparseable);
    let raw_bytes = get("/v1/articles/@@").into_iter().map(|b| if b == b'@' { 0xff } else { b }).collect();
    add("raw invalid UTF-8 in a path", raw_bytes, Unparseable);
    add("overlong UTF-8 in a quote search", get("/v1/quotes?q=%C0%AF"), bad);
    add(
        "charset other than UTF-8",
        request(
            "POST",
            "/v1/articles",
            &[("Content-Type", "application/json; charset=latin1")],
            Some(br#"{"title":"x"}"#),
        ),
        Problem(415, "unsupported-media-type"),
    );

    // NUL bytes.
    add("escaped NUL in a title", with_json("POST", "/v1/articles", article_with("title", json!("a\u{0}b"))), invalid);
    add(
        "escaped NUL in a nested quote",
        with_json("POST", "/v1/articles", article_with("quotes", json!([{"text": "\u{0}", "speaker_name": "x"}]))),
        invalid,
    );
    add("escaped NUL in a tag", with_json("PATCH", &article, json!({"tags": ["a\u{0}"]}).to_string()), invalid);
    add(
        "escaped NUL in a link URL",
        with_json("PUT", &links, json!([{"url": "https://e.org/\u{0}"}]).to_string()),
        invalid,
    );
    add(
        "escaped NUL in a quote PUT",
        with_json("PUT", &quote, json!({"text": "x", "speaker_name": "a\u{0}"}).to_string()),
        invalid,
    );
    add("raw NUL byte in a JSON string", with_json("POST", "/v1/articles", b"{\"title\": \"a\x00b\"}"), bad);
    add("NUL in a path", get("/v1/articles/a%00b"), bad);
    for parameter in ["q", "section", "tag", "source_name", "language", "cursor"] {
        add(
            &format!("NUL in the {parameter} filter"),
            get(&format!("/v1/articles?{parameter}=a%00b")),
            if parameter == "cursor" { bad } else { invalid },
        );
    }
    add("NUL in the speaker filter", get("/v1/quotes?speaker=a%00b"), invalid);
    add("NUL in the quote search", get("/v1/quotes?q=a%00b"), invalid);
    add("raw NUL in a header", request("GET", &article, &[("If-None-Match", "\"1\0\"")], None), Unparseable);

    // Huge numbers.
    add("position 1e400", with_json("POST", &quotes, r#"{"text":"x","speaker_name":"y","position":1e400}"#), bad);
    add(
        "position past u64",
        with_json("POST", &quotes, r#"{"text":"x","speaker_name":"y","position":99999999999999999999999}"#),
        invalid,
    );
    add(
        "position past i32",
        with_json("POST", &quotes, r#"{"text":"x","speaker_name":"y","position":2147483648}"#),
        invalid,
    );
    add("negative position", with_json("PATCH", &link, r#"{"position":-1}"#), invalid);
    add("fractional position", with_json("PATCH", &quote, r#"{"position":1.5}"#), invalid);
    add("number for a string", with_json("POST", "/v1/articles", article_with("title", json!(1e300))), invalid);
    add("huge limit", get("/v1/articles?limit=99999999999999999999"), invalid);
    add("exponent limit", get("/v1/articles?limit=1e3"), invalid);
    add("year 99999", with_json("PATCH", &article, r#"{"published_at":"99999-01-01T00:00:00Z"}"#), invalid);
    add(
        "huge If-Match version",
        request("DELETE", &article, &[("If-Match", "\"99999999999999999999\"")], None),
        Problem(412, "precondition-failed"),
    );
    add("read-only version member", with_json("PATCH", &article, r#"{"version":1e308}"#), invalid);

    // SQL fragments.
    add("SQL in an article path", get("/v1/articles/1'%20OR%20'1'='1"), bad);
    add("SQL in a quote path", request("DELETE", "/v1/quotes/1;DROP%20TABLE%20quotes", &[], None), bad);
    add("SQL in status", get("/v1/articles?status=published'%20OR%201=1--"), invalid);
    add("SQL in sort", get("/v1/articles?sort=published_at;DROP%20TABLE%20articles"), invalid);
    add("SQL in a cursor", get("/v1/articles?cursor='%20OR%201=1--"), bad);
    add("SQL in limit", get("/v1/articles?limit=1%20OR%201=1"), invalid);
    add(
        "SQL in a slug",
        with_json("POST", "/v1/articles", article_with("slug", json!("x'; DROP TABLE articles;--"))),
        invalid,
    );
    add("SQL in a status value", with_json("PATCH", &article, r#"{"status":"published' OR 'a'='a"}"#), invalid);
    add("SQL in a language", with_json("PATCH", &article, r#"{"language":"en'; DELETE FROM quotes;--"}"#), invalid);
    add(
        "SQL in a relation",
        with_json("PATCH", &link, r#"{"relation":"more'); DROP TABLE related_links;--"}"#),
        invalid,
    );
    add("SQL in a link target", with_json("PUT", &links, r#"[{"target_article_id":"1 OR 1=1"}]"#), invalid);
    add("SQL in If-Match", request("DELETE", &article, &[("If-Match", "1 OR 1=1")], None), bad);

    // Script fragments.
    add("script in an article path", get("/v1/articles/%3Cscript%3Ealert(1)%3C%2Fscript%3E"), bad);
    add("script with a slash in an article path", get("/v1/articles/%3Cscript%3Ealert(1)%3C/script%3E"), not_found);
    add(
        "javascript: source URL",
        with_json("POST", "/v1/articles", article_with("source_url", json!("javascript:alert(1)"))),
        invalid,
    );
    add("javascript: link URL", with_json("PUT", &links, r#"[{"url":"javascript:alert(document.cookie)"}]"#), invalid);
    add("data: link URL", with_json("PATCH", &link, r#"{"url":"data:text/html,<script>alert(1)</script>"}"#), invalid);
    add("script in a slug", with_json("PATCH", &article, r#"{"slug":"<script>alert(1)</script>"}"#), invalid);
    add("markup in a relation", with_json("PATCH", &link, r#"{"relation":"<img src=x onerror=alert(1)>"}"#), invalid);
    add(
        "script in a language",
        with_json("POST", "/v1/articles", article_with("language", json!("<script>"))),
        invalid,
    );
    add(
        "markup as the content type",
        request(
            "POST",
            "/v1/articles",
            &[("Content-Type", "text/html; x=<script>")],
            Some(b"<script>alert(1)</script>"),
        ),
        Problem(415, "unsupported-media-type"),
    );
    add("script in the include list", get("/v1/articles?include=%3Cscript%3E"), invalid);

    // Path traversal.
    add("encoded ../ in a slug", get("/v1/articles/..%2F..%2Fetc%2Fpasswd"), bad);
    add("encoded dots and slashes", request("DELETE", "/v1/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd", &[], None), bad);
    add("literal ../ segments", get("/v1/articles/../../etc/passwd"), not_found);
    add("dot segments in a nested route", with_json("PUT", "/v1/articles/../related-links", "[]"), bad);
    add("backslash traversal", get("/v1/articles/..%5C..%5Cwindows%5Cwin.ini"), bad);
    add("double-encoded traversal", get("/v1/articles/%252e%252e%252fetc"), bad);
    add(
        "traversal as a slug",
        with_json("POST", "/v1/articles", article_with("slug", json!("../../etc/passwd"))),
        invalid,
    );
    add("traversal in a link target path", get("/v1/articles/.%2e/backlinks"), bad);
    add("absolute-form target to another host", get("http://evil.example/v1/articles/../../etc/passwd"), not_found);

    // Header injection (the response must not grow a header from the input).
    add("CRLF in an article path", get("/v1/articles/x%0d%0aSet-Cookie:%20evil=1"), bad);
    add("CRLF in a cursor", get("/v1/articles?cursor=abc%0d%0aSet-Cookie:%20evil=1"), bad);
    add(
        "CRLF in a slug",
        with_json("POST", "/v1/articles", article_with("slug", json!("a\r\nSet-Cookie: evil=1"))),
        invalid,
    );
    add(
        "header-like If-Match",
        request("PATCH", &article, &[MERGE_PATCH, ("If-Match", "\"1\", Set-Cookie: evil=1")], Some(b"{}")),
        bad,
    );
    add(
        "encoded CRLF in If-Match",
        request("DELETE", &article, &[("If-Match", "\"1%0d%0aSet-Cookie: evil=1\"")], None),
        Problem(412, "precondition-failed"),
    );
    add(
        "header-like request id on a bad request",
        request("GET", "/v1/articles?limit=0", &[("X-Request-Id", "a%0d%0aSet-Cookie:%20evil=1")], None),
        invalid,
    );
    add(
        "bare CR in a header value",
        request("GET", &article, &[("X-Request-Id", "a\rSet-Cookie: evil=1")], None),
        Unparseable,
    );
    // A bare LF ends a header line for the parser: the smuggled line is a
    // header of its own, and a stale If-Match refuses the delete.
    add(
        "bare LF smuggling an If-Match",
        request("DELETE", &article, &[("X-Request-Id", "a\nIf-Match: \"999\"")], None),
        Problem(412, "precondition-failed"),
    );
    add(
        "folded header line",
        request("GET", &article, &[("If-None-Match", "\"1\"\r\n Set-Cookie: evil=1")], None),
        Unparseable,
    );
    add(
        "CRLF in the content type",
        request("POST", "/v1/articles", &[("Content-Type", "text/plain%0d%0aX-Injected: 1")], Some(b"x")),
        Problem(415, "unsupported-media-type"),
    );

    // 10,000 query parameters (each list is kept under the 64 KiB the HTTP layer
    // takes in a request target).
    let many = |pair: &dyn Fn(usize) -> String| (0..10_000).map(pair).collect::<Vec<_>>().join("&");
    add("10,000 tag filters", get(&format!("/v1/articles?{}", many(&|_| "tag=a".to_owned()))), invalid);
    add("10,000 distinct unknown parameters", get(&format!("/v1/articles?{}", many(&|i| format!("p{i}")))), invalid);
    add("10,000 repeats of limit", get(&format!("/v1/articles?{}", many(&|_| "limit".to_owned()))), invalid);
    add("10,000 valueless parameters", get(&format!("/v1/quotes?{}", many(&|_| "a".to_owned()))), invalid);
    add("10,000 parameters on a quote list", get(&format!("{quotes}?{}", many(&|i| format!("x{i}")))), invalid);
    add("10,000 parameters on a link list", get(&format!("{links}?{}", many(&|_| "limit".to_owned()))), invalid);
    add("10,000 parameters on backlinks", get(&format!("{article}/backlinks?{}", many(&|_| "c".to_owned()))), invalid);
    add("10,000 parameters past 64 KiB", get(&format!("/v1/articles?{}", many(&|i| format!("tag=t{i}")))), Unparseable);
    cases
}

async fn hostile_corpus_is_refused_with_problems_and_changes_nothing(app: TestApp) {
    let targets = seed(&app).await;
    let mut before = all_rows(&app);
    assert!(before.len() > 5, "the dump sees the seeded rows: {before:?}");
    let mut failures = Vec::new();
    let cases = corpus(&targets);
    for case in &cases {
        let (status, headers, body) = exchange(&app, &case.request);
        let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        let text = String::from_utf8_lossy(&body);
        let problem: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let verdict = match case.expect {
            Expect::Problem(want, kind) => {
                if status != want || problem["type"] != format!("/problems/{kind}") {
                    Some(format!("got {status} {text}, want {want} {kind}"))
                } else if header("content-type") != Some("application/problem+json") || problem["status"] != want {
                    Some(format!("not a problem document: {headers:?} {text}"))
                } else {
                    None
                }
            }
            Expect::Unparseable => (status != 400).then(|| format!("got {status} {text}, want a bare 400")),
        };
        let injected = headers.iter().any(|(n, _)| n == "set-cookie" || n == "x-injected")
            || header("x-request-id").is_some_and(|id| id.contains("Set-Cookie"));
        if let Some(why) = verdict {
            failures.push(format!("{}: {why}", case.name));
        } else if injected {
            failures.push(format!("{}: a header was injected: {headers:?}", case.name));
        }
        let after = all_rows(&app);
        if after != before {
            let gone: Vec<&String> = before.iter().filter(|r| !after.contains(r)).collect();
            let new: Vec<&String> = after.iter().filter(|r| !before.contains(r)).collect();
            failures.push(format!("{}: the database changed; rows gone: {gone:?}, rows new: {new:?}", case.name));
            before = after;
        }
    }
    // The limit that refuses 10,000 tag filters still lets the most an article can
    // carry through.
    let fifty: Vec<String> = (0..50).map(|i| format!("tag=t{i}")).collect();
    let (status, _, body) = exchange(&app, &get(&format!("/v1/articles?{}", fifty.join("&"))));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    eprintln!(
        "[{:?}] hostile corpus: {} items, {} refused as expected",
        app.backend,
        cases.len(),
        cases.len() - failures.len()
    );
    assert!(failures.is_empty(), "{} of {} items failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
