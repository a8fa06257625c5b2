//! SIGKILL while clients create articles with nested quotes and related links and
//! replace related-link lists: after each kill the database (read with SQL, not
//! through the service) holds every article whole or not at all, every write that
//! was acknowledged is there, and the restarted service serves the same data.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use newsdesk::config::{DatabaseSettings, DatabaseUrl};
use newsdesk::db::Database;
use newsdesk::db::schema::{article_tags, articles, quotes, related_links};
use serde_json::json;

use crate::http::Request;
use crate::pg::{PG_ENV, ScratchDb};
use crate::service::Service;

const WRITERS: usize = 4;
/// How long the load runs before each kill: early, mid and late in a burst.
const KILL_AFTER_MS: [u64; 3] = [250, 700, 1200];
const ANCHOR_TITLE: &str = "Anchor for internal links";

pub fn sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("newsdesk.db");
    run(&file.to_string_lossy(), dir.path());
}

pub fn postgres() {
    let admin = std::env::var(PG_ENV).expect("checked by the runner");
    let scratch = ScratchDb::create(&admin);
    let dir = tempfile::tempdir().unwrap();
    run(&scratch.url, dir.path());
}

/// What one writer thread got acknowledged (and what it merely sent).
#[derive(Default)]
struct WriterLog {
    /// Articles it created (201), with the last list generation sent and the last
    /// one acknowledged (200) for each.
    created: Vec<Owned>,
    puts_acknowledged: usize,
    /// Requests that got an answer other than the expected 2xx.
    unexpected: Vec<String>,
    /// The request the kill interrupted, if any.
    interrupted: Option<String>,
}

struct Owned {
    id: String,
    sent_generation: u32,
    acknowledged_generation: u32,
}

/// Children of a create or a list PUT: `count` links of generation `generation`,
/// the first pointing at the anchor article, each titled so that a check can tell
/// which write it came from.
fn links(anchor: &str, tag: &str, generation: u32, count: u32) -> Vec<serde_json::Value> {
    (0..count)
        .map(|i| {
            let title = format!("g{generation} {i}/{count}");
            if i == 0 {
                json!({"target_article_id": anchor, "title": title, "relation": "more"})
            } else {
                json!({"url": format!("https://example.org/{tag}/g{generation}/{i}"), "title": title})
            }
        })
        .collect()
}

fn nested_article(anchor: &str, tag: &str, quotes: u32, link_count: u32) -> String {
    let quotes: Vec<_> = (0..quotes)
        .map(|i| json!({"text": format!("q{i}/{quotes}"), "speaker_name": "A Speaker", "context": "on the record"}))
        .collect();
    json!({
        "title": format!("Killed {tag}"),
        "body": "text ".repeat(200),
        "status": "published",
        "tags": ["kill-test"],
        "quotes": quotes,
        "related_links": links(anchor, tag, 0, link_count),
    })
    .to_string()
}

/// One writer: alternately creates a nested article and replaces the link list of
/// one it created earlier, until the service stops answering.
fn writer(addr: crate::http::Client, anchor: String, round: usize, writer: usize) -> WriterLog {
    let mut log = WriterLog::default();
    for n in 0u32.. {
        let replace = n % 2 == 1 && !log.created.is_empty();
        let (outcome, description) = if replace {
            let index = (n as usize / 2) % log.created.len();
            let owned = &mut log.created[index];
            owned.sent_generation += 1;
            let generation = owned.sent_generation;
            let count = 1 + (generation * 3 + n) % 7;
            let body = serde_json::Value::from(links(&anchor, &owned.id, generation, count)).to_string();
            let path = format!("/v1/articles/{}/related-links", owned.id);
            let outcome = addr.send(&Request::json("PUT", &path, &body), Duration::from_secs(30));
            if outcome.as_ref().is_ok_and(|r| r.status == 200) {
                owned.acknowledged_generation = generation;
                log.puts_acknowledged += 1;
            }
            (outcome.map(|r| (r, 200)), format!("PUT {path} generation {generation}"))
        } else {
            let tag = format!("r{round}-w{writer}-n{n}");
            let body = nested_article(&anchor, &tag, 1 + (n * 7 + writer as u32) % 6, 1 + (n * 5) % 6);
            let outcome = addr.send(&Request::json("POST", "/v1/articles", &body), Duration::from_secs(30));
            if let Ok(r) = &outcome
                && r.status == 201
            {
                let id = r.json()["id"].as_str().expect("id").to_owned();
                log.created.push(Owned { id, sent_generation: 0, acknowledged_generation: 0 });
            }
            (outcome.map(|r| (r, 201)), format!("POST {tag}"))
        };
        match outcome {
            Ok((response, expected)) if response.status != expected => {
                log.unexpected.push(format!("{description}: {} {}", response.status, response.text()));
            }
            Ok(_) => {}
            Err(e) => {
                log.interrupted = Some(format!("{description}: {e}"));
                break;
            }
        }
    }
    log
}

