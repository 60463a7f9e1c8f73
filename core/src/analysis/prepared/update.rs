//! An incremental read applied to a [`Prepared`] (SPEC §2, `updated_since`):
//! the changed records replace the held ones by id, new ones are added, and
//! jobs that left the (sliding) range are dropped.
//!
//! This is a splice, not a rebuild: no record is parsed again and nothing
//! of size n is sorted. The changed records arrive as a small `Prepared` of
//! their own (read page by page like any load, so they are checked and
//! counted the same way); the kept jobs' rows are copied across with their
//! interned ids remapped, the changed jobs' rows appended after them, and
//! the derived orders (id ranks, run order, error order) are the old orders
//! filtered to the kept jobs, with the few new entries placed by binary
//! search. The result is *equal* (`==`) to a [`Prepared`] built from the
//! final record set in that order: the property tests check exactly that.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use super::super::column::ValuesWriter;
use super::super::filter::Selection;
use super::super::time::TimeRange;
use super::{Column, Prepared, Texts, EMPTY_COLUMN, MAX_UNKNOWN_STATES, NO_VALUE};
use crate::model::{Dataset, JobState, Ms};

/// What an update did, for the UI and the request log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UpdateCounts {
    /// Held jobs replaced by a changed record.
    pub replaced: usize,
    /// Jobs new to this view.
    pub added: usize,
    /// Held jobs dropped because their lifetime left the range (including
    /// a replaced job whose new record lies outside it).
    pub dropped: usize,
}

/// Where the jobs of the held [`Prepared`] went in an update's result, so
/// what is derived per job index (such as
/// [`crate::analysis::RunIds`]) can be carried over instead of rebuilt:
/// a held job `i` is job `old[i]` now (`u32::MAX`: replaced or dropped),
/// kept in their order; the changed records that were kept are the jobs
/// `kept..` after them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Remap {
    /// Per held job: its new index, or `u32::MAX`.
    pub old: Vec<u32>,
    /// Held jobs kept (the changed ones follow them).
    pub kept: usize,
    /// What [`Remap::held_selected`] found, per selections and slide.
    held: HeldMemo,
}

/// The last few answers of [`Remap::held_selected`], by their question
/// (a refresh's carries ask the same one: one walk of the selection
/// instead of six). Keyed by the selections' *values*: an address says
/// nothing of a slice freed and allocated again, and comparing two
/// selections reads them in order, far cheaper than the walk's read of
/// every held job's transitions. Not part of a remap's value: a clone
/// starts empty, and remaps compare equal whatever they hold.
#[derive(Default)]
struct HeldMemo(Mutex<Vec<HeldAnswer>>);

/// One answer of [`Remap::held_selected`] and its question.
struct HeldAnswer {
    /// The old selection.
    os: Vec<u32>,
    /// The new selection.
    ns: Vec<u32>,
    /// [`Slide::base`].
    base: Ms,
    /// The new range's start, when it moved ([`Slide::edge`]).
    edge_from: Option<Ms>,
    /// The answer.
    held: Option<Arc<Held>>,
}

/// Answers [`HeldMemo`] keeps (the view's selection, the unfiltered
/// population, the warm-up's, with room to spare).
const HELD_ANSWERS: usize = 4;

impl Clone for HeldMemo {
    fn clone(&self) -> Self {
        HeldMemo::default()
    }
}

impl PartialEq for HeldMemo {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for HeldMemo {}

impl std::fmt::Debug for HeldMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HeldMemo")
    }
}

