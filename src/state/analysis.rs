//! The analysis memo graph: every number the panels show, derived from the
//! view and the loaded data, each step recomputed only when what it reads
//! changes (`range → grid`, `filters → selection → groups → runs → brush`;
//! a regroup never re-selects, a brush never regroups). The groups are
//! folded and ranked once, and their colours ([`Palette`]) computed once,
//! for every panel; the job-status counts once, for the chart and the
//! failure spikes.

use super::live::{WarmView, Warmers};
use super::{DataState, Loaded, Prefs, Queues, Shared, ThemeState, ViewState};
use crate::dom::{self, timed};
use crate::render::Palette;
use leptos::prelude::*;
use queuescope_core::analysis::{
    self, auto_width, BucketGrid, Facets, Filters, GroupBy, GroupedSeries, Groups, LocalZone,
    Prepared, Remap, RunLayout, Selection, StatusCounts, Summary, SummaryParts, TimeRange, Zone,
};
use queuescope_core::view::{Tz, Width};

/// Most groups a panel shows: the 11 with most jobs, plus "(other)".
pub const MAX_GROUPS: usize = 12;

/// Everything the panels read, derived from the view and the data.
#[derive(Clone, Copy)]
pub struct Analysis {
    /// The prepared data (`None` before the first load).
    pub prepared: Memo<Option<Shared<Loaded>>>,
    /// The range shown, resolved against the load's "now".
    pub range: Memo<TimeRange>,
    /// The zone of buckets and axes.
    pub zone: Memo<Zone>,
    /// The bucket grid.
    pub grid: Memo<Shared<BucketGrid>>,
    /// What the view groups by, resolved (a custom grouping's rules).
    pub group_by: Memo<GroupBy>,
    /// Every job in the range, no filter: the filter lists' counts, and
    /// the selection itself (the same `Shared`) whenever no filter is set.
    pub population: Memo<Shared<Selection>>,
    /// The filter lists: every field's and label key's values among the
    /// population, with their counts (`None` before the first load).
    pub facets: Memo<Option<Shared<Facets>>>,
    /// Jobs that pass the filters in the range (and, for a custom
    /// grouping, the legend's choice of groups).
    pub selection: Memo<Shared<Selection>>,
    /// Group of each selected job, every group (not folded): the insights
    /// rank all of them, so nobody hides in `(other)`.
    pub all_groups: Memo<Shared<Groups>>,
    /// Group of each selected job: folded, in the one order every panel shows.
    pub groups: Memo<Shared<Groups>>,
    /// The colour of each group, for every panel.
    pub palette: Memo<Shared<Palette>>,
    /// Jobs per bucket and state (`None` before the first load): the Job
    /// status chart and the failure spikes.
    pub status: Memo<Option<Shared<StatusCounts>>>,
    /// Runs in lanes, each in its group.
    pub runs: Memo<Shared<RunLayout>>,
    /// Queued time per group and bucket (`None` before the first load).
    pub queued: Memo<Option<Shared<GroupedSeries>>>,
    /// The header's figures (`None` before the first load).
    pub summary: Memo<Option<Summary>>,
    /// Jobs selected by the brush (`None`: no brush).
    pub brushed: Memo<Option<Shared<Vec<u32>>>>,
    /// A revision key for `uirevision`: zoom survives refreshes of the same
    /// view, and resets when queue, range or zone change.
    pub revision: Memo<String>,
    /// What a refresh runs after its splice, for the warm-up after a full
    /// read (each carried memo registers its carry).
    pub warmers: Warmers,
}

