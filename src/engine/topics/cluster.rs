//! Spherical k-means over sparse unit vectors: each paper joins the centroid it is most
//! similar to by cosine. Seeded k-means++ (a fixed-seed generator, so the same input gives the
//! same clusters), a few restarts kept by total similarity, empty clusters re-seeded with the
//! worst-fitting paper. Hand-written: linfa and friends cluster dense `ndarray` matrices, which
//! at 75k papers by tens of thousands of features would not fit in memory.

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
struct Interleaved {
    k: usize,
    weights: Vec<f32>,
}

impl Interleaved {
    fn new(centroids: &[Vec<f32>], dims: usize) -> Interleaved {
        let k = centroids.len();
        let mut weights = vec![0f32; dims * k];
        for (c, centroid) in centroids.iter().enumerate() {
            for (i, &w) in centroid.iter().enumerate() {
                weights[i * k + c] = w;
            }
        }
        Interleaved { k, weights }
    }

    fn best(&self, v: &SparseVec, scores: &mut Vec<f32>) -> (u32, f32) {
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
        let mut centroids = seed_centroids(vecs, dims, k, &mut rng);
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
            centroids = recompute(vecs, &assign, dims, k);
            if changed * 1000 <= vecs.len() {
                break;
            }
        }
        let fits = parallel_map(vecs.len(), threads, |d| vecs[d].dot_dense(&centroids[assign[d] as usize]));
        let total: f64 = fits.iter().map(|&f| f64::from(f)).sum();
        if best.as_ref().is_none_or(|(t, _)| total > *t) {
            best = Some((total, Clustering { assign, fit: fits, centroids }));
        }
    }
    best.expect("at least one restart").1
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
}
