//! Typed errors of the engine.
//!
//! Two families: [`InputError`] for paper listings the user gave us (each names the file, the
//! line and what to fix) and [`FormatError`] for index files that cannot be read (wrong version,
//! truncated, corrupt). [`Error`] wraps both plus I/O. Messages are written for the person who
//! has to fix the problem, not for the programmer.

use std::fmt;

/// What is wrong with one record (a listing entry or a JSON line) of an input file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputProblem {
    /// The file has no bytes, or only whitespace.
    #[error("the file is empty: a listing needs at least one title followed by its abstract")]
    EmptyFile,
    /// A record's title is missing, blank, or blank once markup is removed.
    #[error("empty title: every paper needs a non-blank `title`")]
    EmptyTitle,
    /// A record has no abstract at all.
    #[error("missing abstract: every paper needs an `abstract` (in a listing: a paragraph after the title)")]
    MissingAbstract,
    /// A line is not valid UTF-8.
    #[error("invalid UTF-8 at byte {byte} of the line: save the file as UTF-8")]
    InvalidUtf8 {
        /// Byte offset within the line of the first invalid sequence.
        byte: usize,
    },
    /// A line is longer than the reader accepts.
    #[error("line longer than {limit} bytes: is this really a paper listing? (no paper needs that much)")]
    LineTooLong {
        /// The limit that was exceeded, in bytes.
        limit: usize,
    },
    /// A JSON Lines record does not parse.
    #[error("invalid JSON: {0}")]
    InvalidJson(String),
    /// A JSON Lines record is valid JSON but not an object.
    #[error("expected a JSON object like {{\"title\": ..., \"abstract\": ...}}, found {0}")]
    NotAnObject(&'static str),
    /// A field has the wrong JSON type.
    #[error("field `{field}` must be {expected}")]
    WrongFieldType {
        /// The field's name.
        field: &'static str,
        /// What the field must be, in words.
        expected: &'static str,
    },
    /// The listing's first paragraph after the header is not a title.
    #[error("expected a paper title (one line, at most {max} characters), found a paragraph of {found} characters")]
    ExpectedTitle {
        /// Longest accepted title.
        max: usize,
        /// Length of what was found.
        found: usize,
    },
    /// A field is longer than any paper needs.
    #[error("field `{field}` is {found} bytes long; the limit is {limit}")]
    FieldTooLong {
        /// The field's name.
        field: &'static str,
        /// Its length.
        found: usize,
        /// The limit.
        limit: usize,
    },
}

/// A problem with one input file, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file as the user named it.
    pub path: String,
    /// 1-based line number, when the problem has one.
    pub line: Option<usize>,
    /// What is wrong.
    pub problem: InputProblem,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path, line, self.problem),
            None => write!(f, "{}: {}", self.path, self.problem),
        }
    }
}

impl std::error::Error for InputError {}

/// Why an index file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The file does not start with papersift's magic bytes.
    #[error("{file}: not a papersift index file (bad magic bytes); rebuild the index with `papersift build`")]
    BadMagic {
        /// The file's name.
        file: String,
    },
    /// The file is a papersift file of another kind than expected.
    #[error("{file}: expected a {expected} file, found a {found} file; the index folder is mixed up, rebuild it")]
    WrongKind {
        /// The file's name.
        file: String,
        /// The kind the reader wanted.
        expected: &'static str,
        /// The kind found.
        found: String,
    },
    /// The file was written by another format version.
    #[error("{file}: index format version {found}, but this papersift reads version {expected}; rebuild the index with this version of `papersift build`")]
    Version {
        /// The file's name.
        file: String,
        /// The version this reader understands.
        expected: u32,
        /// The version in the file.
        found: u32,
    },
    /// A document chunk that has not been fetched yet (not a fault: fetch it and retry).
    #[error("{file}: not loaded yet; fetch this document chunk first")]
    NotLoaded {
        /// The chunk file's name.
        file: String,
    },
    /// The file is shorter than its header says.
    #[error("{file}: truncated ({available} bytes, {needed} expected); the download or copy was cut short, fetch or rebuild it")]
    Truncated {
        /// The file's name.
        file: String,
        /// Bytes the header promised.
        needed: u64,
        /// Bytes present.
        available: u64,
    },
    /// The checksum does not match the content.
    #[error("{file}: checksum mismatch, the file is corrupt; fetch or rebuild it")]
    Checksum {
        /// The file's name.
        file: String,
    },
    /// The file's hash differs from the one the manifest lists.
    #[error("{file}: content differs from the manifest (hash {found}, manifest says {expected}); the index folder mixes two builds, rebuild or re-upload it")]
    HashMismatch {
        /// The file's name.
        file: String,
        /// Hash listed in the manifest.
        expected: String,
        /// Hash of the bytes read.
        found: String,
    },
    /// The framing is intact but the content does not decode.
    #[error("{file}: corrupt content ({what}); rebuild the index")]
    Corrupt {
        /// The file's name.
        file: String,
        /// What failed to decode.
        what: String,
    },
    /// `manifest.json` is missing a required part or does not parse.
    #[error("manifest.json: {0}; rebuild the index with `papersift build`")]
    Manifest(String),
    /// A file listed in the manifest is not there.
    #[error("{file}: listed in the manifest but missing; copy the whole index folder")]
    MissingFile {
        /// The file's name.
        file: String,
    },
}

/// Any error the engine reports.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input data.
    #[error("{0}")]
    Input(#[from] InputError),
    /// Several bad records (the build stops after collecting a few).
    #[error("{}", format_input_errors(.0))]
    Inputs(Vec<InputError>),
    /// An unreadable index.
    #[error("{0}")]
    Format(#[from] FormatError),
    /// The operating system refused a read or write.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder involved.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The input held no papers at all.
    #[error("no papers found in {0}; give a listing (.txt), a .jsonl or a .jsonl.gz file, or a folder of them")]
    NoPapers(String),
}

fn format_input_errors(errors: &[InputError]) -> String {
    let mut out = String::new();
    for (i, e) in errors.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&e.to_string());
    }
    out.push_str("\n(use --skip-invalid to build from the valid papers and list what was skipped)");
    out
}

/// Result alias for engine operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_error_names_file_and_line() {
        let e = InputError { path: "papers.jsonl".into(), line: Some(7), problem: InputProblem::EmptyTitle };
        let text = e.to_string();
        assert!(text.starts_with("papers.jsonl:7: empty title"), "{text}");
    }

    #[test]
    fn version_error_says_what_to_do() {
        let e = FormatError::Version { file: "postings.bin".into(), expected: 2, found: 1 };
        let text = e.to_string();
        assert!(text.contains("version 1") && text.contains("reads version 2"));
        assert!(text.contains("papersift build"));
    }
}
