//! The index writer: papers in, framed files and a manifest out. Deterministic: the same papers
//! give byte-identical files (terms are sorted, no hash-map order or clock reaches the output).
//!
//! Files go to a [`FileSink`] as each is finished: kept in memory ([`build_index`]) or written
//! to the index folder at once ([`build_index_into`]), so a build holds one output file at a
//! time, not the index. Postings gather in a [`ListStore`] that can spill to disk
//! ([`BuildOptions::spill`]); what stays in memory is the papers, the vocabulary, per-paper
//! columns (lengths, facets, ids) and the topic model's vectors.

use fst::MapBuilder;

use super::docs;
use super::facets;
use super::format::{content_hash, frame, FileKind, FORMAT_VERSION, LENGTHS};
use super::invert::ListStore;
use super::manifest::{Features, FieldStats, Fields, FileEntry, Manifest, Split, FORMAT_NAME};
use super::postings::{Field, ListFile, ListWriter, Posting};
use super::words;
use super::Index;
use crate::engine::corpus::Paper;
use crate::engine::error::FormatError;
use crate::engine::text::{name_surfaces_into, surfaces_into, Analyzer, SurfaceToken};
use rustc_hash::FxHashMap;

/// Positions between the end of the title and the start of the abstract, so that no phrase
/// matches across the two.
pub const FIELD_GAP: u32 = 8;

/// Choices the site owner makes at build time.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// A title for the collection, shown by the app.
    pub title: String,
    /// The topic model's options; `None` builds no topics file.
    pub topics: Option<crate::engine::topics::TopicOptions>,
    /// Prefixes with at least this many surface words get stored completions, and so do
    /// one-character prefixes unless this is `usize::MAX` (no table at all); `None`:
    /// [`crate::engine::search::expand::MIN_STORED_COMPLETION_KEYS`] (tests use small values
    /// to exercise the table on small corpora, and `usize::MAX` to compare it with scans).
    pub completion_min_keys: Option<usize>,
    /// Which adjacent word pairs get lists for phrase search; `None`:
    /// [`super::pairs::PairRule::for_corpus`].
    pub phrase_pairs: Option<super::pairs::PairRule>,
    /// One docs file or chunks fetched on demand.
    pub layout: Layout,
    /// Target bytes per dictionary shard, postings chunk and topic-detail chunk of a sharded
    /// layout; `None`: [`LEXICON_SHARD_BYTES`], [`POSTINGS_CHUNK_BYTES`] and
    /// [`TOPIC_DETAIL_BYTES`] (tests use small values to get many shards from small corpora).
    pub shard_bytes: Option<usize>,
    /// Postings past this many bytes (compact) go to sorted runs in this folder, merged at the
    /// end (native builds); `None` keeps them in memory.
    pub spill: Option<SpillOptions>,
}

/// Where and when postings spill to disk during a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpillOptions {
    /// A scratch folder (created, and removed when the build ends).
    pub dir: std::path::PathBuf,
    /// Bytes of compact postings held before a run is written.
    pub budget: usize,
}

/// The default [`SpillOptions::budget`]: 128 MB of compact postings, the postings of about
/// 200,000 arXiv papers.
pub const SPILL_BUDGET: usize = 128 << 20;

/// How the document store is laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Layout {
    /// Chunked when the store exceeds [`CHUNK_STORE_ABOVE`] bytes, one file otherwise.
    #[default]
    Auto,
    /// One `docs` file, fetched at start-up.
    Bundle,
    /// `docs-chunk` files of about [`DOC_CHUNK_BYTES`] (or this many papers each, when not
    /// zero), fetched as papers are shown, with the dictionary, postings, positions and
    /// paper ids in shards too.
    Sharded(u32),
}

/// Document stores larger than this are chunked by [`Layout::Auto`]: about 1,500 arXiv
/// abstracts, half a megabyte compressed, beyond which fetching every paper before the first
/// query costs more than the chunks of the few shown.
pub const CHUNK_STORE_ABOVE: usize = 2 << 20;

/// Target bytes of records per document chunk: about 30 arXiv papers, 10 KB compressed, so a
/// page of ten results scattered over the corpus fetches about 100 KB.
pub const DOC_CHUNK_BYTES: usize = 32 << 10;

/// A finished index, ready to be written: the manifest and the files it lists.
#[derive(Debug, Clone)]
pub struct BuiltIndex {
    /// The manifest.
    pub manifest: Manifest,
    /// Each file's kind, name and bytes, in manifest order.
    pub files: Vec<(FileKind, String, Vec<u8>)>,
}

impl BuiltIndex {
    /// Bytes of the file of `kind`.
    pub fn bytes(&self, kind: FileKind) -> Option<&[u8]> {
        self.files.iter().find(|(k, _, _)| *k == kind).map(|(_, _, b)| b.as_slice())
    }

    /// Opens the start-up files in memory, through the same checks as fetched or read files
    /// (positions are not attached yet, as in the app before a phrase query).
    pub fn load(&self) -> Result<Index, FormatError> {
        Index::load(self.manifest.to_json().as_bytes(), |entry| {
            self.files
                .iter()
                .find(|(_, name, _)| *name == entry.name)
                .map(|(_, _, bytes)| bytes.clone())
                .ok_or_else(|| FormatError::MissingFile { file: entry.name.clone() })
        })
    }

    /// [`BuiltIndex::load`] with the positions file, every document chunk and every
    /// dictionary shard and list chunk attached, so phrases can be searched and every paper
    /// read.
    pub fn open(&self) -> Result<Index, FormatError> {
        let mut index = self.load()?;
        for chunk in index.docs.missing_all() {
            let bytes = self.files.iter().find(|(_, name, _)| *name == chunk.name).map(|(_, _, b)| b.clone());
            index.attach_doc_chunk(
                &chunk,
                bytes.ok_or_else(|| FormatError::MissingFile { file: chunk.name.clone() })?,
            )?;
        }
        for shard in index.missing_shards() {
            let bytes = self.files.iter().find(|(_, name, _)| *name == shard.name).map(|(_, _, b)| b.clone());
            index.attach_file(&shard, bytes.ok_or_else(|| FormatError::MissingFile { file: shard.name.clone() })?)?;
        }
        if let Some(positions) = self.bytes(FileKind::Positions) {
            index.attach_positions(positions.to_vec())?;
        }
        Ok(index)
    }
}

