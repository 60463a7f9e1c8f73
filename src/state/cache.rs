//! The cache of the last complete read of each (backend, queue), in
//! IndexedDB, for an instant reopen (issue #12).
//!
//! A read is kept as `queuescope_core::cache` encodes it (the prepared
//! columns, versioned; decoding checks them whole).
//! Two object stores in one database: `reads` holds the bytes, `meta` a
//! small record per entry (`backend`, `queue`, `bytes`, `stored_at`,
//! `generated_at`) so that bounding the size never reads the data. After a
//! store, the entries stored longest ago are evicted until at most
//! [`Limits::max_queues`] entries and [`Limits::max_bytes`] remain.
//!
//! Nothing read from it is trusted: an entry that is missing its bytes,
//! is not bytes, or does not decode (another format version, damage) is
//! deleted and reported as [`Lookup::Dropped`] with why, for a notice;
//! [`Cache`] turns that into a notice. A browser without IndexedDB (or one
//! that refuses it) just has no cache.
//!
//! API for the loader: [`Cache::load`], [`Cache::store`], [`Cache::clear`]
//! (and [`Cache::entries`] for what it holds).

use super::{Notice, Notices};
use idb::request::OpenDatabaseRequest;
use idb::{Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode};
use js_sys::{Object, Reflect, Uint8Array};
use leptos::prelude::*;
use queuescope_core::analysis::Prepared;
pub use queuescope_core::cache::CachedRead;
use queuescope_core::cache::{self as format, DecodeError};
use queuescope_core::Ms;
use wasm_bindgen::{JsCast, JsValue};

/// The database the app uses.
pub const DB_NAME: &str = "queuescope-cache";
/// Version of the database's layout (its object stores). Opening an older
/// layout drops it and starts empty; the format of each read has its own
/// version inside the bytes ([`format::FORMAT_VERSION`]).
const DB_VERSION: u32 = 1;
const READS: &str = "reads";
const META: &str = "meta";

/// How much the cache may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Entries (queues) kept at most.
    pub max_queues: usize,
    /// Encoded bytes kept at most, over all entries. A read larger than
    /// this is not stored.
    pub max_bytes: usize,
}

/// The app's limits: a handful of queues, and room for a few 100k-job
/// reads (about 6 MB each encoded).
pub const LIMITS: Limits = Limits {
    max_queues: 8,
    max_bytes: 64 << 20,
};

/// What [`CacheDb::load`] found.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// A read, decoded (boxed: the other variants are a few bytes).
    Hit(Box<CachedRead>),
    /// Nothing cached for this queue (or no IndexedDB).
    Miss,
    /// There was an entry that could not be used; it is deleted. Why, for
    /// a notice.
    Dropped(CacheTrouble),
}

pub use crate::notice::CacheTrouble;

/// One entry, as `meta` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryInfo {
    /// The backend (`api_base`).
    pub backend: String,
    /// The queue id.
    pub queue: String,
    /// Encoded size.
    pub bytes: usize,
    /// When it was stored (ms since the epoch, the browser's clock).
    pub stored_at: f64,
    /// The read's `generated_at` (ms).
    pub generated_at: f64,
}

/// The cache in one IndexedDB database (the app's is [`DB_NAME`]; tests
/// use their own).
#[derive(Debug, Clone, PartialEq)]
pub struct CacheDb {
    name: String,
    limits: Limits,
}

/// An IndexedDB failure, as text.
fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn key(backend: &str, queue: &str) -> JsValue {
    // A line break is in no URL and no queue id the contract allows
    // through a URL; the meta record carries both parts anyway.
    JsValue::from_str(&format!("{backend}\n{queue}"))
}

