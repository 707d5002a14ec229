//! Keyphrases: the multi-word terms researchers use ("parameter-efficient fine-tuning",
//! "scaling laws"), mined from titles and abstracts by frequency.
//!
//! Candidates are runs of two to four consecutive content words: no stop word, punctuation
//! (other than a hyphen or a space) or generic academic word ("propose", "results") inside.
//! Counting is Apriori-style: a three-word run is counted only when both its two-word halves
//! are frequent, and so on, so memory follows the frequent phrases, not every n-gram of the
//! corpus. A phrase that is nearly always part of a longer one ("informed neural" in
//! "physics-informed neural networks") gives way to it. Each phrase is shown in the form the
//! corpus writes most often, so stemming ("scaling law" / "scaling laws") never shows.
//! Hand-written: no crate mines phrases over a custom analyzer's tokens.

use rustc_hash::FxHashMap;

/// A run break in a token sequence (stop word, punctuation, field end).
pub const BREAK: u32 = u32::MAX;

/// Longest phrase, in words.
pub const MAX_WORDS: usize = 4;

/// Stems of words that never sit inside a keyphrase: reporting verbs, hedges, connectives and
/// evaluative words ("we propose", "significantly improves", "novel"). Sorted for binary search.
pub const GENERIC_STEMS: [&str; 154] = [
    "abl",
    "about",
    "achiev",
    "across",
    "address",
    "after",
    "al",
    "all",
    "allow",
    "along",
    "also",
    "among",
    "analyz",
    "ani",
    "approach",
    "avail",
    "base",
    "been",
    "befor",
    "best",
    "better",
    "between",
    "beyond",
    "billion",
    "both",
    "can",
    "certain",
    "challeng",
    "common",
    "compar",
    "comprehens",
    "conduct",
    "consist",
    "consum",
    "could",
    "current",
    "demonstr",
    "describ",
    "despit",
    "differ",
    "do",
    "dozen",
    "due",
    "dure",
    "each",
    "effici",
    "enabl",
    "enhanc",
    "ensur",
    "essenti",
    "et",
    "even",
    "everi",
    "exist",
    "experi",
    "explor",
    "extens",
    "find",
    "first",
    "five",
    "focus",
    "four",
    "from",
    "furthermor",
    "general",
    "github",
    "given",
    "has",
    "have",
    "here",
    "high",
    "how",
    "howev",
    "http",
    "https",
    "hundr",
    "improv",
    "includ",
    "introduc",
    "just",
    "larg",
    "larger",
    "lead",
    "less",
    "leverag",
    "like",
    "lot",
    "made",
    "mani",
    "may",
    "method",
    "million",
    "more",
    "most",
    "much",
    "multipl",
    "must",
    "new",
    "novel",
    "number",
    "often",
    "onc",
    "one",
    "onli",
    "other",
    "our",
    "outperform",
    "over",
    "paper",
    "particular",
    "perform",
    "present",
    "previous",
    "propos",
    "provid",
    "rang",
    "result",
    "same",
    "set",
    "sever",
    "show",
    "signific",
    "six",
    "small",
    "smaller",
    "sourc",
    "specif",
    "standard",
    "still",
    "studi",
    "substanti",
    "success",
    "superior",
    "ten",
    "therebi",
    "thousand",
    "three",
    "through",
    "toward",
    "twic",
    "two",
    "typic",
    "under",
    "upon",
    "use",
    "various",
    "veri",
    "way",
    "well",
    "wherea",
    "wide",
    "within",
    "without",
    "yet",
];

/// Adverbs in -ly that name things: they may sit in phrases ("early stopping").
const LY_NOUNS: [&str; 8] = ["anomaly", "apply", "assembly", "early", "family", "italy", "poly", "supply"];

/// Whether a word (its normalised surface and its stem) may sit in a keyphrase: not generic,
/// not a number, not an adverb ("accurately predict" is no keyphrase).
pub fn is_content_word(surface: &str, stem: &str) -> bool {
    let adverb = surface.len() > 4 && surface.ends_with("ly") && !LY_NOUNS.contains(&surface);
    !adverb && is_content(stem)
}

/// Whether a stem may sit in a keyphrase.
pub fn is_content(stem: &str) -> bool {
    // "large" is generic on its own but names things in "large language models".
    if stem == "larg" {
        return true;
    }
    stem.len() >= 2
        && !stem.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && GENERIC_STEMS.binary_search(&stem).is_err()
        && !matches!(stem, "we" | "which" | "while" | "what" | "when" | "where" | "whether" | "than" | "thus" | "via")
}

