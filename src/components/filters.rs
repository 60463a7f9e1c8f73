//! The filters of the left panel: a multi-select per field of the field
//! table and for labels, each value with its number of jobs in the range,
//! and the text search.

use super::panel::ShowIf;
use crate::dom::timed;
use crate::format;
use crate::i18n::t;
use crate::state::{Analysis, Metrics, ViewState};
use leptos::prelude::*;
use queuescope_core::analysis::Field;
use std::collections::HashMap;
use std::time::Duration;

/// Text search waits this long after the last keystroke.
const SEARCH_DEBOUNCE: Duration = Duration::from_millis(300);

/// The filter section: clear button, search, one multi-select per field, labels.
#[component]
pub fn FilterControls() -> impl IntoView {
    let view = expect_context::<ViewState>();
    let a = expect_context::<Analysis>();
    let any_filter = move || view.with(|v| !v.filters.is_empty());
    let fields = Field::ALL
        .into_iter()
        .map(|field| view! { <FieldFilter field=field a=a/> })
        .collect_view();
    view! {
        <div class="qs-filters">
            <div class="qs-filters-head">
                <span class="qs-label">{t().filters}</span>
                <button class="qs-link-btn" disabled=move || !any_filter() on:click=move |_| view.clear_filters() data-clear-filters>{t().clear_filters}</button>
            </div>
            <SearchBox/>
            {fields}
            <LabelFilter a=a/>
        </div>
    }
}

/// The multi-select of one field.
#[component]
fn FieldFilter(field: Field, a: Analysis) -> impl IntoView {
    let view = expect_context::<ViewState>();
    // Memos, not derived signals: each list is redrawn only when its own
    // values or selection change, not on every change of the view (a
    // regroup, another field's filter) or of another list.
    let options = Memo::new(move |_| {
        a.facets
            .with(|f| f.as_ref().map(|f| f.field(field).to_vec()))
            .unwrap_or_default()
    });
    let selected = Memo::new(move |_| {
        view.with(|v| v.filters.values(field).iter().cloned().collect::<Vec<_>>())
    });
    let on_toggle = Callback::new(move |value: String| view.toggle_filter(field, &value));
    // A press on a value of a field with none set: the click that follows
    // narrows the view, whose runs' usage can be asked for now.
    let metrics = use_context::<Metrics>();
    let on_press = Callback::new(move |value: String| {
        if let Some(m) =
            metrics.filter(|_| view.with_untracked(|v| v.filters.values(field).is_empty()))
        {
            m.prefetch_narrowed(field, &value);
        }
    });
    view! { <MultiSelect name=field.as_str() label=t().field(field) options=options.into() selected=selected.into() on_toggle=on_toggle on_press=on_press/> }
}

/// The label multi-select: `KEY:VALUE` for every label of the jobs in range.
#[component]
fn LabelFilter(a: Analysis) -> impl IntoView {
    let view = expect_context::<ViewState>();
    let options = Memo::new(move |_| {
        a.facets.with(|f| {
            let Some(f) = f else { return Vec::new() };
            timed("qs:facets:labels", || {
                let mut out = Vec::new();
                for (key, values) in &f.labels {
                    for (value, n) in values {
                        out.push((format!("{key}:{value}"), *n));
                    }
                }
                out
            })
        })
    });
    let selected = Memo::new(move |_| {
        view.with(|v| {
            v.filters
                .labels
                .iter()
                .map(|(k, x)| format!("{k}:{x}"))
                .collect::<Vec<_>>()
        })
    });
    let on_toggle = Callback::new(move |kv: String| {
        if let Some((k, x)) = kv.split_once(':') {
            view.toggle_label(k, x);
        }
    });
    view! { <MultiSelect name="label" label=t().label options=options.into() selected=selected.into() on_toggle=on_toggle/> }
}

/// Debounced text search (case-insensitive substring of job name, job id,
/// run id and run name).
#[component]
fn SearchBox() -> impl IntoView {
    let view = expect_context::<ViewState>();
    let q = Memo::new(move |_| view.with(|v| v.filters.text.clone()));
    let text = RwSignal::new(q.get_untracked());
    // Follow the view when it changes elsewhere (Back, clear filters).
    crate::reactive::effect(move || {
        let q = q.get();
        if q != text.get_untracked() {
            text.set(q);
        }
    });
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let on_input = move |ev| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let h = set_timeout_with_handle(move || view.set_text(&value), SEARCH_DEBOUNCE).ok();
        pending.set_value(h);
    };
    view! {
        <label class="qs-field">
            <span class="qs-sr">{t().search}</span>
            <input autocomplete="off" type="search" name="q" placeholder=t().search_hint prop:value=move || text.get() on:input=on_input/>
        </label>
    }
}

/// The options a multi-select lists: the values of the data matching the
/// find box, plus every selected value (even when no job in range has it),
/// each with its count.
fn shown_options(
    mut options: Vec<(String, usize)>,
    selected: &[String],
    find: &str,
) -> Vec<(String, usize)> {
    let find = find.to_lowercase();
    for s in selected {
        if !options.iter().any(|(v, _)| v == s) {
            options.push((s.clone(), 0));
        }
    }
    options
        .into_iter()
        .filter(|(v, _)| find.is_empty() || v.to_lowercase().contains(&find))
        .collect()
}

