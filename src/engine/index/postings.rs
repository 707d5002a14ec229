//! Postings and positions: both codecs (writer and reader) for `postings.*.bin` and
//! `positions.*.bin`.
//!
//! Payload of a postings file:
//!
//! ```text
//! varint  n_terms
//! varint  n_blocks = ceil(n_terms / BLOCK)
//! u32 LE  × n_blocks   byte offset of each block's first list, relative to the lists area
//! lists area, one list per term ordinal, in ordinal order:
//!     varint  list byte length (so a reader can skip to the next list)
//!     varint  document frequency df
//!     u8      Rice parameter k
//!     bits    df document-id gaps (first gap = first id + 1), Rice-coded with parameter k:
//!             quotient in unary (q zero bits, then a one), then k low bits, most significant
//!             bit first; padded with zero bits to a byte
//!     × df    term frequency code, one byte: 1–127 = (abstract_tf << 2 | title_tf) with
//!             authors_tf 0; 128–254 = authors_tf (code − 127) only; 0 = escape, followed
//!             by three varints (title_tf, abstract_tf, authors_tf)
//! ```
//!
//! Document gaps of a term are close to geometric, for which Rice coding is within a few
//! percent of the entropy (varints waste a bit per byte and compress poorly); it shrank the
//! 75k-paper postings by a third after brotli. Frequencies stay byte-aligned and separate
//! from the gaps, because they are skewed (two thirds are "once in the abstract") and brotli
//! compresses such bytes far better than any fixed code would.
//! Finding list `t` reads one block offset and skips at most `BLOCK - 1` lists by their length
//! prefix, which costs far less than a full offset table in bytes.
//!
//! A positions file has the same header and block layout; each list holds, for each posting of
//! the term in order, `title_tf + abstract_tf` position deltas (restarting per document).
//! Abstract positions follow the title's after a gap, so phrases never span the two fields.
//! After the terms' lists a positions file may hold frequent word pairs' lists (see
//! [`super::pairs`]).

use super::format::{put_varint, FileKind, Reader};
use super::manifest::FileEntry;
use super::parts::{check_starts, Parts};
use crate::engine::error::FormatError;

/// Lists per block of the skip table.
pub const BLOCK: usize = 32;

/// The indexed fields, in the order frequencies are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// The title.
    Title = 0,
    /// The abstract.
    Abstract = 1,
    /// Author names.
    Authors = 2,
}

impl Field {
    /// All fields, in storage order.
    pub const ALL: [Field; 3] = [Field::Title, Field::Abstract, Field::Authors];
}

/// One document of a term's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    /// Document number.
    pub doc: u32,
    /// Term frequency per [`Field`].
    pub tf: [u16; 3],
}

impl Posting {
    /// Occurrences with positions (title and abstract).
    pub fn positioned(&self) -> usize {
        self.tf[0] as usize + self.tf[1] as usize
    }
}

/// Builds a postings or positions payload list by list.
#[derive(Debug, Default)]
pub struct ListWriter {
    lists: Vec<u8>,
    block_offsets: Vec<u32>,
    n_terms: u32,
    scratch: Vec<u8>,
}