impl Analysis {
    /// Builds the memo graph and provides it.
    pub fn provide(
        view: ViewState,
        data: DataState,
        queues: Queues,
        ctx: (Prefs, ThemeState),
    ) -> Analysis {
        let (prefs, theme) = ctx;
        let prepared = Memo::new(move |_| data.loaded.get());
        let (range, zone, grid) = time_memos(view, prepared);
        let group_by = group_by_memo(view, prefs);
        let population = population_memo(prepared, range);
        let facets = facets_memo(prepared, population, range, data.warmers);
        let selection = selection_memo(view, (prepared, population), range, group_by);
        let (all_groups, groups) = groups_memos(prepared, selection, group_by);
        let per_sel = PerSelection {
            selection,
            population,
        };
        let warmers = data.warmers;
        let status = status_memo(per_sel, prepared, grid, warmers);
        let palette = palette_memo(theme, groups);
        let queued = queued_memo(prepared, (selection, groups), grid, warmers);
        let lanes = lanes_memo(per_sel, prepared, range, warmers);
        let runs = Memo::new(move |_| {
            let r = prepared.with(|p| match p {
                Some(l) => lanes.with(|lanes| {
                    selection.with(|s| {
                        groups.with(|g| {
                            timed("qs:regroup-runs", || {
                                analysis::regroup_runs(&l.prepared, lanes, s, g)
                            })
                        })
                    })
                }),
                None => RunLayout::default(),
            });
            Shared::new(r)
        });
        let summary = summary_memo(per_sel, prepared, (range, runs), warmers);
        set_warm_view(warmers, view, (range, group_by));
        // The brush reads the lanes, so a regroup does not redo it.
        let brushed = Memo::new(move |_| {
            let b = view.brush()?;
            Some(Shared::new(lanes.with(|r| {
                timed("qs:brush", || analysis::brush_select(r, &b))
            })))
        });
        let revision = revision_memo(view, queues);
        let a = Analysis {
            prepared,
            range,
            zone,
            grid,
            group_by,
            population,
            facets,
            selection,
            all_groups,
            groups,
            palette,
            status,
            runs,
            queued,
            summary,
            brushed,
            revision,
            warmers,
        };
        provide_context(a);
        a
    }
}

/// How the warm-up after a full read derives the view over its refresh of
/// the data ([`Warmers::set_view`]), as the memos do (a legend that limits
/// a custom grouping's groups aside: the carries then refuse, which only
/// warms less).
fn set_warm_view(
    warmers: Warmers,
    view: ViewState,
    (range, group_by): (Memo<TimeRange>, Memo<GroupBy>),
) {
    warmers.set_view(move |w| {
        let filters = view.get_untracked().filters;
        let selection = analysis::select(&w.prepared, &filters, range.get_untracked());
        let population = (!filters.is_empty())
            .then(|| analysis::select(&w.prepared, &Filters::default(), range.get_untracked()));
        let all_groups = analysis::group(&w.prepared, &selection, &group_by.get_untracked());
        let groups = Shared::new(analysis::fold_groups(&all_groups, MAX_GROUPS));
        WarmView {
            selection,
            all_groups: Shared::new(all_groups),
            groups,
            population,
        }
    });
}

/// The filter lists' values and counts over every job in the range. After
/// an incremental refresh the lists of its base are carried over
/// (`facets_updated`: the changed jobs only) when they can be; a recount
/// reads every job once per field and label key.
fn facets_memo(
    prepared: Memo<Option<Shared<Loaded>>>,
    population: Memo<Shared<Selection>>,
    range: Memo<TimeRange>,
    warmers: Warmers,
) -> Memo<Option<Shared<Facets>>> {
    let last = CarryOver::new(FACETS_CARRY);
    let of = WarmView::population;
    last.warm_over(warmers, "qs:facets", of, |&on, _| on, |_, _| ());
    Memo::new(move |_| {
        let l = prepared.get()?;
        let (s, range) = (population.get(), range.get());
        let facets = timed("qs:facets", || {
            last.carry_or(&l, &s, &range, "qs:recount:facets", || {
                analysis::facets(&l.prepared, &s)
            })
        });
        Some(last.keep(l, &s, range, facets))
    })
}

