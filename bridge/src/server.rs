//! The HTTP side: the SPEC §2 contract under `/api/v1`, `/healthz`, and
//! Prometheus `/metrics`; CORS from an allowlist and an optional bearer
//! token.

use crate::config::{Config, Secret};
use crate::poller::{now_ms, Source};
use crate::store::{JobsQuery, SourceState, Store, StoreError};
use crate::telemetry::Telemetry;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use queuescope_core::contract::{
    ErrorBody, JobsPage, MetricsResponse, QueueEntry, MAX_RUN_IDS_PER_REQUEST,
    SUPPORTS_UPDATED_SINCE,
};
use queuescope_core::time::{format_rfc3339, parse_rfc3339};
use queuescope_core::Ms;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use subtle::ConstantTimeEq;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Where the contract lives: `api_base` is `http://HOST:PORT/api/v1`.
pub const BASE: &str = "/api/v1";

/// What every handler shares.
pub struct AppState {
    /// The store.
    pub store: Arc<Store>,
    /// The sources (for metrics and their kinds).
    pub sources: Vec<Arc<Source>>,
    /// Metrics.
    pub telemetry: Arc<Telemetry>,
    /// The bearer token clients must send, if any.
    pub token: Option<Secret>,
    /// Jobs per page.
    pub page_size: usize,
}

/// A source's state as served with each of its queues and by `/healthz`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SourceStatus {
    /// Source id.
    pub id: String,
    /// `slurm`, `ray`, `wandb`.
    pub kind: String,
    /// `ok` (last poll succeeded), `down` (it failed), `starting` (no poll yet).
    pub state: &'static str,
    /// The last successful poll: the data is as of then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_ok: Option<String>,
    /// The last failure's message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Failed polls in a row.
    pub failures: i64,
}

impl SourceStatus {
    fn of(s: &SourceState) -> SourceStatus {
        let state = match (&s.last_error, s.last_ok_ms, s.last_attempt_ms) {
            (Some(_), _, _) => "down",
            (None, Some(_), _) => "ok",
            _ => "starting",
        };
        SourceStatus {
            id: s.source_id.clone(),
            kind: s.kind.clone(),
            state,
            last_ok: s.last_ok_ms.map(format_rfc3339),
            error: s.last_error.clone(),
            failures: s.failures,
        }
    }
}

/// A queue as served: the contract's entry plus its source's state.
#[derive(Debug, Serialize)]
struct ServedQueue {
    #[serde(flatten)]
    entry: QueueEntry,
    source: SourceStatus,
}

/// An error answer with the contract's `{"error": ...}` body.
struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(ErrorBody { error: self.1 })).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::BadCursor => ApiError(StatusCode::BAD_REQUEST, e.to_string()),
            other => ApiError(StatusCode::INTERNAL_SERVER_ERROR, other.to_string()),
        }
    }
}

type Shared = Arc<AppState>;

/// The router, with CORS and the token check as `config` says, and its
/// answers gzip-compressed for clients that accept it (browsers do): a
/// page of 5,000 jobs is 2.45 MB of JSON and 0.27 MB in gzip, a second
/// instead of a tenth of one on a 20 Mbit/s link. The page counts the
/// decoded bytes against its limits (SPEC §2), whatever length is
/// declared.
pub fn router(state: Shared, config: &Config) -> Router {
    let api = Router::new()
        .route("/queues", get(queues))
        .route("/queues/{id}/jobs", get(jobs))
        .route("/queues/{id}/metrics", get(metrics));
    let protected = Router::new()
        .nest(BASE, api)
        .route("/metrics", get(prometheus))
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            require_token,
        ));
    Router::new()
        .merge(protected)
        .route("/healthz", get(healthz))
        .fallback(not_found)
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(cors(config))
}

