//! The bridge's own Prometheus metrics (`GET /metrics`): polls, errors,
//! poll duration, recorded transitions, skipped records, source up and lag.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use queuescope_core::Ms;
use std::sync::atomic::AtomicU64;

/// The label of every per-source metric.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SourceLabel {
    /// Source id.
    pub source: String,
}

/// The label of the API request counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabel {
    /// `queues`, `jobs`, `metrics`, ...
    pub endpoint: String,
    /// HTTP status.
    pub status: u16,
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// Every metric, and the registry that encodes them.
pub struct Telemetry {
    registry: Registry,
    polls: Family<SourceLabel, Counter>,
    poll_errors: Family<SourceLabel, Counter>,
    transitions: Family<SourceLabel, Counter>,
    skipped: Family<SourceLabel, Counter>,
    duration: Family<SourceLabel, Histogram>,
    up: Family<SourceLabel, Gauge>,
    lag: Family<SourceLabel, FloatGauge>,
    requests: Family<RequestLabel, Counter>,
}

fn poll_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 14))
}

impl Default for Telemetry {
    fn default() -> Self {
        Telemetry::new()
    }
}

impl Telemetry {
    /// Registers every metric under `queuescope_bridge_`.
    pub fn new() -> Telemetry {
        let mut registry = Registry::with_prefix("queuescope_bridge");
        let t = Telemetry {
            polls: Family::default(),
            poll_errors: Family::default(),
            transitions: Family::default(),
            skipped: Family::default(),
            duration: Family::new_with_constructor(poll_histogram as fn() -> Histogram),
            up: Family::default(),
            lag: Family::default(),
            requests: Family::default(),
            registry: Registry::default(),
        };
        registry.register(
            "polls",
            "Polls of a source, successful or not",
            t.polls.clone(),
        );
        registry.register(
            "poll_errors",
            "Failed polls of a source",
            t.poll_errors.clone(),
        );
        registry.register(
            "transitions_recorded",
            "State transitions recorded from a source",
            t.transitions.clone(),
        );
        registry.register(
            "records_skipped",
            "Source records that could not be read",
            t.skipped.clone(),
        );
        registry.register(
            "poll_duration_seconds",
            "Time one poll of a source took",
            t.duration.clone(),
        );
        registry.register(
            "source_up",
            "1 when the last poll of a source succeeded",
            t.up.clone(),
        );
        registry.register(
            "source_lag_seconds",
            "Seconds since the last successful poll of a source",
            t.lag.clone(),
        );
        registry.register("api_requests", "API requests answered", t.requests.clone());
        Telemetry { registry, ..t }
    }

    fn label(source: &str) -> SourceLabel {
        SourceLabel {
            source: source.to_string(),
        }
    }

    /// A poll ended.
    pub fn poll(&self, source: &str, ok: bool, seconds: f64, transitions: usize, skipped: usize) {
        let l = Telemetry::label(source);
        self.polls.get_or_create(&l).inc();
        if !ok {
            self.poll_errors.get_or_create(&l).inc();
        }
        self.duration.get_or_create(&l).observe(seconds);
        self.up.get_or_create(&l).set(i64::from(ok));
        self.transitions
            .get_or_create(&l)
            .inc_by(transitions as u64);
        self.skipped.get_or_create(&l).inc_by(skipped as u64);
    }

    /// An API request was answered.
    pub fn request(&self, endpoint: &str, status: u16) {
        self.requests
            .get_or_create(&RequestLabel {
                endpoint: endpoint.to_string(),
                status,
            })
            .inc();
    }

    /// The Prometheus text exposition, with each source's lag as of `now`
    /// (`last_ok` per source; `None`: never polled successfully).
    pub fn encode(&self, now: Ms, last_ok: &[(String, Option<Ms>)]) -> String {
        for (source, ok) in last_ok {
            let l = Telemetry::label(source);
            let lag = ok.map_or(f64::NAN, |t| (now - t).max(0) as f64 / 1000.0);
            self.lag.get_or_create(&l).set(lag);
            // Present from the start, before the first poll ends.
            let _ = self.polls.get_or_create(&l);
            let _ = self.poll_errors.get_or_create(&l);
        }
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_polls_errors_and_lag() {
        let t = Telemetry::new();
        t.poll("hpc", true, 0.02, 3, 0);
        t.poll("hpc", false, 1.5, 0, 0);
        t.request("jobs", 200);
        let text = t.encode(10_000, &[("hpc".into(), Some(7_500)), ("ray".into(), None)]);
        for line in [
            "queuescope_bridge_polls_total{source=\"hpc\"} 2",
            "queuescope_bridge_poll_errors_total{source=\"hpc\"} 1",
            "queuescope_bridge_transitions_recorded_total{source=\"hpc\"} 3",
            "queuescope_bridge_source_up{source=\"hpc\"} 0",
            "queuescope_bridge_source_lag_seconds{source=\"hpc\"} 2.5",
            "queuescope_bridge_polls_total{source=\"ray\"} 0",
            "queuescope_bridge_api_requests_total{endpoint=\"jobs\",status=\"200\"} 1",
        ] {
            assert!(text.contains(line), "{line} missing in\n{text}");
        }
    }
}