/// The filter lists' carry: the same range, or one slid forward (the
/// core tells).
const FACETS_CARRY: Carry<TimeRange, Facets> = |facets, old, new, remap| {
    let ranges = (*old.on, *new.on);
    analysis::facets_updated(facets, old.data(), new.data(), remap, ranges)
};

/// Jobs per bucket and state. After an incremental refresh the counts of
/// its base are carried over (`job_status_updated`: the changed jobs only)
/// when they can be.
fn status_memo(
    per_sel: PerSelection,
    prepared: Memo<Option<Shared<Loaded>>>,
    grid: Memo<Shared<BucketGrid>>,
    warmers: Warmers,
) -> Memo<Option<Shared<StatusCounts>>> {
    let last = CarryOver::new(STATUS_CARRY);
    last.warm_with(warmers, "qs:job-status", |g, _| g.clone(), |_, _| ());
    per_sel.memo(move |s| {
        let l = prepared.get()?;
        let g = grid.get();
        let counts = timed("qs:job-status", || {
            last.carry_or(&l, s, &g, "qs:recount:job-status", || {
                analysis::job_status(&l.prepared, s, &g)
            })
        });
        // Counts equal to the last ones keep their `Shared`: the chart
        // and the failure spikes are then not computed or drawn again.
        Some(last.keep(l, s, g, counts))
    })
}

/// The job-status counts' carry: the same grid, or one slid
/// forward (the core tells).
const STATUS_CARRY: Carry<Shared<BucketGrid>, StatusCounts> = |counts, old, new, remap| {
    let (op, os) = old.data();
    analysis::job_status_updated(counts, (op, os, old.on), new.data(), remap, new.on)
};

/// Runs in lanes, without groups (a regroup relabels the bars only). After
/// an incremental refresh the lanes of its base are carried over
/// (`run_layout_updated`) when they can be.
fn lanes_memo(
    per_sel: PerSelection,
    prepared: Memo<Option<Shared<Loaded>>>,
    range: Memo<TimeRange>,
    warmers: Warmers,
) -> Memo<Shared<RunLayout>> {
    let last = CarryOver::new(LANES_CARRY);
    last.warm_with(warmers, "qs:run-layout", |&on, _| on, |_, _| ());
    per_sel.memo(move |s| {
        let Some(l) = prepared.get() else {
            return Shared::new(RunLayout::default());
        };
        let range = range.get();
        let lanes = timed("qs:run-layout", || {
            last.carry_or(&l, s, &range, "qs:recount:run-layout", || {
                analysis::run_layout(&l.prepared, s, &Groups::default(), range)
            })
        });
        last.keep(l, s, range, lanes)
    })
}

/// The lanes' carry: the same range, or one slid forward (the
/// core tells).
const LANES_CARRY: Carry<TimeRange, RunLayout> = |lanes, old, new, remap| {
    let ranges = (*old.on, *new.on);
    analysis::run_layout_updated(lanes, old.data(), new.data(), remap, ranges)
};

/// Queued time over the folded groups. After an incremental refresh the
/// sums of its base are carried over (`queued_time_updated`) when they can
/// be.
fn queued_memo(
    prepared: Memo<Option<Shared<Loaded>>>,
    (selection, groups): (Memo<Shared<Selection>>, Memo<Shared<Groups>>),
    grid: Memo<Shared<BucketGrid>>,
    warmers: Warmers,
) -> Memo<Option<Shared<GroupedSeries>>> {
    let last = CarryOver::new(QUEUED_CARRY);
    let warm_on = |(g, _): &GridGroups, v: &WarmView| (g.clone(), v.groups.clone());
    last.warm_with(warmers, "qs:queued-time", warm_on, |_, _| ());
    Memo::new(move |_| {
        let l = prepared.get()?;
        let (s, on) = (selection.get(), (grid.get(), groups.get()));
        let series = timed("qs:queued-time", || {
            last.carry_or(&l, &s, &on, "qs:recount:queued-time", || {
                analysis::queued_time(&l.prepared, &s, &on.1, &on.0, MAX_GROUPS)
            })
        });
        Some(last.keep(l, &s, on, series))
    })
}

