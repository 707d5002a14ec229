//! The build's postings store: each term's postings and positions as papers are analysed,
//! held compactly and, natively, spilled to sorted runs on disk past a memory budget, then
//! merged back term by term in dictionary order. The build's memory for postings then follows
//! the budget and the vocabulary, not the corpus (at 75k papers the decoded lists took 280 MB;
//! their compact form is about 60 MB, and a budget caps it).
//!
//! Compact form, per term, per posting: the document as a varint gap from the term's previous
//! posting in the same buffer (the first one a document number), the three field frequencies
//! as varints, then the kept positions (at most the title and abstract frequencies) as varint
//! gaps, the first from 0. A run file is a sequence of (varint term id, varint byte length,
//! bytes) in the byte order of the terms, so every run is in dictionary order and a merge
//! reads each once, front to back. Runs hold consecutive papers, so a term's buffers from run
//! 1, 2, … concatenate in document order.

use super::format::put_varint;
use super::postings::Posting;

/// Postings and positions per term id, compact, with document frequencies.
#[derive(Debug, Default)]
pub struct ListStore {
    /// Per term id: its compact postings in the current buffer.
    lists: Vec<Vec<u8>>,
    /// Per term id: 1 + the last document in its current buffer (0: empty).
    next_doc: Vec<u32>,
    /// Per term id: postings so far, over every run.
    df: Vec<u32>,
    /// Bytes held in `lists`.
    buffered: usize,
    #[cfg(not(target_arch = "wasm32"))]
    spill: Option<Spill>,
}

/// Where runs go and when (native only: the browser's build keeps everything in memory).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug)]
struct Spill {
    dir: std::path::PathBuf,
    budget: usize,
    runs: Vec<std::path::PathBuf>,
}

#[cfg(not(target_arch = "wasm32"))]
impl Drop for Spill {
    fn drop(&mut self) {
        // The runs are scratch: gone once merged, or if the build stops early.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn get_varint(bytes: &[u8], at: &mut usize) -> u32 {
    let mut v = 0u32;
    let mut shift = 0;
    while let Some(&b) = bytes.get(*at) {
        *at += 1;
        v |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            break;
        }
        shift += 7;
    }
    v
}

fn put_posting(list: &mut Vec<u8>, gap: u32, p: &Posting, positions: &[u32]) {
    put_varint(list, u64::from(gap));
    p.tf.iter().for_each(|&f| put_varint(list, u64::from(f)));
    let mut prev = 0;
    for &pos in positions {
        put_varint(list, u64::from(pos - prev));
        prev = pos;
    }
}

/// A whole list (documents increasing, positions run after run) in the compact form.
pub fn encode_list(postings: &[Posting], positions: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(postings.len() * 4 + positions.len() * 2);
    let mut at = 0;
    let mut next = 0;
    for (i, p) in postings.iter().enumerate() {
        let run = &positions[at..at + p.positioned()];
        at += p.positioned();
        put_posting(&mut out, if i == 0 { p.doc } else { p.doc + 1 - next }, p, run);
        next = p.doc + 1;
    }
    out
}

/// Reads a compact list front to back, a posting at a time.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
    doc: u32,
    started: bool,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Cursor { bytes, at: 0, doc: 0, started: false }
    }

    /// The next posting when its document is below `end` (then its positions are appended to
    /// `positions`); `None`, staying put, otherwise or at the end.
    pub fn next_below(&mut self, end: u32, positions: &mut Vec<u32>) -> Option<Posting> {
        if self.at >= self.bytes.len() {
            return None;
        }
        let mut at = self.at;
        let gap = get_varint(self.bytes, &mut at);
        let doc = if self.started { self.doc + gap } else { gap };
        if doc >= end {
            return None;
        }
        let tf = [0, 1, 2].map(|_| get_varint(self.bytes, &mut at) as u16);
        let p = Posting { doc, tf };
        let mut pos = 0;
        for _ in 0..p.positioned() {
            pos += get_varint(self.bytes, &mut at);
            positions.push(pos);
        }
        (self.at, self.doc, self.started) = (at, doc, true);
        Some(p)
    }
}

/// Appends the postings and positions of one compact buffer (see the module docs).
fn decode_into(bytes: &[u8], postings: &mut Vec<Posting>, positions: &mut Vec<u32>) {
    let mut at = 0;
    let mut doc = 0u32;
    let mut first = true;
    while at < bytes.len() {
        let gap = get_varint(bytes, &mut at);
        doc = if first { gap } else { doc + gap };
        first = false;
        let tf = [0, 1, 2].map(|_| get_varint(bytes, &mut at) as u16);
        let p = Posting { doc, tf };
        let mut pos = 0;
        for _ in 0..p.positioned() {
            pos += get_varint(bytes, &mut at);
            positions.push(pos);
        }
        postings.push(p);
    }
}

