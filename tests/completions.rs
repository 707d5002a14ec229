//! Stored completions (the words file's table for short prefixes) answer exactly what a scan of
//! the dictionaries answers: the same terms, words, shares and order, whatever other query
//! words are skipped, and the same search results letter by letter.

mod common;

use papersift::engine::index::BuildOptions;
use papersift::engine::search::expand::{self, MAX_EXPANSIONS, MAX_SCAN};
use papersift::engine::search::Request;

/// The seed listing built twice: with a completion table for every prefix of up to four
/// characters, and with none.
/// `test` names the temporary folders (tests run in parallel).
fn engines(test: &str) -> (papersift::engine::search::Engine, papersift::engine::search::Engine) {
    let with = BuildOptions { completion_min_keys: Some(1), ..Default::default() };
    let without = BuildOptions { completion_min_keys: Some(usize::MAX), ..Default::default() };
    let (a, _) = common::engine_with(&[common::seed_dir()], &format!("{test}-table"), &with);
    let (b, _) = common::engine_with(&[common::seed_dir()], &format!("{test}-scan"), &without);
    (a, b)
}

#[test]
fn stored_completions_equal_scanned_ones() {
    let (table, scan) = engines("stored");
    assert!(table.index.terms.completion_prefixes() > 100, "the table covers the seed's short prefixes");
    assert_eq!(scan.index.terms.completion_prefixes(), 0);
    let mut prefixes: Vec<String> = Vec::new();
    for a in 'a'..='z' {
        prefixes.push(a.to_string());
        for b in ['a', 'e', 'i', 'o', 'r', 'u', 'n'] {
            prefixes.push(format!("{a}{b}"));
        }
    }
    prefixes.extend(["quan", "tran", "pre", "lo", "ll"].map(String::from));
    let mut compared = 0;
    for p in &prefixes {
        let Some(stored) = table.index.terms.completions(p).ok().flatten() else { continue };
        assert!((stored.keys as usize) <= MAX_SCAN, "a seed prefix is never capped");
        let (plain, _) = expand::prefix(&scan.index, p, &[]);
        // Skips: nothing; the best few (another query word took them); more than the slack.
        let ords: Vec<u32> = plain.iter().map(|e| e.ordinal).collect();
        for skip in [&[][..], &ords[..ords.len().min(3)], &ords[..ords.len().min(MAX_EXPANSIONS)]] {
            let (from_table, capped_t) = expand::prefix(&table.index, p, skip);
            let (from_scan, capped_s) = expand::prefix(&scan.index, p, skip);
            assert_eq!(from_table, from_scan, "completions of {p:?} skipping {skip:?}");
            assert_eq!(capped_t, capped_s);
            compared += 1;
        }
    }
    assert!(compared > 150, "compared {compared} prefix/skip cases");
}

#[test]
fn searches_typed_letter_by_letter_match_with_and_without_the_table() {
    let (table, scan) = engines("typed");
    for query in ["quantization aware training", "parameter efficient", "scaling laws for lora", "p", "t"] {
        for end in 1..=query.len() {
            let typed = &query[..end];
            let mut req = Request::new(typed);
            req.limit = 20;
            let (a, b) = (table.search(&req), scan.search(&req));
            assert_eq!(common::outcome(&a), common::outcome(&b), "results for {typed:?}");
            assert_eq!(a.completions, b.completions, "completions for {typed:?}");
        }
    }
}

#[test]
fn a_default_build_stores_every_one_letter_prefix_and_no_longer_small_one() {
    // The seed has far fewer than `MIN_STORED_COMPLETION_KEYS` words per prefix: only the
    // one-letter prefixes (what every typed query starts with) get stored, and they answer as
    // a scan does.
    let (default, _) = common::engine_with(&[common::seed_dir()], "one-letter-default", &BuildOptions::default());
    let (_, scan) = engines("one-letter");
    let mut stored = 0;
    for a in 'a'..='z' {
        let p = a.to_string();
        let Some(entry) = default.index.terms.completions(&p).ok().flatten() else { continue };
        assert!(entry.keys > 0, "{p:?}");
        assert_eq!(expand::prefix(&default.index, &p, &[]), expand::prefix(&scan.index, &p, &[]), "{p:?}");
        stored += 1;
        assert!(default.index.terms.completions(&format!("{a}e")).ok().flatten().is_none(), "{a}e is not stored");
    }
    assert!(stored >= 20, "{stored} one-letter prefixes stored");
}
