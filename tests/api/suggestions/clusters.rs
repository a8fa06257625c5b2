//! Precision on a generated archive of topic clusters: articles of one topic share
//! vocabulary and tags, all share common words, and some words and a tag are
//! spread at random over every topic. A suggestion is right when it is from the
//! article's own topic; the target is a precision of at least 0.9 in the top 3.

use super::{story, suggested_ids, suggestions};
use crate::helpers::{TestApp, id_of};

crate::tests![top_three_suggestions_come_from_the_articles_own_topic];

const TOPICS: usize = 6;
const PER_TOPIC: usize = 15;

/// Each topic's own words (20) and tags (4).
const TOPIC_WORDS: [&str; TOPICS] = [
    "election ballot voters candidate parliament campaign coalition senate polling minister \
     referendum constituency manifesto opposition legislature turnout caucus incumbent lawmakers debate",
    "striker goalkeeper midfielder championship stadium tournament penalty referee league coach \
     transfer defender playoffs trophy dribble offside fixture squad captain semifinal",
    "vaccine hospital patients clinical virus doctors nurses treatment infection epidemic \
     surgeon diagnosis pharmacy antibiotics symptoms outbreak immunity therapy ward pathogen",
    "inflation interest bank markets investors shares currency bonds recession dividends \
     mortgage lending stocks exports tariffs earnings treasury deficit bankers portfolio",
    "drought glacier emissions carbon wildfire rainfall biodiversity species habitat climate \
     deforestation coral wetlands pollution ozone heatwave reservoir conservation rainforest methane",
    "software smartphone processor chip algorithm startup encryption semiconductor cloud robot \
     bandwidth firmware laptop broadband satellite datacenter hackers silicon browser gadget",
];
const TOPIC_TAGS: [[&str; 4]; TOPICS] = [
    ["Politics", "Elections", "Parliament", "Government"],
    ["Football", "Sport", "Champions", "Transfers"],
    ["Health", "Medicine", "Hospitals", "Vaccines"],
    ["Economy", "Markets", "Banking", "Trade"],
    ["Climate", "Environment", "Wildlife", "Weather"],
    ["Technology", "Gadgets", "Internet", "Science"],
];
/// Words in every article (too common to tell topics apart).
const COMMON: &str = "said people year week report officials country city morning later \
    expected according statement told local national group time public percent";
/// Words spread over every topic at random: chance overlaps across topics.
const NOISE: &str = "yellow river window garden letter winter bridge summer ticket corner \
    mountain engine island doctor market village kitchen forest silver harbour \
    castle meadow canvas pillow ladder violin pepper lantern saddle marble";

/// A small deterministic generator (no dependency, the same archive every run).
struct Rng(u64);
impl Rng {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % below as u64) as usize
    }
    fn pick<'a>(&mut self, words: &[&'a str], n: usize) -> Vec<&'a str> {
        (0..n).map(|_| words[self.next(words.len())]).collect()
    }
}

async fn top_three_suggestions_come_from_the_articles_own_topic(app: TestApp) {
    let common: Vec<&str> = COMMON.split_whitespace().collect();
    let noise: Vec<&str> = NOISE.split_whitespace().collect();
    let mut rng = Rng(20_261_203);
    let mut archive = Vec::new();
    for article in 0..TOPICS * PER_TOPIC {
        let topic = article % TOPICS;
        let own: Vec<&str> = TOPIC_WORDS[topic].split_whitespace().collect();
        let title = [rng.pick(&own, 3), rng.pick(&common, 1), rng.pick(&noise, 1)].concat().join(" ");
        let mut body = [rng.pick(&own, 12), rng.pick(&common, 16), rng.pick(&noise, 6)].concat();
        // Shuffled, so that the words of each kind are spread through the text.
        for i in (1..body.len()).rev() {
            body.swap(i, rng.next(i + 1));
        }
        let mut tags: Vec<&str> = rng.pick(&TOPIC_TAGS[topic], 2);
        if rng.next(3) == 0 {
            tags.push("Featured");
        }
        tags.sort_unstable();
        tags.dedup();
        let created = story(&app, &title, &format!("{}.", body.join(" ")), &tags).await;
        archive.push((id_of(&created).to_owned(), topic));
    }

    let (mut shown, mut right, mut full) = (0, 0, 0);
    for (id, topic) in &archive {
        let top: Vec<String> = suggested_ids(&suggestions(&app.anonymous(), id).await).into_iter().take(3).collect();
        full += usize::from(top.len() == 3);
        for suggested in &top {
            shown += 1;
            right += usize::from(archive.iter().any(|(other, t)| other == suggested && t == topic));
        }
    }
    let precision = right as f64 / shown.max(1) as f64;
    println!(
        "suggestions on {:?} ({TOPICS} topics x {PER_TOPIC}): precision of the top 3 {precision:.3} \
         ({right} of {shown} from the article's topic; {full} of {} articles with 3 suggestions)",
        app.backend,
        archive.len()
    );
    assert!(precision >= 0.9, "precision {precision:.3}");
    // Precision is not bought by suggesting nothing.
    assert!(full * 10 >= archive.len() * 9, "only {full} articles got three suggestions");
}
