//! The on-disk format shared by the index writer and reader: one definition, so the two
//! cannot drift apart.
//!
//! Every binary file is framed the same way:
//!
//! ```text
//! offset  size  field
//! 0       4     magic  b"PSIX"
//! 4       4     format version, u32 little-endian (FORMAT_VERSION)
//! 8       4     file kind, 4 ASCII bytes (b"TERM", b"POST", …)
//! 12      8     payload length, u64 little-endian
//! 20      n     payload
//! 20+n    8     xxh3-64 of bytes 0..20+n, u64 little-endian
//! ```
//!
//! The reader checks, in order: length of the header, magic, version, kind, declared length
//! against the bytes present, checksum. Each failure is its own [`FormatError`] variant, so a
//! user learns whether to rebuild (version), re-download (truncated) or suspect the host
//! (checksum). Inside payloads, integers are LEB128 varints unless stated, and strings are a
//! varint byte length followed by UTF-8; [`Reader`] decodes them with bounds checks and never
//! panics on hostile bytes.

use crate::engine::error::FormatError;

/// First bytes of every papersift index file.
pub const MAGIC: [u8; 4] = *b"PSIX";
/// The index format this build writes and reads. Bump it on any change to a payload layout,
/// add a fixture under `tests/fixtures/` for the new version, and keep the old one to prove
/// that it is refused with a clear message.
pub const FORMAT_VERSION: u32 = 1;
/// Bytes before the payload.
pub const HEADER_LEN: usize = 20;
/// Bytes after the payload.
pub const TRAILER_LEN: usize = 8;

/// What a binary index file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// FST from stemmed term to term ordinal.
    Terms,
    /// FST from surface word (normalised, unstemmed) to term ordinal.
    Words,
    /// Per-term document lists with per-field term frequencies.
    Postings,
    /// Per-term, per-document word positions (loaded only for phrase queries).
    Positions,
    /// Per-document field lengths, quantised to one byte each.
    Norms,
    /// The document store.
    Docs,
    /// Facet columns (category, month, listing date, link kinds, dates).
    Facets,
    /// FST from author-name token (normalised, not stemmed) to name ordinal.
    NameTerms,
    /// Per-name document lists (the author field's postings).
    NamePostings,
    /// The author facet (large on big corpora, so apart).
    Authors,
    /// The whole topic model in one file (indexes built before the split below: still read).
    Topics,
    /// A chunk of the document store (large corpora; see [`super::docs`]).
    DocsChunk,
    /// FST from paper id to document number (with a chunked document store).
    DocIds,
    /// A shard of the term dictionary by key range (see [`super::lexicon`]).
    Lexicon,
    /// A chunk of the postings by term ordinal range.
    PostingsChunk,
    /// A shard of the author-name dictionary by key range.
    NameLexicon,
    /// A chunk of the author-name postings by name ordinal range.
    NamePostingsChunk,
    /// A shard of the paper-id map by id range (with a sharded index).
    DocIdShard,
    /// A chunk of the positions file by list range (with a sharded index).
    PositionsChunk,
    /// The topic model's summary: topics, labels, graph, trends and each paper's topic (see
    /// [`super::topicfile`]).
    TopicSummary,
    /// Each paper's position on the paper map.
    PaperMap,
    /// Per paper by document range: topic memberships, keyphrases and related papers.
    TopicDetail,
}

impl FileKind {
    /// Every kind, in the order the build writes them.
    pub const ALL: [FileKind; 22] = [
        FileKind::Terms,
        FileKind::Words,
        FileKind::Postings,
        FileKind::Positions,
        FileKind::Norms,
        FileKind::Docs,
        FileKind::Facets,
        FileKind::NameTerms,
        FileKind::NamePostings,
        FileKind::Authors,
        FileKind::Topics,
        FileKind::DocsChunk,
        FileKind::DocIds,
        FileKind::Lexicon,
        FileKind::PostingsChunk,
        FileKind::NameLexicon,
        FileKind::NamePostingsChunk,
        FileKind::DocIdShard,
        FileKind::PositionsChunk,
        FileKind::TopicSummary,
        FileKind::PaperMap,
        FileKind::TopicDetail,
    ];

