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

use crate::contract::{QueueInfo, RawError, RawJob, RawTransition};
use crate::model::{Dataset, Job, JobError, JobState, Ms, Transition, DAY, HOUR, MINUTE, SECOND};
use crate::parse::{Metric, Series};
use crate::time::format_rfc3339;
use fastrand::Rng;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashSet, VecDeque};

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
// The cast: queues, teams, users and launch jobs.

/// A queue and how it behaves in the simulation.
struct QueueSpec {
    id: &'static str,
    name: &'static str,
    resource: &'static str,
    description: &'static str,
    /// Share of all jobs.
    share: f64,
    /// Value of the `gpu_type` label; `none` marks CPU-only runs, which
    /// then have no GPU series.
    gpu_type: &'static str,
    /// Slots = mean concurrent demand × this. Lower means longer waits.
    headroom: f64,
    /// Chance that a run is preempted (and requeued) once.
    preempt: f64,
    /// Message of such a preemption.
    preempt_message: &'static str,
    /// How many times the queue's agent goes away (jobs then wait in `idle`).
    outages: usize,
}

const QUEUES: [QueueSpec; 3] = [
    QueueSpec {
        id: "a100-pool",
        name: "A100 pool",
        resource: "kubernetes",
        description: "DGX BasePod, 8 nodes × 8 A100 80GB, shared by all research teams",
        share: 0.45,
        gpu_type: "A100",
        headroom: 2.6,
        preempt: 0.01,
        preempt_message: "Preempted by scheduler: evicted for a high-priority job; requeued",
        outages: 1,
    },
    QueueSpec {
        id: "h100-burst",
        name: "H100 burst",
        resource: "sagemaker",
        description: "Cloud H100 spot capacity for bursts and sweeps",
        share: 0.25,
        gpu_type: "H100",
        headroom: 2.6,
        preempt: 0.05,
        preempt_message:
            "Preempted by scheduler: spot capacity reclaimed by the provider; requeued",
        outages: 2,
    },
    QueueSpec {
        id: "cpu-batch",
        name: "CPU batch",
        resource: "kubernetes",
        description: "Preprocessing, tokenisation and feature jobs on 12 CPU nodes",
        share: 0.30,
        gpu_type: "none",
        headroom: 2.6,
        preempt: 0.0,
        preempt_message: "",
        outages: 1,
    },
];

/// Owner of every queue (the platform team runs them for everybody).
const PLATFORM_ENTITY: &str = "ml-platform";

/// A team: its `team` label, its entity and its projects.
struct Team {
    label: &'static str,
    entity: &'static str,
}

const TEAMS: [Team; 5] = [
    Team {
        label: "perception",
        entity: "vision-lab",
    },
    Team {
        label: "nlp",
        entity: "nlp-research",
    },
    Team {
        label: "recsys",
        entity: "recsys",
    },
    Team {
        label: "speech",
        entity: "speech-lab",
    },
    Team {
        label: "platform",
        entity: PLATFORM_ENTITY,
    },
];

/// Users and the index of their team in [`TEAMS`].
const USERS: [(&str, usize); 20] = [
    ("alice", 0),
    ("bob", 0),
    ("chen.wei", 0),
    ("dmitri", 0),
    ("emma", 1),
    ("farah", 1),
    ("gaurav", 1),
    ("hana", 1),
    ("igor", 1),
    ("julia", 2),
    ("kenji", 2),
    ("lena", 2),
    ("mateo", 2),
    ("nora", 3),
    ("oscar", 3),
    ("priya", 3),
    ("quentin", 4),
    ("rosa", 4),
    ("sam", 4),
    ("tariq", 1),
];

/// What a launch job does; drives durations, queue and usage curves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Train,
    Finetune,
    Sweep,
    Eval,
    Preprocess,
    Bench,
}

impl Kind {
    /// Median and spread (log-normal sigma) of one run, and its bounds, in seconds.
    fn duration(self) -> (f64, f64, f64, f64) {
        match self {
            Kind::Train => (2.5 * 3600.0, 0.8, 600.0, 30.0 * 3600.0),
            Kind::Finetune => (3600.0, 0.7, 300.0, 12.0 * 3600.0),
            Kind::Sweep => (25.0 * 60.0, 0.5, 120.0, 4.0 * 3600.0),
            Kind::Eval => (12.0 * 60.0, 0.6, 60.0, 2.0 * 3600.0),
            Kind::Preprocess => (20.0 * 60.0, 0.9, 60.0, 6.0 * 3600.0),
            Kind::Bench => (8.0 * 60.0, 0.4, 60.0, 3600.0),
        }
    }

    /// The kind of a launch job: from the catalogue for generated jobs,
    /// guessed from the name otherwise, so that [`run_metrics`] also gives
    /// sensible curves for jobs it did not generate (fixtures).
    fn of_name(name: &str) -> Kind {
        if let Some(l) = LAUNCHES.iter().find(|l| l.name == name) {
            return l.kind;
        }
        let checks: [(&str, Kind); 9] = [
            ("sweep", Kind::Sweep),
            ("eval", Kind::Eval),
            ("preprocess", Kind::Preprocess),
            ("tokenize", Kind::Preprocess),
            ("feature", Kind::Preprocess),
            ("augment", Kind::Preprocess),
            ("finetune", Kind::Finetune),
            ("bench", Kind::Bench),
            ("smoke", Kind::Bench),
        ];
        checks
            .iter()
            .find(|(p, _)| name.split(['-', ':', '_', '/']).any(|w| w == *p))
            .map(|(_, k)| *k)
            .unwrap_or(Kind::Train)
    }
}

/// A launch job: name, team (index in [`TEAMS`]), project, kind, GPU or not,
/// and a relative weight (how often it is launched).
struct Launch {
    name: &'static str,
    team: usize,
    project: &'static str,
    kind: Kind,
    gpu: bool,
    weight: u32,
}

