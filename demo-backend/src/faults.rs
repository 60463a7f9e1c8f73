//! Fault injection: the ways a real backend (or whatever sits in front of
//! it) goes wrong, switchable at start (`--fault MODE`, repeatable) and at
//! runtime (`PUT /_control/faults`), so browser tests and soak runs can walk
//! the fault matrix of issue #10 against one server.
//!
//! A fault is written `MODE[:ARG][@TARGET]`, e.g. `slow:2000@jobs`,
//! `status:401`, `skew:-2d`, `hang@jobs/a100-pool`. `TARGET` is `queues`,
//! `jobs` or `metrics`, optionally `jobs/QUEUE` or `metrics/QUEUE`; without
//! it a fault hits every endpoint it makes sense for (see [`MODES`]). Faults
//! never touch `/healthz` or the control endpoint.

use queuescope_core::contract::RawJob;
use queuescope_core::model::{Ms, DAY, HOUR, MINUTE, SECOND};
use queuescope_core::time::format_rfc3339;
use serde_json::Value;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// The API endpoints a fault can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `GET /queues`.
    Queues,
    /// `GET /queues/{id}/jobs`.
    Jobs,
    /// `GET /queues/{id}/metrics`.
    Metrics,
}

impl Endpoint {
    const ALL: [Endpoint; 3] = [Endpoint::Queues, Endpoint::Jobs, Endpoint::Metrics];

    fn as_str(self) -> &'static str {
        match self {
            Endpoint::Queues => "queues",
            Endpoint::Jobs => "jobs",
            Endpoint::Metrics => "metrics",
        }
    }
}

/// What goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Never answers (the request is held open).
    Hang,
    /// Answers after this many milliseconds.
    Slow(u64),
    /// Answers with this status (400-599) and `{"error": "..."}`.
    Status(u16),
    /// Answers 200 with an HTML page (a login page or a proxy's error page).
    Html,
    /// Answers 200 with the first half of the JSON body.
    Truncated,
    /// Sends the answer without `Content-Length`, in chunks (HTTP/1.1
    /// chunked transfer encoding), so a client learns its size only by
    /// reading it.
    Chunked,
    /// Sends the answer gzip-compressed (`Content-Encoding: gzip`) to a
    /// client that accepts gzip, its `Content-Length` the compressed size
    /// (as compressing proxies do): the declared length is then not the
    /// body's.
    Gzip,
    /// Pads the answer to at least this many MB (jobs: with extra valid
    /// jobs; queues and metrics: with a `padding` member).
    Huge(u32),
    /// `next_cursor` is always `"loop"`; asking with it answers the first
    /// page again, with the same cursor.
    LoopCursor,
    /// Every page has a new cursor (`endless.N`) and new jobs: the read never ends.
    Endless,
    /// Every job of a page appears twice in a row (same id).
    DuplicateIds,
    /// `generated_at` shifted by this many milliseconds.
    Skew(Ms),
    /// Series 0, 2, 4, ... of a metrics answer carry the literals `NaN`,
    /// `Infinity` and `-Infinity` (not JSON) as their 2nd-4th values.
    Nan,
    /// Series 0, 2, 4, ... of a metrics answer carry `250` and `-5` as their
    /// 2nd and 3rd values (outside 0-100).
    OutOfRange,
    /// Every free-text string field starts with a hostile string (see
    /// [`HOSTILE`]); states and times are left alone.
    Hostile,
    /// The first transition of job k of a queue goes into the unknown state
    /// `mystery-(k mod N)`.
    UnknownStates(usize),
    /// Job k of a queue gets 4 more labels, keys `key-((4k + m) mod N)`.
    LabelKeys(usize),
}

