//! Phrase pairs: postings and positions of frequent adjacent word pairs, stored in the
//! positions file after the words' own lists, so a phrase of common words reads one short
//! list per pair instead of each word's long one.
//!
//! A phrase search joins its words' postings and checks their positions. For common words
//! ("large language models": 33k, 33k and 61k papers among 75k) decoding those lists is most
//! of the time, although the phrase holds fewer papers (20k). So the build stores, for each
//! adjacent pair of stemmed terms that is common itself (at least [`PairRule::min_docs`]
//! papers) and made of words whose lists are long together (at least
//! [`PairRule::min_word_docs`] postings), a list of its own: papers, occurrences per field and
//! the positions of its first word. A phrase is then covered by pairs where they exist (words
//! `a b c` by `a b` at offset 0 and `b c` at offset 1) and single words elsewhere, joined
//! exactly as words are. This is Elasticsearch's `index_phrases` idea, restricted to the pairs
//! that make phrase searches slow so the file grows by a fraction, not by a second index.
//!
//! Layout, inside a positions file of `T` term lists (see [`super::postings`]): lists `0..T`
//! are the terms' positions; when pairs exist, list `T` is the pair table, lists `T+1..T+1+P`
//! the pairs' postings (postings codec), and lists `T+1+P..T+1+2P` their positions. A file of
//! exactly `T` lists, as written before pairs existed, has none. The table:
//!
//! ```text
//! varint  P
//! P ×     varint first ordinal − previous first ordinal, varint second ordinal
//!         (pairs sorted by (first, second), distinct)
//! ```

use super::format::{put_varint, Reader};
use super::invert::Cursor;
use super::postings::{ListWriter, Posting};
use crate::engine::error::FormatError;
use rustc_hash::FxHashMap;

/// Which adjacent pairs get lists of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairRule {
    /// A pair must occur in at least this many papers (rarer pairs are cheap to leave out and
    /// there are millions of them).
    pub min_docs: u32,
    /// Its two words' document frequencies must add up to at least this: a phrase of rarer
    /// words is fast without help.
    pub min_word_docs: u32,
}

impl PairRule {
    /// The default for a corpus of `n_docs` papers: pairs in at least 1% of the papers (and 20),
    /// of words whose lists together reach a quarter of the corpus (about a millisecond of
    /// decoding in the browser at 75k papers).
    pub fn for_corpus(n_docs: usize) -> Self {
        let n = u32::try_from(n_docs).unwrap_or(u32::MAX);
        PairRule { min_docs: (n / 100).max(20), min_word_docs: (n / 4).max(40) }
    }
}

/// The pairs of one index with their lists, ready to be appended to a positions file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PairLists {
    /// (first ordinal, second ordinal), sorted and distinct.
    pub pairs: Vec<(u32, u32)>,
    /// Per pair, its postings: papers in order, occurrences per field (authors always 0).
    pub postings: Vec<Vec<Posting>>,
    /// Per pair, the position of its first word at each occurrence, run after run.
    pub positions: Vec<Vec<u32>>,
}

/// One positioned word of a paper while pairs are collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Token {
    position: u32,
    ordinal: u32,
    title: bool,
}

/// Walks the papers in order, giving each paper's positioned tokens of the `candidates`
/// (sorted by position, then ordinal): each an ordinal with its whole list in the build's
/// compact form ([`super::invert`]), read front to back. Papers are gathered in chunks so
/// memory stays bounded by the chunk, not the corpus.
fn for_each_paper(candidates: &[(u32, &[u8])], n_docs: u32, mut visit: impl FnMut(u32, &[Token])) {
    const CHUNK: u32 = 2048;
    let mut cursors: Vec<Cursor<'_>> = candidates.iter().map(|c| Cursor::new(c.1)).collect();
    let mut gathered: Vec<(u32, Token)> = Vec::new();
    let mut paper: Vec<Token> = Vec::new();
    let mut run: Vec<u32> = Vec::new();
    let mut chunk_start = 0u32;
    while chunk_start < n_docs {
        let chunk_end = chunk_start.saturating_add(CHUNK).min(n_docs);
        gathered.clear();
        for (&(ordinal, _), cursor) in candidates.iter().zip(&mut cursors) {
            run.clear();
            while let Some(p) = cursor.next_below(chunk_end, &mut run) {
                for (k, &position) in run.iter().enumerate() {
                    gathered.push((p.doc, Token { position, ordinal, title: k < usize::from(p.tf[0]) }));
                }
                run.clear();
            }
        }
        gathered.sort_unstable();
        gathered.dedup();
        let mut from = 0;
        while from < gathered.len() {
            let doc = gathered[from].0;
            let mut to = from;
            paper.clear();
            while to < gathered.len() && gathered[to].0 == doc {
                paper.push(gathered[to].1);
                to += 1;
            }
            visit(doc, &paper);
            from = to;
        }
        chunk_start = chunk_end;
    }
}

