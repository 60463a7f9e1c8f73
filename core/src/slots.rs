//! Row slots that follow their items: a table page shown by a fixed set of
//! rows made once, where an item that stays on the page keeps its row.
//!
//! The errors page of a live queue gains its newest errors on top at every
//! refresh. With row `i` showing the page's item `i`, a page shifted by `k`
//! rewrote every row's texts (and re-broke every wrapped message); with
//! rows that follow their items it writes `k` rows and moves `k` of them
//! (docs/design.md, branch refresh9). A page of all new items (a filter, a
//! page turn) fills the rows in place, in the order they stand, and moves
//! none.

/// Which item each slot shows, and the slots in the order they stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotPlan<T> {
    /// The item of each slot (`None`: the slot is empty, its row hidden).
    pub items: Vec<Option<T>>,
    /// The slots in page order: the slot of the page's first item, of its
    /// second, ..., then the empty slots (in the order they stood before).
    pub order: Vec<usize>,
}

impl<T> SlotPlan<T> {
    /// `slots` empty slots standing in index order.
    pub fn empty(slots: usize) -> Self {
        SlotPlan {
            items: (0..slots).map(|_| None).collect(),
            order: (0..slots).collect(),
        }
    }
}

/// The plan that shows `page` (at most as many items as `old` has slots;
/// the rest is left out) after `old`: an item for which `same` finds an
/// item of the old page keeps that item's slot (each old item serves one
/// new item, in page order); the other items take the slots that are free
/// in the order those stand. So the kept items stay in the order they
/// stood, and the new ones fill the free rows from the top.
pub fn follow<T>(old: &SlotPlan<T>, page: Vec<T>, same: impl Fn(&T, &T) -> bool) -> SlotPlan<T> {
    let n = old.order.len();
    // Slot of each page item, by page position.
    let mut slot_of: Vec<Option<usize>> = vec![None; page.len().min(n)];
    let mut taken = vec![false; n];
    for (j, item) in page.iter().take(n).enumerate() {
        let kept = old.order.iter().copied().find(|&s| {
            !taken.get(s).copied().unwrap_or(true)
                && old
                    .items
                    .get(s)
                    .and_then(Option::as_ref)
                    .is_some_and(|o| same(o, item))
        });
        if let (Some(s), Some(slot)) = (kept, slot_of.get_mut(j)) {
            *slot = Some(s);
            if let Some(t) = taken.get_mut(s) {
                *t = true;
            }
        }
    }
    let mut free = old
        .order
        .iter()
        .copied()
        .filter(|&s| !taken.get(s).copied().unwrap_or(true));
    let mut items: Vec<Option<T>> = (0..n).map(|_| None).collect();
    let mut order = Vec::with_capacity(n);
    for (item, slot) in page.into_iter().zip(slot_of) {
        if let Some(s) = slot.or_else(|| free.next()) {
            if let Some(place) = items.get_mut(s) {
                *place = Some(item);
            }
            order.push(s);
        }
    }
    order.extend(free);
    SlotPlan { items, order }
}

/// The fewest moves that turn the order `from` into `to` (both a
/// permutation of the same slots): `(slot, before)`, to be applied in turn,
/// each putting `slot` just before the slot `before` (`None`: after every
/// other). The slots of a longest subsequence of `to` that stands in
/// `from`'s order stay; every other slot moves once.
pub fn moves(from: &[usize], to: &[usize]) -> Vec<(usize, Option<usize>)> {
    let mut pos = vec![usize::MAX; from.len().max(to.len())];
    for (i, &s) in from.iter().enumerate() {
        if let Some(p) = pos.get_mut(s) {
            *p = i;
        }
    }
    let seq: Vec<usize> = to
        .iter()
        .map(|&s| pos.get(s).copied().unwrap_or(usize::MAX))
        .collect();
    let stays = longest_increasing(&seq);
    let mut out = Vec::new();
    let mut next = None;
    for (i, &s) in to.iter().enumerate().rev() {
        if !stays.get(i).copied().unwrap_or(false) {
            out.push((s, next));
        }
        next = Some(s);
    }
    out
}

