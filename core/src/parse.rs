//! Turning untrusted backend bodies into the checked model (SPEC §2,
//! "Errors and bad data").
//!
//! A body that is not JSON, or not the expected envelope, is a
//! [`ParseError`]: the caller shows it with a retry and keeps its last good
//! data. A single record that breaks a rule is skipped and counted in a
//! [`SkipReport`]; the rest is used. Nothing here panics on any input.

use crate::contract::{QueueEntry, QueueInfo, RawJob, RawSeries};
use crate::model::{Job, JobError, JobState, Ms, Transition};
use crate::time::parse_rfc3339;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::error::Category;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::fmt;

/// A whole response could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The body is not JSON at all.
    #[error("the server's answer is not JSON ({0})")]
    NotJson(String),
    /// JSON, but not the envelope the contract describes.
    #[error("the server's answer does not match the API ({0})")]
    Shape(String),
}

/// What was skipped and why, so the UI can say "3 jobs skipped: ...".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SkipReport {
    /// Count per reason ("missing field `job`", "transitions out of order", ...).
    pub reasons: BTreeMap<String, usize>,
    /// A few concrete examples (record id + reason), for the details view.
    pub examples: Vec<SkipExample>,
}

/// What kind of record was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// A job of `GET /queues/{id}/jobs`.
    Job,
    /// A queue of `GET /queues`.
    Queue,
    /// A usage series of `GET /queues/{id}/metrics`.
    Series,
}

/// One skipped record, for the details view: its kind, its id (or its
/// run's, for a series) when it had one, and the reason. Typed, so the
/// page words it in its language; [`fmt::Display`] is the English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipExample {
    /// What the record was.
    pub kind: RecordKind,
    /// Its id as the backend sent it (text), if it had one.
    pub id: Option<String>,
    /// Why it was skipped (a key of [`SkipReport::reasons`]).
    pub reason: String,
}

impl SkipExample {
    /// An example of `kind` with `id`, skipped for `reason`.
    pub fn new(kind: RecordKind, id: Option<String>, reason: &str) -> SkipExample {
        SkipExample {
            kind,
            id,
            reason: reason.to_string(),
        }
    }
}

impl fmt::Display for SkipExample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = &self.reason;
        match (self.kind, &self.id) {
            (RecordKind::Job, Some(id)) => write!(f, "job {id:?}: {reason}"),
            (RecordKind::Job, None) => write!(f, "a job without an id: {reason}"),
            (RecordKind::Queue, Some(id)) => write!(f, "queue {id:?}: {reason}"),
            (RecordKind::Queue, None) => write!(f, "a queue: {reason}"),
            (RecordKind::Series, Some(id)) => write!(f, "series of run {id:?}: {reason}"),
            (RecordKind::Series, None) => write!(f, "a series: {reason}"),
        }
    }
}

eq_by_display!(SkipExample);

/// At most this many examples are kept per report.
const MAX_EXAMPLES: usize = 20;

impl SkipReport {
    /// Records one skipped record.
    pub fn add(&mut self, reason: &str, example: SkipExample) {
        *self.reasons.entry(reason.to_string()).or_insert(0) += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(example);
        }
    }

    /// Total number of skipped records.
    pub fn total(&self) -> usize {
        self.reasons.values().sum()
    }

    /// True when nothing was skipped.
    pub fn is_empty(&self) -> bool {
        self.reasons.is_empty()
    }

    /// Folds another report into this one.
    pub fn merge(&mut self, other: SkipReport) {
        for (k, v) in other.reasons {
            *self.reasons.entry(k).or_insert(0) += v;
        }
        for e in other.examples {
            if self.examples.len() < MAX_EXAMPLES {
                self.examples.push(e);
            }
        }
    }

    /// One line for the UI: `3 jobs skipped: 2 × missing field `job`, 1 × ...`.
    pub fn summary(&self, noun: &str) -> Option<String> {
        self.summary_as(noun, &format!("{noun}s"))
    }

    /// [`SkipReport::summary`] for a noun whose plural is not `+s`:
    /// `3 usage series skipped: ...`.
    pub fn summary_as(&self, one: &str, many: &str) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let n = self.total();
        let parts: Vec<String> = self
            .reasons
            .iter()
            .map(|(r, c)| format!("{c} × {r}"))
            .collect();
        let noun = if n == 1 { one } else { many };
        Some(format!("{n} {noun} skipped: {}", parts.join(", ")))
    }
}

impl fmt::Display for SkipReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary("record").unwrap_or_default())
    }
}

/// A checked page of jobs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedJobsPage {
    /// Jobs that passed every rule.
    pub jobs: Vec<Job>,
    /// Jobs that did not.
    pub skipped: SkipReport,
    /// Cursor for the next page, if any.
    pub next_cursor: Option<String>,
    /// "Now" for unfinished jobs.
    pub generated_at: Ms,
}

