//! The topic files: the topic model as an index stores it, written and read here.
//!
//! A model is split by what the views need, so a large index fetches only what is shown:
//!
//! - `topic-summary`: phrases named by topics, edges and trends (count, strings); topics
//!   (count; each parent + 1 or 0, size, label ids, keyphrase ids, x y radius as u16 LE);
//!   edges (count; each a, b, weight byte, shared papers, shared phrase ids); papers (count;
//!   each its finest topic: the subtopic where it has one, whose parent is its top topic); then, for dated corpora, trends: a 1, weekly byte, periods
//!   (count, yyyymmdd each), totals and per topic a count per period, the recent window's
//!   first period, rising phrases (count; each phrase id, recent, before). Topic chips, the
//!   topic facet, the graph and the trends read this alone.
//! - `paper-map`: papers (count), then per paper its x and y less those of its finest topic's
//!   centre, wrapping, as u16 LE (the map view). Papers sit near their topic's centre, so the
//!   differences are small numbers that compress to 60% of the positions themselves.
//! - `topic-detail`, in chunks of the manifest's `topic_detail_per_chunk` papers: first
//!   document, papers, topics in the summary, the chunk's own phrase table (count, strings), then per paper its memberships
//!   as (topic, byte), keyphrase ids, related papers as (document, byte) (the paper view).
//!
//! Indexes written before the split hold all of it in one `topics` file (the summary's
//! sections with, per paper, topic, subtopic + 1 or 0, memberships, keyphrases, related and
//! x y, then trends), still read by [`decode`] and [`split`]. Every id is checked against
//! its table when read, so a corrupt file fails here, never later. (varints unless noted)

use super::format::{put_str, put_varint, Reader};
use super::manifest::FileEntry;
use super::parts::Parts;
use crate::engine::error::FormatError;
use crate::engine::topics::trends::{Trends, MAX_PERIODS, MAX_RISING};
use crate::engine::topics::{Edge, PaperTopics, Topic, TopicModel, TopicSummary};

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

/// Topic tables shared by the legacy file and the summary: topics and edges.
fn put_topics_and_edges(out: &mut Vec<u8>, topics: &[Topic], edges: &[Edge], phrase: &impl Fn(u32) -> u32) {
    put_varint(out, topics.len() as u64);
    for t in topics {
        put_varint(out, t.parent.map_or(0, |p| u64::from(p) + 1));
        put_varint(out, u64::from(t.size));
        put_ids(out, &t.label.iter().map(|&p| phrase(p)).collect::<Vec<_>>());
        put_ids(out, &t.keyphrases.iter().map(|&p| phrase(p)).collect::<Vec<_>>());
        put_u16(out, t.x);
        put_u16(out, t.y);
        put_u16(out, t.radius);
    }
    put_varint(out, edges.len() as u64);
    for e in edges {
        put_varint(out, u64::from(e.a));
        put_varint(out, u64::from(e.b));
        out.push(e.weight);
        put_varint(out, u64::from(e.shared_papers));
        put_ids(out, &e.shared_phrases.iter().map(|&p| phrase(p)).collect::<Vec<_>>());
    }
}

fn put_trends(out: &mut Vec<u8>, trends: Option<&Trends>, phrase: &impl Fn(u32) -> u32) {
    let Some(t) = trends else { return };
    put_varint(out, 1);
    out.push(u8::from(t.weekly));
    put_varint(out, t.periods.len() as u64);
    let put_all = |out: &mut Vec<u8>, values: &[u32]| values.iter().for_each(|&v| put_varint(out, u64::from(v)));
    put_all(out, &t.periods);
    put_all(out, &t.totals);
    for row in &t.counts {
        put_all(out, row);
    }
    put_varint(out, t.recent_from as u64);
    put_varint(out, t.rising.len() as u64);
    for &(k, recent, before) in &t.rising {
        put_all(out, &[phrase(k), recent, before]);
    }
}

/// A phrase table built in order of first use, for a file that names only some phrases.
#[derive(Default)]
struct PhraseTable<'a> {
    ids: rustc_hash::FxHashMap<u32, u32>,
    strings: Vec<&'a str>,
}

