//! The chunked document store (`--layout sharded`): the same papers and the same answers as
//! one docs file, only the chunks asked for are needed, ids resolve without any chunk, and a
//! damaged or misplaced chunk is refused with a typed error.

mod common;

use papersift::engine::error::FormatError;
use papersift::engine::index::build::write_index;
use papersift::engine::index::format::FileKind;
use papersift::engine::index::{build_index, BuildOptions, BuiltIndex, Index, Layout};
use papersift::engine::search::{Engine, Request};

fn seed_built(layout: Layout) -> BuiltIndex {
    let corpus = common::read(&[common::seed_dir()]);
    // Small shards, so the seed's dictionary and postings span many.
    let shard_bytes = Some(1 << 10);
    build_index(&corpus.papers, &BuildOptions { layout, shard_bytes, ..Default::default() }, &mut |_, _| {})
}

#[test]
fn sharded_and_bundled_stores_hold_the_same_papers_and_answers() {
    let bundle = seed_built(Layout::Bundle);
    let sharded = seed_built(Layout::Sharded(8));
    assert_eq!(bundle.manifest.docs_per_chunk, 0);
    assert_eq!(sharded.manifest.docs_per_chunk, 8);
    assert!(bundle.manifest.file(FileKind::Docs).is_some() && bundle.manifest.file(FileKind::DocIds).is_none());
    assert!(sharded.manifest.file(FileKind::Docs).is_none());
    assert_eq!(sharded.manifest.files_of(FileKind::DocsChunk).count(), 82usize.div_ceil(8));
    // The other files do not depend on the layout.
    for kind in [FileKind::Facets, FileKind::Norms] {
        assert_eq!(bundle.bytes(kind), sharded.bytes(kind), "{}", kind.role());
    }
    // The dictionary, the postings and the positions come in shards instead of whole files.
    for kind in [
        FileKind::Terms,
        FileKind::Words,
        FileKind::Postings,
        FileKind::NameTerms,
        FileKind::NamePostings,
        FileKind::Positions,
    ] {
        assert!(sharded.bytes(kind).is_none(), "{}", kind.role());
    }
    assert!(sharded.manifest.files_of(FileKind::Lexicon).count() >= 2, "the seed's vocabulary spans shards");
    assert!(sharded.manifest.files_of(FileKind::PostingsChunk).count() >= 2);

    let dir = common::temp_dir("sharded-docs");
    write_index(&dir, &sharded).unwrap();
    let (a, b) = (Engine::new(bundle.open().unwrap()), Engine::new(Index::open_dir(&dir).unwrap()));
    assert!(b.index.docs.is_chunked() && b.index.docs.missing_all().is_empty(), "open_dir reads every chunk");
    for doc in 0..a.index.len() {
        let paper = a.index.docs.get(doc).unwrap();
        assert_eq!(b.index.docs.get(doc).unwrap(), paper);
        assert_eq!(b.doc_by_id(&paper.id), Some(doc));
    }
    assert_eq!(b.doc_by_id("no-such-paper"), None);
    for q in ["quantization", "\"scaling laws\"", "tranformer", "lora -quantization", "prun*"] {
        let (ra, rb) = (a.search(&Request::new(q)), b.search(&Request::new(q)));
        assert_eq!(common::outcome(&ra), common::outcome(&rb), "{q}");
    }
}

