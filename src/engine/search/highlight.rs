//! Highlighting: which parts of a title and of a query-dependent abstract snippet matched, as
//! byte ranges (never HTML, so the UI decides how to mark them and nothing in a paper can
//! inject markup).

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashMap;

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
    /// The text as HTML: every character escaped (`&`, `<`, `>`, `"`, `'`), matches wrapped in
    /// `<mark>`. Lets the UI set a whole snippet with one DOM call instead of a node per piece;
    /// the escaping is what keeps paper text from ever becoming markup.
    pub fn to_html(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + self.ranges.len() * 13 + 16);
        for (piece, hit) in self.pieces() {
            if hit {
                out.push_str("<mark>");
            }
            escape_html_into(piece, &mut out);
            if hit {
                out.push_str("</mark>");
            }
        }
        out
    }

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

/// Appends `text` with HTML's special characters escaped.
pub fn escape_html_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Target snippet length in characters.
pub const SNIPPET_CHARS: usize = 240;

/// Marks matches in text, given the ordinals of matched terms.
///
/// Highlighting runs on every result shown, for every keystroke, so it avoids stemming each
/// word of an abstract: the matched terms' strings are looked up once (the term FST maps
/// ordinals back to keys), and only words sharing a matched term's first two letters are
/// stemmed and compared (stemming only ever changes the end of a word).
pub struct Highlighter<'a> {
    analyzer: &'a Analyzer,
    /// Matched term string → its ordinal.
    terms: HashMap<String, u32>,
    /// First two bytes of each matched term, as a 65,536-bit set (one bit test per word).
    prefixes: Prefixes,
    /// Surface word → matched ordinal (or none), for words already checked.
    cache: FxHashMap<String, Option<u32>>,
}

/// A set of two-byte prefixes.
struct Prefixes(Vec<u64>);

impl Prefixes {
    fn new<'s>(terms: impl Iterator<Item = &'s String>) -> Self {
        let mut bits = vec![0u64; 1024];
        for t in terms {
            let i = Self::index(prefix2(t));
            bits[i / 64] |= 1 << (i % 64);
        }
        Prefixes(bits)
    }

    fn index(p: [u8; 2]) -> usize {
        usize::from(p[0]) << 8 | usize::from(p[1])
    }

    fn contains(&self, p: &[u8; 2]) -> bool {
        let i = Self::index(*p);
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
}

fn prefix2(s: &str) -> [u8; 2] {
    let mut out = [0u8; 2];
    for (slot, b) in out.iter_mut().zip(s.bytes().filter(|&b| b != b'-')) {
        *slot = b;
    }
    out
}

impl<'a> Highlighter<'a> {
    /// A highlighter for one result page.
    pub fn new(index: &'a Index, analyzer: &'a Analyzer, matched: &'a HashSet<u32>) -> Self {
        let mut terms = HashMap::new();
        for &ord in matched {
            if let Some(key) = index.terms.key_of(ord) {
                terms.insert(key, ord);
            }
        }
        let prefixes = Prefixes::new(terms.keys());
        Highlighter { analyzer, terms, prefixes, cache: FxHashMap::default() }
    }

    /// Byte ranges of matched words in `text`, with each match's term ordinal.
    fn matches(&mut self, text: &str) -> Vec<(usize, usize, u32)> {
        if self.terms.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut tokens = Vec::new();
        for word in crate::engine::text::words(text) {
            let (start, end) = (word.parts[0].0, word.parts[word.parts.len() - 1].1);
            let raw = &text[start..end];
            // Most words cannot match: their first letters differ from every matched term's.
            // Checked on the raw text, so they are not even normalised.
            let candidate = match crate::engine::text::ascii_prefix2(raw) {
                Some(p) => {
                    self.prefixes.contains(&p)
                        || word.parts.iter().any(|&(s, e)| {
                            crate::engine::text::ascii_prefix2(&text[s..e]).is_some_and(|p| self.prefixes.contains(&p))
                        })
                }
                None => true,
            };
            if !candidate {
                continue;
            }
            tokens.clear();
            crate::engine::text::surfaces_into(raw, 0, &mut tokens);
            for t in &tokens {
                if !self.prefixes.contains(&prefix2(&t.surface)) {
                    continue;
                }
                let ord = match self.cache.get(&t.surface) {
                    Some(o) => *o,
                    None => {
                        let o = self.terms.get(&self.analyzer.term_of(&t.surface, t.acronym_plural)).copied();
                        self.cache.insert(t.surface.clone(), o);
                        o
                    }
                };
                if let Some(o) = ord {
                    out.push((start + t.start, start + t.end, o));
                }
            }
        }
        crate::engine::sort::sort_list(&mut out, Ord::cmp);
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
    crate::engine::sort::sort_list(&mut ranges, Ord::cmp);
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
    fn html_escapes_everything_but_its_own_marks() {
        let text = "<script>alert('x')</script> & \"quoted\" <img onerror=x> model";
        let start = text.find("model").unwrap();
        let m = Marked { text: text.into(), ranges: vec![(start, start + 5)] };
        let html = m.to_html();
        assert_eq!(
            html,
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot; &lt;img onerror=x&gt; <mark>model</mark>"
        );
        // The only tags left are the marks we added.
        let tags: Vec<&str> = html.match_indices('<').map(|(i, _)| &html[i..i + 6]).collect();
        assert_eq!(tags, vec!["<mark>", "</mark"]);
    }

    #[test]
    fn boundaries_are_char_safe() {
        let text = "ééé ààà ööö";
        assert!(text.is_char_boundary(word_end(text, 5)));
        assert!(text.is_char_boundary(back_off(text, text.len(), 4)));
    }
}
