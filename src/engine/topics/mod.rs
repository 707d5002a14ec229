//! Topics, keyphrases, related papers, the topic graph and the paper map, all computed at
//! build time from titles and abstracts, deterministically (fixed seeds, no clock, no
//! hash-map order in the output).
//!
//! The pipeline: analyse every paper with the index's own analyzer; mine keyphrases
//! ([`keyphrases`]) and tie acronyms to their expansions ([`acronyms`]); build unit tf-idf
//! vectors over words and phrases ([`vectors`]); find each paper's nearest neighbours (the
//! related papers); smooth each vector with its neighbours', which pulls papers of one
//! subject together the way a shared citation would; cluster the smoothed vectors with
//! spherical k-means started from a bottom-up merge into top topics and, on large corpora,
//! subtopics ([`cluster`]); rank each paper's related papers again with its topic known; label
//! each topic with the keyphrases most particular to it; connect topics and lay out a map
//! ([`layout`]).

pub mod acronyms;
pub mod cluster;
mod fold;
pub mod keyphrases;
pub mod layout;
pub mod trends;
pub mod vectors;

use rustc_hash::FxHashMap;

use crate::engine::corpus::Paper;
use crate::engine::text::{surfaces_into, Analyzer, SurfaceToken, Token};
use keyphrases::{Runs, BREAK};
use vectors::{idf, SparseVec};

/// Choices for the topic model.
#[derive(Debug, Clone)]
pub struct TopicOptions {
    /// Number of top topics; chosen from the corpus size when `None`.
    pub topics: Option<usize>,
    /// Related papers kept per paper.
    pub related: usize,
    /// Seed for clustering and layout.
    pub seed: u64,
    /// Worker threads (results do not depend on it).
    pub threads: usize,
    /// Neighbours mixed into each paper's vector before clustering (0: none).
    pub smoothing: usize,
    /// Papers a streamed build fits the model on: a larger corpus is fitted on a uniform
    /// sample of this many and every paper then placed in it ([`compute_streaming`]).
    pub fit_sample: usize,
}

/// The default [`TopicOptions::fit_sample`]: more papers than the 74,728-paper arXiv corpus,
/// whose model is fitted on every paper; the sample's model takes about 1 GB.
pub const FIT_SAMPLE: usize = 100_000;

impl Default for TopicOptions {
    fn default() -> Self {
        TopicOptions { topics: None, related: 8, seed: 0x5EED, threads: 1, smoothing: 10, fit_sample: FIT_SAMPLE }
    }
}

/// A topic: a top topic (`parent` `None`) or a subtopic of one.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    /// The top topic this one refines.
    pub parent: Option<u32>,
    /// Two to four phrases naming it (indices into [`TopicModel::phrases`]).
    pub label: Vec<u32>,
    /// Its most particular keyphrases, best first.
    pub keyphrases: Vec<u32>,
    /// Papers whose primary topic (or subtopic) it is.
    pub size: u32,
    /// Centre on the map, 0..=65535 on each axis.
    pub x: u16,
    /// Centre on the map (y).
    pub y: u16,
    /// Radius on the map, same units.
    pub radius: u16,
}

/// An edge of the topic graph between two top topics.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// One topic (the lower id).
    pub a: u32,
    /// The other topic.
    pub b: u32,
    /// Strength, 1..=255 (255 the strongest edge of the graph).
    pub weight: u8,
    /// Papers of either topic with a strong membership in the other.
    pub shared_papers: u32,
    /// Keyphrases particular to both.
    pub shared_phrases: Vec<u32>,
}

/// One paper's place in the model.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PaperTopics {
    /// Primary top topic.
    pub topic: u32,
    /// Primary subtopic, when its top topic has subtopics.
    pub subtopic: Option<u32>,
    /// Top topics by membership, strongest first: (topic, score 0..=255 as cosine × 255).
    pub memberships: Vec<(u32, u8)>,
    /// The paper's keyphrases, most particular first.
    pub keyphrases: Vec<u32>,
    /// Related papers, best first: (document number, cosine × 255).
    pub related: Vec<(u32, u8)>,
    /// Position on the map.
    pub x: u16,
    /// Position on the map (y).
    pub y: u16,
}

/// Everything the topic step produces.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TopicModel {
    /// Phrases referenced by topics and papers, as shown.
    pub phrases: Vec<String>,
    /// Top topics first, then subtopics.
    pub topics: Vec<Topic>,
    /// Topic graph edges (between top topics).
    pub edges: Vec<Edge>,
    /// Per paper, by document number.
    pub papers: Vec<PaperTopics>,
    /// Papers over time and rising phrases, for dated corpora.
    pub trends: Option<trends::Trends>,
}

impl TopicModel {
    /// A topic's label as one string ("scaling laws · compute-optimal").
    pub fn label(&self, topic: u32) -> String {
        label_of(&self.phrases, &self.topics, topic)
    }

    /// Number of top topics.
    pub fn top_count(&self) -> usize {
        top_count_of(&self.topics)
    }
}

/// The part of a topic model every topic view needs, as an index reader holds it: topics,
/// graph and trends with the phrases they name. Per-paper data is apart (the reader's topic
/// columns, paper map and topic details), so a large index fetches only what a view shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TopicSummary {
    /// Phrases referenced by topics, edges and trends, as shown.
    pub phrases: Vec<String>,
    /// Top topics first, then subtopics.
    pub topics: Vec<Topic>,
    /// Topic graph edges (between top topics).
    pub edges: Vec<Edge>,
    /// Papers over time and rising phrases, for dated corpora.
    pub trends: Option<trends::Trends>,
}

impl TopicSummary {
    /// A topic's label as one string ("scaling laws · compute-optimal").
    pub fn label(&self, topic: u32) -> String {
        label_of(&self.phrases, &self.topics, topic)
    }

    /// Number of top topics.
    pub fn top_count(&self) -> usize {
        top_count_of(&self.topics)
    }
}