impl<'a> PhraseTable<'a> {
    fn add(&mut self, all: &'a [String], p: u32) {
        let next = self.strings.len() as u32;
        if let std::collections::hash_map::Entry::Vacant(v) = self.ids.entry(p) {
            v.insert(next);
            self.strings.push(all.get(p as usize).map_or("", String::as_str));
        }
    }

    fn id(&self, p: u32) -> u32 {
        self.ids[&p]
    }

    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, self.strings.len() as u64);
        self.strings.iter().for_each(|p| put_str(out, p));
    }
}

/// The payloads of a topic model's files.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicPayloads {
    /// The `topic-summary` payload.
    pub summary: Vec<u8>,
    /// The `paper-map` payload.
    pub map: Vec<u8>,
    /// The `topic-detail` payloads, in document order.
    pub details: Vec<Vec<u8>>,
    /// Papers per detail chunk (the manifest's `topic_detail_per_chunk`).
    pub per_chunk: u32,
}

/// Papers per `topic-detail` chunk for chunks of about `target_bytes`: the encoded size of a
/// paper's details estimated from its counts (phrases about 24 bytes in a chunk's table).
pub fn detail_papers_per_chunk(model: &TopicModel, target_bytes: usize) -> u32 {
    let n = model.papers.len();
    let bytes: usize =
        model.papers.iter().map(|p| 3 + 2 * p.memberships.len() + 24 * p.keyphrases.len() + 4 * p.related.len()).sum();
    super::docs::papers_per_chunk(bytes, n, target_bytes).min(n.max(1) as u32)
}

/// Encodes a topic model as its summary, map and detail chunks of `per_chunk` papers each.
pub fn encode(model: &TopicModel, per_chunk: u32) -> TopicPayloads {
    let per_chunk = per_chunk.max(1);
    let mut names = PhraseTable::default();
    for t in &model.topics {
        t.label.iter().chain(&t.keyphrases).for_each(|&p| names.add(&model.phrases, p));
    }
    for e in &model.edges {
        e.shared_phrases.iter().for_each(|&p| names.add(&model.phrases, p));
    }
    if let Some(t) = &model.trends {
        t.rising.iter().for_each(|r| names.add(&model.phrases, r.0));
    }
    let mut summary = Vec::new();
    names.put(&mut summary);
    put_topics_and_edges(&mut summary, &model.topics, &model.edges, &|p| names.id(p));
    put_varint(&mut summary, model.papers.len() as u64);
    for p in &model.papers {
        put_varint(&mut summary, u64::from(p.subtopic.unwrap_or(p.topic)));
    }
    put_trends(&mut summary, model.trends.as_ref(), &|p| names.id(p));

    let mut map = Vec::with_capacity(model.papers.len() * 4 + 5);
    put_varint(&mut map, model.papers.len() as u64);
    for p in &model.papers {
        let (cx, cy) = centre(&model.topics, p.subtopic.unwrap_or(p.topic));
        put_u16(&mut map, p.x.wrapping_sub(cx));
        put_u16(&mut map, p.y.wrapping_sub(cy));
    }

    let details = model
        .papers
        .chunks(per_chunk as usize)
        .enumerate()
        .map(|(i, chunk)| {
            let mut local = PhraseTable::default();
            chunk.iter().flat_map(|p| &p.keyphrases).for_each(|&k| local.add(&model.phrases, k));
            let mut out = Vec::new();
            put_varint(&mut out, i as u64 * u64::from(per_chunk));
            put_varint(&mut out, chunk.len() as u64);
            put_varint(&mut out, model.topics.len() as u64);
            local.put(&mut out);
            for p in chunk {
                put_varint(&mut out, p.memberships.len() as u64);
                for &(t, s) in &p.memberships {
                    put_varint(&mut out, u64::from(t));
                    out.push(s);
                }
                put_ids(&mut out, &p.keyphrases.iter().map(|&k| local.id(k)).collect::<Vec<_>>());
                put_varint(&mut out, p.related.len() as u64);
                for &(d, s) in &p.related {
                    put_varint(&mut out, u64::from(d));
                    out.push(s);
                }
            }
            out
        })
        .collect();
    TopicPayloads { summary, map, details, per_chunk }
}

