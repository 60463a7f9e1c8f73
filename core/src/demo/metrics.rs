//! Usage curves: per-run GPU/CPU use and memory series, deterministic
//! from (seed, run id).

use super::*;

/// Most points of one series: long runs are sampled more sparsely.
pub(super) const MAX_POINTS: i64 = 2_000;

/// The shape of one run's usage, drawn once from (seed, run id) so that the
/// four metrics of a run tell one consistent story.
pub(super) struct Profile {
    /// Whether the run has a GPU at all (`gpu_type` label not `none`).
    pub(super) gpu: bool,
    /// GPU utilisation on the plateau, and its noise.
    pub(super) gpu_level: f64,
    pub(super) gpu_noise: f64,
    /// CPU utilisation and its noise.
    pub(super) cpu_level: f64,
    pub(super) cpu_noise: f64,
    /// Seconds of warm-up (model load, first batches) before the plateau.
    pub(super) warmup: f64,
    /// Evaluation every `eval_every` seconds for `eval_len` seconds, with
    /// the GPU at `eval_gpu` meanwhile.
    pub(super) eval_every: f64,
    pub(super) eval_len: f64,
    pub(super) eval_gpu: f64,
    /// Checkpoint every `ckpt_every` seconds for `ckpt_len` seconds (GPU idle).
    pub(super) ckpt_every: f64,
    pub(super) ckpt_len: f64,
    /// GPU memory after loading the model, then on the plateau.
    pub(super) gpu_mem_load: f64,
    pub(super) gpu_mem_level: f64,
    /// System memory: `base + rise * (1 - e^(-t / tau))`, a slow climb.
    pub(super) sys_base: f64,
    pub(super) sys_rise: f64,
    pub(super) sys_tau: f64,
    /// Stretches (start second, length) where the metrics agent sent nothing.
    pub(super) gaps: Vec<(f64, f64)>,
}

impl Profile {
    pub(super) fn draw(seed: u64, job: &Job) -> Profile {
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
    pub(super) fn periodic(t: f64, every: f64, len: f64) -> bool {
        every > 0.0 && t >= every && t % every < len
    }

    /// The metric's value at `t` seconds into the run, before noise.
    /// `end` is the run length when it ended badly on memory (`oom`).
    pub(super) fn value(&self, metric: Metric, t: f64, oom: Option<(Metric, f64)>) -> f64 {
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