/// Where a build's files go as each is finished.
pub trait FileSink {
    /// Takes one finished (framed, named) file.
    fn put(&mut self, kind: FileKind, name: &str, bytes: Vec<u8>) -> std::io::Result<()>;
}

/// Files kept in memory, in the order they were finished.
impl FileSink for Vec<(FileKind, String, Vec<u8>)> {
    fn put(&mut self, kind: FileKind, name: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        self.push((kind, name.to_string(), bytes));
        Ok(())
    }
}

/// Files written into a folder as they are finished (its manifest last, by
/// [`build_index_into`]).
#[cfg(not(target_arch = "wasm32"))]
struct DirSink<'a>(&'a std::path::Path);

#[cfg(not(target_arch = "wasm32"))]
impl FileSink for DirSink<'_> {
    fn put(&mut self, _kind: FileKind, name: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        std::fs::write(self.0.join(name), bytes)
    }
}

/// The manifest order of a layout's files: the order of roles here, each role's files in the
/// order they were made (files are made in another order: the papers' chunks first, say).
const BUNDLE_ORDER: [FileKind; 13] = [
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
    FileKind::TopicSummary,
    FileKind::PaperMap,
    FileKind::TopicDetail,
];
const SHARDED_ORDER: [FileKind; 13] = [
    FileKind::Lexicon,
    FileKind::PostingsChunk,
    FileKind::NameLexicon,
    FileKind::NamePostingsChunk,
    FileKind::PositionsChunk,
    FileKind::Norms,
    FileKind::DocIdShard,
    FileKind::DocsChunk,
    FileKind::Facets,
    FileKind::Authors,
    FileKind::TopicSummary,
    FileKind::PaperMap,
    FileKind::TopicDetail,
];

/// Frames, names and hands each finished payload to the sink, and keeps its manifest entry.
struct Emitter<'a> {
    sink: &'a mut dyn FileSink,
    order: &'static [FileKind],
    /// (kind, order made, entry).
    entries: Vec<(FileKind, usize, FileEntry)>,
}

impl Emitter<'_> {
    fn emit(&mut self, kind: FileKind, payload: &[u8]) -> std::io::Result<()> {
        let bytes = frame(kind, payload);
        let hash = content_hash(&bytes);
        let name = format!("{}.{}.bin", kind.role(), hash);
        let entry = FileEntry { role: kind.role().to_string(), name: name.clone(), bytes: bytes.len() as u64, hash };
        self.entries.push((kind, self.entries.len(), entry));
        self.sink.put(kind, &name, bytes)
    }

    /// The entries in manifest order (the layout's, known once the papers are in).
    fn finish(mut self) -> Vec<FileEntry> {
        let order = self.order;
        let place = |kind: FileKind| order.iter().position(|&k| k == kind).unwrap_or(order.len());
        self.entries.sort_unstable_by_key(|e| (place(e.0), e.1));
        self.entries.into_iter().map(|e| e.2).collect()
    }
}

/// Collects the vocabulary while documents are analysed.
#[derive(Default)]
struct Inverter {
    term_ids: FxHashMap<String, u32>,
    terms: Vec<String>,
    /// Surface word (with the acronym-plural flag as a last byte) → term id: stems each
    /// distinct word once, and maps surfaces to terms (with occurrence counts) for the words
    /// dictionary.
    surfaces: FxHashMap<String, (u32, u32)>,
    surface_key: String,
}

impl Inverter {
    fn intern(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.term_ids.get(term) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.term_ids.insert(term.to_string(), id);
        self.terms.push(term.to_string());
        id
    }

    fn term_for(&mut self, analyzer: &Analyzer, t: &SurfaceToken) -> u32 {
        self.surface_key.clear();
        self.surface_key.push_str(&t.surface);
        self.surface_key.push(if t.acronym_plural { '\u{1}' } else { '\u{0}' });
        if let Some((id, count)) = self.surfaces.get_mut(self.surface_key.as_str()) {
            *count += 1;
            return *id;
        }
        let id = self.intern(&analyzer.term_of(&t.surface, t.acronym_plural));
        self.surfaces.insert(self.surface_key.clone(), (id, 1));
        id
    }
}

/// Author-name postings: names are not language, so they are normalised but not stemmed, and
/// kept in their own dictionary and postings so the text index stays small and author search
/// can load on its own.
#[derive(Default)]
struct NameInverter {
    ids: FxHashMap<String, u32>,
    names: Vec<String>,
    postings: Vec<Vec<Posting>>,
}

impl NameInverter {
    fn add(&mut self, doc: u32, name: &str) {
        let id = match self.ids.get(name) {
            Some(&id) => id,
            None => {
                let id = self.names.len() as u32;
                self.ids.insert(name.to_string(), id);
                self.names.push(name.to_string());
                self.postings.push(Vec::new());
                id
            }
        };
        let list = &mut self.postings[id as usize];
        match list.last_mut() {
            Some(p) if p.doc == doc => p.tf[2] = p.tf[2].saturating_add(1),
            _ => list.push(Posting { doc, tf: [0, 0, 1] }),
        }
    }
}

/// Sorts interned strings into FST order; returns (ordinal → id, id → ordinal).
fn byte_order(strings: &[String]) -> (Vec<u32>, Vec<u32>) {
    let mut order: Vec<u32> = (0..strings.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| strings[a as usize].as_bytes().cmp(strings[b as usize].as_bytes()));
    let mut ordinal_of = vec![0u32; order.len()];
    for (ord, &id) in order.iter().enumerate() {
        ordinal_of[id as usize] = ord as u32;
    }
    (order, ordinal_of)
}

