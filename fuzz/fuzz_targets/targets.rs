//! The body of every fuzz target, shared with `tests/fuzz_regressions.rs` (which replays each
//! crasher kept in `tests/fuzz-regressions/<target>/` through the same function): an index built
//! once from the bundled seed listing (with topics), and helpers that open it, search it and read
//! every paper back, so each target drives the whole reading path from the bytes it mutates.

#![allow(dead_code)]

use papersift::engine::corpus::jsonl;
use papersift::engine::corpus::{CorpusBuilder, ReadOptions, SourceFormat};
use papersift::engine::index::build::{build_index, BuildOptions, BuiltIndex};
use papersift::engine::index::format::FileKind;
use papersift::engine::index::format::{content_hash, frame};
use papersift::engine::index::pairs::PairRule;
use papersift::engine::index::Index;
use papersift::engine::search::{Engine, Request};
use papersift::engine::topics::TopicOptions;
use papersift::viewstate::ViewState;

const SEED: &[u8] = include_bytes!("../../seeds/000_20ba33cf11c61712.txt");

/// Reads a listing or JSON Lines source from bytes, both with and without `--skip-invalid`.
pub fn read_corpus(format: SourceFormat, data: &[u8]) -> Vec<papersift::engine::corpus::Paper> {
    let mut strict = CorpusBuilder::new(ReadOptions::default());
    let _ = strict.read("fuzz", format, data);
    let _ = strict.finish();
    let mut lenient = CorpusBuilder::new(ReadOptions { skip_invalid: true, ..ReadOptions::default() });
    let _ = lenient.read("fuzz", format, data);
    lenient.finish().map(|c| c.papers).unwrap_or_default()
}

/// The seed listing's index, with topics (built on first use).
pub fn seed_index() -> &'static BuiltIndex {
    static BUILT: std::sync::OnceLock<BuiltIndex> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let papers = read_corpus(SourceFormat::Listing, SEED);
        assert!(papers.len() > 50, "the seed listing should give its papers");
        let options = BuildOptions {
            title: "fuzz".into(),
            topics: Some(TopicOptions { threads: 1, ..TopicOptions::default() }),
            // Lists for the seed's common word pairs, so decoding and phrase search over pair
            // lists are fuzzed too (the default keeps almost none on 82 papers).
            phrase_pairs: Some(PairRule { min_docs: 3, min_word_docs: 0 }),
            ..Default::default()
        };
        build_index(&papers, &options, &mut |_, _| {})
    })
}

/// Opens a built index from its files, attaching every optional file too.
pub fn open(manifest: &[u8], file: &dyn Fn(&str) -> Option<Vec<u8>>) -> Option<Index> {
    let fetch = |entry: &papersift::engine::index::manifest::FileEntry| {
        file(&entry.name).ok_or(papersift::engine::error::FormatError::Manifest("missing".into()))
    };
    let mut index = Index::load(manifest, fetch).ok()?;
    for kind in [FileKind::Positions, FileKind::Authors] {
        let Ok(entry) = index.entry(kind) else { continue };
        let Some(bytes) = file(&entry.name) else { continue };
        let _ = match kind {
            FileKind::Positions => index.attach_positions(bytes),
            _ => index.attach_authors(bytes),
        };
    }
    // The topic files (summary, map, detail chunks), as the app attaches them.
    for entry in index.missing_shards() {
        if let Some(bytes) = file(&entry.name) {
            let _ = index.attach_file(&entry, bytes);
        }
    }
    Some(index)
}

/// Runs a query the way the app does (facets, highlighting, related papers of the top hit).
pub fn exercise(engine: &Engine, query: &str, as_you_type: bool, typos: bool) {
    let mut req = Request::new(query);
    req.as_you_type = as_you_type;
    req.typos = typos;
    req.limit = 5;
    let results = engine.search(&req);
    assert!(results.hits.len() <= results.total);
    let mut h = engine.highlighter(&results.matched);
    for hit in &results.hits {
        if let Ok(paper) = engine.index.docs.get(hit.doc) {
            let title = h.mark(&paper.title);
            for &(start, end) in &title.ranges {
                assert!(start <= end && end <= title.text.len(), "a highlight range outside the title");
                assert!(title.text.is_char_boundary(start) && title.text.is_char_boundary(end));
            }
            h.snippet(&paper.abstract_text);
        }
    }
    if let Some(top) = results.hits.first() {
        engine.more_like_this(top.doc, 5);
    }
}

