//! Search: a parsed query, expanded over the term dictionaries, scored with BM25F over the
//! postings, filtered, counted into facets, sorted and highlighted. The same code answers the
//! CLI, the benchmarks and the browser.
//!
//! Scoring is term-at-a-time into dense per-paper arrays (score and a bit per query unit), so a
//! query costs O(postings touched + hits). Papers matching every group of the query rank above
//! papers that match only some; within a tier, BM25F decides.

pub mod expand;
pub mod highlight;
pub mod query;
pub mod rank;
pub mod related;
pub mod typo;
pub mod walk;

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use serde::Serialize;

use crate::engine::corpus::LinkKind;
use crate::engine::index::facets::{names, Column};
use crate::engine::index::postings::decode_tf;
use crate::engine::index::Index;
use crate::engine::sort::sort_list;
use crate::engine::text::{is_stop_word, normalize, Analyzer, Token};
use expand::{Expansion, MatchKind};
pub use highlight::{Highlighter, Marked};
use query::{ClauseKind, Scope};
pub use rank::Bm25f;

/// A known word this rare may itself be a typo (see [`TYPO_DOMINANCE`]).
pub const RARE_TYPO_DF: u32 = 3;
/// A one- or two-edit neighbour at least this many times more frequent than a rare word is
/// searched too (with a typo match's lower weight).
pub const TYPO_DOMINANCE: u32 = 20;

/// Most query units (word or phrase terms) scored; more are dropped with a notice.
pub const MAX_UNITS: usize = 64;
/// Most postings the completions of the word being typed may add to a query (the word itself
/// aside; [`Engine::typed_word_postings`] starts at it). A word of a letter or two reaches
/// most of a large corpus several times over (the two dozen completions of "s" hold 400k
/// postings at 75k papers, 10 ms to score) while its next letter is one keystroke away: the
/// most frequent completions within this budget give the same leading papers at a third of
/// the cost. Completions beyond it are left out with the "type more letters" notice.
pub const MAX_TYPED_WORD_POSTINGS: u64 = 120_000;
/// Most postings a query's completions, corrections and wildcard matches may add: beyond it
/// the rarer ones are dropped with a notice, so a pattern like `*e*` costs what a few frequent
/// words cost (a word's own exact term is always kept).
pub const MAX_QUERY_POSTINGS: u64 = 400_000;
/// Most unknown words per query searched with typo tolerance: each costs a Levenshtein
/// automaton run over the whole dictionary (milliseconds for a long word), so a query of many
/// long unknown words would otherwise grow without bound.
pub const MAX_FUZZY_WORDS: usize = 4;
/// Most words of a zero-hit query given a "did you mean" correction (same reason).
pub const MAX_SUGGESTED_WORDS: usize = 2;
/// Result sets larger than this get no author facet: among thousands of papers the most
/// frequent authors say little, and counting them is memory-bound (a random increment per
/// author into a counter per distinct name, 100k names at 75k papers): 6,600 hits cost 4 ms,
/// more than the search itself.
pub const MAX_AUTHOR_FACET_HITS: usize = 2_000;
/// Most authors listed in the author facet.
pub const MAX_AUTHOR_FACETS: usize = 30;
/// Most completions offered for the word being typed.
pub const MAX_COMPLETIONS: usize = 8;

/// Structured filters chosen beside the query (the filter panel).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Category codes; a paper needs one of them. A value ending in `*` matches by prefix.
    pub categories: Vec<String>,
    /// Months `YYYY-MM`; a paper needs one of them.
    pub months: Vec<String>,
    /// Listing date labels; a paper needs one of them.
    pub listed: Vec<String>,
    /// Author names; a paper needs one of them.
    pub authors: Vec<String>,
    /// Link kinds; a paper needs all of them (`has code`, `has dataset`).
    pub links: Vec<LinkKind>,
    /// Earliest date, YYYYMMDD, inclusive.
    pub date_from: Option<u32>,
    /// Latest date, YYYYMMDD, inclusive.
    pub date_to: Option<u32>,
    /// Topic ids; a paper needs one of them as its primary topic.
    pub topics: Vec<u32>,
}

impl Filters {
    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }
}

/// Result order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Best match first; with an empty query, the listing's own order.
    #[default]
    Relevance,
    /// Newest date first.
    Newest,
    /// Oldest date first.
    Oldest,
    /// Title, A to Z.
    Title,
}

impl Sort {
    /// The name used in URLs and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Title => "title",
        }
    }

    /// Parses a name; `None` when unknown.
    pub fn from_name(name: &str) -> Option<Sort> {
        [Sort::Relevance, Sort::Newest, Sort::Oldest, Sort::Title].into_iter().find(|s| s.name() == name)
    }
}

/// A search to run.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The query text.
    pub query: &'a str,
    /// Treat the last word as a prefix (instant search).
    pub as_you_type: bool,
    /// Allow typo-tolerant matches.
    pub typos: bool,
    /// Filters beside the query.
    pub filters: Filters,
    /// Result order.
    pub sort: Sort,
    /// Hits to skip (paging).
    pub offset: usize,
    /// Hits to return.
    pub limit: usize,
    /// Count facets over the whole result set.
    pub facets: bool,
    /// Return every matching paper ([`Results::matching`]), so facets can be counted later
    /// with [`Engine::facet_counts_of`] (the app paints a keystroke's results first).
    pub matching: bool,
}

impl<'a> Request<'a> {
    /// A plain request: as-you-type, typo-tolerant, top 10, with facets.
    pub fn new(query: &'a str) -> Self {
        Request {
            query,
            as_you_type: true,
            typos: true,
            filters: Filters::default(),
            sort: Sort::Relevance,
            offset: 0,
            limit: 10,
            facets: true,
            matching: false,
        }
    }
}

/// Something the user should know about how the query was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum Notice {
    /// The query was longer than [`query::MAX_QUERY_CHARS`] characters or clauses.
    Truncated,
    /// A word matched more completions than are searched.
    TooManyCompletions(String),
    /// Words that were ignored (stop words, or nothing searchable).
    Ignored(Vec<String>),
    /// A phrase query needs the positions file, which is not loaded yet.
    NeedsPositions,
    /// A `cat:` value matches no category.
    UnknownCategory(String),
    /// A topic filter was given but the topic model is not loaded (or the index has none).
    TopicsUnavailable,
    /// The query reached so many words (completions, corrections, wildcard matches) that the
    /// rarer ones were not searched, or more unknown words than get typo tolerance.
    TooBroad,
    /// Typo-tolerant matches were used for a word.
    Corrected {
        /// The word as typed.
        from: String,
        /// The words it was read as.
        to: Vec<String>,
    },
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::Truncated => write!(
                f,
                "The query was too long and was shortened to its first {} characters or {} clauses.",
                query::MAX_QUERY_CHARS,
                query::MAX_CLAUSES
            ),
            Notice::TooManyCompletions(w) => write!(
                f,
                "\"{w}\" has many completions; only the most frequent are searched. Type more letters to narrow it."
            ),
            Notice::Ignored(ws) => write!(f, "Ignored common words: {}.", ws.join(", ")),
            Notice::NeedsPositions => write!(f, "Loading word positions for the phrase search…"),
            Notice::UnknownCategory(c) => write!(f, "No category matches \"{c}\"."),
            Notice::TooBroad => write!(
                f,
                "The query reaches too many words; only the most frequent matches are searched. Narrow it down for more."
            ),
            Notice::TopicsUnavailable => {
                write!(f, "Topics are not available yet, so the topic filter matches nothing.")
            }
            Notice::Corrected { from, to } => write!(
                f,
                "No exact match for \"{from}\"; showing matches for {}.",
                to.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

/// One result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Hit {
    /// Document number.
    pub doc: u32,
    /// Relevance score (0 for an empty query).
    pub score: f32,
    /// Whether the paper matches every group of the query (and that tier applies).
    pub full: bool,
}

/// Facet counts over a result set, each sorted for display.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FacetCounts {
    /// Categories by count.
    pub categories: Vec<(String, u32)>,
    /// Months, newest first.
    pub months: Vec<(String, u32)>,
    /// Listing dates in listing order.
    pub listed: Vec<(String, u32)>,
    /// Link kinds present.
    pub links: Vec<(LinkKind, u32)>,
    /// The most frequent authors (top 30; empty above [`MAX_AUTHOR_FACET_HITS`] results).
    pub authors: Vec<(String, u32)>,
    /// Topics (top topics and subtopics) by count of papers having them as primary (when
    /// the topic model is loaded).
    pub topics: Vec<(u32, u32)>,
}

/// What a search returns.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// Number of matching papers.
    pub total: usize,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// Facet counts over all matching papers (when requested).
    pub facets: Option<FacetCounts>,
    /// Every matching paper, in no particular order (when requested).
    pub matching: Vec<u32>,
    /// Notices about how the query was read.
    pub notices: Vec<Notice>,
    /// A corrected query, when nothing matched and a nearby spelling does.
    pub suggestion: Option<String>,
    /// Completions of the word being typed, most frequent first.
    pub completions: Vec<String>,
    /// Term ordinals that matched, for highlighting.
    pub matched: HashSet<u32>,
    /// Whether a phrase could not be checked because positions are not loaded.
    pub needs_positions: bool,
}

/// Which dictionary and postings a term comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Title and abstract words (stemmed).
    Text,
    /// Author-name tokens (not stemmed).
    Name,
}

/// One indexed term a query unit matches.
#[derive(Debug, Clone, Copy)]
struct TermRef {
    source: Source,
    ordinal: u32,
    /// Score multiplier (exact 1, completions and typo matches less).
    weight: f32,
    /// Document frequency to compute the idf from; 0 = the term's own.
    idf_df: u32,
}

/// A hit ordered by a comparator (the heap keeps the worst of the best on top).
struct Ranked<'a, F: Fn(&Hit, &Hit) -> std::cmp::Ordering>(Hit, &'a F);

impl<F: Fn(&Hit, &Hit) -> std::cmp::Ordering> PartialEq for Ranked<'_, F> {
    fn eq(&self, other: &Self) -> bool {
        (self.1)(&self.0, &other.0).is_eq()
    }
}
impl<F: Fn(&Hit, &Hit) -> std::cmp::Ordering> Eq for Ranked<'_, F> {}
impl<F: Fn(&Hit, &Hit) -> std::cmp::Ordering> PartialOrd for Ranked<'_, F> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<F: Fn(&Hit, &Hit) -> std::cmp::Ordering> Ord for Ranked<'_, F> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.1)(&self.0, &other.0)
    }
}

