//! Who waits most (SPEC §3.1): the groups of the current grouping whose
//! jobs spent the most time waiting in the range.

use std::collections::HashMap;

use super::top;
use crate::analysis::prepared::Slide;
use crate::analysis::summary::{merge_waits, p95_sorted, wait_to_run, waiting_in};
use crate::analysis::{Groups, Prepared, Remap, Selection, TimeRange};
use crate::model::Ms;

/// One group's waiting.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GroupWait {
    /// The group's name (`data-group`; the filter a link to it sets).
    pub group: String,
    /// Ms the group's selected jobs spent `idle` or `queued` inside the range
    /// (its queued-time bars summed; `data-seconds` × 1000).
    pub waiting: Ms,
    /// How many of the group's selected jobs waited inside the range
    /// (positive waiting time in it; `data-count`).
    pub jobs: usize,
    /// The p95 wait of the header's rule, over the group's jobs that
    /// started running inside the range: the `ceil(0.95 n)`-th smallest
    /// of their waits (first transition to first `running`), in ms.
    /// `None` when none of them started in the range.
    pub p95_wait: Option<Ms>,
    /// That `n`: the group's jobs that started running inside the range.
    pub started: usize,
}

/// What [`who_waits`] sums per group, for every group of the grouping
/// (not only the few shown), kept so that a refresh can carry it over
/// ([`who_waits_updated`]) instead of reading every selected job again.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WhoParts {
    /// The groups' names, those of the [`Groups`] summed over.
    names: Vec<String>,
    /// Per group (parallel to `names`).
    groups: Vec<GroupPart>,
    /// Selected jobs summed.
    jobs: usize,
}

/// One group's part of [`WhoParts`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct GroupPart {
    /// Waiting ms inside the range.
    waiting: Ms,
    /// Jobs with positive waiting inside the range.
    waited: usize,
    /// The waits to run ([`wait_to_run`]) of its jobs that started
    /// running inside the range, sorted.
    waits: Vec<Ms>,
}

impl GroupPart {
    /// Adds job `i`'s part: its waiting in `range` to the sums, its wait
    /// to run to `waits` (unsorted; the caller sorts or merges them).
    fn add(&mut self, prep: &Prepared, i: usize, range: TimeRange, waits: &mut Vec<Ms>) {
        let w = waiting_in(prep, i, range);
        self.waiting += w;
        self.waited += usize::from(w > 0);
        waits.extend(wait_to_run(prep, i, range));
    }
}

/// SPEC §3.1 who waits most: per group of `groups` (the current grouping
/// of `sel`, before folding, so no group hides in `(other)`), the waiting
/// ms inside the range, the jobs that waited and their p95 wait; the
/// [`super::TOP_ITEMS`] groups with the most waiting, ties by name. Groups
/// that did not wait at all are left out. O(selection log selection).
pub fn who_waits(
    prep: &Prepared,
    sel: &Selection,
    groups: &Groups,
    range: TimeRange,
) -> Vec<GroupWait> {
    who_waits_of(&who_waits_parts(prep, sel, groups, range))
}

/// The [`WhoParts`] of a view (see [`who_waits`]): O(selection log
/// selection), the waits sorted per group.
pub fn who_waits_parts(
    prep: &Prepared,
    sel: &Selection,
    groups: &Groups,
    range: TimeRange,
) -> WhoParts {
    let n = groups.names.len();
    let mut parts = vec![GroupPart::default(); n];
    let mut waits: Vec<Vec<Ms>> = vec![Vec::new(); n];
    for (&j, &g) in sel.0.iter().zip(&groups.of_job) {
        let g = usize::from(g);
        if let (Some(p), Some(w)) = (parts.get_mut(g), waits.get_mut(g)) {
            p.add(prep, j as usize, range, w);
        }
    }
    for (p, mut w) in parts.iter_mut().zip(waits) {
        w.sort_unstable();
        p.waits = w;
    }
    WhoParts {
        names: groups.names.clone(),
        groups: parts,
        jobs: sel.len(),
    }
}

/// The items of who waits most from its parts: the [`super::TOP_ITEMS`]
/// groups with the most waiting ms (ties by name), each with its p95 wait
/// read off its sorted waits. O(groups).
pub fn who_waits_of(parts: &WhoParts) -> Vec<GroupWait> {
    let name = |g: usize| parts.names.get(g).map_or("", String::as_str);
    let waiting = |g: usize| parts.groups.get(g).map_or(0, |p| p.waiting);
    let best = top(
        (0..parts.groups.len()).filter(|&g| waiting(g) > 0),
        |&a: &usize, &b: &usize| waiting(b).cmp(&waiting(a)).then(name(a).cmp(name(b))),
    );
    best.iter()
        .filter_map(|&g| {
            let p = parts.groups.get(g)?;
            Some(GroupWait {
                group: name(g).to_string(),
                waiting: p.waiting,
                jobs: p.waited,
                p95_wait: p95_sorted(&p.waits),
                started: p.waits.len(),
            })
        })
        .collect()
}

