//! A dictionary as the search reads it: keys (an FST from key to ordinal), for text terms the
//! surface words (see [`super::words`]), and document frequencies, either whole (the `terms`
//! and `words` files of a bundle) or in shards by key range (`lexicon-*.bin`, large corpora),
//! each fetched when a query first reaches its range.
//!
//! A shard holds the ordinals `first..first + count` (ordinals follow key order, so that is
//! the key range from its first key to the next shard's) and every surface word in that key
//! range; a surface word's stem may sit in the shard before (`quantization` → `quantiz`), so
//! its value is a global ordinal like every other. Each shard stores its terms' document
//! frequencies, so ranking a prefix's or a typo's candidates needs no postings chunk.
//!
//! Shard payload:
//!
//! ```text
//! varint  first ordinal, varint count
//! varint  FST byte length, then the fst::Map bytes: key → global ordinal
//! varint  words payload length (0: none), then the payload (bitset and shares over the
//!         shard's ordinals; completions of prefixes in its key range)
//! varint  n (0 or count), then n × varint   document frequencies
//! ```
//!
//! Author-name shards have no surface words; a name shard whose key range holds stored name
//! completions (see [`crate::engine::search::expand::name_completion_table`]) carries a words
//! payload with no words, only that table, and the others none. The paper-id map of a large
//! index (id → document number) is sharded the same way, with no words and no frequencies, so
//! opening a paper link fetches one small shard.
//!
//! Reads that reach a shard not attached yet answer "not found" and record the shard, like
//! [`super::postings::ListFile`]: a caller runs the search, fetches
//! [`Lexicon::take_missing`] and runs it again, so the planning of what a query needs is the
//! search itself and cannot drift from it.

use std::ops::ControlFlow;

use fst::Automaton;

use super::format::{put_varint, unframe, FileKind, Reader};
use super::manifest::FileEntry;
use super::parts::{check_starts, Parts};
use super::words::{Completions, Words};
use crate::engine::error::FormatError;

/// A dictionary, whole or sharded.
#[derive(Debug)]
pub struct Lexicon {
    n_terms: u32,
    /// Per shard, the smallest key it may hold (empty for the first shard).
    first_keys: Vec<Vec<u8>>,
    /// Per shard, its first ordinal.
    firsts: Vec<u32>,
    shards: Parts<ShardData>,
}

/// The opened contents of a shard (or of a whole dictionary).
#[derive(Debug)]
pub struct ShardData {
    /// Key → global ordinal.
    pub keys: fst::Map<Vec<u8>>,
    /// Surface words (text terms; for names only the stored completions).
    pub words: Option<Words>,
    first: u32,
    /// Document frequencies of the shard's ordinals (empty for a whole dictionary, whose
    /// postings are at hand).
    df: Vec<u32>,
}

impl ShardData {
    /// The share of the term `ordinal` (global) as a surface word, if it is one.
    pub fn term_share(&self, ordinal: u32) -> Option<u8> {
        self.words.as_ref()?.term_share(ordinal.checked_sub(self.first)?)
    }
}

/// Encodes a shard payload.
pub fn encode_shard(first: u32, count: u32, keys_fst: &[u8], words: Option<&[u8]>, df: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(keys_fst.len() + words.map_or(0, <[u8]>::len) + df.len() * 2 + 16);
    put_varint(&mut out, u64::from(first));
    put_varint(&mut out, u64::from(count));
    put_varint(&mut out, keys_fst.len() as u64);
    out.extend_from_slice(keys_fst);
    let words = words.unwrap_or_default();
    put_varint(&mut out, words.len() as u64);
    out.extend_from_slice(words);
    put_varint(&mut out, df.len() as u64);
    for &d in df {
        put_varint(&mut out, u64::from(d));
    }
    out
}

impl Lexicon {
    /// A whole dictionary (bundle layout).
    pub fn whole(keys: fst::Map<Vec<u8>>, words: Option<Words>) -> Lexicon {
        let n_terms = keys.len() as u32;
        let data = ShardData { keys, words, first: 0, df: Vec::new() };
        Lexicon { n_terms, first_keys: vec![Vec::new()], firsts: vec![0], shards: Parts::whole(data) }
    }

