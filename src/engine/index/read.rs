//! The index reader: opens the files a manifest lists, checks each one (manifest hash, magic,
//! version, kind, length, checksum, then the payload's own structure) and gives the search
//! code typed access to them. Loading is a function of bytes, so the browser (which fetches)
//! and the CLI (which reads files) share every check.

use super::docs::DocStore;
use super::facets::{self, Column, Facets};
use super::format::{content_hash, unframe, FileKind};
use super::lexicon::Lexicon;
use super::manifest::{FileEntry, Manifest, Split};
use super::pairs::PairTable;
use super::postings::ListFile;
use super::topicfile::{self, PaperDetail, TopicDetails};
use super::words::Words;
use crate::engine::error::FormatError;
use crate::engine::topics::TopicSummary;

/// An opened index.
#[derive(Debug)]
pub struct Index {
    /// The manifest it was opened from.
    pub manifest: Manifest,
    /// Stemmed term → ordinal, with the surface words (see [`super::lexicon`]).
    pub terms: Lexicon,
    /// Postings by term ordinal.
    pub postings: ListFile,
    /// Author-name token → name ordinal.
    pub names: Lexicon,
    /// Author postings by name ordinal.
    pub name_postings: ListFile,
    /// Positions by term ordinal; `None` until a phrase query needs them.
    pub positions: Option<ListFile>,
    /// The frequent word pairs with lists in the positions file (empty until it loads).
    pub pairs: PairTable,
    /// Quantised field lengths, three bytes per paper.
    pub norms: Vec<u8>,
    /// The document store.
    pub docs: DocStore,
    /// Paper id → document number, with a chunked document store (the ids are then not all
    /// at hand), in shards fetched on demand; `None` with a single docs file.
    pub doc_ids: Option<Lexicon>,
    /// Facet columns, link kinds and dates (empty until loaded: a sharded index fetches them
    /// after the first results, or when a filter or a sort needs them).
    pub facets: Facets,
    /// Whether [`Index::facets`] is loaded.
    pub facets_loaded: bool,
    /// A search needed the facets while they were not loaded.
    facets_wanted: std::cell::Cell<bool>,
    /// The author facet, when loaded.
    pub authors: Option<Column>,
    /// The topic model's summary (topics, labels, graph, trends), when the index has one and
    /// it is loaded.
    pub topics: Option<TopicSummary>,
    /// Per paper, its top topic and its subtopic ([`topicfile::NO_TOPIC`]: none), loaded with
    /// the summary, as flat columns so facet counts over tens of thousands of hits read two
    /// arrays.
    pub topic_columns: Vec<(u32, u32)>,
    /// Each paper's place on the map, once the `paper-map` file is loaded.
    pub paper_map: Option<Vec<(u16, u16)>>,
    /// Per paper: memberships, keyphrases and related papers, in chunks.
    pub topic_details: TopicDetails,
    /// A read needed the topic summary, or the map, while it was not loaded.
    topics_wanted: std::cell::Cell<bool>,
    map_wanted: std::cell::Cell<bool>,
}

/// One paper's place in the topic model, as the paper view shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PaperTopicsView<'a> {
    /// Primary top topic.
    pub topic: u32,
    /// Primary subtopic, when its topic has subtopics.
    pub subtopic: Option<u32>,
    /// Memberships, keyphrases and related papers.
    pub detail: &'a PaperDetail,
    /// The phrases `detail.keyphrases` point into.
    pub phrases: &'a [String],
}

impl PaperTopicsView<'_> {
    /// The keyphrases as text.
    pub fn keyphrases(&self) -> impl Iterator<Item = &str> {
        self.detail.keyphrases.iter().filter_map(|&k| self.phrases.get(k as usize).map(String::as_str))
    }
}

/// Checks a file's bytes against its manifest entry.
pub fn verify_entry(entry: &FileEntry, bytes: &[u8]) -> Result<(), FormatError> {
    if bytes.len() as u64 != entry.bytes {
        // A short file is the common case (interrupted copy); say so rather than "hash".
        if (bytes.len() as u64) < entry.bytes {
            return Err(FormatError::Truncated {
                file: entry.name.clone(),
                needed: entry.bytes,
                available: bytes.len() as u64,
            });
        }
    }
    let found = content_hash(bytes);
    if found != entry.hash {
        return Err(FormatError::HashMismatch { file: entry.name.clone(), expected: entry.hash.clone(), found });
    }
    Ok(())
}

