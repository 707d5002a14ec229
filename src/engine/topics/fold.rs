//! Topics for a corpus larger than the sample its model is fitted on: the corpus spilled to
//! a scratch file as it streams by, every paper then placed in the fitted model (its
//! vector weighed by the sample's word and phrase frequencies, smoothed with its nearest
//! sample papers, given the nearest topic and subtopic), and related papers found among the
//! papers of the same top topic, one topic at a time from a second scratch file per topic.
//! What stays in memory is the sample's model, one topic's vectors and each paper's few
//! numbers, not the corpus.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use super::cluster::Interleaved;
use super::vectors::{self, NeighbourIndex, Scratch, SparseVec};
use super::{add_acronym_uses, analyse_frozen, keyphrases, memberships_of, smooth, Rows, Subtopics, Weights};
use crate::engine::corpus::Paper;
use crate::engine::text::Analyzer;

/// Papers placed per read of the spilled corpus (their results are written before the next).
const CHUNK: usize = 8192;

/// Papers placed per task (each task reuses one accumulator the size of the sample).
const BLOCK: usize = 256;

/// A corpus written to a scratch folder as it streams by: titles and abstracts in one file,
/// dates in memory (for the trends). The folder is removed when this is dropped.
pub(super) struct Spill {
    dir: PathBuf,
    out: Option<BufWriter<std::fs::File>>,
    dates: Vec<Option<String>>,
}

fn papers_file(dir: &Path) -> PathBuf {
    dir.join("papers")
}

impl Spill {
    /// An empty spill in `dir` (created; anything in it may be overwritten and is removed).
    pub(super) fn create(dir: &Path) -> std::io::Result<Spill> {
        std::fs::create_dir_all(dir)?;
        let out = BufWriter::new(std::fs::File::create(papers_file(dir))?);
        Ok(Spill { dir: dir.to_path_buf(), out: Some(out), dates: Vec::new() })
    }

    /// Appends a paper (what the topic model reads of it: title, abstract, date).
    pub(super) fn push(&mut self, p: &Paper) -> std::io::Result<()> {
        let out = self.out.as_mut().ok_or_else(|| std::io::Error::other("the topic spill is closed"))?;
        for text in [&p.title, &p.abstract_text] {
            let len = u32::try_from(text.len()).map_err(|_| std::io::Error::other("a paper's text is over 4 GB"))?;
            out.write_all(&len.to_le_bytes())?;
            out.write_all(text.as_bytes())?;
        }
        self.dates.push(p.date.clone());
        Ok(())
    }

    /// Closes the file for reading.
    pub(super) fn finish(mut self) -> std::io::Result<Spill> {
        if let Some(out) = self.out.take() {
            out.into_inner().map_err(|e| e.into_error())?;
        }
        Ok(self)
    }