    /// A sharded dictionary of `n_terms` keys, nothing attached: shard `i` (manifest entry
    /// `entries[i]`) starts at key `first_keys[i]` and ordinal `starts[i]`.
    pub fn sharded(
        n_terms: u32,
        first_keys: &[String],
        starts: &[u32],
        entries: Vec<FileEntry>,
    ) -> Result<Lexicon, FormatError> {
        check_starts("dictionary shards", n_terms, starts, entries.len())?;
        let bad = |what: &str| FormatError::Manifest(format!("dictionary shards: {what}"));
        if first_keys.len() != entries.len() {
            return Err(bad("as many first keys as files are needed"));
        }
        if first_keys.first().is_some_and(|k| !k.is_empty()) {
            return Err(bad("the first shard must start at the first key"));
        }
        if !first_keys.windows(2).all(|w| w[0] < w[1]) {
            return Err(bad("first keys must increase"));
        }
        Ok(Lexicon {
            n_terms,
            first_keys: first_keys.iter().map(|k| k.as_bytes().to_vec()).collect(),
            firsts: starts.to_vec(),
            shards: Parts::listed(entries),
        })
    }

    /// Attaches shard `entry` (one this dictionary lists) of `kind`.
    pub fn attach(&mut self, entry: &FileEntry, kind: FileKind, bytes: &[u8]) -> Result<(), FormatError> {
        let Some(i) = self.shards.position(entry) else {
            return Err(FormatError::Manifest(format!("`{}` is not a shard of this dictionary", entry.name)));
        };
        let name = &entry.name;
        let payload = unframe(name, kind, bytes)?;
        let mut r = Reader::new(name, payload);
        let first = r.varint_u32()?;
        let count = r.varint_u32()?;
        let end = self.firsts.get(i + 1).map_or(self.n_terms, |&e| e);
        if first != self.firsts[i] || Some(count) != end.checked_sub(first) {
            return Err(r.corrupt(format!(
                "terms {first}..{} where the manifest expects {}..{end} (a shard of another index?)",
                u64::from(first) + u64::from(count),
                self.firsts[i]
            )));
        }
        let len = r.count(payload.len(), "FST byte")?;
        let keys = fst::Map::new(r.take(len)?.to_vec()).map_err(|e| r.corrupt(format!("dictionary: {e}")))?;
        if keys.len() != count as usize {
            return Err(r.corrupt(format!("{} keys for {count} terms", keys.len())));
        }
        let words_len = r.count(payload.len(), "words byte")?;
        let words = if words_len == 0 {
            None
        } else {
            let words_payload = r.take(words_len)?;
            Some(Words::from_payload(name, words_payload, count as usize, self.n_terms as usize)?)
        };
        let n_df = r.count(payload.len(), "document frequency")?;
        if n_df != 0 && n_df != count as usize {
            return Err(r.corrupt(format!("{n_df} document frequencies for {count} terms")));
        }
        let mut df = Vec::with_capacity(n_df);
        for _ in 0..n_df {
            df.push(r.varint_u32()?);
        }
        if !r.is_empty() {
            return Err(r.corrupt("bytes after the document frequencies"));
        }
        self.shards.set(i, ShardData { keys, words, first, df });
        Ok(())
    }

    /// Number of keys.
    pub fn len(&self) -> u32 {
        self.n_terms
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.n_terms == 0
    }

    /// Whether the dictionary comes in shards.
    pub fn is_sharded(&self) -> bool {
        self.shards.is_listed()
    }

    /// The shards not attached yet.
    pub fn missing_all(&self) -> Vec<FileEntry> {
        self.shards.missing_all()
    }

    /// Whether reads asked for shards not attached since the last [`Self::take_missing`].
    pub fn has_missing(&self) -> bool {
        self.shards.has_missing()
    }

    /// The shards reads reached but found missing since the last call, in order.
    pub fn take_missing(&self) -> Vec<FileEntry> {
        self.shards.take_missing()
    }

    fn shard_of_key(&self, key: &[u8]) -> usize {
        self.first_keys.partition_point(|k| k.as_slice() <= key).saturating_sub(1)
    }

    fn shard_of_ordinal(&self, ordinal: u32) -> Option<usize> {
        (ordinal < self.n_terms).then(|| self.firsts.partition_point(|&f| f <= ordinal).saturating_sub(1))
    }

    /// The shard whose key range holds `key`.
    pub fn shard_for_key(&self, key: &[u8]) -> Option<&ShardData> {
        self.shards.get(self.shard_of_key(key))
    }

    /// The shard holding `ordinal`.
    pub fn shard_for_ordinal(&self, ordinal: u32) -> Option<&ShardData> {
        self.shards.get(self.shard_of_ordinal(ordinal)?)
    }

    /// Whether the shard of `key` is at hand (recording it when not).
    pub fn has_key_range(&self, key: &[u8]) -> bool {
        self.shard_for_key(key).is_some()
    }