fn cors(config: &Config) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(Duration::from_secs(86_400));
    if config.cors_any() {
        return layer.allow_origin(AllowOrigin::any());
    }
    let origins: Vec<HeaderValue> = config
        .cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
        .collect();
    layer.allow_origin(AllowOrigin::list(origins))
}

async fn require_token(State(state): State<Shared>, req: Request, next: Next) -> Response {
    if let Some(token) = &state.token {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        let ok: bool = given.as_bytes().ct_eq(token.expose().as_bytes()).into();
        if !ok {
            state.telemetry.request("unauthorized", 401);
            let mut r = ApiError(
                StatusCode::UNAUTHORIZED,
                "a bearer token is required (Authorization: Bearer ...)".into(),
            )
            .into_response();
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return r;
        }
    }
    next.run(req).await
}

async fn not_found(req: Request) -> ApiError {
    ApiError(
        StatusCode::NOT_FOUND,
        format!(
            "no such endpoint: {} (try {BASE}/queues, {BASE}/queues/ID/jobs?from=..&to=.., /healthz, /metrics)",
            req.uri().path()
        ),
    )
}

/// Runs a store call off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(e) => Err(ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())),
    }
}

fn statuses(states: &[SourceState]) -> HashMap<String, SourceStatus> {
    states
        .iter()
        .map(|s| (s.source_id.clone(), SourceStatus::of(s)))
        .collect()
}

async fn queues(State(state): State<Shared>) -> Response {
    let store = Arc::clone(&state.store);
    let result = blocking(move || Ok((store.queues()?, store.sources()?))).await;
    let (queues, sources) = match result {
        Ok(v) => v,
        Err(e) => return answered(&state, "queues", e.into_response()),
    };
    let statuses = statuses(&sources);
    let served: Vec<ServedQueue> = queues
        .into_iter()
        .map(|q| ServedQueue {
            source: statuses.get(&q.source_id).cloned().unwrap_or(SourceStatus {
                id: q.source_id.clone(),
                kind: String::new(),
                state: "starting",
                last_ok: None,
                error: None,
                failures: 0,
            }),
            entry: QueueEntry {
                info: q.info,
                supports: vec![SUPPORTS_UPDATED_SINCE.to_string()],
            },
        })
        .collect();
    answered(
        &state,
        "queues",
        Json(serde_json::json!({ "queues": served })).into_response(),
    )
}

/// A JSON answer or the error's, counted.
fn reply<T: Serialize>(state: &AppState, endpoint: &str, r: Result<T, ApiError>) -> Response {
    answered(
        state,
        endpoint,
        r.map_or_else(|e| e.into_response(), |v| Json(v).into_response()),
    )
}

fn answered(state: &AppState, endpoint: &str, r: Response) -> Response {
    state.telemetry.request(endpoint, r.status().as_u16());
    r
}

fn time_param(params: &HashMap<String, String>, name: &str) -> Result<Option<Ms>, ApiError> {
    match params.get(name) {
        None => Ok(None),
        Some(v) => parse_rfc3339(v)
            .map(Some)
            .map_err(|e| ApiError(StatusCode::BAD_REQUEST, format!("`{name}`: {e}"))),
    }
}

async fn jobs(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let r = jobs_inner(&state, id, params).await;
    answered(
        &state,
        "jobs",
        r.map_or_else(|e| e.into_response(), |p| Json(p).into_response()),
    )
}