fn open_fst(entry: &FileEntry, kind: FileKind, bytes: &[u8]) -> Result<fst::Map<Vec<u8>>, FormatError> {
    let payload = unframe(&entry.name, kind, bytes)?;
    fst::Map::new(payload.to_vec())
        .map_err(|e| FormatError::Corrupt { file: entry.name.clone(), what: format!("term dictionary: {e}") })
}

impl Index {
    /// The file roles needed before the first query (positions and authors load later).
    /// (`docs`, or for a chunked store of an older build the whole `doc-ids` map; a sharded
    /// index lists neither and starts with `norms` alone.)
    pub const STARTUP: [FileKind; 9] = [
        FileKind::Terms,
        FileKind::Words,
        FileKind::Postings,
        FileKind::Norms,
        FileKind::Docs,
        FileKind::DocIds,
        FileKind::Facets,
        FileKind::NameTerms,
        FileKind::NamePostings,
    ];

    /// The files [`Index::load`] reads from this manifest (a sharded index leaves its facets
    /// for later).
    pub fn startup_files(manifest: &Manifest) -> Vec<FileEntry> {
        Self::STARTUP
            .iter()
            .filter(|&&k| k != FileKind::Facets || manifest.splits.is_empty())
            .filter_map(|&k| manifest.file(k).cloned())
            .collect()
    }

