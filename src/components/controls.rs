//! The left panel: queue, range, bucket, zone and grouping, then the
//! filters and the saved views. Every control writes the view through its
//! writer; every panel follows.

use super::filters::FilterControls;
use super::panel::ShowIf;
use super::saved_views::SavedViews;
use crate::format;
use crate::i18n::t;
use crate::state::{Analysis, Prefs, Queues, ViewState};
use leptos::prelude::*;
use queuescope_core::analysis::{self, Field};
use queuescope_core::contract::QueueInfo;
use queuescope_core::view::{GroupKey, RangeSpec, Tz, Width};

/// Range presets (SPEC §1).
const PRESETS: [&str; 5] = ["1h", "6h", "24h", "7d", "30d"];
/// Fixed bucket widths offered besides auto (the auto ladder).
const WIDTHS: [&str; 9] = ["1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1d"];
/// The bucket select's value for "auto".
const AUTO: &str = "auto";

/// The whole left panel.
#[component]
pub fn ControlPanel() -> impl IntoView {
    view! {
        <aside class="qs-controls" aria-label=t().view_controls>
            <QueuePicker/>
            <RangeControl/>
            <div class="qs-row2">
                <BucketControl/>
                <ZoneControl/>
            </div>
            <GroupingControl/>
            <FilterControls/>
            <SavedViews/>
        </aside>
    }
}

#[component]
fn QueuePicker() -> impl IntoView {
    let view = expect_context::<ViewState>();
    let queues = expect_context::<Queues>();
    let description = move || {
        let cur = queues.current.get()?;
        queues.list.with(|l| {
            let q = l.iter().find(|q| q.id == cur)?;
            let bits: Vec<String> = [q.resource.clone(), q.entity.clone(), q.description.clone()]
                .into_iter()
                .flatten()
                .collect();
            (!bits.is_empty()).then(|| bits.join(" · "))
        })
    };
    view! {
        <label class="qs-field">
            <span class="qs-label">{t().queue}</span>
            <select autocomplete="off" name="queue" on:change=move |ev| view.set_queue(event_target_value(&ev))
                prop:value=move || queues.current.get().unwrap_or_default()>
                // Keyed by the name too: a row is built once, and a queue's
                // name may come later (its id stood in) or change.
                <For each=move || options(queues) key=|q| (q.id.clone(), q.name.clone()) let:q>
                    <option value=q.id.clone() selected=move || queues.current.get().as_deref() == Some(q.id.as_str())>{q.display_name().to_string()}</option>
                </For>
            </select>
            <span class="qs-hint">{move || description()}</span>
        </label>
    }
}

/// The picker's queues: the list; while it is not known (loading, or it
/// could not be read) the queue shown, by its id, so the picker names what
/// is on screen.
fn options(queues: Queues) -> Vec<QueueInfo> {
    let list = queues.list.get();
    match queues.current.get() {
        Some(id) if list.is_empty() => vec![QueueInfo::from_id(id)],
        _ => list,
    }
}

#[component]
fn RangeControl() -> impl IntoView {
    let view = expect_context::<ViewState>();
    let active = move |p: RangeSpec| view.with(|v| v.range_spec() == p);
    let custom_open = RwSignal::new(matches!(
        view.get_untracked().range,
        Some(RangeSpec::Absolute { .. })
    ));
    let presets = PRESETS
        .into_iter()
        .filter_map(|p| Some((p, RangeSpec::parse(p)?)))
        .map(|(p, spec)| view! {
            <button class="qs-seg-btn" class:qs-active=move || active(spec) aria-pressed=move || active(spec).to_string() data-range=p
                on:click=move |_| view.set_range(spec)>{p}</button>
        })
        .collect_view();
    view! {
        <div class="qs-field">
            <span class="qs-label">{t().time_range}</span>
            <div class="qs-seg" role="group" aria-label=t().time_range>
                {presets}
                <button class="qs-seg-btn" class:qs-active=move || view.with(|v| matches!(v.range_spec(), RangeSpec::Absolute { .. })) data-range="custom"
                    on:click=move |_| custom_open.update(|o| *o = !*o)>{t().custom}</button>
            </div>
            <ShowIf when=move || custom_open.get()>
                <CustomRange/>
            </ShowIf>
        </div>
    }
}

