//! Related-post suggestions ("more like this"): which of an article's terms and
//! tags make its query, how much each weighs, how a candidate is scored and when a
//! match is too weak to show. No SQL here: the database layer counts and
//! retrieves, these rules decide.
//!
//! The score of a candidate is the weight of the features (terms and tags) it
//! shares with the article, divided by the weight of all the article's chosen
//! features, so it lies in (0, 1] (rounded to four decimals). A feature weighs its inverse document frequency
//! (BM25's, `ln(1 + (N - df + 0.5) / (df + 0.5))`), a tag `TAG_BOOST` times that.

/// Suggestions given when `limit` is left out.
pub const DEFAULT_LIMIT: i64 = 5;
/// Most suggestions one request may ask for.
pub const MAX_LIMIT: i64 = 10;
/// The least score shown: a candidate must share at least this share of the
/// article's feature weight, or the list is shorter (possibly empty).
pub const MIN_SCORE: f64 = 0.15;
/// Most terms of the article's text in its query (the rest weigh too little).
/// With `TERMS_EXAMINED` below it, the terms examined are the bound; this one
/// stays as the query's own limit, should more ever be examined.
pub const MAX_QUERY_TERMS: usize = 25;
/// How many of the article's terms (the most frequent in it, title counting
/// three times and summary twice) have their document frequency counted. Each
/// costs a read of its postings (on PostgreSQL a heap page per posting): 16 rather
/// than 48 took a fifth to a third off the median at 1,000,000 articles, with the
/// same precision on the benchmark archive and the clusters test (BENCHMARKS.md).
pub const TERMS_EXAMINED: i64 = 16;
/// A term or tag in more articles than this is too common to retrieve by: it
/// would cost more to read its postings (on PostgreSQL one heap page each) than it
/// tells about likeness (in a million articles it weighs about half a rare term).
pub const MAX_FEATURE_DF: i64 = 2_000;
/// Most postings (article-feature pairs) one query reads, summed over its features.
pub const POSTINGS_BUDGET: i64 = 40_000;
/// A shared tag weighs this many times a shared term of the same rarity: tags are
/// chosen by editors.
pub const TAG_BOOST: f64 = 2.0;
/// How many times a title occurrence of a term counts in the article, and a summary's.
pub const TITLE_WEIGHT: f64 = 3.0;
/// See `TITLE_WEIGHT`.
pub const SUMMARY_WEIGHT: f64 = 2.0;

/// Parses `limit` (1..=10, default 5).
pub(crate) fn parse_limit(raw: Option<&str>) -> Result<i64, String> {
    super::paging::limit_within(raw, DEFAULT_LIMIT, MAX_LIMIT)
}

/// BM25's inverse document frequency of a feature in `df` of `archive` articles.
pub(crate) fn idf(df: i64, archive: i64) -> f64 {
    let (df, n) = (df as f64, archive.max(df) as f64);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// A term of the article's text: its key in the index, how often it occurs in the
/// article (weighted by where), and in how many articles it occurs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TermCount {
    pub term: String,
    pub in_source: f64,
    pub df: i64,
}

/// One of the article's tags and how many articles carry it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TagCount {
    pub tag: String,
    pub df: i64,
}

/// The "more like this" query of an article: the features retrieved by, with
/// their weights, and the total weight scores are shares of.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LikeQuery {
    pub terms: Vec<(String, f64)>,
    pub tags: Vec<(String, f64)>,
    /// The weight of all the article's distinctive features, shared or not: a
    /// candidate's score is its share of it.
    pub total: f64,
}

impl LikeQuery {
    /// Whether no distinctive feature is shared with another article.
    pub(crate) fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.tags.is_empty()
    }

    /// The least summed weight a candidate must reach.
    pub(crate) fn min_weight(&self) -> f64 {
        MIN_SCORE * self.total
    }
}

/// Whether a feature can tell articles apart: in at most half of the archive, and
/// in few enough articles to retrieve by (more common, it is like a stop word).
fn distinctive(df: i64, archive: i64) -> bool {
    df.saturating_mul(2) <= archive && df <= MAX_FEATURE_DF
}

/// Chooses the features of the query. Every distinctive feature of the article
/// counts in its total weight, also one no other article has (df 1): a candidate
/// sharing a few of many distinctive features is a weak match. Retrieved by are the
/// shared ones: every distinctive tag (see `choose_tags`), then the terms (see
/// `choose_terms`).
pub(crate) fn choose(terms: Vec<TermCount>, tags: Vec<TagCount>, archive: i64) -> LikeQuery {
    let (mut query, budget) = choose_tags(tags, archive);
    let (chosen, total) = choose_terms(terms, archive, budget);
    query.terms = chosen;
    query.total += total;
    query
}

