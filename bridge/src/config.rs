//! The bridge's TOML configuration, read and checked once at start.
//!
//! Secrets never live in the file itself: a source names the environment
//! variable or the file that holds its token ([`SecretRef`]), and the
//! bridge reads it when it needs it (a token file is re-read on every
//! poll, so rotating it needs no restart). [`Secret`] never prints itself.

use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The environment variable that holds the bridge's own bearer token.
pub const TOKEN_ENV: &str = "QUEUESCOPE_BRIDGE_TOKEN";

/// A configuration problem, said so a user can fix it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Not valid TOML or not the expected shape.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong, with its place.
        message: String,
    },
    /// Valid TOML that breaks a rule.
    #[error("{0}")]
    Invalid(String),
}

/// A secret value: shown as `[redacted]` by `Debug` and `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Where a secret comes from: an environment variable or a file (never the
/// config itself). With both, the variable wins when it is set.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SecretRef {
    /// Name of an environment variable.
    #[serde(default)]
    pub env: Option<String>,
    /// A file whose content (trimmed) is the secret.
    #[serde(default)]
    pub file: Option<PathBuf>,
}

impl SecretRef {
    /// True when neither place is named.
    pub fn is_empty(&self) -> bool {
        self.env.is_none() && self.file.is_none()
    }

    /// Reads the secret now. `Ok(None)` when no place is named or the
    /// variable is unset and no file is named. The error names the place,
    /// never the value.
    pub fn read(&self) -> Result<Option<Secret>, String> {
        if let Some(var) = &self.env {
            if let Ok(v) = std::env::var(var) {
                let v = v.trim();
                if !v.is_empty() {
                    return Ok(Some(Secret::new(v)));
                }
            }
        }
        match &self.file {
            Some(path) => std::fs::read_to_string(path)
                .map(|s| Some(Secret::new(s.trim())))
                .map_err(|e| format!("cannot read the secret file {}: {e}", path.display())),
            None => match &self.env {
                Some(var) => Err(format!("the environment variable {var} is not set")),
                None => Ok(None),
            },
        }
    }

    fn resolve(&mut self, dir: &Path) {
        if let Some(f) = &self.file {
            self.file = Some(dir.join(f));
        }
    }
}

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to serve on (`127.0.0.1:8090`; port 0 picks a free one).
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The SQLite store (relative to the config file's folder).
    #[serde(default = "default_store")]
    pub store: PathBuf,
    /// Default seconds between two polls of a source.
    #[serde(default = "default_poll_seconds")]
    pub poll_seconds: f64,
    /// Seconds before a request to a source is given up.
    #[serde(default = "default_timeout_seconds")]
    pub request_timeout_seconds: f64,
    /// Jobs per page of `/jobs`.
    #[serde(default = "default_page_size")]
    pub page_size: usize,
    /// Origins allowed to read the API from a browser (CORS); `"*"` for any.
    #[serde(default)]
    pub cors_origins: Vec<String>,
    /// The bearer token clients must send. Default: the environment
    /// variable `QUEUESCOPE_BRIDGE_TOKEN` when it is set, else no token.
    #[serde(default)]
    pub token: SecretRef,
    /// The sources to poll.
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceConfig>,
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8090))
}
fn default_store() -> PathBuf {
    PathBuf::from("queuescope-bridge.sqlite")
}
fn default_poll_seconds() -> f64 {
    30.0
}
fn default_timeout_seconds() -> f64 {
    20.0
}
fn default_page_size() -> usize {
    1000
}

/// One source: its id, how often to poll it, and what kind it is. (Unknown
/// keys are refused by the kind's own settings: serde's
/// `deny_unknown_fields` does not work across `flatten`.)
#[derive(Debug, Clone, Deserialize)]
pub struct SourceConfig {
    /// Unique id (in metrics, logs and the store).
    pub id: String,
    /// Seconds between polls (default: the top-level `poll_seconds`).
    #[serde(default)]
    pub poll_seconds: Option<f64>,
    /// Base URL of the source's API.
    pub url: String,
    /// The kind and its settings.
    #[serde(flatten)]
    pub kind: SourceKind,
}

impl SourceConfig {
    /// The poll interval.
    pub fn interval(&self, default: f64) -> Duration {
        Duration::from_secs_f64(self.poll_seconds.unwrap_or(default).clamp(0.2, 86_400.0))
    }
}

/// The kinds of source.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum SourceKind {
    /// Slurm through slurmrestd.
    Slurm(SlurmConfig),
    /// Ray's Jobs API.
    Ray(RayConfig),
    /// W&B Launch through its GraphQL API.
    Wandb(WandbConfig),
}

