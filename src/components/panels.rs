//! The header, notices, the panel frame and the chart panels.

use super::dashboard::{NoticeList, Queues};
use crate::charts;
use crate::config::Config;
use crate::format;
use crate::plotly_glue::PlotlyChart;
use crate::state::{Analysis, DataState, ViewState, MAX_GROUPS};
use leptos::prelude::*;
use queuescope_core::analysis::{self, Zone};
use queuescope_core::Ms;

/// What a panel shows besides its content.
#[derive(Debug, Clone, PartialEq)]
pub enum PanelStatus {
    /// Waiting for data.
    Loading,
    /// Data, but nothing in it for this view.
    Empty(String),
    /// The data could not be loaded.
    Error(String),
    /// Content is current.
    Ready,
}

/// The status every data panel shares: loading before the first data,
/// error when a load failed with nothing to show, empty when no job is in
/// the view.
pub fn data_status(empty_text: &'static str) -> Signal<PanelStatus> {
    let data = expect_context::<DataState>();
    let a = expect_context::<Analysis>();
    Signal::derive(move || {
        let has = data.loaded.with(|l| l.is_some());
        if !has {
            return match data.error.get() {
                Some(e) => PanelStatus::Error(e.to_string()),
                None => PanelStatus::Loading,
            };
        }
        if a.selection.with(|s| s.0.is_empty()) {
            PanelStatus::Empty(empty_text.to_string())
        } else {
            PanelStatus::Ready
        }
    })
}

/// A panel: titled card with a `data-panel` hook and a status overlay.
#[component]
pub fn Panel(
    /// The `data-panel` value (SPEC §6).
    name: &'static str,
    /// Heading.
    title: &'static str,
    /// A line under the heading (what the panel shows).
    #[prop(optional, into)]
    subtitle: Option<Signal<String>>,
    /// Loading / empty / error / ready.
    #[prop(into)]
    status: Signal<PanelStatus>,
    /// Extra CSS class (layout).
    #[prop(optional)]
    class: &'static str,
    /// Buttons on the right of the heading.
    #[prop(optional, into)]
    actions: Option<ViewFn>,
    /// The content (kept mounted in every state, so charts survive).
    children: Children,
) -> impl IntoView {
    let overlay = move || match status.get() {
        PanelStatus::Loading => {
            Some(view! { <div class="qs-overlay" role="status">"Loading…"</div> }.into_any())
        }
        PanelStatus::Empty(t) => {
            Some(view! { <div class="qs-overlay qs-empty">{t}</div> }.into_any())
        }
        PanelStatus::Error(t) => {
            Some(view! { <div class="qs-overlay qs-error" role="alert">{t}</div> }.into_any())
        }
        PanelStatus::Ready => None,
    };
    view! {
        <section class=format!("qs-panel {class}") data-panel=name>
            <header class="qs-panel-head">
                <div>
                    <h2>{title}</h2>
                    {subtitle.map(|s| view! { <p class="qs-sub">{move || s.get()}</p> })}
                </div>
                <div class="qs-panel-actions">{actions.map(|a| a.run())}</div>
            </header>
            <div class="qs-panel-body">{children()} {overlay}</div>
        </section>
    }
}

/// The page header: title, queue, demo badge and the summary figures.
#[component]
pub fn Header(is_demo: bool) -> impl IntoView {
    let config = expect_context::<Config>();
    let a = expect_context::<Analysis>();
    let title = config.title().to_string();
    let summary = Memo::new(move |_| {
        let l = a.prepared.get()?;
        Some(
            a.selection
                .with(|s| analysis::summary(&l.prepared, s, a.range.get())),
        )
    });
    let figure =
        move |label: &'static str,
              value: Box<dyn Fn(&analysis::Summary) -> String + Send + Sync>| {
            view! {
                <div class="qs-figure">
                    <span class="qs-figure-value">{move || summary.with(|s| s.as_ref().map(&value).unwrap_or_else(|| "—".into()))}</span>
                    <span class="qs-figure-label">{label}</span>
                </div>
            }
        };
    let opt_dur = |v: Option<f64>| v.map(format::duration).unwrap_or_else(|| "—".into());
    view! {
        <header class="qs-header">
            <div class="qs-brand">
                <h1>{title}</h1>
                {is_demo.then(|| view! {
                    <span class="qs-badge" data-demo-badge title="No api_base is configured: the data is generated in your browser">"Demo data"</span>
                })}
            </div>
            <div class="qs-figures" data-summary>
                {figure("jobs", Box::new(|s| format::count(s.jobs)))}
                {figure("runs", Box::new(|s| format::count(s.runs)))}
                {figure("queued hours", Box::new(|s| format!("{:.1}", s.queued_hours)))}
                {figure("median wait", Box::new(move |s| opt_dur(s.median_wait_secs)))}
                {figure("p95 wait", Box::new(move |s| opt_dur(s.p95_wait_secs)))}
                {figure("failure rate", Box::new(|s| s.failure_rate.map(format::percent).unwrap_or_else(|| "—".into())))}
                {figure("idle share", Box::new(|s| format::percent(s.idle_share)))}
            </div>
        </header>
    }
}

