//! The Insights panel (SPEC §3.1; `data-panel="insights"`): the questions
//! the dashboard exists to answer, each a short list of sentences that
//! link to the view showing them, the hour-of-week heat map, and the
//! loader of the usage the under-used GPUs are judged on.

use super::panel::{data_status, Panel};
use crate::format;
use crate::i18n::t;
use crate::insight_items::{
    heat_cells, idle_items, idle_summary, peak_items, spike_items, spike_summary, under_used_items,
    under_used_summary, who_items, Attrs, HeatCell, Item, Target,
};
use crate::state::insights::Progress;
use crate::state::{Analysis, Insights, ThemeState, ViewState};
use leptos::prelude::*;
use queuescope_core::analysis::{format_width, Zone};
use queuescope_core::view::{to_query, GroupKey, RangeSpec};

/// The panel.
#[component]
pub fn InsightsPanel() -> impl IntoView {
    let i = expect_context::<Insights>();
    let a = expect_context::<Analysis>();
    let view = expect_context::<ViewState>();
    let zone = move || a.zone.get();
    let idle = move || i.idle.with(|w| w.as_ref().map(|w| idle_items(w, &zone())));
    let idle_sum = move || i.idle.with(|w| w.as_ref().map(idle_summary));
    let filterable = move || view.with(|v| !matches!(v.group, GroupKey::Custom(_)));
    let who = move || {
        i.who
            .with(|w| w.as_ref().map(|w| who_items(w, filterable())))
    };
    let who_sum = move || {
        let by = view.with(|v| match &v.group {
            GroupKey::Field(f) => t().field(*f).to_lowercase(),
            GroupKey::Label(key) => format!("label {key}"),
            GroupKey::Custom(name) => name.clone(),
        });
        i.who.with(|w| {
            w.as_ref().map(|w| match w.is_empty() {
                true => t().no_wait.to_string(),
                false => (t().waiting_by)(&by),
            })
        })
    };
    let spikes = move || {
        i.spikes
            .with(|s| s.as_ref().map(|s| spike_items(s, &zone())))
    };
    let bucket = move || format_width(a.grid.with(|g| g.width));
    let spike_sum = move || {
        i.spikes
            .with(|s| s.as_ref().map(|s| spike_summary(s, &bucket())))
    };
    let gpus = move || i.under_used.with(|u| u.as_ref().map(under_used_items));
    let gpu_sum = move || i.under_used.with(|u| u.as_ref().map(under_used_summary));
    let subtitle = Signal::derive(move || {
        let tz = match zone() {
            Zone::Utc => "UTC",
            Zone::Local(_) => t().local_time,
        };
        (t().insights_note)(tz)
    });
    view! {
        <Panel name="insights" title=t().insights subtitle=subtitle status=data_status(t().no_jobs) class="qs-wide">
            <div class="qs-insights">
                <InsightList name="idle" title=t().idle_windows summary=idle_sum items=idle/>
                <InsightList name="who" title=t().who_waits summary=who_sum items=who/>
                <InsightList name="spikes" title=t().failure_spikes summary=spike_sum items=spikes/>
                <InsightList name="gpus" title=t().under_used_gpus summary=gpu_sum items=gpus>
                    <UsageLoader/>
                </InsightList>
                <HourMap/>
            </div>
        </Panel>
    }
}

/// One insight: a heading, a line that sums it up (or says there is
/// nothing), and its items.
#[component]
fn InsightList(
    /// `data-insight-list`.
    name: &'static str,
    /// Heading.
    title: &'static str,
    /// The line under the heading.
    #[prop(into)]
    summary: Signal<Option<String>>,
    /// The items (`None` before the first load).
    #[prop(into)]
    items: Signal<Option<Vec<Item>>>,
    /// More under the items.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <section class="qs-insight" data-insight-list=name>
            <h3>{title}</h3>
            <p class="qs-insight-sum">{move || summary.get()}</p>
            <ItemList items=items/>
            {children.map(|c| c())}
        </section>
    }
}

/// The items of one insight as an ordered list (nothing when empty).
/// Rebuilt only when the items differ: a refresh recomputes every insight,
/// and most lists come back equal (rebuilt, each item's attributes were
/// written again: ~100 DOM writes a refresh on screen).
#[component]
fn ItemList(#[prop(into)] items: Signal<Option<Vec<Item>>>) -> impl IntoView {
    let i = expect_context::<Insights>();
    let view = expect_context::<ViewState>();
    let items = Memo::new(move |_| items.get().unwrap_or_default());
    let content = move || {
        let items = items.get();
        (!items.is_empty()).then(|| {
            let rows = items
                .into_iter()
                .map(|item| view! { <li>{item_link(item, view, i)}</li> })
                .collect_view();
            view! { <ol class="qs-insight-items">{rows}</ol> }
        })
    };
    view! { {move || content()} }
}

