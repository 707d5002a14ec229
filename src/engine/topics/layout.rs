//! The topic graph's edges and the 2-D map: top topics as discs placed by a small
//! force-directed simulation (related topics attract, discs never overlap), subtopics as discs
//! inside their topic's, and papers on a sunflower spiral inside their (sub)topic's disc, the
//! best-fitting ones at the centre and papers torn between two topics on the side facing the
//! other. Everything derives from a fixed seed and sorted inputs, so one corpus always gives
//! one map. Hand-written: a few dozen nodes need no graph-layout crate, and the paper
//! placement is specific to this map.

use super::cluster::Rng;
use super::{Edge, PaperTopics, Topic};

/// Edges kept per topic (its strongest).
pub const EDGES_PER_TOPIC: usize = 4;

/// A second membership at least this share of the first counts as cross-membership.
const CROSS_SHARE: f32 = 0.8;

/// The topic graph: top topics linked by papers strongly in both and by shared keyphrases.
pub fn edges(topics: &[Topic], papers: &[PaperTopics], k_top: usize) -> Vec<Edge> {
    let mut cross = vec![vec![0u32; k_top]; k_top];
    for p in papers {
        if let [first, second, ..] = p.memberships.as_slice() {
            if (second.1 as f32) >= CROSS_SHARE * first.1 as f32
                && (first.0 as usize) < k_top
                && (second.0 as usize) < k_top
            {
                cross[first.0 as usize][second.0 as usize] += 1;
            }
        }
    }
    let mut candidates: Vec<(u32, u32, f32, u32, Vec<u32>)> = Vec::new();
    for a in 0..k_top {
        for b in a + 1..k_top {
            let shared_papers = cross[a][b] + cross[b][a];
            let shared_phrases: Vec<u32> =
                topics[a].keyphrases.iter().copied().filter(|p| topics[b].keyphrases.contains(p)).collect();
            let sizes = (topics[a].size.max(1) as f32 * topics[b].size.max(1) as f32).sqrt();
            let w = shared_papers as f32 / sizes + 0.02 * shared_phrases.len() as f32;
            if w > 0.0 {
                candidates.push((a as u32, b as u32, w, shared_papers, shared_phrases));
            }
        }
    }
    // Keep each topic's strongest few.
    let mut keep = vec![false; candidates.len()];
    for t in 0..k_top as u32 {
        let mut mine: Vec<usize> =
            (0..candidates.len()).filter(|&i| candidates[i].0 == t || candidates[i].1 == t).collect();
        mine.sort_by(|&x, &y| candidates[y].2.total_cmp(&candidates[x].2).then(x.cmp(&y)));
        for &i in mine.iter().take(EDGES_PER_TOPIC) {
            keep[i] = true;
        }
    }
    let max = candidates.iter().map(|c| c.2).fold(0f32, f32::max);
    candidates
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|((a, b, w, shared_papers, shared_phrases), _)| Edge {
            a,
            b,
            weight: ((w / max) * 255.0).round().clamp(1.0, 255.0) as u8,
            shared_papers,
            shared_phrases,
        })
        .collect()
}

fn to_u16(v: f32) -> u16 {
    (v.clamp(0.0, 1.0) * 65535.0).round() as u16
}