/// The stored state, read with SQL while the service is down.
struct Stored {
    /// Article id to title.
    articles: BTreeMap<String, String>,
    /// Article id to (position, text) of its quotes.
    quotes: BTreeMap<String, Vec<(i32, String)>>,
    /// Article id to (position, title) of its links.
    links: BTreeMap<String, Vec<(i32, String)>>,
    /// Article id to its number of tag index rows.
    tag_rows: BTreeMap<String, usize>,
}

fn read_stored(url: &str) -> Stored {
    let settings = DatabaseSettings::for_url(DatabaseUrl::parse(url).unwrap());
    Database::new(&settings)
        .blocking(|conn| {
            let articles = articles::table.select((articles::id, articles::title)).load::<(String, String)>(conn)?;
            let quote_rows = quotes::table
                .select((quotes::article_id, quotes::position, quotes::text))
                .order_by((quotes::article_id, quotes::position))
                .load::<(String, i32, String)>(conn)?;
            let link_rows = related_links::table
                .select((related_links::article_id, related_links::position, related_links::title))
                .order_by((related_links::article_id, related_links::position))
                .load::<(String, i32, Option<String>)>(conn)?;
            let tag_rows = article_tags::table.select(article_tags::article_id).load::<String>(conn)?;
            let mut stored = Stored {
                articles: articles.into_iter().collect(),
                quotes: BTreeMap::new(),
                links: BTreeMap::new(),
                tag_rows: BTreeMap::new(),
            };
            for (article, position, text) in quote_rows {
                stored.quotes.entry(article).or_default().push((position, text));
            }
            for (article, position, title) in link_rows {
                stored.links.entry(article).or_default().push((position, title.unwrap_or_default()));
            }
            for article in tag_rows {
                *stored.tag_rows.entry(article).or_default() += 1;
            }
            Ok(stored)
        })
        .expect("read the database with SQL")
}

/// Checks that children titled `<prefix>{i}/{count}` (after an optional
/// generation word) form one complete, ordered set; returns (generation, count).
fn whole_set(children: &[(i32, String)], what: &str, article: &str) -> (u32, usize) {
    let parsed: Vec<(u32, usize, usize)> = children
        .iter()
        .map(|(_, label)| {
            let (generation, rest) = match label.strip_prefix('g').and_then(|l| l.split_once(' ')) {
                Some((g, rest)) => (g.parse().expect("generation"), rest),
                None => (0, label.strip_prefix('q').unwrap_or(label)),
            };
            let (i, count) = rest.split_once('/').unwrap_or_else(|| panic!("unexpected {what} label {label:?}"));
            (generation, i.parse().unwrap(), count.parse().unwrap())
        })
        .collect();
    let (generation, _, count) = parsed.first().copied().unwrap_or_else(|| panic!("article {article} has no {what}"));
    assert_eq!(children.len(), count, "article {article}: {what} is partial: {children:?}");
    for (index, ((position, label), (g, i, c))) in children.iter().zip(&parsed).enumerate() {
        assert_eq!((*g, *c), (generation, count), "article {article}: {what} mixes two writes: {children:?}");
        assert_eq!((*position as usize, *i), (index, index), "article {article}: {what} out of order at {label:?}");
    }
    (generation, count)
}

/// Every article whole, no orphans, every acknowledged write present; returns the
/// link generation stored for each article.
fn check(stored: &Stored, logs: &[WriterLog], anchor: &str) -> BTreeMap<String, u32> {
    for article in stored.quotes.keys().chain(stored.links.keys()).chain(stored.tag_rows.keys()) {
        assert!(stored.articles.contains_key(article), "children of a missing article {article}");
    }
    let mut generations = BTreeMap::new();
    for (id, title) in &stored.articles {
        if id == anchor {
            continue;
        }
        assert!(title.starts_with("Killed "), "unexpected article {title:?}");
        whole_set(stored.quotes.get(id).map_or(&[], Vec::as_slice), "quotes", id);
        let (generation, _) = whole_set(stored.links.get(id).map_or(&[], Vec::as_slice), "related links", id);
        assert_eq!(stored.tag_rows.get(id), Some(&1), "article {id}: tag index rows missing");
        generations.insert(id.clone(), generation);
    }
    for owned in logs.iter().flat_map(|l| &l.created) {
        let generation = generations
            .get(&owned.id)
            .unwrap_or_else(|| panic!("article {} was acknowledged (201) but is gone", owned.id));
        assert!(
            (owned.acknowledged_generation..=owned.sent_generation).contains(generation),
            "article {}: stored link list is generation {generation}, acknowledged {}, last sent {}",
            owned.id,
            owned.acknowledged_generation,
            owned.sent_generation
        );
    }
    generations
}