/// An item: a link to the view it shows (the address of that view, so it
/// also opens in a new tab), carrying its SPEC §6 data attributes. A click
/// shows the view in place. A group of a custom grouping links nowhere.
fn item_link(item: Item, view: ViewState, i: Insights) -> impl IntoView {
    let Item {
        kind,
        text,
        attrs,
        target,
    } = item;
    let Attrs {
        start,
        end,
        group,
        count,
        seconds,
        run_id,
        mean,
    } = attrs;
    let href = {
        let target = target.clone();
        move || {
            let query = view.with(|v| match &target {
                Some(Target::Range { from, to }) => Some(to_query(&v.over(*from, *to))),
                Some(Target::Group(name)) => v.only_group(name).map(|v| to_query(&v)),
                // The selection is not part of the address: the view itself.
                Some(Target::Run(_)) => Some(to_query(v)),
                None => None,
            })?;
            Some(format!("?{query}"))
        }
    };
    let click = move |ev: leptos::ev::MouseEvent| {
        let Some(target) = &target else { return };
        ev.prevent_default();
        match target {
            Target::Range { from, to } => view.set_range(RangeSpec::Absolute {
                from: *from,
                to: *to,
            }),
            Target::Group(name) => view.only_group(name),
            Target::Run(job) => i.select_run(*job),
        }
    };
    view! {
        <a class="qs-insight-item" href=href on:click=click data-insight=kind data-start=start
            data-end=end data-group=group data-count=count data-seconds=seconds data-run-id=run_id
            data-mean=mean>{text}</a>
    }
}

/// Loads the usage of the view's other runs, with progress and cancel.
#[component]
fn UsageLoader() -> impl IntoView {
    let i = expect_context::<Insights>();
    let b = i.batches;
    let rest = move || {
        i.under_used
            .with(|u| u.as_ref().map_or(0, |u| u.in_view.saturating_sub(u.loaded)))
    };
    let running = move || b.progress.with(|p| p.is_some_and(|p| p.running));
    let load = move || {
        (rest() > 0 && !running()).then(|| {
            let label = (t().load_rest)(rest());
            view! { <button class="qs-btn" data-usage-load-rest on:click=move |_| b.load_rest()>{label}</button> }
        })
    };
    let error = move || {
        b.error
            .get()
            .map(|e| view! { <p class="qs-insight-error" role="alert">{t().usage_failed}{(t().load_error)(&e)}</p> })
    };
    view! {
        <div class="qs-usage-loader">
            {move || b.progress.get().map(|p| progress_view(p, b))}
            {move || load()}
            {move || error()}
        </div>
    }
}

/// The progress of a batch load: a bar, "120 of 2,412 runs", Cancel.
fn progress_view(p: Progress, b: crate::state::insights::UsageBatches) -> impl IntoView {
    let state = if p.running {
        "running"
    } else if p.cancelled {
        "cancelled"
    } else {
        "done"
    };
    let text = (t().usage_progress)(state, &format::count(p.done), &format::count(p.total));
    view! {
        <div class="qs-usage-progress" data-usage-progress=state data-done=p.done data-total=p.total>
            <progress max=p.total.max(1) value=p.done></progress>
            <span role="status">{text}</span>
            {p.running.then(|| view! {
                <button class="qs-btn qs-btn-quiet" data-usage-cancel on:click=move |_| b.cancel()>{t().cancel}</button>
            })}
        </div>
    }
}

