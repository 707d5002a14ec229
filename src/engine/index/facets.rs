//! Facet tables: both codecs for `facets.*.bin` (category, month, listing date, link kinds,
//! dates) and `authors.*.bin` (the author facet, kept apart because it is the large one).
//!
//! A [`Column`] maps each document to zero or more values of a sorted value list, stored like a
//! sparse matrix (per-document counts and value ordinals). Counting facets over a result set
//! walks the hits' rows, so it costs O(hits), never O(corpus).
//!
//! Facets payload:
//!
//! ```text
//! varint n_docs
//! varint n_columns, then each column:
//!     str name, varint n_values, str × n_values (sorted),
//!     per document: varint count, then count value ordinals (delta-encoded, increasing)
//! u8 × n_docs       link-kind mask (bit k set = a link of LinkKind code k)
//! varint × n_docs   date as YYYYMMDD (YYYYMM00 for a month, 0 = unknown)
//! varint × n_docs   rank of the title in alphabetical order (for sorting by title without
//!                   loading every title)
//! ```
//!
//! The authors payload is `varint n_docs` followed by one column.

use super::format::{put_str, put_varint, unframe, FileKind, Reader};
use crate::engine::corpus::{LinkKind, Paper};
use crate::engine::error::FormatError;

/// Names of the columns in the facets file.
pub mod names {
    /// arXiv-style category codes.
    pub const CATEGORY: &str = "category";
    /// `YYYY-MM` of the paper's date.
    pub const MONTH: &str = "month";
    /// The listing's date label (`Mar 14`).
    pub const LISTED: &str = "listed";
    /// Author names.
    pub const AUTHOR: &str = "author";
}

/// A multi-valued facet column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The facet's name.
    pub name: String,
    /// Distinct values, sorted.
    pub values: Vec<String>,
    offsets: Vec<u32>,
    ords: Vec<u32>,
}

/// A column built a document at a time (values interned as they come, ordered at the end),
/// so a build need not keep its papers to make one.
#[derive(Debug, Default)]
pub struct ColumnBuilder {
    ids: rustc_hash::FxHashMap<String, u32>,
    values: Vec<String>,
    offsets: Vec<u32>,
    rows: Vec<u32>,
}

impl ColumnBuilder {
    /// Adds the next document's values.
    pub fn push<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        for v in values {
            let id = match self.ids.get(v) {
                Some(&id) => id,
                None => {
                    let id = self.values.len() as u32;
                    self.ids.insert(v.to_string(), id);
                    self.values.push(v.to_string());
                    id
                }
            };
            self.rows.push(id);
        }
        self.offsets.push(self.rows.len() as u32);
    }

    /// The column: values sorted, each document's value ordinals sorted and distinct.
    pub fn finish(self, name: &str) -> Column {
        let mut order: Vec<u32> = (0..self.values.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| self.values[a as usize].cmp(&self.values[b as usize]));
        let mut ordinal_of = vec![0u32; order.len()];
        for (ordinal, &id) in order.iter().enumerate() {
            ordinal_of[id as usize] = ordinal as u32;
        }
        let mut values = self.values;
        let mut slots: Vec<Option<String>> = values.drain(..).map(Some).collect();
        let values: Vec<String> = order.iter().filter_map(|&id| slots[id as usize].take()).collect();
        let offsets_in = if self.offsets.is_empty() { vec![0] } else { self.offsets };
        let mut offsets = Vec::with_capacity(offsets_in.len());
        let mut ords = Vec::with_capacity(self.rows.len());
        offsets.push(0);
        for w in offsets_in.windows(2) {
            let mut row: Vec<u32> =
                self.rows[w[0] as usize..w[1] as usize].iter().map(|&id| ordinal_of[id as usize]).collect();
            row.sort_unstable();
            row.dedup();
            ords.extend(row);
            offsets.push(ords.len() as u32);
        }
        Column { name: name.to_string(), values, offsets, ords }
    }
}

