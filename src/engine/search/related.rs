//! "More like this": papers similar to a given one, found by searching with the paper's own
//! most distinctive terms (tf-idf over its title and abstract) and BM25F-scoring the rest of
//! the corpus against them. Used by the paper view until precomputed neighbours exist.

use std::collections::HashMap;

use super::{Bm25f, Engine, Hit};

/// Terms taken from the paper.
pub const MLT_TERMS: usize = 16;

impl Engine {
    /// The document number of a paper id.
    pub fn doc_by_id(&self, id: &str) -> Option<u32> {
        if let Some(found) = self.index.doc_of_id(id) {
            return found;
        }
        let map = self.ids.get_or_init(|| {
            (0..self.index.len())
                .filter_map(|d| self.index.docs.get(d).ok().map(|p| (p.id, d)))
                .collect::<HashMap<_, _>>()
        });
        map.get(id).copied()
    }

    /// The `n` papers most similar to `doc`, best first (never `doc` itself).
    pub fn more_like_this(&self, doc: u32, n: usize) -> Vec<Hit> {
        let Ok(paper) = self.index.docs.get(doc) else { return Vec::new() };
        let n_docs = self.index.len();
        let mut tf: HashMap<u32, u32> = HashMap::new();
        for text in [&paper.title, &paper.title, &paper.abstract_text] {
            // The title counts twice: it names what the paper is about.
            for t in self.analyzer.analyze(text) {
                if let Some(o) = self.index.term_ordinal(&t.term) {
                    *tf.entry(o).or_default() += 1;
                }
            }
        }
        let mut weighted: Vec<(f32, u32, u32)> = tf
            .into_iter()
            .filter_map(|(o, c)| {
                let df = self.index.doc_freq(o);
                // Words found in this paper only, or in a quarter of all, do not relate papers.
                (df >= 2 && df <= (n_docs / 4).max(2)).then(|| ((c as f32).sqrt() * Bm25f::idf(n_docs, df), o, df))
            })
            .collect();
        crate::engine::sort::sort_list(&mut weighted, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        weighted.truncate(MLT_TERMS);
        let mut scores: HashMap<u32, f32> = HashMap::new();
        let mut postings = Vec::new();
        for &(w, o, df) in &weighted {
            if self.index.postings.postings_into(o, n_docs, &mut postings).is_err() {
                continue;
            }
            let idf = Bm25f::idf(n_docs, df);
            for p in &postings {
                if p.doc != doc {
                    let s = idf * w * self.params.saturate(self.pseudo_tf(p.doc, p.tf, 0b011));
                    *scores.entry(p.doc).or_default() += s;
                }
            }
        }
        let mut hits: Vec<Hit> = scores.into_iter().map(|(doc, score)| Hit { doc, score, full: false }).collect();
        hits.sort_unstable_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        hits.truncate(n);
        hits
    }
}
