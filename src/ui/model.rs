//! What the views show, computed from the view state and the engine: result rows with their
//! highlights, facet counts, notices, and the open paper. Plain data (cheap to compare), so
//! the memo that holds it re-renders only what changed.

use crate::engine::corpus::{Link, Paper};
use crate::engine::search::{FacetCounts, Marked, Request};
use crate::viewstate::ViewState;

use super::with_engine;

/// One result row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Item {
    /// Document number.
    pub doc: u32,
    /// The paper's id.
    pub id: String,
    /// Title with matches marked.
    pub title: Marked,
    /// A query-dependent abstract snippet with matches marked.
    pub snippet: Marked,
    /// Links from the abstract.
    pub links: Vec<Link>,
    /// ISO date.
    pub date: Option<String>,
    /// Listing date label.
    pub listed: Option<String>,
    /// Categories.
    pub categories: Vec<String>,
    /// Authors.
    pub authors: Vec<String>,
}

/// The result list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResultsModel {
    /// Matching papers.
    pub total: usize,
    /// Search time in milliseconds.
    pub millis: f64,
    /// Rows shown.
    pub items: Vec<Item>,
    /// Every matching paper, in no particular order: facet counts are counted over them after
    /// the results are painted (see [`facets`]), and the paper map marks them.
    pub matching: std::sync::Arc<[u32]>,
    /// Notices about the query.
    pub notices: Vec<String>,
    /// "Did you mean".
    pub suggestion: Option<String>,
    /// Completions of the word being typed.
    pub completions: Vec<String>,
    /// Whether the query is empty (the listing itself is shown).
    pub empty_query: bool,
    /// Results whose papers are still being fetched (a chunked document store): rows stop
    /// before the first of them until they arrive.
    pub pending: usize,
    /// Of those, how many are among the first [`FIRST_ROWS`] (fetched first).
    pub pending_first: usize,
    /// A phrase is waiting for the positions file (chunked indexes fetch it on demand).
    pub needs_positions: bool,
    /// The query reached dictionary shards or postings chunks still being fetched (a sharded
    /// index): the answer follows when they arrive.
    pub fetching_index: bool,
}

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Rows whose papers are fetched before the rest of a page: about a screenful on a laptop,
/// and as many results as Pagefind's default page shows.
pub const FIRST_ROWS: usize = 10;

/// The search a view asks for, its first `limit` results.
fn request(view: &ViewState, limit: usize) -> Request<'_> {
    let mut req = Request::new(&view.q);
    req.filters = view.filters.clone();
    req.sort = view.sort;
    req.limit = limit;
    req
}

/// Runs the view's search.
pub fn results(view: &ViewState) -> Option<ResultsModel> {
    with_engine(|engine| {
        let started = now();
        let mut req = request(view, view.shown());
        // Facets are counted after the keystroke's frame, from `matching`.
        req.facets = false;
        req.matching = true;
        let r = engine.search(&req);
        let shards = engine.index.take_missing();
        if !shards.is_empty() {
            super::want_files(shards);
            return ResultsModel {
                empty_query: view.q.trim().is_empty(),
                fetching_index: true,
                millis: now() - started,
                ..ResultsModel::default()
            };
        }
        let mut highlighter = engine.highlighter(&r.matched);
        // Rows in order, up to the first paper not fetched yet (they follow when it arrives).
        let missing: Vec<u32> = r.hits.iter().map(|h| h.doc).filter(|&d| !engine.index.docs.is_loaded(d)).collect();
        let items = r
            .hits
            .iter()
            .map_while(|h| engine.index.docs.get(h.doc).ok().map(|p| (h, p)))
            .map(|(h, p)| {
                let (title, snippet) = (highlighter.mark(&p.title), highlighter.snippet(&p.abstract_text));
                Item {
                    doc: h.doc,
                    id: p.id,
                    title,
                    snippet,
                    links: p.links,
                    date: p.date,
                    listed: p.listed,
                    categories: p.categories,
                    authors: p.authors,
                }
            })
            .collect();
        let pending = missing.len();
        // The first screenful's papers are fetched first and the rest of the page once they
        // are in, so on a slow network the rows a reader sees first do not share the line
        // with rows below the fold.
        let first: Vec<u32> =
            r.hits.iter().take(FIRST_ROWS).map(|h| h.doc).filter(|&d| !engine.index.docs.is_loaded(d)).collect();
        let pending_first = first.len();
        super::want_docs(if first.is_empty() { missing } else { first });
        if r.needs_positions {
            super::want_positions();
        }
        ResultsModel {
            total: r.total,
            millis: now() - started,
            items,
            matching: r.matching.into(),
            notices: r.notices.iter().map(ToString::to_string).collect(),
            suggestion: r.suggestion,
            completions: r.completions,
            empty_query: view.q.trim().is_empty(),
            pending,
            pending_first,
            needs_positions: r.needs_positions,
            fetching_index: false,
        }
    })
}

