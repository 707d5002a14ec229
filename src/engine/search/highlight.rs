//! Highlighting: which parts of a title and of a query-dependent abstract snippet matched, as
//! byte ranges (never HTML, so the UI decides how to mark them and nothing in a paper can
//! inject markup).

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::engine::index::Index;
use crate::engine::text::Analyzer;

/// Text with the byte ranges that matched the query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Marked {
    /// The text.
    pub text: String,
    /// Sorted, non-overlapping `[start, end)` byte ranges into `text`.
    pub ranges: Vec<(usize, usize)>,
}

impl Marked {
    /// The text split into `(piece, highlighted)` runs, in order.
    pub fn pieces(&self) -> Vec<(&str, bool)> {
        let mut out = Vec::new();
        let mut at = 0;
        for &(s, e) in &self.ranges {
            if s > at {
                out.push((&self.text[at..s], false));
            }
            out.push((&self.text[s..e], true));
            at = e;
        }
        if at < self.text.len() {
            out.push((&self.text[at..], false));
        }
        out
    }
}

/// Target snippet length in characters.
pub const SNIPPET_CHARS: usize = 240;

/// Marks matches in text, given the ordinals of matched terms.
pub struct Highlighter<'a> {
    index: &'a Index,
    analyzer: &'a Analyzer,
    matched: &'a HashSet<u32>,
    cache: HashMap<String, Option<u32>>,
}

impl<'a> Highlighter<'a> {
    /// A highlighter for one result page.
    pub fn new(index: &'a Index, analyzer: &'a Analyzer, matched: &'a HashSet<u32>) -> Self {
        Highlighter { index, analyzer, matched, cache: HashMap::new() }
    }

    /// Byte ranges of matched words in `text`, with each match's term ordinal.
    fn matches(&mut self, text: &str) -> Vec<(usize, usize, u32)> {
        if self.matched.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for t in self.analyzer.analyze(text) {
            let ord = match self.cache.get(&t.term) {
                Some(o) => *o,
                None => {
                    let o = self.index.term_ordinal(&t.term);
                    self.cache.insert(t.term.clone(), o);
                    o
                }
            };
            if let Some(o) = ord.filter(|o| self.matched.contains(o)) {
                out.push((t.start, t.end, o));
            }
        }
        out.sort_unstable();
        out
    }

    /// The whole text with matches marked.
    pub fn mark(&mut self, text: &str) -> Marked {
        let ranges = merge(self.matches(text).into_iter().map(|(s, e, _)| (s, e)).collect());
        Marked { text: text.to_string(), ranges }
    }

    /// A window of about [`SNIPPET_CHARS`] characters of `text` holding the most distinct
    /// matches, cut at word boundaries, with `…` where it was cut.
    pub fn snippet(&mut self, text: &str) -> Marked {
        let matches = self.matches(text);
        let total_chars = text.chars().count();
        if total_chars <= SNIPPET_CHARS + 40 {
            let ranges = merge(matches.iter().map(|&(s, e, _)| (s, e)).collect());
            return Marked { text: text.to_string(), ranges };
        }
        let budget = byte_span(text, SNIPPET_CHARS);
        // Candidate windows start a little before each match.
        let mut best = (0usize, 0usize, 0usize);
        let mut best_start = 0usize;
        for (i, &(s, _, _)) in matches.iter().enumerate() {
            let start = back_off(text, s, 60);
            let end = start + budget(start);
            let mut distinct = HashSet::new();
            let mut count = 0;
            for &(ms, me, o) in &matches[i.saturating_sub(64)..] {
                if ms >= start && me <= end {
                    distinct.insert(o);
                    count += 1;
                }
            }
            let key = (distinct.len(), count, usize::MAX - start);
            if key > best {
                best = key;
                best_start = start;
            }
        }
        let start = word_start(text, best_start);
        let mut end = start + budget(start);
        end = word_end(text, end.min(text.len()));
        let mut out = String::new();
        let prefix = if start > 0 { "…" } else { "" };
        out.push_str(prefix);
        out.push_str(text[start..end].trim_end());
        let body_end = start + text[start..end].trim_end().len();
        if body_end < text.len() {
            out.push('…');
        }
        let shift = prefix.len();
        let ranges = merge(
            matches
                .iter()
                .filter(|&&(s, e, _)| s >= start && e <= body_end)
                .map(|&(s, e, _)| (s - start + shift, e - start + shift))
                .collect(),
        );
        Marked { text: out, ranges }
    }
}

/// Returns a function giving the byte length of `chars` characters from a start offset.
fn byte_span(text: &str, chars: usize) -> impl Fn(usize) -> usize + '_ {
    move |start| text[start..].char_indices().nth(chars).map_or(text.len() - start, |(i, _)| i)
}

/// A char boundary about `chars` characters before `at`.
fn back_off(text: &str, at: usize, chars: usize) -> usize {
    text[..at].char_indices().rev().nth(chars.saturating_sub(1)).map_or(0, |(i, _)| i)
}

/// Moves `at` forward to the start of a word (after whitespace), unless at 0.
fn word_start(text: &str, at: usize) -> usize {
    if at == 0 {
        return 0;
    }
    match text[at..].find(char::is_whitespace) {
        Some(i) if i < 30 => {
            let after = at + i;
            after + text[after..].len() - text[after..].trim_start().len()
        }
        _ => at,
    }
}

/// Moves `at` back to the end of a word (before whitespace), unless at the end.
fn word_end(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    let mut at = at;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    match text[..at].rfind(char::is_whitespace) {
        Some(i) if at - i < 30 => i,
        _ => at,
    }
}

/// Sorts and merges overlapping or touching ranges.
fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_and_pieces() {
        assert_eq!(merge(vec![(5, 9), (0, 3), (2, 4), (9, 10)]), vec![(0, 4), (5, 10)]);
        let m = Marked { text: "abc def".into(), ranges: vec![(4, 7)] };
        assert_eq!(m.pieces(), vec![("abc ", false), ("def", true)]);
    }

    #[test]
    fn boundaries_are_char_safe() {
        let text = "ééé ààà ööö";
        assert!(text.is_char_boundary(word_end(text, 5)));
        assert!(text.is_char_boundary(back_off(text, text.len(), 4)));
    }
}