/// `fresh` in the order `prev` shows its values, the values `prev` does not
/// have after them in `fresh`'s order (values that left are gone with
/// `fresh`).
fn in_shown_order(prev: &[(String, usize)], fresh: Vec<(String, usize)>) -> Vec<(String, usize)> {
    let place: HashMap<&str, usize> = prev
        .iter()
        .enumerate()
        .map(|(i, (v, _))| (v.as_str(), i))
        .collect();
    let at = |v: &str| place.get(v).copied().unwrap_or(usize::MAX);
    queuescope_core::sort::sort_vec(fresh, &|a, b| at(&a.0).cmp(&at(&b.0)))
}

/// A signal per value of a multi-select, made on first use and set only
/// when that value's own state changes: each row follows its own (its box's
/// `checked`, its count), so a change writes the rows it concerns. With
/// every row reading the whole list, a toggle re-ran all of them (a list of
/// 200 users: 200 effects, each re-subscribing to `selected`, which is
/// linear in its subscribers: ~2-3 ms a filter); with the count in the
/// row's key, a refresh rebuilt every row whose count moved (a live queue:
/// a third of the rows, each refresh).
#[derive(Clone, Copy)]
struct PerValue<T: Send + Sync + 'static> {
    signals: StoredValue<HashMap<String, ArcRwSignal<T>>>,
}

impl<T: Clone + PartialEq + Send + Sync + 'static> PerValue<T> {
    fn new() -> Self {
        PerValue {
            signals: StoredValue::new(HashMap::new()),
        }
    }

    /// The signal of `value`, made with `now` or set to it when it differs
    /// (a value that comes back after it left the list).
    fn signal(self, value: &str, now: T) -> ArcRwSignal<T> {
        if let Some(s) = self.signals.with_value(|m| m.get(value).cloned()) {
            if s.with_untracked(|v| *v != now) {
                s.set(now);
            }
            return s;
        }
        let s = ArcRwSignal::new(now);
        self.signals
            .update_value(|m| _ = m.insert(value.to_string(), s.clone()));
        s
    }

    /// Sets the signal of `value`, if it has one, when `now` differs.
    fn set(self, value: &str, now: T) {
        self.signals.with_value(|m| {
            if let Some(s) = m.get(value) {
                if s.with_untracked(|v| *v != now) {
                    s.set(now);
                }
            }
        });
    }
}

/// Whether each value of a multi-select is selected (see [`PerValue`]).
#[derive(Clone, Copy)]
struct CheckedFlags {
    flags: PerValue<bool>,
    selected: Signal<Vec<String>>,
}

impl CheckedFlags {
    /// The flag of `value` (made on first use, from the selection now).
    fn flag(self, value: &str) -> ArcRwSignal<bool> {
        let on = self
            .selected
            .with_untracked(|s| s.iter().any(|v| v == value));
        self.flags.signal(value, on)
    }
}

/// Follows `selected`, setting the flags of the values that came or went.
fn checked_flags(selected: Signal<Vec<String>>) -> CheckedFlags {
    let flags = CheckedFlags {
        flags: PerValue::new(),
        selected,
    };
    crate::reactive::effect_with(move |before: Option<Vec<String>>| {
        let now = selected.get();
        let before = before.unwrap_or_default();
        for v in before.iter().chain(&now) {
            flags.flags.set(v, now.contains(v));
        }
        now
    });
    flags
}

/// Each shown value's count (see [`PerValue`]), following `shown`.
fn count_signals(shown: Memo<Vec<(String, usize)>>) -> PerValue<usize> {
    let counts = PerValue::new();
    crate::reactive::effect(move || {
        shown.with(|rows| {
            for (v, n) in rows {
                counts.set(v, *n);
            }
        })
    });
    counts
}

