//! Prometheus metrics, rendered in the text exposition format at `/metrics`.
//!
//! Requests are counted by route template (never the raw path, so ids do not
//! explode the label set), method and status; latency is a histogram by
//! route. The index size and the last reload's time, duration and outcome
//! are gauges.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Latency histogram bucket bounds, in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Requests {
    /// (route, method, status) -> count.
    counts: BTreeMap<(String, String, u16), u64>,
    /// route -> latency.
    latency: BTreeMap<String, Histogram>,
}

/// The server's metrics.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<Requests>,
    index_entities: AtomicU64,
    reloads_ok: AtomicU64,
    reloads_failed: AtomicU64,
    /// f64 bits.
    last_reload_timestamp: AtomicU64,
    last_reload_seconds: AtomicU64,
    last_reload_success: AtomicU64,
}

impl Metrics {
    /// Counts one finished request.
    pub fn record_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let mut r = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        *r.counts
            .entry((route.to_string(), method.to_string(), status))
            .or_insert(0) += 1;
        let h = r.latency.entry(route.to_string()).or_default();
        h.count += 1;
        h.sum += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.counts[i] += 1;
            }
        }
    }

    /// Records a reload's outcome; `entities` is the new index size.
    pub fn record_reload(&self, ok: bool, seconds: f64, entities: Option<usize>) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        self.last_reload_timestamp
            .store(now.to_bits(), Ordering::Relaxed);
        self.last_reload_success
            .store(u64::from(ok), Ordering::Relaxed);
        if ok {
            self.reloads_ok.fetch_add(1, Ordering::Relaxed);
            self.last_reload_seconds
                .store(seconds.to_bits(), Ordering::Relaxed);
        } else {
            self.reloads_failed.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(n) = entities {
            self.index_entities.store(n as u64, Ordering::Relaxed);
        }
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        {
            let r = self.requests.lock().unwrap_or_else(|p| p.into_inner());
            render_request_counts(&r.counts, &mut out);
            render_latency(&r.latency, &mut out);
        }
        self.render_index_gauges(&mut out);
        out
    }

    /// The index size and the reloads: one gauge or counter each.
    fn render_index_gauges(&self, out: &mut String) {
        let f = |a: &AtomicU64| f64::from_bits(a.load(Ordering::Relaxed));
        let gauges: [(&str, &str, &str, String); 6] = [
            (
                "yalu_index_entities",
                "gauge",
                "Entities in the index being served.",
                self.index_entities.load(Ordering::Relaxed).to_string(),
            ),
            (
                "yalu_reload_last_timestamp_seconds",
                "gauge",
                "Unix time of the last reload attempt (0: none yet).",
                f(&self.last_reload_timestamp).to_string(),
            ),
            (
                "yalu_reload_last_duration_seconds",
                "gauge",
                "Build time of the last successful reload.",
                f(&self.last_reload_seconds).to_string(),
            ),
            (
                "yalu_reload_last_success",
                "gauge",
                "1 when the last reload attempt succeeded, else 0.",
                self.last_reload_success.load(Ordering::Relaxed).to_string(),
            ),
            (
                "yalu_reloads_succeeded_total",
                "counter",
                "Reloads that swapped in a new index.",
                self.reloads_ok.load(Ordering::Relaxed).to_string(),
            ),
            (
                "yalu_reloads_failed_total",
                "counter",
                "Reloads that failed and kept the previous index.",
                self.reloads_failed.load(Ordering::Relaxed).to_string(),
            ),
        ];
        for (name, kind, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
    }
}

/// The request counter: one sample per route, method and status.
fn render_request_counts(counts: &BTreeMap<(String, String, u16), u64>, out: &mut String) {
    out.push_str("# HELP yalu_http_requests_total HTTP requests by route, method and status.\n");
    out.push_str("# TYPE yalu_http_requests_total counter\n");
    for ((route, method, status), n) in counts {
        let _ = writeln!(
            out,
            "yalu_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
            escape(route),
            escape(method)
        );
    }
}

/// The latency histogram: cumulative buckets, sum and count per route.
fn render_latency(latency: &BTreeMap<String, Histogram>, out: &mut String) {
    out.push_str("# HELP yalu_http_request_duration_seconds Request latency by route.\n");
    out.push_str("# TYPE yalu_http_request_duration_seconds histogram\n");
    for (route, h) in latency {
        let route = escape(route);
        for (bound, n) in BUCKETS.iter().zip(h.counts) {
            let _ = writeln!(
                out,
                "yalu_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "yalu_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
            h.count
        );
        let _ = writeln!(
            out,
            "yalu_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
            h.sum
        );
        let _ = writeln!(
            out,
            "yalu_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
            h.count
        );
    }
}

/// The store's writer: writes and the commits they were grouped into.
pub fn render_store(stats: yalu_store::WriteStats) -> String {
    format!(
        "# HELP yalu_store_writes_total Case-store writes (review actions, imports) committed or refused.\n\
         # TYPE yalu_store_writes_total counter\n\
         yalu_store_writes_total {}\n\
         # HELP yalu_store_commits_total Transactions those writes were grouped into (group commit).\n\
         # TYPE yalu_store_commits_total counter\n\
         yalu_store_commits_total {}\n",
        stats.writes, stats.commits
    )
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative() {
        let m = Metrics::default();
        m.record_request("/match/{dataset}", "POST", 200, 0.003);
        m.record_request("/match/{dataset}", "POST", 200, 0.2);
        m.record_request("/match/{dataset}", "POST", 400, 0.0001);
        let text = m.render();
        assert!(text.contains(
            "yalu_http_requests_total{route=\"/match/{dataset}\",method=\"POST\",status=\"200\"} 2"
        ));
        assert!(text.contains("le=\"0.005\"} 2"), "{text}");
        assert!(text.contains("le=\"0.25\"} 3"));
        assert!(
            text.contains("yalu_http_request_duration_seconds_count{route=\"/match/{dataset}\"} 3")
        );
    }

    #[test]
    fn reloads_are_recorded() {
        let m = Metrics::default();
        m.record_reload(true, 1.5, Some(42));
        m.record_reload(false, 0.0, None);
        let text = m.render();
        assert!(text.contains("yalu_index_entities 42"));
        assert!(text.contains("yalu_reload_last_success 0"));
        assert!(text.contains("yalu_reload_last_duration_seconds 1.5"));
        assert!(text.contains("yalu_reloads_failed_total 1"));
    }
}