// One launch job per line: a table reads better than rustfmt's layout.
#[rustfmt::skip]
const LAUNCHES: [Launch; 30] = [
    Launch { name: "train-resnet:v3", team: 0, project: "vision", kind: Kind::Train, gpu: true, weight: 6 },
    Launch { name: "train-vit-large:v2", team: 0, project: "vision", kind: Kind::Train, gpu: true, weight: 3 },
    Launch { name: "finetune-detr:v1", team: 0, project: "detection", kind: Kind::Finetune, gpu: true, weight: 3 },
    Launch { name: "eval-coco:v5", team: 0, project: "detection", kind: Kind::Eval, gpu: true, weight: 5 },
    Launch { name: "sweep-lr-resnet", team: 0, project: "vision", kind: Kind::Sweep, gpu: true, weight: 1 },
    Launch { name: "preprocess-imagenet:v2", team: 0, project: "vision", kind: Kind::Preprocess, gpu: false, weight: 4 },
    Launch { name: "augment-cache:v1", team: 0, project: "detection", kind: Kind::Preprocess, gpu: false, weight: 2 },
    Launch { name: "train-llama-7b:v4", team: 1, project: "llm-pretrain", kind: Kind::Train, gpu: true, weight: 4 },
    Launch { name: "finetune-summarizer:v2", team: 1, project: "summarize", kind: Kind::Finetune, gpu: true, weight: 4 },
    Launch { name: "eval-mmlu:v3", team: 1, project: "llm-pretrain", kind: Kind::Eval, gpu: true, weight: 5 },
    Launch { name: "sweep-lr-llama", team: 1, project: "llm-pretrain", kind: Kind::Sweep, gpu: true, weight: 1 },
    Launch { name: "tokenize-corpus:v6", team: 1, project: "llm-pretrain", kind: Kind::Preprocess, gpu: false, weight: 4 },
    Launch { name: "preprocess-wiki:v1", team: 1, project: "summarize", kind: Kind::Preprocess, gpu: false, weight: 3 },
    Launch { name: "distill-bert:v1", team: 1, project: "summarize", kind: Kind::Finetune, gpu: true, weight: 2 },
    Launch { name: "train-dlrm:v8", team: 2, project: "ranking", kind: Kind::Train, gpu: true, weight: 4 },
    Launch { name: "sweep-embed-dim", team: 2, project: "ranking", kind: Kind::Sweep, gpu: true, weight: 1 },
    Launch { name: "eval-ranking:v2", team: 2, project: "ranking", kind: Kind::Eval, gpu: true, weight: 4 },
    Launch { name: "preprocess-clicklogs:v3", team: 2, project: "ranking", kind: Kind::Preprocess, gpu: false, weight: 5 },
    Launch { name: "feature-backfill:v1", team: 2, project: "ranking", kind: Kind::Preprocess, gpu: false, weight: 2 },
    Launch { name: "train-conformer:v2", team: 3, project: "asr", kind: Kind::Train, gpu: true, weight: 3 },
    Launch { name: "finetune-whisper:v1", team: 3, project: "asr", kind: Kind::Finetune, gpu: true, weight: 3 },
    Launch { name: "eval-wer:v4", team: 3, project: "asr", kind: Kind::Eval, gpu: true, weight: 4 },
    Launch { name: "sweep-dropout-conformer", team: 3, project: "asr", kind: Kind::Sweep, gpu: true, weight: 1 },
    Launch { name: "preprocess-librispeech:v2", team: 3, project: "asr", kind: Kind::Preprocess, gpu: false, weight: 3 },
    Launch { name: "nccl-allreduce-bench:v1", team: 4, project: "infra-bench", kind: Kind::Bench, gpu: true, weight: 2 },
    Launch { name: "gpu-burn-in:v2", team: 4, project: "infra-bench", kind: Kind::Bench, gpu: true, weight: 1 },
    Launch { name: "smoke-test:v9", team: 4, project: "infra-bench", kind: Kind::Bench, gpu: true, weight: 3 },
    Launch { name: "ckpt-convert:v1", team: 4, project: "infra-bench", kind: Kind::Preprocess, gpu: false, weight: 2 },
    Launch { name: "sweep-batch-size-vit", team: 0, project: "vision", kind: Kind::Sweep, gpu: true, weight: 1 },
    Launch { name: "preprocess-shards:v4", team: 1, project: "llm-pretrain", kind: Kind::Preprocess, gpu: false, weight: 2 },
];

const ADJECTIVES: [&str; 32] = [
    "resilient",
    "vivid",
    "silent",
    "brisk",
    "golden",
    "lucky",
    "misty",
    "noble",
    "quiet",
    "rapid",
    "royal",
    "sunny",
    "swift",
    "tender",
    "wild",
    "young",
    "amber",
    "bold",
    "calm",
    "daring",
    "eager",
    "fancy",
    "gentle",
    "hardy",
    "icy",
    "jolly",
    "keen",
    "lively",
    "mellow",
    "polished",
    "radiant",
    "stellar",
];

const NOUNS: [&str; 32] = [
    "snowball", "river", "meadow", "comet", "forest", "glade", "harbor", "island", "lake", "moon",
    "night", "ocean", "pine", "rain", "sky", "star", "sun", "thunder", "valley", "wave", "wind",
    "breeze", "canyon", "dawn", "dune", "ember", "fog", "frost", "galaxy", "haze", "leaf",
    "planet",
];

// ---------------------------------------------------------------------------
// Small random helpers.

/// Mixes a seed with a stream number (splitmix64), so every queue and every
/// run draws from its own independent stream.
fn mix(seed: u64, stream: u64) -> u64 {
    let mut z = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit hash of a string (FNV-1a): run ids feed the seed of
/// their curves, and std's hasher is not stable across releases.
fn hash_str(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A standard normal deviate (Irwin–Hall: cheap, no trigonometry, good enough).
fn normal(rng: &mut Rng) -> f64 {
    (0..12).map(|_| rng.f64()).sum::<f64>() - 6.0
}

/// A uniform value in `[lo, hi)`.
fn uniform(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.f64()
}

/// Whole seconds in `[lo, hi]`, as [`Ms`]: keeps every time on a whole second.
fn secs(rng: &mut Rng, lo: i64, hi: i64) -> Ms {
    rng.i64(lo..=hi.max(lo)) * SECOND
}

/// One element of a constant, non-empty table.
fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> Option<&'a T> {
    items.get(rng.usize(..items.len().max(1)))
}

// ---------------------------------------------------------------------------
// Planning: who launches what, when, and how it ends.

/// How a job ends (decided up front; the simulation places it in time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Finished,
    /// Failed while running.
    Failed,
    /// Failed while starting (image pull, bad config): never ran.
    StartFailed,
    Crashed,
    /// Killed while running.
    Killed,
    /// Cancelled while still waiting, after this much patience.
    Cancelled(Ms),
}

/// Everything random about one job, drawn before the simulation.
struct Plan {
    arrival: Ms,
    launch: usize,
    user: usize,
    priority: &'static str,
    /// Running time of each run segment (the first `runs` of them); two mean
    /// the job is preempted at the end of the first and requeued. Arrays,
    /// not vectors: 100 000 plans should not cost 200 000 allocations.
    segments: [Ms; 2],
    /// How many of `segments` are used (1 or 2).
    runs: usize,
    /// Pending and starting durations before each segment.
    startup: [(Ms, Ms); 2],
    outcome: Outcome,
    /// Share of the last segment that runs before the job ends (1 when it
    /// finishes; failures come early more often than late, kills anywhere).
    end_frac: f64,
    /// Message of the terminal error (failed, crashed, killed), if any.
    message: Option<String>,
    /// Run id as a number below 36^8, spelled out only for jobs that ran.
    run_key: u64,
    /// Run name parts: adjective, noun, number.
    run_name: (&'static str, &'static str, u32),
}

impl Plan {
    /// The used run segments.
    fn segments(&self) -> &[Ms] {
        self.segments.get(..self.runs).unwrap_or(&[])
    }

    /// Pending and starting durations before the segments.
    fn startups(&self) -> &[(Ms, Ms)] {
        self.startup.get(..self.runs).unwrap_or(&[])
    }
}

/// Hourly launch intensity over the window: working hours, weekends, a
/// random factor per day, and a few windows with no launches at all.
fn intensity(rng: &mut Rng, start: Ms, hours: usize) -> Vec<f64> {
    const HOUR_OF_DAY: [f64; 24] = [
        0.06, 0.05, 0.04, 0.04, 0.04, 0.05, 0.1, 0.3, 0.7, 1.0, 1.0, 1.0, 0.7, 0.9, 1.0, 1.0, 1.0,
        0.9, 0.6, 0.4, 0.3, 0.2, 0.12, 0.08,
    ];
    let days = hours / 24 + 2;
    let day_factor: Vec<f64> = (0..days).map(|_| uniform(rng, 0.6, 1.4)).collect();
    let first_day = start.div_euclid(DAY);
    let mut w: Vec<f64> = (0..hours)
        .map(|h| {
            let t = start + h as Ms * HOUR;
            let day = t.div_euclid(DAY);
            // 1970-01-01 was a Thursday: 0 = Monday.
            let weekday = (day + 3).rem_euclid(7);
            let weekend = if weekday >= 5 { 0.12 } else { 1.0 };
            let hod = HOUR_OF_DAY
                .get(t.rem_euclid(DAY) as usize / HOUR as usize)
                .copied()
                .unwrap_or(0.0);
            let df = day_factor
                .get((day - first_day) as usize)
                .copied()
                .unwrap_or(1.0);
            hod * weekend * df
        })
        .collect();
    // Quiet stretches: an offsite, a holiday, a freeze before a release.
    for _ in 0..2 {
        if hours > 12 {
            let len = rng.usize(4..=9).min(hours);
            let at = rng.usize(..hours - len);
            for x in w.iter_mut().skip(at).take(len) {
                *x = 0.0;
            }
        }
    }
    w
}