    fn reader(&self) -> std::io::Result<SpillReader> {
        Ok(SpillReader { input: BufReader::new(std::fs::File::open(papers_file(&self.dir))?) })
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        // Scratch: gone once the model is made, or if the build stops early.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Reads a [`Spill`]'s papers back in order.
struct SpillReader {
    input: BufReader<std::fs::File>,
}

impl SpillReader {
    fn text(&mut self) -> std::io::Result<Option<String>> {
        let mut len = [0u8; 4];
        match self.input.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let mut bytes = vec![0u8; u32::from_le_bytes(len) as usize];
        self.input.read_exact(&mut bytes)?;
        String::from_utf8(bytes).map(Some).map_err(|_| std::io::Error::other("the topic spill holds a broken text"))
    }

    fn next_paper(&mut self) -> std::io::Result<Option<Paper>> {
        let Some(title) = self.text()? else { return Ok(None) };
        let abstract_text = self.text()?.ok_or_else(|| std::io::Error::other("the topic spill ends inside a paper"))?;
        Ok(Some(Paper { title, abstract_text, ..Paper::default() }))
    }
}

/// A spilled corpus and which of its papers the model was fitted on.
pub(super) struct Rest {
    /// Every paper, in corpus order.
    pub(super) spill: Spill,
    /// The sample's document numbers, ascending (sample paper `i` is paper `sample_docs[i]`).
    pub(super) sample_docs: Vec<u32>,
}

/// What a model fitted on a sample keeps for placing every paper in it.
pub(super) struct Fitted<'a> {
    pub(super) analyzer: Analyzer,
    /// The sample's words as written: (surface, acronym plural) → term id.
    pub(super) stems: &'a FxHashMap<(String, bool), u32>,
    /// The sample's vocabulary: stemmed word → term id.
    pub(super) term_ids: &'a FxHashMap<String, u32>,
    pub(super) terms: &'a [String],
    /// The mined phrases.
    pub(super) matcher: keyphrases::Matcher,
    /// Acronym term id → the phrase it stands for.
    pub(super) stands_for: &'a FxHashMap<u32, u32>,
    pub(super) weights: Weights<'a>,
    /// The sample's vectors and an index over them (each paper is smoothed with its nearest).
    pub(super) vecs: &'a [SparseVec],
    pub(super) index: NeighbourIndex,
    /// Candidates looked at per paper when finding neighbours.
    pub(super) n_candidates: usize,
    /// Neighbours mixed into a paper's vector before it is given a topic.
    pub(super) smoothing: usize,
    /// Top topics' centroids (over the smoothed vectors' features).
    pub(super) centroids: Interleaved,
    /// Per top topic, its subtopics when it has them.
    pub(super) subtopics: &'a [Option<Subtopics>],
    pub(super) n_features: usize,
}

/// One paper placed in a fitted model.
struct Placed {
    topic: u32,
    subtopic: Option<u32>,
    memberships: Vec<(u32, u8)>,
    keyphrases: Vec<u32>,
    fit: f32,
    /// Its own (unsmoothed) vector, for related papers.
    vector: SparseVec,
}

impl Fitted<'_> {
    /// Places a paper; `own` is its number in the sample when it is a sample paper (it is
    /// not its own neighbour).
    fn place(&self, paper: &Paper, own: Option<u32>, scratch: &mut Scratch) -> Placed {
        let (counts, run) = analyse_frozen(&self.analyzer, self.stems, self.term_ids, self.terms, paper);
        let mut phrases = self.matcher.count(&run.terms, |_, _, _| {});
        add_acronym_uses(&mut phrases, &counts, self.stands_for);
        let vector = self.weights.vector(&counts, &phrases);
        let candidates = self.index.candidates(&vector, self.n_candidates, own, scratch);
        let nearest = vectors::rerank_one(&vector, &candidates, self.vecs, self.smoothing);
        let smoothed = smooth(&vector, nearest.iter().map(|&(o, s)| (&self.vecs[o as usize], s)));
        let mut sims = Vec::new();
        let (topic, fit) = self.centroids.best(&smoothed, &mut sims);
        let subtopic = self.subtopics.get(topic as usize).and_then(Option::as_ref).map(|s| s.nearest(&smoothed));
        Placed {
            topic,
            subtopic,
            memberships: memberships_of(&sims, topic),
            keyphrases: self.weights.keyphrases(&phrases),
            fit,
            vector,
        }
    }
}

/// Per top topic, a scratch file of its papers' vectors: (document number, features).
struct Buckets {
    dir: PathBuf,
    out: Vec<BufWriter<std::fs::File>>,
}

impl Buckets {
    fn path(dir: &Path, topic: usize) -> PathBuf {
        dir.join(format!("topic-{topic}"))
    }

    fn create(dir: &Path, topics: usize) -> std::io::Result<Buckets> {
        let out = (0..topics)
            .map(|t| std::fs::File::create(Self::path(dir, t)).map(BufWriter::new))
            .collect::<std::io::Result<_>>()?;
        Ok(Buckets { dir: dir.to_path_buf(), out })
    }

    fn write(&mut self, topic: u32, doc: u32, v: &SparseVec) -> std::io::Result<()> {
        let out = &mut self.out[topic as usize];
        out.write_all(&doc.to_le_bytes())?;
        out.write_all(&(v.idx.len() as u32).to_le_bytes())?;
        for &i in &v.idx {
            out.write_all(&i.to_le_bytes())?;
        }
        for &w in &v.val {
            out.write_all(&w.to_le_bytes())?;
        }
        Ok(())
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.out.iter_mut().try_for_each(|o| o.flush())?;
        self.out.clear();
        Ok(())
    }

