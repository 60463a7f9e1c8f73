//! CPU and GPU use: four charts, one line per run. Metrics are fetched
//! lazily for the runs in view (the brushed runs, else the 50 most recent),
//! at most 100 run ids a request, and cached per run for the session.

use super::dashboard::{Queues, SourceCtx};
use super::panels::{data_status, Panel, PanelStatus};
use crate::charts::{self, group_color, UsageLine};
use crate::format;
use crate::plotly_glue::PlotlyChart;
use crate::state::{Analysis, Renders};
use leptos::prelude::*;
use queuescope_core::analysis;
use queuescope_core::parse::{Metric, Series};
use queuescope_core::Job;
use std::collections::HashMap;

/// Runs shown when no brush is active.
pub const RECENT_RUNS: usize = 50;
/// Most brushed runs shown (one metrics request's worth).
pub const MAX_BRUSHED_RUNS: usize = queuescope_core::contract::MAX_RUN_IDS_PER_REQUEST;
/// Points per run and chart after downsampling.
pub const MAX_POINTS: usize = 300;

/// Cached series: run id → its series (all metrics).
type Cache = HashMap<String, Vec<Series>>;

/// A run's series after downsampling: (job, group, t, v).
type Downsampled = (usize, u16, Vec<f64>, Vec<Option<f64>>);