/// Encodes a topic model as one `topics` file, the layout of indexes built before the split
/// (to test that those still read).
#[cfg(test)]
pub(crate) fn encode_whole(model: &TopicModel) -> Vec<u8> {
    let mut out = Vec::new();
    put_varint(&mut out, model.phrases.len() as u64);
    model.phrases.iter().for_each(|p| put_str(&mut out, p));
    put_topics_and_edges(&mut out, &model.topics, &model.edges, &|p| p);
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
    put_trends(&mut out, model.trends.as_ref(), &|p| p);
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

fn decode_phrases(r: &mut Reader, max: usize) -> Result<Vec<String>, FormatError> {
    let n = r.count(max, "phrase")?;
    (0..n).map(|_| r.str().map(str::to_string)).collect()
}

/// Reads the topics and edges tables (shared by the summary and the legacy file).
fn decode_topics_and_edges(
    r: &mut Reader,
    max: usize,
    n_phrases: usize,
) -> Result<(Vec<Topic>, Vec<Edge>), FormatError> {
    let n_topics = r.count(max.min(1 << 20), "topic")?;
    let mut topics = Vec::with_capacity(n_topics);
    for _ in 0..n_topics {
        let parent = match r.varint_u32()? {
            0 => None,
            p if (p as usize) <= n_topics => Some(p - 1),
            p => return Err(r.corrupt(format!("parent topic {} out of range", p - 1))),
        };
        let size = r.varint_u32()?;
        let label = ids_below(r, n_phrases, "label phrase")?;
        let keyphrases = ids_below(r, n_phrases, "topic keyphrase")?;
        let (x, y, radius) = (u16_le(r)?, u16_le(r)?, u16_le(r)?);
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
    let n_edges = r.count(max, "edge")?;
    let mut edges = Vec::with_capacity(n_edges.min(1 << 16));
    for _ in 0..n_edges {
        let a = id_below(r, n_topics, "edge topic")?;
        let b = id_below(r, n_topics, "edge topic")?;
        let weight = r.byte()?;
        let shared_papers = r.varint_u32()?;
        let shared_phrases = ids_below(r, n_phrases, "shared phrase")?;
        edges.push(Edge { a, b, weight, shared_papers, shared_phrases });
    }
    Ok((topics, edges))
}

fn paper_count(r: &mut Reader, max: usize, papers: u32) -> Result<usize, FormatError> {
    let n = r.count(max, "paper")?;
    if n != papers as usize {
        return Err(r.corrupt(format!("{n} papers, the manifest says {papers}")));
    }
    Ok(n)
}

/// No top topic or subtopic, in a topic column.
pub const NO_TOPIC: u32 = u32::MAX;

/// A summary as read: what the model's topic views need, and each paper's (top topic,
/// subtopic or [`NO_TOPIC`]).
pub type SummaryParts = (TopicSummary, Vec<(u32, u32)>);

/// Decodes a `topic-summary` payload of an index of `papers` papers.
pub fn decode_summary(file: &str, payload: &[u8], papers: u32) -> Result<SummaryParts, FormatError> {
    let mut r = Reader::new(file, payload);
    let phrases = decode_phrases(&mut r, payload.len())?;
    let (topics, edges) = decode_topics_and_edges(&mut r, payload.len(), phrases.len())?;
    let n = paper_count(&mut r, payload.len(), papers)?;
    let mut columns = Vec::with_capacity(n);
    for _ in 0..n {
        let t = id_below(&mut r, topics.len(), "paper topic")?;
        columns.push(match topics[t as usize].parent {
            Some(parent) => (parent, t),
            None => (t, NO_TOPIC),
        });
    }
    let trends = if r.is_empty() { None } else { Some(decode_trends(&mut r, topics.len(), phrases.len())?) };
    if !r.is_empty() {
        return Err(r.corrupt(format!("{} bytes after the trends", r.remaining())));
    }
    Ok((TopicSummary { phrases, topics, edges, trends }, columns))
}

/// A topic's centre on the map ((0, 0) for an unknown topic).
fn centre(topics: &[Topic], t: u32) -> (u16, u16) {
    topics.get(t as usize).map_or((0, 0), |t| (t.x, t.y))
}

/// Decodes a `paper-map` payload: each paper's (x, y), given the summary's topics and each
/// paper's (top topic, subtopic or [`NO_TOPIC`]).
pub fn decode_map(
    file: &str,
    payload: &[u8],
    topics: &[Topic],
    columns: &[(u32, u32)],
) -> Result<Vec<(u16, u16)>, FormatError> {
    let mut r = Reader::new(file, payload);
    let n = paper_count(&mut r, payload.len() / 4, columns.len() as u32)?;
    let points = columns
        .iter()
        .take(n)
        .map(|&(t, s)| {
            let (cx, cy) = centre(topics, if s == NO_TOPIC { t } else { s });
            Ok((u16_le(&mut r)?.wrapping_add(cx), u16_le(&mut r)?.wrapping_add(cy)))
        })
        .collect::<Result<Vec<_>, FormatError>>()?;
    if !r.is_empty() {
        return Err(r.corrupt(format!("{} bytes after the positions", r.remaining())));
    }
    Ok(points)
}

/// One paper's topic details (the paper view).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PaperDetail {
    /// Top topics by membership, strongest first: (topic, score 0..=255).
    pub memberships: Vec<(u32, u8)>,
    /// Its keyphrases (indices into its chunk's [`DetailChunk::phrases`]), most particular
    /// first.
    pub keyphrases: Vec<u32>,
    /// Related papers, best first: (document number, cosine × 255).
    pub related: Vec<(u32, u8)>,
}

/// The details of a range of papers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DetailChunk {
    /// The first paper's document number.
    pub first: u32,
    /// Topics of the summary the memberships refer to.
    pub topics: u32,
    /// The keyphrases of these papers.
    pub phrases: Vec<String>,
    /// Per paper from `first`.
    pub papers: Vec<PaperDetail>,
}