/// Every mode: name, argument, endpoints it applies to, what it does (for
/// `--help`, the README and error messages).
pub const MODES: &[(&str, &str, &str, &str)] = &[
    (
        "hang",
        "",
        "all",
        "never answer (held until the fault is switched off, then 503)",
    ),
    ("slow", "MS", "all", "answer after MS milliseconds"),
    (
        "status",
        "CODE",
        "all",
        "answer CODE (400-599) with {\"error\": ...}",
    ),
    ("html", "", "all", "answer 200 with an HTML page"),
    (
        "truncated",
        "",
        "all",
        "answer 200 with the first half of the JSON",
    ),
    (
        "chunked",
        "",
        "all",
        "send the answer without Content-Length (chunked transfer encoding)",
    ),
    (
        "gzip",
        "",
        "all",
        "send the answer gzip-compressed, Content-Length the compressed size",
    ),
    (
        "huge",
        "[MB]",
        "all",
        "pad the answer to MB megabytes (default 40): extra valid jobs, or a `padding` member",
    ),
    (
        "loop-cursor",
        "",
        "jobs",
        "next_cursor is always \"loop\"; it answers the first page again",
    ),
    (
        "endless",
        "",
        "jobs",
        "a new cursor and new jobs on every page, forever",
    ),
    ("duplicate-ids", "", "jobs", "every job twice in a row"),
    (
        "skew",
        "DURATION",
        "jobs",
        "generated_at shifted by DURATION (e.g. -2d, +90m, 30s, 500ms)",
    ),
    (
        "nan",
        "",
        "metrics",
        "series 0, 2, 4... carry NaN, Infinity, -Infinity literals",
    ),
    (
        "out-of-range",
        "",
        "metrics",
        "series 0, 2, 4... carry the values 250 and -5",
    ),
    (
        "hostile",
        "",
        "all",
        "hostile strings before every free-text field (HTML, formulas, RTL, controls, long)",
    ),
    (
        "unknown-states",
        "[N]",
        "jobs",
        "job k's first transition goes into state mystery-(k mod N) (default 5000)",
    ),
    (
        "label-keys",
        "[N]",
        "jobs",
        "job k gets 4 labels key-((4k+m) mod N) (default 5000)",
    ),
];

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Hang => "hang",
            Mode::Slow(_) => "slow",
            Mode::Status(_) => "status",
            Mode::Html => "html",
            Mode::Truncated => "truncated",
            Mode::Chunked => "chunked",
            Mode::Gzip => "gzip",
            Mode::Huge(_) => "huge",
            Mode::LoopCursor => "loop-cursor",
            Mode::Endless => "endless",
            Mode::DuplicateIds => "duplicate-ids",
            Mode::Skew(_) => "skew",
            Mode::Nan => "nan",
            Mode::OutOfRange => "out-of-range",
            Mode::Hostile => "hostile",
            Mode::UnknownStates(_) => "unknown-states",
            Mode::LabelKeys(_) => "label-keys",
        }
    }

    /// The endpoints where the mode means something.
    fn endpoints(self) -> &'static [Endpoint] {
        match self {
            Mode::LoopCursor
            | Mode::Endless
            | Mode::DuplicateIds
            | Mode::Skew(_)
            | Mode::UnknownStates(_)
            | Mode::LabelKeys(_) => &[Endpoint::Jobs],
            Mode::Nan | Mode::OutOfRange => &[Endpoint::Metrics],
            _ => &Endpoint::ALL,
        }
    }

    fn arg(self) -> Option<String> {
        match self {
            Mode::Slow(ms) => Some(ms.to_string()),
            Mode::Status(c) => Some(c.to_string()),
            Mode::Huge(mb) => Some(mb.to_string()),
            Mode::Skew(ms) => Some(format_duration(ms)),
            Mode::UnknownStates(n) | Mode::LabelKeys(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn parse(name: &str, arg: Option<&str>) -> Result<Mode, String> {
        let plain = |m: Mode| match arg {
            None => Ok(m),
            Some(_) => Err(format!("`{name}` takes no argument")),
        };
        let number = |lo: u64, hi: u64, default: Option<u64>| -> Result<u64, String> {
            let n = match (arg, default) {
                (None, Some(d)) => return Ok(d),
                (None, None) => return Err(format!("`{name}` needs an argument: {name}:N")),
                (Some(a), _) => a
                    .parse::<u64>()
                    .map_err(|_| format!("`{name}:{a}`: not a whole number"))?,
            };
            if (lo..=hi).contains(&n) {
                Ok(n)
            } else {
                Err(format!("`{name}:{n}`: must be {lo} to {hi}"))
            }
        };
        let small = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        Ok(match name {
            "hang" => plain(Mode::Hang)?,
            "slow" => Mode::Slow(number(1, 600_000, None)?),
            "status" => Mode::Status(u16::try_from(number(400, 599, None)?).unwrap_or(500)),
            "html" => plain(Mode::Html)?,
            "truncated" => plain(Mode::Truncated)?,
            "chunked" => plain(Mode::Chunked)?,
            "gzip" => plain(Mode::Gzip)?,
            "huge" => Mode::Huge(small(number(1, 1024, Some(40))?)),
            "loop-cursor" => plain(Mode::LoopCursor)?,
            "endless" => plain(Mode::Endless)?,
            "duplicate-ids" => plain(Mode::DuplicateIds)?,
            "skew" => Mode::Skew(parse_duration(
                arg.ok_or("`skew` needs a duration: skew:-2d, skew:+90m, skew:30s")?,
            )?),
            "nan" => plain(Mode::Nan)?,
            "out-of-range" => plain(Mode::OutOfRange)?,
            "hostile" => plain(Mode::Hostile)?,
            "unknown-states" => Mode::UnknownStates(count(number(1, 1_000_000, Some(5000))?)),
            "label-keys" => Mode::LabelKeys(count(number(1, 1_000_000, Some(5000))?)),
            other => {
                let names: Vec<&str> = MODES.iter().map(|m| m.0).collect();
                return Err(format!(
                    "unknown fault `{other}` (modes: {})",
                    names.join(", ")
                ));
            }
        })
    }
}

/// One fault: a mode, and where it applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// What goes wrong.
    pub mode: Mode,
    /// Only this endpoint (`None`: every endpoint of the mode).
    pub endpoint: Option<Endpoint>,
    /// Only this queue's jobs or metrics (`None`: every queue).
    pub queue: Option<String>,
}

impl Fault {
    /// Whether the fault hits a request to `endpoint` (of `queue`).
    pub fn applies(&self, endpoint: Endpoint, queue: Option<&str>) -> bool {
        self.mode.endpoints().contains(&endpoint)
            && self.endpoint.is_none_or(|e| e == endpoint)
            && self
                .queue
                .as_deref()
                .is_none_or(|q| queue.is_some_and(|r| strip_hostile(r) == q))
    }
}

impl FromStr for Fault {
    type Err = String;

    fn from_str(s: &str) -> Result<Fault, String> {
        let s = s.trim();
        let (head, target) = match s.split_once('@') {
            Some((h, t)) => (h, Some(t)),
            None => (s, None),
        };
        let (name, arg) = match head.split_once(':') {
            Some((n, a)) => (n, Some(a)),
            None => (head, None),
        };
        let mode = Mode::parse(name, arg)?;
        let (endpoint, queue) = match target {
            None => (None, None),
            Some(t) => {
                let (e, q) = match t.split_once('/') {
                    Some((e, q)) => (e, Some(q)),
                    None => (t, None),
                };
                let endpoint = Endpoint::ALL
                    .into_iter()
                    .find(|x| x.as_str() == e)
                    .ok_or_else(|| {
                        format!("`{s}`: unknown target `{e}` (queues, jobs, metrics)")
                    })?;
                if !mode.endpoints().contains(&endpoint) {
                    return Err(format!("`{s}`: `{name}` does not apply to {e}"));
                }
                if q.is_some() && endpoint == Endpoint::Queues {
                    return Err(format!(
                        "`{s}`: only jobs/QUEUE or metrics/QUEUE name a queue"
                    ));
                }
                match q {
                    Some("") => return Err(format!("`{s}`: empty queue id")),
                    q => (Some(endpoint), q.map(str::to_string)),
                }
            }
        };
        Ok(Fault {
            mode,
            endpoint,
            queue,
        })
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mode.name())?;
        if let Some(a) = self.mode.arg() {
            write!(f, ":{a}")?;
        }
        if let Some(e) = self.endpoint {
            write!(f, "@{}", e.as_str())?;
        }
        if let Some(q) = &self.queue {
            write!(f, "/{q}")?;
        }
        Ok(())
    }
}