/// Builds every index file from `papers` in memory, calling `progress(done, total)` as papers
/// are analysed.
pub fn build_index(papers: &[Paper], options: &BuildOptions, progress: &mut dyn FnMut(usize, usize)) -> BuiltIndex {
    let mut files: Vec<(FileKind, String, Vec<u8>)> = Vec::new();
    let manifest = build_into_sink(papers, options, progress, &mut files)
        .expect("a build in memory fails only if its spill folder cannot be written");
    // In manifest order, as [`BuiltIndex::files`] promises.
    let place: FxHashMap<&str, usize> = manifest.files.iter().enumerate().map(|(i, e)| (e.name.as_str(), i)).collect();
    files.sort_by_key(|f| place.get(f.1.as_str()).copied().unwrap_or(usize::MAX));
    BuiltIndex { manifest, files }
}

/// Builds the index of `papers` into `dir` (created if needed), writing each file as it is
/// finished, then `manifest.json` last so a reader never sees a manifest naming files that are
/// not there yet; index files of earlier builds (`<role>.<hash>.bin` not in this manifest)
/// are removed. The peak memory holds one output file, not the whole index.
#[cfg(not(target_arch = "wasm32"))]
pub fn build_index_into(
    dir: &std::path::Path,
    papers: &[Paper],
    options: &BuildOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> std::io::Result<Manifest> {
    std::fs::create_dir_all(dir)?;
    let manifest = build_into_sink(papers, options, progress, &mut DirSink(dir))?;
    finish_dir(dir, &manifest)?;
    Ok(manifest)
}

/// Builds an index from papers handed over one at a time, into `dir`, holding none of them:
/// `read` gets a function to call with each paper in order (a streaming reader, see
/// [`crate::engine::corpus::read_inputs_into`]). With topics, each paper's title, abstract
/// and date go to the topic model on a second thread, which analyses them as they come and
/// keeps only those. When `read` fails, no manifest is written and the files this
/// build wrote are removed, so the folder keeps serving the index it had; its error is
/// returned inside the `Ok`.
#[cfg(not(target_arch = "wasm32"))]
pub fn build_streaming_into<E>(
    dir: &std::path::Path,
    options: &BuildOptions,
    read: impl FnOnce(&mut dyn FnMut(Paper)) -> Result<(), E>,
) -> std::io::Result<Result<Manifest, E>> {
    std::fs::create_dir_all(dir)?;
    let mut sink = RecordingSink { dir, written: Vec::new() };
    let going_on = std::sync::atomic::AtomicBool::new(true);
    let going_on = &going_on;
    let built = std::thread::scope(|scope| {
        // The topic model analyses each paper as it arrives, on its own thread (what it reads
        // of a paper: title, abstract, date).
        let (to_topics, topics) = match &options.topics {
            Some(o) => {
                let (send, receive) = std::sync::mpsc::sync_channel::<Paper>(4096);
                let wanted = move || going_on.load(std::sync::atomic::Ordering::SeqCst);
                // A corpus past the topic model's sample goes to scratch files beside the
                // postings' runs (not inside their folder, which goes when they are merged).
                let scratch = options.spill.as_ref().map(|s| {
                    let mut name = s.dir.clone().into_os_string();
                    name.push("-topics");
                    std::path::PathBuf::from(name)
                });
                let model = scope
                    .spawn(move || crate::engine::topics::compute_streaming(receive, o, scratch.as_deref(), wanted));
                (Some(send), Some(model))
            }
            None => (None, None),
        };
        let mut text = TextIndexBuilder::new(options, &mut sink)?;
        let mut failed: Option<std::io::Error> = None;
        let read_result = read(&mut |paper: Paper| {
            if failed.is_some() {
                return;
            }
            if let Err(e) = text.add(&paper) {
                failed = Some(e);
            } else if let Some(send) = &to_topics {
                let Paper { title, abstract_text, date, .. } = paper;
                // (A closed channel means the topic thread stopped; its join says why.)
                let _ = send.send(Paper { title, abstract_text, date, ..Paper::default() });
            }
        });
        let stop = failed.is_some() || read_result.is_err();
        going_on.store(!stop, std::sync::atomic::Ordering::SeqCst);
        drop(to_topics);
        type Model = std::io::Result<Option<crate::engine::topics::TopicModel>>;
        let join = |model: Option<std::thread::ScopedJoinHandle<'_, Model>>| -> Model {
            model.map_or(Ok(None), |m| m.join().expect("the topic model panicked"))
        };
        if let Some(e) = failed {
            let _ = join(topics);
            return Err(e);
        }
        if let Err(e) = read_result {
            let _ = join(topics);
            return Ok(Err(e));
        }
        // The rest of the text index while the topic model finishes.
        let (mut manifest, mut out) = text.finish()?;
        if let Some(model) = join(topics)? {
            manifest.topic_detail_per_chunk = add_topics(&mut out, &model, &manifest, options)?;
        }
        manifest.files = out.finish();
        Ok(Ok(manifest))
    });
    match built {
        Ok(Ok(manifest)) => {
            finish_dir(dir, &manifest)?;
            Ok(Ok(manifest))
        }
        other => {
            sink.remove_unlisted()?;
            other
        }
    }
}

/// Files written into a folder, remembered so a build that fails can take back those the
/// folder's current manifest does not list.
#[cfg(not(target_arch = "wasm32"))]
struct RecordingSink<'a> {
    dir: &'a std::path::Path,
    written: Vec<String>,
}