#[derive(Deserialize)]
struct JobsEnvelope<'a> {
    #[serde(borrow)]
    jobs: Vec<&'a RawValue>,
    #[serde(default)]
    next_cursor: Option<String>,
    generated_at: String,
}

/// A page of `GET /queues/{id}/jobs` with its envelope read and its
/// records still raw text borrowed from the body: the cursor is known (and
/// the next page can be asked for) before any record is read.
#[derive(Debug, Clone)]
pub struct JobsPageText<'a> {
    /// Cursor for the next page, if any.
    pub next_cursor: Option<String>,
    /// "Now" for unfinished jobs.
    pub generated_at: Ms,
    /// The records, unread.
    pub(crate) records: Vec<&'a RawValue>,
}

impl JobsPageText<'_> {
    /// Number of records on the page (good and bad).
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when the page has no records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

/// Reads a response envelope. Its records stay raw text (`&RawValue`,
/// borrowed from the body) and are read one by one into their own types,
/// so a bad record is skipped alone and no `Value` tree of the whole body
/// is ever built (at 100k jobs that tree cost more than the records).
///
/// Every envelope is a JSON object; serde would also read one from an
/// array, by position (`[[...], null, "2026-..."]` as a jobs page), which
/// no backend means, so an array is a [`ParseError::Shape`].
fn from_body<'a, T: Deserialize<'a>>(body: &'a str) -> Result<T, ParseError> {
    let envelope = serde_json::from_str(body).map_err(|e| match e.classify() {
        Category::Data => ParseError::Shape(e.to_string()),
        Category::Io | Category::Syntax | Category::Eof => ParseError::NotJson(e.to_string()),
    })?;
    if body.trim_start().starts_with('[') {
        return Err(ParseError::Shape(
            "expected a JSON object, not an array".into(),
        ));
    }
    Ok(envelope)
}

/// [`from_body`], forgiving numbers that are not JSON: when the body is not
/// JSON, the literals `NaN`, `Infinity` and `-Infinity` and numbers too
/// large for an `f64` (`1e999`) outside strings are each replaced by a
/// one-element array holding them as a string (`["NaN"]`), which no field
/// of the contract accepts, and the body is read again into `relaxed`. So
/// only the records that hold them fail (and are skipped and counted),
/// never the whole batch. A body that is still not JSON keeps its first
/// error. The strict read comes first, so a good body costs nothing more.
fn from_relaxed_body<'a, T: Deserialize<'a>>(
    body: &'a str,
    relaxed: &'a mut Option<String>,
) -> Result<T, ParseError> {
    match from_body(body) {
        Err(ParseError::NotJson(first)) => match relax_numbers(body) {
            Some(fixed) => {
                from_body(relaxed.insert(fixed).as_str()).map_err(|_| ParseError::NotJson(first))
            }
            None => Err(ParseError::NotJson(first)),
        },
        other => other,
    }
}

/// The non-JSON literals [`from_relaxed_body`] forgives, longest first.
const NON_JSON_LITERALS: [&str; 3] = ["-Infinity", "Infinity", "NaN"];