/// A multi-select: a collapsible list of checkboxes, each value with the
/// number of jobs in the range that have it.
#[component]
fn MultiSelect(
    /// Form name (`user`, `job`, ...), also `data-filter`.
    name: &'static str,
    /// Shown label.
    label: &'static str,
    /// Values and their job counts.
    options: Signal<Vec<(String, usize)>>,
    /// Values currently selected.
    selected: Signal<Vec<String>>,
    /// Toggles one value.
    on_toggle: Callback<String>,
    /// A primary-button press on a value not selected (the click that adds
    /// it comes when the button is released).
    #[prop(optional)]
    on_press: Option<Callback<String>>,
) -> impl IntoView {
    let find = RwSignal::new(String::new());
    let summary = move || {
        selected.with(|s| match s.len() {
            0 => t().any.to_string(),
            1 => s[0].clone(),
            n => (t().n_selected)(n),
        })
    };
    // Keyed by value, each box following its own flag and each count its
    // own signal: a toggle sets one `checked`, instead of rebuilding every
    // row (a list of 100 users was 200 DOM writes), the focused box stays,
    // and a count that a refresh moved is one text written.
    // While the list is open its rows keep their places: a refresh that
    // moves the counts (most frequent first) would otherwise move rows
    // under the pointer (a click meant for one value lands on another) and
    // take the focus off the box the user is on (a moved node loses it).
    // Values that came are added after the others; closing sorts afresh.
    let open = RwSignal::new(false);
    let shown = Memo::new(move |prev: Option<&Vec<(String, usize)>>| {
        // Read on every run, the first included: closing a list re-sorts it.
        let keep_places = open.get();
        let fresh = selected.with(|sel| shown_options(options.get(), sel, &find.get()));
        match prev {
            Some(prev) if keep_places => in_shown_order(prev, fresh),
            _ => fresh,
        }
    });
    let flags = checked_flags(selected);
    let counts = count_signals(shown);
    // `autocomplete="off"`, as on every control of the app: Chromium saves
    // the state of each control that may autocomplete with every history
    // entry: each write of the address (every interaction) measured 2-7
    // ms with the dashboard's ~100 controls, 0.8-2 ms without their state.
    // The view is the URL's, never the browser's restored form state.
    let row = move |(value, n): (String, usize)| {
        let v2 = value.clone();
        let flag = flags.flag(&value);
        let count = counts.signal(&value, n);
        let count = move || format::count(count.get());
        view! {
            <li>
                <label>
                    <input autocomplete="off" type="checkbox" name=name value=value.clone() prop:checked=move || flag.get() on:change=move |_| on_toggle.run(v2.clone())/>
                    <span class="qs-multi-name">{value}</span>
                    <span class="qs-count">{move || count()}</span>
                </label>
            </li>
        }
    };
    let rows = view! { <For each=move || shown.get() key=|r| r.0.clone() children=row/> };
    view! {
        <details class="qs-multi" data-filter=name on:toggle=move |ev| open.set(event_target::<web_sys::Element>(&ev).has_attribute("open"))>
            <summary><span class="qs-multi-label">{label}</span><span class="qs-multi-value">{move || summary()}</span></summary>
            <div class="qs-multi-body">
                <ShowIf when=move || { options.with(|o| o.len() > 8) }>
                    <input autocomplete="off" type="search" class="qs-multi-find" aria-label=(t().find_in)(label) placeholder=t().find prop:value=move || find.get() on:input=move |ev| find.set(event_target_value(&ev))/>
                </ShowIf>
                <ul on:pointerdown=move |ev| press_row(on_press, &ev) on:keydown=move |ev| key_row(on_press, &ev)>{rows}</ul>
            </div>
        </details>
    }
}

/// Runs `on_press` with the value of the unchecked box whose row a
/// primary-button press of a mouse or pen landed on (a touch on a row may
/// be the start of a scroll through the list). One listener for the list,
/// not one a row.
fn press_row(on_press: Option<Callback<String>>, ev: &leptos::ev::PointerEvent) {
    if ev.button() == 0 && ev.pointer_type() != "touch" {
        run_unchecked(on_press, ev.target());
    }
}

/// As [`press_row`] for Space pressed on a box, which toggles it when the
/// key is released.
fn key_row(on_press: Option<Callback<String>>, ev: &leptos::ev::KeyboardEvent) {
    if ev.key() == " " && !ev.repeat() {
        run_unchecked(on_press, ev.target());
    }
}

/// Runs `on_press` with the value of the unchecked box of the row `target`
/// is in.
fn run_unchecked(on_press: Option<Callback<String>>, target: Option<web_sys::EventTarget>) {
    use wasm_bindgen::JsCast;
    let value = || -> Option<String> {
        let el: web_sys::Element = target?.dyn_into().ok()?;
        let input: web_sys::HtmlInputElement = el
            .closest("li")
            .ok()??
            .query_selector("input[type=checkbox]")
            .ok()??
            .dyn_into()
            .ok()?;
        (!input.checked()).then(|| input.value())
    };
    if let Some((press, value)) = on_press.zip(value()) {
        press.run(value);
    }
}

#[cfg(test)]
mod tests {
    use super::in_shown_order;

    fn rows(v: &[(&str, usize)]) -> Vec<(String, usize)> {
        v.iter().map(|&(s, n)| (s.to_string(), n)).collect()
    }

    /// An open list keeps its rows where they were, whatever the counts
    /// now say; a value that left goes, one that came is added after.
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn an_open_list_keeps_its_rows_in_place() {
        let shown = rows(&[("running", 9), ("queued", 8), ("failed", 2)]);
        let fresh = rows(&[("queued", 9), ("running", 8), ("killed", 3), ("idle", 1)]);
        assert_eq!(
            in_shown_order(&shown, fresh),
            rows(&[("running", 8), ("queued", 9), ("killed", 3), ("idle", 1)])
        );
        assert_eq!(
            in_shown_order(&[], rows(&[("b", 2), ("a", 1)])),
            rows(&[("b", 2), ("a", 1)])
        );
    }
}
