//! The typo automaton: which dictionary words are within one or two edits of a query word
//! (or, while it is being typed, start with something within that many), walked over the FSTs.
//!
//! It is the bit-parallel Levenshtein automaton of Wu and Manber (1992), extended with
//! transpositions (an adjacent swap counts as one edit, as in the optimal-string-alignment
//! distance): for each number of edits `d` a 64-bit mask says which prefixes of the query the
//! characters read so far can align to with at most `d` edits, and one character advances
//! every mask in a dozen word operations. Nothing is built per query beyond a table of which
//! query positions hold each character, so a query word costs nothing before the walk starts
//! (a DFA construction, as in the `levenshtein_automata` crate used before, cost tens of
//! microseconds per word: a large part of a typo query on a small corpus). The masks also tell
//! which characters can continue a live branch, so [`super::walk`] jumps to those transitions
//! instead of trying every one.
//!
//! An edit at the query's first character counts as two (as Meilisearch counts typos: people
//! rarely mistype the letter a word starts with, and allowing it multiplies the branches a
//! walk must follow, since every first letter of the dictionary stays open). So `rpuning`
//! (7 characters, one edit allowed) does not reach `pruning`, while `uantization` (12
//! characters, two allowed) still reaches `quantization`.
//!
//! The automaton reads UTF-8 bytes, as the FSTs store them, and advances on whole characters;
//! distances are counted in characters.

use fst::Automaton;

/// Longest query word (in characters) the automaton takes: its masks hold one bit per
/// position, plus one, plus two of headroom for the transposition shift.
pub const MAX_CHARS: usize = 61;

/// Most edits the automaton tracks.
pub const MAX_EDITS: usize = 2;

/// Words within `edits` edits of a query word, or (with `prefix`) words starting with
/// something within `edits` edits of it.
#[derive(Debug, Clone)]
pub struct TypoAutomaton {
    /// For each ASCII character, the query positions holding it (bit `j + 1` for position `j`).
    ascii: [u64; 128],
    /// The same for the query's other characters.
    other: Vec<(char, u64)>,
    /// The query's characters, in order (for the live-character hint).
    chars: Vec<char>,
    /// Bit of the whole query consumed.
    end: u64,
    /// Bits `0..=len`.
    all: u64,
    edits: usize,
    prefix: bool,
}

/// Where the automaton stands after some bytes: the masks after the last whole character,
/// the masks one character earlier (for transpositions) and any character still being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypoState {
    /// `now[d]` bit `j`: the characters read align to the query's first `j` with ≤ `d` edits.
    now: [u64; MAX_EDITS + 1],
    /// `now` before the last character.
    before: [u64; MAX_EDITS + 1],
    /// The query positions holding the last character read (its mask).
    last: u64,
    /// Bits of a multi-byte character read so far, and how many continuation bytes it still
    /// needs.
    partial: u32,
    owed: u8,
}

impl TypoAutomaton {
    /// The automaton for `query` (normalised) with at most `edits` edits (clamped to
    /// [`MAX_EDITS`]); `None` when the query is longer than [`MAX_CHARS`] characters.
    pub fn new(query: &str, edits: u32, prefix: bool) -> Option<TypoAutomaton> {
        let chars: Vec<char> = query.chars().collect();
        if chars.len() > MAX_CHARS {
            return None;
        }
        let mut ascii = [0u64; 128];
        let mut other: Vec<(char, u64)> = Vec::new();
        for (j, &c) in chars.iter().enumerate() {
            let bit = 1u64 << (j + 1);
            if c.is_ascii() {
                ascii[c as usize] |= bit;
            } else if let Some(entry) = other.iter_mut().find(|e| e.0 == c) {
                entry.1 |= bit;
            } else {
                other.push((c, bit));
            }
        }
        let len = chars.len();
        Some(TypoAutomaton {
            ascii,
            other,
            chars,
            end: 1 << len,
            all: (1u64 << (len + 1)) - 1,
            edits: (edits as usize).min(MAX_EDITS),
            prefix,
        })
    }

    fn mask(&self, c: u32) -> u64 {
        if c < 128 {
            self.ascii[c as usize]
        } else {
            char::from_u32(c).and_then(|c| self.other.iter().find(|e| e.0 == c)).map_or(0, |e| e.1)
        }
    }

    /// Advances the masks by one whole character.
    fn step(&self, s: &TypoState, c: u32) -> TypoState {
        let mask = self.mask(c);
        let mut now = [0u64; MAX_EDITS + 1];
        now[0] = (s.now[0] << 1) & mask;
        for d in 1..=self.edits {
            let spare = one_more_edit(&s.now, d);
            now[d] = ((s.now[d] << 1) & mask)
                // insertion (the character is extra), substitution, deletion (a query
                // character skipped, chained through `now[d - 1]`)
                | spare
                | (spare << 1)
                | (one_more_edit(&now, d) << 1)
                // transposition: the query's `j, j + 1` read as this character, then the last
                | ((one_more_edit(&s.before, d) << 2) & (mask << 1) & s.last);
        }
        for (d, m) in now.iter_mut().enumerate().take(self.edits + 1) {
            *m &= self.all;
            if self.prefix {
                // Once the whole query is matched, whatever follows is a completion.
                *m |= s.now[d] & self.end;
            }
        }
        TypoState { now, before: s.now, last: mask, partial: 0, owed: 0 }
    }