/// `body` with every non-JSON number outside strings wrapped as `["..."]`,
/// or `None` when it has none.
fn relax_numbers(body: &str) -> Option<String> {
    let bytes = body.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    let (mut in_string, mut escaped) = (false, false);
    while let Some(&b) = bytes.get(i) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        // Every byte checked here is ASCII, so `i` and `end` are character
        // boundaries of `body`.
        let literal = NON_JSON_LITERALS
            .iter()
            .find(|l| bytes.get(i..).is_some_and(|r| r.starts_with(l.as_bytes())))
            .map(|l| l.len());
        let number = || {
            let len = bytes
                .get(i..)
                .unwrap_or_default()
                .iter()
                .take_while(|c| matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                .count();
            let token = body.get(i..i + len)?;
            overflows_f64(token).then_some(len)
        };
        let end = match b {
            b'"' => {
                in_string = true;
                None
            }
            b'-' | b'0'..=b'9' | b'I' | b'N' => literal.or_else(number).map(|len| i + len),
            _ => None,
        };
        match (end, body.get(copied..i), body.get(i..end.unwrap_or(i))) {
            (Some(end), Some(before), Some(token)) => {
                out.push_str(before);
                out.push_str("[\"");
                out.push_str(token);
                out.push_str("\"]");
                copied = end;
                i = end;
            }
            _ => i += 1,
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(body.get(copied..).unwrap_or_default());
    Some(out)
}

/// The decimal digits of 2^1024 - 2^970, half-way between `f64::MAX` and
/// 2^1024: the smallest magnitude that rounds to infinity.
const F64_OVERFLOW: &[u8] = b"179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";

/// Whether `token` is a number as `str::parse::<f64>` reads it (`[+-]`,
/// digits with an optional `.`, an optional exponent) that rounds to
/// infinity. Decided on the digits, exactly: `str::parse::<f64>` brought
/// core's float parser and its 10 kB table of powers of five into the wasm
/// for this one question (the test `overflow_is_parse_infinity` holds the
/// two equal).
fn overflows_f64(token: &str) -> bool {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let t = token.strip_prefix(['+', '-']).unwrap_or(token);
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(at) => (&t[..at], Some(&t[at + 1..])),
        None => (t, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return false;
    }
    let exp = match exp {
        None => 0,
        Some(e) => {
            let magnitude = e.strip_prefix(['+', '-']).unwrap_or(e);
            if magnitude.is_empty() || !digits(magnitude) {
                return false;
            }
            // Anything past a million decimal places decides alone.
            let m = magnitude
                .bytes()
                .fold(0_i64, |m, b| (m * 10 + i64::from(b - b'0')).min(1_000_000));
            if e.starts_with('-') {
                -m
            } else {
                m
            }
        }
    };
    // The value is 0.SIG x 10^point, SIG without leading or trailing zeros.
    let all: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
    let Some(first) = all.iter().position(|&b| b != b'0') else {
        return false;
    };
    let last = all.iter().rposition(|&b| b != b'0').unwrap_or(first);
    let point = int.len() as i64 - first as i64 + exp;
    let limit = F64_OVERFLOW.len() as i64;
    point > limit || (point == limit && &all[first..=last] >= F64_OVERFLOW)
}

/// A response body's bytes as the text `Response.text()` makes of them: a
/// leading UTF-8 byte order mark is dropped and bytes that are not UTF-8
/// become U+FFFD (only then is the body copied). The app reads bodies as
/// bytes (a 2.4 MB page of jobs is not decoded into a JS string and
/// encoded back into the wasm memory) and the parsers take the text.
pub fn body_text(mut bytes: Vec<u8>) -> String {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Reads the envelope of one page of `GET /queues/{id}/jobs` (SPEC §2);
/// its records are read by [`crate::analysis::PreparedBuilder::push_page`]
/// (or [`parse_jobs_page`]). A body with non-JSON numbers is read again
/// into `relaxed` (see [`from_relaxed_body`]), which the records then
/// borrow from: only the records holding them are skipped.
pub fn read_jobs_page<'a>(
    body: &'a str,
    relaxed: &'a mut Option<String>,
) -> Result<JobsPageText<'a>, ParseError> {
    let env: JobsEnvelope = from_relaxed_body(body, relaxed)?;
    let generated_at = parse_rfc3339(&env.generated_at)
        .map_err(|e| ParseError::Shape(format!("generated_at: {e}")))?;
    Ok(JobsPageText {
        next_cursor: env.next_cursor,
        generated_at,
        records: env.jobs,
    })
}

/// A string field of a raw record, if it has one (for examples in reports).
fn raw_field(raw: &RawValue, field: &str) -> Option<String> {
    serde_json::from_str::<BTreeMap<Cow<str>, &RawValue>>(raw.get())
        .ok()?
        .get(field)
        .and_then(|v| serde_json::from_str(v.get()).ok())
}

/// Short reason for a serde error, without line/column noise (records are values).
fn serde_reason(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// The report example of a record skipped for `reason`: `job "j1": reason`.
pub(crate) fn unreadable_job(raw: &RawValue, reason: &str) -> SkipExample {
    SkipExample::new(RecordKind::Job, raw_field(raw, "id"), reason)
}

/// A JSON string, borrowed from the body unless it had escapes (the
/// records of a page are read without copying their strings).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Text<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Labels as sent (a JSON object of strings), in their order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Labels<'a>(pub Vec<(Text<'a>, Text<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Labels<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Labels<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Labels<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(kv) = m.next_entry()? {
                    out.push(kv);
                }
                Ok(Labels(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// One state change as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct TransitionText<'a> {
    #[serde(borrow)]
    pub state: Text<'a>,
    #[serde(borrow)]
    pub at: Text<'a>,
}

/// One error as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorText<'a> {
    #[serde(borrow)]
    pub at: Text<'a>,
    #[serde(borrow)]
    pub message: Text<'a>,
}

/// A job record as sent ([`RawJob`]'s fields, in its order, so a record
/// missing several fields names the same one), its strings borrowed.
#[derive(Debug, Deserialize)]
pub(crate) struct Record<'a> {
    #[serde(borrow)]
    pub id: Text<'a>,
    #[serde(borrow)]
    pub job: Text<'a>,
    #[serde(borrow, default)]
    pub run_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub run_name: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub project: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub entity: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub user: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub labels: Labels<'a>,
    #[serde(borrow)]
    pub transitions: Vec<TransitionText<'a>>,
    #[serde(borrow, default)]
    pub errors: Vec<ErrorText<'a>>,
}

fn borrowed(s: &str) -> Text<'_> {
    Text(Cow::Borrowed(s))
}

