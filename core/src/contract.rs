//! Wire types of the REST API (SPEC §2, version 1 and the version 2
//! additions), exactly as they travel.
//!
//! These are the shapes a backend sends; the client never trusts them and
//! turns them into the checked [`crate::model`] through [`crate::parse`].
//! The demo backend serialises the same types, so the contract has one
//! definition on both sides.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `GET {api_base}/queues`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuesResponse {
    /// Every queue the backend knows.
    pub queues: Vec<QueueInfo>,
}

/// One queue. Only `id` is required; `name` defaults to `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueInfo {
    /// Unique id, used in URLs.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Owning entity (team).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// Kind of resource behind the queue (`kubernetes`, `sagemaker`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl QueueInfo {
    /// A queue known by its id alone (the URL's, while the list is not
    /// known).
    pub fn from_id(id: String) -> QueueInfo {
        QueueInfo {
            id,
            name: None,
            entity: None,
            resource: None,
            description: None,
        }
    }

    /// The name to show: `name`, or `id` when there is none.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// A queue as a backend that can do more than version 1 lists it (SPEC §2,
/// version 2): the queue itself plus what its jobs endpoint supports
/// (`"supports": ["updated_since"]`). Clients that read [`QueueInfo`]
/// ignore `supports`; it lives beside it so existing constructors of
/// `QueueInfo` stay as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    /// The queue.
    #[serde(flatten)]
    pub info: QueueInfo,
    /// Capabilities beyond version 1, e.g. [`SUPPORTS_UPDATED_SINCE`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supports: Vec<String>,
}

/// The capability of answering `jobs?...&updated_since={g}` (SPEC §2,
/// incremental reads).
pub const SUPPORTS_UPDATED_SINCE: &str = "updated_since";

/// `GET {api_base}/queues/{queue_id}/jobs?from&to[&cursor]`, one page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobsPage {
    /// The jobs of this page.
    pub jobs: Vec<RawJob>,
    /// When a string, ask again with `cursor` set to it.
    pub next_cursor: Option<String>,
    /// "Now" for jobs that have not reached a terminal state (RFC 3339).
    pub generated_at: String,
}

/// A job (queue item) as sent by the backend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawJob {
    /// Unique within the queue. Required.
    pub id: String,
    /// Launch job name. Required.
    pub job: String,
    /// Run id, once the job has a run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// Human-friendly run name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_name: Option<String>,
    /// Project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// Entity (team or org).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// User who launched it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Free-form labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// State changes, in time order. Required, non-empty.
    pub transitions: Vec<RawTransition>,
    /// Errors the job reported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<RawError>,
}

/// One state change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawTransition {
    /// The state entered.
    pub state: String,
    /// When (RFC 3339 with offset).
    pub at: String,
}

/// One error a job reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawError {
    /// When (RFC 3339 with offset).
    pub at: String,
    /// The message, shown as text (never HTML).
    pub message: String,
}

/// `GET {api_base}/queues/{queue_id}/metrics?run_ids=...`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricsResponse {
    /// One series per run and metric.
    pub series: Vec<RawSeries>,
}

/// A usage series of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawSeries {
    /// The run.
    pub run_id: String,
    /// `gpu_util`, `cpu_util`, `gpu_mem` or `sys_mem`.
    pub metric: String,
    /// Seconds since the run entered `running`, ascending.
    pub t: Vec<f64>,
    /// Percent (0 to 100); `None` (JSON null) is a gap.
    pub v: Vec<Option<f64>>,
}

/// Most run ids one metrics request may carry (SPEC §2).
pub const MAX_RUN_IDS_PER_REQUEST: usize = 100;

/// Error body of a non-2xx answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_entry_is_a_queue_info_with_supports() {
        let entry = QueueEntry {
            info: QueueInfo {
                id: "cpu".into(),
                name: Some("CPU".into()),
                entity: None,
                resource: Some("slurm".into()),
                description: None,
            },
            supports: vec![SUPPORTS_UPDATED_SINCE.into()],
        };
        let text = serde_json::to_string(&entry).unwrap();
        assert_eq!(
            text,
            r#"{"id":"cpu","name":"CPU","resource":"slurm","supports":["updated_since"]}"#
        );
        // A version 1 reader sees the same queue.
        let v1: QueueInfo = serde_json::from_str(&text).unwrap();
        assert_eq!(v1, entry.info);
        assert_eq!(serde_json::from_str::<QueueEntry>(&text).unwrap(), entry);
    }
}
