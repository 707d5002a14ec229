//! Exports of a set of papers (a reading list or a result set) to BibTeX, CSV, JSON and
//! Markdown, each escaped for its format so titles with LaTeX, markup, quotes, commas and
//! non-ASCII text come out intact and inert. Pure Rust, tested natively; the app offers the
//! text as a download.

use crate::engine::corpus::Paper;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// BibTeX entries (see [`crate::cite`]).
    Bibtex,
    /// RFC 4180 CSV with a header row, UTF-8 with a byte-order mark (so spreadsheets read
    /// non-ASCII text right).
    Csv,
    /// A JSON array of objects.
    Json,
    /// A numbered Markdown list of links.
    Markdown,
}

impl Format {
    /// Every format, in menu order.
    pub const ALL: [Format; 4] = [Format::Bibtex, Format::Csv, Format::Json, Format::Markdown];

    /// The name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Format::Bibtex => "BibTeX",
            Format::Csv => "CSV",
            Format::Json => "JSON",
            Format::Markdown => "Markdown",
        }
    }

    /// File name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Bibtex => "bib",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Markdown => "md",
        }
    }

    /// Media type of the download.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Bibtex => "application/x-bibtex;charset=utf-8",
            Format::Csv => "text/csv;charset=utf-8",
            Format::Json => "application/json;charset=utf-8",
            Format::Markdown => "text/markdown;charset=utf-8",
        }
    }
}

/// One exported paper, with the reader's note when it comes from a reading list.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    /// The paper.
    pub paper: &'a Paper,
    /// The note (empty for none).
    pub note: &'a str,
}

/// The paper's web address: its own URL when it is http(s), else the arXiv page of an
/// arXiv-style id. Never a `javascript:` or `data:` URL from the corpus.
pub fn paper_url(paper: &Paper) -> Option<String> {
    if let Some(u) = paper.url.as_deref().filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
        return Some(u.to_string());
    }
    crate::cite::is_arxiv_id(&paper.id).then(|| format!("https://arxiv.org/abs/{}", paper.id))
}

