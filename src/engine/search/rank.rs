//! BM25F: the scoring function, its parameters and their tuned values, testable without an
//! index.
//!
//! For a term with document frequency `df` among `n` papers and a paper whose field `f` holds
//! the term `tf_f` times in `len_f` tokens (mean `avg_f`):
//!
//! ```text
//! tf~   = Σ_f  w_f · tf_f / (1 − b_f + b_f · len_f / avg_f)
//! score = idf · tf~ · (k1 + 1) / (k1 + tf~)        idf = ln(1 + (n − df + 0.5) / (df + 0.5))
//! ```
//!
//! Weights and length normalisation are per field; saturation (`k1`) is shared, so a word
//! repeated across title and abstract does not score twice (the point of BM25F over summing
//! per-field BM25). Parameters were tuned on SciFact's *train* qrels only (`papersift eval
//! --tune`); the test split is reported, never tuned on.

/// BM25F parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bm25f {
    /// Term-frequency saturation.
    pub k1: f32,
    /// Field weights: title, abstract, authors.
    pub weight: [f32; 3],
    /// Length normalisation per field: title, abstract, authors.
    pub b: [f32; 3],
}

impl Default for Bm25f {
    /// Values tuned on SciFact train (see `papersift eval --tune`).
    fn default() -> Self {
        Bm25f { k1: 1.5, weight: [3.0, 1.0, 1.0], b: [0.6, 0.9, 0.5] }
    }
}

impl Bm25f {
    /// Inverse document frequency (the Lucene/BM25+ form that never goes negative).
    pub fn idf(n: u32, df: u32) -> f32 {
        let n = n as f32;
        let df = df as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// Pseudo term frequency over fields, given per-field tf, lengths and mean lengths.
    /// `mask` switches fields on (bit f) for field-scoped clauses.
    #[inline]
    pub fn pseudo_tf(&self, tf: [u16; 3], len: [u32; 3], avg: [f32; 3], mask: u8) -> f32 {
        let mut acc = 0.0;
        for f in 0..3 {
            if tf[f] == 0 || mask & (1 << f) == 0 {
                continue;
            }
            let norm = 1.0 - self.b[f] + self.b[f] * len[f] as f32 / avg[f];
            acc += self.weight[f] * tf[f] as f32 / norm.max(1e-3);
        }
        acc
    }

    /// Saturated score for a pseudo term frequency.
    #[inline]
    pub fn saturate(&self, tf: f32) -> f32 {
        tf * (self.k1 + 1.0) / (self.k1 + tf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rarer_terms_weigh_more_and_idf_stays_positive() {
        assert!(Bm25f::idf(1000, 1) > Bm25f::idf(1000, 100));
        assert!(Bm25f::idf(1000, 1000) > 0.0);
    }

    #[test]
    fn saturation_is_bounded_and_monotonic() {
        let p = Bm25f::default();
        let mut prev = 0.0;
        for tf in 1..50 {
            let s = p.saturate(tf as f32);
            assert!(s > prev && s < p.k1 + 1.0);
            prev = s;
        }
    }

    #[test]
    fn title_matches_outweigh_abstract_matches_and_long_fields_are_discounted() {
        let p = Bm25f::default();
        let avg = [10.0, 200.0, 5.0];
        let in_title = p.pseudo_tf([1, 0, 0], [10, 200, 5], avg, 0b111);
        let in_abstract = p.pseudo_tf([0, 1, 0], [10, 200, 5], avg, 0b111);
        assert!(in_title > in_abstract);
        let long = p.pseudo_tf([0, 1, 0], [10, 800, 5], avg, 0b111);
        assert!(long < in_abstract);
        assert_eq!(p.pseudo_tf([1, 0, 0], [10, 200, 5], avg, 0b010), 0.0, "masked field");
    }
}