fn label_of(phrases: &[String], topics: &[Topic], topic: u32) -> String {
    topics
        .get(topic as usize)
        .map(|t| t.label.iter().filter_map(|&p| phrases.get(p as usize)).cloned().collect::<Vec<_>>().join(" · "))
        .unwrap_or_default()
}

fn top_count_of(topics: &[Topic]) -> usize {
    topics.iter().take_while(|t| t.parent.is_none()).count()
}

/// Added to a candidate's cosine when it shares the paper's primary topic, when ranking
/// related papers (cosines of related papers are mostly 0.2 to 0.5). Tuned on 10,000 arXiv
/// papers: 0.03 to 0.25 all help, and the gain stops growing above 0.1.
const SAME_TOPIC_BONUS: f32 = 0.1;

/// A paper's `k` related papers among its `neighbours` (exact cosines): by cosine, plus
/// [`SAME_TOPIC_BONUS`] for sharing its primary `topic`; each with its cosine. A topic is
/// what many papers have in common, so it settles near-ties between a paper's own subject and
/// a neighbour that shares only some words with it: on 10,000 arXiv papers this raises the
/// share of related papers in the paper's own arXiv category from 0.679 to 0.699 (plain
/// tf-idf cosine: 0.680).
fn rank_related(neighbours: &[(u32, f32)], topic: u32, topics: &[u32], k: usize) -> Vec<(u32, f32)> {
    let bonus = |o: u32| if topics[o as usize] == topic { SAME_TOPIC_BONUS } else { 0.0 };
    let mut ranked = neighbours.to_vec();
    ranked.sort_unstable_by(|a, b| (b.1 + bonus(b.0)).total_cmp(&(a.1 + bonus(a.0))).then(a.0.cmp(&b.0)));
    ranked.truncate(k);
    ranked
}

/// Top topics for a corpus of `n` papers when not chosen: about 10 at 80 papers, 20 at 10k,
/// 25 at 75k (logarithmic: bigger corpora get subtopics rather than ever more top topics).
pub fn auto_topics(n: usize) -> usize {
    if n < 12 {
        return (n / 3).max(1);
    }
    ((2.2 * (n as f64).ln()).round() as usize).clamp(2, 40)
}

/// Subtopics of a top topic of `size` papers (none below 150).
pub fn auto_subtopics(size: usize) -> usize {
    if size < 150 {
        return 0;
    }
    ((size as f64 / 40.0).sqrt().round() as usize).clamp(2, 12)
}

/// What analysis keeps of a corpus.
struct Analysed {
    /// Stemmed term → id.
    terms: Vec<String>,
    /// Most frequent surface per term (for labels built of single words).
    surfaces: Vec<String>,
    /// Per paper: (term, weighted count), by term id.
    counts: Vec<Vec<(u32, f32)>>,
    /// Per paper: content-word runs for phrase mining.
    runs: Vec<Runs>,
    term_ids: FxHashMap<String, u32>,
    /// Each surface word seen, (surface, acronym plural) → term id.
    stems: FxHashMap<(String, bool), u32>,
}

/// The analysis of papers added one at a time (a build that streams its papers feeds it as
/// they are read).
struct Analyser {
    analyzer: Analyzer,
    term_ids: FxHashMap<String, u32>,
    terms: Vec<String>,
    surface_counts: Vec<FxHashMap<String, u32>>,
    counts: Vec<Vec<(u32, f32)>>,
    runs: Vec<Runs>,
    /// Each distinct surface word is stemmed once: (surface, acronym plural) → term id.
    stems: FxHashMap<(String, bool), u32>,
    raw: Vec<SurfaceToken>,
    tokens: Vec<Token>,
    ids: Vec<u32>,
}

impl Analyser {
    fn new() -> Self {
        Analyser {
            analyzer: Analyzer::new(),
            term_ids: FxHashMap::default(),
            terms: Vec::new(),
            surface_counts: Vec::new(),
            counts: Vec::new(),
            runs: Vec::new(),
            stems: FxHashMap::default(),
            raw: Vec::new(),
            tokens: Vec::new(),
            ids: Vec::new(),
        }
    }

    fn add(&mut self, paper: &Paper) {
        let Analyser { analyzer, term_ids, terms, surface_counts, counts, runs, stems, raw, tokens, ids } = self;
        let text = analysed_text(paper);
        raw.clear();
        surfaces_into(&text, 0, raw);
        tokens.clear();
        ids.clear();
        for s in raw.drain(..) {
            let key = (s.surface, s.acronym_plural);
            let id = match stems.get(&key) {
                Some(&id) => id,
                None => {
                    let term = analyzer.term_of(&key.0, key.1);
                    let id = match term_ids.get(&term) {
                        Some(&id) => id,
                        None => {
                            let id = terms.len() as u32;
                            term_ids.insert(term.clone(), id);
                            terms.push(term);
                            surface_counts.push(FxHashMap::default());
                            id
                        }
                    };
                    stems.insert(key.clone(), id);
                    id
                }
            };
            ids.push(id);
            tokens.push(token_of(s.position, s.start, s.end, s.joined, key.0));
        }
        let (doc, run) = doc_of(paper, &text, tokens, ids, terms, |id, surface| {
            let sc = &mut surface_counts[id as usize];
            if let Some(c) = sc.get_mut(surface) {
                *c += 1;
            } else if sc.len() < 8 {
                sc.insert(surface.to_string(), 1);
            }
        });
        counts.push(doc);
        runs.push(run);
    }

    fn finish(self) -> Analysed {
        let surfaces = self.surface_counts.into_iter().map(keyphrases::most_frequent).collect();
        Analysed {
            terms: self.terms,
            surfaces,
            counts: self.counts,
            runs: self.runs,
            term_ids: self.term_ids,
            stems: self.stems,
        }
    }
}

/// A term outside a fitted model's vocabulary: it counts for nothing and breaks word runs.
const UNKNOWN: u32 = u32::MAX - 1;

fn token_of(position: u32, start: usize, end: usize, joined: bool, surface: String) -> Token {
    Token { term: String::new(), surface, position, start, end, joined }
}

