//! Reads the plain-text "trending papers" listing format.
//!
//! Grammar (also in `seeds/README.md`):
//!
//! ```text
//! listing    = [header] { paragraph }
//! header     = every paragraph before the first date line (page chrome: "Subscribe", …)
//! paragraph  = one or more non-blank lines, separated from the next by blank lines
//! date line  = a paragraph of one line such as "Mar 14", "March 14, 2024" or "2024-03-14";
//!              it sets the listing date of the papers after it
//! entry      = title abstract { continuation }
//! title      = a one-line paragraph of at most 300 characters that holds no URL and does not
//!              end with a period
//! abstract   = the paragraph after a title
//! continuation = a further paragraph that is not a title (a long one, one with a link, or one
//!              ending with a period) — it belongs to the abstract above it
//! ```
//!
//! When the file has no date line, there is no header and the first paragraph is a title.
//! A title directly followed by another title (which has an abstract) has no abstract: that is
//! reported as an error on the first title's line.

use crate::engine::corpus::RawPaper;
use crate::engine::error::InputProblem;

/// Longest line that can be a title; longer one-line paragraphs are abstract text.
pub const MAX_TITLE_CHARS: usize = 300;

/// A paragraph and the line it starts on.
#[derive(Debug, Clone)]
struct Paragraph {
    line: usize,
    lines: Vec<String>,
}

impl Paragraph {
    fn single_line(&self) -> Option<&str> {
        (self.lines.len() == 1).then(|| self.lines[0].trim())
    }

    fn is_title_candidate(&self) -> bool {
        match self.single_line() {
            Some(line) => {
                let lower = line.to_ascii_lowercase();
                line.chars().count() <= MAX_TITLE_CHARS
                    && !line.ends_with('.')
                    && !lower.contains("http://")
                    && !lower.contains("https://")
            }
            None => false,
        }
    }

    fn text(&self) -> String {
        let mut s = String::new();
        for l in &self.lines {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(l.trim());
        }
        s
    }
}

/// Parses a listing given as numbered lines (bad lines already taken out by the caller).
///
/// Returns the papers with their title line, and the located problems found.
pub fn parse_listing(lines: impl IntoIterator<Item = (usize, String)>) -> (Vec<RawPaper>, Vec<(usize, InputProblem)>) {
    let paragraphs = split_paragraphs(lines);
    let mut problems = Vec::new();
    if paragraphs.is_empty() {
        problems.push((1, InputProblem::EmptyFile));
        return (Vec::new(), problems);
    }
    let first_date = paragraphs.iter().position(|p| p.single_line().and_then(parse_date_line).is_some());
    let (mut listed, start) = match first_date {
        Some(i) => (paragraphs[i].single_line().map(str::to_string), i + 1),
        None => (None, 0),
    };

    let mut papers: Vec<RawPaper> = Vec::new();
    let mut i = start;
    while i < paragraphs.len() {
        let p = &paragraphs[i];
        if let Some(date) = p.single_line().filter(|l| parse_date_line(l).is_some()) {
            listed = Some(date.to_string());
            i += 1;
            continue;
        }
        if !p.is_title_candidate() {
            match papers.last_mut() {
                Some(paper) => {
                    paper.abstract_text.push_str("\n\n");
                    paper.abstract_text.push_str(&p.text());
                }
                None => problems.push((
                    p.line,
                    InputProblem::ExpectedTitle { max: MAX_TITLE_CHARS, found: p.text().chars().count() },
                )),
            }
            i += 1;
            continue;
        }
        // `p` is a title. Its abstract is the next paragraph, unless that one is itself a title
        // with an abstract after it (then `p` lost its abstract), or the file ends.
        let next = paragraphs.get(i + 1);
        let next_is_date = next.and_then(|n| n.single_line()).is_some_and(|l| parse_date_line(l).is_some());
        let next_starts_entry = next.is_some_and(|n| n.is_title_candidate())
            && paragraphs.get(i + 2).is_some_and(|a| !a.is_title_candidate());
        match next {
            Some(abs) if !next_is_date && !next_starts_entry => {
                papers.push(RawPaper {
                    title: p.text(),
                    abstract_text: abs.text(),
                    listed: listed.clone(),
                    line: p.line,
                    ..RawPaper::default()
                });
                i += 2;
            }
            _ => {
                problems.push((p.line, InputProblem::MissingAbstract));
                i += 1;
            }
        }
    }
    (papers, problems)
}