/// The grid and the folded groups queued time reads.
type GridGroups = (Shared<BucketGrid>, Shared<Groups>);

/// The queued time's carry: the same grid, or one slid forward
/// (the core tells).
const QUEUED_CARRY: Carry<GridGroups, GroupedSeries> = |series, old, new, remap| {
    let ((op, os), (np, ns)) = (old.data(), new.data());
    let ((og, ogr), (ng, ngr)) = (old.on, new.on);
    analysis::queued_time_updated(series, (op, os, ogr), (np, ns, ngr), remap, (og, ng))
};

/// The header's figures: the per-job parts (carried over an incremental
/// refresh by `summary_parts_updated` when they can be), the runs and the
/// busy time from the timeline's bars.
fn summary_memo(
    per_sel: PerSelection,
    prepared: Memo<Option<Shared<Loaded>>>,
    (range, runs): (Memo<TimeRange>, Memo<Shared<RunLayout>>),
    warmers: Warmers,
) -> Memo<Option<Summary>> {
    let last = CarryOver::new(SUMMARY_CARRY);
    last.warm_with(
        warmers,
        "qs:summary",
        |&on, _| on,
        // Kept opaque: computed as a refresh does, not optimised away.
        move |p, &on| {
            std::hint::black_box(runs.try_with_untracked(|r| analysis::summary_in(p, r, on)));
        },
    );
    let parts = per_sel.memo(move |s| {
        let l = prepared.get()?;
        let range = range.get();
        let parts = timed("qs:summary", || {
            last.carry_or(&l, s, &range, "qs:recount:summary", || {
                analysis::summary_parts(&l.prepared, s, range)
            })
        });
        Some(last.keep(l, s, range, parts))
    });
    Memo::new(move |_| {
        let p: Shared<SummaryParts> = parts.get()?;
        let range = range.get();
        Some(runs.with(|r| analysis::summary_in(&p, r, range)))
    })
}

/// The header's parts' carry: the same range, or one slid
/// forward (the core tells).
const SUMMARY_CARRY: Carry<TimeRange, SummaryParts> = |parts, old, new, remap| {
    let ranges = (*old.on, *new.on);
    analysis::summary_parts_updated(parts, old.data(), new.data(), remap, ranges)
};

/// One side of a carry over a refresh: the data, the view's selection of
/// it, and `K`, what else the memo read (the grid, the range, the groups).
pub(crate) struct Side<'a, K> {
    /// The data.
    pub prepared: &'a Prepared,
    /// The view's selection of it.
    pub selection: &'a Selection,
    /// What else the memo read.
    pub on: &'a K,
}

impl<'a, K> Side<'a, K> {
    /// The data and the selection, as the core's carries take them.
    pub fn data(&self) -> (&'a Prepared, &'a Selection) {
        (self.prepared, self.selection)
    }
}

/// A memo's carry: its last value, computed from `old`, carried over to
/// `new` (data a refresh spliced from `old`'s, where the remap says the
/// held jobs went), or `None` (compute afresh). ONE function per memo,
/// which the memo ([`CarryOver::carry_or`]) and the warm-up after a full
/// read ([`CarryOver::warm_with`]) both run: they differ only in where
/// the new side comes from.
pub(crate) type Carry<K, T> = fn(&T, Side<'_, K>, Side<'_, K>, &Remap) -> Option<T>;

/// The last value a memo over the selection computed, and what from: the
/// data on screen then (held until the next value is computed) and its
/// selection, and `K`, what else it read (the grid, the range). So a
/// refresh spliced from that data can carry the value over, with the
/// memo's [`Carry`].
pub(crate) struct CarryOver<K: 'static, T: 'static> {
    last: StoredValue<Option<Base<K, T>>>,
    carry: Carry<K, T>,
}

