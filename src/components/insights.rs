//! The Insights panel (SPEC §3.1; `data-panel="insights"`): the questions
//! the dashboard exists to answer, each a short list of sentences that
//! link to the view showing them, the hour-of-week heat map, and the
//! loader of the usage the under-used GPUs are judged on.

use super::panel::{data_status, Panel};
use crate::format;
use crate::i18n::t;
use crate::insight_items::{
    heat_cells, idle_items, idle_summary, peak_items, spike_items, spike_summary, under_used_items,
    under_used_summary, who_items, HeatCell, Item, Target,
};
use crate::state::insights::Progress;
use crate::state::{Analysis, Insights, ThemeState, ViewState};
use leptos::prelude::*;
use queuescope_core::analysis::{format_width, Zone};
use queuescope_core::view::{to_query, GroupKey, RangeSpec, View};

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

/// The items of one insight as an ordered list (hidden when empty),
/// written in place by one effect that compares each item with what its
/// link shows and writes only what differs: its text, its address and its
/// SPEC §6 data attributes. A filter changes the view and most lists: built
/// by Leptos, every item's link was rebuilt (its attributes, its address'
/// effect, its click handler: ~1.5-2 ms of a filter at 10k); an item a
/// change leaves alone is now not touched at all.
#[component]
fn ItemList(#[prop(into)] items: Signal<Option<Vec<Item>>>) -> impl IntoView {
    let i = expect_context::<Insights>();
    let view = expect_context::<ViewState>();
    let items = Memo::new(move |_| items.get().unwrap_or_default());
    let node = NodeRef::<leptos::html::Ol>::new();
    // The effect's value: what each item's link was written with.
    crate::reactive::effect_with(move |written: Option<Vec<Shown>>| {
        let written = written.unwrap_or_default();
        let Some(ol) = node.get() else {
            return written;
        };
        let now: Vec<Shown> =
            items.with(|items| view.with(|v| items.iter().map(|item| shown(item, v)).collect()));
        write_items(&ol, &written, &now);
        now
    });
    // One handler for the list: a click on an item shows its view in
    // place (a group of a custom grouping links nowhere).
    let click = move |ev: leptos::ev::MouseEvent| {
        let Some(k) = node.get_untracked().and_then(|ol| clicked_item(&ev, &ol)) else {
            return;
        };
        let Some(target) = items.with_untracked(|it| it.get(k).and_then(|i| i.target.clone()))
        else {
            return;
        };
        ev.prevent_default();
        match target {
            Target::Range { from, to } => view.set_range(RangeSpec::Absolute { from, to }),
            Target::Group(name) => view.only_group(&name),
            Target::Run(job) => i.select_run(job),
        }
    };
    view! { <ol class="qs-insight-items" node_ref=node hidden=true on:click=click></ol> }
}

/// The attributes of an item's link, `href` first (`None`: absent).
const ITEM_ATTRS: [&str; 9] = [
    "href",
    "data-insight",
    "data-start",
    "data-end",
    "data-group",
    "data-count",
    "data-seconds",
    "data-run-id",
    "data-mean",
];

/// What an item's link shows: its text and [`ITEM_ATTRS`].
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    text: String,
    attrs: [Option<String>; ITEM_ATTRS.len()],
}

/// An item's link in view `v`: the address of the view it shows (so it
/// also opens in a new tab; a group of a custom grouping has none) and
/// its data attributes.
fn shown(item: &Item, v: &View) -> Shown {
    let query = match &item.target {
        Some(Target::Range { from, to }) => Some(to_query(&v.over(*from, *to))),
        Some(Target::Group(name)) => v.only_group(name).map(|v| to_query(&v)),
        // The selection is not part of the address: the view itself.
        Some(Target::Run(_)) => Some(to_query(v)),
        None => None,
    };
    let a = &item.attrs;
    Shown {
        text: item.text.clone(),
        attrs: [
            query.map(|q| format!("?{q}")),
            Some(item.kind.to_string()),
            a.start.clone(),
            a.end.clone(),
            a.group.clone(),
            a.count.clone(),
            a.seconds.clone(),
            a.run_id.clone(),
            a.mean.clone(),
        ],
    }
}

/// Writes `now` into the list `ol`, which shows `was`: each item's link
/// (`<li><a class="qs-insight-item">`) gets what differs from what it
/// shows, new items are added at the end, items past `now` removed, and
/// the list is hidden while it has none. Texts are text, never HTML.
fn write_items(ol: &web_sys::Element, was: &[Shown], now: &[Shown]) {
    use wasm_bindgen::JsCast;
    let Some(doc) = ol.owner_document() else {
        return;
    };
    let nodes = ol.child_nodes();
    for (k, s) in now.iter().enumerate() {
        let old = was.get(k);
        let kept = old
            .and_then(|_| nodes.item(k as u32))
            .and_then(|li| li.first_child())
            .and_then(|a| a.dyn_into::<web_sys::Element>().ok());
        let (a, old) = match kept {
            Some(a) => (a, old),
            None => {
                let (Ok(li), Ok(a)) = (doc.create_element("li"), doc.create_element("a")) else {
                    return;
                };
                a.set_class_name("qs-insight-item");
                let _ = li.append_child(&a);
                let _ = ol.append_child(&li);
                (a, None)
            }
        };
        if old.is_none_or(|o| o.text != s.text) {
            a.set_text_content(Some(&s.text));
        }
        for (j, name) in ITEM_ATTRS.iter().enumerate() {
            let value = s.attrs[j].as_deref();
            if old.is_none_or(|o| o.attrs[j].as_deref() != value) {
                put_attr(&a, name, value);
            }
        }
    }
    crate::dom::keep_children(ol, now.len());
    if was.is_empty() != now.is_empty() {
        let _ = ol.toggle_attribute_with_force("hidden", now.is_empty());
    }
}