const UNITS: [(&str, Ms); 5] = [
    ("d", DAY),
    ("h", HOUR),
    ("m", MINUTE),
    ("s", SECOND),
    ("ms", 1),
];

/// `-2d`, `+90m`, `30s`, `500ms` to milliseconds.
pub fn parse_duration(s: &str) -> Result<Ms, String> {
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, s.strip_prefix('+').unwrap_or(s)),
    };
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (n, unit) = rest.split_at(digits);
    let n: Ms = n
        .parse()
        .map_err(|_| format!("`{s}`: a duration is a number and a unit (d, h, m, s, ms)"))?;
    let (_, per) = UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .ok_or_else(|| format!("`{s}`: unknown unit `{unit}` (d, h, m, s, ms)"))?;
    n.checked_mul(*per)
        .filter(|ms| *ms <= 100 * 365 * DAY)
        .map(|ms| sign * ms)
        .ok_or_else(|| format!("`{s}`: at most 100 years"))
}

/// The shortest exact form: `-2d`, `90m`, `1500ms`.
fn format_duration(ms: Ms) -> String {
    let abs = ms.unsigned_abs();
    let (unit, per) = UNITS
        .iter()
        .find(|(_, per)| abs.is_multiple_of(per.unsigned_abs()))
        .copied()
        .unwrap_or(("ms", 1));
    let sign = if ms < 0 { "-" } else { "" };
    format!("{sign}{}{unit}", abs / per.unsigned_abs())
}

