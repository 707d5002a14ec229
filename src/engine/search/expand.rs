//! From a query word to the indexed terms it should match: exactly (stemmed), as a prefix
//! (the word being typed), with typos (Levenshtein automata) or by a wildcard pattern, all run
//! over the FSTs and all bounded.
//!
//! Prefix and typo matching run over the *surface* dictionary (normalised, unstemmed words)
//! rather than the stems, because people type words: `quantizat` must reach `quantization`
//! (whose stem `quantiz` is no extension of it), and `quantizaton` is one edit from the word
//! `quantization` but four from the stem. Each surface word maps to its stem's ordinal.

use std::ops::ControlFlow;

use fst::automaton::{Automaton, Str};
use fst::Streamer;

use super::typo::TypoAutomaton;
use super::walk::{walk, walk_hinted};

use crate::engine::index::lexicon::{Lexicon, ShardData};
use crate::engine::index::postings::ListFile;
use crate::engine::index::words::{self, Completions};
use crate::engine::index::Index;

/// Most surface words a prefix or typo scan looks at.
pub const MAX_SCAN: usize = 20_000;
/// Most surface words a wildcard scan looks at: the pattern automaton costs about 2 µs a key
/// (tracking every place a `*` may stand), ten times a prefix's.
pub const MAX_PATTERN_SCAN: usize = 5_000;
/// Most terms a prefix, pattern or typo expansion contributes.
pub const MAX_EXPANSIONS: usize = 24;
/// Completions stored beyond [`MAX_EXPANSIONS`] per prefix, so a query whose other words
/// take some of the best (they are skipped) still finds its list complete in the table.
pub const STORED_COMPLETION_SLACK: usize = 8;
/// Prefixes with at least this many surface words get their completions stored at build time
/// (about 180 prefixes over the 75k-paper arXiv corpus; each scan of fewer keys stays well
/// under a millisecond).
pub const MIN_STORED_COMPLETION_KEYS: usize = 1_000;

/// What prefix, typo and pattern scans read: the dictionary (terms and surface words) and the
/// document frequencies. An opened index provides it, and so does the build, before the words
/// file it completes is written.
#[derive(Clone, Copy)]
pub struct Vocabulary<'a> {
    /// Stemmed terms and surface words.
    pub terms: &'a Lexicon,
    /// Where document frequencies come from.
    pub dfs: DocFreqs<'a>,
}

/// Document frequencies of a vocabulary's terms.
#[derive(Clone, Copy)]
pub enum DocFreqs<'a> {
    /// An opened index's postings (or its dictionary shards).
    Lists(&'a ListFile),
    /// A table by term ordinal (an index being built, before its postings are written).
    Table(&'a [u32]),
}

impl<'a> Vocabulary<'a> {
    /// The vocabulary of an opened index.
    pub fn of(index: &'a Index) -> Self {
        Vocabulary { terms: &index.terms, dfs: DocFreqs::Lists(&index.postings) }
    }

    /// Document frequency of a term.
    pub fn doc_freq(&self, ordinal: u32) -> u32 {
        match self.dfs {
            DocFreqs::Lists(lists) => crate::engine::index::read::doc_freq(self.terms, lists, ordinal),
            DocFreqs::Table(table) => table.get(ordinal as usize).copied().unwrap_or(0),
        }
    }

    /// Number of terms with lists.
    pub fn n_terms(&self) -> u32 {
        match self.dfs {
            DocFreqs::Lists(lists) => lists.n_terms(),
            DocFreqs::Table(table) => table.len() as u32,
        }
    }
}

/// The surface-word FST of a shard (`from_terms` false) or its terms FST.
fn shard_fst(shard: &ShardData, from_terms: bool) -> Option<&fst::raw::Fst<Vec<u8>>> {
    if from_terms {
        Some(shard.keys.as_fst())
    } else {
        shard.words.as_ref().map(|w| w.map.as_fst())
    }
}

/// Words shorter than this (in characters) get no typo tolerance.
pub const MIN_FUZZY_CHARS: usize = 5;
/// Words at least this long may have two typos.
pub const TWO_TYPO_CHARS: usize = 9;

/// How a term was reached from the query word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    /// The word itself (after stemming).
    Exact,
    /// A completion of the word being typed.
    Prefix,
    /// A wildcard pattern match.
    Pattern,
    /// Within this many edits.
    Fuzzy(u8),
}

