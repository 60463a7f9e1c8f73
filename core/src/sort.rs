//! One sort for the whole app: a slice of indices, ordered by a comparison
//! behind a reference.
//!
//! Every `sort_by` with its own element type or closure compiles its own
//! copy of the standard library's sort, 3 to 6 kB of wasm each; the app
//! had seventeen. Sorting `u32` indices through a `&dyn Fn` compiles one
//! copy, and a comparison through a pointer costs a few nanoseconds next
//! to the work of the comparisons themselves. The sort is stable.

use std::cmp::Ordering;

/// Sorts `v` (indices into whatever `cmp` looks at) by `cmp`, stably.
pub fn sort_indices(v: &mut [u32], cmp: &dyn Fn(u32, u32) -> Ordering) {
    v.sort_by(|&a, &b| cmp(a, b));
}

/// `0..n` as `u32` indices, sorted by `cmp` (stably).
pub fn sorted_indices(n: usize, cmp: &dyn Fn(u32, u32) -> Ordering) -> Vec<u32> {
    let mut v: Vec<u32> = (0..n).filter_map(|i| u32::try_from(i).ok()).collect();
    sort_indices(&mut v, cmp);
    v
}

/// `items` gathered into a `BTreeMap` or `BTreeSet`, one insert at a time.
///
/// `collect()` into a map or set sorts the items first (then builds the
/// tree in bulk) with the standard library's stable sort: one more copy of
/// it per item type. The maps and sets the app builds are small (label
/// keys, a job's labels, prefs keys, legend groups), where inserts cost
/// nothing next to that wasm.
pub fn into_tree<C: Default + Extend<T>, T>(items: impl IntoIterator<Item = T>) -> C {
    let mut tree = C::default();
    tree.extend(items);
    tree
}

/// `items` in the order of `cmp` over their positions (stably).
pub fn sort_vec<T>(items: Vec<T>, cmp: &dyn Fn(&T, &T) -> Ordering) -> Vec<T> {
    let order = sorted_indices(items.len(), &|a, b| match (
        items.get(a as usize),
        items.get(b as usize),
    ) {
        (Some(x), Some(y)) => cmp(x, y),
        _ => Ordering::Equal,
    });
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| slots.get_mut(i as usize).and_then(Option::take))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_by_the_comparison() {
        let keys = [3, 1, 2, 1, 3];
        let v = sorted_indices(keys.len(), &|a, b| keys[a as usize].cmp(&keys[b as usize]));
        assert_eq!(v, [1, 3, 2, 0, 4]);
        let words = vec!["b", "a", "c", "a"];
        assert_eq!(sort_vec(words, &|x, y| x.cmp(y)), ["a", "a", "b", "c"]);
        assert_eq!(
            sort_vec(Vec::<u8>::new(), &|x, y| x.cmp(y)),
            Vec::<u8>::new()
        );
    }
}