/// How an answer goes on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wire {
    /// Without `Content-Length`, chunked ([`Mode::Chunked`]).
    pub chunked: bool,
    /// Gzip-compressed for a client that accepts it ([`Mode::Gzip`]).
    pub gzip: bool,
}

/// What the active faults of one request do to its answer, gathered once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    /// Never answer.
    pub hang: bool,
    /// Answer after this long (the sum of the `slow` faults).
    pub delay: Duration,
    /// Answer this status instead.
    pub status: Option<u16>,
    /// Answer an HTML page instead.
    pub html: bool,
    /// Cut the body in half.
    pub truncated: bool,
    /// How the answer goes on the wire ([`Mode::Chunked`], [`Mode::Gzip`]).
    pub wire: Wire,
    /// Pad the body to at least this many bytes.
    pub huge_bytes: Option<usize>,
    /// See [`Mode::LoopCursor`].
    pub loop_cursor: bool,
    /// See [`Mode::Endless`].
    pub endless: bool,
    /// See [`Mode::DuplicateIds`].
    pub duplicate_ids: bool,
    /// Added to `generated_at`.
    pub skew: Ms,
    /// See [`Mode::Nan`].
    pub nan: bool,
    /// See [`Mode::OutOfRange`].
    pub out_of_range: bool,
    /// See [`Mode::Hostile`].
    pub hostile: bool,
    /// See [`Mode::UnknownStates`].
    pub unknown_states: Option<usize>,
    /// See [`Mode::LabelKeys`].
    pub label_keys: Option<usize>,
}

