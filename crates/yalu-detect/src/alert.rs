//! Alerts: what a rule found, on whom, proven by which records.

use crate::day::Day;
use crate::ruleset::Severity;
use serde::Serialize;
use std::collections::BTreeSet;

/// One alert as the rules make it. It serialises as its record,
/// [`yalu_model::Alert`] (the line of `alerts.jsonl`, the format the case
/// store and the server read): [`Alert::to_record`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(into = "yalu_model::Alert")]
pub struct Alert {
    /// `YA-` and 16 hex digits: a hash (FNV-1a, 64 bits) of the rule, the
    /// sorted subject ids and the sorted evidence ids, so the same finding
    /// keeps its id from run to run.
    pub alert_id: String,
    /// The id of the rule that fired (`VISA_RUN_CYCLE` ...).
    pub rule: &'static str,
    /// The rule's severity in the rule file.
    pub severity: Severity,
    /// Input ids of every person and organisation concerned; for a resolved
    /// person, all of its record ids. Sorted.
    pub subject_ids: Vec<String>,
    /// Input ids of the records that prove it. Sorted.
    pub evidence_ids: Vec<String>,
    /// First day of the finding's time span; `None` when it has none.
    pub period_start: Option<Day>,
    /// Last day of the finding's time span (inclusive); `None` when it has none.
    pub period_end: Option<Day>,
    /// One readable sentence saying what was found.
    pub summary: String,
    /// Worker-days × annual revenue per worker / 365, rounded to the dollar.
    pub estimated_revenue_usd: f64,
    /// DPRK workers concerned (resolved persons), for the summary table.
    pub workers: usize,
    /// The worker-days behind the revenue estimate.
    pub worker_days: i64,
}

impl Alert {
    /// The alert's record: the line `yalu detect` writes (rule and
    /// severity as their words, days as `YYYY-MM-DD`), with no evidence or
    /// investigation attached.
    pub fn to_record(&self) -> yalu_model::Alert {
        self.clone().into()
    }
}

impl From<Alert> for yalu_model::Alert {
    fn from(a: Alert) -> Self {
        yalu_model::Alert {
            alert_id: a.alert_id,
            rule: a.rule.to_string(),
            severity: a.severity,
            subject_ids: a.subject_ids,
            evidence_ids: a.evidence_ids,
            period_start: a.period_start.map(|d| d.to_string()),
            period_end: a.period_end.map(|d| d.to_string()),
            summary: a.summary,
            estimated_revenue_usd: a.estimated_revenue_usd,
            workers: Some(a.workers as u64),
            worker_days: a.worker_days,
            context: yalu_model::CaseContext::default(),
        }
    }
}

/// 64-bit FNV-1a.
pub fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0xff;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// What a rule hands over to make an alert.
#[derive(Debug, Default)]
pub struct Finding {
    /// Input ids of the persons (every record of a resolved person) and
    /// organisations concerned; become [`Alert::subject_ids`].
    pub subjects: BTreeSet<String>,
    /// Input ids of the proving records (`list:<id>` for a listed entity);
    /// become [`Alert::evidence_ids`].
    pub evidence: BTreeSet<String>,
    /// First and last day (inclusive) of the finding, if it has a span.
    pub period: Option<(Day, Day)>,
    /// One readable sentence.
    pub summary: String,
    /// DPRK workers concerned (resolved persons).
    pub workers: usize,
    /// Worker-days behind the revenue estimate.
    pub worker_days: i64,
}

impl Finding {
    /// Makes the alert of `rule`: sorts subjects and evidence, derives the
    /// stable `alert_id` from them, and estimates revenue as worker-days ×
    /// `annual_usd` (revenue per worker-year, USD) / 365, rounded to the
    /// dollar.
    pub fn into_alert(self, rule: &'static str, severity: Severity, annual_usd: f64) -> Alert {
        let subject_ids: Vec<String> = self.subjects.into_iter().collect();
        let evidence_ids: Vec<String> = self.evidence.into_iter().collect();
        let mut parts: Vec<&str> = vec![rule, "\u{1}"];
        parts.extend(subject_ids.iter().map(String::as_str));
        parts.push("\u{1}");
        parts.extend(evidence_ids.iter().map(String::as_str));
        let alert_id = format!("YA-{:016x}", fnv1a(&parts));
        Alert {
            alert_id,
            rule,
            severity,
            subject_ids,
            evidence_ids,
            period_start: self.period.map(|p| p.0),
            period_end: self.period.map(|p| p.1),
            summary: self.summary,
            estimated_revenue_usd: (self.worker_days as f64 * annual_usd / 365.0).round(),
            workers: self.workers,
            worker_days: self.worker_days,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_depend_on_content_only() {
        let make = |subjects: &[&str]| {
            Finding {
                subjects: subjects.iter().map(|s| s.to_string()).collect(),
                evidence: ["e1".to_string()].into(),
                worker_days: 365,
                ..Default::default()
            }
            .into_alert("X", Severity::High, 5000.0)
        };
        let a = make(&["p1", "p2"]);
        assert_eq!(a.alert_id, make(&["p2", "p1"]).alert_id);
        assert_ne!(a.alert_id, make(&["p1", "p3"]).alert_id);
        assert_eq!(a.estimated_revenue_usd, 5000.0);
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
    }

    #[test]
    fn an_alert_writes_its_record_line() {
        let a = Finding {
            subjects: ["p1".to_string()].into(),
            evidence: ["e1".to_string()].into(),
            period: Some((
                Day::parse("2024-01-05").unwrap(),
                Day::parse("2024-02-01").unwrap(),
            )),
            summary: "s".into(),
            workers: 1,
            worker_days: 365,
        }
        .into_alert("X", Severity::High, 5000.0);
        let line = serde_json::to_string(&a).unwrap();
        assert_eq!(
            line,
            format!(
                r#"{{"alert_id":"{}","rule":"X","severity":"high","subject_ids":["p1"],"evidence_ids":["e1"],"period_start":"2024-01-05","period_end":"2024-02-01","summary":"s","estimated_revenue_usd":5000.0,"workers":1,"worker_days":365}}"#,
                a.alert_id
            )
        );
        let back: yalu_model::Alert = serde_json::from_str(&line).unwrap();
        assert_eq!(back, a.to_record());
    }
}
