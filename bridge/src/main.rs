//! `queuescope-bridge --config FILE`: see the crate docs and `bridge/README.md`.

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Command line.
#[derive(Parser, Debug)]
#[command(
    name = "queuescope-bridge",
    version,
    about = "Serves the Queuescope REST contract from Slurm, Ray and W&B Launch",
    long_about = "Polls the sources of a TOML config (Slurm through slurmrestd, Ray's Jobs API, \
W&B Launch), records every state transition it observes in SQLite, and serves the Queuescope \
REST contract (SPEC §2, version 2) under /api/v1, plus /healthz and Prometheus /metrics.\n\n\
The first line on stdout is `listening on URL`; point the app's config.json at URL/api/v1. \
Secrets come from the environment or files named in the config; the bridge's own bearer token \
from QUEUESCOPE_BRIDGE_TOKEN (or `token = {file = ...}`). Logs go to stderr (RUST_LOG is not \
read; --verbose logs every poll)."
)]
struct Cli {
    /// The TOML config (see bridge/README.md).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// Listen here instead of the config's `listen` (port 0 picks a free one).
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// Log every poll, not only changes and failures.
    #[arg(long)]
    verbose: bool,
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_max_level(if cli.verbose {
            tracing::Level::DEBUG
        } else {
            tracing::Level::INFO
        })
        .init();
    let config = match queuescope_bridge::config::Config::load(&cli.config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("queuescope-bridge: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = queuescope_bridge::run(config, cli.listen).await {
        eprintln!("queuescope-bridge: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
        let cli = Cli::parse_from([
            "queuescope-bridge",
            "--config",
            "b.toml",
            "--listen",
            "127.0.0.1:0",
        ]);
        assert_eq!(cli.listen, Some(SocketAddr::from(([127, 0, 0, 1], 0))));
    }
}