impl Effects {
    /// The effects of the faults that hit a request to `endpoint` of `queue`.
    pub fn of(faults: &[Fault], endpoint: Endpoint, queue: Option<&str>) -> Effects {
        let mut e = Effects::default();
        for f in faults.iter().filter(|f| f.applies(endpoint, queue)) {
            match f.mode {
                Mode::Hang => e.hang = true,
                Mode::Slow(ms) => e.delay += Duration::from_millis(ms),
                Mode::Status(c) => e.status = e.status.or(Some(c)),
                Mode::Html => e.html = true,
                Mode::Truncated => e.truncated = true,
                Mode::Chunked => e.wire.chunked = true,
                Mode::Gzip => e.wire.gzip = true,
                Mode::Huge(mb) => e.huge_bytes = Some(mb as usize * 1_000_000),
                Mode::LoopCursor => e.loop_cursor = true,
                Mode::Endless => e.endless = true,
                Mode::DuplicateIds => e.duplicate_ids = true,
                Mode::Skew(ms) => e.skew += ms,
                Mode::Nan => e.nan = true,
                Mode::OutOfRange => e.out_of_range = true,
                Mode::Hostile => e.hostile = true,
                Mode::UnknownStates(n) => e.unknown_states = Some(n),
                Mode::LabelKeys(n) => e.label_keys = Some(n),
            }
        }
        e
    }

    /// Whether a job record must be rewritten.
    fn rewrites_jobs(&self) -> bool {
        self.hostile || self.unknown_states.is_some() || self.label_keys.is_some()
    }

    /// A job record as this request serves it; `k` is the job's position
    /// in its queue (stable across requests).
    pub fn job(&self, json: &str, k: usize) -> String {
        if !self.rewrites_jobs() {
            return json.to_string();
        }
        let Ok(mut v) = serde_json::from_str::<Value>(json) else {
            return json.to_string();
        };
        if let Some(n) = self.unknown_states {
            if let Some(Value::Object(t)) = v.pointer_mut("/transitions/0") {
                t.insert("state".into(), format!("mystery-{:05}", k % n).into());
            }
        }
        if let Some(n) = self.label_keys {
            if let Value::Object(obj) = &mut v {
                let labels = obj
                    .entry("labels")
                    .or_insert_with(|| Value::Object(Default::default()));
                if let Value::Object(labels) = labels {
                    for m in 0..4 {
                        labels.insert(
                            format!("key-{:05}", (4 * k + m) % n),
                            format!("v{}", k % 7).into(),
                        );
                    }
                }
            }
        }
        if self.hostile {
            hostile_job(&mut v);
        }
        v.to_string()
    }
}

/// A valid job wholly inside `[from, to)`, for pages the data does not
/// have (endless chains, huge pages).
pub fn synthetic_job(id: String, from: Ms, to: Ms) -> String {
    let span = (to - from).max(4);
    let raw = serde_json::json!({
        "id": id,
        "job": "synthetic-load",
        "user": "fault-injector",
        "transitions": [
            {"state": "queued", "at": format_rfc3339(from)},
            {"state": "running", "at": format_rfc3339(from + span / 4)},
            {"state": "finished", "at": format_rfc3339(from + span / 2)},
        ],
    });
    // Checked against the contract type so a synthetic job is always valid.
    debug_assert!(serde_json::from_value::<RawJob>(raw.clone()).is_ok());
    raw.to_string()
}

/// The strings the `hostile` fault puts before each free-text value,
/// chosen per value by a hash: markup and script, spreadsheet formulas
/// (`= + - @`, tab, CR), bidi overrides and zero-width characters, control
/// characters, quotes, and a very long string. No entry is a prefix of
/// another, so [`strip_hostile`] finds the original value again.
pub const HOSTILE: [&str; 11] = [
    "<script>alert('qs')</script><img src=x onerror=alert(1)>",
    "=HYPERLINK(\"http://127.0.0.1:9/\",\"click\")",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\u{202E}gnp.exe\u{202C}\u{200B}\u{200D}\u{FEFF}",
    "\u{0001}\u{0007}\u{001B}[31m\u{007F}",
    "\"'><b onmouseover=\"alert(1)\">",
    LONG,
];