/// The tag half of `choose`: every distinctive tag counts in the total, the shared
/// ones are retrieved by while their postings fit in `POSTINGS_BUDGET`. Returns the
/// query so far and the budget left for the terms.
pub(crate) fn choose_tags(tags: Vec<TagCount>, archive: i64) -> (LikeQuery, i64) {
    let mut query = LikeQuery::default();
    let mut budget = POSTINGS_BUDGET;
    for tag in tags.into_iter().filter(|t| distinctive(t.df, archive)) {
        let weight = TAG_BOOST * idf(tag.df.max(1), archive);
        query.total += weight;
        if tag.df >= 2 && tag.df <= budget {
            budget -= tag.df;
            query.tags.push((tag.tag, weight));
        }
    }
    (query, budget)
}

/// The term half of `choose`: every distinctive term counts in the total (the
/// second value); the shared ones, ranked by weight in the article times rarity,
/// are retrieved by up to `MAX_QUERY_TERMS`, as long as the postings of the ranks so
/// far fit in `budget`. (PostgreSQL applies the same rule in SQL, where the
/// postings are read once for counting and scoring.)
pub(crate) fn choose_terms(mut terms: Vec<TermCount>, archive: i64, budget: i64) -> (Vec<(String, f64)>, f64) {
    terms.retain(|t| distinctive(t.df, archive));
    let total = terms.iter().map(|t| idf(t.df.max(1), archive)).sum();
    let rank = |t: &TermCount| t.in_source * idf(t.df.max(1), archive);
    terms.retain(|t| t.df >= 2);
    terms.sort_by(|a, b| rank(b).total_cmp(&rank(a)).then_with(|| a.term.cmp(&b.term)));
    let mut postings = 0;
    let mut chosen = Vec::new();
    for term in terms.into_iter().take(MAX_QUERY_TERMS) {
        postings += term.df;
        if postings > budget {
            break;
        }
        let weight = idf(term.df, archive);
        chosen.push((term.term, weight));
    }
    (chosen, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(term: &str, in_source: f64, df: i64) -> TermCount {
        TermCount { term: term.into(), in_source, df }
    }

    #[test]
    fn limit_defaults_to_five_and_allows_one_to_ten() {
        assert_eq!(parse_limit(None), Ok(5));
        assert_eq!(parse_limit(Some("1")), Ok(1));
        assert_eq!(parse_limit(Some("10")), Ok(10));
        for bad in ["0", "11", "-1", "five", "", "2.5"] {
            assert!(parse_limit(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn rarer_features_weigh_more() {
        assert!(idf(2, 1000) > idf(20, 1000));
        assert!(idf(20, 1000) > idf(500, 1000));
        assert!(idf(1000, 1000) > 0.0);
    }

    #[test]
    fn unshared_common_and_costly_features_are_left_out() {
        let terms = vec![term("alone", 5.0, 1), term("common", 5.0, 600), term("costly", 1.0, MAX_FEATURE_DF + 1)];
        let tags = vec![TagCount { tag: "everywhere".into(), df: 900 }];
        let query = choose(terms, tags, 1000);
        assert!(query.is_empty());
        // The unshared term still counts in the total; the common ones do not.
        assert!((query.total - idf(1, 1000)).abs() < 1e-9);
        let query = choose(vec![term("missil", 1.0, 3)], vec![TagCount { tag: "korea".into(), df: 4 }], 1000);
        assert_eq!(query.terms.len(), 1);
        assert_eq!(query.tags[0].1, TAG_BOOST * idf(4, 1000));
        assert!((query.total - (idf(3, 1000) + TAG_BOOST * idf(4, 1000))).abs() < 1e-9);
    }

    #[test]
    fn terms_are_ranked_by_weight_in_the_article_times_rarity_and_capped() {
        let mut terms: Vec<TermCount> = (0..40).map(|i| term(&format!("t{i:02}"), 1.0, 10 + i)).collect();
        terms.push(term("headline", 3.0, 200));
        let query = choose(terms, Vec::new(), 100_000);
        assert_eq!(query.terms.len(), MAX_QUERY_TERMS);
        assert_eq!(query.terms[0].0, "headline");
        assert_eq!(query.terms[1].0, "t00");
    }

    #[test]
    fn terms_stop_where_their_postings_would_exceed_the_budget() {
        let mut terms: Vec<TermCount> = (0..4).map(|i| term(&format!("big{i}"), 99.0, 1_999)).collect();
        terms.extend([term("next", 4.0, 10), term("small", 1.0, 3)]);
        let (chosen, _) = choose_terms(terms, 10_000_000, 4 * 1_999 + 5);
        let chosen: Vec<&str> = chosen.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(chosen, ["big0", "big1", "big2", "big3"]);
    }

    #[test]
    fn a_candidate_needs_its_share_of_the_total_weight() {
        let query = LikeQuery { terms: vec![("a".into(), 3.0)], tags: vec![("b".into(), 1.0)], total: 4.0 };
        assert_eq!(query.min_weight(), MIN_SCORE * 4.0);
    }
}
