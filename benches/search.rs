//! Query latency per query class, natively, over the seed and the full arXiv corpus (when
//! `../shared/corpora` is beside the project). The classes follow
//! `../shared/bench/peers/queries.txt` (the peers' query set), plus filtered searches. Each
//! search is what the search box runs: the last word as a prefix, typo tolerance, facet
//! counts over the whole result set, top 20.
//!
//! `cargo bench --bench search`; criterion reports the time per query of each class.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use papersift::engine::corpus::{read_inputs, LinkKind, ReadOptions};
use papersift::engine::index::format::FileKind;
use papersift::engine::index::{build_index, BuildOptions, Index};
use papersift::engine::search::{Engine, Filters, Request};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds an engine over `inputs` in memory.
fn engine(inputs: &[PathBuf]) -> Option<Engine> {
    let corpus = read_inputs(inputs, ReadOptions::default(), &mut |_, _| {}).ok()?;
    let built = build_index(&corpus.papers, &BuildOptions::default(), &mut |_, _| {});
    let get = |e: &papersift::engine::index::manifest::FileEntry| {
        Ok(built.files.iter().find(|(_, n, _)| *n == e.name).map(|f| f.2.clone()).unwrap_or_default())
    };
    let mut index = Index::load(built.manifest.to_json().as_bytes(), get).ok()?;
    index.attach_positions(built.bytes(FileKind::Positions)?.to_vec()).ok()?;
    index.attach_authors(built.bytes(FileKind::Authors)?.to_vec()).ok()?;
    Some(Engine::new(index))
}

/// The peers' query set by class (its `# …` comment lines name the classes).
fn classes() -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(root().join("../shared/bench/peers/queries.txt")).unwrap_or_else(|_| {
        "# single\nquantization\n# multi-word\nscaling laws\n# prefix\nquan\n# typos\nquantizaton\n# phrases\n\"scaling laws\"\n".into()
    });
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("# ") {
            if !name.starts_with("Kinds") && !name.starts_with("Fixed") && !name.starts_with("The same") {
                out.push((name.split(&[',', '('][..]).next().unwrap_or(name).trim().replace(' ', "-"), Vec::new()));
            }
        } else if !line.trim().is_empty() && !line.starts_with('#') {
            if let Some(last) = out.last_mut() {
                last.1.push(line.trim().to_string());
            }
        }
    }
    out
}

fn run(engine: &Engine, query: &str, filters: &Filters) -> usize {
    let mut req = Request::new(query);
    req.limit = 20;
    req.filters = filters.clone();
    engine.search(&req).total
}

fn bench_corpus(c: &mut Criterion, name: &str, engine: &Engine) {
    let mut group = c.benchmark_group(format!("search/{name}"));
    group.sample_size(20);
    let none = Filters::default();
    for (class, queries) in classes() {
        group.throughput(Throughput::Elements(queries.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(&class), &queries, |b, qs| {
            b.iter(|| qs.iter().map(|q| run(engine, q, &none)).sum::<usize>())
        });
    }
    // Filtered: frequent and topical words within one category and with code links.
    let has_code = Filters { links: vec![LinkKind::Code], ..Filters::default() };
    let category = Filters { categories: vec!["cs.CV".into()], ..Filters::default() };
    let queries: Vec<String> = ["model", "quantization", "scaling laws", "diffusion"].map(String::from).to_vec();
    group.throughput(Throughput::Elements(2 * queries.len() as u64));
    group.bench_with_input(BenchmarkId::from_parameter("filtered"), &queries, |b, qs| {
        b.iter(|| qs.iter().map(|q| run(engine, q, &has_code) + run(engine, q, &category)).sum::<usize>())
    });
    group.finish();
}

/// The app's work per keystroke besides the search: highlighting the 20 shown results.
fn bench_highlight(c: &mut Criterion, engine: &Engine) {
    let mut req = Request::new("quantization of large language models");
    req.limit = 20;
    let r = engine.search(&req);
    let papers: Vec<_> = r.hits.iter().map(|h| engine.index.docs.get(h.doc).unwrap()).collect();
    c.bench_function("highlight/seed-20-results", |b| {
        b.iter(|| {
            let mut h = engine.highlighter(&r.matched);
            papers
                .iter()
                .map(|p| h.mark(&p.title).ranges.len() + h.snippet(&p.abstract_text).ranges.len())
                .sum::<usize>()
        })
    });
}

fn bench_search(c: &mut Criterion) {
    let seed = engine(&[root().join("seeds")]).expect("the seed builds");
    bench_highlight(c, &seed);
    bench_corpus(c, "seed", &seed);
    match engine(&[root().join("../shared/corpora/arxiv_cs_daily_2025-03_2026-07.jsonl.gz")]) {
        Some(arxiv) => bench_corpus(c, "arxiv-75k", &arxiv),
        None => eprintln!("../shared/corpora not found: the 75k-paper cases are skipped"),
    }
}

criterion_group!(benches, bench_search);
criterion_main!(benches);