/// [`who_waits_parts`] of `new` after an incremental read, from `parts`,
/// those of `old` over `ranges.0` (the data the read was spliced into, the
/// same view's selection of it and its groups), for `ranges.1`: the same
/// range or one slid forward ([`Slide::new`]). As for the header's parts
/// ([`crate::analysis::summary_parts_updated`]), per group: the jobs that
/// went take their part away, the changed ones and the held ones at a
/// slid start ([`Slide::edge`]) are counted again, and a held job waiting
/// now adds the time from the old `generated_at` to the new one inside
/// the range. Groups are matched by name (a refresh may add, drop or
/// reorder them). `None` (compute it afresh) when
/// [`Remap::held_selected`] or the slide refuses, the new `generated_at`
/// is earlier, a held job's group changed, or `parts` is not of `old`.
/// O(selection + groups), the selection only read for the held jobs'
/// groups.
pub fn who_waits_updated(
    parts: &WhoParts,
    (op, os, og): (&Prepared, &Selection, &Groups),
    (np, ns, ng): (&Prepared, &Selection, &Groups),
    remap: &Remap,
    (old_range, range): (TimeRange, TimeRange),
) -> Option<WhoParts> {
    let (g0, g1) = (op.generated_at(), np.generated_at());
    let shape = parts.jobs == os.len()
        && parts.names == og.names
        && parts.groups.len() == og.names.len()
        && og.of_job.len() == os.len()
        && ng.of_job.len() == ns.len();
    if g1 < g0 || !shape {
        return None;
    }
    let slide = Slide::new(old_range, range, g0)?;
    let held = remap.held_selected(op, os, ns, &slide)?;
    // Old group → new group, by name.
    let index: HashMap<&str, usize> = ng.names.iter().map(String::as_str).zip(0..).collect();
    let to_new: Vec<Option<usize>> = og
        .names
        .iter()
        .map(|n| index.get(n.as_str()).copied())
        .collect();
    // What leaves (per old group, over the old range) and what comes (per
    // new group, over the new one), waits unsorted.
    let (mut less, mut out) = (
        vec![GroupPart::default(); og.names.len()],
        vec![Vec::new(); og.names.len()],
    );
    let (mut more, mut add) = (
        vec![GroupPart::default(); ng.names.len()],
        vec![Vec::new(); ng.names.len()],
    );
    let grew = range.overlap(slide.base, g1);
    // The held selected jobs are the first of `ns`, in `os`'s order: each
    // stays in its group (by name).
    let h = os.len().checked_sub(held.gone.len())?;
    let mut gone = held.gone.iter().copied().peekable();
    let kept =
        os.0.iter()
            .zip(&og.of_job)
            .filter(|&(&i, _)| gone.next_if_eq(&i).is_none());
    for ((_, &g), &n) in kept.zip(ng.of_job.get(..h)?) {
        if to_new.get(usize::from(g)).copied().flatten() != Some(usize::from(n)) {
            return None;
        }
    }
    // Only the jobs that went, moved or waited on are read.
    let old_group = |i: u32| {
        let k = os.0.binary_search(&i).ok()?;
        og.of_job.get(k).map(|&g| usize::from(g))
    };
    for &i in &held.gone {
        let g = old_group(i)?;
        less.get_mut(g)?
            .add(op, i as usize, old_range, out.get_mut(g)?);
    }
    for &(i, m) in &held.edge {
        let g = old_group(i)?;
        less.get_mut(g)?
            .add(op, i as usize, old_range, out.get_mut(g)?);
        let n = to_new.get(g).copied().flatten()?;
        more.get_mut(n)?.add(np, m as usize, range, add.get_mut(n)?);
    }
    if grew > 0 {
        for (i, _) in held.waiting_not_edge() {
            let n = to_new.get(old_group(i)?).copied().flatten()?;
            let mo = more.get_mut(n)?;
            mo.waiting += grew;
            // It waited in the range now; whether it had before, the old data tells.
            if waiting_in(op, i as usize, old_range) == 0 {
                mo.waited += 1;
            }
        }
    }
    for (&j, &g) in ns.0.iter().zip(&ng.of_job).skip(h) {
        let g = usize::from(g);
        more.get_mut(g)?.add(np, j as usize, range, add.get_mut(g)?);
    }
    // Each new group: its old part (if it had one) less what left, plus what came.
    let mut from_old: Vec<Option<usize>> = vec![None; ng.names.len()];
    for (g, t) in to_new.iter().enumerate() {
        match t {
            Some(t) => *from_old.get_mut(*t)? = Some(g),
            // A group gone from the view: everything it had left with its jobs.
            None => {
                let (p, l) = (parts.groups.get(g)?, less.get(g)?);
                let left = merge_waits(&p.waits, std::mem::take(out.get_mut(g)?), Vec::new())?;
                if p.waiting != l.waiting || p.waited != l.waited || !left.is_empty() {
                    return None;
                }
            }
        }
    }
    let groups = from_old
        .iter()
        .zip(more)
        .zip(add)
        .map(|((&o, mo), a)| {
            let (base, l, gone) = match o {
                Some(o) => (
                    parts.groups.get(o)?,
                    less.get(o)?,
                    std::mem::take(out.get_mut(o)?),
                ),
                None => (&EMPTY, &EMPTY, Vec::new()),
            };
            let waiting = base.waiting - l.waiting + mo.waiting;
            let waited = (base.waited + mo.waited).checked_sub(l.waited)?;
            (waiting >= 0).then_some(())?;
            Some(GroupPart {
                waiting,
                waited,
                waits: merge_waits(&base.waits, gone, a)?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(WhoParts {
        names: ng.names.clone(),
        groups,
        jobs: ns.len(),
    })
}

/// A group with nothing in it.
static EMPTY: GroupPart = GroupPart {
    waiting: 0,
    waited: 0,
    waits: Vec::new(),
};
