//! Clustering of sparse unit vectors by cosine: spherical k-means (each paper joins the
//! centroid it is most similar to), started from a bottom-up merge of fine groups
//! ([`merged_kmeans`]) rather than from random papers alone. Seeded k-means++ uses a
//! fixed-seed generator, so the same input gives the same clusters; empty clusters are
//! re-seeded with the worst-fitting paper. Hand-written: linfa and friends cluster dense
//! `ndarray` matrices, which at 75k papers by tens of thousands of features would not fit in
//! memory, and no crate merges clusters by Ward's criterion for cosine over sparse vectors.

use super::vectors::{parallel_map, SparseVec};

/// A small deterministic generator (SplitMix64): fixed seed, same sequence everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A float in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A clustering: each paper's cluster and each cluster's centroid (unit length, dense).
#[derive(Debug, Clone)]
pub struct Clustering {
    /// Cluster per input vector.
    pub assign: Vec<u32>,
    /// Similarity of each vector to its centroid.
    pub fit: Vec<f32>,
    /// Dense centroids over the features.
    pub centroids: Vec<Vec<f32>>,
}

/// Centroids stored feature-major (the k weights of one feature side by side), so scoring a
/// sparse vector against all of them reads memory in order.
pub(super) struct Interleaved {
    k: usize,
    weights: Vec<f32>,
}

impl Interleaved {
    /// The table of `centroids`, dense over `dims` features.
    pub(super) fn new(centroids: &[Vec<f32>], dims: usize) -> Interleaved {
        let k = centroids.len();
        let mut weights = vec![0f32; dims * k];
        for (c, centroid) in centroids.iter().enumerate() {
            for (i, &w) in centroid.iter().enumerate() {
                weights[i * k + c] = w;
            }
        }
        Interleaved { k, weights }
    }

    /// Centroids in the table.
    pub(super) fn k(&self) -> usize {
        self.k
    }

    /// The centroid most similar to `v` (the first of equals) with its dot product; `scores`
    /// is left holding every centroid's.
    pub(super) fn best(&self, v: &SparseVec, scores: &mut Vec<f32>) -> (u32, f32) {
        scores.clear();
        scores.resize(self.k, 0.0);
        for (&i, &w) in v.idx.iter().zip(&v.val) {
            let row = &self.weights[i as usize * self.k..(i as usize + 1) * self.k];
            for (s, &c) in scores.iter_mut().zip(row) {
                *s += w * c;
            }
        }
        let mut best = (0u32, f32::NEG_INFINITY);
        for (c, &s) in scores.iter().enumerate() {
            if s > best.1 {
                best = (c as u32, s);
            }
        }
        best
    }
}

fn seed_centroids(vecs: &[SparseVec], dims: usize, k: usize, rng: &mut Rng) -> Vec<Vec<f32>> {
    let dense = |v: &SparseVec| {
        let mut d = vec![0f32; dims];
        for (&i, &w) in v.idx.iter().zip(&v.val) {
            d[i as usize] = w;
        }
        d
    };
    let mut centroids = vec![dense(&vecs[(rng.next_u64() % vecs.len() as u64) as usize])];
    // Distance to the nearest chosen centroid, as 1 - cosine.
    let mut dist: Vec<f64> = vecs.iter().map(|v| f64::from(1.0 - v.dot_dense(&centroids[0])).max(0.0)).collect();
    while centroids.len() < k {
        let total: f64 = dist.iter().map(|d| d * d).sum();
        let pick = if total <= 0.0 {
            (rng.next_u64() % vecs.len() as u64) as usize
        } else {
            let mut target = rng.next_f64() * total;
            let mut pick = vecs.len() - 1;
            for (i, d) in dist.iter().enumerate() {
                target -= d * d;
                if target <= 0.0 {
                    pick = i;
                    break;
                }
            }
            pick
        };
        let c = dense(&vecs[pick]);
        for (d, v) in dist.iter_mut().zip(vecs) {
            *d = d.min(f64::from(1.0 - v.dot_dense(&c)).max(0.0));
        }
        centroids.push(c);
    }
    centroids
}

fn recompute(vecs: &[SparseVec], assign: &[u32], dims: usize, k: usize) -> Vec<Vec<f32>> {
    let mut centroids = vec![vec![0f32; dims]; k];
    for (v, &c) in vecs.iter().zip(assign) {
        let centroid = &mut centroids[c as usize];
        for (&i, &w) in v.idx.iter().zip(&v.val) {
            centroid[i as usize] += w;
        }
    }
    for c in &mut centroids {
        let norm = c.iter().map(|w| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            c.iter_mut().for_each(|w| *w /= norm);
        }
    }
    centroids
}