impl SourceKind {
    /// `slurm`, `ray` or `wandb`.
    pub fn name(&self) -> &'static str {
        match self {
            SourceKind::Slurm(_) => "slurm",
            SourceKind::Ray(_) => "ray",
            SourceKind::Wandb(_) => "wandb",
        }
    }
}

/// Slurm: partitions are queues.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlurmConfig {
    /// The slurmrestd API version in the URL (`v0.0.38`, `v0.0.40`, ...).
    #[serde(default = "default_slurm_version")]
    pub api_version: String,
    /// `X-SLURM-USER-NAME`.
    #[serde(default)]
    pub user: Option<String>,
    /// `X-SLURM-USER-TOKEN` (a JWT from `scontrol token`).
    #[serde(default)]
    pub token: SecretRef,
    /// The partitions to serve (default: every partition Slurm lists).
    #[serde(default)]
    pub partitions: Option<Vec<String>>,
    /// Queue id = prefix + partition name.
    #[serde(default)]
    pub queue_prefix: String,
    /// `entity` of the queues (e.g. the cluster's name).
    #[serde(default)]
    pub entity: Option<String>,
}

fn default_slurm_version() -> String {
    "v0.0.38".into()
}

/// Ray: the cluster is one queue.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RayConfig {
    /// Queue id (default: the source id).
    #[serde(default)]
    pub queue: Option<String>,
    /// Queue display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Metadata key holding the launch job name (default `job_name`; else
    /// the entrypoint).
    #[serde(default = "default_ray_job_key")]
    pub job_key: String,
    /// Metadata key holding the user (default `user`).
    #[serde(default = "default_ray_user_key")]
    pub user_key: String,
    /// Metadata key holding the project (default `project`).
    #[serde(default = "default_ray_project_key")]
    pub project_key: String,
    /// An `Authorization: Bearer` token for a Ray dashboard behind a proxy.
    #[serde(default)]
    pub token: SecretRef,
}

fn default_ray_job_key() -> String {
    "job_name".into()
}
fn default_ray_user_key() -> String {
    "user".into()
}
fn default_ray_project_key() -> String {
    "project".into()
}

/// W&B Launch: each named run queue of an entity is a queue.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WandbConfig {
    /// The entity (team) that owns the queues.
    pub entity: String,
    /// The project that holds run queues (W&B's default: `model-registry`).
    #[serde(default = "default_wandb_queue_project")]
    pub queue_project: String,
    /// The run queues to serve.
    pub queues: Vec<String>,
    /// Queue id = prefix + queue name.
    #[serde(default)]
    pub queue_prefix: String,
    /// Project of the launched runs when a queue item does not say.
    #[serde(default)]
    pub run_project: Option<String>,
    /// The API key (sent as HTTP basic auth `api:KEY`).
    #[serde(default)]
    pub api_key: SecretRef,
}

fn default_wandb_queue_project() -> String {
    "model-registry".into()
}

impl Config {
    /// Reads and checks `path`; relative paths in it are relative to its folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut config = Config::parse(&text).map_err(|e| match e {
            ConfigError::Parse { message, .. } => ConfigError::Parse {
                path: path.to_path_buf(),
                message,
            },
            other => other,
        })?;
        config.store = dir.join(&config.store);
        config.token.resolve(dir);
        for s in &mut config.sources {
            match &mut s.kind {
                SourceKind::Slurm(c) => c.token.resolve(dir),
                SourceKind::Ray(c) => c.token.resolve(dir),
                SourceKind::Wandb(c) => c.api_key.resolve(dir),
            }
        }
        Ok(config)
    }

    /// Parses and checks a config text (paths stay as written).
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: PathBuf::from("config"),
            message: e.to_string(),
        })?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), ConfigError> {
        let bad = |m: String| Err(ConfigError::Invalid(m));
        if self.sources.is_empty() {
            return bad("the config lists no [[source]]".into());
        }
        if !(1..=100_000).contains(&self.page_size) {
            return bad(format!("page_size {} is not in 1..=100000", self.page_size));
        }
        let mut ids = HashSet::new();
        for s in &self.sources {
            if s.id.is_empty() || !ids.insert(s.id.as_str()) {
                return bad(format!("source id {:?} is empty or used twice", s.id));
            }
            if !(s.url.starts_with("http://") || s.url.starts_with("https://")) {
                return bad(format!(
                    "source {}: url {:?} must start with http:// or https://",
                    s.id, s.url
                ));
            }
            if let SourceKind::Wandb(w) = &s.kind {
                if w.queues.is_empty() {
                    return bad(format!("source {}: list at least one W&B run queue", s.id));
                }
            }
        }
        // Fixed queue ids must be unique across sources; Slurm's discovered
        // partitions are checked when they are discovered.
        let mut queues = HashSet::new();
        for q in self.sources.iter().flat_map(fixed_queue_ids) {
            if !queues.insert(q.clone()) {
                return bad(format!("queue id {q:?} is used by two sources"));
            }
        }
        Ok(())
    }

    /// The bearer token clients must send: from `token` when the config
    /// names a place, else from `QUEUESCOPE_BRIDGE_TOKEN` when it is set,
    /// else none.
    pub fn bridge_token(&self) -> Result<Option<Secret>, String> {
        if self.token.is_empty() {
            return Ok(std::env::var(TOKEN_ENV)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .map(Secret::new));
        }
        self.token.read()
    }

    /// Every origin may read the API.
    pub fn cors_any(&self) -> bool {
        self.cors_origins.iter().any(|o| o == "*")
    }

    /// The request timeout for sources.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs_f64(self.request_timeout_seconds.clamp(0.1, 600.0))
    }
}