/// One paper's weighted term counts (by term id) and content-word runs, from its tokens and
/// their term ids ([`UNKNOWN`] for words outside the vocabulary); `seen(id, surface)` hears
/// every counted word as written.
fn doc_of(
    paper: &Paper,
    text: &str,
    tokens: &[Token],
    ids: &[u32],
    terms: &[String],
    mut seen: impl FnMut(u32, &str),
) -> (Vec<(u32, f32)>, Runs) {
    let mut doc: FxHashMap<u32, f32> = FxHashMap::default();
    let mut run = Runs::default();
    let mut prev: Option<(u32, usize)> = None;
    let end_run = |run: &mut Runs| {
        if run.terms.last().is_some_and(|&l| l != BREAK) {
            run.terms.push(BREAK);
            run.spans.push((0, 0));
        }
    };
    for (t, &id) in tokens.iter().zip(ids.iter()) {
        let term = terms.get(id as usize).map_or("", String::as_str);
        let known = id != UNKNOWN;
        let numeric = term.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        if known && !numeric {
            // Title words say what the paper is about: they count twice.
            *doc.entry(id).or_default() += if t.start < paper.title.len() { 2.0 } else { 1.0 };
            seen(id, &t.surface);
        }
        if t.joined {
            continue;
        }
        // A run continues only over adjacent words separated by spaces or hyphens.
        let adjacent = prev
            .is_some_and(|(p, end)| p + 1 == t.position && text[end..t.start].chars().all(|c| c == ' ' || c == '-'));
        if !adjacent {
            end_run(&mut run);
        }
        if known && keyphrases::is_content_word(&t.surface, term) && !numeric {
            run.terms.push(id);
            run.spans.push((t.start as u32, t.end as u32));
            prev = Some((t.position, t.end));
        } else {
            end_run(&mut run);
            prev = None;
        }
    }
    let mut doc: Vec<(u32, f32)> = doc.into_iter().collect();
    doc.sort_unstable_by_key(|p| p.0);
    (doc, run)
}

/// [`doc_of`] for a paper outside the sample a model was fitted on: its words looked up in
/// the fitted vocabulary `term_ids` (through the sample's `stems` of words as written
/// first), which does not grow.
fn analyse_frozen(
    analyzer: &Analyzer,
    stems: &FxHashMap<(String, bool), u32>,
    term_ids: &FxHashMap<String, u32>,
    terms: &[String],
    paper: &Paper,
) -> (Vec<(u32, f32)>, Runs) {
    let text = analysed_text(paper);
    let mut raw = Vec::new();
    surfaces_into(&text, 0, &mut raw);
    let mut ids = Vec::with_capacity(raw.len());
    let mut tokens = Vec::with_capacity(raw.len());
    for s in raw {
        let key = (s.surface, s.acronym_plural);
        let id = match stems.get(&key) {
            Some(&id) => id,
            None => term_ids.get(&analyzer.term_of(&key.0, key.1)).copied().unwrap_or(UNKNOWN),
        };
        ids.push(id);
        tokens.push(token_of(s.position, s.start, s.end, s.joined, key.0));
    }
    doc_of(paper, &text, &tokens, &ids, terms, |_, _| {})
}

#[cfg(test)]
fn analyse(papers: &[Paper]) -> Analysed {
    let mut analyser = Analyser::new();
    papers.iter().for_each(|p| analyser.add(p));
    analyser.finish()
}

/// Phrase table after acronyms are tied in: display forms (with "(ACR)" where defined).
struct PhraseTable {
    display: Vec<String>,
    df: Vec<u32>,
    per_doc: Vec<Vec<(u32, u32)>>,
    /// Term ids of each phrase (to keep labels from repeating each other).
    terms: Vec<Vec<u32>>,
    /// Phrases mined from word runs: the first this many (the rest only stand for acronyms).
    mined: usize,
    /// Acronym term id → the phrase it stands for.
    stands_for: FxHashMap<u32, u32>,
}

/// One way an acronym is expanded: how often, the acronym as written, the expansion as shown.
type Expansion = (u32, String, String);

/// The text analysis read: title, newline, abstract (made again when needed rather than kept
/// for every paper: a copy of the corpus).
fn analysed_text(p: &Paper) -> String {
    format!("{}\n{}", p.title, p.abstract_text)
}