/// `a == b`, read a word at a time (a slice's `==` is a byte loop on
/// wasm: its `memcmp`).
fn same(a: &[u32], b: &[u32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

impl Remap {
    /// `ns`, a selection of this remap's result, cut in two: the held
    /// jobs it keeps (indices below [`Remap::kept`]) and the changed ones
    /// (they stand after the held ones), each ascending.
    pub(crate) fn split<'a>(&self, ns: &'a Selection) -> (&'a [u32], &'a [u32]) {
        ns.0.split_at(ns.0.partition_point(|&j| (j as usize) < self.kept))
    }

    /// The jobs of `old`'s selection `os` that went (replaced or dropped),
    /// when what a view derived from `os` can be carried over to `ns`, the
    /// same view's selection of `new` (this remap's result): the held
    /// selected jobs are exactly `os`'s kept jobs, in order (no filter or
    /// range edge treats a held job differently now), and none of them
    /// has a transition at or after `slide`'s base (`old`'s `generated_at`,
    /// or the old range's end when earlier: [`Slide::base`]; such a job's
    /// open span or run may gain a bucket or a length). `None` otherwise:
    /// the caller computes afresh. O(selection), once per question
    /// ([`Remap::held_selected`]).
    pub(crate) fn gone_selected(
        &self,
        old: &Prepared,
        os: &Selection,
        ns: &Selection,
        slide: &Slide,
    ) -> Option<Arc<Held>> {
        // Any answer with this base tells which went, whatever its edge.
        self.held_answer(old, (os, ns), slide, false)
    }

    /// [`Remap::gone_selected`] over a range that may have slid
    /// forward (`slide`): also the held selected jobs whose part a
    /// recount over the new range may see differently ([`Slide::edge`]),
    /// as (old index, new index) pairs, to be counted again. Walked once
    /// per (selections, slide) and remap: every carry of a refresh asks
    /// it, and the later ones read the first one's answer.
    pub(crate) fn held_selected(
        &self,
        old: &Prepared,
        os: &Selection,
        ns: &Selection,
        slide: &Slide,
    ) -> Option<Arc<Held>> {
        self.held_answer(old, (os, ns), slide, true)
    }

    /// The kept answer to (`os`, `ns`, `slide`'s base and, when `edges`,
    /// its edge), or else [`Remap::held_walk`]'s, kept. `old` is the data
    /// this remap is of (its length is checked by the walk).
    fn held_answer(
        &self,
        old: &Prepared,
        (os, ns): (&Selection, &Selection),
        slide: &Slide,
        edges: bool,
    ) -> Option<Arc<Held>> {
        let edge_from = (slide.new.from != slide.old.from).then_some(slide.new.from);
        let fits = |a: &&HeldAnswer| {
            a.base == slide.base
                && (!edges || a.edge_from == edge_from)
                && same(&a.ns, &ns.0)
                && same(&a.os, &os.0)
        };
        if let Ok(answers) = self.held.0.lock() {
            if let Some(a) = answers.iter().find(fits) {
                return a.held.clone();
            }
        }
        let held = self.held_walk(old, os, ns, slide).map(Arc::new);
        if let Ok(mut answers) = self.held.0.lock() {
            if answers.len() >= HELD_ANSWERS {
                answers.remove(0);
            }
            answers.push(HeldAnswer {
                os: os.0.clone(),
                ns: ns.0.clone(),
                base: slide.base,
                edge_from,
                held: held.clone(),
            });
        }
        held
    }

    /// What [`Remap::held_selected`] answers, walked: O(selection).
    fn held_walk(
        &self,
        old: &Prepared,
        os: &Selection,
        ns: &Selection,
        slide: &Slide,
    ) -> Option<Held> {
        if self.old.len() != old.len() {
            return None;
        }
        let mut held = Held::default();
        let mut kept_new = ns.0.iter().copied().filter(|&j| (j as usize) < self.kept);
        for &i in &os.0 {
            match self.old.get(i as usize).copied() {
                Some(m) if m != u32::MAX => {
                    let recent = old
                        .transition_times(i as usize)
                        .last()
                        .is_some_and(|&at| at >= slide.base);
                    if recent || kept_new.next() != Some(m) {
                        return None;
                    }
                    if slide.edge(old, i as usize) {
                        held.edge.push((i, m));
                    }
                    if old.waiting_now(i as usize) {
                        held.waiting.push((i, m));
                    }
                }
                _ => held.gone.push(i),
            }
        }
        kept_new.next().is_none().then_some(held)
    }
}

/// What [`Remap::held_selected`] found.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Held {
    /// Old selected jobs that went (old indices).
    pub gone: Vec<u32>,
    /// Held selected jobs at the range's moved start: (old index, new index).
    pub edge: Vec<(u32, u32)>,
    /// Held selected jobs waiting now (`idle` or `queued`: a held job's
    /// state is its record's, the same in both), edge ones included: (old
    /// index, new index). Read once here, not by every carry per held job.
    pub waiting: Vec<(u32, u32)>,
}

impl Held {
    /// The new indices of [`Held::waiting`] that are not in [`Held::edge`]
    /// (both in selection order): the held jobs whose open waiting span
    /// only grew.
    pub fn waiting_not_edge(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut edge = self.edge.iter().map(|&(_, m)| m).peekable();
        self.waiting.iter().copied().filter(move |&(_, m)| {
            while edge.next_if(|&e| e < m).is_some() {}
            edge.peek() != Some(&m)
        })
    }
}

