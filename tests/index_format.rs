//! The index files: the stored fixture of the current format still opens and answers, damaged
//! or foreign files fail with typed errors, builds are byte-identical, and what goes in comes
//! back out (property test).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use papersift::engine::corpus::Paper;
use papersift::engine::error::{Error, FormatError};
use papersift::engine::index::build::write_index;
use papersift::engine::index::format::{FileKind, FORMAT_VERSION};
use papersift::engine::index::{build_index, BuildOptions, Index, Layout};
use papersift::engine::search::{Engine, Request};
use papersift::engine::text::Analyzer;
use papersift::engine::topics::TopicOptions;
use proptest::prelude::*;

fn fixture() -> std::path::PathBuf {
    common::root().join("tests/fixtures/index-v1")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn file_of(dir: &Path, role: &str) -> std::path::PathBuf {
    let name = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n.starts_with(&format!("{role}.")) && n.ends_with(".bin"))
        .unwrap();
    dir.join(name)
}

#[test]
fn stored_v1_fixture_still_opens_and_answers() {
    assert_eq!(FORMAT_VERSION, 1, "a new format version needs a new fixture (see tests/fixtures/README.md)");
    let index = Index::open_dir(&fixture()).expect("the v1 fixture opens");
    assert_eq!(index.len(), 5);
    assert_eq!(index.manifest.title, "Fixture (format v1)");
    let engine = Engine::new(index);
    let ids = |q: &str| -> Vec<String> {
        let r = engine.search(&Request::new(q));
        r.hits.iter().map(|h| engine.index.docs.get(h.doc).unwrap().id).collect()
    };
    assert_eq!(ids("lora"), vec!["tiny-lora-low-rank-adapters-for-small-models"]);
    assert_eq!(ids("\"scaling laws\""), vec!["scaling-laws-for-toy-transformers"]);
    assert_eq!(ids("author:turing"), vec!["2505.00001"]);
    assert_eq!(ids("unlearning"), vec!["2506.00002"]);
    let paper = engine.index.docs.get(0).unwrap();
    assert_eq!(paper.title, "Tiny-LoRA: Low-Rank Adapters for Small Models");
    assert_eq!(paper.links[0].url, "https://github.com/example/tiny-lora");
}

#[test]
fn corrupt_truncated_and_foreign_files_fail_with_typed_errors() {
    let base = common::temp_dir("damaged");

    // One flipped byte inside the postings: the manifest hash catches it first.
    let dir = base.join("flip");
    copy_dir(&fixture(), &dir);
    let postings = file_of(&dir, "postings");
    let mut bytes = std::fs::read(&postings).unwrap();
    bytes[30] ^= 0x40;
    std::fs::write(&postings, &bytes).unwrap();
    match Index::open_dir(&dir) {
        Err(Error::Format(FormatError::HashMismatch { file, .. })) => assert!(file.starts_with("postings.")),
        other => panic!("expected a hash mismatch, got {other:?}"),
    }

    // A truncated docs file.
    let dir = base.join("cut");
    copy_dir(&fixture(), &dir);
    let docs = file_of(&dir, "docs");
    let bytes = std::fs::read(&docs).unwrap();
    std::fs::write(&docs, &bytes[..bytes.len() / 2]).unwrap();
    assert!(matches!(Index::open_dir(&dir), Err(Error::Format(FormatError::Truncated { .. }))));

    // A missing file.
    let dir = base.join("missing");
    copy_dir(&fixture(), &dir);
    std::fs::remove_file(file_of(&dir, "terms")).unwrap();
    assert!(matches!(Index::open_dir(&dir), Err(Error::Format(FormatError::MissingFile { .. }))));

    // A manifest from another format version.
    let dir = base.join("version");
    copy_dir(&fixture(), &dir);
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    std::fs::write(dir.join("manifest.json"), manifest.replace("\"format_version\": 1", "\"format_version\": 7"))
        .unwrap();
    let err = Index::open_dir(&dir).unwrap_err();
    assert!(matches!(err, Error::Format(FormatError::Version { expected: 1, found: 7, .. })), "{err}");
    assert!(err.to_string().contains("rebuild the index"), "{err}");

    // A missing index folder says how to build one.
    let err = Index::open_dir(&base.join("nothing-here")).unwrap_err();
    assert!(err.to_string().contains("papersift build"), "{err}");
}

