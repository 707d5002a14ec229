//! Argument parsing and the commands.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use papersift::engine::corpus::{read_inputs_into, ReadOptions};
use papersift::engine::index::build::{build_streaming_into, SpillOptions, SPILL_BUDGET};
use papersift::engine::index::format::FileKind;
use papersift::engine::index::{BuildOptions, Index, Layout};
use papersift::engine::search::{Engine, Filters, Request, Sort};
use papersift::engine::topics::TopicOptions;

/// The folder the app serves its index from (Trunk copies `public/` into `dist/`).
pub const DEFAULT_INDEX_DIR: &str = "public/index";
/// The bundled listing.
pub const DEFAULT_INPUT: &str = "seeds";

#[derive(Parser)]
#[command(
    name = "papersift",
    version,
    about = "Build and query papersift indexes: research-paper listings searchable in the browser."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile listings (.txt), JSON Lines (.jsonl, .jsonl.gz) or folders of them into an index.
    Build {
        /// Input files or folders [default: seeds]
        inputs: Vec<PathBuf>,
        /// Output folder (its manifest.json and index files are replaced)
        #[arg(long, default_value = DEFAULT_INDEX_DIR)]
        out: PathBuf,
        /// Build from the valid papers and report the invalid ones instead of stopping
        #[arg(long)]
        skip_invalid: bool,
        /// A title for the collection, shown by the app
        #[arg(long, default_value = "")]
        title: String,
        /// No progress bar
        #[arg(long, short)]
        quiet: bool,
        /// Skip topics, related papers and the map (faster builds)
        #[arg(long)]
        no_topics: bool,
        /// Number of top topics [default: from the corpus size, ~10 at 80 papers, ~25 at 75k]
        #[arg(long)]
        topics: Option<usize>,
        /// Neighbours mixed into each paper's vector before clustering
        #[arg(long, default_value_t = 10, hide = true)]
        smoothing: usize,
        /// Seed for clustering and the map (to see how much topics vary with it)
        #[arg(long, hide = true)]
        topic_seed: Option<u64>,
        /// Papers the topic model is fitted on: a larger corpus is fitted on a sample of this
        /// many and every paper then placed in it, so memory follows the sample
        #[arg(long, default_value_t = papersift::engine::topics::FIT_SAMPLE)]
        topic_sample: usize,
        /// Index layout: `bundle` (whole files, fetched at start-up), `sharded` (the papers in
        /// chunks fetched as they are shown; the dictionary and postings in shards fetched by
        /// the queries that reach them) or `auto` (sharded above 2 MB of papers)
        #[arg(long, value_enum, default_value_t = LayoutArg::Auto)]
        layout: LayoutArg,
        /// Papers per document chunk with `--layout sharded` [default: about 32 KB of papers]
        #[arg(long)]
        docs_per_chunk: Option<u32>,
        /// Target kilobytes per dictionary shard, postings chunk and topic-detail chunk with
        /// `--layout sharded` [default: 40, 64 and 64]
        #[arg(long)]
        shard_kb: Option<usize>,
        /// Megabytes of postings held in memory before they spill to sorted runs in the
        /// temporary folder (TMPDIR), merged at the end [default: 128]
        #[arg(long, hide = true)]
        spill_mb: Option<usize>,
    },
    /// Search an index and print ranked results.
    Search {
        /// Index folder
        dir: PathBuf,
        /// The query (words, "phrases", title: abstract: author: cat:, -exclusions, OR, prefix*)
        #[arg(allow_hyphen_values = true)]
        query: String,
        /// How many results
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print JSON: an array of {"id","title","score"}, best first
        #[arg(long)]
        json: bool,
        /// Exact words only: no prefix completion of the last word, no typo tolerance
        #[arg(long)]
        exact: bool,
        /// Keep papers of these categories (repeatable)
        #[arg(long = "cat")]
        categories: Vec<String>,
        /// Keep papers linking to code
        #[arg(long)]
        has_code: bool,
        /// Result order
        #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
        sort: SortArg,
        /// Run the search this many times and report the median and 95th-percentile time
        /// (with facet counts, as the app runs it)
        #[arg(long, default_value_t = 1)]
        repeat: usize,
    },
    /// Describe an index: counts, field statistics, files and sizes.
    Stats {
        /// Index folder
        dir: PathBuf,
        /// Print the manifest as JSON
        #[arg(long)]
        json: bool,
    },
    /// Relevance on a BEIR-style collection (default: SciFact): nDCG@10 and recall@100.
    Eval {
        /// Folder with corpus.jsonl.gz, queries.jsonl.gz, qrels_train.tsv.gz, qrels_test.tsv.gz
        #[arg(long, default_value = "../shared/corpora/scifact")]
        collection: PathBuf,
        /// Which judgments to score (tune on train, report test)
        #[arg(long, default_value = "test")]
        split: String,
        /// Also score these runs ({"query id": ["doc id", …]}) with the same code
        #[arg(long = "run")]
        runs: Vec<PathBuf>,
        /// Search ranking parameters on the train split and print the best settings
        #[arg(long)]
        tune: bool,
        /// Cross-validate the tuning inside the train split (5 folds)
        #[arg(long)]
        cv: bool,
        /// Write papersift's own run as JSON
        #[arg(long)]
        write_run: Option<PathBuf>,
    },
    /// Export data from an index.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Every paper as JSON Lines in the corpus format (id, title, abstract, authors, …).
    Papers {
        /// Index folder
        dir: PathBuf,
        /// Output file [default: standard output]
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Each paper's primary topic: {"paper id": topic id, …}.
    Topics {
        /// Index folder
        dir: PathBuf,
        /// Output file [default: standard output]
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Use subtopics where a topic has them
        #[arg(long)]
        fine: bool,
    },
    /// Each paper's related papers, best first: {"paper id": ["id", …], …}.
    Related {
        /// Index folder
        dir: PathBuf,
        /// Output file [default: standard output]
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// The topic graph and map: topics (label, keyphrases, size, position), edges, papers.
    Graph {
        /// Index folder
        dir: PathBuf,
        /// Output file [default: standard output]
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

/// `--layout`.
#[derive(Clone, Copy, ValueEnum)]
enum LayoutArg {
    Auto,
    Bundle,
    Sharded,
}

#[derive(Clone, Copy, ValueEnum)]
enum SortArg {
    Relevance,
    Newest,
    Oldest,
    Title,
}

impl From<SortArg> for Sort {
    fn from(s: SortArg) -> Sort {
        match s {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Newest => Sort::Newest,
            SortArg::Oldest => Sort::Oldest,
            SortArg::Title => Sort::Title,
        }
    }
}

/// Entry point: runs the command, prints errors with their causes, returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build {
            inputs,
            out,
            skip_invalid,
            title,
            quiet,
            no_topics,
            topics,
            smoothing,
            topic_seed,
            topic_sample,
            layout,
            docs_per_chunk,
            shard_kb,
            spill_mb,
        } => {
            let topics = (!no_topics).then(|| TopicOptions {
                topics,
                smoothing,
                threads: papersift::engine::topics::vectors::default_threads(),
                seed: topic_seed.unwrap_or(TopicOptions::default().seed),
                fit_sample: topic_sample.max(1),
                ..TopicOptions::default()
            });
            let layout = match layout {
                LayoutArg::Auto => Layout::Auto,
                LayoutArg::Bundle => Layout::Bundle,
                LayoutArg::Sharded => Layout::Sharded(docs_per_chunk.unwrap_or(0)),
            };
            let shard_bytes = shard_kb.map(|kb| kb.max(1) << 10);
            // Scratch runs go to the temporary folder, as sort(1) puts its own: never into the
            // index folder, which a host may be serving.
            let spill = Some(SpillOptions {
                dir: std::env::temp_dir().join(format!("papersift-spill-{}", std::process::id())),
                budget: spill_mb.map_or(SPILL_BUDGET, |mb| mb.max(1) << 20),
            });
            let options = BuildOptions { title, topics, layout, shard_bytes, spill, ..Default::default() };
            build(inputs, &out, skip_invalid, options, quiet)
        }
        Command::Search { dir, query, limit, json, exact, categories, has_code, sort, repeat } => {
            let filters = Filters {
                categories,
                links: if has_code { vec![papersift::engine::corpus::LinkKind::Code] } else { Vec::new() },
                ..Filters::default()
            };
            search(&dir, &query, limit, json, exact, filters, sort.into(), repeat)
        }
        Command::Stats { dir, json } => stats(&dir, json),
        Command::Eval { collection, split, runs, tune, cv, write_run } => {
            crate::eval::main(&collection, &split, &runs, tune, cv, write_run.as_deref())
        }
        Command::Export { what: ExportCommand::Papers { dir, out } } => export_papers(&dir, out.as_deref()),
        Command::Export { what: ExportCommand::Topics { dir, out, fine } } => {
            open(&dir).and_then(|i| crate::export::topics(&i, fine, out.as_deref()))
        }
        Command::Export { what: ExportCommand::Related { dir, out } } => {
            open(&dir).and_then(|i| crate::export::related(&i, out.as_deref()))
        }
        Command::Export { what: ExportCommand::Graph { dir, out } } => {
            open(&dir).and_then(|i| crate::export::graph(&i, out.as_deref()))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

/// The process's peak resident memory (Linux: `VmHWM`), for the build summary.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
}

fn human_bytes(n: u64) -> String {
    if n >= 10 << 20 {
        format!("{:.1} MB", n as f64 / (1 << 20) as f64)
    } else if n >= 10 << 10 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}

fn build(inputs: Vec<PathBuf>, out: &Path, skip_invalid: bool, build_options: BuildOptions, quiet: bool) -> Result<()> {
    let started = Instant::now();
    let inputs = if inputs.is_empty() { vec![PathBuf::from(DEFAULT_INPUT)] } else { inputs };
    let bar = if quiet { ProgressBar::hidden() } else { ProgressBar::new(0) };
    bar.set_style(
        ProgressStyle::with_template("{prefix:>9} [{bar:30}] {percent:>3}% {msg}")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar.set_prefix("indexing");
    let options = ReadOptions { skip_invalid, ..ReadOptions::default() };
    // Papers go into the index as they are read (the build keeps none of them); the rest of
    // the index, and the topic model, follow once they are all in.
    let mut corpus = None;
    let mut read_time = std::time::Duration::ZERO;
    let built = build_streaming_into(out, &build_options, |add| {
        let read = read_inputs_into(
            &inputs,
            options,
            &mut |done, total| {
                bar.set_length(total.max(1));
                bar.set_position(done);
            },
            add,
        );
        read_time = started.elapsed();
        bar.set_prefix("writing");
        corpus = Some(read?);
        Ok::<(), papersift::engine::error::Error>(())
    })
    .with_context(|| format!("writing the index to {}", out.display()))?;
    bar.finish_and_clear();
    let manifest = built.with_context(|| {
        format!("reading {}", inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))
    })?;
    let corpus = corpus.expect("a build that succeeds has read its corpus");
    let total = started.elapsed();

    let m = &manifest;
    println!("papersift build: {} papers from {} file(s) -> {}", m.papers, corpus.sources.len(), out.display());
    println!(
        "  terms {}  surface words {}  tokens: title {}  abstract {}  authors {}",
        m.terms, m.words, m.fields.title.tokens, m.fields.abstract_.tokens, m.fields.authors.tokens
    );
    let mut sum = 0u64;
    for f in &m.files {
        println!("  {:<10} {:>10}  {}", f.role, human_bytes(f.bytes), f.name);
        sum += f.bytes;
    }
    println!("  {:<10} {:>10}", "total", human_bytes(sum));
    println!(
        "  time {:.2} s (read and index {:.2} s, the rest {:.2} s){}",
        total.as_secs_f64(),
        read_time.as_secs_f64(),
        (total - read_time).as_secs_f64(),
        peak_memory().map(|b| format!(", peak memory {}", human_bytes(b))).unwrap_or_default()
    );
    for w in &corpus.warnings {
        println!("  warning: {w}");
    }
    if !corpus.skipped.is_empty() {
        println!("  skipped {} invalid record(s):", corpus.skipped.len());
        for e in corpus.skipped.iter().take(50) {
            println!("    {e}");
        }
        if corpus.skipped.len() > 50 {
            println!("    … and {} more", corpus.skipped.len() - 50);
        }
    }
    Ok(())
}

pub fn open(dir: &Path) -> Result<Index> {
    Index::open_dir(dir).with_context(|| format!("opening the index in {}", dir.display()))
}

#[allow(clippy::too_many_arguments)]
fn search(
    dir: &Path,
    query: &str,
    limit: usize,
    json: bool,
    exact: bool,
    filters: Filters,
    sort: Sort,
    repeat: usize,
) -> Result<()> {
    let engine = Engine::new(open(dir)?);
    let mut req = Request::new(query);
    req.limit = limit;
    req.as_you_type = !exact;
    req.typos = !exact;
    req.filters = filters;
    req.sort = sort;
    req.facets = repeat > 1;
    let mut times = Vec::with_capacity(repeat.max(1));
    let mut results = engine.search(&req);
    for _ in 0..repeat.max(1) {
        let started = Instant::now();
        results = engine.search(&req);
        times.push(started.elapsed());
    }
    times.sort();
    let elapsed = times[times.len() / 2];
    if repeat > 1 {
        let p95 = times[(times.len() * 95).div_ceil(100).saturating_sub(1)];
        eprintln!("{repeat} runs: median {:.3} ms, p95 {:.3} ms", elapsed.as_secs_f64() * 1e3, p95.as_secs_f64() * 1e3);
    }
    let mut rows = Vec::new();
    for h in &results.hits {
        let p = engine.index.docs.get(h.doc).context("reading a result from the document store")?;
        rows.push((p, h.score));
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        let arr: Vec<serde_json::Value> = rows
            .iter()
            .map(|(p, score)| serde_json::json!({"id": p.id, "title": p.title, "score": (*score * 1e4).round() / 1e4}))
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&arr)?)?;
        return Ok(());
    }
    for n in &results.notices {
        writeln!(out, "note: {n}")?;
    }
    writeln!(out, "{} result(s) in {:.2} ms", results.total, elapsed.as_secs_f64() * 1e3)?;
    for (i, (p, score)) in rows.iter().enumerate() {
        writeln!(out, "{:>3}. {}  [{}]  {:.3}", i + 1, p.title, p.id, score)?;
    }
    if let Some(s) = &results.suggestion {
        writeln!(out, "did you mean: {s}")?;
    }
    Ok(())
}