/// Draws launch times from the hourly intensity (inverse CDF).
struct Arrivals {
    start: Ms,
    end: Ms,
    cumulative: Vec<f64>,
}

impl Arrivals {
    fn new(rng: &mut Rng, start: Ms, end: Ms) -> Arrivals {
        let hours = ((end - start + HOUR - 1) / HOUR).max(1) as usize;
        let mut acc = 0.0;
        let cumulative = intensity(rng, start, hours)
            .into_iter()
            .map(|x| {
                acc += x;
                acc
            })
            .collect();
        Arrivals {
            start,
            end,
            cumulative,
        }
    }

    fn sample(&self, rng: &mut Rng) -> Ms {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let hour = if total > 0.0 {
            let u = rng.f64() * total;
            self.cumulative.partition_point(|&c| c <= u)
        } else {
            rng.usize(..self.cumulative.len().max(1))
        };
        let t = self.start + hour as Ms * HOUR + secs(rng, 0, 3599);
        t.clamp(self.start, self.end - SECOND)
    }
}

/// A log-normal duration for a kind of job, in whole seconds.
fn run_duration(rng: &mut Rng, kind: Kind) -> Ms {
    let (median, sigma, lo, hi) = kind.duration();
    let s = (median * (sigma * normal(rng)).exp()).clamp(lo, hi);
    s.round() as Ms * SECOND
}

/// Draws a terminal outcome with the target rates (failed ~8 %, crashed
/// ~3 %, killed ~2 %) and its message.
fn outcome(rng: &mut Rng, gpu: bool, user: &str) -> (Outcome, Option<String>) {
    let r = rng.f64();
    if r < 0.08 {
        if rng.f64() < 0.12 {
            let msg = pick(rng, &START_FAILURES).copied().unwrap_or_default();
            return (Outcome::StartFailed, Some(msg.to_string()));
        }
        return (Outcome::Failed, Some(failure_message(rng, gpu)));
    }
    if r < 0.11 {
        let table: &[&str] = if gpu { &GPU_CRASHES } else { &CPU_CRASHES };
        let msg = pick(rng, table).copied().unwrap_or_default();
        return (Outcome::Crashed, Some(msg.to_string()));
    }
    if r < 0.13 {
        if rng.f64() < 0.4 {
            let patience = secs(rng, 60, 40 * 60);
            let msg = format!("Cancelled by {user} while queued");
            return (Outcome::Cancelled(patience), Some(msg));
        }
        let who = if rng.f64() < 0.75 { user } else { "quentin" };
        let msg = match rng.u8(..3) {
            0 => format!("Killed by {who}: stopped from the UI"),
            1 => format!("Killed by {who}: loss diverged, no point in continuing"),
            _ => "Killed by the queue: exceeded the run time limit for its priority".to_string(),
        };
        return (Outcome::Killed, Some(msg));
    }
    (Outcome::Finished, None)
}

const START_FAILURES: [&str; 4] = [
    "ImagePullBackOff: Back-off pulling image \"registry.internal/ml/train:3f9c2e1\": not found",
    "CreateContainerConfigError: secret \"wandb-api-key\" not found",
    "ErrImagePull: manifest for registry.internal/ml/jobs:nightly unknown",
    "FailedMount: MountVolume.SetUp failed for volume \"datasets\": nfs server not responding",
];

const GPU_CRASHES: [&str; 5] = [
    "NCCL timeout: Watchdog caught collective operation timeout: WorkNCCL(SeqNum=18231, OpType=ALLREDUCE, NumelIn=262144000) ran for 1800000 milliseconds before timing out",
    "OOMKilled: container exceeded its memory limit (256Gi)",
    "RuntimeError: CUDA error: an illegal memory access was encountered",
    "Xid 79: GPU has fallen off the bus (node dgx-05, GPU 3)",
    "Segmentation fault (core dumped) in worker process 4",
];

const CPU_CRASHES: [&str; 3] = [
    "OOMKilled: container exceeded its memory limit (64Gi)",
    "Segmentation fault (core dumped) in pyarrow.parquet.read_table",
    "Node lost: cpu-node-07 stopped reporting (kubelet not ready)",
];

/// A failure message; some carry numbers so they do not all look alike.
fn failure_message(rng: &mut Rng, gpu: bool) -> String {
    let shard = rng.u32(..512);
    let common = match rng.u8(..4) {
        0 => format!(
            "FileNotFoundError: [Errno 2] No such file or directory: '/datasets/shards/train-{shard:05}.tar'"
        ),
        1 => "KeyError: 'label' (dataset schema changed?)".to_string(),
        2 => "PermissionError: [Errno 13] Permission denied: '/checkpoints/shared/latest.pt'".to_string(),
        _ => format!("ValueError: expected {shard} columns in batch, got {}", shard + 1),
    };
    if !gpu || rng.bool() {
        return common;
    }
    match rng.u8(..3) {
        0 => format!(
            "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate {:.2} GiB (GPU 0; 79.15 GiB total capacity; {:.2} GiB already allocated)",
            uniform(rng, 0.5, 8.0),
            uniform(rng, 70.0, 78.5)
        ),
        1 => format!(
            "RuntimeError: loss is NaN at step {}",
            rng.u32(100..60_000)
        ),
        _ => "ImportError: cannot import name 'FlashAttention' from 'flash_attn' (version mismatch)".to_string(),
    }
}

/// Number of distinct 8-character run ids (`[a-z0-9]{8}`).
const RUN_KEYS: u64 = 36u64.pow(8);

/// Draws a unique run key and the parts of a "resilient-snowball-12" style
/// name. Numbers, not strings: most plans never need them spelled out.
fn run_identity(
    rng: &mut Rng,
    used: &mut HashSet<u64>,
) -> (u64, (&'static str, &'static str, u32)) {
    let mut key = rng.u64(..RUN_KEYS);
    while !used.insert(key) {
        key = rng.u64(..RUN_KEYS);
    }
    let adj = pick(rng, &ADJECTIVES).copied().unwrap_or("quiet");
    let noun = pick(rng, &NOUNS).copied().unwrap_or("river");
    (key, (adj, noun, rng.u32(1..100)))
}