impl ListStore {
    /// A store that keeps everything in memory.
    pub fn in_memory() -> Self {
        Self::default()
    }

    /// A store that writes runs into `dir` (created, and removed with the store) whenever its
    /// buffers pass `budget` bytes.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn spilling(dir: std::path::PathBuf, budget: usize) -> std::io::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        Ok(ListStore { spill: Some(Spill { dir, budget: budget.max(1), runs: Vec::new() }), ..Self::default() })
    }

    /// Adds a posting of term `id` (documents in increasing order per term) with its kept
    /// positions, `p.positioned()` of them in order.
    pub fn push(&mut self, id: u32, p: Posting, positions: &[u32]) {
        let i = id as usize;
        if i >= self.lists.len() {
            self.lists.resize_with(i + 1, Vec::new);
            self.next_doc.resize(i + 1, 0);
            self.df.resize(i + 1, 0);
        }
        debug_assert_eq!(positions.len(), p.positioned());
        let list = &mut self.lists[i];
        let before = list.len();
        let gap = if self.next_doc[i] == 0 { p.doc } else { p.doc + 1 - self.next_doc[i] };
        put_posting(list, gap, &p, positions);
        self.buffered += list.len() - before;
        self.next_doc[i] = p.doc + 1;
        self.df[i] += 1;
    }

    /// Postings of term `id` so far.
    pub fn df(&self, id: u32) -> u32 {
        self.df.get(id as usize).copied().unwrap_or(0)
    }

    /// Runs written so far.
    pub fn runs(&self) -> usize {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(s) = &self.spill {
            return s.runs.len();
        }
        0
    }

    /// Writes the buffers as a run when they pass the budget (`terms[id]` names term `id`,
    /// for the run's order). Call between papers.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn spill_if_full(&mut self, terms: &[String]) -> std::io::Result<()> {
        use std::io::Write;
        let Some(spill) = self.spill.as_mut().filter(|s| self.buffered >= s.budget) else { return Ok(()) };
        let mut ids: Vec<u32> = (0..self.lists.len() as u32).filter(|&i| !self.lists[i as usize].is_empty()).collect();
        ids.sort_unstable_by(|&a, &b| terms[a as usize].as_bytes().cmp(terms[b as usize].as_bytes()));
        let path = spill.dir.join(format!("run-{}", spill.runs.len()));
        let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
        let mut head = Vec::with_capacity(10);
        for id in ids {
            let list = std::mem::take(&mut self.lists[id as usize]);
            head.clear();
            put_varint(&mut head, u64::from(id));
            put_varint(&mut head, list.len() as u64);
            out.write_all(&head)?;
            out.write_all(&list)?;
            self.next_doc[id as usize] = 0;
        }
        out.flush()?;
        spill.runs.push(path);
        self.buffered = 0;
        Ok(())
    }

    /// Calls `visit(ordinal, postings, positions)` for every term in dictionary order, where
    /// `order[ordinal]` is the term id: its whole list, runs and buffers joined, positions run
    /// after run.
    pub fn merge(
        self,
        order: &[u32],
        mut visit: impl FnMut(u32, &[Posting], &[u32]) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut runs = self.open_runs()?;
        let mut postings = Vec::new();
        let mut positions = Vec::new();
        for (ordinal, &id) in order.iter().enumerate() {
            postings.clear();
            positions.clear();
            for run in &mut runs {
                if let Some(bytes) = run.take(id)? {
                    decode_into(bytes, &mut postings, &mut positions);
                }
            }
            if let Some(list) = self.lists.get(id as usize) {
                decode_into(list, &mut postings, &mut positions);
            }
            visit(ordinal as u32, &postings, &positions)?;
        }
        Ok(())
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn open_runs(&self) -> std::io::Result<Vec<RunReader>> {
        let Some(spill) = &self.spill else { return Ok(Vec::new()) };
        spill.runs.iter().map(|p| RunReader::open(p)).collect()
    }

    #[cfg(target_arch = "wasm32")]
    fn open_runs(&self) -> std::io::Result<Vec<RunReader>> {
        Ok(Vec::new())
    }
}

/// A run read front to back, one term ahead.
struct RunReader {
    #[cfg(not(target_arch = "wasm32"))]
    input: std::io::BufReader<std::fs::File>,
    /// The next term's id and bytes (`None` at the end).
    head: Option<(u32, Vec<u8>)>,
    /// The bytes handed out last (kept so `take` can lend them).
    lent: Vec<u8>,
}

