//! Interned string columns of the jobs (user, launch job, project, entity,
//! and one per label key): each distinct value once, sorted, and a value id
//! per job that has one.
//!
//! A column where most jobs have a value keeps one id per job (dense); a
//! column where few do keeps only the (job, id) pairs that exist (sparse).
//! Label keys are the backend's to choose: with a dense column per key,
//! 20,000 keys over 20,000 jobs cost 1.6 GB, however few labels each job
//! has. Either way a column costs at most 8 bytes per value present.

use std::collections::HashMap;

use super::filter::Selection;
use super::prepared::NONE_NAME;

/// Marks "no value" in a dense column.
pub(crate) const NO_VALUE: u32 = u32::MAX;

/// One interned column (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Column {
    /// Distinct values, sorted.
    pub names: Vec<String>,
    values: Values,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Values {
    /// Per job, an index into `names` or [`NO_VALUE`].
    Dense(Vec<u32>),
    /// The jobs with a value, ascending, and their ids (parallel).
    Sparse { jobs: Vec<u32>, ids: Vec<u32> },
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
}

/// Interns the values of one column in a single pass over the jobs, in
/// first-seen order; [`ColumnBuilder::finish`] then sorts the names,
/// renumbers and picks the dense or sparse form. It holds only the values
/// set, never one slot per job.
pub(crate) struct ColumnBuilder<'a> {
    ids: HashMap<&'a str, u32>,
    names: Vec<&'a str>,
    /// (job, first-seen id), jobs ascending.
    set: Vec<(u32, u32)>,
}

impl<'a> ColumnBuilder<'a> {
    /// A column without values.
    pub fn new() -> Self {
        ColumnBuilder {
            ids: HashMap::new(),
            names: Vec::new(),
            set: Vec::new(),
        }
    }

    /// Sets job `i`'s value; jobs come in ascending order, once each.
    pub fn set(&mut self, i: usize, v: &'a str) {
        let next = u32::try_from(self.names.len()).unwrap_or(NO_VALUE);
        let id = *self.ids.entry(v).or_insert(next);
        if id == next {
            self.names.push(v);
        }
        if let Ok(i) = u32::try_from(i) {
            self.set.push((i, id));
        }
    }

    /// The column of `n` jobs: dense when at least half of them have a
    /// value (4 bytes a job is then at most 8 a value), else sparse.
    pub fn finish(self, n: usize) -> Column {
        let mut order: Vec<u32> = (0..self.names.len())
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
        let name = |i: u32| self.names.get(i as usize).copied().unwrap_or("");
        order.sort_unstable_by(|&a, &b| name(a).cmp(name(b)));
        let mut remap = vec![NO_VALUE; self.names.len()];
        for (new, &old) in order.iter().enumerate() {
            if let Some(r) = remap.get_mut(old as usize) {
                *r = u32::try_from(new).unwrap_or(NO_VALUE);
            }
        }
        let new_id = |id: u32| remap.get(id as usize).copied().unwrap_or(NO_VALUE);
        let values = if self.set.len() * 2 >= n {
            let mut of_job = vec![NO_VALUE; n];
            for &(i, id) in &self.set {
                if let Some(slot) = of_job.get_mut(i as usize) {
                    *slot = new_id(id);
                }
            }
            Values::Dense(of_job)
        } else {
            Values::Sparse {
                jobs: self.set.iter().map(|&(i, _)| i).collect(),
                ids: self.set.iter().map(|&(_, id)| new_id(id)).collect(),
            }
        };
        Column {
            names: order.into_iter().map(|i| name(i).to_string()).collect(),
            values,
        }
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
            let mut b = ColumnBuilder::new();
            for (i, v) in set.iter().enumerate() {
                if let Some(v) = v {
                    b.set(i, v);
                }
            }
            let col = b.finish(n);
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
