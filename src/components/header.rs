//! The page header (title, demo badge, summary figures) and the notice bar
//! (load errors with Retry, skipped records, ignored URL parameters).

use super::theme_toggle::ThemeToggle;
use crate::config::Config;
use crate::format;
use crate::i18n;
use crate::i18n::t;
use crate::i18n::Records;
use crate::state::live::ReadKind;
use crate::state::{
    Analysis, Cache, DataState, LangState, Metrics, Notice, Notices, Queues, Refresh, ViewState,
};
use leptos::prelude::*;
use queuescope_core::analysis::{self, Summary};
use queuescope_core::view::Lang;

/// A summary figure's text.
type Figure = fn(&Summary) -> String;

/// The figures of the header, in order (the labels are the catalogue's `figures`, in this order).
const FIGURES: [Figure; 7] = [
    |s| format::count(s.jobs),
    |s| format::count(s.runs),
    |s| format!("{:.1}", s.queued_hours),
    |s| opt_duration(s.median_wait_secs),
    |s| opt_duration(s.p95_wait_secs),
    |s| {
        s.failure_rate
            .map(format::percent)
            .unwrap_or_else(|| "—".into())
    },
    |s| format::percent(s.idle_share),
];

fn opt_duration(v: Option<f64>) -> String {
    v.map(format::duration).unwrap_or_else(|| "—".into())
}

/// The page header: title, demo badge and the summary figures.
#[component]
pub fn Header(is_demo: bool) -> impl IntoView {
    let config = expect_context::<Config>();
    let a = expect_context::<Analysis>();
    let title = config.title().to_string();
    let summary = a.summary;
    let figures = FIGURES
        .into_iter()
        .zip(t().figures)
        .map(|(text, label)| {
            let value =
                move || summary.with(|s| s.as_ref().map(text).unwrap_or_else(|| "—".into()));
            view! {
                <div class="qs-figure">
                    <span class="qs-figure-value">{move || value()}</span>
                    <span class="qs-figure-label">{label}</span>
                </div>
            }
        })
        .collect_view();
    view! {
        <header class="qs-header">
            <div class="qs-brand">
                <h1>{title}</h1>
                {is_demo.then(|| view! {
                    <span class="qs-badge" data-demo-badge title=t().demo_data_tip>{t().demo_data}</span>
                })}
            </div>
            <div class="qs-figures" data-summary>{figures}</div>
            <div class="qs-header-side">
                <RefreshStatus/>
                <div class="qs-header-tools">
                    <LangPicker/>
                    <ThemeToggle/>
                    <ClearCache/>
                </div>
            </div>
        </header>
    }
}

/// How fresh the data is and what the refresh does next: "Updated 12s
/// ago · next in 48s" with Pause, "Refresh paused" with Resume, "retrying
/// in 20s" after failures (issue #12 item 3). Without `refresh_seconds`,
/// only the age.
#[component]
fn RefreshStatus() -> impl IntoView {
    let r = expect_context::<Refresh>();
    let data = expect_context::<DataState>();
    let queues = expect_context::<Queues>();
    let needs_user = |e: &Option<crate::api::LoadError>| {
        e.as_ref().is_some_and(crate::api::LoadError::needs_user)
    };
    let ago = move || {
        let at = r.updated_at.get()?;
        Some(((r.now.get() - at).max(0) / 1000) as u64)
    };
    let next = move || {
        r.every?;
        Some(if data.loading.get() {
            t().updating.to_string()
        } else if r.paused.get() {
            t().paused_by_user.to_string()
        } else if data.error.with(needs_user) || queues.error.with(needs_user) {
            t().paused_until_retry.to_string()
        } else if r.hidden.get() {
            t().paused_while_hidden.to_string()
        } else {
            let left = format::duration(r.seconds_left().unwrap_or(0) as f64);
            match r.failures.get() {
                0 => (t().next_in)(&left),
                _ => (t().retrying_in)(&left),
            }
        })
    };
    let toggle = move |_| r.set_paused(!r.paused.get_untracked());
    view! {
        <div class="qs-refresh" role="status" data-refresh-status
            data-paused=move || r.paused.get().then_some("")
            data-hidden=move || r.hidden.get().then_some("")
            data-due=move || (r.due() && r.held()).then_some("")
            data-failures=move || r.failures.get()
            data-updated-ago=ago>
            <span>
                {move || ago().map(|s| (t().updated_ago)(&format::duration(s as f64)))}
                {move || match (ago().is_some(), next()) {
                    (true, Some(n)) => format!(" · {n}"),
                    (false, Some(n)) => n,
                    (_, None) => String::new(),
                }}
            </span>
            {r.every.is_some().then(|| view! {
                <button class="qs-btn qs-btn-quiet" data-refresh-toggle on:click=toggle>
                    {move || if r.paused.get() { t().resume } else { t().pause }}
                </button>
            })}
        </div>
    }
}

