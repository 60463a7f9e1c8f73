//! A compact, versioned serialisation of one complete jobs read, for the
//! browser's cache (an instant reopen, issue #12).
//!
//! What is kept is the read as it came over the wire, the contract's
//! [`RawJob`]s plus the read's `generated_at`, not any in-memory model: a
//! cached read goes through the same checks as a fresh one when it is used,
//! and the model can change without touching the format.
//!
//! Layout: the magic `QSCR`, the format version (u16, little end), then a
//! `postcard` body. Every string (ids, names, labels, states, messages) is
//! stored once in a table and jobs refer to it by index; a time that is
//! exactly what [`format_rfc3339`] writes for its instant (what the demo
//! backend and most servers send) is stored as that instant, any other
//! time text as text. A 100k-job read is then about a fifth of its JSON.

use crate::contract::{RawError, RawJob, RawTransition};
use crate::model::Ms;
use crate::time::{format_rfc3339, parse_rfc3339};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The format written by [`encode`]; [`decode`] refuses any other.
pub const FORMAT_VERSION: u16 = 2;

const MAGIC: &[u8; 4] = b"QSCR";

/// One complete read of a queue's jobs: what the cache keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedRead {
    /// The read's `generated_at`: its data is as of this instant, and an
    /// incremental read asks for what changed since.
    pub generated_at: Ms,
    /// The range read, [from, to): an incremental read from this one is
    /// complete only for a range that starts at or after `from` (format 2).
    pub span: (Ms, Ms),
    /// The records as they came (after the contract's shape, before the
    /// model's checks).
    pub jobs: Vec<RawJob>,
}

impl CachedRead {
    /// The jobs of a load as the cache keeps them (what the backend sent,
    /// as far as the checked model still says it).
    pub fn of_prepared(p: &crate::analysis::Prepared, span: (Ms, Ms)) -> CachedRead {
        CachedRead {
            generated_at: p.generated_at(),
            span,
            jobs: p
                .iter()
                .map(|j| crate::demo::to_raw_job(&j.to_job()))
                .collect(),
        }
    }
}

/// Why bytes are not a cached read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Not written by this cache at all.
    #[error("not a cached read")]
    NotACache,
    /// Written by another version of the format.
    #[error("written in format {found}, this version reads format {FORMAT_VERSION}")]
    Version {
        /// The version found.
        found: u16,
    },
    /// Damaged: the body does not decode, or refers outside its tables.
    #[error("damaged: {0}")]
    Corrupt(String),
}

/// A time: an instant when its text is the canonical one, else the text.
#[derive(Serialize, Deserialize)]
enum Time {
    At(Ms),
    Text(u32),
}

/// A string reference: index into the table, 0 for "none" in options.
type Str = u32;

#[derive(Serialize, Deserialize)]
struct WireJob {
    id: Str,
    job: Str,
    /// Optional fields: 0 is none, n is table entry n - 1.
    run_id: Str,
    run_name: Str,
    project: Str,
    entity: Str,
    user: Str,
    labels: Vec<(Str, Str)>,
    transitions: Vec<(Str, Time)>,
    errors: Vec<(Time, Str)>,
}

#[derive(Serialize, Deserialize)]
struct Wire<'a> {
    generated_at: Ms,
    span: (Ms, Ms),
    #[serde(borrow)]
    strings: Vec<&'a str>,
    jobs: Vec<WireJob>,
}

/// Builds the string table.
#[derive(Default)]
struct Interner<'a> {
    index: HashMap<&'a str, u32>,
    strings: Vec<&'a str>,
}

impl<'a> Interner<'a> {
    fn put(&mut self, s: &'a str) -> Str {
        let next = self.strings.len() as u32;
        *self.index.entry(s).or_insert_with(|| {
            self.strings.push(s);
            next
        })
    }

    fn opt(&mut self, s: &'a Option<String>) -> Str {
        s.as_deref().map_or(0, |s| self.put(s) + 1)
    }

    fn time(&mut self, s: &'a str) -> Time {
        match parse_rfc3339(s) {
            Ok(t) if format_rfc3339(t) == s => Time::At(t),
            _ => Time::Text(self.put(s)),
        }
    }
}