/// A set of terms standing for one query word: a paper matches the unit when it holds any.
#[derive(Debug, Clone)]
struct Unit {
    terms: Vec<TermRef>,
    field_mask: u8,
    /// Units of phrases only set match bits while scanning; their score is added once the
    /// phrase is verified.
    deferred: bool,
}

/// One way to satisfy a clause: every listed unit matched (and, for a phrase, in order).
#[derive(Debug, Clone)]
struct Alternative {
    units: u64,
    phrase: Option<Vec<(usize, u32)>>,
}

#[derive(Debug, Clone, Default)]
struct Compiled {
    units: Vec<Unit>,
    /// Per group, the alternatives of all its clauses.
    groups: Vec<Vec<Alternative>>,
    excluded: Vec<Vec<Alternative>>,
    excluded_units: Vec<Unit>,
    completions: Vec<String>,
    notices: Vec<Notice>,
    /// Words that matched nothing, for "did you mean".
    unmatched_words: Vec<String>,
    /// Unknown words whose typo search (within their full budget) found no word at all: a
    /// suggestion for them would run the same automata and find nothing either.
    fuzzed_in_vain: Vec<String>,
    needs_positions: bool,
    category_filter: Vec<String>,
    /// Postings the expansions added so far (see [`MAX_QUERY_POSTINGS`]).
    expansion_postings: u64,
    /// Words searched with typo tolerance so far (see [`MAX_FUZZY_WORDS`]).
    fuzzy_words: usize,
}

impl Compiled {
    /// Adds a notice unless it is already there.
    fn notice_once(&mut self, notice: Notice) {
        if !self.notices.contains(&notice) {
            self.notices.push(notice);
        }
    }
}

/// Reusable per-query buffers (sized to the corpus once).
#[derive(Debug, Default)]
struct Scratch {
    scores: Vec<f32>,
    /// Per paper, the contribution of the unit being scanned (valid where the paper holds
    /// that unit's bit): a unit's terms count once, by their best.
    unit_best: Vec<f32>,
    bits: Vec<u64>,
    touched: Vec<u32>,
    docs: Vec<u32>,
    counts: Vec<u32>,
    /// Counts per author name, all zero between searches.
    name_counts: Vec<u32>,
}

/// What [`Accumulators::add`] needs of the term being scanned.
struct TermScore {
    /// The term's unit bit.
    bit: u64,
    /// The term's weighted idf.
    idf: f32,
    k1: f32,
    /// `k1 + 1`.
    lift: f32,
    /// Whether touched papers go unrecorded (swept at the end instead).
    dense: bool,
    /// Whether the term shares its unit with others (a word and its completions or
    /// corrections): a paper then scores the best of them, not their sum.
    shared: bool,
}

/// Per field (title, abstract, authors), 1 when a clause's field scope searches it, else 0:
/// multiplied into the posting's weights, so the scoring loop has no branch per field.
fn field_keep(field_mask: u8) -> [f32; 3] {
    let keep = |f: usize| if field_mask & (1 << f) != 0 { 1.0f32 } else { 0.0 };
    [keep(0), keep(1), keep(2)]
}

/// A posting's pseudo term frequency from its one-byte code (title and abstract counts, or
/// an author-field count above 127) and its paper's length norms.
#[inline(always)]
fn code_tf(code: u8, norm: &[f32; 3], keep: &[f32; 3]) -> f32 {
    if code < 128 {
        f32::from(code & 3) * norm[0] * keep[0] + f32::from(code >> 2) * norm[1] * keep[1]
    } else {
        f32::from(code.wrapping_sub(127)) * norm[2] * keep[2]
    }
}

/// A pruned last unit (see [`Engine::score`]) must be expected to leave this many times the
/// page of full matches.
const PRUNE_MARGIN: usize = 2;

/// How [`Engine::score_unit`] treats the papers a unit's postings reach.
#[derive(Clone, Copy, PartialEq, Eq)]
enum UnitPass {
    /// Scores them all.
    Score,
    /// Scores those that then match every group; only counts the others (a pruned last
    /// unit, see [`Engine::score`]).
    CountUnlessFull,
}

/// What scoring one unit works with: the accumulators, the decoding buffer, the filter, and
/// the group table that says whether a paper's bits match every group.
struct UnitScoring<'s, 'a> {
    acc: &'s mut Accumulators<'a>,
    docs: &'s mut Vec<u32>,
    allowed: Option<&'s [bool]>,
    n_docs: u32,
    dense: bool,
    table: &'s [u8],
    groups: u8,
}

impl UnitScoring<'_, '_> {
    /// About how many papers (up to `cap`) match every group once `extra` bits are added to
    /// theirs, counting one paper in `stride` (times `stride`).
    fn full_matches(&self, extra: u64, cap: usize, stride: usize) -> usize {
        let acc = &self.acc;
        let full = |b: u64| self.table.get(((b | extra) & 0xff) as usize) == Some(&self.groups);
        let (cap, len) = (cap.div_ceil(stride), if self.dense { acc.bits.len() } else { acc.touched.len() });
        let (mut seen, mut i) = (0, 0);
        while i < len && seen < cap {
            let d = if self.dense { i } else { acc.touched[i] as usize };
            let b = acc.bits[d];
            seen += usize::from(b != 0 && full(b));
            i += stride.max(1);
        }
        seen * stride
    }
}

/// What [`Accumulators::collect`] needs to place a paper in its tier.
struct Tiers {
    groups: usize,
    max_groups: usize,
    coordination: f32,
}

/// Per-paper accumulators of one search, as slices (indexing a slice compiles to a bounds
/// check and a load, where a `Vec`'s indexing is a trait call the size-optimised wasm build
/// does not always inline).
struct Accumulators<'a> {
    bits: &'a mut [u64],
    scores: &'a mut [f32],
    unit_best: &'a mut [f32],
    touched: &'a mut Vec<u32>,
}

impl Accumulators<'_> {
    /// Adds a posting's BM25F contribution (`tf` is its pseudo term frequency; 0 when the
    /// term occurs only in fields the clause does not search): the search's innermost step.
    #[inline(always)]
    fn add(&mut self, term: &TermScore, allowed: Option<&[bool]>, doc: u32, tf: f32) {
        let d = doc as usize;
        if tf <= 0.0 || allowed.is_some_and(|a| !a[d]) {
            return;
        }
        if !term.dense && self.bits[d] == 0 {
            self.touched.push(doc);
        }
        // BM25's saturation: idf · tf · (k1 + 1) / (k1 + tf).
        let contribution = term.idf * (tf * term.lift / (term.k1 + tf));
        if term.shared {
            // One query word counts once however many of its terms a paper holds: otherwise
            // "neural" typed would score a paper saying "neural-symbolic" twice (the word and
            // its joined compound, a completion) and put it above every paper saying
            // "neural" alone (a maximum, as a disjunction-max query takes).
            if self.bits[d] & term.bit != 0 {
                let best = self.unit_best[d];
                if contribution > best {
                    self.scores[d] += contribution - best;
                    self.unit_best[d] = contribution;
                }
                return;
            }
            self.unit_best[d] = contribution;
        }
        self.bits[d] |= term.bit;
        self.scores[d] += contribution;
    }

    /// Turns a touched paper's bits and score into a hit (when it matches a group) and resets
    /// its slots for the next search.
    #[inline(always)]
    fn collect(
        &mut self,
        doc: u32,
        table: &[u8],
        count_groups: &dyn Fn(u64) -> usize,
        tiers: &Tiers,
        hits: &mut Vec<Hit>,
    ) {
        let d = doc as usize;
        let bits = self.bits[d];
        let matched_groups = match table.get(bits as usize) {
            Some(&m) => m as usize,
            None => count_groups(bits),
        };
        let mut score = self.scores[d];
        self.scores[d] = 0.0;
        self.bits[d] = 0;
        if matched_groups == 0 {
            return;
        }
        if tiers.coordination > 0.0 {
            score *= (matched_groups as f32 / tiers.groups as f32).powf(tiers.coordination);
        }
        // "Matches everything" lifts a paper above partial matches (for queries of up to
        // `full_match_tier_max_groups` groups; unlimited by default, see `papersift eval`).
        let full = matched_groups == tiers.groups && tiers.groups <= tiers.max_groups;
        hits.push(Hit { doc, score, full });
    }
}

/// The search engine over one opened index.
#[derive(Debug)]
pub struct Engine {
    /// The index searched.
    pub index: Index,
    /// The analyzer (the one that built the index).
    pub analyzer: Analyzer,
    params: Bm25f,
    /// Extra weight for papers matching more of the query's groups, as an exponent on the
    /// matched fraction (0 = plain BM25F within a tier).
    pub coordination: f32,
    /// Queries with at most this many groups rank papers matching all of them first.
    pub full_match_tier_max_groups: usize,
    /// Most postings the completions of the word being typed may add (see
    /// [`MAX_TYPED_WORD_POSTINGS`]).
    pub typed_word_postings: u64,

    avg: [f32; 3],
    /// Per paper and field, `weight / (1 − b + b · len / avg)`: BM25F's length normalisation,
    /// computed once so scoring a posting is three multiplications.
    norms: Vec<[f32; 3]>,
    /// For each listing-date value, the first paper carrying it (facets show listing order),
    /// computed once the facets are at hand.
    listed_order: std::cell::OnceCell<Vec<u32>>,
    typos: expand::Typos,
    /// Paper id → document number, built on first use.
    ids: std::cell::OnceCell<std::collections::HashMap<String, u32>>,
    scratch: RefCell<Scratch>,
}

impl Engine {
    /// An engine with the tuned parameters.
    pub fn new(index: Index) -> Engine {
        let n = u64::from(index.len());
        let f = index.manifest.fields;
        let avg = [f.title.mean_len(n), f.abstract_.mean_len(n), f.authors.mean_len(n)];
        let mut engine = Engine {
            index,
            analyzer: Analyzer::new(),
            params: Bm25f::default(),
            coordination: 0.0,
            full_match_tier_max_groups: usize::MAX,
            typed_word_postings: MAX_TYPED_WORD_POSTINGS,

            avg,
            norms: Vec::new(),
            listed_order: std::cell::OnceCell::new(),
            typos: expand::Typos,
            ids: std::cell::OnceCell::new(),
            scratch: RefCell::default(),
        };
        engine.set_params(Bm25f::default());
        engine
    }