impl ListWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    fn start_list(&mut self) {
        if self.n_terms as usize % BLOCK == 0 {
            let offset = u32::try_from(self.lists.len()).expect("postings area exceeds 4 GiB");
            self.block_offsets.push(offset);
        }
        self.n_terms += 1;
        self.scratch.clear();
    }

    fn end_list(&mut self) {
        put_varint(&mut self.lists, self.scratch.len() as u64);
        self.lists.extend_from_slice(&self.scratch);
    }

    /// Appends the postings list of the next term ordinal (documents in increasing order).
    pub fn add_postings(&mut self, postings: &[Posting]) {
        self.start_list();
        put_varint(&mut self.scratch, postings.len() as u64);
        if !postings.is_empty() {
            let last = u64::from(postings[postings.len() - 1].doc) + 1;
            let k = rice_parameter(last, postings.len() as u64);
            self.scratch.push(k);
            let mut bits = BitWriter::new(&mut self.scratch);
            let mut prev: i64 = -1;
            for p in postings {
                debug_assert!(i64::from(p.doc) > prev, "documents must increase");
                bits.rice((i64::from(p.doc) - prev) as u64, k);
                prev = i64::from(p.doc);
            }
            bits.finish();
        }
        for p in postings {
            let [t, a, u] = p.tf;
            if u == 0 && t <= 3 && a <= 31 && (t | a) != 0 {
                self.scratch.push(((a as u8) << 2) | t as u8);
            } else if t == 0 && a == 0 && (1..=127).contains(&u) {
                self.scratch.push(127 + u as u8);
            } else {
                self.scratch.push(0);
                for v in p.tf {
                    put_varint(&mut self.scratch, u64::from(v));
                }
            }
        }
        self.end_list();
    }

    /// Appends the positions list of the next term ordinal: one sorted run per posting.
    pub fn add_positions<'a>(&mut self, runs: impl IntoIterator<Item = &'a [u32]>) {
        self.start_list();
        for run in runs {
            let mut prev = 0u32;
            for &p in run {
                put_varint(&mut self.scratch, u64::from(p - prev));
                prev = p;
            }
        }
        self.end_list();
    }

    /// Appends `bytes` as the next list, as they are (a table kept among the lists, such as
    /// [`super::pairs`]' pair table).
    pub fn add_raw(&mut self, bytes: &[u8]) {
        self.start_list();
        self.scratch.extend_from_slice(bytes);
        self.end_list();
    }

    /// The payload.
    pub fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.lists.len() + self.block_offsets.len() * 4 + 16);
        put_varint(&mut out, u64::from(self.n_terms));
        put_varint(&mut out, self.block_offsets.len() as u64);
        for o in &self.block_offsets {
            out.extend_from_slice(&o.to_le_bytes());
        }
        out.extend_from_slice(&self.lists);
        out
    }
}

/// Read access to postings or positions: one file, or (large corpora) chunks of consecutive
/// term ordinals fetched on demand. Reading a list whose chunk is not attached fails with
/// [`FormatError::NotLoaded`] and records the chunk, so a caller can run a search, fetch what
/// it asked for ([`ListFile::take_missing`]) and run it again.
#[derive(Debug)]
pub struct ListFile {
    n_terms: u32,
    /// First ordinal of each part.
    firsts: Vec<u32>,
    parts: Parts<ListPart>,
}

impl ListFile {
    /// Opens a whole framed file of `kind` (postings or positions).
    pub fn open(name: &str, kind: FileKind, bytes: Vec<u8>) -> Result<Self, FormatError> {
        let part = ListPart::open(name, kind, bytes)?;
        Ok(ListFile { n_terms: part.n_terms, firsts: vec![0], parts: Parts::whole(part) })
    }

    /// A list file in chunks, none attached yet: chunk `i` (manifest entry `entries[i]`) holds
    /// the lists of ordinals `starts[i]..starts[i + 1]` (the last up to `n_terms`).
    pub fn chunked(n_terms: u32, starts: &[u32], entries: Vec<FileEntry>) -> Result<Self, FormatError> {
        check_starts("list chunks", n_terms, starts, entries.len())?;
        Ok(ListFile { n_terms, firsts: starts.to_vec(), parts: Parts::listed(entries) })
    }

    /// Attaches chunk `entry` (one this file lists) of `kind`.
    pub fn attach(&mut self, entry: &FileEntry, kind: FileKind, bytes: Vec<u8>) -> Result<(), FormatError> {
        let Some(i) = self.parts.position(entry) else {
            return Err(FormatError::Manifest(format!("`{}` is not a chunk of this list file", entry.name)));
        };
        let part = ListPart::open(&entry.name, kind, bytes)?;
        let expected = self.firsts.get(i + 1).map_or(self.n_terms, |&e| e) - self.firsts[i];
        if part.n_terms != expected {
            return Err(FormatError::Corrupt {
                file: entry.name.clone(),
                what: format!("{} lists, expected {expected} (a chunk of another index?)", part.n_terms),
            });
        }
        self.parts.set(i, part);
        Ok(())
    }

    /// Whether the lists come in chunks.
    pub fn is_chunked(&self) -> bool {
        self.parts.is_listed()
    }

    /// The chunks not attached yet.
    pub fn missing_all(&self) -> Vec<FileEntry> {
        self.parts.missing_all()
    }

    /// Whether reads asked for chunks not attached since the last [`Self::take_missing`].
    pub fn has_missing(&self) -> bool {
        self.parts.has_missing()
    }

    /// The chunks reads asked for but found missing since the last call, in order.
    pub fn take_missing(&self) -> Vec<FileEntry> {
        self.parts.take_missing()
    }