fn phrase_table(a: &Analysed, papers: &[Paper], min_df: u32) -> PhraseTable {
    let mined = keyphrases::mine(&a.runs, |d| analysed_text(&papers[d]), min_df);
    let n_mined = mined.display.len();
    let mut display = mined.display;
    let mut terms = mined.terms;
    let mut per_doc = mined.per_doc;
    let mut by_terms: FxHashMap<Vec<u32>, u32> = terms.iter().enumerate().map(|(i, t)| (t.clone(), i as u32)).collect();

    // Acronym definitions across the corpus: acronym term → expansion terms → (count, forms).
    let analyzer = Analyzer::new();
    let mut defs: FxHashMap<String, FxHashMap<Vec<u32>, Expansion>> = FxHashMap::default();
    for paper in papers {
        for d in acronyms::definitions(&analysed_text(paper)) {
            let key = analyzer.term_of_word(&d.acronym);
            let ids: Option<Vec<u32>> = analyzer
                .analyze(&d.expansion)
                .into_iter()
                .filter(|t| !t.joined)
                .map(|t| a.term_ids.get(&t.term).copied())
                .collect();
            let Some(ids) = ids.filter(|ids| ids.len() >= 2) else { continue };
            let e = defs.entry(key).or_default().entry(ids).or_insert((
                0,
                d.acronym.clone(),
                keyphrases::display_form(&d.expansion),
            ));
            e.0 += 1;
        }
    }
    type Expansions = Vec<(Vec<u32>, Expansion)>;
    let mut defs: Vec<(String, Expansions)> = defs.into_iter().map(|(k, m)| (k, m.into_iter().collect())).collect();
    defs.sort_by(|x, y| x.0.cmp(&y.0));
    let mut term_df = vec![0u32; a.terms.len()];
    for doc in &a.counts {
        for &(t, _) in doc {
            term_df[t as usize] += 1;
        }
    }
    // (definitions, acronym term id, expansion terms, acronym as written, expansion as shown)
    let mut chosen: Vec<(u32, u32, Vec<u32>, String, String)> = Vec::new();
    for (acronym_term, mut expansions) in defs {
        expansions.sort_by(|x, y| y.1 .0.cmp(&x.1 .0).then_with(|| x.0.cmp(&y.0)));
        let total: u32 = expansions.iter().map(|e| e.1 .0).sum();
        let (ids, (count, acronym, form)) = expansions.swap_remove(0);
        // An acronym defined once, or two ways equally often, is not tied.
        if count * 2 < total || count < 2 {
            continue;
        }
        let Some(&acronym_id) = a.term_ids.get(&acronym_term) else { continue };
        // An "acronym" found in far more papers than define it is a word ("USE" is "use",
        // "EMoT" stems like "emotion"): tying it would pull in every paper using the word.
        if term_df[acronym_id as usize] > count.saturating_mul(50) {
            continue;
        }
        chosen.push((count, acronym_id, ids, acronym, form));
    }
    // Most defined first, so a phrase shows its most used acronym ("LLM", not a rare variant).
    chosen.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    // Acronym term id → the phrase it stands for.
    let mut stands_for: FxHashMap<u32, u32> = FxHashMap::default();
    for (_, acronym_id, ids, acronym, form) in chosen {
        let p = match by_terms.get(&ids) {
            Some(&p) => p,
            None => {
                let p = display.len() as u32;
                display.push(form);
                terms.push(ids.clone());
                by_terms.insert(ids, p);
                p
            }
        };
        if !display[p as usize].ends_with(')') {
            display[p as usize] = format!("{} ({acronym})", display[p as usize]);
        }
        stands_for.insert(acronym_id, p);
    }
    for (doc, counts) in a.counts.iter().enumerate() {
        add_acronym_uses(&mut per_doc[doc], counts, &stands_for);
    }
    let mut df = vec![0u32; display.len()];
    for list in &per_doc {
        for &(p, _) in list {
            df[p as usize] += 1;
        }
    }
    PhraseTable { display, df, per_doc, terms, mined: n_mined, stands_for }
}

/// A paper saying an acronym counts as saying the phrase it stands for: adds those uses
/// (from its term `counts`) to its phrase list.
fn add_acronym_uses(list: &mut Vec<(u32, u32)>, counts: &[(u32, f32)], stands_for: &FxHashMap<u32, u32>) {
    for &(t, c) in counts {
        if let Some(&p) = stands_for.get(&t) {
            let n = c.round().max(1.0) as u32;
            match list.binary_search_by_key(&p, |e| e.0) {
                Ok(j) => list[j].1 += n,
                Err(j) => list.insert(j, (p, n)),
            }
        }
    }
}

/// Computes the topic model of `papers`.
pub fn compute(papers: &[Paper], options: &TopicOptions) -> TopicModel {
    let timer = crate::engine::stages::StageTimer::new("topics");
    let mut analyser = Analyser::new();
    papers.iter().for_each(|p| analyser.add(p));
    model_of(analyser.finish(), std::borrow::Cow::Borrowed(papers), options, timer, None)
        .expect("a model of papers in memory reads and writes no file")
}

/// [`compute`] over papers that arrive one at a time (a build streaming its corpus sends
/// them as they are read, so their analysis runs meanwhile): only what the topic model reads
/// of a paper is needed (title, abstract, date). `None` when `wanted()`, asked once the
/// papers are in, says the model is no longer needed (the build failed).
///
/// With a `scratch` folder, a corpus of more than [`TopicOptions::fit_sample`] papers is
/// fitted on a uniform sample of that many (reservoir sampling, seeded), while every paper
/// goes to a file in `scratch`; every paper is then placed in the fitted model and its
/// related papers found among the papers of its topic ([`fold`]), so memory follows the
/// sample and the largest topic rather than the corpus. Without one, every paper is kept.
pub fn compute_streaming(
    papers: impl IntoIterator<Item = Paper>,
    options: &TopicOptions,
    scratch: Option<&std::path::Path>,
    wanted: impl FnOnce() -> bool,
) -> std::io::Result<Option<TopicModel>> {
    let timer = crate::engine::stages::StageTimer::new("topics");
    let mut analyser = Analyser::new();
    let mut kept: Vec<Paper> = Vec::new();
    // Once the corpus outgrows the sample: the spilled corpus, each kept paper's document
    // number, and the generator choosing which papers stay.
    let mut sampled: Option<(fold::Spill, Vec<u32>, cluster::Rng)> = None;
    let sample = options.fit_sample.max(1);
    for (doc, p) in papers.into_iter().enumerate() {
        if sampled.is_none() && kept.len() >= sample {
            if let Some(dir) = scratch {
                let mut spill = fold::Spill::create(dir)?;
                kept.iter().try_for_each(|k| spill.push(k))?;
                // The analysis so far was of the whole corpus; the sample's is made at the end.
                analyser = Analyser::new();
                sampled = Some((spill, (0..kept.len() as u32).collect(), cluster::Rng::new(options.seed)));
            }
        }
        match &mut sampled {
            Some((spill, docs, rng)) => {
                spill.push(&p)?;
                // Reservoir sampling: paper `doc` replaces a kept one with chance sample/(doc+1).
                let slot = (rng.next_u64() % (doc as u64 + 1)) as usize;
                if slot < kept.len() {
                    kept[slot] = p;
                    docs[slot] = doc as u32;
                }
            }
            None => {
                analyser.add(&p);
                kept.push(p);
            }
        }
    }
    if !wanted() {
        return Ok(None);
    }
    let Some((spill, docs, _)) = sampled else {
        return model_of(analyser.finish(), std::borrow::Cow::Owned(kept), options, timer, None).map(Some);
    };
    // The sample in corpus order, analysed.
    let mut order: Vec<usize> = (0..kept.len()).collect();
    order.sort_unstable_by_key(|&i| docs[i]);
    let sample_docs: Vec<u32> = order.iter().map(|&i| docs[i]).collect();
    let mut slots: Vec<Option<Paper>> = kept.into_iter().map(Some).collect();
    let papers: Vec<Paper> = order.iter().map(|&i| slots[i].take().expect("each slot once")).collect();
    let mut analyser = Analyser::new();
    papers.iter().for_each(|p| analyser.add(p));
    let rest = fold::Rest { spill: spill.finish()?, sample_docs };
    model_of(analyser.finish(), std::borrow::Cow::Owned(papers), options, timer, Some(rest)).map(Some)
}