    /// For each listing-date value, the first paper carrying it.
    fn listed_order(&self) -> &[u32] {
        if !self.index.facets_loaded {
            return &[];
        }
        self.listed_order.get_or_init(|| {
            let Some(col) = self.index.facets.column(names::LISTED) else { return Vec::new() };
            let mut first = vec![u32::MAX; col.values.len()];
            for doc in (0..col.n_docs()).rev() {
                for &o in col.of(doc) {
                    first[o as usize] = doc;
                }
            }
            first
        })
    }

    /// The ranking parameters.
    pub fn params(&self) -> Bm25f {
        self.params
    }

    /// Changes the ranking parameters (used by tuning).
    pub fn set_params(&mut self, params: Bm25f) {
        self.params = params;
        let n = self.index.len();
        self.norms = (0..n)
            .map(|doc| {
                let mut row = [0.0f32; 3];
                for (f, slot) in row.iter_mut().enumerate() {
                    let len = self.index.field_len(doc, f) as f32;
                    let norm = 1.0 - params.b[f] + params.b[f] * len / self.avg[f];
                    *slot = params.weight[f] / norm.max(1e-3);
                }
                row
            })
            .collect();
    }

    /// Runs a search.
    pub fn search(&self, req: &Request<'_>) -> Results {
        let parsed = query::parse(req.query, req.as_you_type);
        let mut compiled = self.compile(&parsed, req.typos);
        if parsed.truncated {
            compiled.notices.insert(0, Notice::Truncated);
        }
        // Filters and date or title order read the facets, which a sharded index fetches on
        // demand: without them there is no answer yet (the need is recorded).
        let needs_facets =
            !req.filters.is_empty() || !compiled.category_filter.is_empty() || req.sort != Sort::Relevance;
        if needs_facets && !self.index.want_facets() {
            return Results::default();
        }
        let allowed = self.filter_mask(&req.filters, &compiled.category_filter, &mut compiled.notices);
        let mut results = Results {
            notices: std::mem::take(&mut compiled.notices),
            completions: std::mem::take(&mut compiled.completions),
            needs_positions: compiled.needs_positions,
            ..Results::default()
        };
        for u in &compiled.units {
            results.matched.extend(u.terms.iter().filter(|t| t.source == Source::Text).map(|t| t.ordinal));
        }

        let mut hits: Vec<Hit> = if compiled.groups.is_empty() {
            if !parsed.is_empty() {
                // Every word was a stop word or unsearchable: nothing can match.
                Vec::new()
            } else {
                (0..self.index.len())
                    .filter(|&d| allowed.as_ref().is_none_or(|a| a[d as usize]))
                    .map(|doc| Hit { doc, score: 0.0, full: true })
                    .collect()
            }
        } else {
            // Ranked by relevance with the "matches everything" tier, a paper that cannot join
            // that tier need not be scored by the query's last word (see `score`). (Not with
            // exclusions, which may empty the tier after scoring.)
            let needed = req.offset.saturating_add(req.limit);
            let tiered = compiled.groups.len() > 1
                && compiled.groups.len() <= self.full_match_tier_max_groups
                && compiled.units.len() <= 8;
            let prune =
                (tiered && req.sort == Sort::Relevance && needed > 0 && compiled.excluded.is_empty()).then_some(needed);
            let (mut hits, short) = self.score(&compiled, allowed.as_deref(), prune);
            if short {
                hits = self.score(&compiled, allowed.as_deref(), None).0;
            }
            self.drop_excluded(&compiled, &mut hits);
            hits
        };
        results.total = hits.len();
        // (Facet counts wait for the facets of a sharded index; filters and sorts ask for them.)
        if req.facets || req.matching {
            let docs: Vec<u32> = hits.iter().map(|h| h.doc).collect();
            if req.facets {
                results.facets = self.facet_counts_of(&docs);
            }
            if req.matching {
                results.matching = docs;
            }
        }
        self.order(&mut hits, req.sort, parsed.is_empty(), req.offset + req.limit);
        results.hits = hits.into_iter().skip(req.offset).take(req.limit).collect();
        // (Not while shards this search asked for are missing: the answer is not final, and the
        // suggestion's typo scans would ask for many more.)
        if results.total == 0 && !compiled.unmatched_words.is_empty() && !self.index.awaits_shards() {
            results.suggestion = self.suggest(req.query, &compiled.unmatched_words, &compiled.fuzzed_in_vain);
        }
        results
    }

    /// Analyses a clause's text into tokens; an `author:` clause keeps stop words, which are
    /// name parts there ("An", "Le").
    fn clause_tokens(&self, text: &str, scope: Scope) -> Vec<Token> {
        if scope == Scope::Author {
            self.analyzer.analyze_name(text)
        } else {
            self.analyzer.analyze(text)
        }
    }

    fn unit_for_token(
        &self,
        token: &Token,
        prefix: bool,
        typos: bool,
        mask: u8,
        c: &mut Compiled,
        original: &str,
    ) -> Option<Unit> {
        let mut terms: Vec<TermRef> = Vec::new();
        if mask & 0b011 != 0 {
            self.text_terms(token, prefix, typos, c, original, &mut terms);
        }
        if mask & 0b100 != 0 {
            // Author names: exact tokens, completions of the word being typed, and typo
            // matches only when the query asks for authors explicitly.
            self.name_terms(token, prefix, typos && mask == 0b100, &mut terms);
        }
        self.share_rarity_across_sources(&mut terms);
        if terms.is_empty() {
            c.unmatched_words.push(token.surface.clone());
            // The unit stays (matching nothing), so a query with an unknown word still
            // prefers papers that match the rest.
        }
        Some(Unit { terms, field_mask: mask, deferred: false })
    }

    /// One query word is as common as its commonest use, whichever field it is found in
    /// (BM25F's single document frequency per term): a word matched both in the text and in
    /// author names takes, in each, the larger of the two frequencies. Otherwise a common
    /// word that is also a rare surname ("model", "lora") would rank the surname's few
    /// papers above every paper about the word.
    fn share_rarity_across_sources(&self, terms: &mut [TermRef]) {
        // The commonest term of each source: text (0) and names (1).
        let mut most = [0u32; 2];
        let mut effective = Vec::with_capacity(terms.len());
        for t in terms.iter() {
            let df = if t.idf_df > 0 { t.idf_df } else { self.list(t.source).doc_freq(t.ordinal).unwrap_or(0) };
            let source = usize::from(t.source == Source::Name);
            most[source] = most[source].max(df);
            effective.push(df);
        }
        if most[0] == 0 || most[1] == 0 {
            return;
        }
        for (t, df) in terms.iter_mut().zip(effective) {
            t.idf_df = df.max(most[usize::from(t.source != Source::Name)]);
        }
    }

    fn text_terms(
        &self,
        token: &Token,
        prefix: bool,
        typos: bool,
        c: &mut Compiled,
        original: &str,
        terms: &mut Vec<TermRef>,
    ) {
        // A sharded dictionary may not have this word's shards yet: asking records them, and
        // expanding now (typos for a word only thought unknown) would ask for far more.
        let (term_known, surface_known) = (
            self.index.terms.has_key_range(token.term.as_bytes()),
            self.index.terms.has_key_range(token.surface.as_bytes()),
        );
        if !(term_known && surface_known) {
            return;
        }
        let mut exact: Vec<u32> = Vec::new();
        if let Some(o) = self.index.term_ordinal(&token.term) {
            exact.push(o);
        }
        let surface_ord = self.index.surface_ordinal(&token.surface);
        if let Some(o) = surface_ord {
            if !exact.contains(&o) {
                exact.push(o);
            }
        }
        terms.extend(exact.iter().map(|&ordinal| TermRef {
            source: Source::Text,
            ordinal,
            weight: MatchKind::Exact.weight(),
            idf_df: 0,
        }));
        let df_of = |o: u32| self.index.doc_freq(o);
        let mut reached: Vec<Expansion> = Vec::new();
        if prefix {
            let (mut completions, capped) = expand::prefix(&self.index, &token.surface, &exact);
            let mut postings = 0u64;
            let within = completions
                .iter()
                .position(|e| {
                    postings += u64::from(e.df);
                    postings > self.typed_word_postings
                })
                .map_or(completions.len(), |i| i.max(1));
            if capped || within < completions.len() {
                c.notices.push(Notice::TooManyCompletions(original.to_string()));
            }
            // Completions are words, ranked by how many papers use that very form.
            let mut shown: Vec<(u32, String)> = Vec::new();
            if let Some(o) = surface_ord {
                let share = self.index.surface_share(&token.surface).unwrap_or(255);
                shown.push(((u64::from(df_of(o)) * u64::from(share) / 255) as u32, token.surface.clone()));
            }
            shown.extend(completions.iter().map(|e| (e.word_frequency(), e.surface.clone())));
            sort_list(&mut shown, |a, b| b.0.cmp(&a.0).then(a.1.len().cmp(&b.1.len())).then_with(|| a.1.cmp(&b.1)));
            c.completions = shown.into_iter().map(|(_, s)| s).take(MAX_COMPLETIONS).collect();
            // The suggestions above still offer every completion; only the search leaves the
            // rarest out.
            completions.truncate(within);
            reached.extend(completions);
        }
        if typos {
            // Typo matches only when the word (or, while typing, any completion of it) is
            // unknown, or so rare that it is more likely a typo in the corpus itself
            // ("tranformer" is in 2 of 75k abstracts, "transformer" in thousands): an existing
            // word is otherwise what the user meant.
            let known_df = exact.iter().map(|&o| df_of(o)).chain(reached.iter().map(|e| e.df)).max().unwrap_or(0);
            if known_df <= RARE_TYPO_DF && c.fuzzy_words >= MAX_FUZZY_WORDS {
                c.notice_once(Notice::TooBroad);
            } else if known_df <= RARE_TYPO_DF {
                c.fuzzy_words += 1;
                let mut skip = exact.clone();
                skip.extend(reached.iter().map(|e| e.ordinal));
                // A word the corpus knows is a corpus typo only if one edit from a dominant
                // word ("tranformer"); two edits would turn "unlearning" into "learning".
                let fuzzy = if known_df == 0 {
                    self.typos.fuzzy(&self.index, &token.surface, prefix, &skip)
                } else if token.surface.chars().count() >= expand::MIN_FUZZY_CHARS {
                    self.typos.within(&self.index, &token.surface, 1, prefix, &skip)
                } else {
                    Vec::new()
                };
                if known_df == 0 && fuzzy.is_empty() && expand::max_edits(token.surface.chars().count()) > 0 {
                    c.fuzzed_in_vain.push(token.surface.clone());
                }
                let keep: Vec<Expansion> =
                    fuzzy.into_iter().filter(|e| known_df == 0 || e.df >= TYPO_DOMINANCE * known_df).collect();
                if known_df > 0 {
                    // A corpus typo ("modles" beside "models") stands for the word it misspells:
                    // it takes that word's idf, or its rarity would put the few papers with the
                    // typo above every paper with the word.
                    if let Some(dominant) = keep.iter().map(|e| e.df).max() {
                        for t in terms.iter_mut() {
                            t.idf_df = t.idf_df.max(dominant);
                        }
                    }
                }
                if !keep.is_empty() && known_df == 0 {
                    let mut to: Vec<String> = keep.iter().take(3).map(|e| e.surface.clone()).collect();
                    to.dedup();
                    c.notices.push(Notice::Corrected { from: original.to_string(), to });
                }
                reached.extend(keep);
            }
        }
        // Completions and corrections share one idf (that of the most frequent term the word
        // reaches, the word itself included) and are weighted by how common each is:
        // otherwise a rare completion ("quantile" for "quanti", "neural-symbolic" for
        // "neural") would outrank the word most people are typing.
        let max_df = reached.iter().map(|e| e.df).chain(exact.iter().map(|&o| df_of(o))).max().unwrap_or(0).max(1);
        if prefix && !reached.is_empty() {
            // While it is typed, the word itself is one of the words it may become: a rare
            // word that happens to be a prefix ("mod", "quant") shares the idf too, or its few
            // papers would lead until the word is finished ("mod" on the way to "model").
            for t in terms.iter_mut() {
                t.idf_df = t.idf_df.max(max_df);
            }
        }
        terms.extend(reached.iter().map(|e| TermRef {
            source: Source::Text,
            ordinal: e.ordinal,
            weight: e.kind.weight() * (0.6 + 0.4 * e.df as f32 / max_df as f32),
            idf_df: max_df,
        }));
    }

