//! How much one query word weighs when it reaches several terms: a word and its completions
//! count once per paper (by the best of them), and a word is as common as its commonest use,
//! whether that is in the text or in author names. Each test's corpus makes the word common
//! in the text and gives one paper a rare term the word also reaches.

mod common;

use papersift::engine::corpus::Paper;
use papersift::engine::index::build::write_index;
use papersift::engine::index::{build_index, BuildOptions, Index};
use papersift::engine::search::{Engine, Request};

fn engine(papers: &[Paper], name: &str) -> Engine {
    let built = build_index(papers, &BuildOptions::default(), &mut |_, _| {});
    let dir = common::temp_dir(name);
    write_index(&dir, &built).expect("write index");
    Engine::new(Index::open_dir(&dir).expect("open index"))
}

fn titles(engine: &Engine, req: &Request) -> Vec<String> {
    let results = engine.search(req);
    results.hits.iter().map(|h| engine.index.docs.get(h.doc).expect("paper").title).collect()
}

/// Papers that make "neural" and "model" common words of the corpus.
fn fillers() -> Vec<Paper> {
    let topics = ["speech", "vision", "robots", "proteins", "traffic", "weather", "music", "code", "games", "text"];
    (0..30)
        .map(|i| {
            let topic = topics[i % topics.len()];
            common::paper(
                &format!("f{i}"),
                &format!("A neural model of {topic} number {i}"),
                &format!("We train a neural model on {topic} data and compare it with a simpler model."),
            )
        })
        .collect()
}

#[test]
fn a_completion_does_not_add_to_the_word_it_completes() {
    let mut papers = fillers();
    papers.push(common::paper(
        "gnn1",
        "Graph neural networks for molecules",
        "Message passing over molecular graphs with a graph neural network.",
    ));
    papers.push(common::paper(
        "gnn2",
        "Scalable graph neural networks",
        "Sampling neighbourhoods lets a graph neural network train on large graphs.",
    ));
    // "neural-symbolic" is indexed as "neural", "symbolic" and the rare joined form, which is
    // a completion of "neural": counted on top of "neural", it used to put this paper first.
    papers.push(common::paper(
        "ns",
        "Neural-symbolic reasoning over knowledge graphs",
        "A neural-symbolic reasoner answers queries over knowledge graphs.",
    ));
    let engine = engine(&papers, "rarity-completion");
    let typed = titles(&engine, &Request::new("graph neural"));
    assert!(typed.len() >= 3, "{typed:?}");
    assert!(typed[..2].iter().all(|t| t.contains("Graph neural") || t.contains("graph neural")), "typed: {typed:?}");
    let mut exact = Request::new("graph neural");
    exact.as_you_type = false;
    let exact = titles(&engine, &exact);
    assert_eq!(typed[..3], exact[..3], "typing the last word completely ranks as the finished query does");
}

#[test]
fn a_common_word_that_is_a_rare_surname_ranks_papers_about_the_word_first() {
    let mut papers = fillers();
    let mut by_surname = common::paper(
        "romansh",
        "Language identification for Romansh varieties",
        "An SVM approach distinguishes regional idioms.",
    );
    by_surname.authors = vec!["Charlotte Model".into(), "Sina Ahmadi".into()];
    papers.push(by_surname);
    papers.push(common::paper("merge", "Model merging without data", "Merging fine-tuned weights of one model."));
    let engine = engine(&papers, "rarity-surname");
    for typing in [true, false] {
        let mut req = Request::new("model");
        req.as_you_type = typing;
        req.limit = 40;
        let found = titles(&engine, &req);
        let at =
            found.iter().position(|t| t.starts_with("Language identification")).expect("the author's paper matches");
        // Every paper with the word in its title comes before the one whose author bears it.
        assert_eq!(at, found.len() - 1, "typing {typing}: the surname's paper is at {at}: {found:?}");
        assert_eq!(found.len(), 32, "typing {typing}");
    }
    // Asked for as an author, the name is what counts.
    let found = titles(&engine, &Request::new("author:model"));
    assert_eq!(found.first().map(String::as_str), Some("Language identification for Romansh varieties"));
}

#[test]
fn a_rare_word_that_is_also_a_prefix_does_not_lead_while_it_is_typed() {
    let mut papers = fillers();
    papers.push(common::paper(
        "mod",
        "MOD: diffusion denoising for moving object detection",
        "Moving object detection (MOD) from a diffusion prior.",
    ));
    papers.push(common::paper(
        "dm",
        "Diffusion models for image synthesis",
        "Diffusion models generate images by denoising.",
    ));
    let engine = engine(&papers, "rarity-prefix");
    let typed = titles(&engine, &Request::new("diffusion mod"));
    assert_eq!(typed.first().map(String::as_str), Some("Diffusion models for image synthesis"), "typing: {typed:?}");
    // Finished, "mod" is the word asked for.
    let mut done = Request::new("diffusion mod");
    done.as_you_type = false;
    let done = titles(&engine, &done);
    assert_eq!(done.first().map(String::as_str), Some("MOD: diffusion denoising for moving object detection"));
}
