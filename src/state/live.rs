//! Incremental refresh (SPEC §2 `updated_since`, issue #12): a refresh of
//! the data on screen asks only for the records that changed since its
//! read and splices them in (`Prepared::updated`), instead of reading the
//! whole range again. The loader calls two hooks: [`base`] (may this
//! refresh build on the data on screen?) and [`refresh`] (do it).

use super::{Cache, Loaded, Shared};
use crate::api::{LoadError, Progress, Source};
use crate::dom;
use leptos::prelude::{
    GetUntracked, GetValue, LocalStorage, Memo, SetValue, StoredValue, UpdateValue, WithValue,
};
use queuescope_core::analysis::{Groups, Remap, Selection, UpdateCounts};
use queuescope_core::view::RangeSpec;
use queuescope_core::{Ms, SkipReport};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, Weak};
use web_sys::AbortSignal;

/// What a load was: a whole read of the range, or an incremental one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadKind {
    /// Every job of the range.
    Full,
    /// The records changed since the previous read, spliced in.
    Incremental(UpdateCounts),
    /// The last complete read kept in this browser (`state::cache`), shown
    /// while the backend is asked for what changed since.
    Cached,
    /// The first pages of a long first read, drawn while the rest
    /// downloads (`data-app-state` stays `loading`): pages read so far.
    Partial(usize),
}

impl ReadKind {
    /// `<html data-last-read>`: `full`, or `incremental:R/A/D` (replaced,
    /// added, dropped), for tests and for the curious.
    pub fn attribute(&self) -> String {
        match self {
            ReadKind::Full => "full".into(),
            ReadKind::Cached => "cached".into(),
            ReadKind::Partial(pages) => format!("partial:{pages}"),
            ReadKind::Incremental(c) => {
                format!("incremental:{}/{}/{}", c.replaced, c.added, c.dropped)
            }
        }
    }
}

/// What an incremental refresh carries over from its base (see
/// [`Loaded::remap`]).
#[derive(Debug, Clone)]
pub struct Carried {
    /// The load it was spliced from (weak: the base's jobs are freed once
    /// nothing on screen shows them).
    pub base: Weak<Loaded>,
    /// Where the base's jobs went.
    pub remap: Shared<Remap>,
}

impl Carried {
    /// Whether `built_for` (the load an index was derived from) is this
    /// refresh's base.
    pub fn is_base(&self, built_for: &Weak<Loaded>) -> bool {
        Weak::ptr_eq(&self.base, built_for)
    }

    /// Whether `l` is this refresh's base.
    pub fn is_base_of(&self, l: &Shared<Loaded>) -> bool {
        std::ptr::eq(self.base.as_ptr(), Arc::as_ptr(&l.0))
    }
}

/// The data a refresh of (`queue`, `range`) builds on: the data on screen
/// when it is of that queue and range and the queue answers incremental
/// reads; `None` means a full read.
pub fn base(
    loaded: Option<Shared<Loaded>>,
    incremental: bool,
    queue: &str,
    range: RangeSpec,
) -> Option<Shared<Loaded>> {
    let l = loaded?;
    let whole = !matches!(l.read, ReadKind::Partial(_));
    (incremental && whole && l.queue == queue && l.range == range).then_some(l)
}

/// `updated_since` for a refresh of `base`: its `generated_at` (SPEC §2),
/// or the end of its range when that is earlier. A relative range ends at
/// the browser's "now", and a job that started between that end and the
/// backend's `generated_at` (a backend clock ahead of the browser's) was
/// in neither read; every such job's record changed (it began) after the
/// range's end, so asking from there brings it. Records sent twice replace
/// themselves by id.
pub fn since(base: &Loaded) -> Ms {
    base.prepared.generated_at().min(base.span.1)
}

/// Reads the records of `base`'s queue changed since [`since`] over the
/// new `span` and splices them in. `None` when the splice cannot be done
/// (more unknown states than the core keeps apart): the caller then reads
/// in full.
pub async fn refresh(
    source: &Source,
    base: &Shared<Loaded>,
    span: (Ms, Ms),
    now: Ms,
    abort: Option<&AbortSignal>,
    progress: &dyn Fn(Progress),
) -> Option<Result<Loaded, LoadError>> {
    let built = match source
        .jobs(
            &base.queue,
            span,
            Some(since(base)),
            abort,
            progress,
            &|_| {},
        )
        .await
    {
        Ok(b) => b,
        Err(e) => return Some(Err(e)),
    };
    dom::mark("qs-data");
    let (changed, skipped) = built.finish();
    let (prepared, counts, remap) =
        dom::timed("qs:update", || base.prepared.updated_remap(&changed, span)).ok()?;
    dom::mark("qs-prepared");
    let mut all_skipped = base.skipped.clone();
    all_skipped.merge(skipped);
    Some(Ok(Loaded {
        queue: base.queue.clone(),
        skipped: all_skipped,
        prepared,
        now,
        range: base.range,
        span,
        read: ReadKind::Incremental(counts),
        remap: Some(Carried {
            base: Arc::downgrade(&base.0),
            remap: Shared::new(remap),
        }),
    }))
}