    fn name_terms(&self, token: &Token, prefix: bool, typos: bool, terms: &mut Vec<TermRef>) {
        if !self.index.names.has_key_range(token.surface.as_bytes()) {
            return;
        }
        let exact = self.index.name_ordinal(&token.surface);
        if let Some(ordinal) = exact {
            terms.push(TermRef { source: Source::Name, ordinal, weight: 1.0, idf_df: 0 });
        }
        let mut reached = if prefix { expand::name_prefix(&self.index, &token.surface) } else { Vec::new() };
        if typos && exact.is_none() && reached.is_empty() {
            reached = self.typos.fuzzy_names(&self.index, &token.surface);
        }
        let max_df = reached.iter().map(|e| e.df).max().unwrap_or(0).max(1);
        terms.extend(reached.iter().filter(|e| Some(e.ordinal) != exact).map(|e| TermRef {
            source: Source::Name,
            ordinal: e.ordinal,
            weight: e.kind.weight() * (0.6 + 0.4 * e.df as f32 / max_df as f32),
            idf_df: max_df,
        }));
    }

    fn list(&self, source: Source) -> &crate::engine::index::postings::ListFile {
        match source {
            Source::Text => &self.index.postings,
            Source::Name => &self.index.name_postings,
        }
    }

    fn push_unit(&self, c: &mut Compiled, mut unit: Unit) -> Option<usize> {
        if c.units.len() >= MAX_UNITS {
            c.notice_once(Notice::Truncated);
            return None;
        }
        // Expansions (weight below 1) come most frequent first; keep them while the query's
        // postings budget lasts.
        let before = unit.terms.len();
        unit.terms.retain(|t| {
            if t.weight >= 1.0 {
                return true;
            }
            let df = u64::from(self.list(t.source).doc_freq(t.ordinal).unwrap_or(0));
            if c.expansion_postings + df > MAX_QUERY_POSTINGS {
                return false;
            }
            c.expansion_postings += df;
            true
        });
        if unit.terms.len() < before {
            c.notice_once(Notice::TooBroad);
        }
        c.units.push(unit);
        Some(c.units.len() - 1)
    }

    /// Alternatives for one clause; empty when nothing searchable is left.
    fn compile_clause(
        &self,
        clause: &query::Clause,
        typos: bool,
        c: &mut Compiled,
        ignored: &mut Vec<String>,
    ) -> Vec<Alternative> {
        let mask = match clause.scope {
            Scope::All => 0b111,
            Scope::Title => 0b001,
            Scope::Abstract => 0b010,
            Scope::Author => 0b100,
        };
        match &clause.kind {
            ClauseKind::Category(_) => Vec::new(),
            ClauseKind::Pattern(p) => {
                let normalized = normalize_pattern(p);
                let (exps, capped) = expand::pattern(&self.index, &normalized, &[]);
                if capped {
                    c.notices.push(Notice::TooManyCompletions(p.clone()));
                }
                let max_df = exps.iter().map(|e| e.df).max().unwrap_or(0).max(1);
                let terms = exps
                    .iter()
                    .map(|e| TermRef {
                        source: Source::Text,
                        ordinal: e.ordinal,
                        weight: e.kind.weight() * (0.6 + 0.4 * e.df as f32 / max_df as f32),
                        idf_df: max_df,
                    })
                    .collect();
                match self.push_unit(c, Unit { terms, field_mask: mask, deferred: false }) {
                    Some(u) => vec![Alternative { units: 1 << u, phrase: None }],
                    None => Vec::new(),
                }
            }
            ClauseKind::Word { text, prefix } => {
                let tokens = self.clause_tokens(text, clause.scope);
                let parts: Vec<&Token> = tokens.iter().filter(|t| !t.joined).collect();
                let joined: Option<&Token> = tokens.iter().find(|t| t.joined);
                if tokens.is_empty() {
                    if text.chars().any(char::is_alphanumeric) && !text.contains("://") {
                        ignored.push(text.clone());
                    }
                    return Vec::new();
                }
                let mut alts = Vec::new();
                if let Some(j) = joined {
                    // A compound: its joined form, or all its parts.
                    if let Some(u) =
                        self.unit_for_token(j, *prefix, typos, mask, c, text).and_then(|u| self.push_unit(c, u))
                    {
                        alts.push(Alternative { units: 1 << u, phrase: None });
                    }
                    // Parts found apart only count when the compound's own form is unknown.
                    let joined_known =
                        alts.first().is_some_and(|a| !c.units[a.units.trailing_zeros() as usize].terms.is_empty());
                    if !joined_known {
                        let mut bits = 0u64;
                        for (i, p) in parts.iter().enumerate() {
                            let last = i + 1 == parts.len();
                            if let Some(u) = self
                                .unit_for_token(p, *prefix && last, false, mask, c, text)
                                .and_then(|u| self.push_unit(c, u))
                            {
                                bits |= 1 << u;
                            }
                        }
                        if bits != 0 {
                            alts.push(Alternative { units: bits, phrase: None });
                        }
                    }
                    c.unmatched_words.retain(|w| *w != j.surface || !joined_known);
                } else {
                    // One or more plain words (e.g. "a/b" gives two): all required.
                    let mut bits = 0u64;
                    for (i, p) in parts.iter().enumerate() {
                        let last = i + 1 == parts.len();
                        if let Some(u) = self
                            .unit_for_token(p, *prefix && last, typos, mask, c, text)
                            .and_then(|u| self.push_unit(c, u))
                        {
                            bits |= 1 << u;
                        }
                    }
                    if bits != 0 {
                        alts.push(Alternative { units: bits, phrase: None });
                    }
                }
                alts
            }
            ClauseKind::Phrase(text) => {
                let tokens: Vec<Token> =
                    self.clause_tokens(text, clause.scope).into_iter().filter(|t| !t.joined).collect();
                if tokens.is_empty() {
                    ignored.push(text.clone());
                    return Vec::new();
                }
                if tokens.len() == 1 || clause.scope == Scope::Author {
                    // A one-word phrase is that exact word; author names are matched as
                    // words in any order (positions are not kept for authors).
                    let mut bits = 0u64;
                    for t in &tokens {
                        if let Some(u) =
                            self.unit_for_token(t, false, false, mask, c, text).and_then(|u| self.push_unit(c, u))
                        {
                            bits |= 1 << u;
                        }
                    }
                    return if bits == 0 { Vec::new() } else { vec![Alternative { units: bits, phrase: None }] };
                }
                let mut bits = 0u64;
                let mut phrase = Vec::new();
                for t in &tokens {
                    let terms: Vec<TermRef> = self
                        .index
                        .term_ordinal(&t.term)
                        .map(|ordinal| TermRef { source: Source::Text, ordinal, weight: 1.0, idf_df: 0 })
                        .into_iter()
                        .collect();
                    if terms.is_empty() {
                        c.unmatched_words.push(t.surface.clone());
                    }
                    if let Some(u) = self.push_unit(c, Unit { terms, field_mask: mask & 0b011, deferred: true }) {
                        bits |= 1 << u;
                        phrase.push((u, t.position));
                    }
                }
                if self.index.positions.is_none() {
                    c.needs_positions = true;
                    c.notices.push(Notice::NeedsPositions);
                }
                vec![Alternative { units: bits, phrase: Some(phrase) }]
            }
        }
    }

    fn compile(&self, q: &query::Query, typos: bool) -> Compiled {
        let mut c = Compiled { category_filter: q.categories.clone(), ..Compiled::default() };
        let mut ignored = Vec::new();
        for group in &q.groups {
            let mut alts = Vec::new();
            for clause in group {
                alts.extend(self.compile_clause(clause, typos, &mut c, &mut ignored));
            }
            if !alts.is_empty() {
                c.groups.push(alts);
            }
        }
        // Excluded clauses are compiled into their own unit space.
        let mut ex = Compiled::default();
        for clause in &q.excluded {
            let alts = self.compile_clause(clause, false, &mut ex, &mut Vec::new());
            if !alts.is_empty() {
                c.excluded.push(alts);
            }
        }
        c.excluded_units = ex.units;
        c.needs_positions |= ex.needs_positions;
        if !ignored.is_empty() {
            c.notices.push(Notice::Ignored(ignored));
        }
        c
    }

