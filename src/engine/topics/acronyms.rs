//! Acronym definitions: "parameter-efficient fine-tuning (PEFT)" ties `PEFT` to its expansion,
//! so papers that only say "PEFT" count towards the phrase and topic labels can show both.
//!
//! A definition is a parenthesised acronym (two or more capitals; a plural `s` allowed:
//! `PINNs`) right after words whose initials spell it, reading backwards and allowing small
//! function words in between ("mixture of experts (MoE)"). Hyphenated compounds are tried both
//! as one word and as their parts ("generative pre-trained transformer (GPT)" needs the
//! first, "physics-informed neural networks (PINNs)" the second). Hand-written: the rule is
//! a few lines, and no crate does it over arbitrary text.

/// Words an expansion may skip between initials.
const SKIPPABLE: [&str; 14] =
    ["a", "an", "and", "by", "for", "from", "in", "of", "on", "the", "through", "to", "via", "with"];

/// One definition found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// The acronym as written, without a plural `s` (`PINN`).
    pub acronym: String,
    /// The expansion as written (`physics-informed neural networks`).
    pub expansion: String,
}

/// The acronym inside `(…)`, if it is one: letters and digits (a hyphen allowed), starting with
/// a capital, with at least two capitals; returns it without a plural `s`.
fn acronym_in(inner: &str) -> Option<&str> {
    let inner = inner.trim();
    // A leading lower-case letter ("cLLM", "dMRI") names a variant, not the expansion's
    // initials.
    if inner.len() < 2 || inner.len() > 12 || !inner.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    if !inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return None;
    }
    let singular = match inner.strip_suffix('s') {
        Some(s) if s.chars().last().is_some_and(|c| c.is_ascii_uppercase()) => s,
        _ => inner,
    };
    (singular.chars().filter(char::is_ascii_uppercase).count() >= 2).then_some(singular)
}

/// Tries to spell `letters` with the initials of `words` (read backwards from the end);
/// returns the index of the first word used.
fn spell(letters: &[char], words: &[&str]) -> Option<usize> {
    let mut i = letters.len();
    let mut j = words.len();
    while i > 0 {
        if j == 0 {
            return None;
        }
        j -= 1;
        let word = words[j];
        let first = word.chars().next()?.to_ascii_lowercase();
        if first == letters[i - 1] {
            i -= 1;
        } else if i < letters.len() && SKIPPABLE.contains(&word.to_ascii_lowercase().as_str()) {
            continue;
        } else {
            return None;
        }
    }
    (words.len() - j >= 2).then_some(j)
}

/// Every acronym definition in `text`.
pub fn definitions(text: &str) -> Vec<Definition> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find('(').map(|i| from + i) {
        from = open + 1;
        let Some(close) = text[open..].find(')').map(|i| open + i) else { break };
        let Some(acronym) = acronym_in(&text[open + 1..close]) else { continue };
        let letters: Vec<char> = acronym
            .chars()
            .filter(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        // The words right before the parenthesis, back to the last clause punctuation.
        let before = &text[..open];
        let clause_start = before.rfind(['.', ',', ';', ':', '(', ')', '\n']).map_or(0, |i| i + 1);
        let clause = &before[clause_start..];
        let whole: Vec<&str> = clause.split_whitespace().collect();
        let tail = |n: usize, len: usize| len.saturating_sub(n);
        let limit = letters.len() * 2 + 2;
        let found = {
            let w = &whole[tail(limit, whole.len())..];
            spell(&letters, w).map(|j| w[j..].join(" "))
        }
        .or_else(|| {
            // Parts of hyphenated words, with their byte ranges in the clause.
            let mut spans: Vec<(usize, usize)> = Vec::new();
            let mut start = None;
            for (i, c) in clause.char_indices().chain(std::iter::once((clause.len(), ' '))) {
                let sep = c.is_whitespace() || c == '-';
                match (sep, start) {
                    (true, Some(s)) => {
                        spans.push((s, i));
                        start = None;
                    }
                    (false, None) => start = Some(i),
                    _ => {}
                }
            }
            let spans = &spans[tail(limit, spans.len())..];
            let parts: Vec<&str> = spans.iter().map(|&(s, e)| &clause[s..e]).collect();
            let j = spell(&letters, &parts)?;
            Some(clause[spans[j].0..].to_string())
        });
        if let Some(expansion) = found {
            let expansion = expansion.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
            if !expansion.is_empty() {
                out.push(Definition { acronym: acronym.to_string(), expansion });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs(text: &str) -> Vec<(String, String)> {
        definitions(text).into_iter().map(|d| (d.acronym, d.expansion)).collect()
    }

    #[test]
    fn finds_common_definitions() {
        let pair = |a: &str, e: &str| (a.to_string(), e.to_string());
        assert_eq!(
            defs("We study parameter-efficient fine-tuning (PEFT) of models."),
            vec![pair("PEFT", "parameter-efficient fine-tuning")]
        );
        assert_eq!(
            defs("Physics-informed neural networks (PINNs) leverage"),
            vec![pair("PINN", "Physics-informed neural networks")]
        );
        assert_eq!(
            defs("and Direct Preference Optimization (DPO) aligns"),
            vec![pair("DPO", "Direct Preference Optimization")]
        );
        assert_eq!(defs("a sparse mixture of experts (MoE) layer"), vec![pair("MoE", "mixture of experts")]);
        assert_eq!(defs("Large language models (LLMs) are"), vec![pair("LLM", "Large language models")]);
        assert_eq!(defs("with low-rank adaptation (LoRA)."), vec![pair("LoRA", "low-rank adaptation")]);
        assert_eq!(
            defs("a generative pre-trained transformer (GPT) model"),
            vec![pair("GPT", "generative pre-trained transformer")]
        );
    }

    #[test]
    fn ignores_parentheses_that_are_not_definitions() {
        assert!(defs("results (see Table 2) and (i) the").is_empty());
        assert!(defs("we improve accuracy (ACC)").is_empty(), "initials do not spell it");
        assert!(defs("(PEFT) at the start").is_empty());
        assert!(defs("unclosed (PEFT").is_empty());
        assert!(defs("emoji 🙂 (ÉTÉ) ünïcödé").is_empty());
        assert!(defs("a consistency large language model (cLLM)").is_empty(), "a lower-case lead is a variant");
    }
}