/// Spells a run key as 8 characters of `[a-z0-9]`.
fn run_id_of(mut key: u64) -> String {
    let mut out = [b'0'; 8];
    for c in out.iter_mut().rev() {
        let d = (key % 36) as u32;
        key /= 36;
        *c = char::from_digit(d, 36).map_or(b'x', |ch| ch as u8);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The launch jobs a queue runs (GPU queues run GPU work, the CPU queue the
/// rest), with their weights.
fn eligible(spec: &QueueSpec) -> Vec<usize> {
    let gpu = spec.gpu_type != "none";
    LAUNCHES
        .iter()
        .enumerate()
        .filter(|(_, l)| l.gpu == gpu)
        .flat_map(|(i, l)| std::iter::repeat_n(i, l.weight as usize))
        .collect()
}

/// Plans one job of a launch, arriving at `arrival`.
fn plan_job(
    rng: &mut Rng,
    spec: &QueueSpec,
    launch_idx: usize,
    user: usize,
    arrival: Ms,
    used: &mut HashSet<u64>,
) -> Plan {
    let l = LAUNCHES.get(launch_idx).unwrap_or(&LAUNCHES[0]);
    let user_name = USERS.get(user).map(|u| u.0).unwrap_or("alice");
    let priority = match (l.kind, rng.f64()) {
        (Kind::Sweep, p) if p < 0.6 => "low",
        (_, p) if p < 0.15 => "high",
        (_, p) if p < 0.85 => "normal",
        _ => "low",
    };
    let (outcome, message) = outcome(rng, l.gpu, user_name);
    let end_frac = match outcome {
        Outcome::Finished | Outcome::StartFailed => 1.0,
        Outcome::Failed => rng.f64().powi(2),
        _ => rng.f64(),
    };
    let total = run_duration(rng, l.kind);
    let (segments, runs) = if rng.f64() < spec.preempt && outcome != Outcome::StartFailed {
        // Preempted part way: the rest of the work (plus a restart from the
        // last checkpoint) runs after the requeue.
        let first = ((total as f64 * uniform(rng, 0.1, 0.8)) as Ms / SECOND * SECOND).max(SECOND);
        ([first, total - first + secs(rng, 60, 600)], 2)
    } else {
        ([total, 0], 1)
    };
    let mut startup = || (secs(rng, 2, 90), secs(rng, 10, 150));
    let startup = [startup(), startup()];
    let (run_key, run_name) = run_identity(rng, used);
    Plan {
        arrival,
        launch: launch_idx,
        user,
        priority,
        segments,
        runs,
        startup,
        outcome,
        end_frac,
        message,
        run_key,
        run_name,
    }
}

/// Plans `n` jobs of one queue: singles and bursts (sweeps, sharded
/// preprocessing) at times drawn from the intensity, plus one burst just
/// before `now` so the demo opens on a queue with work waiting.
fn plan_queue(
    rng: &mut Rng,
    spec: &QueueSpec,
    n: usize,
    arrivals: &Arrivals,
    used: &mut HashSet<u64>,
) -> Vec<Plan> {
    let (start, now) = (arrivals.start, arrivals.end);
    let pool = eligible(spec);
    let bursty: Vec<usize> = pool
        .iter()
        .copied()
        .filter(|&i| {
            matches!(
                LAUNCHES.get(i).map(|l| l.kind),
                Some(Kind::Sweep | Kind::Preprocess)
            )
        })
        .collect();
    let max_burst = (n / 12).clamp(1, 60);
    let members: Vec<Vec<usize>> = (0..TEAMS.len())
        .map(|team| {
            (0..USERS.len())
                .filter(|&u| USERS.get(u).is_some_and(|x| x.1 == team))
                .collect()
        })
        .collect();
    let mut plans = Vec::with_capacity(n);
    let mut first = true;
    while plans.len() < n {
        let is_burst = first || rng.f64() < 0.014;
        let at = if first {
            (now - secs(rng, 10 * 60, 40 * 60)).max(start)
        } else {
            arrivals.sample(rng)
        };
        first = false;
        let table = if is_burst && !bursty.is_empty() {
            &bursty
        } else {
            &pool
        };
        let launch_idx = pick(rng, table).copied().unwrap_or(0);
        let team = LAUNCHES.get(launch_idx).map(|l| l.team).unwrap_or(0);
        let user = members
            .get(team)
            .and_then(|m| pick(rng, m))
            .copied()
            .unwrap_or(0);
        let size = if is_burst {
            rng.usize(20..=60).min(max_burst)
        } else {
            1
        };
        let mut t = at;
        for _ in 0..size.min(n - plans.len()) {
            plans.push(plan_job(
                rng,
                spec,
                launch_idx,
                user,
                t.min(now - SECOND),
                used,
            ));
            t += secs(rng, 0, 3);
        }
    }
    // Sort by arrival (ties keep launch order) through an index: plans are
    // big, and moving them around in a sort costs more than the rest.
    let mut order: Vec<(Ms, usize)> = plans
        .iter()
        .enumerate()
        .map(|(i, p)| (p.arrival, i))
        .collect();
    order.sort_unstable();
    let mut slots: Vec<Option<Plan>> = plans.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(_, i)| slots.get_mut(i).and_then(Option::take))
        .collect()
}

/// Agent outages of a queue: `[start, end)` windows in which new jobs wait
/// in `idle` and nothing is handed a slot. They start at times drawn like
/// launches (outages are noticed, and matter, when people work), never in
/// the last hours so the demo does not open on one.
fn outages(rng: &mut Rng, spec: &QueueSpec, arrivals: &Arrivals) -> Vec<(Ms, Ms)> {
    let mut out: Vec<(Ms, Ms)> = (0..spec.outages)
        .map(|_| {
            let at = arrivals.sample(rng).min(arrivals.end - 4 * HOUR);
            (at, at + secs(rng, 20 * 60, 150 * 60))
        })
        .collect();
    out.sort_unstable();
    out
}

// ---------------------------------------------------------------------------
// Simulation: slots handed out first come, first served.

/// What happens at an event's time. Ordered so that slots freed at an
/// instant are handed out to jobs that became ready at the same instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// A run segment ends: its slot frees.
    Release(usize),
    /// A job enters the waiting line.
    Ready(usize),
    /// The agent is back after an outage.
    AgentUp,
}

/// One job's timeline as the simulation writes it.
struct Track {
    transitions: Vec<Transition>,
    errors: Vec<JobError>,
}

impl Track {
    /// Room for a typical timeline (idle, queued, pending, starting,
    /// running, end) without growing.
    fn new() -> Track {
        Track {
            transitions: Vec::with_capacity(6),
            errors: Vec::new(),
        }
    }

    fn push(&mut self, state: JobState, at: Ms) {
        self.transitions.push(Transition { state, at });
    }

    fn error(&mut self, at: Ms, message: &str) {
        self.errors.push(JobError {
            at,
            message: message.to_string(),
        });
    }
}

/// The simulation of one queue.
struct Sim<'a> {
    plans: &'a [Plan],
    outages: &'a [(Ms, Ms)],
    preempt_message: &'a str,
    free: usize,
    waiting: VecDeque<usize>,
    events: BinaryHeap<Reverse<(Ms, Event)>>,
    tracks: Vec<Track>,
    /// Run segments already started, per job.
    started: Vec<usize>,
    /// When each job last entered the waiting line.
    ready_at: Vec<Ms>,
}

