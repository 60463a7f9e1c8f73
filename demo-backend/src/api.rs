//! The REST contract of SPEC §2 as a pure function from (method, URL) to a
//! reply, so routing, paging and every error answer are unit-tested
//! without sockets. `main` only moves bytes and adds the CORS headers.

use crate::store::{QueueData, Store};
use queuescope_core::contract::{RawSeries, MAX_RUN_IDS_PER_REQUEST};
use queuescope_core::demo::run_metrics;
use queuescope_core::model::Ms;
use queuescope_core::parse::Metric;
use queuescope_core::time::parse_rfc3339;

/// Every endpoint lives under this path: `api_base` is `http://HOST:PORT/api/v1`.
pub const BASE: &str = "/api/v1";

/// An answer, before it becomes HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` value.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
}

const JSON: &str = "application/json; charset=utf-8";

impl Reply {
    fn json(body: String) -> Reply {
        Reply {
            status: 200,
            content_type: JSON,
            body,
        }
    }

    /// A 4xx/5xx answer with the contract's `{"error": "..."}` body.
    pub fn error(status: u16, message: &str) -> Reply {
        Reply {
            status,
            content_type: JSON,
            body: serde_json::json!({ "error": message }).to_string(),
        }
    }
}

/// Answers one request. Never panics, whatever the URL.
pub fn handle(store: &Store, method: &str, url: &str, page_size: usize) -> Reply {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let path = path.trim_end_matches('/');
    match method {
        "OPTIONS" => {
            // CORS preflight; the allow headers are added by the caller.
            return Reply {
                status: 204,
                content_type: "text/plain; charset=utf-8",
                body: String::new(),
            };
        }
        "GET" | "HEAD" => {}
        other => {
            return Reply::error(
                405,
                &format!("method {other} not allowed: this API is read-only"),
            )
        }
    }
    if path == "/healthz" {
        return Reply {
            status: 200,
            content_type: "text/plain; charset=utf-8",
            body: "ok".into(),
        };
    }
    let Some(rest) = path.strip_prefix(BASE) else {
        return not_found(path);
    };
    let segments: Vec<String> = rest.split('/').skip(1).map(percent_decode).collect();
    let params = Params::parse(query);
    match segments
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["queues"] => Reply::json(store.queues_body.clone()),
        ["queues", id, endpoint @ ("jobs" | "metrics")] => match store.queue(id) {
            None => Reply::error(404, &format!("unknown queue {id:?}")),
            Some(q) if *endpoint == "jobs" => jobs(store, q, &params, page_size),
            Some(q) => metrics(store, q, &params),
        },
        _ => not_found(path),
    }
}

fn not_found(path: &str) -> Reply {
    Reply::error(
        404,
        &format!("no such endpoint: {path} (try {BASE}/queues, {BASE}/queues/ID/jobs?from=..&to=.., {BASE}/queues/ID/metrics?run_ids=..)"),
    )
}

/// `GET /queues/{id}/jobs?from&to[&cursor]`.
fn jobs(store: &Store, q: &QueueData, params: &Params, page_size: usize) -> Reply {
    let (from, to) = match (params.time("from"), params.time("to")) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return Reply::error(400, &e),
    };
    if from >= to {
        return Reply::error(400, "`from` must be before `to`");
    }
    let at = match params.get("cursor") {
        None => 0,
        Some(c) => match decode_cursor(c, &q.id, from, to) {
            Some(at) if at <= q.entries.len() => at,
            _ => {
                return Reply::error(
                    400,
                    "bad cursor: pass back next_cursor unchanged, with the same from and to",
                )
            }
        },
    };
    let (page, next) = q.page(from, to, at, page_size);
    let next = match next {
        Some(n) => format!("\"{}\"", encode_cursor(n, &q.id, from, to)),
        None => "null".to_string(),
    };
    let mut body = String::with_capacity(page.iter().map(|j| j.len() + 1).sum::<usize>() + 96);
    body.push_str("{\"jobs\":[");
    body.push_str(&page.join(","));
    body.push_str("],\"next_cursor\":");
    body.push_str(&next);
    body.push_str(",\"generated_at\":\"");
    body.push_str(&store.generated_at_text());
    body.push_str("\"}");
    Reply::json(body)
}

