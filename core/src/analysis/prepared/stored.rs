//! A [`Prepared`] read back from storage (the browser's cache,
//! `core::cache`): its columns deserialise as they were written, then
//! [`Prepared::checked`] makes sure they are whole before anything indexes
//! into them, and derives the run and error orders again (two sorts over
//! compact arrays). The id ranks are stored: checking them is O(n) string
//! compares, sorting 100k ids again is not.
//!
//! Nothing read from storage is trusted: every offset, id and length is
//! checked against what it points into, each job has transitions in time
//! order and an id no other job has, the known states are where the state
//! ids say. Bytes that pass are exactly what [`PreparedBuilder::finish`]
//! could have made, so every number of SPEC §3 comes out as for a fresh read.
//!
//! [`PreparedBuilder::finish`]: super::PreparedBuilder::finish

use super::build::{error_order, run_order};
use super::{Column, Prepared, Texts, MAX_UNKNOWN_STATES, PRESENT};
use crate::model::JobState;

/// `states` as their wire names ([`JobState`] is no serde type).
pub(super) mod state_names {
    use crate::model::JobState;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(states: &[JobState], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(states.iter().map(JobState::as_str))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<JobState>, D::Error> {
        let names: Vec<&'de str> = Vec::deserialize(d)?;
        Ok(names.into_iter().map(JobState::parse).collect())
    }
}

/// Numeric columns as one byte string each (`#[serde(with = "packed")]`):
/// LEB128 varints, the instants as zigzag deltas from the previous one
/// (a job's transitions are seconds to hours apart). Decoding is one tight
/// loop over the bytes instead of a serde call per element: serde's
/// per-element varints were half of the cache's decode at 100k jobs, and
/// fixed-width bytes made the entry 40 % larger.
pub(crate) mod packed {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    /// A number packed as a varint (`delta`: of the difference to the
    /// previous one, zigzagged).
    pub trait Packed: Copy {
        /// To the varint's value, given the previous number.
        fn pack(self, prev: Self) -> u64;
        /// Back, given the previous number; `None` when out of range.
        fn unpack(v: u64, prev: Self) -> Option<Self>;
        /// What "previous" is before the first.
        const ZERO: Self;
    }

    macro_rules! unsigned {
        ($($t:ty),*) => {$(
            impl Packed for $t {
                fn pack(self, _: Self) -> u64 {
                    u64::from(self)
                }
                fn unpack(v: u64, _: Self) -> Option<Self> {
                    <$t>::try_from(v).ok()
                }
                const ZERO: Self = 0;
            }
        )*};
    }
    unsigned!(u16, u32);

    impl Packed for i64 {
        fn pack(self, prev: Self) -> u64 {
            let d = self.wrapping_sub(prev);
            ((d << 1) ^ (d >> 63)) as u64
        }
        fn unpack(v: u64, prev: Self) -> Option<Self> {
            let d = ((v >> 1) as i64) ^ -((v & 1) as i64);
            Some(prev.wrapping_add(d))
        }
        const ZERO: Self = 0;
    }

    // `&Vec`: serde's `with` hands over a reference to the field.
    #[allow(clippy::ptr_arg)]
    pub fn serialize<S: Serializer, T: Packed>(v: &Vec<T>, s: S) -> Result<S::Ok, S::Error> {
        // Sized exactly first: grown by doubling, the buffer of the
        // instants (~2.5 MB at 100k jobs) went through 1, 2 and 4 MB
        // blocks, and the wasm memory (a high-water mark) kept the room.
        let mut out = Vec::with_capacity(varints(v).map(varint_len).sum());
        for mut p in varints(v) {
            while p >= 0x80 {
                out.push((p as u8) | 0x80);
                p >>= 7;
            }
            out.push(p as u8);
        }
        s.serialize_bytes(&out)
    }

    /// The varint values of `v`, in order.
    fn varints<T: Packed>(v: &[T]) -> impl Iterator<Item = u64> + '_ {
        let prevs = std::iter::once(T::ZERO).chain(v.iter().copied());
        v.iter().zip(prevs).map(|(&x, prev)| x.pack(prev))
    }

