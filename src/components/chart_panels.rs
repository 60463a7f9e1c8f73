//! The bucket charts: Job status and Queued time.

use super::panel::{data_status, Panel};
use crate::dom::timed;
use crate::plotly_glue::PlotlyChart;
use crate::render;
use crate::state::{Analysis, Readiness, MAX_GROUPS};
use leptos::prelude::*;
use queuescope_core::analysis::{self, Zone};

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

/// Job status per bucket and state.
#[component]
pub fn JobStatusPanel() -> impl IntoView {
    let a = expect_context::<Analysis>();
    let ready = expect_context::<Readiness>();
    let chart = Memo::new(move |_| {
        let l = a.prepared.get()?;
        let grid = a.grid.get();
        let counts = a.selection.with(|s| {
            timed("qs:job-status", || {
                analysis::job_status(&l.prepared, s, &grid)
            })
        });
        let (zone, rev) = (a.zone.get(), a.revision.get());
        Some(timed("qs:chart:job-status", || {
            render::job_status(&counts, &grid, &zone, &rev)
        }))
    });
    let subtitle = bucket_subtitle("jobs per bucket and state");
    view! {
        <Panel name="job-status" title="Job status" subtitle=subtitle status=data_status("No jobs in this range") class="qs-wide">
            <PlotlyChart chart=chart on_busy=ready.on_busy()/>
        </Panel>
    }
}

/// Queued time per bucket, stacked by group, in the shared group order.
#[component]
pub fn QueuedTimePanel() -> impl IntoView {
    let a = expect_context::<Analysis>();
    let ready = expect_context::<Readiness>();
    let chart = Memo::new(move |_| {
        let l = a.prepared.get()?;
        let grid = a.grid.get();
        let series = a.selection.with(|s| {
            a.groups.with(|g| {
                timed("qs:queued-time", || {
                    analysis::queued_time(&l.prepared, s, g, &grid, MAX_GROUPS)
                })
            })
        });
        let (zone, rev, palette) = (a.zone.get(), a.revision.get(), a.palette.get());
        Some(timed("qs:chart:queued-time", || {
            render::queued_time(&series, &palette, &grid, &zone, &rev)
        }))
    });
    let subtitle = bucket_subtitle("seconds spent waiting (idle + queued), by group");
    view! {
        <Panel name="queued-time" title="Queued time" subtitle=subtitle status=data_status("No jobs in this range") class="qs-wide">
            <PlotlyChart chart=chart on_busy=ready.on_busy()/>
        </Panel>
    }
}