    /// Whether list `ordinal` can be read now.
    pub fn is_loaded(&self, ordinal: u32) -> bool {
        self.part_of(ordinal).is_some_and(|i| self.parts.peek(i).is_some())
    }

    fn part_of(&self, ordinal: u32) -> Option<usize> {
        (ordinal < self.n_terms).then(|| self.firsts.partition_point(|&f| f <= ordinal).saturating_sub(1))
    }

    /// A part's file name, for errors that are about the lists as a whole.
    fn any_name(&self) -> &str {
        self.parts.attached().next().map_or("lists", |p| p.name.as_str())
    }

    /// The part holding `ordinal` and the ordinal within it.
    fn locate(&self, ordinal: u32) -> Result<(&ListPart, u32), FormatError> {
        let Some(i) = self.part_of(ordinal) else {
            return Err(FormatError::Corrupt {
                file: self.any_name().to_string(),
                what: format!("term ordinal {ordinal} out of range ({} terms)", self.n_terms),
            });
        };
        match self.parts.get(i) {
            Some(part) => Ok((part, ordinal - self.firsts[i])),
            None => {
                Err(FormatError::NotLoaded { file: self.parts.entry(i).map_or_else(String::new, |e| e.name.clone()) })
            }
        }
    }

    /// Number of term lists.
    pub fn n_terms(&self) -> u32 {
        self.n_terms
    }

    /// The raw bytes of list `ordinal`.
    pub fn list_bytes(&self, ordinal: u32) -> Result<&[u8], FormatError> {
        let (part, local) = self.locate(ordinal)?;
        part.list_bytes(local)
    }

    /// Decodes the document ids of `ordinal` into `docs` (cleared first; `max_doc` bounds
    /// them) and returns the list's frequency codes undecoded: one byte per posting unless some
    /// posting needs the escape form, so `codes.len() == docs.len()` tells a caller it may read
    /// them as bytes with [`decode_tf`] (the search's hot loop does), and otherwise
    /// [`ListFile::frequencies`] decodes them.
    pub fn doc_ids_into<'a>(
        &'a self,
        ordinal: u32,
        max_doc: u32,
        docs: &mut Vec<u32>,
    ) -> Result<&'a [u8], FormatError> {
        docs.clear();
        let (part, local) = self.locate(ordinal)?;
        part.doc_ids_into(local, max_doc, docs)
    }

    /// Decodes the postings of `ordinal` into `out` (cleared first); `max_doc` bounds doc ids.
    pub fn postings_into(&self, ordinal: u32, max_doc: u32, out: &mut Vec<Posting>) -> Result<(), FormatError> {
        out.clear();
        let (part, local) = self.locate(ordinal)?;
        part.postings_into(local, max_doc, out)
    }

    /// Decodes the frequency codes [`ListFile::doc_ids_into`] returned, for `n` postings:
    /// (title, abstract, authors) per posting, escaped codes included.
    pub fn frequencies(&self, codes: &[u8], n: usize) -> Result<Vec<[u16; 3]>, FormatError> {
        frequencies(self.any_name(), codes, n)
    }

    /// The postings of `ordinal`.
    pub fn postings(&self, ordinal: u32, max_doc: u32) -> Result<Vec<Posting>, FormatError> {
        let mut out = Vec::new();
        self.postings_into(ordinal, max_doc, &mut out)?;
        Ok(out)
    }

    /// Document frequency of `ordinal` without decoding the list.
    pub fn doc_freq(&self, ordinal: u32) -> Result<u32, FormatError> {
        let (part, local) = self.locate(ordinal)?;
        part.doc_freq(local)
    }

    /// Decodes the positions of posting `i` of `ordinal`, given the term's whole postings list
    /// (earlier runs are skipped by their known lengths).
    pub fn positions_at(&self, ordinal: u32, postings: &[Posting], i: usize) -> Result<Vec<u32>, FormatError> {
        let (part, local) = self.locate(ordinal)?;
        part.positions_at(local, postings, i)
    }

    /// A forward-only reader of the positions of `ordinal`, run by run (see
    /// [`PositionCursor::run`]).
    pub fn position_cursor(&self, ordinal: u32) -> Result<PositionCursor<'_>, FormatError> {
        let (part, local) = self.locate(ordinal)?;
        Ok(PositionCursor { name: &part.name, bytes: part.list_bytes(local)?, at: 0 })
    }

    /// Decodes the positions of `ordinal` given its postings: one run per posting.
    pub fn positions(&self, ordinal: u32, postings: &[Posting]) -> Result<Vec<Vec<u32>>, FormatError> {
        let (part, local) = self.locate(ordinal)?;
        part.positions(local, postings)
    }
}