/// The view's range at a refresh's base (`old`) and now (`new`): the same,
/// or slid forward as a relative range (`7d`) does at every refresh, and
/// the instant up to which the base's figures saw the data ([`Slide::base`]).
/// What is carried over a slide is exact because, given [`Slide::new`]'s
/// conditions, a held job (every transition before that instant, so before
/// the old end) that starts at or after the new start lies inside both
/// ranges the same way: only the jobs that start before the new start
/// ([`Slide::edge`]) can count differently, and they are counted again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slide {
    /// The range of the base.
    pub old: TimeRange,
    /// The range now.
    pub new: TimeRange,
    /// The base's `generated_at`, or its range's end when that is earlier
    /// (a relative range ends at the browser's now, and a backend's clock
    /// may be ahead of it: live data is then always read "after" the
    /// range's end). Every figure is clipped to its range, so the base's
    /// figures are those of its data as of this instant; a held job still
    /// going grows from here, and a held job with a transition at or after
    /// it is not carried ([`Remap::held_selected`]). An incremental read
    /// asks from this instant too (`updated_since`), so in the app such a
    /// job is a changed one.
    pub base: Ms,
}

impl Slide {
    /// `old` to `new`, for data whose base was read at `g0` (its
    /// `generated_at`): `None` unless the range is the same, or both its
    /// ends moved forward (or stayed).
    pub fn new(old: TimeRange, new: TimeRange, g0: Ms) -> Option<Slide> {
        (new.from >= old.from && new.to >= old.to).then_some(Slide {
            old,
            new,
            base: g0.min(old.to),
        })
    }

    /// Whether held job `i` of `old` must be counted again: it starts
    /// before the new range's start, which moved.
    pub fn edge(&self, old: &Prepared, i: usize) -> bool {
        self.new.from != self.old.from && old.lifetime(i).0 < self.new.from
    }
}

/// Why an update cannot be applied; the caller reads the range in full.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateError {
    /// Past [`MAX_UNKNOWN_STATES`] unknown states the fold into
    /// “(other states)” depends on every record's counts, and the held data
    /// no longer knows the folded names.
    #[error("more than {MAX_UNKNOWN_STATES} unknown states; the data is read in full")]
    FoldedStates,
    /// The text buffers would overflow (as in a full read).
    #[error("too much data")]
    TooMuchData,
}

impl Prepared {
    /// The jobs after an incremental read: `changed` holds the records that
    /// changed since the previous read (built with a
    /// [`super::PreparedBuilder`] from the `updated_since` pages), `range`
    /// is the read's [from, to). Held jobs whose id is in `changed` are
    /// replaced; jobs whose lifetime no longer overlaps the range (it
    /// starts before `to` and ends at or after `from`, as the backend
    /// selects them) are dropped; `generated_at` becomes the later of both.
    /// Kept jobs keep their order, changed ones follow in their own order.
    pub fn updated(
        &self,
        changed: &Prepared,
        range: (Ms, Ms),
    ) -> Result<(Prepared, UpdateCounts), UpdateError> {
        self.updated_remap(changed, range).map(|(p, c, _)| (p, c))
    }

    /// The records that a read `updated_since` this data's `generated_at`
    /// of a backend where nothing changed since would send again (SPEC §2:
    /// a record with a transition or an error at or after it), as a
    /// [`Prepared`] of their own: what a refresh that brought nothing new
    /// splices in. Spliced ([`Prepared::updated_remap`]), they give the same
    /// jobs, those records moved to the end, and a [`Remap`] that every
    /// carried view accepts (no held job has a transition at or after
    /// `generated_at`): the app's warm-up after a full read runs a refresh's
    /// work with it. O(n).
    pub fn resent(&self) -> Prepared {
        let g = self.generated_at;
        let jobs = self
            .iter()
            .filter(|j| j.transitions().any(|(_, at)| at >= g) || j.errors().any(|(at, _)| at >= g))
            .map(|j| j.to_job())
            .collect();
        Prepared::new(&Dataset {
            queue_id: String::new(),
            generated_at: g,
            jobs,
            skipped: Default::default(),
        })
    }

