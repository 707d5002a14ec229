//! Browser unit tests (wasm32, headless Chromium): the engine behaves in wasm as it does
//! natively, and the small components render safely. Run with
//! `cargo test --target wasm32-unknown-unknown --test wasm`.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use papersift::engine::corpus::{CorpusBuilder, Link, LinkKind, ReadOptions, SourceFormat};
use papersift::engine::index::{build_index, BuildOptions};
use papersift::engine::search::{Engine, Marked, Request};
use papersift::ui::components::link_badges::LinkBadges;
use papersift::ui::components::marked_text::MarkedText;
use papersift::viewstate::ViewState;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SEED: &str = include_str!("../seeds/000_20ba33cf11c61712.txt");

fn seed_engine() -> Engine {
    let mut b = CorpusBuilder::new(ReadOptions::default());
    b.read("seed", SourceFormat::Listing, SEED.as_bytes()).unwrap();
    let papers = b.finish().unwrap().papers;
    let built = build_index(&papers, &BuildOptions::default(), &mut |_, _| {});
    // As the app does once they arrive: phrases need positions.
    Engine::new(built.open().unwrap())
}

fn top_ids(engine: &Engine, q: &str, n: usize) -> Vec<String> {
    let mut req = Request::new(q);
    req.limit = n;
    engine.search(&req).hits.iter().map(|h| engine.index.docs.get(h.doc).unwrap().id).collect()
}

#[wasm_bindgen_test]
fn phrases_wait_for_positions() {
    let mut b = CorpusBuilder::new(ReadOptions::default());
    b.read("seed", SourceFormat::Listing, SEED.as_bytes()).unwrap();
    let built = build_index(&b.finish().unwrap().papers, &BuildOptions::default(), &mut |_, _| {});
    let engine = Engine::new(built.load().unwrap());
    let r = engine.search(&Request::new("\"scaling laws\""));
    assert!(r.needs_positions, "the app is told to fetch positions");
    assert_eq!(r.total, 0);
}

#[wasm_bindgen_test]
fn the_engine_ranks_in_wasm_as_natively() {
    let engine = seed_engine();
    assert_eq!(engine.index.len(), 82);
    // The same expectations as the native search cases (tests/search_cases.json).
    assert_eq!(
        top_ids(&engine, "sub-1-bit", 1),
        vec!["qmoe-practical-sub-1-bit-compression-of-trillion-parameter-models"]
    );
    assert_eq!(top_ids(&engine, "1.7B", 1), vec!["experience-of-training-a-1-7b-parameter-llama-model-from-scratch"]);
    assert_eq!(
        top_ids(&engine, "\"neural machine translation\"", 5),
        vec!["scaling-laws-for-neural-machine-translation"]
    );
    let typo = top_ids(&engine, "quantizaton", 2);
    assert!(typo.contains(&"eq-net-elastic-quantization-neural-networks".to_string()), "{typo:?}");
}

fn mount<F, V>(f: F) -> web_sys::HtmlElement
where
    F: FnOnce() -> V + 'static,
    V: IntoView + 'static,
{
    let doc = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = doc.create_element("div").unwrap().dyn_into().unwrap();
    doc.body().unwrap().append_child(&host).unwrap();
    let handle = mount_to(host.clone(), f);
    std::mem::forget(handle);
    host
}

#[wasm_bindgen_test]
fn marked_text_escapes_and_marks() {
    let text = "<img src=x onerror=alert(1)> model";
    let start = text.find("model").unwrap();
    let host =
        mount(move || view! { <MarkedText marked=Marked { text: text.into(), ranges: vec![(start, start + 5)] }/> });
    assert_eq!(host.query_selector_all("img").unwrap().length(), 0, "no element from the text");
    assert_eq!(host.query_selector("mark").unwrap().unwrap().text_content().unwrap(), "model");
    assert!(host.text_content().unwrap().starts_with("<img src=x"));
}

#[wasm_bindgen_test]
fn only_http_links_become_links() {
    let links = vec![
        Link { kind: LinkKind::Code, url: "https://github.com/a/b".into() },
        Link { kind: LinkKind::Page, url: "javascript:alert(1)".into() },
        Link { kind: LinkKind::Dataset, url: "data:text/html,x".into() },
    ];
    let host = mount(move || view! { <LinkBadges links=links/> });
    let anchors = host.query_selector_all("a").unwrap();
    assert_eq!(anchors.length(), 1);
    let a: web_sys::Element = anchors.item(0).unwrap().dyn_into().unwrap();
    assert_eq!(a.get_attribute("href").as_deref(), Some("https://github.com/a/b"));
    assert_eq!(a.get_attribute("rel").as_deref(), Some("noopener noreferrer"));
}

#[wasm_bindgen_test]
fn views_round_trip_through_the_address_bar() {
    let view = ViewState { q: "scaling laws \"x\" & é".into(), shown: 40, ..Default::default() };
    papersift::ui::url::write(&view, true);
    assert_eq!(papersift::ui::url::current(), view);
    let before = web_sys::window().unwrap().history().unwrap().length().unwrap();
    papersift::ui::url::write(&ViewState { q: "other".into(), ..Default::default() }, false);
    assert_eq!(web_sys::window().unwrap().history().unwrap().length().unwrap(), before, "replace adds no step");
    assert_eq!(papersift::ui::url::current().q, "other");
}

/// The browser's `String.normalize` backend folds text exactly as the native crate does (the
/// same cases as `tests/text.rs`): an index built natively is searched with browser-folded
/// queries.
#[wasm_bindgen_test]
fn unicode_folding_matches_the_native_cases() {
    let cases: serde_json::Value = serde_json::from_str(include_str!("unicode_cases.json")).unwrap();
    for case in cases["words"].as_array().unwrap() {
        let (input, want) = (case["input"].as_str().unwrap(), case["normalized"].as_str().unwrap());
        assert_eq!(papersift::engine::text::normalize(input), want, "{input:?}: {}", case["why"]);
    }
    for case in cases["slugs"].as_array().unwrap() {
        let (input, want) = (case["input"].as_str().unwrap(), case["slug"].as_str().unwrap());
        assert_eq!(papersift::engine::corpus::slugify(input), want, "{input:?}: {}", case["why"]);
    }
}