/// From/to inputs in the view's zone, prefilled with the range shown.
#[component]
fn CustomRange() -> impl IntoView {
    let view = expect_context::<ViewState>();
    let a = expect_context::<Analysis>();
    let from_text = RwSignal::new(String::new());
    let to_text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    crate::reactive::effect(move || {
        let (r, zone) = (a.range.get(), a.zone.get());
        from_text.set(format::input_value(r.from, zone.offset_at(r.from)));
        to_text.set(format::input_value(r.to, zone.offset_at(r.to)));
    });
    let apply = move |_| {
        let zone = a.zone.get_untracked();
        let from = zone.parse_wall_clock(&from_text.get_untracked());
        let to = zone.parse_wall_clock(&to_text.get_untracked());
        match (from, to) {
            (Some(from), Some(to)) if from < to => {
                error.set(None);
                view.set_range(RangeSpec::Absolute { from, to });
            }
            (Some(_), Some(_)) => error.set(Some(t().from_before_to.into())),
            _ => error.set(Some(t().enter_both.into())),
        }
    };
    view! {
        <div class="qs-custom-range">
            <label>{t().from} <input autocomplete="off" type="datetime-local" name="from" prop:value=move || from_text.get() on:input=move |ev| from_text.set(event_target_value(&ev))/></label>
            <label>{t().to} <input autocomplete="off" type="datetime-local" name="to" prop:value=move || to_text.get() on:input=move |ev| to_text.set(event_target_value(&ev))/></label>
            <button class="qs-btn" on:click=apply>{t().apply}</button>
            {move || error.get().map(|e| view! { <p class="qs-field-error" role="alert">{e}</p> })}
        </div>
    }
}

#[component]
fn BucketControl() -> impl IntoView {
    let view = expect_context::<ViewState>();
    let a = expect_context::<Analysis>();
    let auto_label =
        move || (t().auto_width)(&analysis::format_width(analysis::auto_width(a.range.get())));
    let current = Memo::new(move |_| view.with(|v| v.bucket.map(|w| w.to_string())));
    view! {
        <label class="qs-field">
            <span class="qs-label">{t().bucket}</span>
            // `prop:value` as well as `selected`: the attribute alone does not
            // reselect an option the user picked before (its "dirtiness"),
            // so a saved view or Back left the select on the old width.
            <select autocomplete="off" name="bucket" on:change=move |ev| view.set_bucket(Width::parse(&event_target_value(&ev)))
                prop:value=move || current.get().unwrap_or_else(|| AUTO.into())>
                <option value=AUTO selected=move || current.with(Option::is_none)>{move || auto_label()}</option>
                {WIDTHS.into_iter().map(|w| view! {
                    <option value=w selected=move || current.with(|c| c.as_deref() == Some(w))>{w}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn ZoneControl() -> impl IntoView {
    let view = expect_context::<ViewState>();
    let tz = Memo::new(move |_| view.with(|v| v.tz));
    view! {
        <label class="qs-field">
            <span class="qs-label">{t().time_zone}</span>
            <select autocomplete="off" name="tz" on:change=move |ev| view.set_tz(Tz::parse(&event_target_value(&ev)).unwrap_or_default())
                prop:value=move || tz.get().as_str()>
                <option value="local" selected=move || tz.get() == Tz::Local>{t().local}</option>
                <option value="utc" selected=move || tz.get() == Tz::Utc>"UTC"</option>
            </select>
        </label>
    }
}

/// The grouping options: the fields, each label key of the data, each
/// saved custom grouping (value, label).
fn group_options(label_keys: Vec<String>, custom: Vec<String>) -> Vec<(String, String)> {
    let fields = Field::ALL.map(|f| (f.as_str().to_string(), t().field(f).to_string()));
    let labels = label_keys.into_iter().map(|k| {
        let key = GroupKey::Label(k.clone());
        (key.to_string(), (t().label_key)(&k))
    });
    let customs = custom.into_iter().map(|n| {
        let key = GroupKey::Custom(n.clone());
        (key.to_string(), (t().custom_grouping)(&n))
    });
    fields.into_iter().chain(labels).chain(customs).collect()
}

#[component]
fn GroupingControl() -> impl IntoView {
    let view = expect_context::<ViewState>();
    let a = expect_context::<Analysis>();
    let prefs = expect_context::<Prefs>();
    let options = Memo::new(move |_| {
        let keys = a.prepared.with(|p| {
            p.as_ref()
                .map(|l| l.prepared.label_keys())
                .unwrap_or_default()
        });
        let custom = prefs
            .groupings
            .with(|g| g.groupings.iter().map(|c| c.name.clone()).collect());
        group_options(keys, custom)
    });
    let current = Memo::new(move |_| view.with(|v| v.group.to_string()));
    let on_change = move |ev| {
        if let Some(g) = GroupKey::parse(&event_target_value(&ev)) {
            view.set_group(g);
        }
    };
    view! {
        <label class="qs-field">
            <span class="qs-label">{t().group_by}</span>
            <select autocomplete="off" name="group" on:change=on_change prop:value=move || current.get()>
                {move || options.get().into_iter().map(|(value, label)| {
                    let selected = current.with(|c| *c == value);
                    view! { <option value=value selected=selected>{label}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}