/// The index of the item a click in list `ol` landed on.
fn clicked_item(ev: &leptos::ev::MouseEvent, ol: &web_sys::Element) -> Option<usize> {
    use wasm_bindgen::JsCast;
    let el: web_sys::Element = ev.target()?.dyn_into().ok()?;
    let li = el.closest("a.qs-insight-item").ok()??.parent_element()?;
    crate::dom::child_index(ol, &li)
}

/// Sets attribute `name` of `el` to `value`, or removes it (`None`).
fn put_attr(el: &web_sys::Element, name: &str, value: Option<&str>) {
    let _ = match value {
        Some(v) => el.set_attribute(name, v),
        None => el.remove_attribute(name),
    };
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
                    <thead><tr><th scope="col"><span class="qs-sr">{t().heat_corner}</span></th>{hours}</tr></thead>
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
        put_attr(td, "data-mean", text.as_deref());
    }
    if changed(was.map(label), label(now)) {
        put_attr(td, "aria-label", label(now));
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

    fn item(text: &str, group: Option<&str>, href: Option<&str>) -> Shown {
        let mut attrs: [Option<String>; ITEM_ATTRS.len()] = Default::default();
        attrs[0] = href.map(str::to_string);
        attrs[1] = Some("who-waits".into());
        attrs[4] = group.map(str::to_string);
        Shown {
            text: text.to_string(),
            attrs,
        }
    }

    /// A new `<ol>` as `ItemList` builds it.
    fn ol() -> web_sys::Element {
        let doc = web_sys::window()
            .and_then(|w| w.document())
            .expect("a document");
        let ol = doc.create_element("ol").expect("an ol");
        ol.set_attribute("hidden", "").expect("hidden");
        ol
    }

    /// What a list shows: whether it is hidden, and each item's link's
    /// attributes, class, text and number of attributes (in any order).
    fn described(ol: &web_sys::Element) -> (bool, Vec<Vec<Option<String>>>) {
        use wasm_bindgen::JsCast;
        let nodes = ol.child_nodes();
        let items = (0..nodes.length())
            .filter_map(|k| {
                nodes
                    .item(k)?
                    .first_child()?
                    .dyn_into::<web_sys::Element>()
                    .ok()
            })
            .map(|a| {
                let mut shown: Vec<Option<String>> =
                    ITEM_ATTRS.iter().map(|n| a.get_attribute(n)).collect();
                shown.push(a.get_attribute("class"));
                shown.push(a.text_content());
                shown.push(Some(a.get_attribute_names().length().to_string()));
                shown
            })
            .collect();
        (ol.has_attribute("hidden"), items)
    }

    /// A list written from one state to the next shows what a list written
    /// once with the last state shows; an item the step leaves alone keeps
    /// its element and its text node (nothing of it is written again).
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn an_item_list_written_in_steps_keeps_what_did_not_change() {
        let a = item("alice <b>: 2 h", Some("alice"), Some("?user=alice"));
        let b = item("bob: 1 h", Some("bob"), Some("?user=bob"));
        let b2 = item("bob: 3 h", Some("bob"), None);
        let c = item("carol: 5 m", None, Some("?q=1"));
        let states: [&[Shown]; 4] = [&[], &[a.clone(), b.clone()], &[a.clone(), b2, c], &[b]];
        for from in &states {
            for to in &states {
                let stepped = ol();
                write_items(&stepped, &[], from);
                let first = stepped.first_child().and_then(|li| li.first_child());
                let text = first.as_ref().and_then(|a| a.first_child());
                write_items(&stepped, from, to);
                let once = ol();
                write_items(&once, &[], to);
                assert_eq!(described(&stepped), described(&once), "{from:?} -> {to:?}");
                if !from.is_empty() && from.first() == to.first() {
                    let now = stepped.first_child().and_then(|li| li.first_child());
                    assert!(now.is_some_and(|n| first.is_some_and(|f| f.is_same_node(Some(&n)))));
                    let now_text = stepped
                        .first_child()
                        .and_then(|li| li.first_child())
                        .and_then(|a| a.first_child());
                    assert!(
                        now_text.is_some_and(|n| text.is_some_and(|t| t.is_same_node(Some(&n))))
                    );
                }
            }
        }
        let shown = ol();
        write_items(&shown, &[], &[a]);
        assert_eq!(
            shown.outer_html(),
            "<ol><li><a class=\"qs-insight-item\" href=\"?user=alice\" data-insight=\"who-waits\" \
             data-group=\"alice\">alice &lt;b&gt;: 2 h</a></li></ol>"
        );
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