/// Calls `emit(first token, second ordinal)` for each adjacent pair of `tokens` (sorted by
/// position) whose words' frequencies reach the rule.
fn adjacent(tokens: &[Token], df: &[u32], rule: PairRule, mut emit: impl FnMut(&Token, u32)) {
    let mut next = 0;
    for (i, a) in tokens.iter().enumerate() {
        // `next`: the first token after position a.position, found once per position.
        if next <= i {
            next = i + 1;
        }
        while next < tokens.len() && tokens[next].position <= a.position {
            next += 1;
        }
        for b in tokens[next..].iter().take_while(|b| b.position == a.position + 1) {
            let sum = u64::from(df[a.ordinal as usize]) + u64::from(df[b.ordinal as usize]);
            if sum >= u64::from(rule.min_word_docs) {
                emit(a, b.ordinal);
            }
        }
    }
}

/// Whether a word with `df` papers can be part of a pair `rule` selects (a pair is no more
/// frequent than either word).
pub fn is_candidate(df: u32, rule: PairRule) -> bool {
    df >= rule.min_docs.max(1)
}

/// Finds the pairs `rule` selects and builds their lists. `lists[ordinal]` is each term's
/// postings and positions (as written to the postings and positions files).
pub fn collect(lists: &[(&[Posting], &[u32])], n_docs: u32, rule: PairRule) -> PairLists {
    let df: Vec<u32> = lists.iter().map(|(p, _)| p.len() as u32).collect();
    let compact: Vec<(u32, Vec<u8>)> = (0..lists.len() as u32)
        .filter(|&o| is_candidate(df[o as usize], rule))
        .map(|o| (o, super::invert::encode_list(lists[o as usize].0, lists[o as usize].1)))
        .collect();
    let candidates: Vec<(u32, &[u8])> = compact.iter().map(|(o, b)| (*o, b.as_slice())).collect();
    collect_compact(&candidates, &df, n_docs, rule)
}

/// [`collect`] from the candidate words only ([`is_candidate`]), each an ordinal with its list
/// in the build's compact form, in ordinal order; `df` by ordinal.
pub fn collect_compact(candidates: &[(u32, &[u8])], df: &[u32], n_docs: u32, rule: PairRule) -> PairLists {
    if candidates.is_empty() {
        return PairLists::default();
    }
    let key = |a: u32, b: u32| u64::from(a) << 32 | u64::from(b);
    // First pass: document frequency of every pair of candidate words.
    let mut counts: FxHashMap<u64, u32> = FxHashMap::default();
    let mut keys = Vec::new();
    for_each_paper(candidates, n_docs, |_, tokens| {
        keys.clear();
        adjacent(tokens, df, rule, |a, b| keys.push(key(a.ordinal, b)));
        keys.sort_unstable();
        keys.dedup();
        for k in &keys {
            *counts.entry(*k).or_insert(0) += 1;
        }
    });
    let mut selected: Vec<u64> =
        counts.into_iter().filter(|&(_, c)| c >= rule.min_docs.max(1)).map(|(k, _)| k).collect();
    selected.sort_unstable();
    let index: FxHashMap<u64, u32> = selected.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect();
    let mut out = PairLists {
        pairs: selected.iter().map(|&k| ((k >> 32) as u32, k as u32)).collect(),
        postings: vec![Vec::new(); selected.len()],
        positions: vec![Vec::new(); selected.len()],
    };
    // Second pass: the selected pairs' occurrences, paper by paper.
    let mut found: Vec<(u32, u32, bool)> = Vec::new();
    for_each_paper(candidates, n_docs, |doc, tokens| {
        found.clear();
        adjacent(tokens, df, rule, |a, b| {
            if let Some(&i) = index.get(&key(a.ordinal, b)) {
                found.push((i, a.position, a.title));
            }
        });
        // By pair, then position: title positions come before the abstract's.
        found.sort_unstable();
        let mut from = 0;
        while from < found.len() {
            let pair = found[from].0;
            let mut tf = [0u16; 3];
            let mut to = from;
            while to < found.len() && found[to].0 == pair {
                let field = usize::from(!found[to].2);
                // Positions are kept only up to the stored (u16) frequency, as for words.
                if tf[field] < u16::MAX {
                    tf[field] += 1;
                    out.positions[pair as usize].push(found[to].1);
                }
                to += 1;
            }
            out.postings[pair as usize].push(Posting { doc, tf });
            from = to;
        }
    });
    out
}