fn field(o: &JsValue, name: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn meta_record(e: &EntryInfo) -> Result<JsValue, String> {
    let o = Object::new();
    for (k, v) in [
        ("backend", JsValue::from_str(&e.backend)),
        ("queue", JsValue::from_str(&e.queue)),
        ("bytes", JsValue::from_f64(e.bytes as f64)),
        ("stored_at", JsValue::from_f64(e.stored_at)),
        ("generated_at", JsValue::from_f64(e.generated_at)),
    ] {
        Reflect::set(&o, &JsValue::from_str(k), &v).map_err(|_| "cannot build the entry")?;
    }
    Ok(o.into())
}

/// The entries, the oldest stored first (through core's one shared sort).
fn oldest_first(all: Vec<EntryInfo>) -> Vec<EntryInfo> {
    queuescope_core::sort::sort_vec(all, &|a, b| a.stored_at.total_cmp(&b.stored_at))
}

fn entry_info(v: &JsValue) -> Option<EntryInfo> {
    Some(EntryInfo {
        backend: field(v, "backend").as_string()?,
        queue: field(v, "queue").as_string()?,
        bytes: field(v, "bytes").as_f64()? as usize,
        stored_at: field(v, "stored_at").as_f64()?,
        generated_at: field(v, "generated_at").as_f64()?,
    })
}

/// What this page knows of a database it may have just made: a promise
/// resolved when an open of it starts an upgrade (a new database, or an
/// older layout dropped whole: either way empty), its resolver until then,
/// and whether a lookup or a store has had it (only the first lookup, with
/// nothing stored before it, may trust it).
struct Made {
    empty: js_sys::Promise,
    resolve: Option<js_sys::Function>,
    had: bool,
}

thread_local! {
    static MADE: std::cell::RefCell<std::collections::HashMap<String, Made>> = Default::default();
}

/// What [`made_empty`] does with the promise of a database.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    /// An open of it is about to be asked: keep a promise for it.
    Asking,
    /// An upgrade started: resolve the promise.
    Made,
    /// The first lookup takes the promise (later ones, and any store, get `None`).
    Take,
}

/// The promise that database `name` was made empty by this page (see [`Made`]).
fn made_empty(name: &str, step: Step) -> Option<js_sys::Promise> {
    MADE.with(|m| {
        let mut m = m.borrow_mut();
        if step == Step::Take {
            let made = m.get_mut(name)?;
            let first = !std::mem::replace(&mut made.had, true);
            return first.then(|| made.empty.clone());
        }
        if step == Step::Made {
            // Only an open this page announced (`Asking`) has a promise: an
            // upgrade no lookup is waiting on leaves nothing to trust later.
            if let Some(f) = m.get_mut(name).and_then(|made| made.resolve.take()) {
                let _ = f.call0(&JsValue::NULL);
            }
            return None;
        }
        m.entry(name.to_string()).or_insert_with(|| {
            let mut resolve = None;
            let empty = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
            Made {
                empty,
                resolve,
                had: false,
            }
        });
        None
    })
}

impl CacheDb {
    /// The cache in database `name`.
    pub fn new(name: &str, limits: Limits) -> CacheDb {
        CacheDb {
            name: name.to_string(),
            limits,
        }
    }

    /// Asks to open (and on first use create) the database: the browser
    /// starts at once, whenever the request is awaited. An older layout is
    /// dropped whole.
    fn request(&self) -> Result<OpenDatabaseRequest, String> {
        let factory = Factory::new().map_err(err)?;
        let mut request = factory.open(&self.name, Some(DB_VERSION)).map_err(err)?;
        let name = self.name.clone();
        request.on_upgrade_needed(move |event| {
            made_empty(&name, Step::Made);
            let Ok(db) = event.database() else { return };
            for name in db.store_names() {
                let _ = db.delete_object_store(&name);
            }
            let _ = db.create_object_store(READS, ObjectStoreParams::new());
            let _ = db.create_object_store(META, ObjectStoreParams::new());
        });
        Ok(request)
    }

    /// Opens (and on first use creates) the database.
    async fn open(&self) -> Result<Database, String> {
        self.request()?.await.map_err(err)
    }

