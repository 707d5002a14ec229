//! The document store: both codecs for `docs.*.bin`, which holds every paper as the app shows
//! it (title, abstract, links, metadata).
//!
//! Payload:
//!
//! ```text
//! varint  n_docs
//! u32 LE  × (n_docs + 1)   byte offset of each record in the records area (last = its length)
//! records, one per document:
//!     str id, str title, str abstract,
//!     varint n + str × n   authors,
//!     varint n + str × n   categories,
//!     str date, str listed, str url        (empty string = absent)
//!     varint n + (u8 kind, str url) × n    links
//! ```
//!
//! Fixed offsets give O(1) access to any paper, which the result list needs for every hit it
//! shows.

use super::format::{put_str, put_varint, unframe, FileKind, Reader, HEADER_LEN, TRAILER_LEN};
use crate::engine::corpus::{Link, LinkKind, Paper};
use crate::engine::error::FormatError;

/// Encodes the papers as a docs payload.
pub fn encode(papers: &[Paper]) -> Vec<u8> {
    let mut records = Vec::new();
    let mut offsets = Vec::with_capacity(papers.len() + 1);
    for p in papers {
        offsets.push(u32::try_from(records.len()).expect("document store exceeds 4 GiB"));
        put_str(&mut records, &p.id);
        put_str(&mut records, &p.title);
        put_str(&mut records, &p.abstract_text);
        put_varint(&mut records, p.authors.len() as u64);
        for a in &p.authors {
            put_str(&mut records, a);
        }
        put_varint(&mut records, p.categories.len() as u64);
        for c in &p.categories {
            put_str(&mut records, c);
        }
        put_str(&mut records, p.date.as_deref().unwrap_or(""));
        put_str(&mut records, p.listed.as_deref().unwrap_or(""));
        put_str(&mut records, p.url.as_deref().unwrap_or(""));
        put_varint(&mut records, p.links.len() as u64);
        for l in &p.links {
            records.push(l.kind.code());
            put_str(&mut records, &l.url);
        }
    }
    offsets.push(u32::try_from(records.len()).expect("document store exceeds 4 GiB"));
    let mut out = Vec::with_capacity(records.len() + offsets.len() * 4 + 8);
    put_varint(&mut out, papers.len() as u64);
    for o in offsets {
        out.extend_from_slice(&o.to_le_bytes());
    }
    out.extend_from_slice(&records);
    out
}

/// Read access to a document store.
#[derive(Debug)]
pub struct DocStore {
    name: String,
    bytes: Vec<u8>,
    n_docs: u32,
    offsets_start: usize,
    records_start: usize,
}

impl DocStore {
    /// Opens a framed docs file.
    pub fn open(name: &str, bytes: Vec<u8>) -> Result<Self, FormatError> {
        let payload = unframe(name, FileKind::Docs, &bytes)?;
        let mut r = Reader::new(name, payload);
        let n_docs = r.count(payload.len() / 4, "document")?;
        let offsets_start = HEADER_LEN + r.position();
        let table = r.take((n_docs + 1) * 4)?;
        let records_len = r.remaining();
        let last = u32::from_le_bytes(table[n_docs * 4..].try_into().expect("4 bytes"));
        if last as usize != records_len {
            return Err(r.corrupt("record offsets do not match the records area"));
        }
        let records_start = HEADER_LEN + r.position();
        Ok(DocStore { name: name.to_string(), bytes, n_docs: n_docs as u32, offsets_start, records_start })
    }

    /// Number of documents.
    pub fn len(&self) -> u32 {
        self.n_docs
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.n_docs == 0
    }

    fn offset(&self, i: usize) -> usize {
        let at = self.offsets_start + i * 4;
        u32::from_le_bytes(self.bytes[at..at + 4].try_into().expect("4 bytes")) as usize
    }

    /// Decodes document `doc`.
    pub fn get(&self, doc: u32) -> Result<Paper, FormatError> {
        if doc >= self.n_docs {
            return Err(FormatError::Corrupt { file: self.name.clone(), what: format!("document {doc} out of range") });
        }
        let records = &self.bytes[self.records_start..self.bytes.len() - TRAILER_LEN];
        let (start, end) = (self.offset(doc as usize), self.offset(doc as usize + 1));
        if start > end || end > records.len() {
            return Err(FormatError::Corrupt { file: self.name.clone(), what: format!("record {doc} out of range") });
        }
        let mut r = Reader::new(&self.name, &records[start..end]);
        let id = r.str()?.to_string();
        let title = r.str()?.to_string();
        let abstract_text = r.str()?.to_string();
        let mut authors = Vec::new();
        for _ in 0..r.count(end - start, "author")? {
            authors.push(r.str()?.to_string());
        }
        let mut categories = Vec::new();
        for _ in 0..r.count(end - start, "category")? {
            categories.push(r.str()?.to_string());
        }
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let date = opt(r.str()?);
        let listed = opt(r.str()?);
        let url = opt(r.str()?);
        let mut links = Vec::new();
        for _ in 0..r.count(end - start, "link")? {
            let code = r.byte()?;
            let kind = LinkKind::from_code(code).ok_or_else(|| r.corrupt(format!("link kind {code}")))?;
            links.push(Link { kind, url: r.str()?.to_string() });
        }
        Ok(Paper { id, title, abstract_text, authors, categories, date, listed, url, links })
    }

    /// Only the id and title of `doc` (what a result row needs before its snippet).
    pub fn id_and_title(&self, doc: u32) -> Result<(String, String), FormatError> {
        let p = self.get(doc)?;
        Ok((p.id, p.title))
    }
}

#[cfg(test)]
mod tests {
    use super::super::format::frame;
    use super::*;
    use proptest::prelude::*;

    fn paper_strategy() -> impl Strategy<Value = Paper> {
        (
            "[a-z0-9.-]{1,12}",
            "\\PC{1,40}",
            "\\PC{0,200}",
            proptest::collection::vec("\\PC{1,20}", 0..4),
            proptest::collection::vec("[a-z]{2}\\.[A-Z]{2}", 0..3),
            proptest::option::of("20[0-9]{2}-[01][0-9]-[0-3][0-9]"),
            proptest::collection::vec((0u8..5, "https://[a-z]{1,8}\\.org/[a-z]{0,8}"), 0..3),
        )
            .prop_map(|(id, title, abstract_text, authors, categories, date, links)| Paper {
                id,
                title,
                abstract_text,
                authors,
                categories,
                date,
                listed: None,
                url: None,
                links: links.into_iter().map(|(k, url)| Link { kind: LinkKind::from_code(k).unwrap(), url }).collect(),
            })
    }

    proptest! {
        #[test]
        fn store_round_trips(papers in proptest::collection::vec(paper_strategy(), 0..20)) {
            let store = DocStore::open("d", frame(FileKind::Docs, &encode(&papers))).unwrap();
            prop_assert_eq!(store.len() as usize, papers.len());
            for (i, p) in papers.iter().enumerate() {
                prop_assert_eq!(&store.get(i as u32).unwrap(), p);
            }
            prop_assert!(store.get(papers.len() as u32).is_err());
        }

        #[test]
        fn hostile_store_never_panics(payload in proptest::collection::vec(any::<u8>(), 0..300), doc in 0u32..10) {
            if let Ok(store) = DocStore::open("d", frame(FileKind::Docs, &payload)) {
                let _ = store.get(doc);
            }
        }
    }
}
