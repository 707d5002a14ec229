//! Retrieval metrics for relevance evaluation (nDCG@k, recall@k) over TREC-style judgments,
//! kept free of I/O so they are tested here and shared by `papersift eval` and the benchmarks.

use std::collections::HashMap;

/// Relevance judgments: query id → (document id → grade).
pub type Qrels = HashMap<String, HashMap<String, u32>>;

/// Parses a qrels TSV (`query-id  corpus-id  score`, header optional).
pub fn parse_qrels(text: &str) -> Result<Qrels, String> {
    let mut out: Qrels = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 || line.trim().is_empty() {
            continue;
        }
        let Ok(grade) = cols[2].trim().parse::<u32>() else {
            if i == 0 {
                continue; // header
            }
            return Err(format!("line {}: score `{}` is not a number", i + 1, cols[2]));
        };
        out.entry(cols[0].trim().to_string()).or_default().insert(cols[1].trim().to_string(), grade);
    }
    Ok(out)
}

/// nDCG@k of a ranking (document ids, best first) with graded judgments (exponential gain,
/// log2 discount, as in trec_eval and BEIR).
pub fn ndcg_at(ranking: &[String], judged: &HashMap<String, u32>, k: usize) -> f64 {
    let gain = |g: u32| (2f64.powi(g as i32)) - 1.0;
    let dcg: f64 = ranking
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, d)| judged.get(d).map_or(0.0, |&g| gain(g) / ((i + 2) as f64).log2()))
        .sum();
    let mut ideal: Vec<u32> = judged.values().copied().filter(|&g| g > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal.iter().take(k).enumerate().map(|(i, &g)| gain(g) / ((i + 2) as f64).log2()).sum();
    if idcg == 0.0 {
        0.0
    } else {
        dcg / idcg
    }
}

/// Recall@k: the share of relevant documents found in the top k.
pub fn recall_at(ranking: &[String], judged: &HashMap<String, u32>, k: usize) -> f64 {
    let relevant = judged.values().filter(|&&g| g > 0).count();
    if relevant == 0 {
        return 0.0;
    }
    let found = ranking.iter().take(k).filter(|d| judged.get(*d).is_some_and(|&g| g > 0)).count();
    found as f64 / relevant as f64
}

/// Mean nDCG@10 and recall@100 of `runs` (query id → ranking) over the judged queries; a judged
/// query without a run counts as zero.
pub fn score_runs(runs: &HashMap<String, Vec<String>>, qrels: &Qrels) -> (f64, f64, usize) {
    let mut ndcg = 0.0;
    let mut recall = 0.0;
    for (q, judged) in qrels {
        let empty = Vec::new();
        let ranking = runs.get(q).unwrap_or(&empty);
        ndcg += ndcg_at(ranking, judged, 10);
        recall += recall_at(ranking, judged, 100);
    }
    let n = qrels.len().max(1) as f64;
    (ndcg / n, recall / n, qrels.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(pairs: &[(&str, u32)]) -> HashMap<String, u32> {
        pairs.iter().map(|(d, g)| (d.to_string(), *g)).collect()
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ndcg_matches_hand_computed_values() {
        let j = judged(&[("a", 1), ("b", 1)]);
        assert!((ndcg_at(&ids(&["a", "b", "c"]), &j, 10) - 1.0).abs() < 1e-12);
        // Relevant at ranks 2 and 3: (1/log2 3 + 1/log2 4) / (1 + 1/log2 3).
        let expected = (1.0 / 3f64.log2() + 0.5) / (1.0 + 1.0 / 3f64.log2());
        assert!((ndcg_at(&ids(&["c", "a", "b"]), &j, 10) - expected).abs() < 1e-12);
        assert_eq!(ndcg_at(&ids(&["c", "d"]), &j, 10), 0.0);
        // Beyond the cut-off nothing counts.
        assert_eq!(ndcg_at(&ids(&["c", "a"]), &j, 1), 0.0);
    }

    #[test]
    fn recall_and_run_scoring() {
        let j = judged(&[("a", 1), ("b", 1)]);
        assert_eq!(recall_at(&ids(&["a", "x"]), &j, 100), 0.5);
        let qrels: Qrels = [("q1".to_string(), j.clone()), ("q2".to_string(), j)].into_iter().collect();
        let runs: HashMap<String, Vec<String>> = [("q1".to_string(), ids(&["a", "b"]))].into_iter().collect();
        let (ndcg, recall, n) = score_runs(&runs, &qrels);
        assert_eq!(n, 2);
        assert!((ndcg - 0.5).abs() < 1e-12, "a missing run scores zero");
        assert!((recall - 0.5).abs() < 1e-12);
    }

    #[test]
    fn qrels_parse_with_header() {
        let q = parse_qrels("query-id\tcorpus-id\tscore\n1\t31715818\t1\n1\t2\t1\n3\t4\t0\n").unwrap();
        assert_eq!(q["1"].len(), 2);
        assert_eq!(q["3"]["4"], 0);
        assert!(parse_qrels("1\t2\tx\n1\t2\tbad\n").is_err());
    }
}
