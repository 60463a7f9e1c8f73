//! The insights of SPEC §3.1 for the view, one memo each over only what
//! that insight reads, so a control recomputes only the insights it
//! concerns (a regroup recomputes "who waits" alone, new usage only the
//! under-used GPUs):
//!
//! ```text
//! idle        runs (the lanes' bars), range
//! hours       prepared, selection, range, zone
//! who         prepared, selection, all groups, range (carried over a
//!             refresh: who_waits_updated)
//! spikes      prepared, selection, grid, job-status counts
//! job_means   prepared, run ids (per load), GPU means (per answer)
//! under_used  prepared, runs (the lanes' bars), job_means
//! ```
//!
//! And the loader that fetches the usage of the view's other runs in
//! batches, with progress and cancel, keeping only each run's mean GPU use
//! ([`Metrics::fetch_means`]): it skips what the usage charts are fetching,
//! and never aborts them.

use super::analysis::{Carry, CarryOver};
use super::live::WarmView;
use super::{Analysis, Loaded, Metrics, Queues, Readiness, Shared, SourceCtx, ViewState};
use crate::api::LoadError;
use crate::dom::{self, timed};
use leptos::prelude::*;
use queuescope_core::analysis::insights::{
    failure_spikes, idle_windows_in, runs_to_load, under_used_gpus_in, waiting_by_hour,
    waiting_by_hour_updated, who_waits_of, who_waits_parts, who_waits_updated, FailureSpikes,
    GpuMeans, GroupWait, IdleWindows, JobMeans, RunIds, UnderUsed, WaitingByHour, WhoParts,
};
use queuescope_core::analysis::{Brush, Groups, TimeRange, Zone};
use queuescope_core::contract::MAX_RUN_IDS_PER_REQUEST;
use queuescope_core::Ms;
use std::sync::{Arc, Weak};

/// Loaded means reach the insight at most this often during a batch load:
/// each time it recomputes over every loaded run (~100k at most), so once
/// a request would make a long load quadratic.
const PUBLISH_EVERY: Ms = 1000;

/// The insights of the view (`None` before the first load).
#[derive(Clone, Copy)]
pub struct Insights {
    /// Idle windows.
    pub idle: Memo<Option<IdleWindows>>,
    /// Waiting by hour of week.
    pub hours: Memo<Option<WaitingByHour>>,
    /// Who waits most.
    pub who: Memo<Option<Vec<GroupWait>>>,
    /// Failure spikes.
    pub spikes: Memo<Option<FailureSpikes>>,
    /// Under-used GPUs, over the runs whose usage is loaded.
    pub under_used: Memo<Option<UnderUsed>>,
    /// Loading the usage of the view's other runs.
    pub batches: UsageBatches,
    analysis: Analysis,
    view: ViewState,
}

impl Insights {
    /// Builds the memos and the batch loader, and provides them.
    pub fn provide(
        a: Analysis,
        view: ViewState,
        m: Metrics,
        (source, queues, ready): (SourceCtx, Queues, Readiness),
    ) -> Insights {
        // After an incremental refresh the index of its base is carried
        // over (`RunIds::updated`: only the changed jobs are hashed).
        let last: LastIds = StoredValue::new(None);
        let run_ids = Memo::new(move |_| {
            let l = a.prepared.get()?;
            let ids = timed("qs:insight:run-ids", || {
                let carried = carry_ids(last, &l);
                Shared::new(carried.unwrap_or_else(|| RunIds::new(&l.prepared)))
            });
            last.set_value(Some((Arc::downgrade(&l.0), ids.clone())));
            Some(ids)
        });
        a.warmers.add("qs:insight:run-ids", move |w, _| {
            std::hint::black_box(carry_ids(last, w));
        });
        // The loaded means by job: once per load and per new means, so a
        // filter or a range costs a pass over the view's runs only.
        let job_means = Memo::new(move |_| {
            let l = a.prepared.get()?;
            let ids = run_ids.get()?;
            Some(Shared::new(m.gpu_means.with(|means| {
                timed("qs:insight:job-means", || {
                    JobMeans::new(&l.prepared, &ids, means)
                })
            })))
        });
        let (idle, hours, who, spikes) = selection_memos(a);
        // Over the timeline's bars (the shown runs): carried over a
        // refresh with the lanes, no run looked up again.
        let under_used = Memo::new(move |_| {
            let l = a.prepared.get()?;
            let means = job_means.get()?;
            Some(a.runs.with(|r| {
                timed("qs:insight:under-used", || {
                    under_used_gpus_in(&l.prepared, r, &means)
                })
            }))
        });
        let batches = UsageBatches::new(a, m, job_means, (source, queues, ready));
        let i = Insights {
            idle,
            hours,
            who,
            spikes,
            under_used,
            batches,
            analysis: a,
            view,
        };
        provide_context(i);
        i
    }

