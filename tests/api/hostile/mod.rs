//! A hostile-input corpus (the table is in `corpus`): oversized and deeply nested
//! JSON, invalid UTF-8, NUL bytes, huge numbers, SQL and script fragments, path
//! traversal, header injection and 10,000 query parameters. Every item is refused
//! with a 4xx problem document (or, when the HTTP layer cannot parse the request at
//! all, a bare 400), no response carries an injected header, and a full dump of the
//! database (through SQL) is identical before and after each one.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{Value, json};

use crate::dump::{all_rows, fan_out_caught_up};
use crate::helpers::TestApp;

mod corpus;

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

/// Sends raw bytes and reads the whole answer: (status, lowercased headers, body).
fn exchange(app: &TestApp, bytes: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let addr = app.address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("connect");
    // The app's token goes right after the request line, so the writes get past
    // authentication to the rules under test.
    let with_token;
    let bytes = match (&app.token, bytes.windows(2).position(|w| w == b"\r\n")) {
        (Some(token), Some(end)) => {
            with_token =
                [&bytes[..end + 2], format!("Authorization: Bearer {token}\r\n").as_bytes(), &bytes[end + 2..]]
                    .concat();
            &with_token[..]
        }
        _ => bytes,
    };
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

async fn hostile_corpus_is_refused_with_problems_and_changes_nothing(app: TestApp) {
    let targets = seed(&app).await;
    fan_out_caught_up(&app).await;
    let mut before = all_rows(&app);
    assert!(before.len() > 5, "the dump sees the seeded rows: {before:?}");
    let mut failures = Vec::new();
    let cases = corpus::all(&targets);
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
    let (status, _, body) = exchange(&app, &corpus::get(&format!("/v1/articles?{}", fifty.join("&"))));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    eprintln!(
        "[{:?}] hostile corpus: {} items, {} refused as expected",
        app.backend,
        cases.len(),
        cases.len() - failures.len()
    );
    assert!(failures.is_empty(), "{} of {} items failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
