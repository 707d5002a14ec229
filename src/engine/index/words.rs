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
//! ```

use super::format::{put_varint, unframe, FileKind, Reader};
use crate::engine::error::FormatError;

/// Encodes the words payload from sorted, distinct `(surface, ordinal, share)` triples.
pub fn encode<'a>(surfaces: &[(&str, u32, u8)], term_of: impl Fn(u32) -> &'a str, n_terms: usize) -> Vec<u8> {
    let mut fst = fst::MapBuilder::memory();
    let mut is_surface = vec![0u8; n_terms.div_ceil(8)];
    let mut shares = Vec::new();
    // Surfaces equal to their term come in ordinal order here, because both orders are the
    // byte order of the same strings; that is the order the shares are stored in.
    for &(surface, ord, share) in surfaces {
        if term_of(ord) == surface {
            is_surface[ord as usize / 8] |= 1 << (ord % 8);
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
}

impl Words {
    /// Opens a framed words file for an index of `n_terms` terms.
    pub fn open(name: &str, bytes: &[u8], n_terms: usize) -> Result<Words, FormatError> {
        let payload = unframe(name, FileKind::Words, bytes)?;
        let mut r = Reader::new(name, payload);
        let len = r.count(payload.len(), "FST byte")?;
        let fst_bytes = r.take(len)?.to_vec();
        let map = fst::Map::new(fst_bytes).map_err(|e| r.corrupt(format!("word dictionary: {e}")))?;
        let bits = r.take(n_terms.div_ceil(8))?.to_vec();
        let mut rank = Vec::with_capacity(bits.len());
        let mut set = 0u32;
        for b in &bits {
            rank.push(set);
            set += b.count_ones();
        }
        let term_shares = r.take(set as usize)?.to_vec();
        if !r.is_empty() {
            return Err(r.corrupt("bytes after the surface shares"));
        }
        Ok(Words { map, term_is_surface: bits, term_shares, rank })
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