/// Each paper's place in the model before the map: primary topic and subtopic, memberships,
/// keyphrases (ids into the phrase table), related papers with their cosines, and how well
/// it fits its topic.
#[derive(Default)]
struct Rows {
    topic: Vec<u32>,
    subtopic: Vec<Option<u32>>,
    memberships: Vec<Vec<(u32, u8)>>,
    keyphrases: Vec<Vec<u32>>,
    related: Vec<Vec<(u32, f32)>>,
    fits: Vec<f32>,
}

/// How a paper's words and phrases are weighed in its vector (what the fitted corpus says).
struct Weights<'a> {
    /// Papers the weights come from.
    n: usize,
    /// Words in the vocabulary (phrase features are numbered after them).
    n_terms: usize,
    term_df: &'a [u32],
    /// Words in more papers than this are left out.
    max_df: u32,
    phrase_df: &'a [u32],
}

impl Weights<'_> {
    /// A paper's unit tf-idf vector from its word counts and phrase counts.
    fn vector(&self, counts: &[(u32, f32)], phrases: &[(u32, u32)]) -> SparseVec {
        let n = self.n;
        let mut pairs: Vec<(u32, f32)> = counts
            .iter()
            .filter(|&&(t, _)| (2..=self.max_df).contains(&self.term_df[t as usize]))
            .map(|&(t, c)| (t, (1.0 + c.ln()) * idf(n, self.term_df[t as usize])))
            .collect();
        pairs.extend(self.phrase_weights(phrases).map(|(p, w)| (self.n_terms as u32 + p, w)));
        let mut v = SparseVec::from_pairs(pairs);
        v.normalize();
        v.prune(vectors::PRUNE);
        v.normalize();
        v
    }

    /// Tf-idf weights of a paper's phrases (those in two papers or more).
    fn phrase_weights<'p>(&'p self, phrases: &'p [(u32, u32)]) -> impl Iterator<Item = (u32, f32)> + 'p {
        phrases
            .iter()
            .filter(|&&(p, _)| self.phrase_df[p as usize] >= 2)
            .map(|&(p, c)| (p, (1.0 + (c as f32).ln()) * idf(self.n, self.phrase_df[p as usize])))
    }

    /// A paper's keyphrases: its phrases by tf-idf, the five strongest.
    fn keyphrases(&self, phrases: &[(u32, u32)]) -> Vec<u32> {
        let mut ps: Vec<(u32, f32)> = self.phrase_weights(phrases).collect();
        ps.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        ps.truncate(5);
        ps.into_iter().map(|p| p.0).collect()
    }
}

/// A paper's vector plus its neighbours', weighted by similarity, cut to the features
/// clustering reads.
fn smooth<'v>(base: &SparseVec, neighbours: impl Iterator<Item = (&'v SparseVec, f32)>) -> SparseVec {
    let mut pairs: Vec<(u32, f32)> = base.idx.iter().copied().zip(base.val.iter().copied()).collect();
    for (v, s) in neighbours {
        pairs.extend(v.idx.iter().zip(&v.val).map(|(&i, &w)| (i, w * s)));
    }
    let mut v = SparseVec::from_pairs(pairs);
    v.prune(vectors::CLUSTER_FEATURES);
    v.normalize();
    v
}

/// Memberships of a (smoothed) paper vector from its cosine to every top topic's centroid
/// (`sims[topic]`): the strongest three, its `primary` topic first.
fn memberships_of(sims: &[f32], primary: u32) -> Vec<(u32, u8)> {
    let mut sims: Vec<(u32, f32)> = sims.iter().enumerate().map(|(c, &s)| (c as u32, s)).collect();
    sims.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    // The primary topic comes first even when another centroid is marginally closer.
    if let Some(i) = sims.iter().position(|s| s.0 == primary) {
        let first = sims.remove(i);
        sims.insert(0, first);
    }
    sims.truncate(3);
    sims.into_iter().filter(|s| s.1 > 0.0).map(|(c, s)| (c, quantize(s))).collect()
}

/// A top topic's subtopics as clustered: the features its papers use (a subtopic centroid is
/// dense over those only), the centroids, and each cluster's subtopic id.
struct Subtopics {
    used: Vec<u32>,
    centroids: cluster::Interleaved,
    topic_of_cluster: Vec<u32>,
}

impl Subtopics {
    /// The subtopic whose centroid is nearest a (smoothed) paper vector.
    fn nearest(&self, v: &SparseVec) -> u32 {
        // The vector over the topic's features (the others weigh nothing in any centroid).
        let (idx, val): (Vec<u32>, Vec<f32>) = v
            .idx
            .iter()
            .zip(&v.val)
            .filter_map(|(i, &w)| self.used.binary_search(i).ok().map(|j| (j as u32, w)))
            .unzip();
        let (best, _) = self.centroids.best(&SparseVec { idx, val }, &mut Vec::new());
        self.topic_of_cluster[best as usize]
    }
}