/// Waiting by hour of week: the weekday × hour heat map (hover or focus a
/// cell for its exact mean) and the peak hours.
#[component]
fn HourMap() -> impl IntoView {
    let i = expect_context::<Insights>();
    let hovered = RwSignal::new(None::<usize>);
    let theme = expect_context::<ThemeState>();
    let cells = Memo::new(move |_| {
        let ends = theme.tokens.with(|t| t.heat);
        i.hours.with(|h| h.as_ref().map(|h| heat_cells(h, ends)))
    });
    // The 168 cells are made once and updated in place (a filter changes
    // every cell's fill and label, never the table's shape).
    let shown = Memo::new(move |_| cells.with(Option::is_some));
    let peaks = move || i.hours.with(|h| h.as_ref().map(peak_items));
    let summary = move || {
        let any = i
            .hours
            .with(|h| h.as_ref().map(|h| h.cells.iter().any(|c| c.waiting > 0)))?;
        Some(match any {
            true => t().hour_map_note.to_string(),
            false => t().no_wait.to_string(),
        })
    };
    let readout = move || {
        hovered
            .get()
            .and_then(|k| cells.with(|c| c.as_ref()?.0.get(k).map(|c| c.label.clone())))
            .unwrap_or_else(|| t().point_at_hour.into())
    };
    let max = move || cells.with(|c| c.as_ref().map_or(0.0, |c| c.1));
    let hours = (0..24)
        .map(|h| view! { <th scope="col">{format!("{h:02}")}</th> })
        .collect_view();
    view! {
        <section class="qs-insight qs-insight-hours" data-insight-list="hours">
            <h3>{t().waiting_by_hour}</h3>
            <p class="qs-insight-sum">{move || summary()}</p>
            <div class="qs-heat-wrap">
                <table class="qs-heatmap" aria-label=t().heat_map_name>
                    <thead><tr><th></th>{hours}</tr></thead>
                    <tbody>{move || shown.get().then(|| heat_rows(cells, hovered))}</tbody>
                </table>
            </div>
            <div class="qs-heat-foot">
                <p class="qs-heat-readout" aria-live="polite" data-heat-readout>{move || readout()}</p>
                <span class="qs-heat-scale">
                    <span class="qs-heat-swatch qs-heat-empty"></span>{t().heat_scale_outside}
                    <span class="qs-heat-ramp"></span>{move || format!(" {}", crate::insight_items::mean_text(max()))}
                </span>
            </div>
            <h4>{t().peak_hours}</h4>
            <ItemList items=Signal::derive(peaks)/>
        </section>
    }
}

/// The heat map's cells and their highest mean (`None` before the first load).
type Cells = Memo<Option<(Vec<HeatCell>, f64)>>;

/// The rows of the heat map: one a weekday, Monday first.
fn heat_rows(cells: Cells, hovered: RwSignal<Option<usize>>) -> impl IntoView {
    format::weekdays()
        .iter()
        .enumerate()
        .map(|(d, name)| {
            let row = (d * 24..d * 24 + 24)
                .map(|k| heat_cell(k, cells, hovered))
                .collect_view();
            view! { <tr><th scope="row">{*name}</th>{row}</tr> }
        })
        .collect_view()
}

/// One hour of the week (`k`: Monday 00:00 = 0): filled on the scale, or
/// empty when the range never reaches it; its label is the readout, the
/// accessible name and the tooltip. One effect per cell writes what
/// differs from what it shows (its class, fill, `data-mean`, `aria-label`):
/// a filter changes most of the 168 cells, and with an attribute closure
/// each (and a memo per cell) the reactive graph walked ~840 nodes a
/// filter instead of 168 (branch brush4). The tooltip (`title`) is set
/// when the pointer enters: a new `title` on 168 cells costs the page's
/// next style and layout 15-25 ms (measured in Chromium; `aria-label` and
/// `data-*` cost nothing), on every filter.
fn heat_cell(k: usize, cells: Cells, hovered: RwSignal<Option<usize>>) -> impl IntoView {
    let show = move || hovered.set(Some(k));
    let hide = move || hovered.set(None);
    let node = NodeRef::<leptos::html::Td>::new();
    let now = move || cells.with(|c| c.as_ref().and_then(|c| c.0.get(k)).cloned());
    // The effect's value: what the cell was written with (`None`: not yet).
    crate::reactive::effect_with(move |written: Option<Option<Option<HeatCell>>>| {
        let written = written.flatten();
        let cell = now();
        let Some(td) = node.get() else {
            return written;
        };
        write_heat_cell(&td, written.as_ref().map(Option::as_ref), cell.as_ref());
        Some(cell)
    });
    let enter = move |ev: leptos::ev::MouseEvent| {
        use wasm_bindgen::JsCast;
        let td = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        if let (Some(td), Some(c)) = (
            td,
            cells.with_untracked(|c| c.as_ref().and_then(|c| c.0.get(k).map(|c| c.label.clone()))),
        ) {
            let _ = td.set_attribute("title", &c);
        }
        show();
    };
    view! {
        <td node_ref=node class="qs-heat-cell qs-heat-empty" data-weekday=k / 24 data-hour=k % 24
            tabindex="0" on:mouseenter=enter on:focus=move |_| show()
            on:mouseleave=move |_| hide() on:blur=move |_| hide()></td>
    }
}