/// Marks the long hostile string: this, 4,096 times (never put before
/// ids, which travel in URLs).
const LONG: &str = "W";

/// Length of the long hostile string.
const LONG_REPEAT: usize = 4096;

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `v` with a hostile string before it; `id` values never get the long one.
pub fn hostile(v: &str, id: bool) -> String {
    let n = if id { HOSTILE.len() - 1 } else { HOSTILE.len() };
    let i = usize::try_from(fnv(v) % n as u64).unwrap_or(0);
    match HOSTILE.get(i) {
        Some(&LONG) => format!("{}{v}", LONG.repeat(LONG_REPEAT)),
        Some(p) => format!("{p}{v}"),
        None => v.to_string(),
    }
}

/// The value [`hostile`] was made from (ids come back in URLs); other
/// strings are returned as they are.
pub fn strip_hostile(s: &str) -> &str {
    HOSTILE[..HOSTILE.len() - 1]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .filter(|v| hostile(v, true) == s)
        .unwrap_or(s)
}

/// Rewrites a job record's free-text fields in place.
fn hostile_job(v: &mut Value) {
    let Value::Object(obj) = v else { return };
    for (field, id) in [
        ("id", true),
        ("run_id", true),
        ("job", false),
        ("run_name", false),
        ("project", false),
        ("entity", false),
        ("user", false),
    ] {
        if let Some(Value::String(s)) = obj.get_mut(field) {
            *s = hostile(s, id);
        }
    }
    if let Some(Value::Object(labels)) = obj.get_mut("labels") {
        *labels = std::mem::take(labels)
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) => Value::String(hostile(&s, false)),
                    other => other,
                };
                (hostile(&k, false), v)
            })
            .collect();
    }
    if let Some(Value::Array(errors)) = obj.get_mut("errors") {
        for e in errors {
            if let Some(Value::String(m)) = e.get_mut("message") {
                *m = hostile(m, false);
            }
        }
    }
}

/// Rewrites a `{"queues": [...]}` body's free-text fields.
pub fn hostile_queues(body: &str) -> String {
    let Ok(mut v) = serde_json::from_str::<Value>(body) else {
        return body.to_string();
    };
    if let Some(Value::Array(queues)) = v.get_mut("queues") {
        for q in queues.iter_mut().filter_map(Value::as_object_mut) {
            for (field, id) in [
                ("id", true),
                ("name", false),
                ("entity", false),
                ("resource", false),
                ("description", false),
            ] {
                if let Some(Value::String(s)) = q.get_mut(field) {
                    *s = hostile(s, id);
                }
            }
        }
    }
    v.to_string()
}

/// A body padded to at least `bytes` with a `padding` member first (the
/// contract lets clients ignore unknown members).
pub fn pad(body: &str, bytes: usize) -> String {
    let Some(rest) = body.strip_prefix('{') else {
        return body.to_string();
    };
    let fill = bytes.saturating_sub(body.len());
    let mut out = String::with_capacity(body.len() + fill + 16);
    out.push_str("{\"padding\":\"");
    out.extend(std::iter::repeat_n('x', fill));
    out.push('"');
    if rest.trim_start() != "}" {
        out.push(',');
    }
    out.push_str(rest);
    out
}

/// The first half of a body, cut at a character boundary: never valid JSON
/// for an object body.
pub fn truncate(body: &str) -> String {
    let mut cut = body.len() / 2;
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    body[..cut].to_string()
}

