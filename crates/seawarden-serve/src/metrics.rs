//! Counters, and their Prometheus text exposition (format 0.0.4).

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Shared;

/// Upper bounds of the alert latency histogram, seconds.
const LATENCY_BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

/// A fixed-bucket histogram.
#[derive(Default)]
pub(crate) struct Histogram {
    buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    count: AtomicU64,
    sum_us: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, secs: f64) {
        for (b, le) in self.buckets.iter().zip(LATENCY_BUCKETS) {
            if secs <= le {
                b.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_us
            .fetch_add((secs * 1e6) as u64, Ordering::Relaxed);
    }
}

/// Global counters.
#[derive(Default)]
pub(crate) struct Metrics {
    pub messages: AtomicU64,
    pub decode_rejected: AtomicU64,
    pub observations: AtomicU64,
    pub duplicates: AtomicU64,
    pub untimed: AtomicU64,
    pub vessels: AtomicU64,
    pub alert_events: AtomicU64,
    pub alerts_suppressed: AtomicU64,
    pub archive_dropped: AtomicU64,
    pub alert_latency: Histogram,
    pub webhook_delivered: AtomicU64,
    pub webhook_retries: AtomicU64,
    pub webhook_failed: AtomicU64,
    pub webhook_dropped: AtomicU64,
    pub ws_clients: AtomicU64,
    pub ws_lagged: AtomicU64,
    pub http_requests: AtomicU64,
}

fn metric(out: &mut String, name: &str, kind: &str, help: &str, value: u64) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
    );
}

/// Resident set size of this process, bytes (Linux), for the soak test.
pub fn rss_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = s.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn label(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The exposition.
pub(crate) fn render(shared: &Shared) -> String {
    let m = &shared.metrics;
    let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let mut o = String::with_capacity(4096);
    metric(
        &mut o,
        "seawarden_uptime_seconds",
        "gauge",
        "Seconds since the server started.",
        shared.started.elapsed().as_secs(),
    );
    if let Some(r) = &shared.recent {
        metric(
            &mut o,
            "seawarden_memory_journal_bytes",
            "gauge",
            "Recent input lines held in memory for investigations (no --data).",
            r.bytes() as u64,
        );
    }
    metric(
        &mut o,
        "seawarden_messages_total",
        "counter",
        "AIS messages decoded.",
        g(&m.messages),
    );
    metric(
        &mut o,
        "seawarden_decode_rejected_total",
        "counter",
        "Sentences the decoder rejected (checksum, format, fragments).",
        g(&m.decode_rejected),
    );
    metric(
        &mut o,
        "seawarden_observations_total",
        "counter",
        "Observations handed to the tracker and detectors.",
        g(&m.observations),
    );
    metric(
        &mut o,
        "seawarden_duplicates_total",
        "counter",
        "Positions heard again through another receiver or source, merged.",
        g(&m.duplicates),
    );
    metric(
        &mut o,
        "seawarden_untimed_total",
        "counter",
        "Messages dropped for having no receive time.",
        g(&m.untimed),
    );
    metric(
        &mut o,
        "seawarden_vessels",
        "gauge",
        "Vessels tracked.",
        g(&m.vessels),
    );
    metric(
        &mut o,
        "seawarden_alert_events_total",
        "counter",
        "Alert events delivered.",
        g(&m.alert_events),
    );
    metric(
        &mut o,
        "seawarden_alert_events_suppressed_total",
        "counter",
        "Alert events recognised as delivered before (journal re-reads).",
        g(&m.alerts_suppressed),
    );
    metric(
        &mut o,
        "seawarden_archive_dropped_total",
        "counter",
        "Observations not archived because the archive thread's queue was full (their lines are in the journal).",
        g(&m.archive_dropped),
    );
    metric(
        &mut o,
        "seawarden_webhook_delivered_total",
        "counter",
        "Webhook POSTs accepted.",
        g(&m.webhook_delivered),
    );
    metric(
        &mut o,
        "seawarden_webhook_retries_total",
        "counter",
        "Webhook POSTs retried.",
        g(&m.webhook_retries),
    );
    metric(
        &mut o,
        "seawarden_webhook_failed_total",
        "counter",
        "Alerts given up on a webhook after every attempt.",
        g(&m.webhook_failed),
    );
    metric(
        &mut o,
        "seawarden_webhook_dropped_total",
        "counter",
        "Alerts dropped because a webhook's queue was full.",
        g(&m.webhook_dropped),
    );
    metric(
        &mut o,
        "seawarden_websocket_clients",
        "gauge",
        "WebSocket clients connected.",
        g(&m.ws_clients),
    );
    metric(
        &mut o,
        "seawarden_websocket_lagged_total",
        "counter",
        "Stream messages skipped for WebSocket clients that fell behind.",
        g(&m.ws_lagged),
    );
    metric(
        &mut o,
        "seawarden_http_requests_total",
        "counter",
        "HTTP requests served.",
        g(&m.http_requests),
    );
    if let Some(rss) = rss_bytes() {
        metric(
            &mut o,
            "seawarden_resident_memory_bytes",
            "gauge",
            "Resident set size.",
            rss,
        );
    }
    let h = &m.alert_latency;
    let _ = writeln!(o, "# HELP seawarden_alert_latency_seconds From a batch of lines read to its alerts published.\n# TYPE seawarden_alert_latency_seconds histogram");
    for (b, le) in h.buckets.iter().zip(LATENCY_BUCKETS) {
        let _ = writeln!(
            o,
            "seawarden_alert_latency_seconds_bucket{{le=\"{le}\"}} {}",
            g(b)
        );
    }
    let _ = writeln!(
        o,
        "seawarden_alert_latency_seconds_bucket{{le=\"+Inf\"}} {}",
        g(&h.count)
    );
    let _ = writeln!(
        o,
        "seawarden_alert_latency_seconds_sum {}",
        g(&h.sum_us) as f64 / 1e6
    );
    let _ = writeln!(o, "seawarden_alert_latency_seconds_count {}", g(&h.count));
    type Field = fn(&crate::SourceMetrics) -> &AtomicU64;
    let per_source: [(&str, &str, Field); 6] = [
        (
            "seawarden_source_lines_total",
            "Lines accepted from a source.",
            |s| &s.lines,
        ),
        (
            "seawarden_source_invalid_lines_total",
            "Lines from a source rejected as not NMEA.",
            |s| &s.invalid,
        ),
        (
            "seawarden_source_bytes_total",
            "Bytes read from a source.",
            |s| &s.bytes,
        ),
        (
            "seawarden_source_connections_total",
            "Connections made or accepted by a source.",
            |s| &s.connections,
        ),
        (
            "seawarden_source_errors_total",
            "Connection failures and read errors of a source.",
            |s| &s.errors,
        ),
        ("seawarden_source_connected", "Connections open now.", |s| {
            &s.connected
        }),
    ];
    for (name, help, f) in per_source {
        let kind = if name.ends_with("_total") {
            "counter"
        } else {
            "gauge"
        };
        let _ = writeln!(o, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for s in &shared.sources {
            let _ = writeln!(
                o,
                "{name}{{source=\"{}\",kind=\"{}\"}} {}",
                label(&s.name),
                s.kind,
                g(f(s))
            );
        }
    }
    o
}