#[test]
fn a_fresh_load_reads_only_the_chunks_attached() {
    let sharded = seed_built(Layout::Sharded(8));
    // What the app does: the start-up files, then the chunks of the papers it shows.
    let mut index = sharded.load().unwrap();
    assert_eq!(index.docs.missing_all().len(), 11, "no chunk before a paper is shown");
    let id = seed_built(Layout::Bundle).open().unwrap().docs.get(20).unwrap().id;
    // Ids resolve from the id map alone: the shard holding the id, fetched on demand.
    assert!(index.id_pending(&id));
    let shards = index.take_missing();
    assert_eq!(shards.len(), 1, "{shards:?}");
    assert!(sharded.manifest.files_of(FileKind::DocIdShard).count() > 1);
    let bytes = sharded.files.iter().find(|f| f.1 == shards[0].name).unwrap().2.clone();
    index.attach_file(&shards[0], bytes).unwrap();
    assert_eq!(index.doc_of_id(&id), Some(Some(20)));
    assert!(matches!(index.docs.get(20), Err(FormatError::NotLoaded { .. })));
    let needed = index.docs.missing([20, 21, 3]);
    assert_eq!(needed.len(), 2, "papers 20 and 21 share a chunk");
    for entry in &needed {
        let bytes = sharded.files.iter().find(|f| f.1 == entry.name).unwrap().2.clone();
        index.attach_doc_chunk(entry, bytes).unwrap();
    }
    assert!(index.docs.get(20).is_ok() && index.docs.get(3).is_ok());
    assert!(index.docs.get(40).is_err());
    assert_eq!(index.docs.missing_all().len(), 9);

    // A chunk from another place, a damaged chunk, a file that is no chunk: refused.
    let entries: Vec<_> = sharded.manifest.files_of(FileKind::DocsChunk).cloned().collect();
    let bytes_of = |i: usize| sharded.files.iter().find(|f| f.1 == entries[i].name).unwrap().2.clone();
    assert!(matches!(index.attach_doc_chunk(&entries[5], bytes_of(6)), Err(FormatError::HashMismatch { .. })));
    let mut damaged = bytes_of(5);
    damaged[40] ^= 1;
    assert!(index.attach_doc_chunk(&entries[5], damaged).is_err());
    let norms = sharded.manifest.file(FileKind::Norms).unwrap().clone();
    assert!(matches!(index.attach_doc_chunk(&norms, vec![]), Err(FormatError::Manifest(_))));
    assert!(index.docs.get(40).is_err(), "nothing was attached");
}

#[test]
fn auto_layout_keeps_small_corpora_in_one_file_and_builds_are_deterministic() {
    let auto = seed_built(Layout::Auto);
    assert_eq!(auto.manifest.docs_per_chunk, 0, "82 papers stay one file");
    let (x, y) = (seed_built(Layout::Sharded(0)), seed_built(Layout::Sharded(0)));
    assert!(x.manifest.docs_per_chunk >= 8);
    assert_eq!(x.manifest.to_json(), y.manifest.to_json());
    assert_eq!(x.files, y.files);
}

/// What the app does with a sharded index: search, fetch the shards and chunks the search
/// asked for, search again, until it asks for nothing. Returns the answer and the files
/// fetched.
fn search_on_demand(
    index: Index,
    built: &BuiltIndex,
    req: &Request,
) -> (Engine, papersift::engine::search::Results, usize) {
    let mut engine = Engine::new(index);
    let mut fetched = 0;
    for _ in 0..8 {
        let results = engine.search(req);
        let missing = engine.index.take_missing();
        assert!(!results.needs_positions, "chunked positions are fetched like any shard");
        if missing.is_empty() {
            return (engine, results, fetched);
        }
        for entry in missing {
            let bytes = built.files.iter().find(|f| f.1 == entry.name).unwrap().2.clone();
            engine.index.attach_file(&entry, bytes).unwrap();
            fetched += 1;
        }
    }
    panic!("a search kept asking for more shards");
}