/// After a full read of a queue that answers incremental reads, when the
/// page is idle: splices into it the records that a refresh where nothing
/// changed would bring again (`Prepared::resent`), then (at the next idle
/// moment) runs what a refresh runs after its splice ([`Warmers`]: the
/// view's selection and groups, the carried memos' carries) on that
/// splice, and drops it all (unless another load replaced it first). The
/// first refresh after a full read was 2-3x slower than the later ones,
/// and not by its data: its splice and the memos it carries over ran into
/// fresh wasm memory (the linear memory grew ~13 MB at 91k jobs, and each
/// new page faults in on first write: ~1 ms a MB on this machine kind),
/// while every later refresh reuses what the one before freed; and the
/// carries' first calls ran in the browser's baseline tier. This warm-up
/// takes those pages first, so the first refresh finds them in the
/// allocator's free lists, and runs the code once, so the browser compiles
/// and optimises it off the user's path. The memory is what that first
/// refresh would take anyway (a refresh holds two generations at once).
pub fn warm(l: &Shared<Loaded>, warmers: Warmers) {
    let weak = Arc::downgrade(&l.0);
    dom::when_idle(move || {
        let Some(l) = weak.upgrade() else { return };
        let spliced = dom::timed("qs:warm", || {
            l.prepared.updated_remap(&l.prepared.resent(), l.span)
        });
        let Ok((prepared, counts, remap)) = spliced else {
            return;
        };
        dom::mark_memory("warm-spliced");
        let spliced = Shared::new(Loaded {
            queue: l.queue.clone(),
            skipped: SkipReport::default(),
            prepared,
            now: l.now,
            range: l.range,
            span: l.span,
            read: ReadKind::Incremental(counts),
            remap: Some(Carried {
                base: Arc::downgrade(&l),
                remap: Shared::new(remap),
            }),
        });
        drop(l);
        // Apart: two idle tasks of ~40 ms rather than one of ~80.
        dom::when_idle(move || {
            dom::timed("qs:warm-carry", || warmers.run(&spliced));
            dom::mark_memory("warm-carried");
        });
    });
}

/// The view over a refresh's data, as the memo graph derives it: what the
/// carries of [`Warmers`] take as the new selection and groups.
pub struct WarmView {
    /// The jobs that pass the view's filters in its range.
    pub selection: Selection,
    /// Their groups, every one.
    pub all_groups: Shared<Groups>,
    /// Their groups, folded as the panels show them.
    pub groups: Shared<Groups>,
    /// Every job in the range, when the view filters (`None`: the
    /// selection is all of them).
    pub population: Option<Selection>,
}

impl WarmView {
    /// Every job in the range, no filter (the filter lists' counts).
    pub fn population(&self) -> &Selection {
        self.population.as_ref().unwrap_or(&self.selection)
    }
}

/// A registered warm-up: its span and its run.
type Warmer = (String, Rc<dyn Fn(&Shared<Loaded>, &WarmView)>);

/// How the view's selection and groups are derived from a refresh's data.
type ViewOf = Rc<dyn Fn(&Shared<Loaded>) -> WarmView>;

/// What a refresh runs after its splice: the view's selection and groups
/// (one [`ViewOf`], set by the memo graph) and, registered by each memo
/// that carries its value over a refresh
/// ([`crate::state::analysis::CarryOver`]), a run of its carry from the
/// data it last computed from, whose result is dropped. [`warm`] runs them
/// on its splice.
#[derive(Clone, Copy)]
pub struct Warmers {
    view: StoredValue<Option<ViewOf>, LocalStorage>,
    steps: StoredValue<Vec<Warmer>, LocalStorage>,
    /// A refresh timer is set (`refresh_seconds`): see [`Warmers::wanted`].
    timer: StoredValue<bool>,
}

impl Default for Warmers {
    fn default() -> Self {
        Warmers {
            view: StoredValue::new_local(None),
            steps: StoredValue::new_local(Vec::new()),
            timer: StoredValue::new(false),
        }
    }
}

impl Warmers {
    /// Notes whether a refresh timer is set (`refresh_seconds`).
    pub fn set_timer(&self, on: bool) {
        self.timer.set_value(on);
    }

    /// Whether [`warm`] is worth running after a full read: only when a
    /// refresh timer will build on it. The warm-up holds a second copy of
    /// the data and a refresh's working set (+20 MB of wasm memory at 101k
    /// jobs, which never shrinks: the page's high-water mark went from
    /// 38.6 to 58.8 MB), to make a first refresh faster; without a timer
    /// an incremental read only comes from Retry after a failed one, rare
    /// enough to pay its first-time costs itself.
    pub fn wanted(&self) -> bool {
        self.timer.try_get_value().unwrap_or(false)
    }

    /// Sets how the view's selection and groups are derived (timed as
    /// `qs:warm:select`).
    pub fn set_view(&self, f: impl Fn(&Shared<Loaded>) -> WarmView + 'static) {
        self.view.set_value(Some(Rc::new(f)));
    }