/// Mined phrases: their word sequences, display forms and where they occur.
#[derive(Debug, Clone, Default)]
pub struct Phrases {
    /// Each phrase's term ids.
    pub terms: Vec<Vec<u32>>,
    /// Each phrase as the corpus writes it most often.
    pub display: Vec<String>,
    /// Papers containing each phrase.
    pub df: Vec<u32>,
    /// Per paper: (phrase, occurrences), by phrase id.
    pub per_doc: Vec<Vec<(u32, u32)>>,
}

/// One paper's content-word runs: term ids with [`BREAK`] between runs, and each token's
/// byte range in the paper's `title + "\n" + abstract` text, for display forms.
#[derive(Debug, Clone, Default)]
pub struct Runs {
    /// Term ids and breaks.
    pub terms: Vec<u32>,
    /// Byte ranges, parallel to `terms` (a break's range is empty).
    pub spans: Vec<(u32, u32)>,
}

fn ngram_key(ids: &[u32]) -> [u32; MAX_WORDS] {
    let mut key = [BREAK; MAX_WORDS];
    key[..ids.len()].copy_from_slice(ids);
    key
}

/// Mines phrases of 2..=[`MAX_WORDS`] words found in at least `min_df` papers. `text_of(d)` is
/// the text `runs[d]`'s spans point into.
pub fn mine(runs: &[Runs], text_of: impl Fn(usize) -> String, min_df: u32) -> Phrases {
    let min_df = min_df.max(2);
    // frequent[n] holds the frequent n-grams (n = 2..=MAX_WORDS) with their document counts.
    let mut frequent: Vec<FxHashMap<[u32; MAX_WORDS], u32>> = vec![FxHashMap::default(); MAX_WORDS + 1];
    let mut seen: Vec<[u32; MAX_WORDS]> = Vec::new();
    for n in 2..=MAX_WORDS {
        let mut counts: FxHashMap<[u32; MAX_WORDS], u32> = FxHashMap::default();
        for doc in runs {
            seen.clear();
            for w in doc.terms.windows(n) {
                if w.contains(&BREAK) {
                    continue;
                }
                if n > 2
                    && !(frequent[n - 1].contains_key(&ngram_key(&w[..n - 1]))
                        && frequent[n - 1].contains_key(&ngram_key(&w[1..])))
                {
                    continue;
                }
                seen.push(ngram_key(w));
            }
            seen.sort_unstable();
            seen.dedup();
            for key in &seen {
                *counts.entry(*key).or_default() += 1;
            }
        }
        counts.retain(|_, c| *c >= min_df);
        frequent[n] = counts;
    }
    // A phrase found almost only inside a longer frequent one is a fragment of it.
    let mut dropped: rustc_hash::FxHashSet<[u32; MAX_WORDS]> = Default::default();
    for n in 3..=MAX_WORDS {
        for (key, &df) in &frequent[n] {
            for part in [ngram_key(&key[..n - 1]), ngram_key(&key[1..n])] {
                if let Some(&part_df) = frequent[n - 1].get(&part) {
                    if df * 10 >= part_df * 7 {
                        dropped.insert(part);
                    }
                }
            }
        }
    }
    let mut keys: Vec<[u32; MAX_WORDS]> =
        frequent.iter().flat_map(|m| m.keys().copied()).filter(|k| !dropped.contains(k)).collect();
    keys.sort_unstable();
    let terms: Vec<Vec<u32>> = keys.iter().map(|k| k.iter().copied().take_while(|&t| t != BREAK).collect()).collect();
    let matcher = Matcher::new(&terms);

    // Second pass: occurrences per paper and display forms.
    let mut forms: Vec<FxHashMap<String, u32>> = vec![FxHashMap::default(); keys.len()];
    let mut seen_forms = vec![0u8; keys.len()];
    let mut per_doc = Vec::with_capacity(runs.len());
    let mut df = vec![0u32; keys.len()];
    for (d, doc) in runs.iter().enumerate() {
        let text = text_of(d);
        let text = text.as_str();
        let found = matcher.count(&doc.terms, |p, i, n| {
            // The display form is settled by its first occurrences.
            if seen_forms[p as usize] >= 64 {
                return;
            }
            seen_forms[p as usize] += 1;
            let (start, end) = (doc.spans[i].0 as usize, doc.spans[i + n - 1].1 as usize);
            if let Some(form) = text.get(start..end) {
                let form = display_form(form);
                if let Some(c) = forms[p as usize].get_mut(&form) {
                    *c += 1;
                } else if forms[p as usize].len() < 16 {
                    forms[p as usize].insert(form, 1);
                }
            }
        });
        for &(p, _) in &found {
            df[p as usize] += 1;
        }
        per_doc.push(found);
    }
    let display = forms.into_iter().map(most_frequent).collect();
    Phrases { terms, display, df, per_doc }
}

