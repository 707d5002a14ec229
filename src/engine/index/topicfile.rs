//! The `topics` file: the topic model (phrases, topics, graph edges, and per paper its topic,
//! memberships, keyphrases, related papers and map position), written and read here.
//!
//! Layout (varints unless noted): phrases (count, strings); topics (count; each parent + 1 or
//! 0, size, label ids, keyphrase ids, x y radius as u16 LE); edges (count; each a, b, weight
//! byte, shared papers, shared phrase ids); papers (count; each topic, subtopic + 1 or 0,
//! memberships as (topic, byte), keyphrase ids, related as (document, byte), x y as u16 LE);
//! then, for dated corpora, trends: a 1, weekly byte, periods (count, yyyymmdd each), totals
//! and per topic a count per period, the recent window's first period, rising phrases (count;
//! each phrase id, recent, before). Files written before trends end after the papers and read
//! as having none. Every id is checked against its table when read, so a corrupt file fails
//! here, never later.

use super::format::{put_str, put_varint, Reader};
use crate::engine::error::FormatError;
use crate::engine::topics::trends::{Trends, MAX_PERIODS, MAX_RISING};
use crate::engine::topics::{Edge, PaperTopics, Topic, TopicModel};

/// Per-list bounds: generous for what the build writes, small enough to stop a corrupt count
/// from allocating much.
const MAX_LIST: usize = 64;

fn put_ids(out: &mut Vec<u8>, ids: &[u32]) {
    put_varint(out, ids.len() as u64);
    ids.iter().for_each(|&i| put_varint(out, u64::from(i)));
}

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Encodes a topic model.
pub fn encode(model: &TopicModel) -> Vec<u8> {
    let mut out = Vec::new();
    put_varint(&mut out, model.phrases.len() as u64);
    model.phrases.iter().for_each(|p| put_str(&mut out, p));
    put_varint(&mut out, model.topics.len() as u64);
    for t in &model.topics {
        put_varint(&mut out, t.parent.map_or(0, |p| u64::from(p) + 1));
        put_varint(&mut out, u64::from(t.size));
        put_ids(&mut out, &t.label);
        put_ids(&mut out, &t.keyphrases);
        put_u16(&mut out, t.x);
        put_u16(&mut out, t.y);
        put_u16(&mut out, t.radius);
    }
    put_varint(&mut out, model.edges.len() as u64);
    for e in &model.edges {
        put_varint(&mut out, u64::from(e.a));
        put_varint(&mut out, u64::from(e.b));
        out.push(e.weight);
        put_varint(&mut out, u64::from(e.shared_papers));
        put_ids(&mut out, &e.shared_phrases);
    }
    put_varint(&mut out, model.papers.len() as u64);
    for p in &model.papers {
        put_varint(&mut out, u64::from(p.topic));
        put_varint(&mut out, p.subtopic.map_or(0, |s| u64::from(s) + 1));
        put_varint(&mut out, p.memberships.len() as u64);
        for &(t, s) in &p.memberships {
            put_varint(&mut out, u64::from(t));
            out.push(s);
        }
        put_ids(&mut out, &p.keyphrases);
        put_varint(&mut out, p.related.len() as u64);
        for &(d, s) in &p.related {
            put_varint(&mut out, u64::from(d));
            out.push(s);
        }
        put_u16(&mut out, p.x);
        put_u16(&mut out, p.y);
    }
    if let Some(t) = &model.trends {
        put_varint(&mut out, 1);
        out.push(u8::from(t.weekly));
        put_varint(&mut out, t.periods.len() as u64);
        let put_all = |out: &mut Vec<u8>, values: &[u32]| values.iter().for_each(|&v| put_varint(out, u64::from(v)));
        put_all(&mut out, &t.periods);
        put_all(&mut out, &t.totals);
        for row in &t.counts {
            put_all(&mut out, row);
        }
        put_varint(&mut out, t.recent_from as u64);
        put_varint(&mut out, t.rising.len() as u64);
        for &(k, recent, before) in &t.rising {
            put_all(&mut out, &[k, recent, before]);
        }
    }
    out
}