    /// The value of a key: its ordinal (terms, names) or its document number (paper ids);
    /// callers check it against what it indexes.
    pub fn ordinal(&self, key: &str) -> Option<u32> {
        let v = self.shard_for_key(key.as_bytes())?.keys.get(key)?;
        u32::try_from(v).ok()
    }

    /// The value of a surface word in the words FST (ordinal and share, packed; see
    /// [`super::words::unpack`]).
    pub fn word_value(&self, surface: &str) -> Option<u64> {
        self.shard_for_key(surface.as_bytes())?.words.as_ref()?.map.get(surface)
    }

    /// The share of the term `ordinal` as a surface word, if it is one.
    pub fn term_share(&self, ordinal: u32) -> Option<u8> {
        self.shard_for_ordinal(ordinal)?.term_share(ordinal)
    }

    /// Whether the term `ordinal` is itself a surface word.
    pub fn term_is_surface(&self, ordinal: u32) -> bool {
        self.term_share(ordinal).is_some()
    }

    /// The stored completions of a normalised prefix: `Err(())` when the shard that would hold
    /// them is not attached yet.
    #[allow(clippy::result_unit_err)]
    pub fn completions(&self, prefix: &str) -> Result<Option<&Completions>, ()> {
        let shard = self.shard_for_key(prefix.as_bytes()).ok_or(())?;
        Ok(shard.words.as_ref().and_then(|w| w.completions(prefix)))
    }

    /// Prefixes with stored completions, over the attached shards.
    pub fn completion_prefixes(&self) -> usize {
        self.shards.attached().filter_map(|s| s.words.as_ref()).map(Words::completion_prefixes).sum()
    }

    /// The key of `ordinal`.
    pub fn key_of(&self, ordinal: u32) -> Option<String> {
        let shard = self.shard_for_ordinal(ordinal)?;
        shard.keys.as_fst().get_key(u64::from(ordinal)).and_then(|k| String::from_utf8(k).ok())
    }

    /// The stored document frequency of `ordinal`: `None` for a whole dictionary (read it from
    /// the postings) or a shard not attached.
    pub fn doc_freq(&self, ordinal: u32) -> Option<u32> {
        let shard = self.shard_for_ordinal(ordinal)?;
        shard.df.get((ordinal - shard.first) as usize).copied()
    }

    /// Visits, in key order, every shard whose key range `aut` may reach: attached ones are
    /// passed to `visit`, the others recorded as missing. Every key of a shard's range starts
    /// with the prefix its first key shares with the next shard's, followed by a byte between
    /// theirs; a shard is skipped when the automaton accepts no such start.
    pub fn for_each_shard<A: Automaton>(&self, aut: &A, mut visit: impl FnMut(&ShardData) -> ControlFlow<()>) {
        for i in 0..self.shards.len() {
            let lo = self.first_keys[i].as_slice();
            let hi = self.first_keys.get(i + 1).map(Vec::as_slice);
            if !may_reach(aut, lo, hi) {
                continue;
            }
            let Some(data) = self.shards.get(i) else { continue };
            if visit(data).is_break() {
                return;
            }
        }
    }
}

/// Whether `aut` may match a key `k` with `lo <= k < hi` (`hi` none: no upper bound).
fn may_reach<A: Automaton>(aut: &A, lo: &[u8], hi: Option<&[u8]>) -> bool {
    let shared = hi.map_or(0, |hi| lo.iter().zip(hi).take_while(|(a, b)| a == b).count());
    let mut state = aut.start();
    for &b in &lo[..shared] {
        if !aut.can_match(&state) {
            return false;
        }
        state = aut.accept(&state, b);
    }
    if !aut.can_match(&state) {
        return false;
    }
    // The key may end here only when it is `lo` itself.
    if lo.len() == shared && aut.is_match(&state) {
        return true;
    }
    let first = lo.get(shared).copied().unwrap_or(0);
    let last = hi.and_then(|hi| hi.get(shared).copied()).unwrap_or(u8::MAX);
    (first..=last).any(|b| aut.can_match(&aut.accept(&state, b)))
}

