//! Sparse paper vectors and nearest neighbours.
//!
//! A paper is a unit-length tf-idf vector over its stemmed words and keyphrases (title words
//! count twice), keeping its strongest [`PRUNE`] features. Neighbours are found in two steps:
//! candidates through an inverted index over each paper's strongest features, truncated
//! lists and all ([`neighbours`]), then exact cosine re-scoring ([`rerank`]); all pairs of
//! 75k papers would take hours, this takes seconds and loses little.
//! Work is split over threads by paper, so results do not depend on the thread count.
//! Hand-written: sparse crates (sprs) would add a dependency for one product, and no
//! approximate-neighbour crate is deterministic and exact at this size.

/// Features kept per paper (its strongest): enough to keep related-paper precision at full
/// tf-idf cosine's on the arXiv sample, and a bound on memory and time.
pub const PRUNE: usize = 300;

/// Features kept per smoothed vector for clustering (centroid scoring is linear in them).
pub const CLUSTER_FEATURES: usize = 128;

/// A sparse vector: feature ids ascending, with weights.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseVec {
    /// Feature ids, ascending.
    pub idx: Vec<u32>,
    /// Weights, parallel to `idx`.
    pub val: Vec<f32>,
}

impl SparseVec {
    /// From (feature, weight) pairs in any order (duplicates summed).
    pub fn from_pairs(mut pairs: Vec<(u32, f32)>) -> SparseVec {
        pairs.sort_unstable_by_key(|p| p.0);
        let mut v = SparseVec::default();
        for (i, w) in pairs {
            if v.idx.last() == Some(&i) {
                *v.val.last_mut().expect("parallel") += w;
            } else {
                v.idx.push(i);
                v.val.push(w);
            }
        }
        v
    }

    /// Scales to unit length (a zero vector stays zero).
    pub fn normalize(&mut self) {
        let norm = self.val.iter().map(|w| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            self.val.iter_mut().for_each(|w| *w /= norm);
        }
    }

    /// Keeps the `n` largest weights (ties by feature id), still ascending by id.
    pub fn prune(&mut self, n: usize) {
        if self.idx.len() <= n {
            return;
        }
        let mut order: Vec<usize> = (0..self.idx.len()).collect();
        order.sort_unstable_by(|&a, &b| self.val[b].total_cmp(&self.val[a]).then(self.idx[a].cmp(&self.idx[b])));
        order.truncate(n);
        order.sort_unstable();
        self.idx = order.iter().map(|&i| self.idx[i]).collect();
        self.val = order.iter().map(|&i| self.val[i]).collect();
    }

    /// Dot product with a dense vector.
    pub fn dot_dense(&self, dense: &[f32]) -> f32 {
        self.idx.iter().zip(&self.val).map(|(&i, &w)| w * dense.get(i as usize).copied().unwrap_or(0.0)).sum()
    }
}

/// Inverse document frequency used for paper vectors.
pub fn idf(n_docs: usize, df: u32) -> f32 {
    ((1.0 + n_docs as f32) / (1.0 + df as f32)).ln() + 1.0
}

/// Runs `f` for every index in `0..n` on up to `threads` threads, collecting results in order.
pub fn parallel_map<T: Send>(n: usize, threads: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = threads.clamp(1, 16).min(n.max(1));
    if threads == 1 {
        return (0..n).map(&f).collect();
    }
    let chunk = n.div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let f = &f;
                s.spawn(move || (t * chunk..((t + 1) * chunk).min(n)).map(f).collect::<Vec<T>>())
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("worker panicked")).collect()
    })
}

/// Threads to use: what the machine offers.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Candidates found per paper before exact re-scoring.
pub const CANDIDATES: usize = 40;

/// Features of a paper used to look for its neighbours (its strongest).
pub const QUERY_FEATURES: usize = 40;

/// Entries kept per feature in the neighbour index (the papers where it weighs most): a
/// feature shared by thousands of papers says little about any pair of them, and scanning
/// it for every paper would make the search quadratic.
pub const LIST_CAP: usize = 600;

/// An inverted index over papers' features for finding neighbours: per feature, the
/// [`LIST_CAP`] papers where it weighs most.
pub struct NeighbourIndex {
    lists: Vec<Vec<(u32, f32)>>,
    len: usize,
}

impl NeighbourIndex {
    /// The index of `vecs` over `n_features` features.
    pub fn new(vecs: &[SparseVec], n_features: usize) -> NeighbourIndex {
        let mut lists: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n_features];
        for (d, v) in vecs.iter().enumerate() {
            for (&i, &w) in v.idx.iter().zip(&v.val) {
                lists[i as usize].push((d as u32, w));
            }
        }
        for list in &mut lists {
            if list.len() > LIST_CAP {
                list.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                list.truncate(LIST_CAP);
                list.shrink_to_fit();
            }
        }
        NeighbourIndex { lists, len: vecs.len() }
    }

    /// A scratch accumulator for [`NeighbourIndex::candidates`] (one per thread).
    pub fn scratch(&self) -> Scratch {
        Scratch { acc: vec![0f32; self.len], touched: Vec::new(), best: Vec::new() }
    }

    /// The `k` papers scoring best against `vec`'s [`QUERY_FEATURES`] strongest features
    /// (a partial dot product), best first, ties by lower index; never `skip`.
    pub fn candidates(&self, vec: &SparseVec, k: usize, skip: Option<u32>, scratch: &mut Scratch) -> Vec<(u32, f32)> {
        let mut query = vec.clone();
        query.prune(QUERY_FEATURES);
        let Scratch { acc, touched, best } = scratch;
        for (&i, &w) in query.idx.iter().zip(&query.val) {
            for &(other, w2) in self.lists.get(i as usize).map_or(&[][..], |l| l.as_slice()) {
                let slot = &mut acc[other as usize];
                if *slot == 0.0 {
                    touched.push(other);
                }
                *slot += w * w2;
            }
        }
        best.clear();
        for &o in touched.iter() {
            if Some(o) != skip && acc[o as usize] > 0.0 {
                best.push((o, acc[o as usize]));
            }
            acc[o as usize] = 0.0;
        }
        touched.clear();
        let by_score = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if best.len() > k {
            best.select_nth_unstable_by(k, by_score);
            best.truncate(k);
        }
        best.sort_unstable_by(by_score);
        // A copy of the exact size: `best` grew to every paper touched.
        best.to_vec()
    }
}

