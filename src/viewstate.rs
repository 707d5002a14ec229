//! The app's view state and its URL form: every view is a link.
//!
//! Everything a user can set (query, filters, sort, the open paper, how many results are shown,
//! which view) lives in the query string, so a copied link restores the view exactly and
//! back/forward step through views. Parsing is total: unknown, repeated, malformed or oversized
//! parameters fall back to defaults and are listed in [`ViewState::ignored`] so the app can say
//! what it ignored. Serialising is canonical (fixed order, defaults left out), so the same view
//! always has the same link. Pure Rust, tested natively.

use crate::engine::corpus::LinkKind;
use crate::engine::search::{Filters, Sort};

/// Results shown before "Show more".
pub const PAGE: usize = 20;
/// Most results a link may ask to show.
pub const MAX_SHOWN: usize = 2_000;
/// Longest parameter value read; longer values are ignored.
pub const MAX_PARAM_CHARS: usize = 1_000;
/// Longest `list=` value read (a shared reading list of up to 500 ids).
pub const MAX_LIST_PARAM_CHARS: usize = 20_000;
/// Most values of one repeatable parameter.
pub const MAX_VALUES: usize = 20;

/// Which main view is shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum View {
    /// The result list.
    #[default]
    List,
    /// The topic graph (with the result list below it).
    Topics,
    /// The paper map (with the result list below it).
    Map,
    /// The reading list (the reader's own, or a shared one from `list=`).
    Reading,
}

impl View {
    /// Every view, in tab order.
    pub const ALL: [View; 4] = [View::List, View::Topics, View::Map, View::Reading];

    /// The URL name.
    pub fn name(self) -> &'static str {
        match self {
            View::List => "list",
            View::Topics => "topics",
            View::Map => "map",
            View::Reading => "reading",
        }
    }

    /// Parses a URL name.
    pub fn from_name(s: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.name() == s)
    }
}

/// The visible part of the graph or map: its centre in map units (0–1 on each axis, stored in
/// ten-thousandths so views compare exactly) and the zoom factor (in hundredths, 1× to 64×).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Viewport {
    /// Centre x, 0..=10000.
    pub x: u16,
    /// Centre y, 0..=10000.
    pub y: u16,
    /// Zoom in hundredths, [`Viewport::MIN_ZOOM`]..=[`Viewport::MAX_ZOOM`].
    pub zoom: u16,
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport { x: 5000, y: 5000, zoom: Viewport::MIN_ZOOM }
    }
}

impl Viewport {
    /// 1×: the whole map.
    pub const MIN_ZOOM: u16 = 100;
    /// 64×.
    pub const MAX_ZOOM: u16 = 6400;

    /// From floats (centre in map units, zoom factor), clamped to the valid range.
    pub fn new(x: f64, y: f64, zoom: f64) -> Viewport {
        let unit = |v: f64| if v.is_finite() { (v.clamp(0.0, 1.0) * 10000.0).round() as u16 } else { 5000 };
        let zoom = if zoom.is_finite() { zoom } else { 1.0 };
        Viewport {
            x: unit(x),
            y: unit(y),
            zoom: (zoom * 100.0).round().clamp(f64::from(Self::MIN_ZOOM), f64::from(Self::MAX_ZOOM)) as u16,
        }
    }

    /// Centre x in map units.
    pub fn cx(self) -> f64 {
        f64::from(self.x) / 10000.0
    }

    /// Centre y in map units.
    pub fn cy(self) -> f64 {
        f64::from(self.y) / 10000.0
    }

    /// Zoom factor.
    pub fn scale(self) -> f64 {
        f64::from(self.zoom) / 100.0
    }

    /// Reads `x,y,zoom` (decimals; x and y in 0–1, zoom in 1–64). Parsed as fixed-point
    /// integers, which keeps float parsing out of the wasm bundle. Out-of-range values are `None`.
    fn parse(s: &str) -> Option<Viewport> {
        let mut parts = s.split(',').map(str::trim);
        let x = parse_fixed(parts.next()?, 4)?;
        let y = parse_fixed(parts.next()?, 4)?;
        let zoom = parse_fixed(parts.next()?, 2)?;
        if parts.next().is_some() || x > 10000 || y > 10000 || !(100..=6400).contains(&zoom) {
            return None;
        }
        Some(Viewport { x: x as u16, y: y as u16, zoom: zoom as u16 })
    }

    fn to_param(self) -> String {
        format!(
            "{},{},{}",
            format_fixed(u32::from(self.x), 4),
            format_fixed(u32::from(self.y), 4),
            format_fixed(u32::from(self.zoom), 2)
        )
    }
}