/// Facet counts over a search's matching papers (empty until a sharded index's facets
/// arrive).
pub fn facets(matching: &[u32]) -> FacetCounts {
    with_engine(|engine| engine.facet_counts_of(matching)).flatten().unwrap_or_default()
}

/// The files holding the papers of the page after the view's results ("Show more"), when
/// the view's search has every shard it reads (a prefetch does not chase shards).
pub fn next_page_files(view: &ViewState) -> Vec<crate::engine::index::manifest::FileEntry> {
    with_engine(|engine| {
        let shown = view.shown();
        let mut req = request(view, shown + crate::viewstate::PAGE);
        req.facets = false;
        let r = engine.search(&req);
        if !engine.index.take_missing().is_empty() {
            return Vec::new();
        }
        engine.index.docs.missing(r.hits.iter().skip(shown).map(|h| h.doc))
    })
    .unwrap_or_default()
}

/// The view's first `max` results, in order, each with an empty note (for export).
pub fn result_docs(view: &ViewState, max: usize) -> Option<Vec<(u32, String)>> {
    with_engine(|engine| {
        let mut req = request(view, max);
        req.facets = false;
        let r = engine.search(&req);
        r.hits.iter().map(|h| (h.doc, String::new())).collect()
    })
}

/// A paper's primary topic (the subtopic when there is one) with its label, once topics are
/// loaded.
pub fn topic_of(doc: u32) -> Option<(u32, String)> {
    with_engine(|engine| {
        let model = engine.index.topics.as_ref()?;
        let &(top, sub) = engine.index.topic_columns.get(doc as usize)?;
        let t = if sub == crate::engine::index::topicfile::NO_TOPIC { top } else { sub };
        Some((t, model.label(t)))
    })
    .flatten()
}

/// The open paper and its neighbours.
#[derive(Debug, Clone, PartialEq)]
pub struct PaperModel {
    /// The paper.
    pub paper: Paper,
    /// Similar papers: (id, title, similarity 0–1 when precomputed).
    pub related: Vec<(String, String, Option<f32>)>,
    /// Its topics: (topic id, label, membership 0–1), primary first.
    pub topics: Vec<(u32, String, f32)>,
    /// Its keyphrases.
    pub keyphrases: Vec<String>,
}

/// What a paper link finds.
#[derive(Debug, Clone, PartialEq)]
pub enum PaperLookup {
    /// The paper, with what is around it.
    Found(PaperModel),
    /// The paper is in the index; its chunk of the document store is on its way.
    Loading,
    /// No paper of this index has that id.
    Missing,
}

/// Looks up the open paper. Related papers are the precomputed neighbours once topics are
/// loaded, a "more like this" search before (or for indexes built without topics); those
/// whose papers are not fetched yet are asked for and left out until they arrive.
pub fn paper(id: &str) -> Option<PaperLookup> {
    with_engine(|engine| {
        if engine.index.id_pending(id) {
            super::want_files(engine.index.take_missing());
            return PaperLookup::Loading;
        }
        let Some(doc) = engine.doc_by_id(id) else { return PaperLookup::Missing };
        if !engine.index.docs.is_loaded(doc) {
            super::want_docs([doc]);
            return PaperLookup::Loading;
        }
        let Ok(paper) = engine.index.docs.get(doc) else { return PaperLookup::Missing };
        let entry = engine.index.paper_topics(doc);
        let neighbours: Vec<(u32, Option<f32>)> = match &entry {
            Some(e) => e.detail.related.iter().map(|&(d, s)| (d, Some(f32::from(s) / 255.0))).collect(),
            // A sharded index with topics waits for the paper's topic details ("more like
            // this" would fetch the dictionary shards of every word of the paper).
            None if engine.index.is_sharded() && engine.index.has_topics() => {
                super::want_files(engine.index.take_missing());
                Vec::new()
            }
            None => {
                let similar = engine.more_like_this(doc, 5);
                super::want_files(engine.index.take_missing());
                similar.into_iter().map(|h| (h.doc, None)).collect()
            }
        };
        super::want_docs(neighbours.iter().map(|n| n.0));
        let related =
            neighbours.iter().filter_map(|&(d, s)| engine.index.docs.get(d).ok().map(|p| (p.id, p.title, s))).collect();
        let (topics, keyphrases) = match (engine.index.topics.as_ref(), entry) {
            (Some(m), Some(e)) => {
                let mut topics: Vec<(u32, String, f32)> = Vec::new();
                if let Some(s) = e.subtopic {
                    topics.push((s, m.label(s), 1.0));
                }
                for &(t, score) in &e.detail.memberships {
                    topics.push((t, m.label(t), f32::from(score) / 255.0));
                }
                (topics, e.keyphrases().map(str::to_string).collect())
            }
            _ => (Vec::new(), Vec::new()),
        };
        PaperLookup::Found(PaperModel { paper, related, topics, keyphrases })
    })
}
