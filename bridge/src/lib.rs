//! `queuescope-bridge`: polls real schedulers (Slurm through slurmrestd,
//! Ray's Jobs API, W&B Launch), records every state transition it observes
//! in SQLite, and serves the Queuescope REST contract (SPEC §2, version 2
//! with `updated_since`) to the dashboard.
//!
//! The pieces: [`config`] (TOML, secrets from the environment or files),
//! [`adapters`] (source records → [`observe::Observed`] jobs, pure
//! mappings tested on recorded answers), [`observe`] (what is new since the
//! last poll), [`store`] (SQLite, versioned schema, snapshot reads),
//! [`poller`] (one loop per source), [`server`] (axum) and [`telemetry`]
//! (Prometheus).

pub mod adapters;
pub mod config;
pub mod observe;
pub mod poller;
pub mod server;
pub mod store;
pub mod telemetry;

use adapters::Adapter;
use config::Config;
use poller::Source;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use store::Store;
use telemetry::Telemetry;

/// Opens the store, starts one poller per source and serves until `SIGINT`
/// or `SIGTERM`. The first line on stdout is `listening on http://ADDR`.
pub async fn run(config: Config, listen: Option<SocketAddr>) -> Result<(), String> {
    let store =
        Store::open(&config.store).map_err(|e| format!("{}: {e}", config.store.display()))?;
    let store = Arc::new(store);
    let token = config
        .bridge_token()
        .map_err(|e| format!("the bridge's token: {e}"))?;
    let http = reqwest::Client::builder()
        .timeout(config.request_timeout())
        .user_agent(concat!("queuescope-bridge/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))?;
    let mut sources = Vec::new();
    for s in &config.sources {
        let adapter = Adapter::new(s, http.clone());
        store
            .register_source(&s.id, s.kind.name(), &adapter.fixed_queues())
            .map_err(|e| e.to_string())?;
        sources.push(Arc::new(Source {
            id: s.id.clone(),
            kind: s.kind.name(),
            adapter,
            interval: s.interval(config.poll_seconds),
            // A whole poll may take a few requests.
            timeout: config.request_timeout() * 3,
        }));
    }
    let needs_token = token.is_some();
    let telemetry = Arc::new(Telemetry::new());
    let state = Arc::new(server::AppState {
        store: Arc::clone(&store),
        sources: sources.clone(),
        telemetry: Arc::clone(&telemetry),
        token,
        page_size: config.page_size,
    });
    let app = server::router(state, &config);
    let addr = listen.unwrap_or(config.listen);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    // The first stdout line is the contract with scripts and tests.
    println!("listening on http://{local}");
    let _ = std::io::stdout().flush();
    tracing::info!(
        "serving {}{} from {} source(s), store {}, token {}",
        format_args!("http://{local}"),
        server::BASE,
        sources.len(),
        config.store.display(),
        if needs_token {
            "required"
        } else {
            "not required"
        },
    );
    for s in &sources {
        tokio::spawn(poller::run(
            Arc::clone(s),
            Arc::clone(&store),
            Arc::clone(&telemetry),
        ));
    }
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| e.to_string())
}

async fn shutdown() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
