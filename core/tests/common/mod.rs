//! Helpers shared by the analysis tests: hand-built jobs and a hand-written
//! Europe/Berlin offset function.
#![allow(dead_code)]

use queuescope_core::analysis::insights::{gpu_means, FailureSpike, JobMeans, RunIds, UsageByRun};
use queuescope_core::analysis::{Prepared, TimeRange};
use queuescope_core::model::{Dataset, Job, JobError, JobState, Ms, Transition, HOUR, MINUTE};
use queuescope_core::time::parse_rfc3339;

/// Loaded usage as the under-used GPUs read it (the app builds it once per
/// data load or change of the loaded usage).
pub fn job_means(p: &Prepared, usage: &UsageByRun) -> JobMeans {
    JobMeans::new(p, &RunIds::new(p), &gpu_means(usage))
}

/// An RFC 3339 time in ms.
pub fn t(s: &str) -> Ms {
    parse_rfc3339(s).expect("test time")
}

/// The base of the minute offsets in [`job`]: a Saturday, 00:00 UTC.
pub fn t0() -> Ms {
    t("2026-11-21T00:00:00Z")
}

/// `t0 + m` minutes.
pub fn m(minutes: i64) -> Ms {
    t0() + minutes * MINUTE
}

/// A job with transitions at minute offsets from [`t0`].
pub fn job(id: &str, ts: &[(&str, i64)]) -> Job {
    Job {
        id: id.into(),
        job: format!("launch-{id}"),
        transitions: ts
            .iter()
            .map(|(s, at)| Transition {
                state: JobState::parse(s),
                at: m(*at),
            })
            .collect(),
        ..Default::default()
    }
}

/// Builder-ish helpers on a job.
pub trait JobExt {
    fn user(self, u: &str) -> Self;
    fn project(self, p: &str) -> Self;
    fn entity(self, e: &str) -> Self;
    fn launch(self, j: &str) -> Self;
    fn run(self, id: &str, name: &str) -> Self;
    fn label(self, k: &str, v: &str) -> Self;
    fn error(self, at_min: i64, msg: &str) -> Self;
}

impl JobExt for Job {
    fn user(mut self, u: &str) -> Self {
        self.user = Some(u.into());
        self
    }
    fn project(mut self, p: &str) -> Self {
        self.project = Some(p.into());
        self
    }
    fn entity(mut self, e: &str) -> Self {
        self.entity = Some(e.into());
        self
    }
    fn launch(mut self, j: &str) -> Self {
        self.job = j.into();
        self
    }
    fn run(mut self, id: &str, name: &str) -> Self {
        self.run_id = Some(id.into());
        self.run_name = Some(name.into());
        self
    }
    fn label(mut self, k: &str, v: &str) -> Self {
        self.labels.insert(k.into(), v.into());
        self
    }
    fn error(mut self, at_min: i64, msg: &str) -> Self {
        self.errors.push(JobError {
            at: m(at_min),
            message: msg.into(),
        });
        self
    }
}

/// A prepared dataset with `generated_at` at minute offset `now_min`.
pub fn prep(jobs: Vec<Job>, now_min: i64) -> Prepared {
    Prepared::new(&Dataset {
        queue_id: "q".into(),
        generated_at: m(now_min),
        jobs,
        skipped: Default::default(),
    })
}

/// `[t0 + a min, t0 + b min)`.
pub fn range(a: i64, b: i64) -> TimeRange {
    TimeRange {
        from: m(a),
        to: m(b),
    }
}

/// Europe/Berlin in 2026, written by hand: CET (+1h) except CEST (+2h) from
/// 2026-03-29T01:00Z to 2026-10-25T01:00Z.
pub fn berlin(utc: Ms) -> Ms {
    let spring = t("2026-03-29T01:00:00Z");
    let autumn = t("2026-10-25T01:00:00Z");
    if (spring..autumn).contains(&utc) {
        2 * HOUR
    } else {
        HOUR
    }
}

/// A failure spike as a comparable row: (bucket, count, top user, their
/// failures, top launch job, its failures).
pub type SpikeRow = (usize, u32, String, u32, String, u32);

/// See [`SpikeRow`].
pub fn spike_row(x: &FailureSpike) -> SpikeRow {
    (
        x.bucket,
        x.count,
        x.user.clone(),
        x.user_failures,
        x.job.clone(),
        x.job_failures,
    )
}