/// Serialises a read.
pub fn encode(read: &CachedRead) -> Vec<u8> {
    let mut t = Interner::default();
    let jobs = read
        .jobs
        .iter()
        .map(|j| WireJob {
            id: t.put(&j.id),
            job: t.put(&j.job),
            run_id: t.opt(&j.run_id),
            run_name: t.opt(&j.run_name),
            project: t.opt(&j.project),
            entity: t.opt(&j.entity),
            user: t.opt(&j.user),
            labels: j.labels.iter().map(|(k, v)| (t.put(k), t.put(v))).collect(),
            transitions: j
                .transitions
                .iter()
                .map(|x| (t.put(&x.state), t.time(&x.at)))
                .collect(),
            errors: j
                .errors
                .iter()
                .map(|e| (t.time(&e.at), t.put(&e.message)))
                .collect(),
        })
        .collect();
    let wire = Wire {
        generated_at: read.generated_at,
        span: read.span,
        strings: t.strings,
        jobs,
    };
    let mut out = Vec::with_capacity(64 * read.jobs.len() + 64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    // Serialising into a Vec cannot fail: every type here is plain data
    // (an empty result would be refused by `decode` anyway).
    postcard::to_extend(&wire, out).unwrap_or_default()
}

/// Reads bytes written by [`encode`] of this format version.
pub fn decode(bytes: &[u8]) -> Result<CachedRead, DecodeError> {
    let body = bytes.strip_prefix(MAGIC).ok_or(DecodeError::NotACache)?;
    let (version, body) = body
        .split_first_chunk::<2>()
        .ok_or(DecodeError::NotACache)?;
    let found = u16::from_le_bytes(*version);
    if found != FORMAT_VERSION {
        return Err(DecodeError::Version { found });
    }
    let (wire, rest): (Wire, _) =
        postcard::take_from_bytes(body).map_err(|e| DecodeError::Corrupt(e.to_string()))?;
    if !rest.is_empty() {
        return Err(DecodeError::Corrupt(format!(
            "{} bytes after the end",
            rest.len()
        )));
    }
    let strings = &wire.strings;
    let s = |i: Str| -> Result<String, DecodeError> {
        strings
            .get(i as usize)
            .map(|s| (*s).to_string())
            .ok_or_else(|| DecodeError::Corrupt(format!("string {i} of {}", strings.len())))
    };
    let opt = |i: Str| i.checked_sub(1).map(s).transpose();
    let time = |t: &Time| match t {
        Time::At(ms) => Ok(format_rfc3339(*ms)),
        Time::Text(i) => s(*i),
    };
    let jobs = wire
        .jobs
        .iter()
        .map(|j| {
            Ok(RawJob {
                id: s(j.id)?,
                job: s(j.job)?,
                run_id: opt(j.run_id)?,
                run_name: opt(j.run_name)?,
                project: opt(j.project)?,
                entity: opt(j.entity)?,
                user: opt(j.user)?,
                labels: {
                    // Inserted one by one, not collected (`crate::sort::into_tree`).
                    let mut labels = BTreeMap::new();
                    for &(k, v) in &j.labels {
                        labels.insert(s(k)?, s(v)?);
                    }
                    labels
                },
                transitions: j
                    .transitions
                    .iter()
                    .map(|(state, at)| {
                        Ok(RawTransition {
                            state: s(*state)?,
                            at: time(at)?,
                        })
                    })
                    .collect::<Result<_, DecodeError>>()?,
                errors: j
                    .errors
                    .iter()
                    .map(|(at, message)| {
                        Ok(RawError {
                            at: time(at)?,
                            message: s(*message)?,
                        })
                    })
                    .collect::<Result<_, DecodeError>>()?,
            })
        })
        .collect::<Result<Vec<_>, DecodeError>>()?;
    Ok(CachedRead {
        generated_at: wire.generated_at,
        span: wire.span,
        jobs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{generate, to_raw_job, DemoConfig};

    #[test]
    fn a_prepared_load_round_trips_through_the_cache() {
        let read = demo_read(2000);
        let mut b = crate::analysis::PreparedBuilder::new();
        b.push_raw_jobs(read.generated_at, &read.jobs);
        let (p, skipped) = b.finish();
        assert!(skipped.is_empty());
        let back = decode(&encode(&CachedRead::of_prepared(&p, read.span))).unwrap();
        assert_eq!(back, read);
        let mut b = crate::analysis::PreparedBuilder::new();
        b.push_raw_jobs(back.generated_at, &back.jobs);
        assert_eq!(b.finish().0, p);
        // A cached record is checked like a fresh one.
        let mut bad = back.jobs[0].clone();
        bad.transitions.clear();
        let mut b = crate::analysis::PreparedBuilder::new();
        b.push_raw_jobs(back.generated_at, &[bad, back.jobs[0].clone()]);
        let (one, skipped) = b.finish();
        assert_eq!((one.len(), skipped.total()), (1, 1), "{skipped}");
    }

    fn demo_read(jobs: usize) -> CachedRead {
        let data = generate(&DemoConfig {
            jobs,
            ..DemoConfig::default()
        });
        CachedRead {
            generated_at: DemoConfig::default().now,
            span: (0, DemoConfig::default().now),
            jobs: data.datasets[0].jobs.iter().map(to_raw_job).collect(),
        }
    }

    #[test]
    fn a_read_survives_the_round_trip_whatever_its_text() {
        let mut read = demo_read(2000);
        // Times in other spellings, odd strings, empty options and labels.
        let odd = RawJob {
            id: "ünï\u{202e}code\"<b>".into(),
            job: String::new(),
            run_id: Some(String::new()),
            run_name: None,
            project: Some("p".into()),
            entity: None,
            user: Some("p".into()),
            labels: [("k".to_string(), "p".to_string())].into_iter().collect(),
            transitions: vec![
                RawTransition {
                    state: "queued".into(),
                    at: "2026-11-28T10:00:00+01:00".into(),
                },
                RawTransition {
                    state: "weird".into(),
                    at: "not a time".into(),
                },
                RawTransition {
                    state: "running".into(),
                    at: "2026-11-28T09:00:00.250Z".into(),
                },
            ],
            errors: vec![RawError {
                at: "2026-11-28T09:00:01Z".into(),
                message: "x".repeat(5000),
            }],
        };
        read.jobs.push(odd);
        let bytes = encode(&read);
        assert_eq!(decode(&bytes), Ok(read.clone()));
        let empty = CachedRead {
            generated_at: -5,
            span: (-10, 7),
            jobs: Vec::new(),
        };
        assert_eq!(decode(&encode(&empty)), Ok(empty));
    }

    #[test]
    fn it_is_a_small_fraction_of_the_json() {
        let read = demo_read(6000);
        let json = serde_json::to_string(&read.jobs).unwrap().len();
        let bytes = encode(&read).len();
        assert!(bytes * 4 < json, "{bytes} bytes for {json} of JSON");
    }

    #[test]
    fn other_versions_and_damage_are_refused() {
        let bytes = encode(&demo_read(300));
        assert_eq!(decode(b""), Err(DecodeError::NotACache));
        assert_eq!(decode(b"{\"jobs\": []}"), Err(DecodeError::NotACache));
        assert_eq!(decode(b"QSCR"), Err(DecodeError::NotACache));
        let mut other = bytes.clone();
        other[4] = 1;
        assert_eq!(decode(&other), Err(DecodeError::Version { found: 1 }));
        assert!(matches!(
            decode(&bytes[..bytes.len() / 2]),
            Err(DecodeError::Corrupt(_))
        ));
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(decode(&longer), Err(DecodeError::Corrupt(_))));
        // Flipped bytes anywhere in the body: an error or some read, never
        // a panic (a string index out of its table is an error).
        for i in (6..bytes.len()).step_by(97) {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0x5a;
            let _ = decode(&flipped);
        }
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..200 {
            let mut junk = b"QSCR\x01\x00".to_vec();
            junk.extend((0..rng.usize(0..400)).map(|_| rng.u8(..)));
            let _ = decode(&junk);
        }
    }
}
