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
//!     varint  × df  document ids, delta-encoded (first one absolute)
//!     × df    term frequency code: one byte (abstract_tf << 2 | title_tf) when title_tf ≤ 3,
//!             abstract_tf ≤ 31 and authors_tf = 0, else a 0 byte then three varints
//!             (title_tf, abstract_tf, authors_tf)
//! ```
//!
//! Doc ids and frequencies live in separate runs so brotli sees similar bytes together.
//! Finding list `t` reads one block offset and skips at most `BLOCK - 1` lists by their length
//! prefix, which costs far less than a full offset table in bytes.
//!
//! A positions file has the same header and block layout; each list holds, for each posting of
//! the term in order, `title_tf + abstract_tf` position deltas (restarting per document).
//! Abstract positions follow the title's after a gap, so phrases never span the two fields.

use super::format::{put_varint, FileKind, Reader};
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
        let mut prev = 0u32;
        for (i, p) in postings.iter().enumerate() {
            debug_assert!(i == 0 || p.doc > prev, "documents must increase");
            put_varint(
                &mut self.scratch,
                u64::from(p.doc - if i == 0 { 0 } else { prev }),
            );
            prev = p.doc;
        }
        for p in postings {
            let [t, a, u] = p.tf;
            if t <= 3 && a <= 31 && u == 0 && (t | a) != 0 {
                self.scratch.push(((a as u8) << 2) | t as u8);
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

/// Read access to a postings or positions payload.
#[derive(Debug)]
pub struct ListFile {
    name: String,
    bytes: Vec<u8>,
    n_terms: u32,
    block_offsets: Vec<u32>,
    lists_start: usize,
}

impl ListFile {
    /// Opens a framed file of `kind` (postings or positions).
    pub fn open(name: &str, kind: FileKind, bytes: Vec<u8>) -> Result<Self, FormatError> {
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
        if block_offsets.iter().any(|&o| o as usize > lists_len)
            || !block_offsets.windows(2).all(|w| w[0] <= w[1])
        {
            return Err(r.corrupt("block offsets out of range"));
        }
        Ok(ListFile {
            name: name.to_string(),
            lists_start,
            n_terms,
            block_offsets,
            bytes,
        })
    }

    /// Number of term lists.
    pub fn n_terms(&self) -> u32 {
        self.n_terms
    }

    fn payload_end(&self) -> usize {
        self.bytes.len() - super::format::TRAILER_LEN
    }

    /// The raw bytes of list `ordinal`.
    pub fn list_bytes(&self, ordinal: u32) -> Result<&[u8], FormatError> {
        if ordinal >= self.n_terms {
            return Err(FormatError::Corrupt {
                file: self.name.clone(),
                what: format!(
                    "term ordinal {ordinal} out of range ({} terms)",
                    self.n_terms
                ),
            });
        }
        let lists = &self.bytes[self.lists_start..self.payload_end()];
        let block = ordinal as usize / BLOCK;
        let mut r = Reader::at(&self.name, lists, self.block_offsets[block] as usize);
        for _ in 0..(ordinal as usize % BLOCK) {
            let len = r.varint()?;
            r.take(usize::try_from(len).map_err(|_| r.corrupt("list length"))?)?;
        }
        let len = r.varint()?;
        r.take(usize::try_from(len).map_err(|_| r.corrupt("list length"))?)
    }

    /// Decodes the postings of `ordinal` into `out` (cleared first); `max_doc` bounds doc ids.
    pub fn postings_into(
        &self,
        ordinal: u32,
        max_doc: u32,
        out: &mut Vec<Posting>,
    ) -> Result<(), FormatError> {
        out.clear();
        let bytes = self.list_bytes(ordinal)?;
        let mut r = Reader::new(&self.name, bytes);
        let df = r.count(bytes.len(), "document")?;
        out.reserve(df);
        let mut doc = 0u32;
        for i in 0..df {
            let delta = r.varint_u32()?;
            doc = if i == 0 {
                delta
            } else {
                doc.checked_add(delta)
                    .filter(|_| delta > 0)
                    .ok_or_else(|| r.corrupt("document ids do not increase"))?
            };
            if doc >= max_doc {
                return Err(r.corrupt(format!("document {doc} out of range")));
            }
            out.push(Posting { doc, tf: [0; 3] });
        }
        for p in out.iter_mut() {
            let code = r.byte()?;
            if code != 0 {
                p.tf = [u16::from(code & 3), u16::from(code >> 2), 0];
            } else {
                for f in 0..3 {
                    p.tf[f] =
                        u16::try_from(r.varint()?).map_err(|_| r.corrupt("term frequency"))?;
                }
            }
        }
        Ok(())
    }

    /// The postings of `ordinal`.
    pub fn postings(&self, ordinal: u32, max_doc: u32) -> Result<Vec<Posting>, FormatError> {
        let mut out = Vec::new();
        self.postings_into(ordinal, max_doc, &mut out)?;
        Ok(out)
    }

    /// Document frequency of `ordinal` without decoding the list.
    pub fn doc_freq(&self, ordinal: u32) -> Result<u32, FormatError> {
        let bytes = self.list_bytes(ordinal)?;
        Reader::new(&self.name, bytes).varint_u32()
    }

    /// Decodes the positions of posting `i` of `ordinal`, given the term's whole postings list
    /// (earlier runs are skipped by their known lengths).
    pub fn positions_at(
        &self,
        ordinal: u32,
        postings: &[Posting],
        i: usize,
    ) -> Result<Vec<u32>, FormatError> {
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
            pos = pos
                .checked_add(r.varint_u32()?)
                .ok_or_else(|| r.corrupt("position overflow"))?;
            run.push(pos);
        }
        Ok(run)
    }

    /// Decodes the positions of `ordinal` given its postings: one run per posting.
    pub fn positions(
        &self,
        ordinal: u32,
        postings: &[Posting],
    ) -> Result<Vec<Vec<u32>>, FormatError> {
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
                pos = pos
                    .checked_add(r.varint_u32()?)
                    .ok_or_else(|| r.corrupt("position overflow"))?;
                run.push(pos);
            }
            out.push(run);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::format::frame;
    use super::*;
    use proptest::prelude::*;

    fn lists_strategy() -> impl Strategy<Value = Vec<Vec<(u32, [u16; 3])>>> {
        proptest::collection::vec(
            proptest::collection::btree_map(0u32..5000, (0u16..40, 0u16..300, 0u16..3), 1..30)
                .prop_map(|m| {
                    m.into_iter()
                        .map(|(d, (t, a, u))| (d, [t, a.max(u16::from(t == 0 && u == 0)), u]))
                        .collect()
                }),
            1..80,
        )
    }

    proptest! {
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