/// One paper's memberships, keyphrase ids and related papers (a detail chunk's record, and
/// part of a legacy file's).
fn decode_paper_detail(
    r: &mut Reader,
    topics: usize,
    phrases: usize,
    papers: usize,
) -> Result<PaperDetail, FormatError> {
    let n_m = r.count(MAX_LIST, "membership")?;
    let mut memberships = Vec::with_capacity(n_m);
    for _ in 0..n_m {
        memberships.push((id_below(r, topics, "membership topic")?, r.byte()?));
    }
    let keyphrases = ids_below(r, phrases, "paper keyphrase")?;
    let n_rel = r.count(MAX_LIST, "related")?;
    let mut related = Vec::with_capacity(n_rel);
    for _ in 0..n_rel {
        related.push((id_below(r, papers, "related paper")?, r.byte()?));
    }
    Ok(PaperDetail { memberships, keyphrases, related })
}

/// Decodes a `topic-detail` payload of an index of `papers` papers.
pub fn decode_detail(file: &str, payload: &[u8], papers: u32) -> Result<DetailChunk, FormatError> {
    let mut r = Reader::new(file, payload);
    let first = r.varint_u32()?;
    let n = r.count(payload.len(), "paper")?;
    if u64::from(first) + n as u64 > u64::from(papers) {
        return Err(r.corrupt(format!("papers {first}..{} of {papers}", u64::from(first) + n as u64)));
    }
    let topics = r.varint_u32()?;
    let phrases = decode_phrases(&mut r, payload.len())?;
    let out = (0..n)
        .map(|_| decode_paper_detail(&mut r, topics as usize, phrases.len(), papers as usize))
        .collect::<Result<Vec<_>, _>>()?;
    if !r.is_empty() {
        return Err(r.corrupt(format!("{} bytes after the papers", r.remaining())));
    }
    Ok(DetailChunk { first, topics, phrases, papers: out })
}

