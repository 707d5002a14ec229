//! The surface-word dictionary: both codecs for `words.*.bin`.
//!
//! Prefix completion and typo tolerance run over the words people type (normalised but not
//! stemmed), while postings are keyed by stems. Most surface words are also a term as written
//! ("model", "lora"), so storing them twice would waste bytes; the file holds an FST of only
//! the surface words that differ from their stem (`quantization` → ordinal of `quantiz`), plus
//! a bitset over term ordinals marking terms that are themselves surface words. Together they
//! give every surface word.
//!
//! Each surface word also carries its *share*: its occurrences as a fraction of its term's
//! (1–255 for terms that are words themselves; 1–15 in the FST value, where every bit costs
//! bytes). Completions rank and show words by it ("quantization", not "quantized", for the
//! term `quantiz`).
//!
//! Payload:
//!
//! ```text
//! varint  FST byte length, then the fst::Map bytes: surface → ordinal << 4 | share (1–15)
//! bytes   ceil(n_terms / 8) bitset, bit (ord % 8) of byte (ord / 8): term `ord` is a surface
//! bytes   one share per set bit, in ordinal order
//! optional, completions of short prefixes (absent in files written before it):
//! varint  n_prefixes, then per prefix in byte order of the prefixes:
//!     str     the prefix (normalised)
//!     varint  surface words starting with it (keys a scan would stream)
//!     varint  n, then n × (varint term ordinal, u8 share, str surface word), best first
//! ```
//!
//! The completions section exists for speed: a one- or two-letter prefix, the first keystroke
//! of every query, streams thousands of FST keys to rank its completions (26,000 for "m" over
//! the 75k-paper arXiv corpus, milliseconds in the browser), while its ranked top list is a few
//! hundred bytes. The build stores that list for every prefix with many words (see
//! [`crate::engine::search::expand::completion_table`]); the search reads it instead of
//! scanning, and the answer is the same.

use super::format::{put_str, put_varint, unframe, FileKind, Reader};
use crate::engine::error::FormatError;

/// Encodes the words payload from sorted, distinct `(surface, ordinal, share)` triples.
pub fn encode<'a>(surfaces: &[(&str, u32, u8)], term_of: impl Fn(u32) -> &'a str, n_terms: usize) -> Vec<u8> {
    encode_range(surfaces, term_of, 0, n_terms)
}

/// [`encode`] for a dictionary shard: the bitset covers the `count` ordinals from `first`
/// (every surface equal to its term has its term there, since it has the same key).
pub fn encode_range<'a>(
    surfaces: &[(&str, u32, u8)],
    term_of: impl Fn(u32) -> &'a str,
    first: u32,
    count: usize,
) -> Vec<u8> {
    let mut fst = fst::MapBuilder::memory();
    let mut is_surface = vec![0u8; count.div_ceil(8)];
    let mut shares = Vec::new();
    // Surfaces equal to their term come in ordinal order here, because both orders are the
    // byte order of the same strings; that is the order the shares are stored in.
    for &(surface, ord, share) in surfaces {
        if term_of(ord) == surface {
            let local = (ord - first) as usize;
            is_surface[local / 8] |= 1 << (local % 8);
            shares.push(share);
        } else {
            fst.insert(surface.as_bytes(), u64::from(ord) << 4 | u64::from(share.div_ceil(17).clamp(1, 15)))
                .expect("surfaces are inserted in sorted order without duplicates");
        }
    }
    let fst = fst.into_inner().expect("in-memory FST cannot fail");
    let mut out = Vec::with_capacity(fst.len() + is_surface.len() + shares.len() + 8);
    put_varint(&mut out, fst.len() as u64);
    out.extend_from_slice(&fst);
    out.extend_from_slice(&is_surface);
    out.extend_from_slice(&shares);
    out
}

/// The ranked completions of one prefix, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completions {
    /// The normalised prefix.
    pub prefix: String,
    /// Surface words starting with it (what a scan would stream).
    pub keys: u32,
    /// Best first: (term ordinal, share of the shown word, the shown word).
    pub entries: Vec<(u32, u8, String)>,
}

/// Encodes the optional completions section (appended to a words payload); `table` sorted by
/// prefix.
pub fn encode_completions(table: &[Completions]) -> Vec<u8> {
    let mut out = Vec::new();
    put_varint(&mut out, table.len() as u64);
    for c in table {
        put_str(&mut out, &c.prefix);
        put_varint(&mut out, u64::from(c.keys));
        put_varint(&mut out, c.entries.len() as u64);
        for (ordinal, share, surface) in &c.entries {
            put_varint(&mut out, u64::from(*ordinal));
            out.push(*share);
            put_str(&mut out, surface);
        }
    }
    out
}

/// Splits a words-FST value into (ordinal, share on the 1–255 scale).
pub fn unpack(value: u64) -> (u64, u8) {
    (value >> 4, ((value & 15) * 17) as u8)
}

/// The decoded words file.
#[derive(Debug)]
pub struct Words {
    /// Surface words that differ from their stem → term ordinal.
    pub map: fst::Map<Vec<u8>>,
    /// Bitset over term ordinals: the term is itself a surface word.
    pub term_is_surface: Vec<u8>,
    /// Shares of the terms that are surface words, in ordinal order.
    term_shares: Vec<u8>,
    /// Set bits before each byte of the bitset (rank index into `term_shares`).
    rank: Vec<u32>,
    /// Stored completions of short prefixes, sorted by prefix (empty in older files).
    completions: Vec<Completions>,
}

