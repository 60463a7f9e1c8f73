//! One polling loop per source: ask the adapter, record what it saw in one
//! store transaction, or record the failure and keep going.

use crate::adapters::{Adapter, SourceError};
use crate::store::Store;
use crate::telemetry::Telemetry;
use queuescope_core::Ms;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A configured source at run time.
pub struct Source {
    /// Source id.
    pub id: String,
    /// `slurm`, `ray`, `wandb`.
    pub kind: &'static str,
    /// Its adapter.
    pub adapter: Adapter,
    /// Time between polls.
    pub interval: Duration,
    /// A poll that takes longer fails.
    pub timeout: Duration,
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> Ms {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| Ms::try_from(d.as_millis()).unwrap_or(Ms::MAX))
}

/// What one poll did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollResult {
    /// Recorded: (transitions, skipped records).
    Ok(usize, usize),
    /// Failed, with the message recorded.
    Failed(String),
}

/// Polls `source` once and records the outcome.
pub async fn poll_once(source: &Source, store: &Arc<Store>, telemetry: &Telemetry) -> PollResult {
    let started = Instant::now();
    let open = if matches!(source.adapter, Adapter::Wandb(_)) {
        let (store2, id) = (Arc::clone(store), source.id.clone());
        match tokio::task::spawn_blocking(move || store2.open_jobs(&id)).await {
            Ok(Ok(open)) => open,
            Ok(Err(e)) => return failed(source, store, telemetry, started, e.to_string()).await,
            Err(e) => return failed(source, store, telemetry, started, e.to_string()).await,
        }
    } else {
        Vec::new()
    };
    let outcome = match tokio::time::timeout(source.timeout, source.adapter.poll(&open)).await {
        Ok(r) => r,
        Err(_) => Err(SourceError::Unreachable {
            url: source.id.clone(),
            reason: format!("the poll took longer than {:?}", source.timeout),
        }),
    };
    let snapshot = match outcome {
        Ok(s) => s,
        Err(e) => return failed(source, store, telemetry, started, e.to_string()).await,
    };
    let skipped = snapshot.skipped.len();
    if let Some(first) = snapshot.skipped.first() {
        tracing::warn!(source = %source.id, skipped, "records skipped, e.g. {first}");
    }
    let (store2, id) = (Arc::clone(store), source.id.clone());
    let applied = tokio::task::spawn_blocking(move || {
        store2.apply_poll(&id, now_ms(), &snapshot.queues, &snapshot.jobs)
    })
    .await;
    match applied {
        Ok(Ok((at, a))) => {
            if !a.clashing_queues.is_empty() {
                tracing::warn!(
                    source = %source.id,
                    "queues {:?} belong to another source: dropped with their jobs (set queue_prefix)",
                    a.clashing_queues
                );
            }
            telemetry.poll(
                &source.id,
                true,
                started.elapsed().as_secs_f64(),
                a.transitions,
                skipped,
            );
            if a.transitions > 0 || a.new_jobs > 0 {
                tracing::info!(
                    source = %source.id,
                    observed_at = at,
                    new_jobs = a.new_jobs,
                    transitions = a.transitions,
                    errors = a.errors,
                    "recorded"
                );
            }
            PollResult::Ok(a.transitions, skipped)
        }
        Ok(Err(e)) => failed(source, store, telemetry, started, e.to_string()).await,
        Err(e) => failed(source, store, telemetry, started, e.to_string()).await,
    }
}

async fn failed(
    source: &Source,
    store: &Arc<Store>,
    telemetry: &Telemetry,
    started: Instant,
    message: String,
) -> PollResult {
    telemetry.poll(&source.id, false, started.elapsed().as_secs_f64(), 0, 0);
    tracing::warn!(source = %source.id, "poll failed: {message}");
    let (store, id, m) = (Arc::clone(store), source.id.clone(), message.clone());
    match tokio::task::spawn_blocking(move || store.record_failure(&id, now_ms(), &m)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!(source = %source.id, "cannot record the failure: {e}"),
        Err(e) => tracing::error!(source = %source.id, "cannot record the failure: {e}"),
    }
    PollResult::Failed(message)
}

/// Polls `source` forever, `interval` apart (from the end of one poll to
/// the start of the next).
pub async fn run(source: Arc<Source>, store: Arc<Store>, telemetry: Arc<Telemetry>) {
    loop {
        poll_once(&source, &store, &telemetry).await;
        tokio::time::sleep(source.interval).await;
    }
}