/// Indexes a few papers (without topics, to stay fast), reopens the files and searches them by
/// their own title words.
pub fn index_and_search(papers: &[papersift::engine::corpus::Paper]) {
    if papers.is_empty() || papers.len() > 16 {
        return;
    }
    let built =
        build_index(papers, &BuildOptions { title: "fuzz".into(), topics: None, ..Default::default() }, &mut |_, _| {});
    let manifest = built.manifest.to_json().into_bytes();
    let lookup = |name: &str| built.files.iter().find(|(_, n, _)| n == name).map(|(_, _, b)| b.clone());
    let index = open(&manifest, &lookup).expect("an index the build just wrote must open");
    assert_eq!(index.len() as usize, papers.len());
    let engine = Engine::new(index);
    for (doc, paper) in papers.iter().enumerate() {
        let stored = engine.index.docs.get(doc as u32).expect("a stored paper reads back");
        assert_eq!(stored.title, paper.title);
        let words: String = paper.title.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
        exercise(&engine, &words, false, false);
    }
}

/// `listing`: the plain-text listing reader on arbitrary bytes; small results are indexed,
/// reopened and searched by their own titles, so hostile text also runs through analysis and
/// the codecs.
pub fn run_listing(data: &[u8]) {
    let papers = read_corpus(SourceFormat::Listing, data);
    index_and_search(&papers);
}

/// `jsonl`: the JSON Lines reader on arbitrary bytes (each line also through `parse_record`).
pub fn run_jsonl(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        for line in text.lines().take(64) {
            let _ = jsonl::parse_record(line);
        }
    }
    let papers = read_corpus(SourceFormat::JsonLines, data);
    index_and_search(&papers);
}

/// `index`: the seed's index with one file replaced by the fuzzer's bytes (the manifest itself,
/// or any file kind; raw, or as a payload re-framed with a valid header and checksum so the
/// decoders behind the frame are reached), its manifest entry updated so the content hash
/// passes. Whatever opens is then searched and read back.
pub fn run_index(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else { return };
    let built = seed_index();
    let mut manifest = built.manifest.clone();
    let mut files: Vec<(String, Vec<u8>)> = built.files.iter().map(|(_, name, b)| (name.clone(), b.clone())).collect();
    let target = selector as usize % (files.len() + 1);
    let manifest_bytes = if target == files.len() {
        rest.to_vec()
    } else {
        let (kind, name, _) = &built.files[target];
        let bytes = if selector & 0x80 != 0 { frame(*kind, rest) } else { rest.to_vec() };
        if let Some(entry) = manifest.files.iter_mut().find(|e| &e.name == name) {
            entry.bytes = bytes.len() as u64;
            entry.hash = content_hash(&bytes);
        }
        files[target].1 = bytes;
        manifest.to_json().into_bytes()
    };
    let lookup = |name: &str| files.iter().find(|(n, _)| n == name).map(|(_, b)| b.clone());
    let Some(index) = open(&manifest_bytes, &lookup) else { return };
    let papers = index.len();
    let engine = Engine::new(index);
    for doc in 0..papers.min(100) {
        let _ = engine.index.docs.get(doc);
        if let Some(view) = engine.index.paper_topics(doc) {
            let _ = view.keyphrases().count();
        }
    }
    let _ = engine.index.paper_map();
    let _ = engine.index.topic_model();
    for q in
        ["quantization", "language model", "\"scaling laws\"", "quanti", "tranformer", "title:lora -pinn", "author:a"]
    {
        exercise(&engine, q, true, true);
    }
}

thread_local! {
    static SEED_ENGINE: Engine = {
        let built = seed_index();
        let manifest = built.manifest.to_json().into_bytes();
        let lookup = |name: &str| built.files.iter().find(|(_, n, _)| n == name).map(|(_, _, b)| b.clone());
        Engine::new(open(&manifest, &lookup).expect("the seed index opens"))
    };
}

/// `query`: the query language and search on arbitrary text over the seed's index (positions,
/// authors and topics attached): parsing, expansion (prefix, typo, wildcard), phrases, facets,
/// highlighting. The first byte picks as-you-type and typo tolerance.
pub fn run_query(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else { return };
    let query = String::from_utf8_lossy(rest);
    let _ = papersift::engine::search::query::parse(&query, flags & 1 != 0);
    SEED_ENGINE.with(|engine| exercise(engine, &query, flags & 1 != 0, flags & 2 != 0));
}

/// `url`: the app's URL state on arbitrary query strings: reading never panics, and what it
/// reads writes back to a link that reads the same view again.
pub fn run_url(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let view = ViewState::from_query(&text).without_notes();
    let link = view.to_query();
    let again = ViewState::from_query(&link).without_notes();
    assert_eq!(again, view, "the link {link:?} does not read back as the view it was written from");
}