thread_local! {
    static RECOUNTS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// One more memo computed afresh on data a refresh spliced:
/// `<html data-recounts>` counts them, `data-last-recount` names the last.
fn count_recount(span: &str) {
    let n = RECOUNTS.with(|c| {
        c.set(c.get().saturating_add(1));
        c.get()
    });
    dom::set_html_attribute("data-recounts", &n.to_string());
    dom::set_html_attribute("data-last-recount", span);
}

impl<K: 'static, T: 'static> Clone for CarryOver<K, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K: 'static, T: 'static> Copy for CarryOver<K, T> {}

struct Base<K, T> {
    loaded: Shared<Loaded>,
    /// The memo's own `Shared`: a clone was a copy of ~94k job indices
    /// per carried memo and refresh (seven of them, ~2.6 MB allocated).
    selection: Shared<Selection>,
    on: K,
    value: Shared<T>,
}

impl<K: Send + Sync + 'static, T: PartialEq + Send + Sync + 'static> CarryOver<K, T> {
    /// No last value yet; `carry` carries one over a refresh.
    pub(crate) fn new(carry: Carry<K, T>) -> Self {
        CarryOver {
            last: StoredValue::new(None),
            carry,
        }
    }

    /// The memo's carry of the last value to `l` (its selection `s`, what
    /// else it reads `on`) when `l` was spliced from the last value's data;
    /// `None` otherwise, or when the carry cannot carry it (it and the core
    /// it calls judge what else it read, e.g. a range that slid forward).
    fn carry(&self, l: &Shared<Loaded>, s: &Selection, on: &K) -> Option<T> {
        self.last
            .try_with_value(|last| {
                let b = last.as_ref()?;
                let c = l.remap.as_ref().filter(|c| c.is_base_of(&b.loaded))?;
                let old = Side {
                    prepared: &b.loaded.prepared,
                    selection: &b.selection,
                    on: &b.on,
                };
                let new = Side {
                    prepared: &l.prepared,
                    selection: s,
                    on,
                };
                (self.carry)(&b.value, old, new, &c.remap)
            })
            .flatten()
    }

    /// Registers with `warmers` a run of this memo's carry, for the warm-up
    /// after a full read ([`super::live::warm`]), onto the warm-up's data
    /// and view, with what else it reads `on(the last one, the view)` (the
    /// warm-up's splice changed nothing; groups come from its view), then
    /// `then(carried, on)` (what the memo's readers would compute from it).
    /// Its result is dropped; a carry that refused marks
    /// `qs-warm-refused:` and `name`.
    pub(crate) fn warm_with(
        self,
        warmers: Warmers,
        name: &'static str,
        on: impl Fn(&K, &WarmView) -> K + 'static,
        then: impl Fn(&T, &K) + 'static,
    ) {
        fn filtered(v: &WarmView) -> &Selection {
            &v.selection
        }
        self.warm_over(warmers, name, filtered, on, then);
    }

    /// [`CarryOver::warm_with`] for a memo over another selection of the
    /// view than the filtered one: `of(view)` (the population).
    pub(crate) fn warm_over(
        self,
        warmers: Warmers,
        name: &'static str,
        of: fn(&WarmView) -> &Selection,
        on: impl Fn(&K, &WarmView) -> K + 'static,
        then: impl Fn(&T, &K) + 'static,
    ) {
        warmers.add(name, move |w, view| {
            let on = self
                .last
                .try_with_value(|last| last.as_ref().map(|b| on(&b.on, view)));
            let carried = on
                .flatten()
                .and_then(|on| Some((self.carry(w, of(view), &on)?, on)));
            match std::hint::black_box(&carried) {
                Some((value, on)) => then(value, on),
                None => dom::mark(&format!("qs-warm-refused:{name}")),
            }
        });
    }

    /// [`CarryOver::carry`], or else `recount()`, timed as the span
    /// `recount_span` (so a refresh's breakdown shows which memos could
    /// not carry over). A recount of data spliced by a refresh is counted
    /// in `<html data-recounts>` and named in `data-last-recount` (for tests
    /// and the curious: the spans are not there when a test fakes the
    /// page's clock).
    pub(crate) fn carry_or(
        &self,
        l: &Shared<Loaded>,
        s: &Selection,
        on: &K,
        recount_span: &str,
        recount: impl FnOnce() -> T,
    ) -> T {
        self.carry(l, s, on).unwrap_or_else(|| {
            if l.remap.is_some() {
                count_recount(recount_span);
            }
            timed(recount_span, recount)
        })
    }

    /// Keeps `value` (computed from `l`, `s` and `on`) as the last one,
    /// with the last `Shared` when it is equal to it: memos compare
    /// `Shared` by pointer, so what reads it is not computed again.
    pub(crate) fn keep(
        &self,
        l: Shared<Loaded>,
        s: &Shared<Selection>,
        on: K,
        value: T,
    ) -> Shared<T> {
        let same = self.last.with_value(|b| {
            b.as_ref()
                .map(|b| b.value.clone())
                .filter(|old| **old == value)
        });
        let value = same.unwrap_or_else(|| Shared::new(value));
        self.last.set_value(Some(Base {
            loaded: l,
            selection: s.clone(),
            on,
            value: value.clone(),
        }));
        value
    }
}

/// The `uirevision` key: queue, range and zone.
fn revision_memo(view: ViewState, queues: Queues) -> Memo<String> {
    Memo::new(move |_| {
        let q = queues.current.get().unwrap_or_default();
        view.with(|v| format!("{q}|{:?}|{}", v.range_spec(), v.tz.as_str()))
    })
}

/// Every job in the range, no filter.
fn population_memo(
    prepared: Memo<Option<Shared<Loaded>>>,
    range: Memo<TimeRange>,
) -> Memo<Shared<Selection>> {
    Memo::new(move |_| {
        let sel = prepared.with(|p| match p {
            Some(l) => timed("qs:select", || {
                analysis::select(&l.prepared, &Filters::default(), range.get())
            }),
            None => Selection::default(),
        });
        Shared::new(sel)
    })
}

/// Memos of the selection that keep their value for the unfiltered
/// population: a filter switched off (or the legend's "Show all") takes
/// the population's result back instead of computing it again. Exact by
/// construction: the selection *is* the population then (the same
/// `Shared`, see [`selection_memo`]).
#[derive(Clone, Copy)]
pub struct PerSelection {
    /// The view's selection.
    pub selection: Memo<Shared<Selection>>,
    /// Every job in the range.
    pub population: Memo<Shared<Selection>>,
}

impl PerSelection {
    /// `f` of the selection, computed at most once for the population
    /// (lazily: only once the selection has been the population). `f` may
    /// read other signals (data, range, grid, groups) but nothing derived
    /// from the selection besides its argument: the population's value is
    /// computed by the same `f`.
    pub fn memo<T, F>(self, f: F) -> Memo<T>
    where
        T: Clone + PartialEq + Send + Sync + 'static,
        F: Fn(&Shared<Selection>) -> T + Clone + Send + Sync + 'static,
    {
        let Self {
            selection,
            population,
        } = self;
        let base = {
            let f = f.clone();
            Memo::new(move |_| population.with(|p| f(p)))
        };
        Memo::new(move |_| {
            let s = selection.get();
            if population.with(|p| *p == s) {
                base.get()
            } else {
                f(&s)
            }
        })
    }
}

impl Analysis {
    /// Memos of the selection that reuse the population's value (see
    /// [`PerSelection`]).
    pub fn per_selection(&self) -> PerSelection {
        PerSelection {
            selection: self.selection,
            population: self.population,
        }
    }
}

/// The grouping of the view, a custom one resolved by name.
fn group_by_memo(view: ViewState, prefs: Prefs) -> Memo<GroupBy> {
    Memo::new(move |_| {
        let key = view.with(|v| v.group.clone());
        // An unknown custom name never reaches here for long: the view
        // state replaces it (with a notice) as soon as it is seen.
        prefs.custom.with(|c| key.resolve(c)).unwrap_or_default()
    })
}

/// The groups' colours in the theme's tokens (one memo every panel reads).
fn palette_memo(theme: ThemeState, groups: Memo<Shared<Groups>>) -> Memo<Shared<Palette>> {
    Memo::new(move |_| {
        theme
            .tokens
            .with(|t| groups.with(|g| Shared::new(Palette::of(g, t))))
    })
}

/// The range, the zone and the bucket grid of the view.
fn time_memos(
    view: ViewState,
    prepared: Memo<Option<Shared<Loaded>>>,
) -> (Memo<TimeRange>, Memo<Zone>, Memo<Shared<BucketGrid>>) {
    let now = Memo::new(move |_| prepared.with(|p| p.as_ref().map(|l| l.now).unwrap_or(0)));
    let range = Memo::new(move |_| view.with(|v| v.time_range(now.get())));
    let tz = Memo::new(move |_| view.with(|v| v.tz));
    let zone = Memo::new(move |_| match tz.get() {
        Tz::Utc => Zone::Utc,
        Tz::Local => Zone::Local(LocalZone::probe(range.get(), dom::local_offset_ms)),
    });
    let width = Memo::new(move |_| {
        view.with(|v| v.bucket.map(Width::ms))
            .unwrap_or_else(|| auto_width(range.get()))
    });
    let grid =
        Memo::new(move |_| Shared::new(BucketGrid::new(range.get(), width.get(), &zone.get())));
    (range, zone, grid)
}

/// The jobs that pass the view's filters in its range and, under a custom
/// grouping whose legend shows only some groups, are in those groups.
///
/// With no filter and no legend choice it is the population itself (the
/// same `Shared`), so [`PerSelection`] memos reuse their unfiltered value.
fn selection_memo(
    view: ViewState,
    (prepared, population): (Memo<Option<Shared<Loaded>>>, Memo<Shared<Selection>>),
    range: Memo<TimeRange>,
    group_by: Memo<GroupBy>,
) -> Memo<Shared<Selection>> {
    let filters: Memo<Filters> = Memo::new(move |_| view.with(|v| v.filters.clone()));
    let custom = Memo::new(move |_| view.custom_groups());
    Memo::new(move |_| {
        if custom.with(Option::is_none) && filters.with(Filters::is_empty) {
            return population.get();
        }
        let sel = prepared.with(|p| match p {
            Some(l) => {
                let f = filters.get();
                let sel = timed("qs:select", || {
                    analysis::select(&l.prepared, &f, range.get())
                });
                // Only read (and track) the grouping when the legend limits
                // a custom one: a regroup must not re-select.
                let Some(keep) = custom.get() else { return sel };
                match group_by.get() {
                    by @ GroupBy::Custom(_) => {
                        let raw = analysis::group(&l.prepared, &sel, &by);
                        analysis::keep_groups(&sel, &raw, &keep)
                    }
                    _ => sel,
                }
            }
            None => Selection::default(),
        });
        Shared::new(sel)
    })
}

/// Every group of the selection, and one folded set of them for every
/// panel: same groups, same order, same colours.
fn groups_memos(
    prepared: Memo<Option<Shared<Loaded>>>,
    selection: Memo<Shared<Selection>>,
    group_by: Memo<GroupBy>,
) -> (Memo<Shared<Groups>>, Memo<Shared<Groups>>) {
    let all = Memo::new(move |_| {
        let g = prepared.with(|p| match p {
            Some(l) => selection.with(|s| {
                let by = group_by.get();
                timed("qs:group", || analysis::group(&l.prepared, s, &by))
            }),
            None => Groups::default(),
        });
        Shared::new(g)
    });
    let folded = Memo::new(move |_| {
        all.with(|g| {
            Shared::new(timed("qs:fold-groups", || {
                analysis::fold_groups(g, MAX_GROUPS)
            }))
        })
    });
    (all, folded)
}
