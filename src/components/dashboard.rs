//! The dashboard: owns the contexts, the loads, the URL sync and
//! `data-app-state`.

use super::controls::ControlPanel;
use super::links::{ExternalLinks, Prefs};
use super::panels::{ErrorsPanel, Header, JobStatusPanel, Notices, QueuedTimePanel};
use super::runs::JobRunsPanel;
use super::tables::SelectionPanel;
use super::usage::UsagePanels;
use crate::api::{LoadError, Source};
use crate::config::Config;
use crate::dom;
use crate::state::{Analysis, DataState, Loaded, Renders, Shared, ViewState};
use leptos::prelude::*;
use queuescope_core::analysis::Prepared;
use queuescope_core::contract::QueueInfo;
use queuescope_core::url::{is_navigation, parse_query, to_query};
use queuescope_core::SkipReport;
use std::time::Duration;

/// The source of data, shared by the components that load.
#[derive(Clone, Copy)]
pub struct SourceCtx(pub StoredValue<Source, LocalStorage>);

/// The queues of the backend and the one shown.
#[derive(Clone, Copy)]
pub struct Queues {
    /// Every queue, as loaded.
    pub list: Memo<Vec<QueueInfo>>,
    /// The queue shown (URL `queue`, else the first).
    pub current: Memo<Option<String>>,
    /// Queues skipped as malformed.
    pub skipped: RwSignal<SkipReport>,
    /// The queue list could not be loaded.
    pub error: RwSignal<Option<LoadError>>,
}

/// Notices about the URL (ignored parameters) and other one-off messages.
#[derive(Clone, Copy)]
pub struct NoticeList(pub RwSignal<Vec<String>>);

/// What a load is for: the queue and the range parameters.
type LoadKey = (Option<String>, (Option<String>, Option<i64>, Option<i64>));

