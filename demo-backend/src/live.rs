//! The clock every answer is "as of", and the control endpoints that move
//! it and change jobs, so a test can say "a job was added or advanced in
//! the backend" and then look at what an incremental read returns:
//!
//! - `GET /_control/clock`: `{"now": T, "live": bool}`.
//! - `PUT /_control/clock` with `{"advance": "90s"}` or `{"to": T}`: moves
//!   the clock forward (never back: that would un-happen data) and answers
//!   the new clock.
//! - `POST /_control/jobs/QUEUE` with a job record: adds it, dated by the
//!   clock. Only `job` is required; `id` defaults to `added-N`,
//!   `transitions` to one `queued`, and a transition's or error's `at` to
//!   the clock's now (no time may lie after it). Answers 201 with
//!   `{"queue", "job": record as served, "at": now}`.
//! - `POST /_control/jobs/QUEUE/ID` with `{"state": S}`, `{"error": M}` or
//!   both: appends a transition into S and/or an error at the clock's now
//!   (a job that has ended takes errors only). Answers 200 like the above.
//!
//! In live mode the clock is the real time (plus what the control moved
//! it); otherwise it stays at the data's `generated_at` until moved.

use crate::api::Reply;
use crate::faults::parse_duration;
use crate::store::{Edit, QueueData, Store};
use queuescope_core::model::{JobState, Ms};
use queuescope_core::parse::check_job;
use queuescope_core::time::{format_rfc3339, parse_rfc3339};
use serde_json::{json, Map, Value};
use std::sync::{Mutex, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Path of the clock control.
pub const CLOCK: &str = "/_control/clock";
/// Path prefix of the job controls.
pub const JOBS: &str = "/_control/jobs/";

/// The instant answers are as of: fixed, or ticking with the real time.
pub struct Clock {
    /// Ticks with the real time.
    pub live: bool,
    start: Ms,
    started: Instant,
    /// What the control endpoint added.
    offset: Mutex<Ms>,
}

/// The real time, in [`Ms`] (0 if the system clock is before 1970).
pub fn real_now() -> Ms {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| Ms::try_from(d.as_millis()).unwrap_or(Ms::MAX))
}

impl Clock {
    /// A clock at `start`, ticking when `live`.
    pub fn new(start: Ms, live: bool) -> Clock {
        Clock {
            live,
            start,
            started: Instant::now(),
            offset: Mutex::new(0),
        }
    }

    fn offset(&self) -> std::sync::MutexGuard<'_, Ms> {
        self.offset.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn read(&self, offset: Ms) -> Ms {
        let ticked = if self.live {
            Ms::try_from(self.started.elapsed().as_millis()).unwrap_or(Ms::MAX)
        } else {
            0
        };
        self.start.saturating_add(ticked).saturating_add(offset)
    }

    /// Now.
    pub fn now(&self) -> Ms {
        self.read(*self.offset())
    }

    /// Moves the clock to `to` (not before now); answers the new now.
    pub fn set(&self, to: Ms) -> Result<Ms, String> {
        let mut offset = self.offset();
        let now = self.read(*offset);
        if to < now {
            return Err(format!(
                "the clock only moves forward: {} is before its now {}",
                format_rfc3339(to),
                format_rfc3339(now)
            ));
        }
        *offset += to - now;
        Ok(to)
    }

    fn json(&self) -> Value {
        json!({"now": format_rfc3339(self.now()), "live": self.live})
    }
}

/// Answers the clock and job controls; `None` for other paths.
pub fn handle(store: &Store, clock: &Clock, method: &str, url: &str, body: &str) -> Option<Reply> {
    let path = url.split_once('?').map_or(url, |(p, _)| p);
    let path = path.trim_end_matches('/');
    if path == CLOCK {
        return Some(match method {
            "GET" => reply(200, clock.json()),
            "PUT" => move_clock(clock, body),
            _ => Reply::error(405, &format!("{method} is not allowed on {CLOCK}")),
        });
    }
    let rest = path.strip_prefix(JOBS)?;
    let segments: Vec<String> = rest
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    if method != "POST" {
        return Some(Reply::error(
            405,
            &format!("{method} is not allowed on {JOBS}..."),
        ));
    }
    let Some(q) = segments.first().and_then(|id| store.queue(id)) else {
        return Some(Reply::error(
            404,
            &format!("unknown queue {:?}", segments.first()),
        ));
    };
    let body = match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(o)) => o,
        _ => return Some(Reply::error(400, "the body must be a JSON object")),
    };
    let now = clock.now();
    let done = match segments.as_slice() {
        [_] => add(q, body, now).map(|k| (201, k)),
        [_, id] => advance(q, id, &body, now, store.live).map(|k| (200, k)),
        _ => Err("control paths: /_control/jobs/QUEUE and /_control/jobs/QUEUE/ID".into()),
    };
    Some(match done {
        Ok((status, k)) => {
            let record = q.record(&q.edits(), k, now, store.live).into_owned();
            let record: Value = serde_json::from_str(&record).unwrap_or(Value::Null);
            reply(
                status,
                json!({"queue": q.id, "job": record, "at": format_rfc3339(now)}),
            )
        }
        Err(e) => Reply::error(400, &e),
    })
}