#[cfg(not(target_arch = "wasm32"))]
impl FileSink for RecordingSink<'_> {
    fn put(&mut self, kind: FileKind, name: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        self.written.push(name.to_string());
        DirSink(self.dir).put(kind, name, bytes)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl RecordingSink<'_> {
    fn remove_unlisted(&self) -> std::io::Result<()> {
        let listed: std::collections::HashSet<String> = std::fs::read(self.dir.join("manifest.json"))
            .ok()
            .and_then(|b| Manifest::parse(&b).ok())
            .map(|m| m.files.into_iter().map(|e| e.name).collect())
            .unwrap_or_default();
        for name in self.written.iter().filter(|n| !listed.contains(*n)) {
            match std::fs::remove_file(self.dir.join(name)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }
}

/// Builds the index of `papers`, handing each file to `sink` as it is finished; returns the
/// manifest.
pub fn build_into_sink(
    papers: &[Paper],
    options: &BuildOptions,
    progress: &mut dyn FnMut(usize, usize),
    sink: &mut dyn FileSink,
) -> std::io::Result<Manifest> {
    // The topic model needs none of the index: natively it runs on a second thread meanwhile.
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::scope(|scope| {
            let topics =
                options.topics.as_ref().map(|o| scope.spawn(move || crate::engine::topics::compute(papers, o)));
            let (mut manifest, mut out) = build_text_index(papers, options, progress, sink)?;
            if let Some(handle) = topics {
                let model = handle.join().expect("the topic model panicked");
                manifest.topic_detail_per_chunk = add_topics(&mut out, &model, &manifest, options)?;
            }
            manifest.files = out.finish();
            Ok(manifest)
        })
    }
    #[cfg(target_arch = "wasm32")]
    {
        let (mut manifest, mut out) = build_text_index(papers, options, progress, sink)?;
        if let Some(o) = &options.topics {
            let model = crate::engine::topics::compute(papers, o);
            manifest.topic_detail_per_chunk = add_topics(&mut out, &model, &manifest, options)?;
        }
        manifest.files = out.finish();
        Ok(manifest)
    }
}

/// Target bytes of a `topic-detail` chunk in a sharded index: about 400 arXiv papers'
/// memberships, keyphrases and related papers, 30 KB compressed, fetched for the paper view
/// (180 files at 75k papers, so the manifest grows by about 2.5 KB). A bundle keeps them in
/// one chunk, fetched with the rest.
pub const TOPIC_DETAIL_BYTES: usize = 64 << 10;

/// Emits the topic files (summary, map, detail chunks); returns the papers per detail chunk.
fn add_topics(
    out: &mut Emitter<'_>,
    model: &crate::engine::topics::TopicModel,
    manifest: &Manifest,
    options: &BuildOptions,
) -> std::io::Result<u32> {
    use super::topicfile;
    let per_chunk = if manifest.docs_per_chunk > 0 {
        topicfile::detail_papers_per_chunk(model, options.shard_bytes.unwrap_or(TOPIC_DETAIL_BYTES))
    } else {
        (model.papers.len() as u32).max(1)
    };
    let payloads = topicfile::encode(model, per_chunk);
    out.emit(FileKind::TopicSummary, &payloads.summary)?;
    out.emit(FileKind::PaperMap, &payloads.map)?;
    for detail in &payloads.details {
        out.emit(FileKind::TopicDetail, detail)?;
    }
    Ok(payloads.per_chunk)
}

/// Splits lists into chunks of about `target` bytes, each list's size estimated from its
/// document frequency; the first list of each chunk.
fn list_chunk_starts(df: &[u32], target: usize) -> Vec<u32> {
    super::lexicon::split_by_weight(df.iter().map(|&d| d as usize * 3 / 2 + 4), target)
}

/// Emits `lists` (postings in ordinal order) as chunks starting at `starts`.
fn emit_list_chunks(
    out: &mut Emitter<'_>,
    kind: FileKind,
    starts: &[u32],
    lists: impl Iterator<Item = Vec<Posting>>,
) -> std::io::Result<()> {
    let mut writer = ListWriter::new();
    let mut next = 1;
    for (ordinal, list) in lists.enumerate() {
        if starts.get(next) == Some(&(ordinal as u32)) {
            out.emit(kind, &std::mem::take(&mut writer).finish())?;
            next += 1;
        }
        writer.add_postings(&list);
    }
    if !starts.is_empty() {
        out.emit(kind, &writer.finish())?;
    }
    Ok(())
}

/// The document store written as papers come: one file, or chunks once the store passes
/// [`CHUNK_STORE_ABOVE`] (with [`Layout::Auto`]), each chunk emitted when it is full, so only
/// one chunk's papers (or a small store) are held.
struct DocsWriter {
    layout: Layout,
    /// Records not written yet.
    pending: Vec<Vec<u8>>,
    pending_bytes: usize,
    /// Papers per chunk, once chunking is decided.
    per_chunk: Option<u32>,
    papers: usize,
}

impl DocsWriter {
    fn new(layout: Layout) -> Self {
        let per_chunk = match layout {
            Layout::Sharded(n) if n > 0 => Some(n),
            _ => None,
        };
        DocsWriter { layout, pending: Vec::new(), pending_bytes: 0, per_chunk, papers: 0 }
    }

    fn push(&mut self, p: &Paper, out: &mut Emitter<'_>) -> std::io::Result<()> {
        let record = docs::record(p);
        self.pending_bytes += record.len();
        self.pending.push(record);
        self.papers += 1;
        // Past the threshold the store is chunked, papers per chunk from the mean record so
        // far (about 1,300 arXiv papers in).
        let store = docs::store_len(self.pending.len(), self.pending_bytes);
        if self.per_chunk.is_none() && self.layout != Layout::Bundle && store > CHUNK_STORE_ABOVE {
            self.per_chunk = Some(docs::papers_per_chunk(store, self.pending.len(), DOC_CHUNK_BYTES));
        }
        self.flush(out, false)
    }

    fn flush(&mut self, out: &mut Emitter<'_>, end: bool) -> std::io::Result<()> {
        let Some(k) = self.per_chunk.map(|k| k as usize) else { return Ok(()) };
        while self.pending.len() >= k || (end && !self.pending.is_empty()) {
            let rest = self.pending.split_off(k.min(self.pending.len()));
            let chunk = std::mem::replace(&mut self.pending, rest);
            self.pending_bytes -= chunk.iter().map(Vec::len).sum::<usize>();
            out.emit(FileKind::DocsChunk, &docs::encode_records(&chunk))?;
        }
        Ok(())
    }

    /// Writes what is left; returns the papers per chunk (0: one `docs` file).
    fn finish(mut self, out: &mut Emitter<'_>) -> std::io::Result<u32> {
        if self.per_chunk.is_none() && self.layout == Layout::Sharded(0) && self.papers > 0 {
            let store = docs::store_len(self.pending.len(), self.pending_bytes);
            self.per_chunk = Some(docs::papers_per_chunk(store, self.pending.len(), DOC_CHUNK_BYTES));
        }
        match self.per_chunk.filter(|_| self.papers > 0) {
            Some(k) => {
                self.flush(out, true)?;
                Ok(k)
            }
            None => {
                out.emit(FileKind::Docs, &docs::encode_records(&self.pending))?;
                Ok(0)
            }
        }
    }
}

/// The text index built a paper at a time ([`TextIndexBuilder::add`]): postings into a
/// [`ListStore`], papers straight into the document store, facet columns, lengths and ids
/// kept compact; the dictionaries, lists and shards are written by [`TextIndexBuilder::finish`].
/// Holding no paper past its `add`, it lets a reader stream a corpus of any size through it.
pub struct TextIndexBuilder<'s> {
    options: BuildOptions,
    out: Emitter<'s>,
    timer: crate::engine::stages::StageTimer,
    analyzer: Analyzer,
    inv: Inverter,
    store: ListStore,
    names: NameInverter,
    norms: Vec<u8>,
    fields: [FieldStats; 3],
    docs: DocsWriter,
    facets: facets::FacetsBuilder,
    authors: facets::AuthorsBuilder,
    ids: Vec<(String, u32)>,
    features: Features,
    papers: u32,
    tokens: Vec<SurfaceToken>,
    entries: Vec<(u32, u8, u32)>,
    kept: Vec<u32>,
}