    /// The edits between the query and the word read so far (for a prefix automaton: the
    /// fewest between the query and a prefix of it), if within the budget.
    pub fn distance(&self, s: &TypoState) -> Option<u8> {
        if s.owed != 0 {
            return None;
        }
        (0..=self.edits).find(|&d| s.now[d] & self.end != 0).map(|d| d as u8)
    }

    /// The bytes that can continue a live branch from `s`, ascending, when they are few:
    /// `false` when any byte might (an edit is still to spare, or a completion is matched).
    pub fn live_bytes(&self, s: &TypoState, out: &mut Vec<u8>) -> bool {
        out.clear();
        let top = self.edits;
        if s.owed != 0 || (top > 0 && one_more_edit(&s.now, top) != 0) || (self.prefix && s.now[top] & self.end != 0) {
            return false;
        }
        // No edit to spare: only the query character after an aligned position (a match) or
        // the one a pending transposition needs can follow.
        let swap = if top > 0 { one_more_edit(&s.before, top) } else { 0 };
        let from = s.now[top] | swap;
        // First bytes in a 256-bit set, read back in order: sorted and distinct without a sort
        // (one fewer sort instance in the wasm bundle).
        let mut seen = [0u64; 4];
        for (j, &c) in self.chars.iter().enumerate() {
            if from & (1 << j) != 0 {
                let mut buf = [0u8; 4];
                let b = c.encode_utf8(&mut buf).as_bytes()[0];
                seen[usize::from(b >> 6)] |= 1 << (b & 63);
            }
        }
        for (word, &bits) in seen.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                out.push((word as u32 * 64 + bits.trailing_zeros()) as u8);
                bits &= bits - 1;
            }
        }
        true
    }
}

/// The positions from which one more edit keeps within `d` edits: those aligned within
/// `d - 1`, except that an edit at the query's first character (before anything is aligned,
/// position 0) costs two, so position 0 counts only when aligned within `d - 2`.
#[inline(always)]
fn one_more_edit(masks: &[u64; MAX_EDITS + 1], d: usize) -> u64 {
    (masks[d - 1] & !1) | if d >= 2 { masks[d - 2] & 1 } else { 0 }
}

impl Automaton for TypoAutomaton {
    type State = TypoState;

    fn start(&self) -> TypoState {
        let mut now = [0u64; MAX_EDITS + 1];
        for (d, m) in now.iter_mut().enumerate().take(self.edits + 1) {
            // The query's first `j` characters deleted (`j + 1` edits, the first counting two),
            // and nothing read (no edit).
            *m = (((1u64 << d) - 1) | 1) & self.all;
        }
        TypoState { now, before: [0; MAX_EDITS + 1], last: 0, partial: 0, owed: 0 }
    }

    fn is_match(&self, s: &TypoState) -> bool {
        s.owed == 0 && s.now[self.edits] & self.end != 0
    }

    fn can_match(&self, s: &TypoState) -> bool {
        s.now[self.edits] != 0
    }