/// Appends the pair table and the pairs' lists to a positions writer that holds every term's
/// positions. Nothing is appended when there are no pairs, so the file reads as before.
pub fn append(writer: &mut ListWriter, pairs: &PairLists) {
    if pairs.pairs.is_empty() {
        return;
    }
    let mut table = Vec::with_capacity(pairs.pairs.len() * 3 + 4);
    put_varint(&mut table, pairs.pairs.len() as u64);
    let mut prev = 0u32;
    for &(a, b) in &pairs.pairs {
        put_varint(&mut table, u64::from(a - prev));
        put_varint(&mut table, u64::from(b));
        prev = a;
    }
    writer.add_raw(&table);
    for list in &pairs.postings {
        writer.add_postings(list);
    }
    for (list, flat) in pairs.postings.iter().zip(&pairs.positions) {
        let mut at = 0;
        writer.add_positions(list.iter().map(|p| {
            let run = &flat[at..at + p.positioned()];
            at += p.positioned();
            run
        }));
    }
}

/// The pair table of an opened positions file: which pairs have lists, and where.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PairTable {
    pairs: Vec<(u32, u32)>,
    n_terms: u32,
}

/// Where one pair's lists are in the positions file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairLocation {
    /// List ordinal of the pair's postings.
    pub postings: u32,
    /// List ordinal of the pair's positions.
    pub positions: u32,
}

