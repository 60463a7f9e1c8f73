//! The app's state, one context per concern:
//!
//! - [`ViewState`]: what the user asked to see (the URL view) and the brush;
//!   controls write it, nothing else does.
//! - [`DataState`]: the last good data of the current queue, the load in
//!   flight and its error.
//! - [`Analysis`]: memos that derive every panel's numbers from the two,
//!   each recomputed only when what it reads changes (select → group →
//!   panels; the brush only touches the run selection).
//! - [`Renders`]: Plotly draws in flight, for `data-app-state`.

use crate::api::LoadError;
use leptos::prelude::*;
use queuescope_core::analysis::{
    self, auto_width, Brush, BucketGrid, Filters, GroupBy, Groups, LocalZone, Prepared, RunLayout,
    Selection, TimeRange, Zone,
};
use queuescope_core::url::{Tz, UrlView};
use queuescope_core::{Ms, SkipReport};
use std::ops::Deref;
use std::sync::Arc;

/// Most groups a panel shows: the 11 with most jobs, plus "(other)".
pub const MAX_GROUPS: usize = 12;

/// An `Arc` compared by identity: memos holding large derived values stay
/// cheap to compare and to clone.
#[derive(Debug, Default)]
pub struct Shared<T>(pub Arc<T>);

impl<T> Shared<T> {
    /// Wraps a value.
    pub fn new(v: T) -> Self {
        Shared(Arc::new(v))
    }
}
impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}
impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Plotly draws in flight. `data-app-state` is `ready` only when none is.
#[derive(Clone, Copy)]
pub struct Renders {
    pub(crate) pending: RwSignal<i32>,
}

impl Renders {
    /// A new tracker with nothing in flight.
    pub fn new() -> Self {
        Renders {
            pending: RwSignal::new(0),
        }
    }
    /// A draw started.
    pub fn start(&self) {
        self.pending.update(|n| *n += 1);
    }
    /// A draw ended (well or not).
    pub fn finish(&self) {
        self.pending.update(|n| *n = (*n - 1).max(0));
    }
    /// Draws in flight (tracked).
    pub fn pending(&self) -> i32 {
        self.pending.get()
    }
}

/// What the user asked to see.
#[derive(Clone, Copy)]
pub struct ViewState {
    /// The view as the URL carries it (SPEC §5).
    pub url: RwSignal<UrlView>,
    /// The brush on Job runs, if any (not part of the URL).
    pub brush: RwSignal<Option<Brush>>,
}

/// One load of a queue's jobs, checked and prepared.
pub struct Loaded {
    /// Records of this load that broke the contract and were left out.
    pub skipped: SkipReport,
    /// The jobs, with what is derived once per load (state spans, run spans, search text).
    pub prepared: Prepared,
    /// "Now" of this load: the range a relative view resolves against.
    pub now: Ms,
}

/// The data side: last good data, load status, errors.
#[derive(Clone, Copy)]
pub struct DataState {
    /// The last good data (kept on screen when a reload fails).
    pub loaded: RwSignal<Option<Shared<Loaded>>>,
    /// A load is in flight.
    pub loading: RwSignal<bool>,
    /// The last load failed with this error.
    pub error: RwSignal<Option<LoadError>>,
    /// Bumped to load again (Retry, refresh timer).
    pub reload: RwSignal<u32>,
}

/// Everything the panels read, derived from [`ViewState`] and [`DataState`].
#[derive(Clone, Copy)]
pub struct Analysis {
    /// The range shown, resolved against the load's "now".
    pub range: Memo<TimeRange>,
    /// The zone of buckets and axes.
    pub zone: Memo<Zone>,
    /// The bucket grid.
    pub grid: Memo<Shared<BucketGrid>>,
    /// Jobs that pass the filters in the range.
    pub selection: Memo<Shared<Selection>>,
    /// Group of each selected job.
    pub groups: Memo<Shared<Groups>>,
    /// Runs in lanes.
    pub runs: Memo<Shared<RunLayout>>,
    /// Jobs selected by the brush (`None`: no brush).
    pub brushed: Memo<Option<Shared<Vec<u32>>>>,
    /// The prepared data (`None` before the first load).
    pub prepared: Memo<Option<Shared<Loaded>>>,
}