fn decode_trends(r: &mut Reader, n_topics: usize, n_phrases: usize) -> Result<Trends, FormatError> {
    if r.varint()? != 1 {
        return Err(r.corrupt("unknown section after the papers"));
    }
    let weekly = match r.byte()? {
        0 => false,
        1 => true,
        b => return Err(r.corrupt(format!("period kind {b}"))),
    };
    let n = r.count(MAX_PERIODS, "period")?;
    let read = |r: &mut Reader| (0..n).map(|_| r.varint_u32()).collect::<Result<Vec<u32>, _>>();
    let periods = read(r)?;
    if periods.windows(2).any(|w| w[0] >= w[1]) {
        return Err(r.corrupt("periods out of order"));
    }
    let totals = read(r)?;
    let counts = (0..n_topics).map(|_| read(r)).collect::<Result<Vec<_>, _>>()?;
    let recent_from = r.varint_u32()? as usize;
    if recent_from >= n {
        return Err(r.corrupt(format!("recent window from period {recent_from} of {n}")));
    }
    let n_rising = r.count(MAX_RISING, "rising phrase")?;
    let mut rising = Vec::with_capacity(n_rising);
    for _ in 0..n_rising {
        rising.push((id_below(r, n_phrases, "rising phrase")?, r.varint_u32()?, r.varint_u32()?));
    }
    Ok(Trends { weekly, periods, totals, counts, recent_from, rising })
}

fn u16_le(r: &mut Reader) -> Result<u16, FormatError> {
    let b = r.take(2)?;
    Ok(u16::from_le_bytes([b[0], b[1]]))
}

fn id_below(r: &mut Reader, limit: usize, what: &str) -> Result<u32, FormatError> {
    let v = r.varint_u32()?;
    if v as usize >= limit {
        return Err(r.corrupt(format!("{what} {v} out of range (0..{limit})")));
    }
    Ok(v)
}

fn ids_below(r: &mut Reader, limit: usize, what: &str) -> Result<Vec<u32>, FormatError> {
    let n = r.count(MAX_LIST, what)?;
    (0..n).map(|_| id_below(r, limit, what)).collect()
}