    /// Starts opening the database now, and closes it once open: the first
    /// open of a profile (creating the database) is the slow part of a
    /// lookup, and it then runs while the dashboard renders instead of
    /// after (the lookup's own open waits behind it and finds it made).
    pub fn warm(&self) {
        made_empty(&self.name, Step::Asking);
        let Ok(request) = self.request() else { return };
        // Not Leptos' executor: the cache works without a mounted app.
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(db) = request.await {
                db.close();
            }
        });
    }

    /// The cached read of `queue` on `backend`. A database this page has
    /// just made (or emptied: an older layout) holds nothing: known when its
    /// upgrade starts, the lookup answers a miss then, without waiting for
    /// the new database to be committed (the slow part of a first visit's
    /// lookup, 70-330 ms, on its path to the first jobs request).
    pub async fn load(&self, backend: &str, queue: &str) -> Lookup {
        let Ok(request) = self.request() else {
            return Lookup::Miss;
        };
        let opened = match made_empty(&self.name, Step::Take) {
            None => request.await,
            Some(empty) => {
                let empty = wasm_bindgen_futures::JsFuture::from(empty);
                let request = Box::pin(std::future::IntoFuture::into_future(request));
                match futures_util::future::select(request, empty).await {
                    futures_util::future::Either::Left((db, _)) => db,
                    futures_util::future::Either::Right((_, request)) => {
                        wasm_bindgen_futures::spawn_local(async move {
                            if let Ok(db) = request.await {
                                db.close();
                            }
                        });
                        return Lookup::Miss;
                    }
                }
            }
        };
        let Ok(db) = opened else {
            return Lookup::Miss;
        };
        let found = async {
            let tx = db
                .transaction(&[READS], TransactionMode::ReadOnly)
                .map_err(err)?;
            let store = tx.object_store(READS).map_err(err)?;
            let value = store
                .get(key(backend, queue))
                .map_err(err)?
                .await
                .map_err(err)?;
            Ok::<_, String>(value)
        }
        .await;
        let outcome = match found {
            Ok(None) => return Lookup::Miss,
            Ok(Some(v)) => match v.dyn_into::<Uint8Array>() {
                Ok(bytes) => {
                    crate::dom::timed("qs:cache-decode", || format::decode(&bytes.to_vec()))
                        .map_err(|e| match e {
                            DecodeError::Version { .. } => CacheTrouble::OtherVersion,
                            other => CacheTrouble::Unreadable(other.to_string()),
                        })
                }
                Err(_) => Err(CacheTrouble::Unreadable("not bytes".to_string())),
            },
            Err(e) => Err(CacheTrouble::Unreadable(e)),
        };
        db.close();
        match outcome {
            Ok(read) => Lookup::Hit(Box::new(read)),
            Err(why) => {
                let _ = self.delete(backend, queue).await;
                Lookup::Dropped(why)
            }
        }
    }

    /// Stores the read of `span` as the last complete read of `queue` on
    /// `backend` (replacing the previous one), then evicts what was stored
    /// longest ago until the limits hold. Returns the evicted queues.
    pub async fn store(
        &self,
        backend: &str,
        queue: &str,
        span: (Ms, Ms),
        prepared: &Prepared,
    ) -> Result<Vec<EntryInfo>, String> {
        let data = crate::dom::timed("qs:cache-encode", || encode(span, prepared));
        let size = data.length() as usize;
        if size > self.limits.max_bytes {
            return Err(format!(
                "{size} bytes is more than the cache holds ({})",
                self.limits.max_bytes
            ));
        }
        made_empty(&self.name, Step::Take);
        let db = self.open().await?;
        let k = key(backend, queue);
        let evicted = async {
            let tx = db
                .transaction(&[READS, META], TransactionMode::ReadWrite)
                .map_err(err)?;
            let reads = tx.object_store(READS).map_err(err)?;
            let metas = tx.object_store(META).map_err(err)?;
            let all: Vec<EntryInfo> = metas
                .get_all(None, None)
                .map_err(err)?
                .await
                .map_err(err)?
                .iter()
                .filter_map(entry_info)
                .filter(|e| !(e.backend == backend && e.queue == queue))
                .collect();
            // Strictly after every other entry, so "oldest" is the order
            // of storing even within one millisecond.
            let latest = all.iter().map(|e| e.stored_at).fold(f64::MIN, f64::max);
            let info = EntryInfo {
                backend: backend.to_string(),
                queue: queue.to_string(),
                bytes: size,
                stored_at: js_sys::Date::now().max(latest + 1.0),
                generated_at: prepared.generated_at() as f64,
            };
            reads
                .put(&data, Some(&k))
                .map_err(err)?
                .await
                .map_err(err)?;
            metas
                .put(&meta_record(&info)?, Some(&k))
                .map_err(err)?
                .await
                .map_err(err)?;
            // Oldest first; evict until the limits hold (never the new one).
            let all = oldest_first(all);
            let mut total: usize = all.iter().map(|e| e.bytes).sum::<usize>() + info.bytes;
            let mut count = all.len() + 1;
            let mut evicted = Vec::new();
            for e in all {
                if count <= self.limits.max_queues && total <= self.limits.max_bytes {
                    break;
                }
                let old = key(&e.backend, &e.queue);
                reads.delete(old.clone()).map_err(err)?.await.map_err(err)?;
                metas.delete(old).map_err(err)?.await.map_err(err)?;
                total = total.saturating_sub(e.bytes);
                count -= 1;
                evicted.push(e);
            }
            tx.commit().map_err(err)?.await.map_err(err)?;
            Ok::<_, String>(evicted)
        }
        .await;
        db.close();
        evicted
    }

    /// Deletes one entry.
    async fn delete(&self, backend: &str, queue: &str) -> Result<(), String> {
        self.remove(Some(key(backend, queue))).await
    }

    /// Empties the cache.
    pub async fn clear(&self) -> Result<(), String> {
        self.remove(None).await
    }

    /// Removes the entry with this key from both stores, or everything.
    async fn remove(&self, one: Option<JsValue>) -> Result<(), String> {
        let db = self.open().await?;
        let done = async {
            let tx = db
                .transaction(&[READS, META], TransactionMode::ReadWrite)
                .map_err(err)?;
            for name in [READS, META] {
                let store = tx.object_store(name).map_err(err)?;
                match &one {
                    Some(k) => store.delete(k.clone()).map_err(err)?.await.map_err(err)?,
                    None => store.clear().map_err(err)?.await.map_err(err)?,
                }
            }
            tx.commit().map_err(err)?.await.map_err(err)?;
            Ok(())
        }
        .await;
        db.close();
        done
    }

    /// What the cache holds, oldest first.
    pub async fn entries(&self) -> Result<Vec<EntryInfo>, String> {
        let db = self.open().await?;
        let all = async {
            let tx = db
                .transaction(&[META], TransactionMode::ReadOnly)
                .map_err(err)?;
            let metas = tx.object_store(META).map_err(err)?;
            let all = metas.get_all(None, None).map_err(err)?.await.map_err(err)?;
            Ok::<_, String>(all.iter().filter_map(entry_info).collect::<Vec<_>>())
        }
        .await;
        db.close();
        Ok(oldest_first(all?))
    }

    /// Puts raw bytes where a read of `queue` goes (tests: a damaged or
    /// foreign entry).
    #[cfg(test)]
    pub async fn put_raw(&self, backend: &str, queue: &str, value: &JsValue) -> Result<(), String> {
        made_empty(&self.name, Step::Take);
        let db = self.open().await?;
        let tx = db
            .transaction(&[READS], TransactionMode::ReadWrite)
            .map_err(err)?;
        let reads = tx.object_store(READS).map_err(err)?;
        reads
            .put(value, Some(&key(backend, queue)))
            .map_err(err)?
            .await
            .map_err(err)?;
        tx.commit().map_err(err)?.await.map_err(err)?;
        db.close();
        Ok(())
    }
}