/// `GET /queues/{id}/metrics?run_ids=a,b,...`.
fn metrics(store: &Store, q: &QueueData, params: &Params) -> Reply {
    let mut ids: Vec<&str> = Vec::new();
    for id in params
        .get("run_ids")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
    {
        if !id.is_empty() && !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Reply::error(
            400,
            "`run_ids` is required: a comma-separated list of run ids",
        );
    }
    if ids.len() > MAX_RUN_IDS_PER_REQUEST {
        return Reply::error(
            400,
            &format!(
                "at most {MAX_RUN_IDS_PER_REQUEST} run ids per request ({} given): batch them",
                ids.len()
            ),
        );
    }
    let mut series: Vec<String> = Vec::new();
    if q.fixture_series.is_empty() {
        for id in &ids {
            let Some(job) = q
                .runs
                .get(*id)
                .and_then(|&i| q.entries.get(i))
                .and_then(|e| e.job.as_ref())
            else {
                continue;
            };
            for metric in Metric::ALL {
                if let Some(s) = run_metrics(store.seed, job, store.generated_at, metric) {
                    let raw = RawSeries {
                        run_id: s.run_id,
                        metric: s.metric.as_str().to_string(),
                        t: s.t,
                        v: s.v,
                    };
                    series.push(serde_json::to_string(&raw).unwrap_or_default());
                }
            }
        }
    } else {
        // A fixture's own series, verbatim (bad ones included).
        series.extend(
            q.fixture_series
                .iter()
                .filter(|(run, _)| run.as_deref().is_some_and(|r| ids.contains(&r)))
                .map(|(_, json)| json.clone()),
        );
    }
    Reply::json(format!("{{\"series\":[{}]}}", series.join(",")))
}

/// Query parameters, percent-decoded; the first of a repeated key wins.
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(query: &str) -> Params {
        Params(
            query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (percent_decode(k), percent_decode(v))
                })
                .collect(),
        )
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A required RFC 3339 time.
    fn time(&self, key: &str) -> Result<Ms, String> {
        let v = self
            .get(key)
            .ok_or_else(|| format!("`{key}` is required (RFC 3339, e.g. 2026-11-21T08:00:00Z)"))?;
        parse_rfc3339(v).map_err(|e| format!("`{key}`: {e}"))
    }
}

/// Decodes `%XX` escapes. `+` stays `+` (not a space): the only values with
/// a `+` are time offsets like `+09:00`, which clients often send unescaped.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(x)) => {
                out.push(x);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A stable hash (FNV-1a) that ties a cursor to its query.