/// Splits ordinals `0..n` into shards of about `target` bytes, given each ordinal's byte
/// weight: the first ordinal of each shard.
pub fn split_by_weight(weights: impl IntoIterator<Item = usize>, target: usize) -> Vec<u32> {
    let mut starts = Vec::new();
    let mut acc = 0usize;
    for (i, w) in weights.into_iter().enumerate() {
        if starts.is_empty() || (acc > 0 && acc + w > target) {
            starts.push(i as u32);
            acc = 0;
        }
        acc += w;
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::super::format::frame;
    use super::*;

    fn map(keys: &[(&str, u64)]) -> Vec<u8> {
        let mut b = fst::MapBuilder::memory();
        for (k, v) in keys {
            b.insert(k, *v).unwrap();
        }
        b.into_inner().unwrap()
    }

    fn entry(i: usize) -> FileEntry {
        FileEntry { role: "lexicon".into(), name: format!("lexicon.{i}.bin"), bytes: 0, hash: String::new() }
    }

    /// Terms a b c | d e: two shards, the second starting at "d".
    fn two_shards() -> (Lexicon, Vec<Vec<u8>>) {
        let lex = Lexicon::sharded(5, &["".into(), "d".into()], &[0, 3], vec![entry(0), entry(1)]).unwrap();
        let s0 = frame(FileKind::Lexicon, &encode_shard(0, 3, &map(&[("a", 0), ("b", 1), ("c", 2)]), None, &[5, 4, 3]));
        let s1 = frame(FileKind::Lexicon, &encode_shard(3, 2, &map(&[("d", 3), ("e", 4)]), None, &[2, 1]));
        (lex, vec![s0, s1])
    }

    #[test]
    fn reads_record_the_shards_they_miss() {
        let (mut lex, files) = two_shards();
        assert_eq!(lex.ordinal("e"), None);
        assert_eq!(lex.take_missing(), vec![entry(1)]);
        assert!(lex.take_missing().is_empty(), "taking clears the record");
        lex.attach(&entry(1), FileKind::Lexicon, &files[1]).unwrap();
        assert_eq!(lex.ordinal("e"), Some(4));
        assert_eq!(lex.doc_freq(3), Some(2));
        assert_eq!(lex.key_of(4).as_deref(), Some("e"));
        assert_eq!(lex.doc_freq(1), None);
        assert_eq!(lex.take_missing(), vec![entry(0)]);
    }

    #[test]
    fn automata_visit_only_the_shards_they_can_reach() {
        let (mut lex, files) = two_shards();
        // Keys below "d" cannot start with "e": only the second shard is asked for.
        let aut = fst::automaton::Str::new("e").starts_with();
        let mut seen = 0;
        lex.for_each_shard(&aut, |_| {
            seen += 1;
            ControlFlow::Continue(())
        });
        assert_eq!(seen, 0);
        assert_eq!(lex.take_missing(), vec![entry(1)]);
        let any = fst::automaton::AlwaysMatch;
        lex.for_each_shard(&any, |_| ControlFlow::Continue(()));
        assert_eq!(lex.take_missing().len(), 2);
        for (i, f) in files.iter().enumerate() {
            lex.attach(&entry(i), FileKind::Lexicon, f).unwrap();
        }
        let mut keys = Vec::new();
        lex.for_each_shard(&aut, |s| {
            keys.extend(s.keys.stream().into_str_keys().unwrap());
            ControlFlow::Continue(())
        });
        assert_eq!(keys, vec!["d", "e"]);
        keys.clear();
        lex.for_each_shard(&any, |s| {
            keys.extend(s.keys.stream().into_str_keys().unwrap());
            ControlFlow::Continue(())
        });
        assert_eq!(keys, vec!["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn a_shard_in_another_place_is_refused() {
        let (mut lex, files) = two_shards();
        let err = lex.attach(&entry(0), FileKind::Lexicon, &files[1]).unwrap_err();
        assert!(err.to_string().contains("another index"), "{err}");
        assert!(lex.attach(&entry(7), FileKind::Lexicon, &files[0]).is_err());
        let mut damaged = files[0].clone();
        damaged[25] ^= 1;
        assert!(lex.attach(&entry(0), FileKind::Lexicon, &damaged).is_err());
    }

    #[test]
    fn hostile_shards_never_panic() {
        let (mut lex, files) = two_shards();
        for cut in 0..files[0].len() {
            let mut payload = files[0][20..files[0].len() - 8].to_vec();
            payload.truncate(cut.min(payload.len()));
            let _ = lex.attach(&entry(0), FileKind::Lexicon, &frame(FileKind::Lexicon, &payload));
        }
    }

    #[test]
    fn splits_follow_weights() {
        assert_eq!(split_by_weight([5, 5, 5, 5, 5], 10), vec![0, 2, 4]);
        assert_eq!(split_by_weight([50, 1, 1], 10), vec![0, 1]);
        assert!(split_by_weight([], 10).is_empty());
    }
}
