//! Seeded, believable demo data: a week of queue activity (work in progress).

use crate::contract::{QueueInfo, RawError, RawJob, RawTransition};
use crate::model::{Dataset, Job, Ms};
use crate::parse::{Metric, Series};
use crate::time::format_rfc3339;

/// What to generate. Everything is a pure function of this config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// Seed of every random choice: the same seed gives the same data.
    pub seed: u64,
    /// Total jobs across queues (up to 100 000).
    pub jobs: usize,
    /// "Now": the `generated_at` of the data; jobs may still run at this time.
    pub now: Ms,
    /// How many days before `now` the data covers (8 fills a 7 d view).
    pub days: u32,
}

/// 2026-11-28T09:00:00Z: a fixed "now" so tests and screenshots are reproducible.
pub const DEFAULT_NOW: Ms = 1_795_856_400_000;

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            seed: 42,
            jobs: 6000,
            now: DEFAULT_NOW,
            days: 8,
        }
    }
}

/// Generated queues and their jobs.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoData {
    /// The queues, as `GET /queues` lists them.
    pub queues: Vec<QueueInfo>,
    /// One dataset per queue, in the order of `queues`.
    pub datasets: Vec<Dataset>,
}

/// Generates the demo data for `cfg`.
pub fn generate(cfg: &DemoConfig) -> DemoData {
    let _ = cfg;
    DemoData {
        queues: Vec::new(),
        datasets: Vec::new(),
    }
}

/// Usage series for one run, deterministic from (seed, run_id).
pub fn run_metrics(seed: u64, job: &Job, generated_at: Ms, metric: Metric) -> Option<Series> {
    let _ = (seed, job, generated_at, metric);
    None
}

/// Wire form of a job, used by the backend and the browser demo alike.
pub fn to_raw_job(job: &Job) -> RawJob {
    RawJob {
        id: job.id.clone(),
        job: job.job.clone(),
        run_id: job.run_id.clone(),
        run_name: job.run_name.clone(),
        project: job.project.clone(),
        entity: job.entity.clone(),
        user: job.user.clone(),
        labels: job.labels.clone(),
        transitions: job
            .transitions
            .iter()
            .map(|t| RawTransition {
                state: t.state.as_str().to_string(),
                at: format_rfc3339(t.at),
            })
            .collect(),
        errors: job
            .errors
            .iter()
            .map(|e| RawError {
                at: format_rfc3339(e.at),
                message: e.message.clone(),
            })
            .collect(),
    }
}
