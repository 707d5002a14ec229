//! A depth-first walk of an FST under an automaton, for the typo, prefix and wildcard scans.
//!
//! `fst`'s own `search(..).into_stream()` decodes the node behind every transition it meets and
//! only then asks the automaton whether that branch can still match. Under a typo automaton
//! most branches die at once (after `gr`, only a handful of the letters the dictionary offers
//! keep `grokking` within one edit), so most of those decodings are wasted: on the 82-paper
//! seed they were most of a query's time. This walk asks the automaton first and decodes a
//! node only when its branch is alive. Keys come out in the same (byte) order.

use std::ops::ControlFlow;

use fst::raw::{Fst, Node, Output};
use fst::Automaton;

/// One level of the walk: a node, the next transition (or hinted byte) to try, the output so
/// far, the automaton's state on arriving there and, when hinted, the bytes to try
/// (`hints[hint_from..hint_to]`).
struct Level<'f, S> {
    node: Node<'f>,
    next: usize,
    out: Output,
    state: S,
    hinted: bool,
    hint_from: usize,
    hint_to: usize,
}

/// Calls `visit(key, value, state)` for every key of `fst` the automaton matches, in key
/// order, until `visit` breaks. The state passed is the one after the key's last byte.
pub fn walk<D, A, F>(fst: &Fst<D>, aut: &A, visit: F)
where
    D: AsRef<[u8]>,
    A: Automaton,
    F: FnMut(&[u8], u64, &A::State) -> ControlFlow<()>,
{
    walk_hinted(fst, aut, |_, _| false, visit);
}

