//! The left panel: queue, range, bucket, zone, grouping and filters. Every
//! control writes the URL view; every panel follows.

use super::dashboard::Queues;
use super::links::Prefs;
use crate::format;
use crate::state::{Analysis, ViewState};
use leptos::prelude::*;
use queuescope_core::analysis::{self, Field, Selection};
use queuescope_core::url::Tz;
use std::time::Duration;

/// Range presets (SPEC §1).
const PRESETS: [&str; 5] = ["1h", "6h", "24h", "7d", "30d"];
/// Fixed bucket widths offered besides auto (the auto ladder).
const WIDTHS: [&str; 9] = ["1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1d"];
/// Text search waits this long after the last keystroke.
const SEARCH_DEBOUNCE: Duration = Duration::from_millis(300);

/// The filter fields with a multi-select, in display order.
const FIELDS: [(Field, &str); 5] = [
    (Field::User, "User"),
    (Field::Job, "Launch job"),
    (Field::Project, "Project"),
    (Field::Entity, "Entity"),
    (Field::State, "State"),
];

fn toggle(list: &mut Vec<String>, value: &str) {
    if let Some(i) = list.iter().position(|x| x == value) {
        list.remove(i);
    } else {
        list.push(value.to_string());
        list.sort();
    }
}

/// The whole left panel.
#[component]
pub fn ControlPanel() -> impl IntoView {
    view! {
        <aside class="qs-controls" aria-label="View controls">
            <QueuePicker/>
            <RangeControl/>
            <div class="qs-row2">
                <BucketControl/>
                <ZoneControl/>
            </div>
            <GroupingControl/>
            <FilterControls/>
            <super::links::SavedViews/>
        </aside>
    }
}

#[component]
fn QueuePicker() -> impl IntoView {
    let view = expect_context::<ViewState>();
    let queues = expect_context::<Queues>();
    let on_change = move |ev| {
        let id = event_target_value(&ev);
        view.url.update(|v| v.queue = Some(id));
    };
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
            <span class="qs-label">"Queue"</span>
            <select name="queue" on:change=on_change prop:value=move || queues.current.get().unwrap_or_default()>
                <For each=move || queues.list.get() key=|q| q.id.clone() let:q>
                    <option value=q.id.clone() selected=move || queues.current.get().as_deref() == Some(q.id.as_str())>{q.display_name().to_string()}</option>
                </For>
            </select>
            <span class="qs-hint">{description}</span>
        </label>
    }
}

#[component]
fn RangeControl() -> impl IntoView {
    let view = expect_context::<ViewState>();
    let a = expect_context::<Analysis>();
    let active = move |p: &str| {
        view.url
            .with(|v| v.from.is_none() && v.range.as_deref().unwrap_or("7d") == p)
    };
    let custom_open = RwSignal::new(view.url.with_untracked(|v| v.from.is_some()));
    let from_text = RwSignal::new(String::new());
    let to_text = RwSignal::new(String::new());
    let custom_error = RwSignal::new(None::<String>);
    // Prefill the custom inputs with the current range, in the view's zone.
    Effect::new(move |_| {
        let r = a.range.get();
        let zone = a.zone.get();
        from_text.set(format::input_value(
            r.from,
            crate::charts::offset_at(&zone, r.from),
        ));
        to_text.set(format::input_value(
            r.to,
            crate::charts::offset_at(&zone, r.to),
        ));
    });
    let apply = move |_| {
        let zone = a.zone.get_untracked();
        let parse = |s: String| super::panels::parse_wall_clock(&s.replace('T', " "), &zone);
        match (
            parse(from_text.get_untracked()),
            parse(to_text.get_untracked()),
        ) {
            (Some(f), Some(t)) if f < t => {
                custom_error.set(None);
                view.url.update(|v| {
                    v.from = Some(f);
                    v.to = Some(t);
                    v.range = None;
                });
            }
            (Some(_), Some(_)) => custom_error.set(Some("“From” must be before “To”.".into())),
            _ => custom_error.set(Some("Enter both times.".into())),
        }
    };
    view! {
        <div class="qs-field">
            <span class="qs-label">"Time range"</span>
            <div class="qs-seg" role="group" aria-label="Time range">
                {PRESETS.into_iter().map(|p| view! {
                    <button class="qs-seg-btn" class:qs-active=move || active(p) aria-pressed=move || active(p).to_string() data-range=p
                        on:click=move |_| view.url.update(|v| { v.range = Some(p.to_string()); v.from = None; v.to = None; })>{p}</button>
                }).collect_view()}
                <button class="qs-seg-btn" class:qs-active=move || view.url.with(|v| v.from.is_some()) data-range="custom"
                    on:click=move |_| custom_open.update(|o| *o = !*o)>"Custom"</button>
            </div>
            <Show when=move || custom_open.get()>
                <div class="qs-custom-range">
                    <label>"From" <input type="datetime-local" name="from" prop:value=move || from_text.get() on:input=move |ev| from_text.set(event_target_value(&ev))/></label>
                    <label>"To" <input type="datetime-local" name="to" prop:value=move || to_text.get() on:input=move |ev| to_text.set(event_target_value(&ev))/></label>
                    <button class="qs-btn" on:click=apply>"Apply"</button>
                    {move || custom_error.get().map(|e| view! { <p class="qs-field-error" role="alert">{e}</p> })}
                </div>
            </Show>
        </div>
    }
}