/// Places topics and papers. `members[t]` are topic `t`'s papers (top topics first, then
/// subtopics, as in `topics`); `fits[d]` is paper `d`'s similarity to its topic.
pub fn lay_out(
    topics: &mut [Topic],
    edges: &[Edge],
    papers: &mut [PaperTopics],
    members: &[Vec<u32>],
    fits: &[f32],
    seed: u64,
) {
    let k_top = topics.iter().take_while(|t| t.parent.is_none()).count();
    if k_top == 0 {
        return;
    }
    let total: f32 = topics[..k_top].iter().map(|t| t.size as f32).sum::<f32>().max(1.0);
    let radius: Vec<f32> = topics[..k_top].iter().map(|t| 0.42 * (t.size as f32 / total).sqrt()).collect();
    let mut rng = Rng::new(seed);
    let mut pos: Vec<(f32, f32)> = (0..k_top)
        .map(|i| {
            let angle = std::f32::consts::TAU * i as f32 / k_top as f32;
            let jitter = rng.next_f64() as f32 * 0.02;
            (0.5 + (0.3 + jitter) * angle.cos(), 0.5 + (0.3 + jitter) * angle.sin())
        })
        .collect();
    for step in 0..400 {
        let heat = 1.0 - step as f32 / 400.0;
        let mut force = vec![(0f32, 0f32); k_top];
        for i in 0..k_top {
            // Gravity keeps the map compact.
            force[i].0 += (0.5 - pos[i].0) * 0.02;
            force[i].1 += (0.5 - pos[i].1) * 0.02;
            for j in i + 1..k_top {
                let (dx, dy) = (pos[j].0 - pos[i].0, pos[j].1 - pos[i].1);
                let dist = (dx * dx + dy * dy).sqrt().max(1e-4);
                let gap = radius[i] + radius[j] + 0.012;
                if dist < gap {
                    // Overlapping discs push apart hard.
                    let push = (gap - dist) * 0.5;
                    force[i].0 -= dx / dist * push;
                    force[i].1 -= dy / dist * push;
                    force[j].0 += dx / dist * push;
                    force[j].1 += dy / dist * push;
                }
            }
        }
        for e in edges {
            let (i, j) = (e.a as usize, e.b as usize);
            if i >= k_top || j >= k_top {
                continue;
            }
            let (dx, dy) = (pos[j].0 - pos[i].0, pos[j].1 - pos[i].1);
            let dist = (dx * dx + dy * dy).sqrt().max(1e-4);
            let gap = radius[i] + radius[j] + 0.012;
            let pull = (dist - gap).max(0.0) * 0.05 * (e.weight as f32 / 255.0);
            force[i].0 += dx / dist * pull;
            force[i].1 += dy / dist * pull;
            force[j].0 -= dx / dist * pull;
            force[j].1 -= dy / dist * pull;
        }
        for i in 0..k_top {
            pos[i].0 += force[i].0 * (0.3 + heat);
            pos[i].1 += force[i].1 * (0.3 + heat);
        }
    }
    // Fit the discs into the unit square, keeping the aspect.
    let min_x = (0..k_top).map(|i| pos[i].0 - radius[i]).fold(f32::INFINITY, f32::min);
    let max_x = (0..k_top).map(|i| pos[i].0 + radius[i]).fold(f32::NEG_INFINITY, f32::max);
    let min_y = (0..k_top).map(|i| pos[i].1 - radius[i]).fold(f32::INFINITY, f32::min);
    let max_y = (0..k_top).map(|i| pos[i].1 + radius[i]).fold(f32::NEG_INFINITY, f32::max);
    let scale = 0.96 / (max_x - min_x).max(max_y - min_y).max(1e-6);
    let (off_x, off_y) = (0.5 - (min_x + max_x) / 2.0 * scale, 0.5 - (min_y + max_y) / 2.0 * scale);
    let mut centre: Vec<(f32, f32, f32)> =
        (0..k_top).map(|i| (pos[i].0 * scale + off_x, pos[i].1 * scale + off_y, radius[i] * scale)).collect();
    // Subtopics: discs around the inside of their topic's disc.
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); k_top];
    for (s, t) in topics.iter().enumerate().skip(k_top) {
        if let Some(p) = t.parent.filter(|&p| (p as usize) < k_top) {
            children[p as usize].push(s);
        }
    }
    centre.resize(topics.len(), (0.5, 0.5, 0.0));
    for (t, kids) in children.iter().enumerate() {
        let (cx, cy, r) = centre[t];
        let parent_size = topics[t].size.max(1) as f32;
        let m = kids.len();
        for (i, &s) in kids.iter().enumerate() {
            let share = topics[s].size as f32 / parent_size;
            let angle = std::f32::consts::TAU * i as f32 / m.max(1) as f32;
            let sr = r * share.sqrt() * 0.85;
            let d = if m > 1 { (r - sr).max(0.0) * 0.75 } else { 0.0 };
            centre[s] = (cx + d * angle.cos(), cy + d * angle.sin(), sr);
        }
    }
    for (t, topic) in topics.iter_mut().enumerate() {
        topic.x = to_u16(centre[t].0);
        topic.y = to_u16(centre[t].1);
        topic.radius = to_u16(centre[t].2);
    }
    // Papers: on a sunflower spiral in the disc of their finest topic, best-fitting first.
    const GOLDEN_ANGLE: f32 = 2.399_963;
    for (t, m) in members.iter().enumerate() {
        let has_children = t < k_top && !children[t].is_empty();
        if has_children {
            continue;
        }
        let (cx, cy, r) = centre[t];
        let mut order = m.clone();
        order.sort_by(|&x, &y| fits[y as usize].total_cmp(&fits[x as usize]).then(x.cmp(&y)));
        let count = order.len().max(1) as f32;
        for (i, &d) in order.iter().enumerate() {
            let p = &mut papers[d as usize];
            let rr = r * 0.95 * ((i as f32 + 0.5) / count).sqrt();
            let angle = i as f32 * GOLDEN_ANGLE;
            let (mut x, mut y) = (cx + rr * angle.cos(), cy + rr * angle.sin());
            if let [first, second, ..] = p.memberships.as_slice() {
                if (second.1 as f32) >= CROSS_SHARE * first.1 as f32 && (second.0 as usize) < k_top {
                    // Torn between two topics: lean towards the other one.
                    let (ox, oy, _) = centre[second.0 as usize];
                    let (dx, dy) = (ox - cx, oy - cy);
                    let dist = (dx * dx + dy * dy).sqrt().max(1e-6);
                    x += dx / dist * r * 0.25;
                    y += dy / dist * r * 0.25;
                }
            }
            p.x = to_u16(x);
            p.y = to_u16(y);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(size: u32, parent: Option<u32>, keyphrases: Vec<u32>) -> Topic {
        Topic { parent, label: vec![], keyphrases, size, x: 0, y: 0, radius: 0 }
    }

    #[test]
    fn edges_link_topics_sharing_papers_or_phrases() {
        let topics = vec![topic(10, None, vec![1, 2]), topic(10, None, vec![2, 3]), topic(10, None, vec![9])];
        let paper = |m: Vec<(u32, u8)>| PaperTopics { memberships: m, ..Default::default() };
        let papers = vec![paper(vec![(0, 200), (1, 190)]), paper(vec![(0, 200), (2, 50)])];
        let e = edges(&topics, &papers, 3);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].a, e[0].b, e[0].shared_papers, e[0].weight), (0, 1, 1, 255));
        assert_eq!(e[0].shared_phrases, vec![2]);
    }

    #[test]
    fn papers_sit_inside_their_topic_and_topics_do_not_overlap() {
        let mut topics = vec![topic(30, None, vec![]), topic(20, None, vec![]), topic(10, None, vec![])];
        let mut papers: Vec<PaperTopics> = (0..60)
            .map(|d| {
                let t = if d < 30 {
                    0
                } else if d < 50 {
                    1
                } else {
                    2
                };
                PaperTopics { topic: t, memberships: vec![(t, 200)], ..Default::default() }
            })
            .collect();
        let members: Vec<Vec<u32>> = vec![(0..30).collect(), (30..50).collect(), (50..60).collect()];
        let fits = vec![0.5f32; 60];
        lay_out(&mut topics, &[], &mut papers, &members, &fits, 1);
        let again = {
            let mut t2 = topics.clone();
            let mut p2 = papers.clone();
            lay_out(&mut t2, &[], &mut p2, &members, &fits, 1);
            (t2, p2)
        };
        assert_eq!((topics.clone(), papers.clone()), again, "deterministic");
        let f = |v: u16| v as f32 / 65535.0;
        for (i, a) in topics.iter().enumerate() {
            for b in &topics[i + 1..] {
                let d = ((f(a.x) - f(b.x)).powi(2) + (f(a.y) - f(b.y)).powi(2)).sqrt();
                assert!(d + 1e-3 >= f(a.radius) + f(b.radius), "discs overlap");
            }
        }
        for p in &papers {
            let t = &topics[p.topic as usize];
            let d = ((f(p.x) - f(t.x)).powi(2) + (f(p.y) - f(t.y)).powi(2)).sqrt();
            assert!(d <= f(t.radius) + 1e-3, "paper outside its topic");
        }
    }
}