/// The language picker: each language named in itself.
#[component]
fn LangPicker() -> impl IntoView {
    let lang = expect_context::<LangState>();
    let options = Lang::ALL
        .into_iter()
        .map(|l| {
            view! {
                <option value=l.as_str() selected=move || lang.lang.get() == l>{i18n::words(l).lang_name}</option>
            }
        })
        .collect_view();
    view! {
        <label class="qs-lang">
            <span class="qs-sr">{t().language}</span>
            <select autocomplete="off" data-lang-picker
                on:change=move |ev| {
                    if let Some(l) = Lang::parse(&event_target_value(&ev)) {
                        lang.set(l);
                    }
                }>{options}</select>
        </label>
    }
}

/// The "Clear cache" control: empties the cache of last reads (kept for an
/// instant reopen) and says what it removed.
#[component]
fn ClearCache() -> impl IntoView {
    let cache = expect_context::<Cache>();
    let notices = expect_context::<Notices>();
    let busy = RwSignal::new(false);
    let clear = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let held = cache.entries().await.unwrap_or_default();
            if cache.clear().await.is_ok() {
                let bytes = held.iter().map(|e| e.bytes).sum();
                notices.extend([match held.len() {
                    0 => Notice::CacheEmpty,
                    queues => Notice::CacheCleared { queues, bytes },
                }]);
            }
            busy.set(false);
        });
    };
    view! {
        <div class="qs-data-status">
            <CachedBadge/>
            <button class="qs-btn qs-btn-quiet" data-clear-cache
                title=t().clear_cache_tip
                prop:disabled=move || busy.get()
                on:click=clear>{t().clear_cache}</button>
        </div>
    }
}

/// While the data on screen is the cached read (issue #12): when it is
/// from and how old, and that the backend is being asked.
#[component]
fn CachedBadge() -> impl IntoView {
    let data = expect_context::<DataState>();
    let label = move || {
        let g = data.loaded.with(|l| {
            l.as_ref()
                .filter(|l| l.read == ReadKind::Cached)
                .map(|l| l.prepared.generated_at())
        })?;
        let now = crate::dom::now_ms();
        let text = format::cached_label(g, now, crate::dom::local_offset_ms(g), data.loading.get());
        Some(
            view! { <span class="qs-badge qs-badge-cached" data-cached-from=g.to_string() role="status">{text}</span> },
        )
    };
    view! { {move || label()} }
}

/// Notices: load errors (with Retry), skipped records, what the data made
/// the app fold or clip, ignored URL parameters.
#[component]
pub fn NoticeBar() -> impl IntoView {
    view! { <div class="qs-notices"><LoadProgress/> <LoadError/> <Skipped/> <DataNotes/> <Messages/></div> }
}

/// A read in flight: how far it has come (pages and jobs so far), with
/// Cancel (issue #12 item 4). Not for a refresh of the data on screen (the
/// header says "Updating…"): above every panel, the notice coming and going
/// moved the whole page down and back at every refresh, a relayout and
/// repaint of the page in the refresh's response → ready (and a jolt on a
/// wall display every `refresh_seconds`).
#[component]
fn LoadProgress() -> impl IntoView {
    let data = expect_context::<DataState>();
    let view = expect_context::<ViewState>();
    let content = move || {
        if !data.loading.get() {
            return None;
        }
        let (queue, p) = data.progress.get()?;
        let range = view.with(|v| v.range_spec());
        let refresh = data
            .loaded
            .with(|l| l.as_ref().is_some_and(|l| l.is_refreshed_by(&queue, range)));
        if refresh {
            return None;
        }
        // The pages drawn while the rest downloads (a long first read).
        let partial = data.loaded.with(|l| match l.as_ref().map(|l| l.read) {
            Some(ReadKind::Partial(pages)) => Some(pages),
            _ => None,
        });
        Some(view! {
            <div class="qs-notice qs-notice-info" role="status" data-load-progress
                data-pages=p.pages data-jobs=p.jobs data-partial-pages=partial>
                <div>
                    <strong>{(t().reading)(&queue)}</strong>
                    <span>{(t().read_so_far)(&format::count(p.pages), &format::count(p.jobs))}</span>
                    {partial.map(|_| view! { <span class="qs-partial">{t().partial_shown}</span> })}
                </div>
                <button class="qs-btn" on:click=move |_| data.cancel()>{t().cancel}</button>
            </div>
        })
    };
    view! { {move || content()} }
}