/// Finds known phrases in a paper's word runs: the phrases mined from a corpus, looked for in
/// its papers or (a model fitted on a sample) in papers outside it.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    ids: FxHashMap<[u32; MAX_WORDS], u32>,
}

impl Matcher {
    /// A matcher for phrases given as term ids, numbered by their place in `phrases`.
    pub fn new(phrases: &[Vec<u32>]) -> Matcher {
        let ids = phrases
            .iter()
            .enumerate()
            .filter(|(_, t)| (2..=MAX_WORDS).contains(&t.len()))
            .map(|(i, t)| (ngram_key(t), i as u32))
            .collect();
        Matcher { ids }
    }

    /// Occurrences of each phrase in `terms` (runs with [`BREAK`]s), by phrase id;
    /// `at(phrase, start, words)` hears each occurrence.
    pub fn count(&self, terms: &[u32], mut at: impl FnMut(u32, usize, usize)) -> Vec<(u32, u32)> {
        let mut found: FxHashMap<u32, u32> = FxHashMap::default();
        for n in 2..=MAX_WORDS {
            for (i, w) in terms.windows(n).enumerate() {
                if w.contains(&BREAK) {
                    continue;
                }
                if let Some(&p) = self.ids.get(&ngram_key(w)) {
                    *found.entry(p).or_default() += 1;
                    at(p, i, n);
                }
            }
        }
        let mut found: Vec<(u32, u32)> = found.into_iter().collect();
        found.sort_unstable();
        found
    }
}

/// The most frequent of counted forms (ties: the smallest string), or "" when there are none.
pub fn most_frequent(forms: FxHashMap<String, u32>) -> String {
    forms.into_iter().max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0))).map(|(s, _)| s).unwrap_or_default()
}

/// A phrase as shown: single spaces, and words capitalised only as sentence or title case
/// lower-cased ("Scaling Laws" → "scaling laws"), while acronyms and mixed case stay
/// ("LoRA", "PINNs").
pub fn display_form(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        for (j, part) in word.split('-').enumerate() {
            if j > 0 {
                out.push('-');
            }
            let mut chars = part.chars();
            let title_case = chars.next().is_some_and(char::is_uppercase) && chars.all(|c| !c.is_uppercase());
            if title_case {
                out.extend(part.chars().flat_map(char::to_lowercase));
            } else {
                out.push_str(part);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_stems_are_sorted_for_binary_search() {
        assert!(GENERIC_STEMS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn display_form_lowers_title_case_but_keeps_acronyms() {
        assert_eq!(display_form("Scaling  Laws"), "scaling laws");
        assert_eq!(display_form("Physics-Informed Neural Networks"), "physics-informed neural networks");
        assert_eq!(display_form("LoRA adapters"), "LoRA adapters");
        assert_eq!(display_form("PINNs"), "PINNs");
    }

    fn runs(words: &[&[u32]]) -> Runs {
        let mut r = Runs::default();
        for run in words {
            for &t in *run {
                r.terms.push(t);
                r.spans.push((0, 0));
            }
            r.terms.push(BREAK);
            r.spans.push((0, 0));
        }
        r
    }

    #[test]
    fn mines_frequent_runs_and_drops_their_fragments() {
        // Terms 1 2 3 appear together in three papers; 1 2 alone once more; 4 5 only once.
        let docs = vec![runs(&[&[1, 2, 3]]), runs(&[&[1, 2, 3, 9]]), runs(&[&[7, 1, 2, 3]]), runs(&[&[4, 5], &[1, 2]])];
        let p = mine(&docs, |_| String::new(), 2);
        let found: Vec<&Vec<u32>> = p.terms.iter().collect();
        assert!(found.contains(&&vec![1, 2, 3]), "{found:?}");
        // "2 3" is inside "1 2 3" every time: a fragment.
        assert!(!found.contains(&&vec![2, 3]), "{found:?}");
        // "1 2" also stands alone once (4 of 4 papers vs 3): still 3*10 >= 4*7, a fragment.
        assert!(!found.contains(&&vec![1, 2]), "{found:?}");
        assert!(!found.contains(&&vec![4, 5]), "single-paper runs are not phrases");
        // Runs never cross a break.
        assert!(!found.iter().any(|t| t.windows(2).any(|w| w == [5, 1])));
        let id = p.terms.iter().position(|t| t == &vec![1, 2, 3]).unwrap();
        assert_eq!(p.df[id], 3);
        assert_eq!(p.per_doc[3], vec![]);
    }
}