/// The whole Monitor page.
#[component]
pub fn Dashboard(config: Config, source: Source) -> impl IntoView {
    let (initial, url_notices) = parse_query(&dom::location_search());
    let view = ViewState {
        url: RwSignal::new(initial),
        brush: RwSignal::new(None),
    };
    let data = DataState {
        loaded: RwSignal::new(None),
        loading: RwSignal::new(false),
        error: RwSignal::new(None),
        reload: RwSignal::new(0),
    };
    let renders = Renders::new();
    let notices = NoticeList(RwSignal::new(url_notices));
    let prefs = Prefs::load(notices);
    let source = SourceCtx(StoredValue::new_local(source));
    let is_demo = config.is_demo();
    let refresh = config.refresh_seconds;
    provide_context(view);
    provide_context(data);
    provide_context(renders);
    provide_context(notices);
    provide_context(prefs);
    provide_context(source);
    provide_context(config);

    // Queues: loaded once; Retry reloads them too.
    let queue_res = LocalResource::new(move || {
        data.reload.track();
        let s = source.0.get_value();
        async move { s.queues().await }
    });
    let queues_skipped = RwSignal::new(SkipReport::default());
    let queues_error = RwSignal::new(None);
    let queue_list = Memo::new(move |_| match queue_res.get() {
        Some(Ok((list, _))) => list,
        _ => Vec::new(),
    });
    Effect::new(move |_| match queue_res.get() {
        Some(Ok((_, skipped))) => {
            queues_skipped.set(skipped);
            queues_error.set(None);
        }
        Some(Err(e)) => queues_error.set(Some(e)),
        None => {}
    });
    let current = Memo::new(move |_| {
        let wanted = view.url.with(|v| v.queue.clone());
        queue_list.with(|list| match wanted {
            Some(q) if list.iter().any(|x| x.id == q) => Some(q),
            Some(q) if list.is_empty() => Some(q),
            _ => list.first().map(|q| q.id.clone()),
        })
    });
    let queues = Queues {
        list: queue_list,
        current,
        skipped: queues_skipped,
        error: queues_error,
    };
    provide_context(queues);
    // An unknown queue in the URL: say so (once the list is known).
    Effect::new(move |_| {
        let wanted = view.url.with(|v| v.queue.clone());
        let list = queue_list.get();
        if let Some(q) = wanted {
            if !list.is_empty() && !list.iter().any(|x| x.id == q) {
                notices.0.update(|n| {
                    n.push(format!(
                        "ignored queue={q}: no such queue; showing the first one"
                    ))
                });
            }
        }
    });

    // Jobs: one load per (queue, range, reload); a newer load aborts an older one.
    let request = Memo::new(move |_| {
        (
            current.get(),
            view.url.with(|v| (v.range.clone(), v.from, v.to)),
            data.reload.get(),
        )
    });
    let generation = StoredValue::new(0u64);
    let abort = StoredValue::new_local(None::<web_sys::AbortController>);
    Effect::new(move |prev: Option<LoadKey>| {
        let (queue, range, _) = request.get();
        let key = (queue.clone(), range);
        // A new queue or range drops the brush; a refresh keeps it.
        if prev.as_ref().is_some_and(|p| *p != key) {
            view.brush.set(None);
        }
        let Some(queue) = queue else { return key };
        if let Some(c) = abort.get_value() {
            c.abort();
        }
        let ctrl = web_sys::AbortController::new().ok();
        abort.set_value(ctrl.clone());
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let now = dom::now_ms();
        let (from, to) = view.url.with_untracked(|v| v.time_range(now));
        data.loading.set(true);
        let s = source.0.get_value();
        leptos::task::spawn_local(async move {
            dom::mark("qs-fetch-start");
            let signal = ctrl.as_ref().map(|c| c.signal());
            let res = s.jobs(&queue, from, to.max(from), signal.as_ref()).await;
            if generation.get_value() != mine {
                return; // superseded
            }
            match res {
                Ok(dataset) => {
                    dom::mark("qs-data");
                    // The jobs move into Prepared: cloning 100k jobs costs
                    // about as much as deriving everything from them.
                    let skipped = dataset.skipped.clone();
                    let prepared = Prepared::from_dataset(dataset);
                    dom::mark("qs-prepared");
                    data.loaded.set(Some(Shared::new(Loaded {
                        skipped,
                        prepared,
                        now,
                    })));
                    data.error.set(None);
                }
                Err(e) => data.error.set(Some(e)),
            }
            data.loading.set(false);
        });
        key
    });

    // Periodic refresh (config `refresh_seconds`).
    if let Some(secs) = refresh {
        if let Ok(handle) = set_interval_with_handle(
            move || data.reload.update(|n| *n += 1),
            Duration::from_secs(secs as u64),
        ) {
            on_cleanup(move || handle.clear());
        }
    }

    // The URL follows the view: queue and range changes are history
    // entries (Back works), everything else replaces the current one.
    let last_url = StoredValue::new(view.url.get_untracked());
    Effect::new(move |_| {
        let v = view.url.get();
        let prev = last_url.get_value();
        if v != prev {
            dom::set_location_search(&to_query(&v), is_navigation(&prev, &v));
            last_url.set_value(v);
        }
    });
    let _popstate = window_event_listener(leptos::ev::popstate, move |_| {
        let (v, n) = parse_query(&dom::location_search());
        last_url.set_value(v.clone());
        view.url.set(v);
        if !n.is_empty() {
            notices.0.update(|all| all.extend(n));
        }
    });

    let custom_signal = Signal::derive(move || prefs.custom_groupings());
    let analysis = Analysis::new(view, data, custom_signal);
    provide_context(analysis);

    // data-app-state: decided after every effect of a change has run (a
    // zero timeout runs after the microtasks that run effects), so a test
    // never sees `ready` before the charts got the new figures.
    Effect::new(move |_| {
        data.loading.track();
        data.error.track();
        data.loaded.track();
        queues_error.track();
        view.url.track();
        view.brush.track();
        renders.pending();
        // Every change goes through `loading`, so each settled view is a new
        // `ready` (and a new data-render-seq) even when no chart redraws.
        dom::set_app_state("loading");
        set_timeout(
            move || {
                let state = if data.loading.get_untracked() || renders.pending.get_untracked() > 0 {
                    "loading"
                } else if data.error.with_untracked(|e| e.is_some())
                    || queues_error.with_untracked(|e| e.is_some())
                {
                    "error"
                } else if data.loaded.with_untracked(|l| l.is_some()) {
                    "ready"
                } else {
                    "loading"
                };
                if state == "ready" {
                    dom::mark("qs-ready");
                }
                dom::set_app_state(state);
            },
            Duration::ZERO,
        );
    });

    view! {
        <div class="qs-app">
            <Header is_demo=is_demo/>
            <div class="qs-body">
                <ControlPanel/>
                <main class="qs-main">
                    <Notices/>
                    <JobStatusPanel/>
                    <QueuedTimePanel/>
                    <JobRunsPanel/>
                    <SelectionPanel/>
                    <UsagePanels/>
                    <ErrorsPanel/>
                    <ExternalLinks/>
                </main>
            </div>
        </div>
    }
}