impl PairTable {
    /// Reads the table of a positions file named `name` with `n_lists` lists for `n_terms`
    /// terms; `table` gives list `n_terms` (the table) when there are more lists than terms.
    pub fn open<'a>(
        name: &str,
        n_terms: u32,
        n_lists: u32,
        table: impl FnOnce() -> Result<&'a [u8], FormatError>,
    ) -> Result<PairTable, FormatError> {
        let corrupt = |what: String| FormatError::Corrupt { file: name.to_string(), what };
        if n_lists == n_terms {
            return Ok(PairTable { pairs: Vec::new(), n_terms });
        }
        if n_lists < n_terms {
            return Err(corrupt(format!("{n_lists} position lists for {n_terms} terms")));
        }
        let bytes = table()?;
        let mut r = Reader::new(name, bytes);
        // Every pair takes at least two bytes.
        let n = r.count(bytes.len() / 2, "phrase pair")?;
        if u64::from(n_terms) + 1 + 2 * n as u64 != u64::from(n_lists) {
            return Err(corrupt(format!("{n} phrase pairs but {} lists after the terms'", n_lists - n_terms)));
        }
        let mut pairs = Vec::with_capacity(n);
        let mut first = 0u32;
        for _ in 0..n {
            first = first.checked_add(r.varint_u32()?).ok_or_else(|| r.corrupt("phrase pair ordinal overflow"))?;
            let second = r.varint_u32()?;
            if first >= n_terms || second >= n_terms {
                return Err(r.corrupt(format!("phrase pair ({first}, {second}) out of range")));
            }
            if pairs.last().is_some_and(|&last| last >= (first, second)) {
                return Err(r.corrupt("phrase pairs out of order"));
            }
            pairs.push((first, second));
        }
        if r.remaining() != 0 {
            return Err(r.corrupt("bytes after the phrase pairs"));
        }
        Ok(PairTable { pairs, n_terms })
    }

    /// Number of pairs with lists.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether no pair has lists.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The lists of the pair `first` then `second` (term ordinals), if stored.
    pub fn find(&self, first: u32, second: u32) -> Option<PairLocation> {
        let i = self.pairs.binary_search(&(first, second)).ok()? as u32;
        let p = self.pairs.len() as u32;
        Some(PairLocation { postings: self.n_terms + 1 + i, positions: self.n_terms + 1 + p + i })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::index::format::{frame, FileKind};
    use crate::engine::index::postings::ListFile;

    /// Three terms over four papers; positions by hand. Term 0 then 1 is adjacent in papers
    /// 0, 1 (twice, once in the title) and 3; 1 then 2 only in paper 2.
    fn sample() -> Vec<(Vec<Posting>, Vec<u32>)> {
        vec![
            (
                vec![
                    Posting { doc: 0, tf: [0, 1, 0] },
                    Posting { doc: 1, tf: [1, 1, 0] },
                    Posting { doc: 3, tf: [0, 1, 0] },
                ],
                vec![10, 0, 20, 5],
            ),
            (
                vec![
                    Posting { doc: 0, tf: [0, 1, 0] },
                    Posting { doc: 1, tf: [1, 1, 0] },
                    Posting { doc: 2, tf: [0, 1, 0] },
                    Posting { doc: 3, tf: [0, 2, 0] },
                ],
                vec![11, 1, 21, 3, 6, 9],
            ),
            (vec![Posting { doc: 2, tf: [0, 1, 0] }], vec![4]),
        ]
    }

    fn collect_sample(rule: PairRule) -> PairLists {
        let owned = sample();
        let lists: Vec<(&[Posting], &[u32])> = owned.iter().map(|(p, q)| (p.as_slice(), q.as_slice())).collect();
        collect(&lists, 4, rule)
    }

    #[test]
    fn pairs_are_found_with_fields_and_positions() {
        let got = collect_sample(PairRule { min_docs: 1, min_word_docs: 0 });
        assert_eq!(got.pairs, vec![(0, 1), (1, 2)]);
        assert_eq!(
            got.postings[0],
            vec![
                Posting { doc: 0, tf: [0, 1, 0] },
                Posting { doc: 1, tf: [1, 1, 0] },
                Posting { doc: 3, tf: [0, 1, 0] }
            ]
        );
        assert_eq!(got.positions[0], vec![10, 0, 20, 5]);
        assert_eq!(got.postings[1], vec![Posting { doc: 2, tf: [0, 1, 0] }]);
        assert_eq!(got.positions[1], vec![3]);
    }

    #[test]
    fn the_rule_leaves_out_rare_pairs_and_pairs_of_rare_words() {
        let got = collect_sample(PairRule { min_docs: 2, min_word_docs: 0 });
        assert_eq!(got.pairs, vec![(0, 1)], "1 then 2 is in one paper only");
        // Words 0 and 1 hold 3 + 4 postings; 1 and 2 hold 5.
        let got = collect_sample(PairRule { min_docs: 1, min_word_docs: 8 });
        assert!(got.pairs.is_empty());
        let got = collect_sample(PairRule { min_docs: 1, min_word_docs: 6 });
        assert_eq!(got.pairs, vec![(0, 1)]);
    }

    #[test]
    fn pairs_round_trip_through_a_positions_file() {
        let pairs = collect_sample(PairRule { min_docs: 1, min_word_docs: 0 });
        let mut w = ListWriter::new();
        for (postings, flat) in sample() {
            let mut at = 0;
            w.add_positions(postings.iter().map(|p| {
                let run = &flat[at..at + p.positioned()];
                at += p.positioned();
                run
            }));
        }
        append(&mut w, &pairs);
        let file = ListFile::open("p", FileKind::Positions, frame(FileKind::Positions, &w.finish())).unwrap();
        assert_eq!(file.n_terms(), 3 + 1 + 4);
        let table = PairTable::open("p", 3, file.n_terms(), || file.list_bytes(3)).unwrap();
        assert_eq!(table.len(), 2);
        assert_eq!(table.find(1, 0), None);
        let at = table.find(0, 1).unwrap();
        assert_eq!(file.postings(at.postings, 4).unwrap(), pairs.postings[0]);
        assert_eq!(file.positions(at.positions, &pairs.postings[0]).unwrap(), vec![vec![10], vec![0, 20], vec![5]]);
        let at = table.find(1, 2).unwrap();
        assert_eq!(file.postings(at.postings, 4).unwrap(), pairs.postings[1]);
    }

    #[test]
    fn a_file_without_pairs_reads_as_none_and_bad_tables_are_refused() {
        let none = PairTable::open("p", 5, 5, || unreachable!("no table to read")).unwrap();
        assert!(none.is_empty() && none.find(0, 1).is_none());
        assert!(PairTable::open("p", 5, 4, || Ok(&[])).is_err(), "fewer lists than terms");
        let table = |bytes: &'static [u8], n_lists| PairTable::open("p", 5, n_lists, || Ok(bytes));
        assert!(table(&[1, 0, 1], 8).is_ok());
        assert!(table(&[1, 0, 1], 9).is_err(), "list count does not match the table");
        assert!(table(&[1, 0, 7], 8).is_err(), "second ordinal out of range");
        assert!(table(&[1, 6, 1], 8).is_err(), "first ordinal out of range");
        assert!(table(&[2, 1, 1, 0, 1], 10).is_err(), "pairs out of order");
        assert!(table(&[2, 1, 1, 0, 2], 10).is_ok());
        assert!(table(&[2, 1, 1, 0, 2, 7], 10).is_err(), "trailing bytes");
        assert!(table(&[1, 0], 8).is_err(), "cut short");
        assert!(table(&[], 6).is_err(), "empty table");
    }
}
