//! The cast of the demo: queues, teams, users, launch jobs and the words
//! run names are made of.

/// A queue and how it behaves in the simulation.
pub(super) struct QueueSpec {
    pub(super) id: &'static str,
    pub(super) name: &'static str,
    pub(super) resource: &'static str,
    pub(super) description: &'static str,
    /// Share of all jobs.
    pub(super) share: f64,
    /// Value of the `gpu_type` label; `none` marks CPU-only runs, which
    /// then have no GPU series.
    pub(super) gpu_type: &'static str,
    /// Slots = mean concurrent demand × this. Lower means longer waits.
    pub(super) headroom: f64,
    /// Chance that a run is preempted (and requeued) once.
    pub(super) preempt: f64,
    /// Message of such a preemption.
    pub(super) preempt_message: &'static str,
    /// How many times the queue's agent goes away (jobs then wait in `idle`).
    pub(super) outages: usize,
}

pub(super) const QUEUES: [QueueSpec; 3] = [
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
pub(super) const PLATFORM_ENTITY: &str = "ml-platform";

/// A team: its `team` label, its entity and its projects.
pub(super) struct Team {
    pub(super) label: &'static str,
    pub(super) entity: &'static str,
}

pub(super) const TEAMS: [Team; 5] = [
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
pub(super) const USERS: [(&str, usize); 20] = [
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
pub(super) enum Kind {
    Train,
    Finetune,
    Sweep,
    Eval,
    Preprocess,
    Bench,
}

impl Kind {
    /// Median and spread (log-normal sigma) of one run, and its bounds, in seconds.
    pub(super) fn duration(self) -> (f64, f64, f64, f64) {
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
    pub(super) fn of_name(name: &str) -> Kind {
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
pub(super) struct Launch {
    pub(super) name: &'static str,
    pub(super) team: usize,
    pub(super) project: &'static str,
    pub(super) kind: Kind,
    pub(super) gpu: bool,
    pub(super) weight: u32,
}

// One launch job per line: a table reads better than rustfmt's layout.
#[rustfmt::skip]
pub(super) const LAUNCHES: [Launch; 30] = [
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

pub(super) const ADJECTIVES: [&str; 32] = [
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

pub(super) const NOUNS: [&str; 32] = [
    "snowball", "river", "meadow", "comet", "forest", "glade", "harbor", "island", "lake", "moon",
    "night", "ocean", "pine", "rain", "sky", "star", "sun", "thunder", "valley", "wave", "wind",
    "breeze", "canyon", "dawn", "dune", "ember", "fog", "frost", "galaxy", "haze", "leaf",
    "planet",
];