/// An HTML page as a login redirect or a proxy's error page answers it.
pub const HTML_PAGE: &str = "<!doctype html><html><head><title>Sign in</title></head>\
<body><h1>Sign in to continue</h1><form method=post action=/login><input name=user>\
<input name=password type=password><button>Sign in</button></form></body></html>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_round_trip_and_bad_ones_say_why() {
        for s in [
            "hang",
            "slow:2000@jobs",
            "status:401",
            "status:503@metrics/a100-pool",
            "huge:40",
            "skew:-2d",
            "skew:90m@jobs",
            "skew:1500ms",
            "unknown-states:5000",
            "label-keys:20000@jobs/cpu-batch",
            "nan",
            "hostile@queues",
        ] {
            let f: Fault = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(f.to_string(), s);
        }
        assert_eq!(
            "skew:+48h".parse::<Fault>().unwrap().mode,
            Mode::Skew(2 * DAY)
        );
        assert_eq!("huge".parse::<Fault>().unwrap().to_string(), "huge:40");
        for (s, why) in [
            ("explode", "unknown fault"),
            ("slow", "needs an argument"),
            ("slow:fast", "not a whole number"),
            ("status:200", "400 to 599"),
            ("hang:3", "no argument"),
            ("nan@jobs", "does not apply to jobs"),
            ("loop-cursor@queues", "does not apply"),
            ("hang@elsewhere", "unknown target"),
            ("hang@queues/x", "only jobs/QUEUE"),
            ("skew:2w", "unknown unit"),
            ("skew:99999999d", "100 years"),
        ] {
            let e = s.parse::<Fault>().unwrap_err();
            assert!(e.contains(why), "{s}: {e}");
        }
    }

    #[test]
    fn faults_hit_their_targets_only() {
        let f: Fault = "slow:10@jobs/q1".parse().unwrap();
        assert!(f.applies(Endpoint::Jobs, Some("q1")));
        assert!(!f.applies(Endpoint::Jobs, Some("q2")));
        assert!(!f.applies(Endpoint::Metrics, Some("q1")));
        let nan: Fault = "nan".parse().unwrap();
        assert!(nan.applies(Endpoint::Metrics, Some("q")));
        assert!(!nan.applies(Endpoint::Jobs, Some("q")));
        let all = [
            "slow:10".parse().unwrap(),
            "slow:15@jobs".parse().unwrap(),
            "status:403".parse().unwrap(),
            "status:500".parse().unwrap(),
            nan,
        ];
        let e = Effects::of(&all, Endpoint::Jobs, Some("q"));
        assert_eq!(e.delay, Duration::from_millis(25));
        assert_eq!(e.status, Some(403), "the first status wins");
        assert!(!e.nan);
    }

    #[test]
    fn hostile_values_come_back() {
        let mut payloads = std::collections::HashSet::new();
        for i in 0..200 {
            let v = format!("run-{i}");
            let h = hostile(&v, true);
            assert!(h.ends_with(&v) && h != v);
            assert!(h.len() < 200, "ids never get the long string");
            assert_eq!(strip_hostile(&h), v);
            payloads.insert(h.trim_end_matches(&v).to_string());
            assert!(hostile(&v, false).ends_with(&v));
        }
        assert_eq!(payloads.len(), HOSTILE.len() - 1, "every id payload occurs");
        assert!((0..200).any(|i| hostile(&format!("user-{i}"), false).len() > 4000));
        assert_eq!(strip_hostile("plain"), "plain");
        for (i, a) in HOSTILE.iter().enumerate() {
            for (j, b) in HOSTILE.iter().enumerate() {
                assert!(i == j || !b.starts_with(a), "{a:?} is a prefix of {b:?}");
            }
        }
    }

    #[test]
    fn padding_and_truncation() {
        let p = pad(r#"{"series":[]}"#, 1000);
        assert!(p.len() >= 1000);
        let v: Value = serde_json::from_str(&p).unwrap();
        assert_eq!(v["series"], serde_json::json!([]));
        let e: Value = serde_json::from_str(&pad("{}", 10)).unwrap();
        assert!(e["padding"].is_string());
        let t = truncate("{\"a\":\"é\"}");
        assert!(serde_json::from_str::<Value>(&t).is_err());
        assert_eq!(truncate(""), "");
    }
}