/// Writes into a heat map cell what `now` shows and `was` (what it was
/// written with; `None`: nothing yet) does not: the empty class, the fill,
/// `data-mean` and `aria-label` (each removed when `now` has none).
fn write_heat_cell(
    td: &web_sys::HtmlElement,
    was: Option<Option<&HeatCell>>,
    now: Option<&HeatCell>,
) {
    fn put(td: &web_sys::HtmlElement, name: &str, value: Option<&str>) {
        let _ = match value {
            Some(v) => td.set_attribute(name, v),
            None => td.remove_attribute(name),
        };
    }
    // Whether a part of the cell changed (`was`: `None` when nothing was
    // written yet), compared as it is held: a filter rewrites most cells,
    // and formatting each cell's mean twice to compare it was most of
    // their effects' time.
    fn changed<T: PartialEq>(was: Option<T>, now: T) -> bool {
        was.is_none_or(|was| was != now)
    }
    fn empty(c: Option<&HeatCell>) -> bool {
        c.is_none_or(|c| c.mean.is_none())
    }
    fn colour(c: Option<&HeatCell>) -> Option<&str> {
        c.and_then(|c| c.colour.as_deref())
    }
    // By its bits: the text written is the number's, so equal bits, equal text.
    fn mean(c: Option<&HeatCell>) -> Option<u64> {
        c.and_then(|c| c.mean).map(f64::to_bits)
    }
    fn label(c: Option<&HeatCell>) -> Option<&str> {
        c.map(|c| c.label.as_str())
    }
    if changed(was.map(empty), empty(now)) {
        let _ = td
            .class_list()
            .toggle_with_force("qs-heat-empty", empty(now));
    }
    if changed(was.map(colour), colour(now)) {
        let style = td.style();
        let _ = match colour(now) {
            Some(c) => style.set_property("background-color", c),
            None => style.remove_property("background-color").map(|_| ()),
        };
    }
    if changed(was.map(mean), mean(now)) {
        let text = now.and_then(|c| c.mean).map(|m| m.to_string());
        put(td, "data-mean", text.as_deref());
    }
    if changed(was.map(label), label(now)) {
        put(td, "aria-label", label(now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen::JsCast;

    fn cell(mean: Option<f64>, colour: Option<&str>, label: &str) -> HeatCell {
        HeatCell {
            weekday: 2,
            hour: 5,
            mean,
            colour: colour.map(str::to_string),
            label: label.to_string(),
        }
    }

    /// A new `<td>` as `heat_cell` builds it.
    fn td() -> web_sys::HtmlElement {
        let doc = web_sys::window()
            .and_then(|w| w.document())
            .expect("a document");
        let td = doc.create_element("td").expect("a td");
        td.set_class_name("qs-heat-cell qs-heat-empty");
        td.dyn_into().expect("an HtmlElement")
    }

    /// Everything a cell shows: class, style, `data-mean`, `aria-label`.
    fn shown(td: &web_sys::HtmlElement) -> Vec<Option<String>> {
        ["class", "style", "data-mean", "aria-label"]
            .iter()
            .map(|a| td.get_attribute(a).filter(|v| !v.is_empty()))
            .collect()
    }

    /// A cell written from one state to the next shows what a cell
    /// written once with the last state shows, through filled, empty and
    /// no-data states in every order.
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn a_heat_cell_written_in_steps_shows_its_last_state() {
        let states = [
            None,
            Some(cell(Some(1.5), Some("rgb(1, 2, 3)"), "Wed 05:00 · 1.5")),
            Some(cell(Some(2.0), Some("rgb(4, 5, 6)"), "Wed 05:00 · 2")),
            Some(cell(None, None, "Wed 05:00 · outside the range")),
        ];
        for a in &states {
            for b in &states {
                let stepped = td();
                write_heat_cell(&stepped, None, a.as_ref());
                write_heat_cell(&stepped, Some(a.as_ref()), b.as_ref());
                let once = td();
                write_heat_cell(&once, None, b.as_ref());
                assert_eq!(shown(&stepped), shown(&once), "{a:?} -> {b:?}");
            }
        }
        let filled = td();
        write_heat_cell(&filled, None, states[1].as_ref());
        assert_eq!(
            shown(&filled),
            [
                Some("qs-heat-cell".to_string()),
                Some("background-color: rgb(1, 2, 3);".to_string()),
                Some("1.5".to_string()),
                Some("Wed 05:00 · 1.5".to_string()),
            ]
        );
    }
}