/// Clusters unit vectors over `dims` features into `k` clusters (fewer when there are fewer
/// vectors), with `restarts` seeded runs of at most `iterations` rounds each.
pub fn kmeans(
    vecs: &[SparseVec],
    dims: usize,
    k: usize,
    seed: u64,
    restarts: usize,
    iterations: usize,
    threads: usize,
) -> Clustering {
    let k = k.clamp(1, vecs.len().max(1));
    if vecs.is_empty() {
        return Clustering { assign: Vec::new(), fit: Vec::new(), centroids: Vec::new() };
    }
    let mut rng = Rng::new(seed);
    let mut best: Option<(f64, Clustering)> = None;
    for _ in 0..restarts.max(1) {
        let centroids = seed_centroids(vecs, dims, k, &mut rng);
        let run = lloyd(vecs, dims, centroids, iterations, threads);
        let total: f64 = run.fit.iter().map(|&f| f64::from(f)).sum();
        if best.as_ref().is_none_or(|(t, _)| total > *t) {
            best = Some((total, run));
        }
    }
    best.expect("at least one restart").1
}

/// Rounds of assigning each vector to its most similar centroid and recomputing the
/// centroids, from the given ones, until under one in a thousand vectors moves.
fn lloyd(
    vecs: &[SparseVec],
    dims: usize,
    mut centroids: Vec<Vec<f32>>,
    iterations: usize,
    threads: usize,
) -> Clustering {
    let k = centroids.len();
    let mut assign = vec![u32::MAX; vecs.len()];
    let mut fit = vec![0f32; vecs.len()];
    for _ in 0..iterations.max(1) {
        let table = Interleaved::new(&centroids, dims);
        let next = parallel_map(vecs.len(), threads, |d| table.best(&vecs[d], &mut Vec::with_capacity(k)));
        let changed = next.iter().zip(&assign).filter(|(n, a)| n.0 != **a).count();
        for (d, (c, s)) in next.into_iter().enumerate() {
            assign[d] = c;
            fit[d] = s;
        }
        // An empty cluster takes the paper that fits its own cluster worst.
        let mut sizes = vec![0usize; k];
        assign.iter().for_each(|&c| sizes[c as usize] += 1);
        for c in 0..k {
            if sizes[c] == 0 {
                let worst = (0..vecs.len())
                    .filter(|&d| sizes[assign[d] as usize] > 1)
                    .min_by(|&a, &b| fit[a].total_cmp(&fit[b]).then(a.cmp(&b)));
                if let Some(w) = worst {
                    sizes[assign[w] as usize] -= 1;
                    assign[w] = c as u32;
                    fit[w] = 1.0;
                    sizes[c] = 1;
                }
            }
        }
        // Dense centroids are k × features floats (hundreds of MB for a fine clustering of a
        // large corpus): free the old ones and the table before building the next.
        drop(table);
        centroids.clear();
        centroids = recompute(vecs, &assign, dims, k);
        if changed * 1000 <= vecs.len() {
            break;
        }
    }
    let fit = parallel_map(vecs.len(), threads, |d| vecs[d].dot_dense(&centroids[assign[d] as usize]));
    Clustering { assign, fit, centroids }
}

/// Fine groups per cluster asked for before merging: enough that merging, not seeding,
/// decides the clusters, few enough that the fine k-means stays cheap.
const FINE_PER_CLUSTER: usize = 4;

/// Corpora up to this size merge from single papers (exact and seedless; the similarity
/// matrix of 300 papers is 90,000 products).
const MERGE_FROM_PAPERS: usize = 300;

