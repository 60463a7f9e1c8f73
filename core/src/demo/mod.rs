//! Seeded, believable demo data: a week of activity on three compute queues.
//!
//! The browser app runs on this when no `api_base` is configured, and the
//! demo backend serves it over the REST contract, so both show the same
//! data for the same [`DemoConfig`]. Everything is a pure function of the
//! config (no clock, no threads, no I/O), which keeps it wasm-friendly and
//! lets tests pin exact numbers.
//!
//! How it is made, so the charts look like a real queue rather than noise:
//! 1. *Arrivals* follow an hourly intensity (busy working hours, quiet nights
//!    and weekends, a random factor per day, a few stretches with no launches
//!    at all), and some launches are sweeps or sharded jobs that enqueue
//!    20–60 items at once.
//! 2. Each queue has a fixed number of *slots*, sized from its demand, and a
//!    small event simulation hands slots out first come, first served. Waits
//!    therefore grow under load and drain at night by themselves.
//! 3. Outcomes (failed ~8 %, crashed ~3 %, killed ~2 %), preemptions with a
//!    requeue, agent outages (`idle`) and error messages are planned per job
//!    up front; the simulation only places them in time. Everything after
//!    `now` is cut off, so some jobs are still running or waiting.
//!
//! One module a stage: `catalogue` (the cast), `arrivals` (planning),
//! `simulation` (slots), `metrics` (usage curves); this module assembles.

use crate::contract::{QueueInfo, RawError, RawJob, RawTransition};
use crate::model::{Dataset, Job, JobError, JobState, Ms, Transition, DAY, HOUR, MINUTE, SECOND};
use crate::parse::{Metric, Series};
use crate::time::format_rfc3339;
use fastrand::Rng;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashSet, VecDeque};

mod arrivals;
mod catalogue;
mod metrics;
mod simulation;
#[cfg(test)]
mod tests;

use arrivals::*;
use catalogue::*;
pub use metrics::run_metrics;
use simulation::*;

/// What to generate. Everything is a pure function of this config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// Seed of every random choice: the same seed gives the same data.
    pub seed: u64,
    /// Total jobs across queues; meant for up to 100 000 (the browser demo
    /// must stay fast), though nothing breaks above that.
    pub jobs: usize,
    /// "Now": the `generated_at` of the data. Jobs may still run at this time.
    pub now: Ms,
    /// How many days before `now` the data covers; 8 so that a 7 d view is
    /// full from its first hour (day one is the warm-up of the simulation).
    /// Taken as 1 to [`MAX_DAYS`].
    pub days: u32,
}

/// Longest history [`generate`] makes; longer requests are cut to it (the
/// hourly rhythm is a vector, and nobody demos more than a year).
pub const MAX_DAYS: u32 = 400;

/// 2026-11-28T09:00:00Z, a Saturday morning: a fixed "now" so tests,
/// screenshots and the backend's default answers are reproducible.
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
    /// One dataset per queue, in the order of `queues`; jobs sorted by
    /// enqueue time, then id, which is also the order the backend pages in.
    pub datasets: Vec<Dataset>,
}

// ---------------------------------------------------------------------------
// Assembly.

/// Builds the model job from a plan and its simulated timeline.
fn build_job(id: String, spec: &QueueSpec, plan: &Plan, track: Track) -> Job {
    let l = LAUNCHES.get(plan.launch).unwrap_or(&LAUNCHES[0]);
    let team = TEAMS.get(l.team).unwrap_or(&TEAMS[0]);
    let ran = track
        .transitions
        .iter()
        .any(|t| t.state == JobState::Running);
    let mut labels = BTreeMap::new();
    labels.insert("team".to_string(), team.label.to_string());
    labels.insert("priority".to_string(), plan.priority.to_string());
    labels.insert("gpu_type".to_string(), spec.gpu_type.to_string());
    Job {
        id,
        job: l.name.to_string(),
        run_id: ran.then(|| run_id_of(plan.run_key)),
        run_name: ran.then(|| {
            let (adj, noun, n) = plan.run_name;
            format!("{adj}-{noun}-{n}")
        }),
        project: Some(l.project.to_string()),
        entity: Some(team.entity.to_string()),
        user: USERS.get(plan.user).map(|u| u.0.to_string()),
        labels,
        transitions: track.transitions,
        errors: track.errors,
    }
}

/// Generates the demo data for `cfg`: deterministic, and fast enough for the
/// browser (100 000 jobs in a fraction of a second natively).
pub fn generate(cfg: &DemoConfig) -> DemoData {
    let now = cfg.now;
    let start = now - Ms::from(cfg.days.clamp(1, MAX_DAYS)) * DAY;
    let mut used = HashSet::with_capacity(cfg.jobs);
    let mut remaining = cfg.jobs;
    let mut per_queue = Vec::with_capacity(QUEUES.len());
    for (q, spec) in QUEUES.iter().enumerate() {
        let n = if q + 1 == QUEUES.len() {
            remaining
        } else {
            ((cfg.jobs as f64 * spec.share).round() as usize).min(remaining)
        };
        remaining -= n;
        let mut rng = Rng::with_seed(mix(cfg.seed, q as u64 + 1));
        let arrivals = Arrivals::new(&mut rng, start, now);
        let plans = plan_queue(&mut rng, spec, n, &arrivals, &mut used);
        let down = outages(&mut rng, spec, &arrivals);
        let tracks = simulate(&plans, spec, &down, start, now);
        per_queue.push((spec, plans, tracks));
    }
    // Ids number the jobs of all queues in arrival order, like a real
    // queue service's item counter.
    let order: Vec<(Ms, usize, usize)> = per_queue
        .iter()
        .enumerate()
        .flat_map(|(q, (_, plans, _))| {
            plans
                .iter()
                .enumerate()
                .map(move |(i, p)| (p.arrival, q, i))
        })
        .collect();
    let order = crate::sort::sort_vec(order, &|a, b| a.cmp(b));
    let mut ids: Vec<Vec<usize>> = per_queue.iter().map(|(_, p, _)| vec![0; p.len()]).collect();
    for (n, &(_, q, i)) in order.iter().enumerate() {
        if let Some(slot) = ids.get_mut(q).and_then(|v| v.get_mut(i)) {
            *slot = n + 1;
        }
    }
    let mut queues = Vec::with_capacity(QUEUES.len());
    let mut datasets = Vec::with_capacity(QUEUES.len());
    for ((spec, plans, tracks), ids) in per_queue.into_iter().zip(ids) {
        let jobs = plans
            .iter()
            .zip(tracks)
            .zip(ids)
            .map(|((plan, track), n)| build_job(format!("item-{n:06}"), spec, plan, track))
            .collect();
        queues.push(QueueInfo {
            id: spec.id.to_string(),
            name: Some(spec.name.to_string()),
            entity: Some(PLATFORM_ENTITY.to_string()),
            resource: Some(spec.resource.to_string()),
            description: Some(spec.description.to_string()),
        });
        datasets.push(Dataset {
            queue_id: spec.id.to_string(),
            generated_at: now,
            jobs,
            skipped: Default::default(),
        });
    }
    DemoData { queues, datasets }
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