impl RunReader {
    #[cfg(not(target_arch = "wasm32"))]
    fn open(path: &std::path::Path) -> std::io::Result<Self> {
        let input = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
        let mut r = RunReader { input, head: None, lent: Vec::new() };
        r.advance()?;
        Ok(r)
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn read_varint(&mut self) -> std::io::Result<Option<u64>> {
        use std::io::Read;
        let mut v = 0u64;
        let mut shift = 0;
        let mut byte = [0u8];
        loop {
            if self.input.read(&mut byte)? == 0 {
                return if shift == 0 {
                    Ok(None)
                } else {
                    Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "a spilled run ends inside a number"))
                };
            }
            v |= u64::from(byte[0] & 0x7f) << shift;
            if byte[0] < 0x80 {
                return Ok(Some(v));
            }
            shift += 7;
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn advance(&mut self) -> std::io::Result<()> {
        use std::io::Read;
        let Some(id) = self.read_varint()? else {
            self.head = None;
            return Ok(());
        };
        let len = self.read_varint()?.unwrap_or(0) as usize;
        let mut bytes = self.head.take().map(|h| h.1).unwrap_or_default();
        bytes.resize(len, 0);
        self.input.read_exact(&mut bytes)?;
        self.head = Some((id as u32, bytes));
        Ok(())
    }

    #[cfg(target_arch = "wasm32")]
    fn advance(&mut self) -> std::io::Result<()> {
        self.head = None;
        Ok(())
    }

    /// The bytes of term `id` when it is the next term of the run (then moves on).
    fn take(&mut self, id: u32) -> std::io::Result<Option<&[u8]>> {
        match &mut self.head {
            Some((head, bytes)) if *head == id => {
                std::mem::swap(&mut self.lent, bytes);
                self.advance()?;
                Ok(Some(&self.lent))
            }
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lists() -> impl Strategy<Value = Vec<(u32, u32, [u16; 3])>> {
        // (term, document step, frequencies); documents increase through the input.
        proptest::collection::vec((0u32..12, 0u32..3, [0u16..4, 0u16..300, 0u16..2]), 0..400)
    }

    /// Pushes `input` (documents from 0 in steps), spilling at `budget` when given, and
    /// returns every term's merged list in id order (the order passed to the merge).
    fn round_trip(input: &[(u32, u32, [u16; 3])], budget: Option<usize>) -> Vec<(Vec<Posting>, Vec<u32>)> {
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("papersift-invert-test-{}-{call}", std::process::id()));
        let mut store = match budget {
            Some(b) => ListStore::spilling(dir, b).unwrap(),
            None => ListStore::in_memory(),
        };
        let terms: Vec<String> = (0..12).map(|t| format!("t{t:02}")).collect();
        let mut doc = 0;
        let mut last: Vec<Option<u32>> = vec![None; 12];
        for &(t, step, tf) in input {
            doc += step;
            if last[t as usize] == Some(doc) {
                continue;
            }
            last[t as usize] = Some(doc);
            let n = usize::from(tf[0]) + usize::from(tf[1]);
            let positions: Vec<u32> = (0..n as u32).map(|k| k * 3 + t).collect();
            store.push(t, Posting { doc, tf }, &positions);
            store.spill_if_full(&terms).unwrap();
        }
        if budget.is_some_and(|b| b < 64) && input.len() > 50 {
            assert!(store.runs() > 1, "a small budget spills");
        }
        let order: Vec<u32> = (0..12).collect();
        let mut out = Vec::new();
        store
            .merge(&order, |_, p, q| {
                out.push((p.to_vec(), q.to_vec()));
                Ok(())
            })
            .unwrap();
        out
    }

    proptest! {
        #[test]
        fn spilled_runs_merge_into_the_lists_kept_in_memory(input in lists(), budget in 1usize..200) {
            prop_assert_eq!(round_trip(&input, Some(budget)), round_trip(&input, None));
        }
    }

    #[test]
    fn lists_read_back_as_pushed() {
        let mut store = ListStore::in_memory();
        store.push(1, Posting { doc: 7, tf: [1, 2, 0] }, &[0, 9, 20]);
        store.push(1, Posting { doc: 300, tf: [0, 1, 0] }, &[5000]);
        store.push(0, Posting { doc: 2, tf: [0, 0, 3] }, &[]);
        assert_eq!((store.df(0), store.df(1), store.df(5)), (1, 2, 0));
        let mut seen = Vec::new();
        store
            .merge(&[1, 0], |o, p, q| {
                seen.push((o, p.to_vec(), q.to_vec()));
                Ok(())
            })
            .unwrap();
        assert_eq!(
            seen,
            vec![
                (0, vec![Posting { doc: 7, tf: [1, 2, 0] }, Posting { doc: 300, tf: [0, 1, 0] }], vec![0, 9, 20, 5000]),
                (1, vec![Posting { doc: 2, tf: [0, 0, 3] }], vec![]),
            ]
        );
    }
}