/// One postings or positions file (the whole list file, or a chunk of its ordinals), opened.
#[derive(Debug)]
struct ListPart {
    name: String,
    bytes: Vec<u8>,
    n_terms: u32,
    block_offsets: Vec<u32>,
    lists_start: usize,
    /// Per list, its byte range in the lists area and its document frequency, built on first
    /// use: a prefix or typo expansion asks the frequency of thousands of terms, and walking
    /// a block for each costs microseconds apiece.
    table: std::cell::OnceCell<Vec<ListEntry>>,
}

/// Where a list lives and how many documents it has.
#[derive(Debug, Clone, Copy)]
struct ListEntry {
    start: u32,
    len: u32,
    df: u32,
}

impl ListPart {
    /// Opens a framed file of `kind` (postings or positions).
    fn open(name: &str, kind: FileKind, bytes: Vec<u8>) -> Result<Self, FormatError> {
        let payload = super::format::unframe(name, kind, &bytes)?;
        let mut r = Reader::new(name, payload);
        let n_terms = r.varint_u32()?;
        let n_blocks = r.count(payload.len() / 4 + 1, "block")?;
        if n_blocks != (n_terms as usize).div_ceil(BLOCK) {
            return Err(r.corrupt(format!("{n_blocks} blocks for {n_terms} terms")));
        }
        let mut block_offsets = Vec::with_capacity(n_blocks);
        for _ in 0..n_blocks {
            block_offsets.push(r.u32_le()?);
        }
        let lists_start = super::format::HEADER_LEN + r.position();
        let lists_len = payload.len() - r.position();
        if block_offsets.iter().any(|&o| o as usize > lists_len) || !block_offsets.windows(2).all(|w| w[0] <= w[1]) {
            return Err(r.corrupt("block offsets out of range"));
        }
        Ok(ListPart { name: name.to_string(), lists_start, n_terms, block_offsets, bytes, table: Default::default() })
    }

    fn payload_end(&self) -> usize {
        self.bytes.len() - super::format::TRAILER_LEN
    }

    /// One pass over every list: byte ranges and document frequencies. A list that does not
    /// parse gets an empty range, so reading it later reports the corruption.
    fn table(&self) -> &[ListEntry] {
        self.table.get_or_init(|| {
            let lists = &self.bytes[self.lists_start..self.payload_end()];
            let mut out = Vec::with_capacity(self.n_terms as usize);
            let mut r = Reader::new(&self.name, lists);
            for _ in 0..self.n_terms {
                let entry = (|| {
                    let len = usize::try_from(r.varint()?).map_err(|_| r.corrupt("list length"))?;
                    let start = r.position();
                    let body = r.take(len)?;
                    let df = Reader::new(&self.name, body).varint_u32().unwrap_or(0);
                    Ok::<_, FormatError>(ListEntry { start: start as u32, len: len as u32, df })
                })();
                match entry {
                    Ok(e) => out.push(e),
                    Err(_) => break,
                }
            }
            out
        })
    }

    /// The raw bytes of list `ordinal`.
    fn list_bytes(&self, ordinal: u32) -> Result<&[u8], FormatError> {
        if ordinal >= self.n_terms {
            return Err(FormatError::Corrupt {
                file: self.name.clone(),
                what: format!("term ordinal {ordinal} out of range ({} terms)", self.n_terms),
            });
        }
        let lists = &self.bytes[self.lists_start..self.payload_end()];
        if let Some(e) = self.table.get().and_then(|t| t.get(ordinal as usize)) {
            return Ok(&lists[e.start as usize..(e.start + e.len) as usize]);
        }
        let block = ordinal as usize / BLOCK;
        let mut r = Reader::at(&self.name, lists, self.block_offsets[block] as usize);
        for _ in 0..(ordinal as usize % BLOCK) {
            let len = r.varint()?;
            r.take(usize::try_from(len).map_err(|_| r.corrupt("list length"))?)?;
        }
        let len = r.varint()?;
        r.take(usize::try_from(len).map_err(|_| r.corrupt("list length"))?)
    }

