//! Citations: BibTeX entries for papers, with the escaping LaTeX needs (so `50%`, `C++`,
//! `{braces}` and non-ASCII titles survive), built from whatever metadata the corpus has.

use crate::engine::corpus::Paper;

/// Escapes text for a BibTeX field value inside braces.
pub fn escape_bibtex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A citation key: first author's family name (or the title's first word), year, first title
/// word; ASCII letters and digits only.
pub fn cite_key(paper: &Paper) -> String {
    let ascii = |s: &str| -> String { crate::engine::corpus::slugify(s).replace('-', "") };
    let family = paper.authors.first().and_then(|a| a.split_whitespace().last()).map(ascii).unwrap_or_default();
    let title_words: Vec<String> = paper
        .title
        .split_whitespace()
        .map(ascii)
        .filter(|w| w.len() > 3 && !matches!(w.as_str(), "with" | "from" | "towards" | "toward" | "into"))
        .collect();
    let year = year(paper).unwrap_or_default();
    let mut key =
        if family.is_empty() { title_words.first().cloned().unwrap_or_else(|| "paper".into()) } else { family };
    key.push_str(&year);
    if let Some(w) = title_words.first().filter(|w| !key.starts_with(w.as_str())) {
        key.push_str(w);
    }
    key.truncate(48);
    key
}

/// The publication year, from the date or an arXiv-style id (`2505.12345` → 2025).
pub fn year(paper: &Paper) -> Option<String> {
    if let Some(d) = paper.date.as_deref().filter(|d| d.len() >= 4) {
        return Some(d[..4].to_string());
    }
    is_arxiv_id(&paper.id).then(|| format!("20{}", &paper.id[..2]))
}

/// Whether an id is a new-style arXiv id (`2505.12345`, optionally with a version `v2`).
pub fn is_arxiv_id(id: &str) -> bool {
    let (number, version) = id.split_once('v').unwrap_or((id, "0"));
    let b = number.as_bytes();
    b.len() >= 9
        && b[4] == b'.'
        && b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit())
        && !version.is_empty()
        && version.bytes().all(|c| c.is_ascii_digit())
}

/// A BibTeX entry: `@article` with an arXiv eprint when the id is one, else `@misc` with the url.
pub fn bibtex(paper: &Paper) -> String {
    bibtex_with_note(paper, "")
}

/// A BibTeX entry with the reader's note as `annote` (none when empty).
pub fn bibtex_with_note(paper: &Paper, note: &str) -> String {
    let mut fields: Vec<(&str, String)> = vec![("title", format!("{{{}}}", escape_bibtex(&paper.title)))];
    if !paper.authors.is_empty() {
        fields.push(("author", paper.authors.iter().map(|a| escape_bibtex(a)).collect::<Vec<_>>().join(" and ")));
    }
    if let Some(y) = year(paper) {
        fields.push(("year", y));
    }
    let arxiv = paper.url.as_deref().is_some_and(|u| u.contains("arxiv.org/abs/"));
    if arxiv {
        fields.push(("eprint", escape_bibtex(&paper.id)));
        fields.push(("archivePrefix", "arXiv".into()));
        if let Some(c) = paper.categories.first() {
            fields.push(("primaryClass", escape_bibtex(c)));
        }
    }
    if let Some(u) = paper.url.as_deref().or_else(|| paper.links.first().map(|l| l.url.as_str())) {
        fields.push(("url", u.replace(['{', '}'], "")));
    }
    if !note.is_empty() {
        fields.push(("annote", escape_bibtex(note)));
    }
    let kind = if arxiv { "article" } else { "misc" };
    let mut out = format!("@{kind}{{{},\n", cite_key(paper));
    for (i, (k, v)) in fields.iter().enumerate() {
        out.push_str(&format!("  {k} = {{{v}}}"));
        out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper() -> Paper {
        Paper {
            id: "2505.00001".into(),
            title: "Café: 50% Faster {LoRA} & C++_kernels".into(),
            abstract_text: "x".into(),
            authors: vec!["Ada Lovelace".into(), "Alan Turing".into()],
            categories: vec!["cs.LG".into()],
            date: Some("2025-05-01".into()),
            listed: None,
            url: Some("https://arxiv.org/abs/2505.00001".into()),
            links: vec![],
        }
    }

    #[test]
    fn arxiv_ids_are_recognised() {
        for id in ["2505.00001", "2505.1234", "2505.00001v2"] {
            assert!(is_arxiv_id(id), "{id}");
        }
        for id in ["my-slug", "2505.abcde", "25051.2345", "2505.00001v", "2505.12"] {
            assert!(!is_arxiv_id(id), "{id}");
        }
    }

    #[test]
    fn bibtex_escapes_and_uses_metadata() {
        let b = bibtex(&paper());
        assert!(b.starts_with("@article{lovelace2025cafe,\n"), "{b}");
        assert!(b.contains("title = {{Café: 50\\% Faster \\{LoRA\\} \\& C++\\_kernels}}"), "{b}");
        assert!(b.contains("author = {Ada Lovelace and Alan Turing}"));
        assert!(b.contains("eprint = {2505.00001}") && b.contains("primaryClass = {cs.LG}"));
        assert!(b.ends_with('}'));
        // Balanced braces, so BibTeX can parse it.
        let depth = b.chars().try_fold(0i32, |d, c| {
            let d = d + i32::from(c == '{') - i32::from(c == '}');
            (d >= 0).then_some(d)
        });
        let escaped_braces = b.matches("\\{").count() as i32 - b.matches("\\}").count() as i32;
        assert_eq!(depth, Some(escaped_braces));
    }

    #[test]
    fn listing_papers_without_metadata_still_cite() {
        let p = Paper {
            id: "trans-lora-towards".into(),
            title: "Trans-LoRA: towards data-free Transferable Parameter Efficient Finetuning".into(),
            abstract_text: "x".into(),
            authors: vec![],
            categories: vec![],
            date: None,
            listed: Some("Mar 14".into()),
            url: None,
            links: vec![],
        };
        let b = bibtex(&p);
        assert!(b.starts_with("@misc{translora,"), "{b}");
        assert!(!b.contains("author"));
    }
}
