//! The one text analyzer, used to build the index and to read queries, natively and in wasm.
//!
//! Words are found in the original text (so every token carries byte offsets for highlighting),
//! then normalised: NFKC, lower case, accents folded. What researchers type survives:
//! acronyms and mixed case fold to one form (`LoRA`, `lora`), acronym plurals lose their `s`
//! (`LLMs` → `llm`, which English stemming would miss), hyphenated compounds are indexed as
//! their parts *and* joined (`pre-training` → `pre`, `train`, `pretrain`; so `pretraining`
//! finds it), numbers keep decimal points and units (`1.7B` → `1.7b`). Words without digits
//! are stemmed with Snowball English; a short stop list (Lucene's 33 English words) is dropped
//! but still occupies positions so phrases line up. URLs are skipped.

use rust_stemmers::{Algorithm, Stemmer};

/// Lucene's default English stop words (`EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`).
pub const STOP_WORDS: [&str; 33] = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
    "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
];

/// Longest word indexed, in bytes after normalisation; longer runs are noise (hashes, base64).
pub const MAX_WORD_BYTES: usize = 48;

/// One analysed token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The indexed form (normalised and stemmed).
    pub term: String,
    /// The normalised but unstemmed form, used for completions and typo matching.
    pub surface: String,
    /// Word position; a compound's joined token shares its first part's position.
    pub position: u32,
    /// Byte range in the analysed text.
    pub start: usize,
    /// End of the byte range (exclusive).
    pub end: usize,
    /// Whether this is the joined form of a hyphenated compound.
    pub joined: bool,
}

/// Normalises, tokenises and stems text. Cheap to share; create one and reuse it.
pub struct Analyzer {
    stemmer: Stemmer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyzer(english)")
    }
}

impl Analyzer {
    /// The English analyzer.
    pub fn new() -> Self {
        Analyzer { stemmer: Stemmer::create(Algorithm::English) }
    }

    /// Analyses `text`, appending tokens to `out`; positions continue from `first_position`.
    /// Returns the position after the last word (the field's length in positions).
    pub fn analyze_into(&self, text: &str, first_position: u32, out: &mut Vec<Token>) -> u32 {
        let mut surfaces = Vec::new();
        let end = surfaces_into(text, first_position, &mut surfaces);
        out.extend(surfaces.into_iter().map(|s| Token {
            term: self.term_of(&s.surface, s.acronym_plural),
            surface: s.surface,
            position: s.position,
            start: s.start,
            end: s.end,
            joined: s.joined,
        }));
        end
    }

    /// The words of an author name, stop words kept (a token's term is its surface: names are
    /// not stemmed).
    pub fn analyze_name(&self, text: &str) -> Vec<Token> {
        let mut surfaces = Vec::new();
        name_surfaces_into(text, &mut surfaces);
        surfaces
            .into_iter()
            .map(|s| Token {
                term: s.surface.clone(),
                surface: s.surface,
                position: s.position,
                start: s.start,
                end: s.end,
                joined: s.joined,
            })
            .collect()
    }

    /// Analyses `text` from position 0.
    pub fn analyze(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        self.analyze_into(text, 0, &mut out);
        out
    }

    /// The indexed terms of `text`, in order (joined compounds included).
    pub fn terms(&self, text: &str) -> Vec<String> {
        self.analyze(text).into_iter().map(|t| t.term).collect()
    }

    /// The indexed form of one normalised word (a hyphenated compound loses its hyphens).
    pub fn term_of(&self, surface: &str, acronym_plural: bool) -> String {
        if surface.contains('-') {
            return self.term_of(&surface.replace('-', ""), acronym_plural);
        }
        if surface.bytes().any(|b| b.is_ascii_digit()) {
            return surface.to_string();
        }
        if acronym_plural || is_vowelless_plural(surface) {
            return surface[..surface.len() - 1].to_string();
        }
        self.stemmer.stem(surface).into_owned()
    }

    /// The indexed form of a single query word as typed (normalised, then stemmed).
    pub fn term_of_word(&self, word: &str) -> String {
        self.term_of(&normalize(word), is_acronym_plural(word))
    }
}

/// A token before stemming: what [`Analyzer::term_of`] turns into a [`Token`]. The index
/// builder caches stems by surface, so each distinct word is stemmed once per build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurfaceToken {
    /// The normalised, unstemmed form.
    pub surface: String,
    /// Whether the word was written as an acronym plural (`LLMs`).
    pub acronym_plural: bool,
    /// Word position.
    pub position: u32,
    /// Byte range start in the text.
    pub start: usize,
    /// Byte range end (exclusive).
    pub end: usize,
    /// Whether this is the joined form of a hyphenated compound.
    pub joined: bool,
}

