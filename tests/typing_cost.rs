//! What bounds the cost of a keystroke that starts a new word: the word being typed searches
//! only its most frequent completions within a postings budget (saying so), and its author
//! name completions are picked while the names stream by. Both must pick what a full sort
//! of everything the prefix reaches would pick.

mod common;

use papersift::engine::corpus::Paper;
use papersift::engine::index::build::write_index;
use papersift::engine::index::{build_index, BuildOptions, Index, Layout};
use papersift::engine::search::expand::{self, MAX_EXPANSIONS};
use papersift::engine::search::{Engine, Notice, Request};

fn engine(papers: &[Paper], name: &str) -> Engine {
    engine_with(papers, name, &BuildOptions::default())
}

fn engine_with(papers: &[Paper], name: &str, options: &BuildOptions) -> Engine {
    let built = build_index(papers, options, &mut |_, _| {});
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
    // A bundle scans the names; a sharded index reads its stored table (every prefix of up to
    // four characters here, each name shard about a kilobyte), and must answer the same.
    let bundle = engine(&papers, "typing-names");
    let sharded = BuildOptions {
        layout: Layout::Sharded(8),
        shard_bytes: Some(1 << 10),
        completion_min_keys: Some(1),
        ..BuildOptions::default()
    };
    let sharded = engine_with(&papers, "typing-names-table", &sharded);
    assert_eq!(bundle.index.names.completion_prefixes(), 0);
    assert!(sharded.index.names.completion_prefixes() > 40, "the sharded index stores name prefixes");
    let mut expected: Vec<(usize, String)> = (0..40).map(|i| (df(i), format!("sa{i:02}"))).collect();
    expected.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    expected.truncate(MAX_EXPANSIONS);
    for engine in [&bundle, &sharded] {
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
        assert!(expand::name_prefix(&engine.index, "x").is_empty());
    }
}

#[test]
fn a_default_sharded_build_stores_one_letter_name_prefixes_and_answers_as_a_scan() {
    // Two hundred papers by names under a few letters: the default build stores every
    // one-letter prefix (a scan of "s" streams every s-name) and no small longer one.
    let surnames = ["Sato", "Smith", "Sun", "Song", "Silva", "Kim", "Khan", "Kumar", "Lee", "Li", "Liu", "Lopez"];
    let papers: Vec<Paper> = (0..200)
        .map(|i| {
            let mut p = common::paper(&format!("p{i}"), &format!("Graph study {i}"), "Graphs and their learning.");
            p.authors = vec![
                format!("Ann {}", surnames[i % surnames.len()]),
                format!("Bo {}{}", surnames[(i * 7) % surnames.len()], i % 13),
            ];
            p
        })
        .collect();
    let sharded = |keys: Option<usize>, name: &str| {
        let options = BuildOptions {
            layout: Layout::Sharded(8),
            shard_bytes: Some(1 << 10),
            completion_min_keys: keys,
            ..BuildOptions::default()
        };
        engine_with(&papers, name, &options)
    };
    let table = sharded(None, "typing-names-default");
    let scan = sharded(Some(usize::MAX), "typing-names-scan");
    assert_eq!(scan.index.names.completion_prefixes(), 0);
    let stored: Vec<char> = ('a'..='z').filter(|c| table.index.names.completions(&c.to_string()) != Ok(None)).collect();
    assert!(stored.contains(&'s') && stored.contains(&'k') && stored.contains(&'l'), "stored {stored:?}");
    assert_eq!(table.index.names.completions("sa"), Ok(None), "a prefix of few names is scanned");
    for prefix in ["s", "k", "l", "b", "a", "so", "li", "z"] {
        assert_eq!(expand::name_prefix(&table.index, prefix), expand::name_prefix(&scan.index, prefix), "{prefix:?}");
    }
    for query in ["graph s", "s", "learning k", "author:l"] {
        let (a, b) = (table.search(&Request::new(query)), scan.search(&Request::new(query)));
        assert_eq!(common::outcome(&a), common::outcome(&b), "{query:?}");
    }
}

#[test]
fn papers_that_cannot_match_every_word_are_not_scored_by_the_last_one_and_nothing_changes() {
    // The last word of a typed query reaches most papers; those missing another word are
    // only counted (see `Engine::score`). Whatever the page size, the page must be the one a
    // full scoring gives: asking for every paper makes the search score everything (fewer
    // papers match every word than that), so its first rows are the reference.
    let (seed, _) = common::engine_for(&[common::seed_dir()], "typing-pruned");
    let n = seed.index.len() as usize;
    let mut pruned_somewhere = false;
    for query in [
        "large language m",
        "diffusion models for image g",
        "graph neural n",
        "quantization of large language m",
        "efficient fine-tuning of l",
        "reinforcement learning from human f",
        "scaling laws for neural m",
        "physics informed neural n",
        "model -diffusion l",
        "title:language m",
        "llm OR transformer a",
        "\"large language\" m",
        "zebra p",
    ] {
        let mut everything = Request::new(query);
        everything.limit = n;
        let reference = seed.search(&everything);
        let full = reference.hits.iter().filter(|h| h.full).count();
        if full < reference.total {
            pruned_somewhere = true;
        }
        for (offset, limit) in [(0, 1), (0, 10), (0, 20), (10, 10), (0, full), (0, full + 1)] {
            let mut req = Request::new(query);
            req.offset = offset;
            req.limit = limit;
            let page = seed.search(&req);
            let expected: Vec<(u32, u32, bool)> =
                reference.hits.iter().skip(offset).take(limit).map(|h| (h.doc, h.score.to_bits(), h.full)).collect();
            let got: Vec<(u32, u32, bool)> = page.hits.iter().map(|h| (h.doc, h.score.to_bits(), h.full)).collect();
            assert_eq!(got, expected, "{query:?} rows {offset}..{}", offset + limit);
            assert_eq!(page.total, reference.total, "{query:?}");
            assert_eq!(page.facets, reference.facets, "{query:?}: facets count every match");
        }
    }
    assert!(pruned_somewhere, "some query has papers matching only part of it");

    // Fewer papers match every word than the page holds: the rest of the page are papers the
    // last word reaches (scored again in full, they lead those it does not reach).
    let mut papers = Vec::new();
    for i in 0..3 {
        papers.push(common::paper(&format!("both{i}"), "Alpha beta", "Alpha and beta together."));
    }
    // Beta is the rarer word: papers with it alone lead those with alpha alone.
    for i in 0..5 {
        papers.push(common::paper(&format!("beta{i}"), "Beta beta", &format!("Beta bravo study number {i}.")));
    }
    for i in 0..20 {
        papers.push(common::paper(&format!("alpha{i}"), "Alpha delta", "About alpha alone."));
    }
    let engine = engine(&papers, "typing-pruned-few");
    // A search before leaves its per-paper state behind ("b" reaches beta and bravo, so each
    // beta paper keeps the best of the two); the next must not read it.
    assert_eq!(engine.search(&Request::new("b")).total, 8);
    for limit in [1, 3, 4, 8, 10, 28] {
        let mut req = Request::new("alpha b");
        req.limit = limit;
        let page = engine.search(&req);
        let ids: Vec<String> = page
            .hits
            .iter()
            .map(|h| engine.index.docs.get(h.doc).expect("a paper").id.chars().take(4).collect())
            .collect();
        let expected: Vec<&str> = ["both"; 3].into_iter().chain(["beta"; 5]).chain(["alph"; 20]).take(limit).collect();
        assert_eq!(ids, expected, "limit {limit}");
        assert_eq!(page.total, 28);
    }
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
