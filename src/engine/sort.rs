//! One sort for the engine's many small lists (facet values, expansions, completions,
//! highlight ranges): every element type and comparison goes through a single sort of
//! indices, so the browser bundle carries one copy of the sort code instead of one per list
//! type (the standard sorts are generic, and each copy is a few kilobytes of wasm). Lists that
//! can be large (search hits) keep the standard sorts.

use std::cmp::Ordering;

/// The one shared instance: positions ordered by a comparison behind a trait object.
#[inline(never)]
fn sort_positions(positions: &mut [u32], cmp: &mut dyn FnMut(u32, u32) -> Ordering) {
    positions.sort_unstable_by(|&a, &b| cmp(a, b));
}

/// Sorts `list` by `cmp`. Not stable: where equal elements must keep an order, `cmp` says
/// which (a tie-break).
pub fn sort_list<T>(list: &mut Vec<T>, mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if list.len() < 2 {
        return;
    }
    let mut positions: Vec<u32> = (0..list.len() as u32).collect();
    sort_positions(&mut positions, &mut |a, b| cmp(&list[a as usize], &list[b as usize]));
    let mut slots: Vec<Option<T>> = list.drain(..).map(Some).collect();
    list.extend(positions.into_iter().filter_map(|p| slots[p as usize].take()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_like_the_standard_sort(mut list in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
            let mut expected = list.clone();
            expected.sort();
            sort_list(&mut list, |a, b| a.cmp(b));
            prop_assert_eq!(list, expected);
        }
    }

    #[test]
    fn sorts_by_the_comparison_given() {
        let mut words = vec!["pear".to_string(), "fig".into(), "apple".into(), "kiwi".into()];
        sort_list(&mut words, |a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        assert_eq!(words, ["fig", "kiwi", "pear", "apple"]);
    }
}