/// The first two letters of a word as it would be normalised, when that is cheap to know
/// (ASCII); `None` means "normalise to find out".
pub fn ascii_prefix2(raw: &str) -> Option<[u8; 2]> {
    let mut out = [0u8; 2];
    let mut n = 0;
    for b in raw.bytes() {
        if !b.is_ascii() {
            return None;
        }
        if b == b'\'' || b == b'-' {
            continue;
        }
        if n < 2 {
            out[n] = b.to_ascii_lowercase();
            n += 1;
        } else {
            break;
        }
    }
    Some(out)
}

/// Finds and normalises the words of `text` (see the module docs), appending them to `out`
/// with positions from `first_position`; returns the position after the last word.
pub fn surfaces_into(text: &str, first_position: u32, out: &mut Vec<SurfaceToken>) -> u32 {
    surfaces_with(text, first_position, out, true)
}

/// The words of an author name: like [`surfaces_into`] but keeping stop words, which are real
/// name parts ("An", "To", "Le").
pub fn name_surfaces_into(text: &str, out: &mut Vec<SurfaceToken>) -> u32 {
    surfaces_with(text, 0, out, false)
}

fn surfaces_with(text: &str, first_position: u32, out: &mut Vec<SurfaceToken>, drop_stop_words: bool) -> u32 {
    let mut position = first_position;
    for word in words(text) {
        let first = position;
        let mut joined_surface = String::new();
        let mut emitted_parts = 0usize;
        for &(start, end) in &word.parts {
            let surface = normalize(&text[start..end]);
            let acronym_plural = is_acronym_plural(&text[start..end]);
            if word.parts.len() > 1 {
                // The joined form keeps its hyphens as typed ("pre-training"), so completions
                // and corrections show a real word; its term drops them ("pretrain").
                if !joined_surface.is_empty() {
                    joined_surface.push('-');
                }
                joined_surface.push_str(&surface);
            }
            let pos = position;
            position += 1;
            if surface.is_empty() || surface.len() > MAX_WORD_BYTES || drop_stop_words && is_stop_word(&surface) {
                continue;
            }
            out.push(SurfaceToken { surface, acronym_plural, position: pos, start, end, joined: false });
            emitted_parts += 1;
        }
        if word.parts.len() > 1 && emitted_parts > 0 && joined_surface.len() <= MAX_WORD_BYTES {
            let (start, end) = (word.parts[0].0, word.parts[word.parts.len() - 1].1);
            out.push(SurfaceToken {
                surface: joined_surface,
                acronym_plural: false,
                position: first,
                start,
                end,
                joined: true,
            });
        }
    }
    position
}

/// Whether a normalised word is a stop word.
pub fn is_stop_word(surface: &str) -> bool {
    STOP_WORDS.binary_search(&surface).is_ok()
}

/// Lower case, character by character (no final-sigma rule): for comparing names the user
/// typed with stored ones. `str::to_lowercase` would add its own 4 KB to the app for a rule
/// that both sides of such a comparison apply alike.
pub fn lower_case(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// NFKC, lower case, accents removed. ASCII takes a fast path.
pub fn normalize(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    if word.is_ascii() {
        for b in word.bytes() {
            if b != b'\'' {
                out.push(b.to_ascii_lowercase() as char);
            }
        }
        return out;
    }
    let lowered: String = unicode::compose(word, true).chars().flat_map(char::to_lowercase).collect();
    out.extend(unicode::decompose_without_marks(&lowered, false).chars().filter(|&c| c != '\'' && c != '\u{2019}'));
    unicode::compose(&out, false)
}

/// Unicode normalisation forms, from one of two backends that give the same results: natively
/// the `unicode-normalization` crate; in the browser, the browser's own `String.normalize`
/// and a `\p{M}` pattern. Its composition tables would cost the app about 61 KB of its
/// 300 KB brotli budget, and every browser ships them. (`tests/unicode_cases.json` is checked
/// against both: `tests/text.rs` natively, `tests/wasm.rs` in headless Chromium.)
pub mod unicode {
    /// NFKC (`compat`) or NFC of `s`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn compose(s: &str, compat: bool) -> String {
        use unicode_normalization::UnicodeNormalization;
        if compat {
            s.nfkc().collect()
        } else {
            s.nfc().collect()
        }
    }

    /// NFKD (`compat`) or NFD of `s`, without its combining marks (General Category M).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn decompose_without_marks(s: &str, compat: bool) -> String {
        use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
        if compat {
            s.nfkd().filter(|&c| !is_combining_mark(c)).collect()
        } else {
            s.nfd().filter(|&c| !is_combining_mark(c)).collect()
        }
    }

    /// NFKC (`compat`) or NFC of `s`.
    #[cfg(target_arch = "wasm32")]
    pub fn compose(s: &str, compat: bool) -> String {
        js_sys::JsString::from(s).normalize(if compat { "NFKC" } else { "NFC" }).into()
    }

    /// NFKD (`compat`) or NFD of `s`, without its combining marks (General Category M).
    #[cfg(target_arch = "wasm32")]
    pub fn decompose_without_marks(s: &str, compat: bool) -> String {
        thread_local! {
            static MARKS: js_sys::RegExp = js_sys::RegExp::new("\\p{M}", "gu");
        }
        let decomposed = js_sys::JsString::from(s).normalize(if compat { "NFKD" } else { "NFD" });
        MARKS.with(|marks| decomposed.replace_by_pattern(marks, "")).into()
    }
}