    /// Papers allowed by the filters, or `None` when every paper is.
    fn filter_mask(&self, f: &Filters, query_categories: &[String], notices: &mut Vec<Notice>) -> Option<Vec<bool>> {
        if f.is_empty() && query_categories.is_empty() {
            return None;
        }
        let n = self.index.len() as usize;
        let mut allowed = vec![true; n];
        let facets = &self.index.facets;
        let mut any_of = |column: Option<&crate::engine::index::facets::Column>,
                          wanted: &[String],
                          prefix_ok: bool,
                          notices: &mut Vec<Notice>| {
            if wanted.is_empty() {
                return;
            }
            let mut ords: HashSet<u32> = HashSet::new();
            if let Some(col) = column {
                // Each stored value folded once, not once per wanted value (the author column
                // holds a name per author of the corpus).
                let values: Vec<String> = col.values.iter().map(|v| crate::engine::text::lower_case(v)).collect();
                for w in wanted {
                    let before = ords.len();
                    let wl = crate::engine::text::lower_case(w);
                    let (stem, is_prefix) = match wl.strip_suffix('*') {
                        Some(s) if prefix_ok => (s.to_string(), true),
                        _ => (wl.clone(), false),
                    };
                    for (i, vl) in values.iter().enumerate() {
                        if *vl == stem || (is_prefix && vl.starts_with(&stem)) {
                            ords.insert(i as u32);
                        }
                    }
                    if ords.len() == before && prefix_ok {
                        notices.push(Notice::UnknownCategory(w.clone()));
                    }
                }
            }
            for (d, ok) in allowed.iter_mut().enumerate() {
                if *ok {
                    *ok = column.is_some_and(|c| c.of(d as u32).iter().any(|o| ords.contains(o)));
                }
            }
        };
        let mut cats: Vec<String> = f.categories.clone();
        cats.extend(query_categories.iter().cloned());
        any_of(facets.column(names::CATEGORY), &cats, true, notices);
        any_of(facets.column(names::MONTH), &f.months, false, notices);
        any_of(facets.column(names::LISTED), &f.listed, false, notices);
        if !f.authors.is_empty() {
            any_of(self.index.authors.as_ref(), &f.authors, false, notices);
        }
        for (d, ok) in allowed.iter_mut().enumerate() {
            if !*ok {
                continue;
            }
            let d32 = d as u32;
            if f.links.iter().any(|&k| !facets.has_link(d32, k)) {
                *ok = false;
                continue;
            }
            let date = facets.dates.get(d).copied().unwrap_or(0);
            if f.date_from.is_some_and(|from| date == 0 || date < from)
                || f.date_to.is_some_and(|to| date == 0 || date > to)
            {
                *ok = false;
            }
        }
        if !f.topics.is_empty() {
            // (A sharded index records the summary as missing: fetched, then searched again.)
            if !self.index.want_topics() {
                notices.push(Notice::TopicsUnavailable);
            }
            for (d, ok) in allowed.iter_mut().enumerate() {
                if *ok {
                    *ok = self.in_topics(d as u32, &f.topics);
                }
            }
        }
        Some(allowed)
    }

    /// The primary top topic of a paper, when the topic model is loaded.
    pub fn primary_topic(&self, doc: u32) -> Option<u32> {
        self.index.topic_columns.get(doc as usize).map(|c| c.0)
    }

    /// Whether a paper's primary topic or subtopic is one of `topics`.
    pub fn in_topics(&self, doc: u32, topics: &[u32]) -> bool {
        let Some(&(t, s)) = self.index.topic_columns.get(doc as usize) else { return false };
        topics.contains(&t) || (s != u32::MAX && topics.contains(&s))
    }

    /// BM25F's pseudo term frequency for `doc`, from precomputed length normalisations.
    #[inline(always)]
    fn pseudo_tf(&self, doc: u32, tf: [u16; 3], mask: u8) -> f32 {
        let norm = &self.norms[doc as usize];
        let mut acc = 0.0;
        for f in 0..3 {
            if tf[f] != 0 && mask & (1 << f) != 0 {
                acc += tf[f] as f32 * norm[f];
            }
        }
        acc
    }

    /// Removes the papers an exclusion (`-word`) matches.
    fn drop_excluded(&self, c: &Compiled, hits: &mut Vec<Hit>) {
        if !c.excluded.is_empty() && !hits.is_empty() {
            let excluded = self.excluded_docs(c);
            hits.retain(|h| !excluded[h.doc as usize]);
        }
    }

    /// Scores every paper the query's units reach into hits (unordered).
    ///
    /// With `prune` (a page of that many hits), the last unit scored only marks the papers
    /// that will not match every group whatever it adds (they still count, and their
    /// facets): its postings are most of a typed query's work (a word's first letters reach
    /// 120k postings at 75k papers), and most of them fall on papers missing some other word.
    /// It is done only when the papers holding every other word are likely to fill the page
    /// with full matches; when fewer than the page then match everything, the second value
    /// says so and the caller scores again without pruning. The page is thus the one unpruned
    /// scoring gives; the scores of hits below it may lack a part.
    fn score(&self, c: &Compiled, allowed: Option<&[bool]>, prune: Option<usize>) -> (Vec<Hit>, bool) {
        let n = self.index.len() as usize;
        let mut guard = self.scratch.borrow_mut();
        let s = &mut *guard;
        if s.scores.len() != n {
            s.scores = vec![0.0; n];
            s.unit_best = vec![0.0; n];
            s.bits = vec![0; n];
        }
        s.touched.clear();
        let n_docs = self.index.len();
        // Large result sets skip the list of touched papers and sweep every paper at the end:
        // a sequential pass over the match bits is cheaper than a branch and a push per posting
        // once the query's postings are a sizeable share of the corpus.
        let postings: u64 = c
            .units
            .iter()
            .filter(|u| !u.deferred)
            .flat_map(|u| &u.terms)
            .map(|t| u64::from(self.list(t.source).doc_freq(t.ordinal).unwrap_or(0)))
            .sum();
        let dense = postings * 8 >= n as u64;
        // Phrases first: their papers come from a merge join over positions and get the
        // phrase's unit bits and score here, so the phrase words' (often huge) lists are not
        // scanned again below. Holding all of a phrase's unit bits thus means the phrase.
        for alt in c.groups.iter().flatten() {
            let Some(phrase) = &alt.phrase else { continue };
            for (doc, score) in self.phrase_docs(phrase, &c.units) {
                let d = doc as usize;
                if allowed.is_some_and(|a| !a[d]) {
                    continue;
                }
                if !dense && s.bits[d] == 0 {
                    s.touched.push(doc);
                }
                s.bits[d] |= alt.units;
                s.scores[d] += score;
            }
        }
        let mut docs = std::mem::take(&mut s.docs);
        let mut acc = Accumulators {
            bits: &mut s.bits,
            scores: &mut s.scores,
            unit_best: &mut s.unit_best,
            touched: &mut s.touched,
        };
        // How many groups a set of match bits satisfies: a table over the bits when the query
        // has few units (the usual case), so a paper costs one lookup.
        let count_groups =
            |bits: u64| c.groups.iter().filter(|alts| alts.iter().any(|alt| bits & alt.units == alt.units)).count();
        let table: Vec<u8> =
            if c.units.len() <= 8 { (0..256u64).map(|b| count_groups(b) as u8).collect() } else { Vec::new() };
        let last = c.units.iter().rposition(|u| !u.deferred);
        // Whether the last unit only counted the papers that could not match everything.
        let mut pruned_any = false;
        let groups = c.groups.len() as u8;
        let mut scoring = UnitScoring { acc: &mut acc, docs: &mut docs, allowed, n_docs, dense, table: &table, groups };
        for (ui, unit) in c.units.iter().enumerate() {
            if unit.deferred {
                continue;
            }
            let bit = 1u64 << ui;
            // Pruning needs the table (at most 8 units) and every other unit already scored,
            // and pays when the papers holding every other word, thinned by the share of
            // papers the unit reaches, are likely to fill the page twice over: if the full
            // matches then fall short of it, the whole search is scored again.
            let pruned = Some(ui) == last
                && table.len() == 256
                && prune.is_some_and(|needed| {
                    let reach: u64 = unit
                        .terms
                        .iter()
                        .map(|t| u64::from(self.list(t.source).doc_freq(t.ordinal).unwrap_or(0)))
                        .sum();
                    // Expected full matches: candidates · min(1, reach / n), against the margin.
                    let (reach, n) = (reach.clamp(1, n as u64) as usize, n.max(1));
                    let wanted = PRUNE_MARGIN * needed;
                    // An estimate from one paper in 16 of a large set is enough to decide on
                    // (a whole pass over 75k papers' bits costs a fifth of a short query).
                    let pool = if dense { n } else { scoring.acc.touched.len() };
                    let stride = if pool > 1 << 14 { 16 } else { 1 };
                    let cap = wanted.saturating_mul(n).div_ceil(reach);
                    scoring.full_matches(bit, cap, stride).saturating_mul(reach) >= wanted.saturating_mul(n)
                });
            pruned_any |= pruned;
            self.score_unit(&mut scoring, unit, ui, if pruned { UnitPass::CountUnlessFull } else { UnitPass::Score });
        }
        s.docs = docs;
        let mut hits = Vec::with_capacity(if dense { n / 4 } else { acc.touched.len() });
        let tiers = Tiers {
            groups: c.groups.len(),
            max_groups: self.full_match_tier_max_groups,
            coordination: self.coordination,
        };
        if dense {
            for doc in 0..n_docs {
                if acc.bits[doc as usize] != 0 {
                    acc.collect(doc, &table, &count_groups, &tiers, &mut hits);
                }
            }
        } else {
            let touched = std::mem::take(acc.touched);
            for &doc in &touched {
                acc.collect(doc, &table, &count_groups, &tiers, &mut hits);
            }
            *acc.touched = touched;
            acc.touched.clear();
        }
        // Fewer papers than the page match everything: the papers the last unit only counted
        // belong on the page, so the caller scores again without pruning.
        let short = pruned_any && prune.is_some_and(|needed| hits.iter().filter(|h| h.full).count() < needed);
        (hits, short)
    }

