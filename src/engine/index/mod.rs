//! The index: an FST term dictionary plus postings, positions, field lengths, a document store
//! and facet tables, written as static files with a JSON manifest.
//!
//! [`format`] owns the framing every file shares (magic, version, kind, checksum) and the
//! primitive codecs; each payload's writer and reader live together in one module
//! ([`postings`], [`docs`], [`facets`], [`lexicon`]), so they cannot drift apart. [`build`]
//! writes an index, [`read`] opens one. Large indexes come in shards ([`lexicon`] for the
//! dictionaries and the paper-id map, chunked [`postings`] lists and [`docs`]) that the reader
//! attaches as they are fetched.

pub mod build;
pub mod docs;
pub mod facets;
pub mod format;
pub mod invert;
pub mod lexicon;
pub mod manifest;
pub mod pairs;
pub mod parts;
pub mod postings;
pub mod read;
pub mod topicfile;
pub mod words;

pub use build::{build_index, BuildOptions, BuiltIndex, Layout};
pub use manifest::Manifest;
pub use read::Index;
