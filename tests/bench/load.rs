//! Loads a synthetic news archive straight into a migrated, empty Newsdesk database
//! (PostgreSQL through binary `COPY`, SQLite through multi-row inserts), for the load
//! benchmark in `tests/bench/run`. Loading through the API would take hours at a
//! million articles; the rows here are the ones the service itself would store.
//!
//! Every article is generated from the seed and its number alone, so the same
//! arguments give the same archive on both backends, and the children can be made
//! in a second pass once every link target exists (foreign keys are checked).
//!
//! Article `n` (1-based) has the id `018f0000-0000-7000-8000-{n:012}`; it is a draft
//! when `n % 20 == 0`, archived when `n % 20 == 10`, published otherwise. The load
//! scripts and pgbench pick keys by that rule instead of reading a key file.
//!
//!   cargo run --release --example bench_load -- --database-url URL --articles N --keys-dir DIR
//!
//! Writes into DIR the keys the load generator draws from: `slugs.txt` (published
//! slugs), `tags.txt` and `speakers.txt` (weighted by how often they occur), and
//! `words.txt` (the vocabulary of titles and bodies).

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use chrono::{Duration, NaiveDateTime, Utc};
use clap::Parser;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use newsdesk::db::schema::{article_tags, articles, quotes, related_links};
use newsdesk::domain::slug::Slug;

#[derive(Parser)]
struct Args {
    /// `postgres://…` or a SQLite file path, migrated and empty.
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    /// Number of articles.
    #[arg(long, default_value_t = 100_000)]
    articles: u64,
    /// Seed of the generator.
    #[arg(long, default_value_t = 20_261_127)]
    seed: u64,
    /// Where to write the key files for the load generator.
    #[arg(long)]
    keys_dir: PathBuf,
}

/// Articles generated and written per batch.
const BATCH: u64 = 2_000;
/// Rows per SQLite statement (its limit is 32,766 bound values).
const SQLITE_ROWS: usize = 1_000;
/// At most this many published slugs go into `slugs.txt`.
const MAX_SLUG_KEYS: u64 = 200_000;
/// Lines of `tags.txt` and `speakers.txt`.
const WEIGHTED_KEYS: usize = 20_000;
/// Publication dates spread over this span before the load.
const SPAN_DAYS: i64 = 5 * 365;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(args.articles >= 20, "--articles must be at least 20");
    let archive = Archive::new(args.seed, args.articles);
    let mut store = Store::open(&args.database_url)?;
    let started = Instant::now();

    // Pass 1: articles and their tags; pass 2: quotes and links, whose targets now exist.
    let mut counts = Counts::default();
    for first in (1..=args.articles).step_by(BATCH as usize) {
        let last = (first + BATCH - 1).min(args.articles);
        let (mut rows, mut tags) = (Vec::new(), Vec::new());
        for generated in (first..=last).map(|n| archive.article(n)) {
            rows.push(generated.article);
            tags.extend(generated.tags);
        }
        store.put_articles(&rows, &tags)?;
        counts.articles += rows.len() as u64;
        counts.tags += tags.len() as u64;
    }
    for first in (1..=args.articles).step_by(BATCH as usize) {
        let last = (first + BATCH - 1).min(args.articles);
        let (mut quotes, mut links) = (Vec::new(), Vec::new());
        for generated in (first..=last).map(|n| archive.article(n)) {
            quotes.extend(generated.quotes);
            links.extend(generated.links);
        }
        store.put_children(&quotes, &links)?;
        counts.quotes += quotes.len() as u64;
        counts.links += links.len() as u64;
    }
    store.fill_kept()?;
    let loaded = started.elapsed();
    store.analyze()?;
    archive.write_keys(&args.keys_dir)?;
    println!(
        "loaded {} articles, {} tags, {} quotes, {} links in {:.1} s (+ {:.1} s analyze)",
        counts.articles,
        counts.tags,
        counts.quotes,
        counts.links,
        loaded.as_secs_f64(),
        (started.elapsed() - loaded).as_secs_f64()
    );
    Ok(())
}

