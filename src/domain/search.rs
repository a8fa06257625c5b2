//! Full-text search (`q`): the query syntax, one parser for both backends, and what
//! a hit carries (`search: {rank, snippet}`).
//!
//! The syntax is PostgreSQL's `websearch_to_tsquery`: words are ANDed, `"a phrase"`
//! matches the words next to each other, `-word` (or `-"a phrase"`) excludes, and
//! `or` between words gives either. `or` binds loosest: `a b or c` is `(a AND b) OR
//! c`. Parentheses and every other punctuation mark are no syntax. The parser reads
//! the text once into groups of terms; PostgreSQL gets them back in the
//! `websearch_to_tsquery` form (each word as sent, so its own parser still reads
//! `e-mail` or `example.com`), SQLite as an FTS5 expression of quoted strings, so no
//! text a client sends is ever read as FTS5 syntax. One rule differs from
//! `websearch_to_tsquery` on purpose: exclusions only narrow the words beside them,
//! so an `or` branch made of exclusions alone (and a query of nothing else) finds
//! nothing, instead of every article without those words.

use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::text::bounded;

/// Longest full-text search (`q`), in characters.
pub const MAX_SEARCH_LEN: usize = 500;

/// A parsed search: `or`-groups, each of terms that must all hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SearchText {
    groups: Vec<Group>,
}

/// Terms that must all hold: at least one that must be present, and any number
/// that must be absent.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    terms: Vec<Term>,
}

/// A word or a quoted phrase, to find or to exclude.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    excluded: bool,
    quoted: bool,
    /// The text as sent (without quotes or leading `-`): PostgreSQL's parser splits it.
    text: String,
    /// Its runs of letters and digits: the tokens FTS5 finds next to each other.
    tokens: Vec<String>,
}

impl Term {
    fn new(text: &str, excluded: bool, quoted: bool) -> Option<Self> {
        let tokens: Vec<String> =
            text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect();
        (!tokens.is_empty()).then(|| Self { excluded, quoted, text: text.to_owned(), tokens })
    }

    /// The term for `websearch_to_tsquery`.
    fn websearch(&self) -> String {
        let minus = if self.excluded { "-" } else { "" };
        if self.quoted { format!("{minus}\"{}\"", self.text) } else { format!("{minus}{}", self.text) }
    }

    /// The term as an FTS5 string: its tokens, quoted, as a phrase.
    fn fts5(&self) -> String {
        format!("\"{}\"", self.tokens.join(" "))
    }
}

impl SearchText {
    /// Parses `q` (at most `MAX_SEARCH_LEN` characters). Text without a letter or
    /// digit, such as the empty `q=` of a blank search box, has nothing to search for
    /// and means no search (`None`). Any other text is a search, even one that can
    /// match nothing (`-word` alone, or `or`).
    pub(crate) fn parse(raw: &str) -> Result<Option<Self>, String> {
        bounded(raw, MAX_SEARCH_LEN)?;
        if !raw.chars().any(char::is_alphanumeric) {
            return Ok(None);
        }
        let mut groups = Vec::new();
        let mut current: Vec<Term> = Vec::new();
        // Every `-` before a term flips it, as `websearch_to_tsquery` reads `--word`.
        let mut excluded = false;
        let mut rest = raw;
        loop {
            rest = rest.trim_start();
            let Some(first) = rest.chars().next() else { break };
            if first == '"' {
                // A phrase runs to the next quote, or to the end when none follows.
                let inner = &rest[1..];
                let (phrase, after) = inner.split_once('"').unwrap_or((inner, ""));
                current.extend(Term::new(phrase, excluded, true));
                excluded = false;
                rest = after;
                continue;
            }
            let end = rest.find(|c: char| c.is_whitespace() || c == '"').unwrap_or(rest.len());
            let (word, after) = rest.split_at(end);
            rest = after;
            let bare = word.trim_start_matches('-');
            let dashes = word.len() - bare.len();
            excluded ^= dashes % 2 == 1;
            if bare.is_empty() {
                continue;
            }
            if dashes == 0 && bare.eq_ignore_ascii_case("or") {
                groups.push(std::mem::take(&mut current));
            } else {
                current.extend(Term::new(bare, excluded, false));
            }
            excluded = false;
        }
        groups.push(current);
        let groups =
            groups.into_iter().filter(|terms| terms.iter().any(|t| !t.excluded)).map(|terms| Group { terms }).collect();
        Ok(Some(Self { groups }))
    }