fn split_paragraphs(lines: impl IntoIterator<Item = (usize, String)>) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut current: Option<Paragraph> = None;
    for (no, line) in lines {
        if line.trim().is_empty() {
            if let Some(p) = current.take() {
                out.push(p);
            }
            continue;
        }
        match current.as_mut() {
            Some(p) => p.lines.push(line),
            None => current = Some(Paragraph { line: no, lines: vec![line] }),
        }
    }
    out.extend(current);
    out
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// Recognises a listing date line; returns (month 1–12, day, optional year).
pub fn parse_date_line(line: &str) -> Option<(u8, u8, Option<u16>)> {
    let line = line.trim();
    if line.len() > 20 {
        return None;
    }
    // ISO form: 2024-03-14
    let iso: Vec<&str> = line.split('-').collect();
    if iso.len() == 3 && iso[0].len() == 4 {
        let y: u16 = iso[0].parse().ok()?;
        let m: u8 = iso[1].parse().ok()?;
        let d: u8 = iso[2].parse().ok()?;
        return ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((m, d, Some(y)));
    }
    let cleaned = line.replace(',', " ");
    let mut words = cleaned.split_whitespace();
    let month_word = words.next()?.trim_end_matches('.').to_ascii_lowercase();
    if month_word.len() < 3 || !month_word.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let month = MONTHS.iter().position(|m| month_word.starts_with(m))? as u8 + 1;
    let full_names = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let full = full_names[month as usize - 1];
    if !(full.starts_with(&month_word) || month_word == "sept") {
        return None;
    }
    let day: u8 = words.next()?.parse().ok()?;
    if !(1..=31).contains(&day) {
        return None;
    }
    let year = match words.next() {
        Some(y) => Some(y.parse::<u16>().ok().filter(|y| (1900..=2999).contains(y))?),
        None => None,
    };
    if words.next().is_some() {
        return None;
    }
    Some((month, day, year))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(text: &str) -> Vec<(usize, String)> {
        text.lines().enumerate().map(|(i, l)| (i + 1, l.to_string())).collect()
    }

    #[test]
    fn header_date_and_entries() {
        let text = "new\n\nSubscribe\n\nMar 14\n\nFirst Title\n\nFirst abstract. It has words.\n\nSecond: A Title?\n\nSecond abstract.\nWrapped line.\n\nSee https://github.com/a/b\n";
        let (papers, problems) = parse_listing(numbered(text));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(papers.len(), 2);
        assert_eq!(papers[0].title, "First Title");
        assert_eq!(papers[0].line, 7);
        assert_eq!(papers[0].listed.as_deref(), Some("Mar 14"));
        assert_eq!(papers[1].title, "Second: A Title?");
        assert_eq!(papers[1].abstract_text, "Second abstract. Wrapped line.\n\nSee https://github.com/a/b");
    }

    #[test]
    fn title_without_abstract_is_reported_at_its_line() {
        let text = "Mar 14\n\nOrphan Title\n\nNext Title\n\nAn abstract for the next title that is long enough.";
        let (papers, problems) = parse_listing(numbered(text));
        assert_eq!(problems, vec![(3, InputProblem::MissingAbstract)]);
        assert_eq!(papers.len(), 1);
        assert_eq!(papers[0].title, "Next Title");

        let (_, problems) = parse_listing(numbered("A Title At The End"));
        assert_eq!(problems, vec![(1, InputProblem::MissingAbstract)]);
    }

    #[test]
    fn no_date_line_means_no_header() {
        let (papers, problems) = parse_listing(numbered("Title\n\nAbstract text."));
        assert!(problems.is_empty());
        assert_eq!(papers[0].listed, None);
    }

    #[test]
    fn later_date_lines_switch_the_date() {
        let text = "Mar 14\n\nA\n\nabstract a.\n\nMar 13\n\nB\n\nabstract b.";
        let (papers, _) = parse_listing(numbered(text));
        assert_eq!(papers[1].listed.as_deref(), Some("Mar 13"));
    }

    #[test]
    fn empty_and_blank_files() {
        assert_eq!(parse_listing(numbered("")).1, vec![(1, InputProblem::EmptyFile)]);
        assert_eq!(parse_listing(numbered("\n  \n\n")).1, vec![(1, InputProblem::EmptyFile)]);
    }

    #[test]
    fn date_lines() {
        assert_eq!(parse_date_line("Mar 14"), Some((3, 14, None)));
        assert_eq!(parse_date_line("March 14, 2024"), Some((3, 14, Some(2024))));
        assert_eq!(parse_date_line("2024-03-14"), Some((3, 14, Some(2024))));
        assert_eq!(parse_date_line("Sept 3"), Some((9, 3, None)));
        assert_eq!(parse_date_line("Marching 14"), None);
        assert_eq!(parse_date_line("May the Force"), None);
        assert_eq!(parse_date_line("Mar 44"), None);
        assert_eq!(parse_date_line("Subscribe"), None);
    }
}