    /// Opens an index from its manifest and a function returning each listed file's bytes.
    /// Only [`Index::STARTUP`] files are requested.
    pub fn load(
        manifest_bytes: &[u8],
        mut fetch: impl FnMut(&FileEntry) -> Result<Vec<u8>, FormatError>,
    ) -> Result<Index, FormatError> {
        let manifest = Manifest::parse(manifest_bytes)?;
        let mut get = |kind: FileKind| -> Result<(FileEntry, Vec<u8>), FormatError> {
            let entry = manifest
                .file(kind)
                .ok_or_else(|| FormatError::Manifest(format!("no `{}` file listed", kind.role())))?
                .clone();
            let bytes = fetch(&entry)?;
            verify_entry(&entry, &bytes)?;
            Ok((entry, bytes))
        };
        // A sharded role's split and files, when the manifest splits it. (An empty dictionary,
        // such as the names of a corpus without authors, has a split and no file.)
        let split_of = |kind: FileKind| -> Result<Option<(&Split, Vec<FileEntry>)>, FormatError> {
            let entries: Vec<FileEntry> = manifest.files_of(kind).cloned().collect();
            match manifest.split(kind) {
                Some(split) => Ok(Some((split, entries))),
                None if entries.is_empty() => Ok(None),
                None => Err(FormatError::Manifest(format!("`{}` files listed without their split", kind.role()))),
            }
        };
        let lists = |kind: FileKind, n: u32| -> Result<ListFile, FormatError> {
            let (split, entries) = split_of(kind)?
                .ok_or_else(|| FormatError::Manifest(format!("no split of `{}` listed", kind.role())))?;
            ListFile::chunked(n, &split.starts, entries)
        };
        let (terms, postings) = match split_of(FileKind::Lexicon)? {
            Some((split, entries)) => (
                Lexicon::sharded(manifest.terms, &split.keys, &split.starts, entries)?,
                lists(FileKind::PostingsChunk, manifest.terms)?,
            ),
            None => {
                let (e, b) = get(FileKind::Terms)?;
                let terms = open_fst(&e, FileKind::Terms, &b)?;
                let (e, b) = get(FileKind::Words)?;
                let words = Words::open(&e.name, &b, terms.len())?;
                let (e, b) = get(FileKind::Postings)?;
                let postings = ListFile::open(&e.name, FileKind::Postings, b)?;
                if postings.n_terms() as usize != terms.len() {
                    return Err(FormatError::Corrupt {
                        file: e.name,
                        what: format!("{} lists for {} terms", postings.n_terms(), terms.len()),
                    });
                }
                (Lexicon::whole(terms, Some(words)), postings)
            }
        };
        let (e, b) = get(FileKind::Norms)?;
        let norms = unframe(&e.name, FileKind::Norms, &b)?.to_vec();
        if norms.len() != manifest.papers as usize * 3 {
            return Err(FormatError::Corrupt {
                file: e.name,
                what: format!("{} length bytes for {} papers", norms.len(), manifest.papers),
            });
        }
        let (docs, doc_ids) = if manifest.docs_per_chunk > 0 {
            let chunks: Vec<FileEntry> = manifest.files_of(FileKind::DocsChunk).cloned().collect();
            let docs = DocStore::chunked(manifest.papers, manifest.docs_per_chunk, chunks)?;
            let ids = match split_of(FileKind::DocIdShard)? {
                Some((split, entries)) => Lexicon::sharded(split.total, &split.keys, &split.starts, entries)?,
                None => {
                    let (e, b) = get(FileKind::DocIds)?;
                    let ids = open_fst(&e, FileKind::DocIds, &b)?;
                    if ids.len() != manifest.papers as usize {
                        return Err(FormatError::Corrupt {
                            file: e.name,
                            what: format!("{} paper ids, the manifest says {} papers", ids.len(), manifest.papers),
                        });
                    }
                    Lexicon::whole(ids, None)
                }
            };
            (docs, Some(ids))
        } else {
            let (e, b) = get(FileKind::Docs)?;
            let docs = DocStore::open(&e.name, b)?;
            if docs.len() != manifest.papers {
                return Err(FormatError::Corrupt {
                    file: e.name,
                    what: format!("{} papers, the manifest says {}", docs.len(), manifest.papers),
                });
            }
            (docs, None)
        };
        // A sharded index leaves its facets (a per-paper table) for later.
        let (facets, facets_loaded) = if manifest.splits.is_empty() {
            let (e, b) = get(FileKind::Facets)?;
            (Facets::open(&e.name, &b, manifest.papers)?, true)
        } else {
            (Facets::default(), false)
        };
        let (names, name_postings) = match split_of(FileKind::NameLexicon)? {
            Some((split, entries)) => (
                Lexicon::sharded(manifest.names, &split.keys, &split.starts, entries)?,
                lists(FileKind::NamePostingsChunk, manifest.names)?,
            ),
            None => {
                let (e, b) = get(FileKind::NameTerms)?;
                let names = open_fst(&e, FileKind::NameTerms, &b)?;
                let (e, b) = get(FileKind::NamePostings)?;
                let name_postings = ListFile::open(&e.name, FileKind::NamePostings, b)?;
                if name_postings.n_terms() as usize != names.len() {
                    return Err(FormatError::Corrupt {
                        file: e.name,
                        what: format!("{} lists for {} names", name_postings.n_terms(), names.len()),
                    });
                }
                (Lexicon::whole(names, None), name_postings)
            }
        };
        // Topic details: listed from the start (a paper view fetches its paper's chunk).
        let details: Vec<FileEntry> = manifest.files_of(FileKind::TopicDetail).cloned().collect();
        let topic_details = if details.is_empty() {
            TopicDetails::default()
        } else {
            TopicDetails::listed(manifest.papers, manifest.topic_detail_per_chunk, details)?
        };
        // Chunked positions: present from the start, each chunk fetched when a phrase reads it.
        let positions = match split_of(FileKind::PositionsChunk)? {
            Some((split, entries)) => Some(ListFile::chunked(split.total, &split.starts, entries)?),
            None => None,
        };
        Ok(Index {
            manifest,
            terms,
            postings,
            names,
            name_postings,
            positions,
            pairs: PairTable::default(),
            norms,
            docs,
            doc_ids,
            facets,
            facets_loaded,
            facets_wanted: Default::default(),
            authors: None,
            topics: None,
            topic_columns: Vec::new(),
            paper_map: None,
            topic_details,
            topics_wanted: Default::default(),
            map_wanted: Default::default(),
        })
    }

    /// Adds the positions file (needed by phrase queries).
    pub fn attach_positions(&mut self, bytes: Vec<u8>) -> Result<(), FormatError> {
        let entry = self.entry(FileKind::Positions)?;
        verify_entry(&entry, &bytes)?;
        let file = ListFile::open(&entry.name, FileKind::Positions, bytes)?;
        let n_terms = self.postings.n_terms();
        let pairs = PairTable::open(&entry.name, n_terms, file.n_terms(), || file.list_bytes(n_terms))?;
        self.positions = Some(file);
        self.pairs = pairs;
        Ok(())
    }

