//! Search quality over the seed, as data: `tests/search_cases.json` lists queries with what
//! must (or must not) come back and why. Titles are matched by prefix.

mod common;

use papersift::engine::search::{Engine, Notice, Request};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    query: String,
    reason: String,
    /// Treat the last word as being typed (prefix); default: a finished query.
    #[serde(default)]
    typing: bool,
    /// These titles must all be among the first `within` results.
    #[serde(default)]
    top: Vec<String>,
    within: Option<usize>,
    /// The first result.
    first: Option<String>,
    /// These titles must be among the results (first 50).
    #[serde(default)]
    includes: Vec<String>,
    /// These titles must not be among the results at all.
    #[serde(default)]
    excludes: Vec<String>,
    min_count: Option<usize>,
    max_count: Option<usize>,
    #[serde(default)]
    completions_include: Vec<String>,
    /// A notice that must be shown: "corrected", "ignored".
    notice: Option<String>,
}

#[test]
fn search_cases_hold() {
    let cases: Vec<Case> =
        serde_json::from_str(&std::fs::read_to_string(common::root().join("tests/search_cases.json")).unwrap())
            .unwrap();
    assert!(cases.len() >= 30, "at least 30 cases");
    let (engine, _) = common::engine_for(&[common::seed_dir()], "cases");
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(why) = check(&engine, case) {
            failures.push(format!("{:?} ({}): {why}", case.query, case.reason));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

fn check(engine: &Engine, case: &Case) -> Result<(), String> {
    let mut req = Request::new(&case.query);
    req.as_you_type = case.typing;
    req.limit = 200;
    let results = engine.search(&req);
    let titles: Vec<String> = results.hits.iter().map(|h| engine.index.docs.get(h.doc).unwrap().title).collect();
    let position = |want: &str| titles.iter().position(|t| t.starts_with(want));
    let shown = || titles.iter().take(8).cloned().collect::<Vec<_>>().join(" | ");
    let within = case.within.unwrap_or(case.top.len());
    for want in &case.top {
        match position(want) {
            Some(p) if p < within => {}
            Some(p) => return Err(format!("`{want}` at rank {} (wanted within {within}); got {}", p + 1, shown())),
            None => return Err(format!("`{want}` missing; got {}", shown())),
        }
    }
    if let Some(first) = &case.first {
        if position(first) != Some(0) {
            return Err(format!("first should be `{first}`; got {}", shown()));
        }
    }
    for want in &case.includes {
        if position(want).is_none_or(|p| p >= 50) {
            return Err(format!("`{want}` not in the first 50; got {}", shown()));
        }
    }
    for unwanted in &case.excludes {
        if position(unwanted).is_some() {
            return Err(format!("`{unwanted}` should not match"));
        }
    }
    if case.min_count.is_some_and(|m| results.total < m) || case.max_count.is_some_and(|m| results.total > m) {
        return Err(format!(
            "{} results, wanted {:?}..={:?}; got {}",
            results.total,
            case.min_count,
            case.max_count,
            shown()
        ));
    }
    for c in &case.completions_include {
        if !results.completions.contains(c) {
            return Err(format!("completion `{c}` missing from {:?}", results.completions));
        }
    }
    if let Some(kind) = &case.notice {
        let found = results.notices.iter().any(|n| {
            matches!((kind.as_str(), n), ("corrected", Notice::Corrected { .. }) | ("ignored", Notice::Ignored(_)))
        });
        if !found {
            return Err(format!("no `{kind}` notice in {:?}", results.notices));
        }
    }
    Ok(())
}

#[test]
fn more_like_this_finds_papers_on_the_same_subject() {
    let (engine, _) = common::engine_for(&[common::seed_dir()], "mlt");
    let title_of = |d: u32| engine.index.docs.get(d).unwrap().title;
    let doc = engine.doc_by_id("scaling-laws-for-neural-machine-translation").expect("id lookup");
    let related: Vec<String> = engine.more_like_this(doc, 5).into_iter().map(|h| title_of(h.doc)).collect();
    assert_eq!(related.len(), 5);
    assert!(!related.contains(&title_of(doc)), "never the paper itself");
    let scaling = related.iter().filter(|t| t.to_lowercase().contains("scal")).count();
    assert!(scaling >= 3, "most neighbours of a scaling-law paper are about scaling: {related:?}");

    let pinn =
        engine.doc_by_id("lagrangian-pinns-a-causality-conforming-solution-to-failure-modes-of-physics").unwrap();
    let related: Vec<String> = engine.more_like_this(pinn, 3).into_iter().map(|h| title_of(h.doc)).collect();
    assert!(related.iter().any(|t| t.contains("PINN")), "{related:?}");
    assert_eq!(engine.doc_by_id("no-such-paper"), None);
}

#[test]
fn unbounded_queries_are_cut_with_a_notice() {
    let (engine, _) = common::engine_for(&[common::seed_dir()], "bounds");
    // Many long unknown words: only the first few get typo tolerance (each is an automaton run
    // over the whole dictionary), and the page says so.
    let words: Vec<String> = (0..8).map(|i| format!("tranformerz{}ationnetwrk", (b'a' + i) as char)).collect();
    let results = engine.search(&Request::new(&words.join(" ")));
    assert!(results.notices.contains(&Notice::TooBroad), "{:?}", results.notices);
    // Four unknown words stay within the budget: no such notice.
    let results = engine.search(&Request::new(&words[..4].join(" ")));
    assert!(!results.notices.contains(&Notice::TooBroad), "{:?}", results.notices);
    // A thousand words: cut to the first clauses, with a notice, and still answered.
    let many: Vec<&str> = ["quantization", "pruning", "lora", "scaling"].iter().copied().cycle().take(1000).collect();
    let results = engine.search(&Request::new(&many.join(" ")));
    assert!(results.notices.contains(&Notice::Truncated));
    assert!(results.total > 0);
}