    /// Decodes the document ids of `ordinal` into `docs` (cleared first; `max_doc` bounds
    /// them) and returns the list's frequency codes undecoded: one byte per posting unless some
    /// posting needs the escape form, so `codes.len() == docs.len()` tells a caller it may read
    /// them as bytes with [`decode_tf`] (the search's hot loop does), and otherwise
    /// `postings_into` decodes them.
    fn doc_ids_into<'a>(&'a self, ordinal: u32, max_doc: u32, docs: &mut Vec<u32>) -> Result<&'a [u8], FormatError> {
        docs.clear();
        let bytes = self.list_bytes(ordinal)?;
        let mut r = Reader::new(&self.name, bytes);
        // Every posting needs at least one bit and one frequency byte.
        let df = r.count(bytes.len(), "document")?;
        if df == 0 {
            return Ok(&[]);
        }
        let k = r.byte()?;
        if k > 31 {
            return Err(r.corrupt(format!("Rice parameter {k}")));
        }
        // Filled in place, not pushed: a push per posting is a call in the size-optimised
        // wasm build.
        docs.resize(df, 0);
        let mut bits = BitReader::new(&bytes[r.position()..]);
        let mut doc: i64 = -1;
        for slot in docs.iter_mut() {
            let gap = bits.rice(k).ok_or_else(|| r.corrupt("document gaps run past the list"))?;
            if gap > u64::from(max_doc) {
                return Err(r.corrupt(format!("document gap {gap} out of range")));
            }
            doc += gap as i64;
            if doc >= i64::from(max_doc) {
                return Err(r.corrupt(format!("document {doc} out of range")));
            }
            *slot = doc as u32;
        }
        r.take(bits.bytes_used())?;
        let codes = &bytes[r.position()..];
        if codes.len() < df {
            return Err(r.corrupt("frequencies run past the list"));
        }
        Ok(codes)
    }

    /// Decodes the postings of `ordinal` into `out` (cleared first); `max_doc` bounds doc ids.
    fn postings_into(&self, ordinal: u32, max_doc: u32, out: &mut Vec<Posting>) -> Result<(), FormatError> {
        out.clear();
        let mut docs = Vec::new();
        let codes = self.doc_ids_into(ordinal, max_doc, &mut docs)?;
        let tfs = frequencies(&self.name, codes, docs.len())?;
        out.extend(docs.iter().zip(tfs).map(|(&doc, tf)| Posting { doc, tf }));
        Ok(())
    }

    /// Document frequency of `ordinal` without decoding the list.
    fn doc_freq(&self, ordinal: u32) -> Result<u32, FormatError> {
        if let Some(e) = self.table().get(ordinal as usize) {
            return Ok(e.df);
        }
        let bytes = self.list_bytes(ordinal)?;
        Reader::new(&self.name, bytes).varint_u32()
    }

    /// Decodes the positions of posting `i` of `ordinal`, given the term's whole postings list
    /// (earlier runs are skipped by their known lengths).
    fn positions_at(&self, ordinal: u32, postings: &[Posting], i: usize) -> Result<Vec<u32>, FormatError> {
        let bytes = self.list_bytes(ordinal)?;
        let mut r = Reader::new(&self.name, bytes);
        let Some(target) = postings.get(i) else {
            return Err(r.corrupt(format!("posting {i} out of range")));
        };
        for p in &postings[..i] {
            for _ in 0..p.positioned() {
                r.varint()?;
            }
        }
        let mut run = Vec::with_capacity(target.positioned());
        let mut pos = 0u32;
        for _ in 0..target.positioned() {
            pos = pos.checked_add(r.varint_u32()?).ok_or_else(|| r.corrupt("position overflow"))?;
            run.push(pos);
        }
        Ok(run)
    }

    /// Decodes the positions of `ordinal` given its postings: one run per posting.
    fn positions(&self, ordinal: u32, postings: &[Posting]) -> Result<Vec<Vec<u32>>, FormatError> {
        let bytes = self.list_bytes(ordinal)?;
        let mut r = Reader::new(&self.name, bytes);
        let mut out = Vec::with_capacity(postings.len());
        for p in postings {
            let n = p.positioned();
            if n > r.remaining() {
                return Err(r.corrupt("more positions than bytes"));
            }
            let mut run = Vec::with_capacity(n);
            let mut pos = 0u32;
            for _ in 0..n {
                pos = pos.checked_add(r.varint_u32()?).ok_or_else(|| r.corrupt("position overflow"))?;
                run.push(pos);
            }
            out.push(run);
        }
        Ok(out)
    }
}