    /// The four tag bytes in the header.
    pub fn tag(self) -> [u8; 4] {
        match self {
            FileKind::Terms => *b"TERM",
            FileKind::Words => *b"WORD",
            FileKind::Postings => *b"POST",
            FileKind::Positions => *b"POSN",
            FileKind::Norms => *b"NORM",
            FileKind::Docs => *b"DOCS",
            FileKind::Facets => *b"FACT",
            FileKind::NameTerms => *b"NAME",
            FileKind::NamePostings => *b"NPST",
            FileKind::Authors => *b"AUTH",
            FileKind::Topics => *b"TOPC",
            FileKind::DocsChunk => *b"DOCC",
            FileKind::DocIds => *b"DIDS",
            FileKind::Lexicon => *b"LEXS",
            FileKind::PostingsChunk => *b"PSTC",
            FileKind::NameLexicon => *b"NLEX",
            FileKind::NamePostingsChunk => *b"NPSC",
            FileKind::DocIdShard => *b"DIDX",
            FileKind::PositionsChunk => *b"PSNC",
            FileKind::TopicSummary => *b"TSUM",
            FileKind::PaperMap => *b"PMAP",
            FileKind::TopicDetail => *b"TDET",
        }
    }

    /// The role name used in `manifest.json` and in file names.
    pub fn role(self) -> &'static str {
        match self {
            FileKind::Terms => "terms",
            FileKind::Words => "words",
            FileKind::Postings => "postings",
            FileKind::Positions => "positions",
            FileKind::Norms => "norms",
            FileKind::Docs => "docs",
            FileKind::Facets => "facets",
            FileKind::NameTerms => "names",
            FileKind::NamePostings => "name-postings",
            FileKind::Authors => "authors",
            FileKind::Topics => "topics",
            FileKind::DocsChunk => "docs-chunk",
            FileKind::DocIds => "doc-ids",
            FileKind::Lexicon => "lexicon",
            FileKind::PostingsChunk => "postings-chunk",
            FileKind::NameLexicon => "name-lexicon",
            FileKind::NamePostingsChunk => "name-postings-chunk",
            FileKind::DocIdShard => "doc-id-shard",
            FileKind::PositionsChunk => "positions-chunk",
            FileKind::TopicSummary => "topic-summary",
            FileKind::PaperMap => "paper-map",
            FileKind::TopicDetail => "topic-detail",
        }
    }

    /// The kind for a manifest role name.
    pub fn from_role(role: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.role() == role)
    }

    fn from_tag(tag: [u8; 4]) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.tag() == tag)
    }
}

