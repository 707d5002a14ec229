//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use papersift::engine::corpus::{read_inputs, Corpus, Paper, ReadOptions};
use papersift::engine::index::build::write_index;
use papersift::engine::index::{build_index, BuildOptions, Index};
use papersift::engine::search::{Engine, Results};

/// What two searches must agree on: the number of results and the page, each hit's paper and
/// exact score.
pub fn outcome(r: &Results) -> (usize, Vec<(u32, u32)>) {
    (r.total, r.hits.iter().map(|h| (h.doc, h.score.to_bits())).collect())
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled seed listing.
pub fn seed_dir() -> PathBuf {
    root().join("seeds")
}

/// Reads inputs with default options.
pub fn read(paths: &[PathBuf]) -> Corpus {
    read_inputs(paths, ReadOptions::default(), &mut |_, _| {}).expect("inputs read")
}

/// A fresh temporary directory under the target dir (no extra crates needed).
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = root().join("target").join("test-tmp").join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Builds an index of `paths` into a temp dir and opens an engine on it.
pub fn engine_for(paths: &[PathBuf], name: &str) -> (Engine, PathBuf) {
    engine_with(paths, name, &BuildOptions::default())
}

/// [`engine_for`] with build options.
pub fn engine_with(paths: &[PathBuf], name: &str, options: &BuildOptions) -> (Engine, PathBuf) {
    let corpus = read(paths);
    let built = build_index(&corpus.papers, options, &mut |_, _| {});
    let dir = temp_dir(name);
    write_index(&dir, &built).expect("write index");
    (Engine::new(Index::open_dir(&dir).expect("open index")), dir)
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path
}

/// A paper with only an id, a title and an abstract.
pub fn paper(id: &str, title: &str, abstract_text: &str) -> Paper {
    Paper {
        id: id.into(),
        title: title.into(),
        abstract_text: abstract_text.into(),
        authors: vec![],
        categories: vec![],
        date: None,
        listed: None,
        url: None,
        links: vec![],
    }
}