/// A non-negative decimal as an integer count of 10^-`decimals` (digits beyond are dropped):
/// `parse_fixed("0.25", 4)` is 2500. `None` for anything else, or for values above a million.
fn parse_fixed(s: &str, decimals: u32) -> Option<u32> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty()
        || int.len() > 6
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut v: u32 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut digits = frac.bytes();
    for _ in 0..decimals {
        // Checked: six integer digits and four decimals overflow a u32 (found by fuzzing).
        v = v.checked_mul(10)?.checked_add(digits.next().map_or(0, |d| u32::from(d - b'0')))?;
    }
    Some(v)
}

/// The inverse of [`parse_fixed`], without trailing zeros (`2500, 4` → `0.25`, `200, 2` → `2`).
fn format_fixed(v: u32, decimals: u32) -> String {
    let unit = 10u32.pow(decimals);
    let frac = format!("{:0width$}", v % unit, width = decimals as usize);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        (v / unit).to_string()
    } else {
        format!("{}.{frac}", v / unit)
    }
}

/// Everything that makes up a view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewState {
    /// The query text.
    pub q: String,
    /// Filters beside the query.
    pub filters: Filters,
    /// Result order.
    pub sort: Sort,
    /// The open paper's id.
    pub paper: Option<String>,
    /// How many results are shown (a multiple of [`PAGE`]); 0 means the default.
    pub shown: usize,
    /// The main view.
    pub view: View,
    /// The graph's or map's visible part (`None`: the whole).
    pub viewport: Option<Viewport>,
    /// A shared reading list's paper ids (`list=`), shown read-only; empty for none.
    pub list: Vec<String>,
    /// Parameters that were ignored while reading a URL, with why (not serialised).
    pub ignored: Vec<String>,
}

impl ViewState {
    /// Results to show.
    pub fn shown(&self) -> usize {
        if self.shown == 0 {
            PAGE
        } else {
            self.shown
        }
    }

    /// The same view without the bookkeeping of how it was read.
    pub fn without_notes(&self) -> ViewState {
        ViewState { ignored: Vec::new(), ..self.clone() }
    }

