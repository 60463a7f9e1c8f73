//! The bucket charts: Job status and Queued time (stacked bars the app
//! draws over Plotly's axes).

use super::chart::{model_chart, MarkedChart, TipKey};
use super::inspect_dialog::InspectButton;
use super::legend::{GroupLegend, StateKey};
use super::panel::{data_status, Panel};
use crate::dom::timed;
use crate::i18n::t;
use crate::plotly_glue::Pointer;
use crate::render::{self, BarChart};
use crate::state::{Analysis, Shared, ThemeState};
use leptos::prelude::*;
use queuescope_core::analysis::{self, Zone};

/// "jobs per bucket and state · 1h buckets · UTC"
fn bucket_subtitle(what: &'static str) -> Signal<String> {
    let a = expect_context::<Analysis>();
    Signal::derive(move || {
        let w = a.grid.with(|g| g.width);
        let zone = match a.zone.get() {
            Zone::Utc => "UTC",
            Zone::Local(_) => t().local_time,
        };
        (t().buckets_note)(what, &analysis::format_width(w), zone)
    })
}

/// The bars of one panel: frame, canvas, hover, and its `inspect` answer.
#[component]
fn Bars(name: &'static str, chart: Memo<Option<Shared<BarChart>>>) -> impl IntoView {
    let (place, frame, layer) = model_chart(name, chart);
    let tip = Callback::new(move |p: Pointer| {
        let (x, y) = p.view.to_axes(p.px, p.py);
        chart.with_untracked(|c| {
            let (b, s, lines) = c.as_ref()?.tip(x, y)?;
            Some((TipKey::Bar(b, s), lines))
        })
    });
    view! { <MarkedChart frame=frame place=place layer=layer tip=tip/> }
}

/// Job status per bucket and state, with the states' fixed key.
#[component]
pub fn JobStatusPanel() -> impl IntoView {
    let a = expect_context::<Analysis>();
    let theme = expect_context::<ThemeState>();
    let chart = Memo::new(move |_| {
        let counts = a.status.get()?;
        let tokens = theme.tokens.get();
        let grid = a.grid.get();
        let (zone, rev) = (a.zone.get(), a.revision.get());
        Some(Shared::new(timed("qs:chart:job-status", || {
            render::job_status(&counts, &grid, &zone, (&tokens, &rev))
        })))
    });
    // A memo: the key is redrawn only when the states or their colours
    // change, not with every new count (a filter rewrote its 9 entries).
    let states = Memo::new(move |_| {
        chart.with(|c| {
            c.as_ref().map_or_else(Vec::new, |c| {
                c.names
                    .iter()
                    .cloned()
                    .zip(c.marks.colours.iter().map(|k| k.css()))
                    .collect()
            })
        })
    });
    let subtitle = bucket_subtitle(t().jobs_per_bucket);
    view! {
        <Panel name="job-status" title=t().job_status subtitle=subtitle status=data_status(t().no_jobs) class="qs-wide"
            actions=|| view! { <InspectButton panel="job-status" title=t().job_status/> }>
            <div class="qs-chart-row">
                <Bars name="job-status" chart=chart/>
                <StateKey states=states.into()/>
            </div>
        </Panel>
    }
}

/// Queued time per bucket, stacked by group, in the shared group order,
/// with the group legend.
#[component]
pub fn QueuedTimePanel() -> impl IntoView {
    let a = expect_context::<Analysis>();
    let chart = Memo::new(move |_| {
        let series = a.queued.get()?;
        let grid = a.grid.get();
        let (zone, rev, palette) = (a.zone.get(), a.revision.get(), a.palette.get());
        Some(Shared::new(timed("qs:chart:queued-time", || {
            render::queued_time(&series, &palette, &grid, &zone, &rev)
        })))
    });
    let subtitle = bucket_subtitle(t().seconds_waiting);
    view! {
        <Panel name="queued-time" title=t().queued_time subtitle=subtitle status=data_status(t().no_jobs) class="qs-wide"
            actions=|| view! { <InspectButton panel="queued-time" title=t().queued_time/> }>
            <div class="qs-chart-row">
                <Bars name="queued-time" chart=chart/>
                <GroupLegend/>
            </div>
        </Panel>
    }
}