#[test]
fn builds_with_topics_are_byte_identical_on_any_thread_count() {
    let corpus = common::read(&[common::seed_dir()]);
    let with = |threads: usize| BuildOptions {
        title: String::new(),
        topics: Some(TopicOptions { threads, ..TopicOptions::default() }),
        ..Default::default()
    };
    let a = build_index(&corpus.papers, &with(1), &mut |_, _| {});
    let b = build_index(&corpus.papers, &with(2), &mut |_, _| {});
    assert!(a.bytes(FileKind::TopicSummary).is_some() && a.bytes(FileKind::PaperMap).is_some());
    assert!(a.bytes(FileKind::Topics).is_none(), "the whole topics file is no longer written");
    assert_eq!(a.manifest, b.manifest);
    assert_eq!(a.files, b.files);
    // And the topic files open, covering every paper.
    let base = common::temp_dir("topics-determinism");
    write_index(&base, &a).unwrap();
    let index = Index::open_dir(&base).unwrap();
    let model = index.topic_model().expect("topics load with the index");
    assert_eq!(model.papers.len(), corpus.papers.len());
    assert!((8..=15).contains(&model.top_count()), "{} top topics on the seed", model.top_count());
}

#[test]
fn builds_are_byte_identical() {
    let corpus = common::read(&[common::seed_dir(), common::root().join("tests/fixtures/tiny-corpus.jsonl")]);
    let a = build_index(&corpus.papers, &BuildOptions::default(), &mut |_, _| {});
    let b = build_index(&corpus.papers, &BuildOptions::default(), &mut |_, _| {});
    assert_eq!(a.manifest, b.manifest);
    assert_eq!(a.files, b.files);

    // Through the files on disk, too: two folders, same bytes.
    let base = common::temp_dir("determinism");
    write_index(&base.join("one"), &a).unwrap();
    write_index(&base.join("two"), &b).unwrap();
    let list = |d: &Path| -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| (e.file_name().into_string().unwrap(), std::fs::read(e.path()).unwrap()))
            .collect()
    };
    assert_eq!(list(&base.join("one")), list(&base.join("two")));
}

#[test]
fn rebuilding_into_a_folder_removes_stale_index_files_only() {
    let dir = common::temp_dir("stale");
    std::fs::write(dir.join("keep-me.txt"), "not ours").unwrap();
    std::fs::write(dir.join("postings.0123456789abcdef.bin"), "old").unwrap();
    let corpus = common::read(&[common::root().join("tests/fixtures/tiny-corpus.jsonl")]);
    write_index(&dir, &build_index(&corpus.papers, &BuildOptions::default(), &mut |_, _| {})).unwrap();
    assert!(dir.join("keep-me.txt").exists());
    assert!(!dir.join("postings.0123456789abcdef.bin").exists());
    assert!(Index::open_dir(&dir).is_ok());
}

const VOCAB: &[&str] = &[
    "model",
    "quantization",
    "pruning",
    "lora",
    "scaling",
    "laws",
    "diffusion",
    "transformer",
    "calibration",
    "loss",
    "pre-training",
    "sub-1-bit",
    "1.7B",
    "PINNs",
    "LLMs",
    "neural",
    "network",
    "graph",
    "attention",
    "sparse",
];

#[test]
fn author_names_keep_words_that_are_stop_words_elsewhere() {
    // Found by the round-trip property: an author "Not" was dropped from the name index.
    let paper = |id: &str, author: &str| Paper {
        authors: vec![author.into()],
        ..common::paper(id, "Quantization of transformers", "We quantize.")
    };
    let papers = vec![paper("a", "Binh An"), paper("b", "Wei Zhang")];
    let built = build_index(&papers, &BuildOptions::default(), &mut |_, _| {});
    let get = |e: &papersift::engine::index::manifest::FileEntry| {
        Ok(built.files.iter().find(|(_, n, _)| *n == e.name).unwrap().2.clone())
    };
    let engine = Engine::new(Index::load(built.manifest.to_json().as_bytes(), get).unwrap());
    let mut req = Request::new("author:an");
    req.as_you_type = false;
    let hits: Vec<u32> = engine.search(&req).hits.iter().map(|h| h.doc).collect();
    assert_eq!(hits, vec![0], "`author:an` finds Binh An only");
    // Outside an author scope "an" stays a stop word.
    let r = engine.search(&Request::new("an quantization"));
    assert_eq!(r.total, 2);
}