/// Notices: load errors (with Retry), skipped records, ignored URL parameters.
#[component]
pub fn Notices() -> impl IntoView {
    let data = expect_context::<DataState>();
    let queues = expect_context::<Queues>();
    let notices = expect_context::<NoticeList>();
    let retry = move |_| data.reload.update(|n| *n += 1);
    let error = move || {
        let e = data.error.get().or_else(|| queues.error.get())?;
        let kept = data.loaded.with(|l| l.is_some());
        Some(view! {
            <div class="qs-notice qs-notice-error" role="alert" data-load-error>
                <div>
                    <strong>"Could not load the queue data. "</strong>
                    <span>{e.to_string()}</span>
                    {kept.then(|| view! { <span class="qs-muted">" The last good data stays on screen."</span> })}
                </div>
                <button class="qs-btn" on:click=retry>"Retry"</button>
            </div>
        })
    };
    let skipped = move || {
        let jobs = data
            .loaded
            .with(|l| l.as_ref().and_then(|l| l.skipped.summary("job")));
        let q = queues.skipped.with(|s| s.summary("queue"));
        let lines: Vec<String> = jobs.into_iter().chain(q).collect();
        (!lines.is_empty()).then(|| {
            let examples = data.loaded.with(|l| l.as_ref().map(|l| l.skipped.examples.clone()).unwrap_or_default());
            view! {
                <div class="qs-notice qs-notice-warn" data-skip-notice>
                    <div>
                        {lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
                        {(!examples.is_empty()).then(|| view! {
                            <details><summary>"Details"</summary>
                                <ul>{examples.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                            </details>
                        })}
                    </div>
                </div>
            }
        })
    };
    let url_notices = move || {
        let n = notices.0.get();
        (!n.is_empty()).then(|| view! {
            <div class="qs-notice qs-notice-info" data-url-notice>
                <div>{n.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}</div>
                <button class="qs-btn qs-btn-quiet" on:click=move |_| notices.0.set(Vec::new())>"Dismiss"</button>
            </div>
        })
    };
    view! { <div class="qs-notices">{error} {skipped} {url_notices}</div> }
}

/// A revision key for `uirevision`: zoom survives refreshes of the same
/// view, and resets when queue, range or zone change.
pub fn ui_revision() -> Signal<String> {
    let view = expect_context::<ViewState>();
    let queues = expect_context::<Queues>();
    Signal::derive(move || {
        let q = queues.current.get().unwrap_or_default();
        view.url.with(|v| {
            format!(
                "{q}|{:?}|{:?}|{:?}|{}",
                v.range,
                v.from,
                v.to,
                v.tz.as_str()
            )
        })
    })
}

/// Job status per bucket and state.
#[component]
pub fn JobStatusPanel() -> impl IntoView {
    let a = expect_context::<Analysis>();
    let rev = ui_revision();
    let chart = Memo::new(move |_| {
        let l = a.prepared.get()?;
        let grid = a.grid.get();
        let counts = a.selection.with(|s| {
            crate::dom::timed("qs:job-status", || {
                analysis::job_status(&l.prepared, s, &grid)
            })
        });
        let (zone, rev) = (a.zone.get(), rev.get());
        Some(crate::dom::timed("qs:chart:job-status", || {
            charts::job_status(&counts, &grid, &zone, &rev)
        }))
    });
    let subtitle = bucket_subtitle("jobs per bucket and state");
    view! {
        <Panel name="job-status" title="Job status" subtitle=subtitle status=data_status("No jobs in this range") class="qs-wide">
            <PlotlyChart chart=chart/>
        </Panel>
    }
}

/// "jobs per bucket and state · 1h buckets · UTC"
fn bucket_subtitle(what: &'static str) -> Signal<String> {
    let a = expect_context::<Analysis>();
    Signal::derive(move || {
        let w = a.grid.with(|g| g.width);
        let zone = match a.zone.get() {
            Zone::Utc => "UTC",
            Zone::Local(_) => "local time",
        };
        format!("{what} · {} buckets · {zone}", analysis::format_width(w))
    })
}

/// Queued time per bucket, stacked by group.
#[component]
pub fn QueuedTimePanel() -> impl IntoView {
    let a = expect_context::<Analysis>();
    let rev = ui_revision();
    let chart = Memo::new(move |_| {
        let l = a.prepared.get()?;
        let grid = a.grid.get();
        let series = a.selection.with(|s| {
            a.groups.with(|g| {
                crate::dom::timed("qs:queued-time", || {
                    analysis::queued_time(&l.prepared, s, g, &grid, MAX_GROUPS)
                })
            })
        });
        let (zone, rev) = (a.zone.get(), rev.get());
        Some(crate::dom::timed("qs:chart:queued-time", || {
            a.groups
                .with(|g| charts::queued_time(&series, g, &grid, &zone, &rev))
        }))
    });
    let subtitle = bucket_subtitle("seconds spent waiting (idle + queued), by group");
    view! {
        <Panel name="queued-time" title="Queued time" subtitle=subtitle status=data_status("No jobs in this range") class="qs-wide">
            <PlotlyChart chart=chart/>
        </Panel>
    }
}

/// Parses Plotly's wall-clock date string (`2026-11-21 08:30:12.5`) back
/// to UTC in the given zone.
pub fn parse_wall_clock(s: &str, zone: &Zone) -> Option<Ms> {
    Some(charts::instant_of_wall(crate::format::parse_wall(s)?, zone))
}

/// Errors in the range, newest first, following the filters.
#[component]
pub fn ErrorsPanel() -> impl IntoView {
    super::tables::errors_panel()
}
