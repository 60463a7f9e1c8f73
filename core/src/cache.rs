//! A compact, versioned serialisation of one complete jobs read, for the
//! browser's cache (an instant reopen, issue #12).
//!
//! What is kept is the read's prepared columns ([`Prepared`]: texts end to
//! end, interned values, transitions as parallel arrays), not the records
//! as they came: a reopen then decodes arrays instead of building a
//! hundred thousand records and folding them into columns again (format 2
//! did that: ~0.4 s at 100k jobs in the browser, ~1 s with the decode).
//! Nothing read is trusted: [`decode`] checks the columns whole (offsets,
//! ids, order of transitions, unique job ids) and derives the sorted
//! orders again, so a damaged entry is an error, never a panic or a wrong
//! number.
//!
//! Layout: the magic `QSCR`, the format version (u16, little end), then a
//! `postcard` body: the range read, then the [`Prepared`] (its serde
//! form, without the derived orders). A 100k-job read is about 6 MB.
//! Another version is refused ([`DecodeError::Version`]); the app drops it
//! with a notice and reads the queue again.

use crate::analysis::Prepared;
use crate::model::Ms;
use serde::{Deserialize, Serialize};

/// The format written by [`encode`]; [`decode`] refuses any other.
/// 2: the contract's records (`RawJob`s); 3: the prepared columns.
pub const FORMAT_VERSION: u16 = 3;

const MAGIC: &[u8; 4] = b"QSCR";

/// One complete read of a queue's jobs: what the cache keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedRead {
    /// The range read, [from, to): an incremental read from this one is
    /// complete only for a range that starts at or after `from`.
    pub span: (Ms, Ms),
    /// The jobs, prepared; its `generated_at` is the read's: its data is
    /// as of this instant, and an incremental read asks for what changed
    /// since.
    pub prepared: Prepared,
}

impl CachedRead {
    /// The read's `generated_at`.
    pub fn generated_at(&self) -> Ms {
        self.prepared.generated_at()
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
    /// Damaged: the body does not decode, or its columns are not whole.
    #[error("damaged: {0}")]
    Corrupt(String),
}

#[derive(Serialize)]
struct WireRef<'a> {
    span: (Ms, Ms),
    prepared: &'a Prepared,
}

#[derive(Deserialize)]
struct Wire {
    span: (Ms, Ms),
    prepared: Prepared,
}

/// Serialises a read.
pub fn encode(span: (Ms, Ms), prepared: &Prepared) -> Vec<u8> {
    let mut out = Vec::new();
    encode_chunks(span, prepared, &mut |c| out.extend_from_slice(c));
    out
}

/// Most bytes [`encode_chunks`] hands over at once.
pub const CHUNK: usize = 64 * 1024;

/// Serialises a read as [`encode`] does, handing the bytes to `sink` in
/// chunks of at most [`CHUNK`] bytes as they are made (in order; their
/// concatenation is [`encode`]'s result). The whole entry never exists in
/// one buffer here: the browser copies each chunk out of the wasm memory
/// (8.6 MB at 100k jobs, up to twice that while a `Vec` grew, were the
/// load's high-water mark).
pub fn encode_chunks(span: (Ms, Ms), prepared: &Prepared, sink: &mut dyn FnMut(&[u8])) {
    let mut out = Chunks {
        buf: Vec::with_capacity(CHUNK),
        sink,
    };
    out.put(MAGIC);
    out.put(&FORMAT_VERSION.to_le_bytes());
    // Serialising into chunks cannot fail: every type here is plain data
    // and the flavor never refuses a byte (a cut entry would be refused by
    // `decode` anyway).
    let _ = postcard::serialize_with_flavor(&WireRef { span, prepared }, out);
}

/// A postcard flavor that hands its bytes on in chunks of at most [`CHUNK`].
struct Chunks<'s> {
    buf: Vec<u8>,
    sink: &'s mut dyn FnMut(&[u8]),
}

impl Chunks<'_> {
    fn put(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            if self.buf.len() == CHUNK {
                self.flush();
            }
            let room = CHUNK - self.buf.len();
            let (now, later) = data.split_at(room.min(data.len()));
            self.buf.extend_from_slice(now);
            data = later;
        }
    }

    fn flush(&mut self) {
        if !self.buf.is_empty() {
            (self.sink)(&self.buf);
            self.buf.clear();
        }
    }
}