/// `LLMs`, `PINNs`, `GANs`, `MoEs`: two or more capitals before a final lowercase `s`.
fn is_acronym_plural(original: &str) -> bool {
    let Some(stem) = original.strip_suffix('s') else {
        return false;
    };
    let upper = stem.chars().filter(|c| c.is_uppercase()).count();
    stem.chars().count() >= 2 && upper >= 2 && stem.chars().all(|c| c.is_alphanumeric())
}

/// `llms`, `dnns`: a plural whose singular has no vowel, which Snowball leaves alone.
fn is_vowelless_plural(surface: &str) -> bool {
    surface.len() >= 3
        && surface.ends_with('s')
        && !surface.ends_with("ss")
        && surface.is_ascii()
        && !surface[..surface.len() - 1].bytes().any(|b| b"aeiouy".contains(&b))
}

/// A word found in the text: one or more parts joined by hyphens.
pub(crate) struct Word {
    /// Byte ranges of the hyphen-separated parts.
    pub(crate) parts: Vec<(usize, usize)>,
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Splits text into words. A word is a run of letters and digits, which may contain a `.`
/// between digits (`1.7`), an apostrophe before a letter (`model's`), and hyphens between
/// letters or digits (which split it into parts). URLs are skipped.
pub(crate) fn words(text: &str) -> impl Iterator<Item = Word> + '_ {
    // Walks the text by byte offset, decoding one character at a time (no per-text buffer):
    // this runs over every abstract at build time and over every shown result per keystroke.
    let char_at = move |at: usize| text.get(at..).and_then(|rest| rest.chars().next());
    let mut at = 0usize;
    std::iter::from_fn(move || {
        while let Some(c) = char_at(at) {
            if !is_word_char(c) {
                at += c.len_utf8();
                continue;
            }
            if starts_url(&text[at..]) {
                at = text[at..].find(char::is_whitespace).map_or(text.len(), |i| at + i);
                continue;
            }
            let mut parts = Vec::new();
            let mut part_start = at;
            let mut j = at;
            let mut cur = c;
            let mut apostrophe_at: Option<usize> = None;
            loop {
                let next_at = j + cur.len_utf8();
                let next = char_at(next_at);
                let after_at = next_at + next.map_or(0, char::len_utf8);
                let after = next.and_then(|_| char_at(after_at));
                match next {
                    Some(n) if is_word_char(n) => {
                        j = next_at;
                        cur = n;
                    }
                    Some('.') if cur.is_ascii_digit() && after.is_some_and(|d| d.is_ascii_digit()) => {
                        j = after_at;
                        cur = after.unwrap_or(cur);
                    }
                    Some(a) if is_apostrophe(a) && cur.is_alphabetic() && after.is_some_and(char::is_alphabetic) => {
                        apostrophe_at.get_or_insert(next_at);
                        j = after_at;
                        cur = after.unwrap_or(cur);
                    }
                    Some(h) if is_hyphen(h) && after.is_some_and(is_word_char) => {
                        parts.push((part_start, trim_possessive(text, part_start, next_at, apostrophe_at.take())));
                        part_start = after_at;
                        j = after_at;
                        cur = after.unwrap_or(cur);
                    }
                    _ => {
                        parts.push((part_start, trim_possessive(text, part_start, next_at, apostrophe_at.take())));
                        at = next_at;
                        return Some(Word { parts });
                    }
                }
            }
        }
        None
    })
}