    /// Adds one unit's postings to the accumulators, as `pass` says.
    fn score_unit(&self, sc: &mut UnitScoring<'_, '_>, unit: &Unit, ui: usize, pass: UnitPass) {
        let bit = 1u64 << ui;
        let keep = field_keep(unit.field_mask);
        let norms: &[[f32; 3]] = &self.norms;
        for t in &unit.terms {
            let list = self.list(t.source);
            let Ok(codes) = list.doc_ids_into(t.ordinal, sc.n_docs, sc.docs) else { continue };
            let df = if t.idf_df > 0 { t.idf_df } else { sc.docs.len() as u32 };
            let idf = Bm25f::idf(sc.n_docs, df) * t.weight;
            let (k1, shared, dense) = (self.params.k1, unit.terms.len() > 1, sc.dense);
            let term = TermScore { bit, idf, k1, lift: k1 + 1.0, dense, shared };
            // One byte per posting (no escaped frequencies) is the common, fast case.
            let escaped = if codes.len() == sc.docs.len() {
                None
            } else {
                let Ok(tfs) = list.frequencies(codes, sc.docs.len()) else { continue };
                Some(tfs)
            };
            let acc = &mut *sc.acc;
            for (i, &doc) in sc.docs.iter().enumerate() {
                let d = doc as usize;
                let Some(&had) = acc.bits.get(d) else { continue };
                let full = || sc.table.get(((had | bit) & 0xff) as usize) == Some(&sc.groups);
                let counted_only = pass == UnitPass::CountUnlessFull && !full();
                let tf = match &escaped {
                    None => match (norms.get(d), codes.get(i)) {
                        (Some(norm), Some(&code)) => code_tf(code, norm, &keep),
                        _ => continue,
                    },
                    Some(tfs) => tfs.get(i).map_or(0.0, |&tf| self.pseudo_tf(doc, tf, unit.field_mask)),
                };
                if counted_only {
                    // Never a full match: counted, not scored.
                    if tf > 0.0 && sc.allowed.is_none_or(|a| a[d]) {
                        if !dense && had == 0 {
                            acc.touched.push(doc);
                        }
                        acc.bits[d] = had | bit;
                    }
                } else {
                    acc.add(&term, sc.allowed, doc, tf);
                }
            }
        }
    }