impl MatchKind {
    /// Score multiplier: exact matches outrank completions, which outrank typo matches.
    pub fn weight(self) -> f32 {
        match self {
            MatchKind::Exact => 1.0,
            MatchKind::Prefix => 0.8,
            MatchKind::Pattern => 0.8,
            MatchKind::Fuzzy(1) => 0.55,
            MatchKind::Fuzzy(_) => 0.35,
        }
    }
}

/// One term a query word matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    /// Term ordinal.
    pub ordinal: u32,
    /// How it was reached.
    pub kind: MatchKind,
    /// Its document frequency.
    pub df: u32,
    /// Its share of the term's occurrences (1–255; names: 255).
    pub share: u8,
    /// A surface word that led to it (for completions and suggestions): the most common one.
    pub surface: String,
}

impl Expansion {
    /// Estimated papers using this very word form: the term's df scaled by the word's share.
    pub fn word_frequency(&self) -> u32 {
        (u64::from(self.df) * u64::from(self.share) / 255) as u32
    }
}

/// The typo budget for a word of `chars` characters.
pub fn max_edits(chars: usize) -> u32 {
    if chars < MIN_FUZZY_CHARS {
        0
    } else if chars < TWO_TYPO_CHARS {
        1
    } else {
        2
    }
}

/// Edit distance (Levenshtein, by characters) between short strings.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Streams the surface words matching `aut` (except `exclude` and the `skip` ordinals, up to
/// `max_scan` keys) and keeps the `MAX_EXPANSIONS` most frequent terms, each shown by its most
/// common word, without a string or a map entry per key (a one-letter prefix streams thousands
/// of keys while a user types).
fn scan_best<A: Automaton>(
    index: &Vocabulary<'_>,
    aut: A,
    max_scan: usize,
    kind: MatchKind,
    exclude: &str,
    skip: &[u32],
    limit: usize,
) -> (Vec<Expansion>, bool) {
    let mut keys: Vec<u8> = Vec::new();
    let mut cands: Vec<KeyCand> = Vec::new();
    let mut capped = false;
    let mut streamed = 0usize;
    index.terms.for_each_shard(&aut, |shard| {
        for from_terms in [false, true] {
            let Some(fst) = shard_fst(shard, from_terms) else { continue };
            walk(fst, &aut, |key, value, _| {
                if streamed >= max_scan {
                    capped = true;
                    return ControlFlow::Break(());
                }
                streamed += 1;
                if let Some((ordinal, share)) = key_value(shard, value, from_terms) {
                    let start = keys.len();
                    keys.extend_from_slice(key);
                    cands.push(KeyCand { ordinal, share, kind, key: start..keys.len() });
                }
                ControlFlow::Continue(())
            });
            if capped {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    (rank_keys(index, exclude, skip, &keys, cands, limit), capped)
}

/// The term ordinal and share of a key of the words FST (`from_terms` false) or of the terms
/// FST (a term that is itself a word).
fn key_value(shard: &ShardData, value: u64, from_terms: bool) -> Option<(u32, u8)> {
    if from_terms {
        let ordinal = u32::try_from(value).ok()?;
        Some((ordinal, shard.term_share(ordinal)?))
    } else {
        let (ordinal, share) = words::unpack(value);
        Some((u32::try_from(ordinal).ok()?, share))
    }
}

/// A streamed key: its term, its word's share, its bytes in a shared buffer.
struct KeyCand {
    ordinal: u32,
    share: u8,
    kind: MatchKind,
    key: std::ops::Range<usize>,
}

/// The ranking half of [`scan_best`] (not generic, so it is compiled once).
fn rank_keys(
    index: &Vocabulary<'_>,
    exclude: &str,
    skip: &[u32],
    keys: &[u8],
    mut cands: Vec<KeyCand>,
    limit: usize,
) -> Vec<Expansion> {
    // Keys compare as bytes (the same order as their text): no UTF-8 check per comparison.
    let bytes = |c: &KeyCand| &keys[c.key.clone()];
    let text = |c: &KeyCand| std::str::from_utf8(bytes(c)).unwrap_or_default();
    cands.retain(|c| {
        c.ordinal < index.n_terms()
            && !skip.contains(&c.ordinal)
            && !bytes(c).is_empty()
            && bytes(c) != exclude.as_bytes()
    });
    // One candidate per term: its closest match, by its most common word (then the shortest,
    // then A to Z).
    cands.sort_unstable_by(|a, b| {
        a.ordinal
            .cmp(&b.ordinal)
            .then(a.kind.cmp(&b.kind))
            .then(b.share.cmp(&a.share))
            .then(a.key.len().cmp(&b.key.len()))
            .then(bytes(a).cmp(bytes(b)))
    });
    cands.dedup_by_key(|c| c.ordinal);
    let mut ranked: Vec<(u32, KeyCand)> = cands.into_iter().map(|c| (index.doc_freq(c.ordinal), c)).collect();
    // Only the most frequent can make the cut: drop the rest before the full comparison sort
    // (a one-letter prefix leaves thousands of candidates).
    // (Typo matches of mixed distances rank by distance first, so they skip this shortcut.)
    if ranked.len() > limit && limit > 0 && ranked.iter().all(|r| r.1.kind == ranked[0].1.kind) {
        let mut dfs: Vec<u32> = ranked.iter().map(|r| r.0).collect();
        let cut = dfs.len() - limit;
        let threshold = *dfs.select_nth_unstable(cut).1;
        ranked.retain(|r| r.0 >= threshold);
    }
    crate::engine::sort::sort_list(&mut ranked, |a, b| {
        a.1.kind
            .cmp(&b.1.kind)
            .then(b.0.cmp(&a.0))
            .then(a.1.key.len().cmp(&b.1.key.len()))
            .then(bytes(&a.1).cmp(bytes(&b.1)))
    });
    ranked
        .iter()
        .take(limit)
        .map(|(df, c)| Expansion {
            ordinal: c.ordinal,
            kind: c.kind,
            df: *df,
            share: c.share,
            surface: text(c).to_string(),
        })
        .collect()
}

/// The [`MAX_EXPANSIONS`] most frequent author names a scan offers (closest match kind
/// first, then most papers, then alphabetical), kept as the names stream by: a one-letter
/// prefix visits thousands of names, and copying and sorting them all cost more than the
/// search they feed (3 ms of "s" at 75k papers).
struct BestNames<'i> {
    index: &'i Index,
    /// Names offered so far (the scan stops at [`MAX_SCAN`]).
    seen: usize,
    /// Best first.
    best: Vec<Expansion>,
}

impl<'i> BestNames<'i> {
    fn new(index: &'i Index) -> Self {
        Self { index, seen: 0, best: Vec::with_capacity(MAX_EXPANSIONS + 1) }
    }

    fn full(&self) -> bool {
        self.seen >= MAX_SCAN
    }

    fn offer(&mut self, surface: &str, ordinal: u32, kind: MatchKind) {
        self.seen += 1;
        let df = self.index.name_doc_freq(ordinal);
        let key = (kind, std::cmp::Reverse(df), surface);
        fn rank(e: &Expansion) -> (MatchKind, std::cmp::Reverse<u32>, &str) {
            (e.kind, std::cmp::Reverse(e.df), e.surface.as_str())
        }
        // Most names lose to the last of a full list: one comparison.
        if self.best.len() == MAX_EXPANSIONS && self.best.last().is_some_and(|last| key >= rank(last)) {
            return;
        }
        let at = self.best.iter().position(|e| key < rank(e));
        let at = match at {
            Some(i) => i,
            None if self.best.len() < MAX_EXPANSIONS => self.best.len(),
            None => return,
        };
        self.best.insert(at, Expansion { ordinal, kind, df, share: 255, surface: surface.to_string() });
        self.best.truncate(MAX_EXPANSIONS);
    }
}

/// Author names starting with a normalised prefix (the name itself excluded), the most
/// frequent first. Read from the stored table when the build stored the prefix (see
/// [`name_completion_table`]), otherwise scanned.
pub fn name_prefix(index: &Index, prefix: &str) -> Vec<Expansion> {
    let n = index.name_postings.n_terms();
    match index.names.completions(prefix) {
        Ok(Some(stored)) => {
            let found: Vec<Expansion> = stored
                .entries
                .iter()
                .filter(|e| e.0 < n && e.2 != prefix)
                .take(MAX_EXPANSIONS)
                .map(|(ordinal, _, surface)| Expansion {
                    ordinal: *ordinal,
                    kind: MatchKind::Prefix,
                    df: index.name_doc_freq(*ordinal),
                    share: 255,
                    surface: surface.clone(),
                })
                .collect();
            // A table shorter than its limit holds every name there is.
            if found.len() == MAX_EXPANSIONS || stored.entries.len() < MAX_EXPANSIONS + STORED_COMPLETION_SLACK {
                return found;
            }
        }
        Ok(None) => {}
        // Its shard is on its way (and recorded); a scan would ask for every shard under it.
        Err(()) => return Vec::new(),
    }
    let aut = Str::new(prefix).starts_with();
    let mut best = BestNames::new(index);
    index.names.for_each_shard(&aut, |shard| {
        walk(shard.keys.as_fst(), &aut, |key, value, _| {
            if best.full() {
                return ControlFlow::Break(());
            }
            if let (Ok(ord), Ok(s)) = (u32::try_from(value), std::str::from_utf8(key)) {
                if ord < n && s != prefix {
                    best.offer(s, ord, MatchKind::Prefix);
                }
            }
            ControlFlow::Continue(())
        });
        if best.full() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    best.best
}

/// Completions of a normalised prefix (excluding `skip` ordinals), and whether the prefix has
/// more words than a scan looks at. Read from the stored table when the build stored the
/// prefix (see [`completion_table`]), otherwise scanned.
pub fn prefix(index: &Index, surface: &str, skip: &[u32]) -> (Vec<Expansion>, bool) {
    let vocab = Vocabulary::of(index);
    match index.terms.completions(surface) {
        Ok(Some(stored)) => {
            if let Some(found) = stored_completions(&vocab, stored, skip) {
                return (found, stored.keys as usize > MAX_SCAN);
            }
        }
        Ok(None) => {}
        // Its shard is on its way (and recorded): a scan now would ask for every shard the
        // prefix spans, while the table in that one shard may answer alone.
        Err(()) => return (Vec::new(), false),
    }
    scan_best(&vocab, Str::new(surface).starts_with(), MAX_SCAN, MatchKind::Prefix, surface, skip, MAX_EXPANSIONS)
}

/// The best [`MAX_EXPANSIONS`] stored completions not in `skip`; `None` when skipping left
/// too few and the table may not hold the rest.
fn stored_completions(vocab: &Vocabulary<'_>, stored: &Completions, skip: &[u32]) -> Option<Vec<Expansion>> {
    let mut out = Vec::with_capacity(MAX_EXPANSIONS);
    for (ordinal, share, surface) in stored.entries.iter().filter(|e| !skip.contains(&e.0)).take(MAX_EXPANSIONS) {
        out.push(Expansion {
            ordinal: *ordinal,
            kind: MatchKind::Prefix,
            df: vocab.doc_freq(*ordinal),
            share: *share,
            surface: surface.clone(),
        });
    }
    // A table shorter than its limit holds every completion there is.
    let complete = stored.entries.len() < MAX_EXPANSIONS + STORED_COMPLETION_SLACK;
    (out.len() == MAX_EXPANSIONS || complete).then_some(out)
}

/// The completions to store for every prefix with at least `min_keys` surface words (every
/// character-boundary prefix of up to four characters is considered), and for every
/// one-character prefix unless `min_keys` is `usize::MAX`: each the ranked list a
/// scan would find, without the scan's cap, [`STORED_COMPLETION_SLACK`] longer than a search
/// takes. Sorted by prefix.
pub fn completion_table(vocab: &Vocabulary<'_>, min_keys: usize) -> Vec<Completions> {
    // Surface words per prefix, in one pass over both dictionaries.
    let mut counts: std::collections::BTreeMap<Vec<u8>, u32> = std::collections::BTreeMap::new();
    vocab.terms.for_each_shard(&fst::automaton::AlwaysMatch, |shard| {
        for from_terms in [false, true] {
            let Some(fst) = shard_fst(shard, from_terms) else { continue };
            let mut stream = fst.stream();
            while let Some((key, _)) = stream.next() {
                let Ok(word) = std::str::from_utf8(key) else { continue };
                for (at, c) in word.char_indices().take(4) {
                    *counts.entry(key[..at + c.len_utf8()].to_vec()).or_insert(0) += 1;
                }
            }
        }
        ControlFlow::Continue(())
    });
    let mut out = Vec::new();
    for (prefix, keys) in counts {
        // One-letter prefixes are stored whatever their size: they are what every query
        // starts with while it is typed, and a scan walks every word of the letter.
        // (`usize::MAX` asks for no table at all.)
        let one_char = min_keys != usize::MAX && std::str::from_utf8(&prefix).is_ok_and(|p| p.chars().count() == 1);
        if (keys as usize) < min_keys && !one_char {
            continue;
        }
        let Ok(prefix) = String::from_utf8(prefix) else { continue };
        let limit = MAX_EXPANSIONS + STORED_COMPLETION_SLACK;
        let (best, _) =
            scan_best(vocab, Str::new(&prefix).starts_with(), usize::MAX, MatchKind::Prefix, &prefix, &[], limit);
        let entries = best.into_iter().map(|e| (e.ordinal, e.share, e.surface)).collect();
        out.push(Completions { prefix, keys, entries });
    }
    out
}

/// The completions to store for author names (`names` in byte order, `df` by ordinal, as the
/// name dictionary holds them): for every prefix of up to four characters with at least
/// `min_keys` names and every one-character prefix (none when `min_keys` is `usize::MAX`),
/// its most frequent names, ranked as [`name_prefix`] ranks what a scan finds (most papers,
/// then byte order), [`STORED_COMPLETION_SLACK`] longer than a search takes. Sorted by
/// prefix.
///
/// A one-letter prefix starts thousands of names (every "s…" author), and streaming them to
/// rank took more than the rest of the keystroke's search; a scan also stops after
/// [`MAX_SCAN`] names, so the table is the better answer as well as the faster one.
pub fn name_completion_table(names: &[&str], df: &[u32], min_keys: usize) -> Vec<Completions> {
    if min_keys == usize::MAX {
        return Vec::new();
    }
    let limit = MAX_EXPANSIONS + STORED_COMPLETION_SLACK;
    let mut out = Vec::new();
    // Names sharing a prefix are a run of the sorted list: each prefix's run is found once,
    // where it starts, and ranked there (each name is in at most four runs).
    let mut open: Vec<&[u8]> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        for (at, c) in name.char_indices().take(4) {
            let prefix = &name.as_bytes()[..at + c.len_utf8()];
            if i > 0 && names[i - 1].as_bytes().starts_with(prefix) {
                continue; // its run began earlier
            }
            open.push(prefix);
        }
        for prefix in open.drain(..) {
            let run = names[i..].partition_point(|n| n.as_bytes().starts_with(prefix));
            let one_char = std::str::from_utf8(prefix).is_ok_and(|p| p.chars().count() == 1);
            if run < min_keys && !one_char {
                continue;
            }
            let mut ranked: Vec<u32> = (i as u32..(i + run) as u32).collect();
            // (Ordinals follow byte order, so the smaller ordinal is the name first in it.)
            let df_of = |o: u32| df.get(o as usize).copied().unwrap_or(0);
            let rank = |&a: &u32, &b: &u32| df_of(b).cmp(&df_of(a)).then(a.cmp(&b));
            if ranked.len() > limit {
                ranked.select_nth_unstable_by(limit - 1, rank);
                ranked.truncate(limit);
            }
            ranked.sort_unstable_by(rank);
            let Ok(prefix) = std::str::from_utf8(prefix) else { continue };
            out.push(Completions {
                prefix: prefix.to_string(),
                keys: run as u32,
                entries: ranked.into_iter().map(|o| (o, 255, names[o as usize].to_string())).collect(),
            });
        }
    }
    out.sort_unstable_by(|a, b| a.prefix.cmp(&b.prefix));
    out
}

/// Typo matching over the dictionaries with [`TypoAutomaton`] (distance 1 and 2,
/// transpositions counting as one edit). It holds nothing: each query word's automaton is a
/// table of its characters, built in well under a microsecond.
#[derive(Debug, Default)]
pub struct Typos;

/// Longest word (in characters) given typo tolerance; beyond it the budget drops to one edit,
/// so cost stays bounded whatever is typed (and beyond [`super::typo::MAX_CHARS`], none).
pub const MAX_FUZZY_CHARS: usize = 40;

impl Typos {
    /// Words within the typo budget of a normalised word; with `as_prefix`, words that *start*
    /// with something within the budget.
    pub fn fuzzy(&self, index: &Index, surface: &str, as_prefix: bool, skip: &[u32]) -> Vec<Expansion> {
        let chars = surface.chars().count();
        let mut edits = max_edits(chars);
        if chars > MAX_FUZZY_CHARS {
            edits = edits.min(1);
        }
        // Only the closest words: "tranformer" means "transformer" (one edit), not "transfer"
        // (three) or anything two edits away. Trying one edit first also keeps the common case
        // cheap: the two-edit automaton reaches far more of the dictionary.
        for d in 1..=edits {
            let mut found = self.within(index, surface, d, as_prefix, skip);
            if let Some(closest) = found.iter().map(|e| e.kind).min() {
                found.retain(|e| e.kind == closest);
                return found;
            }
        }
        Vec::new()
    }

    /// Author names within the typo budget of a normalised name token.
    pub fn fuzzy_names(&self, index: &Index, surface: &str) -> Vec<Expansion> {
        let edits =
            max_edits(surface.chars().count()).min(if surface.chars().count() > MAX_FUZZY_CHARS { 1 } else { 2 });
        if edits == 0 {
            return Vec::new();
        }
        let Some(aut) = TypoAutomaton::new(surface, edits, false) else { return Vec::new() };
        let n = index.name_postings.n_terms();
        let mut best = BestNames::new(index);
        index.names.for_each_shard(&aut, |shard| {
            walk_hinted(
                shard.keys.as_fst(),
                &aut,
                |s, out| aut.live_bytes(s, out),
                |key, value, state| {
                    if best.full() {
                        return ControlFlow::Break(());
                    }
                    if let (Some(d), Ok(ord), Ok(s)) =
                        (aut.distance(state), u32::try_from(value), std::str::from_utf8(key))
                    {
                        if d > 0 && ord < n {
                            best.offer(s, ord, MatchKind::Fuzzy(d));
                        }
                    }
                    ControlFlow::Continue(())
                },
            );
            if best.full() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        let mut list = best.best;
        if let Some(closest) = list.iter().map(|e| e.kind).min() {
            list.retain(|e| e.kind == closest);
        }
        list
    }

    /// Words within exactly `edits` edits (0 gives nothing).
    pub fn within(&self, index: &Index, surface: &str, edits: u32, as_prefix: bool, skip: &[u32]) -> Vec<Expansion> {
        if edits == 0 {
            return Vec::new();
        }
        let Some(aut) = TypoAutomaton::new(surface, edits, as_prefix) else { return Vec::new() };
        let vocab = Vocabulary::of(index);
        let mut keys: Vec<u8> = Vec::new();
        let mut cands: Vec<KeyCand> = Vec::new();
        let mut full = false;
        index.terms.for_each_shard(&aut, |shard| {
            for from_terms in [false, true] {
                let Some(fst) = shard_fst(shard, from_terms) else { continue };
                walk_hinted(
                    fst,
                    &aut,
                    |s, out| aut.live_bytes(s, out),
                    |key, value, state| {
                        if cands.len() >= MAX_SCAN {
                            full = true;
                            return ControlFlow::Break(());
                        }
                        let Some(d) = aut.distance(state) else {
                            return ControlFlow::Continue(());
                        };
                        if d == 0 || key == surface.as_bytes() {
                            return ControlFlow::Continue(());
                        }
                        if let Some((ordinal, share)) = key_value(shard, value, from_terms) {
                            let start = keys.len();
                            keys.extend_from_slice(key);
                            cands.push(KeyCand { ordinal, share, kind: MatchKind::Fuzzy(d), key: start..keys.len() });
                        }
                        ControlFlow::Continue(())
                    },
                );
                if full {
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        });
        rank_keys(&vocab, surface, skip, &keys, cands, MAX_EXPANSIONS)
    }
}

/// A wildcard pattern (`*` any run, `?` one character) over normalised words, as an automaton
/// over bytes that tracks the set of pattern positions reachable so far (at most 63).
#[derive(Debug, Clone)]
pub struct Glob {
    pattern: Vec<GlobItem>,
}

#[derive(Debug, Clone, PartialEq)]
enum GlobItem {
    Byte(u8),
    AnyChar,
    AnyRun,
}

impl Glob {
    /// Builds a pattern; `None` when it is too long (more than 63 items).
    pub fn new(pattern: &str) -> Option<Glob> {
        let mut items = Vec::new();
        for c in pattern.chars() {
            match c {
                '*' if items.last() != Some(&GlobItem::AnyRun) => items.push(GlobItem::AnyRun),
                '*' => {}
                '?' => items.push(GlobItem::AnyChar),
                c => {
                    let mut buf = [0u8; 4];
                    items.extend(c.encode_utf8(&mut buf).bytes().map(GlobItem::Byte));
                }
            }
        }
        (items.len() < 64).then_some(Glob { pattern: items })
    }

    /// Adds positions reachable through `*` without consuming input.
    fn close(&self, mut set: u64) -> u64 {
        for (i, item) in self.pattern.iter().enumerate() {
            if set & (1 << i) != 0 && *item == GlobItem::AnyRun {
                set |= 1 << (i + 1);
            }
        }
        set
    }
}

/// Automaton state: reachable pattern positions, plus UTF-8 continuation bytes still owed to a
/// `?` that is matching a multi-byte character.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GlobState {
    positions: u64,
    pending: u64,
    owed: u8,
}

impl Automaton for Glob {
    type State = Option<GlobState>;

    fn start(&self) -> Self::State {
        Some(GlobState { positions: self.close(1), pending: 0, owed: 0 })
    }

    fn is_match(&self, state: &Self::State) -> bool {
        state.is_some_and(|s| s.owed == 0 && s.positions & (1 << self.pattern.len()) != 0)
    }

    fn can_match(&self, state: &Self::State) -> bool {
        state.is_some_and(|s| s.positions != 0 || s.pending != 0)
    }

    fn accept(&self, state: &Self::State, byte: u8) -> Self::State {
        let s = (*state)?;
        let mut next = 0u64;
        if s.owed > 0 {
            // Inside a multi-byte character matched by `?`: only continuation bytes.
            if byte & 0xC0 != 0x80 {
                return None;
            }
            let owed = s.owed - 1;
            let mut positions = s.positions;
            if owed == 0 {
                positions = self.close(positions | s.pending);
            }
            let pending = if owed == 0 { 0 } else { s.pending };
            return Some(GlobState { positions, pending, owed });
        }
        let mut pending = 0u64;
        let width = match byte {
            0x00..=0x7F => 0,
            0xC0..=0xDF => 1,
            0xE0..=0xEF => 2,
            _ => 3,
        };
        for (i, item) in self.pattern.iter().enumerate() {
            if s.positions & (1 << i) == 0 {
                continue;
            }
            match item {
                GlobItem::Byte(b) if *b == byte => next |= 1 << (i + 1),
                GlobItem::AnyRun => next |= 1 << i,
                GlobItem::AnyChar if width == 0 => next |= 1 << (i + 1),
                GlobItem::AnyChar => pending |= 1 << (i + 1),
                _ => {}
            }
        }
        if pending != 0 {
            // The `?` branch waits for the rest of its character; other branches continue.
            return Some(GlobState { positions: self.close(next), pending, owed: width })
                .filter(|st| st.positions != 0 || st.pending != 0);
        }
        let positions = self.close(next);
        (positions != 0).then_some(GlobState { positions, pending: 0, owed: 0 })
    }
}

/// Words matching a wildcard pattern (already normalised).
pub fn pattern(index: &Index, glob: &str, skip: &[u32]) -> (Vec<Expansion>, bool) {
    let Some(g) = Glob::new(glob) else {
        return (Vec::new(), false);
    };
    scan_best(&Vocabulary::of(index), g, MAX_PATTERN_SCAN, MatchKind::Pattern, "", skip, MAX_EXPANSIONS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob_matches(pattern: &str, word: &str) -> bool {
        let g = Glob::new(pattern).unwrap();
        let mut s = g.start();
        for &b in word.as_bytes() {
            s = g.accept(&s, b);
        }
        g.is_match(&s)
    }

    #[test]
    fn glob_semantics() {
        assert!(glob_matches("prun*", "pruning"));
        assert!(glob_matches("prun*", "prun"));
        assert!(!glob_matches("prun*", "pran"));
        assert!(glob_matches("opt?mi*tion", "optimization"));
        assert!(!glob_matches("opt?mi*tion", "optmization"));
        assert!(glob_matches("*former", "transformer"));
        assert!(glob_matches("a?c", "aéc"), "? matches one multi-byte character");
        assert!(!glob_matches("a?c", "abbc"));
        assert!(glob_matches("**", ""));
    }

    #[test]
    fn distances_and_budgets() {
        assert_eq!(edit_distance("quantizaton", "quantization"), 1);
        assert_eq!(edit_distance("tranformer", "transformer"), 1);
        assert_eq!(max_edits(4), 0);
        assert_eq!(max_edits(6), 1);
        assert_eq!(max_edits(11), 2);
    }
}
