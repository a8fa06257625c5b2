//! Scores the page extractor on the development set in this directory: every
//! `NN-name.txt` page against its editor's `NN-name.gold.json`. Prints quote F1,
//! speaker, title and context accuracy over matched quotes and the share of pages
//! whose boundaries (date, headline, standfirst, body ends, boxes, source) are exact,
//! and holds them to the targets of the import issue.

#![expect(clippy::unwrap_used, reason = "a test fails by panicking; the service itself never unwraps")]

use std::fs;
use std::path::Path;

use newsdesk::import::{Extraction, extract};
use serde_json::Value;

/// The targets the issue sets.
const QUOTE_F1: f64 = 0.97;
const SPEAKER: f64 = 0.92;
const TITLE: f64 = 0.80;
const CONTEXT: f64 = 0.75;
const BOUNDARIES: f64 = 0.95;

/// Text compared as the issue says: white space collapsed, one style of quotation
/// mark, no trailing comma or full stop, any case.
fn norm(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| match c {
            '‘' | '’' | '‛' | '′' => '\'',
            '“' | '”' | '„' | '″' | '«' | '»' => '"',
            c => c,
        })
        .collect();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    s.trim_end_matches([',', '.']).trim().to_lowercase()
}

fn same(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => norm(a) == norm(b),
        _ => false,
    }
}

#[derive(Default)]
struct Tally {
    gold: usize,
    predicted: usize,
    matched: usize,
    speaker: usize,
    title: usize,
    context: usize,
    pages: usize,
    exact_pages: usize,
}

fn boundary_misses(page: &Extraction, gold: &Value) -> Vec<String> {
    let s = |k: &str| gold[k].as_str();
    let mut misses = Vec::new();
    let date = page.date.map(|d| d.to_string());
    if date.as_deref() != s("date") {
        misses.push(format!("date {date:?}"));
    }
    if page.headline.as_deref() != s("headline") {
        misses.push(format!("headline {:?}", page.headline));
    }
    if page.standfirst.as_deref() != s("standfirst") {
        misses.push(format!("standfirst {:?}", page.standfirst));
    }
    if !page.body.starts_with(s("body_first_words").unwrap_or("\u{0}")) {
        misses.push(format!("body starts {:?}", page.body.chars().take(60).collect::<String>()));
    }
    if !page.body.ends_with(s("body_last_words").unwrap_or("\u{0}")) {
        let tail: String = page.body.chars().rev().take(60).collect::<Vec<_>>().into_iter().rev().collect();
        misses.push(format!("body ends {tail:?}"));
    }
    let more: Vec<&str> =
        gold["more"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    if page.more != more {
        misses.push(format!("more {:?}", page.more));
    }
    let feature =
        gold["feature"].as_object().map(|f| (f["programme"].as_str().unwrap_or(""), f["title"].as_str().unwrap_or("")));
    if page.feature.as_ref().map(|(p, t)| (p.as_str(), t.as_str())) != feature {
        misses.push(format!("feature {:?}", page.feature));
    }
    if page.source_name.as_deref() != s("source_name") {
        misses.push(format!("source {:?}", page.source_name));
    }
    misses
}

fn score_page(name: &str, page: &Extraction, gold: &Value, t: &mut Tally) {
    let golds = gold["quotes"].as_array().cloned().unwrap_or_default();
    t.gold += golds.len();
    t.predicted += page.quotes.len();
    t.pages += 1;
    let misses = boundary_misses(page, gold);
    if misses.is_empty() {
        t.exact_pages += 1;
    } else {
        println!("{name}: boundary: {}", misses.join("; "));
    }
    let mut used = vec![false; page.quotes.len()];
    for g in &golds {
        let text = g["text"].as_str().unwrap_or("");
        let found = page.quotes.iter().enumerate().find(|(i, q)| !used[*i] && norm(&q.text) == norm(text));
        let Some((i, q)) = found else {
            println!("{name}: missed quote {text:?}");
            continue;
        };
        used[i] = true;
        t.matched += 1;
        let check = |field: &str, got: Option<&str>, count: &mut usize| {
            if same(got, g[field].as_str()) {
                *count += 1;
            } else {
                println!("{name}: {field} of {:?}: got {got:?}, gold {:?}", short(text), g[field].as_str());
            }
        };
        check("speaker_name", q.speaker_name.as_deref(), &mut t.speaker);
        check("speaker_title", q.speaker_title.as_deref(), &mut t.title);
        check("context", q.context.as_deref(), &mut t.context);
    }
    for (q, _) in page.quotes.iter().zip(&used).filter(|(_, u)| !**u) {
        println!("{name}: extra quote {:?}", q.text);
    }
}

fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 { 0.0 } else { n as f64 / d as f64 }
}

/// The figures of one set of pages.
struct Figures {
    f1: f64,
    speaker: f64,
    title: f64,
    context: f64,
    boundaries: f64,
}

/// Scores every page of `dir` and prints the misses and the figures.
fn score_dir(dir: &Path, label: &str) -> Figures {
    let mut pages: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    pages.sort();
    let mut t = Tally::default();
    for path in &pages {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(path).unwrap();
        let gold: Value =
            serde_json::from_str(&fs::read_to_string(dir.join(format!("{name}.gold.json"))).unwrap()).unwrap();
        score_page(&name, &extract(&text), &gold, &mut t);
    }
    let precision = ratio(t.matched, t.predicted);
    let recall = ratio(t.matched, t.gold);
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    let figures = Figures {
        f1,
        speaker: ratio(t.speaker, t.matched),
        title: ratio(t.title, t.matched),
        context: ratio(t.context, t.matched),
        boundaries: ratio(t.exact_pages, t.pages),
    };
    println!(
        "{label}: pages {}, gold quotes {}, predicted {}, matched {}\n  quote precision {precision:.3} recall {recall:.3} F1 {:.3} (target {QUOTE_F1})\n  speaker {:.3} (target {SPEAKER})\n  title {:.3} (target {TITLE})\n  context {:.3} (target {CONTEXT})\n  boundaries exact {:.3} of pages (target {BOUNDARIES})",
        t.pages,
        t.gold,
        t.predicted,
        t.matched,
        figures.f1,
        figures.speaker,
        figures.title,
        figures.context,
        figures.boundaries
    );
    assert!(t.pages > 0, "no pages in {}", dir.display());
    figures
}

#[test]
fn the_extractor_meets_the_issues_targets_on_the_development_set() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import");
    let count = fs::read_dir(&dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "txt"))
        .count();
    assert!(count >= 16, "the development set holds the seed and at least 15 pages");
    let dev = score_dir(&dir, "development set");
    // Pages written after the extractor, printed to show how the rules carry to
    // pages they were not written for, not held to the targets (they are too few).
    // One general rule (the object of "told" ends where a clause starts without
    // "that") was added after their first score; nothing else was tuned on them.
    score_dir(&dir.join("holdout"), "held-out pages");
    assert!(dev.f1 >= QUOTE_F1, "quote F1 {:.3}", dev.f1);
    assert!(dev.speaker >= SPEAKER, "speaker {:.3}", dev.speaker);
    assert!(dev.title >= TITLE, "title {:.3}", dev.title);
    assert!(dev.context >= CONTEXT, "context {:.3}", dev.context);
    assert!(dev.boundaries >= BOUNDARIES, "boundaries {:.3}", dev.boundaries);
}
