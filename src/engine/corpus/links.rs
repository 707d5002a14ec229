//! Finds the links authors put in abstracts, repairs what scraping did to them and says what
//! each one is (code, dataset, model, demo or project page).
//!
//! Scraped abstracts end links with sentence punctuation (`…/pinnstripes).`) and carry markup
//! debris (`…/EQ-Net.git{https://github.com/xuke225/EQ-Net}.`). A link that a researcher clicks
//! must work, so the debris is cut, unbalanced closing brackets and trailing punctuation are
//! dropped, and code-host links lose a `.git` suffix. The abstract keeps the repaired link
//! followed by the sentence punctuation that was glued to it.

use serde::{Deserialize, Serialize};

/// What a link points to, judged from its host and path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    /// A source repository (GitHub, GitLab, …).
    Code,
    /// A dataset (`huggingface.co/datasets/…`, Zenodo, Kaggle datasets, …).
    Dataset,
    /// A model or a collection of models (`huggingface.co/<org>/<model>`, `…/collections/…`).
    Model,
    /// A runnable demo (`huggingface.co/spaces/…`).
    Demo,
    /// Anything else: a project page, a blog post, a personal site.
    Page,
}

impl LinkKind {
    /// Every kind, in display order.
    pub const ALL: [LinkKind; 5] = [LinkKind::Code, LinkKind::Dataset, LinkKind::Model, LinkKind::Demo, LinkKind::Page];

    /// A stable one-byte code for the index format.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The kind for a stored code, if the code is known.
    pub fn from_code(code: u8) -> Option<LinkKind> {
        LinkKind::ALL.get(code as usize).copied()
    }

    /// The lowercase name used in JSON and in the UI.
    pub fn name(self) -> &'static str {
        match self {
            LinkKind::Code => "code",
            LinkKind::Dataset => "dataset",
            LinkKind::Model => "model",
            LinkKind::Demo => "demo",
            LinkKind::Page => "page",
        }
    }
}

/// A link found in an abstract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// What it points to.
    pub kind: LinkKind,
    /// The repaired URL (always `http://` or `https://`).
    pub url: String,
}

const CODE_HOSTS: &[&str] =
    &["github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com", "sourceforge.net"];
const DATASET_HOSTS: &[&str] = &["zenodo.org", "figshare.com", "data.mendeley.com", "physionet.org"];

/// Characters that cannot be part of a URL as written in prose: where one appears, markup
/// debris begins.
const DEBRIS: &[char] = &['{', '}', '<', '>', '"', '\\', '|', '^', '`', '[', '\''];