fn fnv(parts: &[&[u8]]) -> u64 {
    parts
        .iter()
        .flat_map(|p| p.iter().chain(&[0xff]))
        .fold(0xcbf2_9ce4_8422_2325, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

fn cursor_check(at: usize, queue: &str, from: Ms, to: Ms) -> u32 {
    let h = fnv(&[
        queue.as_bytes(),
        &from.to_le_bytes(),
        &to.to_le_bytes(),
        &(at as u64).to_le_bytes(),
    ]);
    (h >> 32) as u32
}

/// An opaque cursor: where the next page starts, plus a check that ties it
/// to the queue and range it was made for (so a cursor reused with other
/// `from`/`to` is refused instead of silently skipping jobs).
fn encode_cursor(at: usize, queue: &str, from: Ms, to: Ms) -> String {
    format!("{at:x}.{:08x}", cursor_check(at, queue, from, to))
}

fn decode_cursor(c: &str, queue: &str, from: Ms, to: Ms) -> Option<usize> {
    let (at, check) = c.split_once('.')?;
    let at = usize::from_str_radix(at, 16).ok()?;
    let check = u32::from_str_radix(check, 16).ok()?;
    (check == cursor_check(at, queue, from, to)).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use queuescope_core::demo::DemoConfig;
    use serde_json::Value;

    fn store() -> Store {
        Store::generated(&DemoConfig {
            jobs: 400,
            ..DemoConfig::default()
        })
    }

    fn get(s: &Store, url: &str) -> (u16, Value) {
        let r = handle(s, "GET", url, 50);
        let v = serde_json::from_str(&r.body).unwrap_or(Value::Null);
        (r.status, v)
    }

    #[test]
    fn errors_are_json_with_the_right_status() {
        let s = store();
        let range = "from=2026-11-21T00:00:00Z&to=2026-11-28T00:00:00Z";
        let cases = [
            ("/api/v1/nothing", 404),
            ("/", 404),
            (
                "/api/v1/queues/nope/jobs?from=2026-11-21T00:00:00Z&to=2026-11-28T00:00:00Z",
                404,
            ),
            ("/api/v1/queues/a100-pool/jobs", 400),
            (
                "/api/v1/queues/a100-pool/jobs?from=yesterday&to=2026-11-28T00:00:00Z",
                400,
            ),
            (
                "/api/v1/queues/a100-pool/jobs?from=2026-11-28T00:00:00Z&to=2026-11-28T00:00:00Z",
                400,
            ),
            (
                &format!("/api/v1/queues/a100-pool/jobs?{range}&cursor=zz"),
                400,
            ),
            (
                &format!("/api/v1/queues/a100-pool/jobs?{range}&cursor=1.00000000"),
                400,
            ),
            ("/api/v1/queues/a100-pool/metrics", 400),
            ("/api/v1/queues/a100-pool/metrics?run_ids=,,", 400),
        ];
        for (url, status) in cases {
            let (st, v) = get(&s, url);
            assert_eq!(st, status, "{url}");
            assert!(
                v["error"].as_str().is_some_and(|e| !e.is_empty()),
                "{url}: {v}"
            );
        }
        assert_eq!(handle(&s, "POST", "/api/v1/queues", 10).status, 405);
        assert_eq!(handle(&s, "OPTIONS", "/api/v1/queues", 10).status, 204);
        assert_eq!(handle(&s, "GET", "/healthz", 10).body, "ok");
    }

    #[test]
    fn cursor_is_tied_to_its_query() {
        let c = encode_cursor(17, "q", 1, 2);
        assert_eq!(decode_cursor(&c, "q", 1, 2), Some(17));
        assert_eq!(decode_cursor(&c, "q", 1, 3), None);
        assert_eq!(decode_cursor(&c, "r", 1, 2), None);
        assert_eq!(decode_cursor("", "q", 1, 2), None);
    }

    #[test]
    fn percent_decoding_keeps_plus_and_survives_junk() {
        assert_eq!(
            percent_decode("2026-11-21T17%3A00%3A00%2B09%3A00"),
            "2026-11-21T17:00:00+09:00"
        );
        assert_eq!(
            percent_decode("2026-11-21T17:00:00+09:00"),
            "2026-11-21T17:00:00+09:00"
        );
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%C3%A9"), "é");
    }

    #[test]
    fn offsets_other_than_z_work() {
        let s = store();
        let (a, va) = get(&s, "/api/v1/queues/cpu-batch/jobs?from=2026-11-27T09:00:00%2B09:00&to=2026-11-28T09:00:00+09:00");
        let (b, vb) = get(
            &s,
            "/api/v1/queues/cpu-batch/jobs?from=2026-11-27T00:00:00Z&to=2026-11-28T00:00:00Z",
        );
        assert_eq!((a, b), (200, 200));
        assert_eq!(va["jobs"], vb["jobs"]);
    }
}
