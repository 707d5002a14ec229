//! Native file access for the corpus reader: expands folders, recognises formats by name,
//! decompresses gzip and reports progress in bytes.

use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::{Corpus, CorpusBuilder, ReadOptions, SourceFormat};
use crate::engine::error::{Error, Result};

/// The format and compression of a file, judged by its name; `None` for files a folder scan
/// skips (READMEs, hidden files, anything else).
pub fn detect_format(path: &Path) -> Option<(SourceFormat, bool)> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    if name.starts_with('.') {
        return None;
    }
    let (stem, gz) = match name.strip_suffix(".gz") {
        Some(s) => (s.to_string(), true),
        None => (name, false),
    };
    if stem.ends_with(".jsonl") || stem.ends_with(".ndjson") {
        Some((SourceFormat::JsonLines, gz))
    } else if stem.ends_with(".txt") {
        Some((SourceFormat::Listing, gz))
    } else {
        None
    }
}

/// Expands folders (recursively, in name order) into the files papersift reads; files named
/// explicitly are kept even with an unknown extension (read as listings).
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        let meta =
            std::fs::metadata(input).map_err(|source| Error::Io { path: input.display().to_string(), source })?;
        if meta.is_dir() {
            walk(input, &mut out)?;
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let io = |source| Error::Io { path: dir.display().to_string(), source };
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).map_err(io)?.map(|e| e.map(|e| e.path())).collect::<std::io::Result<_>>().map_err(io)?;
    entries.sort();
    for path in entries {
        let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, out)?;
        } else if detect_format(&path).is_some() {
            out.push(path);
        }
    }
    Ok(())
}

/// A reader that counts the bytes taken from the file (before decompression).
struct Counting<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Reads every input (files or folders) into one corpus. `progress(done, total)` is called with
/// file bytes consumed as reading goes on.
pub fn read_inputs(inputs: &[PathBuf], options: ReadOptions, progress: &mut dyn FnMut(u64, u64)) -> Result<Corpus> {
    let mut papers = Vec::new();
    let mut corpus = read_inputs_into(inputs, options, progress, &mut |p| papers.push(p))?;
    corpus.papers = papers;
    Ok(corpus)
}

/// Reads every input like [`read_inputs`], handing each paper to `sink` as it is read
/// instead of keeping it; the corpus returned has what was skipped, the warnings and the
/// sources, and no papers.
pub fn read_inputs_into(
    inputs: &[PathBuf],
    options: ReadOptions,
    progress: &mut dyn FnMut(u64, u64),
    sink: &mut dyn FnMut(super::Paper),
) -> Result<Corpus> {
    let files = expand_inputs(inputs)?;
    let described = inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
    if files.is_empty() {
        return Err(Error::NoPapers(described));
    }
    let total: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    let mut done_before = 0u64;
    let mut builder = CorpusBuilder::new(options);
    for path in &files {
        let shown = path.display().to_string();
        let (format, gz) = detect_format(path).unwrap_or((SourceFormat::Listing, false));
        let file = File::open(path).map_err(|source| Error::Io { path: shown.clone(), source })?;
        let count = Rc::new(Cell::new(0u64));
        let counted = Counting { inner: file, count: count.clone() };
        let reader: Box<dyn Read> = if gz {
            Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(1 << 16, counted)))
        } else {
            Box::new(counted)
        };
        let buffered = ProgressReader {
            inner: BufReader::with_capacity(1 << 16, reader),
            count: count.clone(),
            done_before,
            total,
            progress: &mut *progress,
            last: 0,
        };
        builder
            .read_into(&shown, format, buffered, sink)
            .map_err(|source| Error::Io { path: shown.clone(), source })?;
        done_before += count.get();
        progress(done_before, total);
        if builder.should_stop() {
            break;
        }
    }
    let read = builder.papers_read();
    let corpus = builder.finish().map_err(Error::Inputs)?;
    if read == 0 {
        return Err(Error::NoPapers(described));
    }
    Ok(corpus)
}

/// Passes `BufRead` through while reporting progress every 256 KB.
struct ProgressReader<'a, R> {
    inner: R,
    count: Rc<Cell<u64>>,
    done_before: u64,
    total: u64,
    progress: &'a mut dyn FnMut(u64, u64),
    last: u64,
}

impl<R: std::io::BufRead> Read for ProgressReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.tick();
        Ok(n)
    }
}

impl<R: std::io::BufRead> std::io::BufRead for ProgressReader<'_, R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
        self.tick();
    }
}

impl<R> ProgressReader<'_, R> {
    fn tick(&mut self) {
        let now = self.count.get();
        if now - self.last >= 1 << 18 {
            self.last = now;
            (self.progress)(self.done_before + now, self.total);
        }
    }
}