/// A read encoded straight into a JS `Uint8Array`: the chunks are copied
/// out of the wasm memory as they are made, so the entry (8.6 MB at 100k
/// jobs) never sits in the linear memory, whose size is a high-water mark.
fn encode(span: (Ms, Ms), prepared: &Prepared) -> Uint8Array {
    let mut chunks: Vec<Uint8Array> = Vec::new();
    format::encode_chunks(span, prepared, &mut |c| chunks.push(Uint8Array::from(c)));
    let total: u32 = chunks.iter().map(Uint8Array::length).sum();
    let out = Uint8Array::new_with_length(total);
    let mut at = 0;
    for c in &chunks {
        out.set(c, at);
        at += c.length();
    }
    out
}

/// The cache as the app uses it: [`CacheDb`] on [`DB_NAME`], with problems
/// turned into notices. Provided as a context.
#[derive(Clone, Copy)]
pub struct Cache {
    db: StoredValue<CacheDb>,
    notices: Notices,
    /// Bumped when the cache was cleared (the control shows it).
    pub cleared: RwSignal<u32>,
}

impl Cache {
    /// The app's cache, provided as a context.
    pub fn provide(notices: Notices) -> Cache {
        let c = Cache::new(CacheDb::new(DB_NAME, LIMITS), notices);
        provide_context(c);
        c
    }