    fn accept(&self, s: &TypoState, byte: u8) -> TypoState {
        if s.owed > 0 {
            if byte & 0xC0 != 0x80 {
                return TypoState { now: [0; MAX_EDITS + 1], ..*s };
            }
            let partial = (s.partial << 6) | u32::from(byte & 0x3F);
            if s.owed == 1 {
                return self.step(s, partial);
            }
            return TypoState { partial, owed: s.owed - 1, ..*s };
        }
        match byte {
            0x00..=0x7F => self.step(s, u32::from(byte)),
            0xC0..=0xDF => TypoState { partial: u32::from(byte & 0x1F), owed: 1, ..*s },
            0xE0..=0xEF => TypoState { partial: u32::from(byte & 0x0F), owed: 2, ..*s },
            0xF0..=0xF7 => TypoState { partial: u32::from(byte & 0x07), owed: 3, ..*s },
            // A stray continuation byte or an invalid lead: a character matching nothing.
            _ => self.step(s, u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Optimal-string-alignment distance by characters (insert, delete, substitute, swap two
    /// adjacent characters), with every edit at the query's first character counting two: the
    /// reference the automaton must agree with.
    fn osa(query: &str, word: &str) -> usize {
        let a: Vec<char> = query.chars().collect();
        let b: Vec<char> = word.chars().collect();
        // The cost of an edit at query position `i`.
        let w = |i: usize| if i == 0 { 2 } else { 1 };
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in 1..=a.len() {
            d[i][0] = d[i - 1][0] + w(i - 1);
        }
        for j in 1..=b.len() {
            d[0][j] = d[0][j - 1] + w(0);
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let sub = if a[i - 1] == b[j - 1] { 0 } else { w(i - 1) };
                d[i][j] = (d[i - 1][j] + w(i - 1)).min(d[i][j - 1] + w(i)).min(d[i - 1][j - 1] + sub);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + w(i - 2));
                }
            }
        }
        d[a.len()][b.len()]
    }

    fn run(aut: &TypoAutomaton, word: &str) -> TypoState {
        word.bytes().fold(aut.start(), |s, b| aut.accept(&s, b))
    }

    fn expected(query: &str, word: &str, edits: u32, prefix: bool) -> Option<u8> {
        let best = if prefix {
            let mut ends: Vec<usize> = word.char_indices().map(|(i, _)| i).collect();
            ends.push(word.len());
            ends.into_iter().map(|e| osa(query, &word[..e])).min().unwrap_or(usize::MAX)
        } else {
            osa(query, word)
        };
        (best <= edits as usize).then_some(best as u8)
    }

    #[test]
    fn known_typos() {
        let aut = TypoAutomaton::new("quantizaton", 2, false).unwrap();
        assert_eq!(aut.distance(&run(&aut, "quantization")), Some(1));
        assert_eq!(aut.distance(&run(&aut, "quantizaton")), Some(0));
        assert_eq!(aut.distance(&run(&aut, "quantize")), None);
        let aut = TypoAutomaton::new("tranformer", 1, false).unwrap();
        assert_eq!(aut.distance(&run(&aut, "transformer")), Some(1));
        assert_eq!(aut.distance(&run(&aut, "transformers")), None);
        let aut = TypoAutomaton::new("tranformer", 1, true).unwrap();
        assert_eq!(aut.distance(&run(&aut, "transformers")), Some(1));
        let aut = TypoAutomaton::new("calibraiton", 1, false).unwrap();
        assert_eq!(aut.distance(&run(&aut, "calibration")), Some(1), "a swap is one edit");
        let aut = TypoAutomaton::new("naïve", 1, false).unwrap();
        assert_eq!(aut.distance(&run(&aut, "naive")), Some(1), "é-like characters count once");
        assert_eq!(aut.distance(&run(&aut, "naïve")), Some(0));
        assert!(TypoAutomaton::new(&"a".repeat(MAX_CHARS + 1), 1, false).is_none());
    }

    #[test]
    fn first_character_edits_count_two() {
        let one = TypoAutomaton::new("pruning", 1, false).unwrap();
        assert_eq!(one.distance(&run(&one, "rpuning")), None);
        assert_eq!(one.distance(&run(&one, "bruning")), None);
        assert_eq!(one.distance(&run(&one, "pruming")), Some(1));
        let two = TypoAutomaton::new("uantization", 2, false).unwrap();
        assert_eq!(two.distance(&run(&two, "quantization")), Some(2));
        assert_eq!(two.distance(&run(&two, "quantizations")), None);
    }

    #[test]
    fn dead_branches_stop_early() {
        let aut = TypoAutomaton::new("zebra", 1, false).unwrap();
        assert!(!aut.can_match(&run(&aut, "x")), "a first-letter edit is two");
        assert!(!aut.can_match(&run(&aut, "zxy")), "two substitutions");
        assert!(aut.can_match(&run(&aut, "zxb")));
        let mut live = Vec::new();
        // From `zx` (the edit spent on substituting `e` or inserting `x`), only `b` or `e` can
        // follow.
        assert!(aut.live_bytes(&run(&aut, "zx"), &mut live));
        assert_eq!(live, b"be");
        // From `z` an edit is still to spare: anything may follow.
        assert!(!aut.live_bytes(&run(&aut, "z"), &mut live));
    }

    fn word() -> impl Strategy<Value = String> {
        // A small alphabet (with a two-byte and a three-byte character) makes near misses,
        // swaps and repeats common.
        proptest::collection::vec(prop_oneof![Just('a'), Just('b'), Just('c'), Just('é'), Just('€')], 0..9)
            .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// The distance the automaton reports is the OSA distance (or, as a prefix automaton,
        /// the least over the word's prefixes), whenever that is within the budget.
        #[test]
        fn agrees_with_the_reference_distance(query in word(), text in word(), edits in 0u32..=2, prefix: bool) {
            let aut = TypoAutomaton::new(&query, edits, prefix).unwrap();
            let s = run(&aut, &text);
            prop_assert_eq!(aut.distance(&s), expected(&query, &text, edits, prefix));
            prop_assert_eq!(aut.is_match(&s), expected(&query, &text, edits, prefix).is_some());
        }

        /// A branch the automaton prunes has no match below it, and the live-byte hint never
        /// leaves out a byte that leads to one.
        #[test]
        fn pruning_and_hints_lose_nothing(query in word(), text in word(), edits in 0u32..=2, prefix: bool) {
            let aut = TypoAutomaton::new(&query, edits, prefix).unwrap();
            let matches = expected(&query, &text, edits, prefix).is_some();
            let mut s = aut.start();
            let mut live = Vec::new();
            for &b in text.as_bytes() {
                if matches {
                    prop_assert!(aut.can_match(&s));
                    if aut.live_bytes(&s, &mut live) {
                        prop_assert!(live.contains(&b), "{:?} missing from {:?}", b, live);
                    }
                }
                s = aut.accept(&s, b);
            }
        }
    }
}