/// The content hash used in the manifest and in file names: xxh3-64 as 16 hex digits.
pub fn content_hash(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// Wraps a payload in header and checksum.
pub fn frame(kind: FileKind, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len() + TRAILER_LEN);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&kind.tag());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    let sum = xxhash_rust::xxh3::xxh3_64(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// Checks a framed file and returns its payload.
pub fn unframe<'a>(file: &str, kind: FileKind, bytes: &'a [u8]) -> Result<&'a [u8], FormatError> {
    let file = file.to_string();
    if bytes.len() < 8 {
        return Err(if bytes.len() >= 4 && bytes[..4] != MAGIC {
            FormatError::BadMagic { file }
        } else {
            FormatError::Truncated { file, needed: (HEADER_LEN + TRAILER_LEN) as u64, available: bytes.len() as u64 }
        });
    }
    if bytes[..4] != MAGIC {
        return Err(FormatError::BadMagic { file });
    }
    let version = u32::from_le_bytes(bytes[4..8].try_into().expect("slice of length 4"));
    if version != FORMAT_VERSION {
        return Err(FormatError::Version { file, expected: FORMAT_VERSION, found: version });
    }
    if bytes.len() < HEADER_LEN + TRAILER_LEN {
        return Err(FormatError::Truncated {
            file,
            needed: (HEADER_LEN + TRAILER_LEN) as u64,
            available: bytes.len() as u64,
        });
    }
    let tag: [u8; 4] = bytes[8..12].try_into().expect("slice of length 4");
    if tag != kind.tag() {
        let found = match FileKind::from_tag(tag) {
            Some(k) => k.role().to_string(),
            None => format!("unknown ({})", String::from_utf8_lossy(&tag)),
        };
        return Err(FormatError::WrongKind { file, expected: kind.role(), found });
    }
    let len = u64::from_le_bytes(bytes[12..20].try_into().expect("slice of length 8"));
    let needed = (HEADER_LEN as u64 + TRAILER_LEN as u64).saturating_add(len);
    if (bytes.len() as u64) < needed {
        return Err(FormatError::Truncated { file, needed, available: bytes.len() as u64 });
    }
    if (bytes.len() as u64) > needed {
        return Err(FormatError::Corrupt {
            file,
            what: format!("{} bytes after the checksum", bytes.len() as u64 - needed),
        });
    }
    let end = HEADER_LEN + len as usize;
    let stored = u64::from_le_bytes(bytes[end..end + 8].try_into().expect("slice of length 8"));
    if xxhash_rust::xxh3::xxh3_64(&bytes[..end]) != stored {
        return Err(FormatError::Checksum { file });
    }
    Ok(&bytes[HEADER_LEN..end])
}

/// Appends an unsigned LEB128 varint.
#[inline]
pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends a length-prefixed UTF-8 string.
pub fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// A bounds-checked decoder over a payload; every error names the file and what was being read.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    file: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`, naming `file` in errors.
    pub fn new(file: &'a str, bytes: &'a [u8]) -> Self {
        Reader { file, bytes, pos: 0 }
    }

    /// A reader starting at `pos`.
    pub fn at(file: &'a str, bytes: &'a [u8], pos: usize) -> Self {
        Reader { file, bytes, pos }
    }

    /// The error for content that does not decode.
    pub fn corrupt(&self, what: impl Into<String>) -> FormatError {
        FormatError::Corrupt { file: self.file.to_string(), what: what.into() }
    }

    /// Current offset.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    /// Whether everything was read.
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// Reads a varint.
    #[inline]
    pub fn varint(&mut self) -> Result<u64, FormatError> {
        let mut v: u64 = 0;
        let mut shift = 0u32;
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(self.corrupt("varint runs past the end"));
            };
            self.pos += 1;
            if shift == 63 && b > 1 {
                return Err(self.corrupt("varint overflows 64 bits"));
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                return Err(self.corrupt("varint longer than 10 bytes"));
            }
        }
    }

    /// Reads a varint that must fit in `u32`.
    #[inline]
    pub fn varint_u32(&mut self) -> Result<u32, FormatError> {
        let v = self.varint()?;
        u32::try_from(v).map_err(|_| self.corrupt("value exceeds 32 bits"))
    }

    /// Reads a count that must be at most `max` (guards allocations sized from the file).
    pub fn count(&mut self, max: usize, what: &str) -> Result<usize, FormatError> {
        let v = self.varint()?;
        if v > max as u64 {
            return Err(self.corrupt(format!("{what} count {v} exceeds {max}")));
        }
        Ok(v as usize)
    }

    /// Reads one byte.
    #[inline]
    pub fn byte(&mut self) -> Result<u8, FormatError> {
        let b = *self.bytes.get(self.pos).ok_or_else(|| self.corrupt("unexpected end"))?;
        self.pos += 1;
        Ok(b)
    }

    /// Reads a little-endian `u32`.
    pub fn u32_le(&mut self) -> Result<u32, FormatError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes(s.try_into().expect("take returned 4 bytes")))
    }

    /// Takes `n` raw bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else {
            return Err(self.corrupt(format!("needs {n} bytes, {} left", self.remaining())));
        };
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    /// Reads a length-prefixed UTF-8 string.
    pub fn str(&mut self) -> Result<&'a str, FormatError> {
        let len = self.varint()?;
        let len = usize::try_from(len).map_err(|_| self.corrupt("string length"))?;
        let bytes = self.take(len)?;
        std::str::from_utf8(bytes).map_err(|_| self.corrupt("string is not UTF-8"))
    }
}

