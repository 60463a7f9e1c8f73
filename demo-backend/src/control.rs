//! The loopback control endpoint tests use to switch faults while the
//! server runs and to read which requests it saw:
//!
//! - `GET /_control/faults`: the active faults, a JSON list of specs.
//! - `PUT /_control/faults` with a JSON list of specs (`["slow:2000@jobs"]`,
//!   `[]` for none): replaces them all and answers the new list; a bad spec
//!   is a 400 `{"error": ...}` and changes nothing. Requests held by `hang`
//!   are then answered (503).
//! - `GET /_control/requests[?since=SEQ]`: every API request so far (or
//!   from `seq` SEQ on), in arrival order: `{"seq", "method", "path"
//!   (path and query as sent), "status", "bytes", "at_ms", "authorization"}`
//!   (`status` and `bytes` are `null` for a request that is hanging; `at_ms`
//!   is when it arrived, wall clock ms since 1970, for tests of the refresh's
//!   timing; `authorization` is the header as sent, `null` without one). The log keeps the last
//!   [`LOG_CAP`] requests.
//! - `DELETE /_control/requests`: empties the log (`seq` keeps counting).
//!
//! Control requests are neither logged nor faulted.

use crate::api::Reply;
use crate::faults::Fault;
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError, RwLock};

/// Path prefix of the control endpoint.
pub const PREFIX: &str = "/_control/";

/// Most requests the log keeps (the oldest go first).
pub const LOG_CAP: usize = 100_000;

/// One request as the backend saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Logged {
    /// Position in arrival order, from 0.
    pub seq: u64,
    /// `GET`, `OPTIONS`, ...
    pub method: String,
    /// Path and query, as sent.
    pub path: String,
    /// Status answered; `None` while hanging.
    pub status: Option<u16>,
    /// Bytes of the body answered; `None` while hanging.
    pub bytes: Option<usize>,
    /// Arrival, wall clock ms since 1970 (the real clock, not live mode's).
    pub at_ms: u64,
    /// The `Authorization` header as sent (`None`: none), so a test sees
    /// the bearer token a host page handed the app.
    pub authorization: Option<String>,
}

#[derive(Default)]
struct Log {
    entries: VecDeque<Logged>,
    next: u64,
}

/// Shared by every worker: the active faults and the request log.
#[derive(Default)]
pub struct Control {
    faults: RwLock<Vec<Fault>>,
    log: Mutex<Log>,
}

impl Control {
    /// Starts with these faults (from `--fault`).
    pub fn new(faults: Vec<Fault>) -> Control {
        Control {
            faults: RwLock::new(faults),
            log: Mutex::default(),
        }
    }