/// Decodes the frequency codes [`ListFile::doc_ids_into`] returned, for `n` postings:
/// (title, abstract, authors) per posting, escaped codes included.
fn frequencies(name: &str, codes: &[u8], n: usize) -> Result<Vec<[u16; 3]>, FormatError> {
    let mut out = vec![[0u16; 3]; n];
    let mut r = Reader::new(name, codes);
    for slot in out.iter_mut() {
        let code = r.byte()?;
        *slot = match decode_tf(code) {
            Some(tf) => tf,
            None if code == 0 => {
                let mut tf = [0u16; 3];
                for v in &mut tf {
                    *v = u16::try_from(r.varint()?).map_err(|_| r.corrupt("term frequency"))?;
                }
                tf
            }
            None => return Err(r.corrupt(format!("frequency code {code}"))),
        };
    }
    Ok(out)
}

/// Reads a term's positions run by run, forward only: a phrase search checks positions only
/// where all its words meet, a small part of each word's list, so runs in between are skipped
/// by counting varint end bytes (eight at a time), not decoded.
#[derive(Debug)]
pub struct PositionCursor<'a> {
    name: &'a str,
    bytes: &'a [u8],
    /// Byte offset of the next unread position.
    at: usize,
}

impl PositionCursor<'_> {
    fn corrupt(&self, what: &str) -> FormatError {
        FormatError::Corrupt { file: self.name.to_string(), what: what.to_string() }
    }

    /// Skips the next `skip` positions (the runs of postings the caller passes over), then
    /// decodes the next `count` (one posting's run) into `out` (cleared first).
    pub fn run(&mut self, mut skip: usize, count: usize, out: &mut Vec<u32>) -> Result<(), FormatError> {
        out.clear();
        // Skipping counts varint end bytes (high bit clear) eight bytes at a time; in the word
        // holding the last end to skip, the lowest set bits of the end mask are dropped until
        // that end is the lowest, and the cursor moves just past it.
        while skip > 0 {
            let Some(chunk) = self.bytes.get(self.at..self.at + 8) else { break };
            let mut ends = !u64::from_le_bytes(chunk.try_into().expect("an 8-byte slice")) & 0x8080_8080_8080_8080;
            let n = ends.count_ones() as usize;
            if n < skip {
                skip -= n;
                self.at += 8;
                continue;
            }
            for _ in 1..skip {
                ends &= ends - 1;
            }
            self.at += (ends.trailing_zeros() / 8 + 1) as usize;
            skip = 0;
        }
        while skip > 0 {
            let Some(&b) = self.bytes.get(self.at) else { return Err(self.corrupt("positions run past the list")) };
            self.at += 1;
            skip -= usize::from(b < 0x80);
        }
        // Most position gaps fit one byte: when the whole run does, it is a prefix sum of bytes.
        if count <= 8 {
            if let Some(chunk) = self.bytes.get(self.at..self.at + 8) {
                let word = u64::from_le_bytes(chunk.try_into().expect("an 8-byte slice"));
                let mask = if count == 8 { u64::MAX } else { (1u64 << (8 * count)) - 1 };
                if word & mask & 0x8080_8080_8080_8080 == 0 {
                    let mut pos = 0u32;
                    out.extend(chunk[..count].iter().map(|&b| {
                        pos += u32::from(b);
                        pos
                    }));
                    self.at += count;
                    return Ok(());
                }
            }
        }
        let mut pos = 0u32;
        out.resize(count.min(self.bytes.len().saturating_sub(self.at)), 0);
        for slot in out.iter_mut() {
            let mut v = 0u32;
            let mut shift = 0u32;
            loop {
                let Some(&b) = self.bytes.get(self.at) else { return Err(self.corrupt("positions run past the list")) };
                self.at += 1;
                if shift > 28 {
                    return Err(self.corrupt("position varint too long"));
                }
                v |= u32::from(b & 0x7f) << shift;
                if b & 0x80 == 0 {
                    break;
                }
                shift += 7;
            }
            pos = pos.checked_add(v).ok_or_else(|| self.corrupt("position overflow"))?;
            *slot = pos;
        }
        if out.len() < count {
            return Err(self.corrupt("positions run past the list"));
        }
        Ok(())
    }
}