/// A failed load, with Retry.
#[component]
fn LoadError() -> impl IntoView {
    let data = expect_context::<DataState>();
    let queues = expect_context::<Queues>();
    let refresh = expect_context::<Refresh>();
    let refreshes = refresh.every.is_some();
    let content = move || {
        // The data's error first; the queue list's alone leaves the data
        // current, not kept from before.
        let (e, list) = match data.error.get() {
            Some(e) => (e, false),
            None => (queues.error.get()?, true),
        };
        let kept = !list && data.loaded.with(|l| l.is_some());
        let paused = refreshes && e.needs_user();
        // The refresh tries again by itself: say when.
        let retrying_label = refreshes && !paused && refresh.failures.get() > 0;
        let retrying = retrying_label.then_some(move || {
            let left = refresh.seconds_left().unwrap_or(0);
            (t().retrying_sentence)(&format::duration(left as f64))
        });
        Some(view! {
            <div class="qs-notice qs-notice-error" role="alert" data-load-error data-refresh-paused=paused.then_some("")>
                <div>
                    <strong>{match e {
                        crate::api::LoadError::Cancelled { .. } => t().load_cancelled,
                        _ if list => t().queues_failed,
                        _ => t().load_failed,
                    }}</strong>
                    <span>{(t().load_error)(&e)}</span>
                    {kept.then(|| view! { <span class="qs-muted">{t().kept_data}</span> })}
                    {paused.then(|| view! { <span class="qs-muted">{t().refresh_paused}</span> })}
                    {retrying.map(|t| view! { <span class="qs-muted" data-retrying>{t}</span> })}
                </div>
                <button class="qs-btn" on:click=move |_| queues.retry()>
                    {if retrying_label { t().retry_now } else { t().retry }}
                </button>
            </div>
        })
    };
    view! { {move || content()} }
}

/// Records the backend sent that broke the contract: jobs, queues, usage
/// series (SPEC §2: skipped, counted and reported).
#[component]
fn Skipped() -> impl IntoView {
    let data = expect_context::<DataState>();
    let queues = expect_context::<Queues>();
    let metrics = expect_context::<Metrics>();
    let content = move || {
        let skipped = t().skipped;
        let jobs = data
            .loaded
            .with(|l| l.as_ref().and_then(|l| skipped(Records::Jobs, &l.skipped)));
        let q = queues.skipped.with(|s| skipped(Records::Queues, s));
        let series = metrics.skipped.with(|s| skipped(Records::UsageSeries, s));
        let lines: Vec<String> = jobs.into_iter().chain(q).chain(series).collect();
        (!lines.is_empty()).then(|| {
            let mut examples = data.loaded.with(|l| {
                l.as_ref()
                    .map(|l| l.skipped.examples.clone())
                    .unwrap_or_default()
            });
            metrics
                .skipped
                .with(|s| examples.extend(s.examples.iter().cloned()));
            view! {
                <div class="qs-notice qs-notice-warn" data-skip-notice>
                    <div>
                        {lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
                        {(!examples.is_empty()).then(|| view! {
                            <details><summary>{t().details}</summary>
                                <ul class="qs-examples">{examples.iter().map(|e| view! { <li>{(t().skip_example)(e)}</li> }).collect_view()}</ul>
                            </details>
                        })}
                    </div>
                </div>
            }
        })
    };
    view! { {move || content()} }
}

/// What the loaded data made the app do that the user should know: unknown
/// states folded into one, a backend clock that disagrees with this
/// browser's (the panels clip to the range; issue #10 rows 8 and 10).
#[component]
fn DataNotes() -> impl IntoView {
    let data = expect_context::<DataState>();
    let notes = Memo::new(move |_| {
        data.loaded.with(|l| {
            let Some(l) = l else {
                return (None, None);
            };
            let fold = l.prepared.state_fold().map(|f| (t().state_fold)(&f));
            let skew = analysis::clock_skew(&l.prepared, l.now).map(|s| (t().clock_skew)(&s));
            (fold, skew)
        })
    });
    let content = move || {
        let (fold, skew) = notes.get();
        view! {
            {fold.map(|f| view! { <div class="qs-notice qs-notice-warn" data-state-fold-notice><p>{f}</p></div> })}
            {skew.map(|s| view! { <div class="qs-notice qs-notice-warn" data-clock-notice><p>{s}</p></div> })}
        }
    };
    view! { {move || content()} }
}

/// Ignored URL parameters and other one-off messages, until dismissed.
#[component]
fn Messages() -> impl IntoView {
    let notices = expect_context::<Notices>();
    let content = move || {
        let n = notices.get();
        (!n.is_empty()).then(|| view! {
            <div class="qs-notice qs-notice-info" data-url-notice>
                <div>{n.iter().map(|l| view! { <p>{(t().notice)(l)}</p> }).collect_view()}</div>
                <button class="qs-btn qs-btn-quiet" on:click=move |_| notices.dismiss()>{t().dismiss}</button>
            </div>
        })
    };
    view! { {move || content()} }
}