    /// Selects job `job`'s run in Job runs: a brush over its span and its
    /// lane, which holds no other run there.
    pub fn select_run(&self, job: u32) {
        let bar = self
            .analysis
            .runs
            .with_untracked(|r| r.bars.iter().find(|b| b.job == job).copied());
        if let Some(b) = bar {
            let lane = f64::from(b.lane);
            self.view.set_brush(Some(Brush {
                from: b.start,
                to: b.end,
                lanes: Some((lane, lane)),
            }));
        }
    }
}

/// The run ids index and the load it was built for.
type LastIds = StoredValue<Option<(Weak<Loaded>, Shared<RunIds>)>>;

/// The run ids' carry: `last`'s index carried over to `l` when `l` was
/// spliced from its load (`RunIds::updated`: only the changed jobs are
/// hashed). The memo and the warm-up after a full read both run it.
fn carry_ids(last: LastIds, l: &Loaded) -> Option<RunIds> {
    last.try_with_value(|last| {
        let (built_for, ids) = last.as_ref()?;
        let c = l.remap.as_ref().filter(|c| c.is_base(built_for))?;
        ids.updated(&l.prepared, &c.remap)
    })
    .flatten()
}

type SelectionMemos = (
    Memo<Option<IdleWindows>>,
    Memo<Option<WaitingByHour>>,
    Memo<Option<Vec<GroupWait>>>,
    Memo<Option<FailureSpikes>>,
);

/// The four insights over the selected jobs alone (no usage).
fn selection_memos(a: Analysis) -> SelectionMemos {
    // Waiting by hour reads nothing else of the selection: a filter
    // switched off takes the unfiltered result back.
    let per_sel = a.per_selection();
    // The gaps between the timeline's bars (the shown runs): carried over
    // a refresh with the lanes, no run looked up again.
    let idle = Memo::new(move |_| {
        a.prepared.with(Option::is_some).then_some(())?;
        let range = a.range.get();
        Some(
            a.runs
                .with(|r| timed("qs:insight:idle", || idle_windows_in(r, range))),
        )
    });
    // After an incremental refresh the hours of its base are carried over
    // (`waiting_by_hour_updated`) when they can be.
    let last = CarryOver::new(HOURS_CARRY);
    last.warm_with(a.warmers, "qs:insight:hours", |on, _| on.clone(), |_, _| ());
    let hours = per_sel.memo(move |s| {
        let l = a.prepared.get()?;
        let on = (a.range.get(), a.zone.get());
        let hours = timed("qs:insight:hours", || {
            last.carry_or(&l, s, &on, "qs:recount:hours", || {
                waiting_by_hour(&l.prepared, s, on.0, &on.1)
            })
        });
        // 168 cells: the memo compares them by value.
        Some((*last.keep(l, s, on, hours)).clone())
    });
    let who = who_memo(a);
    let spikes = Memo::new(move |_| {
        let l = a.prepared.get()?;
        let status = a.status.get()?;
        Some(a.selection.with(|s| {
            a.grid.with(|g| {
                timed("qs:insight:spikes", || {
                    failure_spikes(&l.prepared, s, g, &status)
                })
            })
        }))
    });
    (idle, hours, who, spikes)
}

/// Waiting by hour's carry: the same zone; the same range or
/// one slid forward (the core tells).
const HOURS_CARRY: Carry<(TimeRange, Zone), WaitingByHour> = |hours, old, new, remap| {
    let ((on, on_zone), (range, zone)) = (old.on, new.on);
    if on_zone != zone {
        return None;
    }
    waiting_by_hour_updated(hours, old.data(), new.data(), remap, ((*on, *range), zone))
};

/// Who waits most. After an incremental refresh the parts of its base
/// (every group's sums and waits) are carried over (`who_waits_updated`)
/// when they can be; the items are the top of the parts.
fn who_memo(a: Analysis) -> Memo<Option<Vec<GroupWait>>> {
    let last = CarryOver::new(WHO_CARRY);
    let warm_on = |(on, _): &RangeGroups, v: &WarmView| (*on, v.all_groups.clone());
    last.warm_with(a.warmers, "qs:insight:who", warm_on, |_, _| ());
    let who_parts = Memo::new(move |_| {
        let l = a.prepared.get()?;
        let (s, on) = (a.selection.get(), (a.range.get(), a.all_groups.get()));
        let parts = timed("qs:insight:who", || {
            last.carry_or(&l, &s, &on, "qs:recount:who", || {
                who_waits_parts(&l.prepared, &s, &on.1, on.0)
            })
        });
        Some(last.keep(l, &s, on, parts))
    });
    Memo::new(move |_| who_parts.get().map(|p| who_waits_of(&p)))
}

/// The range and every group who waits reads.
type RangeGroups = (TimeRange, Shared<Groups>);

/// Who waits' carry: the same range or one slid forward (the
/// core tells).
const WHO_CARRY: Carry<RangeGroups, WhoParts> = |parts, old, new, remap| {
    let ((op, os), (np, ns)) = (old.data(), new.data());
    let ((on, og), (range, g)) = (old.on, new.on);
    who_waits_updated(parts, (op, os, og), (np, ns, g), remap, (*on, *range))
};