#[test]
fn phrases_match_in_papers_with_escaped_frequencies() {
    // A word more than 31 times in an abstract (or 3 in a title) takes the long frequency code,
    // which the phrase search reads on a slower path; both paths must agree with the text.
    let many = "graph ".repeat(40);
    let papers = vec![
        common::paper("a", "Graph graph graph graph", &format!("{many} and then graph neural networks.")),
        common::paper("b", "Neural graph", &format!("{many} networks neural graph.")),
        common::paper("c", "Graph neural networks", "A survey."),
    ];
    let built = build_index(&papers, &BuildOptions::default(), &mut |_, _| {});
    let get = |e: &papersift::engine::index::manifest::FileEntry| {
        Ok(built.files.iter().find(|(_, n, _)| *n == e.name).unwrap().2.clone())
    };
    let mut index = Index::load(built.manifest.to_json().as_bytes(), get).unwrap();
    index.attach_positions(built.bytes(FileKind::Positions).unwrap().to_vec()).unwrap();
    let engine = Engine::new(index);
    let docs = |q: &str| {
        let mut req = Request::new(q);
        req.as_you_type = false;
        let mut d: Vec<u32> = engine.search(&req).hits.iter().map(|h| h.doc).collect();
        d.sort_unstable();
        d
    };
    assert_eq!(docs("\"graph neural networks\""), vec![0, 2]);
    assert_eq!(docs("\"neural graph\""), vec![1]);
    assert_eq!(docs("\"graph graph graph graph\""), vec![0, 1]);
}