    /// Bytes of the LEB128 varint of `p` (7 bits a byte, at least one).
    fn varint_len(p: u64) -> usize {
        (64 - (p | 1).leading_zeros() as usize).div_ceil(7)
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Packed>(d: D) -> Result<Vec<T>, D::Error> {
        let b: &'de [u8] = Deserialize::deserialize(d)?;
        let bad = || D::Error::custom("a damaged numeric column");
        let mut out = Vec::with_capacity(b.len());
        let (mut v, mut shift, mut prev) = (0u64, 0u32, T::ZERO);
        for &byte in b {
            if shift > 63 {
                return Err(bad());
            }
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                prev = T::unpack(v, prev).ok_or_else(bad)?;
                out.push(prev);
                (v, shift) = (0, 0);
            } else {
                shift += 7;
            }
        }
        if shift != 0 {
            return Err(bad());
        }
        out.shrink_to_fit();
        Ok(out)
    }

    #[cfg(test)]
    mod tests {
        use super::Packed;
        use proptest::prelude::*;
        use serde::{Deserialize, Serialize};

        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        #[serde(bound = "T: Packed")]
        struct W<T>(#[serde(with = "super")] Vec<T>);

        /// `v` through postcard and back.
        fn round<T: Packed>(v: &[T]) -> Vec<T> {
            let bytes = postcard::to_allocvec(&W(v.to_vec())).unwrap();
            postcard::from_bytes::<W<T>>(&bytes).unwrap().0
        }

        proptest! {
            #[test]
            fn numbers_round_trip(a in prop::collection::vec(any::<i64>(), 0..50),
                                  b in prop::collection::vec(any::<u32>(), 0..50),
                                  c in prop::collection::vec(any::<u16>(), 0..50)) {
                prop_assert_eq!(round(&a), a);
                prop_assert_eq!(round(&b), b);
                prop_assert_eq!(round(&c), c);
            }

            /// The exact size the encoder reserves is the bytes it writes.
            #[test]
            fn varint_len_is_the_bytes_written(p in any::<u64>(), shift in 0u32..64) {
                for p in [p, p >> shift, 0, 0x7f, 0x80, u64::MAX] {
                    let mut n = 1;
                    let mut q = p;
                    while q >= 0x80 {
                        n += 1;
                        q >>= 7;
                    }
                    prop_assert_eq!(super::varint_len(p), n);
                }
            }

            /// A column's bytes are their length's varint and the sizes
            /// summed (what the encoder reserves).
            #[test]
            fn a_column_is_as_long_as_its_varints(a in prop::collection::vec(any::<i64>(), 0..300)) {
                let sized: usize = super::varints(&a).map(super::varint_len).sum();
                let bytes = postcard::to_allocvec(&W(a)).unwrap();
                prop_assert_eq!(bytes.len(), super::varint_len(sized as u64) + sized);
            }
        }

        #[test]
        fn damaged_bytes_are_refused() {
            // Cut inside a varint, too long a varint, a u16 out of range.
            for bytes in [&[0x80u8][..], &[0xff; 11][..], &[0x80, 0x80, 0x04][..]] {
                let mut body = vec![bytes.len() as u8];
                body.extend_from_slice(bytes);
                assert!(postcard::from_bytes::<W<u16>>(&body).is_err(), "{bytes:?}");
            }
        }
    }
}

/// Offsets `first` of `n` jobs into `len` entries: `n + 1` of them,
/// from 0, never decreasing, ending at `len`.
fn check_offsets(what: &str, first: &[u32], len: usize) -> Result<(), String> {
    let ok = first.first() == Some(&0)
        && first.windows(2).all(|w| w[0] <= w[1])
        && first.last().map(|&l| l as usize) == Some(len);
    ok.then_some(())
        .ok_or_else(|| format!("{what}: bad offsets"))
}

impl Texts {
    /// Whole: `n + 1` ends from 0, never decreasing, on character
    /// boundaries, ending at the buffer's end; with `always`, every job has one.
    fn check(&self, what: &str, n: usize, always: bool) -> Result<(), String> {
        let bad = || format!("{what}: bad texts");
        if self.end.len() != n + 1 || self.end.first() != Some(&0) {
            return Err(bad());
        }
        let mut at = 0usize;
        for &e in self.end.iter().skip(1) {
            let next = (e & !PRESENT) as usize;
            if next < at || !self.buf.is_char_boundary(next) || (always && e & PRESENT == 0) {
                return Err(bad());
            }
            at = next;
        }
        (at == self.buf.len()).then_some(()).ok_or_else(bad)
    }
}

impl Prepared {
    /// Checks a [`Prepared`] that was deserialised (see the module doc) and
    /// derives its orders; the error says what is wrong.
    pub(crate) fn checked(mut self) -> Result<Prepared, String> {
        let n = self.first.len().checked_sub(1).ok_or("no jobs table")?;
        u32::try_from(n).map_err(|_| "too many jobs")?;
        check_offsets("transitions", &self.first, self.at.len())?;
        if self.state.len() != self.at.len() {
            return Err("transitions: states and times differ in length".into());
        }
        check_offsets("errors", &self.error_first, self.error_at.len())?;
        if self.error_message.len() != self.error_at.len() {
            return Err("errors: messages and times differ in length".into());
        }
        self.ids.check("ids", n, true)?;
        self.run_ids.check("run ids", n, false)?;
        self.run_names.check("run names", n, false)?;
        for (k, col) in self.columns.iter().enumerate() {
            col.check(n).map_err(|e| format!("column {k}: {e}"))?;
        }
        for (key, col) in &self.labels {
            col.check(n).map_err(|e| format!("label {key:?}: {e}"))?;
        }
        self.check_states()?;
        for i in 0..n {
            let times = self.transition_times(i);
            if times.is_empty() || times.windows(2).any(|w| w[0] > w[1]) {
                return Err(format!("job {i}: no transitions, or out of order"));
            }
        }
        let m = self.messages.len();
        if self.error_message.iter().any(|&k| k as usize >= m) {
            return Err("errors: a message outside its table".into());
        }
        self.check_ranks()?;
        self.run_order = run_order(&self);
        self.error_order = error_order(&self);
        Ok(self)
    }