/// Decodes a topic model of `papers` papers from a legacy `topics` payload (one file).
pub fn decode(file: &str, payload: &[u8], papers: u32) -> Result<TopicModel, FormatError> {
    let mut r = Reader::new(file, payload);
    let phrases = decode_phrases(&mut r, payload.len())?;
    let n_phrases = phrases.len();
    let (topics, edges) = decode_topics_and_edges(&mut r, payload.len(), n_phrases)?;
    let n_topics = topics.len();
    let n_papers = paper_count(&mut r, payload.len(), papers)?;
    let mut out = Vec::with_capacity(n_papers);
    for _ in 0..n_papers {
        let topic = id_below(&mut r, n_topics, "paper topic")?;
        let subtopic = match r.varint_u32()? {
            0 => None,
            s if (s as usize) <= n_topics => Some(s - 1),
            s => return Err(r.corrupt(format!("subtopic {} out of range", s - 1))),
        };
        let PaperDetail { memberships, keyphrases, related } =
            decode_paper_detail(&mut r, n_topics, n_phrases, n_papers)?;
        let (x, y) = (u16_le(&mut r)?, u16_le(&mut r)?);
        out.push(PaperTopics { topic, subtopic, memberships, keyphrases, related, x, y });
    }
    let trends = if r.is_empty() { None } else { Some(decode_trends(&mut r, n_topics, n_phrases)?) };
    if !r.is_empty() {
        return Err(r.corrupt(format!("{} bytes after the trends", r.remaining())));
    }
    Ok(TopicModel { phrases, topics, edges, papers: out, trends })
}

/// The parts a reader holds of a whole model (a legacy `topics` file): summary with topic
/// columns, map, and every paper's details as one chunk.
pub fn split(model: TopicModel) -> (SummaryParts, Vec<(u16, u16)>, DetailChunk) {
    let TopicModel { phrases, topics, edges, papers, trends } = model;
    let columns = papers.iter().map(|p| (p.topic, p.subtopic.unwrap_or(NO_TOPIC))).collect();
    let map = papers.iter().map(|p| (p.x, p.y)).collect();
    let details = DetailChunk {
        first: 0,
        topics: topics.len() as u32,
        papers: papers
            .into_iter()
            .map(|p| PaperDetail { memberships: p.memberships, keyphrases: p.keyphrases, related: p.related })
            .collect(),
        // The whole table: the papers' ids point into it.
        phrases: phrases.clone(),
    };
    ((TopicSummary { phrases, topics, edges, trends }, columns), map, details)
}

/// The per-paper topic details of an index, in chunks attached as they are fetched.
#[derive(Debug)]
pub struct TopicDetails {
    per_chunk: u32,
    parts: Parts<DetailChunk>,
}

impl Default for TopicDetails {
    fn default() -> Self {
        TopicDetails { per_chunk: 1, parts: Parts::listed(Vec::new()) }
    }
}

impl TopicDetails {
    /// Chunks of `per_chunk` papers listed in the manifest (none attached yet), for `papers`
    /// papers.
    pub fn listed(papers: u32, per_chunk: u32, entries: Vec<FileEntry>) -> Result<Self, FormatError> {
        let expected = papers.div_ceil(per_chunk.max(1)) as usize;
        if per_chunk == 0 || entries.len() != expected {
            return Err(FormatError::Manifest(format!(
                "{} `topic-detail` files listed for {papers} papers of {per_chunk} per chunk",
                entries.len()
            )));
        }
        Ok(TopicDetails { per_chunk, parts: Parts::listed(entries) })
    }

    /// Every paper's details, at hand (a legacy `topics` file).
    pub fn whole(chunk: DetailChunk) -> Self {
        TopicDetails { per_chunk: chunk.papers.len().max(1) as u32, parts: Parts::whole(chunk) }
    }

    /// Attaches the chunk listed as `entry` after checking that it holds its range.
    pub fn attach(&mut self, entry: &FileEntry, chunk: DetailChunk) -> Result<(), FormatError> {
        let Some(i) = self.parts.position(entry) else {
            return Err(FormatError::Manifest(format!("`{}` is not a topic-detail chunk of this index", entry.name)));
        };
        if u64::from(chunk.first) != i as u64 * u64::from(self.per_chunk) {
            return Err(FormatError::Corrupt {
                file: entry.name.clone(),
                what: format!(
                    "starts at paper {}, its place in the manifest at {}",
                    chunk.first,
                    i as u32 * self.per_chunk
                ),
            });
        }
        self.parts.set(i, chunk);
        Ok(())
    }

