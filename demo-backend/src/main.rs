//! `demo-backend`: the reference implementation of the Queuescope REST
//! contract (SPEC §2), serving seeded demo data or a fixture file.
//!
//! It exists for end-to-end tests (start it on `--port 0`, read the first
//! line of stdout for the URL) and as a worked example for people who build
//! their own backend: every rule of the contract (overlap query, opaque
//! cursor, batch limit, JSON errors, CORS) is implemented here in a few
//! hundred lines.

mod api;
mod control;
mod faults;
mod live;
mod store;

use api::{Outcome, Reply};
use clap::Parser;
use control::Control;
use faults::{Fault, Wire, MODES};
use live::Clock;
use queuescope_core::demo::{DemoConfig, DEFAULT_NOW};
use queuescope_core::model::{Ms, DAY, HOUR};
use queuescope_core::time::parse_rfc3339;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use store::Store;
use tiny_http::{Header, Request, Response, Server};

const ABOUT: &str = "Reference implementation of the Queuescope REST contract (SPEC §2)";

const LONG_ABOUT: &str = "\
Reference implementation of the Queuescope REST contract (SPEC §2), for
end-to-end tests and for people building their own backend: it serves seeded,
believable demo data (or a fixture file) exactly as the dashboard expects.

It binds 127.0.0.1 only. The first line on stdout is `listening on URL`;
point the app's config.json at `\"api_base\": \"URL/api/v1\"`.

Endpoints (all GET, JSON, CORS open to any origin, OPTIONS preflights answered):
  /api/v1/queues
      the queues
  /api/v1/queues/{id}/jobs?from=T&to=T[&updated_since=G][&cursor=C]
      every job whose lifetime overlaps [from, to), sorted by (enqueue time,
      id), in pages of --page-size; follow next_cursor until it is null.
      With updated_since, only the jobs whose record changed at or after G
      (a new job, transition or error); every queue lists
      \"supports\": [\"updated_since\"]
  /api/v1/queues/{id}/metrics?run_ids=a,b,...
      usage series (gpu_util, cpu_util, gpu_mem, sys_mem) of at most 100 runs
  /healthz
      200 `ok`