impl<'a> Record<'a> {
    /// Reads one raw record; the error is the reason to report.
    pub(crate) fn read(raw: &'a RawValue) -> Result<Record<'a>, String> {
        serde_json::from_str(raw.get()).map_err(|e| serde_reason(&e))
    }

    /// A wire job's fields, borrowed.
    pub(crate) fn of_raw(raw: &'a RawJob) -> Record<'a> {
        let opt = |s: &'a Option<String>| s.as_deref().map(borrowed);
        Record {
            id: borrowed(&raw.id),
            job: borrowed(&raw.job),
            run_id: opt(&raw.run_id),
            run_name: opt(&raw.run_name),
            project: opt(&raw.project),
            entity: opt(&raw.entity),
            user: opt(&raw.user),
            labels: Labels(
                raw.labels
                    .iter()
                    .map(|(k, v)| (borrowed(k), borrowed(v)))
                    .collect(),
            ),
            transitions: raw
                .transitions
                .iter()
                .map(|t| TransitionText {
                    state: borrowed(&t.state),
                    at: borrowed(&t.at),
                })
                .collect(),
            errors: raw
                .errors
                .iter()
                .map(|e| ErrorText {
                    at: borrowed(&e.at),
                    message: borrowed(&e.message),
                })
                .collect(),
        }
    }

    /// Checks the record against SPEC §2; on success `times` holds the
    /// instants of its transitions and `error_times` those of its errors.
    /// The error is the reason to report.
    pub(crate) fn check(
        &self,
        times: &mut Vec<Ms>,
        error_times: &mut Vec<Ms>,
    ) -> Result<(), String> {
        times.clear();
        error_times.clear();
        if self.id.0.is_empty() {
            return Err("empty id".into());
        }
        if self.transitions.is_empty() {
            return Err("no transitions".into());
        }
        let mut last = Ms::MIN;
        for t in &self.transitions {
            let at = parse_rfc3339(&t.at.0).map_err(|_| "unparsable time".to_string())?;
            if at < last {
                return Err("transitions out of order".into());
            }
            last = at;
            times.push(at);
        }
        for e in &self.errors {
            let at = parse_rfc3339(&e.at.0).map_err(|_| "unparsable time".to_string())?;
            error_times.push(at);
        }
        Ok(())
    }

    /// The checked job, owned (`times` and `error_times` from [`Record::check`]).
    fn to_job(&self, times: &[Ms], error_times: &[Ms]) -> Job {
        let own = |t: &Option<Text<'_>>| t.as_ref().map(|t| t.0.to_string());
        Job {
            id: self.id.0.to_string(),
            job: self.job.0.to_string(),
            run_id: own(&self.run_id),
            run_name: own(&self.run_name),
            project: own(&self.project),
            entity: own(&self.entity),
            user: own(&self.user),
            labels: self
                .labels
                .0
                .iter()
                .map(|(k, v)| (k.0.to_string(), v.0.to_string()))
                .collect(),
            transitions: self
                .transitions
                .iter()
                .zip(times)
                .map(|(t, &at)| Transition {
                    state: JobState::parse(&t.state.0),
                    at,
                })
                .collect(),
            errors: self
                .errors
                .iter()
                .zip(error_times)
                .map(|(e, &at)| JobError {
                    at,
                    message: e.message.0.to_string(),
                })
                .collect(),
        }
    }
}

/// Checks one raw job against SPEC §2. The error is the reason to report.
pub fn check_job(raw: RawJob) -> Result<Job, String> {
    let r = Record::of_raw(&raw);
    let (mut times, mut error_times) = (Vec::new(), Vec::new());
    r.check(&mut times, &mut error_times)?;
    Ok(r.to_job(&times, &error_times))
}

/// Parses one page of `GET /queues/{id}/jobs` into owned [`Job`]s. Bad
/// records are skipped and counted; ids already in `seen` (from earlier
/// pages) are skipped as duplicates, and the new ids are added to it. The
/// app reads pages straight into a [`crate::analysis::PreparedBuilder`]
/// instead; this is for code that wants the jobs themselves.
pub fn parse_jobs_page(
    body: &str,
    seen: &mut HashSet<String>,
) -> Result<ParsedJobsPage, ParseError> {
    let mut relaxed = None;
    let text = read_jobs_page(body, &mut relaxed)?;
    let mut page = ParsedJobsPage {
        jobs: Vec::with_capacity(text.records.len()),
        skipped: SkipReport::default(),
        next_cursor: text.next_cursor,
        generated_at: text.generated_at,
    };
    let (mut times, mut error_times) = (Vec::new(), Vec::new());
    for raw in text.records {
        let checked = Record::read(raw).and_then(|r| {
            r.check(&mut times, &mut error_times)?;
            Ok(r.to_job(&times, &error_times))
        });
        match checked {
            Ok(job) => {
                if seen.insert(job.id.clone()) {
                    page.jobs.push(job);
                } else {
                    let example =
                        SkipExample::new(RecordKind::Job, Some(job.id.clone()), "duplicate id");
                    page.skipped.add("duplicate id", example);
                }
            }
            Err(reason) => page.skipped.add(&reason, unreadable_job(raw, &reason)),
        }
    }
    Ok(page)
}

/// Parses `GET /queues`. Queues without a usable id, or with a repeated
/// one, are skipped and counted.
pub fn parse_queues(body: &str) -> Result<(Vec<QueueInfo>, SkipReport), ParseError> {
    let (entries, skipped) = parse_queue_entries(body)?;
    Ok((entries.into_iter().map(|e| e.info).collect(), skipped))
}

/// [`parse_queues`] with what each queue's jobs endpoint supports beyond
/// version 1 (SPEC §2: `"supports": ["updated_since"]`).
pub fn parse_queue_entries(body: &str) -> Result<(Vec<QueueEntry>, SkipReport), ParseError> {
    #[derive(Deserialize)]
    struct Env<'a> {
        #[serde(borrow)]
        queues: Vec<&'a RawValue>,
    }
    let mut relaxed = None;
    let env: Env = from_relaxed_body(body, &mut relaxed)?;
    let mut out = Vec::new();
    let mut skipped = SkipReport::default();
    let mut seen = HashSet::new();
    for raw in env.queues {
        match serde_json::from_str::<QueueEntry>(raw.get()) {
            Ok(q) if q.info.id.is_empty() => skipped.add(
                "empty id",
                SkipExample::new(RecordKind::Queue, None, "empty id"),
            ),
            Ok(q) if !seen.insert(q.info.id.clone()) => skipped.add(
                "duplicate id",
                SkipExample::new(RecordKind::Queue, Some(q.info.id), "duplicate id"),
            ),
            Ok(q) => out.push(q),
            Err(e) => {
                let r = serde_reason(&e);
                skipped.add(&r, SkipExample::new(RecordKind::Queue, None, &r));
            }
        }
    }
    Ok((out, skipped))
}

/// Usage metrics the dashboard plots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// GPU utilisation, percent.
    GpuUtil,
    /// CPU utilisation, percent.
    CpuUtil,
    /// GPU memory, percent.
    GpuMem,
    /// System memory, percent.
    SysMem,
}

