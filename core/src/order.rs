//! One sort for the whole core.
//!
//! Every call of the standard library's sort on a new element type or with a
//! new comparator compiles the whole algorithm again: 4 to 12 KB of machine
//! code each, about 110 KB of the mobile library before this module. Two shared
//! instances serve every sort in the core instead: an unstable sort of `u64`
//! keys for the hot paths (trigger and pattern numbers while resolving), and a
//! stable sort of positions with the comparator behind `dyn` for the rest,
//! whose lists are short (suggestions, findings, literals, ids).

use std::cmp::Ordering;

/// Sorts keys in ascending order.
#[allow(clippy::disallowed_methods)] // the one unstable sort instance
pub(crate) fn keys(v: &mut [u64]) {
    v.sort_unstable();
}

/// Sorts `v` by `cmp`, keeping equal elements in their order (a stable sort).
pub(crate) fn by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = {
        let items: &[T] = v;
        positions(items.len(), &|a, b| match (items.get(a), items.get(b)) {
            (Some(x), Some(y)) => cmp(x, y),
            _ => Ordering::Equal,
        })
    };
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(order.iter().filter_map(|&i| slots.get_mut(i).and_then(Option::take)));
}

/// The positions `0..n` in sorted order. Not generic, so compiled once.
#[inline(never)]
#[allow(clippy::disallowed_methods)] // the one stable sort instance
fn positions(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_by_the_comparator() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        by(&mut v, |a, b| a.0.cmp(&b.0));
        assert_eq!(v, [(0, 'd'), (1, 'b'), (1, 'e'), (2, 'a'), (2, 'c')]);
        let mut words = vec!["b".to_owned(), "a".to_owned()];
        by(&mut words, |a, b| b.cmp(a));
        assert_eq!(words, ["b", "a"]);
        let mut empty: Vec<String> = Vec::new();
        by(&mut empty, Ord::cmp);
        assert!(empty.is_empty());
    }

    #[test]
    fn sorts_keys() {
        let mut k = vec![5, 1, 4, 1];
        keys(&mut k);
        assert_eq!(k, [1, 1, 4, 5]);
    }
}