    /// A paper's details with its chunk's phrase table; `None` when its chunk is not
    /// attached (then recorded as missing) or the index has no such paper.
    pub fn get(&self, doc: u32) -> Option<(&PaperDetail, &[String])> {
        let chunk = self.parts.get((doc / self.per_chunk) as usize)?;
        let detail = chunk.papers.get(doc.checked_sub(chunk.first)? as usize)?;
        Some((detail, &chunk.phrases))
    }

    /// Whether a paper's details are at hand (nothing recorded).
    pub fn is_loaded(&self, doc: u32) -> bool {
        self.parts.peek((doc / self.per_chunk) as usize).is_some()
    }

    /// The chunks reads asked for but found missing since the last call.
    pub fn take_missing(&self) -> Vec<FileEntry> {
        self.parts.take_missing()
    }

    /// Whether reads asked for chunks not attached.
    pub fn has_missing(&self) -> bool {
        self.parts.has_missing()
    }

    /// Every listed chunk not attached yet.
    pub fn missing_all(&self) -> Vec<FileEntry> {
        self.parts.missing_all()
    }
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

    /// The model as a reader holds it, from the split files: summary, columns, map and every
    /// paper's details with its keyphrases as strings.
    type Read = (TopicSummary, Vec<(u32, u32)>, Vec<(u16, u16)>, Vec<Resolved>);

    /// A paper's memberships, keyphrases as text and related papers.
    type Resolved = (Vec<(u32, u8)>, Vec<String>, Vec<(u32, u8)>);

    fn read_split(p: &TopicPayloads, papers: u32) -> Read {
        let (summary, columns) = decode_summary("s", &p.summary, papers).unwrap();
        let per_chunk = p.per_chunk;
        let map = decode_map("m", &p.map, &summary.topics, &columns).unwrap();
        let entries: Vec<FileEntry> = (0..p.details.len())
            .map(|i| FileEntry { role: "topic-detail".into(), name: format!("d{i}"), bytes: 0, hash: String::new() })
            .collect();
        let mut details = TopicDetails::listed(papers, per_chunk, entries.clone()).unwrap();
        for (entry, bytes) in entries.iter().zip(&p.details) {
            details.attach(entry, decode_detail(&entry.name, bytes, papers).unwrap()).unwrap();
        }
        let per_paper = (0..papers)
            .map(|d| {
                let (detail, phrases) = details.get(d).unwrap();
                let words = detail.keyphrases.iter().map(|&k| phrases[k as usize].clone()).collect();
                (detail.memberships.clone(), words, detail.related.clone())
            })
            .collect();
        (summary, columns, map, per_paper)
    }

    /// What every reader must see of `m`: the same with phrase ids resolved to strings.
    fn expected(m: &TopicModel) -> Vec<Resolved> {
        m.papers
            .iter()
            .map(|p| {
                let words = p.keyphrases.iter().map(|&k| m.phrases[k as usize].clone()).collect();
                (p.memberships.clone(), words, p.related.clone())
            })
            .collect()
    }

    #[test]
    fn split_files_round_trip_at_any_chunk_size() {
        let m = sample();
        for per_chunk in [1, 2, 3] {
            let p = encode(&m, per_chunk);
            assert_eq!(p.details.len(), 2usize.div_ceil(per_chunk as usize));
            let (summary, columns, map, per_paper) = read_split(&p, 2);
            assert_eq!(columns, vec![(0, 1), (0, NO_TOPIC)]);
            assert_eq!(map, vec![(7, 8), (65535, 0)]);
            assert_eq!(per_paper, expected(&m));
            assert_eq!((summary.topics.clone(), summary.edges.len()), (m.topics.clone(), 1));
            // Labels and trends name the same phrases (ids may differ: the summary keeps only
            // the phrases it names).
            assert_eq!((summary.label(0), summary.label(1)), (m.label(0), m.label(1)));
            let rising = &summary.trends.as_ref().unwrap().rising;
            assert_eq!(summary.phrases[rising[0].0 as usize], m.phrases[1]);
        }
    }