fn paper_strategy() -> impl Strategy<Value = Paper> {
    (
        proptest::collection::vec(0..VOCAB.len(), 1..6),
        proptest::collection::vec(0..VOCAB.len(), 1..40),
        proptest::collection::vec("[A-Z][a-z]{2,6}", 0..3),
    )
        .prop_map(|(t, a, authors)| Paper {
            id: String::new(),
            title: t.iter().map(|&i| VOCAB[i]).collect::<Vec<_>>().join(" "),
            abstract_text: a.iter().map(|&i| VOCAB[i]).collect::<Vec<_>>().join(" "),
            authors,
            categories: vec![],
            date: None,
            listed: None,
            url: None,
            links: vec![],
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Every (term, paper, field) that went in is found through the FST and the postings with
    /// the right frequency, and every paper comes back from the document store unchanged.
    #[test]
    fn index_lookup_round_trip(mut papers in proptest::collection::vec(paper_strategy(), 1..30)) {
        for (i, p) in papers.iter_mut().enumerate() {
            p.id = format!("p{i}");
        }
        let built = build_index(&papers, &BuildOptions::default(), &mut |_, _| {});
        let get = |e: &papersift::engine::index::manifest::FileEntry| {
            Ok(built.files.iter().find(|(_, n, _)| *n == e.name).unwrap().2.clone())
        };
        let mut index = Index::load(built.manifest.to_json().as_bytes(), get).unwrap();
        index.attach_positions(built.bytes(FileKind::Positions).unwrap().to_vec()).unwrap();
        let analyzer = Analyzer::new();
        let n = index.len();
        for (doc, p) in papers.iter().enumerate() {
            prop_assert_eq!(&index.docs.get(doc as u32).unwrap(), p);
            for (field, text) in [(0usize, &p.title), (1, &p.abstract_text)] {
                let mut expected: BTreeMap<String, u16> = BTreeMap::new();
                for t in analyzer.analyze(text) {
                    *expected.entry(t.term).or_default() += 1;
                }
                for (term, tf) in expected {
                    let ord = index.term_ordinal(&term).expect("every indexed term is in the FST");
                    let postings = index.postings.postings(ord, n).unwrap();
                    let hit = postings.iter().find(|x| x.doc == doc as u32).expect("the paper is in the term's postings");
                    prop_assert_eq!(hit.tf[field], tf, "term {} field {}", term, field);
                }
            }
            for author in &p.authors {
                let name = papersift::engine::text::normalize(author);
                let ord = index.name_ordinal(&name).expect("every author token is in the name FST");
                let postings = index.name_postings.postings(ord, n).unwrap();
                prop_assert!(postings.iter().any(|x| x.doc == doc as u32));
            }
        }
    }
}

/// Postings spilled to disk in many small runs and merged back give the very files of a build
/// that keeps them in memory, whatever the layout; and the runs are gone afterwards.
#[test]
fn builds_that_spill_postings_to_disk_are_byte_identical() {
    let corpus = common::read(&[common::seed_dir(), common::root().join("tests/fixtures/tiny-corpus.jsonl")]);
    let scratch = common::temp_dir("spill-runs");
    for layout in [Layout::Bundle, Layout::Sharded(8)] {
        let base = BuildOptions { layout, shard_bytes: Some(1 << 10), ..BuildOptions::default() };
        let kept = build_index(&corpus.papers, &base, &mut |_, _| {});
        for budget in [1, 2 << 10, 64 << 10] {
            let dir = scratch.join(format!("runs-{budget}"));
            let spill = Some(papersift::engine::index::build::SpillOptions { dir: dir.clone(), budget });
            let spilled = build_index(&corpus.papers, &BuildOptions { spill, ..base.clone() }, &mut |_, _| {});
            assert_eq!(spilled.manifest, kept.manifest, "{layout:?}, budget {budget}");
            assert_eq!(spilled.files, kept.files, "{layout:?}, budget {budget}");
            assert!(!dir.exists(), "the runs are removed");
        }
    }
}

/// Writing files as they are made gives the same folder as building in memory and writing.
#[test]
fn a_build_written_as_it_goes_matches_one_written_at_the_end() {
    let corpus = common::read(&[common::seed_dir()]);
    let options = BuildOptions { layout: Layout::Sharded(8), shard_bytes: Some(1 << 10), ..BuildOptions::default() };
    let (a, b) = (common::temp_dir("write-at-end"), common::temp_dir("write-as-it-goes"));
    let built = build_index(&corpus.papers, &options, &mut |_, _| {});
    write_index(&a, &built).unwrap();
    // A file of an earlier build in the folder is removed, as write_index removes it.
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(b.join("docs.0123456789abcdef.bin"), b"stale").unwrap();
    let manifest =
        papersift::engine::index::build::build_index_into(&b, &corpus.papers, &options, &mut |_, _| {}).unwrap();
    assert_eq!(manifest, built.manifest);
    let listing = |d: &std::path::Path| {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| (e.file_name().into_string().unwrap(), std::fs::read(e.path()).unwrap()))
            .collect();
        files.sort();
        files
    };
    assert_eq!(listing(&a), listing(&b));
}

/// A build fed one paper at a time (as the CLI streams its input) writes the very folder a
/// build over all the papers writes, topics included; one whose reading fails leaves the
/// folder's index as it was, without its own files.
#[test]
fn a_streamed_build_matches_and_a_failed_one_leaves_the_folder_as_it_was() {
    use papersift::engine::index::build::build_streaming_into;
    let corpus = common::read(&[common::seed_dir()]);
    let options = BuildOptions {
        layout: Layout::Sharded(8),
        shard_bytes: Some(1 << 10),
        topics: Some(TopicOptions::default()),
        ..BuildOptions::default()
    };
    let (whole, streamed) = (common::temp_dir("build-whole"), common::temp_dir("build-streamed"));
    write_index(&whole, &build_index(&corpus.papers, &options, &mut |_, _| {})).unwrap();
    let manifest = build_streaming_into(&streamed, &options, |add| {
        corpus.papers.iter().cloned().for_each(add);
        Ok::<(), String>(())
    })
    .unwrap()
    .unwrap();
    let listing = |d: &std::path::Path| {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| (e.file_name().into_string().unwrap(), std::fs::read(e.path()).unwrap()))
            .collect();
        files.sort();
        files
    };
    assert_eq!(listing(&whole), listing(&streamed));
    assert!(manifest.file(FileKind::TopicSummary).is_some());

    // Half the papers, then a reading error: the earlier index stays, nothing of the new one.
    let before = listing(&streamed);
    let other = BuildOptions { title: "another".into(), ..options.clone() };
    let failed = build_streaming_into(&streamed, &other, |add| {
        corpus.papers.iter().take(40).cloned().for_each(add);
        Err("input.jsonl:41: not JSON".to_string())
    })
    .unwrap();
    assert_eq!(failed.unwrap_err(), "input.jsonl:41: not JSON");
    assert_eq!(listing(&streamed), before);
}