    /// [`Prepared::updated`], with where the held jobs went ([`Remap`]).
    pub fn updated_remap(
        &self,
        changed: &Prepared,
        (from, to): (Ms, Ms),
    ) -> Result<(Prepared, UpdateCounts, Remap), UpdateError> {
        if self.state_fold.is_some() || changed.state_fold.is_some() {
            return Err(UpdateError::FoldedStates);
        }
        let g = self.generated_at.max(changed.generated_at);
        let in_range = |p: &Prepared, i: usize| {
            let (start, end) = p.lifetime_until(i, g);
            start < to && end >= from
        };
        let mut counts = UpdateCounts::default();

        // Which held jobs go: replaced by id, or out of the range.
        let by_id = self.by_id();
        let mut gone = vec![false; self.len()];
        for c in 0..changed.len() {
            let id = changed.id(c);
            let k = by_id.partition_point(|&j| self.id(j as usize) < id);
            let held = by_id.get(k).copied().filter(|&j| self.id(j as usize) == id);
            let fits = in_range(changed, c);
            match held {
                Some(j) => {
                    if let Some(g) = gone.get_mut(j as usize) {
                        *g = true;
                    }
                    if fits {
                        counts.replaced += 1;
                    } else {
                        counts.dropped += 1;
                    }
                }
                None if fits => counts.added += 1,
                None => {}
            }
        }
        for (i, g) in gone.iter_mut().enumerate() {
            if !*g && !in_range(self, i) {
                *g = true;
                counts.dropped += 1;
            }
        }
        let keep_old: Vec<u32> = (0u32..)
            .zip(&gone)
            .filter(|(_, g)| !**g)
            .map(|(i, _)| i)
            .collect();
        let keep_new: Vec<u32> = (0..changed.len())
            .filter(|&c| in_range(changed, c))
            .filter_map(|c| u32::try_from(c).ok())
            .collect();
        let n = keep_old.len() + keep_new.len();
        if u32::try_from(n).is_err() {
            return Err(UpdateError::TooMuchData);
        }
        // New index of each held and each changed job (u32::MAX: not kept).
        let map_old = index_map(self.len(), &keep_old, 0);
        let map_new = index_map(changed.len(), &keep_new, keep_old.len());
        let sources = [(self, &keep_old[..]), (changed, &keep_new[..])];

        let mut p = Prepared {
            generated_at: g,
            ..Prepared::default()
        };
        p.first = vec![0];
        p.error_first = vec![0];

        // Texts, a run of consecutive jobs at a time.
        let runs = [consecutive(&keep_old), consecutive(&keep_new)];
        // Each buffer at its final size at once: no copy as it grows, none to shrink it.
        let text_len = |t: fn(&Prepared) -> &Texts| {
            let len = |src: &Prepared, runs: &[(usize, usize)]| {
                let t = t(src);
                runs.iter().map(|&(a, b)| t.span_len(a, b)).sum::<usize>()
            };
            len(self, &runs[0]) + len(changed, &runs[1])
        };
        p.ids.reserve(text_len(|p| &p.ids), n);
        p.run_ids.reserve(text_len(|p| &p.run_ids), n);
        p.run_names.reserve(text_len(|p| &p.run_names), n);
        for ((src, _), runs) in sources.iter().zip(&runs) {
            for &(a, b) in runs {
                let copied = p.ids.extend_from(&src.ids, a, b)
                    && p.run_ids.extend_from(&src.run_ids, a, b)
                    && p.run_names.extend_from(&src.run_names, a, b);
                if !copied {
                    return Err(UpdateError::TooMuchData);
                }
            }
        }

        // States: the known ones, then the unknown ones still in use, sorted
        // (no fold: at most MAX_UNKNOWN_STATES of them).
        let known = JobState::KNOWN.len();
        let used_unknown = |src: &Prepared, keep: &[u32]| {
            let mut used = vec![false; src.states.len()];
            // Known states only (the usual case): nothing to look for.
            if src.states.len() <= known {
                return used;
            }
            for &i in keep {
                for k in src.transitions_of(i as usize) {
                    if let Some(u) = src.state.get(k).and_then(|&s| used.get_mut(usize::from(s))) {
                        *u = true;
                    }
                }
            }
            used
        };
        let used = [
            used_unknown(self, &keep_old),
            used_unknown(changed, &keep_new),
        ];
        let mut unknown: BTreeSet<&str> = BTreeSet::new();
        for ((src, _), used) in sources.iter().zip(&used) {
            for (s, &u) in src.states.iter().zip(used).skip(known) {
                if u {
                    unknown.insert(s.as_str());
                }
            }
        }
        if unknown.len() > MAX_UNKNOWN_STATES {
            return Err(UpdateError::FoldedStates);
        }
        p.states = JobState::KNOWN.to_vec();
        p.states
            .extend(unknown.iter().map(|s| JobState::Other((*s).to_string())));
        let state_map = |src: &Prepared| -> Vec<u16> {
            (0..src.states.len())
                .map(|s| match s.checked_sub(known) {
                    None => u16::try_from(s).unwrap_or(0),
                    Some(_) => {
                        let name = src.states.get(s).map_or("", JobState::as_str);
                        let k = unknown.iter().position(|u| *u == name).unwrap_or(0);
                        u16::try_from(known + k).unwrap_or(0)
                    }
                })
                .collect()
        };
        let state_maps = [state_map(self), state_map(changed)];

        // Transitions and errors, job after job; messages interned again in
        // first-seen order (as a load interns them), unused ones left out.
        let mut messages = Messages::new(self, changed);
        let total = |f: &dyn Fn(&Prepared, usize, usize) -> usize| {
            sources
                .iter()
                .zip(&runs)
                .flat_map(|((src, _), runs)| runs.iter().map(|&(a, b)| f(src, a, b)))
                .sum::<usize>()
        };
        let transitions = total(&|src, a, b| src.transition_span(a, b).len());
        let errors = total(&|src, a, b| src.error_span(a, b).len());
        // Every offset written below is at most these: wrapping shifts are exact.
        if u32::try_from(transitions).is_err() || u32::try_from(errors).is_err() {
            return Err(UpdateError::TooMuchData);
        }
        p.at.reserve_exact(transitions);
        p.state.reserve_exact(transitions);
        p.first.reserve_exact(n);
        p.error_at.reserve_exact(errors);
        p.error_message.reserve_exact(errors);
        p.error_first.reserve_exact(n);
        for (side, (((src, _), runs), smap)) in
            sources.iter().zip(&runs).zip(&state_maps).enumerate()
        {
            // Known states only (the usual case): ids stay as they are.
            let identity = (0u16..).zip(smap).all(|(i, &s)| i == s);
            for &(a, b) in runs {
                let t = src.transition_span(a, b);
                let shift = (p.at.len() as u32).wrapping_sub(t.start as u32);
                p.at.extend_from_slice(src.at.get(t.clone()).unwrap_or_default());
                let states = src.state.get(t).unwrap_or_default();
                if identity {
                    p.state.extend_from_slice(states);
                } else {
                    p.state.extend(
                        states
                            .iter()
                            .map(|&s| smap.get(usize::from(s)).copied().unwrap_or(0)),
                    );
                }
                let firsts = src.first.get(a + 1..=b).unwrap_or_default();
                p.first
                    .extend(firsts.iter().map(|&f| f.wrapping_add(shift)));
                let e = src.error_span(a, b);
                let shift = (p.error_at.len() as u32).wrapping_sub(e.start as u32);
                p.error_at
                    .extend_from_slice(src.error_at.get(e.clone()).unwrap_or_default());
                for &m in src.error_message.get(e).unwrap_or_default() {
                    p.error_message.push(messages.id(side, m));
                }
                let firsts = src.error_first.get(a + 1..=b).unwrap_or_default();
                p.error_first
                    .extend(firsts.iter().map(|&f| f.wrapping_add(shift)));
            }
        }
        p.messages = messages.texts.into_iter().map(str::to_string).collect();

        // Interned columns: user, launch job, project, entity, label values.
        let maps = [&map_old[..], &map_new[..]];
        for (c, out) in p.columns.iter_mut().enumerate() {
            let old = self.columns.get(c).unwrap_or(&EMPTY_COLUMN);
            let new = changed.columns.get(c).unwrap_or(&EMPTY_COLUMN);
            *out = merge_column([old, new], maps, &runs[0], n)
                .unwrap_or_else(|| Column::from_pairs(Vec::new(), Vec::new(), Vec::new(), n));
        }
        // `&str`, not `&String`: a set type of its own compiles its own
        // copy of the B-tree's code.
        let keys: BTreeSet<&str> = crate::sort::into_tree(
            self.labels
                .keys()
                .chain(changed.labels.keys())
                .map(String::as_str),
        );
        for key in keys {
            let old = self.labels.get(key).unwrap_or(&EMPTY_COLUMN);
            let new = changed.labels.get(key).unwrap_or(&EMPTY_COLUMN);
            if let Some(col) = merge_column([old, new], maps, &runs[0], n) {
                p.labels.insert(key.to_string(), col);
            }
        }

        p.id_rank = merged_ranks(&p, [&by_id, &changed.by_id()], maps);
        p.run_order = merged_run_order(&p, self, maps[0], keep_old.len());
        p.error_order = merged_error_order(&p, self, changed, maps);
        super::build::shrink(&mut p);
        let remap = Remap {
            old: map_old,
            kept: keep_old.len(),
            held: HeldMemo::default(),
        };
        Ok((p, counts, remap))
    }