/// The rest of [`compute`] once every paper (of the sample, with `rest`) is analysed.
fn model_of(
    mut a: Analysed,
    mut papers: std::borrow::Cow<'_, [Paper]>,
    options: &TopicOptions,
    timer: crate::engine::stages::StageTimer,
    rest: Option<fold::Rest>,
) -> std::io::Result<TopicModel> {
    let n = papers.len();
    if n == 0 {
        return Ok(TopicModel::default());
    }
    timer.mark("analyse");
    let min_df = ((n / 4000) as u32).max(2);
    let phrases = phrase_table(&a, &papers, min_df);
    // The papers' texts served the analysis and phrase mining only; papers handed over
    // (a streamed build) keep just their dates, for the trends.
    if let std::borrow::Cow::Owned(owned) = &mut papers {
        for p in owned.iter_mut() {
            p.title = String::new();
            p.abstract_text = String::new();
        }
    }
    // The word runs served phrase mining only: freed before the vectors and their neighbours
    // are built. The vocabulary is kept when papers outside the sample are to be placed.
    a.runs = Vec::new();
    if rest.is_none() {
        a.term_ids = FxHashMap::default();
        a.stems = FxHashMap::default();
    }
    timer.mark("phrases");
    let n_terms = a.terms.len();
    let n_features = n_terms + phrases.display.len();

    // Document frequencies of words.
    let mut term_df = vec![0u32; n_terms];
    for doc in &a.counts {
        for &(t, _) in doc {
            term_df[t as usize] += 1;
        }
    }
    // Words in most papers say nothing about any one of them.
    let max_df = if n >= 50 { (n / 2) as u32 } else { n as u32 };
    let weights = Weights { n, n_terms, term_df: &term_df, max_df, phrase_df: &phrases.df };
    let vecs: Vec<SparseVec> = (0..n).map(|d| weights.vector(&a.counts[d], &phrases.per_doc[d])).collect();
    let k_neighbours = options.related.max(options.smoothing);
    timer.mark("vectors");
    let n_candidates = vectors::CANDIDATES.max(k_neighbours);
    let candidates = vectors::neighbours(&vecs, n_features, n_candidates, options.threads);
    // Every candidate by exact cosine, best first: the first few smooth each vector, and all
    // of them are ranked again for related papers once topics are known.
    let neighbours = vectors::rerank(&vecs, &candidates, n_candidates, options.threads);
    drop(candidates);
    timer.mark("neighbours");

    let smoothed: Vec<SparseVec> = vectors::parallel_map(n, options.threads, |d| {
        smooth(&vecs[d], neighbours[d].iter().take(options.smoothing).map(|&(o, s)| (&vecs[o as usize], s)))
    });
    // Clustering, memberships and the map read the smoothed vectors only (and placing papers
    // outside the sample, the sample's vectors).
    let vecs = if rest.is_some() { vecs } else { Vec::new() };

    let k_top = options.topics.unwrap_or_else(|| auto_topics(n)).clamp(1, n);
    timer.mark("smoothing");
    let top = cluster::merged_kmeans(&smoothed, n_features, k_top, options.seed, 10, options.threads);
    timer.mark("top topics");
    let mut assign = top.assign.clone();
    let mut topic_of_cluster = relabel_by_size(&assign, top.centroids.len());
    for c in &mut assign {
        *c = topic_of_cluster[*c as usize];
    }
    let mut centroids = vec![Vec::new(); top.centroids.len()];
    for (c, centroid) in top.centroids.into_iter().enumerate() {
        centroids[topic_of_cluster[c] as usize] = centroid;
    }
    let k_top = centroids.len();
    topic_of_cluster.clear();

    // Subtopics within each large top topic.
    let mut topics: Vec<Topic> = Vec::new();
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); k_top];
    for (d, &c) in assign.iter().enumerate() {
        members[c as usize].push(d as u32);
    }
    let new_topic = |parent: Option<u32>| Topic {
        parent,
        label: Vec::new(),
        keyphrases: Vec::new(),
        size: 0,
        x: 0,
        y: 0,
        radius: 0,
    };
    topics.extend((0..k_top).map(|_| new_topic(None)));
    let mut subtopic: Vec<Option<u32>> = vec![None; n];
    let mut topic_members: Vec<Vec<u32>> = members.clone();
    let mut subtopics: Vec<Option<Subtopics>> = Vec::new();
    for (t, m) in members.iter().enumerate() {
        let k_sub = auto_subtopics(m.len());
        if k_sub < 2 {
            subtopics.push(None);
            continue;
        }
        // The topic's papers over only the features they use, numbered in the same order, so
        // dense centroids are the size of the topic's vocabulary, not the corpus's.
        let mut used: Vec<u32> = m.iter().flat_map(|&d| smoothed[d as usize].idx.iter().copied()).collect();
        used.sort_unstable();
        used.dedup();
        let sub_vecs: Vec<SparseVec> = m
            .iter()
            .map(|&d| {
                let v = &smoothed[d as usize];
                let idx = v.idx.iter().map(|i| used.binary_search(i).expect("a used feature") as u32).collect();
                SparseVec { idx, val: v.val.clone() }
            })
            .collect();
        let sub =
            cluster::merged_kmeans(&sub_vecs, used.len(), k_sub, options.seed ^ (t as u64 + 1), 8, options.threads);
        let order = relabel_by_size(&sub.assign, sub.centroids.len());
        let first = topics.len() as u32;
        let mut sub_members = vec![Vec::new(); sub.centroids.len()];
        for (i, &c) in sub.assign.iter().enumerate() {
            let s = order[c as usize];
            sub_members[s as usize].push(m[i]);
            subtopic[m[i] as usize] = Some(first + s);
        }
        for sm in sub_members {
            topics.push(new_topic(Some(t as u32)));
            topic_members.push(sm);
        }
        let topic_of_cluster = order.iter().map(|&s| first + s).collect();
        let centroids = cluster::Interleaved::new(&sub.centroids, used.len());
        subtopics.push(Some(Subtopics { used, centroids, topic_of_cluster }));
    }

    timer.mark("subtopics");
    // Labels: the phrases most particular to each topic's papers (of the sample).
    let word_labels = label_topics(&mut topics, &topic_members, &phrases, &a, n, &term_df);
    drop(topic_members);
    let display: Vec<&String> = phrases.display.iter().chain(&word_labels).collect();

    let (rows, dates) = match rest {
        None => {
            let related: Vec<Vec<(u32, f32)>> = vectors::parallel_map(n, options.threads, |d| {
                rank_related(&neighbours[d], assign[d], &assign, options.related)
            });
            drop(neighbours);
            let rows = Rows {
                memberships: vectors::parallel_map(n, options.threads, |d| {
                    let sims: Vec<f32> = centroids.iter().map(|c| smoothed[d].dot_dense(c)).collect();
                    memberships_of(&sims, assign[d])
                }),
                keyphrases: (0..n).map(|d| weights.keyphrases(&phrases.per_doc[d])).collect(),
                fits: (0..n).map(|d| smoothed[d].dot_dense(&centroids[assign[d] as usize])).collect(),
                related,
                subtopic,
                topic: assign,
            };
            (rows, papers.iter().map(|p| p.date.clone()).collect::<Vec<_>>())
        }
        Some(rest) => {
            drop((neighbours, smoothed, assign, subtopic));
            a.counts = Vec::new();
            let fitted = fold::Fitted {
                analyzer: Analyzer::new(),
                stems: &a.stems,
                term_ids: &a.term_ids,
                terms: &a.terms,
                matcher: keyphrases::Matcher::new(&phrases.terms[..phrases.mined]),
                stands_for: &phrases.stands_for,
                weights,
                index: vectors::NeighbourIndex::new(&vecs, n_features),
                vecs: &vecs,
                n_candidates,
                smoothing: options.smoothing,
                centroids: cluster::Interleaved::new(&centroids, n_features),
                subtopics: &subtopics,
                n_features,
            };
            fold::place_all(&fitted, rest, options)?
        }
    };
    timer.mark("placed");

    // Sizes and members over every paper.
    let mut topic_members: Vec<Vec<u32>> = vec![Vec::new(); topics.len()];
    for (d, (&t, s)) in rows.topic.iter().zip(&rows.subtopic).enumerate() {
        topic_members[t as usize].push(d as u32);
        if let Some(s) = s {
            topic_members[*s as usize].push(d as u32);
        }
    }
    for (t, m) in topics.iter_mut().zip(&topic_members) {
        t.size = m.len() as u32;
    }

    // Compact the phrase table to the phrases referenced.
    let mut remap: FxHashMap<u32, u32> = FxHashMap::default();
    let mut out_phrases = Vec::new();
    let mut keep = |p: u32| -> u32 {
        *remap.entry(p).or_insert_with(|| {
            out_phrases.push(display[p as usize].clone());
            out_phrases.len() as u32 - 1
        })
    };
    for t in &mut topics {
        t.label = t.label.iter().map(|&p| keep(p)).collect();
        t.keyphrases = t.keyphrases.iter().map(|&p| keep(p)).collect();
    }
    let Rows { topic, subtopic, memberships, keyphrases, related, fits } = rows;
    let mut papers_out: Vec<PaperTopics> = topic
        .into_iter()
        .zip(subtopic)
        .zip(memberships)
        .zip(keyphrases)
        .zip(related)
        .map(|((((topic, subtopic), memberships), keyphrases), related)| PaperTopics {
            topic,
            subtopic,
            memberships,
            keyphrases: keyphrases.into_iter().map(&mut keep).collect(),
            related: related.into_iter().map(|(o, s)| (o, quantize(s))).collect(),
            x: 0,
            y: 0,
        })
        .collect();
    let mut model = TopicModel { phrases: out_phrases, topics, edges: Vec::new(), papers: Vec::new(), trends: None };
    model.edges = layout::edges(&model.topics, &papers_out, k_top);
    layout::lay_out(&mut model.topics, &model.edges, &mut papers_out, &topic_members, &fits, options.seed);
    model.papers = papers_out;
    timer.mark("labels, graph, map");
    let primary: Vec<(u32, Option<u32>)> = model.papers.iter().map(|p| (p.topic, p.subtopic)).collect();
    let phrases_of: Vec<Vec<u32>> = model.papers.iter().map(|p| p.keyphrases.clone()).collect();
    model.trends = trends::compute(
        dates.iter().map(|d| d.as_deref()),
        &primary,
        &phrases_of,
        model.topics.len(),
        model.phrases.len(),
    );
    timer.mark("trends");
    Ok(model)
}