impl postcard::ser_flavors::Flavor for Chunks<'_> {
    type Output = ();

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.put(data);
        Ok(())
    }

    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.put(&[data]);
        Ok(())
    }

    fn finalize(mut self) -> postcard::Result<()> {
        self.flush();
        Ok(())
    }
}

/// The format version of bytes written by [`encode`] (of any version).
pub fn version(bytes: &[u8]) -> Result<u16, DecodeError> {
    let body = bytes.strip_prefix(MAGIC).ok_or(DecodeError::NotACache)?;
    let (version, _) = body
        .split_first_chunk::<2>()
        .ok_or(DecodeError::NotACache)?;
    Ok(u16::from_le_bytes(*version))
}

/// Reads bytes written by [`encode`] of this format version, and checks them.
pub fn decode(bytes: &[u8]) -> Result<CachedRead, DecodeError> {
    let found = version(bytes)?;
    if found != FORMAT_VERSION {
        return Err(DecodeError::Version { found });
    }
    let body = bytes.get(MAGIC.len() + 2..).unwrap_or_default();
    let (wire, rest): (Wire, _) =
        postcard::take_from_bytes(body).map_err(|e| DecodeError::Corrupt(e.to_string()))?;
    if !rest.is_empty() {
        return Err(DecodeError::Corrupt(format!(
            "{} bytes after the end",
            rest.len()
        )));
    }
    let prepared = wire.prepared.checked().map_err(DecodeError::Corrupt)?;
    Ok(CachedRead {
        span: wire.span,
        prepared,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::time::{BucketGrid, TimeRange, Zone};
    use crate::analysis::{job_status, select, summary, Filters, PreparedBuilder};
    use crate::contract::{RawError, RawJob, RawTransition};
    use crate::demo::{generate, to_raw_job, DemoConfig};
    use crate::model::HOUR;
    use proptest::prelude::*;

    /// The demo's jobs of one queue as records, with `odd` of them made
    /// odd (unknown states, labels, errors, missing fields, other time
    /// spellings, broken ones the builder skips).
    fn records(seed: u64, jobs: usize, odd: usize) -> Vec<RawJob> {
        let data = generate(&DemoConfig {
            seed,
            jobs,
            ..DemoConfig::default()
        });
        let mut raw: Vec<RawJob> = data.datasets[0].jobs.iter().map(to_raw_job).collect();
        let mut rng = fastrand::Rng::with_seed(seed);
        for _ in 0..odd.min(raw.len()) {
            let k = rng.usize(..raw.len());
            let j = &mut raw[k];
            match rng.u8(0..6) {
                0 => j.transitions.push(RawTransition {
                    state: format!("weird-{}", rng.u8(0..40)),
                    at: "2026-11-28T08:59:00Z".into(),
                }),
                1 => {
                    j.labels
                        .insert(format!("k{}", rng.u8(0..5)), "ü \"v\"".into());
                }
                2 => j.errors.push(RawError {
                    at: "2026-11-28T09:30:00+01:00".into(),
                    message: format!("oom {}", rng.u8(0..3)),
                }),
                3 => (j.user, j.run_id, j.project) = (None, Some(String::new()), None),
                4 => j.transitions.clear(),
                _ => j.id = "dup".into(),
            }
        }
        raw
    }

    fn prepared(seed: u64, jobs: usize, odd: usize) -> Prepared {
        let mut b = PreparedBuilder::new();
        b.push_raw_jobs(DemoConfig::default().now, &records(seed, jobs, odd));
        b.finish().0
    }

    /// SPEC §3 numbers of a whole view: the summary and Job status.
    fn numbers(p: &Prepared) -> (crate::analysis::Summary, crate::analysis::StatusCounts) {
        let now = DemoConfig::default().now;
        let range = TimeRange::new(now - 7 * 24 * HOUR, now);
        let sel = select(p, &Filters::default(), range);
        let grid = BucketGrid::new(range, HOUR, &Zone::Utc);
        (summary(p, &sel, range), job_status(p, &sel, &grid))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// decode(encode(p)) is p, and every number of SPEC §3 with it.
        #[test]
        fn a_prepared_read_round_trips(seed in any::<u64>(), jobs in 0usize..800, odd in 0usize..200) {
            let p = prepared(seed, jobs, odd);
            let span = (-5, DemoConfig::default().now);
            let back = decode(&encode(span, &p)).unwrap();
            prop_assert_eq!(back.span, span);
            prop_assert_eq!(back.generated_at(), p.generated_at());
            prop_assert_eq!(numbers(&back.prepared), numbers(&p));
            prop_assert_eq!(back.prepared, p);
        }
    }

    #[test]
    fn folded_states_and_sparse_labels_round_trip() {
        // 40 unknown states: past the 32 kept, folded into one.
        let p = prepared(7, 3000, 2000);
        assert!(p.state_fold().is_some());
        assert!(!p.label_keys().is_empty());
        let back = decode(&encode((0, 1), &p)).unwrap();
        assert_eq!(numbers(&back.prepared), numbers(&p));
        assert_eq!(back.prepared, p);
        let empty = Prepared::default();
        let mut b = PreparedBuilder::new();
        b.push_raw_jobs(-5, &[]);
        let none = b.finish().0;
        assert_eq!(decode(&encode((-10, 7), &none)).unwrap().prepared, none);
        assert!(matches!(
            decode(&encode((0, 0), &empty)),
            Ok(_) | Err(DecodeError::Corrupt(_))
        ));
    }

    #[test]
    fn chunks_are_bounded_and_make_the_same_entry() {
        // 6,000 jobs: about 500 kB, several chunks.
        let p = prepared(11, 6000, 300);
        let mut chunks = Vec::new();
        encode_chunks((3, 9), &p, &mut |c| chunks.push(c.to_vec()));
        assert!(chunks.len() > 3, "{} chunks", chunks.len());
        assert!(chunks.iter().all(|c| !c.is_empty() && c.len() <= CHUNK));
        let whole = chunks.concat();
        // The bytes postcard writes into one buffer: format 3 unchanged, so
        // entries stored before still decode.
        let mut one = MAGIC.to_vec();
        one.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        let one = postcard::to_extend(
            &WireRef {
                span: (3, 9),
                prepared: &p,
            },
            one,
        )
        .unwrap();
        assert_eq!(whole, one);
        assert_eq!(decode(&whole).unwrap().prepared, p);
    }

    #[test]
    fn it_is_a_small_fraction_of_the_json() {
        let raw = records(42, 6000, 0);
        let json = serde_json::to_string(&raw).unwrap().len();
        let mut b = PreparedBuilder::new();
        b.push_raw_jobs(0, &raw);
        let bytes = encode((0, 1), &b.finish().0).len();
        assert!(bytes * 4 < json, "{bytes} bytes for {json} of JSON");
    }

    #[test]
    fn other_versions_and_damage_are_refused() {
        let bytes = encode((0, 1), &prepared(3, 300, 30));
        assert_eq!(decode(b""), Err(DecodeError::NotACache));
        assert_eq!(decode(b"{\"jobs\": []}"), Err(DecodeError::NotACache));
        assert_eq!(decode(b"QSCR"), Err(DecodeError::NotACache));
        let mut other = bytes.clone();
        other[4] = 2;
        assert_eq!(decode(&other), Err(DecodeError::Version { found: 2 }));
        assert_eq!(version(&other), Ok(2));
        assert!(matches!(
            decode(&bytes[..bytes.len() / 2]),
            Err(DecodeError::Corrupt(_))
        ));
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(decode(&longer), Err(DecodeError::Corrupt(_))));
        // Flipped bytes anywhere in the body: an error or a read whose
        // columns are whole (numbers computed from it without a panic).
        for i in (6..bytes.len()).step_by(23) {
            for flip in [0x01, 0x5a, 0x80] {
                let mut flipped = bytes.clone();
                flipped[i] ^= flip;
                if let Ok(read) = decode(&flipped) {
                    let _ = numbers(&read.prepared);
                    for j in read.prepared.iter() {
                        let _ = (j.to_job(), j.run_span());
                    }
                }
            }
        }
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..200 {
            let mut junk = b"QSCR\x03\x00".to_vec();
            junk.extend((0..rng.usize(0..400)).map(|_| rng.u8(..)));
            let _ = decode(&junk).map(|r| numbers(&r.prepared));
        }
    }
}