    #[test]
    fn the_summary_leaves_out_phrases_only_papers_name() {
        let mut m = sample();
        m.phrases.push("only a paper's".into());
        m.papers[1].keyphrases = vec![2];
        let p = encode(&m, 2);
        let (summary, _, _, per_paper) = read_split(&p, 2);
        assert!(!summary.phrases.iter().any(|s| s == "only a paper's"));
        assert_eq!(per_paper[1].1, vec!["only a paper's".to_string()]);
    }

    #[test]
    fn a_legacy_file_splits_into_the_same_parts() {
        let m = sample();
        let whole = decode("t", &encode_whole(&m), 2).unwrap();
        assert_eq!(whole, m);
        let ((summary, columns), map, chunk) = split(whole);
        let p = encode(&m, 2);
        let (s2, c2, m2, _) = read_split(&p, 2);
        assert_eq!((columns, map), (c2, m2));
        assert_eq!((summary.label(0), summary.topics.len()), (s2.label(0), s2.topics.len()));
        let details = TopicDetails::whole(chunk);
        let (d, phrases) = details.get(0).unwrap();
        assert_eq!(
            (d.related.clone(), phrases[d.keyphrases[0] as usize].clone()),
            (vec![(1, 90)], m.phrases[1].clone())
        );
    }

    #[test]
    fn rejects_wrong_paper_count_and_every_truncation() {
        let bytes = encode_whole(&sample());
        assert!(decode("t", &bytes, 3).unwrap_err().to_string().contains("manifest says 3"));
        // Cut right before the trends, a file reads as one written before trends existed.
        let without = TopicModel { trends: None, ..sample() };
        let boundary = encode_whole(&without).len();
        for cut in 0..bytes.len() {
            match decode("t", &bytes[..cut], 2) {
                Ok(m) => assert!(cut == boundary && m == without, "cut at {cut} accepted"),
                Err(_) => assert_ne!(cut, boundary),
            }
        }
        let p = encode(&sample(), 1);
        assert!(decode_summary("s", &p.summary, 3).unwrap_err().to_string().contains("manifest says 3"));
        let (summary, columns) = decode_summary("s", &p.summary, 2).unwrap();
        let map = |bytes: &[u8], columns: &[(u32, u32)]| decode_map("m", bytes, &summary.topics, columns);
        assert!(map(&p.map, &columns[..1]).is_err());
        assert!(decode_detail("d", &p.details[1], 1).unwrap_err().to_string().contains("papers 1..2 of 1"));
        let boundary = encode(&without, 1).summary.len();
        for cut in 0..p.summary.len() {
            assert_eq!(decode_summary("s", &p.summary[..cut], 2).is_ok(), cut == boundary, "summary cut at {cut}");
        }
        for cut in 0..p.map.len() {
            assert!(map(&p.map[..cut], &columns).is_err());
        }
        for cut in 0..p.details[0].len() {
            assert!(decode_detail("d", &p.details[0][..cut], 2).is_err(), "detail cut at {cut}");
        }
        let mut longer = p.map.clone();
        longer.push(0);
        assert!(map(&longer, &columns).is_err());
        // Positions are stored from their topic's centre, wrapping: any position reads back.
        let mut m = sample();
        m.papers[0].x = 0;
        m.papers[1].y = 65535;
        m.topics[1].x = 65535;
        let p = encode(&m, 1);
        let (summary, columns) = decode_summary("s", &p.summary, 2).unwrap();
        let points = decode_map("m", &p.map, &summary.topics, &columns).unwrap();
        assert_eq!(points, vec![(0, 8), (65535, 65535)]);
    }

