//! Paper listings in, clean [`Paper`]s out.
//!
//! Owns the input formats (the plain-text trending listing, JSON Lines plain or gzip), the
//! cleaning every paper gets (LaTeX removed from titles, inline math made readable, links
//! extracted and repaired, whitespace collapsed) and the stable ids papers are known by in URLs
//! and reading lists. Parsing works on any `BufRead`, so it runs in both targets; walking files
//! and folders is native only.

pub mod jsonl;
pub mod latex;
pub mod lines;
pub mod links;
pub mod listing;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::engine::error::{InputError, InputProblem};
pub use links::{Link, LinkKind};

/// A paper as read from the input, before cleaning and id assignment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawPaper {
    /// The id given by the input, if any.
    pub id: Option<String>,
    /// Title as written.
    pub title: String,
    /// Abstract as written; paragraphs separated by a blank line.
    pub abstract_text: String,
    /// Author names.
    pub authors: Vec<String>,
    /// Category codes, primary first.
    pub categories: Vec<String>,
    /// ISO date (`YYYY-MM-DD` or `YYYY-MM`).
    pub date: Option<String>,
    /// The listing's date label (`Mar 14`).
    pub listed: Option<String>,
    /// Canonical URL of the paper.
    pub url: Option<String>,
    /// Line the record starts on (1-based).
    pub line: usize,
}

/// A cleaned paper with its stable id: what the index stores and the app shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paper {
    /// Stable id: the input's id, or a slug of the title; unique within a corpus.
    pub id: String,
    /// Title without markup.
    pub title: String,
    /// Abstract with readable math and repaired links; paragraphs separated by `\n\n`.
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    /// Author names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Category codes, primary first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// ISO date (`YYYY-MM-DD` or `YYYY-MM`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The listing's date label, for listings without years (`Mar 14`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed: Option<String>,
    /// Canonical URL of the paper.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Links found in the abstract.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

/// A paper in the corpus JSON Lines format (what `papersift export papers` writes): the
/// shared format's fields, plus `listed` when the paper came from a dated listing. Links are
/// left out because they are found again in the abstract on import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CorpusRecord<'a> {
    /// Stable id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Abstract.
    #[serde(rename = "abstract")]
    pub abstract_text: &'a str,
    /// Authors.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub authors: &'a [String],
    /// Categories.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub categories: &'a [String],
    /// ISO date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<&'a str>,
    /// Paper URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
    /// Listing date label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listed: Option<&'a str>,
}

impl Paper {
    /// This paper as a corpus record.
    pub fn record(&self) -> CorpusRecord<'_> {
        CorpusRecord {
            id: &self.id,
            title: &self.title,
            abstract_text: &self.abstract_text,
            authors: &self.authors,
            categories: &self.categories,
            date: self.date.as_deref(),
            url: self.url.as_deref(),
            listed: self.listed.as_deref(),
        }
    }

    /// Whether the abstract links to code.
    pub fn has_code(&self) -> bool {
        self.links.iter().any(|l| l.kind == LinkKind::Code)
    }
}

/// Cleans a raw paper's text fields; fails when nothing of the title is left.
pub fn clean(raw: RawPaper) -> Result<Paper, InputProblem> {
    let title = collapse_whitespace(&latex::clean_markup(&raw.title));
    if title.is_empty() {
        return Err(InputProblem::EmptyTitle);
    }
    let (abstract_text, links) = clean_abstract(&raw.abstract_text);
    if abstract_text.is_empty() {
        return Err(InputProblem::MissingAbstract);
    }
    Ok(Paper {
        id: raw.id.unwrap_or_default(),
        title,
        abstract_text,
        authors: raw.authors.iter().map(|a| collapse_whitespace(a)).filter(|a| !a.is_empty()).collect(),
        categories: raw.categories,
        date: raw.date,
        listed: raw.listed,
        url: raw.url.filter(|u| is_http_url(u)),
        links,
    })
}