impl<'s> TextIndexBuilder<'s> {
    /// A builder writing into `sink`.
    pub fn new(options: &BuildOptions, sink: &'s mut dyn FileSink) -> std::io::Result<Self> {
        let store = match &options.spill {
            #[cfg(not(target_arch = "wasm32"))]
            Some(spill) => ListStore::spilling(spill.dir.clone(), spill.budget)?,
            _ => ListStore::in_memory(),
        };
        Ok(TextIndexBuilder {
            options: options.clone(),
            out: Emitter { sink, order: &BUNDLE_ORDER, entries: Vec::new() },
            timer: crate::engine::stages::StageTimer::new("index"),
            analyzer: Analyzer::new(),
            inv: Inverter::default(),
            store,
            names: NameInverter::default(),
            norms: Vec::new(),
            fields: [FieldStats::default(); 3],
            docs: DocsWriter::new(options.layout),
            facets: facets::FacetsBuilder::default(),
            authors: facets::AuthorsBuilder::default(),
            ids: Vec::new(),
            features: Features::default(),
            papers: 0,
            tokens: Vec::new(),
            entries: Vec::new(),
            kept: Vec::new(),
        })
    }

    /// Papers added so far.
    pub fn len(&self) -> u32 {
        self.papers
    }

    /// Whether no paper was added.
    pub fn is_empty(&self) -> bool {
        self.papers == 0
    }

    /// Adds the next paper (document numbers follow the order of the calls).
    pub fn add(&mut self, paper: &Paper) -> std::io::Result<()> {
        let doc = self.papers;
        self.papers += 1;
        let mut lengths = [0u32; 3];
        self.entries.clear();
        let title_end = surfaces_into(&paper.title, 0, &mut self.tokens);
        surfaces_into(&paper.abstract_text, title_end + FIELD_GAP, &mut self.tokens);
        for t in self.tokens.drain(..) {
            let field = if t.position < title_end { Field::Title } else { Field::Abstract };
            lengths[field as usize] += u32::from(!t.joined);
            let id = self.inv.term_for(&self.analyzer, &t);
            self.entries.push((id, field as u8, t.position));
        }
        for author in &paper.authors {
            name_surfaces_into(author, &mut self.tokens);
            for t in self.tokens.drain(..) {
                lengths[Field::Authors as usize] += u32::from(!t.joined);
                self.names.add(doc, &t.surface);
            }
        }
        for (stats, &len) in self.fields.iter_mut().zip(&lengths) {
            self.norms.push(LENGTHS.encode(len));
            stats.tokens += u64::from(len);
            stats.papers += u64::from(len > 0);
        }
        // Sorted by (term, field, position): each term's run lists title positions before
        // abstract ones, which are all larger, so positions come out increasing.
        self.entries.sort_unstable();
        let entries = &self.entries;
        let mut i = 0;
        while i < entries.len() {
            let term = entries[i].0;
            let mut tf = [0u16; 3];
            let run_start = i;
            while i < entries.len() && entries[i].0 == term {
                let f = entries[i].1 as usize;
                tf[f] = tf[f].saturating_add(1);
                i += 1;
            }
            // Positions are kept only up to the stored (u16) frequency of each field.
            let mut counted = [0u16; 3];
            self.kept.clear();
            for &(_, f, pos) in &entries[run_start..i] {
                if counted[f as usize] < tf[f as usize] {
                    counted[f as usize] += 1;
                    self.kept.push(pos);
                }
            }
            self.store.push(term, Posting { doc, tf }, &self.kept);
        }
        #[cfg(not(target_arch = "wasm32"))]
        self.store.spill_if_full(&self.inv.terms)?;
        self.facets.push(paper);
        self.authors.push(paper);
        self.ids.push((paper.id.clone(), doc));
        let f = &mut self.features;
        f.dates |= paper.date.is_some();
        f.listed |= paper.listed.is_some();
        f.categories |= !paper.categories.is_empty();
        f.authors |= !paper.authors.is_empty();
        f.code |= paper.has_code();
        self.docs.push(paper, &mut self.out)
    }