/// The filters of a URL view, as core takes them.
pub fn filters_of(v: &UrlView) -> Filters {
    Filters {
        user: v.user.iter().cloned().collect(),
        job: v.job.iter().cloned().collect(),
        project: v.project.iter().cloned().collect(),
        entity: v.entity.iter().cloned().collect(),
        state: v.state.iter().cloned().collect(),
        labels: v.label.iter().cloned().collect(),
        text: v.q.clone().unwrap_or_default(),
    }
}

/// The grouping of a URL view (`user` when absent or unknown); custom
/// groupings are looked up by name in the user's saved definitions.
pub fn group_of(v: &UrlView, custom: &[analysis::CustomGrouping]) -> GroupBy {
    GroupBy::parse(v.group.as_deref().unwrap_or("user"), custom).unwrap_or(GroupBy::User)
}

impl Analysis {
    /// Builds the memo graph. `custom` holds the user's custom groupings.
    pub fn new(
        view: ViewState,
        data: DataState,
        custom: Signal<Vec<analysis::CustomGrouping>>,
    ) -> Analysis {
        let prepared = Memo::new(move |_| data.loaded.get());
        let now = Memo::new(move |_| prepared.with(|p| p.as_ref().map(|l| l.now).unwrap_or(0)));
        let range = Memo::new(move |_| {
            let (from, to) = view.url.with(|v| v.time_range(now.get()));
            TimeRange::new(from, to.max(from))
        });
        let tz = Memo::new(move |_| view.url.with(|v| v.tz));
        let zone = Memo::new(move |_| match tz.get() {
            Tz::Utc => Zone::Utc,
            Tz::Local => Zone::Local(LocalZone::probe(range.get(), crate::dom::local_offset_ms)),
        });
        let width = Memo::new(move |_| {
            view.url
                .with(|v| v.bucket_ms())
                .unwrap_or_else(|| auto_width(range.get()))
        });
        let grid =
            Memo::new(move |_| Shared::new(BucketGrid::new(range.get(), width.get(), &zone.get())));
        let filters = Memo::new(move |_| view.url.with(filters_of));
        let selection = Memo::new(move |_| {
            let sel = prepared.with(|p| match p {
                Some(l) => {
                    let f = filters.get();
                    crate::dom::timed("qs:select", || {
                        analysis::select(&l.prepared, &f, range.get())
                    })
                }
                None => Selection::default(),
            });
            Shared::new(sel)
        });
        let group_by = Memo::new(move |_| view.url.with(|v| custom.with(|c| group_of(v, c))));
        // One folded set of groups for every panel: same groups, same colours.
        let groups = Memo::new(move |_| {
            let g = prepared.with(|p| match p {
                Some(l) => selection.with(|s| {
                    let by = group_by.get();
                    crate::dom::timed("qs:group", || {
                        analysis::fold_groups(&analysis::group(&l.prepared, s, &by), MAX_GROUPS)
                    })
                }),
                None => Groups::default(),
            });
            Shared::new(g)
        });
        let runs = Memo::new(move |_| {
            let r = prepared.with(|p| match p {
                Some(l) => selection.with(|s| {
                    let range = range.get();
                    groups.with(|g| {
                        crate::dom::timed("qs:run-layout", || {
                            analysis::run_layout(&l.prepared, s, g, range)
                        })
                    })
                }),
                None => RunLayout::default(),
            });
            Shared::new(r)
        });
        let brushed = Memo::new(move |_| {
            let b = view.brush.get()?;
            Some(Shared::new(runs.with(|r| {
                crate::dom::timed("qs:brush", || analysis::brush_select(r, &b))
            })))
        });
        Analysis {
            range,
            zone,
            grid,
            selection,
            groups,
            runs,
            brushed,
            prepared,
        }
    }
}