/// Whether `url` is an absolute http(s) URL: the only links the app renders as links.
pub fn is_http_url(url: &str) -> bool {
    let lower = url.trim_start().get(..8).unwrap_or("").to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// Repairs links, makes math readable and normalises whitespace, paragraph by paragraph.
fn clean_abstract(raw: &str) -> (String, Vec<Link>) {
    let (with_links, links) = links::extract_links(raw);
    let mut paragraphs = Vec::new();
    for para in with_links.split("\n\n") {
        // Markup cleaning must not touch URLs (they may hold `_`, `$` or `\`).
        let mut cleaned = String::with_capacity(para.len());
        let mut rest = para;
        while let Some(start) = find_http(rest) {
            cleaned.push_str(&latex::clean_markup(&rest[..start]));
            let end = rest[start..].find(char::is_whitespace).map_or(rest.len(), |e| start + e);
            cleaned.push_str(&rest[start..end]);
            rest = &rest[end..];
        }
        cleaned.push_str(&latex::clean_markup(rest));
        let para = collapse_whitespace(&cleaned);
        if !para.is_empty() {
            paragraphs.push(para);
        }
    }
    (paragraphs.join("\n\n"), links)
}

fn find_http(s: &str) -> Option<usize> {
    s.find("https://").into_iter().chain(s.find("http://")).min()
}

/// Collapses runs of whitespace to one space, trims, and drops control and bidi-override
/// characters that would let a title rearrange the text around it.
pub fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if c.is_control() || is_bidi_control(c) {
            continue;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// A URL-safe slug of a title: lowercase ASCII words joined by `-`, at most 80 characters.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    let mut dash = false;
    for c in crate::engine::text::unicode::decompose_without_marks(title, true).chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    if slug.len() > 80 {
        let cut = slug[..80].rfind('-').filter(|&i| i >= 40).unwrap_or(80);
        slug.truncate(cut);
    }
    if slug.is_empty() {
        slug.push_str("paper");
    }
    slug
}

/// Gives papers unique ids in input order: the input's id when it has one, otherwise a slug of
/// the title; a repeated id gets `-2`, `-3`, … so every paper stays addressable.
#[derive(Debug, Default)]
pub struct IdAssigner {
    seen: HashSet<String>,
}

impl IdAssigner {
    /// Returns the id for the next paper and whether it had to be changed to stay unique.
    pub fn assign(&mut self, given: Option<&str>, title: &str) -> (String, bool) {
        let base = match given {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => slugify(title),
        };
        if self.seen.insert(base.clone()) {
            return (base, false);
        }
        let mut n = 2;
        loop {
            let candidate = format!("{base}-{n}");
            if self.seen.insert(candidate.clone()) {
                return (candidate, given.is_some());
            }
            n += 1;
        }
    }
}

/// What a read produced: the papers, and what was skipped (only with `skip_invalid`).
#[derive(Debug, Default)]
pub struct Corpus {
    /// Papers in input order.
    pub papers: Vec<Paper>,
    /// Records left out, with where and why.
    pub skipped: Vec<InputError>,
    /// Notes that did not stop the read (ids made unique).
    pub warnings: Vec<String>,
    /// The files read, in order.
    pub sources: Vec<String>,
}

/// How to treat bad records.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Keep going past bad records, listing them in [`Corpus::skipped`].
    pub skip_invalid: bool,
    /// Without `skip_invalid`, stop collecting after this many errors.
    pub max_errors: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { skip_invalid: false, max_errors: 20 }
    }
}

/// The input formats papersift reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// The plain-text listing (see [`listing`]).
    Listing,
    /// JSON Lines in the corpus format (see [`jsonl`]).
    JsonLines,
}

/// Accumulates papers from several sources, cleaning them and assigning ids.
#[derive(Debug, Default)]
pub struct CorpusBuilder {
    corpus: Corpus,
    ids: IdAssigner,
    errors: Vec<InputError>,
    options: ReadOptions,
    /// Papers read so far (kept in [`Corpus::papers`] or handed to a sink).
    read: usize,
}

