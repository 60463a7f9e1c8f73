//! Planning: who launches what and when (the hourly intensity and its
//! arrivals), how each job ends, its run identity, and the agent outages;
//! plus the small random helpers every stage uses.

use super::*;

// ---------------------------------------------------------------------------
// Small random helpers.

/// Mixes a seed with a stream number (splitmix64), so every queue and every
/// run draws from its own independent stream.
pub(super) fn mix(seed: u64, stream: u64) -> u64 {
    let mut z = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit hash of a string (FNV-1a): run ids feed the seed of
/// their curves, and std's hasher is not stable across releases.
pub(super) fn hash_str(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A standard normal deviate (Irwin–Hall: cheap, no trigonometry, good enough).
pub(super) fn normal(rng: &mut Rng) -> f64 {
    (0..12).map(|_| rng.f64()).sum::<f64>() - 6.0
}

/// A uniform value in `[lo, hi)`.
pub(super) fn uniform(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.f64()
}

/// Whole seconds in `[lo, hi]`, as [`Ms`]: keeps every time on a whole second.
pub(super) fn secs(rng: &mut Rng, lo: i64, hi: i64) -> Ms {
    rng.i64(lo..=hi.max(lo)) * SECOND
}

/// One element of a constant, non-empty table.
pub(super) fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> Option<&'a T> {
    items.get(rng.usize(..items.len().max(1)))
}

// ---------------------------------------------------------------------------
// Planning: who launches what, when, and how it ends.

/// How a job ends (decided up front; the simulation places it in time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
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
pub(super) struct Plan {
    pub(super) arrival: Ms,
    pub(super) launch: usize,
    pub(super) user: usize,
    pub(super) priority: &'static str,
    /// Running time of each run segment (the first `runs` of them); two mean
    /// the job is preempted at the end of the first and requeued. Arrays,
    /// not vectors: 100 000 plans should not cost 200 000 allocations.
    pub(super) segments: [Ms; 2],
    /// How many of `segments` are used (1 or 2).
    pub(super) runs: usize,
    /// Pending and starting durations before each segment.
    pub(super) startup: [(Ms, Ms); 2],
    pub(super) outcome: Outcome,
    /// Share of the last segment that runs before the job ends (1 when it
    /// finishes; failures come early more often than late, kills anywhere).
    pub(super) end_frac: f64,
    /// Message of the terminal error (failed, crashed, killed), if any.
    pub(super) message: Option<String>,
    /// Run id as a number below 36^8, spelled out only for jobs that ran.
    pub(super) run_key: u64,
    /// Run name parts: adjective, noun, number.
    pub(super) run_name: (&'static str, &'static str, u32),
}

impl Plan {
    /// The used run segments.
    pub(super) fn segments(&self) -> &[Ms] {
        self.segments.get(..self.runs).unwrap_or(&[])
    }

    /// Pending and starting durations before the segments.
    pub(super) fn startups(&self) -> &[(Ms, Ms)] {
        self.startup.get(..self.runs).unwrap_or(&[])
    }
}

/// Hourly launch intensity over the window: working hours, weekends, a
/// random factor per day, and a few windows with no launches at all.
pub(super) fn intensity(rng: &mut Rng, start: Ms, hours: usize) -> Vec<f64> {
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
pub(super) struct Arrivals {
    pub(super) start: Ms,
    pub(super) end: Ms,
    pub(super) cumulative: Vec<f64>,
}

impl Arrivals {
    pub(super) fn new(rng: &mut Rng, start: Ms, end: Ms) -> Arrivals {
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

    pub(super) fn sample(&self, rng: &mut Rng) -> Ms {
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
pub(super) fn run_duration(rng: &mut Rng, kind: Kind) -> Ms {
    let (median, sigma, lo, hi) = kind.duration();
    let s = (median * (sigma * normal(rng)).exp()).clamp(lo, hi);
    s.round() as Ms * SECOND
}

/// Draws a terminal outcome with the target rates (failed ~8 %, crashed
/// ~3 %, killed ~2 %) and its message.
pub(super) fn outcome(rng: &mut Rng, gpu: bool, user: &str) -> (Outcome, Option<String>) {
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

pub(super) const START_FAILURES: [&str; 4] = [
    "ImagePullBackOff: Back-off pulling image \"registry.internal/ml/train:3f9c2e1\": not found",
    "CreateContainerConfigError: secret \"wandb-api-key\" not found",
    "ErrImagePull: manifest for registry.internal/ml/jobs:nightly unknown",
    "FailedMount: MountVolume.SetUp failed for volume \"datasets\": nfs server not responding",
];

pub(super) const GPU_CRASHES: [&str; 5] = [
    "NCCL timeout: Watchdog caught collective operation timeout: WorkNCCL(SeqNum=18231, OpType=ALLREDUCE, NumelIn=262144000) ran for 1800000 milliseconds before timing out",
    "OOMKilled: container exceeded its memory limit (256Gi)",
    "RuntimeError: CUDA error: an illegal memory access was encountered",
    "Xid 79: GPU has fallen off the bus (node dgx-05, GPU 3)",
    "Segmentation fault (core dumped) in worker process 4",
];

pub(super) const CPU_CRASHES: [&str; 3] = [
    "OOMKilled: container exceeded its memory limit (64Gi)",
    "Segmentation fault (core dumped) in pyarrow.parquet.read_table",
    "Node lost: cpu-node-07 stopped reporting (kubelet not ready)",
];

/// A failure message; some carry numbers so they do not all look alike.
pub(super) fn failure_message(rng: &mut Rng, gpu: bool) -> String {
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
pub(super) const RUN_KEYS: u64 = 36u64.pow(8);

/// Draws a unique run key and the parts of a "resilient-snowball-12" style
/// name. Numbers, not strings: most plans never need them spelled out.
pub(super) fn run_identity(
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
pub(super) fn run_id_of(mut key: u64) -> String {
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
pub(super) fn eligible(spec: &QueueSpec) -> Vec<usize> {
    let gpu = spec.gpu_type != "none";
    LAUNCHES
        .iter()
        .enumerate()
        .filter(|(_, l)| l.gpu == gpu)
        .flat_map(|(i, l)| std::iter::repeat_n(i, l.weight as usize))
        .collect()
}

/// Plans one job of a launch, arriving at `arrival`.
pub(super) fn plan_job(
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
pub(super) fn plan_queue(
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
    let order: Vec<(Ms, usize)> = plans
        .iter()
        .enumerate()
        .map(|(i, p)| (p.arrival, i))
        .collect();
    let order = crate::sort::sort_vec(order, &|a, b| a.cmp(b));
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
pub(super) fn outages(rng: &mut Rng, spec: &QueueSpec, arrivals: &Arrivals) -> Vec<(Ms, Ms)> {
    let out: Vec<(Ms, Ms)> = (0..spec.outages)
        .map(|_| {
            let at = arrivals.sample(rng).min(arrivals.end - 4 * HOUR);
            (at, at + secs(rng, 20 * 60, 150 * 60))
        })
        .collect();
    crate::sort::sort_vec(out, &|a, b| a.cmp(b))
}
