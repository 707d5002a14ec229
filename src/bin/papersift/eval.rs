//! `papersift eval`: relevance on SciFact (nDCG@10, recall@100), external runs scored with the
//! same code, and a parameter search on the train split.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context, Result};
use papersift::engine::corpus::{read_inputs, ReadOptions};
use papersift::engine::eval::{parse_qrels, score_runs, Qrels};
use papersift::engine::index::{build_index, BuildOptions};
use papersift::engine::search::{Bm25f, Engine, Request};

/// A query of the collection.
pub struct EvalQuery {
    pub id: String,
    pub text: String,
}

fn read_gz_or_plain(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut s = String::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_string(&mut s)
            .with_context(|| format!("decompressing {}", path.display()))?;
        Ok(s)
    } else {
        String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", path.display()))
    }
}

/// Loads the collection in `dir` (BEIR layout as in ../shared/corpora/scifact).
pub struct Collection {
    pub engine: Engine,
    pub queries: Vec<EvalQuery>,
    pub qrels: HashMap<String, Qrels>,
}

pub fn load(dir: &Path) -> Result<Collection> {
    let corpus_path = dir.join("corpus.jsonl.gz");
    let corpus = read_inputs(std::slice::from_ref(&corpus_path), ReadOptions::default(), &mut |_, _| {})
        .with_context(|| format!("reading {}", corpus_path.display()))?;
    let built = build_index(&corpus.papers, &BuildOptions::default(), &mut |_, _| {});
    let engine = Engine::new(built.open()?);

    let mut queries = Vec::new();
    for (i, line) in read_gz_or_plain(&dir.join("queries.jsonl.gz"))?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line).with_context(|| format!("queries line {}", i + 1))?;
        let id = v["_id"].as_str().map(str::to_string).or_else(|| v["_id"].as_u64().map(|n| n.to_string()));
        let (Some(id), Some(text)) = (id, v["text"].as_str()) else {
            bail!("queries line {}: needs _id and text", i + 1)
        };
        queries.push(EvalQuery { id, text: text.to_string() });
    }
    let mut qrels = HashMap::new();
    for split in ["train", "test"] {
        let text = read_gz_or_plain(&dir.join(format!("qrels_{split}.tsv.gz")))?;
        qrels.insert(split.to_string(), parse_qrels(&text).map_err(anyhow::Error::msg)?);
    }
    Ok(Collection { engine, queries, qrels })
}

/// Rankings (top 100 ids) for the judged queries of `qrels`.
pub fn run(engine: &Engine, queries: &[EvalQuery], qrels: &Qrels, typos: bool) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    for q in queries.iter().filter(|q| qrels.contains_key(&q.id)) {
        let mut req = Request::new(&q.text);
        req.as_you_type = false;
        req.typos = typos;
        req.limit = 100;
        req.facets = false;
        let results = engine.search(&req);
        let ids = results.hits.iter().filter_map(|h| engine.index.docs.get(h.doc).ok()).map(|p| p.id).collect();
        out.insert(q.id.clone(), ids);
    }
    out
}

/// Settings explored by `--tune`.
#[derive(Debug, Clone, Copy)]
struct Setting {
    params: Bm25f,
    coordination: f32,
    tier: usize,
}