impl Metric {
    /// All metrics, in panel order.
    pub const ALL: [Metric; 4] = [
        Metric::GpuUtil,
        Metric::CpuUtil,
        Metric::GpuMem,
        Metric::SysMem,
    ];

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::GpuUtil => "gpu_util",
            Metric::CpuUtil => "cpu_util",
            Metric::GpuMem => "gpu_mem",
            Metric::SysMem => "sys_mem",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// A checked usage series.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The run.
    pub run_id: String,
    /// Which metric.
    pub metric: Metric,
    /// Seconds since the run started, ascending.
    pub t: Vec<f64>,
    /// Percent; `None` is a gap.
    pub v: Vec<Option<f64>>,
}

fn check_series(raw: RawSeries) -> Result<Series, String> {
    let metric = Metric::parse(&raw.metric).ok_or_else(|| "unknown metric".to_string())?;
    if raw.t.len() != raw.v.len() {
        return Err("t and v of different lengths".into());
    }
    if raw.t.windows(2).any(|w| w[1] < w[0]) || raw.t.iter().any(|t| !t.is_finite()) {
        return Err("t not ascending".into());
    }
    if raw.v.iter().flatten().any(|v| !v.is_finite()) {
        return Err("a value that is not a number".into());
    }
    // Percent (SPEC §2): a value outside 0-100 is a broken record, not a
    // spike to plot.
    if raw.v.iter().flatten().any(|v| !(0.0..=100.0).contains(v)) {
        return Err("a value outside 0 to 100".into());
    }
    Ok(Series {
        run_id: raw.run_id,
        metric,
        t: raw.t,
        v: raw.v,
    })
}

/// Parses `GET /queues/{id}/metrics`. Bad series are skipped and counted,
/// each for one reason: a wrong length, `t` not ascending, a value that is
/// not a number (including the non-JSON `NaN` and `Infinity`, see
/// [`from_relaxed_body`]), a value outside 0-100, an unknown metric. The
/// report is returned with the series; the caller shows it.
pub fn parse_metrics(body: &str) -> Result<(Vec<Series>, SkipReport), ParseError> {
    #[derive(Deserialize)]
    struct Env<'a> {
        #[serde(borrow)]
        series: Vec<&'a RawValue>,
    }
    let mut relaxed = None;
    let env: Env = from_relaxed_body(body, &mut relaxed)?;
    let mut out = Vec::with_capacity(env.series.len());
    let mut skipped = SkipReport::default();
    for raw in env.series {
        let checked = serde_json::from_str::<RawSeries>(raw.get())
            .map_err(|e| {
                let r = serde_reason(&e);
                if r.contains("invalid type") {
                    "a value that is not a number".to_string()
                } else {
                    r
                }
            })
            .and_then(check_series);
        keep_series(&mut out, &mut skipped, checked, || raw_field(raw, "run_id"));
    }
    Ok((out, skipped))
}