async fn jobs_inner(
    state: &Shared,
    id: String,
    params: HashMap<String, String>,
) -> Result<JobsPage, ApiError> {
    let bad = |m: &str| ApiError(StatusCode::BAD_REQUEST, m.to_string());
    let from = time_param(&params, "from")?.ok_or_else(|| bad("`from` is required (RFC 3339)"))?;
    let to = time_param(&params, "to")?.ok_or_else(|| bad("`to` is required (RFC 3339)"))?;
    if from >= to {
        return Err(bad("`from` must be before `to`"));
    }
    let query = JobsQuery {
        from,
        to,
        updated_since: time_param(&params, "updated_since")?,
        cursor: params.get("cursor").cloned(),
        page_size: state.page_size,
    };
    let store = Arc::clone(&state.store);
    let page = blocking(move || {
        let Some(queue) = store.queue(&id)? else {
            return Ok(None);
        };
        // The data is as of the source's last successful poll.
        let snapshot = store
            .sources()?
            .into_iter()
            .find(|s| s.source_id == queue.source_id)
            .and_then(|s| s.last_ok_ms)
            .unwrap_or_else(now_ms);
        store
            .jobs_page(&id, snapshot, &query)
            .map(|p| Some((id, p)))
    })
    .await?;
    let Some((_, page)) = page else {
        return Err(ApiError(StatusCode::NOT_FOUND, "unknown queue".into()));
    };
    Ok(JobsPage {
        jobs: page.jobs,
        next_cursor: page.next_cursor,
        generated_at: format_rfc3339(page.generated_at),
    })
}

async fn metrics(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let r = metrics_inner(&state, id, params).await;
    reply(&state, "metrics", r)
}

async fn metrics_inner(
    state: &Shared,
    id: String,
    params: HashMap<String, String>,
) -> Result<MetricsResponse, ApiError> {
    let mut ids: Vec<String> = Vec::new();
    for r in params
        .get("run_ids")
        .map(String::as_str)
        .unwrap_or_default()
        .split(',')
    {
        let r = r.trim();
        if !r.is_empty() && !ids.iter().any(|x| x == r) {
            ids.push(r.to_string());
        }
    }
    if ids.is_empty() {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            "`run_ids` is required: a comma-separated list of run ids".into(),
        ));
    }
    if ids.len() > MAX_RUN_IDS_PER_REQUEST {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            format!(
                "at most {MAX_RUN_IDS_PER_REQUEST} run ids per request ({} given)",
                ids.len()
            ),
        ));
    }
    let store = Arc::clone(&state.store);
    let qid = id.clone();
    let (queue, runs) = blocking(move || {
        let q = store.queue(&qid)?;
        let runs = store.run_projects(&qid, &ids)?;
        Ok((q, runs))
    })
    .await?;
    let Some(queue) = queue else {
        return Err(ApiError(StatusCode::NOT_FOUND, "unknown queue".into()));
    };
    let Some(source) = state.sources.iter().find(|s| s.id == queue.source_id) else {
        return Ok(MetricsResponse { series: Vec::new() });
    };
    if !source.adapter.has_metrics() || runs.is_empty() {
        return Ok(MetricsResponse { series: Vec::new() });
    }
    match tokio::time::timeout(source.timeout, source.adapter.metrics(&runs)).await {
        Ok(Ok(series)) => Ok(MetricsResponse { series }),
        Ok(Err(e)) => Err(ApiError(
            StatusCode::BAD_GATEWAY,
            format!("source {}: {e}", source.id),
        )),
        Err(_) => Err(ApiError(
            StatusCode::GATEWAY_TIMEOUT,
            format!("source {} did not answer in time", source.id),
        )),
    }
}

async fn healthz(State(state): State<Shared>) -> Response {
    let store = Arc::clone(&state.store);
    match blocking(move || store.sources()).await {
        Ok(sources) => {
            let list: Vec<SourceStatus> = sources.iter().map(SourceStatus::of).collect();
            Json(serde_json::json!({"status": "ok", "sources": list})).into_response()
        }
        Err(e) => e.into_response(),
    }
}

async fn prometheus(State(state): State<Shared>) -> Response {
    let store = Arc::clone(&state.store);
    let sources = blocking(move || store.sources()).await.unwrap_or_default();
    let last_ok: Vec<(String, Option<Ms>)> = sources
        .iter()
        .map(|s| (s.source_id.clone(), s.last_ok_ms))
        .collect();
    let body = state.telemetry.encode(now_ms(), &last_ok);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