/// `PUT /_control/clock`.
fn move_clock(clock: &Clock, body: &str) -> Reply {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let to = match (
        v.get("advance").and_then(Value::as_str),
        v.get("to").and_then(Value::as_str),
    ) {
        (Some(d), None) => parse_duration(d).and_then(|d| {
            if d < 0 {
                Err("the clock only moves forward".into())
            } else {
                Ok(clock.now().saturating_add(d))
            }
        }),
        (None, Some(t)) => parse_rfc3339(t),
        _ => Err(r#"expected {"advance": "90s"} or {"to": "2026-11-28T09:00:00Z"}"#.into()),
    };
    match to.and_then(|t| clock.set(t)) {
        Ok(_) => reply(200, clock.json()),
        Err(e) => Reply::error(400, &e),
    }
}

/// `POST /_control/jobs/QUEUE`: the record with its defaults filled in,
/// checked as a client checks it.
fn add(q: &QueueData, mut o: Map<String, Value>, now: Ms) -> Result<usize, String> {
    let at = Value::from(format_rfc3339(now));
    if !o.contains_key("id") {
        let n = q.edits().added.len() + 1;
        o.insert("id".into(), format!("added-{n}").into());
    }
    o.entry("transitions")
        .or_insert_with(|| json!([{"state": "queued"}]));
    for key in ["transitions", "errors"] {
        if let Some(Value::Array(list)) = o.get_mut(key) {
            for item in list.iter_mut().filter_map(Value::as_object_mut) {
                item.entry("at").or_insert_with(|| at.clone());
            }
        }
    }
    let raw = serde_json::from_value(Value::Object(o)).map_err(|e| format!("not a job: {e}"))?;
    let job = check_job(raw).map_err(|e| format!("not a valid job: {e}"))?;
    let late = job.transitions.iter().map(|t| t.at);
    if let Some(t) = late
        .chain(job.errors.iter().map(|e| e.at))
        .find(|&t| t > now)
    {
        return Err(format!(
            "{} is after the clock's now {}",
            format_rfc3339(t),
            format_rfc3339(now)
        ));
    }
    q.add(job)
}

/// `POST /_control/jobs/QUEUE/ID`.
fn advance(
    q: &QueueData,
    id: &str,
    o: &Map<String, Value>,
    now: Ms,
    live: bool,
) -> Result<usize, String> {
    let text = |key: &str| match o.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("`{key}` must be a string")),
    };
    let (state, error) = (text("state")?, text("error")?);
    if state.is_none() && error.is_none() {
        return Err(r#"expected {"state": "running"}, {"error": "message"} or both"#.into());
    }
    let edit = Edit {
        at: now,
        state: state.as_deref().map(JobState::parse),
        error,
    };
    q.advance(id, edit, live)
}

fn reply(status: u16, v: Value) -> Reply {
    Reply {
        status,
        content_type: "application/json; charset=utf-8",
        body: v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_moves_forward_only() {
        let c = Clock::new(1_000, false);
        assert_eq!(c.now(), 1_000, "a fixed clock stays");
        assert_eq!(c.set(61_000), Ok(61_000));
        assert_eq!(c.now(), 61_000);
        assert!(c.set(60_000).is_err());
        let r = move_clock(&c, r#"{"advance": "1m"}"#);
        assert_eq!(r.status, 200);
        assert_eq!(c.now(), 121_000);
        for bad in [
            r#"{"advance": "-1m"}"#,
            r#"{"to": "1970-01-01T00:00:00Z"}"#,
            "{}",
            "x",
        ] {
            assert_eq!(move_clock(&c, bad).status, 400, "{bad}");
        }
        assert_eq!(c.now(), 121_000);
        let live = Clock::new(1_000, true);
        assert!(live.now() >= 1_000);
    }
}
