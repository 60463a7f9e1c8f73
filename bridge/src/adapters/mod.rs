//! Adapters: each turns one kind of source into [`Snapshot`]s of queues and
//! observed jobs. The mapping itself is pure (`parse_*` functions, tested on
//! recorded answers); only `poll` talks HTTP.

pub mod ray;
pub mod slurm;
pub mod wandb;

use crate::config::{Secret, SourceConfig, SourceKind};
use crate::observe::Observed;
use crate::store::OpenJob;
use queuescope_core::contract::{QueueInfo, RawSeries};

/// What one poll of a source saw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// The source's queues (names, descriptions).
    pub queues: Vec<QueueInfo>,
    /// Every job it reports.
    pub jobs: Vec<Observed>,
    /// Records that could not be read, with a reason each (first few).
    pub skipped: Vec<String>,
}

/// Why a poll failed. Messages name the URL and the status, never a
/// header or a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// No answer (refused, timed out, DNS ...).
    #[error("{url}: no answer ({reason})")]
    Unreachable {
        /// What was asked.
        url: String,
        /// Why (reqwest's text, which never includes headers).
        reason: String,
    },
    /// An answer with a non-2xx status.
    #[error("{url}: HTTP {status}: {body}")]
    Status {
        /// What was asked.
        url: String,
        /// The status.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// A 2xx answer the adapter cannot read.
    #[error("{url}: unexpected answer: {reason}")]
    Shape {
        /// What was asked.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// A secret could not be read.
    #[error("{0}")]
    Secret(String),
}

/// One configured source.
pub enum Adapter {
    /// Slurm through slurmrestd.
    Slurm(slurm::Slurm),
    /// Ray Jobs API.
    Ray(ray::Ray),
    /// W&B Launch.
    Wandb(wandb::Wandb),
}

impl Adapter {
    /// Builds the adapter of `cfg`.
    pub fn new(cfg: &SourceConfig, http: reqwest::Client) -> Adapter {
        let base = cfg.url.trim_end_matches('/').to_string();
        match &cfg.kind {
            SourceKind::Slurm(c) => Adapter::Slurm(slurm::Slurm::new(base, c.clone(), http)),
            SourceKind::Ray(c) => Adapter::Ray(ray::Ray::new(&cfg.id, base, c.clone(), http)),
            SourceKind::Wandb(c) => Adapter::Wandb(wandb::Wandb::new(base, c.clone(), http)),
        }
    }

    /// The queues known before the first poll.
    pub fn fixed_queues(&self) -> Vec<QueueInfo> {
        match self {
            Adapter::Slurm(a) => a.fixed_queues(),
            Adapter::Ray(a) => vec![a.queue()],
            Adapter::Wandb(a) => a.queues(),
        }
    }

    /// Polls the source once. `open` are the jobs the store holds as not yet
    /// terminal (W&B follows their runs after the queue forgets them).
    pub async fn poll(&self, open: &[OpenJob]) -> Result<Snapshot, SourceError> {
        match self {
            Adapter::Slurm(a) => a.poll().await,
            Adapter::Ray(a) => a.poll().await,
            Adapter::Wandb(a) => a.poll(open).await,
        }
    }

    /// True when the source has usage series (`/metrics`).
    pub fn has_metrics(&self) -> bool {
        matches!(self, Adapter::Wandb(_))
    }

    /// Usage series of runs, each given with the project it ran in.
    pub async fn metrics(
        &self,
        runs: &[(String, Option<String>)],
    ) -> Result<Vec<RawSeries>, SourceError> {
        match self {
            Adapter::Wandb(a) => a.metrics(runs).await,
            Adapter::Slurm(_) | Adapter::Ray(_) => Ok(Vec::new()),
        }
    }
}

/// Sends `req` and returns the body of a 2xx answer.
pub(crate) async fn send(url: &str, req: reqwest::RequestBuilder) -> Result<String, SourceError> {
    let resp = req.send().await.map_err(|e| SourceError::Unreachable {
        url: url.to_string(),
        // Without the URL (said already) and never with headers.
        reason: e.without_url().to_string(),
    })?;
    let status = resp.status();
    let body = resp.text().await.map_err(|e| SourceError::Unreachable {
        url: url.to_string(),
        reason: e.without_url().to_string(),
    })?;
    if !status.is_success() {
        return Err(SourceError::Status {
            url: url.to_string(),
            status: status.as_u16(),
            body: body.chars().take(300).collect(),
        });
    }
    Ok(body)
}

/// Reads a secret for a request, as a [`SourceError`].
pub(crate) fn secret(r: &crate::config::SecretRef) -> Result<Option<Secret>, SourceError> {
    r.read().map_err(SourceError::Secret)
}

/// `text` cut to `n` characters (labels and names from sources can be long).
pub(crate) fn clip(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(n.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}