    /// The papers where a phrase occurs, sorted, each with its BM25F score: the phrase's
    /// occurrences per field as the term frequency, the sum of its words' idf as the weight (as
    /// Lucene scores phrases). The phrase is covered by parts, each a stored word pair (see
    /// [`crate::engine::index::pairs`]) where the index has one, else a single word; a merge
    /// join of the parts' postings driven by the rarest finds the papers holding every part,
    /// then only those papers' positions are decoded and checked for the parts in order. Every
    /// list is decoded once per search. Pairs change only the speed: a pair's positions are
    /// exactly where its first word is followed by its second.
    fn phrase_docs(&self, phrase: &[(usize, u32)], units: &[Unit]) -> Vec<(u32, f32)> {
        use crate::engine::index::postings::{ListFile, PositionCursor};
        let n_docs = self.index.len();
        let Some(positions) = self.index.positions.as_ref() else { return Vec::new() };
        if !self.index.pairs_ready() {
            return Vec::new();
        }
        let base = phrase.first().map_or(0, |p| p.1);
        // Each word's term ordinal and offset in the phrase.
        let mut words: Vec<(u32, u32)> = Vec::with_capacity(phrase.len());
        let mut idf = 0.0f32;
        let mut mask = u8::MAX;
        for &(u, qpos) in phrase {
            // Phrase units hold exactly the word's own term (no expansions).
            let Some(t) = units[u].terms.iter().find(|t| t.source == Source::Text) else { return Vec::new() };
            let df = self.index.doc_freq(t.ordinal);
            idf += Bm25f::idf(n_docs, df) * t.weight;
            mask &= units[u].field_mask;
            words.push((t.ordinal, qpos.saturating_sub(base)));
        }
        // The cover, as (list file, postings list, positions list, offset): pairs left to
        // right where stored, single words elsewhere; a last word left alone joins its left
        // neighbour in an overlapping pair when that pair is stored.
        let pair_at = |i: usize| {
            let (&(a, offset), &(b, next)) = (words.get(i)?, words.get(i + 1)?);
            if next != offset.checked_add(1)? {
                return None;
            }
            let at = self.index.pairs.find(a, b)?;
            Some((positions, at.postings, at.positions, offset))
        };
        let mut cover: Vec<(&ListFile, u32, u32, u32)> = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            if let Some(part) = pair_at(i) {
                cover.push(part);
                i += 2;
                continue;
            }
            match i.checked_sub(1).filter(|_| i + 1 == words.len()).and_then(pair_at) {
                Some(part) => cover.push(part),
                None => cover.push((&self.index.postings, words[i].0, words[i].0, words[i].1)),
            }
            i += 1;
        }
        struct Part<'a> {
            docs: Vec<u32>,
            freqs: Freqs<'a>,
            /// Index into `docs` of the current paper.
            at: usize,
            /// First posting whose positions the cursor has not passed.
            next: usize,
            cursor: PositionCursor<'a>,
            /// The current paper's positions of the part.
            run: Vec<u32>,
            /// How far the in-order check has walked `run`.
            probe: usize,
            offset: u32,
        }
        let mut parts = Vec::with_capacity(cover.len());
        for (file, postings_list, positions_list, offset) in cover {
            let mut docs = Vec::new();
            let Ok(codes) = file.doc_ids_into(postings_list, n_docs, &mut docs) else { return Vec::new() };
            let freqs = if codes.len() == docs.len() {
                Freqs::Bytes(codes)
            } else {
                let Ok(tfs) = file.frequencies(codes, docs.len()) else { return Vec::new() };
                Freqs::Decoded(tfs)
            };
            let Ok(cursor) = positions.position_cursor(positions_list) else { return Vec::new() };
            parts.push(Part { docs, freqs, at: 0, next: 0, cursor, run: Vec::new(), probe: 0, offset });
        }
        let Some(driver) = (0..parts.len()).min_by_key(|&i| parts[i].docs.len()) else { return Vec::new() };
        // Filled in place, not pushed (a push per paper is a call in the size-optimised wasm
        // build): at most one entry per paper of the rarest part.
        let mut out = vec![(0u32, 0f32); parts[driver].docs.len()];
        let mut found = 0usize;
        // A merge join driven by the rarest part finds the papers holding every part (the
        // lists are sorted by paper); only there are positions decoded and checked in order.
        'docs: for i in 0..parts[driver].docs.len() {
            let doc = parts[driver].docs[i];
            parts[driver].at = i;
            for (j, w) in parts.iter_mut().enumerate() {
                if j == driver {
                    continue;
                }
                // `seek` (a plain loop) here and below: this runs once per candidate paper, and
                // the size-optimised wasm build does not inline iterator adaptors reliably.
                w.at = seek(&w.docs, w.at, doc);
                match w.docs.get(w.at) {
                    None => break 'docs,
                    Some(&d) if d != doc => continue 'docs,
                    Some(_) => {}
                }
            }
            // A phrase that is one stored pair needs no positions: the pair's own frequencies
            // are the phrase's.
            if let [only] = parts.as_slice() {
                let [t, a, _] = only.freqs.tf(only.at);
                out[found] = (doc, idf * self.params.saturate(self.pseudo_tf(doc, [t, a, 0], mask)));
                found += 1;
                continue;
            }
            for w in parts.iter_mut() {
                let skip = w.freqs.positioned_in(w.next, w.at);
                let count = w.freqs.positioned_in(w.at, w.at + 1);
                if w.cursor.run(skip, count, &mut w.run).is_err() {
                    out.truncate(found);
                    return out;
                }
                w.next = w.at + 1;
            }
            // Every start where each part sits at its offset, counted per field (the first
            // part's run lists its title positions first). Runs are sorted, so each part's run
            // is walked once, by a pointer that only moves forward.
            let (first, rest) = parts.split_first_mut().expect("a phrase has parts");
            for w in rest.iter_mut() {
                w.probe = 0;
            }
            let title_starts = usize::from(first.freqs.tf(first.at)[0]);
            let mut tf = [0u16; 3];
            'starts: for (k, &p) in first.run.iter().enumerate() {
                let Some(start) = p.checked_sub(first.offset) else { continue };
                for w in rest.iter_mut() {
                    let Some(want) = start.checked_add(w.offset) else { break 'starts };
                    w.probe = seek(&w.run, w.probe, want);
                    match w.run.get(w.probe) {
                        None => break 'starts,
                        Some(&p) if p != want => continue 'starts,
                        Some(_) => {}
                    }
                }
                let field = usize::from(k >= title_starts);
                tf[field] = tf[field].saturating_add(1);
            }
            if tf != [0; 3] {
                out[found] = (doc, idf * self.params.saturate(self.pseudo_tf(doc, tf, mask)));
                found += 1;
            }
        }
        out.truncate(found);
        out
    }

    /// Papers matching any excluded clause, as a dense flag per paper.
    fn excluded_docs(&self, c: &Compiled) -> Vec<bool> {
        let n_docs = self.index.len();
        let mut out = vec![false; n_docs as usize];
        let mut seen = vec![0u8; n_docs as usize];
        let mut postings = Vec::new();
        for alt in c.excluded.iter().flatten() {
            if let Some(phrase) = alt.phrase.as_ref().filter(|p| p.len() > 1) {
                for (doc, _) in self.phrase_docs(phrase, &c.excluded_units) {
                    out[doc as usize] = true;
                }
                continue;
            }
            // Count, per paper, the alternative's units it holds; all of them = a match.
            seen.iter_mut().for_each(|x| *x = 0);
            let mut n_units = 0u8;
            for (u, unit) in c.excluded_units.iter().enumerate() {
                if alt.units & (1 << u) == 0 {
                    continue;
                }
                n_units += 1;
                for t in &unit.terms {
                    if self.list(t.source).postings_into(t.ordinal, n_docs, &mut postings).is_err() {
                        continue;
                    }
                    for p in &postings {
                        let hit =
                            unit.field_mask == 0b111 || (0..3).any(|f| unit.field_mask & (1 << f) != 0 && p.tf[f] > 0);
                        if hit && seen[p.doc as usize] == n_units - 1 {
                            seen[p.doc as usize] = n_units;
                        }
                    }
                }
            }
            for (doc, &count) in seen.iter().enumerate() {
                if count == n_units && n_units > 0 {
                    out[doc] = true;
                }
            }
        }
        out
    }

    fn order(&self, hits: &mut Vec<Hit>, sort: Sort, empty_query: bool, needed: usize) {
        let facets = &self.index.facets;
        let key_date = |h: &Hit| facets.dates.get(h.doc as usize).copied().unwrap_or(0);
        let key_title = |h: &Hit| facets.title_rank.get(h.doc as usize).copied().unwrap_or(u32::MAX);
        let cmp = |a: &Hit, b: &Hit| -> std::cmp::Ordering {
            match sort {
                Sort::Relevance if empty_query => a.doc.cmp(&b.doc),
                Sort::Relevance => b.full.cmp(&a.full).then(b.score.total_cmp(&a.score)).then(a.doc.cmp(&b.doc)),
                Sort::Newest => key_date(b)
                    .cmp(&key_date(a))
                    .then(b.full.cmp(&a.full))
                    .then(b.score.total_cmp(&a.score))
                    .then(a.doc.cmp(&b.doc)),
                Sort::Oldest => {
                    // Undated papers last.
                    let (da, db) = (key_date(a), key_date(b));
                    (da == 0).cmp(&(db == 0)).then(da.cmp(&db)).then(a.doc.cmp(&b.doc))
                }
                Sort::Title => key_title(a).cmp(&key_title(b)),
            }
        };
        if needed == 0 {
            hits.clear();
            return;
        }
        if sort == Sort::Relevance && !empty_query && needed < hits.len() && self.index.len() <= 0x7fff_ffff {
            // The usual instant-search case: the best page of a large set. Each hit becomes one
            // integer that sorts like `cmp` (tier, score, then document), so the selection runs
            // on plain integer comparisons.
            // A bounded min-heap of the best keys: most hits cost one comparison with its top.
            use std::cmp::Reverse;
            let mut best: std::collections::BinaryHeap<Reverse<u64>> =
                std::collections::BinaryHeap::with_capacity(needed + 1);
            for h in hits.iter() {
                let key = relevance_key(h);
                if best.len() < needed {
                    best.push(Reverse(key));
                } else if let Some(mut worst) = best.peek_mut().filter(|w| key > w.0) {
                    *worst = Reverse(key);
                }
            }
            let mut keys: Vec<u64> = best.into_iter().map(|r| r.0).collect();
            keys.sort_unstable_by(|a, b| b.cmp(a));
            *hits = keys.into_iter().map(hit_of_key).collect();
            return;
        }
        if needed < hits.len() / 8 {
            // A small page of a large result set: keep the best `needed` in a bounded heap, so
            // most hits cost one comparison with the current worst.
            let mut heap: std::collections::BinaryHeap<Ranked<'_, _>> =
                std::collections::BinaryHeap::with_capacity(needed + 1);
            for &h in hits.iter() {
                if heap.len() < needed {
                    heap.push(Ranked(h, &cmp));
                } else if heap.peek().is_some_and(|worst| cmp(&h, &worst.0).is_lt()) {
                    heap.pop();
                    heap.push(Ranked(h, &cmp));
                }
            }
            *hits = heap.into_iter().map(|r| r.0).collect();
        } else if needed < hits.len() {
            hits.select_nth_unstable_by(needed - 1, cmp);
            hits.truncate(needed);
        }
        hits.sort_unstable_by(cmp);
    }

    /// Facet counts over a set of papers (a search's [`Results::matching`]); `None` until the
    /// facets of a sharded index are attached.
    pub fn facet_counts_of(&self, docs: &[u32]) -> Option<FacetCounts> {
        self.index.facets_loaded.then(|| self.facet_counts(docs))
    }

    fn facet_counts(&self, hits: &[u32]) -> FacetCounts {
        if hits.is_empty() {
            // Nothing to count (and the buffers below would be sized to every value for it).
            return FacetCounts::default();
        }
        let facets = &self.index.facets;
        let mut guard = self.scratch.borrow_mut();
        let Scratch { counts, name_counts, .. } = &mut *guard;
        // Counts per value of a column over the hits, into a reused buffer; the non-zero ones
        // come back as (count, value ordinal).
        let mut count = |col: &Column| -> Vec<(u32, u32)> {
            counts.clear();
            counts.resize(col.values.len(), 0);
            for &h in hits {
                for &o in col.of(h) {
                    counts[o as usize] += 1;
                }
            }
            counts.iter().enumerate().filter(|(_, &c)| c > 0).map(|(i, &c)| (c, i as u32)).collect()
        };
        let by_count = |a: &(u32, u32), b: &(u32, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        let named = |col: &Column, list: Vec<(u32, u32)>| -> Vec<(String, u32)> {
            list.into_iter().map(|(c, o)| (col.values[o as usize].clone(), c)).collect()
        };
        let mut out = FacetCounts::default();
        if let Some(col) = facets.column(names::CATEGORY) {
            let mut list = count(col);
            sort_list(&mut list, by_count);
            out.categories = named(col, list);
        }
        if let Some(col) = facets.column(names::MONTH) {
            let mut list = count(col);
            sort_list(&mut list, |a, b| b.1.cmp(&a.1)); // values are YYYY-MM: newest first
            out.months = named(col, list);
        }
        if let Some(col) = facets.column(names::LISTED) {
            let mut list = count(col);
            let rank = |o: u32| (self.listed_order().get(o as usize).copied().unwrap_or(u32::MAX), o);
            sort_list(&mut list, |a, b| rank(a.1).cmp(&rank(b.1)));
            out.listed = named(col, list);
        }
        let mut links = [0u32; 5];
        for &h in hits {
            let mask = facets.link_kinds.get(h as usize).copied().unwrap_or(0);
            for (k, n) in links.iter_mut().enumerate() {
                *n += u32::from(mask >> k & 1);
            }
        }
        out.links = LinkKind::ALL.iter().zip(links).filter(|(_, c)| *c > 0).map(|(&k, c)| (k, c)).collect();
        if let Some(col) = self.index.authors.as_ref().filter(|_| hits.len() <= MAX_AUTHOR_FACET_HITS) {
            // Hundreds of thousands of names on a big corpus: count only the names the hits
            // carry (not a pass over every name), and pick the top 30 before touching strings.
            // The buffer stays zeroed between searches (only the names seen are reset), so a
            // search does not clear a slot per name either.
            let counts = name_counts;
            counts.resize(col.values.len(), 0);
            let mut seen: Vec<u32> = Vec::new();
            for &h in hits {
                for &o in col.of(h) {
                    if let Some(c) = counts.get_mut(o as usize) {
                        seen.extend((*c == 0).then_some(o));
                        *c += 1;
                    }
                }
            }
            let mut list: Vec<(u32, u32)> = seen.iter().map(|&o| (counts[o as usize], o)).collect();
            if list.len() > MAX_AUTHOR_FACETS {
                list.select_nth_unstable_by(MAX_AUTHOR_FACETS - 1, by_count);
                list.truncate(MAX_AUTHOR_FACETS);
            }
            for &o in &seen {
                counts[o as usize] = 0;
            }
            sort_list(&mut list, by_count);
            out.authors = named(col, list);
        }
        if let Some(model) = &self.index.topics {
            counts.clear();
            counts.resize(model.topics.len(), 0);
            let columns = &self.index.topic_columns;
            for &h in hits {
                if let Some(&(t, s)) = columns.get(h as usize) {
                    counts[t as usize] += 1;
                    if let Some(c) = counts.get_mut(s as usize) {
                        *c += 1;
                    }
                }
            }
            let mut list: Vec<(u32, u32)> =
                counts.iter().enumerate().filter(|(_, &c)| c > 0).map(|(t, &c)| (t as u32, c)).collect();
            sort_list(&mut list, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            out.topics = list;
        }
        out
    }

    /// A corrected query for words that matched nothing: each replaced by its closest frequent
    /// neighbour in the vocabulary.
    /// Words in `fuzzed_in_vain` are passed over: the search's typo pass already found no
    /// word within their budget, even as a prefix (a superset of whole-word matches).
    fn suggest(&self, query_text: &str, unmatched: &[String], fuzzed_in_vain: &[String]) -> Option<String> {
        let mut out = query_text.to_string();
        let mut changed = false;
        // Each word costs an automaton run over the dictionary: bounded like typo tolerance.
        let mut budget = MAX_SUGGESTED_WORDS;
        for word in unmatched {
            if word.chars().count() < 3 || is_stop_word(word) || fuzzed_in_vain.contains(word) {
                continue;
            }
            if budget == 0 {
                break;
            }
            budget -= 1;
            let mut cands = self.typos.fuzzy(&self.index, word, false, &[]);
            if cands.is_empty() {
                // Short words get no typo budget in search, but a suggestion may still help.
                cands = self.typos.within(&self.index, word, 1, false, &[]);
            }
            sort_list(&mut cands, |a, b| {
                a.kind.cmp(&b.kind).then(b.df.cmp(&a.df)).then_with(|| a.surface.cmp(&b.surface))
            });
            if let Some(best) = cands.first() {
                if let Some(replaced) = replace_word(&out, word, &best.surface) {
                    out = replaced;
                    changed = true;
                }
            }
        }
        changed.then_some(out)
    }

    /// Highlights a hit: the title with matches marked and a query-dependent abstract snippet.
    pub fn highlight(&self, doc: u32, matched: &HashSet<u32>) -> Option<(Marked, Marked)> {
        let paper = self.index.docs.get(doc).ok()?;
        let mut h = self.highlighter(matched);
        Some((h.mark(&paper.title), h.snippet(&paper.abstract_text)))
    }

    /// A highlighter for a page of results (reuse it across the page: it caches words).
    pub fn highlighter<'a>(&'a self, matched: &'a HashSet<u32>) -> Highlighter<'a> {
        Highlighter::new(&self.index, &self.analyzer, matched)
    }
}

/// Normalises a wildcard pattern's letters, keeping `*` and `?`.
/// The first index at or after `from` whose value in the sorted `values` is at least `target`
/// (`values.len()` when none is): a forward-only merge step.
#[inline(always)]
fn seek(values: &[u32], from: usize, target: u32) -> usize {
    let mut at = from;
    while at < values.len() && values[at] < target {
        at += 1;
    }
    at
}

/// A phrase word's term frequencies, per posting: its list's one-byte codes as stored, or
/// decoded when the list has escaped (large) frequencies.
enum Freqs<'a> {
    Bytes(&'a [u8]),
    Decoded(Vec<[u16; 3]>),
}

impl Freqs<'_> {
    /// Frequencies of posting `i` (zero when out of range).
    #[inline(always)]
    fn tf(&self, i: usize) -> [u16; 3] {
        match self {
            Freqs::Bytes(codes) => codes.get(i).and_then(|&c| decode_tf(c)).unwrap_or([0; 3]),
            Freqs::Decoded(tfs) => tfs.get(i).copied().unwrap_or([0; 3]),
        }
    }

    /// Positions stored for postings `from..to` (title and abstract occurrences).
    #[inline(always)]
    fn positioned_in(&self, from: usize, to: usize) -> usize {
        match self {
            Freqs::Bytes(codes) => {
                let mut n = 0usize;
                for &c in codes.get(from..to).unwrap_or_default() {
                    if c < 128 {
                        n += usize::from(c & 3) + usize::from(c >> 2);
                    }
                }
                n
            }
            Freqs::Decoded(tfs) => {
                tfs.get(from..to).unwrap_or_default().iter().map(|t| usize::from(t[0]) + usize::from(t[1])).sum()
            }
        }
    }
}