    /// Reads a query string (with or without the leading `?`).
    pub fn from_query(query: &str) -> ViewState {
        let mut v = ViewState::default();
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut seen: Vec<&str> = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode(raw_key);
            let value = decode(raw_value);
            let shown_key: String = key.chars().take(40).collect();
            // A shared reading list holds up to 500 ids.
            let max_chars = if key == "list" { MAX_LIST_PARAM_CHARS } else { MAX_PARAM_CHARS };
            if value.chars().count() > max_chars {
                v.ignored.push(format!("`{shown_key}` (longer than {max_chars} characters)"));
                continue;
            }
            let scalar = matches!(key.as_str(), "q" | "sort" | "paper" | "n" | "view" | "vp" | "from" | "to" | "list");
            if scalar {
                if seen.contains(&key.as_str()) {
                    v.ignored.push(format!("`{shown_key}` given more than once (the first one counts)"));
                    continue;
                }
                seen.push(match key.as_str() {
                    "q" => "q",
                    "sort" => "sort",
                    "paper" => "paper",
                    "n" => "n",
                    "view" => "view",
                    "vp" => "vp",
                    "from" => "from",
                    "list" => "list",
                    _ => "to",
                });
            }
            let mut bad = |why: &str| {
                v.ignored.push(format!("`{shown_key}={}` ({why})", value.chars().take(40).collect::<String>()))
            };
            match key.as_str() {
                "q" => v.q = value,
                "list" => v.list = crate::readinglist::ReadingList::parse_ids_param(&value),
                "sort" => match Sort::from_name(&value) {
                    Some(s) => v.sort = s,
                    None => bad("unknown sort"),
                },
                "paper" if !value.is_empty() => v.paper = Some(value),
                "paper" => {}
                "n" => match value.parse::<usize>() {
                    // One page is the default, stored as 0 so the view equals a link without `n`.
                    Ok(n) if n > 0 => {
                        v.shown = Some(n.div_ceil(PAGE).min(MAX_SHOWN / PAGE) * PAGE).filter(|&s| s > PAGE).unwrap_or(0)
                    }
                    _ => bad("not a positive number"),
                },
                "view" => match View::from_name(&value) {
                    Some(view) => v.view = view,
                    None => bad("unknown view"),
                },
                "vp" => match Viewport::parse(&value) {
                    Some(vp) if vp != Viewport::default() => v.viewport = Some(vp),
                    Some(_) => {}
                    None => bad("not a viewport like 0.5,0.5,2"),
                },
                "from" | "to" => match parse_date(&value) {
                    Some(d) if key == "from" => v.filters.date_from = Some(d),
                    Some(d) => v.filters.date_to = Some(d),
                    None => bad("not a date like 2025-03-18"),
                },
                "cat" | "month" | "listed" | "author" | "has" | "topic" => {
                    let list_len = match key.as_str() {
                        "cat" => v.filters.categories.len(),
                        "month" => v.filters.months.len(),
                        "listed" => v.filters.listed.len(),
                        "author" => v.filters.authors.len(),
                        "has" => v.filters.links.len(),
                        _ => v.filters.topics.len(),
                    };
                    if value.is_empty() {
                        continue;
                    }
                    if list_len >= MAX_VALUES {
                        bad("too many values");
                        continue;
                    }
                    match key.as_str() {
                        "cat" => push_unique(&mut v.filters.categories, value),
                        "month" if is_month(&value) => push_unique(&mut v.filters.months, value),
                        "month" => bad("not a month like 2025-03"),
                        "listed" => push_unique(&mut v.filters.listed, value),
                        "author" => push_unique(&mut v.filters.authors, value),
                        "has" => match LinkKind::ALL.iter().find(|k| k.name() == value) {
                            Some(&k) if !v.filters.links.contains(&k) => v.filters.links.push(k),
                            Some(_) => {}
                            None => bad("unknown link kind"),
                        },
                        _ => match value.parse::<u32>() {
                            Ok(t) if !v.filters.topics.contains(&t) => v.filters.topics.push(t),
                            Ok(_) => {}
                            Err(_) => bad("not a topic number"),
                        },
                    }
                }
                _ => v.ignored.push(format!("`{shown_key}` (unknown parameter)")),
            }
        }
        v
    }

    /// The canonical query string (with the leading `?`, or empty for the default view).
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        for c in &self.filters.categories {
            pairs.push(("cat", c.clone()));
        }
        for m in &self.filters.months {
            pairs.push(("month", m.clone()));
        }
        for l in &self.filters.listed {
            pairs.push(("listed", l.clone()));
        }
        for a in &self.filters.authors {
            pairs.push(("author", a.clone()));
        }
        for k in &self.filters.links {
            pairs.push(("has", k.name().to_string()));
        }
        for t in &self.filters.topics {
            pairs.push(("topic", t.to_string()));
        }
        if let Some(d) = self.filters.date_from {
            pairs.push(("from", format_date(d)));
        }
        if let Some(d) = self.filters.date_to {
            pairs.push(("to", format_date(d)));
        }
        if self.sort != Sort::Relevance {
            pairs.push(("sort", self.sort.name().to_string()));
        }
        if self.view != View::List {
            pairs.push(("view", self.view.name().to_string()));
        }
        if let Some(vp) = self.viewport.filter(|vp| *vp != Viewport::default()) {
            pairs.push(("vp", vp.to_param()));
        }
        if !self.list.is_empty() {
            pairs.push(("list", crate::readinglist::ids_to_param(&self.list)));
        }
        if self.shown > PAGE {
            pairs.push(("n", self.shown.to_string()));
        }
        if let Some(p) = &self.paper {
            pairs.push(("paper", p.clone()));
        }
        if pairs.is_empty() {
            return String::new();
        }
        let mut out = String::from("?");
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(k);
            out.push('=');
            out.push_str(&encode(v));
        }
        out
    }
}

fn push_unique(list: &mut Vec<String>, value: String) {
    if !list.contains(&value) {
        list.push(value);
    }
}

fn is_month(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit())
        && s[5..7].parse::<u8>().is_ok_and(|m| (1..=12).contains(&m))
}

/// `2025-03-18` → 20250318.
pub fn parse_date(s: &str) -> Option<u32> {
    let d = crate::engine::corpus::jsonl::normalise_date(s)?;
    (d.len() == 10).then(|| crate::engine::index::facets::date_number(&d))
}

/// 20250318 → `2025-03-18`.
pub fn format_date(d: u32) -> String {
    format!("{:04}-{:02}-{:02}", d / 10000, d / 100 % 100, d % 100)
}

