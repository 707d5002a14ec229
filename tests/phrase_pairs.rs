//! Phrase pairs (lists of frequent adjacent word pairs in the positions file) change only the
//! speed of phrase search: the seed built with a list for every adjacent pair and with none
//! gives the same papers, scores and totals for phrases taken from its own titles and
//! abstracts, with stop words, hyphens, field scopes and exclusions.

mod common;

use papersift::engine::index::pairs::PairRule;
use papersift::engine::index::BuildOptions;
use papersift::engine::search::{Engine, Request};

fn engines(test: &str) -> (Engine, Engine) {
    let every = BuildOptions { phrase_pairs: Some(PairRule { min_docs: 1, min_word_docs: 0 }), ..Default::default() };
    let none =
        BuildOptions { phrase_pairs: Some(PairRule { min_docs: u32::MAX, min_word_docs: 0 }), ..Default::default() };
    let (a, _) = common::engine_with(&[common::seed_dir()], &format!("{test}-pairs"), &every);
    let (b, _) = common::engine_with(&[common::seed_dir()], &format!("{test}-words"), &none);
    (a, b)
}

/// Runs of 2–4 words from the start of each title and from the middle of each abstract.
fn phrases_of_the_seed() -> Vec<String> {
    let corpus = common::read(&[common::seed_dir()]);
    let mut out = Vec::new();
    for paper in &corpus.papers {
        for text in [&paper.title, &paper.abstract_text] {
            let words: Vec<&str> = text.split_whitespace().collect();
            let middle = words.len() / 2;
            for len in 2..=4 {
                for from in [0, middle] {
                    if let Some(run) = words.get(from..from + len) {
                        out.push(run.join(" ").replace('"', ""));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn phrases_find_the_same_papers_with_and_without_pair_lists() {
    let (pairs, words) = engines("same");
    assert!(pairs.index.pairs.len() > 1000, "every adjacent pair of the seed has a list");
    assert!(words.index.pairs.is_empty());
    let mut queries: Vec<String> = phrases_of_the_seed().iter().map(|p| format!("\"{p}\"")).collect();
    queries.extend(
        [
            "\"large language models\"",
            "\"state of the art\"",
            "\"large language model\" quantization",
            "\"pre-training\"",
            "\"sub-1-bit quantization\"",
            "title:\"language models\"",
            "abstract:\"language models\"",
            "\"language models\" -\"large language\"",
            "\"models language\"",
            "\"language language\"",
            "\"scaling laws\" OR \"fine tuning\"",
            "\"low rank adaptation\"",
        ]
        .map(String::from),
    );
    let mut with_hits = 0;
    for q in &queries {
        let mut req = Request::new(q);
        req.limit = 50;
        let (a, b) = (pairs.search(&req), words.search(&req));
        assert_eq!(common::outcome(&a), common::outcome(&b), "results for {q}");
        with_hits += usize::from(a.total > 0);
    }
    assert!(with_hits > 300, "{with_hits} of {} phrases found papers", queries.len());
}

#[test]
fn the_default_rule_keeps_pairs_of_common_words_only() {
    let corpus = common::read(&[common::seed_dir()]);
    let rule = PairRule::for_corpus(corpus.papers.len());
    let (engine, _) = common::engine_for(&[common::seed_dir()], "default-rule");
    let n = engine.index.pairs.len();
    // On 82 papers: pairs in at least 20 papers, which few are.
    assert!(n < 20, "{n} pairs under {rule:?}");
    let (every, _) = engines("count");
    assert!(every.index.pairs.len() > 50 * n.max(1));
}
