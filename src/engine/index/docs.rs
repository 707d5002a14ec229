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
//!
//! Large corpora split the store into chunks (`docs-chunk.*.bin`, the same payload for papers
//! `i × per_chunk ..`), listed in order in the manifest with `docs_per_chunk`, so the app
//! fetches only the chunks of the papers it shows; the paper-id map (`doc-id-shard-*.bin`, see
//! [`super::lexicon`]) gives document numbers without them. [`DocStore`] reads either layout and says which
//! chunk files a set of papers still needs.

use super::format::{put_str, put_varint, unframe, FileKind, Reader, HEADER_LEN, TRAILER_LEN};
use super::manifest::FileEntry;
use crate::engine::corpus::{Link, LinkKind, Paper};
use crate::engine::error::FormatError;

fn put_record(records: &mut Vec<u8>, p: &Paper) {
    put_str(records, &p.id);
    put_str(records, &p.title);
    put_str(records, &p.abstract_text);
    put_varint(records, p.authors.len() as u64);
    for a in &p.authors {
        put_str(records, a);
    }
    put_varint(records, p.categories.len() as u64);
    for c in &p.categories {
        put_str(records, c);
    }
    put_str(records, p.date.as_deref().unwrap_or(""));
    put_str(records, p.listed.as_deref().unwrap_or(""));
    put_str(records, p.url.as_deref().unwrap_or(""));
    put_varint(records, p.links.len() as u64);
    for l in &p.links {
        records.push(l.kind.code());
        put_str(records, &l.url);
    }
}

/// One paper's record, as a docs payload holds it.
pub fn record(p: &Paper) -> Vec<u8> {
    let mut out = Vec::new();
    put_record(&mut out, p);
    out
}

/// A docs payload of papers' [`record`]s, in order.
pub fn encode_records(records: &[Vec<u8>]) -> Vec<u8> {
    let total: usize = records.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(total + records.len() * 4 + 12);
    put_varint(&mut out, records.len() as u64);
    let mut at = 0usize;
    for r in records.iter().map(Vec::len).chain(std::iter::once(0)) {
        out.extend_from_slice(&u32::try_from(at).expect("document store exceeds 4 GiB").to_le_bytes());
        at += r;
    }
    records.iter().for_each(|r| out.extend_from_slice(r));
    out
}

/// The size of [`encode_records`]' payload for `papers` records of `record_bytes` in all.
pub fn store_len(papers: usize, record_bytes: usize) -> usize {
    let mut count = Vec::new();
    put_varint(&mut count, papers as u64);
    count.len() + (papers + 1) * 4 + record_bytes
}

/// Encodes the papers as a docs payload.
pub fn encode(papers: &[Paper]) -> Vec<u8> {
    encode_records(&papers.iter().map(record).collect::<Vec<_>>())
}

/// The length of [`encode`]'s payload for `papers`, without holding it (a build decides from
/// it whether to chunk the store).
pub fn encoded_len(papers: &[Paper]) -> usize {
    let mut scratch = Vec::new();
    let mut len = 0;
    for p in papers {
        scratch.clear();
        put_record(&mut scratch, p);
        len += scratch.len();
    }
    store_len(papers.len(), len)
}

/// The papers per chunk for a chunked store: chunks of about `target_bytes` of records (at
/// least 8 papers each), from the mean record size of an encoded store of `store_bytes` for
/// `papers` papers.
pub fn papers_per_chunk(store_bytes: usize, papers: usize, target_bytes: usize) -> u32 {
    let mean = (store_bytes / papers.max(1)).max(1);
    (target_bytes / mean).clamp(8, u32::MAX as usize) as u32
}

/// One docs file (the whole store, or a chunk of it), opened.
#[derive(Debug)]
struct Part {
    name: String,
    bytes: Vec<u8>,
    n_docs: u32,
    offsets_start: usize,
    records_start: usize,
}

impl Part {
    fn open(name: &str, kind: FileKind, bytes: Vec<u8>) -> Result<Self, FormatError> {
        let payload = unframe(name, kind, &bytes)?;
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
        Ok(Part { name: name.to_string(), bytes, n_docs: n_docs as u32, offsets_start, records_start })
    }

    fn offset(&self, i: usize) -> usize {
        let at = self.offsets_start + i * 4;
        u32::from_le_bytes(self.bytes[at..at + 4].try_into().expect("4 bytes")) as usize
    }