/// Percent-encodes a value for a query string (`application/x-www-form-urlencoded`: space is
/// `+`, unreserved characters stay, everything else is `%XX` per UTF-8 byte).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'*' | b',' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Decodes a query-string component; malformed escapes are kept as written and invalid UTF-8
/// is replaced, never an error.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trip_of_a_full_view() {
        let v = ViewState {
            q: "scaling laws \"neural networks\" -vision & café".into(),
            filters: Filters {
                categories: vec!["cs.CL".into(), "cs.LG".into()],
                months: vec!["2025-03".into()],
                listed: vec!["Mar 14".into()],
                authors: vec!["Ada Lovelace".into()],
                links: vec![LinkKind::Code],
                date_from: Some(20250301),
                date_to: Some(20250331),
                topics: vec![3],
            },
            sort: Sort::Newest,
            paper: Some("trans-lora-towards".into()),
            shown: 40,
            view: View::Topics,
            viewport: Some(Viewport::new(0.25, 0.75, 3.5)),
            list: vec!["2505.00001".into(), "a,b".into(), "50% off".into()],
            ignored: vec![],
        };
        let q = v.to_query();
        assert_eq!(ViewState::from_query(&q), v, "{q}");
        assert!(q.contains("&list=2505.00001,a%252Cb,50%2525+off&"), "{q}");
        assert!(
            q.starts_with("?q=scaling+laws+%22neural+networks%22+-vision+%26+caf%C3%A9&cat=cs.CL&cat=cs.LG"),
            "{q}"
        );
    }

    #[test]
    fn defaults_are_left_out() {
        assert_eq!(ViewState::default().to_query(), "");
        let v = ViewState { q: "lora".into(), shown: 20, ..Default::default() };
        assert_eq!(v.to_query(), "?q=lora");
        // A link asking for one page reads as the default view (found by fuzzing `url`).
        assert_eq!(ViewState::from_query("?n=1"), ViewState::default());
        assert_eq!(ViewState::from_query("?n=20").shown, 0);
        assert_eq!(ViewState::from_query("?n=21").shown, 40);
    }

    #[test]
    fn bad_parameters_fall_back_and_are_reported() {
        let v = ViewState::from_query(
            "?q=a&q=b&sort=loudest&n=-3&has=bitcoin&month=2025-13&from=yesterday&zzz=1&view=3d&%ZZ=%",
        );
        assert_eq!(v.q, "a");
        assert_eq!(v.sort, Sort::Relevance);
        assert_eq!(v.shown(), PAGE);
        assert!(v.filters.is_empty());
        assert_eq!(v.view, View::List);
        assert_eq!(v.ignored.len(), 9, "{:?}", v.ignored);
        assert!(v.ignored.iter().any(|i| i.contains("zzz") && i.contains("unknown parameter")));
    }

    #[test]
    fn viewports_round_trip_and_bad_ones_are_ignored() {
        let v = ViewState::from_query("?view=map&vp=0.1234,0.9,2.5");
        assert_eq!(v.view, View::Map);
        assert_eq!(v.viewport, Some(Viewport { x: 1234, y: 9000, zoom: 250 }));
        assert_eq!(v.to_query(), "?view=map&vp=0.1234,0.9,2.5");
        for bad in [
            "vp=2,0.5,1",
            "vp=0.5,0.5,100",
            "vp=015033307,0.5,2",
            "vp=999999,0.5,2",
            "vp=NaN,0.5,2",
            "vp=0.5,0.5",
            "vp=a,b,c",
            "vp=0.5,0.5,2,9",
        ] {
            let v = ViewState::from_query(bad);
            assert_eq!(v.viewport, None, "{bad}");
            assert_eq!(v.ignored.len(), 1, "{bad}");
        }
        assert_eq!(ViewState::from_query("vp=0.5,0.5,1").to_query(), "", "the default viewport is left out");
    }

    #[test]
    fn oversized_and_repeated_values_are_bounded() {
        let long = format!("?q={}", "x".repeat(5000));
        let v = ViewState::from_query(&long);
        assert_eq!(v.q, "");
        assert_eq!(v.ignored.len(), 1);
        let many: String = (0..50).map(|i| format!("cat=c{i}&")).collect();
        let v = ViewState::from_query(&many);
        assert_eq!(v.filters.categories.len(), MAX_VALUES);
        assert_eq!(ViewState::from_query("?n=999999999999").shown(), MAX_SHOWN);
        assert_eq!(ViewState::from_query("?n=21").shown(), 40, "rounded up to whole pages");
    }

    #[test]
    fn percent_decoding_is_lenient() {
        assert_eq!(decode("a%20b+c%"), "a b c%");
        assert_eq!(decode("%E2%9C%93"), "✓");
        assert_eq!(decode("%FF"), "\u{FFFD}");
        assert_eq!(decode("%2"), "%2");
    }

    proptest! {
        #[test]
        fn any_query_string_parses_without_panicking(s in "\\PC{0,200}") {
            let v = ViewState::from_query(&s);
            // And what it parsed serialises to a link that reads back the same.
            let again = ViewState::from_query(&v.to_query());
            prop_assert_eq!(again, v.without_notes());
        }

        #[test]
        fn queries_survive_the_url(q in "\\PC{0,80}") {
            let v = ViewState { q: q.clone(), ..Default::default() };
            prop_assert_eq!(ViewState::from_query(&v.to_query()).q, q);
        }
    }
}