fn stats(dir: &Path, json: bool) -> Result<()> {
    let index = open(dir)?;
    let m = &index.manifest;
    if json {
        println!("{}", m.to_json().trim_end());
        return Ok(());
    }
    println!("{} ({} format v{})", dir.display(), m.generator, m.format_version);
    if !m.title.is_empty() {
        println!("  title: {}", m.title);
    }
    let n = u64::from(m.papers);
    println!("  papers {}  terms {}  surface words {}  phrase pairs {}", m.papers, m.terms, m.words, index.pairs.len());
    println!(
        "  mean length (tokens): title {:.1}  abstract {:.1}  authors {:.1}",
        m.fields.title.mean_len(n),
        m.fields.abstract_.mean_len(n),
        m.fields.authors.mean_len(n)
    );
    let f = &m.features;
    println!(
        "  has: dates {}  listing dates {}  categories {}  authors {}  code links {}",
        f.dates, f.listed, f.categories, f.authors, f.code
    );
    let mut sum = 0;
    for e in &m.files {
        println!("  {:<10} {:>10}  {}", e.role, human_bytes(e.bytes), e.name);
        sum += e.bytes;
    }
    println!("  {:<10} {:>10}", "total", human_bytes(sum));
    let search_bytes: u64 =
        [FileKind::Terms, FileKind::Postings].iter().filter_map(|&k| m.file(k)).map(|e| e.bytes).sum();
    println!(
        "  search index (terms + postings) {} = {:.0} B/paper",
        human_bytes(search_bytes),
        search_bytes as f64 / n.max(1) as f64
    );
    Ok(())
}

fn export_papers(dir: &Path, out: Option<&Path>) -> Result<()> {
    let index = open(dir)?;
    let mut sink: Box<dyn Write> = match out {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    for doc in 0..index.len() {
        let p = index.docs.get(doc)?;
        serde_json::to_writer(&mut sink, &p.record())?;
        sink.write_all(b"\n")?;
    }
    sink.flush()?;
    Ok(())
}