/// Letters and digits (with an ASCII fast path).
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// Ends a part before a possessive `'s` (`model's` → `model`); other apostrophes stay inside
/// the part and are dropped by [`normalize`].
fn trim_possessive(text: &str, start: usize, end: usize, apostrophe: Option<usize>) -> usize {
    if let Some(a) = apostrophe {
        let tail = &text[a..end];
        let after_quote = tail.char_indices().nth(1).map_or(tail.len(), |(i, _)| i);
        if tail[after_quote..].eq_ignore_ascii_case("s") && a > start {
            return a;
        }
    }
    end
}

fn starts_url(s: &str) -> bool {
    // Byte comparisons only: this runs for every word of every text.
    let b = s.as_bytes();
    let starts = |p: &[u8]| b.len() >= p.len() && b[..p.len()].eq_ignore_ascii_case(p);
    starts(b"http://") || starts(b"https://") || starts(b"www.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        Analyzer::new().terms(text)
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS;
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn case_accents_and_width_fold() {
        assert_eq!(terms("LoRA lora LORA"), vec!["lora", "lora", "lora"]);
        assert_eq!(terms("Café naïve"), vec!["cafe", "naiv"]);
        assert_eq!(terms("ＬｏＲＡ"), vec!["lora"], "NFKC folds full-width letters");
    }

    #[test]
    fn lower_case_folds_every_script_alike() {
        assert_eq!(lower_case("CS.LG"), "cs.lg");
        assert_eq!(lower_case("ÉCOLE Ωμέγα"), "école ωμέγα");
        // Per character: a word-final capital sigma folds like any other.
        assert_eq!(lower_case("ΟΔΟΣ"), "οδοσ");
    }

    #[test]
    fn acronym_plurals_match_singulars() {
        let a = Analyzer::new();
        assert_eq!(a.term_of_word("LLMs"), a.term_of_word("LLM"));
        assert_eq!(a.term_of_word("llms"), a.term_of_word("llm"));
        assert_eq!(a.term_of_word("PINNs"), a.term_of_word("PINN"));
        assert_eq!(a.term_of_word("DNNs"), "dnn");
        assert_eq!(a.term_of_word("MoEs"), "moe");
        assert_eq!(a.term_of_word("QMoE"), "qmoe");
    }

    #[test]
    fn compounds_index_parts_and_joined_form() {
        assert_eq!(terms("pre-training"), vec!["pre", "train", "pretrain"]);
        assert_eq!(terms("pretraining"), vec!["pretrain"]);
        assert_eq!(terms("Trans-LoRA"), vec!["tran", "lora", "translora"]);
        assert_eq!(terms("Sub-1-Bit"), vec!["sub", "1", "bit", "sub1bit"]);
        assert_eq!(terms("4-bit"), vec!["4", "bit", "4bit"]);
        // Stop words inside a compound still join: state-of-the-art.
        assert_eq!(terms("state-of-the-art"), vec!["state", "art", "stateoftheart"]);
    }

    #[test]
    fn numbers_keep_points_and_units() {
        assert_eq!(terms("a 1.7B-Parameter model"), vec!["1.7b", "paramet", "1.7bparameter", "model"]);
        assert_eq!(terms("2.6x FLOPs, ImageNet-1K."), vec!["2.6x", "flop", "imagenet", "1k", "imagenet1k"]);
        assert_eq!(terms("version 3. Next"), vec!["version", "3", "next"]);
    }

    #[test]
    fn possessives_and_quotes() {
        assert_eq!(terms("the model's loss"), vec!["model", "loss"]);
        assert_eq!(terms("the ‘quoted’ word"), vec!["quot", "word"]);
    }

    #[test]
    fn urls_are_skipped_and_offsets_point_into_the_text() {
        let text = "Code: https://github.com/a/b-c. Fast Pruning";
        let tokens = Analyzer::new().analyze(text);
        let found: Vec<&str> = tokens.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(found, vec!["Code", "Fast", "Pruning"]);
    }

    #[test]
    fn positions_count_stop_words_and_share_compound_start() {
        let tokens = Analyzer::new().analyze("scaling laws of pre-training");
        let pos: Vec<(&str, u32)> = tokens.iter().map(|t| (t.term.as_str(), t.position)).collect();
        assert_eq!(pos, vec![("scale", 0), ("law", 1), ("pre", 3), ("train", 4), ("pretrain", 3)]);
    }

    #[test]
    fn overlong_words_are_dropped() {
        let long = "x".repeat(100);
        assert_eq!(terms(&format!("{long} kept")), vec!["kept"]);
    }

    #[test]
    fn hostile_text_does_not_panic() {
        let a = Analyzer::new();
        for text in ["-", "--a--", "a-", "'s", "1.", ".5", "a'", "\u{202E}abc", "é́́́", "a\u{0}b", "1-.-2"] {
            let _ = a.analyze(text);
        }
    }
}