    /// A cache over `db` (tests pass their own database).
    pub fn new(db: CacheDb, notices: Notices) -> Cache {
        Cache {
            db: StoredValue::new(db),
            notices,
            cleared: RwSignal::new(0),
        }
    }

    fn db(&self) -> CacheDb {
        self.db.get_value()
    }

    /// Starts opening the database ([`CacheDb::warm`]): called before the
    /// dashboard's first render, when there is a backend to cache reads of.
    pub fn warm(&self) {
        self.db().warm();
    }

    /// The cached read of `queue` on `backend`, if there is a usable one;
    /// an unusable one is dropped with a notice.
    pub async fn load(&self, backend: &str, queue: &str) -> Option<CachedRead> {
        match self.db().load(backend, queue).await {
            Lookup::Hit(read) => Some(*read),
            Lookup::Miss => None,
            Lookup::Dropped(why) => {
                self.notices.extend([Notice::CacheDropped {
                    queue: queue.to_string(),
                    why,
                }]);
                None
            }
        }
    }

    /// Keeps the read of `span` as the last complete read of `queue` on
    /// `backend`. Failing to store is not worth a notice (the data is on
    /// screen; the next reopen reads from the backend): it goes to the console.
    pub async fn store(&self, backend: &str, queue: &str, span: (Ms, Ms), prepared: &Prepared) {
        if let Err(e) = self.db().store(backend, queue, span, prepared).await {
            web_sys::console::warn_1(&format!("queuescope: not cached: {e}").into());
        }
    }

    /// Empties the cache; a notice says it was done (or why not).
    pub async fn clear(&self) -> Result<(), String> {
        let done = self.db().clear().await;
        match &done {
            Ok(()) => self.cleared.update(|n| *n += 1),
            Err(e) => self.notices.extend([Notice::CacheClearFailed(e.clone())]),
        }
        done
    }