    /// Writes the dictionaries, lists, shards and remaining files; returns the manifest (its
    /// file list still to be filled) and the emitter, for the topic files.
    fn finish(self) -> std::io::Result<(Manifest, Emitter<'s>)> {
        let TextIndexBuilder {
            options,
            mut out,
            timer,
            inv,
            store,
            mut names,
            norms,
            fields,
            docs,
            facets,
            authors,
            ids,
            features,
            papers,
            ..
        } = self;
        let per_chunk = docs.finish(&mut out)?;
        let sharded = per_chunk > 0;
        out.order = if sharded { &SHARDED_ORDER } else { &BUNDLE_ORDER };
        timer.mark(if store.runs() > 0 { "analyse (spilling)" } else { "analyse" });

        // Ordinals follow byte order of the terms, as the FST requires.
        let (order, ordinal_of) = byte_order(&inv.terms);
        let df: Vec<u32> = order.iter().map(|&id| store.df(id)).collect();
        let mut terms_fst = MapBuilder::memory();
        for (ord, &id) in order.iter().enumerate() {
            terms_fst
                .insert(inv.terms[id as usize].as_bytes(), ord as u64)
                .expect("terms are inserted in sorted order without duplicates");
        }
        let terms_bytes = terms_fst.into_inner().expect("in-memory FST cannot fail");

        // One entry per surface word; when the acronym and plain forms reach different terms
        // ("LLMs" vs "llms"), the lower ordinal wins so the output does not depend on input
        // order. Each surface also carries its share of its term's occurrences, so completions
        // can show the form people write ("quantization") rather than any form of the stem.
        let mut per_term = vec![0u64; order.len()];
        for &(id, count) in inv.surfaces.values() {
            per_term[ordinal_of[id as usize] as usize] += u64::from(count);
        }
        let mut surfaces: Vec<(&str, u32, u8)> = inv
            .surfaces
            .iter()
            .map(|(key, &(id, count))| {
                let ord = ordinal_of[id as usize];
                let share = (u64::from(count) * 255).div_ceil(per_term[ord as usize].max(1)).clamp(1, 255) as u8;
                (&key[..key.len() - 1], ord, share)
            })
            .collect();
        surfaces.sort_unstable();
        surfaces.dedup_by(|later, earlier| later.0 == earlier.0);
        let term_of = |ord: u32| inv.terms[order[ord as usize] as usize].as_str();
        let mut words_bytes = words::encode(&surfaces, term_of, order.len());
        let completions = stored_completions(&terms_bytes, &words_bytes, &df, &options);
        words_bytes.extend(words::encode_completions(&completions));
        timer.mark("dictionary");

        // One pass over every term's whole list, in ordinal order: postings out (one file, or
        // chunks as they fill), positions encoded, and the lists a phrase pair can be made of
        // kept (a pair's words are both frequent; only their lists, compact).
        let rule = options.phrase_pairs.unwrap_or_else(|| super::pairs::PairRule::for_corpus(papers as usize));
        let target = options.shard_bytes.unwrap_or(POSTINGS_CHUNK_BYTES);
        let list_starts = if sharded { list_chunk_starts(&df, target) } else { Vec::new() };
        let mut postings = ListWriter::new();
        let mut positions = ListWriter::new();
        let mut candidates: Vec<(u32, Vec<u8>)> = Vec::new();
        let mut next_chunk = 1;
        store.merge(&order, |ordinal, list, flat| {
            if sharded && list_starts.get(next_chunk) == Some(&ordinal) {
                out.emit(FileKind::PostingsChunk, &std::mem::take(&mut postings).finish())?;
                next_chunk += 1;
            }
            postings.add_postings(list);
            let mut at = 0;
            positions.add_positions(list.iter().map(|p| {
                let run = &flat[at..at + p.positioned()];
                at += p.positioned();
                run
            }));
            if super::pairs::is_candidate(list.len() as u32, rule) {
                candidates.push((ordinal, super::invert::encode_list(list, flat)));
            }
            Ok(())
        })?;
        timer.mark("postings merged");
        let lists: Vec<(u32, &[u8])> = candidates.iter().map(|(o, b)| (*o, b.as_slice())).collect();
        let pairs = super::pairs::collect_compact(&lists, &df, papers, rule);
        drop(lists);
        drop(candidates);
        super::pairs::append(&mut positions, &pairs);
        drop(pairs);
        let positions = positions.finish();
        timer.mark("phrase pairs");

        let (name_order, _) = byte_order(&names.names);
        let name_df: Vec<u32> = name_order.iter().map(|&id| names.postings[id as usize].len() as u32).collect();
        let mut splits = Vec::new();
        if sharded {
            if !list_starts.is_empty() {
                out.emit(FileKind::PostingsChunk, &postings.finish())?;
            }
            // The dictionaries in shards by key range, with their lists' split; the names'
            // lists in chunks too.
            let term_keys: Vec<&str> = (0..order.len() as u32).map(term_of).collect();
            let text = Dictionary { keys: &term_keys, df: &df, surfaces: Some(&surfaces), completions: &completions };
            splits.push(text.shards(&mut out, FileKind::Lexicon, options.shard_bytes)?);
            splits.push(Split {
                role: FileKind::PostingsChunk.role().to_string(),
                starts: list_starts,
                keys: Vec::new(),
                total: 0,
            });
            let name_keys: Vec<&str> = name_order.iter().map(|&id| names.names[id as usize].as_str()).collect();
            let name_completions = crate::engine::search::expand::name_completion_table(
                &name_keys,
                &name_df,
                options.completion_min_keys.unwrap_or(crate::engine::search::expand::MIN_STORED_COMPLETION_KEYS),
            );
            let people = Dictionary { keys: &name_keys, df: &name_df, surfaces: None, completions: &name_completions };
            splits.push(people.shards(&mut out, FileKind::NameLexicon, options.shard_bytes)?);
            let name_starts = list_chunk_starts(&name_df, target);
            let name_lists = name_order.iter().map(|&id| std::mem::take(&mut names.postings[id as usize]));
            emit_list_chunks(&mut out, FileKind::NamePostingsChunk, &name_starts, name_lists)?;
            splits.push(Split {
                role: FileKind::NamePostingsChunk.role().to_string(),
                starts: name_starts,
                keys: Vec::new(),
                total: 0,
            });
            // Positions (with the phrase pairs' lists) in chunks by list range too; the pair
            // table gets a chunk of its own, read before any phrase.
            let (files, split) = position_chunks(&positions, order.len() as u32, target);
            for (kind, payload) in files {
                out.emit(kind, &payload)?;
            }
            splits.push(split);
        } else {
            out.emit(FileKind::Terms, &terms_bytes)?;
            out.emit(FileKind::Words, &words_bytes)?;
            out.emit(FileKind::Postings, &postings.finish())?;
            out.emit(FileKind::Positions, &positions)?;
            let mut names_fst = MapBuilder::memory();
            let mut name_postings = ListWriter::new();
            for (ord, &id) in name_order.iter().enumerate() {
                names_fst
                    .insert(names.names[id as usize].as_bytes(), ord as u64)
                    .expect("names are inserted in sorted order without duplicates");
                name_postings.add_postings(&names.postings[id as usize]);
            }
            out.emit(FileKind::NameTerms, &names_fst.into_inner().expect("in-memory FST cannot fail"))?;
            out.emit(FileKind::NamePostings, &name_postings.finish())?;
        }
        drop(positions);
        timer.mark("shards written");
        out.emit(FileKind::Norms, &norms)?;
        if sharded {
            let mut ids: Vec<(&str, u64)> = ids.iter().map(|(id, d)| (id.as_str(), u64::from(*d))).collect();
            ids.sort_unstable();
            ids.dedup_by(|a, b| a.0 == b.0);
            // The id map in shards by id range, so a paper link fetches one small shard.
            let (id_files, id_split) = id_shards(&ids, options.shard_bytes.unwrap_or(LEXICON_SHARD_BYTES));
            splits.push(id_split);
            for (kind, payload) in id_files {
                out.emit(kind, &payload)?;
            }
        }
        out.emit(FileKind::Facets, &facets.finish().encode())?;
        out.emit(FileKind::Authors, &authors.finish())?;
        timer.mark("ids and facets");

        let manifest = Manifest {
            format: FORMAT_NAME.to_string(),
            format_version: FORMAT_VERSION,
            generator: format!("papersift {}", env!("CARGO_PKG_VERSION")),
            title: options.title.clone(),
            papers,
            terms: order.len() as u32,
            words: surfaces.len() as u32,
            names: name_order.len() as u32,
            fields: Fields { title: fields[0], abstract_: fields[1], authors: fields[2] },
            features,
            docs_per_chunk: per_chunk,
            topic_detail_per_chunk: 0,
            splits,
            files: Vec::new(),
        };
        Ok((manifest, out))
    }
}

