//! `manifest.json`: the index's table of contents, read first by the app and the CLI.
//!
//! It names the format and its version, gives the counts and the field-length statistics BM25
//! needs, and lists every file with its role, size and content hash (file names carry the hash
//! too, so a static host can cache them forever and the manifest alone decides what is current).

use serde::{Deserialize, Serialize};

use super::format::{FileKind, FORMAT_VERSION};
use crate::engine::error::FormatError;

/// The value of the `format` field.
pub const FORMAT_NAME: &str = "papersift-index";

/// Length statistics of one field over the corpus.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldStats {
    /// Tokens in this field over all papers.
    pub tokens: u64,
    /// Papers with at least one token in this field.
    pub papers: u64,
}

impl FieldStats {
    /// Mean length over all papers of the corpus (BM25's `avgdl`), at least 1.
    pub fn mean_len(&self, corpus_papers: u64) -> f32 {
        if corpus_papers == 0 {
            return 1.0;
        }
        (self.tokens as f64 / corpus_papers as f64).max(1.0) as f32
    }
}

/// Per-field statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Fields {
    /// Titles.
    pub title: FieldStats,
    /// Abstracts.
    #[serde(rename = "abstract")]
    pub abstract_: FieldStats,
    /// Author names.
    pub authors: FieldStats,
}

/// One file of the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// What it holds (`terms`, `postings`, …).
    pub role: String,
    /// File name within the index folder.
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// xxh3-64 of the whole file, 16 hex digits.
    pub hash: String,
}

/// What the corpus has, so the app shows only the filters that mean something.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Features {
    /// Some papers have ISO dates.
    pub dates: bool,
    /// Some papers have listing date labels.
    pub listed: bool,
    /// Some papers have categories.
    pub categories: bool,
    /// Some papers have authors.
    pub authors: bool,
    /// Some papers link to code.
    pub code: bool,
}

/// The manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// The format version of every file listed.
    pub format_version: u32,
    /// The program that wrote the index.
    pub generator: String,
    /// A title for the collection, shown by the app.
    #[serde(default)]
    pub title: String,
    /// Number of papers.
    pub papers: u32,
    /// Number of distinct indexed terms.
    pub terms: u32,
    /// Number of distinct surface words.
    pub words: u32,
    /// Number of distinct author-name tokens.
    #[serde(default)]
    pub names: u32,
    /// Field-length statistics.
    pub fields: Fields,
    /// What the corpus has.
    #[serde(default)]
    pub features: Features,
    /// Papers per document chunk when the document store is chunked (`docs-chunk` files, in
    /// order); absent (0) when it is one `docs` file.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub docs_per_chunk: u32,
    /// Papers per `topic-detail` file (in order) when the topic model is split into files;
    /// absent (0) with no topics or a whole `topics` file.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub topic_detail_per_chunk: u32,
    /// How the sharded files split their ordinals (large corpora; see
    /// [`super::lexicon`]), one entry per sharded role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub splits: Vec<Split>,
    /// The files, in build order.
    pub files: Vec<FileEntry>,
}