    /// What the cache holds, oldest first.
    pub async fn entries(&self) -> Result<Vec<EntryInfo>, String> {
        self.db().entries().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use queuescope_core::analysis::PreparedBuilder;
    use queuescope_core::contract::{RawJob, RawTransition};
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// A database of its own per test (they share one origin).
    fn db(test: &str, limits: Limits) -> CacheDb {
        CacheDb::new(&format!("queuescope-cache-test-{test}"), limits)
    }

    /// Test `test`'s database, deleted first: the next open makes it anew.
    async fn new_db(test: &str) -> CacheDb {
        let c = db(test, LIMITS);
        if let Ok(f) = Factory::new() {
            if let Ok(del) = f.delete(&c.name) {
                let _ = del.await;
            }
        }
        c
    }

    fn read(generated_at: i64, jobs: usize) -> CachedRead {
        let raw: Vec<RawJob> = (0..jobs)
            .map(|i| RawJob {
                id: format!("job-{i}"),
                job: "train".into(),
                run_id: (i % 2 == 0).then(|| format!("run-{i}")),
                run_name: None,
                project: Some("vision".into()),
                entity: None,
                user: Some("ada".into()),
                labels: Default::default(),
                transitions: vec![RawTransition {
                    state: "queued".into(),
                    at: "2026-11-28T08:00:00Z".into(),
                }],
                errors: Vec::new(),
            })
            .collect();
        let mut b = PreparedBuilder::new();
        b.push_raw_jobs(generated_at, &raw);
        CachedRead {
            span: (generated_at - 1000, generated_at),
            prepared: b.finish().0,
        }
    }

    fn encode(r: &CachedRead) -> Vec<u8> {
        format::encode(r.span, &r.prepared)
    }

    /// Stores `r` (as the loader does, from its parts).
    async fn put(c: &CacheDb, q: &str, r: &CachedRead) -> Result<Vec<EntryInfo>, String> {
        c.store(B, q, r.span, &r.prepared).await
    }

    const B: &str = "http://127.0.0.1:8787/api/v1";

    fn queues(entries: &[EntryInfo]) -> Vec<&str> {
        entries.iter().map(|e| e.queue.as_str()).collect()
    }

    #[wasm_bindgen_test]
    async fn a_read_round_trips_per_backend_and_queue() {
        let c = db("round-trip", LIMITS);
        c.clear().await.expect("cleared");
        assert_eq!(c.load(B, "q").await, Lookup::Miss);
        let r = read(1_795_856_400_000, 500);
        assert_eq!(put(&c, "q", &r).await, Ok(Vec::new()));
        assert_eq!(c.load(B, "q").await, Lookup::Hit(Box::new(r.clone())));
        assert_eq!(c.load("http://other/api", "q").await, Lookup::Miss);
        assert_eq!(c.load(B, "other").await, Lookup::Miss);
        // A newer read replaces the older one.
        let newer = read(1_795_856_460_000, 3);
        put(&c, "q", &newer).await.expect("stored");
        assert_eq!(c.load(B, "q").await, Lookup::Hit(Box::new(newer.clone())));
        let entries = c.entries().await.expect("entries");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].backend, B);
        assert_eq!(entries[0].generated_at, newer.generated_at() as f64);
        assert_eq!(entries[0].bytes, encode(&newer).len());
    }

    /// A lookup while the warming open of a new database is still under
    /// way waits behind it and finds the database made.
    #[wasm_bindgen_test]
    async fn a_lookup_right_after_warm_finds_the_database_made() {
        let c = new_db("warm").await;
        c.warm();
        assert_eq!(c.load(B, "q").await, Lookup::Miss);
        let r = read(1_795_856_400_000, 3);
        assert_eq!(put(&c, "q", &r).await, Ok(Vec::new()));
        c.warm();
        assert_eq!(c.load(B, "q").await, Lookup::Hit(Box::new(r)));
    }

    /// A database this page just made answers the first lookup with a miss
    /// before it is committed, unless something was stored first.
    #[wasm_bindgen_test]
    async fn a_store_before_the_first_lookup_is_found() {
        let c = new_db("made").await;
        c.warm();
        let r = read(1_795_856_400_000, 3);
        assert_eq!(put(&c, "q", &r).await, Ok(Vec::new()));
        assert_eq!(c.load(B, "q").await, Lookup::Hit(Box::new(r)));
    }

    #[wasm_bindgen_test]
    async fn another_format_version_is_dropped() {
        let c = db("version", LIMITS);
        c.clear().await.expect("cleared");
        let mut bytes = encode(&read(1, 2));
        bytes[4] = bytes[4].wrapping_add(1);
        let value: JsValue = Uint8Array::from(bytes.as_slice()).into();
        c.put_raw(B, "q", &value).await.expect("put");
        match c.load(B, "q").await {
            Lookup::Dropped(why) => assert_eq!(why, CacheTrouble::OtherVersion),
            other => panic!("{other:?}"),
        }
        assert_eq!(c.load(B, "q").await, Lookup::Miss, "deleted");
    }

    #[wasm_bindgen_test]
    async fn a_corrupt_entry_is_dropped_with_a_notice() {
        let c = db("corrupt", LIMITS);
        c.clear().await.expect("cleared");
        let bytes = encode(&read(1, 50));
        let cut: JsValue = Uint8Array::from(&bytes[..bytes.len() / 2]).into();
        c.put_raw(B, "cut", &cut).await.expect("put");
        c.put_raw(B, "text", &JsValue::from_str("{\"jobs\": []}"))
            .await
            .expect("put");
        let owner = Owner::new();
        let (cache, notices) = owner.with(|| {
            let notices = Notices::provide();
            (Cache::new(c.clone(), notices), notices)
        });
        assert_eq!(cache.load(B, "cut").await, None);
        assert_eq!(cache.load(B, "text").await, None);
        let shown: Vec<String> = notices
            .get()
            .iter()
            .map(crate::i18n::notices::notice_en)
            .collect();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(
            shown[0].contains("“cut” could not be read (damaged"),
            "{}",
            shown[0]
        );
        assert!(
            shown[1].contains("“text” could not be read (not bytes)"),
            "{}",
            shown[1]
        );
        assert!(shown.iter().all(|n| n.contains("dropped")));
        assert_eq!(c.load(B, "cut").await, Lookup::Miss, "deleted");
        assert_eq!(c.load(B, "text").await, Lookup::Miss, "deleted");
        // A good entry next to them is untouched.
        put(&c, "good", &read(2, 5)).await.expect("stored");
        assert_eq!(cache.load(B, "good").await, Some(read(2, 5)));
        assert_eq!(notices.get().len(), 2);
    }

    #[wasm_bindgen_test]
    async fn the_oldest_queues_are_evicted() {
        let c = db(
            "evict-count",
            Limits {
                max_queues: 2,
                max_bytes: 1 << 30,
            },
        );
        c.clear().await.expect("cleared");
        for q in ["a", "b"] {
            assert_eq!(put(&c, q, &read(1, 10)).await, Ok(Vec::new()));
        }
        // Storing `a` again makes `b` the oldest.
        put(&c, "a", &read(2, 10)).await.expect("stored");
        let evicted = put(&c, "c", &read(1, 10)).await.expect("stored");
        assert_eq!(queues(&evicted), ["b"]);
        assert_eq!(queues(&c.entries().await.expect("entries")), ["a", "c"]);
        assert_eq!(c.load(B, "b").await, Lookup::Miss);
        // By size: room for about two of these reads.
        let size = encode(&read(1, 200)).len();
        let c = db(
            "evict-bytes",
            Limits {
                max_queues: 10,
                max_bytes: size * 5 / 2,
            },
        );
        c.clear().await.expect("cleared");
        for q in ["x", "y", "z"] {
            put(&c, q, &read(1, 200)).await.expect("stored");
        }
        assert_eq!(queues(&c.entries().await.expect("entries")), ["y", "z"]);
        let big = read(1, 2000);
        assert!(
            put(&c, "big", &big).await.is_err(),
            "more than the cache holds"
        );
        assert_eq!(queues(&c.entries().await.expect("entries")), ["y", "z"]);
    }

    #[wasm_bindgen_test]
    async fn clear_empties_it() {
        let c = db("clear", LIMITS);
        for q in ["a", "b"] {
            put(&c, q, &read(1, 10)).await.expect("stored");
        }
        assert_eq!(c.entries().await.expect("entries").len(), 2);
        let owner = Owner::new();
        let cache = owner.with(|| Cache::new(c.clone(), Notices::provide()));
        let before = cache.cleared.get_untracked();
        cache.clear().await.expect("cleared");
        assert_eq!(cache.cleared.get_untracked(), before + 1);
        assert!(c.entries().await.expect("entries").is_empty());
        assert_eq!(c.load(B, "a").await, Lookup::Miss);
    }
}