fn build_text_index<'s>(
    papers: &[Paper],
    options: &BuildOptions,
    progress: &mut dyn FnMut(usize, usize),
    sink: &'s mut dyn FileSink,
) -> std::io::Result<(Manifest, Emitter<'s>)> {
    let mut builder = TextIndexBuilder::new(options, sink)?;
    for (doc, paper) in papers.iter().enumerate() {
        builder.add(paper)?;
        if doc % 1024 == 0 || doc + 1 == papers.len() {
            progress(doc + 1, papers.len());
        }
    }
    builder.finish()
}

/// Target bytes of keys per dictionary shard: about 3,000 terms with their surface words,
/// 20–30 KB compressed, so a query word fetches a small slice of a 75k-paper vocabulary.
pub const LEXICON_SHARD_BYTES: usize = 40 << 10;

/// Target bytes per postings chunk: a frequent word's list (tens of kilobytes at 75k papers)
/// fills one alone, rare words' lists share one.
pub const POSTINGS_CHUNK_BYTES: usize = 64 << 10;

/// A positions payload (term lists, then the phrase pairs' table and lists) in chunks of about
/// `target` bytes by list range, the pair table (list `n_terms`) alone in its chunk.
fn position_chunks(payload: &[u8], n_terms: u32, target: usize) -> (Vec<(FileKind, Vec<u8>)>, super::manifest::Split) {
    let file = ListFile::open("positions", FileKind::Positions, frame(FileKind::Positions, payload))
        .expect("the positions just written open");
    let n_lists = file.n_terms();
    let list = |i: u32| file.list_bytes(i).expect("the positions just written read");
    let mut starts = super::lexicon::split_by_weight((0..n_lists).map(|i| list(i).len() + 2), target);
    if n_lists > n_terms {
        starts.extend([n_terms, n_terms + 1].into_iter().filter(|&s| s < n_lists));
        starts.sort_unstable();
        starts.dedup();
    }
    let mut files = Vec::new();
    for (i, &first) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(n_lists, |&e| e);
        let mut writer = ListWriter::new();
        for l in first..end {
            writer.add_raw(list(l));
        }
        files.push((FileKind::PositionsChunk, writer.finish()));
    }
    let split = super::manifest::Split {
        role: FileKind::PositionsChunk.role().to_string(),
        starts,
        keys: Vec::new(),
        total: n_lists,
    };
    (files, split)
}