/// Where each file of a sharded role starts: `starts[i]` is the first ordinal of the role's
/// `i`-th file (in manifest order) and, for dictionary shards, `keys[i]` its first key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// The role split (`lexicon`, `postings-chunk`, …).
    pub role: String,
    /// First ordinal per file.
    pub starts: Vec<u32>,
    /// First key per file (dictionary shards; the first is empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
    /// Keys (or lists) over all the role's files, when not the manifest's count of terms or
    /// names (the paper-id map's distinct ids).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub total: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Manifest {
    /// Parses and checks a manifest.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, FormatError> {
        // Read the version before the full structure, so an old or newer manifest gets a
        // version error instead of a confusing missing-field error.
        // Typed all the way (no `serde_json::Value`), which keeps the wasm bundle smaller.
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
            format_version: Option<u64>,
        }
        let header: Header = serde_json::from_slice(bytes)
            .map_err(|e| FormatError::Manifest(format!("not valid JSON ({e}); is this really manifest.json?")))?;
        if header.format.as_deref() != Some(FORMAT_NAME) {
            return Err(FormatError::Manifest(format!("`format` is not \"{FORMAT_NAME}\"")));
        }
        let version = header.format_version.unwrap_or(0);
        if version != u64::from(FORMAT_VERSION) {
            return Err(FormatError::Version {
                file: "manifest.json".into(),
                expected: FORMAT_VERSION,
                found: u32::try_from(version).unwrap_or(u32::MAX),
            });
        }
        let manifest: Manifest = serde_json::from_slice(bytes).map_err(|e| FormatError::Manifest(e.to_string()))?;
        for f in &manifest.files {
            if !is_safe_file_name(&f.name) {
                return Err(FormatError::Manifest(format!("file name `{}` is not a plain file name", f.name)));
            }
        }
        Ok(manifest)
    }

    /// The entry for a role, if listed.
    pub fn file(&self, kind: FileKind) -> Option<&FileEntry> {
        self.files.iter().find(|f| f.role == kind.role())
    }

    /// Every entry for a role, in manifest order.
    pub fn files_of(&self, kind: FileKind) -> impl Iterator<Item = &FileEntry> {
        self.files.iter().filter(move |f| f.role == kind.role())
    }

    /// How the files of `kind` are split, when they are.
    pub fn split(&self, kind: FileKind) -> Option<&Split> {
        self.splits.iter().find(|s| s.role == kind.role())
    }

    /// The dictionary shards of a sharded index, those a reader's next words most likely
    /// reach first: ordered by the postings bytes their terms own (each postings chunk's
    /// bytes shared among the shards by how many of its lists fall in each), heaviest first,
    /// ties in manifest order. Frequent words own the most postings and are typed the most,
    /// so fetching shards in this order while the page is idle makes the most keystrokes
    /// find their dictionary already there. Empty for an index that is not sharded.
    pub fn lexicon_shards_by_weight(&self) -> Vec<FileEntry> {
        let (Some(lex), Some(post)) = (self.split(FileKind::Lexicon), self.split(FileKind::PostingsChunk)) else {
            return Vec::new();
        };
        let shards: Vec<&FileEntry> = self.files_of(FileKind::Lexicon).collect();
        let chunks: Vec<&FileEntry> = self.files_of(FileKind::PostingsChunk).collect();
        if shards.len() != lex.starts.len() || chunks.len() != post.starts.len() {
            return Vec::new();
        }
        let end = |split: &Split, i: usize| {
            split.starts.get(i + 1).copied().unwrap_or(if split.total > 0 { split.total } else { self.terms })
        };
        let mut weight = vec![0u64; shards.len()];
        for (c, chunk) in chunks.iter().enumerate() {
            let (cs, ce) = (post.starts[c], end(post, c));
            let lists = u64::from(ce.saturating_sub(cs).max(1));
            for (s, w) in weight.iter_mut().enumerate() {
                let (ss, se) = (lex.starts[s], end(lex, s));
                let overlap = u64::from(ce.min(se).saturating_sub(cs.max(ss)));
                *w = w.saturating_add(chunk.bytes.saturating_mul(overlap) / lists);
            }
        }
        let mut order: Vec<usize> = (0..shards.len()).collect();
        crate::engine::sort::sort_list(&mut order, |&a, &b| weight[b].cmp(&weight[a]).then(a.cmp(&b)));
        order.into_iter().map(|i| shards[i].clone()).collect()
    }

    /// Serialises with stable formatting (pretty, keys in declaration order).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a manifest always serialises");
        s.push('\n');
        s
    }
}

/// Whether `name` is a bare file name (no path separators or parent references), so a hostile
/// manifest cannot make the reader or the app fetch outside the index folder.
pub fn is_safe_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_checked_before_structure() {
        let err = Manifest::parse(br#"{"format":"papersift-index","format_version":0}"#).unwrap_err();
        assert!(matches!(err, FormatError::Version { found: 0, .. }), "{err}");
        let err = Manifest::parse(b"<html>").unwrap_err();
        assert!(err.to_string().contains("not valid JSON"));
        let err = Manifest::parse(br#"{"format":"other"}"#).unwrap_err();
        assert!(err.to_string().contains("papersift-index"));
    }

    #[test]
    fn file_names_must_be_plain() {
        assert!(is_safe_file_name("postings.0123abcd.bin"));
        for bad in ["../x", "/etc/passwd", "a/b", ".hidden", "", "x?y", "https:x"] {
            assert!(!is_safe_file_name(bad), "{bad}");
        }
    }

    fn entry(role: &str, name: &str, bytes: u64) -> FileEntry {
        FileEntry { role: role.into(), name: name.into(), bytes, hash: "0".repeat(16) }
    }

    #[test]
    fn lexicon_shards_are_ordered_by_the_postings_they_own() {
        let mut m = Manifest::parse(
            br#"{"format":"papersift-index","format_version":1,"generator":"t","title":"","papers":3,"terms":100,"words":0,"names":0,
                "fields":{"title":{"tokens":0,"papers":0},"abstract":{"tokens":0,"papers":0},"authors":{"tokens":0,"papers":0}},
                "features":{"dates":false,"listed":false,"categories":false,"authors":false,"code":false},"files":[]}"#,
        )
        .unwrap();
        assert!(m.lexicon_shards_by_weight().is_empty(), "not sharded");
        // Three shards of terms 0-39, 40-79, 80-99; postings chunks of lists 0-49 (small)
        // and 50-99 (large).
        m.splits = vec![
            Split {
                role: "lexicon".into(),
                starts: vec![0, 40, 80],
                keys: vec![String::new(), "f".into(), "p".into()],
                total: 0,
            },
            Split { role: "postings-chunk".into(), starts: vec![0, 50], keys: Vec::new(), total: 0 },
        ];
        m.files = vec![
            entry("lexicon", "a", 10),
            entry("lexicon", "b", 10),
            entry("lexicon", "c", 10),
            entry("postings-chunk", "p0", 100),
            entry("postings-chunk", "p1", 1000),
        ];
        // a: 40/50 of 100 = 80; b: 10/50 of 100 + 30/50 of 1000 = 620; c: 20/50 of 1000 = 400.
        let order: Vec<String> = m.lexicon_shards_by_weight().into_iter().map(|e| e.name).collect();
        assert_eq!(order, vec!["b", "c", "a"]);
        // A split that does not match the files is ignored rather than trusted.
        m.files.pop();
        assert!(m.lexicon_shards_by_weight().is_empty());
    }
}