/// Field-length quantisation: one byte per field per paper. Lengths below 64 are exact;
/// above, each step is about 4 % larger, up to about 100,000 words. Built with integers so the
/// native and wasm builds decode identically.
pub struct LengthTable {
    values: [u32; 256],
}

impl LengthTable {
    /// Builds the table.
    pub const fn new() -> Self {
        let mut values = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            values[i] = if i < 64 {
                i as u32
            } else {
                let prev = values[i - 1];
                let step = prev * 4 / 100;
                prev + if step == 0 { 1 } else { step }
            };
            i += 1;
        }
        LengthTable { values }
    }

    /// The byte for a length: the largest code whose value does not exceed it.
    pub fn encode(&self, len: u32) -> u8 {
        match self.values.binary_search(&len) {
            Ok(i) => i as u8,
            Err(i) => (i - 1) as u8,
        }
    }

    /// The length a byte stands for.
    pub fn decode(&self, code: u8) -> u32 {
        self.values[code as usize]
    }
}

impl Default for LengthTable {
    fn default() -> Self {
        Self::new()
    }
}

/// The shared length table.
pub static LENGTHS: LengthTable = LengthTable::new();

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn frame_round_trip_and_every_failure_is_typed() {
        let framed = frame(FileKind::Postings, b"payload");
        assert_eq!(unframe("p", FileKind::Postings, &framed).unwrap(), b"payload");

        assert!(matches!(unframe("p", FileKind::Terms, &framed), Err(FormatError::WrongKind { .. })));
        let mut bad = framed.clone();
        bad[HEADER_LEN + 2] ^= 1;
        assert_eq!(unframe("p", FileKind::Postings, &bad), Err(FormatError::Checksum { file: "p".into() }));
        assert!(matches!(
            unframe("p", FileKind::Postings, &framed[..framed.len() - 3]),
            Err(FormatError::Truncated { .. })
        ));
        let mut old = framed.clone();
        old[4..8].copy_from_slice(&0u32.to_le_bytes());
        assert!(matches!(
            unframe("p", FileKind::Postings, &old),
            Err(FormatError::Version { expected: FORMAT_VERSION, found: 0, .. })
        ));
        assert!(matches!(unframe("p", FileKind::Postings, b"<!doctype html>"), Err(FormatError::BadMagic { .. })));
        assert!(matches!(unframe("p", FileKind::Postings, b""), Err(FormatError::Truncated { .. })));
    }

    #[test]
    fn length_table_is_monotonic_and_exact_for_short_fields() {
        for l in 0..64 {
            assert_eq!(LENGTHS.decode(LENGTHS.encode(l)), l);
        }
        for code in 1..=255u8 {
            assert!(LENGTHS.decode(code) > LENGTHS.decode(code - 1));
        }
        assert!(LENGTHS.decode(255) > 50_000);
        let l = 1000;
        let back = LENGTHS.decode(LENGTHS.encode(l));
        assert!(back <= l && back * 100 >= l * 96, "{back}");
    }

    proptest! {
        #[test]
        fn varints_round_trip(values in proptest::collection::vec(any::<u64>(), 0..50)) {
            let mut buf = Vec::new();
            for &v in &values { put_varint(&mut buf, v); }
            let mut r = Reader::new("t", &buf);
            for &v in &values { prop_assert_eq!(r.varint().unwrap(), v); }
            prop_assert!(r.is_empty());
        }

        #[test]
        fn unframe_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = unframe("x", FileKind::Docs, &bytes);
            let mut r = Reader::new("x", &bytes);
            while r.varint().is_ok() {}
            let mut r = Reader::new("x", &bytes);
            while r.str().is_ok() {}
        }
    }
}