    /// Where the transitions of jobs `[a, b)` are in `at` and `state`.
    fn transition_span(&self, a: usize, b: usize) -> std::ops::Range<usize> {
        span(&self.first, a, b)
    }

    /// Where the errors of jobs `[a, b)` are in `error_at` and `error_message`.
    fn error_span(&self, a: usize, b: usize) -> std::ops::Range<usize> {
        span(&self.error_first, a, b)
    }

    /// Job indices in id order (the inverse of `id_rank`).
    fn by_id(&self) -> Vec<u32> {
        let mut order = vec![0u32; self.len()];
        for (i, &r) in (0u32..).zip(&self.id_rank) {
            if let Some(slot) = order.get_mut(r as usize) {
                *slot = i;
            }
        }
        order
    }
}

/// The error messages of an update's result, interned in first-seen order
/// as the held (side 0) and the changed (side 1) jobs' errors are copied.
/// Each side's messages are distinct already, so a held message seen first
/// is new without a lookup; only a changed message can equal a held one,
/// and each held message taken is looked up in a table of the changed
/// side's (a few), not the other way round.
struct Messages<'a> {
    held: &'a Prepared,
    changed: &'a Prepared,
    /// The changed side's messages: their ids there.
    changed_ids: HashMap<&'a str, u32, foldhash::fast::RandomState>,
    /// Per side, each message id's new one (`u32::MAX`: not seen yet).
    maps: [Vec<u32>; 2],
    /// The new messages, in first-seen order.
    texts: Vec<&'a str>,
}