impl CorpusBuilder {
    /// A builder with the given error policy.
    pub fn new(options: ReadOptions) -> Self {
        CorpusBuilder { options, ..Default::default() }
    }

    /// Whether reading should stop (too many errors without `skip_invalid`).
    pub fn should_stop(&self) -> bool {
        !self.options.skip_invalid && self.errors.len() >= self.options.max_errors
    }

    fn problem(&mut self, path: &str, line: usize, problem: InputProblem) {
        let err = InputError { path: path.to_string(), line: Some(line), problem };
        if self.options.skip_invalid {
            self.corpus.skipped.push(err);
        } else if self.errors.len() < self.options.max_errors {
            self.errors.push(err);
        }
    }

    fn push(&mut self, path: &str, raw: RawPaper, sink: &mut dyn FnMut(Paper)) {
        let line = raw.line;
        let given = raw.id.clone();
        match clean(raw) {
            Ok(mut paper) => {
                let (id, changed) = self.ids.assign(given.as_deref(), &paper.title);
                if changed {
                    self.corpus.warnings.push(format!(
                        "{path}:{line}: id `{}` appears more than once; this paper is `{id}`",
                        given.unwrap_or_default()
                    ));
                }
                paper.id = id;
                self.read += 1;
                sink(paper);
            }
            Err(problem) => self.problem(path, line, problem),
        }
    }

    /// Papers read so far.
    pub fn papers_read(&self) -> usize {
        self.read
    }

    /// Reads one source, keeping its papers in the corpus. `path` is only used in messages.
    pub fn read<R: std::io::BufRead>(&mut self, path: &str, format: SourceFormat, reader: R) -> std::io::Result<()> {
        let mut papers = std::mem::take(&mut self.corpus.papers);
        let result = self.read_into(path, format, reader, &mut |p| papers.push(p));
        self.corpus.papers = papers;
        result
    }

    /// Reads one source, handing each paper to `sink` as it is read (a build that streams
    /// keeps none of them). `path` is only used in messages.
    pub fn read_into<R: std::io::BufRead>(
        &mut self,
        path: &str,
        format: SourceFormat,
        reader: R,
        sink: &mut dyn FnMut(Paper),
    ) -> std::io::Result<()> {
        self.corpus.sources.push(path.to_string());
        let mut any_line = false;
        let before = self.read + self.errors.len() + self.corpus.skipped.len();
        match format {
            SourceFormat::JsonLines => {
                for item in lines::BoundedLines::new(reader) {
                    let (no, line) = item?;
                    if self.should_stop() {
                        break;
                    }
                    match line {
                        Ok(text) if text.trim().is_empty() => {}
                        Ok(text) => {
                            any_line = true;
                            match jsonl::parse_record(&text) {
                                Ok(mut raw) => {
                                    raw.line = no;
                                    self.push(path, raw, sink);
                                }
                                Err(p) => self.problem(path, no, p),
                            }
                        }
                        Err(p) => {
                            any_line = true;
                            self.problem(path, no, p);
                        }
                    }
                }
            }
            SourceFormat::Listing => {
                let mut good = Vec::new();
                for item in lines::BoundedLines::new(reader) {
                    let (no, line) = item?;
                    match line {
                        Ok(text) => {
                            any_line |= !text.trim().is_empty();
                            good.push((no, text));
                        }
                        Err(p) => {
                            any_line = true;
                            self.problem(path, no, p);
                        }
                    }
                }
                if any_line {
                    let (raws, problems) = listing::parse_listing(good);
                    for (no, p) in problems {
                        self.problem(path, no, p);
                    }
                    for raw in raws {
                        self.push(path, raw, sink);
                    }
                }
            }
        }
        let after = self.read + self.errors.len() + self.corpus.skipped.len();
        if !any_line || after == before {
            self.problem(path, 1, InputProblem::EmptyFile);
        }
        Ok(())
    }