    /// Decodes the part's `i`-th paper (`doc` names it in errors).
    fn get(&self, i: u32, doc: u32) -> Result<Paper, FormatError> {
        if i >= self.n_docs {
            return Err(FormatError::Corrupt { file: self.name.clone(), what: format!("document {doc} out of range") });
        }
        let records = &self.bytes[self.records_start..self.bytes.len() - TRAILER_LEN];
        let (start, end) = (self.offset(i as usize), self.offset(i as usize + 1));
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
}

/// Read access to a document store: one file, or chunks attached as they arrive.
#[derive(Debug)]
pub struct DocStore {
    n_docs: u32,
    /// Papers per part (the whole store is one part of `n_docs`).
    per_part: u32,
    parts: Vec<Option<Part>>,
    /// The chunk files, in order (empty for a single file).
    entries: Vec<FileEntry>,
}

impl DocStore {
    /// Opens a framed docs file (the whole store).
    pub fn open(name: &str, bytes: Vec<u8>) -> Result<Self, FormatError> {
        let part = Part::open(name, FileKind::Docs, bytes)?;
        Ok(DocStore { n_docs: part.n_docs, per_part: part.n_docs.max(1), parts: vec![Some(part)], entries: Vec::new() })
    }

    /// A chunked store of `n_docs` papers, `per_chunk` per chunk file, none attached yet.
    pub fn chunked(n_docs: u32, per_chunk: u32, entries: Vec<FileEntry>) -> Result<Self, FormatError> {
        let expected = if per_chunk == 0 { 0 } else { n_docs.div_ceil(per_chunk) as usize };
        if per_chunk == 0 || entries.len() != expected {
            return Err(FormatError::Manifest(format!(
                "{} document chunks listed for {n_docs} papers at {per_chunk} per chunk (expected {expected})",
                entries.len()
            )));
        }
        Ok(DocStore { n_docs, per_part: per_chunk, parts: entries.iter().map(|_| None).collect(), entries })
    }

    /// Number of documents.
    pub fn len(&self) -> u32 {
        self.n_docs
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.n_docs == 0
    }

    /// Whether the store is split into chunks loaded on demand.
    pub fn is_chunked(&self) -> bool {
        !self.entries.is_empty()
    }

    /// Whether `doc` can be read now (false out of range).
    pub fn is_loaded(&self, doc: u32) -> bool {
        doc < self.n_docs && self.parts.get((doc / self.per_part) as usize).is_some_and(Option::is_some)
    }

    /// The chunk files still needed to read `docs` (each once, in chunk order).
    pub fn missing(&self, docs: impl IntoIterator<Item = u32>) -> Vec<FileEntry> {
        // (A set rather than a sort and dedup: the set type is in the bundle already.)
        let chunks: std::collections::BTreeSet<usize> = docs
            .into_iter()
            .filter(|&d| d < self.n_docs && !self.is_loaded(d))
            .map(|d| (d / self.per_part) as usize)
            .collect();
        chunks.into_iter().filter_map(|c| self.entries.get(c).cloned()).collect()
    }

    /// Every chunk file not attached yet.
    pub fn missing_all(&self) -> Vec<FileEntry> {
        self.entries.iter().zip(&self.parts).filter(|(_, p)| p.is_none()).map(|(e, _)| e.clone()).collect()
    }

    /// Attaches the bytes of the chunk file `name` (already checked against the manifest).
    pub fn attach(&mut self, name: &str, bytes: Vec<u8>) -> Result<(), FormatError> {
        let Some(i) = self.entries.iter().position(|e| e.name == name) else {
            return Err(FormatError::Manifest(format!("`{name}` is not a document chunk of this index")));
        };
        let part = Part::open(name, FileKind::DocsChunk, bytes)?;
        let first = i as u32 * self.per_part;
        let expected = self.per_part.min(self.n_docs - first);
        if part.n_docs != expected {
            return Err(FormatError::Corrupt {
                file: name.to_string(),
                what: format!("{} papers in a chunk that should hold {expected}", part.n_docs),
            });
        }
        self.parts[i] = Some(part);
        Ok(())
    }