#[derive(Default)]
struct Counts {
    articles: u64,
    tags: u64,
    quotes: u64,
    links: u64,
}

/// The canonical id of article `n`.
fn article_id(n: u64) -> String {
    format!("018f0000-0000-7000-8000-{n:012}")
}

#[derive(Clone, Copy, PartialEq)]
enum Status {
    Published,
    Draft,
    Archived,
}

fn status_of(n: u64) -> Status {
    match n % 20 {
        0 => Status::Draft,
        10 => Status::Archived,
        _ => Status::Published,
    }
}

// Row types with every column written (COPY has no DEFAULT to fall back on).

#[derive(Insertable)]
#[diesel(table_name = articles, treat_none_as_default_value = false)]
struct ArticleRow {
    id: String,
    slug: String,
    title: String,
    summary: Option<String>,
    body: String,
    byline: Option<String>,
    status: &'static str,
    published_at: Option<NaiveDateTime>,
    section: Option<&'static str>,
    tags: String,
    language: &'static str,
    source_name: Option<&'static str>,
    source_url: Option<String>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    /// Whether the change log has announced it as public: every published article
    /// is dated in the past, so all of them (else the service would announce each
    /// one at start, as a scheduled article whose time has come).
    announced_public: bool,
}

#[derive(Insertable)]
#[diesel(table_name = article_tags, treat_none_as_default_value = false)]
struct TagRow {
    article_id: String,
    tag_key: String,
    status: &'static str,
    published_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = quotes, treat_none_as_default_value = false)]
struct QuoteRow {
    id: String,
    article_id: String,
    text: String,
    speaker_name: String,
    speaker_key: String,
    speaker_title: Option<&'static str>,
    context: Option<String>,
    position: i32,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = related_links, treat_none_as_default_value = false)]
struct LinkRow {
    id: String,
    article_id: String,
    target_article_id: Option<String>,
    url: Option<String>,
    title: Option<String>,
    relation: &'static str,
    position: i32,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// One article with everything that hangs off it.
struct Generated {
    article: ArticleRow,
    tags: Vec<TagRow>,
    quotes: Vec<QuoteRow>,
    links: Vec<LinkRow>,
}

/// The archive's shape: its size, seed and the newest publication date.
struct Archive {
    seed: u64,
    size: u64,
    newest: NaiveDateTime,
    words: Vec<&'static str>,
}

impl Archive {
    fn new(seed: u64, size: u64) -> Self {
        // Dated up to yesterday, so everything published is visible at once.
        let newest = (Utc::now() - Duration::days(1)).naive_utc();
        Self { seed, size, newest, words: WORDS.split_whitespace().collect() }
    }

