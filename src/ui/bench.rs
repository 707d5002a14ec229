//! In-browser measurement hooks, exported to JavaScript (`window.wasmBindings`): the engine's
//! query latency without the DOM, the way `../shared/bench/peers` times its libraries (top 10
//! hits with id and title), so figures compare side by side in the same Chromium.

use wasm_bindgen::prelude::*;

use super::with_engine;
use crate::engine::search::Request;

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Times the work behind one keystroke of the app for `query` (search with facets, top 20,
/// highlighting): returns `[first µs, median µs]` over 20 runs.
#[wasm_bindgen]
pub fn bench_keystroke(query: &str) -> Option<Vec<f64>> {
    let view = crate::viewstate::ViewState { q: query.to_string(), ..Default::default() };
    let t = now();
    super::model::results(&view)?;
    let first = now() - t;
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = now();
        super::model::results(&view);
        times.push(now() - t);
    }
    times.sort_unstable_by(f64::total_cmp);
    // Parts: the search alone, then reading the 20 papers, then highlighting them.
    let parts = with_engine(|engine| {
        let mut req = Request::new(query);
        req.limit = 20;
        let t = now();
        for _ in 0..20 {
            engine.search(&req);
        }
        let search = (now() - t) / 20.0;
        let r = engine.search(&req);
        let t = now();
        let mut papers = Vec::new();
        for _ in 0..20 {
            papers = r.hits.iter().filter_map(|h| engine.index.docs.get(h.doc).ok()).collect();
        }
        let read = (now() - t) / 20.0;
        let t = now();
        for _ in 0..20 {
            let mut h = engine.highlighter(&r.matched);
            for p in &papers {
                h.mark(&p.title);
                h.snippet(&p.abstract_text);
            }
        }
        let highlight = (now() - t) / 20.0;
        (search, read, highlight)
    })?;
    Some(vec![first * 1000.0, times[10] * 1000.0, parts.0 * 1000.0, parts.1 * 1000.0, parts.2 * 1000.0])
}

/// Whether the index is loaded, positions included (phrase queries need them).
#[wasm_bindgen]
pub fn bench_ready() -> bool {
    with_engine(|e| e.index.positions.is_some()).unwrap_or(false)
}

/// Fetches and attaches everything `query` reads on a sharded index (dictionary shards, list
/// chunks, the facets, the papers of its top 10), as the app does over a few rounds, so the
/// timings after it are of the search alone with its files cached. Resolves to whether the
/// query ended with nothing missing; a bundle needs no round.
#[wasm_bindgen]
pub async fn bench_prepare(query: String) -> bool {
    for _ in 0..8 {
        let missing = with_engine(|engine| {
            engine.index.want_facets();
            let mut req = Request::new(&query);
            req.limit = 10;
            let r = engine.search(&req);
            let mut missing = engine.index.take_missing();
            if missing.is_empty() {
                missing = engine.index.docs.missing(r.hits.iter().map(|h| h.doc));
            }
            missing
        });
        match missing {
            Some(m) if m.is_empty() => return true,
            Some(m) => {
                if super::fetch_chunks(&m).await.is_err() {
                    return false;
                }
            }
            None => return false,
        }
    }
    false
}

/// Times one query: a cold call, two warm-ups, then batches of `k` calls (k so a batch lasts at
/// least 2 ms) up to 15 batches or 1.5 s; returns `[cold µs, median µs per call, hits]`, or
/// nothing when the index is not loaded. `facets` adds the facet counts the UI shows.
#[wasm_bindgen]
pub fn bench_query(query: &str, facets: bool) -> Option<Vec<f64>> {
    with_engine(|engine| {
        let run = || {
            let mut req = Request::new(query);
            req.limit = 10;
            req.facets = facets;
            let r = engine.search(&req);
            // Like the peers: the top 10 with id and title.
            let n = r.hits.iter().filter_map(|h| engine.index.docs.id_and_title(h.doc).ok()).count();
            (r.total, n)
        };
        let t0 = now();
        let (total, _) = run();
        let cold = now() - t0;
        run();
        run();
        let mut k = 1usize;
        loop {
            let t = now();
            for _ in 0..k {
                run();
            }
            if now() - t >= 2.0 || k >= 1 << 16 {
                break;
            }
            k *= 2;
        }
        let budget = now();
        let mut batches = Vec::new();
        while batches.len() < 15 && now() - budget < 1500.0 {
            let t = now();
            for _ in 0..k {
                run();
            }
            batches.push((now() - t) / k as f64);
        }
        batches.sort_unstable_by(f64::total_cmp);
        let median = batches[batches.len() / 2];
        vec![cold * 1000.0, median * 1000.0, total as f64]
    })
}