impl<'a> Messages<'a> {
    fn new(held: &'a Prepared, changed: &'a Prepared) -> Messages<'a> {
        let mut changed_ids = HashMap::with_hasher(foldhash::fast::RandomState::default());
        changed_ids.extend(changed.messages.iter().map(String::as_str).zip(0u32..));
        Messages {
            held,
            changed,
            changed_ids,
            maps: [
                vec![u32::MAX; held.messages.len()],
                vec![u32::MAX; changed.messages.len()],
            ],
            texts: Vec::new(),
        }
    }

    /// The new id of message `m` of side `side`.
    fn id(&mut self, side: usize, m: u32) -> u32 {
        let k = m as usize;
        let seen = self.maps.get(side).and_then(|v| v.get(k)).copied();
        if let Some(id) = seen.filter(|&id| id != u32::MAX) {
            return id;
        }
        let src: &'a Prepared = if side == 0 { self.held } else { self.changed };
        let text = src.messages.get(k).map_or("", String::as_str);
        let id = u32::try_from(self.texts.len()).unwrap_or(u32::MAX);
        self.texts.push(text);
        if let Some(slot) = self.maps.get_mut(side).and_then(|v| v.get_mut(k)) {
            *slot = id;
        }
        if side == 0 {
            let c = self.changed_ids.get(text).map(|&c| c as usize);
            if let Some(slot) = c.and_then(|c| self.maps.get_mut(1)?.get_mut(c)) {
                *slot = id;
            }
        }
        id
    }
}

/// `first[a]..first[b]` (empty for bad indices).
fn span(first: &[u32], a: usize, b: usize) -> std::ops::Range<usize> {
    let x = first.get(a).copied().unwrap_or(0) as usize;
    let y = first.get(b).copied().unwrap_or(0) as usize;
    x..y.max(x)
}

impl Texts {
    /// Bytes of the texts of jobs `[a, b)`.
    fn span_len(&self, a: usize, b: usize) -> usize {
        let off = |k: usize| {
            self.end
                .get(k)
                .map_or(0, |e| (e & !super::PRESENT) as usize)
        };
        off(b).saturating_sub(off(a))
    }

    /// Room for `bytes` more of text and `jobs` more jobs.
    fn reserve(&mut self, bytes: usize, jobs: usize) {
        self.buf.reserve_exact(bytes);
        self.end.reserve_exact(jobs);
    }

    /// Appends the texts of `src`'s jobs `[a, b)` in one copy; false when
    /// they do not fit.
    fn extend_from(&mut self, src: &Texts, a: usize, b: usize) -> bool {
        let off = |k: usize| src.end.get(k).map_or(0, |e| (e & !super::PRESENT) as usize);
        let (x, y) = (off(a), off(b).max(off(a)));
        let Some(text) = src.buf.get(x..y) else {
            return false;
        };
        if !self.fits(text.len()) {
            return false;
        }
        // Every offset stays below `Texts::MAX` (checked by `fits`), so a
        // wrapping shift is exact (and a loop the compiler vectorises).
        let shift = (self.buf.len() as u32).wrapping_sub(x as u32);
        self.buf.push_str(text);
        let ends = src.end.get(a + 1..=b).unwrap_or_default();
        self.end.extend(ends.iter().map(|&e| {
            ((e & !super::PRESENT).wrapping_add(shift) & !super::PRESENT) | (e & super::PRESENT)
        }));
        true
    }
}