    /// Registers `f`, run by [`warm`] with a refresh of the data on screen
    /// and its view, timed as `qs:warm:` and `span` minus its `qs:`.
    pub fn add(&self, span: &str, f: impl Fn(&Shared<Loaded>, &WarmView) + 'static) {
        let name = format!("qs:warm:{}", span.trim_start_matches("qs:"));
        self.steps.update_value(|v| v.push((name, Rc::new(f))));
    }

    /// Runs every registered warm-up on `spliced` (none once the app is
    /// gone).
    fn run(&self, spliced: &Shared<Loaded>) {
        let Some(view_of) = self.view.try_with_value(|v| v.clone()).flatten() else {
            return;
        };
        let view = dom::timed("qs:warm:select", || view_of(spliced));
        let steps = self.steps.try_with_value(|v| v.clone()).unwrap_or_default();
        for (name, f) in steps {
            dom::timed(&name, || f(spliced, &view));
        }
    }
}

/// The cached read of `queue` (from the backend of `source`; the demo has
/// no cache), its prepared columns checked as they were decoded
/// (`core::cache`), as a load of `range` at `now` labelled
/// [`ReadKind::Cached`]. A cache that fails to read was dropped with a
/// notice by [`Cache::load`]. Opening it counts as a store of the queue
/// as of its `generated_at`: a reopen does not write the same read back.
pub async fn open_cached(
    cache: Cache,
    source: &Source,
    queue: &str,
    range: RangeSpec,
    now: Ms,
) -> Option<Loaded> {
    let backend = source.backend()?;
    dom::mark("qs-cache-asked");
    let read = cache.load(backend, queue).await;
    // Read and decoded into columns at once (format 2 folded records next).
    dom::mark("qs-cache-read");
    dom::mark("qs-cached");
    let read = read?;
    STORED.with(|s| {
        let key = (backend.to_string(), queue.to_string());
        s.borrow_mut().insert(key, read.generated_at() as f64);
    });
    Some(Loaded {
        queue: queue.to_string(),
        // What the original read skipped was reported then; the cache
        // holds only the jobs that passed.
        skipped: SkipReport::default(),
        prepared: read.prepared,
        now,
        range,
        span: read.span,
        read: ReadKind::Cached,
        remap: None,
    })
}

/// Whether the queue answers incremental reads, once the queue list says
/// (a load can start before the list arrives: the view names its queue).
/// Waits for the list at most a second; unknown then means a full read.
pub async fn capability(incremental: Memo<Option<bool>>) -> bool {
    for _ in 0..50 {
        if let Some(known) = incremental.get_untracked() {
            return known;
        }
        pause(20).await;
    }
    false
}

/// Resolves after `ms` (a browser timeout).
async fn pause(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let set = web_sys::window()
            .map(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms));
        if !matches!(set, Some(Ok(_))) {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// An incremental read from the cached `c` completes it for `span` when
/// the queue answers them, the cached read covered the start of `span`
/// (jobs that ended before its start were never read) and is not older
/// than that start (then nearly every record changed: a full read is
/// as cheap and simpler).
pub fn can_build_on(c: &Loaded, incremental: bool, span: (Ms, Ms)) -> bool {
    incremental && c.span.0 <= span.0 && c.prepared.generated_at() >= span.0
}

/// After an incremental read, the cache is written again only this long
/// after its last write: a 100k-job queue is ~10 MB to encode and write,
/// not worth doing every `refresh_seconds`.
pub const STORE_EVERY_MS: f64 = 5.0 * 60_000.0;

thread_local! {
    /// When each (backend, queue) was last stored from this page.
    static STORED: RefCell<HashMap<(String, String), f64>> = RefCell::new(HashMap::new());
}

/// Keeps `l` as the last complete read of its queue, for the next open:
/// after a full read always, after an incremental one when the last store
/// (or the cached read opened) is [`STORE_EVERY_MS`] old. Runs when the
/// page is idle (`requestIdleCallback`), after the panels drew and off
/// any interaction: encoding a 100k-job read takes ~50 ms, the write
/// itself happens outside the page's thread. `<html data-cache-stored>`
/// is then the stored read's `generated_at` (ms), for tests.
pub fn keep(cache: Option<Cache>, source: Source, l: Shared<Loaded>) {
    let (Some(cache), Some(backend)) = (cache, source.backend().map(str::to_string)) else {
        return;
    };
    let key = (backend, l.queue.clone());
    let now = js_sys::Date::now();
    let last = STORED.with(|s| s.borrow().get(&key).copied());
    let due = matches!(l.read, ReadKind::Full) || last.is_none_or(|t| now - t >= STORE_EVERY_MS);
    if !due {
        return;
    }
    STORED.with(|s| s.borrow_mut().insert(key.clone(), now));
    dom::when_idle(move || {
        leptos::task::spawn_local(async move {
            cache.store(&key.0, &key.1, l.span, &l.prepared).await;
            dom::mark_memory("cache-stored");
            let at = l.prepared.generated_at().to_string();
            dom::set_html_attribute("data-cache-stored", &at);
        });
    });
}