/// The paper-id map (sorted, distinct ids with their document numbers) in shards of about
/// `target` bytes of ids.
fn id_shards(ids: &[(&str, u64)], target: usize) -> (Vec<(FileKind, Vec<u8>)>, super::manifest::Split) {
    let starts = super::lexicon::split_by_weight(ids.iter().map(|(k, _)| k.len() + 4), target);
    let mut files = Vec::new();
    let mut keys = Vec::new();
    for (i, &first) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(ids.len() as u32, |&e| e);
        let part = &ids[first as usize..end as usize];
        keys.push(if i == 0 { String::new() } else { part[0].0.to_string() });
        let map = fst::Map::from_iter(part.iter().copied()).expect("sorted unique paper ids").into_fst().into_inner();
        files.push((FileKind::DocIdShard, super::lexicon::encode_shard(first, end - first, &map, None, &[])));
    }
    let split =
        super::manifest::Split { role: FileKind::DocIdShard.role().to_string(), starts, keys, total: ids.len() as u32 };
    (files, split)
}

/// A dictionary in ordinal order, to be written in shards.
struct Dictionary<'a> {
    keys: &'a [&'a str],
    /// Document frequency by ordinal.
    df: &'a [u32],
    /// Surface words (text terms), sorted.
    surfaces: Option<&'a [(&'a str, u32, u8)]>,
    completions: &'a [words::Completions],
}

impl Dictionary<'_> {
    /// Emits the shards of kind `lex`; returns their split.
    fn shards(&self, out: &mut Emitter<'_>, lex: FileKind, target: Option<usize>) -> std::io::Result<Split> {
        use super::lexicon::{encode_shard, split_by_weight};
        let n = self.keys.len();
        let starts = split_by_weight(self.keys.iter().map(|k| k.len() + 4), target.unwrap_or(LEXICON_SHARD_BYTES));
        let first_keys: Vec<String> = starts
            .iter()
            .enumerate()
            .map(|(i, &o)| if i == 0 { String::new() } else { self.keys[o as usize].to_string() })
            .collect();
        for (i, &first) in starts.iter().enumerate() {
            let end = starts.get(i + 1).map_or(n as u32, |&e| e);
            let mut keys = MapBuilder::memory();
            for o in first..end {
                keys.insert(self.keys[o as usize], u64::from(o)).expect("keys in order");
            }
            let keys = keys.into_inner().expect("in-memory FST cannot fail");
            let df = &self.df[first as usize..end as usize];
            // The surface words and stored completions whose keys fall in this shard's range.
            let in_range =
                |key: &str| key >= first_keys[i].as_str() && first_keys.get(i + 1).is_none_or(|hi| key < hi.as_str());
            let table: Vec<words::Completions> =
                self.completions.iter().filter(|c| in_range(&c.prefix)).cloned().collect();
            // Text shards carry their surface words; a name shard carries a words payload
            // (with no words) only to hold the stored completions in its range.
            let words = (self.surfaces.is_some() || !table.is_empty()).then(|| {
                let mine: Vec<(&str, u32, u8)> =
                    self.surfaces.unwrap_or_default().iter().copied().filter(|s| in_range(s.0)).collect();
                let mut payload = words::encode_range(&mine, |o| self.keys[o as usize], first, (end - first) as usize);
                payload.extend(words::encode_completions(&table));
                payload
            });
            out.emit(lex, &encode_shard(first, end - first, &keys, words.as_deref(), df))?;
        }
        Ok(Split { role: lex.role().to_string(), starts, keys: first_keys, total: 0 })
    }
}

/// The completions section of the words file (see [`words`]): the dictionaries just built
/// are opened in memory so the table comes from the very code a search runs (document
/// frequencies from `df`, by ordinal).
fn stored_completions(terms: &[u8], words: &[u8], df: &[u32], options: &BuildOptions) -> Vec<words::Completions> {
    use crate::engine::search::expand;
    let opened = (|| {
        let terms = fst::Map::new(terms.to_vec()).ok()?;
        let words = words::Words::open("words", &frame(FileKind::Words, words), df.len()).ok()?;
        Some((terms, words))
    })();
    let Some((terms, words)) = opened else { return Vec::new() };
    let terms = super::lexicon::Lexicon::whole(terms, Some(words));
    let vocab = expand::Vocabulary { terms: &terms, dfs: expand::DocFreqs::Table(df) };
    expand::completion_table(&vocab, options.completion_min_keys.unwrap_or(expand::MIN_STORED_COMPLETION_KEYS))
}

/// Writes a built index into `dir` (created if needed): every file, then `manifest.json` last so
/// a reader never sees a manifest naming files that are not there yet. Index files of earlier
/// builds (`<role>.<hash>.bin` not in this manifest) are removed.
#[cfg(not(target_arch = "wasm32"))]
pub fn write_index(dir: &std::path::Path, built: &BuiltIndex) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (_, name, bytes) in &built.files {
        std::fs::write(dir.join(name), bytes)?;
    }
    finish_dir(dir, &built.manifest)
}

/// Writes the manifest of an index whose files are in `dir`, then removes the index files of
/// earlier builds there (`<role>.<hash>.bin` not in the manifest).
#[cfg(not(target_arch = "wasm32"))]
fn finish_dir(dir: &std::path::Path, manifest: &Manifest) -> std::io::Result<()> {
    let tmp = dir.join("manifest.json.tmp");
    std::fs::write(&tmp, manifest.to_json())?;
    std::fs::rename(&tmp, dir.join("manifest.json"))?;
    let current: std::collections::HashSet<&str> = manifest.files.iter().map(|e| e.name.as_str()).collect();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let ours = name.ends_with(".bin")
            && FileKind::ALL.iter().any(|k| name.starts_with(&format!("{}.", k.role())))
            && name.split('.').nth(1).is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        if ours && !current.contains(name) {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}
