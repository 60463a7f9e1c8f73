//! Loading one queue's jobs the way the browser does, page by page: the
//! cost of each 5,000-job page (parsed into owned jobs, or folded into the
//! prepared data as the app does), of finishing the load, of a whole load
//! both ways, and the memory the loaded data holds.
//! Figures and the command are in docs/benchmarks.md.
//!
//! The data is what the browser timings load (`demo-backend --seed 7 --jobs
//! 250000 --page-size 5000`, queue a100-pool, the 7 days before the demo's
//! "now"): 101,420 jobs in 21 pages, built here with the backend's rules
//! (jobs whose lifetime overlaps the range, sorted by start then id).
//!
//! Memory is counted by a global allocator that tracks the bytes in use
//! (requested sizes, no allocator overhead) and their peak, so the figures
//! are exact and the same on every machine.
//!
//! Run: `cargo bench -p queuescope-core --bench load`

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use queuescope_core::analysis::{Prepared, PreparedBuilder};
use queuescope_core::contract::RawJob;
use queuescope_core::demo::{generate, to_raw_job, DemoConfig, DEFAULT_NOW};
use queuescope_core::model::{Dataset, DAY};
use queuescope_core::parse::read_jobs_page;
use queuescope_core::parse_jobs_page;
use queuescope_core::time::format_rfc3339;

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let live = LIVE.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(live, Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; the counters only
// observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        grew(l.size());
        System.alloc(l)
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        grew(l.size());
        System.alloc_zeroed(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        // Old and new block both exist while the bytes move.
        grew(new);
        let q = System.realloc(p, l, new);
        LIVE.fetch_sub(l.size(), Relaxed);
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Page size of the browser timings (`--page-size 5000`).
const PAGE: usize = 5_000;

/// The pages of `GET /queues/a100-pool/jobs` for the 7 days before the
/// demo's "now", as demo-backend serves them.
fn pages() -> Vec<String> {
    let demo = generate(&DemoConfig {
        seed: 7,
        jobs: 250_000,
        ..DemoConfig::default()
    });
    let (from, to) = (DEFAULT_NOW - 7 * DAY, DEFAULT_NOW);
    let Some(data) = demo
        .datasets
        .into_iter()
        .find(|d| d.queue_id == "a100-pool")
    else {
        return Vec::new();
    };
    let g = data.generated_at;
    let mut jobs: Vec<_> = data
        .jobs
        .iter()
        .filter_map(|j| {
            let (s, e) = j.lifetime(g);
            (s < to && e >= from).then_some((s, j))
        })
        .collect();
    jobs.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    let raw: Vec<RawJob> = jobs.iter().map(|(_, j)| to_raw_job(j)).collect();
    let n = raw.chunks(PAGE).len();
    raw.chunks(PAGE)
        .enumerate()
        .map(|(i, chunk)| {
            let records: Vec<String> = chunk
                .iter()
                .map(|r| serde_json::to_string(r).unwrap_or_default())
                .collect();
            let cursor = if i + 1 < n {
                format!("\"{}\"", (i + 1) * PAGE)
            } else {
                "null".into()
            };
            format!(
                "{{\"jobs\":[{}],\"next_cursor\":{cursor},\"generated_at\":\"{}\"}}",
                records.join(","),
                format_rfc3339(g)
            )
        })
        .collect()
}

/// A whole load as the app reads it: each page's records folded into the
/// builder (the app does this while the next page downloads), then finished.
fn load(pages: &[String]) -> Prepared {
    let mut b = PreparedBuilder::new();
    for body in pages {
        if let Ok(page) = read_jobs_page(body, &mut None) {
            b.push_page(page);
        }
    }
    b.finish().0
}

/// The same, the way main read it: every page parsed into owned jobs, then
/// all of them prepared at the end.
fn load_owned(pages: &[String]) -> Prepared {
    let mut data = Dataset::new("a100-pool");
    let mut seen = std::collections::HashSet::new();
    for body in pages {
        if let Ok(page) = parse_jobs_page(body, &mut seen) {
            data.push_page(page);
        }
    }
    Prepared::from_dataset(data)
}

/// Bytes held by the loaded data, and the peak during the load, both
/// counted from before the first page (the page texts themselves excluded).
fn memory(what: &str, load: fn(&[String]) -> Prepared, pages: &[String]) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let p = load(pages);
    let held = LIVE.load(Relaxed) - base;
    let peak = PEAK.load(Relaxed) - base;
    let n = p.len().max(1);
    eprintln!(
        "memory, {what}: {} jobs; held after the load {:.1} MB ({} B a job); peak during the load {:.1} MB ({} B a job)",
        p.len(),
        held as f64 / 1e6,
        held / n,
        peak as f64 / 1e6,
        peak / n
    );
    drop(p);
}

/// Bytes in use since `base`, and the peak since the last call, in MB.
fn stage(what: &str, base: usize) -> usize {
    let (live, peak) = (LIVE.load(Relaxed), PEAK.load(Relaxed));
    eprintln!(
        "  {what}: in use {:.1} MB, peak {:.1} MB",
        (live.saturating_sub(base)) as f64 / 1e6,
        (peak.saturating_sub(base)) as f64 / 1e6
    );
    PEAK.store(live, Relaxed);
    peak.saturating_sub(base)
}

/// The browser's first load of a long read, in the app's order, with the
/// bytes in use and the peak of each stage (counted from before the read):
/// each page's text arrives while the previous one is folded (two texts at
/// once), a partial snapshot is drawn after pages 1, 2, 4, 8... (a slow
/// read) while the builder allows one (`SNAPSHOT_MAX_JOBS`; the previous
/// snapshot is dropped when the next one is on screen), the read is
/// finished while the last snapshot is still on screen, then the cache
/// entry is encoded in chunks, each copied out (the browser's IndexedDB
/// value lives outside the wasm memory). The peak over all stages is
/// what the wasm linear memory (a high-water mark) must hold for the data.
fn app_peaks(pages: &[String]) {
    eprintln!("memory of the app's first load, by stage:");
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let mut b = PreparedBuilder::new();
    let mut shown: Option<Prepared> = None;
    let mut top = 0;
    let mut text = pages.first().cloned();
    for (i, _) in pages.iter().enumerate() {
        let next = pages.get(i + 1).cloned();
        if let Some(body) = text.take() {
            if let Ok(page) = read_jobs_page(&body, &mut None) {
                b.push_page(page);
            }
        }
        let n = i + 1;
        if n.is_power_of_two() && next.is_some() {
            // None past `SNAPSHOT_MAX_JOBS`: the previous one stays shown.
            if let Some(snap) = b.snapshot() {
                shown = Some(snap);
                let what = format!("page {n} folded, partial snapshot shown");
                top = top.max(stage(&what, base));
            }
        }
        text = next;
    }
    top = top.max(stage("all pages folded", base));
    let (prepared, _) = b.finish();
    top = top.max(stage("finished (last partial still shown)", base));
    drop(shown);
    top = top.max(stage("partial dropped", base));
    encode_cache(&prepared);
    top = top.max(stage("cache entry encoded and handed over", base));
    eprintln!("  peak of the load: {:.1} MB", top as f64 / 1e6);
    drop(prepared);
}

/// The cache entry as the app makes it (the bytes leave the wasm memory
/// for IndexedDB: dropped here).
fn encode_cache(p: &Prepared) {
    let mut bytes = 0;
    let mut out = |c: &[u8]| bytes += black_box(c).len();
    queuescope_core::cache::encode_chunks((0, 1), p, &mut out);
    black_box(bytes);
}

fn bench_load(c: &mut Criterion) {
    let pages = pages();
    let bytes: usize = pages.iter().map(String::len).sum();
    eprintln!(
        "{} pages, {:.1} MB of JSON",
        pages.len(),
        bytes as f64 / 1e6
    );
    app_peaks(&pages);
    memory("pages folded into PreparedBuilder", load, &pages);
    memory(
        "owned jobs, then Prepared::from_dataset",
        load_owned,
        &pages,
    );
    let mut g = c.benchmark_group("load");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let first = pages.first().cloned().unwrap_or_default();
    g.bench_function("parse_page_5000", |b| {
        b.iter(|| {
            let mut seen = std::collections::HashSet::new();
            parse_jobs_page(black_box(&first), &mut seen).map(|p| p.jobs.len())
        })
    });
    g.bench_function("fold_page_5000", |b| {
        b.iter_batched(
            PreparedBuilder::new,
            |mut builder| {
                if let Ok(page) = read_jobs_page(black_box(&first), &mut None) {
                    builder.push_page(page);
                }
                builder
            },
            BatchSize::LargeInput,
        )
    });
    let folded = || {
        let mut b = PreparedBuilder::new();
        for body in &pages {
            if let Ok(page) = read_jobs_page(body, &mut None) {
                b.push_page(page);
            }
        }
        b
    };
    g.bench_function("finish_100k", |b| {
        b.iter_batched(folded, |b| b.finish().0.len(), BatchSize::LargeInput)
    });
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("whole_load_100k", |b| {
        b.iter(|| load(black_box(&pages)).len())
    });
    g.bench_function("whole_load_owned_100k", |b| {
        b.iter(|| load_owned(black_box(&pages)).len())
    });
    g.finish();
}

criterion_group!(benches, bench_load);
criterion_main!(benches);