/// How far a batch load got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Runs done (fetched, or found loaded or in flight for the charts).
    pub done: usize,
    /// Runs the load set out to fetch.
    pub total: usize,
    /// Still going.
    pub running: bool,
    /// Stopped by the user.
    pub cancelled: bool,
}

/// Loads the usage of the view's runs that lack it, [`MAX_RUN_IDS_PER_REQUEST`]
/// runs a request, one request at a time, into the usage cache.
#[derive(Clone, Copy)]
pub struct UsageBatches {
    /// The load in progress, or the last one (`None`: none yet).
    pub progress: RwSignal<Option<Progress>>,
    /// Why the last load stopped early.
    pub error: RwSignal<Option<LoadError>>,
    generation: StoredValue<u64>,
    abort: StoredValue<Option<web_sys::AbortController>, LocalStorage>,
    analysis: Analysis,
    metrics: Metrics,
    job_means: Memo<Option<Shared<JobMeans>>>,
    source: SourceCtx,
    queues: Queues,
    ready: Readiness,
}

impl UsageBatches {
    fn new(
        analysis: Analysis,
        metrics: Metrics,
        job_means: Memo<Option<Shared<JobMeans>>>,
        (source, queues, ready): (SourceCtx, Queues, Readiness),
    ) -> UsageBatches {
        let b = UsageBatches {
            progress: RwSignal::new(None),
            error: RwSignal::new(None),
            generation: StoredValue::new(0),
            abort: StoredValue::new_local(None),
            analysis,
            metrics,
            job_means,
            source,
            queues,
            ready,
        };
        // Another queue: its cache starts empty, and so does the progress.
        crate::reactive::effect_with(move |prev: Option<Option<String>>| {
            let q = queues.current.get();
            if prev.is_some_and(|p| p != q) {
                b.cancel();
                b.progress.set(None);
            }
            q
        });
        b
    }

    /// Starts loading the usage of every run of the view that lacks it,
    /// most recent first (a load in progress is cancelled first).
    pub fn load_rest(self) {
        self.cancel();
        let a = self.analysis;
        let (Some(l), Some(means), Some(queue)) = (
            a.prepared.get_untracked(),
            self.job_means.get_untracked(),
            self.queues.current.get_untracked(),
        ) else {
            return;
        };
        let todo: Vec<u32> = a
            .selection
            .with_untracked(|s| runs_to_load(&l.prepared, s, a.range.get_untracked(), &means));
        let ctrl = web_sys::AbortController::new().ok();
        self.abort.set_value(ctrl.clone());
        let mine = self.generation.get_value();
        self.error.set(None);
        self.progress.set(Some(Progress {
            total: todo.len(),
            running: true,
            ..Progress::default()
        }));
        self.ready.busy(true);
        leptos::task::spawn_local(async move {
            self.run((l, queue), todo, ctrl, mine).await;
            self.ready.busy(false);
        });
    }

    /// The batches of [`UsageBatches::load_rest`]: one request at a time,
    /// progress after each, the means published at most every
    /// [`PUBLISH_EVERY`] ms and at the end (also when cancelled: what was
    /// fetched is loaded).
    async fn run(
        self,
        (l, queue): (Shared<Loaded>, String),
        todo: Vec<u32>,
        ctrl: Option<web_sys::AbortController>,
        mine: u64,
    ) {
        let signal = ctrl.as_ref().map(|c| c.signal());
        let mut fetched = GpuMeans::new();
        let mut published = dom::now_ms();
        for batch in todo.chunks(MAX_RUN_IDS_PER_REQUEST) {
            let jobs = l.prepared.jobs_at(batch.iter().map(|&j| j as usize));
            let want = self.metrics.without_mean(&queue, jobs);
            let got = self
                .metrics
                .fetch_means(self.source, &queue, &want, signal.as_ref())
                .await;
            if self.generation.get_value() != mine {
                break;
            }
            match got {
                Ok(means) => fetched.extend(means),
                Err(e) => {
                    self.error.set(Some(e));
                    break;
                }
            }
            self.progress
                .update(|p| p.iter_mut().for_each(|p| p.done += batch.len()));
            if dom::now_ms() - published >= PUBLISH_EVERY {
                self.metrics
                    .store_means(&queue, std::mem::take(&mut fetched));
                published = dom::now_ms();
            }
        }
        self.metrics.store_means(&queue, fetched);
        if self.generation.get_value() == mine {
            self.progress
                .update(|p| p.iter_mut().for_each(|p| p.running = false));
        }
    }

    /// Stops the load in progress (its request is aborted; the usage
    /// charts' own fetches go on).
    pub fn cancel(self) {
        self.generation.update_value(|g| *g += 1);
        if let Some(c) = self.abort.get_value() {
            c.abort();
        }
        self.abort.set_value(None);
        if self
            .progress
            .with_untracked(|p| p.is_some_and(|p| p.running))
        {
            self.progress.update(|p| {
                for p in p.iter_mut() {
                    p.running = false;
                    p.cancelled = true;
                }
            });
        }
    }
}