/// For `len` jobs of which `keep` (ascending) stay: each job's new index
/// (`first` + its place in `keep`), or `u32::MAX`.
fn index_map(len: usize, keep: &[u32], first: usize) -> Vec<u32> {
    let mut map = vec![u32::MAX; len];
    for (k, &i) in keep.iter().enumerate() {
        if let Some(slot) = map.get_mut(i as usize) {
            *slot = u32::try_from(first + k).unwrap_or(u32::MAX);
        }
    }
    map
}

/// The new index of `i` through `map`, if kept.
fn mapped(map: &[u32], i: u32) -> Option<u32> {
    map.get(i as usize).copied().filter(|&j| j != u32::MAX)
}

/// One column of the `n` kept jobs from the held and the changed column:
/// names merged (both are sorted), only the ones still used, ids renumbered.
/// `None` when no kept job has a value (a label key that is gone).
///
/// What a load builds (`Column::build`) without its passes: the names are
/// merged in order instead of sorted, and the kept jobs' values arrive in
/// job order (held jobs keep theirs, the changed ones follow), so a sparse
/// column stays pairs and a dense one is written once.
fn merge_column(
    cols: [&Column; 2],
    maps: [&[u32]; 2],
    held_runs: &[(usize, usize)],
    n: usize,
) -> Option<Column> {
    let [old, new] = cols;
    // Both name lists sorted and distinct: merged in order, each side's
    // id mapped to its place in the merged list.
    let mut names: Vec<&str> = Vec::with_capacity(old.names.len() + new.names.len());
    let mut to_merged = [
        Vec::with_capacity(old.names.len()),
        Vec::with_capacity(new.names.len()),
    ];
    let (mut a, mut b) = (old.names.iter().peekable(), new.names.iter().peekable());
    loop {
        let (x, y) = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x == y => (a.next(), b.next()),
            (Some(x), Some(y)) if x > y => (None, b.next()),
            (None, _) => (None, b.next()),
            _ => (a.next(), None),
        };
        let Some(name) = x.or(y) else { break };
        let id = u32::try_from(names.len()).unwrap_or(NO_VALUE);
        names.push(name.as_str());
        let [to_old, to_new] = &mut to_merged;
        if x.is_some() {
            to_old.push(id);
        }
        if y.is_some() {
            to_new.push(id);
        }
    }
    // The kept jobs' values in job order: held jobs keep their relative
    // order and come first, the changed ones follow.
    let mut values = ValuesWriter::new(n, old.is_dense() || new.is_dense());
    let mut used = vec![false; names.len()];
    // The held jobs' values, dense to dense (the usual case), a run of
    // consecutive kept jobs at a time: they are the new jobs 0.. in order.
    let copied = values.extend_runs(old, held_runs, &to_merged[0], &mut used);
    for (side, col) in [old, new].into_iter().enumerate().skip(usize::from(copied)) {
        let (map, to) = (maps[side], &to_merged[side]);
        col.for_each_value(|i, id| {
            let (Some(j), Some(&m)) = (mapped(map, i), to.get(id as usize)) else {
                return;
            };
            if let Some(u) = used.get_mut(m as usize) {
                *u = true;
                values.set(j, m);
            }
        });
    }
    if values.is_empty() {
        return None;
    }
    // Drop the names no kept job uses (a load never interns those).
    if used.iter().all(|&u| u) {
        let names = names.iter().map(|s| s.to_string()).collect();
        return Some(values.finish(names, n));
    }
    let mut renumber = vec![NO_VALUE; names.len()];
    let mut kept = Vec::new();
    for ((name, &u), r) in names.iter().zip(&used).zip(renumber.iter_mut()) {
        if u {
            *r = u32::try_from(kept.len()).unwrap_or(NO_VALUE);
            kept.push((*name).to_string());
        }
    }
    values.renumber(|id| renumber.get(id as usize).copied().unwrap_or(NO_VALUE));
    Some(values.finish(kept, n))
}

/// `keep` (ascending) as runs of consecutive jobs `[a, b)`.
fn consecutive(keep: &[u32]) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &i in keep {
        let i = i as usize;
        match runs.last_mut() {
            Some((_, b)) if *b == i => *b = i + 1,
            _ => runs.push((i, i + 1)),
        }
    }
    runs
}