    /// Decodes document `doc`; [`FormatError::NotLoaded`] when its chunk has not arrived.
    pub fn get(&self, doc: u32) -> Result<Paper, FormatError> {
        let i = (doc / self.per_part) as usize;
        match self.parts.get(i) {
            Some(Some(part)) if doc < self.n_docs => part.get(doc % self.per_part, doc),
            Some(None) if doc < self.n_docs => Err(FormatError::NotLoaded { file: self.entries[i].name.clone() }),
            _ => Err(FormatError::Corrupt { file: "docs".into(), what: format!("document {doc} out of range") }),
        }
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
            prop_assert_eq!(encoded_len(&papers), encode(&papers).len());
        }

        #[test]
        fn chunked_store_reads_what_is_attached(papers in proptest::collection::vec(paper_strategy(), 1..40), per in 1u32..9) {
            let chunks: Vec<Vec<u8>> = papers.chunks(per as usize).map(|c| frame(FileKind::DocsChunk, &encode(c))).collect();
            let entries: Vec<FileEntry> = (0..chunks.len())
                .map(|i| FileEntry { role: "docs-chunk".into(), name: format!("c{i}"), bytes: 0, hash: String::new() })
                .collect();
            let mut store = DocStore::chunked(papers.len() as u32, per, entries).unwrap();
            prop_assert!(store.is_chunked());
            let all: Vec<u32> = (0..papers.len() as u32).collect();
            prop_assert_eq!(store.missing(all.clone()).len(), chunks.len());
            // Attach every other chunk: those papers read, the others say which file to fetch.
            for (i, bytes) in chunks.iter().enumerate().step_by(2) {
                store.attach(&format!("c{i}"), bytes.clone()).unwrap();
            }
            for (d, p) in papers.iter().enumerate() {
                let chunk = d / per as usize;
                if chunk % 2 == 0 {
                    prop_assert_eq!(&store.get(d as u32).unwrap(), p);
                } else {
                    let is_not_loaded = matches!(store.get(d as u32), Err(FormatError::NotLoaded { ref file }) if *file == format!("c{chunk}"));
                    prop_assert!(is_not_loaded);
                }
            }
            prop_assert_eq!(store.missing(all).len(), chunks.len() / 2);
            prop_assert!(store.get(papers.len() as u32).is_err());
        }

        #[test]
        fn hostile_store_never_panics(payload in proptest::collection::vec(any::<u8>(), 0..300), doc in 0u32..10) {
            if let Ok(store) = DocStore::open("d", frame(FileKind::Docs, &payload)) {
                let _ = store.get(doc);
            }
            let entries = vec![FileEntry { role: "docs-chunk".into(), name: "c".into(), bytes: 0, hash: String::new() }];
            if let Ok(mut store) = DocStore::chunked(doc.max(1), 16, entries) {
                if store.attach("c", frame(FileKind::DocsChunk, &payload)).is_ok() {
                    let _ = store.get(doc);
                }
            }
        }
    }

    fn plain(i: usize) -> Paper {
        Paper {
            id: format!("p{i}"),
            title: format!("T{i}"),
            abstract_text: String::new(),
            authors: Vec::new(),
            categories: Vec::new(),
            date: None,
            listed: None,
            url: None,
            links: Vec::new(),
        }
    }

    #[test]
    fn chunk_errors_name_the_problem() {
        let papers: Vec<Paper> = (0..5).map(plain).collect();
        let entry =
            |i: usize| FileEntry { role: "docs-chunk".into(), name: format!("c{i}"), bytes: 0, hash: String::new() };
        assert!(DocStore::chunked(5, 2, vec![entry(0), entry(1)]).is_err(), "5 papers at 2 per chunk are 3 chunks");
        assert!(DocStore::chunked(5, 0, vec![]).is_err());
        let mut store = DocStore::chunked(5, 2, vec![entry(0), entry(1), entry(2)]).unwrap();
        // A chunk of the wrong size, a whole store in a chunk's place, an unknown name.
        assert!(store.attach("c0", frame(FileKind::DocsChunk, &encode(&papers[..1]))).is_err());
        assert!(store.attach("c0", frame(FileKind::Docs, &encode(&papers[..2]))).is_err());
        assert!(store.attach("zz", frame(FileKind::DocsChunk, &encode(&papers[..2]))).is_err());
        store.attach("c2", frame(FileKind::DocsChunk, &encode(&papers[4..]))).unwrap();
        assert_eq!(store.get(4).unwrap().id, "p4");
        assert!(matches!(store.get(0), Err(FormatError::NotLoaded { .. })));
        let names: Vec<String> = store.missing([0, 1, 4, 2, 9]).into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["c0", "c1"]);
        assert_eq!(store.missing_all().len(), 2);
    }
}
