//! Parts of an index fetched on demand: the bookkeeping shared by sharded dictionaries
//! ([`super::lexicon`]) and chunked lists ([`super::postings`]). Each part is either at hand
//! from the start (a whole file) or a manifest entry attached once fetched; a read of a part
//! not attached records it, so a caller can fetch what a search asked for
//! ([`Parts::take_missing`]) and run the search again.

use std::cell::RefCell;
use std::collections::BTreeSet;

use super::manifest::FileEntry;
use crate::engine::error::FormatError;

/// Checks a manifest's split of `n` ordinals over `parts` files of `what`: one start per file,
/// the first at 0, increasing, each below `n`.
pub fn check_starts(what: &str, n: u32, starts: &[u32], parts: usize) -> Result<(), FormatError> {
    let bad = |problem: String| Err(FormatError::Manifest(format!("{what}: {problem}")));
    if starts.len() != parts {
        return bad(format!("{parts} files listed for {} starts", starts.len()));
    }
    if n > 0 && starts.first() != Some(&0) {
        return bad("the first does not start at 0".into());
    }
    if !starts.windows(2).all(|w| w[0] < w[1]) || starts.last().is_some_and(|&l| l >= n) {
        return bad("starts are not increasing within the ordinals".into());
    }
    Ok(())
}

/// Parts in order, each with its manifest entry (none for a whole file) and, once attached,
/// its opened contents.
#[derive(Debug)]
pub struct Parts<T> {
    entries: Vec<Option<FileEntry>>,
    values: Vec<Option<T>>,
    missing: RefCell<BTreeSet<usize>>,
}

impl<T> Parts<T> {
    /// One part at hand from the start.
    pub fn whole(value: T) -> Self {
        Parts { entries: vec![None], values: vec![Some(value)], missing: Default::default() }
    }

    /// Parts listed in the manifest, none attached yet.
    pub fn listed(entries: Vec<FileEntry>) -> Self {
        let values = entries.iter().map(|_| None).collect();
        Parts { entries: entries.into_iter().map(Some).collect(), values, missing: Default::default() }
    }

    /// Number of parts.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no parts.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The index of the part listed as `entry`.
    pub fn position(&self, entry: &FileEntry) -> Option<usize> {
        self.entries.iter().position(|e| e.as_ref() == Some(entry))
    }

    /// The manifest entry of part `i`.
    pub fn entry(&self, i: usize) -> Option<&FileEntry> {
        self.entries.get(i)?.as_ref()
    }

    /// Part `i` if attached, without recording it.
    pub fn peek(&self, i: usize) -> Option<&T> {
        self.values.get(i)?.as_ref()
    }

    /// Part `i`, recording it as missing when it is not attached.
    pub fn get(&self, i: usize) -> Option<&T> {
        let value = self.peek(i);
        if value.is_none() && i < self.len() {
            self.missing.borrow_mut().insert(i);
        }
        value
    }

    /// Every attached part.
    pub fn attached(&self) -> impl Iterator<Item = &T> {
        self.values.iter().flatten()
    }

    /// Attaches part `i`.
    pub fn set(&mut self, i: usize, value: T) {
        self.values[i] = Some(value);
        self.missing.borrow_mut().remove(&i);
    }

    /// Whether the parts are files listed in the manifest (fetched on demand).
    pub fn is_listed(&self) -> bool {
        self.entries.iter().any(Option::is_some)
    }

    /// The listed parts not attached yet.
    pub fn missing_all(&self) -> Vec<FileEntry> {
        self.entries.iter().zip(&self.values).filter(|(_, v)| v.is_none()).filter_map(|(e, _)| e.clone()).collect()
    }

    /// Whether reads asked for parts not attached since the last [`Parts::take_missing`].
    pub fn has_missing(&self) -> bool {
        !self.missing.borrow().is_empty()
    }

    /// The parts reads asked for but found missing since the last call, in order.
    pub fn take_missing(&self) -> Vec<FileEntry> {
        let asked = std::mem::take(&mut *self.missing.borrow_mut());
        asked.into_iter().filter(|&i| self.values[i].is_none()).filter_map(|i| self.entries[i].clone()).collect()
    }
}
