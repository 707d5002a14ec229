//! The topic model end to end on the bundled seed: papers of one subject share a topic
//! (cases in `topics_seed.json`, each with its reason), the topic filter and facet agree with
//! the model, related papers are sane, and the acronym expansions show in labels.

mod common;

use papersift::engine::index::build::write_index;
use papersift::engine::index::{build_index, BuildOptions, Index};
use papersift::engine::search::{Engine, Filters, Request};
use papersift::engine::topics::TopicOptions;

fn seed_engine(name: &str) -> Engine {
    let corpus = common::read(&[common::seed_dir()]);
    let options = BuildOptions { title: String::new(), topics: Some(TopicOptions::default()), ..Default::default() };
    let dir = common::temp_dir(name);
    write_index(&dir, &build_index(&corpus.papers, &options, &mut |_, _| {})).unwrap();
    Engine::new(Index::open_dir(&dir).unwrap())
}

fn topic_of_title(engine: &Engine, title: &str) -> u32 {
    let model = engine.index.topic_model().unwrap();
    let doc = (0..engine.index.len())
        .find(|&d| engine.index.docs.get(d).unwrap().title == title)
        .unwrap_or_else(|| panic!("no paper titled {title:?}"));
    model.papers[doc as usize].topic
}

#[test]
fn papers_of_one_subject_share_a_topic() {
    let engine = seed_engine("topics-cases");
    let cases: serde_json::Value = serde_json::from_str(include_str!("topics_seed.json")).unwrap();
    for case in cases.as_array().unwrap() {
        let (together, list) = match (case.get("together"), case.get("apart")) {
            (Some(list), None) => (true, list),
            (None, Some(list)) => (false, list),
            _ => panic!("a case lists papers either together or apart: {case}"),
        };
        let titles: Vec<&str> = list.as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
        let topics: Vec<u32> = titles.iter().map(|t| topic_of_title(&engine, t)).collect();
        if together {
            assert!(topics.windows(2).all(|w| w[0] == w[1]), "{} — topics {topics:?} for {titles:?}", case["why"]);
        } else {
            let mut distinct = topics.clone();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(distinct.len(), topics.len(), "{} — topics {topics:?} for {titles:?}", case["why"]);
        }
    }
}

#[test]
fn topic_filter_and_facet_agree_with_the_model() {
    let engine = seed_engine("topics-filter");
    let model = engine.index.topic_model().unwrap();
    let all = engine.search(&Request { limit: 200, ..Request::new("") });
    let facet = all.facets.as_ref().unwrap().topics.clone();
    for t in 0..model.top_count() as u32 {
        let mut req = Request::new("");
        req.filters = Filters { topics: vec![t], ..Filters::default() };
        req.limit = 200;
        let r = engine.search(&req);
        assert_eq!(r.total as u32, model.topics[t as usize].size, "topic {t}");
        assert!(r.hits.iter().all(|h| model.papers[h.doc as usize].topic == t));
        assert_eq!(facet.iter().find(|f| f.0 == t).map(|f| f.1), Some(model.topics[t as usize].size));
    }
}

#[test]
fn related_papers_and_labels_are_sane() {
    let engine = seed_engine("topics-related");
    let model = engine.index.topic_model().unwrap();
    for (d, p) in model.papers.iter().enumerate() {
        assert!(!p.related.is_empty() && p.related.len() <= 8, "paper {d}");
        assert!(p.related.iter().all(|&(o, _)| o as usize != d), "a paper is not its own neighbour");
        // Best first: by similarity, with papers of the paper's own topic ahead on near ties
        // (the same-topic bonus is 0.1; one unit of the stored score is 1/255).
        let rank = |&(o, s): &(u32, u8)| {
            f32::from(s) / 255.0 + if model.papers[o as usize].topic == p.topic { 0.1 } else { 0.0 }
        };
        assert!(p.related.windows(2).all(|w| rank(&w[0]) + 1.0 / 255.0 >= rank(&w[1])), "best first: {:?}", p.related);
    }
    // The Lagrangian PINNs paper's nearest neighbour is another PINN paper.
    let doc = (0..engine.index.len())
        .find(|&d| engine.index.docs.get(d).unwrap().title.starts_with("Lagrangian PINNs"))
        .unwrap();
    let first = model.papers[doc as usize].related[0].0;
    assert!(engine.index.docs.get(first).unwrap().abstract_text.contains("PINN"));
    // Acronyms defined in the text are tied to their expansions.
    assert!(model.phrases.iter().any(|p| p == "physics-informed neural networks (PINN)"), "{:?}", model.phrases);
    assert!(model.phrases.iter().any(|p| p.starts_with("low-rank adaptation (LoRA)")));
    // Every top topic has a label of two or three parts, none of them a generic word.
    for t in 0..model.top_count() as u32 {
        let label = model.label(t);
        let parts: Vec<&str> = label.split(" · ").collect();
        assert!((1..=4).contains(&parts.len()), "{label}");
        assert!(!parts.iter().any(|p| ["model", "learning", "models", "method"].contains(p)), "{label}");
    }
}