#[test]
fn queries_fetch_a_few_shards_and_answer_as_the_whole_index_does() {
    let corpus = common::read(&[common::seed_dir()]);
    // Phrase pairs down to two papers, so phrases read pair lists from chunked positions too.
    let phrase_pairs = Some(papersift::engine::index::pairs::PairRule { min_docs: 2, min_word_docs: 4 });
    let options = |layout| BuildOptions { layout, shard_bytes: Some(1 << 10), phrase_pairs, ..Default::default() };
    let bundle = Engine::new(build_index(&corpus.papers, &options(Layout::Bundle), &mut |_, _| {}).open().unwrap());
    let sharded = build_index(&corpus.papers, &options(Layout::Sharded(8)), &mut |_, _| {});
    let shards = sharded.manifest.files_of(FileKind::Lexicon).count()
        + sharded.manifest.files_of(FileKind::PostingsChunk).count();
    assert!(shards > 20, "{shards} shards");
    let split = sharded.manifest.split(FileKind::PositionsChunk).unwrap();
    assert!(split.total > sharded.manifest.terms + 1, "the seed has phrase pairs");
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(common::root().join("tests/search_cases.json")).unwrap())
            .unwrap();
    let mut queries: Vec<(String, bool)> = cases
        .iter()
        .map(|c| (c["query"].as_str().unwrap().to_string(), c["typing"].as_bool().unwrap_or(false)))
        .collect();
    // Typos (first letter included), short prefixes, wildcards, no hit, and author scopes.
    for q in ["tranformer", "qantization", "m", "pr", "prun*", "zzzzqqq", "calibraton models", "author:xu", "-model"] {
        queries.push((q.to_string(), true));
        queries.push((q.to_string(), false));
    }
    let mut most = 0;
    // Title order reads the facets, which a sharded index fetches on demand too.
    let fresh = sharded.load().unwrap();
    assert!(!fresh.facets_loaded, "facets wait for the first query that needs them");
    let startup: Vec<String> = Index::startup_files(&sharded.manifest).into_iter().map(|e| e.role).collect();
    assert_eq!(startup, ["norms"], "a sharded index starts with the field lengths alone");
    for (i, (q, typing)) in queries.into_iter().enumerate() {
        let mut req = Request::new(&q);
        req.as_you_type = typing;
        if i % 5 == 4 {
            req.sort = papersift::engine::search::Sort::Title;
        }
        let want = bundle.search(&req);
        let (_, got, fetched) = search_on_demand(sharded.load().unwrap(), &sharded, &req);
        let key = |r: &papersift::engine::search::Results| {
            let hits: Vec<_> = r.hits.iter().map(|h| (h.doc, h.score.to_bits())).collect();
            (r.total, hits, r.completions.clone(), r.suggestion.clone(), r.notices.len())
        };
        assert_eq!(key(&got), key(&want), "{q:?} (typing: {typing})");
        most = most.max(fetched);
    }
    // The seed's 1 KB shards hold a few dozen words each: a query needs a handful.
    assert!(most <= shards / 4, "a query fetched {most} of {shards} shards");
}

/// Fetches what `read` asks for (through [`Index::take_missing`]) until it answers.
fn read_on_demand<T>(index: &mut Index, built: &BuiltIndex, read: impl Fn(&Index) -> Option<T>) -> (T, Vec<String>) {
    let mut fetched = Vec::new();
    for _ in 0..4 {
        if let Some(value) = read(index) {
            assert!(index.take_missing().is_empty(), "an answer that still asks for files");
            return (value, fetched);
        }
        let missing = index.take_missing();
        assert!(!missing.is_empty(), "no answer, and nothing asked for");
        for entry in missing {
            let bytes = built.files.iter().find(|f| f.1 == entry.name).unwrap().2.clone();
            index.attach_file(&entry, bytes).unwrap();
            fetched.push(entry.role);
        }
    }
    panic!("a read kept asking for more files");
}

/// A paper's topics with its keyphrases as text (chunks number their phrases apart).
type Resolved = (u32, Option<u32>, Vec<(u32, u8)>, Vec<(u32, u8)>, Vec<String>);

fn resolved(v: &papersift::engine::index::read::PaperTopicsView) -> Resolved {
    let d = v.detail;
    (v.topic, v.subtopic, d.memberships.clone(), d.related.clone(), v.keyphrases().map(String::from).collect())
}