/// Which positions of `seq` make one longest strictly increasing
/// subsequence (`usize::MAX` never belongs to one). Quadratic: the pages
/// are a few dozen rows.
fn longest_increasing(seq: &[usize]) -> Vec<bool> {
    // len[i]: the longest such subsequence ending at i; prev[i]: the
    // position before i in it.
    let mut len = vec![0usize; seq.len()];
    let mut prev = vec![usize::MAX; seq.len()];
    let mut best: Option<usize> = None;
    for (i, &v) in seq.iter().enumerate() {
        if v == usize::MAX {
            continue;
        }
        let mut l = 1;
        for (j, &w) in seq.iter().enumerate().take(i) {
            let lj = len.get(j).copied().unwrap_or(0);
            if w < v && lj + 1 > l {
                l = lj + 1;
                if let Some(p) = prev.get_mut(i) {
                    *p = j;
                }
            }
        }
        if let Some(x) = len.get_mut(i) {
            *x = l;
        }
        if best.is_none_or(|b| len.get(b).copied().unwrap_or(0) < l) {
            best = Some(i);
        }
    }
    let mut stays = vec![false; seq.len()];
    let mut at = best;
    while let Some(i) = at {
        if let Some(s) = stays.get_mut(i) {
            *s = true;
        }
        at = prev.get(i).copied().filter(|&p| p != usize::MAX);
    }
    stays
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn plan_of(page: &[u32], slots: usize) -> SlotPlan<u32> {
        follow(&SlotPlan::empty(slots), page.to_vec(), |a, b| a == b)
    }

    /// `order` after `moves`, applied as the DOM would.
    fn apply(from: &[usize], moves: &[(usize, Option<usize>)]) -> Vec<usize> {
        let mut v = from.to_vec();
        for &(s, before) in moves {
            v.retain(|&x| x != s);
            let at = before
                .and_then(|b| v.iter().position(|&x| x == b))
                .unwrap_or(v.len());
            v.insert(at, s);
        }
        v
    }

    #[test]
    fn a_page_shifted_by_new_items_on_top_writes_and_moves_only_those() {
        let old = plan_of(&(0..25).collect::<Vec<_>>(), 25);
        assert_eq!(old.order, (0..25).collect::<Vec<_>>());
        for k in [1usize, 3, 24] {
            let page: Vec<u32> = (100..100 + k as u32).chain(0..25 - k as u32).collect();
            let new = follow(&old, page.clone(), |a, b| a == b);
            // The kept items keep their slots; the new ones take the freed tail.
            for s in 0..25 - k {
                assert_eq!(new.items[s], old.items[s], "slot {s} kept");
            }
            let shown: Vec<u32> = new.order.iter().filter_map(|&s| new.items[s]).collect();
            assert_eq!(shown, page);
            let m = moves(&old.order, &new.order);
            // k rows move to the top (or, when fewer stay, those move down).
            assert_eq!(m.len(), k.min(25 - k), "k = {k}: {m:?}");
            assert_eq!(apply(&old.order, &m), new.order);
        }
    }

    #[test]
    fn a_page_of_new_items_fills_the_rows_in_place_and_hides_the_rest() {
        let old = plan_of(&(0..25).collect::<Vec<_>>(), 25);
        let new = follow(&old, (50..60).collect(), |a, b| a == b);
        assert_eq!(new.order, old.order, "nothing moves");
        assert_eq!(new.items[..10], (50..60).map(Some).collect::<Vec<_>>());
        assert!(new.items[10..].iter().all(Option::is_none));
        // An emptied page, then one item: the first row again.
        let none = follow(&new, Vec::new(), |a, b| a == b);
        assert!(none.items.iter().all(Option::is_none));
        assert_eq!(none.order, old.order);
        let one = follow(&none, vec![7], |a, b| a == b);
        assert_eq!((one.order[0], one.items[0]), (0, Some(7)));
    }

    #[test]
    fn equal_items_each_keep_one_slot() {
        let old = plan_of(&[1, 1, 2], 3);
        let new = follow(&old, vec![3, 1, 1], |a, b| a == b);
        assert_eq!(new.order, vec![2, 0, 1]);
        assert_eq!(new.items, vec![Some(1), Some(1), Some(3)]);
    }

    proptest! {
        /// Whatever the pages: the rows in `order` show the page, every
        /// slot appears once, as many items keep their slot as the two
        /// pages share, and `moves` turns the old order into the new with
        /// the fewest moves (a brute-force longest kept subsequence).
        #[test]
        fn plans_show_the_page_and_move_least(
            first in proptest::collection::vec(0u32..12, 0..8),
            pages in proptest::collection::vec(proptest::collection::vec(0u32..12, 0..10), 1..4),
        ) {
            let n = 8;
            let mut plan = plan_of(&first, n);
            for page in pages {
                let new = follow(&plan, page.clone(), |a, b| a == b);
                let shown: Vec<u32> = new.order.iter().filter_map(|&s| new.items[s]).collect();
                let want: Vec<u32> = page.iter().copied().take(n).collect();
                prop_assert_eq!(&shown, &want);
                let mut sorted = new.order.clone();
                sorted.sort_unstable();
                prop_assert_eq!(sorted, (0..n).collect::<Vec<_>>());
                prop_assert!(new.order[want.len()..].iter().all(|&s| new.items[s].is_none()));
                // Items kept in their slot = the size of the two pages' common multiset.
                let old_items: Vec<u32> = plan.items.iter().flatten().copied().collect();
                let mut rest = old_items.clone();
                let common = want.iter().filter(|v| {
                    rest.iter().position(|x| x == *v).map(|p| rest.remove(p)).is_some()
                }).count();
                let kept = (0..n).filter(|&s| new.items[s].is_some() && new.items[s] == plan.items[s]).count();
                prop_assert_eq!(kept, common);
                let m = moves(&plan.order, &new.order);
                prop_assert_eq!(apply(&plan.order, &m), new.order.clone());
                // The fewest: n minus the longest subsequence of new.order in old order.
                let pos: Vec<usize> = new.order.iter().map(|&s| plan.order.iter().position(|&x| x == s).unwrap_or(0)).collect();
                let mut best = 0;
                for mask in 0u32..(1 << n) {
                    let picked: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).map(|i| pos[i]).collect();
                    if picked.windows(2).all(|w| w[0] < w[1]) {
                        best = best.max(picked.len());
                    }
                }
                prop_assert_eq!(m.len(), n - best);
                plan = new;
            }
        }
    }
}