    /// The active faults, for one request. A poisoned lock (a worker
    /// panicked while holding it) still holds a whole list: use it.
    pub fn faults(&self) -> Vec<Fault> {
        self.faults
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Logs one request (method, path and `Authorization` header);
    /// `answered` is (status, body bytes), `None` for a hang.
    pub fn record(
        &self,
        (method, path, authorization): (&str, &str, Option<&str>),
        answered: Option<(u16, usize)>,
    ) {
        let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        let seq = log.next;
        log.next += 1;
        if log.entries.len() == LOG_CAP {
            log.entries.pop_front();
        }
        log.entries.push_back(Logged {
            seq,
            method: method.to_string(),
            path: path.to_string(),
            status: answered.map(|a| a.0),
            bytes: answered.map(|a| a.1),
            at_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            authorization: authorization.map(str::to_string),
        });
    }

    /// Answers a control request (`url` starts with [`PREFIX`]). The bool
    /// says whether the faults were replaced.
    pub fn handle(&self, method: &str, url: &str, body: &str) -> (Reply, bool) {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        match (method, path.trim_end_matches('/')) {
            ("GET", "/_control/faults") => (self.faults_reply(), false),
            ("PUT", "/_control/faults") => match parse_faults(body) {
                Ok(faults) => {
                    *self.faults.write().unwrap_or_else(PoisonError::into_inner) = faults;
                    (self.faults_reply(), true)
                }
                Err(e) => (Reply::error(400, &e), false),
            },
            ("GET", "/_control/requests") => {
                let since = form_urlencoded::parse(query.as_bytes())
                    .find(|(k, _)| k == "since")
                    .and_then(|(_, v)| v.parse::<u64>().ok())
                    .unwrap_or(0);
                let log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
                let list: Vec<&Logged> = log.entries.iter().filter(|e| e.seq >= since).collect();
                (json_reply(200, &list), false)
            }
            ("DELETE", "/_control/requests") => {
                self.log
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .entries
                    .clear();
                (json_reply(200, &Vec::<Logged>::new()), false)
            }
            (_, "/_control/faults" | "/_control/requests") => (
                Reply::error(405, &format!("{method} is not allowed on {path}")),
                false,
            ),
            _ => (
                Reply::error(
                    404,
                    "control endpoints: GET/PUT /_control/faults, GET/DELETE /_control/requests, GET/PUT /_control/clock, POST /_control/jobs/QUEUE[/ID]",
                ),
                false,
            ),
        }
    }

    fn faults_reply(&self) -> Reply {
        let list: Vec<String> = self.faults().iter().map(Fault::to_string).collect();
        json_reply(200, &list)
    }
}

fn json_reply<T: Serialize>(status: u16, value: &T) -> Reply {
    Reply {
        status,
        content_type: "application/json; charset=utf-8",
        body: serde_json::to_string(value).unwrap_or_default(),
    }
}

/// A JSON list of fault specs.
fn parse_faults(body: &str) -> Result<Vec<Fault>, String> {
    let specs: Vec<String> = serde_json::from_str(body).map_err(|e| {
        format!("expected a JSON list of fault specs such as [\"slow:2000@jobs\"]: {e}")
    })?;
    specs.iter().map(|s| s.parse()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn body(r: &Reply) -> Value {
        serde_json::from_str(&r.body).unwrap()
    }

    #[test]
    fn faults_are_replaced_whole_or_not_at_all() {
        let c = Control::new(vec!["hang".parse().unwrap()]);
        let (r, _) = c.handle("GET", "/_control/faults", "");
        assert_eq!(body(&r), serde_json::json!(["hang"]));
        let (r, changed) = c.handle("PUT", "/_control/faults", r#"["slow:5@jobs", "skew:+2d"]"#);
        assert_eq!((r.status, changed), (200, true));
        assert_eq!(body(&r), serde_json::json!(["slow:5@jobs", "skew:2d"]));
        for bad in [r#"["slow:5", "boom"]"#, "{}", "", "[1]"] {
            let (r, changed) = c.handle("PUT", "/_control/faults", bad);
            assert_eq!((r.status, changed), (400, false), "{bad}");
            assert!(body(&r)["error"].is_string());
        }
        assert_eq!(c.faults().len(), 2, "a bad list changes nothing");
        let (r, _) = c.handle("PUT", "/_control/faults/", "[]");
        assert_eq!(body(&r), serde_json::json!([]));
        assert_eq!(c.handle("POST", "/_control/faults", "[]").0.status, 405);
        assert_eq!(c.handle("GET", "/_control/nothing", "").0.status, 404);
    }

    #[test]
    fn the_log_keeps_order_and_reads_from_a_point() {
        let c = Control::default();
        c.record(("GET", "/api/v1/queues", Some("Bearer t")), Some((200, 10)));
        c.record(("GET", "/api/v1/queues/q/jobs?from=a&to=b", None), None);
        c.record(("OPTIONS", "/api/v1/queues", None), Some((204, 0)));
        let (r, _) = c.handle("GET", "/_control/requests", "");
        let mut v = body(&r);
        assert_eq!(v.as_array().unwrap().len(), 3);
        assert!(v[1]["at_ms"].as_u64().unwrap() > 1_700_000_000_000);
        v[1].as_object_mut().unwrap().remove("at_ms");
        assert_eq!(
            v[1],
            serde_json::json!({"seq": 1, "method": "GET",
                "path": "/api/v1/queues/q/jobs?from=a&to=b", "status": null, "bytes": null,
                "authorization": null})
        );
        assert_eq!(v[0]["authorization"], "Bearer t");
        let (r, _) = c.handle("GET", "/_control/requests?since=2", "");
        assert_eq!(body(&r)[0]["method"], "OPTIONS");
        c.handle("DELETE", "/_control/requests", "");
        c.record(("GET", "/healthz", None), Some((200, 2)));
        let (r, _) = c.handle("GET", "/_control/requests", "");
        assert_eq!(body(&r)[0]["seq"], 3, "seq keeps counting");
    }
}
