//! The page extractor alone, on one core: every page of the import development set
//! (tests/import) read over and over for a few seconds, and the pages per second
//! printed. No HTTP, no database.
//!
//! cargo run --release --example bench_import [seconds]

use std::path::Path;
use std::time::{Duration, Instant};

fn main() -> anyhow::Result<()> {
    let seconds: u64 = std::env::args().nth(1).map(|s| s.parse()).transpose()?.unwrap_or(5);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import");
    let mut pages = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|x| x == "txt") {
            pages.push(std::fs::read_to_string(&path)?);
        }
    }
    anyhow::ensure!(!pages.is_empty(), "no pages in {}", dir.display());
    let bytes: usize = pages.iter().map(String::len).sum();
    // Warm up, then count whole passes over the set until the time is up.
    for page in &pages {
        std::hint::black_box(newsdesk::import::extract(page));
    }
    let (start, budget) = (Instant::now(), Duration::from_secs(seconds));
    let (mut done, mut quotes) = (0usize, 0usize);
    while start.elapsed() < budget {
        for page in &pages {
            quotes += std::hint::black_box(newsdesk::import::extract(page)).quotes.len();
            done += 1;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "{} pages ({} distinct, {:.1} KB on average): {:.0} pages/s on one thread, {:.1} µs per page, {} quotes found",
        done,
        pages.len(),
        bytes as f64 / pages.len() as f64 / 1024.0,
        done as f64 / elapsed,
        elapsed * 1e6 / done as f64,
        quotes
    );
    Ok(())
}
