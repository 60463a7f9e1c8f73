//! The data source and the queues it offers: the list, the queue shown
//! (the view's, else the first) and why the list is missing.

use super::{Notices, ViewState};
use crate::api::{LoadError, Source};
use leptos::prelude::*;
use queuescope_core::contract::{QueueEntry, QueueInfo, SUPPORTS_UPDATED_SINCE};
use queuescope_core::view::{Ignored, QueryNotice};
use queuescope_core::SkipReport;

/// The source of data, shared by the loaders.
#[derive(Clone, Copy)]
pub struct SourceCtx(StoredValue<Source, LocalStorage>);

impl SourceCtx {
    /// Keeps the source for the loaders and provides it.
    pub fn provide(source: Source) -> SourceCtx {
        let s = SourceCtx(StoredValue::new_local(source));
        provide_context(s);
        s
    }

    /// The source (cheap: an `Rc` or a few strings).
    pub fn get(&self) -> Source {
        self.0.get_value()
    }
}

/// The queues of the backend and the one shown.
#[derive(Clone, Copy)]
pub struct Queues {
    /// Every queue, as loaded.
    pub list: Memo<Vec<QueueInfo>>,
    /// The queue shown (the view's `queue`, else the first).
    pub current: Memo<Option<String>>,
    /// The queue shown answers incremental reads (its `supports` lists
    /// `updated_since`, SPEC §2); `None` until the list is loaded.
    pub incremental: Memo<Option<bool>>,
    /// Queues skipped as malformed.
    pub skipped: RwSignal<SkipReport>,
    /// The queue list could not be loaded.
    pub error: RwSignal<Option<LoadError>>,
    /// Bumped to load again (Retry, the refresh timer): queues and jobs.
    pub reload: RwSignal<u32>,
}

impl Queues {
    /// Loads the queue list (again on every reload) and provides it.
    pub fn provide(source: SourceCtx, view: ViewState, notices: Notices) -> Queues {
        let reload = RwSignal::new(0u32);
        let res = read_queues(source, reload);
        let skipped = RwSignal::new(SkipReport::default());
        let error = RwSignal::new(None);
        // A failed reload (a refresh while the backend is down) keeps the
        // list it had: the picker never empties under the user.
        let entries = Memo::new(move |prev: Option<&Vec<QueueEntry>>| match res.get() {
            Some(Ok((list, _))) => list,
            _ => prev.cloned().unwrap_or_default(),
        });
        let list: Memo<Vec<QueueInfo>> =
            Memo::new(move |_| entries.with(|e| e.iter().map(|e| e.info.clone()).collect()));
        crate::reactive::effect(move || match res.get() {
            Some(Ok((_, s))) => {
                skipped.set(s);
                error.set(None);
            }
            Some(Err(e)) => error.set(Some(e)),
            None => {}
        });
        let wanted = Memo::new(move |_| view.with(|v| v.queue.clone()));
        let current = Memo::new(move |_| {
            list.with(|list| match wanted.get() {
                Some(q) if list.iter().any(|x| x.id == q) => Some(q),
                Some(q) if list.is_empty() => Some(q),
                _ => list.first().map(|q| q.id.clone()),
            })
        });
        // An unknown queue in the URL: say so (once the list is known).
        crate::reactive::effect(move || {
            let list = list.get();
            if let Some(q) = wanted.get() {
                if !list.is_empty() && !list.iter().any(|x| x.id == q) {
                    notices.extend([QueryNotice::new(
                        format!("queue={}", queuescope_core::text::clip(&q, 40)),
                        Ignored::NoSuchQueue,
                    )]);
                }
            }
        });
        let incremental = Memo::new(move |_| {
            let current = current.get()?;
            entries.with(|e| {
                let q = e.iter().find(|e| e.info.id == current)?;
                Some(q.supports.iter().any(|s| s == SUPPORTS_UPDATED_SINCE))
            })
        });
        let q = Queues {
            list,
            current,
            incremental,
            skipped,
            error,
            reload,
        };
        provide_context(q);
        q
    }

    /// Loads everything again.
    pub fn retry(&self) {
        self.reload.update(|n| *n += 1);
    }
}

/// The queue list's answer: none until the first one; a reload's replaces
/// it when it comes (an overtaken one is dropped, and a newer reload aborts
/// the request of the one before).
fn read_queues(source: SourceCtx, reload: RwSignal<u32>) -> RwSignal<Option<QueueAnswer>> {
    // A newer reload aborts the request of the one before.
    let abort = StoredValue::new_local(None::<web_sys::AbortController>);
    let res = RwSignal::new(None::<QueueAnswer>);
    let load = move || {
        let s = source.get();
        if let Some(c) = abort.get_value() {
            c.abort();
        }
        let ctrl = web_sys::AbortController::new().ok();
        abort.set_value(ctrl.clone());
        let read = async move {
            let signal = ctrl.as_ref().map(|c| c.signal());
            s.queues(signal.as_ref()).await
        };
        crate::reactive::run_latest(reload, read, move |answer| res.set(Some(answer)));
    };
    // The first read at once (the demo's list is there for the first
    // render), then one on every reload.
    load();
    crate::reactive::effect_with(move |last: Option<u32>| {
        let this = reload.get();
        if this != last.unwrap_or(0) {
            load();
        }
        this
    });
    res
}

/// What a read of the queue list answers.
type QueueAnswer = Result<(Vec<QueueEntry>, SkipReport), LoadError>;