/// [`walk`], with `hint(state, bytes)` naming (ascending, returning `true`) the only bytes
/// that can continue a live branch from `state`; where a node has more transitions than
/// that, the walk looks those bytes up instead of trying every transition. `false` means any
/// byte may.
pub fn walk_hinted<'f, D, A, H, F>(fst: &'f Fst<D>, aut: &A, mut hint: H, mut visit: F)
where
    D: AsRef<[u8]>,
    A: Automaton,
    H: FnMut(&A::State, &mut Vec<u8>) -> bool,
    F: FnMut(&[u8], u64, &A::State) -> ControlFlow<()>,
{
    let start = aut.start();
    let root = fst.root();
    if root.is_final() && aut.is_match(&start) && visit(&[], root.final_output().value(), &start).is_break() {
        return;
    }
    if !aut.can_match(&start) {
        return;
    }
    let mut key: Vec<u8> = Vec::with_capacity(32);
    let mut hints: Vec<u8> = Vec::new();
    let mut scratch: Vec<u8> = Vec::new();
    let mut stack: Vec<Level<'f, A::State>> = Vec::with_capacity(32);
    let mut push = |stack: &mut Vec<Level<'f, A::State>>, hints: &mut Vec<u8>, node: Node<'f>, out, state| {
        let hint_from = hints.len();
        let hinted = node.len() > 2 && hint(&state, &mut scratch) && scratch.len() < node.len();
        if hinted {
            hints.extend_from_slice(&scratch);
        }
        stack.push(Level { node, next: 0, out, state, hinted, hint_from, hint_to: hints.len() });
    };
    push(&mut stack, &mut hints, root, Output::zero(), start);
    while let Some(level) = stack.last_mut() {
        let t = if level.hinted {
            let Some(&byte) = hints[level.hint_from..level.hint_to].get(level.next) else {
                hints.truncate(level.hint_from);
                stack.pop();
                key.pop();
                continue;
            };
            level.next += 1;
            match level.node.find_input(byte) {
                Some(i) => level.node.transition(i),
                None => continue,
            }
        } else {
            if level.next >= level.node.len() {
                hints.truncate(level.hint_from);
                stack.pop();
                key.pop();
                continue;
            }
            level.next += 1;
            level.node.transition(level.next - 1)
        };
        let state = aut.accept(&level.state, t.inp);
        if !aut.can_match(&state) {
            continue;
        }
        let out = level.out.cat(t.out);
        let node = fst.node(t.addr);
        key.push(t.inp);
        if node.is_final()
            && aut.is_match(&state)
            && visit(&key, out.cat(node.final_output()).value(), &state).is_break()
        {
            return;
        }
        push(&mut stack, &mut hints, node, out, state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::search::typo::TypoAutomaton;
    use fst::automaton::Str;
    use fst::{IntoStreamer, Streamer};

    fn keys_of<A: Automaton>(map: &fst::Map<Vec<u8>>, aut: A) -> Vec<(Vec<u8>, u64)> {
        let mut out = Vec::new();
        walk(map.as_fst(), &aut, |k, v, _| {
            out.push((k.to_vec(), v));
            ControlFlow::Continue(())
        });
        out
    }

    fn streamed<A: Automaton>(map: &fst::Map<Vec<u8>>, aut: A) -> Vec<(Vec<u8>, u64)> {
        let mut out = Vec::new();
        let mut s = map.search(aut).into_stream();
        while let Some((k, v)) = s.next() {
            out.push((k.to_vec(), v));
        }
        out
    }

    fn sample() -> fst::Map<Vec<u8>> {
        let words = ["", "a", "ab", "abc", "abd", "b", "ba", "quant", "quantile", "quantization", "quantize", "zebra"];
        fst::Map::from_iter(words.iter().enumerate().map(|(i, w)| (*w, i as u64 * 7))).unwrap()
    }

    #[test]
    fn same_keys_values_and_order_as_fst_streams() {
        let map = sample();
        for prefix in ["", "a", "ab", "quant", "quanti", "z", "x"] {
            assert_eq!(
                keys_of(&map, Str::new(prefix).starts_with()),
                streamed(&map, Str::new(prefix).starts_with()),
                "{prefix}"
            );
        }
        assert_eq!(keys_of(&map, fst::automaton::AlwaysMatch), streamed(&map, fst::automaton::AlwaysMatch));
        assert_eq!(keys_of(&map, Str::new("ab")), vec![(b"ab".to_vec(), 14)]);
    }

    #[test]
    fn hints_skip_transitions_but_no_keys() {
        // A dictionary with wide nodes (every letter after `q`), so hints are taken.
        let mut words: Vec<String> =
            ('a'..='z').flat_map(|a| ('a'..='z').map(move |b| format!("q{a}{b}ant"))).collect();
        words.extend(
            ["quant", "quanta", "quantile", "quantization", "quantize", "qvant", "uant", "zebra"].map(String::from),
        );
        words.sort_unstable();
        let map = fst::Map::from_iter(words.iter().enumerate().map(|(i, w)| (w.as_str(), i as u64))).unwrap();
        let mut hints_taken = 0;
        for (query, edits, prefix) in
            [("quant", 1, false), ("quant", 1, true), ("quantizaton", 2, false), ("qant", 1, true)]
        {
            let aut = TypoAutomaton::new(query, edits, prefix).unwrap();
            let mut hinted = Vec::new();
            walk_hinted(
                map.as_fst(),
                &aut,
                |s, out| {
                    let some = aut.live_bytes(s, out);
                    hints_taken += usize::from(some);
                    some
                },
                |k, v, _| {
                    hinted.push((k.to_vec(), v));
                    ControlFlow::Continue(())
                },
            );
            assert_eq!(hinted, streamed(&map, aut.clone()), "{query} {edits} {prefix}");
            assert!(!hinted.is_empty(), "{query}");
        }
        assert!(hints_taken > 0);
    }

    #[test]
    fn stops_when_the_visitor_breaks() {
        let map = sample();
        let mut seen = 0;
        walk(map.as_fst(), &fst::automaton::AlwaysMatch, |_, _, _| {
            seen += 1;
            if seen == 3 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        assert_eq!(seen, 3);
    }
}