fn run(database_url: &str, dir: &std::path::Path) {
    let service = Service::start(database_url, dir, &[]);
    let anchor = service
        .send(&Request::json("POST", "/v1/articles", &json!({"title": ANCHOR_TITLE, "body": "text"}).to_string()))
        .unwrap();
    assert_eq!(anchor.status, 201, "{}", anchor.text());
    let anchor = anchor.json()["id"].as_str().unwrap().to_owned();
    drop(service);

    let mut all_logs: Vec<WriterLog> = Vec::new();
    eprintln!(
        "--- SIGKILL figures ({}) ---",
        if database_url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" }
    );
    for (round, kill_after) in KILL_AFTER_MS.into_iter().enumerate() {
        let logs = kill_round(database_url, dir, &anchor, round, Duration::from_millis(kill_after));
        all_logs.extend(logs);
        let stored = read_stored(database_url);
        check(&stored, &all_logs, &anchor);
        let this_round = &all_logs[all_logs.len() - WRITERS..];
        eprintln!(
            "round {round}: killed after {kill_after} ms; acknowledged {} creates and {} list PUTs; \
             {} requests cut off by the kill; {} articles stored, all whole",
            this_round.iter().map(|l| l.created.len()).sum::<usize>(),
            this_round.iter().map(|l| l.puts_acknowledged).sum::<usize>(),
            this_round.iter().filter(|l| l.interrupted.is_some()).count(),
            stored.articles.len() - 1,
        );
    }
    let creates: usize = all_logs.iter().map(|l| l.created.len()).sum();
    let puts: usize = all_logs.iter().map(|l| l.puts_acknowledged).sum();
    assert!(creates > 0 && puts > 0, "no write was acknowledged before the kills: nothing was tested");

    let stored = read_stored(database_url);
    check(&stored, &all_logs, &anchor);
    assert_served_as_stored(&Service::start(database_url, dir, &[]), &stored);
    eprintln!("after restart: {} articles served whole, as stored", stored.articles.len() - 1);
}

/// Starts the service, lets the writers run for `kill_after`, SIGKILLs it and
/// returns what each writer saw.
fn kill_round(
    database_url: &str,
    dir: &std::path::Path,
    anchor: &str,
    round: usize,
    kill_after: Duration,
) -> Vec<WriterLog> {
    let mut service = Service::start(database_url, dir, &[]);
    let logs = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (addr, anchor, logs) = (service.client.clone(), anchor.to_owned(), logs.clone());
            std::thread::spawn(move || {
                let log = writer(addr, anchor, round, w);
                logs.lock().unwrap().push(log);
            })
        })
        .collect();
    std::thread::sleep(kill_after.saturating_sub(started.elapsed()));
    service.kill();
    for handle in writers {
        handle.join().expect("writer thread");
    }
    let logs = std::mem::take(&mut *logs.lock().unwrap());
    for log in &logs {
        assert!(log.unexpected.is_empty(), "unexpected answers before the kill: {:?}", log.unexpected);
    }
    logs
}

/// The restarted service serves exactly what SQL sees: the same articles, each
/// with the same children in the same order.
fn assert_served_as_stored(service: &Service, stored: &Stored) {
    let total = service.get("/v1/articles?status=any&count=true&limit=1").unwrap();
    assert_eq!(total.json()["total"], stored.articles.len(), "{}", total.text());
    let labels = |children: Option<&Vec<(i32, String)>>| -> Vec<String> {
        children.map(|c| c.iter().map(|(_, label)| label.clone()).collect()).unwrap_or_default()
    };
    for id in stored.articles.keys() {
        let reply = service.get(&format!("/v1/articles/{id}?include=quotes,related_links")).unwrap();
        assert_eq!(reply.status, 200, "{}", reply.text());
        let body = reply.json();
        let served = |member: &str, field: &str| -> Vec<String> {
            body[member].as_array().unwrap().iter().map(|c| c[field].as_str().unwrap_or_default().to_owned()).collect()
        };
        assert_eq!(served("quotes", "text"), labels(stored.quotes.get(id)), "article {id}: quotes served differently");
        if !stored.links.contains_key(id) {
            continue;
        }
        assert_eq!(
            served("related_links", "title"),
            labels(stored.links.get(id)),
            "article {id}: links served differently"
        );
    }
}