impl Words {
    /// Opens a framed words file for an index of `n_terms` terms.
    pub fn open(name: &str, bytes: &[u8], n_terms: usize) -> Result<Words, FormatError> {
        let payload = unframe(name, FileKind::Words, bytes)?;
        Self::from_payload(name, payload, n_terms, n_terms)
    }

    /// Opens a words payload whose bitset covers `n_local` ordinals (a dictionary shard's)
    /// and whose values are ordinals below `n_terms`.
    pub fn from_payload(name: &str, payload: &[u8], n_local: usize, n_terms: usize) -> Result<Words, FormatError> {
        let mut r = Reader::new(name, payload);
        let len = r.count(payload.len(), "FST byte")?;
        let fst_bytes = r.take(len)?.to_vec();
        let map = fst::Map::new(fst_bytes).map_err(|e| r.corrupt(format!("word dictionary: {e}")))?;
        let bits = r.take(n_local.div_ceil(8))?.to_vec();
        let mut rank = Vec::with_capacity(bits.len());
        let mut set = 0u32;
        for b in &bits {
            rank.push(set);
            set += b.count_ones();
        }
        let term_shares = r.take(set as usize)?.to_vec();
        let mut completions: Vec<Completions> = Vec::new();
        if !r.is_empty() {
            // Each prefix takes at least three bytes, each entry at least three.
            let n = r.count(r.remaining() / 3, "completion prefix")?;
            for _ in 0..n {
                let prefix = r.str()?.to_string();
                if completions.last().is_some_and(|c| c.prefix >= prefix) {
                    return Err(r.corrupt("completion prefixes out of order"));
                }
                let keys = r.varint_u32()?;
                let k = r.count(r.remaining() / 3, "completion")?;
                let mut entries = Vec::with_capacity(k);
                for _ in 0..k {
                    let ordinal = r.varint_u32()?;
                    if ordinal as usize >= n_terms {
                        return Err(r.corrupt(format!("completion term {ordinal} out of range")));
                    }
                    let share = r.byte()?;
                    entries.push((ordinal, share, r.str()?.to_string()));
                }
                completions.push(Completions { prefix, keys, entries });
            }
            if !r.is_empty() {
                return Err(r.corrupt("bytes after the completions"));
            }
        }
        Ok(Words { map, term_is_surface: bits, term_shares, rank, completions })
    }

    /// The stored completions of `prefix`, when the build stored them.
    pub fn completions(&self, prefix: &str) -> Option<&Completions> {
        let i = self.completions.binary_search_by(|c| c.prefix.as_str().cmp(prefix)).ok()?;
        self.completions.get(i)
    }

    /// Number of prefixes with stored completions.
    pub fn completion_prefixes(&self) -> usize {
        self.completions.len()
    }

    /// The share of term `ord` as a surface word, when it is one.
    pub fn term_share(&self, ord: u32) -> Option<u8> {
        if !self.term_is_surface(ord) {
            return None;
        }
        let byte = ord as usize / 8;
        let below = (self.term_is_surface[byte] & ((1u16 << (ord % 8)) - 1) as u8).count_ones();
        self.term_shares.get((self.rank[byte] + below) as usize).copied()
    }

    /// Whether term `ord` is itself a surface word.
    pub fn term_is_surface(&self, ord: u32) -> bool {
        self.term_is_surface.get(ord as usize / 8).is_some_and(|b| b & (1 << (ord % 8)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::format::frame;
    use super::*;

    fn payload_with(table: &[Completions]) -> (Vec<u8>, usize) {
        let terms = ["model", "quantiz"];
        let surfaces = [("model", 0, 255), ("quantization", 1, 200), ("quantized", 1, 55)];
        let base = encode(&surfaces, |o| terms[o as usize], 2);
        let plain = base.len();
        let mut payload = base;
        payload.extend(encode_completions(table));
        (payload, plain)
    }

    fn table() -> Vec<Completions> {
        vec![
            Completions { prefix: "m".into(), keys: 1, entries: vec![(0, 255, "model".into())] },
            Completions {
                prefix: "q".into(),
                keys: 2,
                entries: vec![(1, 200, "quantization".into()), (1, 55, "quantized".into())],
            },
        ]
    }

    #[test]
    fn completions_round_trip_and_older_files_have_none() {
        let (payload, plain) = payload_with(&table());
        let words = Words::open("w", &frame(FileKind::Words, &payload), 2).expect("opens");
        assert_eq!(words.completions("q"), Some(&table()[1]));
        assert_eq!(words.completions("qu"), None);
        assert_eq!(words.completion_prefixes(), 2);
        let older = Words::open("w", &frame(FileKind::Words, &payload[..plain]), 2).expect("opens without a table");
        assert_eq!(older.completion_prefixes(), 0);
        assert_eq!(older.term_share(0), words.term_share(0));
    }

    #[test]
    fn every_cut_into_the_completions_fails_cleanly() {
        let (payload, plain) = payload_with(&table());
        for cut in plain + 1..payload.len() {
            assert!(Words::open("w", &frame(FileKind::Words, &payload[..cut]), 2).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn bad_tables_are_refused() {
        let mut swapped = table();
        swapped.swap(0, 1);
        let (payload, _) = payload_with(&swapped);
        let err = Words::open("w", &frame(FileKind::Words, &payload), 2).unwrap_err();
        assert!(err.to_string().contains("out of order"), "{err}");
        let mut far = table();
        far[0].entries[0].0 = 7;
        let (payload, _) = payload_with(&far);
        let err = Words::open("w", &frame(FileKind::Words, &payload), 2).unwrap_err();
        assert!(err.to_string().contains("out of range"), "{err}");
    }
}