pub fn main(
    dir: &Path,
    split: &str,
    runs: &[std::path::PathBuf],
    tune: bool,
    cv: bool,
    write_run: Option<&Path>,
) -> Result<()> {
    let mut c = load(dir).with_context(|| {
        format!(
            "loading the collection in {} (expects corpus.jsonl.gz, queries.jsonl.gz, qrels_*.tsv.gz)",
            dir.display()
        )
    })?;
    let Some(qrels) = c.qrels.get(split).cloned() else { bail!("unknown split `{split}` (train or test)") };
    if tune {
        return tune_on_train(&mut c);
    }
    if cv {
        return cross_validate(&mut c);
    }
    let p = c.engine.params();
    println!(
        "SciFact {split}: {} judged queries, {} papers; BM25F k1={} weights(title,abstract)=({}, {}) b=({}, {}) full-match tier up to {} words",
        qrels.len(),
        c.engine.index.len(),
        p.k1,
        p.weight[0],
        p.weight[1],
        p.b[0],
        p.b[1],
        c.engine.full_match_tier_max_groups
    );
    println!("{:<34} {:>9} {:>11}", "system", "nDCG@10", "recall@100");
    for (name, typos) in [("papersift (default: typo-tolerant)", true), ("papersift --exact", false)] {
        let r = run(&c.engine, &c.queries, &qrels, typos);
        let (ndcg, recall, _) = score_runs(&r, &qrels);
        println!("{name:<34} {ndcg:>9.4} {recall:>11.4}");
        if typos {
            if let Some(path) = write_run {
                std::fs::write(path, serde_json::to_string(&r)?)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
        }
    }
    for path in runs {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading run {}", path.display()))?;
        let r: HashMap<String, Vec<String>> = serde_json::from_str(&text)
            .with_context(|| format!("{}: expected {{\"query id\": [\"doc id\", …]}}", path.display()))?;
        let (ndcg, recall, _) = score_runs(&r, &qrels);
        let name = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        println!("{name:<34} {ndcg:>9.4} {recall:>11.4}");
    }
    Ok(())
}

fn show(s: &Setting) -> String {
    format!(
        "k1={:.2} w_title={:.2} b_title={:.2} b_abstract={:.2} coordination={:.2} tier<={}",
        s.params.k1,
        s.params.weight[0],
        s.params.b[0],
        s.params.b[1],
        s.coordination,
        if s.tier == usize::MAX { "all".to_string() } else { s.tier.to_string() }
    )
}

fn evaluate(c: &mut Collection, s: &Setting, judged: &Qrels) -> (f64, f64) {
    c.engine.set_params(s.params);
    c.engine.coordination = s.coordination;
    c.engine.full_match_tier_max_groups = s.tier;
    let r = run(&c.engine, &c.queries, judged, true);
    let (ndcg, recall, _) = score_runs(&r, judged);
    (ndcg, recall)
}

/// Coordinate ascent on `judged`: from `start`, each parameter in turn moves by its step while
/// nDCG@10 improves; steps halve when a round changes nothing, down to their floor.
fn ascend(c: &mut Collection, start: Setting, judged: &Qrels, verbose: bool) -> (Setting, f64, f64, usize) {
    let mut best = start;
    let (mut best_ndcg, mut best_recall) = evaluate(c, &best, judged);
    let mut steps = [0.4f32, 1.0, 0.2, 0.1, 0.5];
    let floors = [0.1f32, 0.25, 0.05, 0.025, 0.125];
    let bounds = [(0.2f32, 4.0f32), (0.5, 8.0), (0.0, 1.0), (0.0, 1.0), (0.0, 3.0)];
    let get = |s: &Setting, i: usize| match i {
        0 => s.params.k1,
        1 => s.params.weight[0],
        2 => s.params.b[0],
        3 => s.params.b[1],
        _ => s.coordination,
    };
    let set = |s: &mut Setting, i: usize, v: f32| match i {
        0 => s.params.k1 = v,
        1 => s.params.weight[0] = v,
        2 => s.params.b[0] = v,
        3 => s.params.b[1] = v,
        _ => s.coordination = v,
    };
    let mut evaluations = 1;
    loop {
        let mut candidates = Vec::new();
        for i in 0..steps.len() {
            for dir in [1.0f32, -1.0] {
                let v = get(&best, i) + dir * steps[i];
                if v >= bounds[i].0 && v <= bounds[i].1 {
                    let mut cand = best;
                    set(&mut cand, i, v);
                    candidates.push(cand);
                }
            }
        }
        for tier in [0usize, 3, usize::MAX] {
            if tier != best.tier {
                candidates.push(Setting { tier, ..best });
            }
        }
        let mut improved = false;
        for cand in candidates {
            let (ndcg, recall) = evaluate(c, &cand, judged);
            evaluations += 1;
            if ndcg > best_ndcg + 1e-5 {
                (best, best_ndcg, best_recall, improved) = (cand, ndcg, recall, true);
                if verbose {
                    println!("  {best_ndcg:.4} {best_recall:.4}  {}", show(&best));
                }
            }
        }
        if !improved {
            if steps.iter().zip(floors).all(|(s, f)| *s <= f) {
                break;
            }
            for (s, f) in steps.iter_mut().zip(floors) {
                *s = (*s / 2.0).max(f);
            }
        }
    }
    (best, best_ndcg, best_recall, evaluations)
}

fn current(c: &Collection) -> Setting {
    Setting {
        params: c.engine.params(),
        coordination: c.engine.coordination,
        tier: c.engine.full_match_tier_max_groups,
    }
}

/// Tunes on the whole train split from the current defaults and prints the best setting.
fn tune_on_train(c: &mut Collection) -> Result<()> {
    let train = c.qrels["train"].clone();
    let start = current(c);
    let (ndcg, recall) = evaluate(c, &start, &train);
    println!(
        "tuning on SciFact train ({} queries); start {ndcg:.4} nDCG@10, {recall:.4} R@100: {}",
        train.len(),
        show(&start)
    );
    let (best, ndcg, recall, evaluations) = ascend(c, start, &train, true);
    println!("best after {evaluations} evaluations: {ndcg:.4} nDCG@10, {recall:.4} R@100 on train: {}", show(&best));
    Ok(())
}

/// Five-fold cross-validation of the tuning itself, inside the train split: tune on four fifths,
/// score the held-out fifth, against the untuned defaults on the same fifth. Tells whether
/// tuning generalises or only fits noise, without touching the test split.
fn cross_validate(c: &mut Collection) -> Result<()> {
    let train = c.qrels["train"].clone();
    let mut ids: Vec<&String> = train.keys().collect();
    ids.sort_by_key(|id| xxhash_rust::xxh3::xxh3_64(id.as_bytes()));
    let start = current(c);
    let (mut sum_default, mut sum_tuned) = (0.0, 0.0);
    println!("5-fold cross-validation of tuning within SciFact train ({} queries)", train.len());
    for fold in 0..5 {
        let (held, rest): (Qrels, Qrels) = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (i % 5 == fold, ((*id).clone(), train[*id].clone())))
            .fold((Qrels::new(), Qrels::new()), |(mut h, mut r), (is_held, (k, v))| {
                if is_held {
                    h.insert(k, v);
                } else {
                    r.insert(k, v);
                }
                (h, r)
            });
        let (default_ndcg, _) = evaluate(c, &start, &held);
        let (tuned, _, _, _) = ascend(c, start, &rest, false);
        let (tuned_ndcg, _) = evaluate(c, &tuned, &held);
        println!(
            "  fold {fold}: held-out nDCG@10 defaults {default_ndcg:.4}, tuned {tuned_ndcg:.4} ({})",
            show(&tuned)
        );
        sum_default += default_ndcg;
        sum_tuned += tuned_ndcg;
    }
    println!("mean held-out nDCG@10: defaults {:.4}, tuned {:.4}", sum_default / 5.0, sum_tuned / 5.0);
    Ok(())
}