#[test]
fn topics_come_in_parts_a_view_asks_for_and_read_as_the_bundle_does() {
    let corpus = common::read(&[common::seed_dir()]);
    let options = |layout| BuildOptions {
        layout,
        shard_bytes: Some(1 << 10),
        topics: Some(papersift::engine::topics::TopicOptions::default()),
        ..Default::default()
    };
    let bundle = build_index(&corpus.papers, &options(Layout::Bundle), &mut |_, _| {});
    let sharded = build_index(&corpus.papers, &options(Layout::Sharded(8)), &mut |_, _| {});
    assert_eq!(bundle.manifest.files_of(FileKind::TopicDetail).count(), 1, "a bundle keeps one detail chunk");
    let chunks = sharded.manifest.files_of(FileKind::TopicDetail).count();
    assert!(chunks >= 4, "{chunks} detail chunks of 1 KB");
    let whole = bundle.open().unwrap();
    assert!(whole.topics.is_some() && whole.paper_map.is_some(), "a bundle opens with its topics");

    // A fresh sharded index has none of it, and asks only for what each read needs.
    let mut fresh = sharded.load().unwrap();
    assert!(fresh.topics.is_none() && fresh.has_topics());
    let (labels, roles) = read_on_demand(&mut fresh, &sharded, |i| {
        i.want_topics().then(|| {
            (0..i.topics.as_ref().unwrap().topics.len() as u32)
                .map(|t| i.topics.as_ref().unwrap().label(t))
                .collect::<Vec<_>>()
        })
    });
    assert_eq!(roles, ["topic-summary"]);
    let summary = whole.topics.as_ref().unwrap();
    assert_eq!(labels, (0..summary.topics.len() as u32).map(|t| summary.label(t)).collect::<Vec<_>>());
    assert_eq!(fresh.topic_columns, whole.topic_columns);
    for doc in [0, 41, 81] {
        let (view, roles) = read_on_demand(&mut fresh, &sharded, |i| i.paper_topics(doc).map(|v| resolved(&v)));
        assert_eq!(view, resolved(&whole.paper_topics(doc).unwrap()), "paper {doc}");
        assert!(roles.iter().all(|r| r == "topic-detail") && roles.len() <= 1, "paper {doc}: {roles:?}");
    }
    assert!(fresh.paper_map.is_none(), "no map until the map asks");
    let (map, roles) = read_on_demand(&mut fresh, &sharded, |i| i.paper_map().map(<[_]>::to_vec));
    assert_eq!((map, roles), (whole.paper_map.clone().unwrap(), vec!["paper-map".to_string()]));

    // A topic filter on a fresh index asks for the summary, then answers as the bundle.
    let mut req = Request::new("");
    req.filters.topics = vec![1];
    req.limit = 100;
    let want = Engine::new(bundle.open().unwrap()).search(&req);
    let (_, got, fetched) = search_on_demand(sharded.load().unwrap(), &sharded, &req);
    assert!(fetched >= 1);
    assert_eq!(got.total, want.total);
    assert_eq!(got.hits.iter().map(|h| h.doc).collect::<Vec<_>>(), want.hits.iter().map(|h| h.doc).collect::<Vec<_>>());

    // A detail chunk before its summary, in another place or under another entry is refused.
    let mut other = sharded.load().unwrap();
    let entries: Vec<_> = sharded.manifest.files_of(FileKind::TopicDetail).cloned().collect();
    let bytes = |e: &papersift::engine::index::manifest::FileEntry| {
        sharded.files.iter().find(|f| f.1 == e.name).unwrap().2.clone()
    };
    assert!(other.attach_file(&entries[1], bytes(&entries[1])).is_err(), "details before their summary");
    let summary = sharded.manifest.file(FileKind::TopicSummary).unwrap().clone();
    other.attach_file(&summary, bytes(&summary)).unwrap();
    let mut moved = entries[0].clone();
    moved.name = entries[1].name.clone();
    assert!(other.attach_file(&entries[1], bytes(&entries[0])).is_err(), "a chunk's bytes under another's entry");
    assert!(other.attach_file(&moved, bytes(&entries[1])).is_err(), "an entry the manifest does not list");
    other.attach_file(&entries[1], bytes(&entries[1])).unwrap();
}