/// The facets built a paper at a time.
#[derive(Debug, Default)]
pub struct FacetsBuilder {
    category: ColumnBuilder,
    month: ColumnBuilder,
    listed: ColumnBuilder,
    link_kinds: Vec<u8>,
    dates: Vec<u32>,
    title_keys: Vec<String>,
}

impl FacetsBuilder {
    /// Adds the next paper.
    pub fn push(&mut self, p: &Paper) {
        self.category.push(p.categories.iter().map(String::as_str));
        self.month.push(p.date.as_deref().and_then(|d| d.get(..7)));
        self.listed.push(p.listed.as_deref());
        self.link_kinds.push(p.links.iter().fold(0u8, |m, l| m | (1 << l.kind.code())));
        self.dates.push(p.date.as_deref().map_or(0, date_number));
        self.title_keys.push(title_sort_key(&p.title));
    }

    /// The facets of the papers added.
    pub fn finish(self) -> Facets {
        let keys = self.title_keys;
        let mut order: Vec<u32> = (0..keys.len() as u32).collect();
        order.sort_by(|&a, &b| keys[a as usize].cmp(&keys[b as usize]).then(a.cmp(&b)));
        let mut title_rank = vec![0u32; keys.len()];
        for (rank, &doc) in order.iter().enumerate() {
            title_rank[doc as usize] = rank as u32;
        }
        Facets {
            columns: vec![
                self.category.finish(names::CATEGORY),
                self.month.finish(names::MONTH),
                self.listed.finish(names::LISTED),
            ],
            link_kinds: self.link_kinds,
            dates: self.dates,
            title_rank,
        }
    }
}

/// The author facet's payload built a paper at a time.
#[derive(Debug, Default)]
pub struct AuthorsBuilder {
    column: ColumnBuilder,
    papers: usize,
}

impl AuthorsBuilder {
    /// Adds the next paper.
    pub fn push(&mut self, p: &Paper) {
        self.column.push(p.authors.iter().map(String::as_str));
        self.papers += 1;
    }

    /// The `authors` payload.
    pub fn finish(self) -> Vec<u8> {
        let column = self.column.finish(names::AUTHOR);
        let mut out = Vec::new();
        put_varint(&mut out, self.papers as u64);
        column.encode(&mut out);
        out
    }
}

impl Column {
    /// Builds a column from each document's values.
    pub fn from_docs<'a, I, V>(name: &str, docs: I) -> Column
    where
        I: IntoIterator<Item = V>,
        V: IntoIterator<Item = &'a str>,
    {
        let mut builder = ColumnBuilder::default();
        docs.into_iter().for_each(|values| builder.push(values));
        builder.finish(name)
    }

    /// Number of documents.
    pub fn n_docs(&self) -> u32 {
        (self.offsets.len() - 1) as u32
    }

    /// The value ordinals of `doc` (empty when out of range).
    pub fn of(&self, doc: u32) -> &[u32] {
        let d = doc as usize;
        if d + 1 >= self.offsets.len() {
            return &[];
        }
        &self.ords[self.offsets[d] as usize..self.offsets[d + 1] as usize]
    }

    /// The ordinal of a value.
    pub fn lookup(&self, value: &str) -> Option<u32> {
        self.values.binary_search_by(|v| v.as_str().cmp(value)).ok().map(|i| i as u32)
    }

    /// Occurrences of each value among `docs`, indexed by value ordinal.
    pub fn counts(&self, docs: impl IntoIterator<Item = u32>) -> Vec<u32> {
        let mut counts = vec![0u32; self.values.len()];
        for d in docs {
            for &o in self.of(d) {
                counts[o as usize] += 1;
            }
        }
        counts
    }

    fn encode(&self, out: &mut Vec<u8>) {
        put_str(out, &self.name);
        put_varint(out, self.values.len() as u64);
        for v in &self.values {
            put_str(out, v);
        }
        for d in 0..self.n_docs() {
            let row = self.of(d);
            put_varint(out, row.len() as u64);
            let mut prev = 0;
            for (i, &o) in row.iter().enumerate() {
                put_varint(out, u64::from(if i == 0 { o } else { o - prev }));
                prev = o;
            }
        }
    }