/// Adds a checked series to `out`, or counts why it was skipped (with its
/// run id, from `run`).
fn keep_series(
    out: &mut Vec<Series>,
    skipped: &mut SkipReport,
    checked: Result<Series, String>,
    run: impl FnOnce() -> Option<String>,
) {
    match checked {
        Ok(s) => out.push(s),
        Err(r) => skipped.add(&r, SkipExample::new(RecordKind::Series, run(), &r)),
    }
}

/// Checks series already read from a metrics answer's JSON by other means
/// (the page reads a well-formed answer with the browser's `JSON.parse`,
/// ~4x faster than serde in wasm): the same checks, skip reasons and
/// examples as [`parse_metrics`] gives for them.
pub fn check_metrics(raws: Vec<RawSeries>) -> (Vec<Series>, SkipReport) {
    let mut out = Vec::with_capacity(raws.len());
    let mut skipped = SkipReport::default();
    for raw in raws {
        let run = raw.run_id.clone();
        keep_series(&mut out, &mut skipped, check_series(raw), || Some(run));
    }
    (out, skipped)
}

impl crate::model::Dataset {
    /// Starts an empty dataset for a queue.
    pub fn new(queue_id: impl Into<String>) -> Self {
        crate::model::Dataset {
            queue_id: queue_id.into(),
            ..Default::default()
        }
    }

