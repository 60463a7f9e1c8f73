//! Interned string columns of the jobs (user, launch job, project, entity,
//! and one per label key): each distinct value once, sorted, and a value id
//! per job that has one.
//!
//! A column where most jobs have a value keeps one id per job (dense); a
//! column where few do keeps only the (job, id) pairs that exist (sparse).
//! Label keys are the backend's to choose: with a dense column per key,
//! 20,000 keys over 20,000 jobs cost 1.6 GB, however few labels each job
//! has. Either way a column costs at most 8 bytes per value present.

use serde::{Deserialize, Serialize};

use super::filter::Selection;
use super::prepared::NONE_NAME;

/// Marks "no value" in a dense column.
pub(crate) const NO_VALUE: u32 = u32::MAX;

/// One interned column (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct Column {
    /// Distinct values, sorted.
    pub names: Vec<String>,
    values: Values,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Values {
    /// Per job, an index into `names` or [`NO_VALUE`].
    Dense(#[serde(with = "super::prepared::packed")] Vec<u32>),
    /// The jobs with a value, ascending, and their ids (parallel).
    Sparse {
        #[serde(with = "super::prepared::packed")]
        jobs: Vec<u32>,
        #[serde(with = "super::prepared::packed")]
        ids: Vec<u32>,
    },
}

impl Default for Values {
    fn default() -> Self {
        Values::Sparse {
            jobs: Vec::new(),
            ids: Vec::new(),
        }
    }
}

/// A column where no job has a value (a label key that does not occur).
pub(crate) static EMPTY_COLUMN: Column = Column {
    names: Vec::new(),
    values: Values::Sparse {
        jobs: Vec::new(),
        ids: Vec::new(),
    },
};

impl Column {
    /// Job `i`'s value id (an index into `names`), `None` when it has none.
    pub fn value(&self, i: usize) -> Option<u32> {
        match &self.values {
            Values::Dense(of_job) => of_job.get(i).copied().filter(|&id| id != NO_VALUE),
            Values::Sparse { jobs, ids } => {
                let i = u32::try_from(i).ok()?;
                let k = jobs.binary_search(&i).ok()?;
                ids.get(k).copied()
            }
        }
    }

    /// Job `i`'s value as the filter lists name it: [`NONE_NAME`] when it
    /// has none (as [`Column::counts`] counts it).
    pub fn name(&self, i: usize) -> &str {
        self.value(i)
            .and_then(|id| self.names.get(id as usize))
            .map_or(NONE_NAME, String::as_str)
    }

    /// Calls `f(job, value id)` for every job that has a value, jobs ascending.
    pub(crate) fn for_each_value(&self, mut f: impl FnMut(u32, u32)) {
        match &self.values {
            Values::Dense(of_job) => {
                for (i, &id) in (0u32..).zip(of_job) {
                    if id != NO_VALUE {
                        f(i, id);
                    }
                }
            }
            Values::Sparse { jobs, ids } => {
                for (&i, &id) in jobs.iter().zip(ids) {
                    f(i, id);
                }
            }
        }
    }

    /// Whether the values are whole for `n` jobs: one per job (dense), or
    /// pairs with the jobs ascending below `n` (sparse). Value ids are not
    /// looked at.
    pub(crate) fn values_fit(&self, n: usize) -> bool {
        match &self.values {
            Values::Dense(of_job) => of_job.len() == n,
            Values::Sparse { jobs, ids } => {
                jobs.len() == ids.len()
                    && jobs.windows(2).all(|w| w[0] < w[1])
                    && jobs.last().is_none_or(|&j| (j as usize) < n)
            }
        }
    }

    /// How many value ids the column stores (its memory, in ids).
    #[cfg(test)]
    pub fn stored(&self) -> usize {
        match &self.values {
            Values::Dense(of_job) => of_job.len(),
            Values::Sparse { jobs, .. } => jobs.len() * 2,
        }
    }

    /// The values among `subset` with how many jobs have each, in name
    /// order, and [`NONE_NAME`] last for the jobs without one.
    pub fn counts(&self, subset: &Selection) -> Vec<(String, usize)> {
        let mut n = vec![0usize; self.names.len()];
        let mut none = 0usize;
        for &i in &subset.0 {
            match self.value(i as usize).and_then(|id| n.get_mut(id as usize)) {
                Some(c) => *c += 1,
                None => none += 1,
            }
        }
        let mut out: Vec<(String, usize)> = self
            .names
            .iter()
            .zip(n)
            .filter(|(_, c)| *c > 0)
            .map(|(s, c)| (s.clone(), c))
            .collect();
        if none > 0 {
            out.push((NONE_NAME.to_string(), none));
        }
        out
    }

    /// The column from first-seen names and each job's id into them
    /// ([`NO_VALUE`] for none), see [`Column::build`].
    pub(crate) fn from_per_job(names: Vec<String>, of_job: Vec<u32>) -> Column {
        let n = of_job.len();
        Column::build(names, Values::Dense(of_job), n)
    }

    /// The column of `n` jobs from first-seen names and the (job, id) pairs
    /// of the jobs with a value (jobs ascending), see [`Column::build`].
    pub(crate) fn from_pairs(
        names: Vec<String>,
        jobs: Vec<u32>,
        ids: Vec<u32>,
        n: usize,
    ) -> Column {
        Column::build(names, Values::Sparse { jobs, ids }, n)
    }

    /// Whether it keeps one id per job.
    pub(crate) fn is_dense(&self) -> bool {
        matches!(self.values, Values::Dense(_))
    }

    /// The names sorted and the ids renumbered; dense when at least half
    /// of the `n` jobs have a value (4 bytes a job is then at most 8 a
    /// value), else sparse.
    fn build(names: Vec<String>, values: Values, n: usize) -> Column {
        let name = |i: u32| names.get(i as usize).map_or("", String::as_str);
        let order = crate::sort::sorted_indices(names.len(), &|a, b| name(a).cmp(name(b)));
        let mut remap = vec![NO_VALUE; names.len()];
        for (new, &old) in order.iter().enumerate() {
            if let Some(r) = remap.get_mut(old as usize) {
                *r = u32::try_from(new).unwrap_or(NO_VALUE);
            }
        }
        let present = match &values {
            Values::Dense(of_job) => of_job.iter().filter(|&&id| id != NO_VALUE).count(),
            Values::Sparse { jobs, .. } => jobs.len(),
        };
        let mut w = ValuesWriter { values, present };
        w.renumber(|id| remap.get(id as usize).copied().unwrap_or(NO_VALUE));
        let mut names: Vec<Option<String>> = names.into_iter().map(Some).collect();
        let names = order
            .iter()
            .filter_map(|&i| names.get_mut(i as usize).and_then(Option::take))
            .collect();
        w.finish(names, n)
    }

    /// Gives back spare capacity.
    fn shrink_to_fit(&mut self) {
        self.names.shrink_to_fit();
        match &mut self.values {
            Values::Dense(of_job) => of_job.shrink_to_fit(),
            Values::Sparse { jobs, ids } => {
                jobs.shrink_to_fit();
                ids.shrink_to_fit();
            }
        }
    }
}

/// A column's values written job by job, jobs ascending, with names
/// already sorted and each used: what [`Column::build`] makes of them,
/// without its passes (an incremental read's columns, `Prepared::updated`).
pub(crate) struct ValuesWriter {
    values: Values,
    present: usize,
}

impl ValuesWriter {
    /// For `n` jobs, written into one id per job (`dense`) or pairs.
    pub fn new(n: usize, dense: bool) -> ValuesWriter {
        let values = if dense {
            // Filled up to each job set, and to `n` by `finish`.
            Values::Dense(Vec::with_capacity(n))
        } else {
            Values::default()
        };
        ValuesWriter { values, present: 0 }
    }

    /// Job `j` (above every job set so far) has value `id`.
    pub fn set(&mut self, j: u32, id: u32) {
        match &mut self.values {
            Values::Dense(of_job) => {
                if of_job.len() <= j as usize {
                    of_job.resize(j as usize, NO_VALUE);
                    of_job.push(id);
                    self.present += 1;
                }
            }
            Values::Sparse { jobs, ids } => {
                jobs.push(j);
                ids.push(id);
                self.present += 1;
            }
        }
    }

    /// The values of `col`'s jobs in `runs` (each `[a, b)`, ascending) as
    /// the next jobs, from 0 (nothing set yet), each id `id` written as
    /// `to[id]` and marked in `used`: what [`ValuesWriter::set`] does job by
    /// job, in one pass over each run. Only from a dense column into a
    /// dense writer; false (nothing written) otherwise or for a run out of
    /// the column.
    pub fn extend_runs(
        &mut self,
        col: &Column,
        runs: &[(usize, usize)],
        to: &[u32],
        used: &mut [bool],
    ) -> bool {
        let (Values::Dense(out), Values::Dense(src)) = (&mut self.values, &col.values) else {
            return false;
        };
        if !out.is_empty() || runs.iter().any(|&(a, b)| a > b || b > src.len()) {
            return false;
        }
        let mut present = 0;
        for &(a, b) in runs {
            let part = src.get(a..b).unwrap_or_default();
            out.extend(part.iter().map(|&id| {
                let m = to.get(id as usize).copied().unwrap_or(NO_VALUE);
                match used.get_mut(m as usize) {
                    Some(u) => {
                        *u = true;
                        present += 1;
                        m
                    }
                    None => NO_VALUE,
                }
            }));
        }
        self.present += present;
        true
    }

    /// No job has a value.
    pub fn is_empty(&self) -> bool {
        self.present == 0
    }

    /// Every id `id` set becomes `f(id)`.
    pub fn renumber(&mut self, f: impl Fn(u32) -> u32) {
        let ids = match &mut self.values {
            Values::Dense(of_job) => of_job,
            Values::Sparse { ids, .. } => ids,
        };
        for id in ids.iter_mut().filter(|id| **id != NO_VALUE) {
            *id = f(*id);
        }
    }

    /// The column of `n` jobs with `names` (sorted, each used): dense when
    /// at least half of the jobs have a value, as [`Column::build`] decides.
    pub fn finish(mut self, names: Vec<String>, n: usize) -> Column {
        let dense = self.present * 2 >= n;
        if let Values::Dense(of_job) = &mut self.values {
            of_job.resize(n, NO_VALUE);
        }
        let values = match self.values {
            Values::Dense(of_job) if !dense => {
                let (jobs, ids) = (0u32..)
                    .zip(of_job)
                    .filter(|&(_, id)| id != NO_VALUE)
                    .unzip();
                Values::Sparse { jobs, ids }
            }
            Values::Sparse { jobs, ids } if dense => {
                let mut of_job = vec![NO_VALUE; n];
                for (&i, id) in jobs.iter().zip(ids) {
                    if let Some(slot) = of_job.get_mut(i as usize) {
                        *slot = id;
                    }
                }
                Values::Dense(of_job)
            }
            values => values,
        };
        let mut col = Column { names, values };
        col.shrink_to_fit();
        col
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Dense or sparse, a column answers what was set, and never
        /// stores more than two ids per value set.
        #[test]
        fn a_column_answers_what_was_set(
            n in 0usize..300,
            density in 0u32..=100,
            seed in any::<u64>(),
        ) {
            let mut rng = fastrand::Rng::with_seed(seed);
            let names = ["b", "a", "c", "a b", ""];
            let set: Vec<Option<&str>> = (0..n)
                .map(|_| (rng.u32(0..100) < density).then(|| names[rng.usize(..names.len())]))
                .collect();
            // First-seen names, as the builder interns them, set pairwise or densely.
            let mut first_seen: Vec<String> = Vec::new();
            let mut id_of = |v: &str| match first_seen.iter().position(|x| x == v) {
                Some(k) => k as u32,
                None => {
                    first_seen.push(v.to_string());
                    first_seen.len() as u32 - 1
                }
            };
            let dense: Vec<u32> = set.iter().map(|v| v.map_or(NO_VALUE, &mut id_of)).collect();
            let (jobs, ids): (Vec<u32>, Vec<u32>) = (0u32..)
                .zip(&dense)
                .filter(|&(_, &id)| id != NO_VALUE)
                .map(|(i, &id)| (i, id))
                .unzip();
            let pairs = Column::from_pairs(first_seen.clone(), jobs, ids, n);
            let whole = Column::from_per_job(first_seen, dense);
            prop_assert_eq!(&pairs, &whole);
            let col = pairs;
            prop_assert!(col.names.windows(2).all(|w| w[0] < w[1]));
            for (i, v) in set.iter().enumerate() {
                let got = col.value(i).map(|id| col.names[id as usize].as_str());
                prop_assert_eq!(got, *v);
            }
            prop_assert_eq!(col.value(n), None);
            let present = set.iter().flatten().count();
            prop_assert!(col.stored() <= 2 * present);
        }
    }
}