    fn decode(r: &mut Reader<'_>, n_docs: usize) -> Result<Column, FormatError> {
        let name = r.str()?.to_string();
        let n_values = r.count(r.remaining(), "value")?;
        let mut values = Vec::with_capacity(n_values);
        for _ in 0..n_values {
            let v = r.str()?;
            if values.last().is_some_and(|prev: &String| prev.as_str() >= v) {
                return Err(r.corrupt(format!("values of facet `{name}` are not sorted")));
            }
            values.push(v.to_string());
        }
        let mut offsets = Vec::with_capacity(n_docs + 1);
        let mut ords = Vec::new();
        offsets.push(0u32);
        for _ in 0..n_docs {
            let n = r.count(r.remaining(), "value")?;
            let mut prev = 0u32;
            for i in 0..n {
                let delta = r.varint_u32()?;
                let o = if i == 0 {
                    delta
                } else {
                    prev.checked_add(delta)
                        .filter(|_| delta > 0)
                        .ok_or_else(|| r.corrupt("value ordinals do not increase"))?
                };
                if o as usize >= n_values {
                    return Err(r.corrupt(format!("value {o} of facet `{name}` out of range")));
                }
                ords.push(o);
                prev = o;
            }
            offsets.push(u32::try_from(ords.len()).map_err(|_| r.corrupt("too many values"))?);
        }
        Ok(Column { name, values, offsets, ords })
    }
}

/// The facets file: columns plus per-document link kinds and dates. (The default, empty, stands
/// for a file not loaded yet.)
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facets {
    /// Facet columns (category, month, listed).
    pub columns: Vec<Column>,
    /// Per document, bit `k` set when it has a link of kind code `k`.
    pub link_kinds: Vec<u8>,
    /// Per document, its date as YYYYMMDD (0 = unknown).
    pub dates: Vec<u32>,
    /// Per document, the rank of its title in case-insensitive alphabetical order.
    pub title_rank: Vec<u32>,
}

/// A date string (`YYYY-MM-DD` or `YYYY-MM`) as YYYYMMDD; 0 when unparseable.
pub fn date_number(date: &str) -> u32 {
    let digits: String = date.chars().filter(char::is_ascii_digit).collect();
    match digits.len() {
        8 => digits.parse().unwrap_or(0),
        6 => digits.parse::<u32>().map(|v| v * 100).unwrap_or(0),
        _ => 0,
    }
}

/// The key titles sort by: letters and digits, lower case, accents folded, leading articles
/// kept (readers scan for the title as written).
pub fn title_sort_key(title: &str) -> String {
    crate::engine::text::normalize(title).chars().filter(|c| c.is_alphanumeric() || c.is_whitespace()).collect()
}

impl Facets {
    /// Builds the facets of a corpus.
    pub fn from_papers(papers: &[Paper]) -> Facets {
        let mut builder = FacetsBuilder::default();
        papers.iter().for_each(|p| builder.push(p));
        builder.finish()
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Whether `doc` has a link of `kind`.
    pub fn has_link(&self, doc: u32, kind: LinkKind) -> bool {
        self.link_kinds.get(doc as usize).is_some_and(|m| m & (1 << kind.code()) != 0)
    }

    /// Encodes the payload.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_varint(&mut out, self.link_kinds.len() as u64);
        put_varint(&mut out, self.columns.len() as u64);
        for c in &self.columns {
            c.encode(&mut out);
        }
        out.extend_from_slice(&self.link_kinds);
        for &d in &self.dates {
            put_varint(&mut out, u64::from(d));
        }
        for &r in &self.title_rank {
            put_varint(&mut out, u64::from(r));
        }
        out
    }