/// `id_rank` of the new jobs: the held id order filtered to the kept jobs,
/// with the changed ones (in their own id order) placed by binary search.
fn merged_ranks(p: &Prepared, by_id: [&[u32]; 2], maps: [&[u32]; 2]) -> Vec<u32> {
    let [old, new] = by_id;
    let old: Vec<u32> = old.iter().filter_map(|&i| mapped(maps[0], i)).collect();
    let new: Vec<u32> = new.iter().filter_map(|&i| mapped(maps[1], i)).collect();
    let order = merge_by(&old, &new, |a, b| p.id(a as usize) < p.id(b as usize));
    let mut rank = vec![0u32; p.len()];
    for (r, i) in (0u32..).zip(order) {
        if let Some(slot) = rank.get_mut(i as usize) {
            *slot = r;
        }
    }
    rank
}

/// Merges two sorted lists; `less(a, b)` orders them. Each item of `new`
/// is placed by a binary search in `old`, so it costs `new.len() × log n`
/// comparisons plus the copy.
fn merge_by<T: Copy>(old: &[T], new: &[T], less: impl Fn(T, T) -> bool) -> Vec<T> {
    let mut out = Vec::with_capacity(old.len() + new.len());
    let mut at = 0;
    for &x in new {
        let rest = old.get(at..).unwrap_or_default();
        let k = at + rest.partition_point(|&o| less(o, x));
        out.extend_from_slice(old.get(at..k).unwrap_or_default());
        out.push(x);
        at = k;
    }
    out.extend_from_slice(old.get(at..).unwrap_or_default());
    out
}

/// The run order (SPEC §3 lanes: by run start, ties by id rank) of the new
/// jobs: the held order filtered, and placed into it by binary search, the
/// changed jobs' runs and any held run that only now has a positive length
/// (a run that started at the previous `generated_at`). The held jobs are
/// `p`'s first `held`; only those whose last transition is at or after the
/// previous `generated_at` can have such a run, so the others are not
/// looked at.
fn merged_run_order(p: &Prepared, old: &Prepared, map_old: &[u32], held: usize) -> Vec<u32> {
    let kept: Vec<u32> = old
        .run_order
        .iter()
        .filter_map(|&i| mapped(map_old, i))
        .collect();
    let mut ordered = vec![false; p.len()];
    for &i in &kept {
        if let Some(o) = ordered.get_mut(i as usize) {
            *o = true;
        }
    }
    let key = |i: u32| {
        let start = p.run_span(i as usize).map_or(Ms::MIN, |(s, _)| s);
        (start, p.id_rank.get(i as usize).copied().unwrap_or(0))
    };
    // A held run not in the old order had no length: it starts at or after
    // the old `generated_at` (it ends there, or at its own start).
    let recent = |i: usize| {
        let r = p.transitions_of(i);
        r.end
            .checked_sub(1)
            .and_then(|k| p.at.get(k))
            .is_some_and(|&at| at >= old.generated_at)
    };
    let fresh: Vec<(Ms, u32, u32)> = (0..p.len())
        .filter(|&i| !ordered.get(i).copied().unwrap_or(true))
        .filter(|&i| i >= held || recent(i))
        .filter_map(|i| {
            let (s, e) = p.run_span(i)?;
            let i = u32::try_from(i).ok()?;
            (e > s).then(|| (s, p.id_rank.get(i as usize).copied().unwrap_or(0), i))
        })
        .collect();
    let fresh: Vec<u32> = crate::sort::sort_vec(fresh, &|a, b| a.cmp(b))
        .into_iter()
        .map(|(_, _, i)| i)
        .collect();
    merge_by(&kept, &fresh, |a, b| key(a) < key(b))
}

/// The errors panel's order (newest first, ties by id rank, then list
/// position) of the new jobs: both orders filtered and merged.
fn merged_error_order(
    p: &Prepared,
    old: &Prepared,
    changed: &Prepared,
    maps: [&[u32]; 2],
) -> Vec<(Ms, u32, u32)> {
    let remap = |order: &[(Ms, u32, u32)], map: &[u32]| -> Vec<(Ms, u32, u32)> {
        order
            .iter()
            .filter_map(|&(at, i, k)| Some((at, mapped(map, i)?, k)))
            .collect()
    };
    let kept = remap(&old.error_order, maps[0]);
    let fresh = remap(&changed.error_order, maps[1]);
    let rank = |i: u32| p.id_rank.get(i as usize).copied().unwrap_or(0);
    merge_by(&kept, &fresh, |a, b| {
        (std::cmp::Reverse(a.0), rank(a.1), a.2) < (std::cmp::Reverse(b.0), rank(b.1), b.2)
    })
}

#[cfg(test)]
mod tests;
