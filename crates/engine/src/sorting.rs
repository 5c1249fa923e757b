//! Sorting with one copy of the sort algorithm. The standard library's sorts are fast and
//! large: each element type and comparator gets its own copy, several KB of WebAssembly, and
//! the browser app's first load (under 1 MB gzipped) had two dozen of them. These helpers sort
//! a permutation of indices with a single comparator type (a `&dyn Fn`), so every caller
//! shares one instantiation of the standard stable sort; only the few lines that apply the
//! permutation are per element type. Stable: equal elements keep their order. Meant for the
//! short lists of a request or a view, not for hot loops over millions of elements.
//! Collecting into a `BTreeMap` sorts too (one more copy per call site): [`ordered`] builds
//! ordered maps and sets by inserting instead.

use std::cmp::Ordering;

/// The order of `len` elements under `compare`: `order[k]` is the index of the element
/// that belongs at position `k`.
#[inline(never)]
fn order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|a, b| compare(*a, *b));
    order
}

/// Sorts `v` by `compare`, stably.
pub fn sort_by<T>(v: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order = order(v.len(), &|a, b| compare(&v[a], &v[b]));
    // Apply the permutation in place, one cycle at a time: position j receives the element
    // at order[j]; a visited position is marked by pointing at itself.
    for start in 0..v.len() {
        let mut j = start;
        loop {
            let k = order[j];
            order[j] = j;
            if k == start {
                break;
            }
            v.swap(j, k);
            j = k;
        }
    }
}

/// Sorts `v` in ascending order, stably.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Sorts `v` by the key `key` gives each element, stably.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Collects `items` into an ordered map or set by inserting them one at a time, as `collect`
/// would build it (a later duplicate key wins) but without the sort `collect` runs first.
pub fn ordered<C: Default + Extend<T>, T>(items: impl IntoIterator<Item = T>) -> C {
    let mut collection = C::default();
    collection.extend(items);
    collection
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        let mut seed = 7u64;
        for len in [0, 1, 2, 3, 10, 100, 1000] {
            let mut v: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 59) as u8, i)
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_by_key(|e| e.0);
            sort_by_key(&mut v, |e| e.0);
            assert_eq!(v, expected, "length {len}");
        }
    }

    #[test]
    fn equal_elements_keep_their_order() {
        let mut v = vec![(1, 'a'), (0, 'b'), (1, 'c'), (0, 'd')];
        sort_by(&mut v, |a, b| a.0.cmp(&b.0));
        assert_eq!(v, [(0, 'b'), (0, 'd'), (1, 'a'), (1, 'c')]);
    }

    #[test]
    fn ordered_builds_the_map_collect_would() {
        let pairs = [("b", 1), ("a", 2), ("b", 3)];
        let inserted: std::collections::BTreeMap<&str, i32> = ordered(pairs);
        let collected: std::collections::BTreeMap<&str, i32> = pairs.into_iter().collect();
        assert_eq!(inserted, collected);
    }

    #[test]
    fn sort_orders_ascending() {
        let mut v = vec!["pear", "apple", "fig"];
        sort(&mut v);
        assert_eq!(v, ["apple", "fig", "pear"]);
    }
}