/// The queue ids a source serves that are known from the config alone.
pub fn fixed_queue_ids(s: &SourceConfig) -> Vec<String> {
    match &s.kind {
        SourceKind::Slurm(c) => c
            .partitions
            .iter()
            .flatten()
            .map(|p| format!("{}{p}", c.queue_prefix))
            .collect(),
        SourceKind::Ray(c) => vec![c.queue.clone().unwrap_or_else(|| s.id.clone())],
        SourceKind::Wandb(c) => c
            .queues
            .iter()
            .map(|q| format!("{}{q}", c.queue_prefix))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
        listen = "127.0.0.1:0"
        store = "bridge.sqlite"
        poll_seconds = 5
        cors_origins = ["http://127.0.0.1:8080"]

        [[source]]
        id = "hpc"
        kind = "slurm"
        url = "http://127.0.0.1:6820"
        api_version = "v0.0.40"
        user = "root"
        token = { env = "SLURM_JWT" }
        partitions = ["cpu", "gpu"]

        [[source]]
        id = "ray"
        kind = "ray"
        url = "http://127.0.0.1:8265"
        poll_seconds = 2

        [[source]]
        id = "wb"
        kind = "wandb"
        url = "https://wandb.example"
        entity = "ml"
        queues = ["a100"]
        queue_prefix = "wb-"
        api_key = { file = "wandb.key" }
    "#;

    #[test]
    fn the_example_parses_with_defaults() {
        let c = Config::parse(EXAMPLE).unwrap();
        assert_eq!(c.sources.len(), 3);
        assert_eq!(c.page_size, 1000);
        assert!(c.token.is_empty());
        let ids: Vec<_> = c.sources.iter().flat_map(fixed_queue_ids).collect();
        assert_eq!(ids, ["cpu", "gpu", "ray", "wb-a100"]);
        assert_eq!(
            c.sources[1].interval(c.poll_seconds),
            Duration::from_secs(2)
        );
        assert_eq!(
            c.sources[0].interval(c.poll_seconds),
            Duration::from_secs(5)
        );
        match &c.sources[2].kind {
            SourceKind::Wandb(w) => assert_eq!(w.queue_project, "model-registry"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_configs_say_what_is_wrong() {
        let cases = [
            ("", "no [[source]]"),
            (
                "[[source]]\nid='a'\nkind='ray'\nurl='ftp://x'",
                "must start with http",
            ),
            (
                "[[source]]\nid='a'\nkind='ray'\nurl='http://x'\n[[source]]\nid='a'\nkind='ray'\nurl='http://y'",
                "used twice",
            ),
            (
                "[[source]]\nid='a'\nkind='ray'\nurl='http://x'\nqueue='q'\n[[source]]\nid='b'\nkind='ray'\nurl='http://y'\nqueue='q'",
                "used by two sources",
            ),
            ("[[source]]\nid='a'\nkind='lsf'\nurl='http://x'", "lsf"),
            ("[[source]]\nid='a'\nkind='ray'\nurl='http://x'\ntoken='abc'", "SecretRef"),
        ];
        for (text, want) in cases {
            let err = Config::parse(text).unwrap_err().to_string();
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn secrets_never_print_and_come_from_env_or_file() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s} {s:?}"), "[redacted] [redacted]");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t");
        std::fs::write(&file, "abc\n").unwrap();
        let r = SecretRef {
            env: Some("QUEUESCOPE_TEST_UNSET_VARIABLE".into()),
            file: Some(file),
        };
        assert_eq!(r.read().unwrap().unwrap().expose(), "abc");
        let missing = SecretRef {
            env: Some("QUEUESCOPE_TEST_UNSET_VARIABLE".into()),
            file: None,
        };
        assert!(missing.read().unwrap_err().contains("not set"));
        assert_eq!(SecretRef::default().read().unwrap(), None);
    }
}