Bad parameters get a 400 and unknown queues or paths a 404, each with a
JSON body {\"error\": \"...\"}. Times are RFC 3339 with an offset.

Every answer is as of the server's clock, which is its generated_at. It
stays at --now unless moved through the control endpoint; with --live it
ticks with the real time (from the real now, or from --now if given) and
the data keeps moving: jobs arrive, states advance, runs finish, usage
grows, for --live-days after the start.

Faults (for tests of what a client does when a backend misbehaves): give
--fault MODE[:ARG][@TARGET] at start (repeatable), or switch them while it
runs through the control endpoint. TARGET is queues, jobs or metrics, or
jobs/QUEUE, metrics/QUEUE; without it a fault hits every endpoint listed.
Modes:
{MODES}
Control endpoint (loopback, never faulted or logged):
  GET /_control/faults          the active faults: [\"slow:2000@jobs\", ...]
  PUT /_control/faults          replace them with a JSON list ([] for none);
                                a bad spec is a 400 and changes nothing;
                                requests held by `hang` are then answered 503
  GET /_control/requests[?since=SEQ]
                                the API requests seen, in order: [{\"seq\",
                                \"method\", \"path\" (with query), \"status\",
                                \"bytes\", \"at_ms\" (arrival, ms since 1970)}]
                                (null status and bytes: hanging)
  DELETE /_control/requests     empty that log
  GET /_control/clock           {\"now\": T, \"live\": bool}
  PUT /_control/clock           {\"advance\": \"90s\"} or {\"to\": T}: forward only
  POST /_control/jobs/QUEUE     add a job (a record; only `job` is needed,
                                times default to the clock's now): 201
  POST /_control/jobs/QUEUE/ID  {\"state\": S} and/or {\"error\": M}: append
                                them to the job at the clock's now";

/// `LONG_ABOUT` with the fault modes listed (clap wants a `&'static str`).
fn long_about() -> &'static str {
    let modes: Vec<String> = MODES
        .iter()
        .map(|(name, arg, on, what)| {
            let spec = if arg.is_empty() {
                name.to_string()
            } else {
                format!("{name}:{arg}")
            };
            format!("  {spec:<20} {on:<8} {what}")
        })
        .collect();
    Box::leak(
        LONG_ABOUT
            .replace("{MODES}", &modes.join("\n"))
            .into_boxed_str(),
    )
}

/// Command line.
#[derive(Parser, Debug)]
#[command(name = "demo-backend", version, about = ABOUT, long_about = long_about())]
struct Cli {
    /// Port on 127.0.0.1; 0 picks a free one (read it from the first line of stdout).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Seed of the generated data and of the usage curves.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of generated jobs, over all queues.
    #[arg(long, default_value_t = 6000)]
    jobs: usize,
    /// Days of history before --now.
    #[arg(long, default_value_t = 8)]
    days: u32,
    /// "Now" of the data (RFC 3339), where the clock starts; fixed by
    /// default (2026-11-28T09:00:00Z) so answers are reproducible. With
    /// --live the default is the real now.
    #[arg(long, value_parser = parse_rfc3339)]
    now: Option<i64>,
    /// Live mode: the clock ticks with the real time and the generated data
    /// keeps moving with it (deterministic given the seed, the flags and
    /// the clock). --jobs then counts the jobs before the start.
    #[arg(long)]
    live: bool,
    /// In live mode, how many days of data lie ahead of the start (after
    /// that nothing new happens).
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=60))]
    live_days: u32,
    /// Jobs per page of the jobs endpoint.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    page_size: u64,
    /// Serve this JSON file instead of generated data:
    /// {"queues": [...], "jobs": {"QUEUE": [job, ...]}, "generated_at": "T",
    /// "metrics": {"QUEUE": [series, ...]} (optional)}. Records are served as
    /// they are, bad ones included.
    #[arg(long, value_name = "FILE")]
    fixture: Option<std::path::PathBuf>,
    /// Wait this long before every answer (to see loading states).
    #[arg(long, default_value_t = 0, value_name = "N")]
    delay_ms: u64,
    /// Worker threads.
    #[arg(long, default_value_t = 4)]
    threads: usize,
    /// A fault to start with, MODE[:ARG][@TARGET] (repeatable; see the list
    /// above). The control endpoint switches faults while it runs.
    #[arg(long = "fault", value_name = "MODE")]
    faults: Vec<Fault>,
}

/// Requests the `hang` fault holds, at most this many (then the oldest is
/// answered 503).
const MAX_HELD: usize = 10_000;

/// Everything a worker needs.
struct Shared {
    store: Store,
    /// The instant answers are as of.
    clock: Clock,
    control: Control,
    /// Requests held by `hang`, until the faults change.
    held: Mutex<Vec<Request>>,
    page_size: usize,
    /// `--delay-ms`, before every answer.
    delay: Duration,
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli) {
        eprintln!("demo-backend: {e}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let t0 = Instant::now();
    let store = match &cli.fixture {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Store::fixture(&text, cli.seed).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None if cli.live => {
            let start = cli.now.unwrap_or_else(live::real_now);
            Store::generated(&live_config(&cli, start), Some(start))
        }
        None => Store::generated(
            &DemoConfig {
                seed: cli.seed,
                jobs: cli.jobs,
                now: cli.now.unwrap_or(DEFAULT_NOW),
                days: cli.days,
            },
            None,
        ),
    };
    // The clock starts at --now, else at the real now in live mode (the
    // generated_at of every answer is then the real time), else at the
    // data's own now (a fixture's generated_at).
    let start = match cli.now {
        Some(t) => t,
        None if cli.live => live::real_now(),
        None => store.generated_at,
    };
    let server = Server::http(("127.0.0.1", cli.port))
        .map_err(|e| format!("cannot bind 127.0.0.1:{}: {e}", cli.port))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or("the server is not on an IP address")?;
    // The first stdout line is the contract with tests: keep it first.
    println!("listening on http://{addr}");
    let _ = std::io::stdout().flush();
    eprintln!(
        "api_base http://{addr}{}  ({} jobs in {} queues, clock at {}{}, ready in {:?})",
        api::BASE,
        store.job_count(),
        store.queues.len(),
        queuescope_core::time::format_rfc3339(start),
        if cli.live { ", live" } else { "" },
        t0.elapsed()
    );
    let server = Arc::new(server);
    let shared = Arc::new(Shared {
        store,
        clock: Clock::new(start, cli.live),
        control: Control::new(cli.faults),
        held: Mutex::new(Vec::new()),
        page_size: usize::try_from(cli.page_size).unwrap_or(500),
        delay: Duration::from_millis(cli.delay_ms),
    });
    let workers: Vec<_> = (0..cli.threads.max(1))
        .map(|_| {
            let (server, shared) = (Arc::clone(&server), Arc::clone(&shared));
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    serve(&shared, request);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

/// The generator's config in live mode, for a clock starting at `start`: the
/// data covers --days before the start's hour and --live-days after it, at
/// the rate of --jobs over --days. The hour, not the instant, anchors it,
/// so servers started within one hour with one seed serve the same data
/// at the same clock.
fn live_config(cli: &Cli, start: Ms) -> DemoConfig {
    let anchor = start.div_euclid(HOUR) * HOUR;
    let days = cli.days.max(1);
    let total = days.saturating_add(cli.live_days);
    let jobs = (cli.jobs as u128 * u128::from(total) / u128::from(days)) as usize;
    DemoConfig {
        seed: cli.seed,
        jobs,
        now: anchor + Ms::from(cli.live_days) * DAY,
        days: total,
    }
}

/// Answers one request; errors writing to a client that went away are ignored.
fn serve(shared: &Arc<Shared>, mut request: Request) {
    let method = request.method().as_str().to_ascii_uppercase();
    let url = request.url().to_string();
    if url.starts_with(control::PREFIX) {
        let mut body = String::new();
        // A control body is a short list or one job; more than 1 MB is not one.
        let read = request.as_reader().take(1 << 20).read_to_string(&mut body);
        let (reply, changed) = match read {
            Ok(_) => live::handle(&shared.store, &shared.clock, &method, &url, &body).map_or_else(
                || shared.control.handle(&method, &url, &body),
                |r| (r, false),
            ),
            Err(e) => (Reply::error(400, &format!("unreadable body: {e}")), false),
        };
        if changed {
            release_held(shared);
        }
        send(request, &method, reply, false);
        return;
    }
    let auth = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Authorization"))
        .map(|h| h.value.as_str().to_string());
    let seen = (method.as_str(), url.as_str(), auth.as_deref());
    let faults = shared.control.faults();
    let now = shared.clock.now();
    match api::answer(&shared.store, &method, &url, shared.page_size, &faults, now) {
        Outcome::Hang => {
            shared.control.record(seen, None);
            let mut held = shared.held.lock().unwrap_or_else(PoisonError::into_inner);
            if held.len() >= MAX_HELD {
                let oldest = held.remove(0);
                send(oldest, "GET", hang_over(), true);
            }
            held.push(request);
        }
        Outcome::Send { reply, delay, wire } => {
            shared
                .control
                .record(seen, Some((reply.status, reply.body.len())));
            let delay = delay + shared.delay;
            if delay.is_zero() {
                send_as(request, &method, reply, true, wire);
            } else {
                // A slow answer waits on its own thread, so the workers
                // (and the control endpoint) stay free.
                std::thread::spawn(move || {
                    std::thread::sleep(delay);
                    send_as(request, &method, reply, true, wire);
                });
            }
        }
    }
}

/// What a request held by `hang` gets once the faults change.
fn hang_over() -> Reply {
    Reply::error(503, "the server stopped hanging (the faults changed)")
}

/// Answers every request `hang` holds.
fn release_held(shared: &Shared) {
    let held = std::mem::take(&mut *shared.held.lock().unwrap_or_else(PoisonError::into_inner));
    for r in held {
        send(r, "GET", hang_over(), true);
    }
}

/// Sends `reply`, with CORS headers for the API (`cors`), not for control.
fn send(request: Request, method: &str, reply: Reply, cors: bool) {
    send_as(request, method, reply, cors, Wire::default());
}

/// [`send`], with `Content-Length` (whatever the size: tiny_http would
/// switch answers of 32 kB or more to chunked transfer encoding), or
/// without it and chunked when `wire.chunked` (the `chunked` fault);
/// gzip-compressed when `wire.gzip` and the request accepts gzip (the
/// `gzip` fault), `Content-Length` then the compressed size.
fn send_as(request: Request, method: &str, reply: Reply, cors: bool, wire: Wire) {
    let header = |name: &'static str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.equiv(name))
            .map(|h| h.value.as_str().to_string())
    };
    let asked_headers = header("Access-Control-Request-Headers");
    let gzip = wire.gzip
        && header("Accept-Encoding").is_some_and(|a| {
            a.split(',')
                .any(|e| e.split(';').next().unwrap_or("").trim() == "gzip")
        });
    let mut headers = vec![
        ("Content-Type", reply.content_type.to_string()),
        ("Cache-Control", "no-store".to_string()),
    ];
    if cors {
        headers.push(("Access-Control-Allow-Origin", "*".to_string()));
    }
    if cors && method == "OPTIONS" {
        headers.push(("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS".into()));
        headers.push((
            "Access-Control-Allow-Headers",
            asked_headers.unwrap_or_else(|| "Authorization, Content-Type".into()),
        ));
        headers.push(("Access-Control-Max-Age", "86400".into()));
    }
    let mut bytes = reply.body.into_bytes();
    if gzip {
        bytes = gzipped(&bytes);
        headers.push(("Content-Encoding", "gzip".into()));
        headers.push(("Vary", "Accept-Encoding".into()));
    }
    let body = std::io::Cursor::new(bytes);
    let length = (!wire.chunked).then(|| body.get_ref().len());
    let mut response = Response::new(reply.status.into(), Vec::new(), body, length, None)
        .with_chunked_threshold(usize::MAX);
    for (name, value) in headers {
        if let Ok(h) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(h);
        }
    }
    let _ = request.respond(response);
}

/// `bytes` gzip-compressed (fast: a `huge` answer is 100 MB).
fn gzipped(bytes: &[u8]) -> Vec<u8> {
    let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = out.write_all(bytes);
    out.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// The generator's fixed "now" as text, as the help text names it.
    const DEFAULT_NOW_TEXT: &str = "2026-11-28T09:00:00Z";

    #[test]
    fn cli_is_consistent_and_defaults_to_the_generators_now() {
        Cli::command().debug_assert();
        assert_eq!(parse_rfc3339(DEFAULT_NOW_TEXT), Ok(DEFAULT_NOW));
        let cli = Cli::parse_from(["demo-backend"]);
        assert_eq!(
            (cli.port, cli.seed, cli.jobs, cli.page_size),
            (8787, 42, 6000, 500)
        );
        assert_eq!(
            cli.now, None,
            "the data's own now, or the real one when live"
        );
        assert!(!cli.live);
        let cli = Cli::parse_from(["demo-backend", "--live", "--now", DEFAULT_NOW_TEXT]);
        let cfg = live_config(&cli, DEFAULT_NOW + 25 * 60_000);
        assert_eq!(cfg.now, DEFAULT_NOW + 7 * DAY, "anchored on the hour");
        assert_eq!((cfg.days, cfg.jobs), (15, 11_250));
        assert!(Cli::try_parse_from(["demo-backend", "--now", "soon"]).is_err());
        assert!(Cli::try_parse_from(["demo-backend", "--page-size", "0"]).is_err());
        let cli = Cli::parse_from(["demo-backend", "--fault", "slow:10@jobs", "--fault", "nan"]);
        let specs: Vec<String> = cli.faults.iter().map(Fault::to_string).collect();
        assert_eq!(specs, ["slow:10@jobs", "nan"]);
        assert!(Cli::try_parse_from(["demo-backend", "--fault", "explode"]).is_err());
    }
}