/// Per-thread scratch for [`NeighbourIndex::candidates`].
pub struct Scratch {
    acc: Vec<f32>,
    touched: Vec<u32>,
    best: Vec<(u32, f32)>,
}

/// The `k` nearest neighbours of every vector by dot product (cosine, for unit vectors),
/// best first, ties by lower index; never the vector itself. Each paper is compared through
/// its [`QUERY_FEATURES`] strongest features against the [`LIST_CAP`] papers where each
/// weighs most, so the cost grows linearly with the corpus.
pub fn neighbours(vecs: &[SparseVec], n_features: usize, k: usize, threads: usize) -> Vec<Vec<(u32, f32)>> {
    let index = NeighbourIndex::new(vecs, n_features);
    let n = vecs.len();
    // Chunks of papers per task so each task reuses one accumulator.
    let block = 256;
    let blocks = parallel_map(n.div_ceil(block), threads, |b| {
        let mut scratch = index.scratch();
        (b * block..((b + 1) * block).min(n))
            .map(|d| index.candidates(&vecs[d], k, Some(d as u32), &mut scratch))
            .collect::<Vec<_>>()
    });
    blocks.into_iter().flatten().collect()
}

/// Sparse dot product (both vectors sorted by feature).
pub fn dot(a: &SparseVec, b: &SparseVec) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.idx.len() && j < b.idx.len() {
        match a.idx[i].cmp(&b.idx[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a.val[i] * b.val[j];
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// Re-scores each paper's candidate neighbours by exact cosine over the full vectors and
/// keeps the best `k` (best first, ties by lower index).
pub fn rerank(vecs: &[SparseVec], candidates: &[Vec<(u32, f32)>], k: usize, threads: usize) -> Vec<Vec<(u32, f32)>> {
    parallel_map(vecs.len(), threads, |d| rerank_one(&vecs[d], &candidates[d], vecs, k))
}

/// [`rerank`] for one vector against candidates numbered in `others`.
pub fn rerank_one(vec: &SparseVec, candidates: &[(u32, f32)], others: &[SparseVec], k: usize) -> Vec<(u32, f32)> {
    let mut scored: Vec<(u32, f32)> =
        candidates.iter().map(|&(o, _)| (o, dot(vec, &others[o as usize]))).filter(|p| p.1 > 0.0).collect();
    scored.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.truncate(k);
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(pairs: &[(u32, f32)]) -> SparseVec {
        let mut v = SparseVec::from_pairs(pairs.to_vec());
        v.normalize();
        v
    }

    #[test]
    fn from_pairs_sorts_and_sums_duplicates() {
        let v = SparseVec::from_pairs(vec![(5, 1.0), (2, 2.0), (5, 0.5)]);
        assert_eq!(v.idx, vec![2, 5]);
        assert_eq!(v.val, vec![2.0, 1.5]);
    }

    #[test]
    fn prune_keeps_the_largest_weights_in_id_order() {
        let mut v = SparseVec::from_pairs(vec![(1, 0.1), (2, 0.9), (3, 0.5), (4, 0.7)]);
        v.prune(2);
        assert_eq!(v.idx, vec![2, 4]);
    }

    #[test]
    fn neighbours_are_exact_cosine_best_first_and_the_same_on_any_thread_count() {
        let vecs = vec![
            unit(&[(0, 1.0), (1, 1.0)]),
            unit(&[(0, 1.0), (1, 0.9)]),
            unit(&[(2, 1.0)]),
            unit(&[(1, 1.0), (2, 1.0)]),
        ];
        let one = neighbours(&vecs, 3, 2, 1);
        assert_eq!(one, neighbours(&vecs, 3, 2, 2));
        assert_eq!(one[0][0].0, 1, "0's nearest is its near twin");
        assert_eq!(one[2].iter().map(|p| p.0).collect::<Vec<_>>(), vec![3], "2 shares a feature with 3 only");
        assert!(one.iter().enumerate().all(|(d, l)| l.iter().all(|p| p.0 as usize != d)));
        assert!(one[0].windows(2).all(|w| w[0].1 >= w[1].1));
    }

    #[test]
    fn parallel_map_keeps_order() {
        assert_eq!(parallel_map(10, 3, |i| i * 2), (0..10).map(|i| i * 2).collect::<Vec<_>>());
        assert!(parallel_map(0, 2, |i| i).is_empty());
    }
}