    /// Adds a parsed page (pages of one load arrive in order).
    pub fn push_page(&mut self, page: ParsedJobsPage) {
        self.generated_at = self.generated_at.max(page.generated_at);
        self.jobs.extend(page.jobs);
        self.skipped.merge(page.skipped);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(jobs: &str) -> String {
        format!(
            r#"{{"jobs": [{jobs}], "next_cursor": null, "generated_at": "2026-11-28T09:00:00Z"}}"#
        )
    }

    const GOOD: &str = r#"{"id": "a", "job": "train", "transitions": [
        {"state": "queued", "at": "2026-11-21T08:00:00Z"},
        {"state": "running", "at": "2026-11-21T08:05:00+00:00"},
        {"state": "finished", "at": "2026-11-21T10:00:00.5Z"}]}"#;

    #[test]
    fn bodies_read_as_bytes_become_the_text_response_text_gives() {
        assert_eq!(body_text(br#"{"jobs":[]}"#.to_vec()), r#"{"jobs":[]}"#);
        assert_eq!(body_text("Zürich 東京".as_bytes().to_vec()), "Zürich 東京");
        // A byte order mark is dropped, as the browser's UTF-8 decoder does.
        assert_eq!(body_text(b"\xEF\xBB\xBF{}".to_vec()), "{}");
        // Bytes that are not UTF-8 become U+FFFD, the rest is kept.
        assert_eq!(body_text(b"a\xFFb\xC3".to_vec()), "a\u{FFFD}b\u{FFFD}");
        assert_eq!(body_text(Vec::new()), "");
    }

    #[test]
    fn good_job_parses() {
        let p = parse_jobs_page(&page(GOOD), &mut HashSet::new()).unwrap();
        assert_eq!(p.jobs.len(), 1);
        assert!(p.skipped.is_empty());
        let j = &p.jobs[0];
        assert_eq!(j.transitions.len(), 3);
        assert_eq!(j.transitions[2].state, JobState::Finished);
        assert_eq!(j.transitions[2].at - j.transitions[1].at, 6_900_500);
        assert_eq!(
            p.generated_at,
            parse_rfc3339("2026-11-28T09:00:00Z").unwrap()
        );
        assert_eq!(p.next_cursor, None);
    }

    #[test]
    fn bad_records_are_skipped_and_counted() {
        let bad = [
            r#"{"id": "m1", "transitions": [{"state": "queued", "at": "2026-11-21T08:00:00Z"}]}"#,
            r#"{"id": "m2", "job": "x", "transitions": []}"#,
            r#"{"id": "m3", "job": "x", "transitions": [{"state": "queued", "at": "yesterday"}]}"#,
            r#"{"id": "m4", "job": "x", "transitions": [
                {"state": "queued", "at": "2026-11-21T09:00:00Z"},
                {"state": "running", "at": "2026-11-21T08:00:00Z"}]}"#,
            r#"{"job": "x", "transitions": [{"state": "queued", "at": "2026-11-21T08:00:00Z"}]}"#,
            r#"{"id": 7, "job": "x", "transitions": [{"state": "queued", "at": "2026-11-21T08:00:00Z"}]}"#,
            r#""not an object""#,
            r#"{"id": "m5", "job": "x", "labels": {"a": 1}, "transitions": [{"state": "queued", "at": "2026-11-21T08:00:00Z"}]}"#,
            GOOD, // duplicate of the first good one below
        ];
        let body = page(&format!("{GOOD},{}", bad.join(",")));
        let p = parse_jobs_page(&body, &mut HashSet::new()).unwrap();
        assert_eq!(p.jobs.len(), 1);
        assert_eq!(p.skipped.total(), bad.len());
        assert_eq!(p.skipped.reasons["missing field `job`"], 1);
        assert_eq!(p.skipped.reasons["no transitions"], 1);
        assert_eq!(p.skipped.reasons["unparsable time"], 1);
        assert_eq!(p.skipped.reasons["transitions out of order"], 1);
        assert_eq!(p.skipped.reasons["duplicate id"], 1);
        let s = p.skipped.summary("job").unwrap();
        assert!(s.starts_with("9 jobs skipped: "), "{s}");
    }

    #[test]
    fn duplicates_across_pages_are_skipped() {
        let mut seen = HashSet::new();
        let a = parse_jobs_page(&page(GOOD), &mut seen).unwrap();
        let b = parse_jobs_page(&page(GOOD), &mut seen).unwrap();
        assert_eq!(a.jobs.len(), 1);
        assert_eq!(b.jobs.len(), 0);
        assert_eq!(b.skipped.reasons["duplicate id"], 1);
    }

    #[test]
    fn whole_body_errors() {
        let mut seen = HashSet::new();
        assert!(matches!(
            parse_jobs_page("<html>", &mut seen),
            Err(ParseError::NotJson(_))
        ));
        assert!(matches!(
            parse_jobs_page("{}", &mut seen),
            Err(ParseError::Shape(_))
        ));
        assert!(matches!(
            parse_jobs_page(r#"{"jobs": [], "generated_at": "now"}"#, &mut seen),
            Err(ParseError::Shape(_))
        ));
        assert!(matches!(parse_queues("[1,2]"), Err(ParseError::Shape(_))));
        // serde reads structs from arrays by position; the contract does not.
        assert!(matches!(
            parse_jobs_page(r#"[[], null, "2026-11-28T09:00:00Z"]"#, &mut seen),
            Err(ParseError::Shape(_))
        ));
        assert!(matches!(parse_queues("[[]]"), Err(ParseError::Shape(_))));
        assert!(matches!(parse_metrics(" [[]]"), Err(ParseError::Shape(_))));
    }

    #[test]
    fn unknown_states_are_kept() {
        let body = page(
            r#"{"id": "u", "job": "x", "transitions": [{"state": "preempted", "at": "2026-11-21T08:00:00Z"}]}"#,
        );
        let p = parse_jobs_page(&body, &mut HashSet::new()).unwrap();
        assert_eq!(
            p.jobs[0].transitions[0].state,
            JobState::Other("preempted".into())
        );
        assert!(!p.jobs[0].transitions[0].state.is_terminal());
    }

    #[test]
    fn queues_default_name_and_skip_bad() {
        let (q, s) = parse_queues(r#"{"queues": [{"id": "a"}, {"name": "no id"}, {"id": "a"}, {"id": "b", "name": "B"}]}"#).unwrap();
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].display_name(), "a");
        assert_eq!(q[1].display_name(), "B");
        assert_eq!(s.total(), 2);
    }

    #[test]
    fn metrics_checks() {
        let body = r#"{"series": [
            {"run_id": "r1", "metric": "gpu_util", "t": [0, 30, 60], "v": [90.5, null, 80]},
            {"run_id": "r2", "metric": "gpu_util", "t": [0, 30], "v": [1]},
            {"run_id": "r3", "metric": "cpu_util", "t": [0, 30], "v": [1, "x"]},
            {"run_id": "r4", "metric": "cpu_util", "t": [30, 0], "v": [1, 2]},
            {"run_id": "r5", "metric": "disk", "t": [0], "v": [1]}
        ]}"#;
        let (s, skipped) = parse_metrics(body).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].v, vec![Some(90.5), None, Some(80.0)]);
        assert_eq!(skipped.reasons["t and v of different lengths"], 1);
        assert_eq!(skipped.reasons["a value that is not a number"], 1);
        assert_eq!(skipped.reasons["t not ascending"], 1);
        assert_eq!(skipped.reasons["unknown metric"], 1);
    }

    /// Series read by other means get the same checks, reasons and
    /// examples as a body parsed here.
    #[test]
    fn checked_series_match_the_parsed_ones() {
        let body = r#"{"series": [
            {"run_id": "r1", "metric": "gpu_util", "t": [0, 30, 60], "v": [90.5, null, 80]},
            {"run_id": "r2", "metric": "gpu_util", "t": [0, 30], "v": [1]},
            {"run_id": "r4", "metric": "cpu_util", "t": [30, 0], "v": [1, 2]},
            {"run_id": "r5", "metric": "disk", "t": [0], "v": [1]},
            {"run_id": "r6", "metric": "sys_mem", "t": [0, 30], "v": [100.5, 1]}
        ]}"#;
        let raws = serde_json::from_str::<crate::contract::MetricsResponse>(body)
            .unwrap()
            .series;
        assert_eq!(check_metrics(raws), parse_metrics(body).unwrap());
    }

    /// The digit reading of [`overflows_f64`] is `str::parse`'s infinity.
    #[test]
    fn overflow_is_parse_infinity() {
        use proptest::prelude::*;
        let parse = |t: &str| t.parse::<f64>().is_ok_and(f64::is_infinite);
        let max = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791";
        let fixed = [
            "1e999", "-1e999", "1e308", "1.8e308", "1.7976931348623157e308", "1.7976931348623158e308",
            "1.79769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792e308",
            max, "0.00001e313", "0.000018e313", "00000.0e999999999999999999999", "1e-999", "", "-", ".", "e5", "1e", "1e+", "1.2.3",
            "1-2", "--1", "+1e999", ".5e309", "5.e308", "1E309", "0e400", "100e306", "1000e306",
        ];
        for t in fixed.iter().copied().chain([
            format!("{max}0").as_str(),
            format!("{max}2").as_str(),
            format!("{max}.5").as_str(),
        ]) {
            assert_eq!(overflows_f64(t), parse(t), "{t}");
        }
        proptest!(|(sign in "[+-]?", int in "[0-9]{0,4}", dot in "\\.?", frac in "[0-9]{0,4}",
                    e in "([eE][+-]?[0-9]{1,3})?")| {
            let t = format!("{sign}{int}{dot}{frac}{e}");
            prop_assert_eq!(overflows_f64(&t), parse(&t), "{}", t);
        });
        proptest!(|(mantissa in "1\\.79769313486231[0-9]{0,6}", e in 300_u32..320)| {
            let t = format!("{mantissa}e{e}");
            prop_assert_eq!(overflows_f64(&t), parse(&t), "{}", t);
        });
    }

    /// `NaN` and `Infinity` are not JSON, but some backends (Python's
    /// `json.dumps`) write them: the series that hold them are skipped and
    /// counted, the rest of the batch is read. Values outside 0-100 are
    /// skipped the same way (SPEC §2: metrics are percent).
    #[test]
    fn metrics_with_non_json_numbers_keep_the_good_series() {
        let body = r#"{"series": [
            {"run_id": "r1", "metric": "gpu_util", "t": [0, 30, 60, 90], "v": [1, NaN, Infinity, -Infinity]},
            {"run_id": "r2", "metric": "gpu_util", "t": [0, 30], "v": [50, 60]},
            {"run_id": "NaN \"Infinity", "metric": "cpu_util", "t": [0], "v": [NaN]},
            {"run_id": "r4", "metric": "cpu_util", "t": [0, 30], "v": [50, 100.5]},
            {"run_id": "r5", "metric": "cpu_util", "t": [0, 30], "v": [-0.5, 5]},
            {"run_id": "r6", "metric": "sys_mem", "t": [0, 30, 60], "v": [0, null, 100]},
            {"run_id": "r7", "metric": "sys_mem", "t": [0, 1e999], "v": [1, 2]},
            {"run_id": "r8", "metric": "gpu_mem", "t": [0, 30], "v": [1, -1e999]}
        ]}"#;
        let (s, skipped) = parse_metrics(body).unwrap();
        let ok: Vec<&str> = s.iter().map(|s| s.run_id.as_str()).collect();
        assert_eq!(ok, ["r2", "r6"]);
        assert_eq!(s[1].v, [Some(0.0), None, Some(100.0)]);
        assert_eq!(skipped.total(), 6, "{skipped:?}");
        assert_eq!(skipped.reasons["a value that is not a number"], 4);
        assert_eq!(skipped.reasons["a value outside 0 to 100"], 2);
        assert_eq!(
            skipped.summary_as("usage series", "usage series").as_deref(),
            Some("6 usage series skipped: 2 × a value outside 0 to 100, 4 × a value that is not a number")
        );
        assert!(
            skipped
                .examples
                .iter()
                .any(|e| *e == "series of run \"NaN \\\"Infinity\": a value that is not a number"),
            "strings are left alone: {:?}",
            skipped.examples
        );
        // Whatever else is wrong with a body still makes it not JSON.
        for bad in [r#"{"series": [NaN"#, r#"{"series": [{"v": [Nan]}]}"#, "NaN"] {
            assert!(
                matches!(parse_metrics(bad), Err(ParseError::NotJson(_))),
                "{bad}"
            );
        }
    }

    /// A non-JSON number in a jobs page costs only its record too, and never
    /// turns into a valid string value.
    #[test]
    fn non_json_numbers_in_a_jobs_page_skip_their_record() {
        let body = page(&format!(
            r#"{GOOD}, {{"id": "n", "job": NaN, "transitions": [{{"state": "queued", "at": "2026-11-21T08:00:00Z"}}]}},
            {{"id": "l", "job": "x", "labels": {{"k": Infinity}}, "transitions": [{{"state": "queued", "at": "2026-11-21T08:00:00Z"}}]}}"#
        ));
        let p = parse_jobs_page(&body, &mut HashSet::new()).unwrap();
        assert_eq!(p.jobs.len(), 1);
        assert_eq!(p.skipped.total(), 2);
    }
}
