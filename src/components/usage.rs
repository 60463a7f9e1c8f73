//! CPU and GPU use: four charts, one line per run in view, coloured by
//! the run's group (the shared palette). The series come from
//! [`crate::state::Metrics`].

use super::chart::{model_chart, pointer_window, MarkedChart, TipKey};
use super::inspect_dialog::InspectButton;
use super::legend::GroupLegend;
use super::panel::{data_status, Panel, PanelStatus};
use crate::dom::timed;
use crate::format;
use crate::i18n::{t, Words};
use crate::plotly_glue::Pointer;
use crate::render::usage::HOVER_SLACK;
use crate::render::{self, UsageChart, UsageLine};
use crate::state::metrics::Cache;
use crate::state::{Analysis, Loaded, Metrics, Queues, Shared};
use leptos::prelude::*;
use queuescope_core::analysis;
use queuescope_core::parse::Metric;

/// A panel title in the catalogue.
type TitleOf = fn(&Words) -> &'static str;

/// The four charts: metric, `data-panel`, title.
const CHARTS: [(Metric, &str, TitleOf); 4] = [
    (Metric::GpuUtil, "gpu-util", |w| w.gpu_util),
    (Metric::CpuUtil, "cpu-util", |w| w.cpu_util),
    (Metric::GpuMem, "gpu-mem", |w| w.gpu_mem),
    (Metric::SysMem, "sys-mem", |w| w.sys_mem),
];

/// The chart of one metric for the runs in view (their series are
/// downsampled in the cache already: the lines share them).
fn usage_chart(
    (l, cache, in_view): (&Loaded, &Cache, &[(u32, u16)]),
    metric: Metric,
    palette: &render::Palette,
    rev: &str,
) -> UsageChart {
    let lines: Vec<UsageLine<'_>> = in_view
        .iter()
        .filter_map(|&(j, g)| {
            let job = l.prepared.get(j as usize)?;
            let series = job.run_id.and_then(|id| cache.get(id))?;
            let s = series.iter().find(|s| s.metric == metric)?;
            Some(UsageLine {
                run_id: job.run_id.unwrap_or(job.id),
                project: job.project.unwrap_or(analysis::NONE_NAME),
                launch_job: job.job,
                colour: palette.colour(usize::from(g)),
                t: s.t.clone(),
                v: s.v.clone(),
            })
        })
        .collect();
    render::usage(&lines, rev)
}

/// What the usage charts show: "the 50 most recent runs in view ...".
fn usage_note(a: Analysis, m: Metrics) -> Signal<String> {
    Signal::derive(move || {
        let n = m.in_view.with(|v| v.len());
        let brushed = a.brushed.with(|b| b.as_ref().map(|b| b.len()));
        if n == 0 {
            match brushed {
                Some(_) => t().usage_none_selected.into(),
                None => t().usage_none_in_view.into(),
            }
        } else if let Some(total) = brushed.filter(|&t| t > n) {
            (t().usage_some_selected)(&format::count(n), &format::count(total))
        } else if brushed.is_some() {
            (t().usage_selected)(&format::count(n))
        } else {
            (t().usage_recent)(&format::count(n))
        }
    })
}

/// The panel's status: the data's, then the usage fetch's.
fn usage_status(m: Metrics) -> Signal<PanelStatus> {
    let base = data_status(t().no_jobs);
    Signal::derive(move || match base.get() {
        PanelStatus::Ready => {
            if let Some(e) = m.error.get() {
                PanelStatus::Error(format!("{}{}", t().usage_failed, (t().load_error)(&e)))
            } else if m.in_view.with(|v| v.is_empty()) {
                PanelStatus::Empty(t().no_runs_in_view.into())
            } else if m.loading.get() || m.prefetch_pending.get() {
                PanelStatus::Loading
            } else {
                PanelStatus::Ready
            }
        }
        s => s,
    })
}

/// One usage chart panel.
#[component]
fn UsagePanel(metric: Metric, name: &'static str, title: &'static str) -> impl IntoView {
    let a = expect_context::<Analysis>();
    let m = expect_context::<Metrics>();
    let queues = expect_context::<Queues>();
    // What the chart shown was built from: while the runs newly in view
    // are fetched (a brush), the same data, colours and queue keep it.
    let built = StoredValue::new(None::<(Shared<Loaded>, Shared<render::Palette>, String)>);
    let chart = Memo::new(move |shown: Option<&Option<Shared<UsageChart>>>| {
        let l = a.prepared.get()?;
        let palette = a.palette.get();
        let rev = format!("{name}|{}", queues.current.get().unwrap_or_default());
        let from = (l.clone(), palette.clone(), rev.clone());
        if m.waiting.get() && built.with_value(|b| b.as_ref() == Some(&from)) {
            if let Some(Some(c)) = shown {
                return Some(c.clone());
            }
        }
        built.set_value(Some(from));
        let chart = timed(&format!("qs:chart:{name}"), || {
            m.cache.with(|cache| {
                m.in_view
                    .with(|v| usage_chart((&l, cache, v), metric, &palette, &rev))
            })
        });
        // A refresh that leaves the same lines (the same runs in view with
        // the same series and colours, under other job indices) keeps the
        // chart shown: its canvas is not repainted, its text alternative
        // not recounted.
        match shown {
            Some(Some(old)) if **old == chart => Some(old.clone()),
            _ => Some(Shared::new(chart)),
        }
    });
    let (place, frame, layer) = model_chart(name, chart);
    let tip = Callback::new(move |p: Pointer| {
        let (win, at, scale) = pointer_window(&p);
        chart.with_untracked(|c| {
            let c = c.as_ref()?;
            let (l, lines) = c.tip(&win, at, HOVER_SLACK * scale)?;
            Some((TipKey::Line(c.info.get(l)?.run_id.clone()), lines))
        })
    });
    view! {
        <Panel name=name title=title status=usage_status(m) subtitle=usage_note(a, m) class="qs-quarter"
            actions=move || view! { <InspectButton panel=name title=title/> }>
            <MarkedChart frame=frame place=place layer=layer tip=tip/>
        </Panel>
    }
}

/// The four usage panels.
#[component]
pub fn UsagePanels() -> impl IntoView {
    let panels = CHARTS
        .into_iter()
        .map(|(metric, name, title)| view! { <UsagePanel metric=metric name=name title=title(t())/> })
        .collect_view();
    view! {
        <div class="qs-usage">
            <GroupLegend row=true/>
            <div class="qs-usage-grid">{panels}</div>
        </div>
    }
}