/// Finds the links in `text`; returns the text with each link repaired in place and the links
/// in order of first appearance, without duplicates.
pub fn extract_links(text: &str) -> (String, Vec<Link>) {
    let mut out = String::with_capacity(text.len());
    let mut links: Vec<Link> = Vec::new();
    let mut rest = text;
    while let Some(start) = find_url_start(rest) {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        let raw = &after[..end];
        match repair(raw) {
            Some((url, suffix)) => {
                out.push_str(&url);
                out.push_str(&suffix);
                if !links.iter().any(|l| l.url == url) {
                    links.push(Link { kind: classify(&url), url });
                }
            }
            None => out.push_str(raw),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    (out, links)
}

/// Byte offset of the next `http://` or `https://` (any case).
fn find_url_start(text: &str) -> Option<usize> {
    let lower = text.as_bytes();
    let mut i = 0;
    while i + 7 <= lower.len() {
        if lower[i].eq_ignore_ascii_case(&b'h') {
            let tail = &lower[i..];
            let is = |p: &[u8]| tail.len() >= p.len() && tail[..p.len()].eq_ignore_ascii_case(p);
            if is(b"https://") || is(b"http://") {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// Repairs one whitespace-delimited URL token; returns the URL and the punctuation to keep
/// after it in the text, or `None` when no usable URL remains.
fn repair(raw: &str) -> Option<(String, String)> {
    let scheme_len = if raw[..5].eq_ignore_ascii_case("https") { 8 } else { 7 };
    // A second scheme glued on ("…EQ-Net.githttps://…") or markup debris ends the URL.
    let body = &raw[scheme_len..];
    let mut cut = body.find(DEBRIS).map(|i| i + scheme_len).unwrap_or(raw.len());
    if let Some(again) = find_url_start(&raw[scheme_len..]) {
        cut = cut.min(again + scheme_len);
    }
    let mut url = &raw[..cut];
    let debris = &raw[cut..];

    let mut stripped_from = url.len();
    while let Some(last) = url[..stripped_from].chars().last() {
        let head = &url[..stripped_from];
        let strip = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '*' => true,
            ')' => head.matches('(').count() < head.matches(')').count(),
            ']' => head.matches('[').count() < head.matches(']').count(),
            _ => false,
        };
        if !strip {
            break;
        }
        stripped_from -= last.len_utf8();
    }
    let trailing = &url[stripped_from..];
    url = &url[..stripped_from];

    let host_end = url[scheme_len..].find(['/', '?', '#']).map(|i| i + scheme_len).unwrap_or(url.len());
    let host = &url[scheme_len..host_end];
    if !host.contains('.') || host.starts_with('.') || host.ends_with('.') {
        return None;
    }
    let mut repaired = format!("{}{}", url[..scheme_len].to_ascii_lowercase(), &url[scheme_len..]);
    if is_code_host(&host.to_ascii_lowercase()) {
        if let Some(s) = repaired.strip_suffix(".git") {
            repaired.truncate(s.len());
        }
        while repaired.ends_with('/') && repaired.len() > scheme_len + host.len() {
            repaired.pop();
        }
    }
    // Keep the sentence punctuation that followed the link, from the debris if there was any.
    let suffix: String = if debris.is_empty() {
        trailing.to_string()
    } else {
        let kept: Vec<char> =
            debris.chars().rev().take_while(|c| matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')')).collect();
        kept.into_iter().rev().collect()
    };
    Some((repaired, suffix))
}

fn is_code_host(host: &str) -> bool {
    let host = host.strip_prefix("www.").unwrap_or(host);
    CODE_HOSTS.contains(&host)
}

/// Judges what a repaired URL points to.
pub fn classify(url: &str) -> LinkKind {
    let without_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let (host, path) = without_scheme.split_once('/').unwrap_or((without_scheme, ""));
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if CODE_HOSTS.contains(&host) {
        return if segments.is_empty() { LinkKind::Page } else { LinkKind::Code };
    }
    if host == "huggingface.co" || host == "hf.co" {
        return match segments.first().copied() {
            Some("datasets") if segments.len() > 1 => LinkKind::Dataset,
            Some("spaces") if segments.len() > 1 => LinkKind::Demo,
            Some("collections") if segments.len() > 1 => LinkKind::Model,
            Some("papers" | "docs" | "blog" | "learn" | "models" | "organizations") => LinkKind::Page,
            Some(_) if segments.len() >= 2 => LinkKind::Model,
            _ => LinkKind::Page,
        };
    }
    if DATASET_HOSTS.contains(&host) || (host == "kaggle.com" && segments.first() == Some(&"datasets")) {
        return LinkKind::Dataset;
    }
    LinkKind::Page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eq_net_debris_is_cut() {
        let (text, links) =
            extract_links("Code is at https://github.com/xuke225/EQ-Net.git{https://github.com/xuke225/EQ-Net}.");
        assert_eq!(text, "Code is at https://github.com/xuke225/EQ-Net.");
        assert_eq!(links, vec![Link { kind: LinkKind::Code, url: "https://github.com/xuke225/EQ-Net".into() }]);
    }

    #[test]
    fn unbalanced_paren_and_period_are_dropped() {
        let (text, links) = extract_links("(code: https://github.com/NREL/pinnstripes). Next");
        assert_eq!(links[0].url, "https://github.com/NREL/pinnstripes");
        assert_eq!(text, "(code: https://github.com/NREL/pinnstripes). Next");
    }

    #[test]
    fn balanced_parens_inside_a_url_stay() {
        let (_, links) = extract_links("see https://en.wikipedia.org/wiki/Lasso_(statistics).");
        assert_eq!(links[0].url, "https://en.wikipedia.org/wiki/Lasso_(statistics)");
    }

    #[test]
    fn kinds_are_classified() {
        let cases = [
            ("https://github.com/a/b", LinkKind::Code),
            ("https://gitlab.com/a/b", LinkKind::Code),
            ("https://huggingface.co/datasets/a/b", LinkKind::Dataset),
            ("https://huggingface.co/collections/McGill-DMaS/x-1", LinkKind::Model),
            ("https://huggingface.co/meta-llama/Llama-3", LinkKind::Model),
            ("https://huggingface.co/spaces/a/b", LinkKind::Demo),
            ("https://kartik-3004.github.io/PETALface/", LinkKind::Page),
            ("https://zenodo.org/records/1", LinkKind::Dataset),
            ("https://www.taolinwei.com/calibration-study", LinkKind::Page),
        ];
        for (url, kind) in cases {
            assert_eq!(classify(url), kind, "{url}");
        }
    }

    #[test]
    fn duplicates_collapse_and_bare_schemes_are_not_links() {
        let (text, links) = extract_links("https://github.com/a/b and https://github.com/a/b/ and https:// alone");
        assert_eq!(links.len(), 1);
        assert!(text.ends_with("https:// alone"));
    }

    #[test]
    fn non_ascii_around_urls_does_not_panic() {
        let (_, links) = extract_links("é https://例え.jp/パス。 ü http://x.y");
        assert_eq!(links.len(), 2);
    }
}
