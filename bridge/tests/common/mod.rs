//! Test helpers: fake sources (a tiny axum server whose answers a test
//! changes at will, including "hang until released") and the bridge binary
//! as a real process, on 127.0.0.1 only.

#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// What a fake source answers.
#[derive(Clone, Debug)]
pub enum Reply {
    /// 200 with this JSON.
    Json(String),
    /// This status with this body.
    Status(u16, String),
    /// Never answers until [`Fake::release`].
    Hang,
}

/// A request as a fake source sees it.
pub struct Req {
    /// The path.
    pub path: String,
    /// The body.
    pub body: String,
    /// The headers (lower-case names).
    pub headers: HashMap<String, String>,
}

/// Decides the reply to a request.
pub type Responder = Arc<dyn Fn(&Req) -> Reply + Send + Sync>;

struct Inner {
    responder: Mutex<Responder>,
    hits: Mutex<HashMap<String, usize>>,
    release: Notify,
}

/// A fake source on 127.0.0.1.
#[derive(Clone)]
pub struct Fake {
    inner: Arc<Inner>,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Fake {
    /// Starts a fake answering with `responder`.
    pub async fn start(responder: Responder) -> Fake {
        let inner = Arc::new(Inner {
            responder: Mutex::new(responder),
            hits: Mutex::new(HashMap::new()),
            release: Notify::new(),
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&inner));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Fake { inner, url }
    }

    /// A fake that answers each path from a map (404 otherwise).
    pub async fn paths(map: Vec<(&str, Reply)>) -> Fake {
        Fake::start(paths_responder(map)).await
    }

    /// Changes the answers.
    pub fn set(&self, responder: Responder) {
        *self.inner.responder.lock().unwrap() = responder;
    }

    /// Requests received for `path` so far.
    pub fn hits(&self, path: &str) -> usize {
        self.inner
            .hits
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// Lets every hanging request go on (they then get the current answer).
    pub fn release(&self) {
        self.inner.release.notify_waiters();
    }
}

/// A responder from a fixed path map.
pub fn paths_responder(map: Vec<(&str, Reply)>) -> Responder {
    let map: HashMap<String, Reply> = map.into_iter().map(|(p, r)| (p.to_string(), r)).collect();
    Arc::new(move |req| {
        map.get(&req.path)
            .cloned()
            .unwrap_or_else(|| Reply::Status(404, format!("no fixture for {}", req.path)))
    })
}

async fn handle(
    State(inner): State<Arc<Inner>>,
    uri: Uri,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let req = Req {
        path: uri.path().to_string(),
        body: String::from_utf8_lossy(&body).to_string(),
        headers: headers
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect(),
    };
    *inner
        .hits
        .lock()
        .unwrap()
        .entry(req.path.clone())
        .or_insert(0) += 1;
    loop {
        let responder = Arc::clone(&inner.responder.lock().unwrap());
        match responder(&req) {
            Reply::Json(j) => return ([("content-type", "application/json")], j).into_response(),
            Reply::Status(s, b) => return (StatusCode::from_u16(s).unwrap(), b).into_response(),
            Reply::Hang => inner.release.notified().await,
        }
    }
}

/// The bridge binary as a process; killed (SIGKILL) when dropped.
pub struct Bridge {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Its stderr (the log).
    pub log: PathBuf,
}

impl Bridge {
    /// Writes `config` to `dir/bridge.toml` and starts the bridge on a free
    /// port with `env` set; waits for its `listening on` line.
    pub fn start(dir: &Path, config: &str, env: &[(&str, &str)]) -> Bridge {
        let cfg = dir.join("bridge.toml");
        std::fs::write(&cfg, config).unwrap();
        let log = dir.join(format!(
            "bridge-{}.log",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_queuescope-bridge"));
        cmd.arg("--config")
            .arg(&cfg)
            .arg("--listen")
            .arg("127.0.0.1:0")
            .env_remove("QUEUESCOPE_BRIDGE_TOKEN")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(first)) = lines.next() {
                let _ = tx.send(first);
            }
            for _ in lines {}
        });
        let first = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no `listening on` line; log:\n{}", read(&log)));
        let url = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_string();
        Bridge { child, url, log }
    }

    /// `url` + `path`.
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// SIGKILL, no goodbye.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The log so far.
    pub fn log_text(&self) -> String {
        read(&self.log)
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        self.kill();
    }
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

/// GET `url` as JSON (with an optional bearer token): (status, body).
pub async fn get(url: &str, token: Option<&str>) -> (u16, serde_json::Value) {
    let mut req = reqwest::Client::new().get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

/// Polls `check` every 50 ms until it returns `Some`, failing after 30 s.
pub async fn wait_until<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The state of source `id` in `/healthz`, once it has one.
pub async fn source_state(bridge: &Bridge, id: &str) -> (String, serde_json::Value) {
    let (_, h) = get(&bridge.at("/healthz"), None).await;
    let s = h["sources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["id"] == id)
        .cloned()
        .unwrap_or_default();
    (s["state"].as_str().unwrap_or_default().to_string(), s)
}

/// Waits until source `id` has had a successful poll after `after` (its
/// `last_ok`, RFC 3339), and returns the new `last_ok`.
pub async fn next_ok(bridge: &Bridge, id: &str, after: Option<&str>) -> String {
    let after = after.map(|s| s.to_string());
    wait_until(&format!("a successful poll of {id}"), || {
        let after = after.clone();
        async move {
            let (_, s) = source_state(bridge, id).await;
            let ok = s["last_ok"].as_str()?.to_string();
            (after.as_deref() != Some(ok.as_str()) && s["state"] == "ok").then_some(ok)
        }
    })
    .await
}

/// Every job of `queue` in [from, to), following the cursor; also returns
/// the `generated_at` of the pages and how many pages there were.
pub async fn all_jobs(
    bridge: &Bridge,
    queue: &str,
    range: &str,
    token: Option<&str>,
) -> (Vec<serde_json::Value>, String, usize) {
    let mut jobs = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut url = bridge.at(&format!("/api/v1/queues/{queue}/jobs?{range}"));
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let (status, page) = get(&url, token).await;
        assert_eq!(status, 200, "{url}: {page}");
        pages += 1;
        jobs.extend(page["jobs"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => {
                return (
                    jobs,
                    page["generated_at"].as_str().unwrap().to_string(),
                    pages,
                )
            }
        }
    }
}

/// A fixture file's text.
pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    queuescope_bridge::poller::now_ms()
}

/// Waits until source `id` has had a successful poll that started after
/// `ms`; returns its `last_ok`.
pub async fn ok_after(bridge: &Bridge, id: &str, ms: i64) -> String {
    wait_until(&format!("a poll of {id} after {ms}"), || async {
        let (_, s) = source_state(bridge, id).await;
        let ok = s["last_ok"].as_str()?.to_string();
        let at = queuescope_core::time::parse_rfc3339(&ok).ok()?;
        (at > ms && s["state"] == "ok").then_some(ok)
    })
    .await
}