/// The items in `format`.
pub fn export(format: Format, items: &[Item<'_>]) -> String {
    match format {
        Format::Bibtex => bibtex(items),
        Format::Csv => csv(items),
        Format::Json => json(items),
        Format::Markdown => markdown(items),
    }
}

fn bibtex(items: &[Item<'_>]) -> String {
    let mut out = String::new();
    for item in items {
        // `annote` is BibTeX's field for a reader's annotation.
        out.push_str(&crate::cite::bibtex_with_note(item.paper, item.note));
        out.push_str("\n\n");
    }
    out
}

/// A CSV field: quoted when it holds a separator, quote or line break (quotes doubled), and
/// prefixed with `'` when a spreadsheet would read it as a formula.
fn csv_field(value: &str) -> String {
    let mut v = value.to_string();
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.insert(0, '\'');
    }
    if v.contains([',', '"', '\n', '\r']) || v.starts_with(' ') || v.ends_with(' ') {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

fn csv(items: &[Item<'_>]) -> String {
    let mut out = String::from("\u{feff}id,title,authors,date,categories,url,note\r\n");
    for item in items {
        let p = item.paper;
        let row = [
            p.id.clone(),
            p.title.clone(),
            p.authors.join("; "),
            p.date.clone().or_else(|| p.listed.clone()).unwrap_or_default(),
            p.categories.join(" "),
            paper_url(p).unwrap_or_default(),
            item.note.to_string(),
        ];
        out.push_str(&row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

fn json(items: &[Item<'_>]) -> String {
    let rows: Vec<serde_json::Value> = items
        .iter()
        .map(|item| {
            let p = item.paper;
            let mut row = serde_json::json!({
                "id": p.id,
                "title": p.title,
                "authors": p.authors,
                "date": p.date.as_deref().or(p.listed.as_deref()),
                "categories": p.categories,
                "url": paper_url(p),
                "abstract": p.abstract_text,
            });
            if !item.note.is_empty() {
                row["note"] = item.note.into();
            }
            row
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

/// Escapes Markdown (and inline HTML) syntax so text shows as written.
fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '(' | ')' | '#' | '|' | '!' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn markdown(items: &[Item<'_>]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        let p = item.paper;
        let title = markdown_text(&p.title);
        out.push_str(&format!("{}. ", i + 1));
        match paper_url(p) {
            // Inside `<…>` a link destination may hold anything but angle brackets and breaks.
            Some(u) => out.push_str(&format!("[{title}](<{}>)", u.replace('<', "%3C").replace('>', "%3E"))),
            None => out.push_str(&format!("**{title}**")),
        }
        let mut meta = Vec::new();
        if !p.authors.is_empty() {
            meta.push(markdown_text(&p.authors.join(", ")));
        }
        if let Some(d) = p.date.as_deref().or(p.listed.as_deref()) {
            meta.push(markdown_text(d));
        }
        if !meta.is_empty() {
            out.push_str(&format!(" — {}", meta.join(", ")));
        }
        out.push('\n');
        if !item.note.is_empty() {
            out.push_str(&format!("   > {}\n", markdown_text(item.note)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper(id: &str, title: &str) -> Paper {
        Paper {
            id: id.into(),
            title: title.into(),
            abstract_text: "An abstract, with \"quotes\".".into(),
            authors: vec!["Zoë Ångström".into(), "李 雷".into()],
            categories: vec!["cs.LG".into(), "cs.AI".into()],
            date: Some("2025-05-01".into()),
            listed: None,
            url: None,
            links: vec![],
        }
    }

    fn tricky() -> Vec<Paper> {
        vec![
            paper("2505.00001", "$\\mathcal{O}(n)$ Attention: 50% Faster, \"Exact\" & {Robust}"),
            paper("my-slug", "=SUM(A1) *bold* [link](javascript:alert(1)) <script>x</script>\nsecond line"),
        ]
    }

    fn items<'a>(papers: &'a [Paper], notes: &'a [&'a str]) -> Vec<Item<'a>> {
        papers.iter().zip(notes).map(|(paper, note)| Item { paper, note }).collect()
    }

    /// Splits RFC 4180 CSV into rows of fields (quoted fields may hold separators and breaks).
    fn parse_csv(text: &str) -> Vec<Vec<String>> {
        let mut rows = vec![vec![String::new()]];
        let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            let field = rows.last_mut().unwrap().last_mut().unwrap();
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') => quoted = true,
                (false, ',') => rows.last_mut().unwrap().push(String::new()),
                (false, '\r') => {}
                (false, '\n') => rows.push(vec![String::new()]),
                (false, c) => field.push(c),
            }
        }
        rows.retain(|r| r != &[String::new()]);
        rows
    }

    #[test]
    fn csv_round_trips_quotes_commas_breaks_and_unicode() {
        let papers = tricky();
        let text = export(Format::Csv, &items(&papers, &["", "read, \"soon\""]));
        assert!(text.starts_with('\u{feff}'), "a BOM for spreadsheets");
        let rows = parse_csv(&text);
        assert_eq!(rows.len(), 3, "{text}");
        assert_eq!(rows[0], ["id", "title", "authors", "date", "categories", "url", "note"]);
        assert_eq!(rows[1][1], papers[0].title);
        assert_eq!(rows[1][2], "Zoë Ångström; 李 雷");
        assert_eq!(rows[1][5], "https://arxiv.org/abs/2505.00001", "arXiv ids get their page");
        // A formula-looking cell is defused, and the line break stays inside its field.
        assert_eq!(rows[2][1], format!("'{}", papers[1].title));
        assert_eq!(rows[2][5], "", "a slug id has no URL");
        assert_eq!(rows[2][6], "read, \"soon\"");
    }

    #[test]
    fn json_round_trips_every_field() {
        let papers = tricky();
        let text = export(Format::Json, &items(&papers, &["", "note ✓"]));
        let rows: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["title"], papers[0].title.as_str());
        assert_eq!(rows[0]["authors"][0], "Zoë Ångström");
        assert!(rows[0].get("note").is_none());
        assert_eq!(rows[1]["note"], "note ✓");
        assert_eq!(rows[1]["url"], serde_json::Value::Null);
    }

    #[test]
    fn markdown_shows_titles_as_written_and_links_only_http() {
        let papers = tricky();
        let text = export(Format::Markdown, &items(&papers, &["", "a *note*"]));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("1. [\\$\\\\mathcal\\{O\\}\\(n\\)\\$ Attention: 50% Faster, \"Exact\" &amp; \\{Robust\\}](<https://arxiv.org/abs/2505.00001>)"), "{}", lines[0]);
        assert!(lines[0].ends_with(" — Zoë Ångström, 李 雷, 2025-05-01"));
        // No live link, image, emphasis or HTML from the title; the break is a space.
        assert!(lines[1].starts_with("2. **=SUM\\(A1\\) \\*bold\\* \\[link\\]\\(javascript:alert\\(1\\)\\) \\<script\\>x\\</script\\> second line**"), "{}", lines[1]);
        assert_eq!(lines[2], "   > a \\*note\\*");
    }

    #[test]
    fn bibtex_entries_carry_notes_and_stay_balanced() {
        let papers = tricky();
        let text = export(Format::Bibtex, &items(&papers, &["", "50% {sure}"]));
        assert_eq!(text.matches("\n@").count() + usize::from(text.starts_with('@')), 2, "{text}");
        assert!(text.contains("title = {{\\$\\textbackslash{}mathcal\\{O\\}(n)\\$ Attention: 50\\% Faster"), "{text}");
        assert!(text.contains(",\n  annote = {50\\% \\{sure\\}}\n}"), "{text}");
        let depth = text.chars().try_fold(0i32, |d, c| {
            let d = d + i32::from(c == '{') - i32::from(c == '}');
            (d >= 0).then_some(d)
        });
        assert_eq!(depth, Some(0), "balanced braces:\n{text}");
    }

    #[test]
    fn urls_are_http_only() {
        let mut p = paper("x", "T");
        p.url = Some("javascript:alert(1)".into());
        assert_eq!(paper_url(&p), None);
        p.url = Some("https://example.org/p".into());
        assert_eq!(paper_url(&p).as_deref(), Some("https://example.org/p"));
    }
}
