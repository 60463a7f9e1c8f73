//! The refresh of `refresh_seconds` (SPEC §4, issue #12 item 3): when the
//! data is read again, and what the user sees of it ("updated 12 s ago",
//! Pause/Resume, "retrying in 20 s").
//!
//! One 1-second timer ticks the clock the status line shows and asks
//! [`Refresh::due`] whether a refresh is due. A due refresh
//!
//! - waits while the user paused it or the page is hidden, and runs as
//!   soon as that ends (it catches up, once);
//! - is skipped while a read is in flight (a refresh never aborts one:
//!   a backend slower than `refresh_seconds` still shows its data) or while
//!   the last error needs the user (401/403, a cancelled read: Retry);
//! - after failures comes later and later (`core::limits::refresh_delay`:
//!   10 s, 20 s, 40 s ... up to 5 minutes), and on time again after a
//!   success.
//!
//! Each due refresh that is not held counts on `<html data-refresh-ticks>`.

use super::{DataState, Queues};
use crate::api::LoadError;
use crate::dom;
use leptos::prelude::*;
use queuescope_core::limits::refresh_delay;
use queuescope_core::Ms;
use std::time::Duration;

/// The refresh state.
#[derive(Clone, Copy)]
pub struct Refresh {
    /// `refresh_seconds`; `None` never refreshes.
    pub every: Option<u32>,
    /// The user paused the refresh.
    pub paused: RwSignal<bool>,
    /// The page is hidden (another tab, a minimised window).
    pub hidden: RwSignal<bool>,
    /// Failed reads in a row.
    pub failures: RwSignal<u32>,
    /// When the next refresh is due (ms since 1970).
    pub next_at: RwSignal<Option<Ms>>,
    /// When the data on screen was read.
    pub updated_at: RwSignal<Option<Ms>>,
    /// The clock, ticking each second.
    pub now: RwSignal<Ms>,
}

impl Refresh {
    /// Starts the timer (with `refresh_seconds`, or only the clock
    /// without) and provides the state.
    pub fn provide(data: DataState, queues: Queues, every: Option<u32>) -> Refresh {
        data.warmers.set_timer(every.is_some());
        let now = dom::now_ms();
        let r = Refresh {
            every,
            paused: RwSignal::new(false),
            hidden: RwSignal::new(dom::page_hidden()),
            failures: RwSignal::new(0),
            next_at: RwSignal::new(every.map(|s| now + seconds(s))),
            updated_at: RwSignal::new(None),
            now: RwSignal::new(now),
        };
        // Each read that ends sets when the next one is due.
        crate::reactive::effect_with(move |was_loading: Option<bool>| {
            let loading = data.loading.get();
            if was_loading == Some(true) && !loading {
                r.settled(data.error.with_untracked(Option::is_some));
            }
            loading
        });
        let tick = move || {
            r.now.set(dom::now_ms());
            r.run_if_due(data, queues);
        };
        if let Ok(handle) = set_interval_with_handle(tick, Duration::from_secs(1)) {
            on_cleanup(move || handle.clear());
        }
        let visibility = window_event_listener_untyped("visibilitychange", move |_| {
            r.hidden.set(dom::page_hidden());
            // Back on screen: catch up at once if a refresh came due.
            tick();
        });
        on_cleanup(move || visibility.remove());
        provide_context(r);
        r
    }

    /// A refresh is due now (it may still be held: paused or hidden).
    pub fn due(&self) -> bool {
        self.next_at.get().is_some_and(|at| self.now.get() >= at)
    }

    /// The refresh is held by the user or by a hidden page.
    pub fn held(&self) -> bool {
        self.paused.get() || self.hidden.get()
    }

    /// Pauses or resumes the refresh; a resume catches up at once if a
    /// refresh came due meanwhile.
    pub fn set_paused(&self, paused: bool) {
        self.paused.set(paused);
    }

    /// Seconds until the next refresh (0 when due).
    pub fn seconds_left(&self) -> Option<u64> {
        let at = self.next_at.get()?;
        Some(
            u64::try_from((at - self.now.get()).max(0))
                .unwrap_or(0)
                .div_ceil(1000),
        )
    }

    /// A read ended, well or not: the next refresh is due on schedule
    /// after a success, later and later after failures.
    fn settled(self, failed: bool) {
        let now = dom::now_ms();
        // "next in", "retrying in" count from now, not from the last tick.
        self.now.set(now);
        if failed {
            self.failures.update(|f| *f = f.saturating_add(1));
            if let Some(every) = self.every {
                let f = self.failures.get_untracked();
                self.next_at
                    .set(Some(now + seconds(refresh_delay(every, f))));
            }
        } else {
            self.failures.set(0);
            self.updated_at.set(Some(now));
        }
    }

    /// Runs the refresh if it is due and not held.
    fn run_if_due(self, data: DataState, queues: Queues) {
        let (Some(every), Some(at)) = (self.every, self.next_at.get_untracked()) else {
            return;
        };
        let now = dom::now_ms();
        if now < at || self.paused.get_untracked() || self.hidden.get_untracked() {
            return;
        }
        dom::count_refresh_tick();
        self.next_at.set(Some(now + seconds(every)));
        let needs_user = |e: &Option<LoadError>| e.as_ref().is_some_and(LoadError::needs_user);
        if data.loading.get_untracked()
            || data.error.with_untracked(needs_user)
            || queues.error.with_untracked(needs_user)
        {
            return;
        }
        queues.retry();
    }
}

/// Whole seconds as ms.
fn seconds(s: u32) -> Ms {
    Ms::from(s) * 1000
}