/// The four usage panels.
#[component]
pub fn UsagePanels() -> impl IntoView {
    let a = expect_context::<Analysis>();
    let queues = expect_context::<Queues>();
    let source = expect_context::<SourceCtx>();
    let renders = expect_context::<Renders>();
    let cache = RwSignal::new(Cache::new());
    let fetch_error = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    // A new queue empties the cache.
    Effect::new(move |_| {
        queues.current.track();
        cache.set(Cache::new());
    });

    // The runs in view: (job index, group). Without a brush the
    // RECENT_RUNS most recent runs; with one, the brushed runs in run-start
    // order, at most MAX_BRUSHED_RUNS of them (the most recent ones): a
    // brush over a busy day hits 20k runs, whose metrics would be 200
    // requests and 80k lines. Compared by value, so a change that leaves
    // the same runs in view (a filter on another user's jobs) redraws
    // nothing here.
    let in_view = Memo::new(move |_| {
        let runs = a.runs.get();
        let brushed = a.brushed.get();
        let (bars, limit): (Vec<_>, usize) = match &brushed {
            Some(sel) => {
                let wanted: std::collections::HashSet<u32> = sel.iter().copied().collect();
                let hit = runs.bars.iter().filter(|b| wanted.contains(&b.job));
                (hit.collect(), MAX_BRUSHED_RUNS)
            }
            None => (runs.bars.iter().collect(), RECENT_RUNS),
        };
        // Bars are in start order: the most recent are at the end. Runs
        // that start with the cut-off one join in, so ties on the start
        // time are decided by job index as before.
        let mut bars = bars;
        let mut cut = bars.len().saturating_sub(limit);
        while cut > 0 && cut < bars.len() && bars[cut - 1].start == bars[cut].start {
            cut -= 1;
        }
        let mut recent = bars.split_off(cut);
        recent.sort_by(|x, y| y.start.cmp(&x.start).then(x.job.cmp(&y.job)));
        recent.truncate(limit);
        if brushed.is_some() {
            // The brushed runs in start order.
            recent.reverse();
        }
        recent
            .into_iter()
            .map(|b| (b.job, b.group))
            .collect::<Vec<(u32, u16)>>()
    });

    // Fetch what the cache lacks.
    Effect::new(move |_| {
        let Some(l) = a.prepared.get() else { return };
        let Some(queue) = queues.current.get() else {
            return;
        };
        let missing: Vec<Job> = in_view.with(|v| {
            cache.with_untracked(|c| {
                v.iter()
                    .filter_map(|(j, _)| l.prepared.get(*j as usize))
                    .filter(|job| job.run_id.as_ref().is_some_and(|id| !c.contains_key(id)))
                    .cloned()
                    .collect()
            })
        });
        if missing.is_empty() {
            return;
        }
        let s = source.0.get_value();
        loading.set(true);
        renders.start();
        leptos::task::spawn_local(async move {
            match s.metrics(&queue, &missing, None).await {
                Ok((series, _skipped)) => {
                    cache.update(|c| {
                        for job in &missing {
                            if let Some(id) = &job.run_id {
                                c.entry(id.clone()).or_default();
                            }
                        }
                        for s in series {
                            c.entry(s.run_id.clone()).or_default().push(s);
                        }
                    });
                    fetch_error.set(None);
                }
                Err(e) => fetch_error.set(Some(e.to_string())),
            }
            loading.set(false);
            renders.finish();
        });
    });

    let note = Signal::derive(move || {
        let n = in_view.with(|v| v.len());
        let brushed = a.brushed.with(|b| b.as_ref().map(|b| b.len()));
        if let Some(total) = brushed.filter(|&t| t > n) {
            format!(
                "the {} most recent of the {} runs selected on Job runs",
                format::count(n),
                format::count(total)
            )
        } else if brushed.is_some() {
            format!("the {} runs selected on Job runs", format::count(n))
        } else {
            format!(
                "the {} most recent runs in view (select on Job runs to choose)",
                format::count(n)
            )
        }
    });

    let panel = move |metric: Metric, name: &'static str, title: &'static str| {
        let chart = Memo::new(move |_| {
            let l = a.prepared.get()?;
            let groups = a.groups.get();
            let rev = format!("{name}|{}", queues.current.get().unwrap_or_default());
            let span = format!("qs:chart:{name}");
            let c = crate::dom::timed(&span, || {
                cache.with(|cache| {
                    in_view.with(|v| {
                        let mut down: Vec<Downsampled> = Vec::new();
                        for (j, g) in v.iter() {
                            let Some(job) = l.prepared.get(*j as usize) else {
                                continue;
                            };
                            let Some(series) = job.run_id.as_ref().and_then(|id| cache.get(id))
                            else {
                                continue;
                            };
                            if let Some(s) = series.iter().find(|s| s.metric == metric) {
                                let (t, y) = analysis::downsample(&s.t, &s.v, MAX_POINTS);
                                down.push((*j as usize, *g, t, y));
                            }
                        }
                        let lines: Vec<UsageLine<'_>> = down
                            .iter()
                            .filter_map(|(j, g, t, y)| {
                                let job = l.prepared.get(*j)?;
                                let gname = groups
                                    .names
                                    .get(*g as usize)
                                    .map(String::as_str)
                                    .unwrap_or("");
                                Some(UsageLine {
                                    run_id: job.run_id.as_deref().unwrap_or(&job.id),
                                    project: job.project.as_deref().unwrap_or("(none)"),
                                    launch_job: &job.job,
                                    color: group_color(*g as usize, gname),
                                    t,
                                    v: y,
                                })
                            })
                            .collect();
                        charts::usage(&lines, &rev)
                    })
                })
            });
            Some(c)
        });
        let base = data_status("No jobs in this range");
        let status = Signal::derive(move || match base.get() {
            PanelStatus::Ready => {
                if let Some(e) = fetch_error.get() {
                    PanelStatus::Error(format!("Usage could not be loaded: {e}"))
                } else if in_view.with(|v| v.is_empty()) {
                    PanelStatus::Empty("No runs in view.".into())
                } else if loading.get() {
                    PanelStatus::Loading
                } else {
                    PanelStatus::Ready
                }
            }
            s => s,
        });
        view! {
            <Panel name=name title=title status=status subtitle=note class="qs-quarter">
                <PlotlyChart chart=chart/>
            </Panel>
        }
    };

    view! {
        <div class="qs-usage-grid">
            {panel(Metric::GpuUtil, "gpu-util", "GPU use by job")}
            {panel(Metric::CpuUtil, "cpu-util", "CPU use by job")}
            {panel(Metric::GpuMem, "gpu-mem", "GPU memory by job")}
            {panel(Metric::SysMem, "sys-mem", "System memory by job")}
        </div>
    }
}