    /// The id ranks: a permutation of the jobs under which the ids are
    /// strictly increasing (so no two jobs share one).
    fn check_ranks(&self) -> Result<(), String> {
        let n = self.len();
        let mut by_rank = vec![u32::MAX; n];
        if self.id_rank.len() != n {
            return Err("id ranks: not one per job".into());
        }
        for (i, &r) in (0u32..).zip(&self.id_rank) {
            match by_rank.get_mut(r as usize) {
                Some(slot) if *slot == u32::MAX => *slot = i,
                _ => return Err("id ranks: not a permutation".into()),
            }
        }
        if by_rank
            .windows(2)
            .any(|w| self.id(w[0] as usize) >= self.id(w[1] as usize))
        {
            return Err("two jobs with one id, or ids out of rank".into());
        }
        Ok(())
    }

    /// The known states first, in their order (state ids 0 to 8 mean
    /// them), then at most the unknown ones kept and the fold's; every
    /// transition's state id within them.
    fn check_states(&self) -> Result<(), String> {
        let known = JobState::KNOWN.len();
        let unknown = self.states.get(known..).unwrap_or_default();
        let ok = self.states.get(..known) == Some(&JobState::KNOWN[..])
            && unknown.len() <= MAX_UNKNOWN_STATES + 1
            && unknown.iter().all(|s| matches!(s, JobState::Other(_)))
            && self
                .state
                .iter()
                .all(|&s| usize::from(s) < self.states.len());
        ok.then_some(()).ok_or_else(|| "bad states".into())
    }
}

impl Column {
    /// Whole for `n` jobs: names sorted and distinct, every value id
    /// within them, a dense column one id per job, a sparse one jobs
    /// ascending below `n`.
    pub(crate) fn check(&self, n: usize) -> Result<(), String> {
        if self.names.windows(2).any(|w| w[0] >= w[1]) {
            return Err("names not sorted".into());
        }
        let (ok, names) = (self.values_fit(n), self.names.len());
        let mut ids_ok = true;
        self.for_each_value(|_, id| ids_ok &= (id as usize) < names);
        (ok && ids_ok)
            .then_some(())
            .ok_or_else(|| "bad values".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::PreparedBuilder;
    use crate::contract::RawTransition;
    use crate::demo::{generate, to_raw_job, DemoConfig};

    fn prepared() -> Prepared {
        let data = generate(&DemoConfig {
            jobs: 400,
            ..DemoConfig::default()
        });
        let mut raw: Vec<_> = data.datasets[0].jobs.iter().map(to_raw_job).collect();
        raw[3].transitions.push(RawTransition {
            state: "weird".into(),
            at: "2026-11-28T08:59:00Z".into(),
        });
        raw[4].errors.push(crate::contract::RawError {
            at: "2026-11-28T08:59:00Z".into(),
            message: "oom".into(),
        });
        let mut b = PreparedBuilder::new();
        b.push_raw_jobs(data.datasets[0].generated_at, &raw);
        b.finish().0
    }

    /// What deserialising gives: the columns without the derived orders.
    fn stored(p: &Prepared) -> Prepared {
        Prepared {
            run_order: Vec::new(),
            error_order: Vec::new(),
            ..p.clone()
        }
    }

    fn refused(p: Prepared) -> String {
        match p.checked() {
            Err(why) => why,
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn whole_columns_get_their_orders_back() {
        let p = prepared();
        assert!(p.len() > 10 && !p.error_order.is_empty() && !p.run_order.is_empty());
        assert_eq!(stored(&p).checked(), Ok(p.clone()));
        assert_eq!(
            stored(&Prepared::default()).checked().map(|p| p.len()),
            Err("no jobs table".into())
        );
        let empty = PreparedBuilder::new().finish().0;
        assert_eq!(stored(&empty).checked(), Ok(empty));
    }

    #[test]
    fn columns_that_are_not_whole_are_refused() {
        let p = stored(&prepared());
        let mut bad = p.clone();
        bad.first.pop();
        assert!(refused(bad).contains("transitions"));
        let mut bad = p.clone();
        bad.state[3] = 500;
        assert!(refused(bad).contains("states"));
        let mut bad = p.clone();
        bad.states.swap(0, 1);
        assert!(refused(bad).contains("states"));
        let mut bad = p.clone();
        bad.states.push(JobState::Queued);
        assert!(refused(bad).contains("states"));
        // Job 0's transitions out of time order.
        let mut bad = p.clone();
        let r = bad.transitions_of(0);
        assert!(r.len() >= 2);
        bad.at[r.start] = bad.at[r.start + 1] + 1;
        assert!(refused(bad).contains("order"));
        let mut bad = p.clone();
        bad.columns[0].names.reverse();
        assert!(refused(bad).contains("column 0"));
        let mut bad = p.clone();
        bad.columns[1].names.truncate(1);
        assert!(refused(bad).contains("column 1"));
        let mut bad = p.clone();
        bad.error_message[0] = 99;
        assert!(refused(bad).contains("errors"));
        let mut bad = p.clone();
        bad.error_first.push(0);
        assert!(refused(bad).contains("errors"));
        let mut bad = p.clone();
        bad.run_ids.end.pop();
        assert!(refused(bad).contains("run ids"));
        let mut bad = p.clone();
        bad.ids.buf.push('x');
        assert!(refused(bad).contains("ids"));
        // A cut inside a character.
        let mut bad = p.clone();
        bad.run_names = Texts::default();
        bad.run_names.push(Some("ü"));
        bad.run_names.end[1] = 1 | PRESENT;
        for _ in 1..bad.len() {
            bad.run_names.push(None);
        }
        assert!(refused(bad).contains("run names"));
        // Job 1 has job 0's id.
        let mut bad = p.clone();
        let mut ids = Texts::default();
        for i in 0..bad.len() {
            ids.push(Some(bad.id(if i == 1 { 0 } else { i })));
        }
        bad.ids = ids;
        assert!(refused(bad).contains("one id"));
        let mut bad = p.clone();
        bad.id_rank.swap(0, 1);
        assert!(refused(bad).contains("out of rank"));
        let mut bad = p.clone();
        bad.id_rank[0] = bad.id_rank[1];
        assert!(refused(bad).contains("permutation"));
        let mut bad = p.clone();
        bad.id_rank.pop();
        assert!(refused(bad).contains("one per job"));
    }
}