#[component]
fn BucketControl() -> impl IntoView {
    let view = expect_context::<ViewState>();
    let a = expect_context::<Analysis>();
    let auto_label = move || {
        format!(
            "auto ({})",
            analysis::format_width(analysis::auto_width(a.range.get()))
        )
    };
    let on_change = move |ev| {
        let w = event_target_value(&ev);
        view.url.update(|v| v.bucket = (w != "auto").then_some(w));
    };
    view! {
        <label class="qs-field">
            <span class="qs-label">"Bucket"</span>
            // `prop:value` as well as `selected`: the attribute alone does not
            // reselect an option the user picked before (its "dirtiness"),
            // so a saved view or Back left the select on the old width.
            <select name="bucket" on:change=on_change
                prop:value=move || view.url.with(|v| v.bucket.clone().unwrap_or_else(|| "auto".into()))>
                <option value="auto" selected=move || view.url.with(|v| v.bucket.is_none())>{auto_label}</option>
                {WIDTHS.into_iter().map(|w| view! {
                    <option value=w selected=move || view.url.with(|v| v.bucket.as_deref() == Some(w))>{w}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn ZoneControl() -> impl IntoView {
    let view = expect_context::<ViewState>();
    let on_change = move |ev| {
        let tz = Tz::parse(&event_target_value(&ev)).unwrap_or_default();
        view.url.update(|v| v.tz = tz);
    };
    view! {
        <label class="qs-field">
            <span class="qs-label">"Time zone"</span>
            <select name="tz" on:change=on_change prop:value=move || view.url.with(|v| v.tz.as_str())>
                <option value="local" selected=move || view.url.with(|v| v.tz == Tz::Local)>"Local"</option>
                <option value="utc" selected=move || view.url.with(|v| v.tz == Tz::Utc)>"UTC"</option>
            </select>
        </label>
    }
}

#[component]
fn GroupingControl() -> impl IntoView {
    let view = expect_context::<ViewState>();
    let a = expect_context::<Analysis>();
    let prefs = expect_context::<Prefs>();
    let label_keys = Memo::new(move |_| {
        a.prepared.with(|p| {
            p.as_ref()
                .map(|l| l.prepared.label_keys())
                .unwrap_or_default()
        })
    });
    let current = move || {
        view.url
            .with(|v| v.group.clone().unwrap_or_else(|| "user".into()))
    };
    let options = move || {
        let mut o: Vec<(String, String)> = ["user", "job", "project", "entity", "state"]
            .iter()
            .map(|k| {
                (
                    k.to_string(),
                    match *k {
                        "job" => "launch job".to_string(),
                        k => k.to_string(),
                    },
                )
            })
            .collect();
        o.extend(
            label_keys
                .get()
                .into_iter()
                .map(|k| (format!("label:{k}"), format!("label: {k}"))),
        );
        o.extend(
            prefs
                .groupings
                .get()
                .groupings
                .into_iter()
                .map(|c| (format!("custom:{}", c.name), format!("custom: {}", c.name))),
        );
        o
    };
    let on_change = move |ev| {
        let g = event_target_value(&ev);
        view.url.update(|v| v.group = (g != "user").then_some(g));
    };
    view! {
        <label class="qs-field">
            <span class="qs-label">"Group by"</span>
            <select name="group" on:change=on_change prop:value=current>
                {move || options().into_iter().map(|(value, label)| {
                    let selected = current() == value;
                    view! { <option value=value selected=selected>{label}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// Jobs in the range with no filter: the population the filter counts are taken from.
fn in_range(
    a: Analysis,
) -> Memo<
    Option<(
        crate::state::Shared<crate::state::Loaded>,
        crate::state::Shared<Selection>,
    )>,
> {
    Memo::new(move |_| {
        let l = a.prepared.get()?;
        let sel = analysis::select(&l.prepared, &analysis::Filters::default(), a.range.get());
        Some((l, crate::state::Shared::new(sel)))
    })
}

#[component]
fn FilterControls() -> impl IntoView {
    let view = expect_context::<ViewState>();
    let a = expect_context::<Analysis>();
    let population = in_range(a);
    let any_filter = move || {
        view.url.with(|v| {
            !(v.user.is_empty()
                && v.job.is_empty()
                && v.project.is_empty()
                && v.entity.is_empty()
                && v.state.is_empty()
                && v.label.is_empty()
                && v.q.is_none())
        })
    };
    let clear = move |_| {
        view.url.update(|v| {
            v.user.clear();
            v.job.clear();
            v.project.clear();
            v.entity.clear();
            v.state.clear();
            v.label.clear();
            v.q = None;
        })
    };
    // Memos, not derived signals: each list is computed once per range
    // and redrawn only when its own values or selection change, not on
    // every change of the view (a regroup, another field's filter).
    let label_options = Memo::new(move |_| {
        population.with(|p| {
            let Some((l, sel)) = p else { return Vec::new() };
            let mut out = Vec::new();
            for key in l.prepared.label_keys() {
                for (value, n) in l.prepared.label_values(&key, sel) {
                    out.push((format!("{key}:{value}"), n));
                }
            }
            out
        })
    });
    let label_selected = Memo::new(move |_| {
        view.url.with(|v| {
            v.label
                .iter()
                .map(|(k, x)| format!("{k}:{x}"))
                .collect::<Vec<_>>()
        })
    });
    let label_toggle = Callback::new(move |kv: String| {
        if let Some((k, x)) = kv.split_once(':') {
            let pair = (k.to_string(), x.to_string());
            view.url.update(|v| {
                if let Some(i) = v.label.iter().position(|p| *p == pair) {
                    v.label.remove(i);
                } else {
                    v.label.push(pair);
                    v.label.sort();
                }
            });
        }
    });
    view! {
        <div class="qs-filters">
            <div class="qs-filters-head">
                <span class="qs-label">"Filters"</span>
                <button class="qs-link-btn" disabled=move || !any_filter() on:click=clear data-clear-filters>"Clear filters"</button>
            </div>
            <SearchBox/>
            {FIELDS.into_iter().map(|(field, label)| {
                let options = Memo::new(move |_| population.with(|p| p.as_ref().map(|(l, sel)| crate::dom::timed("qs:facets", || l.prepared.facet_values(field, sel))).unwrap_or_default()));
                let selected = Memo::new(move |_| view.url.with(|v| v.filter(field.as_str()).to_vec()));
                let on_toggle = Callback::new(move |value: String| view.url.update(|v| {
                    if let Some(list) = v.filter_mut(field.as_str()) {
                        toggle(list, &value);
                    }
                }));
                view! { <MultiSelect name=field.as_str() label=label options=options.into() selected=selected.into() on_toggle=on_toggle/> }
            }).collect_view()}
            <MultiSelect name="label" label="Label" options=label_options.into() selected=label_selected.into() on_toggle=label_toggle/>
        </div>
    }
}

/// Debounced text search (case-insensitive substring of job name, job id,
/// run id and run name).
#[component]
fn SearchBox() -> impl IntoView {
    let view = expect_context::<ViewState>();
    let text = RwSignal::new(view.url.with_untracked(|v| v.q.clone().unwrap_or_default()));
    // Follow the view when it changes elsewhere (Back, clear filters).
    Effect::new(move |_| {
        let q = view.url.with(|v| v.q.clone().unwrap_or_default());
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
        let h = set_timeout_with_handle(
            move || {
                let q = value.trim().to_string();
                view.url.update(|v| v.q = (!q.is_empty()).then_some(q));
            },
            SEARCH_DEBOUNCE,
        )
        .ok();
        pending.set_value(h);
    };
    view! {
        <label class="qs-field">
            <span class="qs-sr">"Search"</span>
            <input type="search" name="q" placeholder="Search job, job id, run…" prop:value=move || text.get() on:input=on_input/>
        </label>
    }
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
) -> impl IntoView {
    let find = RwSignal::new(String::new());
    let summary = move || {
        let s = selected.get();
        match s.len() {
            0 => "any".to_string(),
            1 => s[0].clone(),
            n => format!("{n} selected"),
        }
    };
    let shown = move || {
        let f = find.get().to_lowercase();
        let sel = selected.get();
        let mut opts = options.get();
        // Selected values stay visible even when no job in range has them.
        for s in &sel {
            if !opts.iter().any(|(v, _)| v == s) {
                opts.push((s.clone(), 0));
            }
        }
        opts.into_iter()
            .filter(|(v, _)| f.is_empty() || v.to_lowercase().contains(&f))
            .map(|(v, n)| {
                let checked = sel.contains(&v);
                (v, n, checked)
            })
            .collect::<Vec<_>>()
    };
    view! {
        <details class="qs-multi" data-filter=name>
            <summary><span class="qs-multi-label">{label}</span><span class="qs-multi-value">{summary}</span></summary>
            <div class="qs-multi-body">
                <Show when=move || { options.with(|o| o.len() > 8) }>
                    <input type="search" class="qs-multi-find" placeholder="Find…" prop:value=move || find.get() on:input=move |ev| find.set(event_target_value(&ev))/>
                </Show>
                <ul>
                    {move || shown().into_iter().map(|(value, n, checked)| {
                        let v2 = value.clone();
                        view! {
                            <li>
                                <label>
                                    <input type="checkbox" name=name value=value.clone() prop:checked=checked on:change=move |_| on_toggle.run(v2.clone())/>
                                    <span class="qs-multi-name">{value}</span>
                                    <span class="qs-count">{format::count(n)}</span>
                                </label>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        </details>
    }
}