    /// A topic's papers, in corpus order, with their vectors (the file is removed).
    fn read(&self, topic: usize) -> std::io::Result<(Vec<u32>, Vec<SparseVec>)> {
        let path = Self::path(&self.dir, topic);
        let mut input = BufReader::new(std::fs::File::open(&path)?);
        let mut word = [0u8; 4];
        let (mut docs, mut vecs) = (Vec::new(), Vec::new());
        loop {
            match input.read_exact(&mut word) {
                Ok(()) => docs.push(u32::from_le_bytes(word)),
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
                Err(e) => return Err(e),
            }
            input.read_exact(&mut word)?;
            let len = u32::from_le_bytes(word) as usize;
            let mut bytes = vec![0u8; len * 8];
            input.read_exact(&mut bytes)?;
            let mut words = bytes.chunks_exact(4).map(|w| <[u8; 4]>::try_from(w).expect("four bytes"));
            let idx = words.by_ref().take(len).map(u32::from_le_bytes).collect();
            let val = words.map(f32::from_le_bytes).collect();
            vecs.push(SparseVec { idx, val });
        }
        std::fs::remove_file(&path)?;
        Ok((docs, vecs))
    }
}

/// Places every spilled paper in the fitted model and finds its related papers among its
/// top topic's papers: the rows of the whole corpus, and its papers' dates.
pub(super) fn place_all(
    fitted: &Fitted<'_>,
    rest: Rest,
    options: &super::TopicOptions,
) -> std::io::Result<(Rows, Vec<Option<String>>)> {
    let Rest { mut spill, sample_docs } = rest;
    let n = spill.dates.len();
    let mut buckets = Buckets::create(&spill.dir, fitted.centroids.k())?;
    let mut rows = Rows::default();
    let mut reader = spill.reader()?;
    let mut chunk: Vec<Paper> = Vec::with_capacity(CHUNK);
    loop {
        chunk.clear();
        while chunk.len() < CHUNK {
            match reader.next_paper()? {
                Some(p) => chunk.push(p),
                None => break,
            }
        }
        if chunk.is_empty() {
            break;
        }
        let first = rows.topic.len();
        let placed = vectors::parallel_map(chunk.len().div_ceil(BLOCK), options.threads, |b| {
            let mut scratch = fitted.index.scratch();
            (b * BLOCK..((b + 1) * BLOCK).min(chunk.len()))
                .map(|i| {
                    let own = sample_docs.binary_search(&((first + i) as u32)).ok().map(|j| j as u32);
                    fitted.place(&chunk[i], own, &mut scratch)
                })
                .collect::<Vec<_>>()
        });
        for p in placed.into_iter().flatten() {
            buckets.write(p.topic, rows.topic.len() as u32, &p.vector)?;
            rows.topic.push(p.topic);
            rows.subtopic.push(p.subtopic);
            rows.memberships.push(p.memberships);
            rows.keyphrases.push(p.keyphrases);
            rows.fits.push(p.fit);
        }
    }
    if rows.topic.len() != n {
        return Err(std::io::Error::other("the topic spill holds fewer papers than were written"));
    }
    buckets.finish()?;
    // Related papers: each topic's papers against each other (a paper's nearest neighbours
    // nearly always share its topic; the sample's own related papers were ranked with a
    // bonus for that).
    rows.related = vec![Vec::new(); n];
    for t in 0..fitted.centroids.k() {
        let (docs, vecs) = buckets.read(t)?;
        let candidates = vectors::neighbours(&vecs, fitted.n_features, fitted.n_candidates, options.threads);
        let ranked = vectors::rerank(&vecs, &candidates, options.related, options.threads);
        for (i, list) in ranked.into_iter().enumerate() {
            rows.related[docs[i] as usize] = list.into_iter().map(|(o, s)| (docs[o as usize], s)).collect();
        }
    }
    Ok((rows, std::mem::take(&mut spill.dates)))
}