    #[test]
    fn a_chunk_in_another_place_is_refused_and_a_missing_one_recorded() {
        let p = encode(&sample(), 1);
        let entries: Vec<FileEntry> = (0..2)
            .map(|i| FileEntry { role: "topic-detail".into(), name: format!("d{i}"), bytes: 0, hash: String::new() })
            .collect();
        assert!(TopicDetails::listed(2, 1, entries[..1].to_vec()).is_err());
        let mut details = TopicDetails::listed(2, 1, entries.clone()).unwrap();
        let second = decode_detail("d1", &p.details[1], 2).unwrap();
        assert!(details.attach(&entries[0], second.clone()).unwrap_err().to_string().contains("starts at paper 1"));
        assert!(details.get(1).is_none());
        assert_eq!(details.take_missing(), vec![entries[1].clone()]);
        assert!(!details.has_missing());
        details.attach(&entries[1], second).unwrap();
        assert!(details.get(1).is_some() && details.is_loaded(1) && !details.is_loaded(0));
        assert_eq!(details.missing_all(), vec![entries[0].clone()]);
    }

    #[test]
    fn rejects_bad_trends() {
        let mut m = sample();
        m.trends.as_mut().unwrap().rising = vec![(9, 1, 0)];
        assert!(decode("t", &encode_whole(&m), 2).unwrap_err().to_string().contains("rising phrase 9"));
        let mut m = sample();
        m.trends.as_mut().unwrap().periods = vec![20250310, 20250303, 20250317];
        assert!(decode("t", &encode_whole(&m), 2).unwrap_err().to_string().contains("out of order"));
        assert!(decode_summary("s", &encode(&m, 2).summary, 2).unwrap_err().to_string().contains("out of order"));
        let mut m = sample();
        m.trends.as_mut().unwrap().recent_from = 3;
        assert!(decode("t", &encode_whole(&m), 2).is_err());
        assert!(decode_summary("s", &encode(&m, 2).summary, 2).is_err());
    }

    #[test]
    fn rejects_out_of_range_ids() {
        let mut m = sample();
        m.papers[0].related = vec![(5, 1)];
        assert!(decode("t", &encode_whole(&m), 2).unwrap_err().to_string().contains("related paper 5"));
        assert!(decode_detail("d", &encode(&m, 2).details[0], 2).unwrap_err().to_string().contains("related paper 5"));
        let mut m = sample();
        m.papers[0].memberships = vec![(2, 1)];
        assert!(decode_detail("d", &encode(&m, 2).details[0], 2)
            .unwrap_err()
            .to_string()
            .contains("membership topic 2"));
        let mut m = sample();
        m.papers[1].topic = 7;
        assert!(decode_summary("s", &encode(&m, 2).summary, 2).unwrap_err().to_string().contains("paper topic 7"));
        let mut m = sample();
        m.topics[0].parent = Some(1);
        assert!(decode("t", &encode_whole(&m), 2).is_err());
        assert!(decode_summary("s", &encode(&m, 2).summary, 2).is_err());
    }

    proptest::proptest! {
        /// Hostile bytes never panic any decoder, and every id a decoder accepts is in range.
        #[test]
        fn arbitrary_bytes_are_refused_or_read_in_range(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300), flip in 0usize..400) {
            // Raw bytes, and a real file with one byte changed.
            let real = encode(&sample(), 1);
            let mut changed = real.summary.clone();
            let at = flip % changed.len();
            changed[at] = changed[at].wrapping_add(1 + (flip / changed.len()) as u8);
            for payload in [&bytes, &changed] {
                if let Ok((summary, columns)) = decode_summary("s", payload, 2) {
                    let n = summary.topics.len() as u32;
                    proptest::prop_assert!(columns.iter().all(|&(t, s)| t < n && (s == NO_TOPIC || s < n)));
                    let _ = decode_map("m", &bytes, &summary.topics, &columns);
                }
            }
            if let Ok(chunk) = decode_detail("d", &bytes, 5) {
                for p in &chunk.papers {
                    proptest::prop_assert!(p.related.iter().all(|r| r.0 < 5));
                    proptest::prop_assert!(p.memberships.iter().all(|m| m.0 < chunk.topics));
                    proptest::prop_assert!(p.keyphrases.iter().all(|&k| (k as usize) < chunk.phrases.len()));
                }
            }
            let _ = decode("t", &bytes, 2);
        }
    }
}