    /// Article `n`, made from the seed and `n` only. Higher numbers are older.
    fn article(&self, n: u64) -> Generated {
        let mut rng = Rng::new(self.seed, n);
        let id = article_id(n);
        let status = status_of(n);
        let slot = SPAN_DAYS * 86_400 * 1_000 / self.size as i64; // milliseconds per article
        let dated = self.newest - Duration::milliseconds(n as i64 * slot + rng.below(slot.max(1) as u64) as i64);
        let created_at = dated - Duration::minutes(30 + rng.below(600) as i64);
        let updated_at = if rng.chance(0.3) { dated + Duration::hours(1 + rng.below(48) as i64) } else { dated };

        let title = self.sentence(&mut rng, 5, 10, false);
        let slug = Slug::derive_from(&title).with_suffix(n as u32).as_ref().to_owned();
        let paragraphs = 2 + rng.below(3);
        let body = (0..paragraphs).map(|_| self.sentence(&mut rng, 25, 50, true)).collect::<Vec<_>>().join("\n\n");
        let summary = rng.chance(0.8).then(|| self.sentence(&mut rng, 12, 25, true));
        let byline = rng.chance(0.9).then(|| format!("By {}", person(&mut rng)));
        let section = rng.chance(0.95).then(|| SECTIONS[rng.skewed(SECTIONS.len())]);
        let mut tags: Vec<&str> = Vec::new();
        for _ in 0..(2 + rng.below(5)) {
            let tag = TAGS[rng.skewed(TAGS.len())];
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let source = rng.chance(0.3).then(|| SOURCES[rng.below(SOURCES.len() as u64) as usize]);
        let article = ArticleRow {
            id: id.clone(),
            slug,
            title,
            summary,
            body,
            byline,
            status: match status {
                Status::Published => "published",
                Status::Draft => "draft",
                Status::Archived => "archived",
            },
            published_at: (status != Status::Draft).then_some(dated),
            section,
            tags: serde_json::to_string(&tags).expect("strings serialize"),
            language: "en",
            source_name: source,
            source_url: source.map(|_| format!("https://wire.example.com/story/{n}")),
            version: 1,
            created_at,
            updated_at,
            announced_public: status == Status::Published,
        };
        let tag_rows = tags
            .iter()
            .map(|t| TagRow {
                article_id: id.clone(),
                tag_key: newsdesk::domain::tags::key(t),
                status: article.status,
                published_at: article.published_at,
            })
            .collect();

        let quotes = (0..rng.below(7))
            .map(|position| {
                let speaker = self.speaker(&mut rng);
                QuoteRow {
                    id: format!("018f0001-0000-7000-8000-{:08}{position:04}", n),
                    article_id: id.clone(),
                    text: self.sentence(&mut rng, 10, 25, true),
                    speaker_key: newsdesk::domain::quote::speaker_key(&speaker),
                    speaker_name: speaker,
                    speaker_title: rng.chance(0.8).then(|| ROLES[rng.below(ROLES.len() as u64) as usize]),
                    context: rng.chance(0.4).then(|| format!("at a briefing in {}", PLACES[rng.skewed(PLACES.len())])),
                    position: position as i32,
                    version: 1,
                    created_at,
                    updated_at: created_at,
                }
            })
            .collect();

        let mut targets: Vec<u64> = Vec::new();
        let links = (0..rng.below(7))
            .map(|position| {
                let internal = rng.chance(0.7);
                let mut target = None;
                if internal {
                    let m = 1 + rng.below(self.size);
                    if m != n && !targets.contains(&m) {
                        targets.push(m);
                        target = Some(m);
                    }
                }
                LinkRow {
                    id: format!("018f0002-0000-7000-8000-{:08}{position:04}", n),
                    article_id: id.clone(),
                    target_article_id: target.map(article_id),
                    url: target.is_none().then(|| format!("https://archive.example.org/{n}/{position}")),
                    title: (target.is_none() || rng.chance(0.5)).then(|| self.sentence(&mut rng, 4, 8, false)),
                    relation: RELATIONS[rng.below(RELATIONS.len() as u64) as usize],
                    position: position as i32,
                    version: 1,
                    created_at,
                    updated_at: created_at,
                }
            })
            .collect();
        Generated { article, tags: tag_rows, quotes, links }
    }

    /// `min..=max` words drawn with a bias to common ones, capitalised.
    fn sentence(&self, rng: &mut Rng, min: u64, max: u64, full_stop: bool) -> String {
        let count = min + rng.below(max - min + 1);
        let mut text = String::new();
        for i in 0..count {
            let word = self.words[rng.skewed(self.words.len())];
            if i == 0 {
                let mut chars = word.chars();
                text.extend(chars.next().map(|c| c.to_ascii_uppercase()));
                text.push_str(chars.as_str());
            } else {
                text.push(' ');
                text.push_str(word);
            }
        }
        if full_stop {
            text.push('.');
        }
        text
    }

    fn speaker(&self, rng: &mut Rng) -> String {
        format!("{} {}", FIRST_NAMES[rng.skewed(FIRST_NAMES.len())], LAST_NAMES[rng.skewed(LAST_NAMES.len())])
    }

    /// The key files: published slugs (evenly sampled), tags and speakers as they
    /// occur (so popular ones are asked for more often), and the vocabulary.
    fn write_keys(&self, dir: &Path) -> anyhow::Result<()> {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let published = (1..=self.size).filter(|n| status_of(*n) == Status::Published);
        let every = (self.size / MAX_SLUG_KEYS).max(1);
        write_lines(
            &dir.join("slugs.txt"),
            published.filter(|n| n % every == 1 % every).map(|n| self.article(n).article.slug),
        )?;
        let mut rng = Rng::new(self.seed, u64::MAX);
        let sample: Vec<Generated> = (0..WEIGHTED_KEYS / 4).map(|_| self.article(1 + rng.below(self.size))).collect();
        write_lines(
            &dir.join("tags.txt"),
            sample.iter().flat_map(|g| g.tags.iter().map(|t| t.tag_key.clone())).take(WEIGHTED_KEYS),
        )?;
        write_lines(
            &dir.join("speakers.txt"),
            sample.iter().flat_map(|g| g.quotes.iter().map(|q| q.speaker_name.clone())).take(WEIGHTED_KEYS),
        )?;
        write_lines(&dir.join("words.txt"), self.words.iter().map(|w| (*w).to_owned()))
    }
}

fn write_lines(path: &Path, lines: impl Iterator<Item = String>) -> anyhow::Result<()> {
    let mut out = BufWriter::new(fs::File::create(path).with_context(|| format!("creating {}", path.display()))?);
    for line in lines {
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(())
}

fn person(rng: &mut Rng) -> String {
    format!(
        "{} {}",
        FIRST_NAMES[rng.below(FIRST_NAMES.len() as u64) as usize],
        LAST_NAMES[rng.below(LAST_NAMES.len() as u64) as usize]
    )
}

/// The database being loaded.
enum Store {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

impl Store {
    fn open(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut conn = PgConnection::establish(url)?;
            // A bulk load: losing it in a crash only means loading again.
            conn.batch_execute("SET synchronous_commit = off")?;
            Ok(Self::Pg(conn))
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            let mut conn = SqliteConnection::establish(path)?;
            conn.batch_execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;")?;
            Ok(Self::Sqlite(conn))
        }
    }

    fn put_articles(&mut self, rows: &[ArticleRow], tags: &[TagRow]) -> anyhow::Result<()> {
        match self {
            Self::Pg(c) => c.transaction(|c| {
                diesel::copy_from(articles::table).from_insertable(rows).execute(c)?;
                diesel::copy_from(article_tags::table).from_insertable(tags).execute(c)?;
                QueryResult::Ok(())
            })?,
            Self::Sqlite(c) => c.transaction(|c| {
                for chunk in rows.chunks(SQLITE_ROWS) {
                    diesel::insert_into(articles::table).values(chunk).execute(c)?;
                }
                for chunk in tags.chunks(SQLITE_ROWS) {
                    diesel::insert_into(article_tags::table).values(chunk).execute(c)?;
                }
                QueryResult::Ok(())
            })?,
        }
        Ok(())
    }

    fn put_children(&mut self, quotes: &[QuoteRow], links: &[LinkRow]) -> anyhow::Result<()> {
        match self {
            Self::Pg(c) => c.transaction(|c| {
                diesel::copy_from(quotes::table).from_insertable(quotes).execute(c)?;
                diesel::copy_from(related_links::table).from_insertable(links).execute(c)?;
                QueryResult::Ok(())
            })?,
            Self::Sqlite(c) => c.transaction(|c| {
                for chunk in quotes.chunks(SQLITE_ROWS) {
                    diesel::insert_into(quotes::table).values(chunk).execute(c)?;
                }
                for chunk in links.chunks(SQLITE_ROWS) {
                    diesel::insert_into(related_links::table).values(chunk).execute(c)?;
                }
                QueryResult::Ok(())
            })?,
        }
        Ok(())
    }

    /// What the writes keep beside the articles, filled from the loaded rows by
    /// their migrations' own backfills (each one's down.sql, then its up.sql), as
    /// on an archive that existed before them: the section and tag counts, and the
    /// publication numbers (the sitemap archive's order).
    fn fill_kept(&mut self) -> anyhow::Result<()> {
        const PG: [&str; 4] = [
            include_str!("../../migrations/postgres/2026-12-04-000022_section_tag_counts/down.sql"),
            include_str!("../../migrations/postgres/2026-12-04-000022_section_tag_counts/up.sql"),
            include_str!("../../migrations/postgres/2026-12-07-000023_publication_seq/down.sql"),
            include_str!("../../migrations/postgres/2026-12-07-000023_publication_seq/up.sql"),
        ];
        const SQLITE: [&str; 4] = [
            include_str!("../../migrations/sqlite/2026-12-04-000022_section_tag_counts/down.sql"),
            include_str!("../../migrations/sqlite/2026-12-04-000022_section_tag_counts/up.sql"),
            include_str!("../../migrations/sqlite/2026-12-07-000023_publication_seq/down.sql"),
            include_str!("../../migrations/sqlite/2026-12-07-000023_publication_seq/up.sql"),
        ];
        match self {
            Self::Pg(c) => c.transaction(|c| PG.iter().try_for_each(|sql| c.batch_execute(sql)))?,
            Self::Sqlite(c) => c.transaction(|c| SQLITE.iter().try_for_each(|sql| c.batch_execute(sql)))?,
        }
        Ok(())
    }

    /// Fresh planner statistics, as an operator would have after autovacuum.
    fn analyze(&mut self) -> anyhow::Result<()> {
        match self {
            Self::Pg(c) => c.batch_execute("VACUUM (ANALYZE)")?,
            Self::Sqlite(c) => c.batch_execute("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);")?,
        }
        Ok(())
    }
}

/// A small, fast generator (SplitMix64): the archive must be the same on every
/// machine, and no statistical quality beyond that is needed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Self {
        let mut rng = Self(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// In `0..n`, the front much more likely than the back (a rough Zipf).
    fn skewed(&mut self, n: usize) -> usize {
        let u = self.next() as f64 / u64::MAX as f64;
        ((u * u * u) * n as f64) as usize % n
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() as f64 / u64::MAX as f64) < p
    }
}

const SECTIONS: &[&str] =
    &["world", "politics", "business", "technology", "science", "health", "sport", "culture", "climate", "opinion"];

const SOURCES: &[&str] = &["Wire Service", "Regional Press", "City Desk", "Pool Report"];

const RELATIONS: &[&str] = &["related", "more", "feature"];

const ROLES: &[&str] = &[
    "Minister of Finance",
    "Mayor",
    "Chief Executive",
    "Spokesperson",
    "Professor of Economics",
    "Union Leader",
    "Police Chief",
    "Senator",
    "Coach",
    "Researcher",
    "Ambassador",
    "Judge",
];

const TAGS: &[&str] = &[
    "politics",
    "economy",
    "elections",
    "climate change",
    "health",
    "education",
    "technology",
    "artificial intelligence",
    "energy",
    "housing",
    "transport",
    "crime",
    "courts",
    "immigration",
    "trade",
    "inflation",
    "interest rates",
    "markets",
    "jobs",
    "budget",
    "taxes",
    "defence",
    "diplomacy",
    "united nations",
    "europe",
    "asia",
    "africa",
    "latin america",
    "middle east",
    "north america",
    "china",
    "india",
    "brazil",
    "germany",
    "france",
    "japan",
    "ukraine",
    "russia",
    "united states",
    "united kingdom",
    "football",
    "tennis",
    "olympics",
    "cricket",
    "basketball",
    "cycling",
    "film",
    "music",
    "books",
    "art",
    "theatre",
    "television",
    "fashion",
    "food",
    "travel",
    "science",
    "space",
    "biology",
    "physics",
    "medicine",
    "vaccines",
    "mental health",
    "environment",
    "oceans",
    "wildlife",
    "agriculture",
    "water",
    "weather",
    "floods",
    "wildfires",
    "earthquakes",
    "storms",
    "cybersecurity",
    "privacy",
    "social media",
    "startups",
    "banking",
    "insurance",
    "retail",
    "automotive",
    "aviation",
    "shipping",
    "oil",
    "gas",
    "renewables",
    "nuclear",
    "mining",
    "labour",
    "strikes",
    "pensions",
    "welfare",
    "poverty",
    "inequality",
    "human rights",
    "protests",
    "religion",
    "obituaries",
    "history",
    "archaeology",
    "architecture",
    "cities",
    "rural affairs",
    "local government",
    "parliament",
    "supreme court",
    "police",
    "terrorism",
    "refugees",
    "charity",
    "universities",
    "schools",
    "children",
    "ageing",
    "sport",
    "analysis",
    "explainer",
    "interview",
    "investigation",
];

const PLACES: &[&str] = &[
    "the capital",
    "Lisbon",
    "Nairobi",
    "Seoul",
    "Toronto",
    "Lagos",
    "Berlin",
    "Jakarta",
    "Lima",
    "Madrid",
    "Manila",
    "Oslo",
    "Cairo",
    "Sydney",
    "Warsaw",
    "Geneva",
];

const FIRST_NAMES: &[&str] = &[
    "Ana", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Lars", "Maria",
    "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Samuel", "Tara", "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe",
    "Amara", "Bruno", "Carmen", "Dmitri", "Esther", "Felipe", "Gita", "Hana", "Ivan", "Julia", "Kofi", "Lena", "Mateo",
    "Nora",
];

const LAST_NAMES: &[&str] = &[
    "Silva",
    "Okafor",
    "Kim",
    "Novak",
    "Haddad",
    "Larsen",
    "Mensah",
    "Tanaka",
    "Garcia",
    "Petrov",
    "Nguyen",
    "Schmidt",
    "Rossi",
    "Kowalski",
    "Ahmed",
    "Dubois",
    "Costa",
    "Fischer",
    "Moreau",
    "Sato",
    "Ivanova",
    "Santos",
    "Jensen",
    "Khan",
    "Lopez",
    "Murphy",
    "Nakamura",
    "Oliveira",
    "Park",
    "Quinn",
    "Rahman",
    "Suzuki",
    "Torres",
    "Usman",
    "Varga",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Abara",
    "Bauer",
    "Chen",
    "Diaz",
    "Eze",
    "Ferreira",
    "Gomez",
    "Hansen",
    "Ito",
    "Jovanovic",
    "Kaur",
    "Lindqvist",
    "Mahmoud",
    "Nowak",
    "Ortiz",
    "Pereira",
    "Reyes",
    "Singh",
    "Takahashi",
    "Vidal",
    "Wojcik",
];

/// Words of titles and bodies, the commonest first.
const WORDS: &str = "
the of and to in a is that for on with as was said by at from it has have are be will
government minister year new people city report after two percent million police court
officials country state week public plan first health last told company market month
workers data during national council election vote party leader support billion prices
according since local three group bank former growth schools energy rules rise policy
economy record water climate study years hospital region agreement talks border trade
president prime budget deal power cost crisis secretary spending tax union members
children family region security military forces attack peace protest rights law bill
reform parliament senate committee investigation evidence trial judge prison charges
police officers victims fire storm flood heat drought emissions carbon oil gas wind
solar grid electricity nuclear coal mining farmers crops food supply shortage inflation
interest rates jobs unemployment wages strike pension housing rent homes construction
transport rail airport flights road traffic ships port exports imports tariffs sanctions
investment shares investors profits losses revenue startup technology software chips
internet privacy data cyber hackers platform users online video artificial intelligence
research scientists university students teachers exam vaccine virus patients doctors
nurses treatment cancer disease drug trial medicine mental care ageing museum festival
film music album concert artist exhibition novel author award prize season match team
coach players championship league final goal victory defeat olympic athletes record
mountain river forest coast island village capital district neighbourhood residents
mayor governor ambassador summit treaty alliance refugees migrants asylum aid charity
volunteers donations survey poll analysts experts warning forecast outlook recovery
recession debt deficit currency exchange markets stocks bonds gold commodities shipping
satellite rocket launch mission space telescope planet ocean species wildlife habitat
conservation pollution plastic recycling waste emissions target pledge summit
";