    /// The search in `websearch_to_tsquery`'s syntax, for PostgreSQL: the same
    /// groups and terms, each word as the client wrote it.
    pub(crate) fn websearch(&self) -> String {
        self.groups
            .iter()
            .map(|g| g.terms.iter().map(Term::websearch).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join(" or ")
    }

    /// The search as an FTS5 expression, for SQLite: every term a quoted string of
    /// letters and digits, joined by FTS5's operators and parentheses only. `None`
    /// when nothing can match (FTS5 has no expression for that).
    pub(crate) fn fts5_query(&self) -> Option<String> {
        let groups: Vec<String> = self.groups.iter().map(Group::fts5).collect();
        (!groups.is_empty()).then(|| groups.join(" OR "))
    }

    /// A short digest of the search, which a relevance cursor carries: ranks are
    /// only comparable within one search.
    pub(crate) fn digest(&self) -> String {
        let hash = Sha256::digest(self.websearch().as_bytes());
        hash[..8].iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl Group {
    /// `("a" AND "b") NOT ("c" OR "d")`: flat chains, so that hundreds of terms stay
    /// within FTS5's limit on nesting.
    fn fts5(&self) -> String {
        let join = |excluded: bool, operator: &str| {
            self.terms.iter().filter(|t| t.excluded == excluded).map(Term::fts5).collect::<Vec<_>>().join(operator)
        };
        let wanted = join(false, " AND ");
        let unwanted = join(true, " OR ");
        if unwanted.is_empty() { format!("({wanted})") } else { format!("(({wanted}) NOT ({unwanted}))") }
    }
}

/// How a list item matched the search: only in the items of a list searched with `q`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub(crate) struct SearchHit {
    /// Relevance to `q`, higher is better; `sort=relevance` orders by it. Its scale
    /// differs per backend, so compare ranks only within one search on one server.
    /// PostgreSQL: `ts_rank` over the title (weight 1.0), summary (0.4) and body
    /// (0.2), from the article alone; mostly between 0 and 1. SQLite: BM25
    /// (`-bm25()`, title weighted 5, summary 2, body 1), which also weighs how rare
    /// each word is in the whole archive: a word in more than half of the articles
    /// counts for next to nothing (ranks near 0.000001), and a write while a client
    /// pages can shift every rank a little (the pages may then skip or repeat a hit
    /// near their edge; on PostgreSQL they cannot).
    #[serde(serialize_with = "shortest")]
    #[schema(example = 0.6079)]
    pub rank: f64,
    /// The passage that matched, as HTML: the matched words wrapped in
    /// `<mark>`…`</mark>` and everything else escaped (`&amp;`, `&lt;`, `&gt;`,
    /// `&quot;`, `&#39;`). On PostgreSQL a passage of up to 30 words from title,
    /// summary and body (`ts_headline`), on SQLite up to 24 tokens of the column
    /// that matched best (FTS5 `snippet()`, `…` where it is cut).
    #[schema(example = "Pyongyang launched two short-range <mark>missiles</mark> on Thursday")]
    pub snippet: String,
}

/// The rank as the shortest number that reads back as the same value: PostgreSQL's
/// ranks are single precision, and show as such.
fn shortest<S: Serializer>(rank: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    let single = *rank as f32;
    if f64::from(single) == *rank { serializer.serialize_f32(single) } else { serializer.serialize_f64(*rank) }
}

/// Marks a passage where `open` and `close` were put around the matched words and
/// escapes the rest as HTML. The markers are byte strings that cannot occur in the
/// text (the database adds them; text between them is read as UTF-8, damaged bytes
/// replaced). An unbalanced marker is ignored, so that the result always has
/// matching tags.
pub(crate) fn marked_html(raw: &[u8], open: &[u8], close: &[u8]) -> String {
    let mut html = String::with_capacity(raw.len() + 32);
    let mut inside = false;
    let mut start = 0;
    let mut at = 0;
    while at < raw.len() {
        let marker = if raw[at..].starts_with(open) {
            Some((true, open.len()))
        } else if raw[at..].starts_with(close) {
            Some((false, close.len()))
        } else {
            None
        };
        let Some((opens, len)) = marker else {
            at += 1;
            continue;
        };
        escape_into(&mut html, &String::from_utf8_lossy(&raw[start..at]));
        if opens != inside {
            html.push_str(if opens { "<mark>" } else { "</mark>" });
            inside = opens;
        }
        at += len;
        start = at;
    }
    escape_into(&mut html, &String::from_utf8_lossy(&raw[start..]));
    if inside {
        html.push_str("</mark>");
    }
    html.replace("<mark></mark>", "")
}

fn escape_into(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c => html.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(q: &str) -> SearchText {
        SearchText::parse(q).unwrap().unwrap()
    }

    #[test]
    fn text_without_words_is_no_search() {
        for q in ["", " ", " !? ", "\"", "-", "--", "* ()", "\"\"", "🚀"] {
            assert!(SearchText::parse(q).unwrap().is_none(), "{q:?}");
        }
        assert!(SearchText::parse("kim!").unwrap().is_some());
        assert!(SearchText::parse(&"x".repeat(501)).is_err());
    }

    #[test]
    fn words_are_all_required() {
        let q = parsed("missile launch");
        assert_eq!(q.fts5_query().unwrap(), "(\"missile\" AND \"launch\")");
        assert_eq!(q.websearch(), "missile launch");
    }

    #[test]
    fn quotes_make_a_phrase_and_an_unclosed_one_runs_to_the_end() {
        assert_eq!(parsed("\"short range\" missile").fts5_query().unwrap(), "(\"short range\" AND \"missile\")");
        assert_eq!(parsed("missile \"short range").fts5_query().unwrap(), "(\"missile\" AND \"short range\")");
        assert_eq!(parsed("missile \"short range").websearch(), "missile \"short range\"");
        assert_eq!(parsed("a\"b c\"d").fts5_query().unwrap(), "(\"a\" AND \"b c\" AND \"d\")");
    }

    #[test]
    fn a_minus_excludes_the_next_word_or_phrase() {
        assert_eq!(parsed("missile -test").fts5_query().unwrap(), "((\"missile\") NOT (\"test\"))");
        assert_eq!(parsed("missile - test").fts5_query().unwrap(), "((\"missile\") NOT (\"test\"))");
        assert_eq!(
            parsed("missile -\"short range\" -test").fts5_query().unwrap(),
            "((\"missile\") NOT (\"short range\" OR \"test\"))"
        );
        assert_eq!(parsed("missile -\"short range\"").websearch(), "missile -\"short range\"");
        // A dash inside a word is part of it; two dashes cancel out.
        assert_eq!(parsed("yo-jong").fts5_query().unwrap(), "(\"yo jong\")");
        assert_eq!(parsed("yo-jong").websearch(), "yo-jong");
        assert_eq!(parsed("a --b").fts5_query().unwrap(), "(\"a\" AND \"b\")");
    }

    #[test]
    fn or_binds_loosest_and_any_case_of_it_is_the_operator() {
        let q = parsed("kim jong OR park -lee or moon");
        assert_eq!(q.fts5_query().unwrap(), "(\"kim\" AND \"jong\") OR ((\"park\") NOT (\"lee\")) OR (\"moon\")");
        assert_eq!(q.websearch(), "kim jong or park -lee or moon");
        assert_eq!(parsed("or a or or b or").fts5_query().unwrap(), "(\"a\") OR (\"b\")");
        // Quoted, it is a word.
        assert_eq!(parsed("a \"or\" b").fts5_query().unwrap(), "(\"a\" AND \"or\" AND \"b\")");
    }

    #[test]
    fn exclusions_alone_match_nothing() {
        for q in ["-missile", "-\"short range\"", "or", "OR or", "- x -y"] {
            assert_eq!(parsed(q).fts5_query(), None, "{q:?}");
        }
        let q = parsed("-missile or zebra");
        assert_eq!(q.fts5_query().unwrap(), "(\"zebra\")");
        assert_eq!(q.websearch(), "zebra");
    }

    #[test]
    fn no_text_becomes_fts5_syntax() {
        let q = parsed("kim\" OR body:* NEAR( AND \"x");
        assert_eq!(q.fts5_query().unwrap(), "(\"kim\" AND \"OR body NEAR AND\" AND \"x\")");
        for hostile in ["\"", "-", "*", "NEAR(", "AND", "NOT", "a\" b", "^x", "{title}:x", "x:*", "'; --", "(a OR b"] {
            if let Some(q) = SearchText::parse(hostile).unwrap() {
                let fts5 = q.fts5_query().unwrap_or_default();
                // Outside its quoted strings, the expression holds only operators and parentheses.
                let outside: String = fts5.split('"').step_by(2).collect();
                assert!(
                    outside.chars().all(|c| c == '(' || c == ')' || c == ' ' || "ANDORT".contains(c)),
                    "{hostile:?} gave {fts5}"
                );
                let inside: String = fts5.split('"').skip(1).step_by(2).collect();
                assert!(inside.chars().all(|c| c.is_alphanumeric() || c == ' '), "{hostile:?} gave {fts5}");
            }
        }
    }

    #[test]
    fn two_hundred_terms_stay_flat() {
        let q = parsed(&vec!["x -y"; 100].join(" "));
        let fts5 = q.fts5_query().unwrap();
        assert!(fts5.starts_with("((\"x\" AND \"x\""), "{fts5}");
        assert_eq!(fts5.matches('(').count(), 3);
    }

    #[test]
    fn the_digest_is_the_search_not_its_spelling() {
        assert_eq!(parsed("missile  launch").digest(), parsed("missile launch").digest());
        assert_ne!(parsed("missile launch").digest(), parsed("missile -launch").digest());
        assert_eq!(parsed("x").digest().len(), 16);
    }

    #[test]
    fn marks_matched_words_and_escapes_everything_else() {
        let raw = "<script>alert(\"x\")</script> & 'so' \u{e000}missile\u{e001} tests";
        assert_eq!(
            marked_html(raw.as_bytes(), "\u{e000}".as_bytes(), "\u{e001}".as_bytes()),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;so&#39; <mark>missile</mark> tests"
        );
        let raw = [b"a \xff<b>\xfe \xff\xffc".as_slice()].concat();
        assert_eq!(marked_html(&raw, b"\xff", b"\xfe"), "a <mark>&lt;b&gt;</mark> <mark>c</mark>");
        assert_eq!(marked_html(b"\xfex\xff\xfe", b"\xff", b"\xfe"), "x");
    }
}
