//! What bounds the cost of a keystroke that starts a new word: the word being typed searches
//! only its most frequent completions within a postings budget (saying so), and its author
//! name completions are picked while the names stream by. Both must pick what a full sort
//! of everything the prefix reaches would pick.

mod common;

use papersift::engine::corpus::Paper;
use papersift::engine::index::build::write_index;
use papersift::engine::index::{build_index, BuildOptions, Index};
use papersift::engine::search::expand::{self, MAX_EXPANSIONS};
use papersift::engine::search::{Engine, Notice, Request};

fn engine(papers: &[Paper], name: &str) -> Engine {
    let built = build_index(papers, &BuildOptions::default(), &mut |_, _| {});
    let dir = common::temp_dir(name);
    write_index(&dir, &built).expect("write index");
    Engine::new(Index::open_dir(&dir).expect("open index"))
}

#[test]
fn name_completions_are_the_most_frequent_names_with_the_prefix() {
    // 40 surnames starting with "sa", name i on 1 + (7i mod 11) papers: many ties, so the
    // alphabetical tie-break is exercised too, and more names than a search takes.
    let df = |i: usize| 1 + (i * 7) % 11;
    let mut papers = Vec::new();
    for i in 0..40 {
        for k in 0..df(i) {
            let mut p =
                common::paper(&format!("p{i}-{k}"), &format!("Study {i} part {k}"), "An abstract about graphs.");
            p.authors = vec![format!("Ng Sa{i:02}")];
            papers.push(p);
        }
    }
    let engine = engine(&papers, "typing-names");
    let mut expected: Vec<(usize, String)> = (0..40).map(|i| (df(i), format!("sa{i:02}"))).collect();
    expected.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    expected.truncate(MAX_EXPANSIONS);
    for prefix in ["s", "sa"] {
        let got: Vec<(usize, String)> =
            expand::name_prefix(&engine.index, prefix).into_iter().map(|e| (e.df as usize, e.surface)).collect();
        assert_eq!(got, expected, "prefix {prefix:?}");
    }
    // The name itself is not its own completion; a longer prefix narrows the list.
    let got: Vec<String> = expand::name_prefix(&engine.index, "sa1").into_iter().map(|e| e.surface).collect();
    let mut tens: Vec<(usize, String)> = (10..20).map(|i| (df(i), format!("sa{i:02}"))).collect();
    tens.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    assert_eq!(got, tens.into_iter().map(|(_, s)| s).collect::<Vec<_>>());
    assert!(expand::name_prefix(&engine.index, "sa05").is_empty());
}

#[test]
fn the_word_being_typed_searches_its_most_frequent_completions_within_the_budget() {
    let (mut engine, _) = common::engine_for(&[common::seed_dir()], "typing-budget");
    let (completions, _) = expand::prefix(&engine.index, "p", &[]);
    assert!(completions.len() > 3, "the seed has many p-words");
    let top = completions[0].df;
    assert!(completions.iter().all(|e| e.df <= top), "most frequent first");

    let full = engine.search(&Request::new("p"));
    assert!(!full.notices.iter().any(|n| matches!(n, Notice::TooManyCompletions(_))), "{:?}", full.notices);

    // A budget that holds only the most frequent completion.
    engine.typed_word_postings = u64::from(top);
    let cut = engine.search(&Request::new("p"));
    assert!(cut.notices.contains(&Notice::TooManyCompletions("p".into())), "{:?}", cut.notices);
    assert!(cut.total < full.total, "fewer papers reached: {} vs {}", cut.total, full.total);
    assert!(cut.total >= top as usize, "the most frequent completion is still searched");
    assert_eq!(cut.completions, full.completions, "the suggestions still offer every completion");

    // No budget at all still searches the most frequent completion, and nothing more.
    engine.typed_word_postings = 0;
    let none = engine.search(&Request::new("p"));
    assert_eq!(none.total, cut.total);

    // A finished word is not a prefix: the budget does not touch it.
    let finished = Request { as_you_type: false, ..Request::new("quantization") };
    let with_budget = engine.search(&finished).total;
    engine.typed_word_postings = u64::MAX;
    assert_eq!(engine.search(&finished).total, with_budget);
}