/// A cosine in 0..=1 as a byte.
fn quantize(s: f32) -> u8 {
    (s.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// Renumbers clusters by size, largest first (ties by old number); returns old → new.
fn relabel_by_size(assign: &[u32], k: usize) -> Vec<u32> {
    let mut sizes = vec![0usize; k];
    assign.iter().for_each(|&c| sizes[c as usize] += 1);
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&x, &y| sizes[y].cmp(&sizes[x]).then(x.cmp(&y)));
    let mut new_of = vec![0u32; k];
    for (new, &old) in order.iter().enumerate() {
        new_of[old] = new as u32;
    }
    new_of
}

/// Picks labels and keyphrases for every topic. Single words stand in when a topic has too
/// few phrases: they are returned, numbered after the phrase table's entries.
fn label_topics(
    topics: &mut [Topic],
    members: &[Vec<u32>],
    phrases: &PhraseTable,
    a: &Analysed,
    n: usize,
    term_df: &[u32],
) -> Vec<String> {
    let mut word_labels: FxHashMap<u32, u32> = FxHashMap::default();
    let mut extra: Vec<String> = Vec::new();
    for (t, topic) in topics.iter_mut().enumerate() {
        let size = members[t].len().max(1) as f32;
        let mut df_in: FxHashMap<u32, u32> = FxHashMap::default();
        let mut word_in: FxHashMap<u32, u32> = FxHashMap::default();
        for &d in &members[t] {
            for &(p, _) in &phrases.per_doc[d as usize] {
                *df_in.entry(p).or_default() += 1;
            }
            for &(w, _) in &a.counts[d as usize] {
                *word_in.entry(w).or_default() += 1;
            }
        }
        // Coverage in the topic times how much more common it is there than overall.
        let score = |inside: u32, overall: u32| {
            let p_in = inside as f32 / size;
            let p_all = overall as f32 / n as f32;
            p_in * (p_in / p_all).ln().max(0.0)
        };
        let min_in = ((size * 0.03).ceil() as u32).max(2).min(members[t].len() as u32);
        let mut ranked: Vec<(u32, f32)> = df_in
            .iter()
            .filter(|&(_, &c)| c >= min_in)
            .map(|(&p, &c)| (p, score(c, phrases.df[p as usize])))
            .filter(|p| p.1 > 0.0)
            .collect();
        ranked.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        let mut label: Vec<u32> = Vec::new();
        let mut label_terms: Vec<u32> = Vec::new();
        for &(p, _) in &ranked {
            if label.len() == 3 {
                break;
            }
            // A label repeats no word of an earlier one ("neural networks" after
            // "physics-informed neural networks").
            let ts = &phrases.terms[p as usize];
            if ts.iter().any(|x| label_terms.contains(x)) {
                continue;
            }
            label_terms.extend(ts);
            label.push(p);
        }
        topic.keyphrases = ranked.iter().take(10).map(|p| p.0).collect();
        if label.len() < 2 {
            // Too few phrases: particular single words, never ones most papers use.
            let mut words: Vec<(u32, f32)> = word_in
                .iter()
                .filter(|&(&w, &c)| {
                    c >= min_in
                        && term_df[w as usize] * 10 <= n as u32
                        && !label_terms.contains(&w)
                        && keyphrases::is_content_word(&a.surfaces[w as usize], &a.terms[w as usize])
                })
                .map(|(&w, &c)| (w, score(c, term_df[w as usize])))
                .filter(|w| w.1 > 0.0)
                .collect();
            words.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
            // A word already said by a label phrase ("multi-task" after "multi-task
            // learning") adds nothing.
            let said: Vec<String> = label.iter().map(|&p| phrases.display[p as usize].to_lowercase()).collect();
            let fresh: Vec<u32> = words
                .iter()
                .map(|w| w.0)
                .filter(|&w| !said.iter().any(|s| s.contains(a.surfaces[w as usize].as_str())))
                .take(3 - label.len())
                .collect();
            for w in fresh {
                let id = *word_labels.entry(w).or_insert_with(|| {
                    extra.push(a.surfaces[w as usize].clone());
                    (phrases.display.len() + extra.len() - 1) as u32
                });
                label.push(id);
            }
        }
        topic.label = label;
    }
    extra
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper(i: usize, title: &str, text: &str) -> Paper {
        Paper {
            id: format!("p{i}"),
            title: title.to_string(),
            abstract_text: text.to_string(),
            authors: vec![],
            categories: vec![],
            date: None,
            listed: None,
            url: None,
            links: vec![],
        }
    }

    #[test]
    fn acronyms_tie_papers_to_expansions_but_words_are_not_acronyms() {
        let mut papers = Vec::new();
        for i in 0..3 {
            papers.push(paper(i, "Sentence vectors", "We train a universal sentence encoder (USE) on pairs."));
            papers.push(paper(10 + i, "Fields", "Physics-informed neural networks (PINNs) solve equations."));
        }
        papers.push(paper(20, "Solvers", "Our PINN converges faster."));
        for i in 0..200 {
            papers.push(paper(100 + i, "Tools", "We use simple tools and use them often."));
        }
        let a = analyse(&papers);
        let table = phrase_table(&a, &papers, 2);
        let find = |needle: &str| table.display.iter().position(|d| d.starts_with(needle)).map(|p| p as u32);
        let pinn = find("physics-informed neural networks").expect("the PINN phrase is mined");
        assert_eq!(table.display[pinn as usize], "physics-informed neural networks (PINN)");
        // The paper that only says "PINN" counts as saying the phrase.
        assert!(table.per_doc[6].iter().any(|&(p, _)| p == pinn), "{:?}", table.per_doc[6]);
        // "USE" is defined three times but "use" is in 200 papers: not an acronym.
        if let Some(u) = find("universal sentence encoder") {
            assert!(!table.display[u as usize].contains("(USE)"));
            assert!(table.per_doc[7..].iter().all(|l| l.iter().all(|&(p, _)| p != u)));
        }
    }

    #[test]
    fn related_papers_prefer_the_same_topic_on_near_ties_only() {
        let unit = |pairs: &[(u32, f32)]| {
            let mut v = SparseVec::from_pairs(pairs.to_vec());
            v.normalize();
            v
        };
        let vecs = [
            unit(&[(0, 1.0), (1, 1.0)]),
            unit(&[(0, 1.0), (2, 1.2)]),  // cosine 0.46, another topic
            unit(&[(0, 1.0), (3, 1.35)]), // cosine 0.42, the same topic
            unit(&[(0, 1.0), (1, 0.6)]),  // cosine 0.96, another topic
            unit(&[(4, 1.0)]),            // nothing in common
        ];
        let topic = [0, 1, 0, 1, 0];
        // As `vectors::rerank` gives them: exact cosines, best first, none at zero.
        let mut neighbours: Vec<(u32, f32)> =
            (1..5).map(|o| (o, vectors::dot(&vecs[0], &vecs[o as usize]))).filter(|p| p.1 > 0.0).collect();
        neighbours.sort_unstable_by(|a, b| b.1.total_cmp(&a.1));
        let related = rank_related(&neighbours, topic[0], &topic, 8);
        let order: Vec<u32> = related.iter().map(|r| r.0).collect();
        assert_eq!(order, vec![3, 2, 1], "the close paper first, the same-topic one before a slightly closer other");
        assert!((related[1].1 - vectors::dot(&vecs[0], &vecs[2])).abs() < 1e-6, "scores shown are cosines");
        assert_eq!(rank_related(&neighbours, 0, &[0, 1, 1, 1, 0], 8)[1].0, 1, "no bonus: by cosine");
        assert_eq!(rank_related(&neighbours, topic[0], &topic, 1).len(), 1);
    }
}