/// The term frequencies (title, abstract, authors) of a one-byte frequency code; `None` for the
/// escape code 0 (three varints follow it) and the invalid code 255.
#[inline]
pub fn decode_tf(code: u8) -> Option<[u16; 3]> {
    match code {
        1..=127 => Some([u16::from(code & 3), u16::from(code >> 2), 0]),
        128..=254 => Some([0, 0, u16::from(code - 127)]),
        _ => None,
    }
}

/// The Rice parameter for `count` increasing values below `universe`: about log2 of 0.69 times
/// the mean gap (the optimum for geometric gaps).
fn rice_parameter(universe: u64, count: u64) -> u8 {
    let mean = universe as f64 / count.max(1) as f64;
    let k = (mean * std::f64::consts::LN_2).log2().floor();
    if k.is_nan() || k < 0.0 {
        0
    } else {
        (k as u8).min(31)
    }
}

/// Writes bits most-significant first into a byte vector.
struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    n: u32,
}

impl<'a> BitWriter<'a> {
    fn new(out: &'a mut Vec<u8>) -> Self {
        BitWriter { out, acc: 0, n: 0 }
    }

    fn push(&mut self, value: u64, width: u32) {
        debug_assert!(width <= 32);
        self.acc = (self.acc << width) | (value & ((1u64 << width) - 1));
        self.n += width;
        while self.n >= 8 {
            self.n -= 8;
            self.out.push((self.acc >> self.n) as u8);
        }
    }

    /// `v ≥ 1` as a Rice code: (v − 1) >> k zero bits, a one bit, then the k low bits.
    fn rice(&mut self, v: u64, k: u8) {
        let x = v - 1;
        let mut q = x >> k;
        while q >= 32 {
            self.push(0, 32);
            q -= 32;
        }
        self.push(1, q as u32 + 1);
        if k > 0 {
            self.push(x & ((1u64 << k) - 1), u32::from(k));
        }
    }

    fn finish(mut self) {
        if self.n > 0 {
            let pad = 8 - self.n;
            self.push(0, pad);
        }
    }
}

/// Reads bits most-significant first; every read is bounds-checked.
struct BitReader<'a> {
    bytes: &'a [u8],
    pos: usize,
    acc: u64,
    n: u32,
}