/// A hit as one integer whose descending order is the relevance order: the full-match tier in
/// the top bit, then the score (its IEEE bits, mapped so integer order is `total_cmp` order),
/// then the document number inverted (lower documents first on ties). [`hit_of_key`] inverts it.
fn relevance_key(h: &Hit) -> u64 {
    let bits = h.score.to_bits();
    let ordered = if bits & 0x8000_0000 != 0 { !bits } else { bits | 0x8000_0000 };
    (u64::from(h.full) << 63) | (u64::from(ordered) << 31) | u64::from(0x7fff_ffff - (h.doc & 0x7fff_ffff))
}

/// The hit a [`relevance_key`] encodes.
fn hit_of_key(key: u64) -> Hit {
    let ordered = (key >> 31) as u32;
    let bits = if ordered & 0x8000_0000 != 0 { ordered & 0x7fff_ffff } else { !ordered };
    Hit { doc: 0x7fff_ffff - (key & 0x7fff_ffff) as u32, score: f32::from_bits(bits), full: key >> 63 == 1 }
}

fn normalize_pattern(p: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    for ch in p.chars() {
        if ch == '*' || ch == '?' {
            out.push_str(&normalize(&word));
            word.clear();
            out.push(ch);
        } else {
            word.push(ch);
        }
    }
    out.push_str(&normalize(&word));
    out
}

/// Replaces the first word of `text` whose normalised form is `word`.
fn replace_word(text: &str, word: &str, with: &str) -> Option<String> {
    let mut start = None;
    for (i, piece) in text.split_inclusive(char::is_whitespace).scan(0usize, |at, p| {
        let s = *at;
        *at += p.len();
        Some((s, p))
    }) {
        let trimmed = piece.trim_end();
        let core = trimmed.trim_start_matches(['-', '"']).trim_end_matches(['"', '*']);
        if normalize(core) == word {
            let offset = trimmed.len() - trimmed.trim_start_matches(['-', '"']).len();
            start = Some((i + offset, core.len()));
            break;
        }
    }
    let (s, len) = start?;
    Some(format!("{}{}{}", &text[..s], with, &text[s + len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_word_keeps_the_rest() {
        assert_eq!(
            replace_word("tranformer pruning", "tranformer", "transformer").as_deref(),
            Some("transformer pruning")
        );
        assert_eq!(
            replace_word("x -\"Quantizaton\"", "quantizaton", "quantization").as_deref(),
            Some("x -\"quantization\"")
        );
        assert_eq!(replace_word("abc", "zzz", "y"), None);
    }

    proptest::proptest! {
        #[test]
        fn relevance_keys_order_like_the_comparator_and_round_trip(
            a in (0u32..0x7fff_ffff, proptest::num::f32::ANY, proptest::bool::ANY),
            b in (0u32..0x7fff_ffff, proptest::num::f32::ANY, proptest::bool::ANY),
        ) {
            let (a, b) = (Hit { doc: a.0, score: a.1, full: a.2 }, Hit { doc: b.0, score: b.1, full: b.2 });
            let cmp = |a: &Hit, b: &Hit| b.full.cmp(&a.full).then(b.score.total_cmp(&a.score)).then(a.doc.cmp(&b.doc));
            proptest::prop_assert_eq!(relevance_key(&b).cmp(&relevance_key(&a)), cmp(&a, &b));
            let back = hit_of_key(relevance_key(&a));
            proptest::prop_assert_eq!((back.doc, back.score.to_bits(), back.full), (a.doc, a.score.to_bits(), a.full));
        }
    }

    /// The seed listing's engine, built in memory.
    fn seed_engine() -> Engine {
        use crate::engine::corpus::{CorpusBuilder, ReadOptions, SourceFormat};
        let mut corpus = CorpusBuilder::new(ReadOptions::default());
        let seed = include_bytes!("../../../seeds/000_20ba33cf11c61712.txt");
        corpus.read("seed", SourceFormat::Listing, &seed[..]).expect("the seed reads");
        let papers = corpus.finish().expect("the seed has papers").papers;
        let built = crate::engine::index::build_index(&papers, &Default::default(), &mut |_, _| {});
        Engine::new(built.open().expect("the built index opens"))
    }

    #[test]
    fn suggestions_pass_over_words_the_typo_search_found_nothing_for() {
        let engine = seed_engine();
        let mut skipped = 0;
        let mut suggested = 0;
        for q in [
            "zebra",
            "quantizaton",
            "grokking",
            "hadamard zebra",
            "calibraton xylophone",
            "\"quantizaton pruning\"",
            "tranformr",
            "lorra",
            "qwertyuiop",
            "zebra quantizaton",
        ] {
            for as_you_type in [false, true] {
                let parsed = query::parse(q, as_you_type);
                let compiled = engine.compile(&parsed, true);
                let mut req = Request::new(q);
                req.as_you_type = as_you_type;
                let results = engine.search(&req);
                if results.total > 0 {
                    continue;
                }
                // Without the shortcut: every unmatched word runs its automata again.
                let full = engine.suggest(q, &compiled.unmatched_words, &[]);
                assert_eq!(results.suggestion, full, "suggestion for {q:?} (as you type: {as_you_type})");
                skipped += compiled.fuzzed_in_vain.len();
                suggested += usize::from(full.is_some());
            }
        }
        assert!(skipped >= 4, "{skipped} words passed over");
        assert!(suggested >= 2, "{suggested} queries got a suggestion");
    }

    /// An engine over papers given as (title, abstract), built in memory.
    fn engine_of(papers: &[(&str, &str)]) -> Engine {
        use crate::engine::corpus::{CorpusBuilder, ReadOptions, SourceFormat};
        let lines: Vec<String> = papers
            .iter()
            .enumerate()
            .map(|(i, (t, a))| serde_json::json!({"id": format!("p{i}"), "title": t, "abstract": a}).to_string())
            .collect();
        let mut corpus = CorpusBuilder::new(ReadOptions::default());
        corpus.read("papers.jsonl", SourceFormat::JsonLines, lines.join("\n").as_bytes()).expect("the papers read");
        let papers = corpus.finish().expect("there are papers").papers;
        let built = crate::engine::index::build_index(&papers, &Default::default(), &mut |_, _| {});
        Engine::new(built.open().expect("the built index opens"))
    }

    #[test]
    fn author_counts_are_per_search() {
        use crate::engine::corpus::{CorpusBuilder, ReadOptions, SourceFormat};
        // Ada writes every graph paper and every third paper on learning; Bo writes the rest.
        let lines: Vec<String> = (0..12)
            .map(|i| {
                let (title, authors) = if i < 4 {
                    (format!("Graph study {i}"), vec!["Ada Lovelace"])
                } else if i % 3 == 0 {
                    (format!("Learning study {i}"), vec!["Ada Lovelace", "Bo Chen"])
                } else {
                    (format!("Learning study {i}"), vec!["Bo Chen"])
                };
                serde_json::json!({"id": format!("p{i}"), "title": title, "abstract": "A study.", "authors": authors})
                    .to_string()
            })
            .collect();
        let mut corpus = CorpusBuilder::new(ReadOptions::default());
        corpus.read("papers.jsonl", SourceFormat::JsonLines, lines.join("\n").as_bytes()).expect("the papers read");
        let papers = corpus.finish().expect("there are papers").papers;
        let built = crate::engine::index::build_index(&papers, &Default::default(), &mut |_, _| {});
        let mut index = built.open().expect("the built index opens");
        let authors = built.bytes(crate::engine::index::format::FileKind::Authors).expect("an authors file");
        index.attach_authors(authors.to_vec()).expect("the authors attach");
        let engine = Engine::new(index);
        let authors_of = |q: &str| engine.search(&Request::new(q)).facets.expect("facets").authors;
        let graph = vec![("Ada Lovelace".to_string(), 4)];
        let learning = vec![("Bo Chen".to_string(), 8), ("Ada Lovelace".to_string(), 2)];
        // The same counts however the searches follow one another (nothing left over from the
        // previous search's names, nothing missing).
        assert_eq!(authors_of("graph"), graph);
        assert_eq!(authors_of("learning"), learning);
        assert_eq!(authors_of("zebra"), Vec::new());
        assert_eq!(authors_of("graph"), graph);
        assert_eq!(authors_of("learning"), learning);
    }

    #[test]
    fn a_corpus_typo_weighs_as_the_word_it_misspells() {
        // 30 papers say "models"; one misspells it "modles"; one says exactly what the
        // misspelling paper says, spelled right.
        let mut papers: Vec<(String, String)> = (0..30)
            .map(|i| (format!("Study {i} of sampling"), format!("We train models on dataset {i} and report accuracy.")))
            .collect();
        papers.push(("Robust estimation".into(), "Robust modles for noisy sensors.".into()));
        papers.push(("Robust estimation again".into(), "Robust models for noisy sensors.".into()));
        let refs: Vec<(&str, &str)> = papers.iter().map(|(t, a)| (t.as_str(), a.as_str())).collect();
        let engine = engine_of(&refs);
        let mut req = Request::new("modles");
        req.as_you_type = false;
        req.limit = 40;
        let results = engine.search(&req);
        let score_of = |title: &str| {
            let hit =
                results.hits.iter().find(|h| engine.index.docs.id_and_title(h.doc).is_ok_and(|(_, t)| t == title));
            hit.unwrap_or_else(|| panic!("{title} is found")).score
        };
        let (typo, spelled) = (score_of("Robust estimation"), score_of("Robust estimation again"));
        // The typo matches exactly (weight 1) and the right spelling as a typo match (0.55 of
        // the same idf); with the typo's own idf (one paper in 32) it would be ~100 times.
        assert!(typo > spelled && typo < 2.5 * spelled, "typo {typo} vs spelled {spelled}");
    }

    #[test]
    fn sort_names_round_trip() {
        for s in [Sort::Relevance, Sort::Newest, Sort::Oldest, Sort::Title] {
            assert_eq!(Sort::from_name(s.name()), Some(s));
        }
        assert_eq!(Sort::from_name("bogus"), None);
    }
}