    /// Ends the read: the corpus, or every error collected when `skip_invalid` is off.
    pub fn finish(self) -> Result<Corpus, Vec<InputError>> {
        if self.errors.is_empty() {
            Ok(self.corpus)
        } else {
            Err(self.errors)
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod files;
#[cfg(not(target_arch = "wasm32"))]
pub use files::{detect_format, expand_inputs, read_inputs, read_inputs_into};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_url_safe_and_bounded() {
        assert_eq!(slugify("$\\textit{Trans-LoRA}$: towards data-free"), "textit-trans-lora-towards-data-free");
        assert_eq!(slugify("Café Über Naïve"), "cafe-uber-naive");
        assert_eq!(slugify("???"), "paper");
        let long = slugify(&"word ".repeat(50));
        assert!(long.len() <= 80 && !long.ends_with('-'));
    }

    #[test]
    fn ids_are_unique_in_input_order() {
        let mut ids = IdAssigner::default();
        assert_eq!(ids.assign(None, "Same Title").0, "same-title");
        assert_eq!(ids.assign(None, "Same Title").0, "same-title-2");
        assert_eq!(ids.assign(Some("x"), "T"), ("x".to_string(), false));
        assert_eq!(ids.assign(Some("x"), "T"), ("x-2".to_string(), true));
    }

    #[test]
    fn clean_strips_markup_and_controls() {
        let raw = RawPaper {
            title: "  $\\textbf{Bold}$\u{202E}  Title ".into(),
            abstract_text: "Uses $\\alpha$ at https://github.com/a/b_c.git.\n\nSecond   para.".into(),
            url: Some("javascript:alert(1)".into()),
            ..RawPaper::default()
        };
        let p = clean(raw).unwrap();
        assert_eq!(p.title, "Bold Title");
        assert_eq!(p.abstract_text, "Uses α at https://github.com/a/b_c.\n\nSecond para.");
        assert_eq!(p.links[0].url, "https://github.com/a/b_c");
        assert_eq!(p.url, None, "only http(s) URLs are kept");
        assert!(p.has_code());
    }

    #[test]
    fn title_of_only_markup_is_empty() {
        let raw = RawPaper { title: "$\\,$".into(), abstract_text: "x".into(), ..RawPaper::default() };
        assert_eq!(clean(raw), Err(InputProblem::EmptyTitle));
    }

    #[test]
    fn builder_reports_located_errors_and_skips_on_request() {
        let input = "{\"title\":\"A\",\"abstract\":\"B\"}\n{\"title\":\"\",\"abstract\":\"B\"}\nnot json\n";
        let mut b = CorpusBuilder::new(ReadOptions::default());
        b.read("in.jsonl", SourceFormat::JsonLines, input.as_bytes()).unwrap();
        let errors = b.finish().unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].to_string(), "in.jsonl:2: empty title: every paper needs a non-blank `title`");
        assert!(errors[1].to_string().starts_with("in.jsonl:3: invalid JSON"));

        let mut b = CorpusBuilder::new(ReadOptions { skip_invalid: true, ..Default::default() });
        b.read("in.jsonl", SourceFormat::JsonLines, input.as_bytes()).unwrap();
        let corpus = b.finish().unwrap();
        assert_eq!(corpus.papers.len(), 1);
        assert_eq!(corpus.skipped.len(), 2);
    }

    #[test]
    fn empty_sources_are_errors() {
        for format in [SourceFormat::JsonLines, SourceFormat::Listing] {
            let mut b = CorpusBuilder::new(ReadOptions::default());
            b.read("e", format, &b"\n \n"[..]).unwrap();
            let errors = b.finish().unwrap_err();
            assert_eq!(errors[0].problem, InputProblem::EmptyFile, "{format:?}");
        }
    }
}