/// Clusters unit vectors into `k` clusters in three steps. First fine groups: every vector
/// its own on small inputs, else a k-means into `4k` groups. Then the fine groups are merged
/// bottom-up, each step joining the two whose union loses the least total similarity to its
/// centroid (Ward's criterion for cosine). Last, `iterations` k-means rounds start from the
/// merged clusters. K-means++ seeding alone leaves each cluster's place to one random paper;
/// starting from merges gives clusters the shape of the data: on the 82-paper seed, the
/// physics-informed and scaling-law papers each come out whole where seeded k-means split
/// them, and on 10,000 arXiv papers agreement with the arXiv categories rises (NMI at k = 20,
/// mean of four seeds: 0.248 to 0.262).
pub fn merged_kmeans(
    vecs: &[SparseVec],
    dims: usize,
    k: usize,
    seed: u64,
    iterations: usize,
    threads: usize,
) -> Clustering {
    let n = vecs.len();
    let k = k.clamp(1, n.max(1));
    if n == 0 {
        return Clustering { assign: Vec::new(), fit: Vec::new(), centroids: Vec::new() };
    }
    // Fine groups and the products of their (unnormalised) sums: G[a][b] = S_a · S_b.
    let (fine_assign, mut gram) = if n <= MERGE_FROM_PAPERS.max(FINE_PER_CLUSTER * k) {
        let gram: Vec<Vec<f64>> =
            (0..n).map(|a| (0..n).map(|b| f64::from(super::vectors::dot(&vecs[a], &vecs[b]))).collect()).collect();
        ((0..n as u32).collect::<Vec<u32>>(), gram)
    } else {
        // A rough partition is enough: merging and the final rounds settle the rest.
        let fine = kmeans(vecs, dims, FINE_PER_CLUSTER * k, seed, 1, 6, threads);
        // A cluster's sum is its unit centroid times its length, and that length is the sum
        // of its members' similarities to the centroid.
        let kf = fine.centroids.len();
        let mut length = vec![0f64; kf];
        for (&c, &f) in fine.assign.iter().zip(&fine.fit) {
            length[c as usize] += f64::from(f);
        }
        // Centroid products feature by feature, over the centroids that use each feature.
        let table = Interleaved::new(&fine.centroids, dims);
        let mut cos = vec![vec![0f64; kf]; kf];
        let mut used: Vec<(usize, f64)> = Vec::with_capacity(kf);
        for row in table.weights.chunks_exact(kf) {
            used.clear();
            used.extend(row.iter().enumerate().filter(|p| *p.1 != 0.0).map(|(c, &w)| (c, f64::from(w))));
            for &(a, wa) in &used {
                for &(b, wb) in &used {
                    cos[a][b] += wa * wb;
                }
            }
        }
        let gram = (0..kf).map(|a| (0..kf).map(|b| length[a] * length[b] * cos[a][b]).collect()).collect();
        (fine.assign, gram)
    };
    let coarse = ward(&mut gram, k);
    let assign: Vec<u32> = fine_assign.iter().map(|&f| coarse[f as usize]).collect();
    let k = coarse.iter().max().map_or(1, |&m| m as usize + 1);
    lloyd(vecs, dims, recompute(vecs, &assign, dims, k), iterations, threads)
}