impl<'a> BitReader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        BitReader { bytes, pos: 0, acc: 0, n: 0 }
    }

    #[inline(always)]
    fn refill(&mut self) {
        // Fast path: a whole 8-byte load (big-endian, most significant bit first), keeping the
        // bytes that fit; the byte loop below only runs near the end of the list.
        if self.n <= 56 {
            if let Some(chunk) = self.bytes.get(self.pos..self.pos + 8) {
                let word = u64::from_be_bytes(chunk.try_into().expect("an 8-byte slice"));
                let take = (64 - self.n) / 8;
                let filled = self.n + take * 8;
                // Keep the top `filled` bits: the bits of a partly taken byte must stay zero.
                let keep = !u64::MAX.checked_shr(filled).unwrap_or(0);
                self.acc |= (word >> self.n) & keep;
                self.pos += take as usize;
                self.n = filled;
                return;
            }
        }
        while self.n <= 56 && self.pos < self.bytes.len() {
            self.acc |= u64::from(self.bytes[self.pos]) << (56 - self.n);
            self.pos += 1;
            self.n += 8;
        }
    }

    #[inline(always)]
    fn bits(&mut self, width: u32) -> Option<u64> {
        if width == 0 {
            return Some(0);
        }
        self.refill();
        if self.n < width {
            return None;
        }
        let v = self.acc >> (64 - width);
        self.acc <<= width;
        self.n -= width;
        Some(v)
    }

    /// Reads a Rice-coded value (≥ 1); `None` past the end or on an absurd quotient.
    #[inline(always)]
    fn rice(&mut self, k: u8) -> Option<u64> {
        let mut q = 0u64;
        loop {
            self.refill();
            if self.n == 0 {
                return None;
            }
            let zeros = self.acc.leading_zeros().min(self.n);
            if zeros < self.n {
                q += u64::from(zeros);
                self.acc = self.acc.checked_shl(zeros + 1).unwrap_or(0);
                self.n -= zeros + 1;
                break;
            }
            q += u64::from(self.n);
            self.acc = 0;
            self.n = 0;
            if q > u64::from(u32::MAX) {
                return None;
            }
        }
        let low = self.bits(u32::from(k))?;
        Some(((q << k) | low) + 1)
    }

    /// Bytes consumed, counting a partly read byte as consumed.
    fn bytes_used(&self) -> usize {
        self.pos - (self.n / 8) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::super::format::frame;
    use super::*;
    use proptest::prelude::*;

    fn lists_strategy() -> impl Strategy<Value = Vec<Vec<(u32, [u16; 3])>>> {
        proptest::collection::vec(
            proptest::collection::btree_map(0u32..5000, (0u16..40, 0u16..40, 0u16..3), 1..30).prop_map(|m| {
                m.into_iter().map(|(d, (t, a, u))| (d, [t, a.max(u16::from(t == 0 && u == 0)), u])).collect()
            }),
            1..80,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn rice_codes_round_trip(k in 0u8..24, raw in proptest::collection::vec(any::<u64>(), 0..200)) {
            // Values within 64 quotients of the parameter, as real gaps are.
            let values: Vec<u64> = raw.iter().map(|v| 1 + v % (64u64 << k)).collect();
            let mut buf = Vec::new();
            let mut w = BitWriter::new(&mut buf);
            for &v in &values { w.rice(v, k); }
            w.finish();
            let mut r = BitReader::new(&buf);
            for &v in &values { prop_assert_eq!(r.rice(k), Some(v)); }
            prop_assert_eq!(r.bytes_used(), buf.len());
        }

        #[test]
        fn postings_round_trip(lists in lists_strategy()) {
            let mut w = ListWriter::new();
            let mut pw = ListWriter::new();
            for list in &lists {
                let postings: Vec<Posting> = list.iter().map(|&(doc, tf)| Posting { doc, tf }).collect();
                w.add_postings(&postings);
                let runs: Vec<Vec<u32>> = postings.iter().map(|p| (0..p.positioned() as u32).map(|i| p.doc + i * 3 + 1).collect()).collect();
                pw.add_positions(runs.iter().map(Vec::as_slice));
            }
            let file = ListFile::open("p", FileKind::Postings, frame(FileKind::Postings, &w.finish())).unwrap();
            let pos = ListFile::open("q", FileKind::Positions, frame(FileKind::Positions, &pw.finish())).unwrap();
            prop_assert_eq!(file.n_terms() as usize, lists.len());
            for (ord, list) in lists.iter().enumerate() {
                let got = file.postings(ord as u32, 5000).unwrap();
                let want: Vec<Posting> = list.iter().map(|&(doc, tf)| Posting { doc, tf }).collect();
                prop_assert_eq!(&got, &want);
                prop_assert_eq!(file.doc_freq(ord as u32).unwrap() as usize, list.len());
                let runs = pos.positions(ord as u32, &got).unwrap();
                for (i, (run, p)) in runs.iter().zip(&got).enumerate() {
                    let want: Vec<u32> = (0..p.positioned() as u32).map(|k| p.doc + k * 3 + 1).collect();
                    prop_assert_eq!(run, &want);
                    prop_assert_eq!(&pos.positions_at(ord as u32, &got, i).unwrap(), &want);
                }
                // The forward cursor reads the same runs, visiting every posting or skipping.
                for step in [1, 3, 7] {
                    let mut cursor = pos.position_cursor(ord as u32).unwrap();
                    let (mut next, mut out) = (0, Vec::new());
                    for i in (0..got.len()).step_by(step) {
                        let skip: usize = got[next..i].iter().map(Posting::positioned).sum();
                        cursor.run(skip, got[i].positioned(), &mut out).unwrap();
                        prop_assert_eq!(&out, &runs[i]);
                        next = i + 1;
                    }
                }
            }
            prop_assert!(file.postings(lists.len() as u32, 5000).is_err());
        }

        #[test]
        fn hostile_payloads_never_panic(payload in proptest::collection::vec(any::<u8>(), 0..200), ord in 0u32..100) {
            if let Ok(file) = ListFile::open("p", FileKind::Postings, frame(FileKind::Postings, &payload)) {
                if let Ok(p) = file.postings(ord, 1000) {
                    let _ = file.positions(ord, &p);
                }
                let _ = file.doc_freq(ord);
            }
        }
    }
}