/// Decodes a topic model of `papers` papers from a `topics` payload.
pub fn decode(file: &str, payload: &[u8], papers: u32) -> Result<TopicModel, FormatError> {
    let mut r = Reader::new(file, payload);
    let n_phrases = r.count(payload.len(), "phrase")?;
    let phrases = (0..n_phrases).map(|_| r.str().map(str::to_string)).collect::<Result<Vec<_>, _>>()?;
    let n_topics = r.count(payload.len().min(1 << 20), "topic")?;
    let mut topics = Vec::with_capacity(n_topics);
    for _ in 0..n_topics {
        let parent = match r.varint_u32()? {
            0 => None,
            p if (p as usize) <= n_topics => Some(p - 1),
            p => return Err(r.corrupt(format!("parent topic {} out of range", p - 1))),
        };
        let size = r.varint_u32()?;
        let label = ids_below(&mut r, n_phrases, "label phrase")?;
        let keyphrases = ids_below(&mut r, n_phrases, "topic keyphrase")?;
        let (x, y, radius) = (u16_le(&mut r)?, u16_le(&mut r)?, u16_le(&mut r)?);
        topics.push(Topic { parent, label, keyphrases, size, x, y, radius });
    }
    // Subtopics refine top topics, which come first.
    for t in &topics {
        if let Some(p) = t.parent {
            if topics[p as usize].parent.is_some() {
                return Err(r.corrupt(format!("topic {p} is both a subtopic and a parent")));
            }
        }
    }
    let n_edges = r.count(payload.len(), "edge")?;
    let mut edges = Vec::with_capacity(n_edges.min(1 << 16));
    for _ in 0..n_edges {
        let a = id_below(&mut r, n_topics, "edge topic")?;
        let b = id_below(&mut r, n_topics, "edge topic")?;
        let weight = r.byte()?;
        let shared_papers = r.varint_u32()?;
        let shared_phrases = ids_below(&mut r, n_phrases, "shared phrase")?;
        edges.push(Edge { a, b, weight, shared_papers, shared_phrases });
    }
    let n_papers = r.count(payload.len(), "paper")?;
    if n_papers != papers as usize {
        return Err(r.corrupt(format!("{n_papers} papers, the manifest says {papers}")));
    }
    let mut out = Vec::with_capacity(n_papers);
    for _ in 0..n_papers {
        let topic = id_below(&mut r, n_topics, "paper topic")?;
        let subtopic = match r.varint_u32()? {
            0 => None,
            s if (s as usize) <= n_topics => Some(s - 1),
            s => return Err(r.corrupt(format!("subtopic {} out of range", s - 1))),
        };
        let n_m = r.count(MAX_LIST, "membership")?;
        let mut memberships = Vec::with_capacity(n_m);
        for _ in 0..n_m {
            memberships.push((id_below(&mut r, n_topics, "membership topic")?, r.byte()?));
        }
        let keyphrases = ids_below(&mut r, n_phrases, "paper keyphrase")?;
        let n_rel = r.count(MAX_LIST, "related")?;
        let mut related = Vec::with_capacity(n_rel);
        for _ in 0..n_rel {
            related.push((id_below(&mut r, n_papers, "related paper")?, r.byte()?));
        }
        let (x, y) = (u16_le(&mut r)?, u16_le(&mut r)?);
        out.push(PaperTopics { topic, subtopic, memberships, keyphrases, related, x, y });
    }
    let trends = if r.is_empty() { None } else { Some(decode_trends(&mut r, n_topics, n_phrases)?) };
    if !r.is_empty() {
        return Err(r.corrupt(format!("{} bytes after the trends", r.remaining())));
    }
    Ok(TopicModel { phrases, topics, edges, papers: out, trends })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> TopicModel {
        TopicModel {
            phrases: vec!["scaling laws".into(), "physics-informed neural networks (PINN)".into()],
            topics: vec![
                Topic { parent: None, label: vec![0], keyphrases: vec![0, 1], size: 2, x: 1, y: 2, radius: 3 },
                Topic { parent: Some(0), label: vec![1], keyphrases: vec![], size: 1, x: 4, y: 5, radius: 6 },
            ],
            edges: vec![Edge { a: 0, b: 1, weight: 255, shared_papers: 1, shared_phrases: vec![0] }],
            papers: vec![
                PaperTopics {
                    topic: 0,
                    subtopic: Some(1),
                    memberships: vec![(0, 200)],
                    keyphrases: vec![1],
                    related: vec![(1, 90)],
                    x: 7,
                    y: 8,
                },
                PaperTopics {
                    topic: 0,
                    subtopic: None,
                    memberships: vec![],
                    keyphrases: vec![],
                    related: vec![],
                    x: 65535,
                    y: 0,
                },
            ],
            trends: Some(Trends {
                weekly: true,
                periods: vec![20250303, 20250310, 20250317],
                totals: vec![1, 0, 1],
                counts: vec![vec![1, 0, 1], vec![0, 0, 1]],
                recent_from: 2,
                rising: vec![(1, 1, 0)],
            }),
        }
    }

    #[test]
    fn round_trips() {
        let m = sample();
        assert_eq!(decode("t", &encode(&m), 2).unwrap(), m);
    }

    #[test]
    fn rejects_wrong_paper_count_and_every_truncation() {
        let bytes = encode(&sample());
        assert!(decode("t", &bytes, 3).unwrap_err().to_string().contains("manifest says 3"));
        // Cut right before the trends, a file reads as one written before trends existed.
        let without = TopicModel { trends: None, ..sample() };
        let boundary = encode(&without).len();
        for cut in 0..bytes.len() {
            match decode("t", &bytes[..cut], 2) {
                Ok(m) => assert!(cut == boundary && m == without, "cut at {cut} accepted"),
                Err(_) => assert_ne!(cut, boundary),
            }
        }
    }

    #[test]
    fn rejects_bad_trends() {
        let mut m = sample();
        m.trends.as_mut().unwrap().rising = vec![(9, 1, 0)];
        assert!(decode("t", &encode(&m), 2).unwrap_err().to_string().contains("rising phrase 9"));
        let mut m = sample();
        m.trends.as_mut().unwrap().periods = vec![20250310, 20250303, 20250317];
        assert!(decode("t", &encode(&m), 2).unwrap_err().to_string().contains("out of order"));
        let mut m = sample();
        m.trends.as_mut().unwrap().recent_from = 3;
        assert!(decode("t", &encode(&m), 2).is_err());
    }

    #[test]
    fn rejects_out_of_range_ids() {
        let mut m = sample();
        m.papers[0].related = vec![(5, 1)];
        assert!(decode("t", &encode(&m), 2).unwrap_err().to_string().contains("related paper 5"));
        let mut m = sample();
        m.topics[0].parent = Some(1);
        assert!(decode("t", &encode(&m), 2).is_err());
    }
}