/// Merges groups given by the products of their sums (`gram`, overwritten) down to `k`,
/// and returns each group's merged cluster, numbered by first group.
fn ward(gram: &mut [Vec<f64>], k: usize) -> Vec<u32> {
    let m = gram.len();
    let mut alive = vec![true; m];
    let mut into: Vec<usize> = (0..m).collect();
    let length = |g: &[Vec<f64>], a: usize| g[a][a].max(0.0).sqrt();
    for _ in k..m {
        // The pair whose union loses least: |S_a| + |S_b| - |S_a + S_b|.
        let mut best = (f64::INFINITY, 0, 0);
        for a in (0..m).filter(|&a| alive[a]) {
            let la = length(gram, a);
            for b in (a + 1..m).filter(|&b| alive[b]) {
                let lb = length(gram, b);
                let joined = (gram[a][a] + gram[b][b] + 2.0 * gram[a][b]).max(0.0).sqrt();
                let loss = la + lb - joined;
                if loss < best.0 {
                    best = (loss, a, b);
                }
            }
        }
        let (_, a, b) = best;
        let self_product = gram[a][a] + gram[b][b] + 2.0 * gram[a][b];
        let row_b = std::mem::take(&mut gram[b]);
        for (x, v) in row_b.iter().enumerate() {
            gram[a][x] += v;
        }
        // Keep the matrix symmetric (the merged-away row is left empty).
        let row_a = gram[a].clone();
        for (row, v) in gram.iter_mut().zip(row_a) {
            if let Some(g) = row.get_mut(a) {
                *g = v;
            }
        }
        gram[a][a] = self_product;
        alive[b] = false;
        into[b] = a;
    }
    // Follow merges to the surviving group, then number survivors in order.
    let root = |mut g: usize| {
        while into[g] != g {
            g = into[g];
        }
        g
    };
    let mut number = vec![u32::MAX; m];
    let mut next = 0;
    (0..m)
        .map(|g| {
            let r = root(g);
            if number[r] == u32::MAX {
                number[r] = next;
                next += 1;
            }
            number[r]
        })
        .collect()
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
    fn separates_obvious_groups_and_is_deterministic() {
        let mut vecs = Vec::new();
        for i in 0..10 {
            vecs.push(unit(&[(0, 1.0), (1, 0.5 + i as f32 * 0.01)]));
            vecs.push(unit(&[(2, 1.0), (3, 0.5 + i as f32 * 0.01)]));
            vecs.push(unit(&[(4, 1.0), (5, 0.5 + i as f32 * 0.01)]));
        }
        let a = kmeans(&vecs, 6, 3, 7, 3, 20, 2);
        let b = kmeans(&vecs, 6, 3, 7, 3, 20, 1);
        assert_eq!(a.assign, b.assign);
        for group in 0..3 {
            let first = a.assign[group];
            assert!((0..10).all(|i| a.assign[i * 3 + group] == first), "group {group} split: {:?}", a.assign);
        }
        let mut distinct = a.assign.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 3);
    }

    #[test]
    fn more_clusters_than_papers_is_capped() {
        let vecs = vec![unit(&[(0, 1.0)]), unit(&[(1, 1.0)])];
        let c = kmeans(&vecs, 2, 5, 1, 1, 10, 1);
        assert_eq!(c.centroids.len(), 2);
        assert_ne!(c.assign[0], c.assign[1]);
    }

    #[test]
    fn rng_is_a_fixed_sequence() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        assert_eq!((0..5).map(|_| a.next_u64()).collect::<Vec<_>>(), (0..5).map(|_| b.next_u64()).collect::<Vec<_>>());
        assert!((0..100).map(|_| a.next_f64()).all(|f| (0.0..1.0).contains(&f)));
    }

    #[test]
    fn ward_joins_the_closest_groups_first() {
        let vecs = [unit(&[(0, 1.0)]), unit(&[(0, 1.0), (1, 0.05)]), unit(&[(2, 1.0)]), unit(&[(2, 1.0), (1, 0.4)])];
        let gram = || -> Vec<Vec<f64>> {
            vecs.iter().map(|a| vecs.iter().map(|b| f64::from(super::super::vectors::dot(a, b))).collect()).collect()
        };
        assert_eq!(ward(&mut gram(), 3), vec![0, 0, 1, 2], "the near-twins 0 and 1 merge first");
        assert_eq!(ward(&mut gram(), 2), vec![0, 0, 1, 1]);
        assert_eq!(ward(&mut gram(), 1), vec![0, 0, 0, 0]);
        assert_eq!(ward(&mut gram(), 4), vec![0, 1, 2, 3], "nothing to merge");
    }

    /// `groups` groups of `per` papers: each group has its own two features, every paper
    /// one feature of its own, and a weak feature shared by all.
    fn grouped(groups: u32, per: u32) -> Vec<SparseVec> {
        let mut vecs = Vec::new();
        for i in 0..per {
            for g in 0..groups {
                let own = 1000 + i * groups + g;
                vecs.push(unit(&[(2 * g, 1.0), (2 * g + 1, 0.3 + (i % 7) as f32 * 0.1), (own, 0.6), (999, 0.2)]));
            }
        }
        vecs
    }

    fn assert_groups_whole(assign: &[u32], groups: usize) {
        for g in 0..groups {
            let first = assign[g];
            assert!(assign.iter().skip(g).step_by(groups).all(|&c| c == first), "group {g} split: {assign:?}");
        }
        let mut distinct = assign.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), groups, "{assign:?}");
    }

    #[test]
    fn merged_kmeans_from_single_papers_keeps_groups_whole() {
        let vecs = grouped(3, 12);
        let dims = 1000 + vecs.len();
        let a = merged_kmeans(&vecs, dims, 3, 1, 10, 1);
        assert_groups_whole(&a.assign, 3);
        assert_eq!(a.assign, merged_kmeans(&vecs, dims, 3, 99, 10, 2).assign, "no seed, no thread count matters");
    }

    #[test]
    fn merged_kmeans_from_fine_groups_keeps_groups_whole() {
        // Past MERGE_FROM_PAPERS, so a fine k-means comes first.
        let vecs = grouped(5, 80);
        assert!(vecs.len() > MERGE_FROM_PAPERS);
        let dims = 1000 + vecs.len();
        let a = merged_kmeans(&vecs, dims, 5, 7, 10, 2);
        assert_groups_whole(&a.assign, 5);
        assert_eq!(a.assign, merged_kmeans(&vecs, dims, 5, 7, 10, 1).assign, "same on any thread count");
        assert_eq!(a.centroids.len(), 5);
        assert!(a.fit.iter().all(|f| *f > 0.5), "every paper sits near its centroid");
    }

    #[test]
    fn merged_kmeans_handles_tiny_inputs() {
        assert!(merged_kmeans(&[], 4, 3, 1, 5, 1).assign.is_empty());
        let one = merged_kmeans(&[unit(&[(0, 1.0)])], 1, 3, 1, 5, 1);
        assert_eq!(one.assign, vec![0]);
    }
}
