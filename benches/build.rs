//! Build throughput (papers per second): reading and indexing the seed, the 200-paper sample
//! and the first 10,000 papers of the arXiv corpus (when `../shared/corpora` is present), and
//! computing their topic models.
//!
//! `cargo bench --bench build`; criterion prints time per build and papers/s.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use papersift::engine::corpus::{read_inputs, CorpusBuilder, Paper, ReadOptions, SourceFormat};
use papersift::engine::index::{build_index, BuildOptions};
use papersift::engine::topics::{self, vectors::default_threads, TopicOptions};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The first `n` papers of the arXiv corpus, if the shared folder is beside the project.
fn arxiv_prefix(n: usize) -> Option<Vec<Paper>> {
    let path = root().join("../shared/corpora/arxiv_cs_daily_2025-03_2026-07.jsonl.gz");
    let file = std::fs::File::open(path).ok()?;
    let text = std::io::read_to_string(flate2::read::GzDecoder::new(file)).ok()?;
    let head: String = text.lines().take(n).flat_map(|l| [l, "\n"]).collect();
    let mut builder = CorpusBuilder::new(ReadOptions::default());
    builder.read("arxiv", SourceFormat::JsonLines, head.as_bytes()).ok()?;
    builder.finish().ok().map(|c| c.papers)
}

fn corpora() -> Vec<(&'static str, Vec<Paper>)> {
    let mut out = Vec::new();
    let seed = read_inputs(&[root().join("seeds")], ReadOptions::default(), &mut |_, _| {}).expect("seed reads");
    out.push(("seed-82", seed.papers));
    if let Ok(sample) =
        read_inputs(&[root().join("../shared/corpora/sample.jsonl")], ReadOptions::default(), &mut |_, _| {})
    {
        out.push(("sample-200", sample.papers));
    }
    match arxiv_prefix(10_000) {
        Some(p) => out.push(("arxiv-10k", p)),
        None => eprintln!("../shared/corpora not found: the arxiv-10k case is skipped"),
    }
    out
}

fn bench_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    for (name, papers) in corpora() {
        group.throughput(Throughput::Elements(papers.len() as u64));
        group.bench_with_input(BenchmarkId::new("index", name), &papers, |b, papers| {
            b.iter(|| build_index(papers, &BuildOptions::default(), &mut |_, _| {}))
        });
        // The topic model alone (keyphrases, neighbours, clusters, labels, layout), on every
        // core the machine has, as the CLI runs it.
        let options = TopicOptions { threads: default_threads(), ..TopicOptions::default() };
        group.bench_with_input(BenchmarkId::new("topics", name), &papers, |b, papers| {
            b.iter(|| topics::compute(papers, &options))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("read");
    group.sample_size(10);
    let seed = root().join("seeds");
    group.throughput(Throughput::Elements(82));
    group.bench_function("seed-listing", |b| {
        b.iter(|| read_inputs(std::slice::from_ref(&seed), ReadOptions::default(), &mut |_, _| {}).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench_build);
criterion_main!(benches);