impl Sim<'_> {
    fn agent_down(&self, t: Ms) -> Option<Ms> {
        self.outages
            .iter()
            .find(|(a, b)| *a <= t && t < *b)
            .map(|(_, b)| *b)
    }

    /// Hands free slots to waiting jobs, oldest first.
    fn grant(&mut self, t: Ms) {
        if self.agent_down(t).is_some() {
            return;
        }
        while self.free > 0 {
            let Some(i) = self.waiting.pop_front() else {
                return;
            };
            let (Some(plan), Some(track)) = (self.plans.get(i), self.tracks.get_mut(i)) else {
                continue;
            };
            let seg = self.started.get(i).copied().unwrap_or(0);
            let ready = self.ready_at.get(i).copied().unwrap_or(t);
            let message = plan.message.as_deref().unwrap_or_default();
            if let Outcome::Cancelled(patience) = plan.outcome {
                if seg == 0 && ready + patience <= t {
                    track.push(JobState::Killed, ready + patience);
                    track.error(ready + patience, message);
                    continue;
                }
            }
            let (pending, starting) = plan
                .startups()
                .get(seg)
                .copied()
                .unwrap_or((SECOND, SECOND));
            self.free -= 1;
            track.push(JobState::Pending, t);
            track.push(JobState::Starting, t + pending);
            let run_at = t + pending + starting;
            if plan.outcome == Outcome::StartFailed {
                track.push(JobState::Failed, run_at);
                track.error(run_at, message);
                self.events.push(Reverse((run_at, Event::Release(i))));
                if let Some(s) = self.started.get_mut(i) {
                    *s = plan.runs;
                }
                continue;
            }
            track.push(JobState::Running, run_at);
            let last = seg + 1 >= plan.runs;
            let full = plan.segments().get(seg).copied().unwrap_or(MINUTE);
            let end = if last {
                let ran = ((full as f64 * plan.end_frac) as Ms / SECOND * SECOND).max(SECOND);
                let end = run_at + ran;
                let state = match plan.outcome {
                    Outcome::Finished => JobState::Finished,
                    Outcome::Crashed => JobState::Crashed,
                    Outcome::Killed | Outcome::Cancelled(_) => JobState::Killed,
                    Outcome::Failed | Outcome::StartFailed => JobState::Failed,
                };
                if plan.outcome != Outcome::Finished {
                    // The traceback is logged a moment before the state changes.
                    track.error((end - 2 * SECOND).max(run_at), message);
                }
                track.push(state, end);
                end
            } else {
                run_at + full
            };
            if let Some(s) = self.started.get_mut(i) {
                *s += 1;
            }
            self.events.push(Reverse((end, Event::Release(i))));
        }
    }

    /// Runs events up to `now`; returns every job's timeline.
    fn run(mut self, now: Ms) -> Vec<Track> {
        while let Some(Reverse((t, ev))) = self.events.pop() {
            if t > now {
                break;
            }
            match ev {
                Event::Release(i) => {
                    self.free += 1;
                    let more = match (self.plans.get(i), self.started.get(i)) {
                        (Some(p), Some(&s)) => s < p.runs,
                        _ => false,
                    };
                    if more {
                        if let Some(track) = self.tracks.get_mut(i) {
                            track.error(t, self.preempt_message);
                            track.push(JobState::Queued, t);
                        }
                        if let Some(r) = self.ready_at.get_mut(i) {
                            *r = t;
                        }
                        self.waiting.push_back(i);
                    }
                }
                Event::Ready(i) => self.waiting.push_back(i),
                Event::AgentUp => {}
            }
            self.grant(t);
        }
        // Jobs still waiting at `now` whose owner gave up earlier.
        for &i in &self.waiting {
            if let (Some(plan), Some(track), Some(&ready)) = (
                self.plans.get(i),
                self.tracks.get_mut(i),
                self.ready_at.get(i),
            ) {
                if let Outcome::Cancelled(patience) = plan.outcome {
                    if ready + patience <= now && self.started.get(i) == Some(&0) {
                        track.push(JobState::Killed, ready + patience);
                        track.error(
                            ready + patience,
                            plan.message.as_deref().unwrap_or_default(),
                        );
                    }
                }
            }
        }
        // Nothing after `now` has happened yet.
        for track in &mut self.tracks {
            track.transitions.retain(|t| t.at <= now);
            track.errors.retain(|e| e.at <= now);
        }
        self.tracks
    }
}

/// Slots of a queue: its mean concurrent demand over the window times the
/// queue's headroom, so peaks overflow (waits) and nights drain.
fn slots(plans: &[Plan], spec: &QueueSpec, window: Ms) -> usize {
    let busy: Ms = plans
        .iter()
        .flat_map(|p| p.segments().iter().zip(p.startups()))
        .map(|(run, (pending, starting))| run + pending + starting)
        .sum();
    let mean = busy as f64 / window.max(1) as f64;
    ((mean * spec.headroom).ceil() as usize).max(1)
}