    /// Adds a chunk of the document store (a `docs-chunk` file the manifest lists).
    pub fn attach_doc_chunk(&mut self, entry: &FileEntry, bytes: Vec<u8>) -> Result<(), FormatError> {
        if !self.manifest.files_of(FileKind::DocsChunk).any(|e| e == entry) {
            return Err(FormatError::Manifest(format!("`{}` is not a document chunk of this index", entry.name)));
        }
        verify_entry(entry, &bytes)?;
        self.docs.attach(&entry.name, bytes)
    }

    /// The document number of a paper id, from the id map of a chunked store (`None` when
    /// the store is one file: the ids are read from it instead).
    pub fn doc_of_id(&self, id: &str) -> Option<Option<u32>> {
        let ids = self.doc_ids.as_ref()?;
        Some(ids.ordinal(id).filter(|&d| d < self.manifest.papers))
    }

    /// Whether looking up `id` waits for a shard of the paper-id map (recorded as missing).
    pub fn id_pending(&self, id: &str) -> bool {
        self.doc_ids.as_ref().is_some_and(|ids| !ids.has_key_range(id.as_bytes()))
    }

    /// Adds the author facet.
    pub fn attach_authors(&mut self, bytes: Vec<u8>) -> Result<(), FormatError> {
        let entry = self.entry(FileKind::Authors)?;
        verify_entry(&entry, &bytes)?;
        self.authors = Some(facets::open_authors(&entry.name, &bytes, self.manifest.papers)?);
        Ok(())
    }

    /// Whether the index was built with topics.
    pub fn has_topics(&self) -> bool {
        self.topic_summary_entry().is_some()
    }

    /// The file the topic summary comes from: `topic-summary`, or the whole `topics` file of
    /// an index built before the split.
    fn topic_summary_entry(&self) -> Option<&FileEntry> {
        self.manifest.file(FileKind::TopicSummary).or_else(|| self.manifest.file(FileKind::Topics))
    }

    /// Whether the topic summary is at hand; when not (and the index has topics), records that
    /// a read needs it (it is then among [`Index::take_missing`]).
    pub fn want_topics(&self) -> bool {
        if self.topics.is_none() && self.has_topics() {
            self.topics_wanted.set(true);
        }
        self.topics.is_some()
    }

    /// Every paper's place on the map, recording the topic summary as missing when it is not
    /// loaded, else the `paper-map` file (stored from the summary's topic centres).
    pub fn paper_map(&self) -> Option<&[(u16, u16)]> {
        if !self.want_topics() {
            return None;
        }
        if self.paper_map.is_none() {
            self.map_wanted.set(true);
        }
        self.paper_map.as_deref()
    }