    /// Opens a framed facets file for a corpus of `n_docs` papers.
    pub fn open(name: &str, bytes: &[u8], n_docs: u32) -> Result<Facets, FormatError> {
        let payload = unframe(name, FileKind::Facets, bytes)?;
        let mut r = Reader::new(name, payload);
        let n = r.varint()?;
        if n != u64::from(n_docs) {
            return Err(r.corrupt(format!("{n} documents, the manifest says {n_docs}")));
        }
        let n_columns = r.count(64, "column")?;
        let mut columns = Vec::with_capacity(n_columns);
        for _ in 0..n_columns {
            columns.push(Column::decode(&mut r, n_docs as usize)?);
        }
        let link_kinds = r.take(n_docs as usize)?.to_vec();
        let mut dates = Vec::with_capacity(n_docs as usize);
        for _ in 0..n_docs {
            dates.push(r.varint_u32()?);
        }
        let mut title_rank = Vec::with_capacity(n_docs as usize);
        for _ in 0..n_docs {
            let rank = r.varint_u32()?;
            if rank >= n_docs {
                return Err(r.corrupt(format!("title rank {rank} out of range")));
            }
            title_rank.push(rank);
        }
        if !r.is_empty() {
            return Err(r.corrupt("bytes after the title ranks"));
        }
        Ok(Facets { columns, link_kinds, dates, title_rank })
    }
}

/// Encodes the author facet payload.
pub fn encode_authors(papers: &[Paper]) -> Vec<u8> {
    let mut builder = AuthorsBuilder::default();
    papers.iter().for_each(|p| builder.push(p));
    builder.finish()
}

/// Opens a framed authors file.
pub fn open_authors(name: &str, bytes: &[u8], n_docs: u32) -> Result<Column, FormatError> {
    let payload = unframe(name, FileKind::Authors, bytes)?;
    let mut r = Reader::new(name, payload);
    let n = r.varint()?;
    if n != u64::from(n_docs) {
        return Err(r.corrupt(format!("{n} documents, the manifest says {n_docs}")));
    }
    let column = Column::decode(&mut r, n_docs as usize)?;
    if !r.is_empty() {
        return Err(r.corrupt("bytes after the author column"));
    }
    Ok(column)
}

#[cfg(test)]
mod tests {
    use super::super::format::frame;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_over_a_result_set() {
        let col = Column::from_docs("c", vec![vec!["cs.CL", "cs.AI"], vec!["cs.CV"], vec![], vec!["cs.AI", "cs.AI"]]);
        assert_eq!(col.values, vec!["cs.AI", "cs.CL", "cs.CV"]);
        assert_eq!(col.counts([0, 1, 3]), vec![2, 1, 1]);
        assert_eq!(col.of(2), &[] as &[u32]);
        assert_eq!(col.of(99), &[] as &[u32]);
        assert_eq!(col.lookup("cs.CV"), Some(2));
    }

    #[test]
    fn dates_as_numbers() {
        assert_eq!(date_number("2025-03-18"), 20250318);
        assert_eq!(date_number("2025-03"), 20250300);
        assert_eq!(date_number("soon"), 0);
    }

    proptest! {
        #[test]
        fn facets_round_trip(rows in proptest::collection::vec(proptest::collection::vec("[a-c]{1,2}", 0..3), 0..20)) {
            let col = Column::from_docs("x", rows.iter().map(|r| r.iter().map(String::as_str)));
            let n = rows.len();
            let facets = Facets { columns: vec![col.clone()], link_kinds: vec![1; n], dates: vec![20250101; n], title_rank: (0..n as u32).rev().collect() };
            let back = Facets::open("f", &frame(FileKind::Facets, &facets.encode()), n as u32).unwrap();
            prop_assert_eq!(back, facets);
        }

        #[test]
        fn hostile_facets_never_panic(payload in proptest::collection::vec(any::<u8>(), 0..200), n in 0u32..8) {
            let _ = Facets::open("f", &frame(FileKind::Facets, &payload), n);
            let _ = open_authors("a", &frame(FileKind::Authors, &payload), n);
        }
    }
}