/// Simulates one queue and returns each job's timeline, in plan order.
fn simulate(
    plans: &[Plan],
    spec: &QueueSpec,
    outages: &[(Ms, Ms)],
    start: Ms,
    now: Ms,
) -> Vec<Track> {
    let mut sim = Sim {
        plans,
        outages,
        preempt_message: spec.preempt_message,
        free: slots(plans, spec, now - start),
        waiting: VecDeque::new(),
        events: BinaryHeap::with_capacity(plans.len() * 2),
        tracks: Vec::with_capacity(plans.len()),
        started: vec![0; plans.len()],
        ready_at: Vec::with_capacity(plans.len()),
    };
    for (i, p) in plans.iter().enumerate() {
        let mut track = Track::new();
        let ready = match sim.agent_down(p.arrival) {
            Some(up) => {
                track.push(JobState::Idle, p.arrival);
                up
            }
            None => p.arrival,
        };
        track.push(JobState::Queued, ready);
        sim.tracks.push(track);
        sim.ready_at.push(ready);
        sim.events.push(Reverse((ready, Event::Ready(i))));
    }
    for &(_, up) in outages {
        sim.events.push(Reverse((up, Event::AgentUp)));
    }
    sim.run(now)
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
    let mut order: Vec<(Ms, usize, usize)> = per_queue
        .iter()
        .enumerate()
        .flat_map(|(q, (_, plans, _))| {
            plans
                .iter()
                .enumerate()
                .map(move |(i, p)| (p.arrival, q, i))
        })
        .collect();
    order.sort_unstable();
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

// ---------------------------------------------------------------------------
// Usage curves.

/// Most points of one series: long runs are sampled more sparsely.
const MAX_POINTS: i64 = 2_000;

/// The shape of one run's usage, drawn once from (seed, run id) so that the
/// four metrics of a run tell one consistent story.
struct Profile {
    /// Whether the run has a GPU at all (`gpu_type` label not `none`).
    gpu: bool,
    /// GPU utilisation on the plateau, and its noise.
    gpu_level: f64,
    gpu_noise: f64,
    /// CPU utilisation and its noise.
    cpu_level: f64,
    cpu_noise: f64,
    /// Seconds of warm-up (model load, first batches) before the plateau.
    warmup: f64,
    /// Evaluation every `eval_every` seconds for `eval_len` seconds, with
    /// the GPU at `eval_gpu` meanwhile.
    eval_every: f64,
    eval_len: f64,
    eval_gpu: f64,
    /// Checkpoint every `ckpt_every` seconds for `ckpt_len` seconds (GPU idle).
    ckpt_every: f64,
    ckpt_len: f64,
    /// GPU memory after loading the model, then on the plateau.
    gpu_mem_load: f64,
    gpu_mem_level: f64,
    /// System memory: `base + rise * (1 - e^(-t / tau))`, a slow climb.
    sys_base: f64,
    sys_rise: f64,
    sys_tau: f64,
    /// Stretches (start second, length) where the metrics agent sent nothing.
    gaps: Vec<(f64, f64)>,
}

impl Profile {
    fn draw(seed: u64, job: &Job) -> Profile {
        let run = job.run_id.as_deref().unwrap_or(&job.id);
        let mut rng = Rng::with_seed(mix(seed, hash_str(run)));
        let kind = Kind::of_name(&job.job);
        let gpu = job.label("gpu_type") != Some("none");
        // Healthy, data-loader bound (GPU starved, CPU pegged) or wasteful
        // (a GPU reserved and left idle).
        let style = rng.f64();
        let (gpu_level, gpu_noise, cpu_level) = match kind {
            _ if !gpu => (0.0, 0.0, uniform(&mut rng, 55.0, 95.0)),
            Kind::Bench => (
                uniform(&mut rng, 97.0, 99.5),
                0.5,
                uniform(&mut rng, 8.0, 20.0),
            ),
            _ if style < 0.10 => (
                uniform(&mut rng, 0.0, 6.0),
                1.5,
                uniform(&mut rng, 2.0, 10.0),
            ),
            _ if style < 0.26 => (
                uniform(&mut rng, 25.0, 50.0),
                9.0,
                uniform(&mut rng, 85.0, 97.0),
            ),
            Kind::Eval => (
                uniform(&mut rng, 55.0, 78.0),
                5.0,
                uniform(&mut rng, 25.0, 45.0),
            ),
            _ => (
                uniform(&mut rng, 85.0, 97.0),
                2.0,
                uniform(&mut rng, 15.0, 35.0),
            ),
        };
        let median = kind.duration().0;
        let mut gaps = Vec::new();
        for _ in 0..rng.usize(0..=2) {
            if rng.f64() < 0.3 {
                gaps.push((
                    uniform(&mut rng, 0.0, median),
                    uniform(&mut rng, 90.0, 450.0),
                ));
            }
        }
        Profile {
            gpu,
            gpu_level,
            gpu_noise,
            cpu_level,
            cpu_noise: if cpu_level > 80.0 { 4.0 } else { 3.0 },
            warmup: uniform(&mut rng, 60.0, 240.0),
            eval_every: uniform(&mut rng, 15.0, 45.0) * 60.0,
            eval_len: uniform(&mut rng, 60.0, 180.0),
            eval_gpu: uniform(&mut rng, 20.0, 45.0).min(gpu_level),
            ckpt_every: uniform(&mut rng, 30.0, 90.0) * 60.0,
            ckpt_len: uniform(&mut rng, 30.0, 90.0),
            gpu_mem_load: uniform(&mut rng, 8.0, 25.0),
            gpu_mem_level: if gpu_level < 10.0 {
                uniform(&mut rng, 30.0, 80.0)
            } else {
                uniform(&mut rng, 55.0, 94.0)
            },
            sys_base: uniform(&mut rng, 8.0, 25.0),
            sys_rise: uniform(&mut rng, 5.0, 40.0),
            sys_tau: uniform(&mut rng, 2.0, 12.0) * 3600.0,
            gaps,
        }
    }

    /// Whether `t` falls in a periodic window (`every`, `len`), after the first period.
    fn periodic(t: f64, every: f64, len: f64) -> bool {
        every > 0.0 && t >= every && t % every < len
    }

    /// The metric's value at `t` seconds into the run, before noise.
    /// `end` is the run length when it ended badly on memory (`oom`).
    fn value(&self, metric: Metric, t: f64, oom: Option<(Metric, f64)>) -> f64 {
        let warm = (t / self.warmup.max(1.0)).min(1.0);
        let eval = Self::periodic(t, self.eval_every, self.eval_len);
        let ckpt = Self::periodic(t, self.ckpt_every, self.ckpt_len);
        let base = match metric {
            Metric::GpuUtil if eval => self.eval_gpu,
            Metric::GpuUtil if ckpt => self.gpu_level.min(8.0),
            Metric::GpuUtil => self.gpu_level * warm,
            Metric::CpuUtil if ckpt => self.cpu_level.max(40.0),
            Metric::CpuUtil => self.cpu_level * (0.5 + 0.5 * warm),
            Metric::GpuMem if t < self.warmup / 2.0 => {
                self.gpu_mem_load * (2.0 * t / self.warmup.max(1.0))
            }
            Metric::GpuMem if t < self.warmup => self.gpu_mem_load,
            Metric::GpuMem if eval => self.gpu_mem_level + 3.0,
            Metric::GpuMem => self.gpu_mem_level,
            Metric::SysMem => self.sys_base + self.sys_rise * (1.0 - (-t / self.sys_tau).exp()),
        };
        match oom {
            // The last ten minutes before an out-of-memory end climb to the ceiling.
            Some((m, end)) if m == metric && end - t < 600.0 => {
                let k = 1.0 - (end - t) / 600.0;
                base + (99.5 - base) * k
            }
            _ => base,
        }
    }
}

/// Usage series for one run, deterministic from (seed, run_id): the same
/// run always gets the same curves, whichever batch asks for it. `None` for
/// jobs that never ran, and for GPU metrics of CPU-only runs.
///
/// Sampled every 30 s (coarser for runs long enough to exceed 2 000 points);
/// `null` where the run was not running (requeued after a preemption) and in
/// occasional short stretches where the metrics agent was silent.
pub fn run_metrics(seed: u64, job: &Job, generated_at: Ms, metric: Metric) -> Option<Series> {
    let run_id = job.run_id.clone()?;
    let (start, end) = job.run_span(generated_at)?;
    let p = Profile::draw(seed, job);
    if !p.gpu && matches!(metric, Metric::GpuUtil | Metric::GpuMem) {
        return None;
    }
    let length = (end - start) / SECOND;
    let per_point = (length.max(0) / MAX_POINTS + 1).max(1);
    let step = per_point.saturating_add(29) / 30 * 30;
    // Seconds (relative to the run start) in which the job was running.
    let running: Vec<(i64, i64)> = job
        .state_spans(generated_at)
        .filter(|s| *s.state == JobState::Running)
        .map(|s| ((s.start - start) / SECOND, (s.end - start) / SECOND))
        .collect();
    let oom_metric = job.errors.iter().find_map(|e| {
        if e.message.contains("OOMKilled") {
            Some(Metric::SysMem)
        } else if e.message.contains("CUDA out of memory") {
            Some(Metric::GpuMem)
        } else {
            None
        }
    });
    let oom = oom_metric
        .filter(|_| job.current_state().is_terminal())
        .map(|m| (m, length as f64));
    let noise = match metric {
        Metric::GpuUtil => p.gpu_noise,
        Metric::CpuUtil => p.cpu_noise,
        Metric::GpuMem | Metric::SysMem => 0.3,
    };
    let mut rng = Rng::with_seed(mix(seed ^ hash_str(&run_id), metric as u64 + 11));
    let points = length / step + 1;
    let mut t = Vec::with_capacity(points as usize);
    let mut v = Vec::with_capacity(points as usize);
    for i in 0..points {
        let at = i * step;
        let sec = at as f64;
        // Drawn for every point, so a gap does not shift the noise after it.
        let jitter = (rng.f64() + rng.f64() + rng.f64() - 1.5) * 2.0 * noise;
        let live = running.iter().any(|&(a, b)| a <= at && at <= b)
            && !p.gaps.iter().any(|&(g, len)| g <= sec && sec < g + len);
        t.push(sec);
        v.push(live.then(|| {
            let x = (p.value(metric, sec, oom) + jitter).clamp(0.0, 100.0);
            (x * 10.0).round() / 10.0
        }));
    }
    Some(Series {
        run_id,
        metric,
        t,
        v,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::check_job;
    use std::collections::HashMap;

    fn cfg(jobs: usize) -> DemoConfig {
        DemoConfig {
            jobs,
            ..DemoConfig::default()
        }
    }

    fn all_jobs(d: &DemoData) -> impl Iterator<Item = &Job> {
        d.datasets.iter().flat_map(|ds| ds.jobs.iter())
    }

    #[test]
    fn deterministic_for_a_config_and_different_for_another_seed() {
        let a = generate(&cfg(2000));
        assert_eq!(a, generate(&cfg(2000)));
        let b = generate(&DemoConfig {
            seed: 7,
            ..cfg(2000)
        });
        assert_ne!(a, b);
    }

    #[test]
    fn size_parameter_is_respected() {
        for n in [0, 1, 5, 37, 400, 6000] {
            let d = generate(&cfg(n));
            assert_eq!(all_jobs(&d).count(), n, "jobs={n}");
            assert_eq!(d.queues.len(), 3);
            let ids: Vec<&str> = d.queues.iter().map(|q| q.id.as_str()).collect();
            let ds: Vec<&str> = d.datasets.iter().map(|d| d.queue_id.as_str()).collect();
            assert_eq!(ids, ds);
        }
        let d = generate(&DemoConfig::default());
        assert_eq!(all_jobs(&d).count(), 6000);
        assert!(d.datasets.iter().all(|ds| ds.jobs.len() > 1000));
    }

    #[test]
    fn every_job_survives_the_wire_and_the_client_checks() {
        let d = generate(&DemoConfig::default());
        for j in all_jobs(&d) {
            let raw = to_raw_job(j);
            let json = serde_json::to_string(&raw).unwrap();
            let back: RawJob = serde_json::from_str(&json).unwrap();
            assert_eq!(check_job(back).as_ref(), Ok(j), "{json}");
        }
    }

    #[test]
    fn timelines_are_well_formed() {
        let c = DemoConfig::default();
        let d = generate(&c);
        let start = c.now - Ms::from(c.days) * DAY;
        let mut run_ids = HashSet::new();
        let mut ids = HashSet::new();
        for ds in &d.datasets {
            assert_eq!(ds.generated_at, c.now);
            let keys: Vec<(Ms, &str)> = ds
                .jobs
                .iter()
                .map(|j| (j.enqueued_at().unwrap(), j.id.as_str()))
                .collect();
            assert!(
                keys.windows(2).all(|w| w[0] <= w[1]),
                "sorted by (enqueue, id)"
            );
            for j in &ds.jobs {
                assert!(ids.insert(j.id.clone()), "unique id {}", j.id);
                let ts = &j.transitions;
                assert!(ts.windows(2).all(|w| w[0].at <= w[1].at), "{}", j.id);
                assert!(ts.iter().all(|t| t.at >= start && t.at <= c.now));
                assert!(matches!(ts[0].state, JobState::Idle | JobState::Queued));
                assert!(ts.iter().all(|t| t.at % SECOND == 0));
                let terminal = ts.iter().filter(|t| t.state.is_terminal()).count();
                assert!(terminal <= 1);
                if terminal == 1 {
                    assert!(ts.last().unwrap().state.is_terminal());
                }
                // Every running is preceded by starting, every starting by pending.
                for w in ts.windows(2) {
                    match w[1].state {
                        JobState::Running => assert_eq!(w[0].state, JobState::Starting),
                        JobState::Starting => assert_eq!(w[0].state, JobState::Pending),
                        JobState::Pending => assert_eq!(w[0].state, JobState::Queued),
                        _ => {}
                    }
                }
                let (from, to) = j.lifetime(c.now);
                assert!(j.errors.iter().all(|e| e.at >= from && e.at <= to));
                let ran = j.run_span(c.now).is_some();
                assert_eq!(j.run_id.is_some(), ran);
                assert_eq!(j.run_name.is_some(), ran);
                if let Some(r) = &j.run_id {
                    assert_eq!(r.len(), 8);
                    assert!(run_ids.insert(r.clone()), "unique run id");
                }
                if matches!(
                    j.current_state(),
                    JobState::Failed | JobState::Crashed | JobState::Killed
                ) {
                    assert!(
                        !j.errors.is_empty(),
                        "{} ended badly without a message",
                        j.id
                    );
                }
                for key in ["team", "priority", "gpu_type"] {
                    assert!(j.label(key).is_some());
                }
            }
        }
    }

    #[test]
    fn outcome_rates_and_special_cases_are_believable() {
        let c = cfg(20_000);
        let d = generate(&c);
        let mut by_state: HashMap<JobState, usize> = HashMap::new();
        for j in all_jobs(&d) {
            *by_state.entry(j.current_state().clone()).or_default() += 1;
        }
        let ended: usize = by_state
            .iter()
            .filter(|(s, _)| s.is_terminal())
            .map(|(_, n)| n)
            .sum();
        let rate = |s: JobState| by_state.get(&s).copied().unwrap_or(0) as f64 / ended as f64;
        let failed = rate(JobState::Failed);
        let crashed = rate(JobState::Crashed);
        let killed = rate(JobState::Killed);
        assert!((0.06..0.10).contains(&failed), "failed {failed}");
        assert!((0.02..0.04).contains(&crashed), "crashed {crashed}");
        assert!((0.012..0.03).contains(&killed), "killed {killed}");
        // Some jobs are still in flight at `now`, some still waiting.
        let running = by_state.get(&JobState::Running).copied().unwrap_or(0);
        let waiting: usize = all_jobs(&d)
            .filter(|j| j.current_state().is_waiting() || *j.current_state() == JobState::Pending)
            .count();
        assert!(
            running > 0 && waiting > 0,
            "running {running}, waiting {waiting}"
        );
        // Agent outages and preemptions happen, but rarely.
        let has = |s: JobState, min: usize| {
            all_jobs(&d)
                .filter(|j| j.transitions.iter().filter(|t| t.state == s).count() >= min)
                .count()
        };
        let idle = has(JobState::Idle, 1);
        let requeued = has(JobState::Running, 2);
        assert!(idle > 0 && idle < 2000, "idle {idle}");
        assert!(requeued > 0 && requeued < 1000, "requeued {requeued}");
        // A start failure never ran and has no run id.
        assert!(all_jobs(&d).any(|j| *j.current_state() == JobState::Failed && j.run_id.is_none()));
        // Some jobs waited a long time, most not long.
        let mut waits: Vec<Ms> = all_jobs(&d).map(|j| j.waiting_ms(c.now)).collect();
        waits.sort_unstable();
        let median = waits[waits.len() / 2];
        assert!(median < HOUR, "median wait {median}");
        assert!(waits[waits.len() - 1] > HOUR);
    }

    #[test]
    fn the_week_has_busy_and_idle_stretches() {
        let c = DemoConfig::default();
        let d = generate(&c);
        let start = c.now - Ms::from(c.days) * DAY;
        let hours = (c.days * 24) as usize;
        for ds in &d.datasets {
            let mut per_hour = vec![0usize; hours];
            for j in &ds.jobs {
                let h = ((j.enqueued_at().unwrap() - start) / HOUR) as usize;
                per_hour[h.min(hours - 1)] += 1;
            }
            let mean = ds.jobs.len() as f64 / hours as f64;
            let max = *per_hour.iter().max().unwrap();
            assert!(
                max as f64 > 3.0 * mean,
                "{}: busiest hour {max}, mean {mean}",
                ds.queue_id
            );
            // A stretch of at least three hours without a single launch.
            let quiet = per_hour.windows(3).any(|w| w.iter().all(|&n| n == 0));
            assert!(quiet, "{}: no idle stretch", ds.queue_id);
            // Weekend working hours see far fewer launches than weekday
            // ones (medians: a sweep on a Sunday is allowed).
            let median_at = |weekend: bool| {
                let mut xs: Vec<usize> = (0..hours)
                    .filter(|&h| {
                        let t = start + h as Ms * HOUR;
                        let weekday = (t.div_euclid(DAY) + 3).rem_euclid(7);
                        let hod = t.rem_euclid(DAY) / HOUR;
                        (weekday >= 5) == weekend && (9..17).contains(&hod)
                    })
                    .map(|h| per_hour[h])
                    .collect();
                xs.sort_unstable();
                xs[xs.len() / 2]
            };
            let (we, wd) = (median_at(true), median_at(false));
            assert!(we * 3 < wd, "{}: weekend {we}, weekday {wd}", ds.queue_id);
        }
    }

    #[test]
    fn bursts_launch_many_jobs_at_once() {
        let d = generate(&DemoConfig::default());
        let mut biggest = 0;
        for ds in &d.datasets {
            let mut run = 1;
            for w in ds.jobs.windows(2) {
                let same = w[0].job == w[1].job
                    && w[0].user == w[1].user
                    && w[1].enqueued_at().unwrap() - w[0].enqueued_at().unwrap() <= 3 * SECOND;
                run = if same { run + 1 } else { 1 };
                biggest = biggest.max(run);
            }
        }
        assert!(biggest >= 20, "largest burst {biggest}");
    }

    #[test]
    fn names_are_varied_but_bounded() {
        let d = generate(&DemoConfig::default());
        let distinct =
            |f: fn(&Job) -> Option<&str>| all_jobs(&d).filter_map(f).collect::<HashSet<_>>().len();
        assert!((15..=25).contains(&distinct(|j| j.user.as_deref())));
        assert!((25..=35).contains(&distinct(|j| Some(j.job.as_str()))));
        assert!(distinct(|j| j.project.as_deref()) >= 5);
        assert!(distinct(|j| j.entity.as_deref()) >= 4);
        assert!(all_jobs(&d).any(|j| j
            .run_name
            .as_deref()
            .is_some_and(|n| n.split('-').count() == 3)));
    }

    fn mean(v: &[Option<f64>]) -> f64 {
        let xs: Vec<f64> = v.iter().flatten().copied().collect();
        xs.iter().sum::<f64>() / xs.len().max(1) as f64
    }

    #[test]
    fn run_metrics_are_deterministic_and_well_formed() {
        let c = cfg(1500);
        let d = generate(&c);
        let mut checked = 0;
        for j in all_jobs(&d).filter(|j| j.run_id.is_some()).take(300) {
            let cpu_only = j.label("gpu_type") == Some("none");
            for m in Metric::ALL {
                let s = run_metrics(c.seed, j, c.now, m);
                if cpu_only && matches!(m, Metric::GpuUtil | Metric::GpuMem) {
                    assert!(s.is_none());
                    continue;
                }
                let s = s.expect("a run has series");
                assert_eq!(Some(&s), run_metrics(c.seed, j, c.now, m).as_ref());
                assert_eq!(s.run_id, j.run_id.clone().unwrap());
                assert_eq!(s.t.len(), s.v.len());
                assert!(s.t.len() <= 2_001 && !s.t.is_empty());
                assert_eq!(s.t[0], 0.0);
                assert!(s.t.windows(2).all(|w| w[1] > w[0]));
                let (a, b) = j.run_span(c.now).unwrap();
                assert!(*s.t.last().unwrap() <= ((b - a) / SECOND) as f64);
                assert!(s.v.iter().flatten().all(|x| (0.0..=100.0).contains(x)));
                if s.t.len() > 1 && b - a < 2_000 * 30 * SECOND {
                    assert_eq!(s.t[1], 30.0, "30 s sampling");
                }
                // The client accepts it.
                let raw = crate::contract::RawSeries {
                    run_id: s.run_id.clone(),
                    metric: m.as_str().into(),
                    t: s.t.clone(),
                    v: s.v.clone(),
                };
                let body = serde_json::json!({ "series": [raw] }).to_string();
                let (ok, skipped) = crate::parse::parse_metrics(&body).unwrap();
                assert!(skipped.is_empty() && ok.len() == 1);
                checked += 1;
            }
        }
        assert!(checked > 500);
        let j = all_jobs(&d).find(|j| j.run_id.is_some()).unwrap();
        assert_ne!(
            run_metrics(1, j, c.now, Metric::CpuUtil),
            run_metrics(2, j, c.now, Metric::CpuUtil)
        );
        let never_ran = all_jobs(&d).find(|j| j.run_id.is_none()).unwrap();
        assert_eq!(run_metrics(c.seed, never_ran, c.now, Metric::CpuUtil), None);
    }

    #[test]
    fn usage_curves_tell_believable_stories() {
        let c = cfg(3000);
        let d = generate(&c);
        let gpu_runs: Vec<&Job> = all_jobs(&d)
            .filter(|j| j.run_id.is_some() && j.label("gpu_type") != Some("none"))
            .filter(|j| j.run_span(c.now).is_some_and(|(a, b)| b - a > 2 * HOUR))
            .collect();
        assert!(gpu_runs.len() > 100);
        let (mut busy, mut wasteful, mut starved, mut growing, mut gaps) = (0, 0, 0, 0, 0);
        for j in &gpu_runs {
            let get = |m| run_metrics(c.seed, j, c.now, m).unwrap().v;
            let (gpu, cpu, gmem, smem) = (
                get(Metric::GpuUtil),
                get(Metric::CpuUtil),
                get(Metric::GpuMem),
                get(Metric::SysMem),
            );
            let (g, u) = (mean(&gpu), mean(&cpu));
            busy += usize::from(g > 80.0);
            wasteful += usize::from(g < 10.0);
            starved += usize::from((20.0..55.0).contains(&g) && u > 80.0);
            let tenth = smem.len() / 10;
            growing += usize::from(mean(&smem[smem.len() - tenth..]) > mean(&smem[..tenth]) + 2.0);
            gaps += usize::from(gpu.iter().any(Option::is_none));
            // GPU memory steps up from nothing, then holds.
            let first = gmem.iter().flatten().next().copied().unwrap_or(0.0);
            assert!(first < 30.0, "{first}");
            assert!(mean(&gmem[gmem.len() / 2..]) > 25.0);
        }
        let n = gpu_runs.len();
        assert!(busy * 2 > n, "most runs keep their GPU busy: {busy}/{n}");
        assert!(
            wasteful > 0 && wasteful * 5 < n,
            "some waste: {wasteful}/{n}"
        );
        assert!(
            starved > 0 && starved * 4 < n,
            "some are data-loader bound: {starved}/{n}"
        );
        assert!(growing * 2 > n, "system memory creeps up: {growing}/{n}");
        assert!(gaps > 0, "occasional gaps");
        // A preempted run has no samples while it waited to run again.
        let requeued = all_jobs(&d)
            .find(|j| {
                j.transitions
                    .iter()
                    .filter(|t| t.state == JobState::Running)
                    .count()
                    > 1
                    && j.label("gpu_type") != Some("none")
            })
            .expect("a preempted run");
        let s = run_metrics(c.seed, requeued, c.now, Metric::GpuUtil).unwrap();
        let (run_start, _) = requeued.run_span(c.now).unwrap();
        let back = requeued
            .transitions
            .iter()
            .rposition(|t| t.state == JobState::Queued)
            .unwrap();
        let waited_from = (requeued.transitions[back].at - run_start) / SECOND;
        let waited_to = (requeued.transitions[back + 3].at - run_start) / SECOND;
        for (t, v) in s.t.iter().zip(&s.v) {
            if *t > waited_from as f64 + 1.0 && *t < waited_to as f64 - 1.0 {
                assert_eq!(*v, None, "no usage at {t} s while requeued");
            }
        }
    }

    #[test]
    fn very_long_runs_are_sampled_sparser() {
        let job = Job {
            id: "long".into(),
            job: "train-forever".into(),
            run_id: Some("longrun1".into()),
            transitions: vec![
                Transition {
                    state: JobState::Queued,
                    at: 0,
                },
                Transition {
                    state: JobState::Running,
                    at: 0,
                },
            ],
            ..Default::default()
        };
        let s = run_metrics(1, &job, 20 * DAY, Metric::SysMem).unwrap();
        assert!(s.t.len() <= 2_001, "{}", s.t.len());
        assert!(s.t.len() > 1_000);
        assert_eq!((s.t[1] as i64) % 30, 0);
        // Nonsense spans do not panic.
        let odd = Job {
            transitions: vec![Transition {
                state: JobState::Running,
                at: Ms::MAX / 2,
            }],
            ..job
        };
        assert!(run_metrics(1, &odd, 0, Metric::CpuUtil).is_some_and(|s| s.t.len() == 1));
    }

    #[test]
    #[ignore = "timing; run with --release -- --ignored --nocapture"]
    fn timing() {
        for n in [10_000, 100_000] {
            let t0 = std::time::Instant::now();
            let d = generate(&cfg(n));
            eprintln!("generate {n} jobs: {:?}", t0.elapsed());
            assert_eq!(all_jobs(&d).count(), n);
        }
    }
}