    /// A paper's place in the topic model (topics, memberships, keyphrases, related papers),
    /// recording what is missing (the summary, the paper's detail chunk) when not loaded.
    pub fn paper_topics(&self, doc: u32) -> Option<PaperTopicsView<'_>> {
        if !self.want_topics() {
            return None;
        }
        let (detail, phrases) = self.topic_details.get(doc)?;
        let &(topic, sub) = self.topic_columns.get(doc as usize)?;
        Some(PaperTopicsView { topic, subtopic: (sub != topicfile::NO_TOPIC).then_some(sub), detail, phrases })
    }

    /// The topic files to fetch once the first results are shown: with a single document
    /// store (a small corpus) all of them, else the summary alone (topic chips, the topic
    /// facet and the graph), the map and the paper details waiting until a view reads them.
    pub fn topic_files_at_start(&self) -> Vec<FileEntry> {
        if self.docs.is_chunked() {
            self.topic_summary_entry().filter(|_| self.topics.is_none()).cloned().into_iter().collect()
        } else {
            self.missing_topic_files()
        }
    }

    /// The whole topic model, when every topic file is attached (the CLI's exports; not in
    /// the app, which reads the parts).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn topic_model(&self) -> Option<crate::engine::topics::TopicModel> {
        let summary = self.topics.as_ref()?;
        let map = self.paper_map.as_ref()?;
        let mut phrases = summary.phrases.clone();
        let mut ids: rustc_hash::FxHashMap<String, u32> =
            phrases.iter().enumerate().map(|(i, p)| (p.clone(), i as u32)).collect();
        let mut papers = Vec::with_capacity(self.len() as usize);
        for doc in 0..self.len() {
            let view = self.paper_topics(doc)?;
            let keyphrases = view
                .keyphrases()
                .map(|k| {
                    *ids.entry(k.to_string()).or_insert_with(|| {
                        phrases.push(k.to_string());
                        phrases.len() as u32 - 1
                    })
                })
                .collect();
            let &(x, y) = map.get(doc as usize)?;
            papers.push(crate::engine::topics::PaperTopics {
                topic: view.topic,
                subtopic: view.subtopic,
                memberships: view.detail.memberships.clone(),
                keyphrases,
                related: view.detail.related.clone(),
                x,
                y,
            });
        }
        Some(crate::engine::topics::TopicModel {
            phrases,
            topics: summary.topics.clone(),
            edges: summary.edges.clone(),
            papers,
            trends: summary.trends.clone(),
        })
    }

    /// The topic files not attached yet: the summary (or the whole legacy file), the map and
    /// every detail chunk.
    fn missing_topic_files(&self) -> Vec<FileEntry> {
        let mut out = Vec::new();
        if self.topics.is_none() {
            out.extend(self.topic_summary_entry().cloned());
        }
        if self.paper_map.is_none() {
            out.extend(self.manifest.file(FileKind::PaperMap).cloned());
        }
        out.extend(self.topic_details.missing_all());
        out
    }

    /// Attaches a topic file after its checks against the manifest.
    fn attach_topic_file(&mut self, kind: FileKind, entry: &FileEntry, bytes: &[u8]) -> Result<(), FormatError> {
        let payload = unframe(&entry.name, kind, bytes)?;
        let papers = self.manifest.papers;
        match kind {
            FileKind::Topics => {
                let model = topicfile::decode(&entry.name, payload, papers)?;
                let ((summary, columns), map, details) = topicfile::split(model);
                self.topics = Some(summary);
                self.topic_columns = columns;
                self.paper_map = Some(map);
                self.topic_details = TopicDetails::whole(details);
            }
            FileKind::TopicSummary => {
                let (summary, columns) = topicfile::decode_summary(&entry.name, payload, papers)?;
                self.topics = Some(summary);
                self.topic_columns = columns;
            }
            FileKind::PaperMap => {
                // Positions are stored from their topics' centres: the summary comes first
                // (readers ask for the map only once it is attached).
                let Some(summary) = &self.topics else {
                    return Err(FormatError::Manifest(format!("`{}`: the topic summary is not loaded", entry.name)));
                };
                self.paper_map =
                    Some(topicfile::decode_map(&entry.name, payload, &summary.topics, &self.topic_columns)?);
            }
            _ => {
                // Memberships name the summary's topics: it comes first (readers ask for a
                // paper's details only once it is attached), and the two must agree.
                let topics = self.topics.as_ref().map_or(0, |s| s.topics.len());
                let chunk = topicfile::decode_detail(&entry.name, payload, papers)?;
                if chunk.topics as usize != topics {
                    return Err(FormatError::Corrupt {
                        file: entry.name.clone(),
                        what: format!("written for {} topics, the summary has {topics}", chunk.topics),
                    });
                }
                self.topic_details.attach(entry, chunk)?;
            }
        }
        Ok(())
    }

    /// The manifest entry of `kind`.
    pub fn entry(&self, kind: FileKind) -> Result<FileEntry, FormatError> {
        self.manifest
            .file(kind)
            .cloned()
            .ok_or_else(|| FormatError::Manifest(format!("no `{}` file listed", kind.role())))
    }

    /// Number of papers.
    pub fn len(&self) -> u32 {
        self.manifest.papers
    }

    /// Whether the index has no papers.
    pub fn is_empty(&self) -> bool {
        self.manifest.papers == 0
    }

    /// The quantised length of `field` (0 title, 1 abstract, 2 authors) of `doc`, decoded.
    pub fn field_len(&self, doc: u32, field: usize) -> u32 {
        self.norms.get(doc as usize * 3 + field).map_or(0, |&b| super::format::LENGTHS.decode(b))
    }

    /// The ordinal of a stemmed term.
    pub fn term_ordinal(&self, term: &str) -> Option<u32> {
        self.terms.ordinal(term).filter(|&o| o < self.postings.n_terms())
    }

    /// The ordinal of an author-name token.
    pub fn name_ordinal(&self, name: &str) -> Option<u32> {
        self.names.ordinal(name).filter(|&o| o < self.name_postings.n_terms())
    }

    /// The term ordinal of a surface word (normalised, unstemmed), if the corpus has the word.
    pub fn surface_ordinal(&self, surface: &str) -> Option<u32> {
        let n = self.postings.n_terms();
        if let Some(o) = self
            .terms
            .word_value(surface)
            .and_then(|v| u32::try_from(super::words::unpack(v).0).ok())
            .filter(|&o| o < n)
        {
            return Some(o);
        }
        self.term_ordinal(surface).filter(|&o| self.terms.term_is_surface(o))
    }

    /// The share (1–255) of a surface word among its term's occurrences, if the corpus has it.
    pub fn surface_share(&self, surface: &str) -> Option<u8> {
        if let Some(v) = self.terms.word_value(surface) {
            return Some(super::words::unpack(v).1);
        }
        self.term_ordinal(surface).and_then(|o| self.terms.term_share(o))
    }

    /// Document frequency of term `ordinal`: stored with its dictionary shard, or read from
    /// the postings of a whole index.
    pub fn doc_freq(&self, ordinal: u32) -> u32 {
        doc_freq(&self.terms, &self.postings, ordinal)
    }

    /// Document frequency of author name `ordinal`.
    pub fn name_doc_freq(&self, ordinal: u32) -> u32 {
        doc_freq(&self.names, &self.name_postings, ordinal)
    }

    /// The dictionary shards and list chunks searches asked for but found missing since the
    /// last call (fetch them, [`Index::attach_file`] them and search again).
    pub fn take_missing(&self) -> Vec<FileEntry> {
        let mut out = self.terms.take_missing();
        out.extend(self.postings.take_missing());
        out.extend(self.names.take_missing());
        out.extend(self.name_postings.take_missing());
        out.extend(self.doc_ids.iter().flat_map(Lexicon::take_missing));
        out.extend(self.positions.iter().flat_map(ListFile::take_missing));
        if self.facets_wanted.replace(false) && !self.facets_loaded {
            out.extend(self.manifest.file(FileKind::Facets).cloned());
        }
        // The summary before the map and details (a detail chunk is checked against it).
        if self.topics_wanted.replace(false) && self.topics.is_none() {
            out.extend(self.topic_summary_entry().cloned());
        }
        if self.map_wanted.replace(false) && self.paper_map.is_none() {
            out.extend(self.manifest.file(FileKind::PaperMap).cloned());
        }
        out.extend(self.topic_details.take_missing());
        out
    }

    /// Whether reads since the last [`Index::take_missing`] asked for shards or chunks that are
    /// not attached (the search that made them is not final).
    pub fn awaits_shards(&self) -> bool {
        self.terms.has_missing()
            || self.postings.has_missing()
            || self.names.has_missing()
            || self.name_postings.has_missing()
            || self.facets_wanted.get()
            || self.topics_wanted.get()
            || self.map_wanted.get()
            || self.topic_details.has_missing()
            || self.positions.as_ref().is_some_and(ListFile::has_missing)
    }

    /// Whether the phrase-pair table is at hand. Chunked positions keep it in a chunk of its
    /// own: until it is attached this records it as missing and answers false.
    pub fn pairs_ready(&self) -> bool {
        let Some(positions) = self.positions.as_ref() else { return false };
        let n_terms = self.postings.n_terms();
        if !positions.is_chunked() || positions.n_terms() == n_terms || !self.pairs.is_empty() {
            return true;
        }
        // (The read fails and records the table's chunk.)
        let _ = positions.list_bytes(n_terms);
        false
    }

    /// Whether the facets are at hand; when not, records that a search needs them (they are
    /// then among [`Index::take_missing`]).
    pub fn want_facets(&self) -> bool {
        if !self.facets_loaded {
            self.facets_wanted.set(true);
        }
        self.facets_loaded
    }

    /// Every dictionary shard, list chunk and topic file not attached yet.
    pub fn missing_shards(&self) -> Vec<FileEntry> {
        let mut out = self.terms.missing_all();
        out.extend(self.postings.missing_all());
        out.extend(self.names.missing_all());
        out.extend(self.name_postings.missing_all());
        out.extend(self.doc_ids.iter().flat_map(Lexicon::missing_all));
        out.extend(self.positions.iter().flat_map(ListFile::missing_all));
        if !self.facets_loaded {
            out.extend(self.manifest.file(FileKind::Facets).cloned());
        }
        out.extend(self.missing_topic_files());
        out
    }

    /// Whether the dictionaries and lists come in shards fetched on demand.
    pub fn is_sharded(&self) -> bool {
        self.terms.is_sharded() || self.postings.is_chunked()
    }

    /// Attaches a fetched file the manifest lists (a dictionary shard, a postings, positions or
    /// document chunk, the facets, the positions or author file, a topic file), after checking
    /// it against its entry.
    pub fn attach_file(&mut self, entry: &FileEntry, bytes: Vec<u8>) -> Result<(), FormatError> {
        let kind = FileKind::from_role(&entry.role)
            .ok_or_else(|| FormatError::Manifest(format!("`{}` has an unknown role `{}`", entry.name, entry.role)))?;
        if !self.manifest.files_of(kind).any(|e| e == entry) {
            return Err(FormatError::Manifest(format!("`{}` is not a file of this index", entry.name)));
        }
        verify_entry(entry, &bytes)?;
        match kind {
            FileKind::Lexicon => self.terms.attach(entry, kind, &bytes),
            FileKind::NameLexicon => self.names.attach(entry, kind, &bytes),
            FileKind::PostingsChunk => self.postings.attach(entry, kind, bytes),
            FileKind::NamePostingsChunk => self.name_postings.attach(entry, kind, bytes),
            FileKind::DocsChunk => self.attach_doc_chunk(entry, bytes),
            FileKind::PositionsChunk => {
                let n_terms = self.postings.n_terms();
                let Some(positions) = self.positions.as_mut() else {
                    return Err(FormatError::Manifest(format!(
                        "`{}`: this index has no chunked positions",
                        entry.name
                    )));
                };
                positions.attach(entry, kind, bytes)?;
                if self.pairs.is_empty() && positions.n_terms() > n_terms && positions.is_loaded(n_terms) {
                    self.pairs =
                        PairTable::open(&entry.name, n_terms, positions.n_terms(), || positions.list_bytes(n_terms))?;
                }
                Ok(())
            }
            FileKind::Facets => {
                self.facets = Facets::open(&entry.name, &bytes, self.manifest.papers)?;
                self.facets_loaded = true;
                Ok(())
            }
            FileKind::Positions => self.attach_positions(bytes),
            FileKind::Authors => self.attach_authors(bytes),
            FileKind::Topics | FileKind::TopicSummary | FileKind::PaperMap | FileKind::TopicDetail => {
                self.attach_topic_file(kind, entry, &bytes)
            }
            FileKind::DocIdShard => match self.doc_ids.as_mut() {
                Some(ids) => ids.attach(entry, kind, &bytes),
                None => Err(FormatError::Manifest(format!("`{}`: this index has no paper-id map", entry.name))),
            },
            _ => Err(FormatError::Manifest(format!("`{}` is not a shard or chunk", entry.name))),
        }
    }

    /// Opens the index in `dir` (native): every file, positions and authors included.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn open_dir(dir: &std::path::Path) -> Result<Index, crate::engine::error::Error> {
        use crate::engine::error::Error;
        let manifest_path = dir.join("manifest.json");
        let manifest_bytes = std::fs::read(&manifest_path).map_err(|source| Error::Io {
            path: format!(
                "{} (build an index with `papersift build --out {}`)",
                manifest_path.display(),
                dir.display()
            ),
            source,
        })?;
        let read = |entry: &FileEntry| -> Result<Vec<u8>, FormatError> {
            std::fs::read(dir.join(&entry.name)).map_err(|_| FormatError::MissingFile { file: entry.name.clone() })
        };
        let mut index = Index::load(&manifest_bytes, read)?;
        for chunk in index.docs.missing_all() {
            let bytes = read(&chunk)?;
            index.attach_doc_chunk(&chunk, bytes)?;
        }
        for shard in index.missing_shards() {
            let bytes = read(&shard)?;
            index.attach_file(&shard, bytes)?;
        }
        if index.positions.is_none() {
            let positions = read(&index.entry(FileKind::Positions)?)?;
            index.attach_positions(positions)?;
        }
        let authors = read(&index.entry(FileKind::Authors)?)?;
        index.attach_authors(authors)?;
        Ok(index)
    }
}

/// A term's document frequency from its dictionary shard, else from its list.
pub(crate) fn doc_freq(lexicon: &Lexicon, lists: &ListFile, ordinal: u32) -> u32 {
    match lexicon.doc_freq(ordinal) {
        Some(df) => df,
        None if lexicon.is_sharded() => 0,
        None => lists.doc_freq(ordinal).unwrap_or(0),
    }
}
